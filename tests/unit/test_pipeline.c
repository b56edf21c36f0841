/*
 * The whole pure pipeline on real and hand-made frames, with the shipped
 * detections: frame -> header -> payload -> event -> detections -> stats
 * -> alert JSON.  These are the answers Splunk's search would give.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "detect/detection.h"
#include "decode/event.h"
#include "daemon/pipeline.h"
#include "testref.h"
#include "test_data.h"

#define FTP	"Windows File Transfer Protocol In Non-Common Process Path"
#define MAIL	"Windows Mail Protocol In Non-Common Process Path"
#define NOW	1795852800000LL		/* 2026-11-28T08:00:00Z */

static struct detection_set	*set;
static struct pipeline		*pl;
static json_object		*alerts[64];
static size_t			 nalerts;

static const char *
env_or(const char *name, const char *def)
{
	const char	*v = getenv(name);

	return v != NULL ? v : def;
}

static void
collect_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	(void)d;
	(void)arg;
	cr_assert_eq(strlen(json), len);
	cr_assert_lt(nalerts, 64);
	alerts[nalerts] = json_tokener_parse(json);
	cr_assert_not_null(alerts[nalerts], "alert is not JSON: %s", json);
	nalerts++;
}

/* A pipeline on the detections and macros of directories det and mac. */
static void
start_dirs(const char *det, const char *mac, bool drop_null)
{
	struct pipeline_opts	 po;
	char			*err = NULL;

	event_fields_init();
	set = detection_set_load(det, mac, &err);
	cr_assert_not_null(set, "%s", err ? err : "?");
	detection_set_use_cim(set, testref_cim_load());
	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 1000;
	po.stats.max_bytes = 1 << 20;
	po.stats.drop_null = drop_null;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	pl = pipeline_new(set, &po, collect_cb, NULL);
	nalerts = 0;
}

/* A pipeline on the shipped detections. */
static void
start(bool drop_null)
{
	char	 det[512], mac[512];

	snprintf(det, sizeof(det), "%s/detections", env_or("CONFDIR", "conf"));
	snprintf(mac, sizeof(mac), "%s/macros", env_or("CONFDIR", "conf"));
	start_dirs(det, mac, drop_null);
}

static void
setup(void)
{
	start(false);
}

static void
teardown(void)
{
	size_t	 i;

	pipeline_free(pl);
	detection_set_unref(set, __func__);
	for (i = 0; i < nalerts; i++)
		json_object_put(alerts[i]);
}

TestSuite(pipeline, .init = setup, .fini = teardown);

