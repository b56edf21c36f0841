/*
 * Unit tests of the payload decoders: every shape of one synthetic SMTP
 * connection normalises to the same fields, the real AgentTesla XML
 * record and the 615 real OTRF records decode, the fast JSON scanner and
 * the json-c reference agree field for field (real records, fixtures and
 * a table of tricky inputs, generated streams of every JSON shape), with
 * both copies of the fast scanner (portable and AVX2) and its key
 * predictions cold and warm, and malformed JSON and XML are refused with
 * the right reason.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "input/syslog.h"
#include "testref.h"
#include "expect_event.h"

#define ARENA		65536
#define OTRF		"otrf_security_datasets_sysmon_eid3/" \
			    "otrf_sysmon_eid3_sample.ndjson"
#define AGENTTESLA	"splunk_security_content_agenttesla_ftp_eid3/" \
			    "agenttesla_ftp_sysmon_eid3.xml"

static const struct decode_limits lim = { .max_depth = 32 };
static struct event ev, ev2;

static void
setup(void)
{
	event_fields_init();
	event_init(&ev, ARENA);
	event_init(&ev2, ARENA);
}

static void
teardown(void)
{
	event_clear(&ev);
	event_clear(&ev2);
}

TestSuite(decode, .init = setup, .fini = teardown);

/*
 * Runs both JSON decoders on buf and requires the same outcome, the fast
 * one three times: its portable copy, then its AVX2 copy (the portable
 * one again where the CPU lacks AVX2) twice, so that keys are met both
 * before and after the per-thread tables have seen them.  ev holds the
 * last fast result.
 */
static enum decode_error
differential(const char *buf, size_t len, const struct decode_limits *l,
    const char *ctx)
{
	enum decode_error	 e1, e2;
	int			 run;

	for (run = 0; run < 3; run++) {
		decode_json_set_simd(run > 0);
		event_reset(&ev);
		event_reset(&ev2);
		e1 = decode_json(testref_dc(), buf, len, l, &ev);
		e2 = decode_json_ref(testref_dc(), buf, len, l, &ev2);
		cr_expect_eq(e1, e2, "%s (run %d): fast %s, ref %s", ctx, run,
		    decode_error_name(e1), decode_error_name(e2));
		if (e1 == DECODE_OK && e2 == DECODE_OK)
			expect_same_fields(&ev, &ev2, ctx);
	}
	return e1;
}

/* The same synthetic SMTP connection in each shape (tests/data/shapes). */
static const struct {
	const char	*file;
	enum event_shape shape;
} shape_files[] = {
	{ "shapes/nxlog.json", EVENT_SHAPE_NXLOG },
	{ "shapes/winlogbeat.json", EVENT_SHAPE_WINLOGBEAT },
	{ "shapes/winlogbeat_ecs.json", EVENT_SHAPE_ECS },
	{ "shapes/splunk_flat.json", EVENT_SHAPE_SPLUNK_FLAT },
	{ "shapes/xmlwineventlog.xml", EVENT_SHAPE_XML },
};

static const char *smtp_fields[][2] = {
	{ "EventCode", "3" },
	{ "Computer", "WS01.contoso.local" },
	{ "Image", "C:\\Users\\bob\\AppData\\Local\\Temp\\mailer.exe" },
	{ "ProcessGuid", "{5d0b1c2a-7e3f-65e1-4a01-000000000d00}" },
	{ "ProcessId", "4242" },
	{ "User", "CONTOSO\\bob" },
	{ "Protocol", "tcp" },
	{ "Initiated", "true" },
	{ "SourceIp", "10.0.0.5" },
	{ "SourceHostname", "ws01.contoso.local" },
	{ "SourcePort", "50123" },
	{ "SourcePortName", "-" },
	{ "DestinationIp", "203.0.113.25" },
	{ "DestinationHostname", "smtp.example.net" },
	{ "DestinationPort", "25" },
	{ "DestinationPortName", "smtp" },
	{ "source", "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" },
	{ "sourcetype", "XmlWinEventLog" },
	{ "_time", "1709288430.456" },
	{ "dest", "smtp.example.net" },
	{ "src", "ws01.contoso.local" },
	{ "dvc", "WS01.contoso.local" },
	{ "user", "CONTOSO\\bob" },
	{ "app", "C:\\Users\\bob\\AppData\\Local\\Temp\\mailer.exe" },
	{ "process_name", "mailer.exe" },
	{ "process_exec", "mailer.exe" },
	{ "transport", "tcp" },
	{ "protocol", "smtp" },
	{ "direction", "outbound" },
	{ "dest_ip", "203.0.113.25" },
	{ "dest_port", "25" },
	{ "src_ip", "10.0.0.5" },
	{ "src_port", "50123" },
	{ "process_guid", "{5d0b1c2a-7e3f-65e1-4a01-000000000d00}" },
	{ "process_id", "4242" },
	{ "vendor_product", "Microsoft Sysmon" },
	{ "protocol_version", "ipv4" },
	{ "action", "allowed" },
};

Test(decode, every_shape_normalises_to_the_same_event)
{
	enum decode_error	 err;
	size_t			 i, j, len;
	char			*buf;

	for (i = 0; i < sizeof(shape_files) / sizeof(shape_files[0]); i++) {
		buf = read_data(shape_files[i].file, &len);
		event_reset(&ev);
		err = decode_payload(testref_dc(), buf, len, &lim, &ev);
		cr_assert_eq(err, DECODE_OK, "%s: %s", shape_files[i].file,
		    decode_error_name(err));
		cr_expect_eq(ev.shape, shape_files[i].shape, "%s: shape %s",
		    shape_files[i].file, event_shape_name(ev.shape));
		cr_assert_eq(testref_normalise(&ev, 1, 2), 0);
		cr_expect_eq(ev.time_ms, 1709288430456LL, "%s: time %lld",
		    shape_files[i].file, (long long)ev.time_ms);
		for (j = 0; j < sizeof(smtp_fields) / sizeof(smtp_fields[0]);
		    j++)
			expect_field(&ev, smtp_fields[j][0], smtp_fields[j][1],
			    shape_files[i].file);
		free(buf);
	}
}

Test(decode, fixture_specifics)
{
	char	*buf;
	size_t	 len;

	/* The XML fixture's RuleName carries entities and RenderingInfo. */
	buf = read_data("shapes/xmlwineventlog.xml", &len);
	cr_assert_eq(decode_payload(testref_dc(), buf, len, &lim, &ev),
	    DECODE_OK);
	expect_field(&ev, "RuleName",
	    "technique_id=T1071.003,technique_name=Mail & Web A\xc3\xa9",
	    "xml");
	expect_field(&ev, "SystemTime", "2024-03-01T10:20:31.2049871Z", "xml");
	free(buf);

	/* ECS: Initiated comes from network.direction only. */
	buf = read_data("shapes/winlogbeat_ecs.json", &len);
	event_reset(&ev);
	cr_assert_eq(decode_payload(testref_dc(), buf, len, &lim, &ev),
	    DECODE_OK);
	expect_field(&ev, "Initiated", "true", "ecs");
	expect_field(&ev, "user.domain", "CONTOSO", "ecs");
	expect_field(&ev, "user.name", "bob", "ecs");
	expect_field(&ev, "User", NULL, "ecs before normalise");
	expect_field(&ev, "UtcTime", NULL, "ecs");
	free(buf);
}

