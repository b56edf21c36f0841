/*
 * The fixture of the delivery tests: see delivery_fixture.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <dirent.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/admin.h"
#include "daemon/config.h"
#include "daemon/options.h"
#include "output/sink.h"
#include "xmalloc.h"
#include "delivery_fixture.h"

struct event_base *base;
struct config	 cfg;
struct hec_stub	 stub[2];
int		 got[NALERTS];	/* stores per alert number */
long		 seen_events;	/* events parsed, all stubs */
char		 spooldir[64];

void
delivery_fix_init(void)
{
	cr_assert_eq(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	base = event_base_new();
	cr_assert_not_null(base);
	memset(stub, 0, sizeof(stub));
	memset(got, 0, sizeof(got));
	seen_events = 0;
	stub[0].invalid_at = stub[1].invalid_at = -1;
	stub[0].ack_never = stub[1].ack_never = -1;
	stub[0].poll_channel_ok = stub[1].poll_channel_ok = true;
	config_init(&cfg);
	strcpy(spooldir, "/tmp/test_delivery.XXXXXX");
	cr_assert_not_null(mkdtemp(spooldir));
}

void
delivery_fix_fini(void)
{
	char		 path[512];
	struct dirent	*de;
	DIR		*d;
	int		 i;

	for (i = 0; i < 2; i++)
		if (stub[i].http != NULL)
			evhttp_free(stub[i].http);
	config_free(&cfg);
	event_base_free(base);
	curl_global_cleanup();
	if ((d = opendir(spooldir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", spooldir,
			    de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(spooldir);
}

void
stub_reply(struct evhttp_request *req, int status, const char *fmt, ...)
{
	struct evbuffer	*b = evbuffer_new();
	va_list		 ap;

	cr_assert_not_null(b);
	va_start(ap, fmt);
	evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	evhttp_send_reply(req, status, "x", b);
	evbuffer_free(b);
}

/* POST /services/collector/ack: true for every id but ack_never. */
static void
stub_ack(struct hec_stub *st, struct evhttp_request *req, const char *body)
{
	struct json_object	*in, *ids;
	struct evbuffer		*b;
	const char		*uri = evhttp_request_get_uri(req);
	const char		*ch = strstr(uri, "channel=");
	size_t			 i, n;
	int			 id;

	st->polls++;
	if (ch == NULL || strcmp(ch + 8, st->channel) != 0)
		st->poll_channel_ok = false;
	in = json_tokener_parse(body);
	cr_assert_not_null(in, "bad ack poll %s", body);
	cr_assert(json_object_object_get_ex(in, "acks", &ids));
	b = evbuffer_new();
	evbuffer_add_printf(b, "{\"acks\":{");
	n = json_object_array_length(ids);
	for (i = 0; i < n; i++) {
		id = json_object_get_int(json_object_array_get_idx(ids, i));
		evbuffer_add_printf(b, "%s\"%d\":%s", i ? "," : "", id,
		    id != st->ack_never ? "true" : "false");
	}
	evbuffer_add_printf(b, "}}");
	json_object_put(in);
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

void
stub_cb(struct evhttp_request *req, void *arg)
{
	struct hec_stub		*st = arg;
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct json_tokener	*tok;
	struct json_object	*obj, *ev, *nv;
	const char		*uri = evhttp_request_get_uri(req), *ch;
	char			*body, *p;
	size_t			 len;
	long			 i = 0;

	if (strncmp(uri, "/services/collector/health", 26) == 0) {
		st->probes++;
		stub_reply(req, 200, "{\"text\":\"HEC is healthy\"}");
		return;
	}
	len = evbuffer_get_length(in);
	body = xmalloc(len + 1);
	evbuffer_copyout(in, body, len);
	body[len] = '\0';
	if (strncmp(uri, "/services/collector/ack", 23) == 0) {
		stub_ack(st, req, body);
		free(body);
		return;
	}
	st->posts++;
	ch = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Splunk-Request-Channel");
	if (ch != NULL)
		snprintf(st->channel, sizeof(st->channel), "%s", ch);
	if (st->max_bytes > 0 && len > st->max_bytes) {
		free(body);
		stub_reply(req, 413, "{\"text\":\"Content too large\"}");
		return;
	}
	tok = json_tokener_new();
	for (p = body; *p != '\0'; ) {
		while (*p == '\n')
			p++;
		if (*p == '\0')
			break;
		obj = json_tokener_parse_ex(tok, p, (int)strlen(p));
		cr_assert_not_null(obj);
		p += json_tokener_get_parse_end(tok);
		json_tokener_reset(tok);
		if (seen_events++ == st->invalid_at) {
			json_object_put(obj);
			json_tokener_free(tok);
			free(body);
			stub_reply(req, 400, "{\"text\":\"Invalid data format\","
			    "\"code\":6,\"invalid-event-number\":%ld}", i);
			return;
		}
		cr_assert(json_object_object_get_ex(obj, "event", &ev));
		cr_assert(json_object_object_get_ex(ev, "n", &nv));
		got[json_object_get_int(nv)]++;
		json_object_put(obj);
		i++;
	}
	json_tokener_free(tok);
	free(body);
	if (len > st->biggest)
		st->biggest = len;
	if (st->acks)
		stub_reply(req, 200, "{\"text\":\"Success\",\"code\":0,"
		    "\"ackId\":%d}", st->nacks++);
	else
		stub_reply(req, 200, "{\"text\":\"Success\",\"code\":0}");
}

/* Starts stub k on 127.0.0.1:port (0: any); returns its port. */
unsigned short
stub_start(int k, unsigned short port)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);

	stub[k].http = evhttp_new(base);
	cr_assert_not_null(stub[k].http);
	evhttp_set_gencb(stub[k].http, stub_cb, &stub[k]);
	bs = evhttp_bind_socket_with_handle(stub[k].http, "127.0.0.1", port);
	cr_assert_not_null(bs, "cannot bind 127.0.0.1:%u", port);
	cr_assert_eq(getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen), 0);
	stub[k].port = ntohs(sin.sin_port);
	return stub[k].port;
}

void
stub_stop(int k)
{
	evhttp_free(stub[k].http);
	stub[k].http = NULL;
}

/* A port where nothing listens (bound, then closed). */
unsigned short
dead_port(void)
{
	unsigned short	 port = stub_start(1, 0);

	stub_stop(1);
	return port;
}

/* HEC at the given ports, quick retries and probes, no gzip. */
void
use_hec(int n, const unsigned short *ports)
{
	int	 i;

	cfg.output = CONFIG_OUTPUT_HEC;
	cfg.hec_url = xcalloc((size_t)n, sizeof(char *));
	for (i = 0; i < n; i++)
		xasprintf(&cfg.hec_url[i],
		    "http://127.0.0.1:%u/services/collector/event", ports[i]);
	cfg.nhec_url = (size_t)n;
	cfg.hec_token = xstrdup(TOKEN);
	cfg.hec_gzip = false;
	cfg.hec_retry_min_ms = 10;
	cfg.hec_retry_max_ms = 100;
	cfg.hec_batch_ms = 20;
	cfg.hec_timeout_ms = 5000;
	cfg.hec_connect_timeout_ms = 2000;
	cfg.hec_health_interval_ms = 1000;
	cfg.hec_ack_poll_ms = 50;
	cfg.hec_ack_timeout_ms = 1000;
}

void
use_spool(void)
{
	free(cfg.spool_dir);
	cfg.spool_dir = xstrdup(spooldir);
	cfg.spool_segment_bytes = 4096;
}

/* The sink of cfg, its options filled as main.c fills them. */
struct sink *
sink_new_cfg(char **err)
{
	struct sink_options	 so;

	options_sink(&cfg, &so);
	return sink_new(base, &so, err);
}

struct sink *
new_sink(void)
{
	struct sink	*s;
	char		*err = NULL;

	s = sink_new_cfg(&err);
	cr_assert_not_null(s, "sink_new: %s", err ? err : "");
	return s;
}

void
submit_range(struct sink *s, int from, int to)
{
	char	 buf[256];
	int	 i, len;

	for (i = from; i < to; i++) {
		len = snprintf(buf, sizeof(buf), "{\"event\":{\"n\":%d,"
		    "\"pad\":\"%0*d\"},\"time\":%d}", i, 20 + i % 13, i,
		    1700000000 + i);
		cr_assert_eq(sink_submit(s, buf, (size_t)len), 0);
	}
}

bool	 drained;

static void
drain_done(void *arg)
{
	drained = true;
	event_base_loopbreak(arg);
}

void
drain_and_wait(struct sink *s, int timeout_s, int max_s)
{
	struct timeval	 tv = { max_s, 0 };

	drained = false;
	sink_drain(s, timeout_s, drain_done, base);
	cr_assert_eq(event_base_loopexit(base, &tv), 0);
	cr_assert_neq(event_base_dispatch(base), -1);
	cr_assert(drained, "drain did not finish in %d s", max_s);
}

void
run_for_ms(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	cr_assert_eq(event_base_loopexit(base, &tv), 0);
	cr_assert_neq(event_base_dispatch(base), -1);
}

/* Runs the loop until alerts [from, to) all arrived, at most max_ms. */
void
run_until_got(int from, int to, int max_ms)
{
	int	 i, waited;

	for (waited = 0; waited < max_ms; waited += 100) {
		for (i = from; i < to && got[i] > 0; i++)
			;
		if (i == to)
			return;
		run_for_ms(100);
	}
}

/* Alerts [from, to) each arrived between lo and hi times. */
void
expect_got(int from, int to, int lo, int hi)
{
	int	 i;

	for (i = from; i < to; i++)
		cr_expect(got[i] >= lo && got[i] <= hi,
		    "alert %d arrived %d times, want %d..%d", i, got[i], lo,
		    hi);
}

int
count_lines(const char *path)
{
	FILE	*fp;
	int	 c, n = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

/*
 * /metrics as an operator reads it: the latency histogram counts every
 * alert accepted, in _count and in the +Inf bucket.
 */
void
expect_latency_count(const struct sink_counters *c, uint64_t accepted)
{
	struct admin_snapshot	 snap;
	struct evbuffer		*b = evbuffer_new();
	char			*text, want[128];
	size_t			 n;

	cr_assert_not_null(b);
	memset(&snap, 0, sizeof(snap));
	snap.sink = *c;
	cr_assert_eq(admin_format_metrics(&snap, b), 0);
	n = evbuffer_get_length(b);
	text = xcalloc(1, n + 1);
	evbuffer_remove(b, text, n);
	evbuffer_free(b);
	snprintf(want, sizeof(want), "\nhecsentry_delivery_latency_seconds_"
	    "count %llu\n", (unsigned long long)accepted);
	cr_expect_not_null(strstr(text, want), "%s", text);
	snprintf(want, sizeof(want), "\nhecsentry_delivery_latency_seconds_"
	    "bucket{le=\"+Inf\"} %llu\n", (unsigned long long)accepted);
	cr_expect_not_null(strstr(text, want), "%s", text);
	free(text);
}
