/*
 * Unit tests of event.c: the field registry, the arena and its limits,
 * each normalisation rule of SPEC 2 (source/sourcetype, User, _time
 * precedence, every CIM field) and time parsing.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "civil.h"
#include "decode/event.h"
#include "testref.h"

static struct event ev;

static void
setup(void)
{
	event_fields_init();
	event_init(&ev, 4096);
}

static void
teardown(void)
{
	event_clear(&ev);
}

TestSuite(event, .init = setup, .fini = teardown);

static void
put(int id, const char *v)
{
	cr_assert_eq(event_set(&ev, id, v, strlen(v)), 0);
}

static void
expect(int id, const char *want)
{
	const char	*v;
	size_t		 len;

	if (want == NULL) {
		cr_expect(!event_has(&ev, id), "%s: want absent, got \"%.*s\"",
		    event_field_name(id), (int)ev.val[id].len, ev.val[id].ptr);
		return;
	}
	if (!event_get(&ev, id, &v, &len)) {
		cr_expect_fail("%s: want \"%s\", got absent",
		    event_field_name(id), want);
		return;
	}
	cr_expect(len == strlen(want) && memcmp(v, want, len) == 0,
	    "%s: want \"%s\", got \"%.*s\"", event_field_name(id), want,
	    (int)len, v);
}

static void
sysmon(void)
{
	put(EVENT_F_SOURCENAME, "Microsoft-Windows-Sysmon");
	put(EVENT_F_EVENTCODE, "3");
}

Test(event, registry_builtins_and_interning)
{
	int	 id, n;

	cr_expect_str_eq(event_field_name(EVENT_F_TIME), "_time");
	cr_expect_str_eq(event_field_name(EVENT_F_DESTINATIONPORTNAME),
	    "DestinationPortName");
	cr_expect_str_eq(event_field_name(EVENT_F_ACTION), "action");
	cr_expect_eq(event_field_lookup("Image", 5), EVENT_F_IMAGE);
	cr_expect_eq(event_field_lookup("image", 5), -1);
	cr_expect_eq(event_field_lookup("ImageX", 6), -1);
	n = event_field_count();
	cr_expect_geq(n, EVENT_F_NBUILTIN);
	id = event_field_intern("QueryName", 9);
	cr_expect_geq(id, EVENT_F_NBUILTIN);
	cr_expect_eq(event_field_intern("QueryName", 9), id);
	cr_expect_eq(event_field_lookup("QueryName", 9), id);
	cr_expect_str_eq(event_field_name(id), "QueryName");
	cr_expect_eq(event_field_count(), n + 1);
	event_fields_init();
	cr_expect_eq(event_field_count(), n + 1);
	cr_expect_null(event_field_name(-1));
	cr_expect_null(event_field_name(EVENT_MAX_FIELDS));
}

Test(event, arena_limits)
{
	struct event	 small;
	char		*p;

	event_init(&small, 16);
	cr_expect_eq(event_set(&small, EVENT_F_IMAGE, "0123456789", 10), 0);
	cr_expect_eq(event_set(&small, EVENT_F_USER, "0123456", 7), -1);
	cr_expect_eq(event_set(&small, EVENT_F_USER, "012345", 6), 0);
	cr_expect_null(event_alloc(&small, 1));
	cr_expect_eq(event_set(&small, -1, "x", 1), -1);
	cr_expect_eq(event_set_ref(&small, EVENT_MAX_FIELDS, "x", 1), -1);
	event_reset(&small);
	cr_expect(!event_has(&small, EVENT_F_IMAGE));
	cr_assert_not_null(p = event_alloc(&small, 16));
	event_trim(&small, p, 4);
	cr_expect_eq(small.arena_len, 4);
	event_clear(&small);
}

Test(event, empty_is_absent)
{
	put(EVENT_F_IMAGE, "x");
	cr_expect_eq(event_set(&ev, EVENT_F_IMAGE, "", 0), 0);
	cr_expect(!event_has(&ev, EVENT_F_IMAGE));
	cr_expect_eq(event_set_ref(&ev, EVENT_F_USER, "", 0), 0);
	cr_expect(!event_has(&ev, EVENT_F_USER));
	cr_assert_eq(testref_normalise(&ev, 0, 5000), 0);
	expect(EVENT_F_APP, NULL);
	expect(EVENT_F_CIM_USER, NULL);
}

Test(event, source_for_windows_sysmon)
{
	sysmon();
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_SOURCE,
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
	expect(EVENT_F_SOURCETYPE, "XmlWinEventLog");
	expect(EVENT_F_VENDOR_PRODUCT, "Microsoft Sysmon");
	expect(EVENT_F_ACTION, "allowed");
}

Test(event, source_from_channel_only)
{
	put(EVENT_F_CHANNEL, "Microsoft-Windows-Sysmon/Operational");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_SOURCE,
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
}

Test(event, source_for_linux_sysmon)
{
	put(EVENT_F_SOURCENAME, "Linux-Sysmon");
	put(EVENT_F_EVENTCODE, "3");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_SOURCE, "Syslog:Linux-Sysmon/Operational");
	expect(EVENT_F_SOURCETYPE, "sysmon:linux");
	expect(EVENT_F_VENDOR_PRODUCT, "Microsoft Sysmon");
}

Test(event, other_provider_gets_no_sysmon_source)
{
	put(EVENT_F_SOURCENAME, "Microsoft-Windows-Security-Auditing");
	put(EVENT_F_CHANNEL, "Security");
	put(EVENT_F_EVENTCODE, "3");
	put(EVENT_F_IMAGE, "C:\\x.exe");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_SOURCE, NULL);
	expect(EVENT_F_SOURCETYPE, NULL);
	expect(EVENT_F_VENDOR_PRODUCT, NULL);
	expect(EVENT_F_ACTION, NULL);
	/* The add-on derives fields of Sysmon events only (conf/cim.conf). */
	expect(EVENT_F_APP, NULL);
	expect(EVENT_F_PROCESS_NAME, NULL);
}

