/*
 * Runs a detection set on normalised events.  The set is immutable and
 * shared; the runner owns one stats table per detection.  This module
 * neither parses nor formats: a match goes to stats.c, a row to the
 * caller's callback.  A swap (reload) moves the table of every
 * detection that did not change into the new runner state, so its
 * windows carry on, and emits the rows of the others first.  A detection
 * with joins has a table per subsearch too, with its window: every event
 * goes to the subsearches of the datasets it is in, and their windows
 * close before the detection's, so that its rows (stats_row.sides) meet
 * every right row of their window (spl_join.c).  A detection with
 * commands over all the rows of a window (dedup, eventstats, a second
 * stats) holds its rows in a row set (rowset.c) until the window closes,
 * then hands on what those commands leave.  A detection selected for
 * first-seen alerts also hands on a key's row at its first event in a
 * window (detect_runner_first()).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/dispatch.h"
#include "detect/match_set.h"
#include "detect/rowset.h"
#include "log.h"
#include "xmalloc.h"

bool		 detect_dispatch = true;	/* off only in tests */

#define DETECT_COPY_ARENA	4096	/* bytes the commands before stats
					   may add to an event's copy */
#define DETECT_REC_ARENA	4096	/* a row record's first arena (stats
					   grows it as rows need) */

/*
 * A join subsearch of a slot's detection (spl_join.c): its own stats
 * table, with the detection's window, whose rows of a window go to rows
 * before the detection's own rows of that window are emitted.
 */
struct detect_sub {
	struct detect_slot	*slot;		/* back pointer for the cb */
	size_t			 k;		/* search->subs[k] */
	struct stats_table	*table;		/* owned */
	struct event		*copy;		/* owned, as the slot's */
	struct spl_rows		*rows;		/* owned: its rows of the */
						/*   window win_ms */
	int64_t			 win_ms;	/* start of that window */
	bool			 has_win;	/* rows holds a window's */
};

struct detect_slot {
	struct detect_runner	*runner;	/* back pointer for the cb */
	const struct detection	*det;		/* borrowed from runner's set */
	struct detection_set	*spec_set;	/* one reference: the set
						   whose detection's stats
						   spec the table borrows */
	struct stats_table	*table;		/* owned */
	struct detect_counters	 counters;
	struct event		*copy;		/* runner's copy, for the
						   commands before stats; NULL
						   without such commands */
	size_t			 nsubs;		/* its join subsearches */
	struct detect_sub	*subs;		/* owned, nsubs of them */
	struct spl_rows		**sides;	/* owned array: the rows of
						   each sub for the row being
						   emitted (NULL: none) */
	struct rowset		*rows;		/* owned: the rows of the open
						   window, when the search has
						   commands over all of them;
						   else NULL */
};

struct detect_runner {
	struct detection_set	*set;		/* one reference held */
	struct detect_slot	**slots;	/* one per detection; a slot
						   moves whole on a swap, as
						   its table points to it */
	size_t			 nslots;
	size_t			 ndatasets;	/* set->ndatasets: 0 takes
						   the raw-only loop */
	detect_row_fn		 cb;
	void			*arg;
	struct match_set	*match;		/* the terms of set, shared by */
					/*   its filters; NULL: each filter */
					/*   alone (match_set_enabled) */
	struct event		 rec;		/* the row record every table
						   of the runner emits in */
	struct event		 copy;		/* the copy of an event the
						   commands before stats of
						   any detection work on */
	struct detect_first	 first;		/* who emits first-seen rows */
};

static void	detect_rows_run(struct detect_slot *);

static void
detect_row_cb(const struct stats_row *row, void *arg)
{
	struct detect_slot	*slot = arg;
	struct stats_row	 r;
	size_t			 k;

	slot->counters.rows++;
	if (slot->nsubs == 0) {
		slot->runner->cb(slot->det, row, slot->runner->arg);
		return;
	}
	/* The right rows of the same window only. */
	for (k = 0; k < slot->nsubs; k++)
		slot->sides[k] = slot->subs[k].has_win &&
		    slot->subs[k].win_ms == row->win_start_ms ?
		    slot->subs[k].rows : NULL;
	r = *row;
	r.sides = slot->sides;
	slot->runner->cb(slot->det, &r, slot->runner->arg);
}

