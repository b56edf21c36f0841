/*
 * Row sets: the rows of one window of a detection, held compactly (one
 * buffer of values per row) until the window closes, then run through
 * the search's commands up to its last dedup, eventstats or second stats
 * (s->nrowset).  First the rows are put in the order Splunk's stats
 * returns them: by their by-field values, ascending (a null first, two
 * numbers numerically, a number before a text, texts bytewise).  A
 * row-local command works on a scratch record loaded from each row and
 * stored back; eventstats and a second stats feed the rows, as events,
 * to a stats table of their own (stats.c: the aggregates of the first
 * stats) and read its rows back.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/rowset.h"
#include "detect/spl.h"
#include "detect/spl_int.h"
#include "detect/stats.h"
#include "log.h"
#include "xmalloc.h"

#define ROWSET_ARENA	(1024 * 1024)	/* scratch record's arena */

struct rowset_field {
	int		 id;
	size_t		 off;		/* in the row's buf */
	size_t		 len;
};

/* One row: its metadata and its fields' values in one buffer. */
struct rowset_row {
	struct stats_row meta;		/* rec NULL; host in hostbuf */
	char		*hostbuf;	/* owned, or NULL */
	char		*buf;		/* owned: the values */
	struct rowset_field *f;		/* owned, by increasing id */
	size_t		 nf;
};

struct rowset {
	const struct spl_search *s;	/* borrowed */
	struct stats_opts opts;		/* copied */
	struct rowset_row *rows;
	size_t		 n;
	size_t		 cap;
	struct event	*ev;		/* scratch record, made when used */
	struct rowset_row *grp;		/* a stats table's rows */
	size_t		 ngrp;
};

static void
rowset_row_clear(struct rowset_row *row)
{
	free(row->hostbuf);
	free(row->buf);
	free(row->f);
	memset(row, 0, sizeof(*row));
}

/* Fills row's values from ev (replacing them); meta is left alone. */
static void
rowset_row_store(struct rowset_row *row, const struct event *ev)
{
	size_t		 k, nf = 0, len = 0;
	uint64_t	 w;
	int		 id;
	char		*buf;

	for (k = 0; k < EVENT_MAX_FIELDS / 64; k++)
		for (w = ev->set[k]; w != 0; w &= w - 1) {
			id = (int)(k * 64) + __builtin_ctzll(w);
			len += ev->val[id].len;
			nf++;
		}
	free(row->f);
	row->f = xcalloc(nf > 0 ? nf : 1, sizeof(*row->f));
	buf = xmalloc(len > 0 ? len : 1);
	row->nf = 0;
	len = 0;
	for (k = 0; k < EVENT_MAX_FIELDS / 64; k++)
		for (w = ev->set[k]; w != 0; w &= w - 1) {
			id = (int)(k * 64) + __builtin_ctzll(w);
			memcpy(buf + len, ev->val[id].ptr, ev->val[id].len);
			row->f[row->nf].id = id;
			row->f[row->nf].off = len;
			row->f[row->nf++].len = ev->val[id].len;
			len += ev->val[id].len;
		}
	free(row->buf);
	row->buf = buf;
}

/* Copies a stats row (its record and metadata) into row. */
static void
rowset_row_copy(struct rowset_row *row, const struct stats_row *sr)
{
	memset(row, 0, sizeof(*row));
	row->meta = *sr;
	row->meta.rec = NULL;
	if (sr->host != NULL) {
		row->hostbuf = xmalloc(sr->host_len + 1);
		memcpy(row->hostbuf, sr->host, sr->host_len);
		row->hostbuf[sr->host_len] = '\0';
		row->meta.host = row->hostbuf;
	}
	rowset_row_store(row, sr->rec);
}

