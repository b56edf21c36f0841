/*
 * Events for the differential test, made from a detection's filter:
 * events that satisfy it (the literal values of its terms, wildcard
 * patterns filled with random runs, random case), near misses (one term
 * flipped) and random ones, of the event code or dataset it reads, with
 * a few by-field values so rows aggregate.  Deterministic by seed.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/spl_int.h"
#include "spl_gen.h"
#include "xmalloc.h"

/* xorshift64*: small, deterministic, good enough for test data. */
static uint64_t
gen_rand(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545f4914f6cdd1dULL;
}

static size_t
gen_pick(uint64_t *st, size_t n)
{
	return n == 0 ? 0 : (size_t)(gen_rand(st) % n);
}

static void
gen_set(struct event *ev, int id, const char *s)
{
	if (id >= 0 && *s != '\0')
		(void)event_set(ev, id, s, strlen(s));
}

/* A text that matches v: '*' filled, letters in random case. */
static void
gen_match_text(uint64_t *st, const struct spl_value *v, char *buf,
    size_t size)
{
	static const char *fill[] = { "", "x", "Ab", "\\", "7", "a b" };
	size_t		 i, n = 0, k;
	const char	*f;
	int		 c;

	for (i = 0; i < v->len && n + 4 < size; i++) {
		c = (unsigned char)v->text[i];
		if (c == '*' && v->wild) {
			f = fill[gen_pick(st, 6)];
			for (k = 0; f[k] != '\0' && n + 4 < size; k++)
				buf[n++] = f[k];
			continue;
		}
		if (c >= 'a' && c <= 'z' && gen_pick(st, 3) == 0)
			c = c - 'a' + 'A';
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
}

/* A text near v that should not match it. */
static void
gen_miss_text(uint64_t *st, const struct spl_value *v, char *buf,
    size_t size)
{
	gen_match_text(st, v, buf, size);
	switch (gen_pick(st, 3)) {
	case 0:				/* one byte changed */
		if (buf[0] != '\0') {
			buf[gen_pick(st, strlen(buf))] = '#';
			break;
		}
		/* FALLTHROUGH */
	case 1:				/* one byte more */
		if (strlen(buf) + 2 < size) {
			memmove(buf + 1, buf, strlen(buf) + 1);
			buf[0] = 'q';
		}
		break;
	default:			/* one byte fewer */
		if (buf[0] != '\0')
			buf[strlen(buf) - 1] = '\0';
		break;
	}
}

/*
 * A pattern that opens with '*' after another term set the field: the
 * old value goes in front, so that "f=*a* f=*b*" can both hold.
 */
static void
gen_join(uint64_t *st, const struct spl_value *v, struct event *ev, int id,
    char *buf, size_t size)
{
	const char	*old;
	size_t		 len, n = strlen(buf);

	if (!v->wild || v->text[0] != '*' || !event_get(ev, id, &old, &len) ||
	    len + n + 1 > size || gen_pick(st, 4) == 0)
		return;
	memmove(buf + len, buf, n + 1);
	memcpy(buf, old, len);
}

/* Sets e's field so that the comparison is (want) true. */
static void
gen_cmp(uint64_t *st, const struct spl_expr *e, bool want, struct event *ev)
{
	const struct spl_value *v = &e->vals[gen_pick(st, e->nvals)];
	char		 buf[512];
	bool		 eq;

	switch (e->op) {
	case SPL_OP_EQ:
	case SPL_OP_IN:
	case SPL_OP_NE:
		eq = (e->op == SPL_OP_NE) != want;
		if (!eq && gen_pick(st, 5) == 0)
			return;		/* absent */
		if (eq && v->numeric && gen_pick(st, 3) == 0)
			/* The same number written otherwise. */
			snprintf(buf, sizeof(buf), gen_pick(st, 2) == 0 ?
			    "0%.*s" : "%.*s.0", (int)v->len, v->text);
		else if (eq)
			gen_match_text(st, v, buf, sizeof(buf));
		else
			gen_miss_text(st, v, buf, sizeof(buf));
		gen_join(st, v, ev, e->field, buf, sizeof(buf));
		gen_set(ev, e->field, buf);
		return;
	default:
		break;
	}
	if (!v->numeric) {
		gen_match_text(st, v, buf, sizeof(buf));
		gen_set(ev, e->field, buf);
		return;
	}
	switch (gen_pick(st, 3)) {
	case 0:
		snprintf(buf, sizeof(buf), "%g", v->num);
		break;
	case 1:
		snprintf(buf, sizeof(buf), "%g", v->num - 1);
		break;
	default:
		snprintf(buf, sizeof(buf), "%g", v->num + 1.5);
		break;
	}
	gen_set(ev, e->field, buf);
}

/* Sets fields of ev so that e is (want) true, as far as it can. */
static void
gen_expr(uint64_t *st, const struct spl_expr *e, bool want,
    struct event *ev)
{
	size_t	 k, one;

	switch (e->type) {
	case SPL_N_AND:
	case SPL_N_OR:
		if ((e->type == SPL_N_AND) == want) {
			for (k = 0; k < e->nkids; k++)
				gen_expr(st, e->kids[k], want, ev);
			return;
		}
		one = gen_pick(st, e->nkids);
		for (k = 0; k < e->nkids; k++)
			gen_expr(st, e->kids[k], k == one ? want : !want, ev);
		return;
	case SPL_N_NOT:
		gen_expr(st, e->kids[0], !want, ev);
		return;
	case SPL_N_CMP:
		gen_cmp(st, e, want, ev);
		return;
	default:
		return;
	}
}

/* The comparisons of e, in tree order. */
static void
gen_leaves(const struct spl_expr *e, const struct spl_expr ***v, size_t *n)
{
	size_t	 k;

	if (e->type == SPL_N_CMP) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = e;
		return;
	}
	for (k = 0; k < e->nkids; k++)
		gen_leaves(e->kids[k], v, n);
}