Test(event, payload_source_kept)
{
	sysmon();
	put(EVENT_F_SOURCE,
	    "WinEventLog:Microsoft-Windows-Sysmon/Operational");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_SOURCE,
	    "WinEventLog:Microsoft-Windows-Sysmon/Operational");
	expect(EVENT_F_SOURCETYPE, "XmlWinEventLog");
}

Test(event, user_from_ecs)
{
	sysmon();
	put(EVENT_F_USER_DOMAIN, "CONTOSO");
	put(EVENT_F_USER_NAME, "bob");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_USER, "CONTOSO\\bob");
	expect(EVENT_F_CIM_USER, "CONTOSO\\bob");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_USER_NAME, "bob");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_USER, "bob");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_USER, "RAW\\alice");
	put(EVENT_F_USER_DOMAIN, "CONTOSO");
	put(EVENT_F_USER_NAME, "bob");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_USER, "RAW\\alice");
}

Test(event, time_precedence)
{
	int	 et;

	et = event_field_intern("EventTime", 9);
	put(et, "2020-06-09 22:52:07");
	cr_assert_eq(testref_normalise(&ev, 0, 7000), 0);
	cr_expect_eq(ev.time_ms, 7000, "arrival");
	expect(EVENT_F_TIME, "7.000");

	cr_assert_eq(testref_normalise(&ev, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 5000, "header beats arrival");

	put(EVENT_F_TIMESTAMP, "2020-06-10T02:52:08.589Z");
	cr_assert_eq(testref_normalise(&ev, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1591757528589LL, "@timestamp beats header");

	put(EVENT_F_SYSTEMTIME, "2022-09-15T12:56:22.958249300Z");
	cr_assert_eq(testref_normalise(&ev, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1663246582958LL, "SystemTime beats @ts");

	put(EVENT_F_UTCTIME, "2022-09-15 12:56:19.679");
	cr_assert_eq(testref_normalise(&ev, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1663246579679LL, "UtcTime beats all");
	expect(EVENT_F_TIME, "1663246579.679");

	/* A malformed UtcTime falls through to the next candidate. */
	put(EVENT_F_UTCTIME, "yesterday");
	cr_assert_eq(testref_normalise(&ev, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1663246582958LL);
}

/*
 * time_source = timecreated (hecsentry.conf(5)): TimeCreated/@SystemTime,
 * then @timestamp, then UtcTime; the header and arrival times after them.
 */
Test(event, time_precedence_timecreated)
{
	const enum event_time_source tc = EVENT_TIME_TIMECREATED;

	put(EVENT_F_UTCTIME, "2022-09-15 12:56:19.679");
	cr_assert_eq(event_normalise_from(&ev, tc, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1663246579679LL, "UtcTime beats header");

	put(EVENT_F_TIMESTAMP, "2020-06-10T02:52:08.589Z");
	cr_assert_eq(event_normalise_from(&ev, tc, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1591757528589LL, "@timestamp beats UtcTime");

	put(EVENT_F_SYSTEMTIME, "2022-09-15T12:56:22.958249300Z");
	cr_assert_eq(event_normalise_from(&ev, tc, 5000, 7000), 0);
	cr_expect_eq(ev.time_ms, 1663246582958LL, "SystemTime beats all");
	expect(EVENT_F_TIME, "1663246582.958");

	/* The default order on the same event: UtcTime first. */
	cr_assert_eq(event_normalise_from(&ev, EVENT_TIME_UTCTIME, 5000,
	    7000), 0);
	cr_expect_eq(ev.time_ms, 1663246579679LL);
}

Test(event, cim_dest_src_prefer_hostnames)
{
	sysmon();
	put(EVENT_F_DESTINATIONHOSTNAME, "mx.example.net");
	put(EVENT_F_DESTINATIONIP, "192.0.2.1");
	put(EVENT_F_SOURCEIP, "10.0.0.1");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_DEST, "mx.example.net");
	expect(EVENT_F_SRC, "10.0.0.1");
	expect(EVENT_F_DEST_IP, "192.0.2.1");
	expect(EVENT_F_SRC_IP, "10.0.0.1");
}

Test(event, cim_dash_is_a_value)
{
	sysmon();
	put(EVENT_F_DESTINATIONHOSTNAME, "-");
	put(EVENT_F_DESTINATIONIP, "192.0.2.1");
	put(EVENT_F_SOURCEHOSTNAME, "-");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_DEST, "-");
	expect(EVENT_F_SRC, "-");
}

Test(event, cim_aliases_share_bytes)
{
	sysmon();
	put(EVENT_F_IMAGE, "C:\\Temp\\agent.exe");
	put(EVENT_F_COMPUTER, "host1");
	put(EVENT_F_USER, "D\\u");
	put(EVENT_F_PROTOCOL, "tcp");
	put(EVENT_F_DESTINATIONPORT, "21");
	put(EVENT_F_SOURCEPORT, "50000");
	put(EVENT_F_PROCESSGUID, "{g}");
	put(EVENT_F_PROCESSID, "42");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_APP, "C:\\Temp\\agent.exe");
	expect(EVENT_F_PROCESS_NAME, "agent.exe");
	expect(EVENT_F_PROCESS_EXEC, "agent.exe");
	expect(EVENT_F_DVC, "host1");
	expect(EVENT_F_CIM_USER, "D\\u");
	expect(EVENT_F_TRANSPORT, "tcp");
	expect(EVENT_F_DEST_PORT, "21");
	expect(EVENT_F_SRC_PORT, "50000");
	expect(EVENT_F_PROCESS_GUID, "{g}");
	expect(EVENT_F_PROCESS_ID, "42");
	cr_expect_eq(ev.val[EVENT_F_APP].ptr, ev.val[EVENT_F_IMAGE].ptr);
	cr_expect_eq(ev.val[EVENT_F_PROCESS_NAME].ptr,
	    ev.val[EVENT_F_IMAGE].ptr + 8);
	cr_expect_eq(ev.val[EVENT_F_DVC].ptr, ev.val[EVENT_F_COMPUTER].ptr);
	cr_expect_eq(ev.val[EVENT_F_DEST_PORT].ptr,
	    ev.val[EVENT_F_DESTINATIONPORT].ptr);
}

Test(event, cim_basename_forward_slash)
{
	sysmon();
	put(EVENT_F_IMAGE, "/usr/bin/curl");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_PROCESS_NAME, "curl");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_IMAGE, "plain.exe");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_PROCESS_NAME, "plain.exe");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_IMAGE, "C:\\dir\\");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_PROCESS_NAME, NULL);
}

