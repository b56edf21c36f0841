/*
 * Tests of join (spl_join.c): a search whose rows are joined with the
 * rows of a subsearch over the same events and window, run through a
 * detection runner as the daemon runs it.  The expected rows are written
 * by hand from Splunk's join page (search reference, join:
 * https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/join):
 * type=inner is the default and keeps only the main rows with a match,
 * type=outer and type=left keep the others as they are; max=1 is the
 * default (the first matching subsearch row), max=0 joins every match;
 * overwrite=true is the default (a subsearch field replaces the main
 * row's field of the same name).  Splunk's stats gives its rows sorted
 * by its by-fields, so "first" is the subsearch row with the lowest
 * by-values.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/spl.h"
#include "test_rows.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXROWS		32
#define MAXFIELDS	6

/* An event: the loop's time (ms) and "name=value" pairs. */
struct jev {
	int64_t		 now_ms;
	const char	*f[MAXFIELDS];
};

static size_t	 run_max_keys = 1000;	/* the tables' key limit */

struct jrows {
	char		*row[MAXROWS];
	size_t		 n;
	const struct detection *d;
};

/* A row out of spl_post_run(), as "name=value ..." in column order. */
static void
out_cb(struct event *rec, size_t nth, void *arg)
{
	struct jrows	*t = arg;
	char		 buf[1024];

	(void)nth;
	row_format(t->d->search, rec, buf, sizeof(buf));
	cr_assert_lt(t->n, MAXROWS);
	t->row[t->n++] = strdup(buf);
}

static void
row_cb(const struct detection *d, const struct stats_row *row, void *arg)
{
	struct jrows	*t = arg;

	t->d = d;
	(void)spl_post_run(d->search, row->sides, row->rec, out_cb, t);
}

/*
 * Runs text on evs[n] (hourly windows, each event at its now_ms), then
 * ticks at tick_ms (0: flushes) and checks the rows, sorted, against
 * want[nwant].
 */
static void
run(const char *text, const struct jev *evs, size_t n, int64_t tick_ms,
    const char **want, size_t nwant)
{
	struct detection_set *set;
	struct detect_runner *r;
	struct stats_opts o;
	struct spl_error err;
	struct jrows	 t;
	struct event	 ev;
	const char	*eq;
	size_t		 k, j;
	int		 id;

	event_fields_init();
	set = mkset(text, &err);
	cr_assert_not_null(set, "%s: %s", text, err.msg);
	cr_assert_not_null(set->d[0]->search->window_why,
	    "a join is windowed on its schedule's period");
	memset(&o, 0, sizeof(o));
	o.window_s = 3600;
	o.max_keys = run_max_keys;
	o.max_bytes = 1 << 20;
	o.drop_null = true;
	memset(&t, 0, sizeof(t));
	r = detect_runner_new(set, &o, row_cb, &t);
	detection_set_unref(set, __func__);
	event_init(&ev, 4096);
	for (k = 0; k < n; k++) {
		event_reset(&ev);
		for (j = 0; j < MAXFIELDS && evs[k].f[j] != NULL; j++) {
			eq = strchr(evs[k].f[j], '=');
			id = event_field_intern(evs[k].f[j],
			    (size_t)(eq - evs[k].f[j]));
			event_set(&ev, id, eq + 1, strlen(eq + 1));
		}
		ev.time_ms = evs[k].now_ms;
		detect_run(r, &ev, evs[k].now_ms);
	}
	if (tick_ms > 0)
		detect_tick(r, tick_ms);
	else
		detect_flush(r);
	detect_runner_free(r);
	event_clear(&ev);
	qsort(t.row, t.n, sizeof(t.row[0]), row_cmp);
	for (k = 0; k < t.n || k < nwant; k++)
		cr_expect(k < t.n && k < nwant &&
		    strcmp(t.row[k], want[k]) == 0,
		    "%s: row %zu is '%s', want '%s'", text, k,
		    k < t.n ? t.row[k] : "(none)",
		    k < nwant ? want[k] : "(none)");
	for (k = 0; k < t.n; k++)
		free(t.row[k]);
}

/*
 * Processes (EventCode=1) A, B, C; files (EventCode=11) written by A
 * (two files) and C.  Main rows: A count=2, B count=1, C count=1.
 * Subsearch rows, in Splunk's stats order: (A, a.dll, 1), (A, b.exe, 2),
 * (C, c.txt, 1).
 */
static const struct jev procs_files[] = {
	{ 1000, { "EventCode=1", "process_guid=A" } },
	{ 1000, { "EventCode=1", "process_guid=A" } },
	{ 1000, { "EventCode=1", "process_guid=B" } },
	{ 1000, { "EventCode=1", "process_guid=C" } },
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=b.exe" } },
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=b.exe" } },
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=a.dll" } },
	{ 1000, { "EventCode=11", "process_guid=C", "file_name=c.txt" } },
	{ 1000, { "EventCode=11", "process_guid=B" } },	/* null by */
};

#define MAIN	"EventCode=1 | stats count by process_guid "
#define SUB	"[search EventCode=11 | stats count by process_guid " \
		"file_name]"

