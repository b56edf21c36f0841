/*
 * Tests of stats.c.  The central one feeds a pseudo-random stream across
 * many windows and checks that merging the emitted rows per key gives the
 * single-pass answer Splunk's stats would give over the same events.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl.h"
#include "detect/stats.h"

#define TS_MAX_ROWS	4096
#define TS_KEY_MAX	256

/* A copy of one emitted row. */
struct ts_row {
	char		 key[TS_KEY_MAX];	/* by-tuple, "\x01" for null */
	uint64_t	 count;
	int64_t		 first_ms, last_ms;
	int64_t		 win_start_ms, win_end_ms;
	int64_t		 emitted_at;		/* ts_now when emitted */
	enum stats_emit_reason reason;
	char		 host[64];
	char		*vals[EVENT_MAX_FIELDS];	/* rec fields */
};

static struct ts_row	 ts_rows[TS_MAX_ROWS];	/* emitted rows */
static size_t		 ts_nrows;
static int64_t		 ts_now;		/* current arrival time */

/* Writes the by-tuple of ev (or of a row record) as one string. */
static void
ts_key(const struct event *ev, const int *by, size_t nby, char *out)
{
	const char	*v;
	size_t		 i, len, off = 0;

	out[0] = '\0';
	for (i = 0; i < nby; i++) {
		if (event_get(ev, by[i], &v, &len))
			off += snprintf(out + off, TS_KEY_MAX - off, "%.*s|",
			    (int)len, v);
		else
			off += snprintf(out + off, TS_KEY_MAX - off, "\x01|");
	}
}

static void
ts_emit_cb(const struct stats_row *row, void *arg)
{
	struct ts_row	*r;
	const char	*v;
	size_t		 len;
	int		 id;

	(void)arg;
	cr_assert_lt(ts_nrows, TS_MAX_ROWS);
	r = &ts_rows[ts_nrows++];
	ts_key(row->rec, row->by, row->nby, r->key);
	r->count = row->count;
	r->first_ms = row->first_ms;
	r->last_ms = row->last_ms;
	r->win_start_ms = row->win_start_ms;
	r->win_end_ms = row->win_end_ms;
	r->reason = row->reason;
	r->emitted_at = ts_now;
	snprintf(r->host, sizeof(r->host), "%.*s", (int)row->host_len,
	    row->host != NULL ? row->host : "");
	for (id = 0; id < event_field_count(); id++)
		if (event_get(row->rec, id, &v, &len))
			r->vals[id] = strndup(v, len);
}

static void
ts_rows_clear(void)
{
	size_t	 i;
	int	 id;

	for (i = 0; i < ts_nrows; i++)
		for (id = 0; id < EVENT_MAX_FIELDS; id++)
			free(ts_rows[i].vals[id]);
	memset(ts_rows, 0, sizeof(ts_rows));
	ts_nrows = 0;
}

static int
ts_id(const char *name)
{
	return event_field_intern(name, strlen(name));
}

static const char *
ts_val(const struct ts_row *r, const char *name)
{
	return r->vals[ts_id(name)];
}

/* count, min(_time) as firstTime, max(_time) as lastTime by the fields. */
static struct spl_agg	 ts_aggs[3];
static int		 ts_by[3];
static struct spl_stats	 ts_spec;
static struct event	 ts_ev;

static void
ts_setup(void)
{
	event_fields_init();
	ts_aggs[0] = (struct spl_agg){ SPL_AGG_COUNT, -1, ts_id("count") };
	ts_aggs[1] = (struct spl_agg){ SPL_AGG_MIN, EVENT_F_TIME,
	    ts_id("firstTime") };
	ts_aggs[2] = (struct spl_agg){ SPL_AGG_MAX, EVENT_F_TIME,
	    ts_id("lastTime") };
	ts_by[0] = EVENT_F_IMAGE;
	ts_by[1] = EVENT_F_DESTINATIONPORT;
	ts_by[2] = EVENT_F_DESTINATIONHOSTNAME;
	ts_spec.nagg = 3;
	ts_spec.agg = ts_aggs;
	ts_spec.nby = 3;
	ts_spec.by = ts_by;
	event_init(&ts_ev, 4096);
	ts_nrows = 0;
}

