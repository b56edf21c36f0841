/*
 * Tests of alert.c: the HEC event of a hand-made detection and row, parsed
 * back with json-c (strict, UTF-8 validating), and the alert id.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/alert.h"
#include "detect/detection.h"
#include "decode/event.h"
#include "detect/spl.h"
#include "detect/stats.h"

static struct detection	 ta_d;
static struct spl_search ta_search;
static struct spl_agg	 ta_aggs[6];
static int		 ta_by[4];
static int		 ta_columns[11];
static char		*ta_mitre[2] = { "T1071.003", "T1071" };
static char		*ta_stories[1] = { "AgentTesla" };
static struct event	 ta_rec;
static struct stats_row	 ta_row;

static int
ta_id(const char *name)
{
	return event_field_intern(name, strlen(name));
}

static void
ta_set(const char *name, const char *v)
{
	event_set(&ta_rec, ta_id(name), v, strlen(v));
}

static void
ta_setup(void)
{
	size_t	 i;

	event_fields_init();
	ta_aggs[0] = (struct spl_agg){ SPL_AGG_COUNT, -1, ta_id("count") };
	ta_aggs[1] = (struct spl_agg){ SPL_AGG_MIN, EVENT_F_TIME,
	    ta_id("firstTime") };
	ta_aggs[2] = (struct spl_agg){ SPL_AGG_MAX, EVENT_F_TIME,
	    ta_id("lastTime") };
	ta_aggs[3] = (struct spl_agg){ SPL_AGG_VALUES, EVENT_F_SOURCEPORT,
	    ta_id("ports") };
	ta_aggs[4] = (struct spl_agg){ SPL_AGG_DC, EVENT_F_SOURCEPORT,
	    ta_id("dcp") };
	ta_aggs[5] = (struct spl_agg){ SPL_AGG_AVG, EVENT_F_SOURCEPORT,
	    ta_id("avgp") };
	ta_by[0] = EVENT_F_IMAGE;
	ta_by[1] = EVENT_F_DESTINATIONPORT;
	ta_by[2] = EVENT_F_DESTINATIONHOSTNAME;
	ta_by[3] = EVENT_F_DEST;
	ta_search.stats.nagg = 6;
	ta_search.stats.agg = ta_aggs;
	ta_search.stats.nby = 4;
	ta_search.stats.by = ta_by;
	for (i = 0; i < 4; i++)
		ta_columns[i] = ta_by[i];
	for (i = 0; i < 6; i++)
		ta_columns[4 + i] = ta_aggs[i].as;
	ta_columns[10] = EVENT_F_CIM_USER;
	ta_search.ncolumns = 11;
	ta_search.columns = ta_columns;
	ta_search.event_code = 3;

	ta_d.name = "Windows Mail Protocol In Non-Common Process Path";
	ta_d.id = "ac3311f5-661d-4e99-bd1f-3ec665b05441";
	ta_d.version = 3;
	ta_d.mitre = ta_mitre;
	ta_d.nmitre = 2;
	ta_d.stories = ta_stories;
	ta_d.nstories = 1;
	ta_d.risk_score = 9;
	ta_d.risk_message = "a process $Image$ is having a SMTP connection "
	    "to $DestinationHostname$ in $dest$";
	ta_d.search = &ta_search;

	event_clear(&ta_rec);	/* tests call ta_setup() again to reset */
	event_init(&ta_rec, 4096);
	ta_set("Image", "C:\\Users\\bob\\mailer.exe");
	ta_set("DestinationPort", "25");
	ta_set("dest", "smtp.example.com");
	ta_set("count", "3");
	ta_set("firstTime", "2022-09-15T12:56:10");
	ta_set("lastTime", "2022-09-15T12:56:19");
	ta_set("ports", "49152\n49153");
	ta_set("dcp", "2");
	ta_set("avgp", "49152.5");

	memset(&ta_row, 0, sizeof(ta_row));
	ta_row.win_start_ms = 1663246560000LL;
	ta_row.win_end_ms = 1663246620000LL;
	ta_row.first_ms = 1663246570001LL;
	ta_row.last_ms = 1663246579679LL;
	ta_row.count = 3;
	ta_row.arrival_ms = 1663246570250LL;
	ta_row.host = "WS01.corp";
	ta_row.host_len = 9;
	ta_row.reason = STATS_EMIT_WINDOW;
	ta_row.rec = &ta_rec;
	ta_row.by = ta_by;
	ta_row.nby = 4;
}