Test(spl_join, inner_max1_takes_the_first_subsearch_row)
{
	/* B has no file row: inner drops it; count is the file row's. */
	static const char *want[] = {
		"process_guid=A count=1 file_name=a.dll",
		"process_guid=C count=1 file_name=c.txt",
	};

	run(MAIN "| join process_guid " SUB, procs_files,
	    NELEM(procs_files), 0, want, NELEM(want));
	run(MAIN "| join type=inner max=1 process_guid " SUB, procs_files,
	    NELEM(procs_files), 0, want, NELEM(want));
}

Test(spl_join, outer_and_left_keep_unmatched_rows)
{
	static const char *want[] = {
		"process_guid=A count=1 file_name=a.dll",
		"process_guid=B count=1",
		"process_guid=C count=1 file_name=c.txt",
	};

	run(MAIN "| join type=outer process_guid " SUB, procs_files,
	    NELEM(procs_files), 0, want, NELEM(want));
	run(MAIN "| join type=left process_guid " SUB, procs_files,
	    NELEM(procs_files), 0, want, NELEM(want));
}

Test(spl_join, max0_joins_every_match)
{
	static const char *want[] = {
		"process_guid=A count=1 file_name=a.dll",
		"process_guid=A count=2 file_name=b.exe",
		"process_guid=C count=1 file_name=c.txt",
	};

	run(MAIN "| join max=0 process_guid " SUB, procs_files,
	    NELEM(procs_files), 0, want, NELEM(want));
}

Test(spl_join, overwrite_false_keeps_the_main_value)
{
	static const char *want[] = {
		"process_guid=A count=2 file_name=a.dll",
		"process_guid=A count=2 file_name=b.exe",
		"process_guid=C count=1 file_name=c.txt",
	};

	run(MAIN "| join max=0 overwrite=false process_guid " SUB,
	    procs_files, NELEM(procs_files), 0, want, NELEM(want));
	/* Every spelling of Splunk's boolean reader (spl_value.h). */
	run(MAIN "| join max=0 overwrite=off process_guid " SUB,
	    procs_files, NELEM(procs_files), 0, want, NELEM(want));
	run(MAIN "| join max=0 overwrite=N process_guid " SUB,
	    procs_files, NELEM(procs_files), 0, want, NELEM(want));
}

Test(spl_join, commands_on_both_sides)
{
	/* The subsearch's rename and where; a filter after the join. */
	static const char *want[] = {
		"pg=A count=2 file_name=b.exe files=2",
	};

	run("EventCode=1 | stats count by process_guid | rename process_guid "
	    "as pg | join pg [search EventCode=11 | stats count as files by "
	    "process_guid file_name | rename process_guid as pg | where "
	    "file_name!=\"a.dll\"] | search file_name=*.exe", procs_files,
	    NELEM(procs_files), 0, want, NELEM(want));
}

/* Two join fields: both must be equal. */
static const struct jev two_fields[] = {
	{ 1000, { "EventCode=1", "dest=h1", "process_guid=A" } },
	{ 1000, { "EventCode=1", "dest=h2", "process_guid=A" } },
	{ 1000, { "EventCode=3", "dest=h2", "process_guid=A", "port=443" } },
	{ 1000, { "EventCode=3", "dest=h3", "process_guid=A", "port=80" } },
};

Test(spl_join, on_two_fields)
{
	static const char *want[] = {
		"dest=h2 process_guid=A count=1 port=443",
	};

	run("EventCode=1 | stats count by dest process_guid | join dest, "
	    "process_guid [search EventCode=3 | stats count by dest "
	    "process_guid port]", two_fields, NELEM(two_fields), 0, want,
	    NELEM(want));
}

/*
 * Windows: the rows of a window join only the subsearch's rows of the
 * same window, and an event of the next window (here a main one, at
 * 3600.5 s) closes the subsearch's window before the main one's.
 */
static const struct jev windows[] = {
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=w1.dll" } },
	{ 2000, { "EventCode=1", "process_guid=A" } },
	{ 3600500, { "EventCode=1", "process_guid=A" } },
	{ 3601000, { "EventCode=11", "process_guid=B", "file_name=w2.dll" } },
};

Test(spl_join, pairs_rows_of_the_same_window)
{
	static const char *want[] = {
		"process_guid=A count=1 file_name=w1.dll",
	};

	/* The second window (A alone, B alone) joins nothing. */
	run(MAIN "| join process_guid " SUB, windows, NELEM(windows), 0,
	    want, NELEM(want));
	run(MAIN "| join process_guid " SUB, windows, 3, 7300000, want,
	    NELEM(want));
}

/*
 * Rows emitted early (a key limit of 1: each new key emits the row
 * before it) join the subsearch rows emitted so far, in Splunk's stats
 * order, also those added after an earlier main row was joined: A's
 * first row meets only (A, a.dll); C's meets (C, c.txt); A's second
 * row, at the flush, meets (A, 0.exe) first, then (A, a.dll).
 */