static void
ts_teardown(void)
{
	ts_rows_clear();
	event_clear(&ts_ev);
}

TestSuite(stats, .init = ts_setup, .fini = ts_teardown);

static struct stats_opts
ts_opts(int window_s, size_t max_keys, bool drop_null)
{
	struct stats_opts	 o;

	memset(&o, 0, sizeof(o));
	o.window_s = window_s;
	o.max_keys = max_keys;
	o.max_bytes = 1 << 20;
	o.drop_null = drop_null;
	o.seed[0] = 0x0123456789abcdefULL;
	o.seed[1] = 0xfedcba9876543210ULL;
	return o;
}

/* Fills ts_ev; a NULL value leaves the field absent. */
static void
ts_event(const char *image, const char *port, const char *host,
    int64_t time_ms)
{
	event_reset(&ts_ev);
	if (image != NULL)
		event_set(&ts_ev, EVENT_F_IMAGE, image, strlen(image));
	if (port != NULL)
		event_set(&ts_ev, EVENT_F_DESTINATIONPORT, port, strlen(port));
	if (host != NULL)
		event_set(&ts_ev, EVENT_F_DESTINATIONHOSTNAME, host,
		    strlen(host));
	event_set(&ts_ev, EVENT_F_COMPUTER, "WS01", 4);
	ts_ev.time_ms = time_ms;
}

/* ts_event(), then stats_add() at arrival time now. */
static int
ts_add(struct stats_table *t, const char *image, const char *port,
    const char *host, int64_t time_ms, int64_t now)
{
	ts_event(image, port, host, time_ms);
	return stats_add(t, &ts_ev, now);
}

/* The single-pass ("Splunk") answer and the merge of emitted rows. */
struct ts_agg {
	char		 key[TS_KEY_MAX];
	uint64_t	 count;
	int64_t		 first_ms, last_ms;
};

static size_t
ts_agg_add(struct ts_agg *a, size_t n, const char *key, uint64_t count,
    int64_t first_ms, int64_t last_ms)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(a[i].key, key) == 0)
			break;
	if (i == n) {
		snprintf(a[i].key, sizeof(a[i].key), "%s", key);
		a[i].count = 0;
		a[i].first_ms = first_ms;
		a[i].last_ms = last_ms;
		n++;
	}
	a[i].count += count;
	if (first_ms < a[i].first_ms)
		a[i].first_ms = first_ms;
	if (last_ms > a[i].last_ms)
		a[i].last_ms = last_ms;
	return n;
}

static uint64_t ts_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
ts_rand(void)
{
	ts_rng ^= ts_rng << 13;
	ts_rng ^= ts_rng >> 7;
	ts_rng ^= ts_rng << 17;
	return ts_rng;
}

static void
ts_fmt_time(int64_t ms, char *buf, size_t size)
{
	snprintf(buf, size, "%lld.%03lld", (long long)(ms / 1000),
	    (long long)(ms % 1000));
}

/*
 * Feeds nev pseudo-random events across many 10 s windows and compares
 * the merged rows with the direct computation.
 */
