/*
 * Tests of eval and where (spl_eval.c, spl_func.c): every operator and
 * function on a fixed row, table-driven, with the expected results of
 * Splunk's documentation (the page is cited above each group of rows),
 * including null and multivalue cases; the refusals with their line and
 * column; where before stats as a term of the filter.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/spl.h"

/* Splunk's Search Reference, evaluation functions and commands. */
#define DOC	"https://help.splunk.com/splunk-enterprise/spl-search-" \
		"reference/9.4/"
#define DOC_COND	DOC "evaluation-functions/comparison-and-" \
			"conditional-functions"
#define DOC_CONV	DOC "evaluation-functions/conversion-functions"
#define DOC_MATH	DOC "evaluation-functions/mathematical-functions"
#define DOC_MV		DOC "evaluation-functions/multivalue-eval-functions"
#define DOC_TEXT	DOC "evaluation-functions/text-functions"
#define DOC_TIME	DOC "evaluation-functions/date-and-time-functions"
#define DOC_INFO	DOC "evaluation-functions/informational-functions"
#define DOC_STAT	DOC "evaluation-functions/statistical-eval-functions"
#define DOC_EVAL	DOC "search-commands/eval"
#define DOC_WHERE	DOC "search-commands/where"

/* The row every case runs on: a stats row, values() joined by '\n'. */
static const struct {
	const char	*name;
	const char	*value;
} row_fields[] = {
	{ "s", "Hello World" },
	{ "n", "42" },
	{ "f", "3.5" },
	{ "neg", "-7" },
	{ "mv", "a\nb\nc" },
	{ "nums", "3\n10\n7" },
	{ "dup", "x\ny\nx\nz\ny" },
	{ "ip", "10.1.2.3" },
	{ "ip6", "2001:db8::1" },
	{ "path", "C:\\Windows\\System32\\cmd.exe" },
	{ "user", "buttercup" },
	{ "other", "buttercup" },
	{ "status", "404" },
	{ "t", "1586956800" },
	{ "email", "a@example.net\nb@example.com\nc@example.org" },
	{ "1field", "first" },
	{ "date", "1/14/2017" }
};

static void
row_fill(struct event *row)
{
	size_t	 k;
	int	 id;

	event_init(row, 8192);
	for (k = 0; k < sizeof(row_fields) / sizeof(row_fields[0]); k++) {
		id = event_field_intern(row_fields[k].name,
		    strlen(row_fields[k].name));
		cr_assert_neq(id, -1);
		cr_assert_eq(event_set(row, id, row_fields[k].value,
		    strlen(row_fields[k].value)), 0);
	}
}

static struct spl_search *
compile_ok(const char *text)
{
	struct spl_search *s;
	struct spl_error err;

	s = spl_compile(text, NULL, NULL, &err);
	cr_assert_not_null(s, "%s: %d:%d %s", text, err.line, err.column,
	    err.msg);
	return s;
}

/* eval r=EXPR on the row; want NULL: r is null (unset). */
struct eval_case {
	const char	*expr;
	const char	*want;
	const char	*doc;
};

static void
run_eval_cases(const struct eval_case *tab, size_t n)
{
	struct spl_search *s;
	struct event	 row;
	const char	*v;
	size_t		 k, len;
	char		 text[1024];
	int		 r;

	for (k = 0; k < n; k++) {
		snprintf(text, sizeof(text), "x=1 | stats count | eval r=%s",
		    tab[k].expr);
		s = compile_ok(text);
		row_fill(&row);
		r = event_field_lookup("r", 1);
		cr_assert(spl_post_apply(s, &row));
		if (tab[k].want == NULL)
			cr_assert(!event_has(&row, r), "%s: want null, got "
			    "'%.*s' (%s)", tab[k].expr,
			    (int)row.val[r].len, row.val[r].ptr, tab[k].doc);
		else {
			cr_assert(event_get(&row, r, &v, &len), "%s: want "
			    "'%s', got null (%s)", tab[k].expr, tab[k].want,
			    tab[k].doc);
			cr_assert(len == strlen(tab[k].want) &&
			    memcmp(v, tab[k].want, len) == 0,
			    "%s: want '%s', got '%.*s' (%s)", tab[k].expr,
			    tab[k].want, (int)len, v, tab[k].doc);
		}
		event_clear(&row);
		spl_search_free(s);
	}
}

