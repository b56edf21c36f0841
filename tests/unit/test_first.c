/*
 * First-seen alerts (issue 15.4, emit = first+close): which searches may
 * send them (spl_first.c), the decision per event (a key's first event
 * in a window sends its row at once, a second event of the key does
 * not, the key in a new window does again), the commands after stats
 * (a first-seen row goes on only when it would pass them), the lists
 * of detections (emit_first, emit_close) and the fields of the alert
 * (emit_reason "first", arrival_time, the alert id of the closed row).
 * The expected rows follow from the definition: "the row as it
 * stands after that one event".
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "decode/event.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/spl.h"
#include "output/alert.h"
#include "output/sink_ops.h"
#include "test_rows.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TF_MAX		16
#define TF_WIN_MS	3600000LL	/* the runner's window, 1 hour */
#define TF_T0		1795852800000LL	/* 2026-11-28T08:00:00Z */

/* One row the runner handed on, after the commands after stats. */
struct tf_row {
	enum stats_emit_reason reason;
	char		 id[33];
	char		*json;		/* alert_format()'s */
	int64_t		 arrival_ms;
};

static struct tf_row	 tf_rows[TF_MAX];
static size_t		 tf_n;

static void
tf_row_cb(const struct detection *d, const struct stats_row *row, void *arg)
{
	struct tf_row	*t;
	size_t		 len;

	(void)arg;
	cr_assert_lt(tf_n, TF_MAX);
	t = &tf_rows[tf_n];
	alert_id(d, row, 0, t->id);
	if (!spl_post_apply(d->search, row->rec))
		return;
	t->reason = row->reason;
	t->arrival_ms = row->arrival_ms;
	t->json = alert_format(d, row, NULL, t->id, &len);
	cr_assert_not_null(t->json);
	tf_n++;
}

static void
tf_reset(void)
{
	size_t	 k;

	(void)row_cmp;			/* test_rows.h's, unused here */
	for (k = 0; k < tf_n; k++)
		free(tf_rows[k].json);
	tf_n = 0;
}

/* A runner of text (one hour windows) with first-seen rows as f says. */
static struct detect_runner *
tf_start(const char *text, const struct detect_first *f)
{
	struct detection_set *set;
	struct detect_runner *r;
	struct stats_opts o;
	struct spl_error err;

	event_fields_init();
	set = mkset(text, &err);
	cr_assert_not_null(set, "%s: %s", text, err.msg);
	memset(&o, 0, sizeof(o));
	o.window_s = (int)(TF_WIN_MS / 1000);
	o.max_keys = 1000;
	o.max_bytes = 1 << 20;
	tf_reset();
	r = detect_runner_new(set, &o, tf_row_cb, NULL);
	if (f != NULL)
		detect_runner_first(r, f);
	detection_set_unref(set, __func__);
	return r;
}


/* The string member key of the "event" object of alert json. */
static const char *
tf_get(const char *json, const char *key, char *buf, size_t size)
{
	struct json_object	*o, *ev, *v;

	o = json_tokener_parse(json);
	cr_assert_not_null(o, "not JSON: %s", json);
	cr_assert(json_object_object_get_ex(o, "event", &ev));
	if (!json_object_object_get_ex(ev, key, &v)) {
		json_object_put(o);
		return NULL;
	}
	snprintf(buf, size, "%s", json_object_get_string(v));
	json_object_put(o);
	return buf;
}

static const struct detect_first tf_all = { true, NULL, 0, NULL, 0 };

/*
 * Which searches send exact first-seen rows: a filter after stats on a
 * by-field (or what is derived from by-fields only) is decided by the
 * first event; one on an aggregate, _time, or what eval derives from
 * them is not, nor are join and the commands over every row.
 */
