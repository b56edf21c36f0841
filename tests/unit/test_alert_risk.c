/*
 * Tests of the risk format (alert_risk.c), of the $field$ message
 * (alert_field.c) and of the drilldown (alert_drill.c) on a hand-made
 * detection and row.  Expected values:
 * the risk event fields of Splunk ES's risk action as contentctl's
 * RiskEvent model checks them (search_name "ESCU - <name> - Rule",
 * risk_object, risk_object_type, risk_score, risk_message,
 * annotations.mitre_attack, analyticstories), the rba object types of
 * contentctl's rba.py, and HEC's event format (indexed "fields" are
 * strings or arrays of strings).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/alert.h"
#include "detect/detection.h"
#include "decode/event.h"
#include "detect/spl.h"
#include "detect/stats.h"

#define TR_MAX		16

static struct detection	 tr_d;
static struct spl_search tr_search;
static struct spl_agg	 tr_aggs[2];
static int		 tr_by[3];
static int		 tr_columns[5];
static char		*tr_mitre[1] = { "T1003.002" };
static char		*tr_stories[2] = { "Windows Registry Abuse",
			    "Industroyer2" };
static char		*tr_kill[1] = { "Exploitation" };
static struct detection_object tr_objs[4];
static struct event	 tr_rec;
static struct stats_row	 tr_row;
static json_object	*tr_ev[TR_MAX];
static size_t		 tr_n;

static int
tr_id(const char *name)
{
	return event_field_intern(name, strlen(name));
}

static void
tr_set(const char *name, const char *v)
{
	event_set(&tr_rec, tr_id(name), v, strlen(v));
}

static void
tr_setup(void)
{
	event_fields_init();
	tr_aggs[0] = (struct spl_agg){ SPL_AGG_COUNT, -1, tr_id("count") };
	tr_aggs[1] = (struct spl_agg){ SPL_AGG_VALUES, tr_id("user"),
	    tr_id("users") };
	tr_by[0] = tr_id("dest");
	tr_by[1] = tr_id("process_name");
	tr_by[2] = tr_id("parent_process_name");
	tr_search.stats.nagg = 2;
	tr_search.stats.agg = tr_aggs;
	tr_search.stats.nby = 3;
	tr_search.stats.by = tr_by;
	tr_columns[0] = tr_by[0];
	tr_columns[1] = tr_by[1];
	tr_columns[2] = tr_by[2];
	tr_columns[3] = tr_aggs[0].as;
	tr_columns[4] = tr_aggs[1].as;
	tr_search.ncolumns = 5;
	tr_search.columns = tr_columns;

	tr_objs[0] = (struct detection_object){ "users", "user", 40, false };
	tr_objs[1] = (struct detection_object){ "dest", "system", 64, false };
	tr_objs[2] = (struct detection_object){ "process_name", "process",
	    0, true };
	tr_objs[3] = (struct detection_object){ "parent_process_name",
	    "process", 0, true };
	memset(&tr_d, 0, sizeof(tr_d));
	tr_d.name = "Attempted Credential Dump From Registry via Reg exe";
	tr_d.id = "e9fb4a59-c5fb-440a-9f24-191fbc6b2911";
	tr_d.version = 4;
	tr_d.mitre = tr_mitre;
	tr_d.nmitre = 1;
	tr_d.stories = tr_stories;
	tr_d.nstories = 2;
	tr_d.kill_chain = tr_kill;
	tr_d.nkill_chain = 1;
	tr_d.risk_score = 64;
	tr_d.risk_message = "An instance of $parent_process_name$ spawning "
	    "$process_name$ on $dest$ by $users$";
	tr_d.objects = tr_objs;
	tr_d.nobjects = 4;
	tr_d.search = &tr_search;

	event_clear(&tr_rec);
	event_init(&tr_rec, 4096);
	tr_set("dest", "WIN-DC-1");
	tr_set("process_name", "reg.exe");
	tr_set("parent_process_name", "cmd.exe");
	tr_set("count", "2");
	tr_set("users", "alice\nbob");

	memset(&tr_row, 0, sizeof(tr_row));
	tr_row.win_start_ms = 1663246560000LL;
	tr_row.win_end_ms = 1663246620000LL;
	tr_row.first_ms = 1663246570001LL;
	tr_row.last_ms = 1663246579679LL;
	tr_row.count = 2;
	tr_row.host = "WIN-DC-1";
	tr_row.host_len = 8;
	tr_row.reason = STATS_EMIT_WINDOW;
	tr_row.rec = &tr_rec;
	tr_row.by = tr_by;
	tr_row.nby = 3;
	tr_n = 0;
}

static void
tr_teardown(void)
{
	size_t	 i;

	for (i = 0; i < tr_n; i++)
		json_object_put(tr_ev[i]);
	event_clear(&tr_rec);
}

TestSuite(alert_risk, .init = tr_setup, .fini = tr_teardown);

/* Parses each event strictly (UTF-8 validated) and keeps it. */
static void
tr_collect_cb(const char *json, size_t len, void *arg)
{
	struct json_tokener	*tok;
	json_object		*obj;

	(void)arg;
	cr_assert_eq(len, strlen(json));
	cr_assert_null(strchr(json, '\n'), "newline in %s", json);
	cr_assert_lt(tr_n, TR_MAX);
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, json, (int)len);
	cr_assert_not_null(obj, "invalid JSON: %s", json);
	cr_assert_eq(json_tokener_get_parse_end(tok), len);
	json_tokener_free(tok);
	tr_ev[tr_n++] = obj;
}

