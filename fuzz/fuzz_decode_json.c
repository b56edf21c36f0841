/*
 * libFuzzer differential target for the two JSON decoders: decode_json()
 * (the hot path) and decode_json_ref() (json-c) run on the same input
 * must both accept or both refuse with the same reason, and when both
 * accept, set the same fields to the same bytes and see the same shape.
 * The differences tests/lib/decode_json_ref.c documents are excluded, and
 * only those: json-c's leniency (NaN and other bare words, "1.",
 * single-quoted strings), its printing of "-0" and of integers beyond 64
 * bits, and a repeated object-valued key, whose fields the fast scanner
 * merges.  The fast scanner with only the builtin fields wanted
 * (decode_ctx_want()) must give the same answer, and each field it stores
 * equal to the one it stores with every field wanted.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"

#define FUZZ_MAX_DEPTH	64
#define FUZZ_MAX_KEYS	64	/* object-valued keys compared per object */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Only the builtin ids: decode_ctx_want() adds them to an empty set. */
static const uint64_t fuzz_want_none[EVENT_MAX_FIELDS / 64];

static const char	*fuzz_skip_value(const char *, const char *, int,
			    bool *);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const names[] = {
		"Hashes", "TargetFilename", "QueryResults"
	};
	size_t	 i;

	(void)argc;
	(void)argv;
	event_fields_init();
	/* Registered but not builtin: fuzz_want_none leaves them out. */
	for (i = 0; i < DECODE_SYS_N; i++)
		(void)event_field_intern(decode_sys_name((enum decode_sys)i),
		    strlen(decode_sys_name((enum decode_sys)i)));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)event_field_intern(names[i], strlen(names[i]));
	return 0;
}

/* Skips a string starting at its opening quote; returns past its end. */
static const char *
fuzz_skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return end;
}

/*
 * True when buf holds, outside strings, something json-c reads more
 * leniently or prints differently than the fast scanner (documented in
 * decode_json_ref.c): a single quote, a bare word other than true, false
 * and null (NaN, Infinity), a '.' with no digit after it ("1.", "1.e5"),
 * the integer "-0", or an integer of 19 digits or more (beyond int64 it
 * is clamped).
 */
static bool
fuzz_json_lenient(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *q, *d;
	bool		 frac;

	while (p < end) {
		if (*p == '"') {
			p = fuzz_skip_string(p, end);
			continue;
		}
		if (*p == '\'')
			return true;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			for (q = p; q < end && ((*q >= 'a' && *q <= 'z') ||
			    (*q >= 'A' && *q <= 'Z')); q++)
				;
			if (!((q - p == 4 && memcmp(p, "true", 4) == 0) ||
			    (q - p == 5 && memcmp(p, "false", 5) == 0) ||
			    (q - p == 4 && memcmp(p, "null", 4) == 0)))
				return true;
			p = q;
			continue;
		}
		if (*p == '-' || (*p >= '0' && *p <= '9')) {
			q = p;
			if (*q == '-')
				q++;
			for (d = q; q < end && *q >= '0' && *q <= '9'; q++)
				;
			frac = q < end && strchr(".eE", *q) != NULL &&
			    *q != '\0';
			if (!frac && q - d >= 19)
				return true;
			if (!frac && *p == '-' && q - d == 1 && *d == '0')
				return true;
			while (q < end && strchr("0123456789.eE+-", *q) != NULL &&
			    *q != '\0') {
				if (*q == '.' && (q + 1 == end ||
				    q[1] < '0' || q[1] > '9'))
					return true;
				q++;
			}
			p = q;
			continue;
		}
		p++;
	}
	return false;
}

static const char *
fuzz_ws(const char *p, const char *end)
{
	while (p < end && strchr(" \t\r\n", *p) != NULL && *p != '\0')
		p++;
	return p;
}

/*
 * Skips one value of a document both decoders accepted, setting *dup
 * when an object in it repeats a key whose value is an object (or may:
 * a key with an escape is assumed to collide).
 */
static const char *
fuzz_skip_value(const char *p, const char *end, int depth, bool *dup)
{
	const char	*key[FUZZ_MAX_KEYS], *k, *kend;
	size_t		 klen[FUZZ_MAX_KEYS], nkey = 0, i;
	char		 close;

	p = fuzz_ws(p, end);
	if (p == end)
		return end;
	if (*p == '"')
		return fuzz_skip_string(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && strchr(",]} \t\r\n", *p) == NULL)
			p++;
		return p;
	}
	if (depth > FUZZ_MAX_DEPTH + 1) {
		*dup = true;
		return end;
	}
	close = *p == '{' ? '}' : ']';
	p = fuzz_ws(p + 1, end);
	while (p < end && *p != close) {
		if (close == '}') {
			k = p + 1;
			p = fuzz_skip_string(p, end);
			kend = p - 1;
			p = fuzz_ws(p, end);
			if (p < end && *p == ':')
				p = fuzz_ws(p + 1, end);
			if (p < end && *p == '{') {
				if (memchr(k, '\\', kend - k) != NULL ||
				    nkey == FUZZ_MAX_KEYS)
					*dup = true;
				for (i = 0; i < nkey; i++)
					if (klen[i] == (size_t)(kend - k) &&
					    memcmp(key[i], k, klen[i]) == 0)
						*dup = true;
				if (nkey < FUZZ_MAX_KEYS) {
					key[nkey] = k;
					klen[nkey++] = kend - k;
				}
			}
		}
		p = fuzz_ws(fuzz_skip_value(p, end, depth + 1, dup), end);
		if (p < end && *p == ',')
			p = fuzz_ws(p + 1, end);
	}
	return p < end ? p + 1 : end;
}

