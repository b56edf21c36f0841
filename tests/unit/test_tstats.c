/*
 * Tests of tstats (spl_tstats.c, the dataset runs of detect.c and the
 * tstats rules of stats.c): the forms security_content writes, each
 * refusal with its position, Splunk's null by-field rule with and
 * without fillnull_value, span buckets, latest/earliest, the wildcard
 * rename of drop_dm_object_name, and two security_content detections
 * run unchanged on security_content's own example Sysmon events.
 *
 * Splunk's behaviour is the tstats reference,
 * https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/
 * search-commands/tstats ("fillnull_value: ... substitutes for null
 * values for any field within its group-by field list ... If you do not
 * provide a fillnull_value argument, tstats omits rows for events with
 * one or more null field values"; span buckets as bin's), and SPEC 9.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "daemon/pipeline.h"
#include "decode/event.h"
#include "detect/detection.h"
#include "detect/library.h"
#include "detect/spl.h"
#include "detect/stats.h"
#include "testref.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct event	 evs[4];	/* the events of a test */

static void
tt_setup(void)
{
	size_t	 k;

	event_fields_init();
	for (k = 0; k < NELEM(evs); k++)
		event_init(&evs[k], 4096);
}

static void
tt_teardown(void)
{
	size_t	 k;

	for (k = 0; k < NELEM(evs); k++)
		event_clear(&evs[k]);
}

TestSuite(tstats, .init = tt_setup, .fini = tt_teardown);

/* security_content's macros as its library defines them (2024-10-24). */
static bool
tt_lookup(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *out)
{
	static const char *obj[] = { "object" };

	(void)arg;
	memset(out, 0, sizeof(*out));
	if (strcmp(name, "security_content_summariesonly") == 0 &&
	    nargs == 0)
		out->definition = "summariesonly=false "
		    "allow_old_summaries=true fillnull_value=null";
	else if (strcmp(name, "drop_dm_object_name") == 0 && nargs == 1) {
		out->definition = "rename $object$.* AS *";
		out->nargs = 1;
		out->args = obj;
	} else if (strcmp(name, "process_cmd") == 0 && nargs == 0)
		out->definition = "(Processes.process_name=cmd.exe OR "
		    "Processes.original_file_name=Cmd.Exe)";
	else
		return false;
	return true;
}

static const char *
tt_data(void)
{
	const char	*v = getenv("TESTDATA");

	return v != NULL ? v : "tests/data";
}

static struct spl_search *
tt_compile(const char *text)
{
	struct spl_search *s;
	struct spl_error err;

	s = spl_compile(text, tt_lookup, NULL, &err);
	cr_assert_not_null(s, "%s: %d:%d: %s", text, err.line, err.column,
	    err.msg);
	return s;
}

static int
tt_id(const char *name)
{
	int	 id;

	event_fields_init();
	id = event_field_intern(name, strlen(name));

	cr_assert_neq(id, -1, "%s not interned", name);
	return id;
}

