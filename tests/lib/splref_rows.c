/*
 * The plain interpreter of the commands over all the rows of a window
 * (dedup, eventstats, a second stats): see splref.h.  Written from the
 * Search Reference pages of those commands, not from rowset.c: rows are
 * whole events in an array, every question is a scan over all of them.
 * The row-local commands between them are production code (p->cmd->
 * apply), as splref.h says.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/spl_int.h"
#include "splref.h"
#include "xmalloc.h"

/* A copy of ev in its own arena; caller frees with splref_row_free(). */
static struct event *
splref_row_dup(const struct event *ev)
{
	struct event	*c;
	const char	*v;
	size_t		 len, need = 64;
	int		 id;

	for (id = 0; id < EVENT_MAX_FIELDS; id++)
		if (event_get(ev, id, &v, &len))
			need += len + 1;
	c = xmalloc(sizeof(*c));
	/* Room for what the commands after it add. */
	event_init(c, need + 65536);
	for (id = 0; id < EVENT_MAX_FIELDS; id++)
		if (event_get(ev, id, &v, &len))
			(void)event_set(c, id, v, len);
	c->time_ms = ev->time_ms;
	return c;
}

static void
splref_row_free(struct event *ev)
{
	event_clear(ev);
	free(ev);
}

static void
splref_rows_add_cb(struct event *row, void *arg)
{
	struct splref_rows *r = arg;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = splref_row_dup(row);
}

/* The text of field id of row, NUL-terminated (caller frees), or NULL. */
static char *
splref_row_text(const struct event *row, int id)
{
	const char	*v;
	size_t		 len;
	char		*p;

	if (!event_get(row, id, &v, &len))
		return NULL;
	p = xmalloc(len + 1);
	memcpy(p, v, len);
	p[len] = '\0';
	return p;
}

/*
 * -1, 0, 1 as a goes before, with or after b in stats' order of its
 * rows: null, then numbers by value, then text by bytes.
 */
static int
splref_order(const char *a, const char *b)
{
	double	 x, y;
	int	 ka, kb, r;

	ka = a == NULL ? 0 : spl_parse_num(a, strlen(a), &x) ? 1 : 2;
	kb = b == NULL ? 0 : spl_parse_num(b, strlen(b), &y) ? 1 : 2;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (ka == 0)
		return 0;
	if (ka == 1 && x != y)
		return x < y ? -1 : 1;
	r = strcmp(a, b);
	return r < 0 ? -1 : r > 0;
}

/* Insertion sort of the rows by the by-fields by[nby]: stable. */
static void
splref_rows_sort(struct splref_rows *r, const int *by, size_t nby)
{
	struct event	*t;
	char		*a, *b;
	size_t		 i, j, k;
	int		 c;

	for (i = 1; i < r->n; i++)
		for (j = i; j > 0; j--) {
			c = 0;
			for (k = 0; k < nby && c == 0; k++) {
				a = splref_row_text(r->v[j - 1], by[k]);
				b = splref_row_text(r->v[j], by[k]);
				c = splref_order(a, b);
				free(a);
				free(b);
			}
			if (c <= 0)
				break;
			t = r->v[j - 1];
			r->v[j - 1] = r->v[j];
			r->v[j] = t;
		}
}

/* Whether rows a and b have the same values of ids[n], none null. */
static bool
splref_same(const struct event *a, const struct event *b, const int *ids,
    size_t n)
{
	const char	*va, *vb;
	size_t		 k, la, lb;

	for (k = 0; k < n; k++) {
		if (!event_get(a, ids[k], &va, &la) ||
		    !event_get(b, ids[k], &vb, &lb))
			return false;
		if (la != lb || memcmp(va, vb, la) != 0)
			return false;
	}
	return true;
}

/*
 * dedup: a row is kept when none of the fields is null and fewer than
 * keep rows before it were kept with the same values.
 */
static void
splref_dedup(struct splref_rows *r, const struct spl_post *p)
{
	size_t	 i, j, out = 0, seen;

	for (i = 0; i < r->n; i++) {
		seen = 0;
		if (!splref_same(r->v[i], r->v[i], p->from, p->n)) {
			splref_row_free(r->v[i]);
			continue;
		}
		for (j = 0; j < out; j++)
			if (splref_same(r->v[j], r->v[i], p->from, p->n))
				seen++;
		if (seen >= p->keep) {
			splref_row_free(r->v[i]);
			continue;
		}
		r->v[out++] = r->v[i];
	}
	r->n = out;
}

/* Takes the aggregates of the one row splref_stats() gives. */
static void
splref_aggs_cb(struct event *row, void *arg)
{
	struct event	**out = arg;

	*out = splref_row_dup(row);
}

/*
 * The aggregates of st over the rows g[ng] (one group), as a new row
 * (caller frees): splref_stats() without the by-clause.
 */
