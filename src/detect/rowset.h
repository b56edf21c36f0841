/*
 * The rows of one window of a detection whose commands after stats need
 * them all at once (dedup, eventstats, a second stats: SPEC 9).  detect.c
 * gives each such detection a row set: the rows stats emits are copied
 * in (compactly) until their window closes; then the search's commands
 * up to its last row-set command run over them, in Splunk's order (the
 * rows sorted by their by-field values, as stats returns them), and the
 * rows left are handed on one by one.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_ROWSET_H
#define HECSENTRY_ROWSET_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/spl.h"
#include "detect/stats.h"

struct rowset;

/*
 * A row set for search s (borrowed; it outlives the set), holding at
 * most opts->max_keys rows; opts is copied (its seed keys the tables of
 * eventstats and a second stats).
 */
struct rowset	*rowset_new(const struct spl_search *s,
		    const struct stats_opts *opts);
void		 rowset_free(struct rowset *r);

/* Copies row in.  Returns false, copying nothing, when the set is full. */
bool		 rowset_add(struct rowset *r, const struct stats_row *row);
size_t		 rowset_count(const struct rowset *r);
/* The end of the window of the rows held, or 0 when empty. */
int64_t		 rowset_win_end(const struct rowset *r);

/*
 * Runs s->post[0, s->nrowset) over the rows held, then calls emit with
 * each row left (borrowed until it returns) and empties the set.
 */
void		 rowset_run(struct rowset *r, stats_emit_fn emit, void *arg);

#endif /* HECSENTRY_ROWSET_H */
