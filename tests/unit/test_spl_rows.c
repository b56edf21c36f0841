/*
 * Tests of the commands beyond SPEC 3 that shape rows: the row-local
 * commands before stats (rename, bin, fields, table, on the detection's
 * own copy of each event), bin after stats, and the commands over all
 * rows of a window.  Each case runs a search through a detection runner,
 * as the daemon does, on events given in a table, and compares the rows
 * with the answer Splunk's documentation gives (the page is cited above
 * each table).
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
#define MAXFIELDS	8

/* An event of a table: "name=value" pairs, NULL-terminated. */
struct tev {
	const char	*f[MAXFIELDS];
};

/* The rows a run produced, each as "name=value ..." in column order. */
struct trows {
	const struct detection *d;
	char		*row[MAXROWS];
	size_t		 n;
};

static void
row_cb(const struct detection *d, const struct stats_row *row, void *arg)
{
	struct trows	*t = arg;
	const char	*v;
	size_t		 k, len, off = 0;
	char		 buf[1024];

	if (!spl_post_apply(d->search, row->rec))
		return;
	buf[0] = '\0';
	for (k = 0; k < d->search->ncolumns; k++) {
		if (!event_get(row->rec, d->search->columns[k], &v, &len))
			continue;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s=%.*s",
		    off > 0 ? " " : "", event_field_name(d->search->columns[k]),
		    (int)len, v);
	}
	cr_assert_lt(t->n, MAXROWS);
	t->row[t->n++] = strdup(buf);
}

/* Fills ev from a table row; "_time=S" sets the event's time too. */
static void
tev_load(struct event *ev, const struct tev *te)
{
	const char	*eq;
	size_t		 k;
	int		 id;

	event_reset(ev);
	for (k = 0; k < MAXFIELDS && te->f[k] != NULL; k++) {
		eq = strchr(te->f[k], '=');
		cr_assert_not_null(eq);
		id = event_field_intern(te->f[k], (size_t)(eq - te->f[k]));
		cr_assert_neq(id, -1);
		event_set(ev, id, eq + 1, strlen(eq + 1));
		if (id == EVENT_F_TIME)
			ev->time_ms = strtoll(eq + 1, NULL, 10) * 1000;
	}
}

/* A runner of text (one hour windows, Splunk's null rule) into t. */
static struct detect_runner *
start(const char *text, struct trows *t)
{
	struct detection_set *set;
	struct detect_runner *r;
	struct stats_opts o;
	struct spl_error err;

	event_fields_init();
	set = mkset(text, &err);
	cr_assert_not_null(set, "%s: %s", text, err.msg);
	memset(&o, 0, sizeof(o));
	o.window_s = 3600;
	o.max_keys = 1000;
	o.max_bytes = 1 << 20;
	o.drop_null = true;		/* Splunk's stats */
	memset(t, 0, sizeof(*t));
	r = detect_runner_new(set, &o, row_cb, t);
	detection_set_unref(set, __func__);
	return r;
}

/*
 * Runs text over the n events in one window and checks the rows, sorted
 * (window order is not Splunk's concern), against want[nwant].
 */
static void
run(const char *text, const struct tev *evs, size_t n, const char **want,
    size_t nwant)
{
	struct detect_runner *r;
	struct trows	 t;
	struct event	 ev;
	size_t		 k;

	r = start(text, &t);
	event_init(&ev, 4096);
	for (k = 0; k < n; k++) {
		tev_load(&ev, &evs[k]);
		detect_run(r, &ev, 1000);
	}
	detect_flush(r);
	detect_runner_free(r);
	event_clear(&ev);
	qsort(t.row, t.n, sizeof(t.row[0]), row_cmp);
	for (k = 0; k < t.n || k < nwant; k++) {
		cr_expect(k < t.n && k < nwant && strcmp(t.row[k], want[k]) == 0,
		    "%s: row %zu is '%s', want '%s'", text, k,
		    k < t.n ? t.row[k] : "(none)",
		    k < nwant ? want[k] : "(none)");
	}
	for (k = 0; k < t.n; k++)
		free(t.row[k]);
}

/*
 * bin _time span=5m, then stats by _time: the seven timestamps of
 * Splunk's bin page ("How the bin command works", 22 Aug 2024 01:56:37 to
 * 02:12:31), each floored to its 5-minute bin.  Bins are aligned to the
 * epoch in UTC, as SPL's span is for a search head on UTC:
 * https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/bin
 */
