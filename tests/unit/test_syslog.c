/*
 * Unit tests of syslog.c: table-driven RFC 5424, RFC 3164 and
 * header-less frames, good and malformed, checked field by field.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "civil.h"
#include "decode/event.h"
#include "input/syslog.h"
#include "testref.h"

#define NOW_2024_12_01	1733011200000LL	/* 2024-12-01T00:00:00Z */
#define NOW_2025_01_10	1736467200000LL	/* 2025-01-10T00:00:00Z */
#define NOW_2025_03_01	1740787200000LL	/* 2025-03-01T00:00:00Z */

struct syslog_case {
	const char	*in;
	int64_t		 now_ms;
	int		 rc;
	const char	*reason;	/* when rc == -1 */
	enum syslog_format fmt;
	int		 pri;
	int64_t		 time_ms;
	const char	*host;		/* NULL: expect NULL */
	const char	*app;		/* NULL: expect NULL */
	const char	*msg;
};

static void
check_str(const char *what, const char *in, const char *want,
    const char *got, size_t gotlen)
{
	if (want == NULL) {
		cr_expect_null(got, "%s: %s: want NULL, got \"%.*s\"", in,
		    what, (int)gotlen, got == NULL ? "" : got);
		return;
	}
	cr_expect_not_null(got, "%s: %s: want \"%s\", got NULL", in, what,
	    want);
	if (got == NULL)
		return;
	cr_expect(gotlen == strlen(want) && memcmp(got, want, gotlen) == 0,
	    "%s: %s: want \"%s\", got \"%.*s\"", in, what, want,
	    (int)gotlen, got);
}

static void
check_cases(const struct syslog_case *tc, size_t n)
{
	struct syslog_msg	 m;
	const char		*reason;
	size_t			 i;
	int			 rc;

	for (i = 0; i < n; i++) {
		rc = syslog_parse(tc[i].in, strlen(tc[i].in), tc[i].now_ms,
		    &m, &reason);
		cr_expect_eq(rc, tc[i].rc, "%s: rc %d, want %d", tc[i].in, rc,
		    tc[i].rc);
		if (tc[i].rc == -1) {
			cr_expect(reason != NULL &&
			    strcmp(reason, tc[i].reason) == 0,
			    "%s: reason %s, want %s", tc[i].in,
			    reason == NULL ? "NULL" : reason, tc[i].reason);
			continue;
		}
		if (rc != 0)
			continue;
		cr_expect_eq(m.fmt, tc[i].fmt, "%s: fmt %d, want %d",
		    tc[i].in, m.fmt, tc[i].fmt);
		cr_expect_eq(m.pri, tc[i].pri, "%s: pri %d, want %d",
		    tc[i].in, m.pri, tc[i].pri);
		cr_expect_eq(m.time_ms, tc[i].time_ms,
		    "%s: time %lld, want %lld", tc[i].in,
		    (long long)m.time_ms, (long long)tc[i].time_ms);
		check_str("host", tc[i].in, tc[i].host, m.host, m.host_len);
		check_str("app", tc[i].in, tc[i].app, m.app, m.app_len);
		check_str("msg", tc[i].in, tc[i].msg, m.msg, m.msg_len);
	}
}

#define BAD(in, why)	\
	{ in, 0, -1, why, SYSLOG_FMT_NONE, 0, 0, NULL, NULL, NULL }
#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))

