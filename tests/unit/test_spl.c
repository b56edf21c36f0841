/*
 * Tests of the SPL compiler: both generations of the shipped detections
 * compile into the expected stats, refused syntax is reported at the
 * right line and column, Splunk's precedence, the matching truth table
 * for all four detections, and the post-stats commands.  The
 * differential tests of spl_match() are in test_spl_match.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
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

/*
 * Decimals without an exponent are read without strtod() up to 15 digits
 * (epoch times with milliseconds, as ctime() reads): the value must be the
 * one strtod() rounds to, bit for bit, on both sides of the 15-digit
 * limit, with either sign and the point anywhere.
 */
Test(spl, decimal_fast_path_is_strtod)
{
	char		 buf[40];
	double		 d, want;
	uint64_t	 x = 0x9e3779b97f4a7c15ULL;
	size_t		 k, len, ndig, point, j;
	int		 sign;

	for (k = 0; k < 200000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ndig = 1 + x % 18;
		point = (x >> 8) % (ndig + 1);
		sign = (int)((x >> 16) % 3);
		len = 0;
		if (sign == 1)
			buf[len++] = '-';
		else if (sign == 2)
			buf[len++] = '+';
		for (j = 0; j < ndig; j++) {
			if (j == point)
				buf[len++] = '.';
			buf[len++] = (char)('0' + (x >> (20 + j % 40)) % 10);
		}
		buf[len] = '\0';
		cr_assert(spl_parse_num(buf, len, &d), "'%s'", buf);
		want = strtod(buf, NULL);
		cr_assert(memcmp(&d, &want, sizeof(d)) == 0,
		    "'%s': %.17g, strtod %.17g", buf, d, want);
	}
	cr_assert(spl_parse_num("1795852800.123", 14, &d));
	cr_assert_eq(d, 1795852800.123);
	cr_assert(spl_parse_num("-0.0", 4, &d));
	cr_assert(signbit(d));
}

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