Test(tstats, parses_the_forms_of_the_library)
{
	static const struct {
		const char	*text;
		const char	*datamodel;
		size_t		 nagg, nby;
		int64_t		 span_ms;
		enum spl_null	 null_by;
		const char	*fill;
	} tab[] = {
		{ "| tstats `security_content_summariesonly` count "
		    "min(_time) as firstTime max(_time) as lastTime from "
		    "datamodel=Endpoint.Processes where "
		    "Processes.process_name=sc.exe Processes.process="
		    "\"*kernel*\" by Processes.dest Processes.user "
		    "Processes.process", "Endpoint.Processes", 3, 3, 0,
		    SPL_NULL_FILL, "null" },
		{ "| tstats count FROM datamodel=Endpoint.Registry WHERE "
		    "Registry.registry_path=\"*\\\\Run*\" BY _time span=1h "
		    "Registry.dest", "Endpoint.Registry", 1, 2, 3600000,
		    SPL_NULL_DROP, NULL },
		{ "|tstats values(Processes.process) as process "
		    "dc(Processes.dest) distinct_count(Processes.user) "
		    "latest(Processes.process_id) earliest(_time) "
		    "sum(Processes.process_id) avg(Processes.process_id) "
		    "count(Processes.process) from datamodel=Endpoint.Processes "
		    "by Processes.dest", "Endpoint.Processes", 8, 1, 0,
		    SPL_NULL_DROP, NULL },
		{ "| tstats count from datamodel=Network_Traffic where "
		    "All_Traffic.dest_port=9389 by All_Traffic.src_ip, "
		    "All_Traffic.dest_ip", "Network_Traffic", 1, 2, 0,
		    SPL_NULL_DROP, NULL },
		{ "| tstats count from datamodel=Authentication where "
		    "nodename=Authentication.Failed_Authentication "
		    "Authentication.user=x by Authentication.src",
		    "Authentication.Authentication.Failed_Authentication", 1,
		    1, 0, SPL_NULL_DROP, NULL },
		{ "| tstats summariesonly=t allow_old_summaries=1 "
		    "chunk_size=10000000 prestats=false local=false "
		    "fillnull_value=\"N/A\" count from "
		    "datamodel=Endpoint.Filesystem by _time span=30m "
		    "Filesystem.dest", "Endpoint.Filesystem", 1, 2, 1800000,
		    SPL_NULL_FILL, "N/A" },
		{ "| tstats count from datamodel=Endpoint.Processes by "
		    "_time, Processes.dest span=1d", "Endpoint.Processes", 1,
		    2, 86400000, SPL_NULL_DROP, NULL },
		{ "| tstats count from datamodel=Endpoint.Processes by "
		    "_time span=10s", "Endpoint.Processes", 1, 1, 10000,
		    SPL_NULL_DROP, NULL },
		{ "| tstats count from datamodel=Endpoint.Processes",
		    "Endpoint.Processes", 1, 0, 0, SPL_NULL_DROP, NULL },
	};
	struct spl_search *s;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = tt_compile(tab[k].text);
		cr_expect_str_eq(s->datamodel, tab[k].datamodel, "%zu", k);
		cr_expect_eq(s->stats.nagg, tab[k].nagg, "%zu", k);
		cr_expect_eq(s->stats.nby, tab[k].nby, "%zu", k);
		cr_expect_eq(s->stats.span_ms, tab[k].span_ms, "%zu", k);
		cr_expect_eq(s->stats.null_by, tab[k].null_by, "%zu", k);
		if (tab[k].fill != NULL)
			cr_expect_str_eq(s->stats.fill, tab[k].fill, "%zu", k);
		spl_search_free(s);
	}
}

