/*
 * hecsentry-gen's renderers: one event (gen_event.c) as a payload of
 * SPEC 2's shapes, Winlogbeat raw, Winlogbeat with the sysmon module's
 * ECS names, NXLog im_msvistalog to_json(), flat Splunk-style JSON or
 * XmlWinEventLog XML, behind an RFC 5424 header, framed by LF or by
 * RFC 6587 octet counting; and the growable buffer they write into.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <err.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen.h"

static const char *const gen_titles[32] = {
	[1] = "Process Create",
	[3] = "Network connection detected",
	[5] = "Process terminated",
	[7] = "Image loaded",
	[10] = "Process accessed",
	[11] = "File created",
	[12] = "Registry object added or deleted",
	[13] = "Registry value set",
	[22] = "Dns query",
	[8] = "CreateRemoteThread detected",
	[17] = "Pipe Created",
	[18] = "Pipe Connected"
};

static const char *const gen_rules[32] = {
	[1] = "ProcessCreate", [3] = "NetworkConnect",
	[5] = "ProcessTerminate", [7] = "ImageLoad", [10] = "ProcessAccess",
	[11] = "FileCreate", [12] = "RegistryEvent", [13] = "RegistryEvent",
	[22] = "DnsQuery", [8] = "CreateRemoteThread", [17] = "PipeEvent",
	[18] = "PipeEvent"
};

static const int gen_versions[32] = {
	[1] = 5, [3] = 5, [5] = 3, [7] = 3, [10] = 3, [11] = 2, [12] = 2,
	[13] = 2, [22] = 5, [8] = 2, [17] = 1, [18] = 1
};

static void
buf_grow(struct gen_buf *b, size_t need)
{
	size_t	 cap;

	if (b->len + need <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + need)
		cap *= 2;
	if ((b->p = realloc(b->p, cap)) == NULL)
		err(1, "realloc");
	b->cap = cap;
}

void
buf_add(struct gen_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
buf_adds(struct gen_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addf(struct gen_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room;
	int	 n;

	/*
	 * Formatted into the buffer's room, grown and formatted again when
	 * short; not vsnprintf(NULL, 0, ...) first: GCC 12 with UBSan warns
	 * of a null format there (the sanitizer build has -Werror).
	 */
	buf_grow(b, 256);
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx(1, "vsnprintf");
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Appends s as the inside of a JSON string. */
static void
buf_add_json(struct gen_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			if ((unsigned char)*s < 0x20)
				buf_addf(b, "\\u%04x", (unsigned char)*s);
			else
				buf_add(b, s, 1);
		}
	}
}

