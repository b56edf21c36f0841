/*
 * Tests of rex and regex: tables of searches, input rows or events and
 * the rows Splunk documents for them, including absent fields and
 * multivalue fields; Splunk's unescaping of the quoted pattern; regex
 * before stats as a filter term; and the precise refusals.
 * Sources:
 *  rex:   https://help.splunk.com/splunk-enterprise/spl-search-reference/9.1/search-commands/rex
 *         (named groups become fields; max_match: "If greater than 1,
 *         the resulting fields are multivalued fields", default 1, 0 for
 *         unlimited; the default field is _raw; mode=sed)
 *  regex: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/regex
 *         (F="re" keeps the results that match, F!="re" those that do
 *         not; unanchored PCRE)
 *  quoting: "SPL and regular expressions" in the Search Manual, linked
 *         from both pages: in a quoted string "\\" is one backslash.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/spl.h"

static bool
no_macros(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *out)
{
	(void)arg;
	(void)name;
	(void)nargs;
	(void)out;
	return false;
}

static int
fid(const char *name)
{
	return event_field_intern(name, strlen(name));
}

/* Sets "name=value" pairs, '\n' in a value making it multivalue. */
static void
row_fill(struct event *row, const char *const *kv)
{
	for (; kv[0] != NULL; kv += 2)
		cr_assert_eq(event_set(row, fid(kv[0]), kv[1],
		    strlen(kv[1])), 0);
}

/* Whether the row's field is want (NULL: absent). */
static void
row_expect(const struct event *row, const char *name, const char *want,
    const char *what)
{
	const char	*v;
	size_t		 len;

	if (!event_get(row, fid(name), &v, &len)) {
		cr_expect_null(want, "%s: %s absent, want '%s'", what, name,
		    want);
		return;
	}
	cr_expect_not_null(want, "%s: %s='%.*s', want absent", what, name,
	    (int)len, v);
	if (want != NULL)
		cr_expect(len == strlen(want) && memcmp(v, want, len) == 0,
		    "%s: %s='%.*s', want '%s'", what, name, (int)len, v, want);
}

struct row_case {
	const char	*search;	/* after "| stats count by f" */
	const char	*in[9];		/* name, value, ..., NULL */
	bool		 keep;
	const char	*out[9];	/* name, value or NULL, ..., NULL */
};

