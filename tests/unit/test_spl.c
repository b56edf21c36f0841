/*
 * Tests of the SPL compiler: both generations of the shipped detections
 * compile into the expected stats, refused syntax is reported at the
 * right line and column, Splunk's precedence, the matching truth table
 * for all four detections, and the post-stats commands.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "detect/detection.h"
#include "decode/event.h"
#include "detect/spl.h"

#define SYSMON_SOURCE	"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"

static const char *
conf_dir(void)
{
	const char	*d = getenv("CONFDIR");

	return d != NULL ? d : "conf";
}

/* Loads conf/detections/<rel> against conf/macros. */
static struct detection *
load(const char *rel)
{
	struct detection *d;
	char		 path[1024], macros[1024];
	char		*err = NULL;

	snprintf(path, sizeof(path), "%s/detections/%s", conf_dir(), rel);
	snprintf(macros, sizeof(macros), "%s/macros", conf_dir());
	d = detection_load_file(path, macros, &err);
	cr_assert_not_null(d, "%s: %s", path, err != NULL ? err : "?");
	return d;
}

/* Inline macros for the compiler-only tests. */
static const char *ctime_args[] = { "field" };

static bool
test_lookup(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *out)
{
	static const struct {
		const char	*name;
		size_t		 nargs;
		const char	*def;
	} tab[] = {
		{ "sysmon", 0, "source=XmlWinEventLog:Microsoft-Windows-"
		    "Sysmon/Operational" },
		{ "security_content_ctime", 1, "convert timeformat="
		    "\"%Y-%m-%dT%H:%M:%S\" ctime($field$)" },
		{ "bad_macro", 0, "a=1\n| eval x=frob(1)" },
		{ "loop", 0, "a=1 `loop`" },
		{ "acme_filter", 0,
		    "search NOT Image=\"*\\\\Acme\\\\mailer.exe\"" },
	};
	size_t		 k;

	(void)arg;
	for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++)
		if (strcmp(tab[k].name, name) == 0 && tab[k].nargs == nargs) {
			out->definition = tab[k].def;
			out->nargs = nargs;
			out->args = ctime_args;
			return true;
		}
	return false;
}

static const char *
fname(int id)
{
	return event_field_name(id);
}

static void
check_stats(const struct spl_search *s, const char **by, size_t nby)
{
	size_t	 k;

	cr_assert_eq(s->stats.nby, nby);
	for (k = 0; k < nby; k++)
		cr_assert_str_eq(fname(s->stats.by[k]), by[k], "by %zu", k);
	cr_assert_eq(s->stats.nagg, 3);
	cr_assert_eq(s->stats.agg[0].func, SPL_AGG_COUNT);
	cr_assert_eq(s->stats.agg[0].field, -1);
	cr_assert_str_eq(fname(s->stats.agg[0].as), "count");
	cr_assert_eq(s->stats.agg[1].func, SPL_AGG_MIN);
	cr_assert_eq(s->stats.agg[1].field, EVENT_F_TIME);
	cr_assert_str_eq(fname(s->stats.agg[1].as), "firstTime");
	cr_assert_eq(s->stats.agg[2].func, SPL_AGG_MAX);
	cr_assert_eq(s->stats.agg[2].field, EVENT_F_TIME);
	cr_assert_str_eq(fname(s->stats.agg[2].as), "lastTime");
	cr_assert_eq(s->ncolumns, nby + 3);
	for (k = 0; k < nby; k++)
		cr_assert_str_eq(fname(s->columns[k]), by[k]);
	cr_assert_str_eq(fname(s->columns[nby]), "count");
	cr_assert_str_eq(fname(s->columns[nby + 1]), "firstTime");
	cr_assert_str_eq(fname(s->columns[nby + 2]), "lastTime");
	cr_assert_eq(s->event_code, 3);
	/* Two converts; the default filter macro adds nothing. */
	cr_assert_eq(s->npost, 2);
}

static const char *by_mail3[] = {
	"Image", "DestinationPort", "DestinationPortName",
	"DestinationHostname", "SourceHostname", "SourcePort",
	"SourcePortName", "Protocol", "DestinationIp", "dest", "user"
};
static const char *by_ftp3[] = {
	"Image", "DestinationPort", "DestinationPortName",
	"DestinationHostname", "DestinationIp", "SourcePort",
	"SourcePortName", "Protocol", "SourceHostname", "dest", "user"
};
static const char *by_2026[] = {
	"action", "app", "dest", "dest_ip", "dest_port", "direction", "dvc",
	"protocol", "protocol_version", "src", "src_ip", "src_port",
	"transport", "user", "vendor_product", "process_name",
	"process_exec", "process_guid", "process_id"
};

#define MAIL3	"windows_mail_protocol_in_non_common_process_path.yml"
#define FTP3	"windows_file_transfer_protocol_in_non_common_process_path.yml"
#define MAIL26	"disabled/" MAIL3
#define FTP26	"disabled/" FTP3
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Test(spl, compiles_v3_detections)
{
	struct detection *d;
	size_t		 k;
	bool		 image = false, time = false;

	d = load(MAIL3);
	check_stats(d->search, by_mail3, NELEM(by_mail3));
	for (k = 0; k < d->search->nfields; k++) {
		image |= d->search->fields[k] == EVENT_F_IMAGE;
		time |= d->search->fields[k] == EVENT_F_TIME;
	}
	cr_assert(image && time, "fields lists what filter and stats read");
	detection_free(d);
	d = load(FTP3);
	check_stats(d->search, by_ftp3, NELEM(by_ftp3));
	detection_free(d);
}

Test(spl, compiles_2026_detections)
{
	struct detection *d;

	d = load(MAIL26);
	check_stats(d->search, by_2026, NELEM(by_2026));
	detection_free(d);
	d = load(FTP26);
	check_stats(d->search, by_2026, NELEM(by_2026));
	detection_free(d);
}

