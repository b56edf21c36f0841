/*
 * Tests of admin.c: the admin port on 127.0.0.1 (port 0) with a fake
 * snapshot provider, asked by libevent's HTTP client on the same loop.
 * Checks the Prometheus text syntax line by line, label escaping, the
 * /health and /detections JSON, 404 and 405; that every field of struct
 * sink_counters is a metric of its own; and that the UDP drops of a real
 * listen.c socket reach /metrics by listener and reason.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <json-c/json.h>

#include "daemon/admin.h"
#include "daemon/options.h"

#define ODD_LISTENER	"tcp/\"odd\\name\"\n"
#define ODD_DETECTION	"Say \"hi\" to C:\\Temp"

struct reply {
	int		 code;		/* HTTP status, 0: no answer */
	char		*body;		/* NUL-terminated copy */
	char		*ctype;		/* Content-Type */
	bool		 done;
};

/* The admin options of one listen address. */
#define ADDR(a)	(&(const struct admin_options){ .listen = (a) })

static struct event_base	*base;
static struct admin		*adm;
static struct detection		 dets[2];
static char			*mitre[] = { "T1071.003", "T1071" };
static bool			 fake_healthy = true;

static void
fake_snapshot(struct admin_snapshot *s, void *arg)
{
	static struct admin_listener	 l[2];
	static struct admin_detection	 d[2];

	(void)arg;
	memset(l, 0, sizeof(l));
	memset(d, 0, sizeof(d));
	l[0].name = "udp/127.0.0.1:514";
	l[0].frames = 7;
	l[0].events[EVENT_SHAPE_XML] = 5;
	l[1].name = ODD_LISTENER;
	l[1].frames = 3;
	l[1].events[EVENT_SHAPE_NXLOG] = 2;
	d[0].det = &dets[0];
	d[0].dc.matches = 11;
	d[0].dc.rows = 4;
	d[0].sc.keys = 2;
	d[0].sc.early = 1;
	d[0].sc.null_dropped = 6;
	d[0].sc.first_dropped = 4;
	d[0].sc.tombs = 1;
	d[1].det = &dets[1];
	d[1].dc.matches = 1;
	s->listeners = l;
	s->nlisteners = 2;
	s->detections = d;
	s->ndetections = 2;
	s->pipeline.syslog_errors[PIPELINE_SYSLOG_BAD_PRI] = 9;
	s->pipeline.decode_errors[DECODE_ERR_JSON_SYNTAX] = 13;
	s->listen.oversize = 2;
	s->pipeline.prefiltered = 21;
	s->pipeline.xml_fallback = 23;
	s->sink.status_2xx = 40;
	s->sink.status_5xx = 3;
	s->sink.dropped = 8;
	s->sink.queued = 17;
	s->reloads = 2;
	s->healthy = fake_healthy;
	s->reason = fake_healthy ? NULL : "HEC failing: 3 errors, no "
	    "success for 30 s";
}

static void
setup(void)
{
	char	*err = NULL;

	memset(dets, 0, sizeof(dets));
	dets[0].name = "Windows Mail Protocol In Non-Common Process Path";
	dets[0].id = "ac3311f5-661d-4e99-bd1f-3ec665b05441";
	dets[0].version = 3;
	dets[0].file = "conf/detections/mail.yml";
	dets[0].mitre = mitre;
	dets[0].nmitre = 2;
	dets[1].name = ODD_DETECTION;
	dets[1].id = "x\\y";
	dets[1].version = 10;
	dets[1].file = "odd.yml";
	base = event_base_new();
	cr_assert_not_null(base);
	adm = admin_new(base, ADDR("127.0.0.1:0"), fake_snapshot, NULL, &err);
	cr_assert_not_null(adm, "admin_new: %s", err ? err : "?");
	cr_assert_gt(admin_port(adm), 0);
}

static void
teardown(void)
{
	admin_free(adm);
	event_base_free(base);
}

TestSuite(admin, .init = setup, .fini = teardown);

static void
reply_cb(struct evhttp_request *req, void *arg)
{
	struct reply	*r = arg;
	struct evbuffer	*b;
	const char	*ct;
	size_t		 n;

	r->done = true;
	event_base_loopbreak(base);
	if (req == NULL)
		return;
	r->code = evhttp_request_get_response_code(req);
	b = evhttp_request_get_input_buffer(req);
	n = evbuffer_get_length(b);
	r->body = calloc(1, n + 1);
	evbuffer_copyout(b, r->body, n);
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	r->ctype = strdup(ct != NULL ? ct : "");
}

/* One request on the loop, bounded by 5 s. */
static struct reply
ask(enum evhttp_cmd_type cmd, const char *path)
{
	struct evhttp_connection	*conn;
	struct evhttp_request		*req;
	struct reply			 r;
	struct timeval			 tv = { 5, 0 };

	memset(&r, 0, sizeof(r));
	conn = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (unsigned short)admin_port(adm));
	cr_assert_not_null(conn);
	req = evhttp_request_new(reply_cb, &r);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    "127.0.0.1");
	cr_assert_eq(evhttp_make_request(conn, req, cmd, path), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	cr_assert(r.done, "no answer to %s within 5 s", path);
	evhttp_connection_free(conn);
	return r;
}