Test(event, cim_protocol_and_direction_from_initiated)
{
	sysmon();
	put(EVENT_F_DESTINATIONPORTNAME, "smtp");
	put(EVENT_F_SOURCEPORTNAME, "-");
	put(EVENT_F_INITIATED, "TRUE");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_CIM_PROTOCOL, "smtp");
	expect(EVENT_F_DIRECTION, "outbound");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_DESTINATIONPORTNAME, "smtp");
	put(EVENT_F_SOURCEPORTNAME, "-");
	put(EVENT_F_INITIATED, "false");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_CIM_PROTOCOL, "-");
	expect(EVENT_F_DIRECTION, "inbound");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_DESTINATIONPORTNAME, "smtp");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_CIM_PROTOCOL, NULL);
	expect(EVENT_F_DIRECTION, NULL);
}

Test(event, cim_protocol_version)
{
	sysmon();
	put(EVENT_F_SOURCEISIPV6, "false");
	put(EVENT_F_DESTINATIONISIPV6, "True");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_PROTOCOL_VERSION, "ipv6");

	event_reset(&ev);
	sysmon();
	put(EVENT_F_SOURCEISIPV6, "false");
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_PROTOCOL_VERSION, "ipv4");

	event_reset(&ev);
	sysmon();
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect(EVENT_F_PROTOCOL_VERSION, NULL);
}