static const struct tev bin_events[] = {
	{ { "a=1", "_time=1724291797" } },	/* 01:56:37 */
	{ { "a=1", "_time=1724291901" } },	/* 01:58:21 */
	{ { "a=1", "_time=1724291999" } },	/* 01:59:59 */
	{ { "a=1", "_time=1724292196" } },	/* 02:03:16 */
	{ { "a=1", "_time=1724292343" } },	/* 02:05:43 */
	{ { "a=1", "_time=1724292578" } },	/* 02:09:38 */
	{ { "a=1", "_time=1724292751" } },	/* 02:12:31 */
};

Test(spl_rows, bin_before_stats_floors_the_detections_time)
{
	static const char *by_time[] = {
		"_time=1724291700 count=3",	/* 01:55 */
		"_time=1724292000 count=1",	/* 02:00 */
		"_time=1724292300 count=2",	/* 02:05 */
		"_time=1724292600 count=1",	/* 02:10 */
	};
	static const char *first_last[] = {
		"count=7 firstTime=1724291700.000 lastTime=1724292600.000",
	};
	static const char *bucket[] = {
		"_time=1724291400 count=3",	/* 01:50 */
		"_time=1724292000 count=3",	/* 02:00 */
		"_time=1724292600 count=1",	/* 02:10 */
	};

	run("a=1 | bin _time span=5m | stats count by _time", bin_events,
	    NELEM(bin_events), by_time, NELEM(by_time));
	run("a=1 | bin span=5m _time | stats count by _time", bin_events,
	    NELEM(bin_events), by_time, NELEM(by_time));
	/* min(_time) and max(_time) read the binned time. */
	run("a=1 | bin _time span=5m | stats count min(_time) as firstTime "
	    "max(_time) as lastTime", bin_events, NELEM(bin_events),
	    first_last, NELEM(first_last));
	/* bucket is bin's other name. */
	run("a=1 | bucket _time span=10m | stats count by _time", bin_events,
	    NELEM(bin_events), bucket, NELEM(bucket));
	run("a=1 | bucket _time span=600s | stats count by _time", bin_events,
	    NELEM(bin_events), bucket, NELEM(bucket));
}

/* bin after stats floors the rows' _time (by _time of stats). */
Test(spl_rows, bin_after_stats_floors_the_rows)
{
	static const char *want[] = {
		"_time=1724291400 count=1",
		"_time=1724291400 count=1",
		"_time=1724291400 count=1",
		"_time=1724292000 count=1",
		"_time=1724292000 count=1",
		"_time=1724292000 count=1",
		"_time=1724292600 count=1",
	};

	run("a=1 | stats count by _time | bin _time span=10m", bin_events,
	    NELEM(bin_events), want, NELEM(want));
}

/*
 * rename before stats, as security_content's
 * windows_modify_registry_delete_firewall_rules does ("rename Computer
 * as dest | rename User as user | stats ... by ... user dest"): stats
 * groups on the renamed values, the shared event keeps its own, and a
 * rename of an absent field removes the target (Splunk's rename
 * replaces the target; OpenSearch PPL, which copies SPL, documents it:
 * https://docs.opensearch.org/latest/sql-and-ppl/ppl/commands/rename).
 */
Test(spl_rows, rename_before_stats)
{
	static const struct tev evs[] = {
		{ { "EventCode=12", "Computer=ws1", "dest=cim-dest",
		    "User=CORP\\bob", "user=bob" } },
		{ { "EventCode=12", "Computer=ws1", "dest=cim-dest",
		    "User=CORP\\bob" } },
		{ { "EventCode=12", "Computer=ws2", "user=eve" } },
	};
	/* ws2 has no User: the rename removes its user, stats drops it. */
	static const char *want[] = {
		"dest=ws1 user=CORP\\bob count=2",
	};

	run("EventCode=12 | rename Computer as dest | rename User as user "
	    "| stats count by dest user", evs, NELEM(evs), want, NELEM(want));
	run("EventCode=12 | rename Computer as dest, User as user "
	    "| stats count by dest user", evs, NELEM(evs), want, NELEM(want));
}

