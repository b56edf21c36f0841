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
 *
 * Detections whose searches are the same up to and including stats
 * (spl_head_same(), with the same dataset and window) share one stats
 * table, a group (issue 13, item 3): the first of them in the set (the
 * leader) runs the filter and adds the event once; every row the table
 * emits is copied into the group's queue, and each sharer takes it at
 * the moment its own table would have emitted it (its next add, tick or
 * flush), so that each detection's tail (joins, row sets, commands,
 * first-seen rows, counters) sees the rows it saw with a table of its
 * own, in the same order and at the same point of the event stream.
 * A sharer whose detection changes or goes on a reload takes the rows
 * so far (stats_each()) and leaves; the others keep the table.  A table
 * of one may drop keys at their first event (tombstones, spl_first.c).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/dispatch.h"
#include "detect/match_set.h"
#include "detect/rowq.h"
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

/*
 * The stats table of one or more detections (sharers) with the same
 * head.  The queue holds the rows some sharer has not taken yet,
 * tagged with the event number of the leader's add that emitted them
 * (0: a tick or a flush).
 */
struct detect_group {
	struct stats_table	*table;		/* owned */
	struct detection_set	*spec_set;	/* one reference: the set
						   whose detection's stats
						   spec the table borrows */
	struct detect_slot	**sharers;	/* ascending set index; */
	size_t			 nsharers;	/*   [0] is the leader */
	uint64_t		 head;		/* spl_head_hash() */
	uint64_t		 seq;		/* while the leader adds: the
						   event's number; else 0 */
	uint64_t		 add_seq;	/* the number of the last
						   event the leader added */
	struct rowq		 queue;
};

struct detect_slot {
	struct detect_runner	*runner;	/* back pointer for the cb */
	const struct detection	*det;		/* borrowed from runner's set */
	struct detection_set	*spec_set;	/* one reference: the set
						   its detection is in */
	struct detect_group	*group;		/* its stats table, shared
						   or not (one reference) */
	size_t			 index;		/* in the runner's set */
	uint64_t		 taken;		/* queue entries taken */
	bool			 first_on;	/* takes first-seen rows */
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
	uint64_t		 evseq;		/* events run so far */
	uint64_t		 stop;		/* in detect_run(): evseq;
						   else 0 */
};

static void	detect_rows_run(struct detect_slot *);
static void	detect_emit_cb(const struct stats_row *, void *);
static void	detect_take(struct detect_slot *, uint64_t, bool);

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

/* Frees the queued rows every sharer took. */
static void
detect_group_trim(struct detect_group *g)
{
	uint64_t	 min = rowq_end(&g->queue);
	size_t		 i;

	for (i = 0; i < g->nsharers; i++)
		if (g->sharers[i]->taken < min)
			min = g->sharers[i]->taken;
	rowq_trim(&g->queue, min);
}

/*
 * Slot takes the queued rows its own table would have emitted by now:
 * all of them, or (stop not 0) those before the first one the leader's
 * add of event stop emitted, which slot takes at its own add.  flush:
 * they go as a flush would have emitted them.
 */
static void
detect_take(struct detect_slot *slot, uint64_t stop, bool flush)
{
	struct detect_group	*g = slot->group;
	const struct rowq_item	*p;
	struct stats_row	 row;

	while (slot->taken < rowq_end(&g->queue)) {
		p = rowq_get(&g->queue, slot->taken);
		if (stop != 0 && p->seq == stop)
			break;
		slot->taken++;
		if (p->first && !slot->first_on)
			continue;
		rowq_replay(p, &slot->runner->rec, &row);
		if (p->first) {
			detect_first_cb(&row, slot);
			continue;
		}
		if (flush)
			row.reason = STATS_EMIT_FLUSH;
		detect_emit_cb(&row, slot);
	}
	detect_group_trim(g);
}

/* The table's rows: straight on for a sole sharer, else queued. */
static void
detect_group_row(struct detect_group *g, const struct stats_row *row,
    bool first)
{
	if (g->nsharers > 1 || g->queue.n > 0)
		rowq_push(&g->queue, row, g->seq, first);
	else if (first)
		detect_first_cb(row, g->sharers[0]);
	else
		detect_emit_cb(row, g->sharers[0]);
}

