/*
 * Tests of CSV lookups (lookup.c) and the lookup command (spl_lookup.c)
 * on the definitions of tests/data/lookups: tables of rows in and rows
 * out, with expected values from Splunk's documentation:
 *  lookup command:
 *   https://help.splunk.com/splunk-enterprise/spl-search-reference/10.0/search-commands/lookup
 *   (FIELD AS ROWFIELD; OUTPUT overwrites, OUTPUTNEW fills only absent
 *   fields; without OUTPUT every other column is an output)
 *  matching rules:
 *   https://help.splunk.com/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.4/use-the-configuration-files-to-configure-lookups/add-field-matching-rules-to-your-lookup-configuration
 *   (max_matches: the first N in file order, default 100; min_matches
 *   default 0; default_match up to min_matches)
 *  transforms.conf.spec: case_sensitive_match (default true),
 *   match_type = WILDCARD(<field>).
 * Multiple matches are multivalue ('\n'-joined, as values() rows are).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/lookup.h"
#include "test_lookups.h"
#include "detect/spl.h"

TestSuite(lookup, .init = lookups_open, .fini = lookups_close);

static const struct lookup_table *
tables(void *arg, const char *name, char *why, size_t whylen)
{
	return lookup_set_get(arg, name, why, whylen);
}

static struct spl_search *
compile(const char *text, struct spl_error *err)
{
	struct spl_env	 env;

	memset(&env, 0, sizeof(env));
	env.table = tables;
	env.table_arg = ls;
	return spl_compile_env(text, &env, err);
}

static int
fid(const char *name)
{
	return event_field_intern(name, strlen(name));
}

Test(lookup, tables_load_and_parse)
{
	const struct lookup_table *t;
	char		 why[256];
	size_t		 len;
	const char	*v;

	cr_assert_not_null(t = lookup_set_get(ls, "wild", why, sizeof(why)),
	    "%s", why);
	cr_expect_eq(lookup_table_nrows(t), 4);
	cr_expect_eq(lookup_table_ncolumns(t), 4);
	cr_expect_eq(lookup_table_column(t, "desc"), 3);
	cr_expect_eq(lookup_table_column(t, "Desc"), -1);
	cr_expect_eq(lookup_table_max_matches(t), 1);
	cr_expect_eq(lookup_table_min_matches(t), 1);
	cr_expect_str_eq(lookup_table_default_match(t), "false");
	v = lookup_table_cell(t, 0, 3, &len);
	cr_expect(len == 14 && memcmp(v, "PsExec, remote", len) == 0);
	v = lookup_table_cell(t, 1, 3, &len);
	cr_expect(len == 11 && memcmp(v, "mimi \"kiwi\"", len) == 0);
	(void)lookup_table_cell(t, 3, 1, &len);
	cr_expect_eq(len, 0, "an empty cell");
	cr_assert_not_null(t = lookup_set_get(ls, "exact", why, sizeof(why)),
	    "%s", why);
	cr_expect_eq(lookup_table_column(t, "user"), 0, "BOM skipped");
	cr_expect_eq(lookup_table_nrows(t), 5);
	(void)lookup_table_cell(t, 4, 1, &len);
	cr_expect_eq(len, 0, "a short row is padded");
	cr_expect_eq(lookup_table_max_matches(t), 100);
	cr_expect_eq(lookup_table_min_matches(t), 0);
	cr_expect_null(lookup_table_default_match(t));
	cr_expect_eq(lookup_set_get(ls, "exact", why, sizeof(why)), t,
	    "loaded once");
	cr_expect_eq(lookup_set_count(ls), 2);
	/* A WILDCARD() on a column the CSV lacks is ignored, as Splunk. */
	cr_expect_not_null(lookup_set_get(ls, "badtype", why, sizeof(why)),
	    "%s", why);
}

struct lk_case {
	const char	*cmd;		/* after "| stats count by a, b, c" */
	const char	*in[9];		/* name, value, ..., NULL */
	const char	*out[9];	/* name, value or NULL, ..., NULL */
};