static void
ts_merge_check(bool drop_null, size_t max_keys)
{
	static const char *images[] = {
		"C:\\Users\\a\\evil.exe", "C:\\Temp\\mailer.exe",
		"C:\\x\\ab", "C:\\x\\a"
	};
	static const char *ports[] = { "25", "587", NULL };
	static const char *hosts[] = { "bc", "c", "smtp.example", NULL };
	struct stats_opts	 o = ts_opts(10, max_keys, drop_null);
	struct stats_table	*t;
	struct stats_counters	 c;
	struct ts_agg		 want[256], got[256];
	size_t			 nwant = 0, ngot = 0, i, j, nev = 3000;
	uint64_t		 nnull = 0, early = 0, nearly;
	char			 key[TS_KEY_MAX], tbuf[32];
	const char		*im, *po, *ho;
	int64_t			 tms;
	int			 r;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	ts_now = 1700000000000LL;
	for (i = 0; i < nev; i++) {
		ts_now += (int64_t)(ts_rand() % 700);
		im = images[ts_rand() % 4];
		po = ports[ts_rand() % 3];
		ho = hosts[ts_rand() % 4];
		tms = ts_now - (int64_t)(ts_rand() % 90000);
		ts_event(im, po, ho, tms);
		if (i % 50 == 0)
			stats_tick(t, ts_now);
		r = stats_add(t, &ts_ev, ts_now);
		if (po == NULL || ho == NULL) {
			nnull++;
			cr_assert_eq(r, drop_null ? 1 : 0);
			if (drop_null)
				continue;
		} else
			cr_assert_eq(r, 0);
		ts_key(&ts_ev, ts_by, 3, key);
		nwant = ts_agg_add(want, nwant, key, 1, tms, tms);
	}
	stats_get_counters(t, &c);
	cr_expect_eq(c.null_by, nnull);
	cr_expect_eq(c.null_dropped, drop_null ? nnull : 0);
	cr_expect_eq(c.events, drop_null ? nev - nnull : nev);
	stats_flush(t);
	stats_get_counters(t, &c);
	cr_expect_eq(c.keys, 0);
	cr_expect_eq(c.bytes, 0);
	cr_expect_eq(c.rows, ts_nrows);
	nearly = c.early;
	stats_free(t);

	cr_assert_gt(ts_nrows, 100, "too few rows (%zu) to test merging",
	    ts_nrows);
	for (i = 0; i < ts_nrows; i++) {
		struct ts_row	*row = &ts_rows[i];

		/* Window bounds: aligned, 10 s, closed when emitted. */
		cr_expect_eq(row->win_start_ms % 10000, 0);
		cr_expect_eq(row->win_end_ms - row->win_start_ms, 10000);
		if (row->reason == STATS_EMIT_WINDOW)
			cr_expect_geq(row->emitted_at, row->win_end_ms);
		else if (row->reason == STATS_EMIT_EARLY)
			early++;
		cr_expect_lt(row->emitted_at, row->win_end_ms + 700);
		/* The record carries the aggregates as text. */
		snprintf(tbuf, sizeof(tbuf), "%llu",
		    (unsigned long long)row->count);
		cr_expect_str_eq(ts_val(row, "count"), tbuf);
		ts_fmt_time(row->first_ms, tbuf, sizeof(tbuf));
		cr_expect_str_eq(ts_val(row, "firstTime"), tbuf);
		ts_fmt_time(row->last_ms, tbuf, sizeof(tbuf));
		cr_expect_str_eq(ts_val(row, "lastTime"), tbuf);
		cr_expect_str_eq(row->host, "WS01");
		if (drop_null)
			cr_expect_null(strchr(row->key, '\x01'));
		ngot = ts_agg_add(got, ngot, row->key, row->count,
		    row->first_ms, row->last_ms);
	}
	cr_expect_eq(ngot, nwant);
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < ngot; j++)
			if (strcmp(want[i].key, got[j].key) == 0)
				break;
		cr_assert_lt(j, ngot, "key %s missing", want[i].key);
		cr_expect_eq(got[j].count, want[i].count, "%s", want[i].key);
		cr_expect_eq(got[j].first_ms, want[i].first_ms);
		cr_expect_eq(got[j].last_ms, want[i].last_ms);
	}
	cr_expect_eq(early, nearly);
	if (max_keys < 100)
		cr_expect_gt(early, 0);
	else
		cr_expect_eq(early, 0);
}