static const char *
ev_str(json_object *alert, const char *key)
{
	json_object	*event, *v;

	if (!json_object_object_get_ex(alert, "event", &event) ||
	    !json_object_object_get_ex(event, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

static void
feed(const char *s)
{
	pipeline_frame(pl, s, strlen(s), NOW);
}

Test(pipeline, agenttesla_xml_gives_one_ftp_row)
{
	struct pipeline_counters c;
	size_t			 len;
	char			*xml, frame[4096];

	xml = read_data("splunk_security_content_agenttesla_ftp_eid3/"
	    "agenttesla_ftp_sysmon_eid3.xml", &len);
	while (len > 0 && (xml[len - 1] == '\n' || xml[len - 1] == '\r'))
		xml[--len] = '\0';
	/* Once bare, once behind an RFC 5424 header: same key, one row. */
	feed(xml);
	snprintf(frame, sizeof(frame), "<14>1 2026-11-28T08:00:00Z wef "
	    "splunkuf - - - %s", xml);
	feed(frame);
	pipeline_flush(pl);
	pipeline_get_counters(pl, &c);
	cr_assert_eq(c.xml_fallback, 0, "the record went to expat");
	cr_assert_eq(nalerts, 1);
	cr_assert_str_eq(ev_str(alerts[0], "detection"), FTP);
	cr_assert_str_eq(ev_str(alerts[0], "Image"),
	    "C:\\Temp\\agent_tesla-deob.exe");
	cr_assert_str_eq(ev_str(alerts[0], "DestinationPort"), "21");
	cr_assert_str_eq(ev_str(alerts[0], "DestinationPortName"), "ftp");
	cr_assert_str_eq(ev_str(alerts[0], "DestinationHostname"),
	    "youssef5.genious.net");
	cr_assert_str_eq(ev_str(alerts[0], "DestinationIp"), "41.77.117.236");
	cr_assert_str_eq(ev_str(alerts[0], "SourcePort"), "61722");
	cr_assert_str_eq(ev_str(alerts[0], "SourcePortName"), "-");
	cr_assert_str_eq(ev_str(alerts[0], "Protocol"), "tcp");
	cr_assert_str_eq(ev_str(alerts[0], "SourceHostname"),
	    "win-dc-ctus-attack-range-403.attackrange.local");
	cr_assert_str_eq(ev_str(alerts[0], "dest"), "youssef5.genious.net");
	cr_assert_str_eq(ev_str(alerts[0], "user"),
	    "ATTACKRANGE\\Administrator");
	cr_assert_str_eq(ev_str(alerts[0], "count"), "2");
	cr_assert_str_eq(ev_str(alerts[0], "firstTime"), "2022-09-15T12:56:19");
	cr_assert_str_eq(ev_str(alerts[0], "lastTime"), "2022-09-15T12:56:19");
	free(xml);
}

/* The prefixed form is outside the scanner's subset: expat decodes it. */
Test(pipeline, prefixed_xml_is_counted_as_a_fallback)
{
	struct pipeline_counters c;
	size_t			 len;
	char			*xml, frame[4096];

	xml = read_data("shapes/xmlwineventlog_prefixed.xml", &len);
	snprintf(frame, sizeof(frame), "<14>1 2026-11-28T08:00:00Z wef "
	    "splunkuf - - - %s", xml);
	feed(frame);
	pipeline_get_counters(pl, &c);
	cr_assert_eq(c.xml_fallback, 1);
	cr_assert_eq(c.shape[EVENT_SHAPE_XML], 1);
	free(xml);
}

Test(pipeline, otrf_nxlog_records_give_no_row)
{
	struct pipeline_counters c;
	size_t			 len, n = 0;
	char			*buf, *line, *save = NULL;

	buf = read_data("otrf_security_datasets_sysmon_eid3/"
	    "otrf_sysmon_eid3_sample.ndjson", &len);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		feed(line);
		n++;
	}
	pipeline_flush(pl);
	cr_assert_eq(n, 615);
	cr_assert_eq(nalerts, 0, "OTRF data raised %zu alerts", nalerts);
	pipeline_get_counters(pl, &c);
	cr_assert_eq(c.frames, 615);
	/* The SMTP records (Exchange under Program Files) did decode. */
	cr_assert_geq(c.events, 610, "only %llu of 615 decoded",
	    (unsigned long long)c.events);
	cr_assert_eq(c.rows, 0);
	free(buf);
}

/* An NXLog-shaped SMTP connection with the given raw JSON Image value. */
static void
feed_nxlog_image(const char *image_json, const char *port_json,
    const char *portname_member)
{
	char	 frame[2048];

	snprintf(frame, sizeof(frame),
	    "{\"EventID\":3,\"SourceName\":\"Microsoft-Windows-Sysmon\","
	    "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
	    "\"Hostname\":\"ws1.corp.example\",\"UtcTime\":"
	    "\"2026-11-28 07:59:00.000\",\"Image\":%s,\"User\":\"CORP\\\\u\","
	    "\"Protocol\":\"tcp\",\"Initiated\":\"true\",\"DestinationPort\":%s,"
	    "%s\"DestinationHostname\":\"mx.example\",\"DestinationIp\":"
	    "\"192.0.2.1\",\"SourcePort\":\"5000\",\"SourceHostname\":\"ws1\","
	    "\"SourcePortName\":\"-\"}", image_json, port_json,
	    portname_member);
	feed(frame);
}

Test(pipeline, json_escapes_reach_the_row_unescaped)
{
	feed_nxlog_image("\"C:\\\\Users\\\\\\u00e9ric\\\\mailer.exe\"", "25",
	    "");
	feed_nxlog_image("\"C:\\/Users\\/q\\\"uote\\\\m.exe\"", "\"587\"",
	    "\"DestinationPortName\":\"smtp\",");
	/* \u escapes spelling "Program Files": excluded like the plain one. */
	feed_nxlog_image("\"C:\\\\\\u0050rogram Files\\\\x\\\\m.exe\"", "25",
	    "");
	pipeline_flush(pl);
	cr_assert_eq(nalerts, 2);
	cr_assert_str_eq(ev_str(alerts[0], "detection"), MAIL);
	cr_assert(strcmp(ev_str(alerts[0], "Image"),
	    "C:\\Users\\\xc3\xa9ric\\mailer.exe") == 0 ||
	    strcmp(ev_str(alerts[1], "Image"),
	    "C:\\Users\\\xc3\xa9ric\\mailer.exe") == 0);
	cr_assert(strcmp(ev_str(alerts[0], "Image"), "C:/Users/q\"uote\\m.exe")
	    == 0 || strcmp(ev_str(alerts[1], "Image"),
	    "C:/Users/q\"uote\\m.exe") == 0);
}

Test(pipeline, xml_entities_are_decoded_before_matching)
{
#define XMLFMT "<Event xmlns='http://schemas.microsoft.com/win/2004/" \
	    "08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'" \
	    "/><EventID>3</EventID><Channel>Microsoft-Windows-Sysmon/" \
	    "Operational</Channel><Computer>h1</Computer></System><EventData>" \
	    "<Data Name='UtcTime'>2026-11-28 07:00:00.000</Data>" \
	    "<Data Name='Image'>%s</Data><Data Name='DestinationPort'>21</Data>" \
	    "<Data Name='DestinationPortName'>ftp</Data></EventData></Event>"
	char	 frame[2048];

	snprintf(frame, sizeof(frame), XMLFMT, "C:\\Users\\a&amp;b\\f&#233;.exe");
	feed(frame);
	snprintf(frame, sizeof(frame), XMLFMT,
	    "C:\\&#80;rogram Files\\x&amp;y\\ftp.exe");
	feed(frame);
	pipeline_flush(pl);
	cr_assert_eq(nalerts, 1);
	cr_assert_str_eq(ev_str(alerts[0], "detection"), FTP);
	cr_assert_str_eq(ev_str(alerts[0], "Image"),
	    "C:\\Users\\a&b\\f\xc3\xa9.exe");
	/* No DestinationHostname nor DestinationIp: dest is null. */
	cr_assert_null(ev_str(alerts[0], "dest"));
}

Test(pipeline, null_by_fields_kept_by_default)
{
	/* No DestinationPortName at all: Splunk's stats would drop it. */
	feed_nxlog_image("\"C:\\\\Users\\\\x\\\\m.exe\"", "25", "");
	pipeline_flush(pl);
	cr_assert_eq(nalerts, 1);
	cr_assert_null(ev_str(alerts[0], "DestinationPortName"));
	cr_assert_str_eq(ev_str(alerts[0], "count"), "1");
}

Test(pipeline, null_by_fields_dropped_in_drop_mode)
{
	teardown();
	start(true);
	feed_nxlog_image("\"C:\\\\Users\\\\x\\\\m.exe\"", "25", "");
	feed_nxlog_image("\"C:\\\\Users\\\\x\\\\m.exe\"", "25",
	    "\"DestinationPortName\":\"smtp\",");
	pipeline_flush(pl);
	cr_assert_eq(nalerts, 1);
	cr_assert_str_eq(ev_str(alerts[0], "DestinationPortName"), "smtp");
}

Test(pipeline, malformed_input_is_counted_and_skipped)
{
	struct pipeline_counters c;

	feed("<999>1 - - - - - - {}");
	feed("{\"EventID\":3,\"Image\":\"C:\\\\broken");
	feed("<EventID>3</Event>");
	feed("plain text");
	feed("{\"no\":\"shape\"}");
	feed_nxlog_image("\"C:\\\\Users\\\\x\\\\m.exe\"", "25", "");
	pipeline_flush(pl);
	pipeline_get_counters(pl, &c);
	cr_assert_eq(c.frames, 6);
	cr_assert_eq(c.syslog_errors[PIPELINE_SYSLOG_BAD_PRI], 1);
	cr_assert_eq(c.decode_errors[DECODE_ERR_JSON_SYNTAX], 1);
	cr_assert_eq(c.decode_errors[DECODE_ERR_XML_SYNTAX], 1);
	cr_assert_eq(c.decode_errors[DECODE_ERR_NOT_DOCUMENT], 1);
	cr_assert_eq(c.decode_errors[DECODE_ERR_SHAPE], 1);
	cr_assert_eq(c.events, 1);
	cr_assert_eq(nalerts, 1, "the good event after the bad ones alerts");
}

/* The pipeline on the join detections of tests/data/library/join. */
static void
start_join(void)
{
	char	 det[512], mac[512];

	teardown();
	snprintf(det, sizeof(det), "%s/library/join",
	    env_or("TESTDATA", "tests/data"));
	snprintf(mac, sizeof(mac), "%s/library/macros",
	    env_or("TESTDATA", "tests/data"));
	start_dirs(det, mac, false);
}

/* A flat Sysmon event of id eid on ws1 with the members more. */
static void
feed_sysmon(int eid, const char *more)
{
	char	 frame[2048];

	snprintf(frame, sizeof(frame),
	    "{\"EventID\":%d,\"SourceName\":\"Microsoft-Windows-Sysmon\","
	    "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
	    "\"Hostname\":\"ws1\",\"UtcTime\":\"2026-11-28 07:59:00.000\","
	    "%s}", eid, more);
	feed(frame);
}

/*
 * Splunk's join (search reference, join): max=0 joins every matching
 * subsearch row, one row out each; here a registry write of process G
 * meets G's two process rows (two users), so two alerts, each with its
 * own alert id; an inner join (max=1) of a Word process with the
 * executable it wrote gives one alert with fields of both sides.
 */
Test(pipeline, join_rows_alert_with_both_sides)
{
	const char	*a, *b, *user0, *user1;
	size_t		 i, nreg = 0, nword = 0;

	start_join();
	feed_sysmon(1, "\"ProcessGuid\":\"{G}\",\"ProcessId\":\"7\","
	    "\"Image\":\"C:\\\\x\\\\a.exe\",\"User\":\"CORP\\\\u1\","
	    "\"CommandLine\":\"a\"");
	feed_sysmon(1, "\"ProcessGuid\":\"{G}\",\"ProcessId\":\"7\","
	    "\"Image\":\"C:\\\\x\\\\a.exe\",\"User\":\"CORP\\\\u2\","
	    "\"CommandLine\":\"a\"");
	feed_sysmon(13, "\"ProcessGuid\":\"{G}\",\"ProcessId\":\"7\","
	    "\"Image\":\"C:\\\\x\\\\a.exe\",\"EventType\":\"SetValue\","
	    "\"TargetObject\":\"HKLM\\\\Software\\\\Microsoft\\\\Windows\\\\"
	    "CurrentVersion\\\\Run\\\\evil\",\"Details\":\"c:\\\\e.exe\"");
	feed_sysmon(1, "\"ProcessGuid\":\"{W}\",\"ProcessId\":\"8\","
	    "\"Image\":\"C:\\\\Office\\\\WINWORD.EXE\",\"User\":\"CORP\\\\u1\","
	    "\"CommandLine\":\"winword\"");
	feed_sysmon(11, "\"ProcessGuid\":\"{W}\",\"ProcessId\":\"8\","
	    "\"Image\":\"C:\\\\Office\\\\WINWORD.EXE\","
	    "\"TargetFilename\":\"C:\\\\Users\\\\u1\\\\drop.exe\"");
	pipeline_flush(pl);
	user0 = user1 = NULL;
	for (i = 0; i < nalerts; i++) {
		if (strcmp(ev_str(alerts[i], "detection"),
		    "Test Join Registry Outer All") == 0) {
			cr_assert_str_eq(ev_str(alerts[i], "guid"), "{G}");
			cr_assert_str_eq(ev_str(alerts[i], "registry_value_name"),
			    "evil");
			if (nreg++ == 0)
				user0 = ev_str(alerts[i], "user");
			else
				user1 = ev_str(alerts[i], "user");
			continue;
		}
		nword++;
		cr_assert_str_eq(ev_str(alerts[i], "process_guid"), "{W}");
		cr_assert_str_eq(ev_str(alerts[i], "file_name"), "drop.exe");
		cr_assert_str_eq(ev_str(alerts[i], "process_name"),
		    "WINWORD.EXE");
	}
	cr_assert_eq(nreg, 2, "max=0: one alert per process row");
	cr_assert_eq(nword, 1);
	cr_assert_not_null(user0);
	cr_assert_not_null(user1);
	cr_assert_str_neq(user0, user1);
	a = b = NULL;
	for (i = 0; i < nalerts; i++) {
		if (strcmp(ev_str(alerts[i], "detection"),
		    "Test Join Registry Outer All") != 0)
			continue;
		if (a == NULL)
			a = ev_str(alerts[i], "alert_id");
		else
			b = ev_str(alerts[i], "alert_id");
	}
	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_str_neq(a, b, "each row of a join its own alert id");
}