Test(tstats, refusals_point_at_the_cause)
{
	static const struct {
		const char	*text;
		int		 col;
		const char	*msg;
	} tab[] = {
		{ "a=1 | tstats count from datamodel=Endpoint.Processes", 7,
		    "tstats must be the first command of the search" },
		{ "| tstats median(x) from datamodel=Endpoint.Processes", 10,
		    "unsupported tstats function 'median'" },
		{ "| tstats prestats=true count from datamodel=E.P", 10,
		    "unsupported tstats option 'prestats=true'" },
		{ "| tstats append=t count from datamodel=E.P", 10,
		    "unsupported tstats option 'append=true'" },
		{ "| tstats foo=1 count from datamodel=E.P", 10,
		    "unsupported tstats option 'foo'" },
		{ "| tstats summariesonly=maybe count from datamodel=E.P", 24,
		    "expected true or false after 'summariesonly='" },
		{ "| tstats chunk_size=x count from datamodel=E.P", 21,
		    "expected a number after 'chunk_size='" },
		{ "| tstats fillnull_value=\"\" count from datamodel=E.P", 25,
		    "an empty fillnull_value is not supported" },
		{ "| tstats from datamodel=E.P", 10,
		    "tstats needs an aggregate such as count" },
		/* Regression (fuzz_spl, UBSan): nothing after the command. */
		{ "| tstats", 9, "tstats needs an aggregate such as count" },
		{ "| tstats count where index=main by host", 16,
		    "unsupported tstats without 'from datamodel=' (indexed "
		    "fields)" },
		{ "| tstats count from E.P", 16, "unsupported tstats source: "
		    "expected 'from datamodel=MODEL.DATASET'" },
		{ "| tstats count from datamodel=E.P by _time", 35,
		    "unsupported 'by _time' without span= (tstats picks the "
		    "span from the time range)" },
		{ "| tstats count from datamodel=E.P by P.dest span=1h", 35,
		    "span= needs _time in the by clause" },
		{ "| tstats count from datamodel=E.P by _time span=1mon", 49,
		    "unsupported span '1mon'" },
		{ "| tstats count from datamodel=E.P by _time span=h", 49,
		    "unsupported span 'h'" },
		{ "| tstats count from datamodel=E.P by PREFIX(x)", 38,
		    "unsupported tstats by clause 'PREFIX()'" },
		{ "| tstats count from datamodel=E.P by", 35,
		    "expected a field after 'by'" },
		{ "| tstats count from datamodel=E.P where P.a=1 OR by P.d",
		    47, "expected a search term after 'OR'" },
		{ "| tstats count from datamodel=E.P where P.a=1 (", 48,
		    "expected a search term, not 'end of search'" },
		{ "| tstats count from datamodel=E.P | tstats count from "
		    "datamodel=E.P", 37, "only one tstats command is "
		    "supported" },
		{ "| tstats count from datamodel=E.P by P.d | rename P.* AS "
		    "*.*", 51, "unsupported rename 'P.* as *.*': wildcards "
		    "need one '*' on each side" },
		{ "a=1 | rename P.* AS * | stats count", 14, "wildcards in "
		    "rename before stats are not supported" },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k].text, tt_lookup, NULL, &err);
		cr_assert_null(s, "%zu: %s compiled", k, tab[k].text);
		cr_expect_str_eq(err.msg, tab[k].msg, "%zu: %s", k,
		    tab[k].text);
		cr_expect_eq(err.line, 1, "%zu", k);
		cr_expect_eq(err.column, tab[k].col, "%zu: column %d", k,
		    err.column);
	}
}

