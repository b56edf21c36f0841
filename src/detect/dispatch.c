/*
 * Dispatch by event code: the detections each event code reaches.  The
 * lists are exact supersets: a detection left out of list c cannot match
 * any event dispatch_code() sends to c.  A raw search whose filter
 * requires EventCode in a set S (spl_search_codes()) is in the lists of
 * the codes of S, and in DISPATCH_REST; one without such a conjunct is in
 * every list.  A tstats search is in the lists of its dataset's codes
 * only: cim_dataset_has() takes an event only when its EventCode is 1 to
 * 3 digits of a value in the dataset's "events =", so an event sent to
 * another list, DISPATCH_REST included, is in no dataset of that search.
 * A tstats search whose dataset the map lacks is in no list (it never
 * matches).  A detection with join subsearches is in every list: they
 * close its windows on each event.  The lists keep the set's order, so the rows and early rows
 * of one event come out in the order detect_run() always gave them.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detection.h"
#include "detect/dispatch.h"
#include "xmalloc.h"

_Static_assert(SPL_NCODES == DISPATCH_NIDS, "one size of code sets");
_Static_assert(DETECTION_MAX_DATASETS <= 64, "datasets in a uint64_t");

static bool
dispatch_bit(const uint64_t *bits, size_t i)
{
	return (bits[i >> 6] >> (i & 63)) & 1;
}

static void
dispatch_set_bit(uint64_t *bits, size_t i)
{
	bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

/*
 * The codes detection d can match, in codes (DISPATCH_NIDS bits), and
 * whether it can match DISPATCH_REST events; false with codes all set
 * when it can match any code.
 */
static bool
dispatch_codes(const struct detection_set *set, const struct detection *d,
    uint64_t *codes, bool *rest)
{
	const struct cim_dataset *ds;
	uint64_t	 filter[DISPATCH_NIDS / 64];
	bool		 limited;
	size_t		 c;

	memset(codes, 0, DISPATCH_NIDS / 8);
	/* A join's subsearches close its windows on every event (detect.c). */
	if (d->search->nsubs > 0) {
		*rest = true;
		memset(codes, 0xff, DISPATCH_NIDS / 8);
		return false;
	}
	limited = spl_search_codes(d->search, filter);
	if (d->dataset == DETECTION_RAW) {
		*rest = true;
		if (!limited) {
			memset(codes, 0xff, DISPATCH_NIDS / 8);
			return false;
		}
		memcpy(codes, filter, sizeof(filter));
		return true;
	}
	*rest = false;
	if (d->dataset < 0)
		return true;
	ds = set->datasets[d->dataset - 1];
	for (c = 0; c < DISPATCH_NCODES; c++)
		if (cim_dataset_lists(ds, c) &&
		    (!limited || dispatch_bit(filter, c)))
			dispatch_set_bit(codes, c);
	return true;
}

/*
 * Counts (fill false) or fills (fill true, dp->off set) the lists:
 * n[c] is how many indices list c has so far.
 */
static void
dispatch_pass(struct dispatch *dp, const struct detection_set *set,
    size_t *n, bool fill)
{
	uint64_t	 codes[DISPATCH_NIDS / 64];
	size_t		 c, k, i;
	bool		 rest;

	for (k = 0; k < set->n; k++) {
		if (!dispatch_codes(set, set->d[k], codes, &rest))
			dp->any = true;
		if (!fill)
			for (i = 0; i < DISPATCH_NIDS / 64; i++)
				dp->ids[i] |= codes[i];
		for (c = 0; c < DISPATCH_NCODES; c++) {
			if (!dispatch_bit(codes, c))
				continue;
			if (fill)
				dp->idx[dp->off[c] + n[c]] = (uint32_t)k;
			n[c]++;
		}
		if (!rest)
			continue;
		if (fill)
			dp->idx[dp->off[DISPATCH_REST] + n[DISPATCH_REST]] =
			    (uint32_t)k;
		n[DISPATCH_REST]++;
	}
}

struct dispatch *
dispatch_new(const struct detection_set *set)
{
	struct dispatch	*dp;
	size_t		 n[DISPATCH_NCODES + 1], c, i;

	dp = xcalloc(1, sizeof(*dp));
	memset(n, 0, sizeof(n));
	dispatch_pass(dp, set, n, false);
	for (c = 0; c <= DISPATCH_NCODES; c++)
		dp->off[c + 1] = dp->off[c] + n[c];
	dp->idx = xcalloc(dp->off[DISPATCH_NCODES + 1] > 0 ?
	    dp->off[DISPATCH_NCODES + 1] : 1, sizeof(*dp->idx));
	memset(n, 0, sizeof(n));
	dispatch_pass(dp, set, n, true);
	for (c = 0; c < DISPATCH_NCODES; c++)
		for (i = 0; i < set->ndatasets; i++)
			if (cim_dataset_lists(set->datasets[i], c))
				dp->datasets[c] |= (uint64_t)1 << i;
	return dp;
}

void
dispatch_free(struct dispatch *dp)
{
	if (dp == NULL)
		return;
	free(dp->idx);
	free(dp);
}

size_t
dispatch_code(const struct event *ev)
{
	const char	*v;
	size_t		 len, i, c = 0;

	if (!event_get(ev, EVENT_F_EVENTCODE, &v, &len))
		return DISPATCH_REST;
	for (i = 0; i < len && v[i] == '0'; i++)
		continue;
	if (i == len)
		return len > 0 ? 0 : DISPATCH_REST;
	for (; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return DISPATCH_REST;
		c = c * 10 + (size_t)(v[i] - '0');
		if (c >= DISPATCH_NCODES)
			return DISPATCH_REST;
	}
	return c;
}

bool
dispatch_may_match(const struct dispatch *dp, const uint32_t *ids,
    size_t n)
{
	size_t	 k;

	if (dp->any)
		return true;
	for (k = 0; k < n; k++)
		if (ids[k] < DISPATCH_NIDS && dispatch_bit(dp->ids, ids[k]))
			return true;
	return false;
}