static void
reply_clear(struct reply *r)
{
	free(r->body);
	free(r->ctype);
}

/* Whether a metric name part is [a-zA-Z_:][a-zA-Z0-9_:]*. */
static bool
valid_name(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		    s[i] == ':' || (i > 0 && s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return true;
}

/*
 * Checks one sample line: name, optional {k="v",...} with only \\ \" \n
 * escapes, a space, an unsigned integer (or a decimal with a fraction, as
 * a histogram's _sum has).  Returns the name's length.
 */
static size_t
check_sample(const char *line)
{
	const char	*p = line;
	size_t		 nlen;

	while (*p != '\0' && *p != '{' && *p != ' ')
		p++;
	nlen = (size_t)(p - line);
	cr_assert(valid_name(line, nlen), "bad metric name in [%s]", line);
	if (*p == '{') {
		p++;
		for (;;) {
			const char *k = p;

			while (*p != '=' && *p != '\0')
				p++;
			cr_assert(valid_name(k, (size_t)(p - k)),
			    "bad label name in [%s]", line);
			cr_assert_eq(p[1], '"', "unquoted label in [%s]", line);
			p += 2;
			while (*p != '"') {
				cr_assert_neq(*p, '\0', "open quote [%s]", line);
				if (*p == '\\') {
					cr_assert(p[1] == '\\' || p[1] == '"' ||
					    p[1] == 'n', "bad escape [%s]", line);
					p++;
				}
				p++;
			}
			p++;
			if (*p == ',') {
				p++;
				continue;
			}
			cr_assert_eq(*p, '}', "bad label list in [%s]", line);
			p++;
			break;
		}
	}
	cr_assert_eq(*p, ' ', "no space before the value in [%s]", line);
	p++;
	cr_assert(*p >= '0' && *p <= '9', "bad value in [%s]", line);
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		cr_assert(*p >= '0' && *p <= '9', "bad value in [%s]", line);
		while (*p >= '0' && *p <= '9')
			p++;
	}
	cr_assert_eq(*p, '\0', "trailing bytes in [%s]", line);
	return nlen;
}

Test(admin, metrics_are_prometheus_text_with_help_and_type)
{
	struct reply	 r;
	char		*save = NULL, *line, *copy;
	char		 family[128] = "";
	bool		 help = false, type = false, hist = false;
	size_t		 samples = 0, nlen, flen;
	const char	*sfx;

	r = ask(EVHTTP_REQ_GET, "/metrics");
	cr_assert_eq(r.code, 200);
	cr_assert(strncmp(r.ctype, "text/plain; version=0.0.4", 25) == 0,
	    "content type %s", r.ctype);
	cr_assert_gt(strlen(r.body), 0);
	cr_assert_eq(r.body[strlen(r.body) - 1], '\n');
	copy = strdup(r.body);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			cr_assert(sscanf(line + 7, "%127s", family) == 1);
			help = true;
			type = false;
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			cr_assert(help, "TYPE without HELP: %s", line);
			cr_assert_eq(strncmp(line + 7, family, strlen(family)),
			    0, "TYPE of another family: %s", line);
			cr_assert(strcmp(line + 8 + strlen(family),
			    "counter") == 0 || strcmp(line + 8 +
			    strlen(family), "gauge") == 0 || strcmp(line + 8 +
			    strlen(family), "histogram") == 0, "type: %s",
			    line);
			hist = strcmp(line + 8 + strlen(family),
			    "histogram") == 0;
			type = true;
			continue;
		}
		cr_assert_neq(line[0], '#', "stray comment %s", line);
		nlen = check_sample(line);
		cr_assert(help && type, "sample before HELP/TYPE: %s", line);
		flen = strlen(family);
		/* a histogram's samples: FAMILY_bucket, _sum, _count */
		sfx = line + flen;
		cr_assert(strncmp(line, family, flen) == 0 && (hist ?
		    (nlen == flen + 7 && strncmp(sfx, "_bucket", 7) == 0) ||
		    (nlen == flen + 4 && strncmp(sfx, "_sum", 4) == 0) ||
		    (nlen == flen + 6 && strncmp(sfx, "_count", 6) == 0) :
		    nlen == flen),
		    "sample %s outside its family %s", line, family);
		if (hist && strncmp(sfx, "_bucket", 7) == 0)
			cr_assert_eq(strncmp(sfx + 7, "{le=\"", 5), 0,
			    "bucket without le: %s", line);
		cr_assert(strncmp(line, "hecsentry_", 10) == 0);
		samples++;
	}
	free(copy);
	cr_assert_gt(samples, 40);
	reply_clear(&r);
}