/* A Processes event of the fields a test gives (NULL ends the list). */
static void
tt_event(struct event *ev, int64_t ms, ...)
{
	const char	*name, *v;
	va_list		 ap;

	event_reset(ev);
	ev->time_ms = ms;
	va_start(ap, ms);
	while ((name = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		cr_assert_eq(event_set(ev, tt_id(name), v, strlen(v)), 0);
	}
	va_end(ap);
}

Test(tstats, where_filters_on_dataset_fields)
{
	struct spl_search *s;
	struct event	*ev = &evs[0];

	s = tt_compile("| tstats count from datamodel=Endpoint.Processes "
	    "where `process_cmd` AND Processes.process=\"* /c*\" "
	    "NOT Processes.user IN (\"SYSTEM\", \"LOCAL SERVICE\") by "
	    "Processes.dest");
	tt_event(ev, 0, "Processes.process_name", "CMD.EXE",
	    "Processes.process", "cmd.exe /c whoami", "Processes.user",
	    "alice", NULL);
	cr_expect(spl_match(s->filter, ev));
	tt_event(ev, 0, "Processes.original_file_name", "cmd.exe",
	    "Processes.process", "x /c y", NULL);
	cr_expect(spl_match(s->filter, ev), "NOT on an absent user holds");
	tt_event(ev, 0, "Processes.process_name", "cmd.exe",
	    "Processes.process", "cmd.exe /c whoami", "Processes.user",
	    "system", NULL);
	cr_expect_not(spl_match(s->filter, ev));
	tt_event(ev, 0, "Processes.process_name", "cmd.exe",
	    "Processes.process", "cmd.exe /k whoami", NULL);
	cr_expect_not(spl_match(s->filter, ev));
	spl_search_free(s);
}

/*
 * Backslashes in unquoted values, as 20 library detections write them
 * (Processes.process=*HKLM\\SAM*): "\\" is one backslash, as the
 * Search Manual's search primer says ("To search for a file path, such
 * as D:\Digital\RTFM, you must escape the backslash characters in the
 * path, for example D:\\Digital\\RTFM"); a lone one stays.
 */
Test(tstats, unquoted_double_backslash_is_one)
{
	static const struct {
		const char	*where;		/* SPL text */
		const char	*value;		/* Processes.process */
		bool		 match;
	} tab[] = {
		{ "Processes.process=*HKLM\\\\SAM*",
		    "reg save HKLM\\sam x", true },
		{ "Processes.process=*HKLM\\\\SAM*",
		    "reg save HKLM\\\\sam x", false },
		{ "Processes.process=*HKLM\\\\\\\\SAM*",
		    "reg save HKLM\\\\sam x", true },
		{ "Processes.process=C:\\\\Windows\\\\*",
		    "C:\\Windows\\notepad.exe", true },
		{ "Processes.process=\"C:\\\\Windows\\\\*\"",
		    "C:\\Windows\\notepad.exe", true },
		{ "Processes.process=*\\*", "a\\b", true },
		{ "Processes.process=*\\*", "ab", false },
	};
	struct spl_search *s;
	char		 text[256];
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		snprintf(text, sizeof(text), "| tstats count from "
		    "datamodel=Endpoint.Processes where %s", tab[k].where);
		s = tt_compile(text);
		tt_event(&evs[0], 0, "Processes.process", tab[k].value, NULL);
		cr_expect_eq(spl_match(s->filter, &evs[0]), tab[k].match,
		    "%zu: %s on %s", k, tab[k].where, tab[k].value);
		spl_search_free(s);
	}
}

/*
 * "Filesystem.file_path"=C:\\*Ryuk*: a quoted field name before a
 * comparison is the field (Splunk's search; ryuk_test_files_detected
 * writes it so); a quoted string alone is free text, still refused.
 */
Test(tstats, quoted_field_names_compare)
{
	struct spl_search *s;
	struct spl_error err;

	s = tt_compile("| tstats count from datamodel=Endpoint.Filesystem "
	    "WHERE \"Filesystem.file_path\"=C:\\\\*Ryuk* BY "
	    "\"Filesystem.dest\", \"Filesystem.file_path\"");
	tt_event(&evs[0], 0, "Filesystem.file_path", "C:\\Users\\RyukReadMe.txt",
	    NULL);
	cr_expect(spl_match(s->filter, &evs[0]));
	tt_event(&evs[0], 0, "Filesystem.file_path", "D:\\RyukReadMe.txt",
	    NULL);
	cr_expect_not(spl_match(s->filter, &evs[0]));
	cr_expect_str_eq(event_field_name(s->stats.by[0]), "Filesystem.dest");
	spl_search_free(s);
	s = tt_compile("| tstats count from datamodel=Endpoint.Processes "
	    "where \"Processes.process_name\" IN (sc.exe, net.exe)");
	tt_event(&evs[0], 0, "Processes.process_name", "NET.exe", NULL);
	cr_expect(spl_match(s->filter, &evs[0]));
	spl_search_free(s);
	cr_expect_null(spl_compile("| tstats count from datamodel=E.P "
	    "where \"hello\"", tt_lookup, NULL, &err));
	cr_expect_str_eq(err.msg, "free-text search term \"hello\" is not "
	    "supported");
	cr_expect_null(spl_compile("| tstats count from datamodel=E.P "
	    "where \"\"=x", tt_lookup, NULL, &err));
}