/* where EXPR on the row: kept or not. */
struct where_case {
	const char	*expr;
	bool		 keep;
	const char	*doc;
};

static void
run_where_cases(const struct where_case *tab, size_t n)
{
	struct spl_search *s;
	struct event	 row;
	size_t		 k;
	char		 text[1024];

	for (k = 0; k < n; k++) {
		snprintf(text, sizeof(text), "x=1 | stats count | where %s",
		    tab[k].expr);
		s = compile_ok(text);
		row_fill(&row);
		cr_assert_eq(spl_post_apply(s, &row), tab[k].keep,
		    "where %s: want %s (%s)", tab[k].expr, tab[k].keep ?
		    "kept" : "dropped", tab[k].doc);
		event_clear(&row);
		spl_search_free(s);
	}
}

#define NCASES(t)	(sizeof(t) / sizeof((t)[0]))

Test(eval, operators)
{
	static const struct eval_case tab[] = {
		/* DOC_EVAL: arithmetic, concatenation, precedence */
		{ "1 + 2 * 3", "7", DOC_EVAL },
		{ "(1 + 2) * 3", "9", DOC_EVAL },
		{ "10 / 4", "2.5", DOC_EVAL },
		{ "10 % 3", "1", DOC_EVAL },
		{ "n - 50", "-8", DOC_EVAL },
		{ "-n", "-42", DOC_EVAL },
		{ "f * 2", "7", DOC_EVAL },
		{ "n . \"x\"", "42x", DOC_EVAL },
		{ "\"a\" . 1 + 2", "a3", DOC_EVAL },
		{ "user . \" \" . s", "buttercup Hello World", DOC_EVAL },
		/* + of two strings concatenates (DOC_TEXT substr example) */
		{ "substr(\"string\", 1, 3) + substr(\"string\", -3)",
		    "string", DOC_TEXT },
		/* null propagates through operators */
		{ "missing + 1", NULL, DOC_EVAL },
		{ "missing . \"x\"", NULL, DOC_EVAL },
		{ "s * 2", NULL, DOC_EVAL },
		{ "1 / 0", NULL, DOC_EVAL },
		{ "'1field'", "first", DOC_WHERE },
		{ "0.1 + 0.2", "0.3", DOC_EVAL },
		{ ".25 * 4", "1", DOC_EVAL },
		{ "1e3", "1000", DOC_EVAL },
	};

	run_eval_cases(tab, NCASES(tab));
}

Test(eval, where_comparisons)
{
	static const struct where_case tab[] = {
		{ "n > 40", true, DOC_WHERE },
		{ "n > 100", false, DOC_WHERE },
		{ "n >= 42 AND n <= 42", true, DOC_WHERE },
		{ "n = 42.0", true, DOC_WHERE },
		{ "n == \"42\"", true, DOC_WHERE },
		{ "nums > 9", true, DOC_MV },
		{ "user = other", true, DOC_WHERE },
		{ "user != other", false, DOC_WHERE },
		{ "user = \"Buttercup\"", false, DOC_WHERE },
		{ "user = \"buttercup\"", true, DOC_WHERE },
		{ "user < \"c\"", true, DOC_WHERE },
		{ "mv = \"b\"", true, DOC_MV },
		{ "mv = \"d\"", false, DOC_MV },
		{ "missing = 1", false, DOC_WHERE },
		{ "missing != 1", false, DOC_WHERE },
		{ "NOT missing = 1", false, DOC_WHERE },
		{ "isnull(missing) OR missing = 1", true, DOC_COND },
		{ "n > 40 XOR n > 30", false, DOC_EVAL },
		{ "n > 40 XOR n > 50", true, DOC_EVAL },
		{ "n > 40 and user = other", true, DOC_EVAL },
		{ "NOT (n > 40 OR n < 0)", false, DOC_EVAL },
		{ "status IN (\"400\", \"404\")", true, DOC_COND },
		{ "status IN (500, 503)", false, DOC_COND },
		{ "NOT status IN (500, 503)", true, DOC_COND },
		{ "user LIKE \"butter%\"", true, DOC_COND },
		{ "user LIKE \"b_ttercup\"", true, DOC_COND },
		{ "user LIKE \"Butter%\"", false, DOC_COND },
		{ "path LIKE \"%\\\\System32\\\\%\"", true, DOC_COND },
		{ ".25 > (1/n)", true, DOC_EVAL },
	};

	run_where_cases(tab, NCASES(tab));
}