Test(first, classify)
{
	static const struct {
		const char	*text;
		const char	*why;		/* NULL, or in the reason */
	} cases[] = {
		{ "a=1 | stats count by user", NULL },
		{ "a=1 | stats count min(_time) as firstTime by user "
		    "| convert ctime(firstTime) | search *", NULL },
		{ "a=1 | stats count by user | where user!=\"x\"", NULL },
		{ "a=1 | stats count by user | eval u=lower(user) "
		    "| where u!=\"x\"", NULL },
		{ "a=1 | stats count by user | rename user as u "
		    "| search u!=x", NULL },
		{ "a=1 | stats count by user | eval c=count*2", NULL },
		{ "a=1 | stats count by user | where count > 5",
		    "'where' reads 'count'" },
		{ "a=1 | stats count by user | eval c=count*2 | where c>5",
		    "'where' reads 'c'" },
		{ "a=1 | stats count by user | rename count as c "
		    "| search c>5", "'search' reads 'c'" },
		{ "a=1 | stats count by user | eval c=count | eval c=1 "
		    "| where c>0", NULL },
		{ "a=1 | stats values(n) as n by user | search n=2",
		    "'search' reads 'n'" },
		{ "a=1 | stats count by user | where _time > 0",
		    "'where' reads '_time'" },
		{ "a=1 | stats count by user | dedup user",
		    "'dedup' needs every row" },
		{ "a=1 | stats count by user | eventstats sum(count) as t",
		    "'eventstats' needs every row" },
		{ "a=1 | stats count by user | join user [search b=1 "
		    "| stats count as k by user]", "'join'" },
	};
	struct spl_search	*s;
	struct spl_error	 err;
	size_t			 k;

	event_fields_init();
	for (k = 0; k < NELEM(cases); k++) {
		s = spl_compile(cases[k].text, NULL, NULL, &err);
		cr_assert_not_null(s, "%s: %s", cases[k].text, err.msg);
		if (cases[k].why == NULL)
			cr_expect_null(s->first_why, "%s: %s", cases[k].text,
			    s->first_why);
		else
			cr_expect(s->first_why != NULL &&
			    strstr(s->first_why, cases[k].why) != NULL,
			    "%s: '%s', want '%s'", cases[k].text,
			    s->first_why != NULL ? s->first_why : "(null)",
			    cases[k].why);
		spl_search_free(s);
	}
}

/* A key's first event sends its row at once; its second does not. */
Test(first, once_per_key_and_window)
{
	struct detect_runner	*r;
	char			 buf[64];

	r = tf_start("a=1 | stats count values(n) as n by user", &tf_all);
	run_user_event(r, "alice", "1", TF_T0 + 10, TF_T0 + 100);
	cr_assert_eq(tf_n, 1, "first event: %zu rows", tf_n);
	cr_expect_eq(tf_rows[0].reason, STATS_EMIT_FIRST);
	cr_expect_eq(tf_rows[0].arrival_ms, TF_T0 + 100);
	run_user_event(r, "alice", "2", TF_T0 + 20, TF_T0 + 200);
	cr_expect_eq(tf_n, 1, "second event of the key: %zu rows", tf_n);
	run_user_event(r, "bob", "3", TF_T0 + 30, TF_T0 + 300);
	cr_assert_eq(tf_n, 2, "another key: %zu rows", tf_n);
	cr_expect_eq(tf_rows[1].reason, STATS_EMIT_FIRST);
	cr_expect_str_eq(tf_get(tf_rows[1].json, "user", buf, sizeof(buf)),
	    "bob");

	/* The window closes: both rows, with everything they saw. */
	detect_tick(r, TF_T0 + TF_WIN_MS);
	cr_assert_eq(tf_n, 4, "close: %zu rows", tf_n);
	cr_expect_eq(tf_rows[2].reason, STATS_EMIT_WINDOW);
	cr_expect_str_eq(tf_get(tf_rows[2].json, "count", buf, sizeof(buf)),
	    "2");
	cr_expect_str_eq(tf_rows[2].id, tf_rows[0].id,
	    "the closed row's id is the first-seen row's");
	cr_expect_eq(tf_rows[2].arrival_ms, TF_T0 + 100,
	    "arrival of the row's first event");
	cr_expect_str_eq(tf_rows[3].id, tf_rows[1].id);

	/* A new window: the same key is new again, with a new id. */
	run_user_event(r, "alice", "4", TF_T0 + TF_WIN_MS + 5,
	    TF_T0 + TF_WIN_MS + 50);
	cr_assert_eq(tf_n, 5);
	cr_expect_eq(tf_rows[4].reason, STATS_EMIT_FIRST);
	cr_expect_str_neq(tf_rows[4].id, tf_rows[0].id);
	detect_runner_free(r);
	tf_reset();
}

