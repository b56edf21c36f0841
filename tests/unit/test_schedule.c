/*
 * Tests of the window choice (SPEC 9, "Windows and schedules"): which
 * searches keep the short window and why the others need their
 * schedule's period (spl_window.c), the schedules of security_content's
 * deployments (tests/data/splunk_security_content_deployments, real
 * files), the choice per detection type, and stats windows on a
 * schedule's phase.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/detection.h"
#include "detect/schedule.h"
#include "detect/spl.h"
#include "detect/stats.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ROWS	"a=1 | stats count min(_time) as firstTime " \
		"max(_time) as lastTime values(c) as v by b "

/* One case per kind of tail; NULL: the rows merge (short window). */
Test(schedule, window_per_kind_of_tail)
{
	static const struct {
		const char	*text;
		const char	*why;
	} tab[] = {
		/* Row-local tails: the short window. */
		{ ROWS, NULL },
		{ ROWS "| convert ctime(firstTime) | search b=x", NULL },
		{ ROWS "| rename b as dest | fields dest count | table dest "
		    "count", NULL },
		{ ROWS "| regex b=\"^x\"", NULL },
		{ "a=1 | bin _time span=1h | stats count by _time b", NULL },
		{ "a=1 | stats count by _time b | bin _time span=1h", NULL },
		{ "a=1 | stats sum(c) as s max(c) as m by b | search b!=x",
		    NULL },
		{ ROWS "| where isnotnull(b) | eval d=lower(b)", NULL },
		/* A rename moves the aggregate: the filter is on a by-field. */
		{ ROWS "| rename count as n, b as count | search count=x",
		    NULL },
		/* A filter on an aggregate, or one derived from it. */
		{ ROWS "| search count>5",
		    "'search' reads the aggregate 'count'" },
		{ ROWS "| rename count as n | search n>5",
		    "'search' reads the aggregate 'n'" },
		{ ROWS "| convert ctime(firstTime) as ft | search ft=x*",
		    "'search' reads the aggregate 'ft'" },
		{ ROWS "| regex v=\"x\"", "'regex' reads the aggregate 'v'" },
		{ ROWS "| where count >= 15",
		    "'where' reads the aggregate 'count'" },
		{ ROWS "| eval n=mvcount(v)", "'eval' reads the aggregate 'v'" },
		{ ROWS "| rex field=v \"(?<x>y)\"",
		    "'rex' reads the aggregate 'v'" },
		/* Aggregates that do not merge. */
		{ "a=1 | stats dc(c) as n by b",
		    "dc() does not merge across windows" },
		{ "a=1 | stats avg(c) by b",
		    "avg() does not merge across windows" },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k].text, NULL, NULL, &err);
		cr_assert_not_null(s, "%zu: %s: %s", k, tab[k].text, err.msg);
		if (tab[k].why == NULL)
			cr_expect_null(s->window_why, "%zu: %s: %s", k,
			    tab[k].text, s->window_why);
		else
			cr_expect(s->window_why != NULL &&
			    strcmp(s->window_why, tab[k].why) == 0,
			    "%zu: %s: '%s'", k, tab[k].text,
			    s->window_why != NULL ? s->window_why : "(null)");
		spl_search_free(s);
	}
}

/* Cron lines and relative times: period and phase, or refused. */
Test(schedule, parse)
{
	static const struct {
		const char	*cron, *earliest, *latest;
		int		 period, offset;	/* -1: refused */
	} tab[] = {
		/* security_content's TTP, Anomaly, Hunting default */
		{ "0 * * * *", "-70m@m", "-10m@m", 3600, 3000 },
		/* its Baseline default: 00:10 over the day before */
		{ "10 0 * * *", "-1450m@m", "-10m@m", 86400, 0 },
		{ "15 * * * *", "-1h", "now", 3600, 900 },
		{ "*/5 * * * *", "-5m@m", "now", 300, 0 },
		{ "* * * * *", "-60s", "now", 60, 0 },
		{ "30 2 * * *", "-1d", "-1h", 86400, 5400 },
		{ "0 * * * 1", "-70m@m", "-10m@m", -1, -1 },
		{ "0 * * *", "-70m@m", "-10m@m", -1, -1 },
		{ "*/7 * * * *", "-7m", "now", -1, -1 },
		{ "60 * * * *", "-1h", "now", -1, -1 },
		{ "0 * * * *", "-70m@h", "-10m@m", -1, -1 },
		{ "0 * * * *", "-10m@m", "-70m@m", -1, -1 },
		{ "0 * * * *", "-1w", "now", -1, -1 },
	};
	struct schedule	 sc;
	char		*err;
	size_t		 k;
	int		 rc;

	for (k = 0; k < NELEM(tab); k++) {
		memset(&sc, 0, sizeof(sc));
		sc.cron = (char *)tab[k].cron;
		sc.earliest = (char *)tab[k].earliest;
		sc.latest = (char *)tab[k].latest;
		err = NULL;
		rc = schedule_parse(&sc, &err);
		if (tab[k].period == -1) {
			cr_expect_eq(rc, -1, "%zu: %s accepted", k,
			    tab[k].cron);
			free(err);
			continue;
		}
		cr_expect_eq(rc, 0, "%zu: %s", k, err != NULL ? err : "");
		cr_expect_eq(sc.period_s, tab[k].period, "%zu: period %d", k,
		    sc.period_s);
		cr_expect_eq(sc.offset_s, tab[k].offset, "%zu: offset %d", k,
		    sc.offset_s);
	}
}