static void
ta_teardown(void)
{
	event_clear(&ta_rec);
}

TestSuite(alert, .init = ta_setup, .fini = ta_teardown);

/* Formats ta_row and parses it strictly; the caller puts the result. */
static struct json_object *
ta_format(const struct alert_opts *o, char **text)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	char			 id[33];
	char			*s;
	size_t			 len;

	alert_id(&ta_d, &ta_row, o != NULL ? o->worker : 0, id);
	s = alert_format(&ta_d, &ta_row, o, id, &len);
	cr_assert_not_null(s);
	cr_assert_eq(len, strlen(s));
	cr_assert_null(strchr(s, '\n'), "newline in %s", s);
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	cr_assert_not_null(obj, "invalid JSON (%s): %s",
	    json_tokener_error_desc(json_tokener_get_error(tok)), s);
	cr_assert_eq(json_tokener_get_parse_end(tok), len);
	json_tokener_free(tok);
	if (text != NULL)
		*text = s;
	else
		free(s);
	return obj;
}

static struct json_object *
ta_get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object	*v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s", key);
	cr_assert(json_object_is_type(v, type), "%s: type %s", key,
	    json_type_to_name(json_object_get_type(v)));
	return v;
}

static const char *
ta_str(struct json_object *o, const char *key)
{
	return json_object_get_string(ta_get(o, key, json_type_string));
}

/* Expects key to be an array of strings, want being "a|b|". */
static void
ta_expect_strv(struct json_object *o, const char *key, const char *want)
{
	struct json_object	*a = ta_get(o, key, json_type_array);
	char			 buf[256];
	size_t			 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(a); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s|",
		    json_object_get_string(json_object_array_get_idx(a, i)));
	cr_expect_str_eq(buf, want, "%s", key);
}