Test(admin, metrics_carry_the_provider_numbers)
{
	struct reply	 r;

	r = ask(EVHTTP_REQ_GET, "/metrics");
	cr_assert_eq(r.code, 200);
	cr_assert_not_null(strstr(r.body, "hecsentry_frames_total{listener="
	    "\"udp/127.0.0.1:514\"} 7\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_events_total{listener="
	    "\"udp/127.0.0.1:514\",shape=\"xml\"} 5\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_parse_errors_total{"
	    "stage=\"syslog\",reason=\"bad_pri\"} 9\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_parse_errors_total{"
	    "stage=\"decode\",reason=\"json_syntax\"} 13\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_detection_matches_total{"
	    "detection=\"Windows Mail Protocol In Non-Common Process Path\","
	    "id=\"ac3311f5-661d-4e99-bd1f-3ec665b05441\"} 11\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_detection_keys{detection="
	    "\"Windows Mail Protocol In Non-Common Process Path\",id=\""
	    "ac3311f5-661d-4e99-bd1f-3ec665b05441\"} 2\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_detection_tombstones{"
	    "detection=\"Windows Mail Protocol In Non-Common Process Path\","
	    "id=\"ac3311f5-661d-4e99-bd1f-3ec665b05441\"} 1\n"));
	cr_assert_not_null(strstr(r.body,
	    "hecsentry_detection_first_dropped_total{detection=\"Windows "
	    "Mail Protocol In Non-Common Process Path\",id=\""
	    "ac3311f5-661d-4e99-bd1f-3ec665b05441\"} 4\n"));
	cr_assert_not_null(strstr(r.body,
	    "hecsentry_hec_requests_total{status=\"5xx\"} 3\n"));
	cr_assert_not_null(strstr(r.body,
	    "hecsentry_drops_total{reason=\"alert_queue_full\"} 8\n"));
	cr_assert_not_null(strstr(r.body,
	    "hecsentry_drops_total{reason=\"null_by_field\"} 6\n"));
	cr_assert_not_null(strstr(r.body,
	    "hecsentry_drops_total{reason=\"oversize_frame\"} 2\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_alert_queue_alerts 17\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_reloads_total 2\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_prefiltered_total 21\n"));
	cr_assert_not_null(strstr(r.body,
	    "hecsentry_xml_fallback_total 23\n"));
	cr_assert_not_null(strstr(r.body, "hecsentry_up 1\n"));
	reply_clear(&r);
}

Test(admin, label_values_are_escaped)
{
	struct reply	 r;

	r = ask(EVHTTP_REQ_GET, "/metrics");
	cr_assert_eq(r.code, 200);
	cr_assert_not_null(strstr(r.body, "hecsentry_frames_total{listener="
	    "\"tcp/\\\"odd\\\\name\\\"\\n\"} 3\n"), "%s", r.body);
	cr_assert_not_null(strstr(r.body, "{detection=\"Say \\\"hi\\\" to "
	    "C:\\\\Temp\",id=\"x\\\\y\"} 1\n"));
	cr_assert_null(strstr(r.body, "odd\\name"));
	reply_clear(&r);
}

Test(admin, escape_label_handles_each_special_byte)
{
	struct evbuffer	*b = evbuffer_new();
	char		 out[64];
	size_t		 n;

	cr_assert_eq(admin_escape_label(b, "a\\b\"c\nd"), 0);
	n = evbuffer_get_length(b);
	cr_assert_lt(n, sizeof(out));
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	cr_assert_str_eq(out, "a\\\\b\\\"c\\nd");
	evbuffer_free(b);
}

Test(admin, health_is_200_when_healthy)
{
	struct reply		 r;
	struct json_object	*o, *v;

	r = ask(EVHTTP_REQ_GET, "/health");
	cr_assert_eq(r.code, 200);
	cr_assert_str_eq(r.ctype, "application/json");
	o = json_tokener_parse(r.body);
	cr_assert_not_null(o, "not JSON: %s", r.body);
	cr_assert(json_object_object_get_ex(o, "status", &v));
	cr_assert_str_eq(json_object_get_string(v), "ok");
	cr_assert_not(json_object_object_get_ex(o, "reason", &v));
	json_object_put(o);
	reply_clear(&r);
}

Test(admin, health_is_503_with_a_reason_when_failing)
{
	struct reply		 r;
	struct json_object	*o, *v;

	fake_healthy = false;
	r = ask(EVHTTP_REQ_GET, "/health");
	cr_assert_eq(r.code, 503);
	o = json_tokener_parse(r.body);
	cr_assert_not_null(o, "not JSON: %s", r.body);
	cr_assert(json_object_object_get_ex(o, "status", &v));
	cr_assert_str_eq(json_object_get_string(v), "failing");
	cr_assert(json_object_object_get_ex(o, "reason", &v));
	cr_assert_not_null(strstr(json_object_get_string(v), "HEC failing"));
	json_object_put(o);
	reply_clear(&r);
	r = ask(EVHTTP_REQ_GET, "/metrics");
	cr_assert_not_null(strstr(r.body, "hecsentry_up 0\n"));
	reply_clear(&r);
	fake_healthy = true;
}

