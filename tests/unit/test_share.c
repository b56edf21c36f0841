/*
 * Tests of shared stats tables (detect.c, spl_head.c; issue 13, item 3):
 * detections whose searches are the same up to and including stats use
 * one table, and each still gets the rows a table of its own gave it, in
 * the same order, through its own commands after stats.  The oracle of
 * "its own table" is the same detection run alone in a runner (where it
 * shares with nobody); the main case also has its rows written by hand
 * from Splunk's join and where pages, as test_spl_join.c explains them
 * (type=inner, max=1: the subsearch row with the lowest by-values).
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
#define MAXDET		4
#define MAXROWS		64
#define MAXFIELDS	6

/* An event: the loop's time (ms) and "name=value" pairs. */
struct sev {
	int64_t		 now_ms;
	const char	*f[MAXFIELDS];
};

/* The rows of each detection, in the order they came. */
struct srows {
	char		*row[MAXDET][MAXROWS];
	size_t		 n[MAXDET];
	size_t		 d;		/* detection of the row being run */
	const struct detection_set *set;
};

static size_t	 max_keys = 1000;	/* the tables' key limit */

/* Detections "A", "B"... with texts[n]; NULL with err. */
static struct detection_set *
set_new(const char *const *texts, size_t n, struct spl_error *err)
{
	struct detection **dv;
	struct spl_search *s;
	char		 name[2] = "A";
	size_t		 i;

	event_fields_init();
	dv = calloc(n, sizeof(*dv));
	for (i = 0; i < n; i++) {
		if ((s = spl_compile(texts[i], NULL, NULL, err)) == NULL)
			return NULL;
		name[0] = (char)('A' + i);
		dv[i] = calloc(1, sizeof(**dv));
		dv[i]->name = strdup(name);
		dv[i]->id = strdup(name);
		dv[i]->file = strdup("t.yml");
		dv[i]->search_text = strdup(texts[i]);
		dv[i]->search = s;
	}
	return detection_set_new(dv, n);
}

/* A row out of spl_post_run(), as "name=value ..." in column order. */
static void
out_cb(struct event *rec, size_t nth, void *arg)
{
	struct srows	*t = arg;
	char		 buf[1024];

	(void)nth;
	row_format(t->set->d[t->d]->search, rec, buf, sizeof(buf));
	cr_assert_lt(t->n[t->d], MAXROWS);
	t->row[t->d][t->n[t->d]++] = strdup(buf);
}

static void
row_cb(const struct detection *d, const struct stats_row *row, void *arg)
{
	struct srows	*t = arg;

	t->d = (size_t)(d->name[0] - 'A');
	if (row->reason == STATS_EMIT_FIRST) {
		cr_assert_lt(t->n[t->d], MAXROWS);
		t->row[t->d][t->n[t->d]++] = strdup("first");
		return;
	}
	(void)spl_post_run(d->search, row->sides, row->rec, out_cb, t);
}

static void
opts_init(struct stats_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->window_s = 3600;
	o->max_keys = max_keys;
	o->max_bytes = 1 << 20;
	o->drop_null = true;
}

static void
ev_fill(struct event *ev, const struct sev *e)
{
	const char	*eq;
	size_t		 j;
	int		 id;

	event_reset(ev);
	for (j = 0; j < MAXFIELDS && e->f[j] != NULL; j++) {
		eq = strchr(e->f[j], '=');
		id = event_field_intern(e->f[j], (size_t)(eq - e->f[j]));
		event_set(ev, id, eq + 1, strlen(eq + 1));
	}
	ev->time_ms = e->now_ms;
}

/*
 * Runs set on evs[n] (hourly windows), a tick after each event, then a
 * flush; the rows go to t.  first: the name of the detection that emits
 * first-seen rows, or NULL.
 */