void
gen_event(const struct spl_search *s, const int *codes, size_t ncodes,
    uint64_t *st, size_t k, int64_t base_ms, struct event *ev)
{
	static const char *keys[] = { "alpha", "Beta", "gamma" };
	static const char *vals[] = { "7", "12.5", "-3", "cmd.exe", "Z", "b",
	    "07", "7.0", "1e1", " 5", "+2", "0x1F" };
	const struct spl_expr **leaves = NULL;
	const struct spl_agg *a;
	char		 buf[64];
	size_t		 i, nleaves = 0;
	int		 code;

	if (s->event_code >= 0)
		code = s->event_code;
	else if (ncodes > 0)
		code = codes[gen_pick(st, ncodes)];
	else
		code = (int)gen_pick(st, 26) + 1;
	snprintf(buf, sizeof(buf), "%d", code);
	gen_set(ev, EVENT_F_EVENTCODE, buf);
	gen_set(ev, EVENT_F_SOURCE,
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
	gen_set(ev, EVENT_F_SOURCENAME, "Microsoft-Windows-Sysmon");
	gen_set(ev, EVENT_F_COMPUTER, keys[gen_pick(st, 3)]);
	ev->time_ms = base_ms + (int64_t)gen_pick(st, 3000000);
	snprintf(buf, sizeof(buf), "%lld.%03lld",
	    (long long)(ev->time_ms / 1000), (long long)(ev->time_ms % 1000));
	gen_set(ev, EVENT_F_TIME, buf);
	for (i = 0; i < s->stats.nby; i++)
		if (s->stats.by[i] != EVENT_F_TIME && gen_pick(st, 10) != 0)
			gen_set(ev, s->stats.by[i], keys[gen_pick(st, 3)]);
	for (i = 0; i < s->stats.nagg; i++) {
		a = &s->stats.agg[i];
		if (a->field > EVENT_F_TIME && gen_pick(st, 8) != 0)
			gen_set(ev, a->field, vals[gen_pick(st, 12)]);
	}
	switch (k % 3) {
	case 0:				/* matches */
		gen_expr(st, s->filter, true, ev);
		break;
	case 1:				/* a near miss */
		gen_expr(st, s->filter, true, ev);
		gen_leaves(s->filter, &leaves, &nleaves);
		if (nleaves > 0)
			gen_cmp(st, leaves[gen_pick(st, nleaves)],
			    gen_pick(st, 2) == 0, ev);
		break;
	default:			/* anything */
		gen_expr(st, s->filter, gen_pick(st, 2) == 0, ev);
		break;
	}
	free(leaves);
}