Test(decode, agenttesla_xml_exact_values)
{
	static const char *want[][2] = {
		{ "EventCode", "3" },
		{ "SourceName", "Microsoft-Windows-Sysmon" },
		{ "Channel", "Microsoft-Windows-Sysmon/Operational" },
		{ "Computer",
		    "win-dc-ctus-attack-range-403.attackrange.local" },
		{ "SystemTime", "2022-09-15T12:56:22.958249300Z" },
		{ "UtcTime", "2022-09-15 12:56:19.679" },
		{ "RuleName", "-" },
		{ "ProcessGuid", "{6820D070-1F1B-6323-E113-000000007402}" },
		{ "ProcessId", "5728" },
		{ "Image", "C:\\Temp\\agent_tesla-deob.exe" },
		{ "User", "ATTACKRANGE\\Administrator" },
		{ "Protocol", "tcp" },
		{ "Initiated", "true" },
		{ "SourceIsIpv6", "false" },
		{ "SourceIp", "10.0.1.14" },
		{ "SourceHostname",
		    "win-dc-ctus-attack-range-403.attackrange.local" },
		{ "SourcePort", "61722" },
		{ "SourcePortName", "-" },
		{ "DestinationIsIpv6", "false" },
		{ "DestinationIp", "41.77.117.236" },
		{ "DestinationHostname", "youssef5.genious.net" },
		{ "DestinationPort", "21" },
		{ "DestinationPortName", "ftp" },
		{ "source",
		    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" },
		{ "sourcetype", "XmlWinEventLog" },
		{ "_time", "1663246579.679" },
		{ "dest", "youssef5.genious.net" },
		{ "src", "win-dc-ctus-attack-range-403.attackrange.local" },
		{ "dvc", "win-dc-ctus-attack-range-403.attackrange.local" },
		{ "user", "ATTACKRANGE\\Administrator" },
		{ "app", "C:\\Temp\\agent_tesla-deob.exe" },
		{ "process_name", "agent_tesla-deob.exe" },
		{ "process_exec", "agent_tesla-deob.exe" },
		{ "transport", "tcp" },
		{ "protocol", "ftp" },
		{ "direction", "outbound" },
		{ "dest_ip", "41.77.117.236" },
		{ "dest_port", "21" },
		{ "src_ip", "10.0.1.14" },
		{ "src_port", "61722" },
		{ "process_guid", "{6820D070-1F1B-6323-E113-000000007402}" },
		{ "process_id", "5728" },
		{ "vendor_product", "Microsoft Sysmon" },
		{ "protocol_version", "ipv4" },
		{ "action", "allowed" },
	};
	char	*buf;
	size_t	 i, len;

	buf = read_data(AGENTTESLA, &len);
	cr_assert_eq(decode_payload(testref_dc(), buf, len, &lim, &ev),
	    DECODE_OK);
	cr_expect_eq(ev.shape, EVENT_SHAPE_XML);
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	cr_expect_eq(ev.time_ms, 1663246579679LL);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_field(&ev, want[i][0], want[i][1], "agenttesla");
	free(buf);
}

/*
 * All 615 OTRF records.  614 are NXLog im_msvistalog JSON (493 carry
 * SourceModuleType, 121 only SourceName) and decode.  Line 615 is an
 * Azure Log Analytics "WindowsEvent" row: it has EventID but no
 * SourceName/SourceModuleType (the provider is in "Provider") and its
 * EventData is a JSON *string*, not an object, so it has no Sysmon
 * fields; it is refused as DECODE_ERR_SHAPE on purpose.
 */
Test(decode, otrf_records_decode_and_agree_with_reference)
{
	char		*buf, *line, *nl;
	size_t		 len, n = 0, nxlog = 0, failed = 0, failed_line = 0;
	enum decode_error err, err_failed = DECODE_OK;
	char		 ctx[64];

	buf = read_data(OTRF, &len);
	for (line = buf; line < buf + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) ==
		    NULL)
			nl = buf + len;
		if (nl == line)
			continue;
		n++;
		snprintf(ctx, sizeof(ctx), "otrf line %zu", n);
		err = differential(line, (size_t)(nl - line), &lim, ctx);
		if (err != DECODE_OK) {
			failed++;
			failed_line = n;
			err_failed = err;
			continue;
		}
		if (ev.shape == EVENT_SHAPE_NXLOG)
			nxlog++;
		cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
		expect_field(&ev, "EventCode", "3", ctx);
		cr_expect(event_has(&ev, EVENT_F_IMAGE), "%s: no Image", ctx);
		cr_expect(event_has(&ev, EVENT_F_DESTINATIONPORT),
		    "%s: no DestinationPort", ctx);
		cr_expect(event_has(&ev, EVENT_F_COMPUTER), "%s: no Computer",
		    ctx);
		expect_field(&ev, "source", "XmlWinEventLog:"
		    "Microsoft-Windows-Sysmon/Operational", ctx);
		cr_expect(event_has(&ev, EVENT_F_UTCTIME), "%s: no UtcTime",
		    ctx);
		cr_expect_gt(ev.time_ms, 1500000000000LL, "%s: _time", ctx);
	}
	free(buf);
	cr_expect_eq(n, 615);
	cr_expect_eq(nxlog, 614);
	cr_expect_eq(failed, 1);
	cr_expect_eq(failed_line, 615);
	cr_expect_eq(err_failed, DECODE_ERR_SHAPE);
}

Test(decode, otrf_first_record_values)
{
	char	*buf, *nl;
	size_t	 len;

	buf = read_data(OTRF, &len);
	cr_assert_not_null(nl = memchr(buf, '\n', len));
	cr_assert_eq(decode_json(testref_dc(), buf, (size_t)(nl - buf), &lim,
	    &ev),
	    DECODE_OK);
	cr_assert_eq(testref_normalise(&ev, 0, 0), 0);
	expect_field(&ev, "Computer", "MORDORDC.mordor.local", "otrf 1");
	expect_field(&ev, "Image", "C:\\Windows\\System32\\svchost.exe",
	    "otrf 1");
	expect_field(&ev, "User", "NT AUTHORITY\\NETWORK SERVICE", "otrf 1");
	expect_field(&ev, "DestinationPort", "135", "otrf 1");
	/* "-" is a value, so dest is "-" as in Splunk. */
	expect_field(&ev, "dest", "-", "otrf 1");
	expect_field(&ev, "protocol_version", "ipv6", "otrf 1");
	expect_field(&ev, "direction", "inbound", "otrf 1");
	/* UtcTime, not EventTime (local) nor @timestamp. */
	expect_field(&ev, "_time", "1591757525.773", "otrf 1");
	free(buf);
}

Test(decode, fixtures_agree_with_reference)
{
	size_t	 i, len;
	char	*buf;

	for (i = 0; i < 4; i++) {
		buf = read_data(shape_files[i].file, &len);
		cr_expect_eq(differential(buf, len, &lim, shape_files[i].file),
		    DECODE_OK);
		free(buf);
	}
}