static const struct jev early[] = {
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=a.dll" } },
	{ 1000, { "EventCode=11", "process_guid=C", "file_name=c.txt" } },
	{ 1000, { "EventCode=1", "process_guid=A" } },
	{ 1000, { "EventCode=1", "process_guid=C" } },
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=0.exe" } },
	{ 1000, { "EventCode=11", "process_guid=B", "file_name=b.txt" } },
	{ 1000, { "EventCode=1", "process_guid=A" } },
};

Test(spl_join, early_rows_meet_the_rows_so_far_in_order)
{
	static const char *want1[] = {
		"process_guid=A count=1 file_name=0.exe",
		"process_guid=A count=1 file_name=a.dll",
		"process_guid=C count=1 file_name=c.txt",
	};
	static const char *want0[] = {
		"process_guid=A count=1 file_name=0.exe",
		"process_guid=A count=1 file_name=a.dll",
		"process_guid=A count=1 file_name=a.dll",
		"process_guid=C count=1 file_name=c.txt",
	};

	run_max_keys = 1;
	run(MAIN "| join process_guid " SUB, early, NELEM(early), 0,
	    want1, NELEM(want1));
	run(MAIN "| join max=0 process_guid " SUB, early, NELEM(early), 0,
	    want0, NELEM(want0));
}

/* What is refused, and why. */
Test(spl_join, refusals)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} tab[] = {
		{ "EventCode=1 | join process_guid [search EventCode=11 | "
		    "stats count by process_guid] | stats count",
		    "'join' before stats is not supported" },
		{ MAIN "| join " SUB,
		    "join without a field list (on every common field) is not "
		    "supported" },
		{ MAIN "| join usetime=true process_guid " SUB,
		    "join usetime=true is not supported" },
		{ MAIN "| join left=L right=R where L.a=R.a " SUB,
		    "join with left=, right= and where is not supported" },
		{ MAIN "| join type=full process_guid " SUB,
		    "unknown join type 'full'" },
		{ MAIN "| join process_guid [search EventCode=11 | stats "
		    "count by process_guid",
		    "expected ']' closing the subsearch" },
		{ MAIN "| join process_guid",
		    "join needs a subsearch in '[ ]'" },
		{ MAIN "| join process_guid [search EventCode=11 | stats "
		    "count by process_guid | join process_guid [search "
		    "EventCode=3 | stats count by process_guid]]",
		    "a join inside a join subsearch is not supported" },
		{ MAIN "| join process_guid [search EventCode=11]",
		    "the search has no stats command" },
		{ "EventCode=1 | stats count by a | search [search b=1]",
		    "a subsearch as search terms is not supported" },
	};
	struct spl_error err;
	struct spl_search *s;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k].text, NULL, NULL, &err);
		cr_expect_null(s, "%zu: compiled", k);
		spl_search_free(s);
		cr_expect_str_eq(err.msg, tab[k].msg, "%zu: %s", k,
		    tab[k].text);
	}
}

/*
 * A command over all the rows of a window (dedup, eventstats, a second
 * stats) runs on row sets, not on joined rows yet: with a join, before
 * or after it or in its subsearch, the search is refused (whether the
 * command itself is supported or not).
 */
Test(spl_join, refused_with_commands_over_all_rows)
{
	static const char *tab[] = {
		MAIN "| join process_guid " SUB " | dedup file_name",
		MAIN "| dedup count | join process_guid " SUB,
		MAIN "| join process_guid [search EventCode=11 | stats count "
		    "by process_guid | dedup count]",
		MAIN "| join process_guid " SUB " | eventstats count",
		MAIN "| join process_guid " SUB " | stats count by file_name",
	};
	struct spl_error err;
	struct spl_search *s;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k], NULL, NULL, &err);
		cr_expect_null(s, "%zu: %s: compiled", k, tab[k]);
		spl_search_free(s);
	}
}

/* The subsearch is a search of its own: its dataset, event code, text. */
Test(spl_join, subsearch_is_compiled_on_its_own)
{
	struct spl_error err;
	struct spl_search *s;

	s = spl_compile("| tstats count from datamodel=Endpoint.Processes by "
	    "Processes.process_guid | rename Processes.process_guid as g | "
	    "join type=outer g [| tstats count from "
	    "datamodel=Endpoint.Filesystem by Filesystem.process_guid | "
	    "rename Filesystem.process_guid as g]", NULL, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->nsubs, 1);
	cr_expect_str_eq(s->datamodel, "Endpoint.Processes");
	cr_expect_str_eq(s->subs[0]->datamodel, "Endpoint.Filesystem");
	cr_expect(s->subs[0]->optional);
	cr_expect_eq(s->event_code, -1);
	spl_search_free(s);
	/* The prefilter may skip only what both sides skip. */
	s = spl_compile("EventCode=1 | stats count by g | join g [search "
	    "EventCode=11 | stats count by g]", NULL, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_expect_eq(s->event_code, -1);
	spl_search_free(s);
	s = spl_compile("EventCode=1 | stats count by g | join g [search "
	    "EventCode=1 x=1 | stats count by g]", NULL, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_expect_eq(s->event_code, 1);
	spl_search_free(s);
}
