/*
 * The <System> fields of a Windows event (SPEC 9 "Fields of raw sysmon
 * searches") in every payload shape, XML element matching by namespace
 * URI and local name (issue 14.3), and the reason a refused payload
 * gives.  Expected values are the ones written in the fixtures
 * (tests/data/shapes, tests/data/README.md).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"
#include "expect_event.h"

#define ARENA		65536

static const struct decode_limits lim = { .max_depth = 32 };
static struct event ev, ev2;
static char	*buf_ev, *buf_ev2;	/* their JSON values point here */

/* The <System> of tests/data/shapes/xmlwineventlog.xml, as written. */
static const char *system_fields[][2] = {
	{ "EventCode", "3" },
	{ "EventID", "3" },
	{ "Computer", "WS01.contoso.local" },
	{ "Channel", "Microsoft-Windows-Sysmon/Operational" },
	{ "SourceName", "Microsoft-Windows-Sysmon" },
	{ "Name", "Microsoft-Windows-Sysmon" },
	{ "Guid", "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}" },
	{ "Version", "5" },
	{ "Level", "4" },
	{ "Task", "3" },
	{ "Opcode", "0" },
	{ "Keywords", "0x8000000000000000" },
	{ "EventRecordID", "1234567" },
	{ "ProcessID", "2684" },
	{ "ThreadID", "1380" },
	{ "UserID", "S-1-5-18" },
	{ "SystemTime", "2024-03-01T10:20:31.2049871Z" },
	{ "TimeCreated", "2024-03-01T10:20:31.2049871Z" },
};
#define NSYSTEM	(sizeof(system_fields) / sizeof(system_fields[0]))

static void
register_system(void)
{
	size_t	 i;

	for (i = 0; i < NSYSTEM; i++)
		cr_assert_neq(event_field_intern(system_fields[i][0],
		    strlen(system_fields[i][0])), -1);
}

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
	free(buf_ev);
	free(buf_ev2);
	buf_ev = buf_ev2 = NULL;
}

TestSuite(decode_system, .init = setup, .fini = teardown);

static enum decode_error
decode_file(const char *name, struct event *e)
{
	char	**keep = e == &ev ? &buf_ev : &buf_ev2;
	size_t	 len;

	free(*keep);
	*keep = read_data(name, &len);
	event_reset(e);
	return decode_payload(testref_dc(), *keep, len, &lim, e);
}

static enum decode_error
decode_str(const char *s, struct event *e)
{
	event_reset(e);
	return decode_payload(testref_dc(), s, strlen(s), &lim, e);
}

Test(decode_system, xml_system_fields)
{
	size_t	 i;

	register_system();
	cr_assert_eq(decode_file("shapes/xmlwineventlog.xml", &ev),
	    DECODE_OK);
	for (i = 0; i < NSYSTEM; i++)
		expect_field(&ev, system_fields[i][0], system_fields[i][1],
		    "xml");
}

/* Registered after the context first decoded: stored from then on. */
Test(decode_system, system_fields_follow_the_registry)
{
	int	 id;

	cr_assert_eq(event_field_lookup("Level", 5), -1);
	cr_assert_eq(decode_file("shapes/xmlwineventlog.xml", &ev),
	    DECODE_OK);
	cr_assert_neq(id = event_field_intern("Level", 5), -1);
	cr_expect(!event_has(&ev, id), "Level stored before it was read");
	cr_assert_eq(decode_file("shapes/xmlwineventlog.xml", &ev),
	    DECODE_OK);
	expect_field(&ev, "Level", "4", "after registering");
}

/*
 * The same in JSON: Winlogbeat's winlog.record_id and winlog.process.pid
 * give EventRecordID and ProcessID once a reader registered them (a
 * "fields =" line of cim.conf alone does not: cim.h), read from the
 * fixture as written (tests/data/shapes/winlogbeat.json).
 */
Test(decode_system, json_system_fields_follow_the_registry)
{
	cr_assert_eq(event_field_lookup("EventRecordID", 13), -1);
	cr_assert_eq(event_field_lookup("ProcessID", 9), -1);
	cr_assert_eq(decode_file("shapes/winlogbeat.json", &ev), DECODE_OK);
	cr_assert_neq(event_field_intern("EventRecordID", 13), -1);
	cr_assert_neq(event_field_intern("ProcessID", 9), -1);
	cr_assert_eq(decode_file("shapes/winlogbeat.json", &ev), DECODE_OK);
	expect_field(&ev, "EventRecordID", "1234567", "after registering");
	expect_field(&ev, "ProcessID", "2684", "after registering");
}