/* How the library judges tstats detections (tests/data/tstats_library). */
Test(tstats, library_judges_datasets_and_filled_by_fields)
{
	static const struct {
		const char	*file;
		enum library_state state;
		const char	*reason;
	} tab[] = {
		{ "filled.yml", LIBRARY_RUNS, NULL },
		{ "dropped.yml", LIBRARY_NEVER,
		    "never matches: field 'temp' is not produced" },
		{ "no_dataset.yml", LIBRARY_NEVER, "never matches: data model "
		    "dataset 'Risk.All_Risk' is not in the mapping" },
		{ "no_field.yml", LIBRARY_NEVER, "never matches: field "
		    "'Processes.no_such_field' is not produced" },
	};
	struct library_opts o;
	struct library	*lib;
	struct cim_map	*cim = testref_cim_load();
	char		 det[512], mac[512], *err = NULL;
	size_t		 k, i;

	snprintf(det, sizeof(det), "%s/tstats_library/detections", tt_data());
	snprintf(mac, sizeof(mac), "%s/tstats_library/macros", tt_data());
	memset(&o, 0, sizeof(o));
	o.detections = det;
	o.macros = mac;
	o.cim = cim;
	lib = library_load(&o, &err);
	cr_assert_not_null(lib, "%s", err != NULL ? err : "?");
	cr_assert_eq(lib->n, NELEM(tab));
	for (k = 0; k < NELEM(tab); k++) {
		for (i = 0; i < lib->n; i++)
			if (strstr(lib->e[i].file, tab[k].file) != NULL)
				break;
		cr_assert_lt(i, lib->n, "%s", tab[k].file);
		cr_expect_eq(lib->e[i].state, tab[k].state, "%s: %s",
		    tab[k].file, lib->e[i].reason);
		if (tab[k].reason != NULL)
			cr_expect(lib->e[i].reason != NULL &&
			    strstr(lib->e[i].reason, tab[k].reason) != NULL,
			    "%s: %s", tab[k].file, lib->e[i].reason);
	}
	library_free(lib);
	cim_map_free(cim);
}

/* Rows of a stats table, flattened "by1|by2|...|agg=...". */
static char	 tt_rows[16][512];
static size_t	 tt_nrows;

static void
tt_row_cb(const struct stats_row *row, void *arg)
{
	const struct spl_search *s = arg;
	const char	*v;
	size_t		 i, len, off = 0;
	int		 id;

	cr_assert_lt(tt_nrows, NELEM(tt_rows));
	for (i = 0; i < s->stats.nby + s->stats.nagg; i++) {
		id = i < s->stats.nby ? s->stats.by[i] :
		    s->stats.agg[i - s->stats.nby].as;
		if (event_get(row->rec, id, &v, &len))
			off += (size_t)snprintf(tt_rows[tt_nrows] + off,
			    sizeof(tt_rows[0]) - off, "%s%.*s", i ? "|" : "",
			    (int)len, v);
		else
			off += (size_t)snprintf(tt_rows[tt_nrows] + off,
			    sizeof(tt_rows[0]) - off, "%s(null)",
			    i ? "|" : "");
	}
	tt_nrows++;
}

/* Runs s's stats over ev[n] (in one window) and flushes. */
static void
tt_stats(const struct spl_search *s, struct event *ev, size_t n,
    bool drop_null_option)
{
	struct stats_opts o;
	struct stats_table *t;
	size_t		 k;

	memset(&o, 0, sizeof(o));
	o.window_s = 3600;
	o.max_keys = 100;
	o.max_bytes = 1 << 20;
	o.drop_null = drop_null_option;
	tt_nrows = 0;
	t = stats_new(&s->stats, &o, tt_row_cb, (void *)s);
	for (k = 0; k < n; k++)
		stats_add(t, &ev[k], 0);
	stats_flush(t);
	stats_free(t);
}

