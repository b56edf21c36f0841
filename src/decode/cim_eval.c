/*
 * The CIM mapping at run time: the value of a rule's expression on an
 * event (its functions are described in cim(5)), and the add-on and
 * dataset fields set from them.  Nothing is allocated but what lower()
 * and dnsanswers() write into the event's arena.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <ctype.h>
#include <string.h>

#include "decode/cim_int.h"

struct cim_val {
	const char	*p;
	size_t		 len;		/* 0: null */
};

static bool
cim_ieq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	 i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

/* Index just past the last c in s (0 when there is none). */
static size_t
cim_after_last(const char *s, size_t len, const char *set)
{
	while (len > 0 && strchr(set, s[len - 1]) == NULL)
		len--;
	return len;
}

/*
 * "WORD (x)" (regex ^\w+\s\((.+)\)$): the length of WORD and the bounds
 * of x; false on any other shape.
 */
static bool
cim_wrapped(const char *s, size_t len, size_t *wlen, size_t *in, size_t *inlen)
{
	size_t	 i = 0;

	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	if (i == 0 || i + 3 > len || !isspace((unsigned char)s[i]) ||
	    s[i + 1] != '(' || s[len - 1] != ')' || i + 3 == len)
		return false;
	*wlen = i;
	*in = i + 2;
	*inlen = len - 1 - *in;
	return true;
}

/* The run of [^\s"] at s[i], if white space or the end follows it. */
static size_t
cim_token(const char *s, size_t len, size_t i)
{
	size_t	 e = i;

	while (e < len && !isspace((unsigned char)s[e]) && s[e] != '"')
		e++;
	return e > i && (e == len || isspace((unsigned char)s[e])) ? e - i : 0;
}

/*
 * The data model's program name from a command line (CIM-MAPPING R10),
 * the CIM's two regexes done by hand: ^\s*(?:"..*\\([^"]+)").* (the
 * text after the last backslash of a leading quoted token), else
 * ^(?:..*\\)?([^\s"]+)(?=\s|$).* (greedy: the last backslash after
 * which such a token starts), else null.
 */
static struct cim_val
cim_cmdname(const char *s, size_t len)
{
	struct cim_val	 r = { NULL, 0 };
	size_t		 i = 0, b, e;

	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (i < len && s[i] == '"') {
		for (b = len; b > i + 2; b--) {
			if (s[b - 1] != '\\')
				continue;
			for (e = b; e < len && s[e] != '"'; e++)
				;
			if (e < len && e > b) {
				r.p = s + b;
				r.len = e - b;
				return r;
			}
		}
	}
	for (b = len; b > 1; b--)
		if (s[b - 1] == '\\' && (e = cim_token(s, len, b)) > 0) {
			r.p = s + b;
			r.len = e;
			return r;
		}
	if ((e = cim_token(s, len, 0)) > 0) {
		r.p = s;
		r.len = e;
	}
	return r;
}

static struct cim_val cim_eval(const struct cim_node *, struct event *,
		    bool *);