static void
run_set(struct detection_set *set, const struct sev *evs, size_t n,
    const char *first, struct srows *t)
{
	struct detect_runner *r;
	struct detect_first f;
	struct stats_opts o;
	struct event	 ev;
	char		*fl[1];
	size_t		 k;

	opts_init(&o);
	memset(t, 0, sizeof(*t));
	t->set = set;
	r = detect_runner_new(set, &o, row_cb, t);
	if (first != NULL) {
		memset(&f, 0, sizeof(f));
		fl[0] = (char *)first;
		f.first = fl;
		f.nfirst = 1;
		detect_runner_first(r, &f);
	}
	event_init(&ev, 4096);
	for (k = 0; k < n; k++) {
		ev_fill(&ev, &evs[k]);
		detect_run(r, &ev, evs[k].now_ms);
		detect_tick(r, evs[k].now_ms);
	}
	detect_flush(r);
	detect_runner_free(r);
	event_clear(&ev);
}

static void
rows_free(struct srows *t)
{
	size_t	 d, k;

	for (d = 0; d < MAXDET; d++)
		for (k = 0; k < t->n[d]; k++)
			free(t->row[d][k]);
}

/*
 * Runs texts[n] together, then each alone: each detection's rows, in
 * order, must be the same.  Returns the shared tables of the runner.
 */
static size_t
same_as_alone(const char *const *texts, size_t n, const struct sev *evs,
    size_t nev, const char *first, struct srows *all)
{
	struct detection_set *set, *one;
	struct detect_runner *r;
	struct stats_opts o;
	struct spl_error err;
	struct srows	 t;
	size_t		 d, k, tables, nsharing;
	char		 name[2] = "A";

	set = set_new(texts, n, &err);
	cr_assert_not_null(set, "%s", err.msg);
	opts_init(&o);
	r = detect_runner_new(set, &o, row_cb, NULL);
	tables = detect_runner_shared(r, &nsharing);
	cr_expect_eq(tables, detect_set_shared(set, &k));
	cr_expect_eq(nsharing, k);
	detect_runner_free(r);
	run_set(set, evs, nev, first, all);
	for (d = 0; d < n; d++) {
		one = set_new(&texts[d], 1, &err);
		cr_assert_not_null(one);
		name[0] = (char)('A' + d);
		run_set(one, evs, nev,
		    first != NULL && strcmp(first, name) == 0 ? "A" : NULL,
		    &t);
		cr_expect_eq(all->n[d], t.n[0], "%s: %zu rows, alone %zu",
		    texts[d], all->n[d], t.n[0]);
		for (k = 0; k < all->n[d] && k < t.n[0]; k++)
			cr_expect_str_eq(all->row[d][k], t.row[0][k],
			    "%s: row %zu", texts[d], k);
		rows_free(&t);
		detection_set_unref(one, __func__);
	}
	detection_set_unref(set, __func__);
	return tables;
}

/*
 * Processes (EventCode=1) A twice, B, C in the first hour, A in the
 * second; files (EventCode=11) written by A (two names) and C.
 */
static const struct sev procs_files[] = {
	{ 1000, { "EventCode=1", "process_guid=A" } },
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=b.exe" } },
	{ 1000, { "EventCode=1", "process_guid=A" } },
	{ 1000, { "EventCode=11", "process_guid=A", "file_name=a.dll" } },
	{ 1000, { "EventCode=1", "process_guid=B" } },
	{ 1000, { "EventCode=1", "process_guid=C" } },
	{ 1000, { "EventCode=11", "process_guid=C", "file_name=c.txt" } },
	{ 3601000, { "EventCode=1", "process_guid=A" } },
};

#define MAIN	"EventCode=1 | stats count by process_guid "
#define SUB	"[search EventCode=11 | stats count as files by " \
		"process_guid file_name]"

static const char *const two_tails[] = {
	MAIN "| where count > 1",
	MAIN "| join process_guid " SUB,
};