/* Tricky but valid JSON: both decoders agree, and the fast one is right. */
static const struct {
	const char	*in;
	const char	*field;		/* checked on the fast decoder */
	const char	*want;		/* NULL: absent */
} tricky[] = {
	{ "{\"EventCode\":3,\"Image\":\"caf\\u00e9\"}", "Image",
	    "caf\xc3\xa9" },
	{ "{\"EventCode\":3,\"Image\":\"C:\\\\a\\\\b.exe\"}", "Image",
	    "C:\\a\\b.exe" },
	{ "{\"EventCode\":3,\"Image\":\"q\\\"q\\/s\"}", "Image", "q\"q/s" },
	{ "{\"EventCode\":3,\"Image\":\"\\b\\f\\n\\r\\t\"}", "Image",
	    "\b\f\n\r\t" },
	{ "{\"EventCode\":3,\"Image\":\"\\ud83d\\ude00\"}", "Image",
	    "\xf0\x9f\x98\x80" },
	{ "{\"EventCode\":3,\"Image\":\"\\ud800x\"}", "Image",
	    "\xef\xbf\xbdx" },
	{ "{\"EventCode\":3,\"Image\":\"\\udc00\"}", "Image",
	    "\xef\xbf\xbd" },
	{ "{\"EventCode\":3,\"Image\":\"\\ud800\\u0041\"}", "Image",
	    "\xef\xbf\xbd" "A" },
	{ "{\"EventCode\":3,\"Image\":\"\\ud800\\ud800\"}", "Image",
	    "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "{\"EventCode\":3,\"DestinationPort\":25}", "DestinationPort",
	    "25" },
	{ "{\"EventCode\":3,\"DestinationPort\":-25.50e+3}",
	    "DestinationPort", "-25.50e+3" },
	{ "{\"EventCode\":3,\"DestinationPort\":1.5E2}", "DestinationPort",
	    "1.5E2" },
	{ "{\"EventCode\":3,\"Initiated\":true}", "Initiated", "true" },
	{ "{\"EventCode\":3,\"Initiated\":false}", "Initiated", "false" },
	{ "{\"EventCode\":3,\"Image\":null}", "Image", NULL },
	{ "{\"EventCode\":3,\"Image\":\"\"}", "Image", NULL },
	{ "{\"EventCode\":3,\"Image\":\"a\",\"Image\":\"b\"}", "Image", "b" },
	{ "{\"EventCode\":3,\"Image\":\"a\",\"Image\":null}", "Image", NULL },
	{ "{\"EventCode\":3,\"Image\":\"a\",\"Image\":\"\"}", "Image", NULL },
	{ "{\"EventCode\":3,\"Image\":\"a\",\"Image\":{\"x\":1}}", "Image",
	    NULL },
	{ "{\"EventCode\":3,\"Im\\u0061ge\":\"k\"}", "Image", "k" },
	{ "{\"EventCode\":3,\"tags\":[{\"Image\":\"no\"},[1,[]]],"
	    "\"Image\":\"yes\"}", "Image", "yes" },
	{ "{\"EventCode\":3,\"x\":{\"Image\":\"nested\"}}", "Image", NULL },
	{ "{\"EventCode\":3,\"EventData\":{\"Image\":\"ed\","
	    "\"DestinationPort\":\"21\"}}", "Image", "ed" },
	{ "{\"EventID\":3,\"SourceName\":\"S\",\"Hostname\":\"h\"}",
	    "Computer", "h" },
	{ "{\"EventID\":3,\"SourceName\":\"S\",\"Computer\":\"raw\","
	    "\"Hostname\":\"h\"}", "Computer", "raw" },
	{ "{\"EventID\":3,\"SourceName\":\"S\",\"Hostname\":\"h\","
	    "\"Computer\":\"raw\"}", "Computer", "raw" },
	{ "{\"winlog\":{\"event_id\":\"3\",\"event_data\":"
	    "{\"Image\":\"raw\"}},\"process\":{\"executable\":\"ecs\"}}",
	    "Image", "raw" },
	{ "{\"process\":{\"executable\":\"ecs\"},\"winlog\":{\"event_id\":3,"
	    "\"event_data\":{\"Image\":\"raw\"}}}", "Image", "raw" },
	{ "{\"winlog\":{\"event_id\":3},\"process\":{\"executable\":\"ecs\"}}",
	    "Image", "ecs" },
	{ "{\"winlog\":{\"event_id\":3},\"network\":{\"direction\":"
	    "\"ingress\"}}", "Initiated", "false" },
	{ "{\"winlog\":{\"event_id\":3},\"network\":{\"direction\":"
	    "\"sideways\"}}", "Initiated", NULL },
	{ "{\"winlog\":{\"event_id\":3,\"event_data\":"
	    "{\"DestinationPortName\":\"-\"}},"
	    "\"network\":{\"protocol\":\"smtp\"}}",
	    "DestinationPortName", "-" },
	{ "{\"winlog\":{\"event_id\":3,\"event_data\":"
	    "{\"DestinationPortName\":\"\"}},"
	    "\"network\":{\"protocol\":\"smtp\"}}",
	    "DestinationPortName", "smtp" },
	{ "{\"winlog.event_id\":3,\"winlog.event_data.Image\":\"flat\"}",
	    "Image", "flat" },
	{ " \r\n{ \"EventCode\" : 3 , \"Image\" : \"ws\" } \n", "Image",
	    "ws" },
	{ "{\"EventCode\":3,\"a\":{\"b\":{\"c\":{\"d\":[[[{}]]]}}}}",
	    "EventCode", "3" },
	{ "{\"EventCode\":\"\\u0033\"}", "EventCode", "3" },
};

Test(decode, tricky_json_agrees_with_reference)
{
	size_t	 i;
	char	 ctx[32];

	for (i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		snprintf(ctx, sizeof(ctx), "tricky[%zu]", i);
		cr_expect_eq(differential(tricky[i].in, strlen(tricky[i].in),
		    &lim, ctx), DECODE_OK, "%s: %s", ctx, tricky[i].in);
		expect_field(&ev, tricky[i].field, tricky[i].want, ctx);
	}
}

Test(decode, shape_rules)
{
	static const struct {
		const char		*in;
		enum decode_error	 err;
		enum event_shape	 shape;
	} c[] = {
		{ "{\"EventID\":3,\"SourceModuleType\":\"im_msvistalog\"}",
		    DECODE_OK, EVENT_SHAPE_NXLOG },
		{ "{\"EventCode\":\"3\"}", DECODE_OK,
		    EVENT_SHAPE_SPLUNK_FLAT },
		{ "{\"EventCode\":\"3\",\"EventID\":\"3\",\"SourceName\":"
		    "\"S\"}", DECODE_OK, EVENT_SHAPE_SPLUNK_FLAT },
		{ "{\"winlog\":{\"event_id\":3}}", DECODE_OK,
		    EVENT_SHAPE_WINLOGBEAT },
		{ "{\"winlog\":{},\"destination\":{\"port\":25}}", DECODE_OK,
		    EVENT_SHAPE_ECS },
		{ "{\"winlog\":{},\"destination\":{\"port\":null}}", DECODE_OK,
		    EVENT_SHAPE_WINLOGBEAT },
		{ "{\"EventID\":3}", DECODE_ERR_SHAPE, EVENT_SHAPE_UNKNOWN },
		{ "{\"Image\":\"x\"}", DECODE_ERR_SHAPE, EVENT_SHAPE_UNKNOWN },
		{ "{}", DECODE_ERR_SHAPE, EVENT_SHAPE_UNKNOWN },
	};
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cr_expect_eq(differential(c[i].in, strlen(c[i].in), &lim,
		    c[i].in), c[i].err, "%s", c[i].in);
		if (c[i].err == DECODE_OK)
			cr_expect_eq(ev.shape, c[i].shape, "%s: %s", c[i].in,
			    event_shape_name(ev.shape));
	}
}

Test(decode, malformed_json_refused_by_both)
{
	static const struct {
		const char		*in;
		enum decode_error	 err;
	} c[] = {
		{ "{\"EventCode\":\"3\"", DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":\"3", DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":", DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":3} x", DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":3}{}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"Image\":\"\\x\"}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"Image\":\"\\u12\"}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"Image\":\"\\u12g4\"}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"Image\":\"a\tb\"}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"Image\":\"a\nb\"}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"x\":\"\x01\"}", DECODE_ERR_JSON_SYNTAX },
		{ "[1]", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":1,}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\" 1}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":tru}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":01}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":-}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":1e}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":.5}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":[1,]}", DECODE_ERR_JSON_SYNTAX },
		{ "{a:1}", DECODE_ERR_JSON_SYNTAX },
		{ "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}",
		    DECODE_ERR_JSON_DEPTH },
		{ "{\"a\":[[[[]]]]}", DECODE_ERR_JSON_DEPTH },
		{ "{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}",
		    DECODE_ERR_JSON_DEPTH },
		{ "   ", DECODE_ERR_EMPTY },
	};
	static const struct decode_limits small = { .max_depth = 4 };
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		cr_expect_eq(differential(c[i].in, strlen(c[i].in), &small,
		    c[i].in), c[i].err, "%s: want %s", c[i].in,
		    decode_error_name(c[i].err));
}