static struct event *
splref_aggs(const struct spl_stats *st, struct event **g, size_t ng)
{
	struct spl_stats st0 = *st;
	struct event	*out = NULL;

	st0.nby = 0;
	st0.by = NULL;
	splref_stats(&st0, g, ng, true, splref_aggs_cb, &out);
	if (out == NULL)
		abort();
	return out;
}

/* The rows with the same by-values as row i, none null, into g. */
static size_t
splref_group(const struct splref_rows *r, size_t i, const int *by,
    size_t nby, struct event **g)
{
	size_t	 j, ng = 0;

	for (j = 0; j < r->n; j++)
		if (splref_same(r->v[i], r->v[j], by, nby))
			g[ng++] = r->v[j];
	return ng;
}

/*
 * eventstats: a row whose by-values are all set gets the aggregates of
 * every row with the same ones (a null aggregate unsets its field); the
 * others stay as they are.  All rows are judged before any changes.
 */
static void
splref_eventstats(struct splref_rows *r, const struct spl_post *p)
{
	const struct spl_stats *st = p->stats;
	struct event	**g, **res;
	const char	*v;
	size_t		 i, k, ng, len;

	g = xcalloc(r->n + 1, sizeof(*g));
	res = xcalloc(r->n + 1, sizeof(*res));
	for (i = 0; i < r->n; i++)
		if ((ng = splref_group(r, i, st->by, st->nby, g)) > 0)
			res[i] = splref_aggs(st, g, ng);
	for (i = 0; i < r->n; i++) {
		if (res[i] == NULL)
			continue;
		for (k = 0; k < st->nagg; k++) {
			if (event_get(res[i], st->agg[k].as, &v, &len))
				(void)event_set(r->v[i], st->agg[k].as, v,
				    len);
			else
				event_unset(r->v[i], st->agg[k].as);
		}
		splref_row_free(res[i]);
	}
	free(res);
	free(g);
}

/*
 * A second stats: one row per distinct set of by-values (rows with a
 * null one join none), the by-values then the aggregates; in stats'
 * order.
 */
static void
splref_restats(struct splref_rows *r, const struct spl_post *p)
{
	const struct spl_stats *st = p->stats;
	struct splref_rows out;
	struct event	**g, *row;
	const char	*v;
	size_t		 i, j, k, ng, len;

	memset(&out, 0, sizeof(out));
	g = xcalloc(r->n + 1, sizeof(*g));
	for (i = 0; i < r->n; i++) {
		for (j = 0; j < i; j++)
			if (splref_same(r->v[j], r->v[i], st->by, st->nby))
				break;
		if (j < i || (ng = splref_group(r, i, st->by, st->nby,
		    g)) == 0)
			continue;
		row = splref_aggs(st, g, ng);
		for (k = 0; k < st->nby; k++)
			if (event_get(r->v[i], st->by[k], &v, &len))
				(void)event_set(row, st->by[k], v, len);
		out.v = xreallocarray(out.v, out.n + 1, sizeof(*out.v));
		out.v[out.n++] = row;
	}
	for (i = 0; i < r->n; i++)
		splref_row_free(r->v[i]);
	free(r->v);
	free(g);
	*r = out;
	splref_rows_sort(r, st->by, st->nby);
}

/* A row-local command (production code) on each row. */
static void
splref_apply(struct splref_rows *r, const struct spl_post *p)
{
	size_t	 i, out = 0;

	for (i = 0; i < r->n; i++) {
		if (p->cmd->apply(p, r->v[i]))
			r->v[out++] = r->v[i];
		else
			splref_row_free(r->v[i]);
	}
	r->n = out;
}

void
splref_window(const struct spl_search *s, struct event *const *evs,
    size_t n, bool drop_null, splref_row_fn fn, void *arg)
{
	struct splref_rows r;
	const struct spl_post *p;
	size_t		 i, k;

	memset(&r, 0, sizeof(r));
	splref_stats(&s->stats, evs, n, drop_null, splref_rows_add_cb, &r);
	splref_rows_sort(&r, s->stats.by, s->stats.nby);
	for (k = 0; k < s->nrowset; k++) {
		p = s->post[k];
		if (p->cmd->phase != SPL_PHASE_ROWSET)
			splref_apply(&r, p);
		else if (strcmp(p->cmd->name, "dedup") == 0)
			splref_dedup(&r, p);
		else if (strcmp(p->cmd->name, "eventstats") == 0)
			splref_eventstats(&r, p);
		else if (strcmp(p->cmd->name, "stats") == 0)
			splref_restats(&r, p);
		else {
			fprintf(stderr, "splref: no '%s'\n", p->cmd->name);
			abort();
		}
	}
	for (i = 0; i < r.n; i++) {
		fn(r.v[i], arg);
		splref_row_free(r.v[i]);
	}
	free(r.v);
}