Test(spl, refuses_with_line_and_column)
{
	static const struct {
		const char	*text;
		const char	*origin;
		int		 line, col;
		const char	*msg;
	} tab[] = {
		{ "a=1 | eval x=frob(1) | stats count", "search", 1, 14,
		    "unknown eval function 'frob'" },
		{ "a=1 | tstats count from datamodel=Endpoint.Processes",
		    "search", 1, 7,
		    "tstats must be the first command of the search" },
		{ "a=1 | transaction x | stats count", "search", 1, 7,
		    "unsupported command 'transaction'" },
		{ "(a=1 b=2 | stats count", "search", 1, 1,
		    "unbalanced parenthesis" },
		{ "a=1) | stats count", "search", 1, 4,
		    "unbalanced parenthesis" },
		{ "a=1 OR | stats count", "search", 1, 5,
		    "expected a search term after 'OR'" },
		{ "a=1 OR", "search", 1, 5,
		    "expected a search term after 'OR'" },
		{ "a=\"abc | stats count", "search", 1, 3,
		    "unterminated string" },
		{ "a=1 hello | stats count", "search", 1, 5,
		    "free-text search term 'hello' is not supported" },
		{ "a=1 and b=2 | stats count", "search", 1, 5,
		    "free-text search term 'and' is not supported" },
		{ "`nosuch` a=1 | stats count", "search", 1, 1,
		    "unknown macro 'nosuch'" },
		{ "a=1 | `nosuch(x)`", "search", 1, 7,
		    "unknown macro 'nosuch(1)'" },
		{ "a=1 | search b=2", "search", 1, 1,
		    "the search has no stats command" },
		{ "a=1 | stats foo(x)", "search", 1, 13,
		    "unknown stats function 'foo'" },
		{ "a=1 | stats count | tstats count", "search", 1, 21,
		    "only one tstats command is supported" },
		{ "a= | stats count", "search", 1, 2,
		    "expected a value after '='" },
		{ "a<x | stats count", "search", 1, 3,
		    "expected a number after '<'" },
		{ "`sysmon`\n  EventCode=3\n| stats count by Image\n"
		    "| eval y=frob(1)", "search", 4, 10,
		    "unknown eval function 'frob'" },
		{ "x=1 `bad_macro`\n| stats count", "macro bad_macro", 2, 10,
		    "unknown eval function 'frob'" },
		{ "`loop` | stats count", "macro loop", 1, 5,
		    "macros nested deeper than 10 levels" },
	};
	struct spl_search *s;
	struct spl_error err;
	size_t		 k;

	for (k = 0; k < NELEM(tab); k++) {
		s = spl_compile(tab[k].text, test_lookup, NULL, &err);
		cr_assert_null(s, "%zu: %s compiled", k, tab[k].text);
		cr_expect_str_eq(err.msg, tab[k].msg, "%zu: %s", k,
		    tab[k].text);
		cr_expect_str_eq(err.origin, tab[k].origin, "%zu", k);
		cr_expect_eq(err.line, tab[k].line, "%zu: line %d", k,
		    err.line);
		cr_expect_eq(err.column, tab[k].col, "%zu: column %d", k,
		    err.column);
	}
}

/* Builds a Sysmon-looking event; NULL leaves a field absent. */
static void
mk(struct event *ev, const char *source, const char *code,
    const char *image, const char *port, const char *portname)
{
	event_reset(ev);
	if (source != NULL)
		event_set(ev, EVENT_F_SOURCE, source, strlen(source));
	if (code != NULL)
		event_set(ev, EVENT_F_EVENTCODE, code, strlen(code));
	if (image != NULL)
		event_set(ev, EVENT_F_IMAGE, image, strlen(image));
	if (port != NULL)
		event_set(ev, EVENT_F_DESTINATIONPORT, port, strlen(port));
	if (portname != NULL)
		event_set(ev, EVENT_F_DESTINATIONPORTNAME, portname,
		    strlen(portname));
}

