/*
 * The shared term matcher of a detection set (issue 13, item 3): the
 * literal, IN and wildcard terms of every detection's filter, gathered
 * per field into one matcher, so that each field of an event is examined
 * once for all detections; each detection then evaluates its boolean
 * structure from the hits.  The results are those of spl_match() on each
 * filter alone (tests/diff/spl-diff compares both on every detection).
 * Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_MATCH_SET_H
#define HECSENTRY_MATCH_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "decode/event.h"
#include "detect/detection.h"

/*
 * The matcher of one set with its per-event state: one per runner, used
 * by one thread.  It borrows the set's compiled searches, so the set
 * must outlive it.
 */
struct match_set;

/*
 * Whether detect runners use a match set (true, the default).  Only test
 * hooks clear it, to run each filter alone with spl_match(), before any
 * runner is made.
 */
extern bool	 match_set_enabled;

/* The matcher of the filters of set's detections (caller frees). */
struct match_set *match_set_new(const struct detection_set *set);
/* match_set_free(NULL) does nothing. */
void		 match_set_free(struct match_set *ms);

/*
 * Starts the event ev: the hits of the last one are forgotten, and the
 * fields that decide which filters may match are scanned.  Call it once
 * ev's fields are all set (the dataset fields too), before the first
 * match_set_filter() on it; they must not change until the next call.
 */
void		 match_set_event(struct match_set *ms,
		    const struct event *ev);

/*
 * Whether the filter of detection i of the set matches ev, as
 * spl_match(set->d[i]->search->filter, ev) says.  Each field is matched
 * against every term of the set on its first use in the event.
 */
bool		 match_set_filter(struct match_set *ms, size_t i,
		    const struct event *ev);

/* How many distinct terms and fields ms holds (for tests and logs). */
size_t		 match_set_terms(const struct match_set *ms);
size_t		 match_set_fields(const struct match_set *ms);

#endif /* HECSENTRY_MATCH_SET_H */