Test(lookup, rows)
{
	static const struct lk_case cases[] = {
		/* WILDCARD, case-insensitive, max_matches 1: row 0. */
		{ "lookup wild name AS a OUTPUT isbad, desc AS d",
		    { "a", "C:\\x\\PSEXEC64.EXE", NULL },
		    { "isbad", "TRUE", "d", "PsExec, remote", "desc", NULL,
		    NULL } },
		/* Rows 2 (*.exe) and 3 match: the first in file order. */
		{ "lookup wild name AS a OUTPUT isbad",
		    { "a", "CMD.exe", NULL }, { "isbad", "system", NULL } },
		/* No match, min_matches 1: default_match. */
		{ "lookup wild name AS a OUTPUT isbad desc",
		    { "a", "notepad", NULL },
		    { "isbad", "false", "desc", "false", NULL } },
		/* An absent input matches nothing either. */
		{ "lookup wild name AS a OUTPUT isbad",
		    { "b", "x", NULL }, { "isbad", "false", NULL } },
		/* Two inputs: both must match the same row. */
		{ "lookup wild name AS a path AS b OUTPUT desc",
		    { "a", "Mimikatz.exe", "b", "c:\\tools\\m", NULL },
		    { "desc", "mimi \"kiwi\"", NULL } },
		{ "lookup wild name AS a path AS b OUTPUT desc",
		    { "a", "mimikatz.exe", "b", "D:\\tools\\m", NULL },
		    { "desc", "false", NULL } },
		{ "lookup wild name AS a path AS b OUTPUT desc",
		    { "a", "mimikatz.exe", "b", "c:\\windows\\m", NULL },
		    { "desc", "any exe", NULL } },
		/* OUTPUTNEW: a field the row has is left alone. */
		{ "lookup wild name AS a OUTPUTNEW isbad desc",
		    { "a", "x\\psexec.exe", "isbad", "keep", NULL },
		    { "isbad", "keep", "desc", "PsExec, remote", NULL } },
		/* A multivalue input: value by value, in its order. */
		{ "lookup wild name AS a OUTPUT desc",
		    { "a", "notepad\nmimikatz.exe", NULL },
		    { "desc", "false\nmimi \"kiwi\"", NULL } },
		{ "lookup exact user AS a OUTPUT role",
		    { "a", "bob\nalice\nbob", NULL },
		    { "role", "dev\nadmin\nowner\ndev", NULL } },
		/* Exact, case-sensitive, max_matches 100: multivalue. */
		{ "lookup exact user AS a OUTPUT role",
		    { "a", "alice", NULL }, { "role", "admin\nowner", NULL } },
		{ "lookup exact user AS a OUTPUT role",
		    { "a", "Alice", NULL }, { "role", "guest", NULL } },
		/* OUTPUT without a match overwrites with null. */
		{ "lookup exact user AS a OUTPUT role AS r",
		    { "a", "ALICE", "r", "old", NULL }, { "r", NULL, NULL } },
		/* OUTPUTNEW without a match keeps it. */
		{ "lookup exact user AS a OUTPUTNEW role AS r",
		    { "a", "ALICE", "r", "old", NULL }, { "r", "old", NULL } },
		/* No OUTPUT: every column but the inputs. */
		{ "lookup local=true exact user AS a",
		    { "a", "bob", NULL }, { "role", "dev", "user", NULL,
		    NULL } },
		/* An empty cell is no value. */
		{ "lookup exact user AS a",
		    { "a", "carol", "role", "x", NULL }, { "role", NULL,
		    NULL } },
		/* The input field itself may be an output. */
		{ "lookup exact role AS a OUTPUT user AS a",
		    { "a", "dev", NULL }, { "a", "bob", NULL } },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 row;
	const char	*v;
	const char *const *kv;
	char		 text[512];
	size_t		 k, j, len;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), "x=1 | stats count by a, b, c | "
		    "%s", cases[k].cmd);
		s = compile(text, &err);
		cr_assert_not_null(s, "%s: %s", text, err.msg);
		event_init(&row, 4096);
		for (kv = cases[k].in; kv[0] != NULL; kv += 2)
			event_set(&row, fid(kv[0]), kv[1], strlen(kv[1]));
		cr_expect(spl_post_apply(s, &row), "case %zu keeps", k);
		for (j = 0; cases[k].out[j] != NULL; j += 2) {
			if (cases[k].out[j + 1] == NULL) {
				cr_expect_not(event_has(&row,
				    fid(cases[k].out[j])), "case %zu: %s set",
				    k, cases[k].out[j]);
				continue;
			}
			cr_expect(event_get(&row, fid(cases[k].out[j]), &v,
			    &len) && len == strlen(cases[k].out[j + 1]) &&
			    memcmp(v, cases[k].out[j + 1], len) == 0,
			    "case %zu: %s, want '%s'", k, cases[k].out[j],
			    cases[k].out[j + 1]);
		}
		event_clear(&row);
		spl_search_free(s);
	}
}

/*
 * A multivalue input of many values (more than the lookup keeps on the
 * stack), and empty values between them: value by value, in its order,
 * every match of each (exact.csv: bob is dev; alice is admin, owner).
 */