/* Emits tr_row with o; returns what alert_emit() returned. */
static int
tr_emit(const struct alert_opts *o, enum alert_emitted *how)
{
	char	 id[33];

	alert_id(&tr_d, &tr_row, 0, id);
	return alert_emit(&tr_d, &tr_row, o, id, tr_collect_cb, NULL, how);
}

static json_object *
tr_get(json_object *o, const char *key, enum json_type type)
{
	json_object	*v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no key %s", key);
	cr_assert(json_object_is_type(v, type), "%s: type %s", key,
	    json_type_to_name(json_object_get_type(v)));
	return v;
}

static const char *
tr_str(json_object *o, const char *key)
{
	return json_object_get_string(tr_get(o, key, json_type_string));
}

/* Expects key to be an array of strings, want being "a|b|". */
static void
tr_expect_strv(json_object *o, const char *key, const char *want)
{
	json_object	*a = tr_get(o, key, json_type_array);
	char		 buf[512];
	size_t		 i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(a); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s|",
		    json_object_get_string(json_object_array_get_idx(a, i)));
	cr_expect_str_eq(buf, want, "%s", key);
}

static struct alert_opts
tr_risk_opts(void)
{
	struct alert_opts	 o;

	memset(&o, 0, sizeof(o));
	o.format = ALERT_FORMAT_RISK;
	return o;
}