/* The row commands after stats, on rows given as tables. */
Test(spl_rex, rows_after_stats)
{
	static const struct row_case cases[] = {
		/* rex page: named groups become fields. */
		{ "rex field=f \"From: <(?<from>.*)> To: <(?<to>.*)>\"",
		    { "f", "From: <a@x> To: <b@y>", NULL }, true,
		    { "from", "a@x", "to", "b@y", NULL } },
		/* No match: the row is kept, nothing is added. */
		{ "rex field=f \"From: <(?<from>.*)>\"",
		    { "f", "nothing here", NULL }, true,
		    { "from", NULL, "f", "nothing here", NULL } },
		/* An absent field: the row is kept unchanged. */
		{ "rex field=g \"(?<from>.+)\"",
		    { "f", "x", NULL }, true, { "from", NULL, NULL } },
		/* max_match default 1: the first match only. */
		{ "rex field=f \"(?<n>\\\\d+)\"",
		    { "f", "a1b22c333", NULL }, true, { "n", "1", NULL } },
		/* max_match=0: unlimited, a multivalue field. */
		{ "rex field=f max_match=0 \"(?<n>\\\\d+)\"",
		    { "f", "a1b22c333", NULL }, true,
		    { "n", "1\n22\n333", NULL } },
		{ "rex max_match=2 field=f \"(?<n>\\\\d+)\"",
		    { "f", "a1b22c333", NULL }, true,
		    { "n", "1\n22", NULL } },
		/* security_content's form: (?P<name>), \( literal. */
		{ "rex field=f max_match=10000 \"\\((?P<ace>.*?)\\)\"",
		    { "f", "D:(A;;GA;;;SY)(D;;WD;;;WD)", NULL }, true,
		    { "ace", "A;;GA;;;SY\nD;;WD;;;WD", NULL } },
		/* ".+\\\)" is ".+\\)": up to the last backslash. */
		{ "rex field=f \"(?<dir>.+\\\\\\)\"",
		    { "f", "C:\\Windows\\System32\\a.dll", NULL }, true,
		    { "dir", "C:\\Windows\\System32\\", NULL } },
		/* A multivalue field is matched value by value. */
		{ "rex field=f max_match=0 \"^(?<first>\\\\w)\"",
		    { "f", "abc\ndef", NULL }, true,
		    { "first", "a\nd", NULL } },
		/* A group that takes no part sets nothing. */
		{ "rex field=f \"(?<a>x)|(?<b>y)\"",
		    { "f", "y", "a", "old", NULL }, true,
		    { "a", "old", "b", "y", NULL } },
		/* Empty captures are not values. */
		{ "rex field=f max_match=0 \"(?<e>z*)\"",
		    { "f", "abz", NULL }, true, { "e", "z", NULL } },
		/* rex page, mode=sed: mask a credit card number. */
		{ "rex field=f mode=sed \"s/(\\\\d{4}-){3}/XXXX-XXXX-XXXX-/g\"",
		    { "f", "1234-5678-9012-3456", NULL }, true,
		    { "f", "XXXX-XXXX-XXXX-3456", NULL } },
		/* The first match by default, the Nth with N. */
		{ "rex field=f mode=sed \"s/a/b/\"", { "f", "aaa", NULL },
		    true, { "f", "baa", NULL } },
		{ "rex field=f mode=sed \"s/a/b/2\"", { "f", "aaa", NULL },
		    true, { "f", "aba", NULL } },
		/* \N names a group; another delimiter; \| for it. */
		{ "rex field=f mode=sed \"s|(\\\\w+)@(\\\\w+)|\\\\2\\\\|\\\\1|\"",
		    { "f", "bob@corp", NULL }, true,
		    { "f", "corp|bob", NULL } },
		/* base64decode's "s/\x00//g" compiles; \001 is no NUL. */
		{ "rex field=f mode=sed \"s/\\x00//g\"",
		    { "f", "a\001b", NULL }, true, { "f", "a\001b", NULL } },
		/* Each value of a multivalue field; all removed: absent. */
		{ "rex field=f mode=sed \"s/^x//g\"",
		    { "f", "xa\nxb", NULL }, true, { "f", "a\nb", NULL } },
		{ "rex field=f mode=sed \"s/.*//\"",
		    { "f", "abc", NULL }, true, { "f", NULL, NULL } },
		/* Empty matches advance: x* on "ab" (global). */
		{ "rex field=f mode=sed \"s/x*/-/g\"",
		    { "f", "ab", NULL }, true, { "f", "-a-b-", NULL } },
		/* regex page: F= keeps matches, F!= the others. */
		{ "regex f=\"(?i)(rundll32\\.exe.{0,4}$)\"",
		    { "f", "C:\\RUNDLL32.EXE", NULL }, true, { NULL } },
		{ "regex f=\"(?i)(rundll32\\.exe.{0,4}$)\"",
		    { "f", "rundll32.exe foo.dll,Entry", NULL }, false,
		    { NULL } },
		{ "regex f!=\"^[0-9a-fA-F]{8}\"",
		    { "f", "deadbeef", NULL }, false, { NULL } },
		{ "regex f!=\"^[0-9a-fA-F]{8}\"",
		    { "f", "dead", NULL }, true, { NULL } },
		/* Case-sensitive unless (?i). */
		{ "regex f=\"EXE\"", { "f", "a.exe", NULL }, false, { NULL } },
		/* Absent: never matches, so F= drops and F!= keeps. */
		{ "regex g=\"x\"", { "f", "x", NULL }, false, { NULL } },
		{ "regex g!=\"x\"", { "f", "x", NULL }, true, { NULL } },
		/* Multivalue: any value matching is a match. */
		{ "regex f=\"^d\"", { "f", "abc\ndef", NULL }, true, { NULL } },
		{ "regex f!=\"^d\"", { "f", "abc\ndef", NULL }, false,
		    { NULL } },
		/* \x{202E}: the right-to-left override, one code point. */
		{ "regex f=\"\\\\x{202E}\"",
		    { "f", "a\xe2\x80\xae" "fdp.exe", NULL }, true, { NULL } },
		/* A quoted pattern may hold a quote: \". */
		{ "regex f=\"\\\"x\\\"\"", { "f", "say \"x\"", NULL }, true,
		    { NULL } },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 row;
	char		 text[512], what[64];
	size_t		 k, j;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), "x=1 | stats count by f, g | %s",
		    cases[k].search);
		snprintf(what, sizeof(what), "case %zu", k);
		s = spl_compile(text, no_macros, NULL, &err);
		cr_assert_not_null(s, "%s: %s: %s", what, text, err.msg);
		event_init(&row, 4096);
		row_fill(&row, cases[k].in);
		cr_expect_eq(spl_post_apply(s, &row), cases[k].keep,
		    "%s: %s", what, text);
		for (j = 0; cases[k].out[j] != NULL; j += 2)
			row_expect(&row, cases[k].out[j],
			    cases[k].out[j + 1], what);
		event_clear(&row);
		spl_search_free(s);
	}
}