static void
fuzz_fail(const char *what, const struct event *a, const struct event *b,
    int id)
{
	fprintf(stderr, "decode_json differential: %s", what);
	if (id >= 0)
		fprintf(stderr, " %s: fast \"%.*s\" (%d) ref \"%.*s\" (%d)",
		    event_field_name(id),
		    event_has(a, id) ? (int)a->val[id].len : 0,
		    event_has(a, id) ? a->val[id].ptr : "",
		    event_has(a, id),
		    event_has(b, id) ? (int)b->val[id].len : 0,
		    event_has(b, id) ? b->val[id].ptr : "",
		    event_has(b, id));
	fputc('\n', stderr);
	abort();
}

/* Whether a and b set the same fields to the same bytes and shape. */
static bool
fuzz_same_fields(const struct event *a, const struct event *b)
{
	int	 id;

	for (id = 0; id < event_field_count(); id++) {
		if (event_has(a, id) != event_has(b, id))
			return false;
		if (event_has(a, id) && (a->val[id].len != b->val[id].len ||
		    memcmp(a->val[id].ptr, b->val[id].ptr, a->val[id].len) !=
		    0))
			return false;
	}
	return a->shape == b->shape;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_limits	 lim;
	struct event		 a, b, c;
	enum decode_error	 ea, eb, ec;
	const char		*buf;
	char			*copy;
	bool			 dup = false;
	int			 id;

	memset(&lim, 0, sizeof(lim));
	lim.max_depth = FUZZ_MAX_DEPTH;
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	buf = copy;
	/* Unescaped values never outgrow the input (as in pipeline.c). */
	event_init(&a, size + 1024);
	event_init(&b, size + 1024);
	event_init(&c, size + 1024);
	/*
	 * The portable copy of the fast scanner first, then the AVX2 one
	 * (where the CPU has it): both must give the same answer.
	 */
	decode_json_set_simd(false);
	ea = decode_json(testref_dc(), buf, size, &lim, &a);
	decode_json_set_simd(true);
	ec = decode_json(testref_dc(), buf, size, &lim, &c);
	if (ea != ec) {
		fprintf(stderr, "portable %s, simd %s\n",
		    decode_error_name(ea), decode_error_name(ec));
		fuzz_fail("copies differ", &a, &c, -1);
	}
	if (ea == DECODE_OK && !fuzz_same_fields(&a, &c))
		fuzz_fail("copies differ in fields", &a, &c, -1);
	event_reset(&c);
	decode_ctx_want(testref_dc(), fuzz_want_none);
	ec = decode_json(testref_dc(), buf, size, &lim, &c);
	decode_ctx_want(testref_dc(), NULL);
	if (ea != ec) {
		fprintf(stderr, "every field %s, fewer %s\n",
		    decode_error_name(ea), decode_error_name(ec));
		fuzz_fail("fewer fields, other outcome", &a, &c, -1);
	}
	if (ea == DECODE_OK && (id = testref_event_within(&c, &a)) != -1)
		fuzz_fail("fewer fields, other value:", &a, &c, id);
	eb = decode_json_ref(testref_dc(), buf, size, &lim, &b);
	if (ea != eb) {
		if (!fuzz_json_lenient(buf, size)) {
			fprintf(stderr, "fast %s, ref %s\n",
			    decode_error_name(ea), decode_error_name(eb));
			fuzz_fail("outcomes differ", &a, &b, -1);
		}
		goto out;
	}
	if (ea != DECODE_OK)
		goto out;
	if (fuzz_json_lenient(buf, size))
		goto out;
	(void)fuzz_skip_value(buf, buf + size, 1, &dup);
	if (dup)
		goto out;
	for (id = 0; id < event_field_count(); id++) {
		if (event_has(&a, id) != event_has(&b, id))
			fuzz_fail("field set in one only:", &a, &b, id);
		if (!event_has(&a, id))
			continue;
		if (a.val[id].len != b.val[id].len ||
		    memcmp(a.val[id].ptr, b.val[id].ptr, a.val[id].len) != 0)
			fuzz_fail("values differ:", &a, &b, id);
	}
	if (a.shape != b.shape)
		fuzz_fail("shapes differ", &a, &b, -1);
out:
	event_clear(&a);
	event_clear(&b);
	event_clear(&c);
	free(copy);
	return 0;
}