/*
 * fields and table before stats keep only the fields they name (fields
 * keeps the internal ones, such as _time, unless removed by name:
 * https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.1.2507/search-commands/fields
 * ), so stats sees no other field.
 */
Test(spl_rows, fields_and_table_before_stats)
{
	static const struct tev evs[] = {
		{ { "a=1", "b=x", "c=y", "_time=1724291797" } },
		{ { "a=1", "b=x", "_time=1724291901" } },
	};
	static const char *keep_b[] = { "b=x count=2" };
	static const char *no_c[] = { "count=2" };
	static const char *by_time[] = {
		"_time=1724291797 count=1", "_time=1724291901 count=1"
	};

	run("a=1 | fields b | stats count by b", evs, NELEM(evs), keep_b,
	    NELEM(keep_b));
	run("a=1 | table b | stats count by b", evs, NELEM(evs), keep_b,
	    NELEM(keep_b));
	run("a=1 | fields - c | stats count by c", evs, NELEM(evs), no_c, 0);
	run("a=1 | fields a | stats count by _time", evs, NELEM(evs),
	    by_time, NELEM(by_time));
	run("a=1 | fields b | search b=x | stats count", evs, NELEM(evs),
	    no_c, NELEM(no_c));
	run("a=1 | fields b | search a=1 | stats count", evs, NELEM(evs),
	    no_c, 0);
}

/* What stays refused, with the reason and the position. */
Test(spl_rows, refusals)
{
	static const struct {
		const char	*text;
		int		 col;
		const char	*msg;
	} tab[] = {
		{ "a=1 | bin _time | stats count", 7,
		    "bin needs span= and _time" },
		{ "a=1 | bin size span=10 | stats count", 11,
		    "bin on a field other than _time is not supported" },
		{ "a=1 | bin _time bins=10 | stats count", 17,
		    "bin option 'bins' is not supported" },
		{ "a=1 | bin _time span=1mon | stats count", 22,
		    "unsupported span '1mon'" },
		{ "a=1 | bin _time span=0s | stats count", 22,
		    "unsupported span '0s'" },
		{ "a=1 | convert ctime(_time) | stats count", 7,
		    "'convert' before stats is not supported" },
		{ "a=1 | dedup host | stats count", 7,
		    "'dedup' before stats is not supported" },
		{ "a=1 | stats count by host | dedup keepempty=true host", 35,
		    "dedup keepempty=true is not supported" },
		{ "a=1 | stats count by host | dedup host consecutive=t", 40,
		    "dedup consecutive=t is not supported" },
		{ "a=1 | stats count by host | dedup host keepevents=1", 40,
		    "dedup keepevents=1 is not supported" },
		{ "a=1 | stats count by host | dedup host sortby -count", 40,
		    "dedup sortby is not supported" },
		{ "a=1 | stats count by host | dedup host max=2", 40,
		    "unknown dedup option 'max'" },
		{ "a=1 | stats count by host | dedup 0 host", 35,
		    "unsupported dedup count '0'" },
		{ "a=1 | stats count by host | dedup", 29,
		    "dedup needs a field name" },
		/* Regressions (fuzz_spl, UBSan): the search ends there. */
		{ "a=1 | stats", 12, "stats needs an aggregate such as count" },
		{ "a=1 | stats count by", 21, "expected a field after 'by'" },
		{ "a=1 | stats count by host | dedup h*", 35,
		    "expected a field name, not 'h*'" },
		{ "a=1 | stats count by h | join h [search b=1 | stats count "
		    "by h] | dedup h", 67, "'dedup' in a search with join is "
		    "not supported yet" },
		{ "a=1 | stats count by h | eventstats max(_time) as t", 37,
		    "eventstats of _time over the rows of stats is not "
		    "supported" },
		{ "a=1 | stats count by h | stats min(_time)", 32,
		    "stats of _time over the rows of stats is not supported" },
		{ "a=1 | stats count by h | eventstats allnum=true avg(x)",
		    37, "eventstats option 'allnum' is not supported" },
		{ "a=1 | eventstats count | stats count", 7,
		    "'eventstats' before stats is not supported" },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k].text, NULL, NULL, &err);
		cr_assert_null(s, "%zu: %s compiled", k, tab[k].text);
		cr_expect_str_eq(err.msg, tab[k].msg, "%zu: %s", k,
		    tab[k].text);
		cr_expect_eq(err.column, tab[k].col, "%zu: column %d", k,
		    err.column);
	}
}