Test(eval, conditional_functions)
{
	static const struct eval_case tab[] = {
		{ "if(status == 404, \"Not found\", \"OK\")", "Not found",
		    DOC_COND },
		{ "if(status == 200, \"OK\", \"Error\")", "Error", DOC_COND },
		{ "if(missing == 1, \"yes\", \"no\")", "no", DOC_COND },
		{ "case(status == 200, \"OK\", status == 404, \"Not found\", "
		    "status == 500, \"Internal Server Error\")", "Not found",
		    DOC_COND },
		{ "case(status == 200, \"OK\")", NULL, DOC_COND },
		{ "CASE(status == 200, \"OK\", true(), \"Other\")", "Other",
		    DOC_COND },
		{ "coalesce(missing, other_missing, user)", "buttercup",
		    DOC_COND },
		{ "coalesce(missing)", NULL, DOC_COND },
		{ "if(isnull(missing), 1, 0)", "1", DOC_COND },
		{ "if(isnotnull(user), 1, 0)", "1", DOC_COND },
		{ "if(isnum(n), 1, 0)", "1", DOC_INFO },
		{ "if(isnum(s), 1, 0)", "0", DOC_INFO },
		{ "if(isstr(s), 1, 0)", "1", DOC_INFO },
		{ "if(isstr(n), 1, 0)", "0", DOC_INFO },
		{ "if(isint(f), 1, 0)", "0", DOC_INFO },
		{ "nullif(user, other)", NULL, DOC_COND },
		{ "nullif(user, s)", "buttercup", DOC_COND },
		{ "null()", NULL, DOC_COND },
		{ "if(like(user, \"%cup\"), 1, 0)", "1", DOC_COND },
		{ "if(like(mv, \"c\"), 1, 0)", "1", DOC_COND },
		{ "if(like(missing, \"%\"), 1, 0)", "0", DOC_COND },
		{ "if(cidrmatch(\"10.0.0.0/8\", ip), 1, 0)", "1", DOC_COND },
		{ "if(cidrmatch(\"192.0.2.0/24\", ip), 1, 0)", "0", DOC_COND },
		{ "if(cidrmatch(\"10.1.2.3/32\", ip), 1, 0)", "1", DOC_COND },
		{ "if(cidrmatch(\"10.1.2.0/25\", ip), 1, 0)", "1", DOC_COND },
		{ "if(cidrmatch(\"2001:db8::/32\", ip6), 1, 0)", "1",
		    DOC_COND },
		{ "if(cidrmatch(\"10.0.0.0/8\", s), 1, 0)", "0", DOC_COND },
		{ "if(in(status, \"404\", \"500\"), 1, 0)", "1", DOC_COND },
		{ "tostring(1 == 1)", "True", DOC_CONV },
		{ "if(match(ip, \"^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\."
		    "\\d{1,3}$\"), 1, 0)", "1", DOC_COND },
		{ "if(match(s, \"^\\d\"), 1, 0)", "0", DOC_COND },
		{ "if(match(s, \"(?i)WORLD\"), 1, 0)", "1", DOC_COND },
		{ "if(match(s, \"WORLD\"), 1, 0)", "0", DOC_COND },
		{ "if(match(mv, \"^b$\"), 1, 0)", "1", DOC_COND },
		{ "if(match(missing, \"x\"), 1, 0)", "0", DOC_COND },
		/* A pattern computed per row (after stats only). */
		{ "if(match(path, \"(?i)\" . \"CMD\\.EXE$\"), 1, 0)", "1",
		    DOC_COND },
		{ "if(match(path, \"(\" . user), 1, 0)", "0", DOC_COND },
		{ "if(match(path, missing), 1, 0)", "0", DOC_COND },
		{ "replace(s, \"(\" . \"o)\", \"[\\1]\")", "Hell[o] W[o]rld",
		    DOC_TEXT },
		{ "mvfind(mv, \"\" . \"b\")", "1", DOC_MV },
	};

	run_eval_cases(tab, NCASES(tab));
}