Test(alert_risk, one_event_per_risk_object_value)
{
	struct alert_opts	 o = tr_risk_opts();
	enum alert_emitted	 how;
	json_object		*ev, *f;
	size_t			 i;
	static const char *const want[3][3] = {
		{ "alice", "user", "40" },
		{ "bob", "user", "40" },
		{ "WIN-DC-1", "system", "64" }
	};

	/* users is a values() column: one event per value, then dest. */
	cr_assert_eq(tr_emit(&o, &how), 3);
	cr_assert_eq(how, ALERT_EMITTED_RISK);
	cr_assert_eq(tr_n, 3);
	for (i = 0; i < 3; i++) {
		cr_expect_str_eq(tr_str(tr_ev[i], "sourcetype"), "stash");
		cr_expect_str_eq(tr_str(tr_ev[i], "source"), "ESCU - "
		    "Attempted Credential Dump From Registry via Reg exe - "
		    "Rule");
		cr_expect_not(json_object_object_get_ex(tr_ev[i], "index",
		    NULL));
		cr_expect_str_eq(tr_str(tr_ev[i], "host"), "WIN-DC-1");
		ev = tr_get(tr_ev[i], "event", json_type_object);
		cr_expect_str_eq(tr_str(ev, "search_name"),
		    tr_str(tr_ev[i], "source"));
		cr_expect_str_eq(tr_str(ev, "risk_object"), want[i][0]);
		cr_expect_str_eq(tr_str(ev, "risk_object_type"), want[i][1]);
		cr_expect_eq(json_object_get_int(tr_get(ev, "risk_score",
		    json_type_int)), atoi(want[i][2]));
		cr_expect_str_eq(tr_str(ev, "risk_message"), "An instance "
		    "of cmd.exe spawning reg.exe on WIN-DC-1 by alice, bob");
		tr_expect_strv(ev, "threat_object", "reg.exe|cmd.exe|");
		tr_expect_strv(ev, "threat_object_type", "process|process|");
		tr_expect_strv(ev, "threat_object_field",
		    "process_name|parent_process_name|");
		f = tr_get(ev, "annotations", json_type_object);
		tr_expect_strv(f, "mitre_attack", "T1003.002|");
		tr_expect_strv(f, "analytic_story",
		    "Windows Registry Abuse|Industroyer2|");
		tr_expect_strv(f, "kill_chain_phases", "Exploitation|");
		tr_expect_strv(ev, "analyticstories",
		    "Windows Registry Abuse|Industroyer2|");
		/* The row's columns and its id, the same in each event. */
		cr_expect_str_eq(tr_str(ev, "dest"), "WIN-DC-1");
		tr_expect_strv(ev, "users", "alice|bob|");
		cr_expect_eq(json_object_get_int(tr_get(ev, "count",
		    json_type_int)), 2);
		cr_expect_str_eq(tr_str(ev, "alert_id"), tr_str(tr_get(
		    tr_ev[0], "event", json_type_object), "alert_id"));
		cr_expect_eq(strlen(tr_str(ev, "alert_id")), 32);
		/* Indexed fields: strings or arrays of strings (HEC). */
		f = tr_get(tr_ev[i], "fields", json_type_object);
		cr_expect_str_eq(tr_str(f, "risk_object"), want[i][0]);
		cr_expect_str_eq(tr_str(f, "risk_object_type"), want[i][1]);
		cr_expect_str_eq(tr_str(f, "risk_score"), want[i][2]);
		cr_expect_str_eq(tr_str(f, "search_name"),
		    tr_str(tr_ev[i], "source"));
		cr_expect_str_eq(tr_str(f, "alert_id"), tr_str(ev,
		    "alert_id"));
		tr_expect_strv(f, "threat_object", "reg.exe|cmd.exe|");
		tr_expect_strv(f, "threat_object_type", "process|process|");
	}
}

Test(alert_risk, envelope_options)
{
	struct alert_opts	 o = tr_risk_opts();
	enum alert_emitted	 how;

	o.risk_sourcetype = "";
	o.risk_index = "risk_staging";
	o.risk_source = "hecsentry";
	o.sourcetype = "unused:row";
	cr_assert_eq(tr_emit(&o, &how), 3);
	cr_expect_not(json_object_object_get_ex(tr_ev[0], "sourcetype",
	    NULL));
	cr_expect_str_eq(tr_str(tr_ev[0], "index"), "risk_staging");
	cr_expect_str_eq(tr_str(tr_ev[0], "source"), "hecsentry");
	/* The search name does not follow the source. */
	cr_expect_str_eq(tr_str(tr_get(tr_ev[0], "event", json_type_object),
	    "search_name"), "ESCU - Attempted Credential Dump From Registry "
	    "via Reg exe - Rule");
}

Test(alert_risk, no_risk_object_value_goes_out_as_the_row)
{
	struct alert_opts	 o = tr_risk_opts();
	enum alert_emitted	 how;
	json_object		*ev;

	event_unset(&tr_rec, tr_id("users"));
	tr_set("dest", "");
	cr_assert_eq(tr_emit(&o, &how), 1);
	cr_expect_eq(how, ALERT_EMITTED_RISK_AS_ROW);
	cr_assert_eq(tr_n, 1);
	cr_expect_str_eq(tr_str(tr_ev[0], "sourcetype"), ALERT_SOURCETYPE);
	ev = tr_get(tr_ev[0], "event", json_type_object);
	cr_expect_str_eq(tr_str(ev, "detection"), tr_d.name);
	cr_expect_not(json_object_object_get_ex(ev, "risk_object", NULL));
}

Test(alert_risk, threat_objects_absent_are_left_out)
{
	struct alert_opts	 o = tr_risk_opts();
	enum alert_emitted	 how;
	json_object		*ev;

	event_unset(&tr_rec, tr_id("process_name"));
	event_unset(&tr_rec, tr_id("parent_process_name"));
	cr_assert_eq(tr_emit(&o, &how), 3);
	ev = tr_get(tr_ev[2], "event", json_type_object);
	cr_expect_not(json_object_object_get_ex(ev, "threat_object", NULL));
	cr_expect_not(json_object_object_get_ex(tr_get(tr_ev[2], "fields",
	    json_type_object), "threat_object", NULL));
	/* Absent from the row: the message keeps the tokens. */
	cr_expect_str_eq(tr_str(ev, "risk_message"), "An instance of "
	    "$parent_process_name$ spawning $process_name$ on WIN-DC-1 by "
	    "alice, bob");
}