/* A key's first event: its row so far goes on, the row stays open. */
static void
detect_first_cb(const struct stats_row *row, void *arg)
{
	struct detect_slot	*slot = arg;

	slot->counters.firsts++;
	slot->runner->cb(slot->det, row, slot->runner->arg);
}

bool
detect_first_wanted(const struct detect_first *f, const struct detection *d,
    const char **why)
{
	*why = NULL;
	if (f == NULL || detection_listed(d, f->close, f->nclose) ||
	    (!f->all && !detection_listed(d, f->first, f->nfirst)))
		return false;
	if (d->search != NULL)
		*why = d->search->first_why;
	return true;
}

/* Whether slot's detection emits first-seen rows under r->first. */
static void
detect_slot_first(struct detect_runner *r, struct detect_slot *slot)
{
	const char	*why;
	bool		 on;

	on = detect_first_wanted(&r->first, slot->det, &why) && why == NULL;
	stats_on_first(slot->table, on ? detect_first_cb : NULL);
}

/*
 * A subsearch's row: through its own commands (on the row record, which
 * has room for them) into its window's rows, keyed by its by-values as
 * stats gave them.
 */
static void
detect_sub_emit_cb(const struct stats_row *row, void *arg)
{
	struct detect_sub	*sub = arg;
	char			*key;
	size_t			 keylen;

	if (!sub->has_win || sub->win_ms != row->win_start_ms) {
		spl_rows_clear(sub->rows);
		sub->win_ms = row->win_start_ms;
		sub->has_win = true;
	}
	key = spl_rows_key(row->rec, row->by, row->nby, &keylen);
	if (!spl_post_apply(sub->slot->det->search->subs[sub->k], row->rec)) {
		free(key);
		return;
	}
	spl_rows_add(sub->rows, row->rec, key, keylen);
}

/* The join subsearches of slot's detection, with the slot's window. */
static void
detect_subs_new(struct detect_slot *slot, const struct stats_opts *o)
{
	const struct spl_search	*s = slot->det->search;
	struct detect_sub	*sub;
	size_t			 k;

	slot->nsubs = s->nsubs;
	if (s->nsubs == 0)
		return;
	slot->subs = xcalloc(s->nsubs, sizeof(*slot->subs));
	slot->sides = xcalloc(s->nsubs, sizeof(*slot->sides));
	for (k = 0; k < s->nsubs; k++) {
		sub = &slot->subs[k];
		sub->slot = slot;
		sub->k = k;
		sub->table = stats_new(&s->subs[k]->stats, o,
		    detect_sub_emit_cb, sub);
		sub->rows = spl_rows_new();
		if (s->subs[k]->npre > 0) {
			sub->copy = xmalloc(sizeof(*sub->copy));
			event_init(sub->copy, DETECT_COPY_ARENA);
		}
	}
}

static void
detect_subs_free(struct detect_slot *slot)
{
	size_t	 k;

	for (k = 0; k < slot->nsubs; k++) {
		stats_free(slot->subs[k].table);
		spl_rows_free(slot->subs[k].rows);
		if (slot->subs[k].copy != NULL) {
			event_clear(slot->subs[k].copy);
			free(slot->subs[k].copy);
		}
	}
	free(slot->subs);
	free(slot->sides);
}

/*
 * Closes the windows that ended by now_ms: the subsearches' first, so
 * that the detection's rows of a window meet every right row of it.
 */
static void
detect_slot_tick(struct detect_slot *slot, int64_t now_ms)
{
	size_t	 k;

	for (k = 0; k < slot->nsubs; k++)
		stats_tick(slot->subs[k].table, now_ms);
	stats_tick(slot->table, now_ms);
	if (slot->rows != NULL && rowset_count(slot->rows) > 0 &&
	    rowset_win_end(slot->rows) <= now_ms)
		detect_rows_run(slot);
}