Test(syslog, rfc5424)
{
	static const struct syslog_case tc[] = {
		/* RFC 5424 section 6.5 example 1: no SD, BOM in MSG */
		{ "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - "
		    "ID47 - \xef\xbb\xbf'su root' failed", 0, 0, NULL,
		    SYSLOG_FMT_5424, 34, 1065910455003LL,
		    "mymachine.example.com", "su", "'su root' failed" },
		/* microsecond fraction and a negative offset */
		{ "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc "
		    "8710 - - %% It's time to make the do-nuts.", 0, 0, NULL,
		    SYSLOG_FMT_5424, 165, 1061727255000LL, "192.0.2.1",
		    "myproc", "%% It's time to make the do-nuts." },
		/* two-digit fraction, positive offset, lower-case t and z */
		{ "<13>1 1985-04-13T04:50:50.52+05:30 h a - - - x", 0, 0,
		    NULL, SYSLOG_FMT_5424, 13, 482196050520LL, "h", "a", "x" },
		{ "<13>1 1985-04-12t23:20:50.52z h a - - - x", 0, 0,
		    NULL, SYSLOG_FMT_5424, 13, 482196050520LL, "h", "a", "x" },
		/* structured data, then a JSON message */
		{ "<14>1 2026-01-02T03:04:05.123Z win01 Sysmon 1234 3 "
		    "[exampleSDID@32473 iut=\"3\" eventSource=\"App\"] "
		    "{\"EventID\":3}", 0, 0, NULL, SYSLOG_FMT_5424, 14,
		    1767323045123LL, "win01", "Sysmon", "{\"EventID\":3}" },
		/* two SD elements, escaped ] " and \ inside values */
		{ "<14>1 2026-01-02T03:04:05.123Z h a - - "
		    "[a@1 x=\"]\\]\\\"[\\\\\"][b@2 y=\"z\"] msg", 0, 0, NULL,
		    SYSLOG_FMT_5424, 14, 1767323045123LL, "h", "a", "msg" },
		/* nil fields everywhere, nil timestamp, no MSG */
		{ "<0>1 - - - - - -", 0, 0, NULL, SYSLOG_FMT_5424, 0, 0,
		    NULL, NULL, "" },
		/* SD at the end of the frame, no MSG */
		{ "<191>1 - host app - - [x@1 a=\"b\"]", 0, 0, NULL,
		    SYSLOG_FMT_5424, 191, 0, "host", "app", "" },
		/* BOM only removed at the start of MSG */
		{ "<1>1 - h a - - - a\xef\xbb\xbf", 0, 0, NULL,
		    SYSLOG_FMT_5424, 1, 0, "h", "a", "a\xef\xbb\xbf" },
	};

	check_cases(tc, NCASES(tc));
}

Test(syslog, rfc3164)
{
	static const struct syslog_case tc[] = {
		/* host and tag with pid */
		{ "<34>Nov 28 08:00:00 mymachine su[123]: 'su root' failed",
		    NOW_2024_12_01, 0, NULL, SYSLOG_FMT_3164, 34,
		    1732780800000LL, "mymachine", "su", "'su root' failed" },
		/* host and tag without pid */
		{ "<13>Nov 28 08:00:00 win01 MSWinEventLog: {\"a\":1}",
		    NOW_2024_12_01, 0, NULL, SYSLOG_FMT_3164, 13,
		    1732780800000LL, "win01", "MSWinEventLog", "{\"a\":1}" },
		/* no host, no tag: the JSON follows the timestamp */
		{ "<14>Nov 28 08:00:00 {\"EventID\":3}", NOW_2024_12_01, 0,
		    NULL, SYSLOG_FMT_3164, 14, 1732780800000LL, NULL, NULL,
		    "{\"EventID\":3}" },
		/* host, then the JSON (no tag) */
		{ "<14>Nov 28 08:00:00 win01 {\"EventID\":3}",
		    NOW_2024_12_01, 0, NULL, SYSLOG_FMT_3164, 14,
		    1732780800000LL, "win01", NULL, "{\"EventID\":3}" },
		/* tag but no host */
		{ "<14>Nov 28 08:00:00 sysmon[4]: <Event/>", NOW_2024_12_01,
		    0, NULL, SYSLOG_FMT_3164, 14, 1732780800000LL, NULL,
		    "sysmon", "<Event/>" },
		/* space-padded day */
		{ "<14>Mar  5 08:09:10 h t: m", NOW_2024_12_01, 0, NULL,
		    SYSLOG_FMT_3164, 14, 1709626150000LL, "h", "t", "m" },
		/* a date within a month in the future stays this year */
		{ "<14>Dec 31 23:59:00 h t: m", NOW_2024_12_01, 0, NULL,
		    SYSLOG_FMT_3164, 14, 1735689540000LL, "h", "t", "m" },
		/* year inference: in January, December is last year */
		{ "<14>Dec 31 23:59:00 h t: m", NOW_2025_01_10, 0, NULL,
		    SYSLOG_FMT_3164, 14, 1735689540000LL, "h", "t", "m" },
		/* Feb 29 seen in a non-leap year is last year's */
		{ "<14>Feb 29 01:02:03 h t: m", NOW_2025_03_01, 0, NULL,
		    SYSLOG_FMT_3164, 14, 1709168523000LL, "h", "t", "m" },
		/* no timestamp at all: the rest is the message */
		{ "<14>just text", NOW_2024_12_01, 0, NULL, SYSLOG_FMT_3164,
		    14, 0, NULL, NULL, "just text" },
		/* host and plain text without a tag */
		{ "<14>Nov 28 08:00:00 host plain text", NOW_2024_12_01, 0,
		    NULL, SYSLOG_FMT_3164, 14, 1732780800000LL, "host", NULL,
		    "plain text" },
	};

	check_cases(tc, NCASES(tc));
}

