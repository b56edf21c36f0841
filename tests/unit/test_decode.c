/*
 * Unit tests of the payload decoders: every shape of one synthetic SMTP
 * connection normalises to the same fields, the real AgentTesla XML
 * record and the 615 real OTRF records decode, the fast JSON scanner and
 * the json-c reference agree field for field (real records, fixtures and
 * a table of tricky inputs), both copies of the fast scanner (portable
 * and AVX2) cold and warm, and malformed JSON and XML are refused with
 * the right reason.  The scanner's own machinery (key memo and
 * predictions, skipped objects, string scan, escapes, numbers, generated
 * streams) is tested in test_decode_fast.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"
#include "expect_event.h"
#include "decode_fixture.h"

#define OTRF		"otrf_security_datasets_sysmon_eid3/" \
			    "otrf_sysmon_eid3_sample.ndjson"
#define AGENTTESLA	"splunk_security_content_agenttesla_ftp_eid3/" \
			    "agenttesla_ftp_sysmon_eid3.xml"

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