Test(admin, detections_lists_versions_hits_and_rows)
{
	struct reply		 r;
	struct json_object	*o, *arr, *d, *v;

	r = ask(EVHTTP_REQ_GET, "/detections");
	cr_assert_eq(r.code, 200);
	o = json_tokener_parse(r.body);
	cr_assert_not_null(o, "not JSON: %s", r.body);
	cr_assert(json_object_object_get_ex(o, "detections", &arr));
	cr_assert_eq(json_object_array_length(arr), 2);
	d = json_object_array_get_idx(arr, 0);
	cr_assert(json_object_object_get_ex(d, "version", &v));
	cr_assert_eq(json_object_get_int(v), 3);
	cr_assert(json_object_object_get_ex(d, "hits", &v));
	cr_assert_eq(json_object_get_int(v), 11);
	cr_assert(json_object_object_get_ex(d, "rows", &v));
	cr_assert_eq(json_object_get_int(v), 4);
	cr_assert(json_object_object_get_ex(d, "mitre_attack_id", &v));
	cr_assert_str_eq(json_object_get_string(
	    json_object_array_get_idx(v, 0)), "T1071.003");
	d = json_object_array_get_idx(arr, 1);
	cr_assert(json_object_object_get_ex(d, "name", &v));
	cr_assert_str_eq(json_object_get_string(v), ODD_DETECTION);
	cr_assert(json_object_object_get_ex(d, "id", &v));
	cr_assert_str_eq(json_object_get_string(v), "x\\y");
	json_object_put(o);
	reply_clear(&r);
}

Test(admin, other_paths_are_404)
{
	struct reply	 r;

	r = ask(EVHTTP_REQ_GET, "/");
	cr_assert_eq(r.code, 404);
	reply_clear(&r);
	r = ask(EVHTTP_REQ_GET, "/metricsx");
	cr_assert_eq(r.code, 404);
	reply_clear(&r);
	r = ask(EVHTTP_REQ_GET, "/health?verbose=1");
	cr_assert_eq(r.code, 200);
	reply_clear(&r);
}

Test(admin, only_get_is_allowed)
{
	struct reply	 r;

	r = ask(EVHTTP_REQ_POST, "/metrics");
	cr_assert_eq(r.code, 405);
	reply_clear(&r);
	r = ask(EVHTTP_REQ_DELETE, "/health");
	cr_assert_eq(r.code, 405);
	reply_clear(&r);
	r = ask(EVHTTP_REQ_HEAD, "/detections");
	cr_assert_eq(r.code, 405);
	reply_clear(&r);
}

Test(admin, malformed_address_is_refused)
{
	char		*err = NULL;
	struct admin	*a;

	a = admin_new(base, ADDR("localhost"), fake_snapshot, NULL, &err);
	cr_assert_null(a);
	cr_assert_not_null(strstr(err, "ADDR:PORT"));
	free(err);
	a = admin_new(base, ADDR("127.0.0.1:99999"), fake_snapshot, NULL, &err);
	cr_assert_null(a);
	free(err);
	a = admin_new(base, ADDR(NULL), fake_snapshot, NULL, &err);
	cr_assert_null(a);
	cr_assert_not_null(strstr(err, "ADDR:PORT"));
	free(err);
	a = admin_new(base, ADDR("[::1]:0"), fake_snapshot, NULL, &err);
	if (a != NULL)
		cr_assert_gt(admin_port(a), 0);
	free(err);
	admin_free(a);
}

/* Renders snap with admin_format_metrics() into a NUL-terminated copy. */
static char *
render(const struct admin_snapshot *snap)
{
	struct evbuffer	*b = evbuffer_new();
	char		*text;
	size_t		 n;

	cr_assert_not_null(b);
	cr_assert_eq(admin_format_metrics(snap, b), 0);
	n = evbuffer_get_length(b);
	text = calloc(1, n + 1);
	cr_assert_not_null(text);
	evbuffer_remove(b, text, n);
	evbuffer_free(b);
	return text;
}

/*
 * Whether text has an unlabelled sample "NAME VALUE" whose family has
 * "# HELP NAME " and "# TYPE NAME " lines; NAME is returned in name.
 */
static bool
has_family_with_value(const char *text, uint64_t value, char *name,
    size_t namesz)
{
	char		 want[64], hdr[160];
	const char	*p, *line;
	size_t		 n;

	snprintf(want, sizeof(want), " %llu\n", (unsigned long long)value);
	for (p = text; (p = strstr(p, want)) != NULL; p++) {
		line = p;
		while (line > text && line[-1] != '\n')
			line--;
		n = (size_t)(p - line);
		if (n == 0 || n >= namesz || memchr(line, '{', n) != NULL ||
		    line[0] == '#')
			continue;
		memcpy(name, line, n);
		name[n] = '\0';
		snprintf(hdr, sizeof(hdr), "# HELP %s ", name);
		if (strstr(text, hdr) == NULL)
			continue;
		snprintf(hdr, sizeof(hdr), "# TYPE %s ", name);
		if (strstr(text, hdr) == NULL)
			continue;
		return true;
	}
	return false;
}