Test(syslog, no_header)
{
	static const struct syslog_case tc[] = {
		{ "{\"EventID\":3,\"Image\":\"C:\\\\x.exe\"}", 0, 0, NULL,
		    SYSLOG_FMT_NONE, -1, 0, NULL, NULL,
		    "{\"EventID\":3,\"Image\":\"C:\\\\x.exe\"}" },
		{ "  \t{\"a\":1}", 0, 0, NULL, SYSLOG_FMT_NONE, -1, 0, NULL,
		    NULL, "{\"a\":1}" },
		{ "<Event xmlns='x'><System/></Event>", 0, 0, NULL,
		    SYSLOG_FMT_NONE, -1, 0, NULL, NULL,
		    "<Event xmlns='x'><System/></Event>" },
		{ "<?xml version=\"1.0\"?><Event/>", 0, 0, NULL,
		    SYSLOG_FMT_NONE, -1, 0, NULL, NULL,
		    "<?xml version=\"1.0\"?><Event/>" },
		/* <PRI> directly followed by a document keeps the PRI */
		{ "<14>{\"EventID\":3}", 0, 0, NULL, SYSLOG_FMT_NONE, 14, 0,
		    NULL, NULL, "{\"EventID\":3}" },
		{ "<13><Event/>", 0, 0, NULL, SYSLOG_FMT_NONE, 13, 0, NULL,
		    NULL, "<Event/>" },
		/* plain text: no shape at all, the whole frame */
		{ "hello world", 0, 0, NULL, SYSLOG_FMT_NONE, -1, 0, NULL,
		    NULL, "hello world" },
		{ "", 0, 0, NULL, SYSLOG_FMT_NONE, -1, 0, NULL, NULL, "" },
	};

	check_cases(tc, NCASES(tc));
}

Test(syslog, malformed)
{
	static const struct syslog_case tc[] = {
		BAD("<192>1 - - - - - -", "bad_pri"),
		BAD("<999>x", "bad_pri"),
		BAD("<1a>x", "bad_pri"),
		BAD("<>x", "bad_pri"),
		BAD("<14", "bad_pri"),
		BAD("<1234>x", "bad_pri"),
		BAD("<", "bad_pri"),
		BAD("<abc>", "bad_pri"),
		BAD("<1>1 2003-13-11T22:14:15Z h a - - - m", "bad_timestamp"),
		BAD("<1>1 2003-02-29T22:14:15Z h a - - - m", "bad_timestamp"),
		BAD("<1>1 2003-10-11T25:14:15Z h a - - - m", "bad_timestamp"),
		BAD("<1>1 2003-10-11T22:14:15 h a - - - m", "bad_timestamp"),
		BAD("<1>1 2003-10-11T22:14:15.Z h a - - - m", "bad_timestamp"),
		BAD("<1>1 2003-10-11T22:14:15.1234567Z h a - - - m",
		    "bad_timestamp"),
		BAD("<1>1 2003-10-11T22:14:15+0100 h a - - - m",
		    "bad_timestamp"),
		BAD("<1>1 2003-10-11 22:14:15Z h a - - - m", "bad_timestamp"),
		BAD("<1>1 Oct 11 22:14:15 h a - - - m", "bad_timestamp"),
		BAD("<1>1 - h a - - [x@1 a=\"b\" m", "bad_structured_data"),
		BAD("<1>1 - h a - - [x@1 a=\"b]\" m", "bad_structured_data"),
		BAD("<1>1 - h a - - [x@1 a=\"b\\\"]", "bad_structured_data"),
		BAD("<1>1 - h a - - x m", "bad_structured_data"),
		BAD("<1>1 - h a - - [x@1]junk m", "bad_structured_data"),
	};

	check_cases(tc, NCASES(tc));
}