Test(share, same_head_one_table_each_its_own_rows)
{
	struct detection_set *set;
	struct spl_error err;
	struct srows	 t;
	size_t		 k;
	/* where keeps A (count 2); the join keeps A and C (inner). */
	static const char *want_a[] = { "process_guid=A count=2" };
	static const char *want_b[] = {
		"process_guid=A count=2 file_name=a.dll files=1",
		"process_guid=C count=1 file_name=c.txt files=1",
	};

	set = set_new(two_tails, 2, &err);
	cr_assert_not_null(set, "%s", err.msg);
	cr_expect(detect_share(set->d[0], set->d[1]));
	cr_expect(spl_head_same(set->d[0]->search, set->d[1]->search));
	cr_expect_eq(spl_head_hash(set->d[0]->search),
	    spl_head_hash(set->d[1]->search));
	detection_set_unref(set, __func__);

	cr_expect_eq(same_as_alone(two_tails, 2, procs_files,
	    NELEM(procs_files), NULL, &t), 1, "one table for both");
	cr_expect_eq(t.n[0], NELEM(want_a));
	for (k = 0; k < t.n[0] && k < NELEM(want_a); k++)
		cr_expect_str_eq(t.row[0][k], want_a[k]);
	cr_expect_eq(t.n[1], NELEM(want_b));
	for (k = 0; k < t.n[1] && k < NELEM(want_b); k++)
		cr_expect_str_eq(t.row[1][k], want_b[k]);
	rows_free(&t);
}

Test(share, key_limit_and_first_seen_rows_as_alone)
{
	struct srows	 t;

	/* One key per table: every new key emits the oldest row early. */
	max_keys = 1;
	cr_expect_eq(same_as_alone(two_tails, 2, procs_files,
	    NELEM(procs_files), "A", &t), 1);
	rows_free(&t);
	cr_expect_eq(same_as_alone(two_tails, 2, procs_files,
	    NELEM(procs_files), "B", &t), 1);
	rows_free(&t);
	max_keys = 1000;
}

Test(share, three_sharers_and_one_other)
{
	static const char *const texts[] = {
		MAIN "| where count > 1",
		MAIN "| join process_guid " SUB,
		"EventCode=1 | stats count by process_guid | rename "
		    "count as n",
		"EventCode=1 | stats dc(process_guid) as n by EventCode",
	};
	struct srows	 t;

	cr_expect_eq(same_as_alone(texts, 4, procs_files,
	    NELEM(procs_files), NULL, &t), 1);
	cr_expect_eq(t.n[2], 3 + 1, "A, B, C, then A of the second hour");
	rows_free(&t);
}

