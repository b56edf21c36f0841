/*
 * The reference JSON decoder: the same field semantics as decode_json.c,
 * built on json-c's tokener and tree, slow and obviously right.  Tests
 * run both on the same inputs and require identical fields.  It is not
 * used on the hot path.  json-c is more lenient than RFC 8259 in a few
 * places; the ones that matter for field values (raw control characters
 * inside strings, numbers with leading zeros or no digit after the minus
 * sign) are refused by a small pre-pass.  Others (NaN, "1.", single-quoted
 * strings, "-0" printed as "0", integers beyond 64 bits clamped) are
 * json-c's own.  One difference is the fast scanner's: when an
 * object-valued key is repeated ({"winlog":{..},"winlog":{..}}) it keeps
 * the fields of both objects, json-c only those of the last.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "decode/decode.h"
#include "testref.h"

struct decode_ref {
	struct decode_jctx	 ctx;	/* naming rules and aliases */
	int			 max_depth; /* limit on nesting */
	char			 path[DECODE_PATH_MAX + 1]; /* dotted path */
};

/*
 * The offset of the first raw control character in a string (RFC 8259
 * s. 7), leading zero of a number ("01", "-00.5": s. 6) or minus sign
 * with no digit after it ("-.3"), which json-c accepts even in strict
 * mode; len when there is none.
 */
static size_t
decode_ref_bad_at(const char *buf, size_t len)
{
	size_t	 i, j;
	bool	 in = false;

	for (i = 0; i < len; i++) {
		if (!in) {
			in = buf[i] == '"';
			if (i > 0 && strchr("0123456789.eE+-", buf[i - 1]) !=
			    NULL && buf[i - 1] != '\0')
				continue;
			j = buf[i] == '-' ? i + 1 : i;
			if (j > i && (j == len || buf[j] < '0' || buf[j] > '9'))
				return i;
			if (j + 1 < len && buf[j] == '0' &&
			    buf[j + 1] >= '0' && buf[j + 1] <= '9')
				return j;
			continue;
		}
		if (buf[i] == '\\')
			i++;
		else if (buf[i] == '"')
			in = false;
		else if ((unsigned char)buf[i] < 0x20)
			return i;
	}
	return len;
}

/*
 * The deepest nesting of objects and arrays in the valid prefix
 * buf[0..len), as the fast scanner counts it: it refuses a document on
 * the first bracket too deep, before any later error, and json-c finds
 * depth only on a value inside the too deep level, and not at all in a
 * document cut short.
 */
static int
decode_ref_nesting(const char *buf, size_t len)
{
	size_t	 i;
	int	 d = 0, max = 0;
	bool	 in = false;

	for (i = 0; i < len; i++) {
		if (in) {
			if (buf[i] == '\\')
				i++;
			else if (buf[i] == '"')
				in = false;
		} else if (buf[i] == '"')
			in = true;
		else if (buf[i] == '{' || buf[i] == '[') {
			if (++d > max)
				max = d;
		} else if (buf[i] == '}' || buf[i] == ']')
			d--;
	}
	return max;
}

/* The depth of nested objects and arrays in o (o itself counts 1). */
static int
decode_ref_depth(struct json_object *o)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;
	int				 d, max = 0;

	switch (json_object_get_type(o)) {
	case json_type_object:
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it))
			if ((d = decode_ref_depth(
			    json_object_iter_peek_value(&it))) > max)
				max = d;
		return max + 1;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if ((d = decode_ref_depth(
			    json_object_array_get_idx(o, i))) > max)
				max = d;
		return max + 1;
	default:
		return 0;
	}
}