Test(syslog, fields_point_into_frame)
{
	char			 buf[] = "<14>1 - host app - - - payload";
	struct syslog_msg	 m;
	const char		*reason;

	cr_assert_eq(syslog_parse(buf, sizeof(buf) - 1, 0, &m, &reason), 0);
	cr_expect_eq(m.host, buf + 8);
	cr_expect_eq(m.app, buf + 13);
	cr_expect_eq(m.msg, buf + 23);
	cr_expect_eq(m.msg_len, 7);
}

Test(syslog, length_is_respected)
{
	/* The frame is not NUL-terminated: parse only the first bytes. */
	const char		*buf = "<14>{\"a\":1}TRAILING";
	struct syslog_msg	 m;
	const char		*reason;

	cr_assert_eq(syslog_parse(buf, 11, 0, &m, &reason), 0);
	cr_expect_eq(m.msg_len, 7);
	cr_expect_eq(syslog_parse(buf, 3, 0, &m, &reason), -1);
	cr_expect_str_eq(reason, "bad_pri");
}

/*
 * The reference: syslog_parse() as it was before its RFC 5424 path was
 * made faster (commit a54b66f), written plainly: every header field cut
 * at memchr(), the timestamp parsed from its own field, the date through
 * civil_days().  Frames that reach the RFC 3164 branch (whose
 * code did not change) only have their PRI and format compared.
 */
struct ref_result {
	int		 rc;
	const char	*reason;
	bool		 is3164;
	struct syslog_msg m;
};

static bool
ref_digits(const char **p, const char *end, int n, int *v)
{
	const char	*s = *p;
	int		 i, r = 0;

	if (end - s < n)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		r = r * 10 + (s[i] - '0');
	}
	*v = r;
	*p = s + n;
	return true;
}

static bool
ref_char(const char **p, const char *end, char a, char b)
{
	if (*p == end || (**p != a && **p != b))
		return false;
	(*p)++;
	return true;
}

static int
ref_mdays(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* The timestamp field [p, end) exactly. */
static bool
ref_rfc3339(const char *p, const char *end, int64_t *ms)
{
	int		 y, mo, d, h, mi, s, oh, om, frac = 0, nfrac;
	int64_t		 t;
	char		 sign;

	if (!ref_digits(&p, end, 4, &y) || !ref_char(&p, end, '-', '-') ||
	    !ref_digits(&p, end, 2, &mo) || !ref_char(&p, end, '-', '-') ||
	    !ref_digits(&p, end, 2, &d) || !ref_char(&p, end, 'T', 't') ||
	    !ref_digits(&p, end, 2, &h) || !ref_char(&p, end, ':', ':') ||
	    !ref_digits(&p, end, 2, &mi) || !ref_char(&p, end, ':', ':') ||
	    !ref_digits(&p, end, 2, &s))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > ref_mdays(y, mo) || h > 23 ||
	    mi > 59 || s > 60)
		return false;
	if (p < end && *p == '.') {
		p++;
		for (nfrac = 0; p < end && *p >= '0' && *p <= '9';
		    nfrac++, p++)
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		if (nfrac == 0 || nfrac > 6)
			return false;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	if (s == 60)
		s = 59;
	t = ((testref_days(y, mo, d) * 24 + h) * 60 + mi) *
	    60000LL + s * 1000LL + frac;
	if (p == end)
		return false;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++;
		if (!ref_digits(&p, end, 2, &oh) ||
		    !ref_char(&p, end, ':', ':') ||
		    !ref_digits(&p, end, 2, &om) || oh > 23 || om > 59)
			return false;
		t += (sign == '+' ? -1 : 1) * (oh * 60 + om) * 60000LL;
	} else
		return false;
	if (p != end)
		return false;
	*ms = t;
	return true;
}

static bool
ref_field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char	*s = *p, *e;

	if ((e = memchr(s, ' ', end - s)) == NULL || e == s)
		return false;
	*f = e - s == 1 && *s == '-' ? NULL : s;
	*flen = *f == NULL ? 0 : (size_t)(e - s);
	*p = e + 1;
	return true;
}