Test(event, normalise_fails_when_arena_full)
{
	struct event	 small;

	event_init(&small, 8);
	cr_assert_eq(event_set_ref(&small, EVENT_F_UTCTIME,
	    "2022-09-15 12:56:19.679", 23), 0);
	cr_expect_eq(testref_normalise(&small, 0, 0), -1);
	event_clear(&small);
}

Test(event, parse_time)
{
	static const struct {
		const char	*in;
		int		 rc;
		int64_t		 ms;
	} c[] = {
		{ "2022-09-15 12:56:19.679", 0, 1663246579679LL },
		{ "2022-09-15 12:56:19", 0, 1663246579000LL },
		{ "2022-09-15T12:56:22.958249300Z", 0, 1663246582958LL },
		{ "2022-09-15T12:56:22Z", 0, 1663246582000LL },
		{ "2022-09-15T12:56:22.9z", 0, 1663246582900LL },
		{ "2022-09-15T14:56:22.5+02:00", 0, 1663246582500LL },
		{ "2022-09-15T10:56:22-0200", 0, 1663246582000LL },
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2024-02-29 00:00:00.000", 0, 1709164800000LL },
		{ "2023-02-29 00:00:00.000", -1, 0 },
		{ "2022-13-01 00:00:00", -1, 0 },
		{ "2022-09-15 24:00:00", -1, 0 },
		{ "2022-09-15 12:56", -1, 0 },
		{ "2022-09-15 12:56:19.", -1, 0 },
		{ "2022-09-15 12:56:19.679 ", -1, 0 },
		{ "2022-09-15T12:56:22+2", -1, 0 },
		{ "2022-9-15 12:56:19", -1, 0 },
		{ "", -1, 0 },
	};
	size_t	 i;
	int64_t	 ms;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ms = -7;
		cr_expect_eq(event_parse_time(c[i].in, strlen(c[i].in), &ms),
		    c[i].rc, "%s", c[i].in);
		if (c[i].rc == 0)
			cr_expect_eq(ms, c[i].ms, "%s: %lld", c[i].in,
			    (long long)ms);
	}
	/* Not NUL-terminated: only len bytes are read. */
	cr_expect_eq(event_parse_time("2022-09-15 12:56:19.679XYZ", 23, &ms),
	    0);
	cr_expect_eq(ms, 1663246579679LL);
}

Test(event, shape_names)
{
	cr_expect_str_eq(event_shape_name(EVENT_SHAPE_NXLOG), "nxlog");
	cr_expect_str_eq(event_shape_name(EVENT_SHAPE_XML), "xml");
	cr_expect_str_eq(event_shape_name(EVENT_SHAPE_NSHAPES), "unknown");
}

