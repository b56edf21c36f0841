/*
 * The plain SPL interpreter of the differential test: see splref.h.
 * Written from SPEC 3 and 4 and Splunk's stats documentation, not from
 * spl_match.c or stats.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/spl_int.h"
#include "detect/stats.h"
#include "splref.h"
#include "xmalloc.h"

static int
splref_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Glob: '*' matches any run of bytes; p is lowercase, s is not. */
static bool
splref_glob(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t	 k;

	if (plen == 0)
		return slen == 0;
	if (p[0] == '*') {
		for (k = 0; k <= slen; k++)
			if (splref_glob(p + 1, plen - 1, s + k, slen - k))
				return true;
		return false;
	}
	return slen > 0 && splref_lower((unsigned char)s[0]) ==
	    (unsigned char)p[0] && splref_glob(p + 1, plen - 1, s + 1,
	    slen - 1);
}

/* field=value: numbers numerically, else text, any case, '*' wild. */
static bool
splref_eq(const struct spl_value *v, const char *s, size_t len)
{
	double	 a, b;
	size_t	 k;

	if (spl_parse_num(v->text, v->len, &a) && spl_parse_num(s, len, &b))
		return a == b;
	if (v->wild)
		return splref_glob(v->text, v->len, s, len);
	if (len != v->len)
		return false;
	for (k = 0; k < len; k++)
		if (splref_lower((unsigned char)s[k]) !=
		    (unsigned char)v->text[k])
			return false;
	return true;
}

static bool
splref_cmp(const struct spl_expr *e, const struct event *ev)
{
	const char	*s;
	size_t		 len, k;
	double		 a, b;
	int		 r;

	if (!event_get(ev, e->field, &s, &len))
		return false;
	if (e->op == SPL_OP_EQ)
		return splref_eq(&e->vals[0], s, len);
	if (e->op == SPL_OP_NE)
		return !splref_eq(&e->vals[0], s, len);
	if (e->op == SPL_OP_IN) {
		for (k = 0; k < e->nvals; k++)
			if (splref_eq(&e->vals[k], s, len))
				return true;
		return false;
	}
	if (spl_parse_num(e->vals[0].text, e->vals[0].len, &b)) {
		if (!spl_parse_num(s, len, &a))
			return false;
		r = a < b ? -1 : a > b;
	} else {
		/* Text against text: lexical (Splunk's where/search). */
		r = memcmp(s, e->vals[0].text, len < e->vals[0].len ? len :
		    e->vals[0].len);
		if (r == 0)
			r = len < e->vals[0].len ? -1 : len > e->vals[0].len;
	}
	switch (e->op) {
	case SPL_OP_LT:
		return r < 0;
	case SPL_OP_LE:
		return r <= 0;
	case SPL_OP_GT:
		return r > 0;
	default:
		return r >= 0;
	}
}

bool
splref_match(const struct spl_expr *e, const struct event *ev)
{
	size_t	 k;
	bool	 r;

	switch (e->type) {
	case SPL_N_TRUE:
		return true;
	case SPL_N_AND:
		r = true;
		for (k = 0; k < e->nkids; k++)
			r = splref_match(e->kids[k], ev) && r;
		return r;
	case SPL_N_OR:
		r = false;
		for (k = 0; k < e->nkids; k++)
			r = splref_match(e->kids[k], ev) || r;
		return r;
	case SPL_N_NOT:
		return !splref_match(e->kids[0], ev);
	case SPL_N_REGEX:
		return spl_regex_match(e, ev);
	case SPL_N_EVAL:
		return spl_eval_test(e->eval, ev);
	case SPL_N_CMP:
		break;
	}
	return splref_cmp(e, ev);
}

/* One matching event with its by-values (NULL: null). */
struct splref_item {
	struct event	*ev;
	size_t		 seq;		/* arrival order */
	char		**key;
};

static size_t	 splref_nby;