/* Appends s as XML character data or an attribute value in quotes. */
static void
buf_add_xml(struct gen_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '\'':
			buf_adds(b, "&apos;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

/* "name":"value" with a leading comma unless first. */
static void
buf_add_jkv(struct gen_buf *b, int *first, const char *k, const char *v)
{
	if (!*first)
		buf_add(b, ",", 1);
	*first = 0;
	buf_add(b, "\"", 1);
	buf_adds(b, k);
	buf_add(b, "\":\"", 3);
	buf_add_json(b, v);
	buf_add(b, "\"", 1);
}

/* "name":raw (a number or a literal) with a leading comma unless first. */
static void
buf_add_jraw(struct gen_buf *b, int *first, const char *k, const char *raw)
{
	if (!*first)
		buf_add(b, ",", 1);
	*first = 0;
	buf_addf(b, "\"%s\":%s", k, raw);
}

static const char *
ev_get(const struct gen_event *ev, const char *k)
{
	int	 i;

	for (i = 0; i < ev->nkv; i++)
		if (strcmp(ev->k[i], k) == 0)
			return ev->v[i];
	return NULL;
}

static const char *
gen_task(int id)
{
	static char	 s[96];

	snprintf(s, sizeof(s), "%s (rule: %s)", gen_titles[id],
	    gen_rules[id]);
	return s;
}

/* The winlog object shared by the two Winlogbeat shapes, minus "}". */
static void
render_winlog_head(struct gen_buf *b, const struct gen_event *ev)
{
	buf_addf(b, "\"winlog\":{\"channel\":"
	    "\"Microsoft-Windows-Sysmon/Operational\",\"computer_name\":"
	    "\"%s\",\"event_id\":\"%d\",\"process\":"
	    "{\"pid\":%u,\"thread\":{\"id\":%u}},\"provider_guid\":"
	    "\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\",\"provider_name\":"
	    "\"Microsoft-Windows-Sysmon\",\"record_id\":%u,\"task\":\"%s\","
	    "\"user\":{\"domain\":\"NT AUTHORITY\",\"identifier\":"
	    "\"S-1-5-18\",\"name\":\"SYSTEM\",\"type\":\"User\"},"
	    "\"version\":%d", ev->computer, ev->id, ev->exec_pid,
	    ev->exec_tid, ev->record, gen_task(ev->id),
	    gen_versions[ev->id]);
}

static void
render_beat_head(struct gen_buf *b, const struct gen_event *ev, int ecs)
{
	char	 ts[40];

	gen_time(ev->ms, 1, ts, sizeof(ts));
	buf_addf(b, "{\"@timestamp\":\"%s\",\"agent\":{\"name\":\"%s\","
	    "\"type\":\"winlogbeat\",\"version\":\"8.15.3\"},\"ecs\":"
	    "{\"version\":\"8.0.0\"},\"event\":{\"code\":\"%d\",\"kind\":"
	    "\"event\",\"provider\":\"Microsoft-Windows-Sysmon\"%s},"
	    "\"host\":{\"name\":\"%s\"},", ts, ev->host, ev->id,
	    ecs ? ",\"module\":\"sysmon\"" : "", ev->computer);
}

static void
render_winlogbeat(struct gen_buf *b, const struct gen_event *ev)
{
	int	 i, first = 1;

	render_beat_head(b, ev, 0);
	render_winlog_head(b, ev);
	buf_adds(b, ",\"event_data\":{");
	for (i = 0; i < ev->nkv; i++)
		buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_adds(b, "}}}");
}

/* EventData names the sysmon module renames to ECS. */
static int
render_ecs_mapped(const char *k)
{
	static const char *const mapped[] = {
		"Image", "ProcessGuid", "ProcessId", "User", "SourceIp",
		"SourcePort", "SourceHostname", "DestinationIp",
		"DestinationPort", "DestinationHostname", "Protocol",
		"DestinationPortName", "Initiated", "CommandLine",
		"QueryName", "ParentImage", "ParentProcessId"
	};
	size_t	 i;

	for (i = 0; i < GEN_NITEMS(mapped); i++)
		if (strcmp(k, mapped[i]) == 0)
			return 1;
	return 0;
}

/* Adds a "name":"value" member when ev has a usable value for field. */
static void
render_ecs_member(struct gen_buf *b, int *first, const char *name,
    const struct gen_event *ev, const char *field, int number)
{
	const char	*v = ev_get(ev, field);

	if (v == NULL || *v == '\0' || strcmp(v, "-") == 0)
		return;
	if (number)
		buf_add_jraw(b, first, name, v);
	else
		buf_add_jkv(b, first, name, v);
}

static void
render_ecs(struct gen_buf *b, const struct gen_event *ev)
{
	const char	*v, *bs;
	int		 i, first;

	render_beat_head(b, ev, 1);
	if ((v = ev_get(ev, "Image")) != NULL) {
		first = 1;
		buf_adds(b, "\"process\":{");
		render_ecs_member(b, &first, "executable", ev, "Image", 0);
		buf_add_jkv(b, &first, "name", strrchr(v, '\\') != NULL ?
		    strrchr(v, '\\') + 1 : v);
		render_ecs_member(b, &first, "entity_id", ev, "ProcessGuid",
		    0);
		render_ecs_member(b, &first, "pid", ev, "ProcessId", 1);
		render_ecs_member(b, &first, "command_line", ev,
		    "CommandLine", 0);
		if (ev_get(ev, "ParentImage") != NULL) {
			buf_adds(b, ",\"parent\":{");
			first = 1;
			render_ecs_member(b, &first, "executable", ev,
			    "ParentImage", 0);
			render_ecs_member(b, &first, "pid", ev,
			    "ParentProcessId", 1);
			buf_adds(b, "}");
		}
		buf_adds(b, "},");
	}
	if (ev->id == 3) {
		first = 1;
		buf_adds(b, "\"source\":{");
		render_ecs_member(b, &first, "ip", ev, "SourceIp", 0);
		render_ecs_member(b, &first, "port", ev, "SourcePort", 1);
		render_ecs_member(b, &first, "domain", ev, "SourceHostname",
		    0);
		buf_adds(b, "},\"destination\":{");
		first = 1;
		render_ecs_member(b, &first, "ip", ev, "DestinationIp", 0);
		render_ecs_member(b, &first, "port", ev, "DestinationPort", 1);
		render_ecs_member(b, &first, "domain", ev,
		    "DestinationHostname", 0);
		buf_adds(b, "},\"network\":{");
		first = 1;
		render_ecs_member(b, &first, "transport", ev, "Protocol", 0);
		render_ecs_member(b, &first, "protocol", ev,
		    "DestinationPortName", 0);
		v = ev_get(ev, "Initiated");
		buf_add_jkv(b, &first, "direction", v != NULL &&
		    strcmp(v, "true") == 0 ? "egress" : "ingress");
		buf_add_jkv(b, &first, "type", "ipv4");
		buf_adds(b, "},");
	}
	if (ev->id == 22) {
		buf_adds(b, "\"dns\":{\"question\":{");
		first = 1;
		render_ecs_member(b, &first, "name", ev, "QueryName", 0);
		buf_adds(b, "}},");
	}
	if ((v = ev_get(ev, "User")) != NULL &&
	    (bs = strchr(v, '\\')) != NULL) {
		buf_addf(b, "\"user\":{\"domain\":\"%.*s\",\"name\":\"",
		    (int)(bs - v), v);
		buf_add_json(b, bs + 1);
		buf_adds(b, "\"},");
	}
	render_winlog_head(b, ev);
	buf_adds(b, ",\"event_data\":{");
	first = 1;
	for (i = 0; i < ev->nkv; i++)
		if (!render_ecs_mapped(ev->k[i]))
			buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_adds(b, "}}}");
}

static void
render_nxlog(struct gen_buf *b, const struct gen_event *ev)
{
	struct gen_buf	 msg = { NULL, 0, 0 };
	char		 local[40], num[32];
	int		 i, first = 1;

	/* NXLog's EventTime is local time with no zone (here UTC-5). */
	gen_time(ev->ms - 5 * 3600 * 1000, 0, local, sizeof(local));
	local[19] = '\0';
	buf_adds(b, "{");
	buf_add_jkv(b, &first, "EventTime", local);
	buf_add_jkv(b, &first, "Hostname", ev->computer);
	buf_add_jraw(b, &first, "Keywords", "-9223372036854775808");
	buf_add_jkv(b, &first, "EventType", "INFO");
	buf_add_jraw(b, &first, "SeverityValue", "2");
	buf_add_jkv(b, &first, "Severity", "INFO");
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jraw(b, &first, "EventID", num);
	buf_add_jkv(b, &first, "SourceName", "Microsoft-Windows-Sysmon");
	buf_add_jkv(b, &first, "ProviderGuid",
	    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
	snprintf(num, sizeof(num), "%d", gen_versions[ev->id]);
	buf_add_jraw(b, &first, "Version", num);
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jraw(b, &first, "Task", num);
	buf_add_jraw(b, &first, "OpcodeValue", "0");
	snprintf(num, sizeof(num), "%u", ev->record);
	buf_add_jraw(b, &first, "RecordNumber", num);
	snprintf(num, sizeof(num), "%u", ev->exec_pid);
	buf_add_jraw(b, &first, "ExecutionProcessID", num);
	snprintf(num, sizeof(num), "%u", ev->exec_tid);
	buf_add_jraw(b, &first, "ThreadID", num);
	buf_add_jkv(b, &first, "Channel",
	    "Microsoft-Windows-Sysmon/Operational");
	buf_add_jkv(b, &first, "Domain", "NT AUTHORITY");
	buf_add_jkv(b, &first, "AccountName", "SYSTEM");
	buf_add_jkv(b, &first, "UserID", "S-1-5-18");
	buf_add_jkv(b, &first, "AccountType", "User");
	/* Many sites delete $Message; we keep it when the frame allows. */
	if (!gen_short) {
		buf_adds(&msg, gen_titles[ev->id]);
		buf_adds(&msg, ":");
		for (i = 0; i < ev->nkv; i++)
			buf_addf(&msg, "\r\n%s: %s", ev->k[i], ev->v[i]);
		buf_add(&msg, "", 1);
		buf_add_jkv(b, &first, "Message", msg.p);
		free(msg.p);
	}
	buf_add_jkv(b, &first, "Category", gen_task(ev->id));
	buf_add_jkv(b, &first, "Opcode", "Info");
	for (i = 0; i < ev->nkv; i++)
		buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_add_jkv(b, &first, "EventReceivedTime", local);
	buf_add_jkv(b, &first, "SourceModuleName", "eventlog");
	buf_add_jkv(b, &first, "SourceModuleType", "im_msvistalog");
	buf_adds(b, "}");
}

static void
render_flat(struct gen_buf *b, const struct gen_event *ev)
{
	char	 ts[40], num[32];
	int	 i, first = 1;

	gen_time(ev->ms, 1, ts, sizeof(ts));
	buf_adds(b, "{");
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jraw(b, &first, "EventCode", num);
	buf_add_jkv(b, &first, "Computer", ev->computer);
	buf_add_jkv(b, &first, "source",
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
	buf_add_jkv(b, &first, "sourcetype", "XmlWinEventLog");
	buf_add_jkv(b, &first, "host", ev->host);
	buf_add_jkv(b, &first, "Channel",
	    "Microsoft-Windows-Sysmon/Operational");
	buf_add_jkv(b, &first, "Name", "Microsoft-Windows-Sysmon");
	buf_add_jkv(b, &first, "Guid",
	    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
	snprintf(num, sizeof(num), "%u", ev->record);
	buf_add_jkv(b, &first, "EventRecordID", num);
	snprintf(num, sizeof(num), "%d", gen_versions[ev->id]);
	buf_add_jkv(b, &first, "Version", num);
	buf_add_jkv(b, &first, "Level", "4");
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jkv(b, &first, "Task", num);
	buf_add_jkv(b, &first, "TaskCategory", gen_task(ev->id));
	buf_add_jkv(b, &first, "Opcode", "0");
	buf_add_jkv(b, &first, "Keywords", "0x8000000000000000");
	buf_add_jkv(b, &first, "SystemTime", ts);
	snprintf(num, sizeof(num), "%u", ev->exec_pid);
	buf_add_jkv(b, &first, "ProcessID", num);
	snprintf(num, sizeof(num), "%u", ev->exec_tid);
	buf_add_jkv(b, &first, "ThreadID", num);
	buf_add_jkv(b, &first, "UserID", "S-1-5-18");
	buf_add_jkv(b, &first, "signature", gen_titles[ev->id]);
	buf_add_jkv(b, &first, "vendor_product", "Microsoft Sysmon");
	for (i = 0; i < ev->nkv; i++)
		buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_adds(b, "}");
}

static void
render_xml(struct gen_buf *b, const struct gen_event *ev)
{
	char	 ts[40];
	int	 i;

	gen_time(ev->ms, 1, ts, sizeof(ts));
	/* Windows writes 100 ns precision: 2022-09-15T12:56:22.958249300Z */
	ts[23] = '\0';
	buf_addf(b, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/"
	    "events/event'><System><Provider Name='Microsoft-Windows-Sysmon' "
	    "Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>%d"
	    "</EventID><Version>%d</Version><Level>4</Level><Task>%d</Task>"
	    "<Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
	    "<TimeCreated SystemTime='%s%04uZ'/><EventRecordID>%u"
	    "</EventRecordID><Correlation/><Execution ProcessID='%u' "
	    "ThreadID='%u'/><Channel>Microsoft-Windows-Sysmon/Operational"
	    "</Channel><Computer>", ev->id, gen_versions[ev->id], ev->id, ts,
	    (unsigned)(ev->record % 10000), ev->record, ev->exec_pid,
	    ev->exec_tid);
	buf_add_xml(b, ev->computer);
	buf_adds(b, "</Computer><Security UserID='S-1-5-18'/></System>"
	    "<EventData>");
	for (i = 0; i < ev->nkv; i++) {
		buf_addf(b, "<Data Name='%s'>", ev->k[i]);
		buf_add_xml(b, ev->v[i]);
		buf_adds(b, "</Data>");
	}
	buf_adds(b, "</EventData></Event>");
}

static const char *const gen_apps[GEN_NSHAPES] = {
	"winlogbeat", "winlogbeat", "nxlog", "splunkfwd", "wec"
};

/* Renders one framed syslog message into b (which it clears first). */
void
render_frame(struct gen_buf *b, struct gen_buf *msg,
    const struct gen_event *ev, enum gen_shape shape, int octet)
{
	char	 ts[40];

	msg->len = 0;
	gen_time(ev->ms, 1, ts, sizeof(ts));
	buf_addf(msg, "<14>1 %s %s %s - - - ", ts, ev->host, gen_apps[shape]);
	switch (shape) {
	case GEN_SHAPE_WINLOGBEAT:
		render_winlogbeat(msg, ev);
		break;
	case GEN_SHAPE_ECS:
		render_ecs(msg, ev);
		break;
	case GEN_SHAPE_NXLOG:
		render_nxlog(msg, ev);
		break;
	case GEN_SHAPE_FLAT:
		render_flat(msg, ev);
		break;
	default:
		render_xml(msg, ev);
		break;
	}
	b->len = 0;
	if (octet)
		buf_addf(b, "%zu ", msg->len);
	buf_add(b, msg->p, msg->len);
	if (!octet)
		buf_add(b, "\n", 1);
}