/* _time is "seconds.mmm", as "%lld.%03d" of the floored seconds. */
Test(event, time_text_matches_printf)
{
	static const int64_t ms[] = {
		0, 1, 999, 1000, 1001, 1709288430456LL, 9999999999999LL,
		-1, -999, -1000, -1001, -1709288430456LL, INT64_MAX / 2
	};
	struct event	 e;
	char		 want[64];
	const char	*v;
	size_t		 i, len;
	int64_t		 sec;

	event_init(&e, 1024);
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		event_reset(&e);
		cr_assert_eq(testref_normalise(&e, 0, ms[i]), 0);
		sec = ms[i] / 1000;
		if (ms[i] % 1000 < 0)
			sec--;
		snprintf(want, sizeof(want), "%lld.%03d", (long long)sec,
		    (int)(ms[i] - sec * 1000));
		cr_assert(event_get(&e, EVENT_F_TIME, &v, &len));
		cr_assert_eq(len, strlen(want), "%s", want);
		cr_assert(memcmp(v, want, len) == 0, "%.*s, want %s",
		    (int)len, v, want);
	}
	event_clear(&e);
}

/*
 * The reference time parser: the accepted syntax as one POSIX extended
 * regular expression (RFC 3339 with ' ' or 't' for 'T', an optional
 * fraction of which milliseconds count, 'Z', '+hh:mm' or '+hhmm'), the
 * ranges checked after it and the date counted by testref_days()
 * (tests/lib/civil.c), which shares no code with civil_days().  The
 * tests below require the same answers from event_parse_time() on every
 * input.
 */
static const char ref_time_re[] =
    "^([0-9]{4})-([0-9]{2})-([0-9]{2})[ Tt]([0-9]{2}):([0-9]{2}):"
    "([0-9]{2})(\\.([0-9]+))?([Zz]|([-+])([0-9]{2}):?([0-9]{2}))?$";

/* Group g of m in s as a number (0 if it did not take part). */
static int
ref_group(const char *s, const regmatch_t *m, int g)
{
	int	 v = 0;
	regoff_t k;

	for (k = m[g].rm_so; k >= 0 && k < m[g].rm_eo; k++)
		v = v * 10 + (s[k] - '0');
	return v;
}

static int
ref_parse_time(const char *s, size_t len, int64_t *ms)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	static regex_t	 re;
	static bool	 compiled;
	regmatch_t	 m[13];
	char		 buf[64];
	int		 y, mo, d, h, mi, sec, frac = 0, off = 0, k;

	if (!compiled) {
		cr_assert_eq(regcomp(&re, ref_time_re, REG_EXTENDED), 0);
		compiled = true;
	}
	if (len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (regexec(&re, buf, 13, m, 0) != 0)
		return -1;
	y = ref_group(buf, m, 1);
	mo = ref_group(buf, m, 2);
	d = ref_group(buf, m, 3);
	h = ref_group(buf, m, 4);
	mi = ref_group(buf, m, 5);
	sec = ref_group(buf, m, 6);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && (y % 4 != 0 ||
	    (y % 100 == 0 && y % 400 != 0))) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	for (k = 0; k < 3; k++) {	/* milliseconds: 3 places, padded */
		frac *= 10;
		if (m[8].rm_so >= 0 && m[8].rm_so + k < m[8].rm_eo)
			frac += buf[m[8].rm_so + k] - '0';
	}
	if (m[10].rm_so >= 0) {
		if (ref_group(buf, m, 11) > 23 || ref_group(buf, m, 12) > 59)
			return -1;
		off = ref_group(buf, m, 11) * 60 + ref_group(buf, m, 12);
		if (buf[m[10].rm_so] == '-')
			off = -off;
	}
	*ms = ((testref_days(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + sec - (int64_t)off * 60) * 1000) + frac;
	return 0;
}