/*
 * RFC 5424 section 6.3 STRUCTURED-DATA as a state machine, apart from
 * syslog.c's loops: "-", or SD-ELEMENTs "[...]" one after another,
 * where a '"' opens or closes a PARAM-VALUE and, inside one, '\\'
 * takes the next byte as it is (section 6.3.3).  The end of the SD, or
 * NULL when there is none or an element is unterminated.
 */
static const char *
ref_skip_sd(const char *p, const char *end)
{
	enum { SD_START, SD_AFTER, SD_ELEMENT, SD_VALUE, SD_ESCAPE } st;
	size_t	 i, n = (size_t)(end - p);

	st = SD_START;
	for (i = 0; i < n; i++) {
		switch (st) {
		case SD_START:
			if (p[i] == '-')
				return p + i + 1;
			if (p[i] != '[')
				return NULL;
			st = SD_ELEMENT;
			break;
		case SD_AFTER:
			if (p[i] != '[')
				return p + i;
			st = SD_ELEMENT;
			break;
		case SD_ELEMENT:
			if (p[i] == ']')
				st = SD_AFTER;
			else if (p[i] == '"')
				st = SD_VALUE;
			break;
		case SD_VALUE:
			if (p[i] == '\\')
				st = SD_ESCAPE;
			else if (p[i] == '"')
				st = SD_ELEMENT;
			break;
		case SD_ESCAPE:
			st = SD_VALUE;
			break;
		}
	}
	return st == SD_AFTER ? end : NULL;
}

static bool
ref_is_doc(const char *p, const char *end)
{
	size_t	 n = end - p;

	return (n >= 1 && *p == '{') ||
	    (n >= 6 && memcmp(p, "<Event", 6) == 0) ||
	    (n >= 5 && memcmp(p, "<?xml", 5) == 0);
}

static void
ref_parse(const char *buf, size_t len, struct ref_result *r)
{
	const char	*p = buf, *end = buf + len, *ts, *x;
	size_t		 tslen, xlen;
	int		 pri, n;

	memset(r, 0, sizeof(*r));
	r->m.pri = -1;
	r->m.msg = buf;
	r->m.msg_len = len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	if (ref_is_doc(p, end)) {
		r->m.msg = p;
		r->m.msg_len = end - p;
		return;
	}
	if (p == end || *p != '<')
		return;
	for (p++, pri = 0, n = 0; p < end && *p >= '0' && *p <= '9' && n < 4;
	    p++, n++)
		pri = pri * 10 + (*p - '0');
	if (n == 0 || n > 3 || pri > 191 || p == end || *p != '>') {
		r->rc = -1;
		r->reason = "bad_pri";
		return;
	}
	r->m.pri = pri;
	p++;
	if (ref_is_doc(p, end)) {
		r->m.msg = p;
		r->m.msg_len = end - p;
		return;
	}
	if (end - p < 2 || p[0] != '1' || p[1] != ' ') {
		r->is3164 = true;
		r->m.fmt = SYSLOG_FMT_3164;
		return;
	}
	p += 2;
	r->m.fmt = SYSLOG_FMT_5424;
	r->rc = -1;
	r->reason = "bad_timestamp";
	if (!ref_field(&p, end, &ts, &tslen) || (ts != NULL &&
	    !ref_rfc3339(ts, ts + tslen, &r->m.time_ms)))
		return;
	r->reason = "bad_header";
	if (!ref_field(&p, end, &r->m.host, &r->m.host_len) ||
	    !ref_field(&p, end, &r->m.app, &r->m.app_len) ||
	    !ref_field(&p, end, &x, &xlen) || !ref_field(&p, end, &x, &xlen))
		return;
	r->reason = "bad_structured_data";
	if ((p = ref_skip_sd(p, end)) == NULL || (p < end && *p != ' '))
		return;
	if (p < end)
		p++;
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	r->rc = 0;
	r->reason = NULL;
	r->m.msg = p;
	r->m.msg_len = end - p;
}

/* Appends printf output to buf at *off (buf has 512 bytes). */
static void
put(char *buf, size_t *off, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *off, 512 - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = *off + (size_t)n < 511 ? *off + (size_t)n : 511;
}