Test(lookup, many_values)
{
	struct spl_search *s;
	struct spl_error err;
	struct event	 row;
	const char	*v;
	char		 in[1024], want[2048];
	size_t		 k, len, n = 0, m = 0;

	for (k = 0; k < 70; k++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%s%s%s",
		    k > 0 ? "\n" : "", k % 7 == 3 ? "\n" : "",
		    k % 2 == 0 ? "bob" : "alice");
		m += (size_t)snprintf(want + m, sizeof(want) - m, "%s%s",
		    k > 0 ? "\n" : "", k % 2 == 0 ? "dev" : "admin\nowner");
	}
	s = compile("x=1 | stats count by a | lookup exact user AS a "
	    "OUTPUT role", &err);
	cr_assert_not_null(s, "%s", err.msg);
	event_init(&row, 4096);
	event_set(&row, fid("a"), in, n);
	cr_expect(spl_post_apply(s, &row));
	cr_expect(event_get(&row, fid("role"), &v, &len) && len == m &&
	    memcmp(v, want, m) == 0, "role is '%.*s'", (int)len, v);
	event_clear(&row);
	spl_search_free(s);
}

/* The outputs are columns of the row. */
Test(lookup, columns)
{
	struct spl_search *s;
	struct spl_error err;

	s = compile("x=1 | stats count by a | lookup wild name AS a OUTPUT "
	    "isbad AS bad, desc", &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->ncolumns, 4);
	cr_expect_str_eq(event_field_name(s->columns[2]), "bad");
	cr_expect_str_eq(event_field_name(s->columns[3]), "desc");
	spl_search_free(s);
}

Test(lookup, refusals)
{
	static const struct {
		const char	*cmd, *msg;
	} cases[] = {
		{ "lookup nope a", "lookup table 'nope': no lookup "
		    "definition nope.yml" },
		{ "lookup kv dest", "a KV store collection, not a CSV "
		    "lookup" },
		{ "lookup nocsv a", "file nocsv.csv: No such file" },
		{ "lookup cidr user", "match_type 'CIDR' is not supported" },
		{ "lookup exact nope AS a", "lookup table 'exact' has no "
		    "column 'nope'" },
		{ "lookup exact user AS a OUTPUT nope",
		    "has no column 'nope'" },
		{ "lookup exact", "lookup needs a lookup field" },
		{ "lookup exact user OUTPUT", "needs a field after OUTPUT" },
		{ "lookup ../exact user", "no lookup definition" },
	};
	struct spl_search *s;
	struct spl_error err;
	char		 text[256];
	size_t		 k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), "x=1 | stats count by a | %s",
		    cases[k].cmd);
		s = compile(text, &err);
		cr_expect_null(s, "%s compiles", text);
		spl_search_free(s);
		cr_expect(strstr(err.msg, cases[k].msg) != NULL,
		    "%s: '%s', want '%s'", text, err.msg, cases[k].msg);
	}
	/* Without lookup definitions at all. */
	cr_expect_null(spl_compile("x=1 | stats count by a | lookup exact "
	    "user AS a", NULL, NULL, &err));
	cr_expect(strstr(err.msg, "no lookup definitions") != NULL, "%s",
	    err.msg);
}

/*
 * lookup before stats runs on the detection's own copy of each event,
 * as security_content's DLL search order hunt does ("lookup hijacklibs
 * ... OUTPUT islibrary | search islibrary = True | stats ...").
 */
Test(lookup, before_stats_on_the_copy)
{
	static const struct {
		const char	*a;
		bool		 keep;
	} cases[] = {
		{ "C:\\x\\PsExec.exe", true },
		{ "notepad.exe", false },
		{ NULL, false },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev, copy;
	size_t		 k;

	s = compile("x=1 | lookup wild name AS a OUTPUT isbad | search "
	    "isbad=true | stats count by a", &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_expect_eq(s->npre, 2);
	for (k = 0; k < s->nfields; k++)
		cr_expect_neq(s->fields[k], fid("isbad"), "isbad is made");
	event_init(&ev, 1024);
	event_init(&copy, 1024);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		event_reset(&ev);
		event_set(&ev, fid("x"), "1", 1);
		if (cases[k].a != NULL)
			event_set(&ev, fid("a"), cases[k].a,
			    strlen(cases[k].a));
		cr_expect_eq(spl_pre_apply(s, &ev, &copy), cases[k].keep,
		    "case %zu", k);
		cr_expect_not(event_has(&ev, fid("isbad")), "shared event");
	}
	event_clear(&ev);
	event_clear(&copy);
	spl_search_free(s);
}