static struct cim_val
cim_call(const struct cim_node *n, struct event *ev, bool *full)
{
	struct cim_val	 r = { NULL, 0 }, x, k, y;
	size_t		 i, w, in, inlen, pre;
	char		*buf;

	x = cim_eval(n->kid[0], ev, full);
	switch (n->fn) {
	case CIM_FN_BASENAME:
		if (x.len == 0)
			break;
		i = cim_after_last(x.p, x.len, "\\/");
		r.p = x.p + i;
		r.len = x.len - i;
		break;
	case CIM_FN_DIRNAME:
		if (x.len == 0 || (i = cim_after_last(x.p, x.len, "\\")) == 0)
			break;
		r.p = x.p;
		r.len = i - 1;
		break;
	case CIM_FN_USER:
		i = cim_after_last(x.p, x.len, "\\");
		r.p = x.p + i;
		r.len = x.len - i;
		break;
	case CIM_FN_LOWER:
		if (x.len == 0 || (buf = event_alloc(ev, x.len)) == NULL) {
			*full |= x.len != 0;
			break;
		}
		for (i = 0; i < x.len; i++)
			buf[i] = (char)tolower((unsigned char)x.p[i]);
		r.p = buf;
		r.len = x.len;
		break;
	case CIM_FN_MAP:
		if (x.len == 0)
			break;
		for (i = 1; i + 1 < n->nkid; i += 2) {
			k = cim_eval(n->kid[i], ev, full);
			if (cim_ieq(x.p, x.len, k.p, k.len))
				return cim_eval(n->kid[i + 1], ev, full);
		}
		if (i < n->nkid)
			r = cim_eval(n->kid[i], ev, full);
		break;
	case CIM_FN_IFEQ:
		y = cim_eval(n->kid[1], ev, full);
		if (x.len != 0 && x.len == y.len &&
		    memcmp(x.p, y.p, x.len) == 0)
			r = cim_eval(n->kid[2], ev, full);
		else
			r = cim_eval(n->kid[3], ev, full);
		break;
	case CIM_FN_UNWRAP:
		r = x;
		if (cim_wrapped(x.p, x.len, &w, &in, &inlen)) {
			r.p = x.p + in;
			r.len = inlen;
		}
		break;
	case CIM_FN_TYPEWORD:
		if (cim_wrapped(x.p, x.len, &w, &in, &inlen)) {
			r.p = x.p;
			r.len = w;
		}
		break;
	case CIM_FN_CMDNAME:
		if (x.len != 0)
			r = cim_cmdname(x.p, x.len);
		break;
	case CIM_FN_PREFIXMAP:
		for (i = 1; x.len != 0 && i + 1 < n->nkid; i += 2) {
			k = cim_eval(n->kid[i], ev, full);
			pre = k.len;
			if (pre > 0 && pre <= x.len &&
			    cim_ieq(x.p, pre, k.p, pre))
				return cim_eval(n->kid[i + 1], ev, full);
		}
		break;
	case CIM_FN_NULLIF:
		y = cim_eval(n->kid[1], ev, full);
		if (!(x.len == y.len && x.len != 0 &&
		    memcmp(x.p, y.p, x.len) == 0))
			r = x;
		break;
	case CIM_FN_NUM:
		for (i = 0; i < x.len && isdigit((unsigned char)x.p[i]); i++)
			;
		if (x.len != 0 && i == x.len)
			r = x;
		break;
	case CIM_FN_DNSANSWERS:
		if (x.len == 0 || (x.len == 1 && x.p[0] == '-'))
			break;
		if ((buf = event_alloc(ev, x.len)) == NULL) {
			*full = true;
			break;
		}
		/* "type:  5 a.example;::ffff:1.2.3.4;": a line per entry. */
		w = 0;
		for (i = 0; i < x.len; ) {
			size_t	 e = i, s0;

			while (e < x.len && x.p[e] != ';')
				e++;
			s0 = i;
			if (e - s0 > 5 && memcmp(x.p + s0, "type:", 5) == 0) {
				s0 += 5;
				while (s0 < e && x.p[s0] == ' ')
					s0++;
				while (s0 < e && isdigit((unsigned char)x.p[s0]))
					s0++;
				while (s0 < e && x.p[s0] == ' ')
					s0++;
			}
			if (e > s0) {
				if (w > 0)
					buf[w++] = '\n';
				memcpy(buf + w, x.p + s0, e - s0);
				w += e - s0;
			}
			i = e + 1;
		}
		event_trim(ev, buf, w);
		if (w > 0) {
			r.p = buf;
			r.len = w;
		}
		break;
	case CIM_FN_KV:
		/* "MD5=...,SHA256=...,IMPHASH=...": the value of one key. */
		k = cim_eval(n->kid[1], ev, full);
		for (i = 0; x.len != 0 && k.len != 0 && i < x.len; ) {
			size_t	 e = i;

			while (e < x.len && x.p[e] != ',')
				e++;
			if (e - i > k.len && x.p[i + k.len] == '=' &&
			    cim_ieq(x.p + i, k.len, k.p, k.len)) {
				r.p = x.p + i + k.len + 1;
				r.len = e - i - k.len - 1;
				break;
			}
			i = e + 1;
		}
		break;
	case CIM_FN_COUNT:
		break;
	}
	return r;
}