/* rex adds its groups to the output columns, after stats' own. */
Test(spl_rex, columns)
{
	struct spl_search *s;
	struct spl_error err;

	s = spl_compile("x=1 | stats count by f | rex field=f "
	    "\"(?<b>.)(?<a>.)\"", no_macros, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->ncolumns, 4);
	cr_expect_str_eq(event_field_name(s->columns[2]), "a");
	cr_expect_str_eq(event_field_name(s->columns[3]), "b");
	spl_search_free(s);
}

/* regex before stats is a term of the filter, on the event itself. */
Test(spl_rex, regex_before_stats_filters_events)
{
	static const struct {
		const char	*pipe, *value;
		bool		 match;
	} cases[] = {
		{ "PipeName=\"^\\\\\\{[0-9a-fA-F]{8}-\"", "\\{0123abcd-1", true },
		{ "PipeName=\"^\\\\\\{[0-9a-fA-F]{8}-\"", "\\{0123abcx-1", false },
		{ "PipeName!=\"^\\\\\\{[0-9a-fA-F]{8}-\"", "\\{0123abcx-1",
		    true },
		{ "PipeName=\"a\"", NULL, false },
		{ "PipeName!=\"a\"", NULL, true },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev;
	char		 text[256];
	size_t		 k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(text, sizeof(text), "EventCode=17 | regex %s | "
		    "stats count by PipeName", cases[k].pipe);
		s = spl_compile(text, no_macros, NULL, &err);
		cr_assert_not_null(s, "%s: %s", text, err.msg);
		cr_expect_eq(s->npost, 0, "%s: in the filter", text);
		cr_expect_eq(s->event_code, 17, "EventCode still first");
		event_init(&ev, 1024);
		event_set(&ev, EVENT_F_EVENTCODE, "17", 2);
		if (cases[k].value != NULL)
			event_set(&ev, fid("PipeName"), cases[k].value,
			    strlen(cases[k].value));
		cr_expect_eq(spl_match(s->filter, &ev), cases[k].match,
		    "case %zu: %s", k, text);
		event_set(&ev, EVENT_F_EVENTCODE, "18", 2);
		cr_expect_not(spl_match(s->filter, &ev));
		event_clear(&ev);
		spl_search_free(s);
	}
}

/* What is refused, and where. */
Test(spl_rex, refusals)
{
	static const struct {
		const char	*text, *msg;
		int		 column;
	} cases[] = {
		{ "x=1 | stats count by f | rex \"(?<a>.)\"",
		    "rex on _raw is not supported", 26 },
		{ "x=1 | stats count by f | regex \"a\"",
		    "regex on _raw is not supported", 32 },
		{ "x=1 | stats count by f | rex field=f mode=sed "
		    "\"y/ab/cd/\"", "y/// is not supported", 47 },
		{ "x=1 | stats count by f | rex field=f mode=sed "
		    "\"s/a/&&/\"", "'&' in the replacement", 47 },
		{ "x=1 | stats count by f | rex field=f mode=sed "
		    "\"s/a/b/i\"", "flags 'i' are not supported", 47 },
		{ "x=1 | stats count by f | rex field=f mode=sed "
		    "\"s/a/b\"", "expected s/REGEX/REPLACEMENT/FLAGS", 47 },
		{ "x=1 | stats count by f | rex field=f mode=x "
		    "\"s/a/b/\"", "rex mode must be sed", 43 },
		{ "x=1 | stats count by f | rex field=f offset_field=o "
		    "\"(?<a>.)\"", "rex offset_field is not supported", 38 },
		{ "x=1 | stats count by f | rex field=f \"(a)\"",
		    "has no named group", 38 },
		{ "x=1 | stats count by f | rex field=f \"(?<a>.+\\)\"",
		    "bad regular expression", 38 },
		{ "x=1 | stats count by f | rex field=f max_match=-1 "
		    "\"(?<a>.)\"", "max_match must be a number", 48 },
		{ "x=1 | stats count by f | rex field=f", "needs a quoted", 26 },
		{ "x=1 | stats count by f | regex f \"a\"", "expected FIELD=",
		    32 },
		{ "x=1 | regex f=a | stats count", "needs a quoted "
		    "regular expression", 15 },
		{ "x=1 | regex f=\"(\" | stats count", "bad regular "
		    "expression", 15 },
		{ "x=1 | regex f=\"a\" g | stats count", "unexpected 'g'",
		    19 },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		s = spl_compile(cases[k].text, no_macros, NULL, &err);
		cr_expect_null(s, "%s compiles", cases[k].text);
		spl_search_free(s);
		cr_expect(strstr(err.msg, cases[k].msg) != NULL,
		    "%s: '%s', want '%s'", cases[k].text, err.msg,
		    cases[k].msg);
		cr_expect_eq(err.column, cases[k].column, "%s: column %d",
		    cases[k].text, err.column);
	}
}