/* Whether s reads the event field id. */
static bool
reads(const struct spl_search *s, int id)
{
	size_t	 k;

	for (k = 0; k < s->nfields; k++)
		if (s->fields[k] == id)
			return true;
	return false;
}

/* The commands before stats change the detection's copy, not the event. */
Test(spl_rows, pre_commands_leave_the_shared_event_alone)
{
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev, copy;
	const char	*v;
	size_t		 len;

	event_fields_init();
	s = spl_compile("a=1 | rename Computer as dest | bin _time span=1h "
	    "| stats count by dest _time", NULL, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->npre, 2);
	event_init(&ev, 1024);
	event_init(&copy, 1024);
	event_set(&ev, EVENT_F_COMPUTER, "ws1", 3);
	event_set(&ev, EVENT_F_DEST, "cim", 3);
	event_set(&ev, EVENT_F_TIME, "1724291797.250", 14);
	ev.time_ms = 1724291797250;
	cr_assert(spl_pre_apply(s, &ev, &copy));
	cr_assert(event_get(&copy, EVENT_F_DEST, &v, &len));
	cr_assert(len == 3 && memcmp(v, "ws1", 3) == 0);
	cr_assert(!event_has(&copy, EVENT_F_COMPUTER));
	cr_assert(event_get(&copy, EVENT_F_TIME, &v, &len));
	cr_assert(len == 10 && memcmp(v, "1724288400", 10) == 0);
	cr_assert_eq(copy.time_ms, 1724288400000);
	cr_assert(event_get(&ev, EVENT_F_DEST, &v, &len));
	cr_assert(len == 3 && memcmp(v, "cim", 3) == 0, "event unchanged");
	cr_assert(event_has(&ev, EVENT_F_COMPUTER));
	cr_assert_eq(ev.time_ms, 1724291797250);
	/* Computer is read from the event; dest, made by rename, is not. */
	cr_assert(reads(s, EVENT_F_COMPUTER));
	cr_assert(!reads(s, EVENT_F_DEST));
	event_clear(&ev);
	event_clear(&copy);
	spl_search_free(s);
}

/* regex after a rename before stats reads the renamed field. */
Test(spl_rows, regex_after_rename_reads_the_copy)
{
	static const struct tev evs[] = {
		{ { "a=1", "Computer=ws1" } },
		{ { "a=1", "Computer=srv2" } },
	};
	static const char *want[] = { "dest=ws1 count=1" };

	run("a=1 | rename Computer as dest | regex dest=\"^ws\" "
	    "| stats count by dest", evs, NELEM(evs), want, NELEM(want));
	/* where too. */
	run("a=1 | rename Computer as dest | where like(dest, \"ws%\") "
	    "| stats count by dest", evs, NELEM(evs), want, NELEM(want));
}

/*
 * The events of Splunk's dedup page ("How the SPL2 dedup command
 * works": host, action, client_ip):
 * https://help.splunk.com/en/splunk-enterprise/search/spl2-search-reference/dedup-command
 * Here dedup runs on the rows of stats, which come sorted by their
 * by-fields ("stats ... by host action": www1 addtocart, www1 purchase,
 * www1 view, www2 addtocart, ...), so "the first" is the first in that
 * order.
 */
static const struct tev web_events[] = {
	{ { "a=1", "host=www1", "action=view", "client_ip=211.166.11.101" } },
	{ { "a=1", "host=www2", "action=addtocart",
	    "client_ip=194.215.205.19" } },
	{ { "a=1", "host=www3", "action=view", "client_ip=74.53.23.135" } },
	{ { "a=1", "host=www1", "action=addtocart",
	    "client_ip=128.241.220.82" } },
	{ { "a=1", "host=www1", "action=purchase", "client_ip=64.66.0.20" } },
	{ { "a=1", "host=www3", "action=view", "client_ip=107.3.146.207" } },
	{ { "a=1", "host=www2", "action=remove",
	    "client_ip=194.215.205.19" } },
};

