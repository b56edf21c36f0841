/*
 * Running a detection set on events: for each detection, the compiled
 * filter decides, and a match is added to that detection's stats table.
 * A runner holds the mutable state (one stats table per detection) beside
 * a reference on the immutable detection set; one runner per worker.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DETECT_H
#define HECSENTRY_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detection.h"
#include "decode/event.h"
#include "detect/stats.h"

/* A row of detection d; borrowed until the callback returns. */
typedef void	(*detect_row_fn)(const struct detection *d,
		    const struct stats_row *row, void *arg);

struct detect_counters {
	uint64_t	 matches;	/* events that matched */
	uint64_t	 rows;		/* rows emitted */
	uint64_t	 firsts;	/* first-seen rows emitted */
	size_t		 table;		/* detect_get_counters(): the index
					   of the detection whose stats
					   table it uses: its own, or the
					   first one it shares with */
};

/*
 * Which detections emit first-seen rows (emit = first+close, issue 15.4):
 * those of all, or named in first, unless named in close; and of those
 * only the ones whose search allows it (spl_search.first_why NULL).  The
 * lists (names, ids or globs: detection_listed()) are borrowed and must
 * outlive the runner.
 */
struct detect_first {
	bool		 all;		/* emit = first+close */
	char *const	*first;		/* emit_first */
	size_t		 nfirst;
	char *const	*close;		/* emit_close: wins over the others */
	size_t		 nclose;
};

struct detect_runner;

/*
 * Extra test of "unchanged" for detect_runner_swap(): old is running, new
 * is from the new set; true when new may take over old's table.
 */
typedef bool	(*detect_same_fn)(const struct detection *old,
		    const struct detection *new, void *arg);

/*
 * Whether detect_run() uses the set's dispatch (true, the default).  Only
 * test hooks (tests/lib/hooks_dispatch.c) clear it, to compare with every
 * detection run on every event, before any worker starts.
 */
extern bool	 detect_dispatch;

/* Takes a reference on set.  opts is copied. */
struct detect_runner *detect_runner_new(struct detection_set *set,
		    const struct stats_opts *opts, detect_row_fn cb,
		    void *arg);
/*
 * Makes the detections f selects emit, besides their rows at window
 * close, a first-seen row (reason STATS_EMIT_FIRST, through the same
 * callback) at the first event of each key in a window; f is copied
 * and also applies to the detections a later swap brings.
 */
void		 detect_runner_first(struct detect_runner *r,
		    const struct detect_first *f);
/*
 * Whether f selects d for first-seen rows (whatever d's search allows),
 * and, when it does, whether d's search allows them (*why: NULL, or the
 * reason it does not, borrowed from d).
 */
bool		 detect_first_wanted(const struct detect_first *f,
		    const struct detection *d, const char **why);
/* Frees without emitting; call detect_flush() first to emit. */
void		 detect_runner_free(struct detect_runner *r);

/*
 * Runs every detection on ev; now_ms is the loop's cached time.  First
 * sets on ev the fields of each dataset of the set (those tstats
 * searches read) that ev belongs to (cim_dataset_apply()): a tstats
 * detection runs only on the events of its dataset.  With the set's
 * dispatch (dispatch.h), only the detections and datasets of ev's
 * event code are looked at; the others could not match.
 */
void		 detect_run(struct detect_runner *r, struct event *ev,
		    int64_t now_ms);
/* Closes windows that ended by now_ms. */
void		 detect_tick(struct detect_runner *r, int64_t now_ms);
/* Emits every row now (shutdown). */
void		 detect_flush(struct detect_runner *r);

/*
 * Reload: makes set (a reference is taken; the old set's is dropped) the
 * runner's set.  A detection of set that is detection_same() as a running
 * one (and, when same_fn is not NULL, for which same_fn returns true)
 * takes over its stats table, windows and counters; the
 * rows of every other running detection (changed or removed) are emitted
 * first, through the callback, with the old detection; new ones get a
 * fresh table made with opts (copied).  Returns how many were kept.
 */
size_t		 detect_runner_swap(struct detect_runner *r,
		    struct detection_set *set, const struct stats_opts *opts,
		    detect_same_fn same_fn, void *arg);

const struct detection_set *detect_runner_set(const struct detect_runner *r);
/*
 * Counters of the i-th detection of the set; stats counters too.  A
 * detection that shares its stats table (detect_share()) reports the
 * table's: keys, bytes, events and rows are those of the one table, the
 * same for each sharer (what each would hold with a table of its own);
 * dc (matches, rows, firsts) is the detection's own.
 */
void		 detect_get_counters(const struct detect_runner *r, size_t i,
		    struct detect_counters *dc, struct stats_counters *sc);

/*
 * Whether detections a and b may share one stats table (issue 13, item
 * 3): the same dataset, window and phase, and searches the same up to
 * and including stats (spl_head_same()).  A runner puts each detection
 * in the table of the first detection of the set it shares with; the
 * rows of that table go to each sharer's own commands after stats.
 */
bool		 detect_share(const struct detection *a,
		    const struct detection *b);
/*
 * How many shared tables (of two detections or more) a runner of set
 * starts with, and in *nsharing how many detections they serve.
 */
size_t		 detect_set_shared(const struct detection_set *set,
		    size_t *nsharing);
/* The same for the runner now (a reload shares only new detections). */
size_t		 detect_runner_shared(const struct detect_runner *r,
		    size_t *nsharing);

#endif /* HECSENTRY_DETECT_H */