static bool
rowset_row_get(const struct rowset_row *row, int id, const char **v,
    size_t *len)
{
	size_t	 lo = 0, hi = row->nf, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (row->f[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == row->nf || row->f[lo].id != id)
		return false;
	*v = row->buf + row->f[lo].off;
	*len = row->f[lo].len;
	return true;
}

/* Loads row into the scratch record; its time is the row's last event. */
static struct event *
rowset_row_load(struct rowset *r, const struct rowset_row *row)
{
	size_t	 k;

	if (r->ev == NULL) {
		r->ev = xmalloc(sizeof(*r->ev));
		event_init(r->ev, ROWSET_ARENA);
	}
	event_reset(r->ev);
	for (k = 0; k < row->nf; k++)
		(void)event_set_ref(r->ev, row->f[k].id,
		    row->buf + row->f[k].off, row->f[k].len);
	r->ev->time_ms = row->meta.last_ms;
	return r->ev;
}

struct rowset *
rowset_new(const struct spl_search *s, const struct stats_opts *opts)
{
	struct rowset	*r;

	r = xcalloc(1, sizeof(*r));
	r->s = s;
	r->opts = *opts;
	return r;
}

static void
rowset_clear(struct rowset *r)
{
	size_t	 k;

	for (k = 0; k < r->n; k++)
		rowset_row_clear(&r->rows[k]);
	r->n = 0;
}

void
rowset_free(struct rowset *r)
{
	if (r == NULL)
		return;
	rowset_clear(r);
	free(r->rows);
	if (r->ev != NULL) {
		event_clear(r->ev);
		free(r->ev);
	}
	free(r);
}

bool
rowset_add(struct rowset *r, const struct stats_row *row)
{
	if (r->n >= r->opts.max_keys)
		return false;
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 16 : r->cap * 2;
		r->rows = xreallocarray(r->rows, r->cap, sizeof(*r->rows));
	}
	rowset_row_copy(&r->rows[r->n++], row);
	return true;
}

size_t
rowset_count(const struct rowset *r)
{
	return r->n;
}

int64_t
rowset_win_end(const struct rowset *r)
{
	return r->n > 0 ? r->rows[0].meta.win_end_ms : 0;
}

/* Two values in stats' order: numbers numerically first, then bytes. */
static int
rowset_val_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	double	 da, db;
	bool	 na, nb;
	int	 c;

	na = spl_parse_num(a, alen, &da);
	nb = spl_parse_num(b, blen, &db);
	if (na && nb && da != db)
		return da < db ? -1 : 1;
	if (na != nb)
		return na ? -1 : 1;
	if ((c = memcmp(a, b, alen < blen ? alen : blen)) != 0)
		return c;
	return alen == blen ? 0 : alen < blen ? -1 : 1;
}

struct rowset_ord {
	const struct rowset_row *row;
	const int	*by;
	size_t		 nby;
	size_t		 idx;		/* position: ties keep their order */
};

static int
rowset_ord_cmp(const void *a, const void *b)
{
	const struct rowset_ord *oa = a, *ob = b;
	const char	*va, *vb;
	size_t		 k, la, lb;
	bool		 ha, hb;
	int		 c;

	for (k = 0; k < oa->nby; k++) {
		ha = rowset_row_get(oa->row, oa->by[k], &va, &la);
		hb = rowset_row_get(ob->row, ob->by[k], &vb, &lb);
		if (ha != hb)
			return ha ? 1 : -1;
		if (ha && (c = rowset_val_cmp(va, la, vb, lb)) != 0)
			return c;
	}
	return oa->idx < ob->idx ? -1 : oa->idx > ob->idx;
}

/* Puts the rows in the order of the by-fields by[nby]. */
static void
rowset_sort(struct rowset *r, const int *by, size_t nby)
{
	struct rowset_ord *o;
	struct rowset_row *rows;
	size_t		 k;

	if (r->n < 2)
		return;
	o = xcalloc(r->n, sizeof(*o));
	for (k = 0; k < r->n; k++) {
		o[k].row = &r->rows[k];
		o[k].by = by;
		o[k].nby = nby;
		o[k].idx = k;
	}
	qsort(o, r->n, sizeof(*o), rowset_ord_cmp);
	rows = xcalloc(r->cap, sizeof(*rows));
	for (k = 0; k < r->n; k++)
		rows[k] = *o[k].row;
	free(r->rows);
	r->rows = rows;
	free(o);
}

/* A row-local command on every row, in order; dropped rows go. */
static void
rowset_apply_rows(struct rowset *r, const struct spl_post *p)
{
	struct event	*ev;
	size_t		 k, out = 0;

	for (k = 0; k < r->n; k++) {
		ev = rowset_row_load(r, &r->rows[k]);
		if (!p->cmd->apply(p, ev)) {
			rowset_row_clear(&r->rows[k]);
			continue;
		}
		rowset_row_store(&r->rows[k], ev);
		r->rows[out++] = r->rows[k];
	}
	r->n = out;
}

