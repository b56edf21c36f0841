/*
 * Copyright (c) 2026 The hecsentry developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS.
 */

/*
 * Runs a detection set on normalised events.  The set is immutable and
 * shared; the runner owns one stats table per detection.  This module
 * neither parses nor formats: a match goes to stats.c, a row to the
 * caller's callback.
 */
#include <stdlib.h>

#include "detect.h"
#include "log.h"
#include "xmalloc.h"

struct detect_slot {
	struct detect_runner	*runner;	/* back pointer for the cb */
	const struct detection	*det;		/* borrowed from the set */
	struct stats_table	*table;		/* owned */
	struct detect_counters	 counters;
};

struct detect_runner {
	struct detection_set	*set;		/* one reference held */
	struct detect_slot	*slots;		/* one per detection */
	size_t			 nslots;
	detect_row_fn		 cb;
	void			*arg;
};

static void
detect_emit_cb(const struct stats_row *row, void *arg)
{
	struct detect_slot	*slot = arg;

	slot->counters.rows++;
	slot->runner->cb(slot->det, row, slot->runner->arg);
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
	r->nslots = set->n;
	r->slots = xcalloc(set->n, sizeof(*r->slots));
	for (i = 0; i < set->n; i++) {
		r->slots[i].runner = r;
		r->slots[i].det = set->d[i];
		r->slots[i].table = stats_new(&set->d[i]->search->stats, opts,
		    detect_emit_cb, &r->slots[i]);
	}
	return r;
}

void
detect_runner_free(struct detect_runner *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nslots; i++)
		stats_free(r->slots[i].table);
	free(r->slots);
	detection_set_unref(r->set, __func__);
	free(r);
}

void
detect_run(struct detect_runner *r, const struct event *ev, int64_t now_ms)
{
	struct detect_slot	*slot;
	size_t			 i;

	for (i = 0; i < r->nslots; i++) {
		slot = &r->slots[i];
		if (!spl_match(slot->det->search->filter, ev))
			continue;
		slot->counters.matches++;
		(void)stats_add(slot->table, ev, now_ms);
	}
}

void
detect_tick(struct detect_runner *r, int64_t now_ms)
{
	size_t	 i;

	for (i = 0; i < r->nslots; i++)
		stats_tick(r->slots[i].table, now_ms);
}

void
detect_flush(struct detect_runner *r)
{
	size_t	 i;

	for (i = 0; i < r->nslots; i++)
		stats_flush(r->slots[i].table);
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
		*dc = r->slots[i].counters;
	if (sc != NULL)
		stats_get_counters(r->slots[i].table, sc);
}