/* One difference before or in stats: no sharing. */
Test(share, a_difference_up_to_stats_does_not_share)
{
	static const char *const pairs[][2] = {
		/* a by-field */
		{ MAIN, "EventCode=1 | stats count by process_guid "
		    "file_name" },
		/* an aggregate: its function, its name, one more */
		{ "EventCode=1 | stats count as n by process_guid",
		    "EventCode=1 | stats dc(file_name) as n by process_guid" },
		{ MAIN, "EventCode=1 | stats count as n by process_guid" },
		{ MAIN, "EventCode=1 | stats count max(_time) as last by "
		    "process_guid" },
		/* the filter */
		{ MAIN, "EventCode=11 | stats count by process_guid" },
		{ MAIN, "EventCode=1 user=x | stats count by process_guid" },
		/* a command before stats */
		{ "EventCode=1 | rename user as u | stats count by "
		    "process_guid", "EventCode=1 | rename user as u | stats "
		    "count by process_guid" },
		/* tstats: the span, the dataset */
		{ "| tstats count from datamodel=Endpoint.Processes by "
		    "_time span=1h Processes.dest",
		    "| tstats count from datamodel=Endpoint.Processes by "
		    "_time span=10m Processes.dest" },
		{ "| tstats count from datamodel=Endpoint.Processes by "
		    "Processes.dest",
		    "| tstats count from datamodel=Endpoint.Registry by "
		    "Processes.dest" },
	};
	struct detection_set *set;
	struct spl_error err;
	size_t		 i, k;

	for (i = 0; i < NELEM(pairs); i++) {
		set = set_new(pairs[i], 2, &err);
		cr_assert_not_null(set, "%s", err.msg);
		cr_expect(!detect_share(set->d[0], set->d[1]), "%s / %s",
		    pairs[i][0], pairs[i][1]);
		cr_expect_eq(detect_set_shared(set, &k), 0);
		detection_set_unref(set, __func__);
	}
	/* The same tstats head shares. */
	set = set_new((const char *const[]){
	    "| tstats count from datamodel=Endpoint.Processes by _time "
	    "span=1h Processes.dest | where count > 2",
	    "| tstats count from datamodel=Endpoint.Processes by _time "
	    "span=1h Processes.dest" }, 2, &err);
	cr_assert_not_null(set, "%s", err.msg);
	cr_expect(detect_share(set->d[0], set->d[1]));
	/* ... unless its schedule gives it another window or phase. */
	set->d[1]->window_s = 600;
	cr_expect(!detect_share(set->d[0], set->d[1]));
	set->d[1]->window_s = set->d[0]->window_s;
	set->d[1]->window_offset_s = set->d[0]->window_offset_s + 60;
	cr_expect(!detect_share(set->d[0], set->d[1]));
	detection_set_unref(set, __func__);
}

/* The aggregates differ: each detection's rows are its own. */
Test(share, other_aggregates_keep_their_own_rows)
{
	static const char *const texts[] = {
		"EventCode=11 | stats count as n by process_guid",
		"EventCode=11 | stats min(file_name) as n by process_guid",
	};
	struct srows	 t;

	cr_expect_eq(same_as_alone(texts, 2, procs_files,
	    NELEM(procs_files), NULL, &t), 0);
	cr_expect_eq(t.n[0], 2);
	cr_expect_eq(t.n[1], 2);
	if (t.n[0] == 2 && t.n[1] == 2) {
		cr_expect_str_eq(t.row[0][0], "process_guid=A n=2");
		cr_expect_str_eq(t.row[1][0], "process_guid=A n=a.dll");
		cr_expect_str_eq(t.row[0][1], "process_guid=C n=1");
		cr_expect_str_eq(t.row[1][1], "process_guid=C n=c.txt");
	}
	rows_free(&t);
}

static bool
same_not_b_cb(const struct detection *old, const struct detection *new,
    void *arg)
{
	(void)arg;
	(void)new;
	return old->name[0] != 'B';
}

/*
 * Runs texts[2] on A's process event twice, swaps in a set of the same
 * texts (same: the runner's test of "unchanged"), checks the detections
 * kept and the shared tables, runs the event once more and flushes.
 */
static void
reload_run(const char *const *texts, detect_same_fn same, size_t want_kept,
    size_t want_tables, struct srows *t)
{
	struct detection_set *set, *set2;
	struct detect_runner *r;
	struct stats_opts o;
	struct spl_error err;
	struct event	 ev;
	size_t		 nsharing;
	static const struct sev a1 = { 1000, { "EventCode=1",
	    "process_guid=A" } };

	set = set_new(texts, 2, &err);
	cr_assert_not_null(set, "%s", err.msg);
	set2 = set_new(texts, 2, &err);
	cr_assert_not_null(set2, "%s", err.msg);
	opts_init(&o);
	memset(t, 0, sizeof(*t));
	t->set = set;
	r = detect_runner_new(set, &o, row_cb, t);
	cr_expect_eq(detect_runner_shared(r, &nsharing), 1);
	event_init(&ev, 4096);
	ev_fill(&ev, &a1);
	detect_run(r, &ev, 1000);
	detect_run(r, &ev, 1000);
	cr_expect_eq(detect_runner_swap(r, set2, &o, same, NULL), want_kept);
	cr_expect_eq(detect_runner_shared(r, &nsharing), want_tables);
	t->set = set2;
	detect_run(r, &ev, 2000);
	detect_flush(r);
	detect_runner_free(r);
	detection_set_unref(set, __func__);
	detection_set_unref(set2, __func__);
	event_clear(&ev);
}