Test(spl, precedence_is_splunks)
{
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev;
	int		 a, b, c;

	s = spl_compile("a=1 b=1 OR c=1 | stats count", test_lookup, NULL,
	    &err);
	cr_assert_not_null(s, "%s", err.msg);
	a = event_field_lookup("a", 1);
	b = event_field_lookup("b", 1);
	c = event_field_lookup("c", 1);
	event_init(&ev, 1024);
	event_set(&ev, c, "1", 1);
	cr_assert(!spl_match(s->filter, &ev), "c alone: a AND (b OR c)");
	event_set(&ev, a, "1", 1);
	cr_assert(spl_match(s->filter, &ev));
	event_unset(&ev, c);
	cr_assert(!spl_match(s->filter, &ev));
	event_set(&ev, b, "1", 1);
	cr_assert(spl_match(s->filter, &ev));
	spl_search_free(s);

	/* NOT binds tighter than OR; AND is the loosest. */
	s = spl_compile("NOT a=1 OR b=1 AND c=1 | stats count", test_lookup,
	    NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	event_reset(&ev);
	event_set(&ev, a, "1", 1);
	event_set(&ev, b, "1", 1);
	cr_assert(!spl_match(s->filter, &ev), "c missing");
	event_set(&ev, c, "1", 1);
	cr_assert(spl_match(s->filter, &ev));
	spl_search_free(s);
	event_clear(&ev);
}

/*
 * The one number rule (spl.h: spl_parse_num()), for search comparisons
 * and for stats' min, max, sum and avg alike.  Splunk documents that
 * max() and min() "process values as numbers if possible" and that "1",
 * "1.0" and "01" are then the same number ("Statistical and charting
 * functions", https://help.splunk.com/en/splunk-enterprise/
 * spl-search-reference/9.3/statistical-and-charting-functions), and that
 * the search command compares fields with < > <= >= ("search",
 * https://help.splunk.com/splunk-enterprise/spl-search-reference/9.1/
 * search-commands/search); neither page settles exponents, signs,
 * blanks or hexadecimal, so the rows after the first three are our rule:
 * a decimal numeral with an optional sign and exponent, nothing else.
 */
static const struct {
	const char	*text;
	bool		 num;
	double		 val;
} num_rule[] = {
	{ "1", true, 1 },			/* the documented three */
	{ "1.0", true, 1 },
	{ "01", true, 1 },
	{ "+5", true, 5 },			/* sign */
	{ "-5", true, -5 },
	{ "1e3", true, 1000 },			/* exponent */
	{ "1E3", true, 1000 },
	{ "2.5e-1", true, 0.25 },
	{ "-.5e+1", true, -5 },
	{ ".5", true, 0.5 },			/* either side of the point */
	{ "5.", true, 5 },
	{ "123456789012345", true, 123456789012345.0 },
	{ "0000000000000000042", true, 42 },	/* past the fast path */
	{ "1234567890123456789", true, 1234567890123456789.0 },
	{ " 25", false, 0 },			/* blanks */
	{ "25 ", false, 0 },
	{ "0x1F", false, 0 },			/* hexadecimal */
	{ "1e", false, 0 },			/* half an exponent */
	{ "1e+", false, 0 },
	{ "e3", false, 0 },
	{ "1e3.5", false, 0 },
	{ ".", false, 0 },			/* no digits */
	{ "+", false, 0 },
	{ "-", false, 0 },
	{ "", false, 0 },
	{ "--5", false, 0 },
	{ "5-", false, 0 },
	{ "1,000", false, 0 },
	{ "1.2.3", false, 0 },
	{ "inf", false, 0 },			/* not finite */
	{ "nan", false, 0 },
	{ "1e999", false, 0 },
	{ "0000000000000000000000000000000000000000000000000000000000000001",
	    false, 0 },				/* 64 bytes: too long */
};

Test(spl, one_number_rule)
{
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev;
	double		 d;
	size_t		 i, len;
	bool		 got;
	int		 f;

	/* f>-1e300 holds exactly for the numbers: a term on text is false. */
	s = spl_compile("f>-1e300 | stats count", test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	f = event_field_lookup("f", 1);
	event_init(&ev, 1024);
	for (i = 0; i < sizeof(num_rule) / sizeof(num_rule[0]); i++) {
		len = strlen(num_rule[i].text);
		d = -1;
		got = spl_parse_num(num_rule[i].text, len, &d);
		cr_expect_eq(got, num_rule[i].num, "'%s'", num_rule[i].text);
		if (got && num_rule[i].num)
			cr_expect_eq(d, num_rule[i].val, "'%s': %g",
			    num_rule[i].text, d);
		event_reset(&ev);
		event_set(&ev, f, num_rule[i].text, len);
		cr_expect_eq(spl_match(s->filter, &ev), num_rule[i].num,
		    "'%s' > -1e300", num_rule[i].text);
	}
	spl_search_free(s);
	/* The example: "1e3" is a number to x>500 as to max(). */
	s = spl_compile("x>500 | stats max(x)", test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	event_reset(&ev);
	event_set(&ev, event_field_lookup("x", 1), "1e3", 3);
	cr_expect(spl_match(s->filter, &ev));
	spl_search_free(s);
	event_clear(&ev);
}

Test(spl, matching_semantics)
{
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev;
	int		 f, g;

	s = spl_compile("f!=x NOT g=* f>=10 f<2e3 | stats count",
	    test_lookup, NULL, &err);
	cr_assert_not_null(s, "2e3 is a number, for SPL as for stats: %s",
	    err.msg);
	spl_search_free(s);
	s = spl_compile("f!=x NOT g=* f>=10 f<20.5 | stats count",
	    test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	f = event_field_lookup("f", 1);
	g = event_field_lookup("g", 1);
	event_init(&ev, 1024);
	cr_assert(!spl_match(s->filter, &ev), "f!=x is false when absent");
	event_set(&ev, f, "10", 2);
	cr_assert(spl_match(s->filter, &ev));
	event_set(&ev, f, "20.5", 4);
	cr_assert(!spl_match(s->filter, &ev), "< is strict");
	event_set(&ev, f, "abc", 3);
	cr_assert(!spl_match(s->filter, &ev), "< is numeric only");
	event_set(&ev, f, "012", 3);
	cr_assert(spl_match(s->filter, &ev));
	event_set(&ev, g, "-", 1);
	cr_assert(!spl_match(s->filter, &ev), "g=* matches '-'");
	spl_search_free(s);

	s = spl_compile("NOT NOT f=1 NOT (NOT (NOT g=1)) | stats count",
	    test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	event_reset(&ev);
	event_set(&ev, f, "1", 1);
	cr_assert(spl_match(s->filter, &ev), "NOT NOT f=1 is f=1");
	event_set(&ev, f, "2", 1);
	cr_assert(!spl_match(s->filter, &ev));
	event_set(&ev, f, "1", 1);
	event_set(&ev, g, "1", 1);
	cr_assert(!spl_match(s->filter, &ev), "NOT NOT NOT g=1");
	spl_search_free(s);

	s = spl_compile("f=\"a*b*c\" | stats min(_time) values(f) AS v "
	    "BY g", test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_str_eq(fname(s->stats.agg[0].as), "min(_time)");
	cr_assert_eq(s->stats.agg[0].field, EVENT_F_TIME);
	cr_assert_eq(s->stats.agg[1].func, SPL_AGG_VALUES);
	cr_assert_str_eq(fname(s->stats.agg[1].as), "v");
	cr_assert_eq(s->stats.nby, 1);
	event_reset(&ev);
	event_set(&ev, f, "AxxBxxC", 7);
	cr_assert(spl_match(s->filter, &ev));
	event_set(&ev, f, "abcx", 4);
	cr_assert(!spl_match(s->filter, &ev));
	event_set(&ev, f, "abc", 3);
	cr_assert(spl_match(s->filter, &ev));
	spl_search_free(s);

	s = spl_compile("f=\"C:\\\\a \\(b\\)\\\"\\x\" | stats count",
	    test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	event_set(&ev, f, "c:\\A (b)\"\\x", 11);
	cr_assert(spl_match(s->filter, &ev), "escapes in quoted values");
	spl_search_free(s);
	event_clear(&ev);
}

struct truth {
	const char	*source;
	const char	*code;
	const char	*image;
	const char	*port;
	const char	*portname;
	bool		 mail3, ftp3, mail26, ftp26;
};

static const struct truth truth[] = {
#define S	SYSMON_SOURCE
#define EVIL	"C:\\Users\\bob\\AppData\\Roaming\\evil.exe"
	{ S, "3", EVIL, "25", "smtp", 1, 0, 1, 0 },
	{ S, "3", EVIL, "587", NULL, 1, 0, 1, 0 },
	{ S, "3", EVIL, "025", "-", 1, 0, 1, 0 },
	{ S, "3", EVIL, "25.0", NULL, 1, 0, 1, 0 },
	{ S, "3", EVIL, NULL, "SMTP", 1, 0, 1, 0 },
	{ S, "3", EVIL, "2525", NULL, 0, 0, 0, 0 },
	{ S, "3", EVIL, "2525", "-", 0, 0, 0, 0 },
	{ S, "3", EVIL, "21", "ftp", 0, 1, 0, 1 },
	{ S, "3", EVIL, "2121", "FTP", 0, 1, 0, 1 },
	{ S, "3", EVIL, "21", NULL, 0, 1, 0, 1 },
	{ S, "3", "C:\\PROGRAM FILES\\Mozilla Thunderbird\\thunderbird.exe",
	    "25", "smtp", 0, 0, 0, 0 },
	{ S, "3", "C:\\Users\\bob\\Thunderbird\\thunderbird.exe", "587",
	    "smtp", 0, 0, 1, 0 },
	{ S, "3", "C:\\Program Files (x86)\\Microsoft Office\\root\\"
	    "Office16\\OUTLOOK.EXE", "587", "smtp", 0, 0, 0, 0 },
	{ S, "3", "D:\\Apps\\Outlook\\outlook.exe", "25", NULL,
	    0, 0, 1, 0 },
	{ S, "3", "C:\\ProgramData\\x.exe", "25", NULL, 1, 0, 1, 0 },
	{ S, "3", "C:\\Windows\\SysWOW64\\ftp.exe", "21", "ftp",
	    0, 0, 0, 0 },
	{ S, "3", "c:\\windows\\system32\\ftp.exe", "21", "ftp",
	    0, 0, 0, 0 },
	{ S, "3", "D:\\Windows\\System32\\ftp.exe", "21", "ftp",
	    0, 0, 0, 1 },
	{ S, "3", "D:\\Program Files\\ftp.exe", "21", "ftp", 0, 0, 0, 1 },
	{ S, "3", NULL, "25", "smtp", 1, 0, 1, 0 },
	{ "WinEventLog:Security", "3", EVIL, "25", "smtp", 0, 0, 0, 0 },
	{ NULL, "3", EVIL, "21", "ftp", 0, 0, 0, 0 },
	{ S, "1", EVIL, "25", "smtp", 0, 0, 0, 0 },
	{ S, NULL, EVIL, "21", "ftp", 0, 0, 0, 0 },
#undef S
#undef EVIL
};

Test(spl, truth_table)
{
	struct detection *d[4];
	struct event	 ev;
	size_t		 k, j;
	bool		 want;

	d[0] = load(MAIL3);
	d[1] = load(FTP3);
	d[2] = load(MAIL26);
	d[3] = load(FTP26);
	event_init(&ev, 4096);
	for (k = 0; k < NELEM(truth); k++) {
		mk(&ev, truth[k].source, truth[k].code, truth[k].image,
		    truth[k].port, truth[k].portname);
		for (j = 0; j < 4; j++) {
			want = j == 0 ? truth[k].mail3 : j == 1 ?
			    truth[k].ftp3 : j == 2 ? truth[k].mail26 :
			    truth[k].ftp26;
			cr_expect_eq(spl_match(d[j]->search->filter, &ev),
			    want, "row %zu, %s v%d: image %s port %s name %s",
			    k, d[j]->name, d[j]->version,
			    truth[k].image ? truth[k].image : "(none)",
			    truth[k].port ? truth[k].port : "(none)",
			    truth[k].portname ? truth[k].portname :
			    "(none)");
		}
	}
	event_clear(&ev);
	for (j = 0; j < 4; j++)
		detection_free(d[j]);
}

static bool
row_eq(const struct event *row, const char *name, const char *want)
{
	const char	*v;
	size_t		 len;
	int		 id;

	if ((id = event_field_lookup(name, strlen(name))) == -1 ||
	    !event_get(row, id, &v, &len))
		return want == NULL;
	return want != NULL && len == strlen(want) &&
	    memcmp(v, want, len) == 0;
}

Test(spl, post_ctime_and_filter)
{
	struct detection *d;
	struct spl_search *s;
	struct spl_error err;
	struct event	 row;
	char		*text, *p;
	const char	*name = "windows_mail_protocol_in_non_common_process_"
			    "path_filter";
	int		 first, last;

	d = load(MAIL3);
	event_init(&row, 4096);
	first = event_field_lookup("firstTime", 9);
	last = event_field_lookup("lastTime", 8);
	event_set(&row, EVENT_F_IMAGE, "C:\\Tools\\Acme\\mailer.exe", 24);
	event_set(&row, first, "1663246579.679", 14);
	event_set(&row, last, "soon", 4);
	cr_assert(spl_post_apply(d->search, &row));
	cr_assert(row_eq(&row, "firstTime", "2022-09-15T12:56:19"));
	cr_assert(row_eq(&row, "lastTime", "soon"), "non-numbers stay");

	/* The same search with a tuned filter macro drops Acme's rows. */
	text = strdup(d->search_text);
	p = strstr(text, name);
	cr_assert_not_null(p);
	memcpy(p, "acme_filter`", 12);
	memmove(p + 12, p + strlen(name) + 1, strlen(p + strlen(name) + 1)
	    + 1);
	s = spl_compile(text, test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->npost, 3);
	cr_assert(!spl_post_apply(s, &row), "Acme's mailer is filtered");
	event_set(&row, EVENT_F_IMAGE, "C:\\Tools\\Other\\mailer.exe", 25);
	cr_assert(spl_post_apply(s, &row));
	spl_search_free(s);
	free(text);
	event_clear(&row);
	detection_free(d);
}

Test(spl, post_rename_fields_table)
{
	struct spl_search *s;
	struct spl_error err;
	struct event	 row;
	int		 b;

	s = spl_compile("search x=1 | stats count, dc(y) by a, c | rename a "
	    "as b, count as n | table n b c | fields - c", test_lookup, NULL,
	    &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->stats.nagg, 2);
	cr_assert_str_eq(fname(s->stats.agg[1].as), "dc(y)");
	cr_assert_eq(s->stats.agg[1].func, SPL_AGG_DC);
	cr_assert_eq(s->stats.agg[1].field, event_field_lookup("y", 1));
	cr_assert_eq(s->ncolumns, 2);
	cr_assert_str_eq(fname(s->columns[0]), "n");
	cr_assert_str_eq(fname(s->columns[1]), "b");
	cr_assert_eq(s->event_code, -1);
	event_init(&row, 1024);
	event_set(&row, event_field_lookup("a", 1), "host1", 5);
	event_set(&row, event_field_lookup("c", 1), "z", 1);
	event_set(&row, event_field_lookup("count", 5), "7", 1);
	event_set(&row, event_field_lookup("dc(y)", 5), "2", 1);
	cr_assert(spl_post_apply(s, &row));
	b = event_field_lookup("b", 1);
	cr_assert(row_eq(&row, "b", "host1"));
	cr_assert(row_eq(&row, "n", "7"));
	cr_assert(row_eq(&row, "a", NULL));
	cr_assert(row_eq(&row, "c", NULL), "fields - c");
	cr_assert(row_eq(&row, "dc(y)", NULL), "table drops the rest");
	cr_assert(event_has(&row, b));
	spl_search_free(s);
	event_clear(&row);
}

/*
 * Case folding, eight bytes at a time: a value matches a pattern when it
 * differs only in the case of ASCII letters, whatever byte (0x01..0xff)
 * stands at whatever offset; and plain digit runs are numbers.
 */
Test(spl, case_folding_is_ascii_only_at_every_offset)
{
	static const char pat[] = "abcdefghijklmnopqrstuvwxyz0123456789@[`{";
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev;
	char		 text[128], val[64];
	size_t		 n = sizeof(pat) - 1, at, i;
	int		 f, c;
	bool		 want;

	snprintf(text, sizeof(text), "f=\"%s\" | stats count", pat);
	s = spl_compile(text, test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	f = event_field_lookup("f", 1);
	event_init(&ev, 4096);
	for (at = 0; at < n; at++)
		for (c = 1; c < 256; c++) {
			memcpy(val, pat, n);
			for (i = 0; i < n; i += 3)
				if (val[i] >= 'a' && val[i] <= 'z')
					val[i] -= 'a' - 'A';
			val[at] = (char)c;
			want = c == pat[at] || (pat[at] >= 'a' &&
			    pat[at] <= 'z' && c == pat[at] - 'a' + 'A');
			event_reset(&ev);
			event_set(&ev, f, val, n);
			cr_assert_eq(spl_match(s->filter, &ev), want,
			    "byte 0x%02x at %zu", c, at);
		}
	spl_search_free(s);
	s = spl_compile("f=42 | stats count", test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	event_set(&ev, f, "000000000000042", 15);
	cr_assert(spl_match(s->filter, &ev));
	event_set(&ev, f, "0000000000000000042", 19);
	cr_assert(spl_match(s->filter, &ev), "long digit runs via strtod");
	event_set(&ev, f, "42 ", 3);
	cr_assert(!spl_match(s->filter, &ev));
	spl_search_free(s);
	event_clear(&ev);
}

/* Wildcard segments that start with a non-letter (found by memchr). */
Test(spl, glob_segments_starting_with_a_symbol)
{
	static const struct {
		const char	*val;
		bool		 match;
	} c[] = {
		{ "C:\\Program Files\\x.exe", true },
		{ "c:\\PROGRAM FILES\\x.exe", true },
		{ "\\program files", true },
		{ "C:\\Users\\program files.exe", true },
		{ "C:\\Users\\x\\programfiles\\a.exe", false },
		{ "C:\\program file", false },
		{ "", false },
		{ "\\\\\\program filez\\program files", true },
	};
	struct spl_search *s;
	struct spl_error err;
	struct event	 ev;
	size_t		 i;
	int		 f;

	s = spl_compile("f=\"*\\\\program files*\" | stats count",
	    test_lookup, NULL, &err);
	cr_assert_not_null(s, "%s", err.msg);
	f = event_field_lookup("f", 1);
	event_init(&ev, 1024);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		event_reset(&ev);
		event_set(&ev, f, c[i].val, strlen(c[i].val));
		cr_assert_eq(spl_match(s->filter, &ev), c[i].match, "%s",
		    c[i].val);
	}
	spl_search_free(s);
	event_clear(&ev);
}

/*
 * The reference matcher: spl's value matching (now spl_match.c) as it
 * was before the patterns were compiled into segments and the terms
 * ordered by cost (commit a54b66f), written plainly, so that the
 * differential tests below can require the same answers from
 * spl_match().  It shares no code with src/detect: not even the number
 * rule, a regular expression here.
 */
struct ref_value {
	char		 text[64];	/* lowercased */
	size_t		 len;
	bool		 wild;		/* has a '*' */
	bool		 numeric;
	double		 num;
};

/*
 * The one number rule (spl.h), written apart from spl_parse_num(): a
 * POSIX regular expression for the numeral, then strtod() for its value.
 */
static bool
ref_parse_num(const char *s, size_t len, double *out)
{
	static regex_t	 re;
	static bool	 compiled;
	char		 buf[64];

	if (!compiled) {
		cr_assert_eq(regcomp(&re, "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)"
		    "([eE][+-]?[0-9]+)?$", REG_EXTENDED | REG_NOSUB), 0);
		compiled = true;
	}
	if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (regexec(&re, buf, 0, NULL, 0) != 0)
		return false;
	*out = strtod(buf, NULL);
	return isfinite(*out);
}

static char
ref_lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool
ref_ieq(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (ref_lower(a[i]) != b[i])
			return false;
	return true;
}

/* The leftmost place of seg in s, or slen when there is none. */
static size_t
ref_find(const char *s, size_t slen, const char *seg, size_t seglen)
{
	size_t	 k;

	for (k = 0; k + seglen <= slen; k++)
		if (ref_ieq(s + k, seg, seglen))
			return k;
	return slen;
}

static bool
ref_glob(const char *p, size_t plen, const char *s, size_t slen)
{
	const char	*star;
	size_t		 seg, k;
	bool		 first = true;

	for (;;) {
		star = memchr(p, '*', plen);
		seg = star != NULL ? (size_t)(star - p) : plen;
		if (star == NULL) {
			if (first)
				return seg == slen && ref_ieq(s, p, seg);
			return seg <= slen &&
			    ref_ieq(s + slen - seg, p, seg);
		}
		if (first) {
			if (seg > slen || !ref_ieq(s, p, seg))
				return false;
			s += seg;
			slen -= seg;
		} else if (seg > 0) {
			k = ref_find(s, slen, p, seg);
			if (k + seg > slen)
				return false;
			s += k + seg;
			slen -= k + seg;
		}
		first = false;
		p = star + 1;
		plen -= seg + 1;
	}
}

static void
ref_value_init(struct ref_value *v, const char *s, size_t len)
{
	size_t	 i;

	cr_assert_lt(len, sizeof(v->text));
	for (i = 0; i < len; i++)
		v->text[i] = ref_lower(s[i]);
	v->len = len;
	v->wild = memchr(s, '*', len) != NULL;
	v->numeric = !v->wild && ref_parse_num(s, len, &v->num);
}

static bool
ref_value_eq(const struct ref_value *v, const char *s, size_t len)
{
	double	 d;

	if (v->numeric && ref_parse_num(s, len, &d))
		return d == v->num;
	if (v->wild)
		return ref_glob(v->text, v->len, s, len);
	return len == v->len && ref_ieq(s, v->text, len);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t
rnd(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545f4914f6cdd1dULL;
}

static size_t
rnd_below(uint64_t *st, size_t n)
{
	return (size_t)(rnd(st) >> 33) % n;
}

/*
 * Bytes the random patterns and values are made of: letters of both
 * cases, the characters of Windows paths, digits, signs and exponents
 * (numbers),
 * the bytes around 'A'..'Z' and 'a'..'z', bytes outside ASCII, and the
 * characters the SPL string syntax escapes.
 */
static const char rnd_bytes[] = "aAbBzZxX\\\\..  0123+-59eE@[`{\x80\xc3"
    "\xa9\xdf\xff\"()";

static char
rnd_byte(uint64_t *st)
{
	if (rnd_below(st, 16) == 0)
		return (char)(1 + rnd_below(st, 255));
	return rnd_bytes[rnd_below(st, sizeof(rnd_bytes) - 1)];
}

/* A random pattern of at most 24 bytes: '*' runs, empty segments. */
static size_t
rnd_pattern(uint64_t *st, char *p)
{
	size_t	 n = rnd_below(st, 25), i;

	for (i = 0; i < n; i++)
		p[i] = rnd_below(st, 4) == 0 ? '*' : rnd_byte(st);
	return n;
}

/*
 * A value for pattern p: often p with each '*' replaced by a few bytes
 * and the case of some letters changed, sometimes with one byte changed
 * too, else random bytes.  At most 56 bytes, NUL bytes included.
 */
static size_t
rnd_value(uint64_t *st, const char *p, size_t plen, char *s)
{
	size_t	 n = 0, i, k;

	if (rnd_below(st, 4) == 0) {
		k = rnd_below(st, 57);
		for (i = 0; i < k; i++)
			s[n++] = rnd_below(st, 40) == 0 ? '\0' : rnd_byte(st);
		return n;
	}
	for (i = 0; i < plen; i++) {
		if (p[i] != '*') {
			s[n] = p[i];
			if (rnd_below(st, 3) != 0)
				;
			else if (p[i] >= 'a' && p[i] <= 'z')
				s[n] = (char)(p[i] - 'a' + 'A');
			else if (p[i] >= 'A' && p[i] <= 'Z')
				s[n] = (char)(p[i] - 'A' + 'a');
			n++;
			continue;
		}
		for (k = rnd_below(st, 4); k > 0 && n < 56 - plen; k--)
			s[n++] = rnd_byte(st);
	}
	if (n > 0 && rnd_below(st, 4) == 0)
		s[rnd_below(st, n)] = rnd_byte(st);
	return n;
}

/* Appends p as an SPL quoted string to buf (escaping '\', '"', '(', ')'). */
static void
put_quoted(char *buf, size_t *off, const char *p, size_t plen)
{
	size_t	 i;

	buf[(*off)++] = '"';
	for (i = 0; i < plen; i++) {
		if (p[i] == '\\' || p[i] == '"' || p[i] == '(' || p[i] == ')')
			buf[(*off)++] = '\\';
		buf[(*off)++] = p[i];
	}
	buf[(*off)++] = '"';
	buf[*off] = '\0';
}

/*
 * Random patterns and values, through spl_compile() and spl_match() as
 * f="p", f!="p" and f IN("p", "q"), against the reference matcher.
 */
Test(spl, wildcard_matches_reference)
{
	struct spl_search *s[3];
	struct spl_error err;
	struct ref_value rv[2];
	struct event	 ev;
	uint64_t	 st = 0x9e3779b97f4a7c15ULL;
	char		 p[2][32], v[64], text[3][256];
	size_t		 plen[2], vlen, off, i, j, k;
	bool		 eq[2], want;
	int		 f;

	event_fields_init();
	f = event_field_intern("f", 1);
	event_init(&ev, 1 << 16);
	for (i = 0; i < 4000; i++) {
		for (k = 0; k < 2; k++) {
			plen[k] = rnd_pattern(&st, p[k]);
			ref_value_init(&rv[k], p[k], plen[k]);
		}
		off = 0;
		text[0][off++] = 'f', text[0][off++] = '=';
		put_quoted(text[0], &off, p[0], plen[0]);
		strcat(text[0], " | stats count");
		off = 0;
		text[1][off++] = 'f', text[1][off++] = '!';
		text[1][off++] = '=';
		put_quoted(text[1], &off, p[0], plen[0]);
		strcat(text[1], " | stats count");
		memcpy(text[2], "f IN(", 5);
		off = 5;
		put_quoted(text[2], &off, p[0], plen[0]);
		text[2][off++] = ',';
		put_quoted(text[2], &off, p[1], plen[1]);
		strcat(text[2], ") | stats count");
		for (k = 0; k < 3; k++) {
			s[k] = spl_compile(text[k], test_lookup, NULL, &err);
			cr_assert_not_null(s[k], "%s: %s", text[k], err.msg);
		}
		for (j = 0; j < 16; j++) {
			vlen = rnd_value(&st, p[j & 1], plen[j & 1], v);
			event_reset(&ev);
			event_set(&ev, f, v, vlen);
			for (k = 0; k < 2; k++)
				eq[k] = vlen > 0 &&
				    ref_value_eq(&rv[k], v, vlen);
			for (k = 0; k < 3; k++) {
				want = k == 0 ? eq[0] : k == 1 ?
				    vlen > 0 && !eq[0] : eq[0] || eq[1];
				cr_assert_eq(spl_match(s[k]->filter, &ev),
				    want, "%s on \"%.*s\" (%zu bytes)",
				    text[k], (int)vlen, v, vlen);
			}
		}
		for (k = 0; k < 3; k++)
			spl_search_free(s[k]);
	}
	event_clear(&ev);
}

/*
 * A random search over fields a..d: terms joined by AND, OR and NOT,
 * printed with or without its terms in reverse order.  The tree is kept
 * so that the reference can evaluate it.
 */
struct rnd_node {
	int		 type;		/* 0 term, 1 AND, 2 OR, 3 NOT */
	int		 field;		/* term: 0..3 */
	int		 op;		/* term: 0 =, 1 !=, 2 IN */
	struct ref_value v[2];		/* term: one, or two for IN */
	char		 p[2][32];
	size_t		 plen[2];
	size_t		 nkids;
	struct rnd_node	*kids[4];
};

static struct rnd_node *
rnd_tree(uint64_t *st, int depth)
{
	static const char *const pats[] = {
		"1", "25", "x", "*x*", "*\\x.exe", "a*b", "*", "X*", "*1",
		"025", "*\\ab\\*", "-", "b"
	};
	struct rnd_node	*n;
	size_t		 k;

	n = calloc(1, sizeof(*n));
	cr_assert_not_null(n);
	n->type = depth >= 3 ? 0 : (int)rnd_below(st, 4);
	if (n->type == 0) {
		n->field = (int)rnd_below(st, 4);
		n->op = (int)rnd_below(st, 3);
		for (k = 0; k < 2; k++) {
			snprintf(n->p[k], sizeof(n->p[k]), "%s",
			    pats[rnd_below(st, NELEM(pats))]);
			n->plen[k] = strlen(n->p[k]);
			ref_value_init(&n->v[k], n->p[k], n->plen[k]);
		}
		return n;
	}
	n->nkids = n->type == 3 ? 1 : 2 + rnd_below(st, 3);
	for (k = 0; k < n->nkids; k++)
		n->kids[k] = rnd_tree(st, depth + 1);
	return n;
}

static void
rnd_tree_free(struct rnd_node *n)
{
	size_t	 k;

	for (k = 0; k < n->nkids; k++)
		rnd_tree_free(n->kids[k]);
	free(n);
}

static void
rnd_tree_print(const struct rnd_node *n, bool rev, char *buf, size_t *off)
{
	size_t	 k, i;

	if (n->type == 0) {
		buf[(*off)++] = (char)('a' + n->field);
		if (n->op == 2) {
			memcpy(buf + *off, " IN(", 4);
			*off += 4;
			put_quoted(buf, off, n->p[0], n->plen[0]);
			buf[(*off)++] = ',';
			put_quoted(buf, off, n->p[1], n->plen[1]);
			buf[(*off)++] = ')';
		} else {
			if (n->op == 1)
				buf[(*off)++] = '!';
			buf[(*off)++] = '=';
			put_quoted(buf, off, n->p[0], n->plen[0]);
		}
		buf[*off] = '\0';
		return;
	}
	if (n->type == 3) {
		memcpy(buf + *off, "NOT ", 4);
		*off += 4;
	}
	buf[(*off)++] = '(';
	for (i = 0; i < n->nkids; i++) {
		k = rev ? n->nkids - 1 - i : i;
		if (i > 0 && n->type == 2) {
			memcpy(buf + *off, " OR ", 4);
			*off += 4;
		} else if (i > 0)
			buf[(*off)++] = ' ';
		rnd_tree_print(n->kids[k], rev, buf, off);
	}
	buf[(*off)++] = ')';
	buf[*off] = '\0';
}

static bool
rnd_tree_eval(const struct rnd_node *n, const char **val, const size_t *len)
{
	size_t	 k;
	bool	 eq;

	switch (n->type) {
	case 1:
		for (k = 0; k < n->nkids; k++)
			if (!rnd_tree_eval(n->kids[k], val, len))
				return false;
		return true;
	case 2:
		for (k = 0; k < n->nkids; k++)
			if (rnd_tree_eval(n->kids[k], val, len))
				return true;
		return false;
	case 3:
		return !rnd_tree_eval(n->kids[0], val, len);
	}
	if (val[n->field] == NULL)
		return false;
	eq = ref_value_eq(&n->v[0], val[n->field], len[n->field]);
	if (n->op == 1)
		return !eq;
	if (n->op == 2)
		eq = eq || ref_value_eq(&n->v[1], val[n->field],
		    len[n->field]);
	return eq;
}

/*
 * Random AND/OR/NOT searches, compiled as written and with every list
 * of terms reversed, give the reference's answer on random events with
 * fields present and absent: ordering the terms by cost changes no
 * answer.
 */
Test(spl, term_order_changes_nothing)
{
	static const char *const vals[] = {
		"1", "25", "025", "x", "X", "ab\\x.exe", "c:\\AB\\x.exe",
		"aXb", "-", "b", "25.0", "1x"
	};
	struct rnd_node	*t;
	struct spl_search *s[2];
	struct spl_error err;
	struct event	 ev;
	uint64_t	 st = 42;
	const char	*val[4];
	size_t		 len[4], off, i, j, k;
	char		 text[2][8192];
	int		 id[4];
	bool		 want;

	event_fields_init();
	for (k = 0; k < 4; k++) {
		text[0][0] = (char)('a' + k);
		id[k] = event_field_intern(text[0], 1);
	}
	event_init(&ev, 4096);
	for (i = 0; i < 1500; i++) {
		t = rnd_tree(&st, 0);
		for (k = 0; k < 2; k++) {
			off = 0;
			rnd_tree_print(t, k == 1, text[k], &off);
			strcat(text[k], " | stats count");
			s[k] = spl_compile(text[k], test_lookup, NULL, &err);
			cr_assert_not_null(s[k], "%s: %s", text[k], err.msg);
		}
		for (j = 0; j < 24; j++) {
			event_reset(&ev);
			for (k = 0; k < 4; k++) {
				val[k] = NULL;
				len[k] = 0;
				if (rnd_below(&st, 5) == 0)
					continue;
				val[k] = vals[rnd_below(&st, NELEM(vals))];
				len[k] = strlen(val[k]);
				event_set(&ev, id[k], val[k], len[k]);
			}
			want = rnd_tree_eval(t, val, len);
			for (k = 0; k < 2; k++)
				cr_assert_eq(spl_match(s[k]->filter, &ev),
				    want, "%s", text[k]);
		}
		for (k = 0; k < 2; k++)
			spl_search_free(s[k]);
		rnd_tree_free(t);
	}
	event_clear(&ev);
}

/*
 * Every byte against every byte, as f="b", f="*b*" and f="x*b" (the
 * plain compare, the search for a segment, the suffix compare), on the
 * values "c" and "xc": the reference's answer each time, so that the
 * case folding of all 256 byte values is the reference's.
 */
Test(spl, every_byte_pair_matches_reference)
{
	static const char *const shape[] = { "?", "*?*", "x*?" };
	struct spl_search *s;
	struct spl_error err;
	struct ref_value rv;
	struct event	 ev;
	char		 p[8], v[2], text[64];
	size_t		 plen, off, k, n;
	int		 a, b, f;

	event_fields_init();
	f = event_field_intern("f", 1);
	event_init(&ev, 1 << 16);
	for (k = 0; k < NELEM(shape); k++)
		for (a = 1; a < 256; a++) {
			plen = strlen(shape[k]);
			memcpy(p, shape[k], plen);
			((char *)memchr(p, '?', plen))[0] = (char)a;
			ref_value_init(&rv, p, plen);
			off = 2;
			memcpy(text, "f=", 2);
			put_quoted(text, &off, p, plen);
			strcat(text, " | stats count");
			s = spl_compile(text, test_lookup, NULL, &err);
			cr_assert_not_null(s, "%s: %s", text, err.msg);
			for (b = 1; b < 512; b++) {
				v[0] = 'x';
				v[1] = (char)(b & 255);
				n = b < 256 ? 1 : 2;
				event_reset(&ev);
				event_set(&ev, f, v + 2 - n, n);
				cr_assert_eq(spl_match(s->filter, &ev),
				    ref_value_eq(&rv, v + 2 - n, n),
				    "%s on byte %d", text, b);
			}
			spl_search_free(s);
		}
	event_clear(&ev);
}

/*
 * Issue 16: f!=x on its own is false when f is absent, while NOT f=x is
 * true (Splunk's Search Manual, "Difference between NOT and !=": != only
 * returns events where the field exists).  matching_semantics asserts
 * the first only inside a conjunction that is false anyway.
 */
Test(spl, ne_alone_is_false_for_an_absent_field)
{
	struct spl_search *ne, *not;
	struct spl_error err;
	struct event	 ev;
	int		 f, g;

	ne = spl_compile("f!=x | stats count", test_lookup, NULL, &err);
	cr_assert_not_null(ne, "%s", err.msg);
	not = spl_compile("NOT f=x | stats count", test_lookup, NULL, &err);
	cr_assert_not_null(not, "%s", err.msg);
	f = event_field_lookup("f", 1);
	g = event_field_lookup("g", 1);
	event_init(&ev, 1024);
	cr_expect(!spl_match(ne->filter, &ev), "f!=x, f absent");
	cr_expect(spl_match(not->filter, &ev), "NOT f=x, f absent");
	event_set(&ev, g, "y", 1);
	cr_expect(!spl_match(ne->filter, &ev), "f!=x, only g present");
	event_set(&ev, f, "y", 1);
	cr_expect(spl_match(ne->filter, &ev), "f!=x, f=y");
	event_set(&ev, f, "x", 1);
	cr_expect(!spl_match(ne->filter, &ev), "f!=x, f=x");
	cr_expect(!spl_match(not->filter, &ev), "NOT f=x, f=x");
	spl_search_free(ne);
	spl_search_free(not);
	event_clear(&ev);
}