Test(spl_rows, dedup_keeps_the_first_rows_of_each_value)
{
	static const char *one[] = {
		"host=www1 action=addtocart count=1",
		"host=www2 action=addtocart count=1",
		"host=www3 action=view count=2",
	};
	static const char *two[] = {
		"host=www1 action=addtocart count=1",
		"host=www1 action=purchase count=1",
		"host=www2 action=addtocart count=1",
		"host=www2 action=remove count=1",
		"host=www3 action=view count=2",
	};
	/* host and action: www3 view keeps its first client_ip only. */
	static const char *pair[] = {
		"host=www1 action=addtocart client_ip=128.241.220.82 count=1",
		"host=www1 action=purchase client_ip=64.66.0.20 count=1",
		"host=www1 action=view client_ip=211.166.11.101 count=1",
		"host=www2 action=addtocart client_ip=194.215.205.19 count=1",
		"host=www2 action=remove client_ip=194.215.205.19 count=1",
		"host=www3 action=view client_ip=107.3.146.207 count=1",
	};
	/* count: the first row of each count, www1 addtocart's 1 first. */
	static const char *by_count[] = {
		"host=www1 action=addtocart count=1",
		"host=www3 action=view count=2",
	};

	run("a=1 | stats count by host action | dedup host", web_events,
	    NELEM(web_events), one, NELEM(one));
	run("a=1 | stats count by host action | dedup 2 host", web_events,
	    NELEM(web_events), two, NELEM(two));
	run("a=1 | stats count by host action client_ip "
	    "| dedup host, action", web_events, NELEM(web_events), pair,
	    NELEM(pair));
	run("a=1 | stats count by host action client_ip "
	    "| dedup host action keepempty=false consecutive=false",
	    web_events, NELEM(web_events), pair, NELEM(pair));
	run("a=1 | stats count by host action client_ip "
	    "| dedup host action keepempty=off consecutive=N keepevents=no",
	    web_events, NELEM(web_events), pair, NELEM(pair));
	run("a=1 | stats count by host action | dedup count", web_events,
	    NELEM(web_events), by_count, NELEM(by_count));
	/* Commands after dedup run on the rows it keeps. */
	run("a=1 | stats count by host action | dedup host "
	    "| search count=1", web_events, NELEM(web_events), one, 2);
	/* Before it, on every row: rename, then dedup on the new name. */
	run("a=1 | stats count by host action | rename host as h "
	    "| dedup h | rename h as host", web_events, NELEM(web_events),
	    one, NELEM(one));
}

/*
 * dedup drops every row where one of its fields is null (keepempty
 * defaults to false: Search Reference, dedup,
 * https://help.splunk.com/splunk-cloud-platform/spl-search-reference/10.0.2503/search-commands/dedup
 * ): www2's row has no act, as none of its events has an action.
 */
Test(spl_rows, dedup_drops_rows_with_a_null_field)
{
	static const struct tev evs[] = {
		{ { "a=1", "host=www1", "action=view" } },
		{ { "a=1", "host=www2" } },
		{ { "a=1", "host=www3", "action=view" } },
	};
	static const char *want[] = { "host=www1 count=1 act=view" };

	run("a=1 | stats count values(action) as act by host | dedup act",
	    evs, NELEM(evs), want, NELEM(want));
	run("a=1 | stats count values(action) as act by host "
	    "| dedup count act", evs, NELEM(evs), want, NELEM(want));
}

/*
 * The rows' order is stats' order: by-field values ascending, numbers
 * numerically (9 before 10 before 100), so dedup count keeps n=9.
 */
Test(spl_rows, dedup_first_is_in_numeric_order)
{
	static const struct tev evs[] = {
		{ { "a=1", "n=100" } }, { { "a=1", "n=10" } },
		{ { "a=1", "n=9" } }, { { "a=1", "n=100" } },
		{ { "a=1", "n=abc" } },
	};
	static const char *want[] = { "n=100 count=2", "n=9 count=1" };

	run("a=1 | stats count by n | dedup count", evs, NELEM(evs), want,
	    NELEM(want));
}