Test(decode, depth_limit_boundary)
{
	static const struct decode_limits four = { .max_depth = 4 };
	const char	*ok = "{\"EventCode\":3,\"a\":{\"b\":{\"c\":[1]}}}";
	const char	*deep =
	    "{\"EventCode\":3,\"a\":{\"b\":{\"c\":[[1]]}}}";

	cr_expect_eq(differential(ok, strlen(ok), &four, "4 levels"),
	    DECODE_OK);
	cr_expect_eq(differential(deep, strlen(deep), &four, "5 levels"),
	    DECODE_ERR_JSON_DEPTH);
}

/*
 * json-c accepts these in strict mode (NaN, a bare trailing dot,
 * single-quoted strings); RFC 8259 does not, and neither does the hot
 * path.  Known differences of the reference, not of the product.
 */
Test(decode, fast_decoder_stricter_than_json_c)
{
	static const char *c[] = {
		"{\"EventCode\":NaN}",
		"{\"EventCode\":1.}",
		"{'EventCode':1}",
	};
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		event_reset(&ev);
		cr_expect_eq(decode_json(testref_dc(), c[i], strlen(c[i]),
		    &lim, &ev),
		    DECODE_ERR_JSON_SYNTAX, "%s", c[i]);
	}
}

Test(decode, arena_full_is_too_large)
{
	struct event	 small;
	const char	*in = "{\"EventCode\":3,\"Image\":"
	    "\"\\\\0123456789\\\\0123456789\\\\0123456789\"}";

	event_init(&small, 16);
	cr_expect_eq(decode_json(testref_dc(), in, strlen(in), &lim, &small),
	    DECODE_ERR_TOO_LARGE);
	event_reset(&small);
	cr_expect_eq(decode_json_ref(testref_dc(), in, strlen(in), &lim,
	    &small),
	    DECODE_ERR_TOO_LARGE);
	event_clear(&small);
}

Test(decode, unescaped_strings_reference_the_input)
{
	const char	*in = "{\"EventCode\":3,\"Image\":\"plain\"}";
	const char	*v;
	size_t		 len;

	cr_assert_eq(decode_json(testref_dc(), in, strlen(in), &lim, &ev),
	    DECODE_OK);
	cr_assert(event_get(&ev, EVENT_F_IMAGE, &v, &len));
	cr_expect(v >= in && v < in + strlen(in));
	cr_expect_eq(ev.arena_len, 0);
}

#define XML_HEAD "<Event><System><Provider Name='Microsoft-Windows-Sysmon'/>" \
	"<EventID Qualifiers='16384'>3</EventID>" \
	"<Computer>h</Computer></System><EventData>"
#define XML_TAIL "</EventData></Event>"

Test(decode, xml_entities_decoded)
{
	const char	*in = XML_HEAD
	    "<Data Name='Image'>"
	    "a&amp;b&lt;c&gt;&quot;&apos;&#233;&#x41;</Data>"
	    "<Data Name='User'>D\\u</Data><Data Name='Unknown'>z</Data>"
	    "<Data>noname</Data>" XML_TAIL;

	cr_assert_eq(decode_payload(testref_dc(), in, strlen(in), &lim, &ev),
	    DECODE_OK);
	cr_expect_eq(ev.shape, EVENT_SHAPE_XML);
	expect_field(&ev, "Image", "a&b<c>\"'\xc3\xa9" "A", "xml");
	expect_field(&ev, "User", "D\\u", "xml");
	expect_field(&ev, "EventCode", "3", "xml");
	expect_field(&ev, "Computer", "h", "xml");
	expect_field(&ev, "SourceName", "Microsoft-Windows-Sysmon", "xml");
}

Test(decode, xml_refused)
{
	static const struct {
		const char		*in;
		enum decode_error	 err;
	} c[] = {
		{ "<?xml version='1.0'?><!DOCTYPE Event [<!ENTITY a 'x'>]>"
		    "<Event><EventData><Data Name='Image'>&a;</Data>"
		    "</EventData></Event>", DECODE_ERR_XML_LIMIT },
		{ "<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 "
		    "'&lol;&lol;&lol;&lol;'>]><Event>&lol2;</Event>",
		    DECODE_ERR_XML_LIMIT },
		{ "<!DOCTYPE Event SYSTEM 'file:///etc/passwd'><Event/>",
		    DECODE_ERR_XML_LIMIT },
		{ "<Event><a><b><c><d><e/></d></c></b></a></Event>",
		    DECODE_ERR_XML_LIMIT },
		{ XML_HEAD "<Data Name='Image'>x</Data>",
		    DECODE_ERR_XML_SYNTAX },
		{ XML_HEAD "<Data Name='Image'>x</Dat>" XML_TAIL,
		    DECODE_ERR_XML_SYNTAX },
		{ XML_HEAD "<Data Name='Image'>&nope;</Data>" XML_TAIL,
		    DECODE_ERR_XML_SYNTAX },
		{ XML_HEAD "<Data Name='Image'>a & b</Data>" XML_TAIL,
		    DECODE_ERR_XML_SYNTAX },
		{ "<Event></Event><Event></Event>", DECODE_ERR_XML_SYNTAX },
		{ "<Other><EventData/></Other>", DECODE_ERR_SHAPE },
		{ "hello", DECODE_ERR_NOT_DOCUMENT },
		{ " \t\r\n", DECODE_ERR_EMPTY },
	};
	static const struct decode_limits four = { .max_depth = 4 };
	size_t	 i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		event_reset(&ev);
		cr_expect_eq(decode_payload(testref_dc(), c[i].in,
		    strlen(c[i].in), &four,
		    &ev), c[i].err, "%s: want %s", c[i].in,
		    decode_error_name(c[i].err));
	}
}

Test(decode, xml_parser_reused_after_error)
{
	const char	*bad = "<Event><System>";
	const char	*good =
	    XML_HEAD "<Data Name='Image'>ok</Data>" XML_TAIL;

	cr_expect_eq(decode_xml(testref_dc(), bad, strlen(bad), &lim, &ev),
	    DECODE_ERR_XML_SYNTAX);
	event_reset(&ev);
	cr_assert_eq(decode_xml(testref_dc(), good, strlen(good), &lim, &ev),
	    DECODE_OK);
	expect_field(&ev, "Image", "ok", "reuse");
	event_reset(&ev);
	cr_assert_eq(decode_xml(testref_dc(), good, strlen(good), &lim, &ev),
	    DECODE_OK);
	expect_field(&ev, "Image", "ok", "reuse twice");
}

Test(decode, error_names)
{
	cr_expect_str_eq(decode_error_name(DECODE_OK), "ok");
	cr_expect_str_eq(decode_error_name(DECODE_ERR_JSON_SYNTAX),
	    "json_syntax");
	cr_expect_str_eq(decode_error_name(DECODE_ERR_JSON_DEPTH),
	    "json_depth");
	cr_expect_str_eq(decode_error_name(DECODE_ERR_XML_LIMIT), "xml_limit");
	cr_expect_str_eq(decode_error_name(DECODE_ERR_SHAPE), "shape");
	cr_expect_str_eq(decode_error_name(DECODE_NERRORS), "unknown");
}

/*
 * The per-thread memo of resolved key paths must notice a registry that
 * grew (a reload interned a new name): the same key then names a field.
 */