Test(alert, full_alert_has_every_key_and_type)
{
	struct alert_opts	 o = { .sourcetype = NULL, .index = NULL,
	    .worker = 0 };
	struct json_object	*root, *ev, *f;
	char			*text, id[33];
	size_t			 i;

	root = ta_format(&o, &text);
	alert_id(&ta_d, &ta_row, 0, id);
	cr_expect_not_null(strstr(text, "{\"time\":1663246579.679,"), "%s",
	    text);
	cr_expect(fabs(json_object_get_double(ta_get(root, "time",
	    json_type_double)) - 1663246579.679) < 1e-6);
	cr_expect_str_eq(ta_str(root, "host"), "WS01.corp");
	cr_expect_str_eq(ta_str(root, "source"), ta_d.name);
	cr_expect_str_eq(ta_str(root, "sourcetype"), "hecsentry:alert");
	cr_expect_not(json_object_object_get_ex(root, "index", NULL));
	cr_expect_eq(json_object_object_length(root), 6);

	ev = ta_get(root, "event", json_type_object);
	cr_expect_str_eq(ta_str(ev, "detection"), ta_d.name);
	cr_expect_str_eq(ta_str(ev, "detection_id"), ta_d.id);
	cr_expect_eq(json_object_get_int(ta_get(ev, "detection_version",
	    json_type_int)), 3);
	ta_expect_strv(ev, "mitre_attack_id", "T1071.003|T1071|");
	ta_expect_strv(ev, "analytic_story", "AgentTesla|");
	cr_expect_eq(json_object_get_int(ta_get(ev, "risk_score",
	    json_type_int)), 9);
	cr_expect_str_eq(ta_str(ev, "window_start"), "2022-09-15T12:56:00Z");
	cr_expect_str_eq(ta_str(ev, "window_end"), "2022-09-15T12:57:00Z");
	cr_expect_str_eq(ta_str(ev, "emit_reason"), "window");
	cr_expect(fabs(json_object_get_double(ta_get(ev, "arrival_time",
	    json_type_double)) - 1663246570.25) < 1e-6);
	cr_expect_str_eq(ta_str(ev, "Image"), "C:\\Users\\bob\\mailer.exe");
	cr_expect_str_eq(ta_str(ev, "DestinationPort"), "25");
	cr_expect_str_eq(ta_str(ev, "dest"), "smtp.example.com");
	cr_expect_eq(json_object_get_int(ta_get(ev, "count", json_type_int)),
	    3);
	cr_expect_str_eq(ta_str(ev, "firstTime"), "2022-09-15T12:56:10");
	cr_expect_str_eq(ta_str(ev, "lastTime"), "2022-09-15T12:56:19");
	ta_expect_strv(ev, "ports", "49152|49153|");
	cr_expect_eq(json_object_get_int(ta_get(ev, "dcp", json_type_int)),
	    2);
	cr_expect(fabs(json_object_get_double(ta_get(ev, "avgp",
	    json_type_double)) - 49152.5) < 1e-9);
	ta_get(ev, "user", json_type_null);
	cr_expect_str_eq(ta_str(ev, "alert_id"), id);
	cr_expect_eq(strlen(id), 32);
	for (i = 0; i < 32; i++)
		cr_expect(strchr("0123456789abcdef", id[i]) != NULL);
	/* 11 metadata keys, 3 drilldown keys, 11 columns, alert_id. */
	ta_get(ev, "drilldown_search", json_type_string);
	ta_get(ev, "drilldown_earliest", json_type_double);
	ta_get(ev, "drilldown_latest", json_type_double);
	cr_expect_eq(json_object_object_length(ev), 26);

	f = ta_get(root, "fields", json_type_object);
	cr_expect_str_eq(ta_str(f, "alert_id"), id);
	cr_expect_str_eq(ta_str(f, "detection"), ta_d.name);
	cr_expect_str_eq(ta_str(f, "detection_id"), ta_d.id);
	cr_expect_eq(json_object_object_length(f), 3);
	json_object_put(root);
	free(text);
}

Test(alert, options_index_sourcetype_and_no_host)
{
	struct alert_opts	 o = { .sourcetype = "my:alerts", .index = "security",
	    .worker = 0 };
	struct json_object	*root, *ev;

	ta_row.host = NULL;
	ta_row.host_len = 0;
	ta_row.reason = STATS_EMIT_EARLY;
	root = ta_format(&o, NULL);
	cr_expect_str_eq(ta_str(root, "sourcetype"), "my:alerts");
	cr_expect_str_eq(ta_str(root, "index"), "security");
	cr_expect_not(json_object_object_get_ex(root, "host", NULL));
	ev = ta_get(root, "event", json_type_object);
	cr_expect_str_eq(ta_str(ev, "emit_reason"), "early");
	json_object_put(root);
	ta_row.reason = STATS_EMIT_FLUSH;
	root = ta_format(NULL, NULL);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_str_eq(ta_str(ev, "emit_reason"), "flush");
	cr_expect_str_eq(ta_str(root, "sourcetype"), "hecsentry:alert");
	json_object_put(root);
}

/*
 * An empty index or sourcetype (--set hec_index=) means the HEC token's
 * default: the key is not sent (hecsentry.conf(5), hec_index and
 * hec_sourcetype; issue 14.10).  HEC would take "index":"" as an index
 * name and refuse the event.
 */
