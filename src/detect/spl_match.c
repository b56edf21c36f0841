/*
 * SPL matching at run time, the hot path: a compiled predicate on an
 * event, with Splunk's semantics (SPEC 3).  Values compare
 * case-insensitively (ASCII only: bytes outside ASCII compare exactly),
 * "*" is a wildcard anywhere, and a value that is a number compares
 * numerically with a field value that is a number (spl_parse_num(), the
 * one number rule that stats.c uses too).  Everything was compiled at
 * load time (spl_parse.c), so nothing here allocates.  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_int.h"

/* Whether ch is an ASCII digit, whatever the locale. */
#define SPL_DIGIT(ch)	((ch) >= '0' && (ch) <= '9')

/* Powers of ten that are exact in a double, for the decimal fast path. */
static const double spl_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15
};

/*
 * The one number rule (spl.h).  Plain digit runs, nearly every number a
 * detection sees, are taken without strtod(), and so are decimals of at
 * most 15 digits with no exponent (an epoch time with milliseconds, as
 * ctime() reads for every row): their digits v and 10^k are exact in a
 * double, so v / 10^k, rounded once by the division, is the correctly
 * rounded value strtod() gives.  The rest is checked against the grammar
 * first, so strtod() reads exactly the same bytes.
 */
bool
spl_parse_num(const char *s, size_t len, double *out)
{
	char		 buf[SPL_NUM_MAX];
	size_t		 i = 0, digits = 0, edigits = 0, frac;
	uint64_t	 v = 0;
	bool		 neg;

	if (len == 0 || len >= sizeof(buf))
		return false;
	/* Up to 15 plain digits are exact in a double: no strtod(). */
	for (; i < len && i < 16 && SPL_DIGIT(s[i]); i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == len && len <= 15) {
		*out = (double)v;
		return true;
	}
	/* [sign] digits . digits, 15 digits at most. */
	neg = s[0] == '-';
	i = s[0] == '-' || s[0] == '+' ? 1 : 0;
	for (v = 0; i < len && SPL_DIGIT(s[i]); i++, digits++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i < len && s[i] == '.' && digits <= 15) {
		for (frac = 0, i++; i < len && SPL_DIGIT(s[i]) &&
		    digits < 16; i++, digits++, frac++)
			v = v * 10 + (uint64_t)(s[i] - '0');
		if (i == len && digits > 0 && digits <= 15) {
			*out = (double)v / spl_pow10[frac];
			if (neg)
				*out = -*out;
			return true;
		}
	}
	digits = 0;
	i = 0;
	if (s[0] == '-' || s[0] == '+')
		i++;
	for (; i < len && SPL_DIGIT(s[i]); i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && SPL_DIGIT(s[i]); i++)
			digits++;
	if (digits == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		for (; i < len && SPL_DIGIT(s[i]); i++)
			edigits++;
		if (edigits == 0)
			return false;
	}
	if (i != len)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return isfinite(*out);
}

/* ASCII lowercase of every byte value, whatever the locale. */
#define SPL_LC1(x)	((x) + ((x) >= 'A' && (x) <= 'Z' ? 'a' - 'A' : 0))
#define SPL_LC4(x)	SPL_LC1(x), SPL_LC1((x) + 1), SPL_LC1((x) + 2), \
			SPL_LC1((x) + 3)
#define SPL_LC16(x)	SPL_LC4(x), SPL_LC4((x) + 4), SPL_LC4((x) + 8), \
			SPL_LC4((x) + 12)
#define SPL_LC64(x)	SPL_LC16(x), SPL_LC16((x) + 16), SPL_LC16((x) + 32), \
			SPL_LC16((x) + 48)
const unsigned char spl_lc[256] = {
	SPL_LC64(0), SPL_LC64(64), SPL_LC64(128), SPL_LC64(192)
};

#define SPL_BYTES(c)	((uint64_t)(c) * 0x0101010101010101ULL)

/*
 * Whether a equals the lowercased b over n bytes, ignoring ASCII case.
 * Eight bytes at a time: in each byte of a word, a bit 7 clear and the
 * low seven bits in 'A'..'Z' make an upper-case letter, which gets bit 5
 * (no sum carries from one byte into the next).
 */
static bool
spl_ieq(const char *a, const char *b, size_t n)
{
	uint64_t	 x, y, h, up;
	size_t		 i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		h = x & SPL_BYTES(0x7f);
		up = (h + SPL_BYTES(0x80 - 'A')) &
		    ~(h + SPL_BYTES(0x7f - 'Z')) & ~x & SPL_BYTES(0x80);
		if ((x | up >> 2) != y)
			return false;
	}
	for (; i < n; i++)
		if (spl_lc[(unsigned char)a[i]] != (unsigned char)b[i])
			return false;
	return true;
}

/*
 * The leftmost place of segment g in s (g->len <= slen), ignoring ASCII
 * case, or slen when there is none.  Candidates are the places of its
 * pin byte: memchr() finds them when it is no letter.
 */