/* Walks object o whose own path is r->path[0..plen). */
static enum decode_error
decode_ref_object(struct decode_ref *r, struct json_object *o, size_t plen)
{
	struct json_object_iterator	 it, end;
	struct decode_jname		 n;
	struct json_object		*v;
	enum decode_error		 err;
	const char			*k, *s;
	char				*copy;
	size_t				 klen, off, len;

	it = json_object_iter_begin(o);
	end = json_object_iter_end(o);
	for (; !json_object_iter_equal(&it, &end);
	    json_object_iter_next(&it)) {
		k = json_object_iter_peek_name(&it);
		v = json_object_iter_peek_value(&it);
		klen = strlen(k);
		off = plen == 0 ? 0 : plen + 1;
		if (off + klen > DECODE_PATH_MAX)
			continue;
		if (plen != 0)
			r->path[plen] = '.';
		memcpy(r->path + off, k, klen);
		off += klen;
		decode_jctx_resolve(&r->ctx, r->path, off, &n);
		switch (json_object_get_type(v)) {
		case json_type_object:
			if (decode_jname_wanted(&n) &&
			    decode_jctx_store(&r->ctx, &n, NULL, 0) == -1)
				return DECODE_ERR_TOO_LARGE;
			if ((err = decode_ref_object(r, v, off)) != DECODE_OK)
				return err;
			continue;
		case json_type_array:
		case json_type_null:
			s = NULL;
			len = 0;
			break;
		case json_type_string:
			s = json_object_get_string(v);
			len = (size_t)json_object_get_string_len(v);
			break;
		default:
			s = json_object_get_string(v);
			len = strlen(s);
			break;
		}
		if (!decode_jname_wanted(&n))
			continue;
		copy = NULL;
		if (len > 0) {
			if ((copy = event_alloc(r->ctx.ev, len)) == NULL)
				return DECODE_ERR_TOO_LARGE;
			memcpy(copy, s, len);
		}
		if (decode_jctx_store(&r->ctx, &n, copy, len) == -1)
			return DECODE_ERR_TOO_LARGE;
	}
	return DECODE_OK;
}

enum decode_error
decode_json_ref(struct decode_ctx *dc, const char *buf, size_t len,
    const struct decode_limits *lim, struct event *ev)
{
	struct decode_ref	 r;
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 jerr;
	enum decode_error	 err;
	size_t			 end, bad;

	r.max_depth = lim != NULL ? lim->max_depth : 64;
	decode_jctx_init(&r.ctx, dc, ev);
	if (len > INT32_MAX)
		return DECODE_ERR_TOO_LARGE;
	for (end = 0; end < len; end++)
		if (strchr(" \t\r\n", buf[end]) == NULL || buf[end] == '\0')
			break;
	if (end == len)
		return DECODE_ERR_EMPTY;
	if (buf[end] != '{')
		return DECODE_ERR_JSON_SYNTAX;
	/*
	 * json-c parses only up to the first byte the pre-pass refuses: an
	 * error before it comes first, else the document is cut short there.
	 * json-c counts a scalar leaf as a level of its own.
	 */
	bad = decode_ref_bad_at(buf, len);
	if ((tok = json_tokener_new_ex(r.max_depth + 1)) == NULL)
		return DECODE_ERR_TOO_LARGE;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, buf, (int)bad);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (o == NULL || jerr != json_tokener_success) {
		json_object_put(o);
		return jerr == json_tokener_error_depth ||
		    decode_ref_nesting(buf, end < bad ? end : bad) >
		    r.max_depth ? DECODE_ERR_JSON_DEPTH :
		    DECODE_ERR_JSON_SYNTAX;
	}
	if (decode_ref_depth(o) > r.max_depth) {
		json_object_put(o);
		return DECODE_ERR_JSON_DEPTH;
	}
	for (; end < len; end++)
		if (strchr(" \t\r\n", buf[end]) == NULL || buf[end] == '\0') {
			json_object_put(o);
			return DECODE_ERR_JSON_SYNTAX;
		}
	err = decode_ref_object(&r, o, 0);
	json_object_put(o);
	if (err != DECODE_OK)
		return err;
	return decode_jctx_finish(&r.ctx);
}