Test(stats, merged_rows_equal_single_pass_keep_nulls)
{
	ts_merge_check(false, 1000);
}

Test(stats, merged_rows_equal_single_pass_drop_nulls)
{
	ts_merge_check(true, 1000);
}

Test(stats, merged_rows_equal_single_pass_with_early_emission)
{
	ts_merge_check(false, 5);
}

Test(stats, early_emission_at_key_limit)
{
	struct stats_opts	 o = ts_opts(60, 3, false);
	struct stats_table	*t;
	struct stats_counters	 c;
	int64_t			 now = 1000000;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	ts_add(t, "k1", "25", "h", now - 5, now);
	ts_add(t, "k2", "25", "h", now, now + 1);
	ts_add(t, "k1", "25", "h", now - 9, now + 2);
	ts_add(t, "k3", "25", "h", now, now + 3);
	cr_expect_eq(ts_nrows, 0);
	stats_get_counters(t, &c);
	cr_expect_eq(c.keys, 3);

	ts_add(t, "k4", "25", "h", now + 4, now + 4);
	cr_assert_eq(ts_nrows, 1);
	cr_expect_str_eq(ts_rows[0].key, "k1|25|h|");
	cr_expect_eq(ts_rows[0].reason, STATS_EMIT_EARLY);
	cr_expect_eq(ts_rows[0].count, 2);
	cr_expect_eq(ts_rows[0].first_ms, now - 9);
	cr_expect_eq(ts_rows[0].last_ms, now - 5);
	cr_expect_eq(ts_rows[0].win_start_ms, 960000);
	cr_expect_eq(ts_rows[0].win_end_ms, 1020000);
	stats_get_counters(t, &c);
	cr_expect_eq(c.keys, 3);
	cr_expect_eq(c.early, 1);
	cr_expect_eq(c.rows, 1);

	/* k1 again: a new row; the oldest (k2) goes. */
	ts_add(t, "k1", "25", "h", now - 20, now + 5);
	cr_assert_eq(ts_nrows, 2);
	cr_expect_str_eq(ts_rows[1].key, "k2|25|h|");
	stats_flush(t);
	cr_assert_eq(ts_nrows, 5);
	cr_expect_str_eq(ts_rows[4].key, "k1|25|h|");
	cr_expect_eq(ts_rows[4].reason, STATS_EMIT_FLUSH);
	cr_expect_eq(ts_rows[4].count, 1);
	cr_expect_eq(ts_rows[4].first_ms, now - 20);
	stats_get_counters(t, &c);
	cr_expect_eq(c.early, 2);
	cr_expect_eq(c.rows, 5);
	cr_expect_eq(c.events, 6);
	stats_free(t);
}

Test(stats, byte_budget_emits_oldest)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	struct stats_counters	 c;
	char			 image[40];
	int			 i;

	/* Each row: key (5 + 30) + (5 + 2) + 1 = 43 bytes, host 4. */
	o.max_bytes = 120;
	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	for (i = 0; i < 5; i++) {
		snprintf(image, sizeof(image), "%030d", i);
		ts_event(image, "25", NULL, 1000 + i);
		stats_add(t, &ts_ev, 1000 + i);
		stats_get_counters(t, &c);
		cr_expect_leq(c.bytes, o.max_bytes);
		cr_expect_eq(c.bytes, c.keys * 47);
	}
	cr_expect_eq(c.keys, 2);
	cr_expect_eq(c.early, 3);
	cr_assert_eq(ts_nrows, 3);
	cr_expect_eq(ts_rows[0].reason, STATS_EMIT_EARLY);
	cr_expect_str_eq(ts_val(&ts_rows[0], "Image"),
	    "000000000000000000000000000000");
	cr_expect_str_eq(ts_val(&ts_rows[2], "Image"),
	    "000000000000000000000000000002");
	stats_free(t);
	cr_expect_eq(ts_nrows, 3, "stats_free must not emit");
}