/* Each window's rows are deduplicated on their own, when it closes. */
Test(spl_rows, dedup_runs_per_window)
{
	struct detect_runner *r;
	struct trows	 t;
	struct event	 ev;
	size_t		 k;

	r = start("a=1 | stats count by host action | dedup host", &t);
	cr_expect_str_eq(detect_runner_set(r)->d[0]->search->window_why,
	    "'dedup' needs every row of the period");
	event_init(&ev, 4096);
	for (k = 0; k < 3; k++) {
		tev_load(&ev, &web_events[k]);
		detect_run(r, &ev, 1000);
	}
	detect_tick(r, 3599999);
	cr_expect_eq(t.n, 0, "the window is open");
	detect_tick(r, 3600000);
	cr_expect_eq(t.n, 3, "its three hosts when it closes");
	for (k = 3; k < NELEM(web_events); k++) {
		tev_load(&ev, &web_events[k]);
		detect_run(r, &ev, 3601000);
	}
	detect_tick(r, 7200000);
	cr_expect_eq(t.n, 6, "three more from the next window");
	detect_flush(r);
	cr_expect_eq(t.n, 6);
	detect_runner_free(r);
	event_clear(&ev);
	for (k = 0; k < t.n; k++)
		free(t.row[k]);
}

/*
 * The four events of Splunk's eventstats page ("How the SPL2 eventstats
 * command works": age and city, the last Seattle one without age):
 * https://help.splunk.com/splunk-enterprise/search/spl2-search-reference/eventstats-command/eventstats-command-overview-syntax-and-usage
 * one row each (by id), and a fifth row without a city.  eventstats adds
 * the aggregate over the rows of each city to every row of it, the row
 * without age included; the row without a city is in no group and stays
 * as it is (Search Reference, eventstats: "Only those events that have
 * fields pertinent to the aggregation are used").
 */
static const struct tev city_events[] = {
	{ { "a=1", "id=1", "age=25", "city=San Francisco" } },
	{ { "a=1", "id=2", "age=39", "city=Seattle" } },
	{ { "a=1", "id=3", "age=31", "city=San Francisco" } },
	{ { "a=1", "id=4", "city=Seattle" } },
	{ { "a=1", "id=5", "age=50" } },
};

Test(spl_rows, eventstats_adds_the_groups_aggregates)
{
	static const char *by_city[] = {
		"id=1 city=San Francisco age=25 avg_age=28",
		"id=2 city=Seattle age=39 avg_age=39",
		"id=3 city=San Francisco age=31 avg_age=28",
		"id=4 city=Seattle avg_age=39",
		"id=5 age=50",
	};
	/* No by-clause: one group, (25 + 39 + 31 + 50) / 4. */
	static const char *all[] = {
		"id=1 city=San Francisco age=25 avg_age=36.25",
		"id=2 city=Seattle age=39 avg_age=36.25",
		"id=3 city=San Francisco age=31 avg_age=36.25",
		"id=4 city=Seattle avg_age=36.25",
		"id=5 age=50 avg_age=36.25",
	};
	/* count counts rows, count(age) the rows with an age. */
	static const char *counts[] = {
		"id=1 city=San Francisco age=25 n=2 nage=2",
		"id=2 city=Seattle age=39 n=2 nage=1",
		"id=3 city=San Francisco age=31 n=2 nage=2",
		"id=4 city=Seattle n=2 nage=1",
		"id=5 age=50",
	};
	/* A later command reads what eventstats added. */
	static const char *above[] = {
		"id=3 city=San Francisco age=31 avg_age=28",
	};

	run("a=1 | stats values(city) as city values(age) as age by id "
	    "| eventstats avg(age) as avg_age by city", city_events,
	    NELEM(city_events), by_city, NELEM(by_city));
	run("a=1 | stats values(city) as city values(age) as age by id "
	    "| eventstats avg(age) as avg_age", city_events,
	    NELEM(city_events), all, NELEM(all));
	run("a=1 | stats values(city) as city values(age) as age by id "
	    "| eventstats count as n, count(age) as nage by city",
	    city_events, NELEM(city_events), counts, NELEM(counts));
	run("a=1 | stats values(city) as city values(age) as age by id "
	    "| eventstats avg(age) as avg_age by city | where age > avg_age",
	    city_events, NELEM(city_events), above, NELEM(above));
}

/*
 * stdev and stdevp (Search Reference, statistical functions: the sample
 * and the population standard deviation) on the textbook set 2, 4, 4,
 * 4, 5, 5, 7, 9: mean 5, squared deviations 32, so stdevp = sqrt(32 / 8)
 * = 2 and stdev = sqrt(32 / 7) = 2.13809 (6 decimals, as every number
 * stats makes).  A value that is not a number is left out; one number
 * has no spread (0).
 */