Test(tstats, null_by_fields_drop_the_event_without_fillnull_value)
{
	struct spl_search *s;

	tt_event(&evs[0], 1000, "Processes.dest", "h1", "Processes.user",
	    "u1", NULL);
	tt_event(&evs[1], 2000, "Processes.dest", "h1", NULL);
	tt_event(&evs[2], 3000, "Processes.user", "u1", NULL);

	/* No fillnull_value: only the event with both by-fields counts. */
	s = tt_compile("| tstats count from datamodel=Endpoint.Processes "
	    "by Processes.dest Processes.user");
	tt_stats(s, evs, 3, false);
	cr_assert_eq(tt_nrows, 1);
	cr_expect_str_eq(tt_rows[0], "h1|u1|1");
	spl_search_free(s);

	/* fillnull_value=null (the macro's): every event, filled. */
	s = tt_compile("| tstats `security_content_summariesonly` count "
	    "from datamodel=Endpoint.Processes by Processes.dest "
	    "Processes.user");
	tt_stats(s, evs, 3, true);
	cr_assert_eq(tt_nrows, 3, "null_by_fields=drop is for stats only");
	cr_expect_str_eq(tt_rows[0], "h1|u1|1");
	cr_expect_str_eq(tt_rows[1], "h1|null|1");
	cr_expect_str_eq(tt_rows[2], "null|u1|1");
	spl_search_free(s);

	/* stats keeps its own rule (SPEC 4): kept, the field absent. */
	s = tt_compile("* | stats count by Processes.dest Processes.user");
	tt_stats(s, evs, 3, false);
	cr_assert_eq(tt_nrows, 3);
	cr_expect_str_eq(tt_rows[1], "h1|(null)|1");
	spl_search_free(s);
}

Test(tstats, span_floors_time_to_its_bucket)
{
	static const struct {
		const char	*span;
		int64_t		 ms;
		const char	*bucket;
	} tab[] = {
		/* 2023-02-08T13:01:11.053Z, the EID 11 example below. */
		{ "1h", 1675861271053LL, "1675861200" },
		{ "1m", 1675861271053LL, "1675861260" },
		{ "5m", 1675861271053LL, "1675861200" },
		{ "30s", 1675861271053LL, "1675861260" },
		{ "1d", 1675861271053LL, "1675814400" },
		{ "4h", 1675861271053LL, "1675857600" },
		{ "1h", 1675861200000LL, "1675861200" },
		{ "1h", 1675861199999LL, "1675857600" },
		{ "1h", 0, "0" },
		{ "1h", -1, "-3600" },
	};
	struct spl_search *s;
	char		 text[256];
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		snprintf(text, sizeof(text), "| tstats count from "
		    "datamodel=Endpoint.Processes by _time span=%s",
		    tab[k].span);
		s = tt_compile(text);
		tt_event(&evs[0], tab[k].ms, NULL);
		tt_stats(s, evs, 1, false);
		cr_assert_eq(tt_nrows, 1, "%zu", k);
		snprintf(text, sizeof(text), "%s|1", tab[k].bucket);
		cr_expect_str_eq(tt_rows[0], text, "%zu: span=%s", k,
		    tab[k].span);
		spl_search_free(s);
	}
}

Test(tstats, latest_and_earliest_follow_time_not_arrival)
{
	struct spl_search *s;

	tt_event(&evs[0], 5000, "Processes.dest", "h", "Processes.process",
	    "b", NULL);
	tt_event(&evs[1], 1000, "Processes.dest", "h", "Processes.process",
	    "a", NULL);
	tt_event(&evs[2], 9000, "Processes.dest", "h", "Processes.process",
	    "c", NULL);
	tt_event(&evs[3], 7000, "Processes.dest", "h", NULL);
	s = tt_compile("| tstats latest(Processes.process) as l "
	    "earliest(Processes.process) as e latest(_time) as lt "
	    "earliest(_time) as et count(Processes.process) as n "
	    "from datamodel=Endpoint.Processes by Processes.dest");
	tt_stats(s, evs, 4, false);
	cr_assert_eq(tt_nrows, 1);
	/* The event at 7 s has no process: latest is c (9 s), not b. */
	cr_expect_str_eq(tt_rows[0], "h|c|a|9.000|1.000|3");
	spl_search_free(s);
}