/* Emits every row now, the subsearches' first. */
static void
detect_slot_flush(struct detect_slot *slot)
{
	size_t	 k;

	for (k = 0; k < slot->nsubs; k++)
		stats_flush(slot->subs[k].table);
	stats_flush(slot->table);
	detect_rows_run(slot);
}

/* The commands over the rows held, and what they leave goes on. */
static void
detect_rows_run(struct detect_slot *slot)
{
	if (slot->rows != NULL && rowset_count(slot->rows) > 0)
		rowset_run(slot->rows, detect_row_cb, slot);
}

/*
 * A row of stats: on, or into the row set.  A row of a later window
 * first closes the rows held; a full set is run early, as stats emits
 * rows early at its key limit.
 */
static void
detect_emit_cb(const struct stats_row *row, void *arg)
{
	struct detect_slot	*slot = arg;

	if (slot->rows == NULL) {
		detect_row_cb(row, arg);
		return;
	}
	if (rowset_count(slot->rows) > 0 &&
	    rowset_win_end(slot->rows) != row->win_end_ms)
		detect_rows_run(slot);
	if (!rowset_add(slot->rows, row)) {
		detect_rows_run(slot);
		(void)rowset_add(slot->rows, row);
	}
}

/* A slot for detection i of set, with a fresh table. */
static struct detect_slot *
detect_slot_new(struct detect_runner *r, struct detection_set *set,
    size_t i, const struct stats_opts *opts)
{
	struct detect_slot	*slot;
	struct stats_opts	 o = *opts;

	slot = xcalloc(1, sizeof(*slot));
	slot->runner = r;
	slot->det = set->d[i];
	detection_set_ref(set);
	slot->spec_set = set;
	o.rec = &r->rec;
	/* A detection windowed on its schedule: its period and phase. */
	if (set->d[i]->window_s > 0) {
		o.window_s = set->d[i]->window_s;
		o.window_offset_s = set->d[i]->window_offset_s;
	}
	slot->table = stats_new(&set->d[i]->search->stats, &o,
	    detect_emit_cb, slot);
	detect_subs_new(slot, &o);
	if (set->d[i]->search->npre > 0)
		slot->copy = &r->copy;
	if (set->d[i]->search->nrowset > 0)
		slot->rows = rowset_new(set->d[i]->search, &o);
	detect_slot_first(r, slot);
	return slot;
}

static void
detect_slot_free(struct detect_slot *slot)
{
	if (slot == NULL)
		return;
	detect_subs_free(slot);
	stats_free(slot->table);
	rowset_free(slot->rows);
	detection_set_unref(slot->spec_set, __func__);
	free(slot);
}

struct detect_runner *
detect_runner_new(struct detection_set *set, const struct stats_opts *opts,
    detect_row_fn cb, void *arg)
{
	struct detect_runner	*r;
	size_t			 i;

	r = xcalloc(1, sizeof(*r));
	detection_set_ref(set);
	r->set = set;
	r->cb = cb;
	r->arg = arg;
	event_init(&r->rec, DETECT_REC_ARENA);
	event_init(&r->copy, DETECT_COPY_ARENA);
	r->nslots = set->n;
	r->ndatasets = set->ndatasets;
	r->slots = xcalloc(set->n, sizeof(*r->slots));
	for (i = 0; i < set->n; i++)
		r->slots[i] = detect_slot_new(r, set, i, opts);
	if (match_set_enabled)
		r->match = match_set_new(set);
	return r;
}

void
detect_runner_first(struct detect_runner *r, const struct detect_first *f)
{
	size_t	 i;

	r->first = *f;
	for (i = 0; i < r->nslots; i++)
		detect_slot_first(r, r->slots[i]);
}

void
detect_runner_free(struct detect_runner *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nslots; i++)
		detect_slot_free(r->slots[i]);
	free(r->slots);
	match_set_free(r->match);
	event_clear(&r->rec);
	event_clear(&r->copy);
	detection_set_unref(r->set, __func__);
	free(r);
}