/*
 * A reload that changes one sharer: the other keeps the table and its
 * rows (its count goes on across the reload); the changed one's rows
 * so far go out under the old detection, and it starts afresh, in a
 * table of its own.
 */
Test(share, reload_changing_one_sharer_keeps_the_others_rows)
{
	struct srows	 t;
	static const char *const texts[] = {
		MAIN "| where count > 0",
		MAIN "| where count > 0 | rename count as n",
	};

	reload_run(texts, same_not_b_cb, 1, 0, &t);
	cr_expect_eq(t.n[0], 1);
	if (t.n[0] == 1)
		cr_expect_str_eq(t.row[0][0], "process_guid=A count=3");
	/* The old B's two events at the swap, the new B's one. */
	cr_expect_eq(t.n[1], 2);
	if (t.n[1] == 2) {
		cr_expect_str_eq(t.row[1][0], "process_guid=A n=2");
		cr_expect_str_eq(t.row[1][1], "process_guid=A n=1");
	}
	rows_free(&t);
}

/* A reload that keeps both: still one table, rows carry on. */
Test(share, reload_keeping_both_keeps_one_table)
{
	struct srows	 t;

	reload_run(two_tails, NULL, 2, 1, &t);
	cr_expect_eq(t.n[0], 1);
	if (t.n[0] == 1)
		cr_expect_str_eq(t.row[0][0], "process_guid=A count=3");
	rows_free(&t);
}

/*
 * A by-field filter alone in its table makes tombstones (test_tomb.c);
 * in a table shared with a tail that keeps the key, the key is kept,
 * and each detection still gets the rows it gets alone.
 */
Test(share, tombstones_only_in_a_table_of_one)
{
	static const char *const tails[] = {
		MAIN "| where process_guid!=\"B\"",
		MAIN "| where count > 1",
	};
	static const char *want_a[] = {
		"process_guid=A count=2", "process_guid=C count=1",
		"process_guid=A count=1",
	};
	struct srows	 t;
	size_t		 k;

	cr_expect_eq(same_as_alone(tails, 2, procs_files,
	    NELEM(procs_files), NULL, &t), 1);
	cr_expect_eq(t.n[0], NELEM(want_a));
	for (k = 0; k < t.n[0] && k < NELEM(want_a); k++)
		cr_expect_str_eq(t.row[0][k], want_a[k]);
	cr_expect_eq(t.n[1], 1);
	rows_free(&t);
}

/*
 * Tails that drop keys at their first event (tombstones, stats.c): a
 * shared table makes none, since a key one sharer drops another keeps.
 */
Test(share, shared_tables_make_no_tombstones)
{
	static const char *const texts[] = {
		MAIN "| where process_guid=\"A\"",
		MAIN "| where process_guid=\"C\"",
	};
	struct detection_set *set;
	struct spl_error err;
	struct srows	 t;

	set = set_new(texts, 2, &err);
	cr_assert_not_null(set, "%s", err.msg);
	cr_expect(set->d[0]->search->first_drops &&
	    set->d[1]->search->first_drops, "both would make tombstones");
	detection_set_unref(set, __func__);
	cr_expect_eq(same_as_alone(texts, 2, procs_files,
	    NELEM(procs_files), NULL, &t), 1);
	cr_expect_eq(t.n[0], 2, "A in each hour");
	cr_expect_eq(t.n[1], 1);
	if (t.n[1] == 1)
		cr_expect_str_eq(t.row[1][0], "process_guid=C count=1");
	rows_free(&t);
}