Test(stats, flush_emits_everything_once)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	struct stats_counters	 c;
	size_t			 i;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	ts_add(t, "a", "25", "x", 5000, 5000);
	ts_add(t, "b", "25", "x", 4000, 5001);
	ts_add(t, "a", "25", "x", 3000, 5002);
	stats_flush(t);
	cr_assert_eq(ts_nrows, 2);
	for (i = 0; i < 2; i++) {
		cr_expect_eq(ts_rows[i].reason, STATS_EMIT_FLUSH);
		cr_expect_eq(ts_rows[i].win_start_ms, 0);
		cr_expect_eq(ts_rows[i].win_end_ms, 60000);
	}
	/* Oldest row first. */
	cr_expect_str_eq(ts_rows[0].key, "a|25|x|");
	cr_expect_eq(ts_rows[0].count, 2);
	cr_expect_str_eq(ts_val(&ts_rows[0], "firstTime"), "3.000");
	cr_expect_str_eq(ts_val(&ts_rows[0], "lastTime"), "5.000");
	stats_get_counters(t, &c);
	cr_expect_eq(c.keys, 0);
	cr_expect_eq(c.bytes, 0);
	stats_flush(t);
	stats_tick(t, 10000000);
	cr_expect_eq(ts_nrows, 2);
	stats_free(t);
}

Test(stats, window_bounds_and_tick)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	ts_add(t, "a", "25", "x", 1663246579679LL, 61500);
	stats_tick(t, 119999);
	cr_expect_eq(ts_nrows, 0);
	ts_add(t, "b", "25", "x", 1663246570000LL, 119999);
	stats_tick(t, 120000);
	cr_assert_eq(ts_nrows, 2);
	cr_expect_eq(ts_rows[0].win_start_ms, 60000);
	cr_expect_eq(ts_rows[0].win_end_ms, 120000);
	cr_expect_eq(ts_rows[0].reason, STATS_EMIT_WINDOW);
	cr_expect_str_eq(ts_val(&ts_rows[0], "firstTime"), "1663246579.679");
	/* An add in a later window closes the old one first. */
	ts_add(t, "c", "25", "x", 1, 130000);
	ts_add(t, "c", "25", "x", 2, 250000);
	cr_assert_eq(ts_nrows, 3);
	cr_expect_eq(ts_rows[2].win_start_ms, 120000);
	cr_expect_eq(ts_rows[2].count, 1);
	stats_flush(t);
	cr_assert_eq(ts_nrows, 4);
	cr_expect_eq(ts_rows[3].win_start_ms, 240000);
	cr_expect_eq(ts_rows[3].win_end_ms, 300000);
	stats_free(t);
}

Test(stats, null_by_fields)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	struct stats_counters	 c;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	cr_expect_eq(ts_add(t, "a", NULL, "x", 1, 1), 0);
	cr_expect_eq(ts_add(t, "a", "25", "x", 1, 1), 0);
	stats_flush(t);
	stats_get_counters(t, &c);
	cr_expect_eq(c.null_by, 1);
	cr_expect_eq(c.null_dropped, 0);
	cr_assert_eq(ts_nrows, 2);
	cr_expect_null(ts_val(&ts_rows[0], "DestinationPort"));
	cr_expect_str_eq(ts_val(&ts_rows[0], "Image"), "a");
	cr_expect_str_eq(ts_val(&ts_rows[1], "DestinationPort"), "25");
	stats_free(t);

	ts_rows_clear();
	o.drop_null = true;
	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	cr_expect_eq(ts_add(t, "a", NULL, "x", 1, 1), 1);
	stats_flush(t);
	cr_expect_eq(ts_nrows, 0);
	stats_get_counters(t, &c);
	cr_expect_eq(c.null_by, 1);
	cr_expect_eq(c.null_dropped, 1);
	cr_expect_eq(c.events, 0);
	stats_free(t);
}