/*
 * The values of ids[n] in row, serialised (a length and the bytes of
 * each) into a new buffer, or NULL when one is null.  Caller frees.
 */
static char *
rowset_key(const struct rowset_row *row, const int *ids, size_t n,
    size_t *klen)
{
	const char	*v;
	size_t		 k, len, need = 0;
	char		*key, *p;

	for (k = 0; k < n; k++) {
		if (!rowset_row_get(row, ids[k], &v, &len))
			return NULL;
		need += sizeof(size_t) + len;
	}
	p = key = xmalloc(need > 0 ? need : 1);
	for (k = 0; k < n; k++) {
		(void)rowset_row_get(row, ids[k], &v, &len);
		memcpy(p, &len, sizeof(len));
		memcpy(p + sizeof(len), v, len);
		p += sizeof(len) + len;
	}
	*klen = need;
	return key;
}

struct rowset_ent {
	char		*key;
	size_t		 len;
	size_t		 idx;		/* a position in the rows */
};

/* By key alone. */
static int
rowset_key_cmp(const void *a, const void *b)
{
	const struct rowset_ent *ea = a, *eb = b;

	if (ea->len != eb->len)
		return ea->len < eb->len ? -1 : 1;
	return memcmp(ea->key, eb->key, ea->len);
}

/* By key, then by position. */
static int
rowset_ent_cmp(const void *a, const void *b)
{
	const struct rowset_ent *ea = a, *eb = b;
	int		 c;

	if ((c = rowset_key_cmp(a, b)) != 0)
		return c;
	return ea->idx < eb->idx ? -1 : ea->idx > eb->idx;
}

/*
 * dedup: the first p->keep rows of each combination of the values of
 * p->from, in the rows' order; a row where one is null goes.
 */
static void
rowset_dedup(struct rowset *r, const struct spl_post *p)
{
	struct rowset_ent *e;
	bool		*keep;
	size_t		 k, j, ne = 0, run = 0, out = 0;

	e = xcalloc(r->n > 0 ? r->n : 1, sizeof(*e));
	keep = xcalloc(r->n > 0 ? r->n : 1, sizeof(*keep));
	for (k = 0; k < r->n; k++) {
		e[ne].key = rowset_key(&r->rows[k], p->from, p->n, &e[ne].len);
		e[ne].idx = k;
		if (e[ne].key != NULL)
			ne++;
	}
	qsort(e, ne, sizeof(*e), rowset_ent_cmp);
	for (j = 0; j < ne; j++) {
		if (j == 0 || e[j].len != e[j - 1].len ||
		    memcmp(e[j].key, e[j - 1].key, e[j].len) != 0)
			run = 0;
		if (run++ < p->keep)
			keep[e[j].idx] = true;
	}
	for (j = 0; j < ne; j++)
		free(e[j].key);
	for (k = 0; k < r->n; k++) {
		if (keep[k])
			r->rows[out++] = r->rows[k];
		else
			rowset_row_clear(&r->rows[k]);
	}
	r->n = out;
	free(keep);
	free(e);
}

static void
rowset_grp_cb(const struct stats_row *row, void *arg)
{
	struct rowset	*r = arg;

	r->grp = xreallocarray(r->grp, r->ngrp + 1, sizeof(*r->grp));
	rowset_row_copy(&r->grp[r->ngrp++], row);
}

/*
 * Feeds the rows, as events, to a stats table for st (one window, no
 * limit but the rows' own number: they were bounded when they came in);
 * a row with a null by-field joins no group, as in Splunk's stats.  The
 * table's rows land in r->grp.
 */
static void
rowset_group(struct rowset *r, const struct spl_stats *st)
{
	struct stats_table *t;
	struct stats_opts o = r->opts;
	size_t		 k;

	o.window_s = 1;
	o.window_offset_s = 0;
	o.max_keys = r->n + 1;
	o.max_bytes = SIZE_MAX / 2;
	o.shared_bytes = NULL;
	o.drop_null = true;
	t = stats_new(st, &o, rowset_grp_cb, r);
	for (k = 0; k < r->n; k++)
		(void)stats_add(t, rowset_row_load(r, &r->rows[k]), 0);
	stats_flush(t);
	stats_free(t);
}

