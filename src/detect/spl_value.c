/*
 * Splunk's boolean and time-span spellings (spl_value.h), for the SPL
 * commands (spl_cmd.c, spl_tstats.c) and the lookup definitions
 * (lookup.c) alike.  No I/O, no allocation.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "detect/spl_value.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int
spl_parse_bool(const char *s)
{
	static const char *const yes[] = {
		"true", "t", "yes", "y", "on", "1"
	};
	static const char *const no[] = {
		"false", "f", "no", "n", "off", "0"
	};
	size_t	 k;

	for (k = 0; k < NELEM(yes); k++)
		if (strcasecmp(s, yes[k]) == 0)
			return 1;
	for (k = 0; k < NELEM(no); k++)
		if (strcasecmp(s, no[k]) == 0)
			return 0;
	return -1;
}

int
spl_parse_span(const char *s, int64_t *ms)
{
	static const struct {
		const char	*unit;
		int64_t		 s;
	} units[] = {
		{ "", 1 }, { "s", 1 }, { "sec", 1 }, { "secs", 1 },
		{ "second", 1 }, { "seconds", 1 },
		{ "m", 60 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
		{ "minutes", 60 },
		{ "h", 3600 }, { "hr", 3600 }, { "hrs", 3600 },
		{ "hour", 3600 }, { "hours", 3600 },
		{ "d", 86400 }, { "day", 86400 }, { "days", 86400 }
	};
	int64_t	 n = 0;
	size_t	 k;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (*s - '0')) > SPL_SPAN_MAX_S)
			return -1;
	for (k = 0; k < NELEM(units); k++)
		if (strcmp(s, units[k].unit) == 0)
			break;
	if (k == NELEM(units))
		return -1;
	n *= units[k].s;
	if (n == 0 || n > SPL_SPAN_MAX_S)
		return -1;
	*ms = n * 1000;
	return 0;
}