static uint64_t
rnd(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545f4914f6cdd1dULL;
}

static int
rnd_below(uint64_t *st, int n)
{
	return (int)((rnd(st) >> 33) % (uint64_t)n);
}

/*
 * A random RFC 5424-shaped frame: dates on and off the calendar (years
 * 0 to 9999 with their century edges, months 0 to 13, days 0 to 32),
 * fractions of 0 to 7 digits, every zone form, fields of 0 to 40 bytes
 * and nil ones, structured data, BOMs and documents; often one byte
 * changed, inserted or dropped afterwards.  Returns the length.
 */
static size_t
rnd_frame(uint64_t *st, char *buf)
{
	static const int years[] = {
		0, 1, 99, 100, 399, 400, 1600, 1899, 1900, 1901, 1904, 1969,
		1970, 1971, 2000, 2024, 2025, 2026, 2096, 2099, 2100, 2101,
		2400, 9999
	};
	static const char *const zones[] = {
		"Z", "z", "+00:00", "-07:00", "+05:30", "+23:59", "+24:00",
		"-00:60", "+0100", "+01:", "", "Q", "+1:00", "-12:3x"
	};
	static const char *const rest[] = {
		"- {\"a\":1}", "- ", "-", "[x@1 a=\"b\"] m",
		"[x@1][y@2 c=\"]\"] m",
		"[x@1 a=\"b]", "x m", "- \xef\xbb\xbfm", "[x@1]", "-  m",
		"- <Event/>", "[x@1 a=\"\\\"\"] {}"
	};
	static const char fieldch[] = "abcXYZ-0123.:_\t\xc3";
	size_t	 off = 0, i, n;
	int	 k, f, y;

	k = rnd_below(st, 20);
	if (k == 0)
		put(buf, &off, "%*s", rnd_below(st, 3), "");
	if (rnd_below(st, 10) == 0)
		put(buf, &off, "<%d>1 ", rnd_below(st, 1200));
	else
		put(buf, &off, "<%d>1 ", rnd_below(st, 192));
	if (rnd_below(st, 12) == 0)
		put(buf, &off, "- ");
	else {
		y = rnd_below(st, 3) == 0 ? rnd_below(st, 10000) :
		    years[rnd_below(st, NCASES(years))];
		put(buf, &off, "%04d-%02d-%02d%c%02d:%02d:%02d", y,
		    rnd_below(st, 4) == 0 ? rnd_below(st, 14) :
		    1 + rnd_below(st, 12),
		    rnd_below(st, 4) == 0 ? rnd_below(st, 33) :
		    1 + rnd_below(st, 28) + rnd_below(st, 2) * 2,
		    "TTTt x"[rnd_below(st, 6)], rnd_below(st, 26),
		    rnd_below(st, 62), rnd_below(st, 62));
		if ((n = (size_t)rnd_below(st, 9)) > 0) {
			buf[off++] = '.';
			for (i = 1; i < n; i++)
				buf[off++] = (char)('0' + rnd_below(st, 10));
		}
		put(buf, &off, "%s ", zones[rnd_below(st, NCASES(zones))]);
	}
	for (f = 0; f < 4; f++) {
		if (rnd_below(st, 3) == 0) {
			put(buf, &off, "- ");
			continue;
		}
		n = (size_t)rnd_below(st, 41);
		if (rnd_below(st, 2) == 0)
			n = n % 9;
		for (i = 0; i < n; i++)
			buf[off++] = fieldch[rnd_below(st,
			    sizeof(fieldch) - 1)];
		buf[off++] = ' ';
	}
	put(buf, &off, "%s", rest[rnd_below(st, NCASES(rest))]);
	for (n = (size_t)rnd_below(st, 40); n > 0 && off < 500; n--)
		buf[off++] = (char)('a' + rnd_below(st, 26));
	switch (rnd_below(st, 6)) {
	case 0:
		buf[rnd_below(st, (int)off)] = (char)rnd_below(st, 256);
		break;
	case 1:
		i = (size_t)rnd_below(st, (int)off);
		memmove(buf + i + 1, buf + i, off - i);
		buf[i] = " -:.0<>"[rnd_below(st, 7)];
		off++;
		break;
	case 2:
		i = (size_t)rnd_below(st, (int)off);
		memmove(buf + i, buf + i + 1, off - i - 1);
		off--;
		break;
	case 3:
		off = (size_t)rnd_below(st, (int)off + 1);
		break;
	default:
		break;
	}
	return off;
}