/*
 * xml_values (hecsentry.conf(5)): element text decoded by default, kept
 * as written with raw, as Splunk's XmlWinEventLog extraction keeps
 * "&amp; &lt; &gt;" (SPEC 9); attribute values are decoded either way.
 */
Test(decode_system, xml_values_decoded_or_raw)
{
	static const char doc[] = "<Event><System><EventID>1</EventID>"
	    "<Security UserID='S-1-5-18&amp;x'/></System><EventData>"
	    "<Data Name='CommandLine'>cmd /c a &amp;&amp; b &gt; c &lt;d"
	    " &#38; &#x3E;\r\nend</Data></EventData></Event>";
	struct decode_limits	 raw = lim;

	register_system();
	cr_assert_neq(event_field_intern("CommandLine", 11), -1);
	cr_assert_eq(decode_payload(testref_dc(), doc, strlen(doc), &lim,
	    &ev), DECODE_OK);
	expect_field(&ev, "CommandLine", "cmd /c a && b > c <d & >\nend",
	    "decoded");
	expect_field(&ev, "UserID", "S-1-5-18&x", "decoded attribute");

	raw.xml_raw = true;
	event_reset(&ev);
	cr_assert_eq(decode_payload(testref_dc(), doc, strlen(doc), &raw,
	    &ev), DECODE_OK);
	expect_field(&ev, "CommandLine",
	    "cmd /c a &amp;&amp; b &gt; c &lt;d &#38; &#x3E;\r\nend", "raw");
	expect_field(&ev, "UserID", "S-1-5-18&x", "raw attribute");
	expect_field(&ev, "EventCode", "1", "raw");
}

/* EventData's Version (Sysmon event 4) comes after <System>'s. */
Test(decode_system, eventdata_wins_over_system)
{
	register_system();
	cr_assert_eq(decode_str("<Event><System><EventID>4</EventID>"
	    "<Version>3</Version></System><EventData>"
	    "<Data Name='Version'>15.14</Data></EventData></Event>", &ev),
	    DECODE_OK);
	expect_field(&ev, "Version", "15.14", "eid 4");
}

/* Issue 14.3: a prefix bound to the events namespace is the same event. */
Test(decode_system, xml_namespace_prefix)
{
	register_system();
	cr_assert_eq(decode_file("shapes/xmlwineventlog.xml", &ev),
	    DECODE_OK);
	cr_assert_eq(decode_file("shapes/xmlwineventlog_prefixed.xml", &ev2),
	    DECODE_OK, "prefixed: %s", decode_reason(testref_dc()));
	cr_expect_eq(ev2.shape, EVENT_SHAPE_XML);
	expect_field(&ev2, "Image",
	    "C:\\Users\\bob\\AppData\\Local\\Temp\\mailer.exe", "prefixed");
	expect_same_fields(&ev, &ev2, "prefixed");
}

Test(decode_system, xml_namespaces_matched_by_uri)
{
#define NS	"'http://schemas.microsoft.com/win/2004/08/events/event'"
	static const struct {
		const char	*in;
		const char	*eventcode;	/* NULL: absent */
		const char	*image;
	} ok[] = {
		/* no namespace, default, prefixed, two prefixes one URI */
		{ "<Event><System><EventID>3</EventID></System><EventData>"
		    "<Data Name='Image'>a</Data></EventData></Event>", "3",
		    "a" },
		{ "<Event xmlns=" NS "><System><EventID>3</EventID>"
		    "</System></Event>", "3", NULL },
		{ "<q:Event xmlns:q=" NS "><q:System><q:EventID>1</q:EventID>"
		    "</q:System><q:EventData><q:Data Name='Image'>b</q:Data>"
		    "</q:EventData></q:Event>", "1", "b" },
		{ "<a:Event xmlns:a=" NS "><b:System xmlns:b=" NS ">"
		    "<a:EventID>7</a:EventID></b:System></a:Event>", "7",
		    NULL },
		/* children in another namespace match nothing */
		{ "<e:Event xmlns:e=" NS "><e:System><o:EventID "
		    "xmlns:o='urn:other'>3</o:EventID></e:System>"
		    "<o:EventData xmlns:o='urn:other'><o:Data Name='Image'>c"
		    "</o:Data></o:EventData></e:Event>", NULL, NULL },
		{ "<Event><System><EventID xmlns='urn:other'>3</EventID>"
		    "</System><EventData xmlns='urn:other'>"
		    "<Data Name='Image'>d</Data></EventData></Event>", NULL,
		    NULL },
	};
	static const char *refused[] = {
		"<e:Event xmlns:e='urn:other'><e:System><e:EventID>3"
		    "</e:EventID></e:System></e:Event>",
		"<Event xmlns='urn:other'><System><EventID>3</EventID>"
		    "</System></Event>",
		"<Event xmlns:e=" NS "><System/></Event><!-- -->"
		    "<x/>",
	};
	size_t	 i;
	char	 ctx[32];

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(ctx, sizeof(ctx), "ok[%zu]", i);
		cr_expect_eq(decode_str(ok[i].in, &ev), DECODE_OK, "%s: %s",
		    ctx, decode_reason(testref_dc()));
		expect_field(&ev, "EventCode", ok[i].eventcode, ctx);
		expect_field(&ev, "Image", ok[i].image, ctx);
	}
	cr_expect_eq(decode_str(refused[0], &ev), DECODE_ERR_SHAPE);
	cr_expect_eq(decode_str(refused[1], &ev), DECODE_ERR_SHAPE);
	cr_expect_eq(decode_str(refused[2], &ev), DECODE_ERR_XML_SYNTAX);