Test(alert_risk, format_lists_override_the_global_format)
{
	struct alert_opts	 o;
	char			*risk[] = { "attempted credential dump*" };
	char			*row[] = {
		"e9fb4a59-c5fb-440a-9f24-191fbc6b2911"
	};
	char			*other[] = { "Some Other Detection" };

	memset(&o, 0, sizeof(o));
	cr_expect_eq(alert_format_of(&tr_d, NULL), ALERT_FORMAT_ROW);
	cr_expect_eq(alert_format_of(&tr_d, &o), ALERT_FORMAT_ROW);
	o.risk_list = risk;			/* a glob, any case */
	o.nrisk_list = 1;
	cr_expect_eq(alert_format_of(&tr_d, &o), ALERT_FORMAT_RISK);
	o.row_list = row;			/* the id; row wins */
	o.nrow_list = 1;
	cr_expect_eq(alert_format_of(&tr_d, &o), ALERT_FORMAT_ROW);
	memset(&o, 0, sizeof(o));
	o.format = ALERT_FORMAT_RISK;
	o.row_list = other;
	o.nrow_list = 1;
	cr_expect_eq(alert_format_of(&tr_d, &o), ALERT_FORMAT_RISK);
}

Test(alert_risk, row_format_through_alert_emit)
{
	struct alert_opts	 o;
	enum alert_emitted	 how;
	json_object		*ev;

	memset(&o, 0, sizeof(o));
	cr_assert_eq(tr_emit(&o, &how), 1);
	cr_expect_eq(how, ALERT_EMITTED_ROW);
	ev = tr_get(tr_ev[0], "event", json_type_object);
	cr_expect_eq(json_object_get_int(tr_get(ev, "risk_score",
	    json_type_int)), 64);
	cr_expect_str_eq(tr_str(ev, "risk_message"), "An instance of "
	    "cmd.exe spawning reg.exe on WIN-DC-1 by alice, bob");
}

/* The message on its own: row format, one $field$ case each. */
static const char *
tr_message(char *msg)
{
	static char		 buf[1024];
	struct alert_opts	 o;
	enum alert_emitted	 how;
	json_object		*ev;

	memset(&o, 0, sizeof(o));
	tr_d.risk_message = msg;
	cr_assert_eq(tr_emit(&o, &how), 1);
	ev = tr_get(tr_ev[tr_n - 1], "event", json_type_object);
	snprintf(buf, sizeof(buf), "%s", tr_str(ev, "risk_message"));
	return buf;
}

Test(alert_risk, message_fields_missing_multivalue_and_escapes)
{
	/* A field the row lacks stays visible, with its dollars. */
	cr_expect_str_eq(tr_message("on $dest$ by $nosuchfield$"),
	    "on WIN-DC-1 by $nosuchfield$");
	/* A multivalue: its values joined with ", ". */
	cr_expect_str_eq(tr_message("users $users$."), "users alice, bob.");
	/* Not tokens: a lone '$', "$$", a name with a space. */
	cr_expect_str_eq(tr_message("cost $5, $$, $a b$ $dest"),
	    "cost $5, $$, $a b$ $dest");
	/* Values are not expanded again, and JSON escapes survive. */
	tr_set("dest", "$users$ \"q\" \\ \t\n\x01");
	cr_expect_str_eq(tr_message("[$dest$]"),
	    "[$users$ \"q\" \\ \t\n\x01]");
	/* An empty value is absent (SPEC 2): the token stays. */
	tr_set("dest", "");
	cr_expect_str_eq(tr_message("<$dest$>"), "<$dest$>");
	/* No message at all: null. */
	tr_d.risk_message = NULL;
	{
		struct alert_opts	 o;
		enum alert_emitted	 how;

		memset(&o, 0, sizeof(o));
		cr_assert_eq(tr_emit(&o, &how), 1);
		tr_get(tr_get(tr_ev[tr_n - 1], "event", json_type_object),
		    "risk_message", json_type_null);
	}
}