Test(eval, text_functions)
{
	static const struct eval_case tab[] = {
		{ "len(user)", "9", DOC_TEXT },
		{ "len(\"tenderhoof\")", "10", DOC_TEXT },
		{ "len(\"\xc3\xa9t\xc3\xa9\")", "3", DOC_TEXT },
		{ "len(missing)", NULL, DOC_TEXT },
		{ "lower(s)", "hello world", DOC_TEXT },
		{ "upper(s)", "HELLO WORLD", DOC_TEXT },
		{ "upper(mv)", "A\nB\nC", DOC_TEXT },
		{ "lower(missing)", NULL, DOC_TEXT },
		{ "substr(\"string\", 1, 3)", "str", DOC_TEXT },
		{ "substr(\"string\", -3)", "ing", DOC_TEXT },
		{ "substr(\"string\", 3)", "ring", DOC_TEXT },
		{ "trim(\"   ZZZZabcZZ \", \" Z\")", "abc", DOC_TEXT },
		{ "ltrim(\"   ZZZZabcZZ \", \" Z\")", "abcZZ ", DOC_TEXT },
		{ "rtrim(\"   ZZZZabcZZ \", \" Z\")", "   ZZZZabc", DOC_TEXT },
		{ "trim(\"  x \")", "x", DOC_TEXT },
		{ "replace(date, \"^(\\d{1,2})/(\\d{1,2})/\", \"\\2/\\1/\")",
		    "14/1/2017", DOC_TEXT },
		{ "replace(s, \"o\", \"0\")", "Hell0 W0rld", DOC_TEXT },
		{ "replace(path, \"\\\\\\\\\", \"/\")",
		    "C:/Windows/System32/cmd.exe", DOC_TEXT },
		{ "replace(mv, \"^\", \"-\")", "-a\n-b\n-c", DOC_TEXT },
		{ "replace(user, \"x*\", \"-\")", "-b-u-t-t-e-r-c-u-p-",
		    DOC_TEXT },
		{ "replace(missing, \"a\", \"b\")", NULL, DOC_TEXT },
		{ "urldecode(\"http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3D"
		    "header\")", "http://www.splunk.com/download?r=header",
		    DOC_TEXT },
	};

	run_eval_cases(tab, NCASES(tab));
}

Test(eval, multivalue_functions)
{
	static const struct eval_case tab[] = {
		{ "mvcount(mv)", "3", DOC_MV },
		{ "mvcount(user)", "1", DOC_MV },
		{ "mvcount(missing)", NULL, DOC_MV },
		{ "mvindex(mv, 0)", "a", DOC_MV },
		{ "mvindex(mv, 2)", "c", DOC_MV },
		{ "mvindex(mv, -1)", "c", DOC_MV },
		{ "mvindex(mv, 0, 1)", "a\nb", DOC_MV },
		{ "mvindex(mv, 1, -1)", "b\nc", DOC_MV },
		{ "mvindex(mv, 3)", NULL, DOC_MV },
		{ "mvindex(user, 0)", "buttercup", DOC_MV },
		{ "mvjoin(mv, \";\")", "a;b;c", DOC_MV },
		{ "mvjoin(user, \";\")", "buttercup", DOC_MV },
		{ "split(\"1;2;3\", \";\")", "1\n2\n3", DOC_MV },
		{ "mvcount(split(path, \"\\\\\"))", "4", DOC_MV },
		{ "mvindex(split(path, \"\\\\\"), -1)", "cmd.exe", DOC_MV },
		{ "mvappend(\"localhost\", ip)", "localhost\n10.1.2.3",
		    DOC_MV },
		{ "mvappend(mvappend(\"localhost\", ip), mv, \"192.168.1.1\")",
		    "localhost\n10.1.2.3\na\nb\nc\n192.168.1.1", DOC_MV },
		{ "mvappend(missing, user)", "buttercup", DOC_MV },
		{ "mvcount(mvappend(missing, user))", "1", DOC_MV },
		{ "mvdedup(dup)", "x\ny\nz", DOC_MV },
		{ "mvfilter(mv != \"b\")", "a\nc", DOC_MV },
		{ "mvfilter(email LIKE \"%.net\" OR email LIKE \"%.org\")",
		    "a@example.net\nc@example.org", DOC_MV },
		{ "mvfilter(mv == \"q\")", NULL, DOC_MV },
		{ "max(nums)", "10", DOC_STAT },
		{ "mvfilter(match(email, \"\\.net$\") OR match(email, "
		    "\"\\.org$\"))", "a@example.net\nc@example.org",
		    DOC_MV },
		{ "mvfind(mv, \"c\")", "2", DOC_MV },
		{ "mvfind(email, \"example\\.com\")", "1", DOC_MV },
		{ "mvfind(mv, \"z\")", NULL, DOC_MV },
	};

	run_eval_cases(tab, NCASES(tab));
}