#undef NS
}

/* The words a debug line gives for a refused payload (issue 14.3). */
Test(decode_system, refusal_reasons)
{
	const char	*r;

	cr_assert_eq(decode_str("<e:Event xmlns:e='urn:x'/>", &ev),
	    DECODE_ERR_SHAPE);
	r = decode_reason(testref_dc());
	cr_expect(strstr(r, "root element") != NULL, "shape: %s", r);
	cr_assert_eq(decode_str("<Event>\n<System></Event>", &ev),
	    DECODE_ERR_XML_SYNTAX);
	r = decode_reason(testref_dc());
	cr_expect(strstr(r, "line 2") != NULL, "syntax: %s", r);
	cr_assert_eq(decode_str("{\"a\":1}", &ev), DECODE_ERR_SHAPE);
	cr_expect_str_eq(decode_reason(testref_dc()), "shape");
	cr_assert_eq(decode_str("<Event/>", &ev), DECODE_OK);
	cr_assert_eq(decode_str("hello", &ev), DECODE_ERR_NOT_DOCUMENT);
	cr_expect_str_eq(decode_reason(testref_dc()), "not_document");
}

/*
 * The same event in the five shapes of tests/data/shapes gives the same
 * <System> fields, from each shape's keys (the table in decode.c and
 * hecsentry(8)); where a shipper writes a value differently, the
 * row says so: Winlogbeat renders task and opcode as names and GUIDs in
 * lower case, and writes no level or keywords; NXLog writes Opcode as a
 * name (OpcodeValue, the number, only counts where Opcode is absent),
 * Keywords in decimal and no Level; TimeCreated only where the shape
 * has it.
 */
#define SH_NXLOG	0
#define SH_WLB		1
#define SH_ECS		2
#define SH_FLAT		3
#define SH_XML		4
#define SH_N		5

static const char *shape_file[SH_N] = {
	"shapes/nxlog.json", "shapes/winlogbeat.json",
	"shapes/winlogbeat_ecs.json", "shapes/splunk_flat.json",
	"shapes/xmlwineventlog.xml"
};

#define GUID_U	"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
#define GUID_L	"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"
#define TASK	"Network connection detected (rule: NetworkConnect)"
#define KW_HEX	"0x8000000000000000"
#define TC	"2024-03-01T10:20:31.2049871Z"

static const struct {
	const char	*name;
	const char	*v[SH_N];	/* nxlog, wlb, ecs, flat, xml */
} shape_system[] = {
	{ "EventCode", { "3", "3", "3", "3", "3" } },
	{ "EventID", { "3", "3", "3", "3", "3" } },
	{ "Computer", { "WS01.contoso.local", "WS01.contoso.local",
	    "WS01.contoso.local", "WS01.contoso.local",
	    "WS01.contoso.local" } },
	{ "Channel", { "Microsoft-Windows-Sysmon/Operational",
	    "Microsoft-Windows-Sysmon/Operational",
	    "Microsoft-Windows-Sysmon/Operational",
	    "Microsoft-Windows-Sysmon/Operational",
	    "Microsoft-Windows-Sysmon/Operational" } },
	{ "SourceName", { "Microsoft-Windows-Sysmon",
	    "Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon",
	    "Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon" } },
	{ "Name", { "Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon",
	    "Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon",
	    "Microsoft-Windows-Sysmon" } },
	{ "Guid", { GUID_U, GUID_L, GUID_L, GUID_U, GUID_U } },
	{ "EventRecordID", { "1234567", "1234567", "1234567", "1234567",
	    "1234567" } },
	{ "Version", { "5", "5", "5", "5", "5" } },
	{ "Task", { "3", TASK, TASK, "3", "3" } },
	{ "Opcode", { "Info", "Info", "Info", "0", "0" } },
	{ "Level", { NULL, NULL, NULL, "4", "4" } },
	{ "Keywords", { "-9223372036854775808", NULL, NULL, KW_HEX,
	    KW_HEX } },
	{ "ProcessID", { "2684", "2684", "2684", "2684", "2684" } },
	{ "ThreadID", { "1380", "1380", "1380", "1380", "1380" } },
	{ "UserID", { "S-1-5-18", "S-1-5-18", "S-1-5-18", "S-1-5-18",
	    "S-1-5-18" } },
	{ "TimeCreated", { NULL, NULL, NULL, TC, TC } },
};