static const struct tev spread_events[] = {
	{ { "a=1", "id=1", "x=2", "g=a" } },
	{ { "a=1", "id=2", "x=4", "g=a" } },
	{ { "a=1", "id=3", "x=4", "g=a" } },
	{ { "a=1", "id=4", "x=4", "g=a" } },
	{ { "a=1", "id=5", "x=5", "g=a" } },
	{ { "a=1", "id=6", "x=5", "g=a" } },
	{ { "a=1", "id=7", "x=7", "g=a" } },
	{ { "a=1", "id=8", "x=9", "g=a" } },
	{ { "a=1", "id=9", "x=abc", "g=a" } },
	{ { "a=1", "id=10", "x=3", "g=b" } },
};

Test(spl_rows, stdev_and_stdevp)
{
	static const char *first[] = {
		"g=a s=2.13809 sp=2", "g=b s=0 sp=0",
	};
	static const char *rows[] = {
		"g=a s=2.13809", "g=b s=0",
	};

	run("a=1 | stats stdev(x) as s stdevp(x) as sp by g", spread_events,
	    NELEM(spread_events), first, NELEM(first));
	run("a=1 | stats values(x) as x values(g) as g by id "
	    "| eventstats stdev(x) as s by g | stats max(s) as s by g",
	    spread_events, NELEM(spread_events), rows, NELEM(rows));
}

/*
 * A second stats groups the rows of the first (Search Reference, stats:
 * "calculates aggregate statistics over the results set"): on the rows
 * of "stats count by host action" of the dedup page's events, sum(count)
 * is each host's events, count its rows.
 */
Test(spl_rows, second_stats_over_the_rows)
{
	static const char *per_host[] = {
		"host=www1 total=3 actions=3",
		"host=www2 total=2 actions=2",
		"host=www3 total=2 actions=1",
	};
	static const char *one[] = { "rows=7 hosts=3" };
	/* Its rows come in its own order: addtocart, purchase, ... */
	static const char *dedup[] = {
		"action=addtocart n=2", "action=purchase n=1",
		"action=view n=3",
	};
	static const struct tev evs[] = {
		{ { "a=1", "_time=1724291797", "host=h1" } },
		{ { "a=1", "_time=1724291901", "host=h2" } },
		{ { "a=1", "_time=1724292196", "host=h1" } },
		{ { "a=1", "_time=1724292700" } },
	};
	/* by _time reads the rows' _time (10-minute bins, 01:50, 02:00). */
	static const char *by_time[] = {
		"_time=1724291400 hosts=2", "_time=1724292000 hosts=1",
	};
	/* latest(host): 01:50 h2, 02:00 h1, 02:10 none (no group). */
	static const char *second_null[] = { "h=h1 n=1", "h=h2 n=1" };

	run("a=1 | stats count by host action "
	    "| stats sum(count) as total count as actions by host",
	    web_events, NELEM(web_events), per_host, NELEM(per_host));
	run("a=1 | stats count by host action client_ip "
	    "| stats count as rows dc(host) as hosts", web_events,
	    NELEM(web_events), one, NELEM(one));
	run("a=1 | stats count by host action client_ip "
	    "| stats count as n by action | dedup n", web_events,
	    NELEM(web_events), dedup, NELEM(dedup));
	run("a=1 | bin _time span=10m | stats count by _time, host "
	    "| stats dc(host) as hosts by _time", evs, NELEM(evs), by_time,
	    NELEM(by_time));
	/* The 02:10 row has no h (latest() of none): no group. */
	run("a=1 | bin _time span=10m | stats latest(host) as h by _time "
	    "| stats count as n by h", evs, NELEM(evs), second_null,
	    NELEM(second_null));
}

/* Both need every row of the period: windowed on the schedule. */
Test(spl_rows, eventstats_and_second_stats_windows)
{
	static const struct {
		const char	*text;
		const char	*why;
	} tab[] = {
		{ "a=1 | stats count by h | eventstats avg(count) as m",
		    "'eventstats' needs every row of the period" },
		{ "a=1 | stats count by h | stats count",
		    "'stats' needs every row of the period" },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k].text, NULL, NULL, &err);
		cr_assert_not_null(s, "%s: %s", tab[k].text, err.msg);
		cr_expect_str_eq(s->window_why, tab[k].why);
		spl_search_free(s);
	}
}