Test(eval, conversion_math_time)
{
	static const struct eval_case tab[] = {
		{ "tonumber(\"0A4\", 16)", "164", DOC_CONV },
		{ "tonumber(\"123\")", "123", DOC_CONV },
		{ "tonumber(\"abc\")", NULL, DOC_CONV },
		{ "tostring(15, \"hex\")", "0xF", DOC_CONV },
		{ "tostring(12345.6789, \"commas\")", "12,345.68", DOC_CONV },
		{ "tostring(615, \"duration\")", "00:10:15", DOC_CONV },
		{ "tostring(1==1) + \" \" + tostring(15, \"hex\") + \" \" + "
		    "tostring(12345.6789, \"commas\")", "True 0xF 12,345.68",
		    DOC_CONV },
		{ "abs(neg)", "7", DOC_MATH },
		{ "round(3.5)", "4", DOC_MATH },
		{ "round(2.555, 2)", "2.56", DOC_MATH },
		{ "ceiling(1.9)", "2", DOC_MATH },
		{ "ceil(1.1)", "2", DOC_MATH },
		{ "floor(1.9)", "1", DOC_MATH },
		{ "pow(2, 10)", "1024", DOC_MATH },
		{ "sqrt(9)", "3", DOC_MATH },
		{ "log(100)", "2", DOC_MATH },
		{ "log(8, 2)", "3", DOC_MATH },
		{ "exp(0)", "1", DOC_MATH },
		{ "abs(missing)", NULL, DOC_MATH },
		{ "max(1, 3, 6, 7, \"foo\")", "foo", DOC_STAT },
		{ "min(3, 9, 7, \"foo\")", "3", DOC_STAT },
		{ "max(1, 3, 6, 7)", "7", DOC_STAT },
		{ "strftime(t, \"%Y-%m-%dT%H:%M:%S\")", "2020-04-15T13:20:00",
		    DOC_TIME },
		{ "strptime(\"2020-04-15T13:20:00\", \"%Y-%m-%dT%H:%M:%S\")",
		    "1586956800", DOC_TIME },
		{ "strftime(missing, \"%Y\")", NULL, DOC_TIME },
		{ "if(now() > 1586956800, 1, 0)", "1", DOC_TIME },
	};

	run_eval_cases(tab, NCASES(tab));
}

/* Assignments run in order; null removes a field; columns follow. */
Test(eval, assignments)
{
	struct spl_search *s;
	struct event	 row;
	const char	*v;
	size_t		 len;
	int		 a, b, n;

	s = compile_ok("x=1 | stats count by user | eval a=user . \"!\", "
	    "b=a . \"?\", n=null()");
	row_fill(&row);
	cr_assert(spl_post_apply(s, &row));
	a = event_field_lookup("a", 1);
	b = event_field_lookup("b", 1);
	n = event_field_lookup("n", 1);
	cr_assert(event_get(&row, b, &v, &len));
	cr_assert(len == 11 && memcmp(v, "buttercup!?", 11) == 0);
	cr_assert(event_has(&row, a));
	cr_assert(!event_has(&row, n), "null removes the field (DOC_EVAL)");
	cr_assert_eq(s->ncolumns, 5, "user, count, a, b, n");
	event_clear(&row);
	spl_search_free(s);
}

/* where before stats is a term of the filter, on the event. */
Test(eval, where_before_stats)
{
	struct spl_search *s;
	struct event	 ev;

	s = compile_ok("x=1 | where len(user) >= 8 AND n > 40 | stats count "
	    "by user");
	row_fill(&ev);
	cr_assert(!spl_match(s->filter, &ev), "no x");
	spl_search_free(s);
	s = compile_ok("user=* | where len(user) >= 8 AND n > 40 | stats "
	    "count");
	cr_assert(spl_match(s->filter, &ev));
	spl_search_free(s);
	s = compile_ok("user=* | where len(user) > 9 | stats count");
	cr_assert(!spl_match(s->filter, &ev));
	spl_search_free(s);
	/* On events a '\n' is no separator: one value. */
	s = compile_ok("user=* | where mv = \"b\" | stats count");
	cr_assert(!spl_match(s->filter, &ev));
	spl_search_free(s);
	event_clear(&ev);
}