Test(decode, resolve_memo_follows_the_registry)
{
	const char	*doc = "{\"EventCode\":\"1\",\"Computer\":\"c\","
	    "\"memo_probe_field_q\":\"x\"}";
	int		 id;

	cr_assert_eq(event_field_lookup("memo_probe_field_q", 18), -1);
	cr_assert_eq(decode_json(testref_dc(), doc, strlen(doc), &lim, &ev),
	    DECODE_OK);
	cr_assert_eq(decode_json(testref_dc(), doc, strlen(doc), &lim, &ev),
	    DECODE_OK);
	id = event_field_intern("memo_probe_field_q", 18);
	cr_assert_neq(id, -1);
	event_reset(&ev);
	cr_assert_eq(decode_json(testref_dc(), doc, strlen(doc), &lim, &ev),
	    DECODE_OK);
	cr_assert(event_eq(&ev, id, "x"));
}

/*
 * Objects below which no key can name anything are only validated
 * (decode_jname.sub): a dotted name registered later makes the keys below
 * its prefix count again, an empty top-level key is still walked as the
 * top level, "winlog." is walked for the shape rule, and errors and depth inside a skipped object are the same as
 * when it is walked.
 */
Test(decode, skipped_objects_follow_the_registry_and_stay_exact)
{
	static const struct decode_limits four = { .max_depth = 4 };
	const char	*doc = "{\"EventCode\":\"1\",\"Computer\":\"c\","
	    "\"skipq\":{\"agent\":{\"name\":\"n\",\"v\":[1,{}]}}}";
	static const struct {
		const char		*in;
		enum decode_error	 err;
	} bad[] = {
		{ "{\"EventCode\":1,\"agent\":{\"a\":[1,]}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\" 1}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":\"\\q\"}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":01}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":nul}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":{\"b\":{}}}}",
		    DECODE_OK },
		{ "{\"EventCode\":1,\"agent\":{\"a\":{\"b\":{\"c\":{}}}}}",
		    DECODE_ERR_JSON_DEPTH },
		{ "{\"EventCode\":1,\"agent\":[[[[1]]]]}",
		    DECODE_ERR_JSON_DEPTH },
		{ "{\"EventCode\":1,\"agent\":{\"a\":1}",
		    DECODE_ERR_JSON_SYNTAX },
	};
	const char	*empty =
	    "{\"\":{\"EventCode\":\"3\",\"Image\":\"i\"}}";
	const char	*dot = "{\"winlog.\":{\"x\":{}}}";
	size_t		 i;
	int		 id;

	cr_assert_eq(event_field_lookup("skipq.agent.name", 16), -1);
	event_reset(&ev);
	cr_assert_eq(differential(doc, strlen(doc), &lim, "before"),
	    DECODE_OK);
	id = event_field_intern("skipq.agent.name", 16);
	cr_assert_neq(id, -1);
	event_reset(&ev);
	cr_assert_eq(differential(doc, strlen(doc), &lim, "after"),
	    DECODE_OK);
	cr_expect(event_eq(&ev, id, "n"));
	event_reset(&ev);
	cr_assert_eq(differential(empty, strlen(empty), &lim, "empty key"),
	    DECODE_OK);
	expect_field(&ev, "Image", "i", "empty key");
	event_reset(&ev);
	cr_expect_eq(differential(dot, strlen(dot), &lim, "winlog."),
	    DECODE_OK);
	cr_expect_eq(ev.shape, EVENT_SHAPE_WINLOGBEAT);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(differential(bad[i].in, strlen(bad[i].in), &four,
		    bad[i].in), bad[i].err, "%s: want %s", bad[i].in,
		    decode_error_name(bad[i].err));
}

/*
 * The string scans (eight bytes a step, and 32 with AVX2): a quote, a
 * backslash or a control character at every offset of a long string is
 * found where it is, bytes 0x20, 0x7f and above 0x7f are plain, and 0x1f
 * is not.  Run with and without padding after the string, so that it is
 * both far from and within 32 bytes of the end of the buffer.
 */
Test(decode, string_scan_finds_every_special_byte)
{
	static const char pad[] = ",\"Computer\":\"0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef\"";
	char		 doc[256], want[80];
	const char	*v;
	size_t		 len, at, head;
	int		 n, simd, tail;

	head = strlen("{\"EventCode\":\"1\",\"Image\":\"");
	for (simd = 0; simd < 2; simd++)
	for (tail = 0; tail < 2; tail++)
	for (at = 0; at < 70; at++) {
		decode_json_set_simd(simd);
		memset(want, 'a', sizeof(want));
		want[(at + 3) % 70] = ' ';
		want[(at + 5) % 70] = '\x7f';
		want[at] = '\xc3';
		want[at + 1] = '\xa9';
		want[71] = '\0';
		n = snprintf(doc, sizeof(doc), "{\"EventCode\":\"1\","
		    "\"Image\":\"%.*s\\\\%s\"%s}", (int)at, want, want + at,
		    tail ? pad : "");
		cr_assert_lt(n, (int)sizeof(doc));
		event_reset(&ev);
		cr_assert_eq(decode_json(testref_dc(), doc, (size_t)n, &lim,
		    &ev),
		    DECODE_OK, "simd %d tail %d at %zu", simd, tail, at);
		cr_assert(event_get(&ev, EVENT_F_IMAGE, &v, &len));
		cr_assert_eq(len, 72, "at %zu: %zu", at, len);
		cr_assert_eq(v[at], '\\', "at %zu", at);
		/* the byte after the escaped backslash */
		doc[head + at + 2] = '\x1f';
		event_reset(&ev);
		cr_assert_eq(decode_json(testref_dc(), doc, (size_t)n, &lim,
		    &ev),
		    DECODE_ERR_JSON_SYNTAX, "control byte at %zu", at);
		/* a quote there ends the string early: bad JSON after it */
		doc[head + at + 2] = '"';
		event_reset(&ev);
		cr_assert_eq(decode_json(testref_dc(), doc, (size_t)n, &lim,
		    &ev),
		    DECODE_ERR_JSON_SYNTAX, "quote at %zu", at);
	}
	decode_json_set_simd(true);
}

/*
 * Streams of every JSON shape from bench/hecsentry-gen (the XML lines are
 * skipped): the fast decoder, portable and AVX2, cold and warm, agrees
 * with json-c on every payload.  Several seeds and shapes interleaved,
 * so that the per-thread tables see keys in changing orders.
 */
Test(decode, generated_streams_agree_with_reference)
{
	static const char *shapes[] = { "mix", "winlogbeat", "ecs", "nxlog",
	    "flat" };
	const char		*bin = getenv("BENCHBIN");
	const char		*reason;
	struct syslog_msg	 m;
	char			 gen[1024], cmd[1200], ctx[64];
	char			*line = NULL;
	size_t			 cap = 0, i, n = 0;
	ssize_t			 len;
	FILE			*f;

	snprintf(gen, sizeof(gen), "%s/hecsentry-gen", bin != NULL ? bin :
	    "bench");
	if (access(gen, X_OK) == -1)
		cr_skip_test("no %s: build the bench tools", gen);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(cmd, sizeof(cmd), "'%s' -n 600 --shape %s "
		    "--framing lf --hits 0.05 --keys 50 --seed %zu "
		    "2>/dev/null", gen, shapes[i], i + 11);
		cr_assert_not_null(f = popen(cmd, "r"), "%s", cmd);
		while ((len = getline(&line, &cap, f)) > 0) {
			if (line[len - 1] == '\n')
				len--;
			cr_assert_eq(syslog_parse(line, (size_t)len, 0, &m,
			    &reason), 0, "%s: %.*s", reason, (int)len, line);
			if (m.msg_len == 0 || m.msg[0] != '{')
				continue;
			snprintf(ctx, sizeof(ctx), "%s line %zu", shapes[i],
			    n);
			cr_expect_eq(differential(m.msg, m.msg_len, &lim, ctx),
			    DECODE_OK, "%s", ctx);
			n++;
		}
		cr_assert_eq(pclose(f), 0, "%s", cmd);
	}
	free(line);
	decode_json_set_simd(true);
	cr_expect_gt(n, 2500);
}