/*
 * rex before stats runs on the detection's own copy of each event (the
 * shared event is never changed): its fields feed stats and a later
 * regex, and the filter's field list names what it reads, not what it
 * makes.
 */
Test(spl_rex, rex_before_stats_on_the_copy)
{
	static const struct {
		const char	*image, *drive;
		bool		 keep;
	} cases[] = {
		{ "C:\\Windows\\a.exe", "C", true },
		{ "D:\\a.exe", "D", false },
		{ "a.exe", NULL, false },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev, copy;
	const char	*v;
	size_t		 k, len;

	s = spl_compile("EventCode=7 | rex field=Image \"^(?<drive>\\\\w):\" "
	    "| regex drive=\"^[A-C]$\" | stats count by drive", no_macros,
	    NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_expect_eq(s->npre, 2);
	cr_expect_eq(s->npost, 0);
	for (k = 0; k < s->nfields; k++)
		cr_expect_neq(s->fields[k], fid("drive"), "drive is made");
	event_init(&ev, 1024);
	event_init(&copy, 1024);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		event_reset(&ev);
		event_set(&ev, EVENT_F_EVENTCODE, "7", 1);
		event_set(&ev, fid("Image"), cases[k].image,
		    strlen(cases[k].image));
		cr_assert(spl_match(s->filter, &ev));
		cr_expect_eq(spl_pre_apply(s, &ev, &copy), cases[k].keep,
		    "case %zu", k);
		cr_expect_not(event_has(&ev, fid("drive")), "shared event");
		if (cases[k].drive != NULL)
			cr_expect(event_get(&copy, fid("drive"), &v, &len) &&
			    len == 1 && v[0] == cases[k].drive[0]);
	}
	event_clear(&ev);
	event_clear(&copy);
	spl_search_free(s);
}

/*
 * security_content's side-loading detections: two rex and a where
 * comparing what they made, before stats.  The where must run on the
 * copy after the rex (not in the filter, where the fields do not exist
 * yet), and the fields it reads that rex made are not event fields.
 */
Test(spl_rex, where_after_rex_before_stats)
{
	static const struct {
		const char	*image, *loaded;
		bool		 keep;
	} cases[] = {
		{ "C:\\Users\\a\\x.exe", "C:\\Users\\a\\y.dll", true },
		{ "C:\\Users\\a\\x.exe", "C:\\Windows\\y.dll", false },
		{ "x.exe", "y.dll", false },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev, copy;
	size_t		 k;

	s = spl_compile("EventCode=7 | rex field=Image "
	    "\"(?<ImageFolderPath>.+\\\\\\)\" | rex field=ImageLoaded "
	    "\"(?<ImageLoadedFolderPath>.+\\\\\\)\" | where ImageFolderPath "
	    "= ImageLoadedFolderPath | stats count by ImageFolderPath",
	    no_macros, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_expect_eq(s->npre, 3);
	for (k = 0; k < s->nfields; k++)
		cr_expect(s->fields[k] != fid("ImageFolderPath") &&
		    s->fields[k] != fid("ImageLoadedFolderPath"),
		    "%s is made, not read", event_field_name(s->fields[k]));
	event_init(&ev, 1024);
	event_init(&copy, 1024);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		event_reset(&ev);
		event_set(&ev, EVENT_F_EVENTCODE, "7", 1);
		event_set(&ev, fid("Image"), cases[k].image,
		    strlen(cases[k].image));
		event_set(&ev, fid("ImageLoaded"), cases[k].loaded,
		    strlen(cases[k].loaded));
		cr_assert(spl_match(s->filter, &ev), "case %zu", k);
		cr_expect_eq(spl_pre_apply(s, &ev, &copy), cases[k].keep,
		    "case %zu", k);
	}
	event_clear(&ev);
	event_clear(&copy);
	spl_search_free(s);
}