Test(alert, empty_index_and_sourcetype_are_not_sent)
{
	struct alert_opts	 o = { .sourcetype = "", .index = "",
	    .worker = 0 };
	struct json_object	*root;

	root = ta_format(&o, NULL);
	cr_expect_not(json_object_object_get_ex(root, "index", NULL));
	cr_expect_not(json_object_object_get_ex(root, "sourcetype", NULL));
	cr_expect_str_eq(ta_str(root, "source"), ta_d.name);
	json_object_put(root);
}

Test(alert, risk_message_substitution)
{
	struct json_object	*root, *ev;

	root = ta_format(NULL, NULL);
	ev = ta_get(root, "event", json_type_object);
	/* DestinationHostname is null: its token stays visible. */
	cr_expect_str_eq(ta_str(ev, "risk_message"),
	    "a process C:\\Users\\bob\\mailer.exe is having a SMTP "
	    "connection to $DestinationHostname$ in smtp.example.com");
	json_object_put(root);

	ta_d.risk_message = "cost $5 for $count$ events, $unknown$, $$, $x";
	root = ta_format(NULL, NULL);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_str_eq(ta_str(ev, "risk_message"),
	    "cost $5 for 3 events, $unknown$, $$, $x");
	json_object_put(root);
}

Test(alert, null_by_field_is_json_null)
{
	struct json_object	*root, *ev;

	event_unset(&ta_rec, EVENT_F_DESTINATIONPORT);
	root = ta_format(NULL, NULL);
	ev = ta_get(root, "event", json_type_object);
	ta_get(ev, "DestinationPort", json_type_null);
	ta_get(ev, "DestinationHostname", json_type_null);
	json_object_put(root);
}

Test(alert, escaping_keeps_json_valid)
{
	static const char	 image[] =
	    "C:\\Users\\\"q\"\\x\x01\x1f\n\t\r\b\f\x7f "
	    "\xc3\xa9 \xf0\x9f\x98\x80 \xff \xc3( \xed\xa0\x80 \xe2\x82 "
	    "\xc0\xaf";
	static const char	 want[] =
	    "C:\\Users\\\"q\"\\x\x01\x1f\n\t\r\b\f\x7f "
	    "\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbd( "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd";
	struct json_object	*root, *ev;
	char			*text;

	event_set(&ta_rec, EVENT_F_IMAGE, image, sizeof(image) - 1);
	ta_row.host = "h\"\\\x80";
	ta_row.host_len = 4;
	root = ta_format(NULL, &text);
	cr_expect_not_null(strstr(text, "\\u0001\\u001f\\n\\t\\r\\b\\f"),
	    "%s", text);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_str_eq(ta_str(ev, "Image"), want);
	cr_expect_str_eq(ta_str(root, "host"), "h\"\\\xef\xbf\xbd");
	json_object_put(root);
	free(text);
}

/* Computed once from this implementation; must never change. */
#define TA_ID_EXPECTED	"790d6fe8f1abeb900b906244f463a164"

Test(alert, id_is_stable)
{
	char	 a[33], b[33];

	alert_id(&ta_d, &ta_row, 0, a);
	alert_id(&ta_d, &ta_row, 0, b);
	cr_expect_str_eq(a, b);
	cr_expect_str_eq(a, TA_ID_EXPECTED);
	/* Post-processing of aggregates and the host do not matter. */
	event_set(&ta_rec, ta_id("count"), "4", 1);
	ta_row.host = "other";
	ta_row.host_len = 5;
	ta_row.last_ms++;
	alert_id(&ta_d, &ta_row, 0, b);
	cr_expect_str_eq(a, b);
}

/*
 * The id in two steps (alert_idsrc_*) is alert_id()'s, taken from the row
 * as it was at init: the commands after stats change the record before
 * the id is hashed (a renamed, unset or rewritten by-field, an added
 * column), and a null by-field stays distinct from an empty one.
 */