/*
 * Key prediction (decode_json.c): keys are remembered under the object
 * they were met in, so a key met again under another path, spelt with
 * an escape, repeated, or under a path that grew too long must still
 * resolve as decode_jctx_resolve() says.  Each document is decoded
 * after the ones before it have filled the table.
 */
Test(decode, key_prediction_is_exact)
{
	static const char *docs[] = {
		"{\"winlog\":{\"event_id\":3,\"event_data\":{\"Image\":\"a\","
		    "\"User\":\"u\"}},\"process\":{\"executable\":\"e\"}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":{\"User\":\"u\","
		    "\"Image\":\"a\"}},\"process\":{\"executable\":\"e\"}}",
		"{\"winlog\":{\"event_id\":3,\"x\":{\"Image\":\"no\"},"
		    "\"event_data\":{\"Image\":\"yes\"}}}",
		"{\"winlog\":{\"event_id\":3,\"event_dat\\u0061\":"
		    "{\"Im\\u0061ge\":\"esc\"}}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":{\"Image\":\"1\","
		    "\"Image\":\"2\",\"Image\":null}}}",
		"{\"winlog\":{\"event_id\":3},\"EventData\":"
		    "{\"Image\":\"ed\"},\"process\":{\"executable\":\"e\"}}",
		"{\"EventData\":{\"Image\":\"ed\"},\"winlog\":{\"event_id\":3,"
		    "\"event_data\":{\"Image\":\"raw\"}}}",
		"{\"\":{\"\":{\"EventCode\":3,\"Image\":\"deep\"}}}",
		"{\"EventCode\":3,\"\":{\"Image\":\"top\"}}",
		"{\"EventCode\":3,\"Image\":\"end\"}",
		"{\"EventCode\":3,\"network\":{\"direction\":\"egress\"},"
		    "\"winlog\":{}}",
		"{\"EventCode\":3,\"network\":{\"direction\":\"ingress\"},"
		    "\"winlog.\":{}}",
		/* the linked key is a prefix, an extension, escaped, spaced */
		"{\"EventCode\":3,\"Image\":\"a\",\"User\":\"u\"}",
		"{\"EventCode\":3,\"ImageLoaded\":\"a\",\"Use\":\"u\"}",
		"{\"EventCode\":3,\"Imag\":\"a\",\"User\\u0022\":\"u\"}",
		"{\"EventCode\":3,\"Image\" :\"a\",\"User\"\t: \"u\"}",
		"{\"EventCode\":3,\"Image\":\"a\",\"User\":\"u\"}",
		"{\"EventCode\":3,\"Im\\u0061ge\":\"b\",\"User\":\"v\"}",
		"{\"EventCode\":3,\"Image\":{\"User\":\"x\"},\"User\":\"w\"}",
		"{\"EventCode\":3,\"Image\":\"a\",\"User\":\"u\"}",
		/* the same keys under objects of other paths */
		"{\"winlog\":{\"event_data\":{\"Image\":\"1\"},"
		    "\"event_id\":3},\"EventData\":{\"Image\":\"2\"}}",
		"{\"EventData\":{\"Image\":\"2\"},\"winlog\":{"
		    "\"event_data\":{\"Image\":\"1\"},\"event_id\":3}}",
		"{\"winlog\":{\"event_data\":{\"Image\":\"1\"},"
		    "\"event_id\":3},\"EventData\":{\"Image\":\"2\"}}",
		/* a 30-byte key (predicted) and a 31-byte one (not) */
		"{\"EventCode\":3,\"abcdefghijklmnopqrstuvwxyz0123\":1,"
		    "\"abcdefghijklmnopqrstuvwxyz01234\":2,\"Image\":\"i\"}",
		"{\"EventCode\":3,\"abcdefghijklmnopqrstuvwxyz0123\":1,"
		    "\"abcdefghijklmnopqrstuvwxyz01234\":2,\"Image\":\"i\"}",
	};
	char		 doc[4096], ctx[32];
	size_t		 i, len;
	int		 round, k;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
			snprintf(ctx, sizeof(ctx), "doc %zu round %d", i,
			    round);
			cr_expect_eq(differential(docs[i], strlen(docs[i]),
			    &lim, ctx), DECODE_OK, "%s: %s", ctx, docs[i]);
		}

	/*
	 * Below winlog.event_data every key is walked: short keys nested
	 * until the path crosses DECODE_PATH_MAX, at every length.
	 */
	for (k = 1; k <= 32; k++) {
		len = (size_t)snprintf(doc, sizeof(doc), "{\"winlog\":{"
		    "\"event_id\":3,\"event_data\":{\"%.*s\":{", k,
		    "pppppppppppppppppppppppppppppppp");
		for (i = 0; i < 7; i++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
			    "\"Image\":\"%zu\",\"level%zu_abcdefghijklmnop"
			    "qrstuvw\":{", i, i);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len,
		    "\"Image\":\"last\",\"User\":\"u\"}}}}}}}}}}}");
		cr_assert_lt(len, sizeof(doc));
		snprintf(ctx, sizeof(ctx), "long path %d", k);
		cr_expect_eq(differential(doc, len, &lim, ctx), DECODE_OK,
		    "%s: %s", ctx, doc);
	}
}

/*
 * Thousands of distinct keys evict each other in the fixed table, and a
 * known document is still decoded right afterwards.
 */
Test(decode, key_prediction_survives_many_keys)
{
	const char	*known = "{\"winlog\":{\"event_id\":3,\"event_data\":"
	    "{\"Image\":\"a\",\"DestinationPort\":\"25\"}}}";
	char		*doc;
	size_t		 len = 0, cap = 200000;
	int		 i;

	cr_assert_not_null(doc = malloc(cap));
	len += (size_t)snprintf(doc + len, cap - len,
	    "{\"winlog\":{\"event_id\":3,\"event_data\":{");
	for (i = 0; i < 5000; i++)
		len += (size_t)snprintf(doc + len, cap - len,
		    "\"k%d\":{\"Image\":%d},", i, i);
	len += (size_t)snprintf(doc + len, cap - len, "\"Image\":\"b\"}}}");
	cr_assert_lt(len, cap);
	cr_expect_eq(differential(known, strlen(known), &lim, "before"),
	    DECODE_OK);
	cr_expect_eq(differential(doc, len, &lim, "many"), DECODE_OK);
	expect_field(&ev, "Image", "b", "many");
	cr_expect_eq(differential(known, strlen(known), &lim, "after"),
	    DECODE_OK);
	expect_field(&ev, "Image", "a", "after");
	free(doc);
}

/*
 * A predicted key compared near the end of the buffer: every cut of a
 * document (all refused) and the whole one, after the whole one filled
 * the table; nothing past the cut may be read (valgrind, ASan).
 */
Test(decode, key_prediction_at_every_cut)
{
	const char	*doc = "{\"winlog\":{\"event_id\":3,\"event_data\":"
	    "{\"Image\":\"a\",\"DestinationPortName\":\"smtp\",\"User\":"
	    "\"u\"}}}";
	char		*cut;
	size_t		 i, len = strlen(doc);
	char		 ctx[32];

	cr_expect_eq(differential(doc, len, &lim, "whole"), DECODE_OK);
	for (i = 0; i < len; i++) {
		cr_assert_not_null(cut = malloc(i > 0 ? i : 1));
		memcpy(cut, doc, i);
		snprintf(ctx, sizeof(ctx), "cut at %zu", i);
		cr_expect_neq(differential(cut, i, &lim, ctx), DECODE_OK,
		    "%s", ctx);
		free(cut);
	}
	cr_expect_eq(differential(doc, len, &lim, "whole again"), DECODE_OK);
	expect_field(&ev, "DestinationPortName", "smtp", "whole again");
}

