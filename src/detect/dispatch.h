/*
 * Dispatch by event code (issue 13): for each Sysmon event id, which
 * detections of a set can match an event that has it, so that an event
 * reaches only those and a detection costs nothing on events of other
 * codes.  A raw search reaches the codes its filter allows
 * (spl_search_codes()), a tstats search those of its data model dataset
 * (cim.conf "events =").  Built once per set (immutable, shared by the
 * workers); pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DISPATCH_H
#define HECSENTRY_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"

#define DISPATCH_NCODES	256		/* codes with a list of their own */
#define DISPATCH_REST	DISPATCH_NCODES	/* the list of every other event */
#define DISPATCH_NIDS	65536		/* ids the prefilter may test */

struct detection_set;

struct dispatch {
	bool		 any;		/* some detection can match an */
					/*   event of any code */
	uint64_t	 ids[DISPATCH_NIDS / 64]; /* ids some detection */
					/*   can match (unused when any) */
	uint32_t	*idx;		/* the lists, one after the other: */
	size_t		 off[DISPATCH_NCODES + 2]; /* list c is idx[off[c] */
					/*   .. off[c + 1]), detection */
					/*   indices of the set, ascending */
	uint64_t	 datasets[DISPATCH_NCODES + 1]; /* per list, the */
					/*   set's datasets (bit i: */
					/*   datasets[i]) holding code c */
};

/*
 * Builds the dispatch of set from its detections as they are (their
 * searches, and d->dataset with set->datasets[] resolved).  Caller frees.
 */
struct dispatch	*dispatch_new(const struct detection_set *set);

/* dispatch_free(NULL) does nothing. */
void		 dispatch_free(struct dispatch *dp);

/*
 * The list an event goes to: its EventCode when that is plain digits
 * (leading zeros allowed) of a value below DISPATCH_NCODES, else
 * DISPATCH_REST.  List c holds every detection that can match an event
 * of code c; DISPATCH_REST every raw search (a value such as "7.0" or
 * "0x7" still compares with EventCode=N) and no tstats search (an event
 * without such a code belongs to no dataset).
 */
size_t		 dispatch_code(const struct event *ev);

/* List c: *n detection indices, ascending. */
static inline const uint32_t *
dispatch_list(const struct dispatch *dp, size_t c, size_t *n)
{
	*n = dp->off[c + 1] - dp->off[c];
	return dp->idx + dp->off[c];
}

/*
 * False when no detection can match an event whose only event ids are
 * ids[0..n) (prefilter_scan()'s values): the prefilter may reject it.
 */
bool		 dispatch_may_match(const struct dispatch *dp,
		    const uint32_t *ids, size_t n);

#endif /* HECSENTRY_DISPATCH_H */