Test(alert, id_in_two_steps_is_the_row_as_stats_made_it)
{
	struct alert_idsrc	 src;
	char			 a[33], n[33];

	alert_id(&ta_d, &ta_row, 0, a);
	alert_idsrc_init(&src, &ta_d, &ta_row, 0);
	ta_set("DestinationPort", "587");
	event_unset(&ta_rec, ta_id("dest"));
	ta_set("count", "9");
	cr_expect_str_eq(alert_idsrc_get(&src), a);
	cr_expect_str_eq(alert_idsrc_get(&src), a, "computed once");
	ta_setup();

	ta_rec.set[EVENT_F_DESTINATIONHOSTNAME >> 6] |=
	    (uint64_t)1 << (EVENT_F_DESTINATIONHOSTNAME & 63);
	ta_rec.val[EVENT_F_DESTINATIONHOSTNAME].ptr = "";
	ta_rec.val[EVENT_F_DESTINATIONHOSTNAME].len = 0;
	alert_id(&ta_d, &ta_row, 0, a);
	alert_idsrc_init(&src, &ta_d, &ta_row, 0);
	cr_expect_str_eq(alert_idsrc_get(&src), a, "empty");
	event_unset(&ta_rec, EVENT_F_DESTINATIONHOSTNAME);
	alert_id(&ta_d, &ta_row, 0, n);
	alert_idsrc_init(&src, &ta_d, &ta_row, 0);
	cr_expect_str_eq(alert_idsrc_get(&src), n, "null");
	cr_expect_str_neq(a, n);
	ta_setup();
}

Test(alert, id_changes_with_each_input)
{
	char	 base[33], x[33];

	alert_id(&ta_d, &ta_row, 0, base);

	ta_d.id = "0f43758f-1fe9-470a-a9e4-780acc4d5407";
	alert_id(&ta_d, &ta_row, 0, x);
	cr_expect_str_neq(x, base, "detection id");
	ta_setup();

	ta_d.version = 4;
	alert_id(&ta_d, &ta_row, 0, x);
	cr_expect_str_neq(x, base, "version");
	ta_setup();

	ta_set("DestinationPort", "587");
	alert_id(&ta_d, &ta_row, 0, x);
	cr_expect_str_neq(x, base, "by value");
	ta_setup();

	ta_row.win_start_ms += 60000;
	alert_id(&ta_d, &ta_row, 0, x);
	cr_expect_str_neq(x, base, "window");
	ta_setup();

	/* Null (DestinationHostname absent) against an empty value. */
	ta_rec.set[EVENT_F_DESTINATIONHOSTNAME >> 6] |=
	    (uint64_t)1 << (EVENT_F_DESTINATIONHOSTNAME & 63);
	ta_rec.val[EVENT_F_DESTINATIONHOSTNAME].ptr = "";
	ta_rec.val[EVENT_F_DESTINATIONHOSTNAME].len = 0;
	alert_id(&ta_d, &ta_row, 0, x);
	cr_expect_str_neq(x, base, "null vs empty");
	ta_setup();

	/* Bytes moved between adjacent by-fields. */
	ta_set("DestinationPort", "2");
	ta_set("DestinationHostname", "5x");
	alert_id(&ta_d, &ta_row, 0, base);
	event_clear(&ta_rec);
	event_init(&ta_rec, 4096);
	ta_set("DestinationPort", "25");
	ta_set("DestinationHostname", "x");
	ta_set("Image", "C:\\Users\\bob\\mailer.exe");
	ta_set("dest", "smtp.example.com");
	alert_id(&ta_d, &ta_row, 0, x);
	cr_expect_str_neq(x, base, "tuple shift");
}

/*
 * Several workers each keep their own row for a key: the worker index
 * makes their ids differ, and 0 (single-threaded) keeps the old ids.
 */