static void
check_ref(const char *buf, size_t len, const char *what)
{
	struct syslog_msg	 m;
	struct ref_result	 r;
	const char		*reason;
	int			 rc;

	ref_parse(buf, len, &r);
	rc = syslog_parse(buf, len, NOW_2024_12_01, &m, &reason);
	cr_assert_eq(rc, r.rc, "%s: \"%.*s\": rc %d, reference %d", what,
	    (int)len, buf, rc, r.rc);
	if (rc == -1) {
		cr_assert_str_eq(reason, r.reason, "%s: \"%.*s\"", what,
		    (int)len, buf);
		return;
	}
	cr_assert_eq(m.fmt, r.m.fmt, "%s: \"%.*s\"", what, (int)len, buf);
	cr_assert_eq(m.pri, r.m.pri, "%s: \"%.*s\"", what, (int)len, buf);
	if (r.is3164)
		return;
	cr_assert(m.time_ms == r.m.time_ms && m.host == r.m.host &&
	    m.host_len == r.m.host_len && m.app == r.m.app &&
	    m.app_len == r.m.app_len && m.msg == r.m.msg &&
	    m.msg_len == r.m.msg_len,
	    "%s: \"%.*s\": time %lld host %.*s app %.*s msg %zu, reference "
	    "time %lld", what, (int)len, buf, (long long)m.time_ms,
	    (int)m.host_len, m.host ? m.host : "", (int)m.app_len,
	    m.app ? m.app : "", m.msg_len, (long long)r.m.time_ms);
}

/*
 * Random RFC 5424-shaped frames, each parsed from a buffer of exactly
 * its size (so that valgrind or ASan sees a read past its end), must
 * give the reference's answer: the same code, reason, format, PRI,
 * time and the same pointers and lengths.
 */
Test(syslog, rfc5424_matches_reference)
{
	uint64_t	 st = 0x9e3779b97f4a7c15ULL;
	char		 frame[600], *buf;
	size_t		 len;
	int		 i;

	for (i = 0; i < 60000; i++) {
		len = rnd_frame(&st, frame);
		buf = malloc(len > 0 ? len : 1);
		cr_assert_not_null(buf);
		memcpy(buf, frame, len);
		check_ref(buf, len, "random");
		free(buf);
	}
}

/* Every valid date from year 0 to 9999 gives the reference's time. */
Test(syslog, rfc5424_dates_match_reference)
{
	char	 buf[80];
	int	 y, mo, d, n;

	for (y = 0; y <= 9999; y += y < 1850 || y > 2150 ? 7 : 1)
		for (mo = 1; mo <= 12; mo++)
			for (d = 27; d <= 31; d++) {
				n = snprintf(buf, sizeof(buf), "<1>1 %04d-"
				    "%02d-%02dT23:59:60.9-01:30 h a - - - m",
				    y, mo, d);
				check_ref(buf, (size_t)n, "date");
			}
}

/*
 * Every byte value at every place of the header of a few valid frames
 * (a leap day, a fraction, each zone form) gives the reference's answer.
 */
Test(syslog, rfc5424_every_byte_matches_reference)
{
	static const char *const base[] = {
		"<14>1 2024-02-29T23:59:60.123456+01:30 ws-0023 winlogbeat "
		    "- - - {\"a\":1}",
		"<1>1 1900-12-31t00:00:00Z h a p m [x@1 a=\"b\"] "
		    "\xef\xbb\xbfm",
		"<191>1 2100-01-01T00:00:00.5-23:59 - - - - - ",
	};
	char	 buf[128];
	size_t	 k, i, len;
	int	 b;

	for (k = 0; k < NCASES(base); k++) {
		len = strlen(base[k]);
		for (i = 0; i < len; i++)
			for (b = 0; b < 256; b++) {
				memcpy(buf, base[k], len);
				buf[i] = (char)b;
				check_ref(buf, len, "byte");
			}
	}
}
