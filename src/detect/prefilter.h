/*
 * The exact EventCode prefilter (issue 4): before a payload is decoded,
 * finds its event id cheaply and rejects the event when no detection of
 * the running set can match it.  It rejects only when that is certain;
 * prefilter.c says why the test is exact.  Pure: no I/O, no allocation.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_PREFILTER_H
#define HECSENTRY_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detection.h"

/* Most event ids one payload may carry before the scan gives up. */
#define PREFILTER_MAX_IDS	8
/* An id too large for any EventCode a detection can require. */
#define PREFILTER_ID_BIG	UINT32_MAX

/*
 * Scans a payload (JSON or XML, as decode_payload() sees it) for every
 * place that could give the event its EventCode.  Stores the numeric
 * value of each (leading zeros dropped; PREFILTER_ID_BIG above 65535)
 * in ids and returns how many there are, 0 when the decoded event can
 * have no EventCode at all.  Returns -1 when it cannot be sure: an
 * escape that could spell a key or a value differently, a value that is
 * not plain digits, more than max places, or not a JSON or XML document.
 */
int		 prefilter_scan(const char *buf, size_t len, uint32_t *ids,
		    size_t max);

/*
 * True when no detection of set can match the event that payload buf
 * would decode to, because every detection requires an EventCode
 * (spl_search.event_code) that the payload certainly does not have.
 * False whenever a detection requires no EventCode, the set is empty,
 * the payload has no event id (the decoder counts why), the scan is
 * unsure, or the prefilter is switched off.
 */
bool		 prefilter_reject(const struct detection_set *set,
		    const char *buf, size_t len);

/*
 * Whether prefilter_reject() may reject (true, the default).  Only test
 * hooks (tests/lib/hooks.c) clear it, for the differential tests and
 * benchmarks, before any worker starts.
 */
extern bool	 prefilter_enabled;

#endif /* HECSENTRY_PREFILTER_H */