Test(alert, id_with_worker_index)
{
	char	 zero[33], w1[33], w2[33], again[33];

	alert_id(&ta_d, &ta_row, 0, zero);
	cr_expect_str_eq(zero, TA_ID_EXPECTED);
	alert_id(&ta_d, &ta_row, 1, w1);
	alert_id(&ta_d, &ta_row, 2, w2);
	alert_id(&ta_d, &ta_row, 2, again);
	cr_expect_str_neq(w1, zero);
	cr_expect_str_neq(w2, zero);
	cr_expect_str_neq(w1, w2);
	cr_expect_str_eq(w2, again);
	cr_expect_eq(strlen(w1), 32);
	/* Negative indexes are treated as single-threaded. */
	alert_id(&ta_d, &ta_row, -3, again);
	cr_expect_str_eq(again, zero);
}

/* A worker's alerts carry "worker"; single-threaded ones do not. */
Test(alert, worker_field_only_with_workers)
{
	struct alert_opts	 o = { .sourcetype = NULL, .index = NULL,
	    .worker = 0 };
	struct json_object	*root, *ev, *f;
	char			 id[33];

	root = ta_format(&o, NULL);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_not(json_object_object_get_ex(ev, "worker", NULL));
	cr_expect_eq(json_object_object_length(ev), 26);
	json_object_put(root);

	o.worker = 2;
	root = ta_format(&o, NULL);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_eq(json_object_get_int(ta_get(ev, "worker",
	    json_type_int)), 2);
	cr_expect_eq(json_object_object_length(ev), 27);
	alert_id(&ta_d, &ta_row, 2, id);
	cr_expect_str_eq(ta_str(ev, "alert_id"), id);
	f = ta_get(root, "fields", json_type_object);
	cr_expect_str_eq(ta_str(f, "alert_id"), id);
	cr_expect_eq(json_object_object_length(f), 3);
	json_object_put(root);
}

/* A column named "worker" gives way to the worker index. */
Test(alert, worker_column_left_out)
{
	struct alert_opts	 o = { .sourcetype = NULL, .index = NULL,
	    .worker = 3 };
	struct json_object	*root, *ev;
	int			 w = ta_id("worker");

	ta_columns[10] = w;
	ta_set("worker", "column value");
	root = ta_format(&o, NULL);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_eq(json_object_get_int(ta_get(ev, "worker",
	    json_type_int)), 3);
	json_object_put(root);

	o.worker = 0;
	root = ta_format(&o, NULL);
	ev = ta_get(root, "event", json_type_object);
	cr_expect_str_eq(ta_str(ev, "worker"), "column value");
	json_object_put(root);
}

/*
 * The bytewise reference escaper's UTF-8 rule, written independently of
 * alert.c's table of lead-byte ranges: decode the code point from the
 * lead byte's run of ones and the 10xxxxxx continuation bytes, then
 * refuse it by value (RFC 3629 section 3: overlong forms, the surrogates
 * U+D800..U+DFFF, anything above U+10FFFF).  Returns the sequence's
 * length, or 0 when the bytes at s (at most n) are not one.
 */