Test(decode_system, every_shape_gives_the_system_fields)
{
	enum decode_error	 err;
	size_t			 i, j;

	register_system();
	for (i = 0; i < SH_N; i++) {
		err = decode_file(shape_file[i], &ev);
		cr_assert_eq(err, DECODE_OK, "%s: %s", shape_file[i],
		    decode_reason(testref_dc()));
		for (j = 0; j < sizeof(shape_system) /
		    sizeof(shape_system[0]); j++)
			expect_field(&ev, shape_system[j].name,
			    shape_system[j].v[i], shape_file[i]);
	}
}

/*
 * Flat Splunk JSON with EventCode alone still has EventID: Splunk
 * indexes a Sysmon event with both (EventCode is the TA's alias of the
 * <EventID>, as every other shape gives here).  ESCU searches such as
 * "Cobalt Strike Named Pipes" and "Create Remote Thread into LSASS" test
 * EventID, and matched nothing of hecsentry-gen --shape flat.
 */
Test(decode_system, flat_eventcode_alone_gives_eventid)
{
	register_system();
	cr_assert_eq(decode_str("{\"EventCode\":17,\"Computer\":\"ws1\","
	    "\"PipeName\":\"\\\\MSSE-1-server\"}", &ev), DECODE_OK);
	expect_field(&ev, "EventCode", "17", "flat");
	expect_field(&ev, "EventID", "17", "flat");
	cr_assert_eq(decode_str("{\"EventCode\":17,\"EventID\":\"18\"}",
	    &ev), DECODE_OK);
	expect_field(&ev, "EventID", "18", "its own EventID wins");
}

/*
 * The Winlogbeat sysmon module renames these EventData fields to ECS
 * (winlogbeat-sysmon.js, mode "rename"; Sigma's windows_sysmon ECS
 * mapping): the event must still have the Sysmon names, as the XML and
 * plain Winlogbeat shapes give.  ESCU's "Suspicious Process With Discord
 * DNS Query" (QueryName) matched no ECS-shaped hit before.
 */
Test(decode_system, ecs_renamed_eventdata_fields)
{
	static const char *names[] = { "CommandLine", "ParentImage",
	    "ParentProcessId", "QueryName" };
	size_t	 i;

	for (i = 0; i < 4; i++)
		cr_assert_neq(event_field_intern(names[i], strlen(names[i])),
		    -1);
	cr_assert_eq(decode_str("{\"winlog\":{\"event_id\":22},"
	    "\"dns\":{\"question\":{\"name\":\"cdn.discordapp.com\"}},"
	    "\"process\":{\"command_line\":\"x.exe /c y\",\"parent\":"
	    "{\"executable\":\"C:\\\\p.exe\",\"pid\":7}}}", &ev),
	    DECODE_OK, "%s", decode_reason(testref_dc()));
	expect_field(&ev, "QueryName", "cdn.discordapp.com", "ecs");
	expect_field(&ev, "CommandLine", "x.exe /c y", "ecs");
	expect_field(&ev, "ParentImage", "C:\\p.exe", "ecs");
	expect_field(&ev, "ParentProcessId", "7", "ecs");
	cr_assert_eq(decode_str("{\"winlog\":{\"event_id\":22,"
	    "\"event_data\":{\"QueryName\":\"own\"}},\"dns\":"
	    "{\"question\":{\"name\":\"ecs\"}}}", &ev), DECODE_OK);
	expect_field(&ev, "QueryName", "own", "own name wins");
}

