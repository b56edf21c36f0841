/*
 * Tombstones (stats_on_new(), detect.c): a search whose commands after
 * stats read only what a key's first event fixed (spl_first.c) is judged
 * once per key, at that event; a key they drop stays in its table with
 * no aggregates and emits nothing, yet counts as a key and leaves when
 * its row would have.  The expected rows follow from the rows the same
 * search gives without tombstones: the dropped key's rows would all have
 * been dropped, the other rows are unchanged, and so are the moments of
 * early emission.  A search whose filter reads an aggregate is never
 * judged early.
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
#define TT_MAX		16
#define TT_WIN_MS	3600000LL	/* the runner's window, 1 hour */
#define TT_T0		1795852800000LL	/* 2026-11-28T08:00:00Z */

/* One row out of stats, before (pre) and after the commands after it. */
struct tt_row {
	enum stats_emit_reason reason;
	char		 user[32];
	char		 count[32];
	char		 n[64];		/* values(n), '\n'-separated */
	bool		 passed;	/* kept by the commands after stats */
	int		 at;		/* tt_at when emitted */
};

static struct tt_row	 tt_rows[TT_MAX];
static size_t		 tt_n;
static int		 tt_at;		/* the events fed so far */

static void
tt_field(const struct event *rec, const char *name, char *buf, size_t size)
{
	const char	*v;
	size_t		 len;

	buf[0] = '\0';
	if (event_get(rec, event_field_intern(name, strlen(name)), &v, &len))
		snprintf(buf, size, "%.*s", (int)len, v);
}

static void
tt_row_cb(const struct detection *d, const struct stats_row *row, void *arg)
{
	struct tt_row	*t;

	(void)arg;
	cr_assert_lt(tt_n, TT_MAX);
	t = &tt_rows[tt_n++];
	t->reason = row->reason;
	t->at = tt_at;
	tt_field(row->rec, "user", t->user, sizeof(t->user));
	tt_field(row->rec, "count", t->count, sizeof(t->count));
	tt_field(row->rec, "n", t->n, sizeof(t->n));
	t->passed = spl_post_apply(d->search, row->rec);
}

/* A runner of text, one hour windows, max_keys keys, 1 MiB. */
static struct detect_runner *
tt_start(const char *text, size_t max_keys)
{
	struct detection_set *set;
	struct detect_runner *r;
	struct stats_opts o;
	struct spl_error err;

	(void)row_cmp;			/* test_rows.h's, unused here */
	event_fields_init();
	set = mkset(text, &err);
	cr_assert_not_null(set, "%s: %s", text, err.msg);
	memset(&o, 0, sizeof(o));
	o.window_s = (int)(TT_WIN_MS / 1000);
	o.max_keys = max_keys;
	o.max_bytes = 1 << 20;
	memset(tt_rows, 0, sizeof(tt_rows));
	tt_n = 0;
	tt_at = 0;
	r = detect_runner_new(set, &o, tt_row_cb, NULL);
	detection_set_unref(set, __func__);
	return r;
}

/* One event "a=1 user=<user> n=<n>" at time_ms, arriving then. */
static void
tt_event(struct detect_runner *r, const char *user, const char *n,
    int64_t time_ms)
{
	tt_at++;
	run_user_event(r, user, n, time_ms, time_ms);
}

static void
tt_counters(const struct detect_runner *r, struct stats_counters *sc)
{
	detect_get_counters(r, 0, NULL, sc);
}

/*
 * Part 1: skip's first event; part 2: skip's second event (a new
 * value), then keep's two.
 */