static size_t
ta_utf8_len(const unsigned char *s, size_t n)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t	 cp;
	size_t		 len, i;

	if (s[0] < 0x80)
		return 1;
	for (len = 0; len < 8 && (s[0] & (0x80 >> len)) != 0; len++)
		continue;
	if (len < 2 || len > 4 || len > n)
		return 0;
	cp = s[0] & (0xffu >> (len + 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[len] || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * The escaper before plain runs were found eight bytes at a time, kept
 * as the reference: one byte at a time, valid UTF-8 (ta_utf8_len()) kept,
 * other bytes of 0x80 and above as U+FFFD.
 */
static size_t
ta_ref_escape(const unsigned char *s, size_t len, char *out)
{
	size_t	 i = 0, o = 0, n;

	out[o++] = '"';
	while (i < len) {
		if (s[i] == '"' || s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = (char)s[i++];
		} else if (s[i] < 0x20) {
			o += (size_t)sprintf(out + o, s[i] == '\n' ? "\\n" :
			    s[i] == '\r' ? "\\r" : s[i] == '\t' ? "\\t" :
			    s[i] == '\b' ? "\\b" : s[i] == '\f' ? "\\f" :
			    "\\u%04x", s[i]);
			i++;
		} else if ((n = ta_utf8_len(s + i, len - i)) > 0) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

/* Random strings of the bytes that matter, at every offset and length. */
Test(alert, escaping_matches_bytewise_reference)
{
	static const unsigned char alpha[] = {
		'a', ' ', '~', '"', '\\', 0x01, 0x1f, '\n', 0x7f, 0x80,
		0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f,
		0x98, 0xff, 0x20, 0x21, 0x5d, 0x5b
	};
	unsigned char	 img[48];
	char		 want[48 * 6 + 16], *text;
	size_t		 len, i;
	uint32_t	 seed = 1u;
	int		 n;

	for (n = 0; n < 4000; n++) {
		len = 1 + n % sizeof(img);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			img[i] = (seed >> 16) % 4 == 0 ?
			    alpha[(seed >> 20) % sizeof(alpha)] : 'x';
		}
		ta_setup();	/* a fresh arena for the new value */
		strcpy(want, "\"Image\":");
		ta_ref_escape(img, len, want + strlen(want));
		event_set(&ta_rec, EVENT_F_IMAGE, (const char *)img, len);
		json_object_put(ta_format(NULL, &text));
		cr_assert_not_null(strstr(text, want), "want %s in %s", want,
		    text);
		free(text);
	}
}

/*
 * UTF-8 in field values, against a table (RFC 3629 sections 3 and 4):
 * valid sequences are kept as they are, each byte of anything else
 * becomes one U+FFFD.
 */
Test(alert, utf8_sequences_from_rfc3629)
{
#define FFFD "\xef\xbf\xbd"
	static const struct {
		const char	*in;
		const char	*out;
		const char	*why;
	} t[] = {
		{ "A", "A", "ASCII" },
		{ "\xc2\x80", "\xc2\x80", "U+0080, first 2-byte" },
		{ "\xc3\xa9", "\xc3\xa9", "U+00E9" },
		{ "\xdf\xbf", "\xdf\xbf", "U+07FF, last 2-byte" },
		{ "\xe0\xa0\x80", "\xe0\xa0\x80", "U+0800, first 3-byte" },
		{ "\xe2\x82\xac", "\xe2\x82\xac", "U+20AC" },
		{ "\xed\x9f\xbf", "\xed\x9f\xbf", "U+D7FF, before the "
		    "surrogates" },
		{ "\xee\x80\x80", "\xee\x80\x80", "U+E000, after them" },
		{ "\xef\xbf\xbf", "\xef\xbf\xbf", "U+FFFF" },
		{ "\xf0\x90\x80\x80", "\xf0\x90\x80\x80", "U+10000" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", "U+1F600" },
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF, the "
		    "last" },
		{ "\x80", FFFD, "lone continuation byte" },
		{ "\xbf", FFFD, "lone continuation byte" },
		{ "\xc0\xaf", FFFD FFFD, "overlong '/': C0 never appears" },
		{ "\xc1\xbf", FFFD FFFD, "overlong U+007F: C1 never appears" },
		{ "\xe0\x80\xaf", FFFD FFFD FFFD, "overlong '/' in 3 bytes" },
		{ "\xe0\x9f\xbf", FFFD FFFD FFFD, "overlong U+07FF" },
		{ "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD, "overlong U+FFFF" },
		{ "\xed\xa0\x80", FFFD FFFD FFFD, "surrogate U+D800" },
		{ "\xed\xbf\xbf", FFFD FFFD FFFD, "surrogate U+DFFF" },
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, "U+110000, above "
		    "the last" },
		{ "\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD, "F5 never "
		    "appears" },
		{ "\xfe", FFFD, "FE never appears" },
		{ "\xff", FFFD, "FF never appears" },
		{ "\xc3", FFFD, "truncated 2-byte" },
		{ "\xe2\x82", FFFD FFFD, "truncated 3-byte" },
		{ "\xf0\x9f\x98", FFFD FFFD FFFD, "truncated 4-byte" },
		{ "\xc3(", FFFD "(", "continuation missing" },
		{ "\xe2(\xa1", FFFD "(" FFFD, "continuation missing" },
		{ "a\xc3\xa9\xffz", "a\xc3\xa9" FFFD "z", "mixed" },
	};
#undef FFFD
	char		 want[64], *text;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ta_setup();	/* a fresh arena for the new value */
		event_set(&ta_rec, EVENT_F_IMAGE, t[i].in, strlen(t[i].in));
		json_object_put(ta_format(NULL, &text));
		snprintf(want, sizeof(want), "\"Image\":\"%s\"", t[i].out);
		cr_expect_not_null(strstr(text, want), "%s: want %s in %s",
		    t[i].why, want, text);
		free(text);
	}
}

/* "time" and the integers as printf wrote them, of either sign. */
Test(alert, numbers_match_printf)
{
	static const int64_t ms[] = {
		0, 1, -1, 999, -999, 1000, -1000, -1001, 1663246579679LL,
		-1663246579679LL, INT64_MAX / 2, INT64_MIN / 2
	};
	static const int ints[] = { 0, 7, -7, 100, INT32_MAX, INT32_MIN };
	char		 want[96], *text;
	int64_t		 sec, frac;
	size_t		 i;

	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		ta_row.last_ms = ms[i];
		ta_d.version = ints[i % 6];
		ta_d.risk_score = ints[(i + 1) % 6];
		sec = ms[i] / 1000;
		frac = ms[i] % 1000;
		if (frac < 0) {
			sec--;
			frac += 1000;
		}
		json_object_put(ta_format(NULL, &text));
		snprintf(want, sizeof(want), "{\"time\":%lld.%03lld,",
		    (long long)sec, (long long)frac);
		cr_expect(strncmp(text, want, strlen(want)) == 0, "%s: %s",
		    want, text);
		snprintf(want, sizeof(want), "\"detection_version\":%d,",
		    ints[i % 6]);
		cr_expect_not_null(strstr(text, want), "%s: %s", want, text);
		snprintf(want, sizeof(want), "\"risk_score\":%d,",
		    ints[(i + 1) % 6]);
		cr_expect_not_null(strstr(text, want), "%s: %s", want, text);
		free(text);
	}
}

/* window_start and window_end as gmtime_r() and strftime() wrote them. */
Test(alert, window_times_match_strftime)
{
	struct tm	 tm;
	time_t		 t;
	char		 want[96], iso[64], *text;
	uint64_t	 seed = 3;
	int64_t		 ms;
	int		 n;

	for (n = 0; n < 3000; n++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		/* years about -300 to 12000, then a few near the epoch */
		ms = (int64_t)(seed >> 17) % 370000000000000LL -
		    10000000000000LL;
		if (n % 3 == 0)
			ms /= 1000;
		ta_row.win_start_ms = ms;
		ta_row.win_end_ms = -ms;
		json_object_put(ta_format(NULL, &text));
		t = (time_t)(ms / 1000 - (ms % 1000 < 0));
		cr_assert_not_null(gmtime_r(&t, &tm));
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(want, sizeof(want), "\"window_start\":\"%s\"", iso);
		cr_assert_not_null(strstr(text, want), "%lld: %s in %s",
		    (long long)ms, want, text);
		t = (time_t)(-ms / 1000 - (-ms % 1000 < 0));
		cr_assert_not_null(gmtime_r(&t, &tm));
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(want, sizeof(want), "\"window_end\":\"%s\"", iso);
		cr_assert_not_null(strstr(text, want), "%lld: %s in %s",
		    (long long)-ms, want, text);
		free(text);
	}
}