/*
 * The skipper (decode_json_skip_in()) against json-c: depth exactly at
 * and one over the limit inside a skipped object and a skipped array, at
 * several limits, with objects, arrays of arrays and both mixed.  The
 * skipped value sits at depth 2 ("agent" under the top object).
 */
Test(decode, skipped_depth_at_and_over_the_limit)
{
	static const int limits[] = { 2, 3, 4, 5, 8, 31, 32, 33, 63, 64,
	    65, 100, 200 };
	struct decode_limits	 l;
	char			*doc, ctx[64];
	size_t			 len, cap = 8192, li;
	int			 extra, i, kind, levels;

	cr_assert_not_null(doc = malloc(cap));
	for (li = 0; li < sizeof(limits) / sizeof(limits[0]); li++)
	for (kind = 0; kind < 3; kind++)
	for (extra = -1; extra <= 1; extra++) {
		/* levels in all: the top object, then the skipped value */
		levels = limits[li] + extra;
		len = (size_t)snprintf(doc, cap, "{\"EventCode\":1,"
		    "\"agent\":");
		for (i = 1; i < levels; i++)
			len += (size_t)snprintf(doc + len, cap - len, "%s",
			    kind == 0 || (kind == 2 && i % 2) ? "{\"k\":" :
			    "[0,");
		len += (size_t)snprintf(doc + len, cap - len, "\"v\"");
		for (i = levels - 1; i >= 1; i--)
			len += (size_t)snprintf(doc + len, cap - len, "%s",
			    kind == 0 || (kind == 2 && i % 2) ? "}" : "]");
		len += (size_t)snprintf(doc + len, cap - len, "}");
		cr_assert_lt(len, cap);
		l.max_depth = limits[li];
		l.max_xml_depth = 0;
		l.max_xml_bytes = 0;
		snprintf(ctx, sizeof(ctx), "limit %d kind %d levels %d",
		    limits[li], kind, levels);
		cr_expect_eq(differential(doc, len, &l, ctx), levels >
		    limits[li] ? DECODE_ERR_JSON_DEPTH : DECODE_OK, "%s",
		    ctx);
		/* a syntax error after the too-deep bracket: still depth */
		if (levels > limits[li] && len > 3) {
			doc[len - 2] = ',';
			cr_expect_eq(differential(doc, len, &l, ctx),
			    DECODE_ERR_JSON_DEPTH, "%s, bad end", ctx);
		}
	}
	free(doc);
}

/*
 * Arrays of arrays, empty and not, and blanks at every place a skipped
 * value allows them.
 */
Test(decode, skipped_arrays_of_arrays)
{
	static const char *docs[] = {
		"{\"EventCode\":1,\"agent\":[]}",
		"{\"EventCode\":1,\"agent\":[[]]}",
		"{\"EventCode\":1,\"agent\":[[],[[]],[[],[]]]}",
		"{\"EventCode\":1,\"agent\":[1,[2,[3,[4]]],[[5]]]}",
		"{\"EventCode\":1,\"agent\":[{},[{}],{\"a\":[[]]}]}",
		"{\"EventCode\":1,\"agent\":[ [ ] , [ [ 1 ] ] ]}",
		"{\"EventCode\":1,\"agent\":[\t[\n]\r,\"x\" ,-0.5e-7 ]}",
		"{\"EventCode\":1,\"agent\":{ \"a\" : [ true , false ,"
		    " null ] , \"b\" : { } }}",
		"{\"EventCode\":1,\"agent\":[[],]}",
		"{\"EventCode\":1,\"agent\":[,[]]}",
		"{\"EventCode\":1,\"agent\":[[]]]}",
		"{\"EventCode\":1,\"agent\":[[}]}",
		"{\"EventCode\":1,\"agent\":[[]}",
		"{\"EventCode\":1,\"agent\":[[] []]}",
		"{\"EventCode\":1,\"agent\":[tru]}",
		"{\"EventCode\":1,\"agent\":[fals]}",
		"{\"EventCode\":1,\"agent\":[nul]}",
		"{\"EventCode\":1,\"agent\":[truex]}",
		"{\"EventCode\":1,\"agent\":[nulll]}",
		"{\"EventCode\":1,\"agent\":[-]}",
		"{\"EventCode\":1,\"agent\":[1e]}",
		"{\"EventCode\":1,\"agent\":[\"\\x\"]}",
		"{\"EventCode\":1,\"agent\":[\"\\u12g4\"]}",
	};
	char	 ctx[32];
	size_t	 i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		snprintf(ctx, sizeof(ctx), "doc %zu", i);
		(void)differential(docs[i], strlen(docs[i]), &lim, ctx);
	}
	cr_expect_eq(differential(docs[3], strlen(docs[3]), &lim, "ok"),
	    DECODE_OK);
	cr_expect_eq(differential(docs[8], strlen(docs[8]), &lim, "bad"),
	    DECODE_ERR_JSON_SYNTAX);
}

/*
 * A bad token at every position of a skipped object: each byte of the
 * value of "agent" replaced by each of a set of bytes, removed, and the
 * document cut there.  Both copies of the fast decoder and json-c give
 * the same outcome.  (The bytes json-c is laxer about, such as 'N' and
 * '\'', are left out; see fast_decoder_stricter_than_json_c.)
 */
Test(decode, skipped_object_bad_byte_at_every_position)
{
	static const char doc[] = "{\"EventCode\":1,\"agent\":{\"a\":[1,"
	    "-2.5e3,true,false,null,\"s\\n\\u00e9\\\\\",{\"b\":{}},[]],"
	    "\"c\":\"d\",\"e\":0}}";
	static const char bytes[] = "}],:\"x{[\\ 1\x01";
	char		 buf[sizeof(doc)], ctx[48];
	size_t		 at, j, start, len = sizeof(doc) - 1;

	start = strlen("{\"EventCode\":1,\"agent\":");
	cr_assert_eq(differential(doc, len, &lim, "whole"), DECODE_OK);
	for (at = start; at < len - 1; at++) {
		for (j = 0; j < sizeof(bytes) - 1; j++) {
			if (doc[at] == bytes[j])
				continue;
			memcpy(buf, doc, len);
			buf[at] = bytes[j];
			snprintf(ctx, sizeof(ctx), "byte %zu = 0x%02x", at,
			    (unsigned char)bytes[j]);
			(void)differential(buf, len, &lim, ctx);
		}
		memcpy(buf, doc, at);
		memcpy(buf + at, doc + at + 1, len - at - 1);
		snprintf(ctx, sizeof(ctx), "byte %zu removed", at);
		/* "-2.e3": json-c takes a bare trailing dot */
		if (doc[at - 1] != '.')
			(void)differential(buf, len - 1, &lim, ctx);
		else {
			event_reset(&ev);
			cr_expect_eq(decode_json(testref_dc(), buf, len - 1,
			    &lim, &ev),
			    DECODE_ERR_JSON_SYNTAX, "%s", ctx);
		}
		snprintf(ctx, sizeof(ctx), "cut at %zu", at);
		cr_expect_neq(differential(doc, at, &lim, ctx), DECODE_OK,
		    "%s", ctx);
	}
}

/*
 * Stored strings unescaped (8 and 32 bytes a step, and the tail through
 * the stack buffer): every escape at every offset of strings of every
 * length up to 80, far from and near the end of the buffer, against
 * json-c.
 */