static size_t
spl_seg_find(const struct spl_seg *g, const char *s, size_t slen)
{
	const char	*q, *p = s + g->pin;
	size_t		 k, last = slen - g->len;

	if (g->fold) {
		for (k = 0; k <= last; k++)
			if (spl_lc[(unsigned char)p[k]] == g->pinc &&
			    spl_ieq(s + k, g->s, g->len))
				return k;
		return slen;
	}
	for (k = 0; k <= last; k++) {
		if ((q = memchr(p + k, g->pinc, last + 1 - k)) == NULL)
			return slen;
		k = (size_t)(q - p);
		if (spl_ieq(s + k, g->s, g->len))
			return k;
	}
	return slen;
}

/*
 * Case-insensitive glob of s against a compiled pattern, where '*'
 * matches any run of bytes: the head is a prefix, the tail a suffix that
 * does not overlap it, and each segment between is taken at its leftmost
 * place after the one before, which is enough for '*'-only patterns.
 */
static __attribute__((noinline)) bool
spl_glob(const struct spl_value *v, const char *s, size_t slen)
{
	const struct spl_seg *g;
	size_t		 i, k, n;

	if (slen < v->minlen || !spl_ieq(s, v->text, v->head) ||
	    !spl_ieq(s + slen - v->tail, v->text + v->len - v->tail, v->tail))
		return false;
	s += v->head;
	n = slen - v->head - v->tail;
	for (i = 0; i < v->nmid; i++) {
		g = &v->mid[i];
		if (g->len > n || (k = spl_seg_find(g, s, n)) == n)
			return false;
		s += k + g->len;
		n -= k + g->len;
	}
	return true;
}

/* Whether s matches v, for every value that is not a numeric one. */
static bool
spl_value_eq_text(const struct spl_value *v, const char *s, size_t len)
{
	if (v->wild)
		return spl_glob(v, s, len);
	return len == v->len && spl_ieq(s, v->text, len);
}

/* A numeric v and an s that is not a run of up to 15 digits. */
static __attribute__((noinline)) bool
spl_value_eq_num(const struct spl_value *v, const char *s, size_t len)
{
	double	 d;

	if (spl_parse_num(s, len, &d))
		return d == v->num;
	return spl_value_eq_text(v, s, len);
}

/*
 * Whether the field value s matches v: numerically when both are
 * numbers, else as text (case-insensitive, '*' a wildcard).  Plain digit
 * runs, spl_parse_num()'s own first step, are taken here; the rest is
 * out of line so that this stays small.
 */
static bool
spl_value_eq(const struct spl_value *v, const char *s, size_t len)
{
	uint64_t	 u = 0;
	size_t		 i;

	if (!v->numeric)
		return spl_value_eq_text(v, s, len);
	for (i = 0; i < len && i < 16 && s[i] >= '0' && s[i] <= '9'; i++)
		u = u * 10 + (uint64_t)(s[i] - '0');
	if (i == len && len > 0 && len <= 15)
		return (double)u == v->num;
	return spl_value_eq_num(v, s, len);
}

bool
spl_value_match(const struct spl_value *v, const char *s, size_t len)
{
	return spl_value_eq(v, s, len);
}

/* A comparison node: false when the field is absent. */
static bool
spl_match_cmp(const struct spl_expr *e, const struct event *ev)
{
	const char	*s;
	size_t		 len, k;
	double		 d;

	if (!event_get(ev, e->field, &s, &len))
		return false;
	switch (e->op) {
	case SPL_OP_EQ:
		return spl_value_eq(&e->vals[0], s, len);
	case SPL_OP_NE:
		return !spl_value_eq(&e->vals[0], s, len);
	case SPL_OP_IN:
		for (k = 0; k < e->nvals; k++)
			if (spl_value_eq(&e->vals[k], s, len))
				return true;
		return false;
	default:
		break;
	}
	if (!spl_parse_num(s, len, &d))
		return false;
	switch (e->op) {
	case SPL_OP_LT:
		return d < e->vals[0].num;
	case SPL_OP_LE:
		return d <= e->vals[0].num;
	case SPL_OP_GT:
		return d > e->vals[0].num;
	default:
		return d >= e->vals[0].num;
	}
}

/* The terms of AND and OR that are comparisons are not a call away. */
#define SPL_MATCH_KID(e, ev)	((e)->type == SPL_N_CMP ? \
			    spl_match_cmp((e), (ev)) : spl_match((e), (ev)))

bool
spl_match(const struct spl_expr *e, const struct event *ev)
{
	size_t		 k;

	switch (e->type) {
	case SPL_N_TRUE:
		return true;
	case SPL_N_AND:
		for (k = 0; k < e->nkids; k++)
			if (!SPL_MATCH_KID(e->kids[k], ev))
				return false;
		return true;
	case SPL_N_OR:
		for (k = 0; k < e->nkids; k++)
			if (SPL_MATCH_KID(e->kids[k], ev))
				return true;
		return false;
	case SPL_N_NOT:
		return !spl_match(e->kids[0], ev);
	case SPL_N_REGEX:
		return spl_regex_match(e, ev);
	case SPL_N_EVAL:
		return spl_eval_test(e->eval, ev);
	case SPL_N_CMP:
		break;
	}
	return spl_match_cmp(e, ev);
}