/* The value of an expression on ev; len 0 means null. */
static struct cim_val
cim_eval(const struct cim_node *n, struct event *ev, bool *full)
{
	struct cim_val	 r = { NULL, 0 };
	size_t		 i;

	switch (n->type) {
	case CIM_NODE_FIELD:
		if (event_has(ev, n->id)) {
			r.p = ev->val[n->id].ptr;
			r.len = ev->val[n->id].len;
		}
		break;
	case CIM_NODE_LIT:
		r.p = n->lit;
		r.len = n->litlen;
		break;
	case CIM_NODE_ALT:
		for (i = 0; i < n->nkid && r.len == 0; i++)
			r = cim_eval(n->kid[i], ev, full);
		break;
	case CIM_NODE_CALL:
		r = cim_call(n, ev, full);
		break;
	}
	return r;
}

int
cim_rules_apply(const struct cim_rule *const *v, size_t n, struct event *ev)
{
	struct cim_val	 r;
	size_t		 i;
	bool		 full = false;

	for (i = 0; i < n; i++) {
		if (!v[i]->live || event_has(ev, v[i]->target))
			continue;
		r = cim_eval(v[i]->expr, ev, &full);
		if (r.len != 0 &&
		    event_set_ref(ev, v[i]->target, r.p, r.len) == -1)
			return -1;
	}
	return full ? -1 : 0;
}

/* The EventCode as an index of by_code[]. */
static size_t
cim_event_code(const struct event *ev)
{
	const char	*v;
	size_t		 len, i, code = 0;

	if (!event_get(ev, EVENT_F_EVENTCODE, &v, &len) || len > 3)
		return CIM_OTHER;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return CIM_OTHER;
		code = code * 10 + (size_t)(v[i] - '0');
	}
	return code <= CIM_MAX_EVENT_CODE ? code : CIM_OTHER;
}

static bool
cim_contains_nocase(const struct event *ev, int id, const char *needle)
{
	const char	*v;
	size_t		 len, n = strlen(needle), i;

	if (!event_get(ev, id, &v, &len))
		return false;
	for (i = 0; i + n <= len; i++)
		if (cim_ieq(v + i, n, needle, n))
			return true;
	return false;
}

/* Sysmon, Windows or Linux: what event_normalise() gave it as source. */
static bool
cim_is_sysmon(const struct event *ev)
{
	static const char	 win[] =
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational";
	const char		*v;
	size_t			 len;

	/* What event_normalise() sets, first: no scan for most events. */
	if (event_get(ev, EVENT_F_SOURCE, &v, &len) &&
	    len == sizeof(win) - 1 && memcmp(v, win, len) == 0)
		return true;
	return cim_contains_nocase(ev, EVENT_F_SOURCE, "sysmon") ||
	    cim_contains_nocase(ev, EVENT_F_SOURCETYPE, "sysmon");
}

int
cim_addon_apply(const struct cim_map *m, struct event *ev)
{
	size_t	 code;

	if (!cim_is_sysmon(ev))
		return 0;
	code = cim_event_code(ev);
	return cim_rules_apply(m->by_code[code], m->nby_code[code], ev);
}

bool
cim_dataset_has(const struct cim_dataset *ds, const struct event *ev)
{
	size_t	 code;

	if (!cim_is_sysmon(ev))
		return false;
	code = cim_event_code(ev);
	return code != CIM_OTHER && cim_code_in(ds->codes, code);
}

bool
cim_dataset_lists(const struct cim_dataset *ds, size_t code)
{
	return code <= CIM_MAX_EVENT_CODE && cim_code_in(ds->codes, code);
}

int
cim_dataset_apply(const struct cim_dataset *ds, struct event *ev)
{
	const struct cim_rule	*v[256];
	size_t			 i, n = 0;
	int			 rc = 0;

	for (i = 0; i < ds->rules.n; i++) {
		v[n++] = &ds->rules.v[i];
		if (n == sizeof(v) / sizeof(v[0]) || i + 1 == ds->rules.n) {
			if (cim_rules_apply(v, n, ev) == -1)
				rc = -1;
			n = 0;
		}
	}
	return rc;
}