/* A field the event carries under its own name wins over an alias. */
Test(decode_system, own_name_wins_over_alias)
{
	register_system();
	cr_assert_eq(decode_str("{\"winlog\":{\"event_id\":3,"
	    "\"record_id\":7,\"event_data\":{\"EventRecordID\":\"8\"}}}",
	    &ev), DECODE_OK);
	expect_field(&ev, "EventRecordID", "8", "event_data");
	cr_assert_eq(decode_str("{\"EventID\":3,\"SourceName\":\"S\","
	    "\"RecordNumber\":7,\"EventRecordID\":9}", &ev), DECODE_OK);
	expect_field(&ev, "EventRecordID", "9", "nxlog");
	expect_field(&ev, "Name", "S", "nxlog");
}

/*
 * One real event in every shape (issue 11 item 1): the Sysmon events 1,
 * 3, 11 and 13 of security_content (tests/data/
 * splunk_security_content_data_sources) and their JSON renderings in
 * tests/data/sysmon_shapes (written from the XML as each shipper would:
 * render.py there) give the same fields after normalisation, raw and
 * add-on, but those a shipper writes its own way (the table in decode.c;
 * @timestamp and ECS user.domain/user.name exist only in Winlogbeat,
 * NXLog's own EventType "INFO" shares its name with an EventData field
 * of events 12-14, whose value replaces it).
 */
static const char *const render_shape[] = {
	"nxlog", "winlogbeat", "winlogbeat_ecs", "splunk_flat"
};

static const char *const render_own_way[][10] = {
	{ "Opcode", "Keywords", "Level", "TimeCreated", "SystemTime",
	    "EventType" },
	{ "Task", "Opcode", "Guid", "Level", "Keywords", "TimeCreated",
	    "SystemTime", "@timestamp" },
	{ "Task", "Opcode", "Guid", "Level", "Keywords", "TimeCreated",
	    "SystemTime", "@timestamp", "user.domain", "user.name" },
	{ NULL },
};

static bool
render_skipped(size_t shape, const char *name)
{
	size_t	 i;

	for (i = 0; i < 10 && render_own_way[shape][i] != NULL; i++)
		if (strcmp(render_own_way[shape][i], name) == 0)
			return true;
	return false;
}

Test(decode_system, one_real_event_in_every_shape)
{
	static const int	 eids[] = { 1, 3, 11, 13 };
	char			 name[128], ctx[160];
	size_t			 e, s;
	int			 id, n;

	register_system();
	event_reset(&ev);
	cr_assert_eq(testref_normalise(&ev, 1, 2), 0);	/* loads the map */
	for (e = 0; e < sizeof(eids) / sizeof(eids[0]); e++) {
		snprintf(name, sizeof(name), "splunk_security_content_data_"
		    "sources/sysmon_eventid_%d.xml", eids[e]);
		cr_assert_eq(decode_file(name, &ev), DECODE_OK, "%s", name);
		cr_assert_eq(testref_normalise(&ev, 1, 2), 0);
		for (s = 0; s < sizeof(render_shape) / sizeof(render_shape[0]);
		    s++) {
			snprintf(name, sizeof(name), "sysmon_shapes/"
			    "sysmon_eventid_%d.%s.json", eids[e],
			    render_shape[s]);
			cr_assert_eq(decode_file(name, &ev2), DECODE_OK, "%s: %s",
			    name, decode_reason(testref_dc()));
			cr_assert_eq(testref_normalise(&ev2, 1, 2), 0);
			cr_expect_eq(ev.time_ms, ev2.time_ms, "%s: _time", name);
			n = 0;
			for (id = 0; id < event_field_count(); id++) {
				if (render_skipped(s, event_field_name(id)))
					continue;
				snprintf(ctx, sizeof(ctx), "%s: %s", name,
				    event_field_name(id));
				cr_expect_eq(event_has(&ev, id),
				    event_has(&ev2, id), "%s: set in XML %d, "
				    "here %d", ctx, event_has(&ev, id),
				    event_has(&ev2, id));
				if (!event_has(&ev, id) || !event_has(&ev2, id))
					continue;
				n++;
				cr_expect(ev.val[id].len == ev2.val[id].len &&
				    memcmp(ev.val[id].ptr, ev2.val[id].ptr,
				    ev.val[id].len) == 0, "%s: XML \"%.*s\", "
				    "here \"%.*s\"", ctx, (int)ev.val[id].len,
				    ev.val[id].ptr, (int)ev2.val[id].len,
				    ev2.val[id].ptr);
			}
			cr_expect_gt(n, 20, "%s: only %d fields compared",
			    name, n);
		}
	}
}