static void
detect_group_emit_cb(const struct stats_row *row, void *arg)
{
	detect_group_row(arg, row, false);
}

static void
detect_group_first_cb(const struct stats_row *row, void *arg)
{
	detect_group_row(arg, row, true);
}

/* Whether the sole sharer's commands after stats keep a new key's row. */
static bool
detect_judge_cb(const struct stats_row *row, void *arg)
{
	struct detect_group	*g = arg;

	return spl_post_apply(g->sharers[0]->det->search, row->rec);
}

/* First-seen rows when a sharer takes them; a table of one judges keys. */
static void
detect_group_first(struct detect_group *g)
{
	size_t	 i;
	bool	 on = false;

	for (i = 0; i < g->nsharers; i++)
		on = on || g->sharers[i]->first_on;
	stats_on_first(g->table, on ? detect_group_first_cb : NULL);
	stats_on_new(g->table, g->nsharers == 1 &&
	    g->sharers[0]->det->search->first_drops ? detect_judge_cb : NULL);
}

/* Whether slot's detection emits first-seen rows under r->first. */
static void
detect_slot_first(struct detect_runner *r, struct detect_slot *slot)
{
	const char	*why;

	slot->first_on = detect_first_wanted(&r->first, slot->det, &why) &&
	    why == NULL;
	detect_group_first(slot->group);
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
	stats_tick(slot->group->table, now_ms);
	if (slot->group->queue.n > 0)
		detect_take(slot, slot->runner->stop, false);
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
	stats_flush(slot->group->table);
	if (slot->group->queue.n > 0)
		detect_take(slot, 0, true);
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

bool
detect_share(const struct detection *a, const struct detection *b)
{
	return a->dataset == b->dataset && a->window_s == b->window_s &&
	    a->window_offset_s == b->window_offset_s &&
	    spl_head_same(a->search, b->search);
}

size_t
detect_set_shared(const struct detection_set *set, size_t *nsharing)
{
	uint64_t	*h;
	size_t		*lead, *nfollow, i, j, tables = 0;

	*nsharing = 0;
	if (set->n == 0)
		return 0;
	h = xcalloc(set->n, sizeof(*h));
	lead = xcalloc(set->n, sizeof(*lead));
	nfollow = xcalloc(set->n, sizeof(*nfollow));
	for (i = 0; i < set->n; i++) {
		h[i] = spl_head_hash(set->d[i]->search);
		lead[i] = i;
		for (j = 0; j < i; j++)
			if (lead[j] == j && h[j] == h[i] &&
			    detect_share(set->d[j], set->d[i])) {
				lead[i] = j;
				nfollow[j]++;
				break;
			}
	}
	for (i = 0; i < set->n; i++)
		if (nfollow[i] > 0) {
			tables++;
			*nsharing += nfollow[i] + 1;
		}
	free(h);
	free(lead);
	free(nfollow);
	return tables;
}

/* A table for detection i of set, with opts. */
static struct detect_group *
detect_group_new(struct detection_set *set, size_t i,
    const struct stats_opts *o)
{
	struct detect_group	*g;

	g = xcalloc(1, sizeof(*g));
	rowq_init(&g->queue);
	detection_set_ref(set);
	g->spec_set = set;
	g->head = spl_head_hash(set->d[i]->search);
	g->table = stats_new(&set->d[i]->search->stats, o,
	    detect_group_emit_cb, g);
	return g;
}

/* Slot becomes the last sharer of g. */
static void
detect_group_join(struct detect_group *g, struct detect_slot *slot)
{
	g->sharers = xreallocarray(g->sharers, g->nsharers + 1,
	    sizeof(*g->sharers));
	g->sharers[g->nsharers++] = slot;
	slot->group = g;
	slot->taken = rowq_end(&g->queue);
}

/* Slot leaves its table; the last one frees it. */
static void
detect_group_leave(struct detect_slot *slot)
{
	struct detect_group	*g = slot->group;
	size_t			 i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nsharers; i++)
		if (g->sharers[i] == slot)
			break;
	memmove(g->sharers + i, g->sharers + i + 1,
	    (g->nsharers - i - 1) * sizeof(*g->sharers));
	g->nsharers--;
	slot->group = NULL;
	if (g->nsharers > 0) {
		detect_group_trim(g);
		detect_group_first(g);
		return;
	}
	rowq_clear(&g->queue);
	free(g->sharers);
	stats_free(g->table);
	detection_set_unref(g->spec_set, __func__);
	free(g);
}