static void
tt_feed(struct detect_runner *r, int part)
{
	if (part == 1) {
		tt_event(r, "skip", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", TT_T0);
		return;
	}
	tt_event(r, "skip", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", TT_T0 + 1);
	tt_event(r, "keep", "1", TT_T0 + 2);
	tt_event(r, "keep", "2", TT_T0 + 3);
}

#define TT_BY_USER	"a=1 | stats count values(n) as n by user " \
			    "| where user!=\"skip\""

/* Which searches judge a key at its first event (s->first_drops). */
Test(tomb, classify)
{
	static const struct {
		const char	*text;
		bool		 drops;
	} cases[] = {
		{ TT_BY_USER, true },
		{ "a=1 | stats count by user | eval u=lower(user) "
		    "| search u!=x", true },
		{ "a=1 | stats count by user | regex user=\"^k\"", true },
		/* Nothing after stats drops a row: nothing to judge. */
		{ "a=1 | stats count by user", false },
		{ "a=1 | stats count by user | eval u=lower(user)", false },
		/* The filter reads an aggregate, _time or the clock. */
		{ "a=1 | stats count by user | where count > 5", false },
		{ "a=1 | stats count by user | where _time > 0", false },
		{ "a=1 | stats count by user | where now() > 0", false },
		{ "a=1 | stats count by user | eval t=now() | where t > 0",
		    false },
		{ "a=1 | stats count by user | where user!=\"x\" "
		    "| where count > 5", false },
		{ "a=1 | stats count by user | dedup user | where user!=x",
		    false },
	};
	struct detection_set	*set;
	struct spl_error	 err;
	const char		*why;
	size_t			 k;

	event_fields_init();
	for (k = 0; k < NELEM(cases); k++) {
		set = mkset(cases[k].text, &err);
		cr_assert_not_null(set, "%s: %s", cases[k].text, err.msg);
		cr_expect_eq(set->d[0]->search->first_drops, cases[k].drops,
		    "%s: want %d", cases[k].text, cases[k].drops);
		why = set->d[0]->search->first_why;
		if (strstr(cases[k].text, "where now()") != NULL)
			cr_expect(why != NULL && strstr(why, "clock") != NULL,
			    "%s: '%s'", cases[k].text, why != NULL ? why : "-");
		detection_set_unref(set, __func__);
	}
}

/*
 * A key dropped by a filter on its by-field is a tombstone: no row at
 * close, no aggregates (its bytes stay its key's: stats.c's key is a
 * type byte, a 4-byte length and the value), while a key that passes is
 * kept whole.
 */
Test(tomb, by_field_filter)
{
	struct detect_runner	*r, *plain;
	struct stats_counters	 sc, pc;

	r = tt_start(TT_BY_USER, 1000);
	tt_feed(r, 1);
	tt_counters(r, &sc);
	cr_expect_eq(sc.keys, 1);
	cr_expect_eq(sc.tombs, 1);
	cr_expect_eq(sc.first_dropped, 1);
	cr_expect_eq(sc.bytes, 1 + 4 + strlen("skip"), "bytes %zu",
	    sc.bytes);
	tt_feed(r, 2);
	tt_counters(r, &sc);
	cr_expect_eq(sc.events, 4);
	cr_expect_eq(sc.keys, 2);
	cr_expect_eq(sc.tombs, 1);
	cr_expect_eq(sc.first_dropped, 1, "judged once per key");

	/* The same events without the filter: the full key's bytes. */
	plain = tt_start("a=1 | stats count values(n) as n by user", 1000);
	tt_feed(plain, 1);
	tt_feed(plain, 2);
	tt_counters(plain, &pc);
	cr_expect_eq(pc.tombs, 0);
	cr_expect_eq(pc.keys, 2);
	cr_expect_lt(sc.bytes, pc.bytes, "tombstone %zu, full %zu bytes",
	    sc.bytes, pc.bytes);
	cr_expect_geq(pc.bytes - sc.bytes, 64, "the values are not held");
	detect_runner_free(plain);

	tt_n = 0;
	detect_flush(r);
	cr_assert_eq(tt_n, 1, "rows at flush: %zu", tt_n);
	cr_expect_str_eq(tt_rows[0].user, "keep");
	cr_expect_str_eq(tt_rows[0].count, "2");
	cr_expect_str_eq(tt_rows[0].n, "1\n2");
	cr_expect(tt_rows[0].passed);
	tt_counters(r, &sc);
	cr_expect_eq(sc.keys, 0);
	cr_expect_eq(sc.tombs, 0);
	cr_expect_eq(sc.bytes, 0);
	cr_expect_eq(sc.rows, 1, "a tombstone is no row");
	detect_runner_free(r);
}

/*
 * A filter on an aggregate is not decided by the first event: the key
 * whose first row fails (count 1) still makes its row, which passes at
 * close (count 6).  Judging it early would lose that alert.
 */
Test(tomb, aggregate_filter_is_not_judged)
{
	struct detect_runner	*r;
	struct stats_counters	 sc;
	int			 k;

	r = tt_start("a=1 | stats count values(n) as n by user "
	    "| where count > 5", 1000);
	for (k = 0; k < 6; k++)
		tt_event(r, "alice", "1", TT_T0 + k);
	tt_event(r, "bob", "1", TT_T0 + 10);
	tt_counters(r, &sc);
	cr_expect_eq(sc.tombs, 0);
	cr_expect_eq(sc.first_dropped, 0);
	detect_flush(r);
	cr_assert_eq(tt_n, 2, "rows at flush: %zu", tt_n);
	cr_expect_str_eq(tt_rows[0].user, "alice");
	cr_expect_str_eq(tt_rows[0].count, "6");
	cr_expect(tt_rows[0].passed, "alice's row passes where count > 5");
	cr_expect_str_eq(tt_rows[1].user, "bob");
	cr_expect_not(tt_rows[1].passed);
	detect_runner_free(r);
}

/*
 * The key limit: a tombstone is one of the max_keys keys and leaves
 * (silently) when its row would have been emitted early, so the other
 * keys' rows come at the same events as without tombstones.
 */
Test(tomb, key_limit_moments)
{
	static const char *const users[] = { "skip", "keep", "x", "y", "z" };
	struct detect_runner	*r, *plain;
	struct stats_counters	 sc;
	struct tt_row		 want[TT_MAX];
	size_t			 nwant, k, j;

	plain = tt_start("a=1 | stats count values(n) as n by user", 2);
	for (k = 0; k < NELEM(users); k++)
		tt_event(plain, users[k], "1", TT_T0 + (int64_t)k);
	detect_flush(plain);
	detect_runner_free(plain);
	/* The rows the filter keeps, and when. */
	for (k = 0, nwant = 0; k < tt_n; k++)
		if (strcmp(tt_rows[k].user, "skip") != 0)
			want[nwant++] = tt_rows[k];
	cr_assert_eq(nwant, 4);

	r = tt_start(TT_BY_USER, 2);
	for (k = 0; k < NELEM(users); k++) {
		tt_event(r, users[k], "1", TT_T0 + (int64_t)k);
		tt_counters(r, &sc);
		cr_expect_leq(sc.keys, 2);
	}
	detect_flush(r);
	cr_assert_eq(tt_n, nwant, "%zu rows, want %zu", tt_n, nwant);
	for (j = 0; j < nwant; j++) {
		cr_expect_str_eq(tt_rows[j].user, want[j].user);
		cr_expect_eq(tt_rows[j].reason, want[j].reason, "%s",
		    want[j].user);
		cr_expect_eq(tt_rows[j].at, want[j].at, "%s: at %d, want %d",
		    want[j].user, tt_rows[j].at, want[j].at);
	}
	cr_expect_eq(tt_rows[0].reason, STATS_EMIT_EARLY);
	detect_runner_free(r);
}

/* A tombstone goes with its window: the key is judged again after. */
Test(tomb, window_close)
{
	struct detect_runner	*r;
	struct stats_counters	 sc;

	r = tt_start(TT_BY_USER, 1000);
	tt_event(r, "skip", "1", TT_T0);
	detect_tick(r, TT_T0 + TT_WIN_MS);
	tt_counters(r, &sc);
	cr_expect_eq(sc.keys, 0);
	cr_expect_eq(sc.tombs, 0);
	cr_expect_eq(tt_n, 0, "no row at close");
	tt_event(r, "skip", "1", TT_T0 + TT_WIN_MS + 1);
	tt_counters(r, &sc);
	cr_expect_eq(sc.tombs, 1);
	cr_expect_eq(sc.first_dropped, 2);
	detect_runner_free(r);
}