Test(tstats, drop_dm_object_name_renames_the_columns)
{
	struct spl_search *s;
	struct event	*row = &evs[0];
	const char	*v;
	size_t		 len;

	event_reset(row);
	s = tt_compile("| tstats count min(_time) as firstTime from "
	    "datamodel=Endpoint.Processes by Processes.dest Processes.user "
	    "| `drop_dm_object_name(Processes)` | rename count AS n");
	cr_assert_eq(s->ncolumns, 4);
	cr_expect_str_eq(event_field_name(s->columns[0]), "dest");
	cr_expect_str_eq(event_field_name(s->columns[1]), "user");
	cr_expect_str_eq(event_field_name(s->columns[2]), "n");
	cr_expect_str_eq(event_field_name(s->columns[3]), "firstTime");
	event_set(row, tt_id("Processes.dest"), "h", 1);
	event_set(row, tt_id("count"), "2", 1);
	cr_assert(spl_post_apply(s, row));
	cr_expect(event_get(row, tt_id("dest"), &v, &len) && len == 1 &&
	    *v == 'h');
	cr_expect_not(event_has(row, tt_id("Processes.dest")));
	cr_expect(event_get(row, tt_id("n"), &v, &len) && *v == '2');
	spl_search_free(s);

	/* A quoted argument, as 33 library detections write it. */
	s = tt_compile("| tstats count from datamodel=Network_Traffic by "
	    "All_Traffic.dest | `drop_dm_object_name(\"All_Traffic\")`");
	cr_expect_str_eq(event_field_name(s->columns[0]), "dest");
	spl_search_free(s);

	/* No column matches: nothing renamed, as Splunk. */
	s = tt_compile("| tstats count from datamodel=Endpoint.Processes by "
	    "Processes.dest | rename Registry.* AS *");
	cr_expect_str_eq(event_field_name(s->columns[0]), "Processes.dest");
	spl_search_free(s);
}

/* End to end: two library detections, unchanged, on real events. */

static json_object	*tt_alerts[32];
static size_t		 tt_nalerts;

static void
tt_alert_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	(void)d;
	(void)arg;
	(void)len;
	cr_assert_lt(tt_nalerts, NELEM(tt_alerts));
	tt_alerts[tt_nalerts] = json_tokener_parse(json);
	cr_assert_not_null(tt_alerts[tt_nalerts], "%s", json);
	tt_nalerts++;
}