/*
 * Whether detection b of the new set is detection a of the running one:
 * detection_same(), and same_fn (when given) agrees.
 */
static bool
detect_same(const struct detection *a, const struct detection *b,
    detect_same_fn same_fn, void *arg)
{
	if (!detection_same(a, b))
		return false;
	return same_fn == NULL || same_fn(a, b, arg);
}

size_t
detect_runner_swap(struct detect_runner *r, struct detection_set *set,
    const struct stats_opts *opts, detect_same_fn same_fn, void *arg)
{
	struct detect_slot	**slots;
	size_t			  i, j, kept = 0;

	slots = xcalloc(set->n, sizeof(*slots));
	for (j = 0; j < set->n; j++) {
		for (i = 0; i < r->nslots; i++) {
			if (r->slots[i] == NULL ||
			    !detect_same(r->slots[i]->det, set->d[j], same_fn,
			    arg))
				continue;
			slots[j] = r->slots[i];
			r->slots[i] = NULL;
			kept++;
			break;
		}
	}
	/* Changed and removed: their rows go out under the old detection. */
	for (i = 0; i < r->nslots; i++) {
		if (r->slots[i] == NULL)
			continue;
		detect_slot_flush(r->slots[i]);
		detect_slot_free(r->slots[i]);
	}
	free(r->slots);
	for (j = 0; j < set->n; j++) {
		if (slots[j] != NULL) {
			slots[j]->det = set->d[j];
			detect_slot_first(r, slots[j]);
		} else
			slots[j] = detect_slot_new(r, set, j, opts);
	}
	match_set_free(r->match);
	r->match = match_set_enabled ? match_set_new(set) : NULL;
	detection_set_ref(set);
	detection_set_unref(r->set, __func__);
	r->set = set;
	r->slots = slots;
	r->nslots = set->n;
	r->ndatasets = set->ndatasets;
	return kept;
}

/*
 * The datasets of the set among those of mask (bit i: set->datasets[i])
 * that ev belongs to, as a bit set by index, with each one's fields set
 * on ev (once per event and dataset).  An event whose fields do not fit
 * its arena is in none of them.
 */
static uint64_t
detect_datasets(const struct detection_set *set, struct event *ev,
    uint64_t mask)
{
	uint64_t	 in = 0;
	size_t		 i;

	for (i = 0; i < set->ndatasets; i++)
		if (((mask >> i) & 1) != 0 &&
		    cim_dataset_has(set->datasets[i], ev) &&
		    cim_dataset_apply(set->datasets[i], ev) == 0)
			in |= (uint64_t)1 << i;
	return in;
}

/*
 * Detection i on ev: its filter (from the shared terms, or alone), its
 * commands before stats, stats.
 */
static inline void
detect_slot_run(struct detect_runner *r, size_t i, struct event *ev,
    int64_t now_ms)
{
	struct detect_slot	*slot = r->slots[i];

	if (r->match != NULL ? !match_set_filter(r->match, i, ev) :
	    !spl_match(slot->det->search->filter, ev))
		return;
	if (slot->copy != NULL) {
		if (!spl_pre_apply(slot->det->search, ev, slot->copy))
			return;
		slot->counters.matches++;
		(void)stats_add(slot->table, slot->copy, now_ms);
		return;
	}
	slot->counters.matches++;
	(void)stats_add(slot->table, ev, now_ms);
}

/*
 * The join subsearches of slot's detection on ev, in the datasets in
 * (a bit set by index).  The slot's windows are closed first, so that an
 * event of a new window never closes the detection's window before its
 * subsearches'.
 */
__attribute__((noinline))
static void
detect_slot_run_subs(struct detect_slot *slot, struct event *ev,
    uint64_t in, int64_t now_ms)
{
	const struct spl_search	*sub;
	struct detect_sub	*ds;
	size_t			 k;
	int			 d;

	detect_slot_tick(slot, now_ms);
	for (k = 0; k < slot->nsubs; k++) {
		ds = &slot->subs[k];
		sub = slot->det->search->subs[k];
		d = detection_sub_dataset(slot->det, k);
		if (d != DETECTION_RAW &&
		    (d < 0 || ((in >> (d - 1)) & 1) == 0))
			continue;
		if (!spl_match(sub->filter, ev))
			continue;
		if (ds->copy != NULL) {
			if (spl_pre_apply(sub, ev, ds->copy))
				(void)stats_add(ds->table, ds->copy, now_ms);
			continue;
		}
		(void)stats_add(ds->table, ev, now_ms);
	}
}