static uint32_t
test_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Same answer as the reference on valid times and on mutations of them. */
Test(event, parse_time_matches_reference)
{
	static const char *seeds[] = {
		"2022-09-15 12:56:19.679", "2022-09-15T12:56:22.958249300Z",
		"2024-02-29T23:59:60.5+02:00", "1999-12-31t00:00:00-0130",
		"2100-02-28 01:02:03", "0000-03-01T00:00:00Z",
		"2026-11-28 07:59:59.625", "2023-02-29 00:00:00.000",
		"2022-09-15T12:56:22.9z", "2022-09-15T12:56:22+2",
	};
	static const char alpha[] = "0123456789-: Tt.Zz+x\0";
	char		 buf[48];
	size_t		 i, k, len;
	int64_t		 a, b;
	int		 ra, rb, m;
	uint32_t	 seed = 2463534242u;

	for (i = 0; i < 200000; i++) {
		len = strlen(seeds[i % (sizeof(seeds) / sizeof(seeds[0]))]);
		memcpy(buf, seeds[i % (sizeof(seeds) / sizeof(seeds[0]))],
		    len);
		for (m = (int)(test_rand(&seed) % 4); m > 0; m--) {
			k = test_rand(&seed) % (len + 1);
			switch (test_rand(&seed) % 3) {
			case 0:		/* replace */
				if (k < len)
					buf[k] = alpha[test_rand(&seed) %
					    (sizeof(alpha) - 1)];
				break;
			case 1:		/* cut */
				len = k;
				break;
			default:	/* random digit in place */
				if (k < len)
					buf[k] = (char)('0' +
					    test_rand(&seed) % 10);
				break;
			}
		}
		a = b = -7;
		ra = event_parse_time(buf, len, &a);
		rb = ref_parse_time(buf, len, &b);
		cr_assert_eq(ra, rb, "%.*s: %d, want %d", (int)len, buf, ra,
		    rb);
		cr_assert_eq(a, b, "%.*s: %lld, want %lld", (int)len, buf,
		    (long long)a, (long long)b);
	}
}

/*
 * Known instants, with the ms since the epoch that Python's datetime
 * gives for them: the examples of RFC 3339 section 5.8 (a leap second
 * counts as the first second of the next minute) and a Sysmon UtcTime.
 */
Test(event, parse_time_known_instants)
{
	static const struct {
		const char	*in;
		int64_t		 ms;
	} tc[] = {
		{ "1985-04-12T23:20:50.52Z", 482196050520LL },
		{ "1996-12-19T16:39:57-08:00", 851042397000LL },
		{ "1990-12-31T23:59:60Z", 662688000000LL },
		{ "1990-12-31T15:59:60-08:00", 662688000000LL },
		{ "1937-01-01T12:00:27.87+00:20", -1041337172130LL },
		{ "2022-09-15 12:56:19.679", 1663246579679LL },
		{ "2024-02-29T23:59:59.999+02:00", 1709243999999LL },
	};
	size_t		 i;
	int64_t		 ms;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		ms = -7;
		cr_assert_eq(event_parse_time(tc[i].in, strlen(tc[i].in), &ms),
		    0, "%s", tc[i].in);
		cr_assert_eq(ms, tc[i].ms, "%s: %lld, want %lld", tc[i].in,
		    (long long)ms, (long long)tc[i].ms);
	}
}

/*
 * Days since 1970-01-01 that Python's datetime.date gives (year 0: 400
 * years of 146097 days before 400-03-01), for event.c and for the
 * reference the other tests trust.
 */
Test(event, days_from_civil_known_dates)
{
	static const struct {
		int		 y, m, d;
		int64_t		 days;
	} tc[] = {
		{ 1970, 1, 1, 0 }, { 1969, 12, 31, -1 },
		{ 2000, 1, 1, 10957 }, { 2000, 3, 1, 11017 },
		{ 2024, 2, 29, 19782 }, { 1900, 3, 1, -25508 },
		{ 2100, 3, 1, 47541 }, { 1600, 2, 29, -135081 },
		{ 1, 1, 1, -719162 }, { 0, 3, 1, -719468 },
		{ 9999, 12, 31, 2932896 },
	};
	size_t		 i;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		cr_assert_eq(civil_days(tc[i].y, tc[i].m, tc[i].d),
		    tc[i].days, "%d-%d-%d", tc[i].y, tc[i].m, tc[i].d);
		cr_assert_eq(testref_days(tc[i].y, tc[i].m, tc[i].d),
		    tc[i].days, "reference %d-%d-%d", tc[i].y, tc[i].m,
		    tc[i].d);
	}
}