Test(admin, every_sink_counter_is_a_metric_with_help_and_type)
{
	struct admin_snapshot	 snap;
	uint64_t		 slot;
	char			*text, name[128];
	char			 seen[64][128];
	size_t			 i, j, n;

	/* every field of struct sink_counters is 8 bytes on LP64 */
	if (sizeof(size_t) != sizeof(uint64_t))
		cr_skip_test("size_t is not 64 bits");
	cr_assert_eq(sizeof(struct sink_counters) % sizeof(uint64_t), 0);
	n = sizeof(struct sink_counters) / sizeof(uint64_t);
	cr_assert_leq(n, 64);
	memset(&snap, 0, sizeof(snap));
	snap.healthy = true;
	for (i = 0; i < n; i++) {
		slot = 7000001 + 1000 * i;
		memcpy((char *)&snap.sink + i * sizeof(slot), &slot,
		    sizeof(slot));
	}
	text = render(&snap);
	for (i = 0; i < n; i++) {
		slot = 7000001 + 1000 * i;
		/* the histogram buckets: see latency_histogram_* below */
		if (i >= offsetof(struct sink_counters, latency_buckets) / 8 &&
		    i < offsetof(struct sink_counters, latency_buckets) / 8 +
		    SINK_LATENCY_NBUCKETS) {
			snprintf(seen[i], sizeof(seen[i]), "bucket");
			continue;
		}
		if (!has_family_with_value(text, slot, name, sizeof(name))) {
			/* the four status classes share one family */
			snprintf(seen[i], sizeof(seen[i]), "status");
			cr_assert(i >= offsetof(struct sink_counters,
			    status_2xx) / 8 && i <= offsetof(struct
			    sink_counters, net_errors) / 8,
			    "field %zu of struct sink_counters (value %llu) "
			    "is no unlabelled metric with HELP and TYPE", i,
			    (unsigned long long)slot);
			continue;
		}
		snprintf(seen[i], sizeof(seen[i]), "%s", name);
		for (j = 0; j < i; j++)
			cr_assert(strcmp(seen[j], name) != 0 ||
			    strcmp(name, "status") == 0,
			    "fields %zu and %zu share %s", j, i, name);
	}
	/* the status classes, labelled */
	cr_assert_not_null(strstr(text, "hecsentry_hec_requests_total{status="
	    "\"2xx\"} 7005001\n"), "%s", text);
	cr_assert_not_null(strstr(text, "hecsentry_hec_requests_total{status="
	    "\"network_error\"} 7008001\n"));
	free(text);
}

Test(admin, sink_counters_have_their_names)
{
	struct admin_snapshot	 snap;
	char			*text;

	memset(&snap, 0, sizeof(snap));
	snap.sink.requests = 31;
	snap.sink.rejected = 32;
	snap.sink.dropped = 33;
	snap.sink.spool_dropped = 30;
	snap.sink.splits = 34;
	snap.sink.dead_lettered = 35;
	snap.sink.ejections = 36;
	snap.sink.endpoints_down = 2;
	text = render(&snap);
	cr_assert_not_null(strstr(text, "hecsentry_hec_requests_sent_total "
	    "31\n"));
	cr_assert_not_null(strstr(text, "hecsentry_hec_rejected_total 32\n"));
	cr_assert_not_null(strstr(text, "hecsentry_alerts_dropped_total 33\n"));
	cr_assert_not_null(strstr(text, "hecsentry_spool_dropped_total 30\n"));
	cr_assert_not_null(strstr(text,
	    "hecsentry_drops_total{reason=\"spool_full\"} 30\n"));
	cr_assert_not_null(strstr(text,
	    "hecsentry_drops_total{reason=\"alert_queue_full\"} 3\n"));
	cr_assert_not_null(strstr(text, "hecsentry_hec_batch_splits_total "
	    "34\n"));
	cr_assert_not_null(strstr(text, "hecsentry_hec_dead_lettered_total "
	    "35\n"));
	cr_assert_not_null(strstr(text, "hecsentry_hec_ejections_total 36\n"));
	cr_assert_not_null(strstr(text, "hecsentry_hec_endpoints_down 2\n"));
	free(text);
}

Test(admin, health_503_carries_queue_and_endpoints)
{
	struct reply		 r;
	struct json_object	*o, *v;

	fake_healthy = false;
	r = ask(EVHTTP_REQ_GET, "/health");
	fake_healthy = true;
	cr_assert_eq(r.code, 503);
	cr_assert_str_eq(r.ctype, "application/json");
	o = json_tokener_parse(r.body);
	cr_assert_not_null(o, "not JSON: %s", r.body);
	cr_assert(json_object_object_get_ex(o, "queued", &v));
	cr_assert_eq(json_object_get_int64(v), 17);
	cr_assert(json_object_object_get_ex(o, "queued_bytes", &v));
	cr_assert(json_object_object_get_ex(o, "endpoints_down", &v));
	cr_assert_eq(json_object_get_int64(v), 0);
	json_object_put(o);
	reply_clear(&r);
}