/* The sharers of g in the order of the set (after a swap). */
static void
detect_group_sort(struct detect_group *g)
{
	struct detect_slot	*s;
	size_t			 i, j;

	for (i = 1; i < g->nsharers; i++) {
		s = g->sharers[i];
		for (j = i; j > 0 && g->sharers[j - 1]->index > s->index; j--)
			g->sharers[j] = g->sharers[j - 1];
		g->sharers[j] = s;
	}
}

/*
 * A slot for detection i of set: in the table of the first of peers[0,
 * i) (those fresh[] marks, every one when fresh is NULL) whose
 * detection shares with it, else in a fresh table.
 */
static struct detect_slot *
detect_slot_new(struct detect_runner *r, struct detection_set *set,
    size_t i, const struct stats_opts *opts, struct detect_slot **peers,
    const bool *fresh)
{
	struct detect_slot	*slot;
	struct stats_opts	 o = *opts;
	uint64_t		 h;
	size_t			 k;

	slot = xcalloc(1, sizeof(*slot));
	slot->runner = r;
	slot->det = set->d[i];
	slot->index = i;
	detection_set_ref(set);
	slot->spec_set = set;
	o.rec = &r->rec;
	/* A detection windowed on its schedule: its period and phase. */
	if (set->d[i]->window_s > 0) {
		o.window_s = set->d[i]->window_s;
		o.window_offset_s = set->d[i]->window_offset_s;
	}
	h = spl_head_hash(set->d[i]->search);
	for (k = 0; k < i; k++)
		if ((fresh == NULL || fresh[k]) && peers[k] != NULL &&
		    peers[k]->group->head == h &&
		    detect_share(peers[k]->det, set->d[i])) {
			detect_group_join(peers[k]->group, slot);
			break;
		}
	if (slot->group == NULL)
		detect_group_join(detect_group_new(set, i, &o), slot);
	detect_subs_new(slot, &o);
	if (set->d[i]->search->npre > 0)
		slot->copy = &r->copy;
	if (set->d[i]->search->nrowset > 0)
		slot->rows = rowset_new(set->d[i]->search, &o);
	detect_slot_first(r, slot);
	return slot;
}

/*
 * A sharer leaving a table others keep: its rows so far go out as a
 * flush would have emitted them, the table's stay.
 */
static void
detect_slot_part(struct detect_slot *slot)
{
	size_t	 k;

	for (k = 0; k < slot->nsubs; k++)
		stats_flush(slot->subs[k].table);
	if (slot->group->queue.n > 0)
		detect_take(slot, 0, true);
	stats_each(slot->group->table, STATS_EMIT_FLUSH, detect_emit_cb,
	    slot);
	detect_rows_run(slot);
}