static void
deployments(struct schedule_set *ss)
{
	const char	*td = getenv("TESTDATA");
	char		 dir[512];

	snprintf(dir, sizeof(dir), "%s/splunk_security_content_deployments",
	    td != NULL ? td : "tests/data");
	memset(ss, 0, sizeof(*ss));
	schedule_set_load_dir(ss, dir);
}

/* security_content's five deployments, one per detection type. */
Test(schedule, security_content_deployments)
{
	struct schedule_set ss;
	size_t		 k;
	int		 hourly = 0;

	deployments(&ss);
	cr_assert_null(ss.error, "%s", ss.error);
	cr_assert_eq(ss.n, 5);
	for (k = 0; k < ss.n; k++) {
		if (strcmp(ss.v[k].type, "Baseline") == 0) {
			cr_expect_eq(ss.v[k].period_s, 86400);
			continue;
		}
		cr_expect_eq(ss.v[k].period_s, 3600, "%s", ss.v[k].type);
		cr_expect_eq(ss.v[k].offset_s, 3000, "%s", ss.v[k].type);
		hourly++;
	}
	cr_expect_eq(hourly, 4);
	schedule_set_clear(&ss);
}

/* A detection's window: by its tail, then by its type's deployment. */
Test(schedule, choose_by_tail_and_type)
{
	struct schedule_set ss;
	struct detection d;
	struct spl_error err;

	deployments(&ss);
	memset(&d, 0, sizeof(d));
	d.type = (char *)"Hunting";
	d.search = spl_compile(ROWS "| search count>5", NULL, NULL, &err);
	cr_assert_not_null(d.search, "%s", err.msg);
	schedule_choose(&d, &ss);
	cr_expect_eq(d.window_s, 3600);
	cr_expect_eq(d.window_offset_s, 3000);
	cr_expect_str_eq(d.window, "schedule 3600 s (ESCU Default "
	    "Configuration Hunting: 0 * * * *, -70m@m to -10m@m): 'search' "
	    "reads the aggregate 'count'");
	/* No deployments: security_content's default. */
	d.type = (char *)"TTP";
	schedule_choose(&d, NULL);
	cr_expect_eq(d.window_s, 3600);
	cr_expect_eq(d.window_offset_s, 3000);
	cr_expect(strstr(d.window, "security_content default") != NULL,
	    "%s", d.window);
	spl_search_free(d.search);
	/* Rows that merge keep the `window` key. */
	d.search = spl_compile(ROWS "| search b=x", NULL, NULL, &err);
	cr_assert_not_null(d.search, "%s", err.msg);
	schedule_choose(&d, &ss);
	cr_expect_eq(d.window_s, 0);
	cr_expect_str_eq(d.window, "short: its rows merge");
	spl_search_free(d.search);
	free(d.window);
	schedule_set_clear(&ss);
}

static void
win_cb(const struct stats_row *row, void *arg)
{
	int64_t	*starts = arg;

	starts[starts[0]++ + 1] = row->win_start_ms;
}

/*
 * Windows on a schedule's phase: hourly ending at minute 50 (-10m@m of a
 * run at minute 0), so 12:49:59 and 12:50:00 fall in two windows, the
 * first [11:50, 12:50), each the range one scheduled run searches.
 */
Test(schedule, stats_windows_follow_the_phase)
{
	struct spl_search *s;
	struct spl_error err;
	struct stats_table *t;
	struct stats_opts o;
	struct event	 ev;
	int64_t		 starts[8] = { 0 };
	const int64_t	 h12 = 1724328000000;	/* 2024-08-22 12:00 UTC */

	s = spl_compile("a=1 | stats count", NULL, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	memset(&o, 0, sizeof(o));
	o.window_s = 3600;
	o.window_offset_s = 3000;
	o.max_keys = 10;
	o.max_bytes = 1 << 20;
	t = stats_new(&s->stats, &o, win_cb, starts);
	event_init(&ev, 256);
	ev.time_ms = h12 + 49 * 60000 + 59000;
	stats_add(t, &ev, ev.time_ms);
	ev.time_ms = h12 + 50 * 60000;
	stats_add(t, &ev, ev.time_ms);
	cr_assert_eq(starts[0], 1, "the first window closed");
	cr_expect_eq(starts[1], h12 - 10 * 60000, "11:50");
	stats_tick(t, h12 + 110 * 60000 - 1);
	cr_assert_eq(starts[0], 1, "13:49:59.999 is still in the second");
	stats_tick(t, h12 + 110 * 60000);
	cr_assert_eq(starts[0], 2);
	cr_expect_eq(starts[2], h12 + 50 * 60000, "12:50");
	stats_free(t);
	event_clear(&ev);
	spl_search_free(s);
}