Test(stats, tuple_serialisation_is_unambiguous)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	int			 by[2] = {
		EVENT_F_IMAGE, EVENT_F_DESTINATIONHOSTNAME
	};

	ts_spec.nby = 2;
	ts_spec.by = by;
	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	ts_add(t, "a", NULL, "bc", 1, 1);
	ts_add(t, "ab", NULL, "c", 1, 1);
	ts_add(t, "abc", NULL, NULL, 1, 1);
	ts_add(t, NULL, NULL, "abc", 1, 1);
	ts_add(t, "a", NULL, "bc", 2, 1);
	stats_flush(t);
	cr_assert_eq(ts_nrows, 4);
	cr_expect_str_eq(ts_rows[0].key, "a|bc|");
	cr_expect_eq(ts_rows[0].count, 2);
	cr_expect_str_eq(ts_rows[1].key, "ab|c|");
	cr_expect_str_eq(ts_rows[2].key, "abc|\x01|");
	cr_expect_str_eq(ts_rows[3].key, "\x01|abc|");
	stats_free(t);
}

Test(stats, host_is_first_events_computer_else_dvc)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	ts_event("a", "25", "x", 1);
	event_unset(&ts_ev, EVENT_F_COMPUTER);
	event_set(&ts_ev, EVENT_F_DVC, "DVC1", 4);
	event_set(&ts_ev, EVENT_F_HOST, "SYSLOGHOST", 10);
	stats_add(t, &ts_ev, 1);
	ts_event("a", "25", "x", 1);	/* Computer WS01: not the first */
	stats_add(t, &ts_ev, 1);
	ts_event("b", "25", "x", 1);
	event_unset(&ts_ev, EVENT_F_COMPUTER);
	event_set(&ts_ev, EVENT_F_HOST, "SYSLOGHOST", 10);
	stats_add(t, &ts_ev, 1);
	ts_event("c", "25", "x", 1);
	event_unset(&ts_ev, EVENT_F_COMPUTER);
	stats_add(t, &ts_ev, 1);
	stats_flush(t);
	cr_assert_eq(ts_nrows, 3);
	cr_expect_str_eq(ts_rows[0].host, "DVC1");
	cr_expect_str_eq(ts_rows[1].host, "SYSLOGHOST");
	cr_expect_str_eq(ts_rows[2].host, "");
	stats_free(t);
}