/* Without emit first+close (the default), rows come at close only. */
Test(first, off_by_default)
{
	struct detect_runner	*r;

	r = tf_start("a=1 | stats count by user", NULL);
	run_user_event(r, "alice", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 0);
	detect_flush(r);
	cr_assert_eq(tf_n, 1);
	cr_expect_eq(tf_rows[0].reason, STATS_EMIT_FLUSH);
	detect_runner_free(r);
	tf_reset();
}

/*
 * The commands after stats: a first-seen row goes on only when it
 * passes them; a filter on a by-field decides both rows alike.
 */
Test(first, tail_filters_first_row)
{
	struct detect_runner	*r;

	r = tf_start("a=1 | stats count by user | where user!=\"skip\"",
	    &tf_all);
	run_user_event(r, "skip", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 0, "filtered first-seen row sent");
	run_user_event(r, "keep", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 1);
	detect_flush(r);
	cr_expect_eq(tf_n, 2, "the closed rows: only keep's");
	detect_runner_free(r);
	tf_reset();
}

/* A filter on an aggregate: no first-seen rows, the closed row only. */
Test(first, aggregate_filter_closes_only)
{
	struct detect_runner	*r;
	struct detect_counters	 dc;

	r = tf_start("a=1 | stats count by user | where count > 1",
	    &tf_all);
	run_user_event(r, "alice", "1", TF_T0, TF_T0);
	run_user_event(r, "alice", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 0);
	detect_get_counters(r, 0, &dc, NULL);
	cr_expect_eq(dc.firsts, 0);
	detect_flush(r);
	cr_assert_eq(tf_n, 1);
	cr_expect_eq(tf_rows[0].reason, STATS_EMIT_FLUSH);
	detect_runner_free(r);
	tf_reset();
}

/* emit_first and emit_close name detections; emit_close wins. */
Test(first, lists)
{
	char *const		 byname[] = { "t" };	/* case folded */
	char *const		 byglob[] = { "00000000-*" };
	const struct detect_first f1 = { false, byname, 1, NULL, 0 };
	const struct detect_first f2 = { true, NULL, 0, byglob, 1 };
	const struct detect_first f3 = { false, NULL, 0, NULL, 0 };
	struct detect_runner	*r;

	r = tf_start("a=1 | stats count by user", &f1);
	run_user_event(r, "alice", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 1, "emit_first by name");
	detect_runner_free(r);
	r = tf_start("a=1 | stats count by user", &f2);
	run_user_event(r, "alice", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 0, "emit_close by id glob wins over emit");
	detect_runner_free(r);
	r = tf_start("a=1 | stats count by user", &f3);
	run_user_event(r, "alice", "1", TF_T0, TF_T0);
	cr_expect_eq(tf_n, 0, "listed nowhere, emit close");
	detect_runner_free(r);
	tf_reset();
}

/*
 * The first-seen alert: the row after its one event (count 1, the
 * by-field, min(_time) the event's), emit_reason "first", arrival_time
 * the frame's read time in epoch seconds, and the alert id, which the
 * closed row (emit_reason "window") carries too.
 */