Test(admin, udp_drops_by_listener_and_reason)
{
	struct admin_snapshot	 snap;
	char			*text;

	memset(&snap, 0, sizeof(snap));
	snap.listen.nudp = 2;
	snprintf(snap.listen.udp[0].listener, LISTEN_UDP_NAME_MAX,
	    "udp/127.0.0.1:514");
	snap.listen.udp[0].drops[LISTEN_UDP_DROP_TRUNCATED] = 4;
	snap.listen.udp[0].drops[LISTEN_UDP_DROP_KERNEL] = 5;
	snprintf(snap.listen.udp[1].listener, LISTEN_UDP_NAME_MAX,
	    "udp/[::1]:514");
	snap.listen.udp[1].drops[LISTEN_UDP_DROP_EMPTY] = 6;
	snap.listen.udp[1].drops[LISTEN_UDP_DROP_ERROR] = 7;
	snprintf(snap.listen.udp[2].listener, LISTEN_UDP_NAME_MAX,
	    "udp/unused");
	text = render(&snap);
	cr_assert_not_null(strstr(text, "# TYPE hecsentry_udp_drops_total "
	    "counter\n"));
	cr_assert_not_null(strstr(text, "hecsentry_udp_drops_total{listener="
	    "\"udp/127.0.0.1:514\",reason=\"truncated\"} 4\n"), "%s", text);
	cr_assert_not_null(strstr(text, "hecsentry_udp_drops_total{listener="
	    "\"udp/127.0.0.1:514\",reason=\"kernel\"} 5\n"));
	cr_assert_not_null(strstr(text, "hecsentry_udp_drops_total{listener="
	    "\"udp/127.0.0.1:514\",reason=\"empty\"} 0\n"));
	cr_assert_not_null(strstr(text, "hecsentry_udp_drops_total{listener="
	    "\"udp/[::1]:514\",reason=\"empty\"} 6\n"));
	cr_assert_not_null(strstr(text, "hecsentry_udp_drops_total{listener="
	    "\"udp/[::1]:514\",reason=\"error\"} 7\n"));
	cr_assert_null(strstr(text, "udp/unused"));
	free(text);
}

static int	frames_seen;	/* datagrams handed on by listen.c */

static void
count_frame_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	(void)buf;
	(void)len;
	(void)src;
	(void)arg;
	frames_seen++;
}