/* Every aggregate, on numbers, strings and a mix of both. */
Test(stats, aggregates_on_numbers_and_strings)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	struct spl_agg		 aggs[14];
	int			 by[1] = { EVENT_F_COMPUTER };
	int			 port = EVENT_F_DESTINATIONPORT;
	int			 img = EVENT_F_IMAGE;
	int			 mix = ts_id("Mixed");
	static const char	*ports[] = { "25", "587", "100", "25", "2.5" };
	static const char	*images[] = { "b.exe", "A.exe", "c.exe", NULL,
	    "b.exe" };
	static const char	*mixed[] = { "10", "9", NULL, "x", NULL };
	const struct ts_row	*r;
	size_t			 i;

	aggs[0] = (struct spl_agg){ SPL_AGG_VALUES, port, ts_id("ports") };
	aggs[1] = (struct spl_agg){ SPL_AGG_DC, port, ts_id("dcp") };
	aggs[2] = (struct spl_agg){ SPL_AGG_SUM, port, ts_id("total") };
	aggs[3] = (struct spl_agg){ SPL_AGG_AVG, port, ts_id("avgp") };
	aggs[4] = (struct spl_agg){ SPL_AGG_MIN, port, ts_id("minp") };
	aggs[5] = (struct spl_agg){ SPL_AGG_MAX, port, ts_id("maxp") };
	aggs[6] = (struct spl_agg){ SPL_AGG_MIN, img, ts_id("mini") };
	aggs[7] = (struct spl_agg){ SPL_AGG_MAX, img, ts_id("maxi") };
	aggs[8] = (struct spl_agg){ SPL_AGG_COUNT, img, ts_id("ni") };
	aggs[9] = (struct spl_agg){ SPL_AGG_MIN, mix, ts_id("minm") };
	aggs[10] = (struct spl_agg){ SPL_AGG_MAX, mix, ts_id("maxm") };
	aggs[11] = (struct spl_agg){ SPL_AGG_VALUES, img, ts_id("imgs") };
	aggs[12] = (struct spl_agg){ SPL_AGG_DC, img, ts_id("dci") };
	aggs[13] = (struct spl_agg){ SPL_AGG_COUNT, -1, ts_id("count") };
	ts_spec.nagg = 14;
	ts_spec.agg = aggs;
	ts_spec.nby = 1;
	ts_spec.by = by;

	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	for (i = 0; i < 5; i++) {
		ts_event(images[i], ports[i], NULL, (int64_t)i);
		if (mixed[i] != NULL)
			event_set(&ts_ev, mix, mixed[i], strlen(mixed[i]));
		stats_add(t, &ts_ev, 0);
	}
	/* A row where the mixed field is numeric only, and avg trims. */
	ts_event(NULL, "1", NULL, 0);
	event_set(&ts_ev, EVENT_F_COMPUTER, "WS02", 4);
	event_set(&ts_ev, mix, "10", 2);
	stats_add(t, &ts_ev, 0);
	ts_event(NULL, "2", NULL, 0);
	event_set(&ts_ev, EVENT_F_COMPUTER, "WS02", 4);
	event_set(&ts_ev, mix, "9", 1);
	stats_add(t, &ts_ev, 0);
	ts_event(NULL, "2", NULL, 0);
	event_set(&ts_ev, EVENT_F_COMPUTER, "WS02", 4);
	stats_add(t, &ts_ev, 0);
	stats_flush(t);
	cr_assert_eq(ts_nrows, 2);

	r = &ts_rows[0];
	cr_expect_str_eq(ts_val(r, "ports"), "100\n2.5\n25\n587");
	cr_expect_str_eq(ts_val(r, "dcp"), "4");
	cr_expect_str_eq(ts_val(r, "total"), "739.5");
	cr_expect_str_eq(ts_val(r, "avgp"), "147.9");
	cr_expect_str_eq(ts_val(r, "minp"), "2.5");
	cr_expect_str_eq(ts_val(r, "maxp"), "587");
	cr_expect_str_eq(ts_val(r, "mini"), "A.exe");
	cr_expect_str_eq(ts_val(r, "maxi"), "c.exe");
	cr_expect_str_eq(ts_val(r, "ni"), "4");
	cr_expect_str_eq(ts_val(r, "minm"), "10");	/* lexicographic */
	cr_expect_str_eq(ts_val(r, "maxm"), "x");
	cr_expect_str_eq(ts_val(r, "imgs"), "A.exe\nb.exe\nc.exe");
	cr_expect_str_eq(ts_val(r, "dci"), "3");
	cr_expect_str_eq(ts_val(r, "count"), "5");

	r = &ts_rows[1];
	cr_expect_str_eq(ts_val(r, "avgp"), "1.666667");
	cr_expect_str_eq(ts_val(r, "total"), "5");
	cr_expect_str_eq(ts_val(r, "minm"), "9");	/* numeric */
	cr_expect_str_eq(ts_val(r, "maxm"), "10");
	cr_expect_str_eq(ts_val(r, "ni"), "0");
	cr_expect_null(ts_val(r, "mini"));
	cr_expect_null(ts_val(r, "imgs"));
	cr_expect_str_eq(ts_val(r, "dci"), "0");
	stats_free(t);
}

/*
 * max() and min() take a value as a number by spl_parse_num(), the rule
 * search comparisons use too (test_spl.c has its table): "1e3" is the
 * number 1000, so it is the max of "999" and "1e3" (before, stats and
 * spl disagreed on it); "0x1F" and " 25" are text, and a field with text
 * among its values compares as text (as this file tests above).
 */