static const char *
tt_ev_str(json_object *alert, const char *key)
{
	json_object	*event, *v;

	if (!json_object_object_get_ex(alert, "event", &event) ||
	    !json_object_object_get_ex(event, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}


/* Feeds the example event of file in the data sources directory. */
static void
tt_feed(struct pipeline *pl, const char *file)
{
	char	 path[512], buf[16384];
	FILE	*fp;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/splunk_security_content_data_"
	    "sources/%s", tt_data(), file);
	cr_assert_not_null(fp = fopen(path, "rb"), "%s", path);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	pipeline_frame(pl, buf, n, 1795852800000LL);
}

Test(tstats, library_detections_on_security_content_examples)
{
	static const char *const others[] = {
		"sysmon_eventid_3.xml", "sysmon_eventid_7.xml",
		"sysmon_eventid_12.xml", "sysmon_eventid_13.xml",
		"sysmon_eventid_22.xml", "sysmon_for_linux_eventid_1.xml"
	};
	struct detection_set *set;
	struct pipeline_opts po;
	struct pipeline	*pl;
	char		 det[512], mac[512], *err = NULL;
	const char	*cmd = NULL, *mimi = NULL;
	json_object	*a;
	size_t		 k;

	event_fields_init();
	snprintf(det, sizeof(det), "%s/splunk_security_content_tstats/"
	    "detections", tt_data());
	snprintf(mac, sizeof(mac), "%s/splunk_security_content_tstats/"
	    "macros", tt_data());
	set = detection_set_load(det, mac, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	detection_set_use_cim(set, testref_cim_load());
	cr_assert_eq(set->ndatasets, 2, "Processes and Filesystem");
	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 1000;
	po.stats.max_bytes = 1 << 20;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	pl = pipeline_new(set, &po, tt_alert_cb, NULL);
	tt_nalerts = 0;
	tt_feed(pl, "sysmon_eventid_1.xml");
	tt_feed(pl, "sysmon_eventid_1.xml");
	tt_feed(pl, "sysmon_eventid_11.xml");
	for (k = 0; k < NELEM(others); k++)
		tt_feed(pl, others[k]);
	pipeline_flush(pl);
	cr_assert_eq(tt_nalerts, 2);
	for (k = 0; k < tt_nalerts; k++) {
		if (strcmp(tt_ev_str(tt_alerts[k], "detection"),
		    "CMD Carry Out String Command Parameter") == 0)
			cmd = (const char *)tt_alerts[k];
		else
			mimi = (const char *)tt_alerts[k];
	}
	cr_assert_not_null(cmd);
	cr_assert_not_null(mimi);

	/*
	 * EID 1 (cmd.exe /c "reg save ..."): the Processes fields of
	 * cim.conf (dest = Computer, user = User without its domain,
	 * process = CommandLine, ...), renamed by drop_dm_object_name;
	 * the search has no count.
	 */
	a = (json_object *)cmd;
	cr_expect_str_eq(tt_ev_str(a, "dest"),
	    "win-dc-6764986.attackrange.local");
	cr_expect_str_eq(tt_ev_str(a, "user"), "Administrator");
	cr_expect_str_eq(tt_ev_str(a, "parent_process_name"),
	    "powershell.exe");
	cr_expect_str_eq(tt_ev_str(a, "process_name"), "cmd.exe");
	cr_expect_str_eq(tt_ev_str(a, "original_file_name"), "Cmd.Exe");
	cr_expect_str_eq(tt_ev_str(a, "process"), "\"C:\\Windows\\system32\\"
	    "cmd.exe\" /c \"reg save HKLM\\sam %%temp%%\\sam & reg save "
	    "HKLM\\system %%temp%%\\system & reg save HKLM\\security "
	    "%%temp%%\\security\" ");
	cr_expect_str_eq(tt_ev_str(a, "process_id"), "2296");
	cr_expect_str_eq(tt_ev_str(a, "parent_process_id"), "4624");
	cr_expect_str_eq(tt_ev_str(a, "firstTime"), "2020-10-08T11:03:46");
	cr_expect_str_eq(tt_ev_str(a, "lastTime"), "2020-10-08T11:03:46");
	cr_expect_null(tt_ev_str(a, "count"));
	cr_expect_null(tt_ev_str(a, "Processes.dest"));

	/*
	 * EID 11 (a .pfx file written by mimikatz): by _time span=1h, so
	 * _time is the hour of UtcTime 2023-02-08 13:01:11.053.
	 */
	a = (json_object *)mimi;
	cr_expect_str_eq(tt_ev_str(a, "detection"),
	    "Windows Mimikatz Crypto Export File Extensions");
	cr_expect_str_eq(tt_ev_str(a, "_time"), "1675861200");
	cr_expect_str_eq(tt_ev_str(a, "dest"),
	    "win-dc-mhaag-attack-range-84.attackrange.local");
	cr_expect_str_eq(tt_ev_str(a, "file_name"),
	    "CURRENT_USER_My_4_atomic@art2.local.pfx");
	cr_expect_str_eq(tt_ev_str(a, "file_path"), "C:\\Users\\"
	    "Administrator\\Downloads\\mimikatz_trunk\\x64\\CURRENT_USER_My_4_"
	    "atomic@art2.local.pfx");
	cr_expect_str_eq(tt_ev_str(a, "file_create_time"),
	    "2023-02-08 13:01:11.053");
	cr_expect_str_eq(tt_ev_str(a, "count"), "1");
	for (k = 0; k < tt_nalerts; k++)
		json_object_put(tt_alerts[k]);
	pipeline_free(pl);
	detection_set_unref(set, __func__);
}