/*
 * eval before stats works on the detection's own copy of the event:
 * the shared event is left alone, and a where after it filters the copy.
 */
Test(eval, eval_before_stats)
{
	struct spl_search *s;
	struct event	 ev, copy;
	const char	*v;
	size_t		 len, k;
	int		 u, user;
	bool		 reads_user = false;

	s = compile_ok("user=* | eval u=upper(user), l=len(u) | where l > 8 "
	    "| stats count by u");
	cr_assert_eq(s->npre, 2, "eval and where work on the copy");
	row_fill(&ev);
	event_init(&copy, 4096);
	u = event_field_lookup("u", 1);
	user = event_field_lookup("user", 4);
	cr_assert(spl_pre_apply(s, &ev, &copy));
	cr_assert(event_get(&copy, u, &v, &len));
	cr_assert(len == 9 && memcmp(v, "BUTTERCUP", 9) == 0);
	cr_assert(!event_has(&ev, u), "the shared event is unchanged");
	for (k = 0; k < s->nfields; k++) {
		cr_assert_neq(s->fields[k], u, "u is made, not read");
		reads_user |= s->fields[k] == user;
	}
	cr_assert(reads_user);
	spl_search_free(s);
	s = compile_ok("user=* | eval u=upper(user) | where len(u) > 9 "
	    "| stats count by u");
	cr_assert(!spl_pre_apply(s, &ev, &copy), "where drops the copy");
	spl_search_free(s);
	event_clear(&copy);
	event_clear(&ev);
}

/* Refusals: the reason, with the line and column of the culprit. */
Test(eval, refusals)
{
	static const struct {
		const char	*text;
		int		 line;
		int		 column;
		const char	*msg;
	} tab[] = {
		{ "x=1 | stats count\n| eval r=frobnicate(x)", 2, 10,
		    "unknown eval function 'frobnicate'" },
		{ "x=1 | stats count | where searchmatch(\"x\")", 1, 27,
		    "searchmatch() is not supported" },
		{ "x=1 | stats count | eval r=(x > 1)", 1, 29,
		    "cannot be assigned a boolean" },
		{ "x=1 | stats count | where count", 1, 27,
		    "where needs a boolean expression" },
		{ "x=1 | stats count | where count > 1 AND count", 1, 41,
		    "boolean" },
		{ "x=1 | stats count | eval r=if(count, 1, 0)", 1, 31,
		    "if() takes a boolean" },
		{ "x=1 | stats count | eval r=case(count > 1, 1, 2)", 1, 28,
		    "pairs" },
		{ "x=1 | stats count | eval r=len()", 1, 28,
		    "len() takes 1 argument, not 0" },
		{ "x=1 | stats count | eval r=\"abc", 1, 28,
		    "unterminated" },
		{ "x=1 | stats count | eval r=1 +", 1, 31,
		    "expected a value" },
		{ "x=1 | stats count | eval r=(1", 1, 30, "expected ')'" },
		{ "x=1 | stats count | eval 5=1", 1, 26,
		    "expected a field name" },
		{ "x=1 | stats count | eval r 1", 1, 28, "expected '='" },
		{ "x=1 | stats count | eval", 1, 21, "needs an expression" },
		{ "x=1 | stats count | eval r=1 ; 2", 1, 30, "unexpected" },
		{ "x=1 | stats count | eval r=mvfilter(a = b)", 1, 28,
		    "exactly one field" },
		{ "x=1 | where match(a, \"(?i)\" . b) | stats count", 1, 22,
		    "match() before stats takes a regular expression in a "
		    "string literal" },
		{ "x=1 | stats count | where match(a, \"(x\")", 1, 36,
		    "bad regular expression" },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < NCASES(tab); k++) {
		memset(&err, 0, sizeof(err));
		s = spl_compile(tab[k].text, NULL, NULL, &err);
		cr_assert_null(s, "%s compiled", tab[k].text);
		cr_assert(strstr(err.msg, tab[k].msg) != NULL,
		    "%s: '%s' lacks '%s'", tab[k].text, err.msg, tab[k].msg);
		cr_assert(err.line == tab[k].line &&
		    err.column == tab[k].column, "%s: at %d:%d, want %d:%d "
		    "(%s)", tab[k].text, err.line, err.column, tab[k].line,
		    tab[k].column, err.msg);
	}
}