static void
detect_slot_free(struct detect_slot *slot)
{
	if (slot == NULL)
		return;
	detect_subs_free(slot);
	detect_group_leave(slot);
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
		r->slots[i] = detect_slot_new(r, set, i, opts, r->slots,
		    NULL);
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
	bool			 *fresh;
	size_t			  i, j, kept = 0;

	slots = xcalloc(set->n, sizeof(*slots));
	fresh = xcalloc(set->n, sizeof(*fresh));
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
	/*
	 * Changed and removed: their rows go out under the old detection;
	 * a table that kept sharers stays theirs.
	 */
	for (i = 0; i < r->nslots; i++) {
		if (r->slots[i] == NULL)
			continue;
		if (r->slots[i]->group->nsharers > 1)
			detect_slot_part(r->slots[i]);
		else
			detect_slot_flush(r->slots[i]);
		detect_slot_free(r->slots[i]);
	}
	free(r->slots);
	/* New and changed ones share only among themselves. */
	for (j = 0; j < set->n; j++) {
		if (slots[j] != NULL) {
			slots[j]->det = set->d[j];
			slots[j]->index = j;
			detect_slot_first(r, slots[j]);
		} else {
			slots[j] = detect_slot_new(r, set, j, opts, slots,
			    fresh);
			fresh[j] = true;
		}
	}
	for (j = 0; j < set->n; j++)
		detect_group_sort(slots[j]->group);
	free(fresh);
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
 * The leader of a shared table adds ev (no commands before stats: those
 * do not share): the windows that ended first, then the add, each row
 * queued with its origin, so that a sharer with joins takes the closed
 * windows at its own tick, before its subsearches see ev.
 */
__attribute__((noinline))
static void
detect_slot_add(struct detect_slot *slot, struct event *ev, int64_t now_ms)
{
	struct detect_group	*g = slot->group;
	struct detect_runner	*r = slot->runner;
	const struct event	*in = ev;

	if (slot->copy != NULL) {
		if (!spl_pre_apply(slot->det->search, ev, slot->copy))
			return;
		in = slot->copy;
	}
	stats_tick(g->table, now_ms);
	g->seq = r->evseq;
	(void)stats_add(g->table, in, now_ms);
	g->seq = 0;
	g->add_seq = r->evseq;
	slot->counters.matches++;
	detect_take(slot, 0, false);
}

/*
 * Detection i on ev: its filter (from the shared terms, or alone), its
 * commands before stats, stats.  A sharer that does not lead a table
 * takes the rows the leader's add emitted, when the leader added ev.
 */
static inline void
detect_slot_run(struct detect_runner *r, size_t i, struct event *ev,
    int64_t now_ms)
{
	struct detect_slot	*slot = r->slots[i];
	struct detect_group	*g = slot->group;

	if (g->nsharers > 1 && g->sharers[0] != slot) {
		/* The leader ran the same filter and added ev. */
		if (g->add_seq == r->evseq) {
			slot->counters.matches++;
			detect_take(slot, 0, false);
		}
		return;
	}
	if (r->match != NULL ? !match_set_filter(r->match, i, ev) :
	    !spl_match(slot->det->search->filter, ev))
		return;
	if (g->nsharers > 1 || g->queue.n > 0) {
		detect_slot_add(slot, ev, now_ms);
		return;
	}
	if (slot->copy != NULL) {
		if (!spl_pre_apply(slot->det->search, ev, slot->copy))
			return;
		slot->counters.matches++;
		(void)stats_add(g->table, slot->copy, now_ms);
		return;
	}
	slot->counters.matches++;
	(void)stats_add(g->table, ev, now_ms);
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

	r->stop = ++r->evseq;
	if (r->set->dispatch != NULL && detect_dispatch)
		detect_run_dispatch(r, ev, now_ms);
	else if (r->ndatasets > 0)
		detect_run_datasets(r, ev, now_ms);
	else {
		if (r->match != NULL)
			match_set_event(r->match, ev);
		for (i = 0; i < r->nslots; i++) {
			if (r->slots[i]->nsubs > 0)
				detect_slot_run_subs(r->slots[i], ev, 0,
				    now_ms);
			detect_slot_run(r, i, ev, now_ms);
		}
	}
	r->stop = 0;
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
	if (dc != NULL) {
		*dc = r->slots[i]->counters;
		dc->table = r->slots[i]->group->sharers[0]->index;
	}
	if (sc != NULL)
		stats_get_counters(r->slots[i]->group->table, sc);
}

size_t
detect_runner_shared(const struct detect_runner *r, size_t *nsharing)
{
	const struct detect_group	*g;
	size_t				 i, tables = 0;

	*nsharing = 0;
	for (i = 0; i < r->nslots; i++) {
		g = r->slots[i]->group;
		if (g->nsharers > 1 && g->sharers[0] == r->slots[i]) {
			tables++;
			*nsharing += g->nsharers;
		}
	}
	return tables;
}
