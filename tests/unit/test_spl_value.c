/*
 * Tests of Splunk's value spellings (spl_value.c): time spans and
 * booleans, each from a table, and both commands that take a span (bin
 * and tstats) taking or refusing exactly the same spellings.
 *
 * Spans: <int>[<timescale>], the SPL reference for bin, "span-length"
 * (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/
 * search-commands/bin) and for tstats, "span=<timespan>"
 * (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/
 * search-commands/tstats); the timescales <sec> (s, sec, secs, second,
 * seconds), <min> (m, min, mins, minute, minutes), <hr> (h, hr, hrs,
 * hour, hours), <day> (d, day, days), and "If using a timescale, this is
 * used as a time range.  If not, this is an absolute bucket length"
 * (https://help.splunk.com/splunk-cloud-platform/spl-search-reference/
 * 10.0.2503/search-commands/makecontinuous, span-length), which on _time
 * is seconds.  <month> (mon, month, months) and subseconds are refused:
 * no fixed length, or finer than a second.
 *
 * Booleans: splunk.util.normalizeBoolean, "true/false t/f 0/1 yes/no
 * on/off y/n", case-insensitive.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "detect/spl.h"
#include "detect/spl_value.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*text;
	int64_t		 ms;		/* -1: refused */
} spans[] = {
	{ "1s", 1000 }, { "30sec", 30000 }, { "2secs", 2000 },
	{ "1second", 1000 }, { "10seconds", 10000 },
	{ "10", 10000 },		/* no timescale: seconds */
	{ "5m", 300000 }, { "1min", 60000 }, { "2mins", 120000 },
	{ "1minute", 60000 }, { "15minutes", 900000 },
	{ "1h", 3600000 }, { "1hr", 3600000 }, { "4hrs", 14400000 },
	{ "1hour", 3600000 }, { "2hours", 7200000 },
	{ "1d", 86400000 }, { "1day", 86400000 }, { "7days", 604800000 },
	{ "366d", 366LL * 86400000 },
	{ "h", -1 }, { "min", -1 },	/* <int> is required */
	{ "0s", -1 }, { "0", -1 },	/* a bin has a length */
	{ "367d", -1 }, { "99999999999999999999s", -1 },
	{ "1mon", -1 }, { "1month", -1 }, { "1w", -1 }, { "1y", -1 },
	{ "100ms", -1 }, { "1H", -1 }, { "1Min", -1 },
	{ "1 h", -1 }, { "-1h", -1 }, { "1.5h", -1 }, { "", -1 },
	{ "1hx", -1 }, { "1ss", -1 },
};

Test(spl_value, span_table)
{
	int64_t	 ms;
	size_t	 k;
	int	 rc;

	for (k = 0; k < NELEM(spans); k++) {
		ms = -7;
		rc = spl_parse_span(spans[k].text, &ms);
		if (spans[k].ms == -1) {
			cr_expect_eq(rc, -1, "'%s' taken (%lld ms)",
			    spans[k].text, (long long)ms);
			cr_expect_eq(ms, -7, "'%s': *ms written on -1",
			    spans[k].text);
		} else {
			cr_expect_eq(rc, 0, "'%s' refused", spans[k].text);
			cr_expect_eq(ms, spans[k].ms,
			    "'%s': %lld ms, not %lld", spans[k].text,
			    (long long)ms, (long long)spans[k].ms);
		}
	}
}

/* bin, bucket and tstats: the same spellings, taken or refused. */
Test(spl_value, span_commands_agree)
{
	static const struct {
		const char	*pre, *post;
	} fmt[] = {
		{ "a=1 | bin _time span=", " | stats count by _time" },
		{ "a=1 | bucket span=", " _time | stats count by _time" },
		{ "| tstats count from datamodel=E.P by _time span=", "" },
	};
	struct spl_search *s;
	struct spl_error err;
	char		 text[256];
	size_t		 k, f;

	for (k = 0; k < NELEM(spans); k++) {
		if (spans[k].text[0] == '\0' || spans[k].text[1] == ' ')
			continue;	/* not one token */
		for (f = 0; f < NELEM(fmt); f++) {
			snprintf(text, sizeof(text), "%s%s%s", fmt[f].pre,
			    spans[k].text, fmt[f].post);
			s = spl_compile(text, NULL, NULL, &err);
			if (spans[k].ms == -1) {
				cr_expect_null(s, "%s compiled", text);
				if (s == NULL)
					cr_expect(strstr(err.msg,
					    "unsupported span") != NULL,
					    "%s: %s", text, err.msg);
			} else
				cr_expect_not_null(s, "%s: %s", text,
				    err.msg);
			spl_search_free(s);
		}
	}
}

Test(spl_value, bool_table)
{
	static const struct {
		const char	*text;
		int		 want;
	} tab[] = {
		{ "true", 1 }, { "t", 1 }, { "yes", 1 }, { "y", 1 },
		{ "on", 1 }, { "1", 1 }, { "TRUE", 1 }, { "True", 1 },
		{ "T", 1 }, { "Yes", 1 }, { "ON", 1 },
		{ "false", 0 }, { "f", 0 }, { "no", 0 }, { "n", 0 },
		{ "off", 0 }, { "0", 0 }, { "FALSE", 0 }, { "False", 0 },
		{ "F", 0 }, { "No", 0 }, { "OFF", 0 },
		{ "", -1 }, { "maybe", -1 }, { "2", -1 }, { "-1", -1 },
		{ "01", -1 }, { "truee", -1 }, { " true", -1 },
		{ "nope", -1 }, { "yess", -1 },
	};
	size_t	 k;

	for (k = 0; k < NELEM(tab); k++)
		cr_expect_eq(spl_parse_bool(tab[k].text), tab[k].want,
		    "'%s': %d, not %d", tab[k].text,
		    spl_parse_bool(tab[k].text), tab[k].want);
}