/* The kept last answer never leaks into another date. */
Test(event, days_from_civil_matches_reference)
{
	static const int mlen[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int		 y, m, d, k;
	uint32_t	 seed = 88172645u;

	for (y = -1000; y <= 3000; y += 7)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= mlen[m - 1]; d += 3)
				for (k = 0; k < 2; k++)
					cr_assert_eq(civil_days(y,
					    m, d), testref_days(y, m, d),
					    "%d-%d-%d", y, m, d);
	for (k = 0; k < 100000; k++) {
		y = (int)(test_rand(&seed) % 10000);
		m = 1 + (int)(test_rand(&seed) % 12);
		d = 1 + (int)(test_rand(&seed) % 31);
		cr_assert_eq(civil_days(y, m, d),
		    testref_days(y, m, d), "%d-%d-%d", y, m, d);
		cr_assert_eq(civil_days(y, m, d),
		    testref_days(y, m, d), "%d-%d-%d again", y, m, d);
	}
}

/* process_name after the last '\' or '/', at every length and place. */
Test(event, cim_basename_matches_bytewise)
{
	static const char alpha[] = "ab\\/.]\x2e\x01\xdc\xaf";
	struct event	 e;
	char		 img[40];
	const char	*v;
	size_t		 len, i, vlen;
	uint32_t	 seed = 5u, want;
	int		 n;

	event_init(&e, 1024);
	for (n = 0; n < 50000; n++) {
		len = 1 + test_rand(&seed) % sizeof(img);
		for (i = 0; i < len; i++)
			img[i] = alpha[test_rand(&seed) % (sizeof(alpha) - 1)];
		for (want = (uint32_t)len; want > 0; want--)
			if (img[want - 1] == '\\' || img[want - 1] == '/')
				break;
		event_reset(&e);
		cr_assert_eq(event_set_ref(&e, EVENT_F_IMAGE, img, len), 0);
		cr_assert_eq(event_set_ref(&e, EVENT_F_SOURCENAME,
		    "Microsoft-Windows-Sysmon", 24), 0);
		cr_assert_eq(testref_normalise(&e, 0, 0), 0);
		if (want == len) {
			cr_assert(!event_has(&e, EVENT_F_PROCESS_NAME));
			continue;
		}
		cr_assert(event_get(&e, EVENT_F_PROCESS_NAME, &v, &vlen));
		cr_assert_eq(v, img + want, "%.*s", (int)len, img);
		cr_assert_eq(vlen, len - want);
	}
	event_clear(&e);
}

/* _time text as printf writes it, for random times of either sign. */
Test(event, time_text_matches_printf_random)
{
	struct event	 e;
	char		 want[64];
	const char	*v;
	size_t		 len;
	int64_t		 ms, sec;
	uint32_t	 seed = 77u;
	int		 n;

	event_init(&e, 1024);
	for (n = 0; n < 20000; n++) {
		ms = (int64_t)(((uint64_t)test_rand(&seed) << 32 |
		    test_rand(&seed)) >> (1 + test_rand(&seed) % 63));
		if (n & 1)
			ms = -ms;
		event_reset(&e);
		cr_assert_eq(testref_normalise(&e, 0, ms), 0);
		sec = ms / 1000;
		if (ms % 1000 < 0)
			sec--;
		snprintf(want, sizeof(want), "%lld.%03d", (long long)sec,
		    (int)(ms - sec * 1000));
		cr_assert(event_get(&e, EVENT_F_TIME, &v, &len));
		cr_assert(len == strlen(want) && memcmp(v, want, len) == 0,
		    "%.*s, want %s", (int)len, v, want);
		/* Another time in the same second: the kept seconds. */
		ms = sec * 1000 + test_rand(&seed) % 1000;
		event_reset(&e);
		cr_assert_eq(testref_normalise(&e, 0, ms), 0);
		snprintf(want, sizeof(want), "%lld.%03d", (long long)sec,
		    (int)(ms - sec * 1000));
		cr_assert(event_get(&e, EVENT_F_TIME, &v, &len));
		cr_assert(len == strlen(want) && memcmp(v, want, len) == 0,
		    "%.*s, want %s (same second)", (int)len, v, want);
	}
	event_clear(&e);
}