/*
 * Whether a detection may match an event of datasets in: a raw one, or
 * a tstats one whose dataset is among them.
 */
static inline bool
detect_slot_in(const struct detect_slot *slot, uint64_t in)
{
	int	 ds = slot->det->dataset;

	return ds == DETECTION_RAW || (ds > 0 && ((in >> (ds - 1)) & 1) != 0);
}

/*
 * detect_run() through the set's dispatch: only the detections of the
 * event's code, and only the datasets of that code.
 */
static void
detect_run_dispatch(struct detect_runner *r, struct event *ev,
    int64_t now_ms)
{
	const struct dispatch	*dp = r->set->dispatch;
	const uint32_t		*idx;
	struct detect_slot	*slot;
	uint64_t		 in = 0;
	size_t			 c, n, i;

	c = dispatch_code(ev);
	idx = dispatch_list(dp, c, &n);
	if (c < DISPATCH_NCODES && dp->datasets[c] != 0)
		in = detect_datasets(r->set, ev, dp->datasets[c]);
	if (r->match != NULL)
		match_set_event(r->match, ev);
	for (i = 0; i < n; i++) {
		slot = r->slots[idx[i]];
		if (slot->nsubs > 0)
			detect_slot_run_subs(slot, ev, in, now_ms);
		if (detect_slot_in(slot, in))
			detect_slot_run(r, idx[i], ev, now_ms);
	}
}

/* detect_run() on a set with tstats searches and no dispatch. */
__attribute__((noinline))
static void
detect_run_datasets(struct detect_runner *r, struct event *ev,
    int64_t now_ms)
{
	uint64_t	 in;
	size_t		 i;

	in = detect_datasets(r->set, ev, UINT64_MAX);
	if (r->match != NULL)
		match_set_event(r->match, ev);
	for (i = 0; i < r->nslots; i++) {
		if (r->slots[i]->nsubs > 0)
			detect_slot_run_subs(r->slots[i], ev, in, now_ms);
		if (detect_slot_in(r->slots[i], in))
			detect_slot_run(r, i, ev, now_ms);
	}
}

void
detect_run(struct detect_runner *r, struct event *ev, int64_t now_ms)
{
	size_t	 i;

	if (r->set->dispatch != NULL && detect_dispatch) {
		detect_run_dispatch(r, ev, now_ms);
		return;
	}
	if (r->ndatasets > 0) {
		detect_run_datasets(r, ev, now_ms);
		return;
	}
	if (r->match != NULL)
		match_set_event(r->match, ev);
	for (i = 0; i < r->nslots; i++) {
		if (r->slots[i]->nsubs > 0)
			detect_slot_run_subs(r->slots[i], ev, 0, now_ms);
		detect_slot_run(r, i, ev, now_ms);
	}
}

void
detect_tick(struct detect_runner *r, int64_t now_ms)
{
	size_t	 i;

	for (i = 0; i < r->nslots; i++)
		detect_slot_tick(r->slots[i], now_ms);
}

void
detect_flush(struct detect_runner *r)
{
	size_t	 i;

	for (i = 0; i < r->nslots; i++)
		detect_slot_flush(r->slots[i]);
}

const struct detection_set *
detect_runner_set(const struct detect_runner *r)
{
	return r->set;
}

void
detect_get_counters(const struct detect_runner *r, size_t i,
    struct detect_counters *dc, struct stats_counters *sc)
{
	if (i >= r->nslots)
		return;
	if (dc != NULL)
		*dc = r->slots[i]->counters;
	if (sc != NULL)
		stats_get_counters(r->slots[i]->table, sc);
}
