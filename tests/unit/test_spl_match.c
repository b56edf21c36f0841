/*
 * Differential tests of spl_match() (continued from test_spl.c): random
 * wildcard patterns and values, random term trees in every order, and
 * every byte pair, each against the plain reference matcher below.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "detect/detection.h"
#include "decode/event.h"
#include "detect/spl.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The reference matcher: spl's value matching (now spl_match.c) as it
 * was before the patterns were compiled into segments and the terms
 * ordered by cost (commit a54b66f), written plainly, so that the
 * differential tests below can require the same answers from
 * spl_match().  It shares no code with src/detect: not even the number
 * rule, a regular expression here.
 */
struct ref_value {
	char		 text[64];	/* lowercased */
	size_t		 len;
	bool		 wild;		/* has a '*' */
	bool		 numeric;
	double		 num;
};

/*
 * The one number rule (spl.h), written apart from spl_parse_num(): a
 * POSIX regular expression for the numeral, then strtod() for its value.
 */
static bool
ref_parse_num(const char *s, size_t len, double *out)
{
	static regex_t	 re;
	static bool	 compiled;
	char		 buf[64];

	if (!compiled) {
		cr_assert_eq(regcomp(&re, "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)"
		    "([eE][+-]?[0-9]+)?$", REG_EXTENDED | REG_NOSUB), 0);
		compiled = true;
	}
	if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (regexec(&re, buf, 0, NULL, 0) != 0)
		return false;
	*out = strtod(buf, NULL);
	return isfinite(*out);
}

static char
ref_lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool
ref_ieq(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (ref_lower(a[i]) != b[i])
			return false;
	return true;
}

/* The leftmost place of seg in s, or slen when there is none. */
static size_t
ref_find(const char *s, size_t slen, const char *seg, size_t seglen)
{
	size_t	 k;

	for (k = 0; k + seglen <= slen; k++)
		if (ref_ieq(s + k, seg, seglen))
			return k;
	return slen;
}

static bool
ref_glob(const char *p, size_t plen, const char *s, size_t slen)
{
	const char	*star;
	size_t		 seg, k;
	bool		 first = true;

	for (;;) {
		star = memchr(p, '*', plen);
		seg = star != NULL ? (size_t)(star - p) : plen;
		if (star == NULL) {
			if (first)
				return seg == slen && ref_ieq(s, p, seg);
			return seg <= slen &&
			    ref_ieq(s + slen - seg, p, seg);
		}
		if (first) {
			if (seg > slen || !ref_ieq(s, p, seg))
				return false;
			s += seg;
			slen -= seg;
		} else if (seg > 0) {
			k = ref_find(s, slen, p, seg);
			if (k + seg > slen)
				return false;
			s += k + seg;
			slen -= k + seg;
		}
		first = false;
		p = star + 1;
		plen -= seg + 1;
	}
}

static void
ref_value_init(struct ref_value *v, const char *s, size_t len)
{
	size_t	 i;

	cr_assert_lt(len, sizeof(v->text));
	for (i = 0; i < len; i++)
		v->text[i] = ref_lower(s[i]);
	v->len = len;
	v->wild = memchr(s, '*', len) != NULL;
	v->numeric = !v->wild && ref_parse_num(s, len, &v->num);
}