Test(decode, unescape_every_escape_at_every_offset)
{
	static const char *escs[] = { "\\\\", "\\\"", "\\/", "\\n", "\\t",
	    "\\u00e9", "\\u20ac", "\\ud83d\\ude00", "\\ud800", "\\\\\\\\" };
	static const char pad[] = ",\"Computer\":\"0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\"";
	char		 doc[512], ctx[64], plain[96];
	char		*buf;
	size_t		 e, at, slen, cut;
	int		 n, tail;

	memset(plain, 'p', sizeof(plain));
	for (e = 0; e < sizeof(escs) / sizeof(escs[0]); e++)
	for (tail = 0; tail < 2; tail++)
	for (slen = 0; slen <= 80; slen++)
	for (at = 0; at <= slen; at += (slen > 40 ? 3 : 1)) {
		/* slen plain bytes with the escape at at, another after */
		n = snprintf(doc, sizeof(doc), "{\"EventCode\":\"1\","
		    "\"Image\":\"%.*s%s%.*s%s%.*s\"%s}", (int)at, plain,
		    escs[e], (int)(slen - at), plain, escs[(e + at) %
		    (sizeof(escs) / sizeof(escs[0]))], (int)(at * 7 % 41),
		    plain, tail ? pad : "");
		cr_assert_lt(n, (int)sizeof(doc));
		snprintf(ctx, sizeof(ctx), "esc %zu tail %d len %zu at %zu",
		    e, tail, slen, at);
		cr_expect_eq(differential(doc, (size_t)n, &lim, ctx),
		    DECODE_OK, "%s", ctx);
		/*
		 * Cut just after the first backslash, in a buffer of its
		 * own: nothing past it may be read (valgrind, ASan).
		 */
		if (tail == 0) {
			cut = (size_t)(strchr(doc + 26, '\\') - doc) + 1;
			cr_assert_not_null(buf = malloc(cut));
			memcpy(buf, doc, cut);
			cr_expect_eq(differential(buf, cut, &lim, ctx),
			    DECODE_ERR_JSON_SYNTAX, "%s, cut", ctx);
			free(buf);
		}
	}
}

/*
 * Numbers of 1 to 10 digits (the first eight bytes looked at in one
 * step), each followed by every kind of byte, stored and skipped, far
 * from and at the end of the buffer: the same outcome and text as
 * json-c.  The bytes 0xba and above carry out of their byte in the
 * step's b + 0x46.
 */
Test(decode, numbers_every_length_and_follower)
{
	static const char *after[] = { ",", "}", " ,", ".5,", "e5,", "E+5,",
	    "e-0,", "0,", "9,", "x,", "/,", ":,", "-,", "\x80,", "\xb9,",
	    "\xba,", "\xff,", "\x01,", "\"a\"," };
	static const char *lead[] = { "", "-", "0", "-0" };
	static const char digits[] = "9876543210";
	char		 doc[256], ctx[80];
	size_t		 a, d, ld;
	int		 n, skipped;

	for (skipped = 0; skipped < 2; skipped++)
	for (ld = 0; ld < sizeof(lead) / sizeof(lead[0]); ld++)
	for (d = 0; d <= 10; d++)
	for (a = 0; a < sizeof(after) / sizeof(after[0]); a++) {
		n = snprintf(doc, sizeof(doc), skipped ?
		    "{\"EventCode\":3,\"agent\":{\"x\":%s%.*s%s\"y\":1}}" :
		    "{\"EventCode\":3,\"DestinationPort\":%s%.*s%s"
		    "\"Image\":\"i\"}", lead[ld], (int)d, digits, after[a]);
		cr_assert_lt(n, (int)sizeof(doc));
		snprintf(ctx, sizeof(ctx), "%s %s%.*s then 0x%02x",
		    skipped ? "skipped" : "stored", lead[ld], (int)d, digits,
		    (unsigned char)after[a][0]);
		/* json-c stores the integer -0 as "0"; the text is kept */
		if (!skipped && (strstr(doc, ":-0,") != NULL ||
		    strstr(doc, ":-0 ,") != NULL)) {
			event_reset(&ev);
			cr_expect_eq(decode_json(testref_dc(), doc, (size_t)n,
			    &lim, &ev),
			    DECODE_OK, "%s", ctx);
			expect_field(&ev, "DestinationPort", "-0", ctx);
		} else
			(void)differential(doc, (size_t)n, &lim, ctx);
		/* cut after the number: it is last in the buffer */
		n -= (int)strlen(after[a]) + (skipped ? (int)strlen(
		    "\"y\":1}}") : (int)strlen("\"Image\":\"i\"}"));
		cr_expect_eq(differential(doc, (size_t)n, &lim, ctx),
		    DECODE_ERR_JSON_SYNTAX, "%s, cut", ctx);
	}
}

/*
 * Strings of 0 to 100 plain bytes (with a backslash escape or not) at
 * the end of a buffer of their own, whole and cut at every byte: the
 * AVX2 steps (the first two inlined, then the loop, then the last step
 * that ends at the end of the buffer) read nothing past it (valgrind,
 * ASan) and agree with json-c.
 */
Test(decode, string_scan_at_every_cut)
{
	char		 doc[160], ctx[48], plain[101];
	char		*buf;
	size_t		 slen, cut;
	int		 n, escd;

	memset(plain, 'p', sizeof(plain));
	for (escd = 0; escd < 2; escd++)
	for (slen = 0; slen <= 100; slen++) {
		n = snprintf(doc, sizeof(doc), "{\"EventCode\":\"1\","
		    "\"Image\":\"%s%.*s\"}", escd ? "\\\\" : "", (int)slen,
		    plain);
		cr_assert_lt(n, (int)sizeof(doc));
		for (cut = 26; cut <= (size_t)n; cut++) {
			cr_assert_not_null(buf = malloc(cut));
			memcpy(buf, doc, cut);
			snprintf(ctx, sizeof(ctx), "esc %d len %zu cut %zu",
			    escd, slen, cut);
			cr_expect_eq(differential(buf, cut, &lim, ctx),
			    cut == (size_t)n ? DECODE_OK :
			    DECODE_ERR_JSON_SYNTAX, "%s", ctx);
			free(buf);
		}
	}
}

/*
 * Keys below which a field can be named (decode_jname.sub) holding
 * objects after blanks, and holding strings, numbers, literals and
 * arrays instead (walked only when an object follows).
 */
Test(decode, walkable_keys_with_any_value)
{
	static const char *docs[] = {
		"{\"winlog\" :  {\"event_id\":3, \"event_data\" :\t"
		    "{\"Image\":\"x\"}}}",
		"{\"winlog\":\n{\"event_id\":3,\"event_data\":\r\n"
		    "{ \"Image\" : \"y\" }}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":\"s\"}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":12}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":null}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":[{\"Image\":"
		    "\"no\"}]}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":true},"
		    "\"EventData\":{\"Image\":\"z\"}}",
		"{\"winlog\":\"w\",\"EventCode\":3}",
		"{\"winlog\": ,\"EventCode\":3}",
		"{\"winlog\":{\"event_id\":3,\"event_data\": }}",
	};
	char	 ctx[32];
	size_t	 i;
	int	 round;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
			snprintf(ctx, sizeof(ctx), "doc %zu round %d", i,
			    round);
			(void)differential(docs[i], strlen(docs[i]), &lim,
			    ctx);
		}
	cr_expect_eq(differential(docs[0], strlen(docs[0]), &lim, "0"),
	    DECODE_OK);
	expect_field(&ev, "Image", "x", "0");
	cr_expect_eq(differential(docs[8], strlen(docs[8]), &lim, "8"),
	    DECODE_ERR_JSON_SYNTAX);
}
