/*
 * Splunk's spellings of the values that commands and knowledge objects
 * share: booleans (tstats options, a lookup definition's
 * case_sensitive_match) and time spans (bin/bucket span=, tstats by
 * _time span=).  One rule each, so that two readers cannot drift apart.
 * Pure functions, no allocation.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPL_VALUE_H
#define HECSENTRY_SPL_VALUE_H

#include <stdint.h>

#define SPL_SPAN_MAX_S	(366LL * 86400)	/* longest span taken, seconds */

/*
 * A Splunk boolean: true, t, yes, y, on, 1 or false, f, no, n, off, 0,
 * in any case (splunk.util.normalizeBoolean, which Splunk uses for its
 * .conf booleans and command options).  Returns 1, 0, or -1 for
 * anything else.
 */
int	 spl_parse_bool(const char *s);

/*
 * A time span, <int>[<timescale>] (SPL reference, bin: span-length;
 * tstats: span=<timespan>): an integer from 1, then optionally a
 * timescale, seconds when there is none; s, sec, secs, second, seconds;
 * m, min, mins, minute, minutes; h, hr, hrs, hour, hours; d, day, days,
 * spelled as documented (lower case).  Months, weeks and subseconds are
 * refused (no fixed length, or finer than _time's second), as is a span
 * over SPL_SPAN_MAX_S.  Returns 0 with *ms set, or -1.
 */
int	 spl_parse_span(const char *s, int64_t *ms);

#endif
