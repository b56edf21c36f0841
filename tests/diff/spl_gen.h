/*
 * Events for the differential test (spl_gen.c): from a detection's
 * compiled filter, matches, near misses and random events.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPL_GEN_H
#define HECSENTRY_SPL_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "detect/spl.h"

/*
 * Fills ev (event_init()ed, reset) with the k-th event for search s:
 * k % 3 == 0 satisfies the filter, 1 is a near miss, 2 is random.  Its
 * EventCode is the one s requires, else one of codes[ncodes] (those of
 * its dataset), else random; its time in [base_ms, base_ms + 50 min).
 * st is the random state (non-zero).
 */
void		 gen_event(const struct spl_search *s, const int *codes,
		    size_t ncodes, uint64_t *st, size_t k, int64_t base_ms,
		    struct event *ev);

#endif /* HECSENTRY_SPL_GEN_H */