static bool
ref_value_eq(const struct ref_value *v, const char *s, size_t len)
{
	double	 d;

	if (v->numeric && ref_parse_num(s, len, &d))
		return d == v->num;
	if (v->wild)
		return ref_glob(v->text, v->len, s, len);
	return len == v->len && ref_ieq(s, v->text, len);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t
rnd(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545f4914f6cdd1dULL;
}

static size_t
rnd_below(uint64_t *st, size_t n)
{
	return (size_t)(rnd(st) >> 33) % n;
}

/*
 * Bytes the random patterns and values are made of: letters of both
 * cases, the characters of Windows paths, digits, signs and exponents
 * (numbers),
 * the bytes around 'A'..'Z' and 'a'..'z', bytes outside ASCII, and the
 * characters the SPL string syntax escapes.
 */
static const char rnd_bytes[] = "aAbBzZxX\\\\..  0123+-59eE@[`{\x80\xc3"
    "\xa9\xdf\xff\"()";

static char
rnd_byte(uint64_t *st)
{
	if (rnd_below(st, 16) == 0)
		return (char)(1 + rnd_below(st, 255));
	return rnd_bytes[rnd_below(st, sizeof(rnd_bytes) - 1)];
}

/* A random pattern of at most 24 bytes: '*' runs, empty segments. */
static size_t
rnd_pattern(uint64_t *st, char *p)
{
	size_t	 n = rnd_below(st, 25), i;

	for (i = 0; i < n; i++)
		p[i] = rnd_below(st, 4) == 0 ? '*' : rnd_byte(st);
	return n;
}

/*
 * A value for pattern p: often p with each '*' replaced by a few bytes
 * and the case of some letters changed, sometimes with one byte changed
 * too, else random bytes.  At most 56 bytes, NUL bytes included.
 */
static size_t
rnd_value(uint64_t *st, const char *p, size_t plen, char *s)
{
	size_t	 n = 0, i, k;

	if (rnd_below(st, 4) == 0) {
		k = rnd_below(st, 57);
		for (i = 0; i < k; i++)
			s[n++] = rnd_below(st, 40) == 0 ? '\0' : rnd_byte(st);
		return n;
	}
	for (i = 0; i < plen; i++) {
		if (p[i] != '*') {
			s[n] = p[i];
			if (rnd_below(st, 3) != 0)
				;
			else if (p[i] >= 'a' && p[i] <= 'z')
				s[n] = (char)(p[i] - 'a' + 'A');
			else if (p[i] >= 'A' && p[i] <= 'Z')
				s[n] = (char)(p[i] - 'A' + 'a');
			n++;
			continue;
		}
		for (k = rnd_below(st, 4); k > 0 && n < 56 - plen; k--)
			s[n++] = rnd_byte(st);
	}
	if (n > 0 && rnd_below(st, 4) == 0)
		s[rnd_below(st, n)] = rnd_byte(st);
	return n;
}

/* Appends p as an SPL quoted string to buf (escaping '\', '"', '(', ')'). */
static void
put_quoted(char *buf, size_t *off, const char *p, size_t plen)
{
	size_t	 i;

	buf[(*off)++] = '"';
	for (i = 0; i < plen; i++) {
		if (p[i] == '\\' || p[i] == '"' || p[i] == '(' || p[i] == ')')
			buf[(*off)++] = '\\';
		buf[(*off)++] = p[i];
	}
	buf[(*off)++] = '"';
	buf[*off] = '\0';
}

/*
 * Random patterns and values, through spl_compile() and spl_match() as
 * f="p", f!="p" and f IN("p", "q"), against the reference matcher.
 */
Test(spl, wildcard_matches_reference)
{
	struct spl_search *s[3];
	struct spl_error err;
	struct ref_value rv[2];
	struct event	 ev;
	uint64_t	 st = 0x9e3779b97f4a7c15ULL;
	char		 p[2][32], v[64], text[3][256];
	size_t		 plen[2], vlen, off, i, j, k;
	bool		 eq[2], want;
	int		 f;

	event_fields_init();
	f = event_field_intern("f", 1);
	event_init(&ev, 1 << 16);
	for (i = 0; i < 4000; i++) {
		for (k = 0; k < 2; k++) {
			plen[k] = rnd_pattern(&st, p[k]);
			ref_value_init(&rv[k], p[k], plen[k]);
		}
		off = 0;
		text[0][off++] = 'f', text[0][off++] = '=';
		put_quoted(text[0], &off, p[0], plen[0]);
		strcat(text[0], " | stats count");
		off = 0;
		text[1][off++] = 'f', text[1][off++] = '!';
		text[1][off++] = '=';
		put_quoted(text[1], &off, p[0], plen[0]);
		strcat(text[1], " | stats count");
		memcpy(text[2], "f IN(", 5);
		off = 5;
		put_quoted(text[2], &off, p[0], plen[0]);
		text[2][off++] = ',';
		put_quoted(text[2], &off, p[1], plen[1]);
		strcat(text[2], ") | stats count");
		for (k = 0; k < 3; k++) {
			s[k] = spl_compile(text[k], NULL, NULL, &err);
			cr_assert_not_null(s[k], "%s: %s", text[k], err.msg);
		}
		for (j = 0; j < 16; j++) {
			vlen = rnd_value(&st, p[j & 1], plen[j & 1], v);
			event_reset(&ev);
			event_set(&ev, f, v, vlen);
			for (k = 0; k < 2; k++)
				eq[k] = vlen > 0 &&
				    ref_value_eq(&rv[k], v, vlen);
			for (k = 0; k < 3; k++) {
				want = k == 0 ? eq[0] : k == 1 ?
				    vlen > 0 && !eq[0] : eq[0] || eq[1];
				cr_assert_eq(spl_match(s[k]->filter, &ev),
				    want, "%s on \"%.*s\" (%zu bytes)",
				    text[k], (int)vlen, v, vlen);
			}
		}
		for (k = 0; k < 3; k++)
			spl_search_free(s[k]);
	}
	event_clear(&ev);
}

/*
 * A random search over fields a..d: terms joined by AND, OR and NOT,
 * printed with or without its terms in reverse order.  The tree is kept
 * so that the reference can evaluate it.
 */
struct rnd_node {
	int		 type;		/* 0 term, 1 AND, 2 OR, 3 NOT */
	int		 field;		/* term: 0..3 */
	int		 op;		/* term: 0 =, 1 !=, 2 IN */
	struct ref_value v[2];		/* term: one, or two for IN */
	char		 p[2][32];
	size_t		 plen[2];
	size_t		 nkids;
	struct rnd_node	*kids[4];
};

static struct rnd_node *
rnd_tree(uint64_t *st, int depth)
{
	static const char *const pats[] = {
		"1", "25", "x", "*x*", "*\\x.exe", "a*b", "*", "X*", "*1",
		"025", "*\\ab\\*", "-", "b"
	};
	struct rnd_node	*n;
	size_t		 k;

	n = calloc(1, sizeof(*n));
	cr_assert_not_null(n);
	n->type = depth >= 3 ? 0 : (int)rnd_below(st, 4);
	if (n->type == 0) {
		n->field = (int)rnd_below(st, 4);
		n->op = (int)rnd_below(st, 3);
		for (k = 0; k < 2; k++) {
			snprintf(n->p[k], sizeof(n->p[k]), "%s",
			    pats[rnd_below(st, NELEM(pats))]);
			n->plen[k] = strlen(n->p[k]);
			ref_value_init(&n->v[k], n->p[k], n->plen[k]);
		}
		return n;
	}
	n->nkids = n->type == 3 ? 1 : 2 + rnd_below(st, 3);
	for (k = 0; k < n->nkids; k++)
		n->kids[k] = rnd_tree(st, depth + 1);
	return n;
}

static void
rnd_tree_free(struct rnd_node *n)
{
	size_t	 k;

	for (k = 0; k < n->nkids; k++)
		rnd_tree_free(n->kids[k]);
	free(n);
}

static void
rnd_tree_print(const struct rnd_node *n, bool rev, char *buf, size_t *off)
{
	size_t	 k, i;

	if (n->type == 0) {
		buf[(*off)++] = (char)('a' + n->field);
		if (n->op == 2) {
			memcpy(buf + *off, " IN(", 4);
			*off += 4;
			put_quoted(buf, off, n->p[0], n->plen[0]);
			buf[(*off)++] = ',';
			put_quoted(buf, off, n->p[1], n->plen[1]);
			buf[(*off)++] = ')';
		} else {
			if (n->op == 1)
				buf[(*off)++] = '!';
			buf[(*off)++] = '=';
			put_quoted(buf, off, n->p[0], n->plen[0]);
		}
		buf[*off] = '\0';
		return;
	}
	if (n->type == 3) {
		memcpy(buf + *off, "NOT ", 4);
		*off += 4;
	}
	buf[(*off)++] = '(';
	for (i = 0; i < n->nkids; i++) {
		k = rev ? n->nkids - 1 - i : i;
		if (i > 0 && n->type == 2) {
			memcpy(buf + *off, " OR ", 4);
			*off += 4;
		} else if (i > 0)
			buf[(*off)++] = ' ';
		rnd_tree_print(n->kids[k], rev, buf, off);
	}
	buf[(*off)++] = ')';
	buf[*off] = '\0';
}

static bool
rnd_tree_eval(const struct rnd_node *n, const char **val, const size_t *len)
{
	size_t	 k;
	bool	 eq;

	switch (n->type) {
	case 1:
		for (k = 0; k < n->nkids; k++)
			if (!rnd_tree_eval(n->kids[k], val, len))
				return false;
		return true;
	case 2:
		for (k = 0; k < n->nkids; k++)
			if (rnd_tree_eval(n->kids[k], val, len))
				return true;
		return false;
	case 3:
		return !rnd_tree_eval(n->kids[0], val, len);
	}
	if (val[n->field] == NULL)
		return false;
	eq = ref_value_eq(&n->v[0], val[n->field], len[n->field]);
	if (n->op == 1)
		return !eq;
	if (n->op == 2)
		eq = eq || ref_value_eq(&n->v[1], val[n->field],
		    len[n->field]);
	return eq;
}

/*
 * Random AND/OR/NOT searches, compiled as written and with every list
 * of terms reversed, give the reference's answer on random events with
 * fields present and absent: ordering the terms by cost changes no
 * answer.
 */
Test(spl, term_order_changes_nothing)
{
	static const char *const vals[] = {
		"1", "25", "025", "x", "X", "ab\\x.exe", "c:\\AB\\x.exe",
		"aXb", "-", "b", "25.0", "1x"
	};
	struct rnd_node	*t;
	struct spl_search *s[2];
	struct spl_error err;
	struct event	 ev;
	uint64_t	 st = 42;
	const char	*val[4];
	size_t		 len[4], off, i, j, k;
	char		 text[2][8192];
	int		 id[4];
	bool		 want;

	event_fields_init();
	for (k = 0; k < 4; k++) {
		text[0][0] = (char)('a' + k);
		id[k] = event_field_intern(text[0], 1);
	}
	event_init(&ev, 4096);
	for (i = 0; i < 1500; i++) {
		t = rnd_tree(&st, 0);
		for (k = 0; k < 2; k++) {
			off = 0;
			rnd_tree_print(t, k == 1, text[k], &off);
			strcat(text[k], " | stats count");
			s[k] = spl_compile(text[k], NULL, NULL, &err);
			cr_assert_not_null(s[k], "%s: %s", text[k], err.msg);
		}
		for (j = 0; j < 24; j++) {
			event_reset(&ev);
			for (k = 0; k < 4; k++) {
				val[k] = NULL;
				len[k] = 0;
				if (rnd_below(&st, 5) == 0)
					continue;
				val[k] = vals[rnd_below(&st, NELEM(vals))];
				len[k] = strlen(val[k]);
				event_set(&ev, id[k], val[k], len[k]);
			}
			want = rnd_tree_eval(t, val, len);
			for (k = 0; k < 2; k++)
				cr_assert_eq(spl_match(s[k]->filter, &ev),
				    want, "%s", text[k]);
		}
		for (k = 0; k < 2; k++)
			spl_search_free(s[k]);
		rnd_tree_free(t);
	}
	event_clear(&ev);
}

/*
 * Every byte against every byte, as f="b", f="*b*" and f="x*b" (the
 * plain compare, the search for a segment, the suffix compare), on the
 * values "c" and "xc": the reference's answer each time, so that the
 * case folding of all 256 byte values is the reference's.
 */
Test(spl, every_byte_pair_matches_reference)
{
	static const char *const shape[] = { "?", "*?*", "x*?" };
	struct spl_search *s;
	struct spl_error err;
	struct ref_value rv;
	struct event	 ev;
	char		 p[8], v[2], text[64];
	size_t		 plen, off, k, n;
	int		 a, b, f;

	event_fields_init();
	f = event_field_intern("f", 1);
	event_init(&ev, 1 << 16);
	for (k = 0; k < NELEM(shape); k++)
		for (a = 1; a < 256; a++) {
			plen = strlen(shape[k]);
			memcpy(p, shape[k], plen);
			((char *)memchr(p, '?', plen))[0] = (char)a;
			ref_value_init(&rv, p, plen);
			off = 2;
			memcpy(text, "f=", 2);
			put_quoted(text, &off, p, plen);
			strcat(text, " | stats count");
			s = spl_compile(text, NULL, NULL, &err);
			cr_assert_not_null(s, "%s: %s", text, err.msg);
			for (b = 1; b < 512; b++) {
				v[0] = 'x';
				v[1] = (char)(b & 255);
				n = b < 256 ? 1 : 2;
				event_reset(&ev);
				event_set(&ev, f, v + 2 - n, n);
				cr_assert_eq(spl_match(s->filter, &ev),
				    ref_value_eq(&rv, v + 2 - n, n),
				    "%s on byte %d", text, b);
			}
			spl_search_free(s);
		}
	event_clear(&ev);
}

/*
 * Issue 16: f!=x on its own is false when f is absent, while NOT f=x is
 * true (Splunk's Search Manual, "Difference between NOT and !=": != only
 * returns events where the field exists).  matching_semantics asserts
 * the first only inside a conjunction that is false anyway.
 */
Test(spl, ne_alone_is_false_for_an_absent_field)
{
	struct spl_search *ne, *not;
	struct spl_error err;
	struct event	 ev;
	int		 f, g;

	ne = spl_compile("f!=x | stats count", NULL, NULL, &err);
	cr_assert_not_null(ne, "%s", err.msg);
	not = spl_compile("NOT f=x | stats count", NULL, NULL, &err);
	cr_assert_not_null(not, "%s", err.msg);
	f = event_field_lookup("f", 1);
	g = event_field_lookup("g", 1);
	event_init(&ev, 1024);
	cr_expect(!spl_match(ne->filter, &ev), "f!=x, f absent");
	cr_expect(spl_match(not->filter, &ev), "NOT f=x, f absent");
	event_set(&ev, g, "y", 1);
	cr_expect(!spl_match(ne->filter, &ev), "f!=x, only g present");
	event_set(&ev, f, "y", 1);
	cr_expect(spl_match(ne->filter, &ev), "f!=x, f=y");
	event_set(&ev, f, "x", 1);
	cr_expect(!spl_match(ne->filter, &ev), "f!=x, f=x");
	cr_expect(!spl_match(not->filter, &ev), "NOT f=x, f=x");
	spl_search_free(ne);
	spl_search_free(not);
	event_clear(&ev);
}