static int
splref_item_cmp(const void *pa, const void *pb)
{
	const struct splref_item *a = pa, *b = pb;
	size_t		 i;
	int		 r;

	for (i = 0; i < splref_nby; i++) {
		if (a->key[i] == NULL || b->key[i] == NULL) {
			r = (a->key[i] != NULL) - (b->key[i] != NULL);
			if (r != 0)
				return r;
			continue;
		}
		if ((r = strcmp(a->key[i], b->key[i])) != 0)
			return r;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static char *
splref_text(const char *s, size_t len)
{
	char	*p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* _time as Splunk's stats shows it: seconds with milliseconds. */
static char *
splref_time(int64_t ms)
{
	char	*p;
	int64_t	 sec = ms / 1000, frac = ms % 1000;

	if (frac < 0) {
		sec--;
		frac += 1000;
	}
	xasprintf(&p, "%lld.%03lld", (long long)sec, (long long)frac);
	return p;
}

/* A number with at most 6 decimals, no trailing zeros. */
static char *
splref_num(double d)
{
	char	 buf[64];
	size_t	 n;

	if (fabs(d) >= 1e15)
		snprintf(buf, sizeof(buf), "%.17g", d);
	else {
		snprintf(buf, sizeof(buf), "%.6f", d);
		n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
		if (strcmp(buf, "-0") == 0)
			memcpy(buf, "0", 2);
	}
	return xstrdup(buf);
}

/* The value of field id of ev as stats reads it, or NULL. */
static char *
splref_value(const struct event *ev, int id)
{
	const char	*s;
	size_t		 len;

	if (id == EVENT_F_TIME)
		return splref_time(ev->time_ms);
	if (!event_get(ev, id, &s, &len))
		return NULL;
	return splref_text(s, len);
}

static int
splref_strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One aggregate over the group g[0..n), set on row. */
static void
splref_agg(const struct spl_agg *agg, struct splref_item *g, size_t n,
    struct event *row)
{
	char		**v, *out = NULL, *best = NULL;
	int64_t		 tbest = 0;
	size_t		 i, j, nv = 0, nnum = 0, len, k;
	double		 d, sum = 0, nb = 0;
	bool		 time = agg->field == EVENT_F_TIME;

	if (agg->field < 0) {
		xasprintf(&out, "%zu", n);
		goto set;
	}
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		if ((v[nv] = splref_value(g[i].ev, agg->field)) != NULL)
			nv++;
	switch (agg->func) {
	case SPL_AGG_COUNT:
		xasprintf(&out, "%zu", nv);
		break;
	case SPL_AGG_MIN:
	case SPL_AGG_MAX:
		if (nv == 0)
			break;
		if (time) {
			for (i = 0; i < n; i++)
				if (i == 0 || (agg->func == SPL_AGG_MIN ?
				    g[i].ev->time_ms < tbest :
				    g[i].ev->time_ms > tbest))
					tbest = g[i].ev->time_ms;
			out = splref_time(tbest);
			break;
		}
		for (i = 0; i < nv; i++)
			if (spl_parse_num(v[i], strlen(v[i]), &d))
				nnum++;
		for (i = 0; i < nv; i++) {
			if (nnum == nv) {
				(void)spl_parse_num(v[i], strlen(v[i]), &d);
				if (best == NULL || (agg->func == SPL_AGG_MIN ?
				    d < nb : d > nb)) {
					best = v[i];
					nb = d;
				}
			} else if (best == NULL || (agg->func == SPL_AGG_MIN ?
			    strcmp(v[i], best) < 0 : strcmp(v[i], best) > 0))
				best = v[i];
		}
		out = xstrdup(best);
		break;
	case SPL_AGG_SUM:
	case SPL_AGG_AVG:
		for (i = 0; i < nv; i++)
			if (spl_parse_num(v[i], strlen(v[i]), &d)) {
				sum += d;
				nnum++;
			}
		if (nnum > 0)
			out = splref_num(agg->func == SPL_AGG_SUM ? sum :
			    sum / (double)nnum);
		break;
	case SPL_AGG_STDEV:
	case SPL_AGG_STDEVP:
		/* Two passes: the mean, then the squared deviations. */
		for (i = 0; i < nv; i++)
			if (spl_parse_num(v[i], strlen(v[i]), &d)) {
				sum += d;
				nnum++;
			}
		if (nnum == 0)
			break;
		nb = 0;
		for (i = 0; i < nv; i++)
			if (spl_parse_num(v[i], strlen(v[i]), &d))
				nb += (d - sum / (double)nnum) *
				    (d - sum / (double)nnum);
		if (nnum == 1)
			out = splref_num(0);
		else
			out = splref_num(sqrt(nb / (double)(agg->func ==
			    SPL_AGG_STDEV ? nnum - 1 : nnum)));
		break;
	case SPL_AGG_VALUES:
	case SPL_AGG_DC:
		/* stats.h: a row keeps its first STATS_MAX_VALUES distinct */
		/* values() items (in arrival order: g is). */
		for (i = 0, k = 0; agg->func == SPL_AGG_VALUES && i < nv;
		    i++) {
			for (j = 0; j < k && strcmp(v[j], v[i]) != 0; j++)
				;
			if (j < k || k == STATS_MAX_VALUES)
				free(v[i]);
			else
				v[k++] = v[i];
		}
		if (agg->func == SPL_AGG_VALUES)
			nv = k;
		qsort(v, nv, sizeof(*v), splref_strp_cmp);
		for (i = 0, k = 0; i < nv; i++)
			if (k == 0 || strcmp(v[i], v[k - 1]) != 0)
				v[k++] = v[i];
			else
				free(v[i]);
		nv = k;
		if (agg->func == SPL_AGG_DC) {
			xasprintf(&out, "%zu", nv);
			break;
		}
		if (nv == 0)
			break;
		for (i = 0, len = 0; i < nv; i++)
			len += strlen(v[i]) + 1;
		out = xcalloc(1, len);
		for (i = 0, len = 0; i < nv; i++) {
			if (i > 0)
				out[len++] = '\n';
			memcpy(out + len, v[i], strlen(v[i]));
			len += strlen(v[i]);
		}
		break;
	case SPL_AGG_LATEST:
	case SPL_AGG_EARLIEST:
		/* Ties: earliest the first event, latest the last. */
		for (i = 0; i < n; i++) {
			if ((out = splref_value(g[i].ev, agg->field)) == NULL)
				continue;
			if (best == NULL || (agg->func == SPL_AGG_LATEST ?
			    g[i].ev->time_ms >= tbest :
			    g[i].ev->time_ms < tbest)) {
				free(best);
				best = out;
				tbest = g[i].ev->time_ms;
			} else
				free(out);
		}
		out = best;
		best = NULL;
		break;
	}
	for (i = 0; i < nv; i++)
		free(v[i]);
	free(v);
set:
	if (out != NULL)
		(void)event_set(row, agg->as, out, strlen(out));
	free(out);
}

void
splref_stats(const struct spl_stats *st, struct event *const *evs,
    size_t n, bool drop_null, splref_row_fn fn, void *arg)
{
	struct splref_item	*it;
	struct event		 row;
	size_t			 i, j, k, ni = 0;
	int64_t			 b;
	bool			 null;

	it = xcalloc(n + 1, sizeof(*it));
	for (i = 0; i < n; i++) {
		it[ni].ev = evs[i];
		it[ni].seq = i;
		it[ni].key = xcalloc(st->nby + 1, sizeof(char *));
		null = false;
		for (j = 0; j < st->nby; j++) {
			if (st->by[j] == EVENT_F_TIME && st->span_ms > 0) {
				b = evs[i]->time_ms / st->span_ms;
				if (evs[i]->time_ms % st->span_ms < 0)
					b--;
				xasprintf(&it[ni].key[j], "%lld",
				    (long long)(b * (st->span_ms / 1000)));
				continue;
			}
			it[ni].key[j] = splref_value(evs[i], st->by[j]);
			if (it[ni].key[j] != NULL)
				continue;
			if (st->null_by == SPL_NULL_FILL)
				it[ni].key[j] = splref_text(st->fill,
				    st->fill_len);
			else
				null = true;
		}
		if (null && (st->null_by == SPL_NULL_DROP ||
		    (st->null_by == SPL_NULL_OPTION && drop_null))) {
			for (j = 0; j < st->nby; j++)
				free(it[ni].key[j]);
			free(it[ni].key);
			continue;
		}
		ni++;
	}
	splref_nby = st->nby;
	qsort(it, ni, sizeof(*it), splref_item_cmp);
	event_init(&row, 1 << 20);
	for (i = 0; i < ni; i = k) {
		for (k = i + 1; k < ni; k++) {
			for (j = 0; j < st->nby; j++)
				if ((it[i].key[j] == NULL) !=
				    (it[k].key[j] == NULL) ||
				    (it[i].key[j] != NULL &&
				    strcmp(it[i].key[j], it[k].key[j]) != 0))
					break;
			if (j < st->nby)
				break;
		}
		event_reset(&row);
		for (j = 0; j < st->nby; j++)
			if (it[i].key[j] != NULL)
				(void)event_set(&row, st->by[j], it[i].key[j],
				    strlen(it[i].key[j]));
		for (j = 0; j < st->nagg; j++)
			splref_agg(&st->agg[j], it + i, k - i, &row);
		fn(&row, arg);
	}
	event_clear(&row);
	for (i = 0; i < ni; i++) {
		for (j = 0; j < st->nby; j++)
			free(it[i].key[j]);
		free(it[i].key);
	}
	free(it);
}

/* Joins: written from Splunk's join page, not from spl_join.c. */

void
splref_rows_add(struct splref_rows *r, const struct event *row)
{
	struct event	*e;
	const char	*v;
	size_t		 len;
	int		 id;

	e = xcalloc(1, sizeof(*e));
	event_init(e, 1 << 16);
	for (id = 0; id < event_field_count(); id++)
		if (event_get(row, id, &v, &len))
			(void)event_set(e, id, v, len);
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = e;
}

void
splref_rows_free(struct splref_rows *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		event_clear(r->v[i]);
		free(r->v[i]);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* Whether every join field is in both rows with the same bytes. */
static bool
splref_join_pair(const struct spl_post *p, const struct event *l,
    const struct event *r)
{
	const char	*a, *b;
	size_t		 i, la, lb;

	for (i = 0; i < p->n; i++) {
		if (!event_get(l, p->from[i], &a, &la) ||
		    !event_get(r, p->from[i], &b, &lb) || la != lb ||
		    memcmp(a, b, la) != 0)
			return false;
	}
	return true;
}

static void
splref_post_at(const struct spl_search *s, const struct splref_rows *sides,
    size_t j, struct event *row, splref_row_fn fn, void *arg)
{
	const struct spl_post *p;
	const struct splref_rows *r;
	struct event	 out;
	const char	*v;
	size_t		 i, len, matched;
	int		 id;

	while (j < s->npost) {
		p = s->post[j++];
		if (strcmp(p->cmd->name, "join") != 0) {
			if (!p->cmd->apply(p, row))
				return;
			continue;
		}
		r = &sides[p->sub];
		matched = 0;
		for (i = 0; i < r->n; i++) {
			if (p->max > 0 && matched == p->max)
				break;
			if (!splref_join_pair(p, row, r->v[i]))
				continue;
			matched++;
			event_init(&out, 1 << 17);
			for (id = 0; id < event_field_count(); id++)
				if (event_get(row, id, &v, &len))
					(void)event_set(&out, id, v, len);
			for (id = 0; id < event_field_count(); id++)
				if (event_get(r->v[i], id, &v, &len) &&
				    !(p->keep_left && event_has(&out, id)))
					(void)event_set(&out, id, v, len);
			out.time_ms = row->time_ms;
			splref_post_at(s, sides, j, &out, fn, arg);
			event_clear(&out);
		}
		if (matched > 0 || !p->outer)
			return;
	}
	fn(row, arg);
}

void
splref_post(const struct spl_search *s, const struct splref_rows *sides,
    struct event *row, splref_row_fn fn, void *arg)
{
	splref_post_at(s, sides, s->nrowset, row, fn, arg);
}