/* Runs the loop for ms milliseconds. */
static void
run_ms(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Runs the loop until n frames arrived, 5 s at most. */
static void
run_until(int n)
{
	int	 i;

	for (i = 0; i < 100 && frames_seen < n; i++)
		run_ms(50);
	cr_assert_geq(frames_seen, n, "%d of %d frames in 5 s", frames_seen,
	    n);
}

Test(admin, udp_drops_of_a_real_socket_reach_metrics)
{
	static char		 addr[] = "127.0.0.1:0";
	static char		*udpv[1] = { addr };
	struct admin_snapshot	 snap;
	struct sockaddr_in	 sin;
	struct config		 cfg;
	struct listen_options	 lo;
	struct listen		*l;
	char			 big[600], want[200], *text, *err = NULL;
	int			 fd, port, i, sent = 0;

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen_udp = udpv;
	cfg.nlisten_udp = 1;
	cfg.max_frame = 512;
	cfg.udp_rcvbuf = 1;		/* the kernel's minimum */
	l = listen_new(base, options_listen(&cfg, &lo), count_frame_cb, NULL,
	    &err);
	cr_assert_not_null(l, "listen_new: %s", err);
	port = listen_port(l, true, 0);
	cr_assert_gt(port, 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	cr_assert_neq(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	memset(big, 'x', sizeof(big));
	/* one at a time: the receive buffer holds about one datagram */
	cr_assert_eq(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	run_ms(20);
	cr_assert_eq(send(fd, "\r\n", 2, 0), 2);
	run_ms(20);
	cr_assert_eq(send(fd, "kept\n", 5, 0), 5);
	run_until(1);
	/* a burst into a tiny receive buffer, then one to carry the count */
	for (i = 0; i < 200; i++)
		if (send(fd, big, 500, 0) == 500)
			sent++;
	run_ms(50);
	cr_assert_eq(send(fd, "last", 4, 0), 4);
	run_until(frames_seen + 1);
	run_ms(20);
	memset(&snap, 0, sizeof(snap));
	listen_get_counters(l, &snap.listen);
	cr_assert_eq(snap.listen.nudp, 1);
	snprintf(want, sizeof(want), "udp/127.0.0.1:%d", port);
	cr_assert_str_eq(snap.listen.udp[0].listener, want);
	cr_assert_eq(snap.listen.udp[0].drops[LISTEN_UDP_DROP_TRUNCATED], 1);
	cr_assert_eq(snap.listen.udp[0].drops[LISTEN_UDP_DROP_EMPTY], 1);
	cr_assert_eq(snap.listen.udp[0].drops[LISTEN_UDP_DROP_ERROR], 0);
	cr_assert_gt(snap.listen.udp[0].drops[LISTEN_UDP_DROP_KERNEL], 0);
	cr_assert_eq(snap.listen.udp[0].datagrams +
	    snap.listen.udp[0].drops[LISTEN_UDP_DROP_KERNEL],
	    (uint64_t)sent + 2, "%llu datagrams + %llu kernel drops, %d sent",
	    (unsigned long long)snap.listen.udp[0].datagrams,
	    (unsigned long long)snap.listen.udp[0].drops[
	    LISTEN_UDP_DROP_KERNEL], sent + 2);
	cr_assert_eq(snap.listen.udp[0].datagrams, (uint64_t)frames_seen);
	cr_assert_eq(snap.listen.udp_truncated, 1);
	text = render(&snap);
	snprintf(want, sizeof(want), "hecsentry_udp_drops_total{listener="
	    "\"udp/127.0.0.1:%d\",reason=\"truncated\"} 1\n", port);
	cr_assert_not_null(strstr(text, want), "%s", text);
	snprintf(want, sizeof(want), "hecsentry_udp_drops_total{listener="
	    "\"udp/127.0.0.1:%d\",reason=\"kernel\"} %llu\n", port,
	    (unsigned long long)snap.listen.udp[0].drops[
	    LISTEN_UDP_DROP_KERNEL]);
	cr_assert_not_null(strstr(text, want), "%s", text);
	free(text);
	close(fd);
	listen_free(l);
	/* the counters outlive the listener: the name is a copy */
	cr_assert_eq(strncmp(snap.listen.udp[0].listener, "udp/127.0.0.1:",
	    14), 0);
}

Test(admin, latency_bucket_le_means_at_most)
{
	size_t		 i;
	uint64_t	 b;

	cr_assert_eq(sink_latency_bucket(0), 0);
	for (i = 0; i < SINK_LATENCY_NBOUNDS; i++) {
		b = sink_latency_bounds_ms[i];
		if (i > 0)
			cr_assert_gt(b, sink_latency_bounds_ms[i - 1]);
		/* exactly on a bound: that bucket; one more: the next */
		cr_assert_eq(sink_latency_bucket(b), i, "%llu ms",
		    (unsigned long long)b);
		/* the bounds are more than 1 ms apart */
		cr_assert_eq(sink_latency_bucket(b - 1), i);
		cr_assert_eq(sink_latency_bucket(b + 1), i + 1, "%llu ms",
		    (unsigned long long)b + 1);
	}
	cr_assert_eq(sink_latency_bounds_ms[0], 5);
	cr_assert_eq(sink_latency_bounds_ms[SINK_LATENCY_NBOUNDS - 1], 300000);
	cr_assert_eq(sink_latency_bucket(UINT64_MAX), SINK_LATENCY_NBOUNDS);
}

/*
 * Parses the hecsentry_delivery_latency_seconds family back from text:
 * the le bounds (in ms; UINT64_MAX for +Inf) and cumulative counts of its
 * bucket lines in order, their number, _sum (in ms) and _count.
 */
static size_t
parse_latency_histogram(const char *text, uint64_t *le_ms, uint64_t *cum,
    size_t max, uint64_t *sum_ms, uint64_t *count)
{
	const char	*bpfx =
	    "hecsentry_delivery_latency_seconds_bucket{le=\"";
	const char	*p, *q;
	char		*end;
	double		 v;
	size_t		 n = 0;
	int		 have_sum = 0, have_count = 0;

	for (p = text; *p != '\0'; p = q + 1) {
		if ((q = strchr(p, '\n')) == NULL)
			break;
		if (strncmp(p, bpfx, strlen(bpfx)) == 0) {
			cr_assert_lt(n, max);
			p += strlen(bpfx);
			if (strncmp(p, "+Inf\"", 5) == 0) {
				le_ms[n] = UINT64_MAX;
				p += 5;
			} else {
				v = strtod(p, &end);
				cr_assert_eq(*end, '"', "%.40s", p);
				le_ms[n] = (uint64_t)(v * 1000 + 0.5);
				p = end + 1;
			}
			cr_assert_eq(*p, '}');
			cum[n] = strtoull(p + 2, &end, 10);
			cr_assert_eq(end, q);
			n++;
		} else if (strncmp(p,
		    "hecsentry_delivery_latency_seconds_sum ", 39) == 0) {
			/* seconds with exactly three decimals */
			v = strtod(p + 39, &end);
			cr_assert_eq(end, q);
			cr_assert_eq(q[-4], '.');
			*sum_ms = (uint64_t)(v * 1000 + 0.5);
			have_sum++;
		} else if (strncmp(p,
		    "hecsentry_delivery_latency_seconds_count ", 41) == 0) {
			*count = strtoull(p + 41, &end, 10);
			cr_assert_eq(end, q);
			have_count++;
		}
	}
	cr_assert_eq(have_sum, 1);
	cr_assert_eq(have_count, 1);
	return n;
}

Test(admin, latency_histogram_is_cumulative_up_to_inf_equal_count)
{
	static const uint64_t	 ms[] = {
		0, 1, 5, 5, 6, 10, 11, 99, 100, 101, 999, 1000, 1001, 2500,
		4999, 5000, 30000, 60000, 60001, 299999, 300000, 300001,
		86400000, 123456789
	};
	const size_t		 nms = sizeof(ms) / sizeof(ms[0]);
	struct admin_snapshot	 snap;
	uint64_t		 le[32], cum[32], sum = 0, want;
	uint64_t		 rsum = 0, rcount;
	char			*text;
	size_t			 i, j, n;

	memset(&snap, 0, sizeof(snap));
	for (i = 0; i < nms; i++) {
		/* what hec.c does for each alert accepted */
		snap.sink.latency_ms_sum += ms[i];
		snap.sink.latency_measured++;
		snap.sink.latency_buckets[sink_latency_bucket(ms[i])]++;
		sum += ms[i];
	}
	snap.sink.latency_ms_max = 123456789;
	text = render(&snap);
	cr_assert_not_null(strstr(text, "# TYPE hecsentry_delivery_latency_"
	    "seconds histogram\n"), "%s", text);
	cr_assert_not_null(strstr(text, "# HELP hecsentry_delivery_latency_"
	    "seconds "));
	/* the bounds as operators write them */
	cr_assert_not_null(strstr(text, "_bucket{le=\"0.005\"} 4\n"), "%s",
	    text);
	cr_assert_not_null(strstr(text, "_bucket{le=\"2.5\"} "));
	cr_assert_not_null(strstr(text, "_bucket{le=\"300\"} "));
	/* the old series stay */
	cr_assert_not_null(strstr(text, "hecsentry_delivery_latency_measured_"
	    "total 24\n"));
	cr_assert_not_null(strstr(text, "hecsentry_delivery_latency_max_"
	    "milliseconds 123456789\n"));
	n = parse_latency_histogram(text, le, cum, 32, &rsum, &rcount);
	cr_assert_eq(n, SINK_LATENCY_NBUCKETS);
	for (i = 0; i < n; i++) {
		if (i + 1 < n) {
			cr_assert_eq(le[i], sink_latency_bounds_ms[i]);
		} else
			cr_assert_eq(le[i], UINT64_MAX, "last is not +Inf");
		if (i > 0) {
			cr_assert_gt(le[i], le[i - 1]);
			cr_assert_geq(cum[i], cum[i - 1]);
		}
		/* cumulative: every latency <= le, from the raw data */
		for (want = 0, j = 0; j < nms; j++)
			want += ms[j] <= le[i];
		cr_assert_eq(cum[i], want, "le %llu ms: %llu, want %llu",
		    (unsigned long long)le[i], (unsigned long long)cum[i],
		    (unsigned long long)want);
	}
	cr_assert_eq(cum[n - 1], rcount, "+Inf %llu != _count %llu",
	    (unsigned long long)cum[n - 1], (unsigned long long)rcount);
	cr_assert_eq(rcount, nms);
	cr_assert_eq(rsum, sum, "_sum %llu ms, want %llu",
	    (unsigned long long)rsum, (unsigned long long)sum);
	cr_assert_not_null(strstr(text, "hecsentry_delivery_latency_seconds_"
	    "sum 210922.627\n"), "%s", text);
	free(text);

	/* nothing measured yet: every series is there, at zero */
	memset(&snap, 0, sizeof(snap));
	text = render(&snap);
	n = parse_latency_histogram(text, le, cum, 32, &rsum, &rcount);
	cr_assert_eq(n, SINK_LATENCY_NBUCKETS);
	cr_assert_eq(cum[n - 1], 0);
	cr_assert_eq(rcount, 0);
	cr_assert_eq(rsum, 0);
	cr_assert_not_null(strstr(text, "hecsentry_delivery_latency_seconds_"
	    "sum 0.000\n"));
	free(text);
}

Test(admin, per_listener_counts_fill_rows_then_other)
{
	struct admin_lstat	 tab[3];
	size_t			 n = 0, i;
	char			 copy[] = "tcp/a";

	memset(tab, 0, sizeof(tab));
	admin_lstat_count(tab, &n, 2, "tcp/a", EVENT_SHAPE_WINLOGBEAT);
	/* the same name in another string is the same row */
	admin_lstat_count(tab, &n, 2, copy, -1);
	admin_lstat_count(tab, &n, 2, NULL, EVENT_SHAPE_XML);
	/* past max rows: "other", whatever the name */
	admin_lstat_count(tab, &n, 2, "udp/b", EVENT_SHAPE_NXLOG);
	admin_lstat_count(tab, &n, 2, "udp/c", EVENT_SHAPE_NSHAPES);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(tab[0].al.name, "tcp/a");
	cr_assert_eq(tab[0].al.frames, 2);
	cr_assert_eq(tab[0].al.events[EVENT_SHAPE_WINLOGBEAT], 1);
	cr_assert_str_eq(tab[1].al.name, "?");
	cr_assert_eq(tab[1].al.frames, 1);
	cr_assert_eq(tab[1].al.events[EVENT_SHAPE_XML], 1);
	cr_assert_str_eq(tab[2].al.name, "other");
	cr_assert_eq(tab[2].al.frames, 2);
	cr_assert_eq(tab[2].al.events[EVENT_SHAPE_NXLOG], 1);
	for (i = 0; i < 3; i++)
		free((char *)tab[i].al.name);
}
