/*
 * Copyright (c) 2026 The hecsentry developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS.
 */

/*
 * Unit tests of syslog.c: table-driven RFC 5424, RFC 3164 and
 * header-less frames, good and malformed, checked field by field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "syslog.h"

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