Test(first, alert_fields)
{
	struct detect_runner	*r;
	struct json_object	*o, *ev, *v, *fields;
	char			 buf[64];

	r = tf_start("a=1 | stats count min(_time) as firstTime by user",
	    &tf_all);
	run_user_event(r, "alice", "1", TF_T0 + 1500, TF_T0 + 2250);
	run_user_event(r, "alice", "1", TF_T0 + 1700, TF_T0 + 2500);
	detect_tick(r, TF_T0 + TF_WIN_MS);
	cr_assert_eq(tf_n, 2);

	o = json_tokener_parse(tf_rows[0].json);
	cr_assert_not_null(o);
	cr_assert(json_object_object_get_ex(o, "event", &ev));
	cr_assert(json_object_object_get_ex(ev, "emit_reason", &v));
	cr_expect_str_eq(json_object_get_string(v), "first");
	cr_assert(json_object_object_get_ex(ev, "arrival_time", &v));
	cr_expect(json_object_is_type(v, json_type_double));
	cr_expect_eq((int64_t)(json_object_get_double(v) * 1000 + 0.5),
	    TF_T0 + 2250);
	cr_assert(json_object_object_get_ex(ev, "count", &v));
	cr_expect_str_eq(json_object_get_string(v), "1");
	cr_assert(json_object_object_get_ex(ev, "firstTime", &v));
	cr_expect_str_eq(json_object_get_string(v), "1795852801.500");
	cr_assert(json_object_object_get_ex(ev, "window_start", &v));
	cr_expect_str_eq(json_object_get_string(v), "2026-11-28T08:00:00Z");
	cr_assert(json_object_object_get_ex(ev, "alert_id", &v));
	cr_expect_str_eq(json_object_get_string(v), tf_rows[0].id);
	cr_assert(json_object_object_get_ex(o, "fields", &fields));
	cr_assert(json_object_object_get_ex(fields, "alert_id", &v));
	cr_expect_str_eq(json_object_get_string(v), tf_rows[0].id);
	json_object_put(o);

	cr_expect_str_eq(tf_get(tf_rows[1].json, "emit_reason", buf,
	    sizeof(buf)), "window");
	cr_expect_str_eq(tf_get(tf_rows[1].json, "count", buf, sizeof(buf)),
	    "2");
	cr_expect_str_eq(tf_get(tf_rows[1].json, "alert_id", buf,
	    sizeof(buf)), tf_rows[0].id);
	detect_runner_free(r);
	tf_reset();
}

/*
 * The HEC transport reads emit_reason and arrival_time back from the
 * alert's text (sink_latency_parse()) for the alert latency histogram:
 * a first-seen and a closed alert, and a column value that imitates the
 * keys, which (escaped) must not be taken for them.
 */
Test(first, latency_reads_the_alert)
{
	struct detect_runner	*r;
	int64_t			 ms = 0;
	static const char	 fake[] = "{\"event\":{\"x\":\"\\\"emit_reason"
	    "\\\":\\\"first\\\"\",\"emit_reason\":\"window\",\"arrival_time\":"
	    "12.5}}";

	r = tf_start("a=1 | stats count by user", &tf_all);
	run_user_event(r, "alice", "1", TF_T0, TF_T0 + 999);
	detect_flush(r);
	cr_assert_eq(tf_n, 2);
	cr_expect_eq(sink_latency_parse(tf_rows[0].json,
	    strlen(tf_rows[0].json), &ms), SINK_ALERT_FIRST);
	cr_expect_eq(ms, TF_T0 + 999);
	ms = 0;
	cr_expect_eq(sink_latency_parse(tf_rows[1].json,
	    strlen(tf_rows[1].json), &ms), SINK_ALERT_CLOSE);
	cr_expect_eq(ms, TF_T0 + 999);
	cr_expect_eq(sink_latency_parse(fake, strlen(fake), &ms),
	    SINK_ALERT_CLOSE, "%s", fake);
	cr_expect_eq(ms, 12500);
	cr_expect_eq(sink_latency_parse("{\"event\":{}}", 12, &ms), -1);
	detect_runner_free(r);
	tf_reset();
}