Test(stats, max_and_min_use_the_one_number_rule)
{
	static const struct {
		const char	*a, *b;	/* the two values of one row */
		const char	*min, *max;
	} c[] = {
		{ "999", "1e3", "999", "1e3" },		/* numbers */
		{ "+5", "-5", "-5", "+5" },
		{ "2.5E-1", ".3", "2.5E-1", ".3" },
		{ "0x1F", "3", "0x1F", "3" },		/* text */
		{ " 25", "3", " 25", "3" },
	};
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	struct spl_agg		 aggs[2];
	int			 by[1] = { EVENT_F_IMAGE };
	int			 mix = ts_id("Mixed");
	char			 key[16];
	size_t			 i, j;

	aggs[0] = (struct spl_agg){ SPL_AGG_MIN, mix, ts_id("lo") };
	aggs[1] = (struct spl_agg){ SPL_AGG_MAX, mix, ts_id("hi") };
	ts_spec.nagg = 2;
	ts_spec.agg = aggs;
	ts_spec.nby = 1;
	ts_spec.by = by;
	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(key, sizeof(key), "row%zu", i);
		ts_event(key, NULL, NULL, 0);
		event_set(&ts_ev, mix, c[i].a, strlen(c[i].a));
		stats_add(t, &ts_ev, 0);
		event_set(&ts_ev, mix, c[i].b, strlen(c[i].b));
		stats_add(t, &ts_ev, 0);
	}
	stats_flush(t);
	cr_assert_eq(ts_nrows, sizeof(c) / sizeof(c[0]));
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(key, sizeof(key), "row%zu", i);
		for (j = 0; j < ts_nrows; j++)
			if (strcmp(ts_val(&ts_rows[j], "Image"), key) == 0)
				break;
		cr_assert_lt(j, ts_nrows, "%s", key);
		cr_expect_str_eq(ts_val(&ts_rows[j], "lo"), c[i].min, "%s %s",
		    c[i].a, c[i].b);
		cr_expect_str_eq(ts_val(&ts_rows[j], "hi"), c[i].max, "%s %s",
		    c[i].a, c[i].b);
	}
	stats_free(t);
}

Test(stats, values_capped_and_counted)
{
	struct stats_opts	 o = ts_opts(60, 100, false);
	struct stats_table	*t;
	struct stats_counters	 c;
	struct spl_agg		 aggs[2];
	int			 by[1] = { EVENT_F_COMPUTER };
	char			 buf[16];
	const char		*v;
	size_t			 n;
	int			 i;

	aggs[0] = (struct spl_agg){ SPL_AGG_VALUES, EVENT_F_DESTINATIONPORT,
	    ts_id("ports") };
	aggs[1] = (struct spl_agg){ SPL_AGG_DC, EVENT_F_DESTINATIONPORT,
	    ts_id("dcp") };
	ts_spec.nagg = 2;
	ts_spec.agg = aggs;
	ts_spec.nby = 1;
	ts_spec.by = by;
	t = stats_new(&ts_spec, &o, ts_emit_cb, NULL);
	for (i = 0; i < 150; i++) {
		snprintf(buf, sizeof(buf), "%03d", i);
		ts_event(NULL, buf, NULL, 0);
		stats_add(t, &ts_ev, 0);
	}
	stats_get_counters(t, &c);
	cr_expect_eq(c.values_capped, 50);
	stats_flush(t);
	cr_assert_eq(ts_nrows, 1);
	cr_expect_str_eq(ts_val(&ts_rows[0], "dcp"), "150");
	for (n = 1, v = ts_val(&ts_rows[0], "ports"); *v != '\0'; v++)
		n += *v == '\n';
	cr_expect_eq(n, STATS_MAX_VALUES);
	stats_free(t);
}