Test(alert_risk, search_name_length)
{
	char	 buf[8];
	size_t	 need;

	need = alert_search_name(&tr_d, NULL, 0);
	cr_expect_eq(need, strlen("ESCU -  - Rule") + strlen(tr_d.name) + 1);
	cr_expect_eq(alert_search_name(&tr_d, buf, sizeof(buf)), need);
	cr_expect_str_eq(buf, "ESCU - ");
}

/* The drilldown of a row (alert_drill.c), from the row format's event. */
static json_object *
tr_drill_event(void)
{
	struct alert_opts	 o;
	enum alert_emitted	 how;

	memset(&o, 0, sizeof(o));
	cr_assert_eq(tr_emit(&o, &how), 1);
	return tr_get(tr_ev[tr_n - 1], "event", json_type_object);
}

/*
 * Expected: the search as the file writes it (trailing white space cut),
 * then "| search" with each by-field's value quoted as SPL needs
 * (Splunk Search Manual, "Backslashes": "\\" for a backslash, "\"" for
 * a quote); '*' cannot be escaped in search, so such a value goes to
 * where; a null by-field is NOT f=*.
 */
Test(alert_risk, drilldown_search_quotes_the_by_values)
{
	json_object	*ev;

	tr_d.search_text = "`sysmon` EventCode=1\n| stats count by dest "
	    "process_name parent_process_name\n";
	tr_set("process_name", "C:\\Temp\\a \"b\".exe");
	tr_set("parent_process_name", "x*y");
	ev = tr_drill_event();
	cr_expect_str_eq(tr_str(ev, "drilldown_search"),
	    "`sysmon` EventCode=1\n| stats count by dest process_name "
	    "parent_process_name | search dest=\"WIN-DC-1\" "
	    "process_name=\"C:\\\\Temp\\\\a \\\"b\\\".exe\" | where "
	    "'parent_process_name'==\"x*y\"");
	/* The row's window, in epoch seconds. */
	cr_expect_str_eq(json_object_to_json_string(tr_get(ev,
	    "drilldown_earliest", json_type_double)), "1663246560.000");
	cr_expect_str_eq(json_object_to_json_string(tr_get(ev,
	    "drilldown_latest", json_type_double)), "1663246620.000");

	event_unset(&tr_rec, tr_id("process_name"));
	ev = tr_drill_event();
	cr_expect_str_eq(tr_str(ev, "drilldown_search"),
	    "`sysmon` EventCode=1\n| stats count by dest process_name "
	    "parent_process_name | search dest=\"WIN-DC-1\" NOT "
	    "process_name=* | where 'parent_process_name'==\"x*y\"");
}

/* A by-field renamed after stats is filtered under its new name. */
Test(alert_risk, drilldown_follows_renames)
{
	struct spl_search	*s;
	struct spl_error	 err;
	json_object		*ev;
	const char		*text = "| tstats count from "
	    "datamodel=Endpoint.Processes by Processes.dest _time span=1h "
	    "| rename Processes.dest as dest";
	int			 by[2];

	s = spl_compile(text, NULL, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	tr_d.search = s;
	tr_d.search_text = (char *)text;
	by[0] = s->stats.by[0];
	by[1] = s->stats.by[1];
	cr_assert_str_eq(event_field_name(by[0]), "Processes.dest");
	tr_row.by = by;
	tr_row.nby = 2;
	event_unset(&tr_rec, tr_id("dest"));
	tr_set("Processes.dest", "WIN-DC-1");
	tr_set("_time", "1663246800");
	cr_assert(spl_post_apply(s, &tr_rec));
	ev = tr_drill_event();
	cr_expect_str_eq(tr_str(ev, "drilldown_search"),
	    "| tstats count from datamodel=Endpoint.Processes by "
	    "Processes.dest _time span=1h | rename Processes.dest as dest "
	    "| search dest=\"WIN-DC-1\"");
	tr_d.search = &tr_search;
	spl_search_free(s);
}

/* Events older than the window (late, replayed): the range holds them. */
Test(alert_risk, drilldown_range_holds_the_events)
{
	json_object	*ev;

	tr_row.first_ms = 1663000000250LL;
	tr_row.last_ms = 1663246620000LL;	/* at the window's end */
	ev = tr_drill_event();
	cr_expect_str_eq(json_object_to_json_string(tr_get(ev,
	    "drilldown_earliest", json_type_double)), "1663000000.250");
	cr_expect_str_eq(json_object_to_json_string(tr_get(ev,
	    "drilldown_latest", json_type_double)), "1663246620.001");
}