static void
rowset_grp_clear(struct rowset *r)
{
	size_t	 k;

	for (k = 0; k < r->ngrp; k++)
		rowset_row_clear(&r->grp[k]);
	free(r->grp);
	r->grp = NULL;
	r->ngrp = 0;
}

/*
 * eventstats: each row gets the aggregates of its group, found by its
 * by-values among the groups' (sorted); a null aggregate removes the
 * field, a row with a null by-field is left as it is.
 */
static void
rowset_eventstats(struct rowset *r, const struct spl_post *p)
{
	const struct spl_stats *st = p->stats;
	struct rowset_ent *g, key, *hit;
	struct event	*ev;
	const char	*v;
	size_t		 k, j, len;

	rowset_group(r, st);
	g = xcalloc(r->ngrp > 0 ? r->ngrp : 1, sizeof(*g));
	for (k = 0; k < r->ngrp; k++) {
		g[k].key = rowset_key(&r->grp[k], st->by, st->nby, &g[k].len);
		if (g[k].key == NULL)
			fatalx("%s: a group with a null by-field", __func__);
		g[k].idx = k;
	}
	/* The groups' keys are distinct: keys alone order them. */
	qsort(g, r->ngrp, sizeof(*g), rowset_key_cmp);
	for (k = 0; k < r->n; k++) {
		key.key = rowset_key(&r->rows[k], st->by, st->nby, &key.len);
		if (key.key == NULL)
			continue;
		hit = bsearch(&key, g, r->ngrp, sizeof(*g), rowset_key_cmp);
		free(key.key);
		if (hit == NULL)
			fatalx("%s: a row without its group", __func__);
		ev = rowset_row_load(r, &r->rows[k]);
		for (j = 0; j < st->nagg; j++) {
			if (rowset_row_get(&r->grp[hit->idx], st->agg[j].as,
			    &v, &len))
				(void)event_set(ev, st->agg[j].as, v, len);
			else
				event_unset(ev, st->agg[j].as);
		}
		rowset_row_store(&r->rows[k], ev);
	}
	for (k = 0; k < r->ngrp; k++)
		free(g[k].key);
	free(g);
	rowset_grp_clear(r);
}

/*
 * A second stats: its rows replace the rows, in the same window, in its
 * by-fields' order.
 */
static void
rowset_stats(struct rowset *r, const struct spl_post *p)
{
	struct stats_row meta;
	size_t		 k;

	if (r->n == 0)
		return;
	meta = r->rows[0].meta;
	rowset_group(r, p->stats);
	rowset_clear(r);
	free(r->rows);
	r->rows = r->grp;
	r->n = r->cap = r->ngrp;
	r->grp = NULL;
	r->ngrp = 0;
	for (k = 0; k < r->n; k++) {
		r->rows[k].meta.win_start_ms = meta.win_start_ms;
		r->rows[k].meta.win_end_ms = meta.win_end_ms;
		r->rows[k].meta.reason = meta.reason;
		r->rows[k].meta.by = p->stats->by;
		r->rows[k].meta.nby = p->stats->nby;
	}
	rowset_sort(r, p->stats->by, p->stats->nby);
}

void
rowset_run(struct rowset *r, stats_emit_fn emit, void *arg)
{
	const struct spl_post *p;
	struct stats_row row;
	size_t		 k;

	rowset_sort(r, r->s->stats.by, r->s->stats.nby);
	for (k = 0; k < r->s->nrowset; k++) {
		p = r->s->post[k];
		if (p->cmd->phase != SPL_PHASE_ROWSET)
			rowset_apply_rows(r, p);
		else if (p->cmd == &spl_cmd_stats_rows)
			rowset_stats(r, p);
		else if (p->stats != NULL)
			rowset_eventstats(r, p);
		else
			rowset_dedup(r, p);
	}
	for (k = 0; k < r->n; k++) {
		row = r->rows[k].meta;
		row.rec = rowset_row_load(r, &r->rows[k]);
		emit(&row, arg);
	}
	rowset_clear(r);
}
