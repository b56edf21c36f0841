/*
 * Tests of sink.c and hec.c.  A small HEC stand-in runs in the test
 * process, on the same event_base as the sink (evhttp on 127.0.0.1, port
 * 0), with programmable answers: 503s, 401s, 400s, or nothing listening
 * at all.  It records every event it accepts, so each test checks that
 * every alert arrived exactly once and intact.  Every loop run is bounded
 * by event_base_loopexit().
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "daemon/config.h"
#include "daemon/options.h"
#include "output/hec_url.h"
#include "output/sink.h"
#include "output/sink_ops.h"
#include "xmalloc.h"

#define TOKEN		"11111111-2222-3333-4444-555555555555"
#define MAX_EVENTS	4096

/* The in-process HEC stand-in. */
struct srv {
	struct event_base	*base;
	struct evhttp		*http;
	unsigned short		 port;
	int			 fail_n;	/* fail_status answers left */
	int			 fail_status;
	int			 auth_fail_n;	/* answer 401 this often */
	int			 bad_n;		/* answer 400 this often */
	int			 requests;	/* POSTs seen */
	int			 probes;	/* health checks seen */
	int			 gzipped;	/* gzip bodies */
	int			 good_auth;	/* with the right header */
	size_t			 max_req_events;
	size_t			 max_req_bytes;	/* uncompressed */
	char			*events[MAX_EVENTS]; /* accepted, in order */
	size_t			 nevents;
};

static struct srv	 srv;		/* one per test (forked) */
static struct event_base *base;		/* the test's loop */
static struct config	 cfg;		/* the sink's config */

static void
suite_init(void)
{
	cr_assert_eq(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
	base = event_base_new();
	cr_assert_not_null(base);
	memset(&srv, 0, sizeof(srv));
	srv.base = base;
	config_init(&cfg);
}

static void
suite_fini(void)
{
	size_t	 i;

	for (i = 0; i < srv.nevents; i++)
		free(srv.events[i]);
	if (srv.http != NULL)
		evhttp_free(srv.http);
	config_free(&cfg);
	event_base_free(base);
	curl_global_cleanup();
}

TestSuite(sink, .init = suite_init, .fini = suite_fini);

static void
srv_reply(struct evhttp_request *req, int status, const char *body)
{
	struct evbuffer	*b = evbuffer_new();

	cr_assert_not_null(b);
	evbuffer_add_printf(b, "%s", body);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, status, "x", b);
	evbuffer_free(b);
}

/* Inflates a gzip body; returns a NUL-terminated copy (caller frees). */
static char *
srv_gunzip(const unsigned char *in, size_t len, size_t *outlen)
{
	z_stream	 zs;
	size_t		 cap = 4 * len + 1024;
	char		*out = malloc(cap);
	int		 rc;

	cr_assert_not_null(out);
	memset(&zs, 0, sizeof(zs));
	cr_assert_eq(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		zs.next_out = (unsigned char *)out + zs.total_out;
		zs.avail_out = (uInt)(cap - 1 - zs.total_out);
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			break;
		cr_assert(rc == Z_OK || rc == Z_BUF_ERROR, "inflate %d", rc);
		cap *= 2;
		out = realloc(out, cap);
		cr_assert_not_null(out);
	}
	*outlen = zs.total_out;
	out[*outlen] = '\0';
	inflateEnd(&zs);
	return out;
}

static void
srv_cb(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_input_headers(req);
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	struct json_tokener	*tok;
	struct json_object	*obj;
	const char		*auth, *enc;
	char			*body, *p;
	size_t			 len, n = 0;

	(void)arg;
	if (strncmp(evhttp_request_get_uri(req), "/services/collector/health",
	    26) == 0) {
		srv.probes++;
		srv_reply(req, 200, "{\"text\":\"HEC is healthy\",\"code\":17}");
		return;
	}
	srv.requests++;
	auth = evhttp_find_header(hdrs, "Authorization");
	if (auth != NULL && strcmp(auth, "Splunk " TOKEN) == 0)
		srv.good_auth++;
	if (srv.auth_fail_n > 0 || auth == NULL ||
	    strcmp(auth, "Splunk " TOKEN) != 0) {
		if (srv.auth_fail_n > 0)
			srv.auth_fail_n--;
		srv_reply(req, 401, "{\"text\":\"Invalid token\",\"code\":4}");
		return;
	}
	if (srv.fail_n > 0) {
		srv.fail_n--;
		srv_reply(req, srv.fail_status,
		    "{\"text\":\"Server is busy\",\"code\":9}");
		return;
	}
	len = evbuffer_get_length(in);
	enc = evhttp_find_header(hdrs, "Content-Encoding");
	if (enc != NULL && strcmp(enc, "gzip") == 0) {
		srv.gzipped++;
		body = srv_gunzip(evbuffer_pullup(in, -1), len, &len);
	} else {
		body = malloc(len + 1);
		cr_assert_not_null(body);
		evbuffer_copyout(in, body, len);
		body[len] = '\0';
	}
	if (len > srv.max_req_bytes)
		srv.max_req_bytes = len;
	if (srv.bad_n > 0) {
		srv.bad_n--;
		free(body);
		srv_reply(req, 400, "{\"text\":\"Invalid data format\","
		    "\"code\":6,\"invalid-event-number\":0}");
		return;
	}
	tok = json_tokener_new();
	p = body;
	while (*p != '\0') {
		while (*p == '\n' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		obj = json_tokener_parse_ex(tok, p, (int)strlen(p));
		cr_assert_not_null(obj, "bad JSON in request: %s", p);
		p += json_tokener_get_parse_end(tok);
		cr_assert_lt(srv.nevents, MAX_EVENTS);
		srv.events[srv.nevents++] = strdup(
		    json_object_to_json_string_ext(obj,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(obj);
		json_tokener_reset(tok);
		n++;
	}
	json_tokener_free(tok);
	free(body);
	if (n > srv.max_req_events)
		srv.max_req_events = n;
	srv_reply(req, 200, "{\"text\":\"Success\",\"code\":0}");
}

/* Starts the stand-in on 127.0.0.1:port (0: any); returns the port. */
static unsigned short
srv_start(unsigned short port)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);

	srv.http = evhttp_new(base);
	cr_assert_not_null(srv.http);
	evhttp_set_gencb(srv.http, srv_cb, NULL);
	bs = evhttp_bind_socket_with_handle(srv.http, "127.0.0.1", port);
	cr_assert_not_null(bs, "cannot bind 127.0.0.1:%u", port);
	cr_assert_eq(getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &slen), 0);
	srv.port = ntohs(sin.sin_port);
	return srv.port;
}

/* Sets cfg up for HEC at 127.0.0.1:port with quick retries. */
static void
hec_cfg(unsigned short port)
{
	cfg.output = CONFIG_OUTPUT_HEC;
	cfg.hec_url = xcalloc(1, sizeof(char *));
	xasprintf(&cfg.hec_url[0],
	    "http://127.0.0.1:%u/services/collector/event", port);
	cfg.nhec_url = 1;
	cfg.hec_token = xstrdup(TOKEN);
	cfg.hec_retry_min_ms = 10;
	cfg.hec_retry_max_ms = 80;
	cfg.hec_batch_ms = 20;
	cfg.hec_timeout_ms = 5000;
	cfg.hec_connect_timeout_ms = 2000;
}

static size_t
alert_make(char *buf, size_t sz, int i)
{
	return (size_t)snprintf(buf, sz, "{\"event\":{\"n\":%d,\"detection\":"
	    "\"Windows Mail \\\\ Protocol\",\"pad\":\"%0*d\"},\"time\":%d}",
	    i, 10 + i % 7, i, 1700000000 + i);
}

static void
submit_range(struct sink *s, int from, int to)
{
	char	 buf[256];
	size_t	 len;
	int	 i;

	for (i = from; i < to; i++) {
		len = alert_make(buf, sizeof(buf), i);
		cr_assert_eq(sink_submit(s, buf, len), 0);
	}
}

/* Asserts the stand-in holds exactly alerts [from, to), each once. */
static void
expect_received(int from, int to)
{
	static unsigned char	 seen[MAX_EVENTS];
	struct json_object	*obj, *ev, *nv;
	char			 want[256];
	size_t			 i;
	int			 n;

	memset(seen, 0, sizeof(seen));
	cr_expect_eq(srv.nevents, (size_t)(to - from), "received %zu, want %d",
	    srv.nevents, to - from);
	for (i = 0; i < srv.nevents; i++) {
		obj = json_tokener_parse(srv.events[i]);
		cr_assert_not_null(obj);
		cr_assert(json_object_object_get_ex(obj, "event", &ev));
		cr_assert(json_object_object_get_ex(ev, "n", &nv));
		n = json_object_get_int(nv);
		json_object_put(obj);
		cr_assert(n >= from && n < to, "unexpected alert %d", n);
		cr_expect_eq(seen[n], 0, "alert %d received twice", n);
		seen[n] = 1;
		alert_make(want, sizeof(want), n);
		obj = json_tokener_parse(want);
		cr_expect_str_eq(srv.events[i], json_object_to_json_string_ext(
		    obj, JSON_C_TO_STRING_PLAIN), "alert %d altered", n);
		json_object_put(obj);
	}
}

static bool	 drained;		/* drain's done() ran */
static size_t	 received_at_done;	/* srv.nevents then */

static void
drain_done(void *arg)
{
	drained = true;
	received_at_done = srv.nevents;
	event_base_loopbreak(arg);
}

/* Drains s (timeout_s) and runs the loop until done, at most max_s. */
static void
drain_and_wait(struct sink *s, int timeout_s, int max_s)
{
	struct timeval	 tv = { max_s, 0 };

	drained = false;
	sink_drain(s, timeout_s, drain_done, base);
	cr_assert_eq(event_base_loopexit(base, &tv), 0);
	cr_assert_neq(event_base_dispatch(base), -1);
	cr_assert(drained, "drain did not finish in %d s", max_s);
}

static void
run_for_ms(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	cr_assert_eq(event_base_loopexit(base, &tv), 0);
	cr_assert_neq(event_base_dispatch(base), -1);
}

/* The sink of cfg, its options filled as main.c fills them. */
static struct sink *
sink_new_cfg(char **err)
{
	struct sink_options	 so;

	options_sink(&cfg, &so);
	return sink_new(base, &so, err);
}

static struct sink *
new_sink(void)
{
	struct sink	*s;
	char		*err = NULL;

	s = sink_new_cfg(&err);
	cr_assert_not_null(s, "sink_new: %s", err ? err : "");
	return s;
}

Test(sink, hec_delivers_gzipped_batches_exactly_once)
{
	struct sink_counters	 c;
	struct sink		*s;

	hec_cfg(srv_start(0));
	cfg.hec_batch_events = 100;
	s = new_sink();
	submit_range(s, 0, 1000);
	drain_and_wait(s, 10, 20);
	expect_received(0, 1000);
	sink_get_counters(s, &c);
	cr_expect_eq(c.submitted, 1000);
	cr_expect_eq(c.delivered, 1000);
	cr_expect_eq(c.dropped, 0);
	cr_expect_eq(c.requests, 10);
	cr_expect_eq(c.status_2xx, 10);
	cr_expect_eq(c.queued, 0);
	cr_expect_eq(c.queued_bytes, 0);
	cr_expect_eq(srv.requests, 10);
	cr_expect_eq(srv.gzipped, 10);
	cr_expect_eq(srv.good_auth, 10);
	cr_expect_eq(srv.max_req_events, 100);
	sink_free(s);
}

Test(sink, hec_plain_body_without_gzip)
{
	struct sink	*s;

	hec_cfg(srv_start(0));
	cfg.hec_gzip = false;
	s = new_sink();
	submit_range(s, 0, 10);
	drain_and_wait(s, 10, 20);
	expect_received(0, 10);
	cr_expect_eq(srv.gzipped, 0);
	cr_expect_eq(srv.requests, 1);
	sink_free(s);
}

Test(sink, hec_retries_503_until_accepted)
{
	struct sink_counters	 c;
	struct sink		*s;

	hec_cfg(srv_start(0));
	srv.fail_n = 2;
	srv.fail_status = 503;
	s = new_sink();
	submit_range(s, 0, 20);
	drain_and_wait(s, 10, 20);
	expect_received(0, 20);
	sink_get_counters(s, &c);
	cr_expect_eq(c.retries, 2);
	cr_expect_eq(c.status_5xx, 2);
	cr_expect_eq(c.delivered, 20);
	cr_expect_eq(c.requests, 3);
	cr_expect_eq(srv.requests, 3);
	cr_expect_eq(c.latency_measured, 20);
	cr_expect_leq(c.latency_ms_max, 10000);
	sink_free(s);
}

Test(sink, hec_keeps_data_queued_on_401)
{
	struct sink_counters	 c;
	struct sink		*s;

	hec_cfg(srv_start(0));
	srv.auth_fail_n = 3;	/* then the token is fixed server-side */
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 20);
	expect_received(0, 30);
	sink_get_counters(s, &c);
	cr_expect_eq(c.status_4xx, 3);
	cr_expect_eq(c.retries, 3);
	cr_expect_eq(c.dropped, 0);
	cr_expect_eq(c.rejected, 0);
	cr_expect_eq(c.delivered, 30);
	sink_free(s);
}

Test(sink, hec_400_dead_letters_only_the_invalid_event)
{
	struct sink_counters	 c;
	struct sink		*s;
	char			 path[] = "/tmp/test_sink_dlq.XXXXXX";
	char			 line[512], want[256];
	FILE			*fp;
	int			 fd;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	close(fd);
	hec_cfg(srv_start(0));
	cfg.hec_batch_events = 5;
	cfg.hec_max_inflight = 1;
	cfg.hec_dead_letter_file = xstrdup(path);
	srv.bad_n = 1;
	s = new_sink();
	submit_range(s, 0, 10);
	drain_and_wait(s, 10, 20);
	/* HEC named event 0 of the first batch: 1..4 are sent again */
	expect_received(1, 10);
	sink_get_counters(s, &c);
	cr_expect_eq(c.rejected, 1);
	cr_expect_eq(c.dead_lettered, 1);
	cr_expect_eq(c.delivered, 9);
	cr_expect_eq(c.status_4xx, 1);
	cr_expect_eq(c.retries, 0);
	cr_expect_eq(srv.requests, 3);
	sink_free(s);
	fp = fopen(path, "r");
	cr_assert_not_null(fp);
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	alert_make(want, sizeof(want), 0);
	strcat(want, "\n");
	cr_expect_str_eq(line, want);
	cr_expect_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	unlink(path);
}

static void
late_start_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	srv_start(*(unsigned short *)arg);
}

Test(sink, hec_retries_until_server_appears)
{
	struct sink_counters	 c;
	struct sink		*s;
	struct timeval		 tv = { 0, 300000 };
	unsigned short		 port;

	/* find a free port, then close it: connections are refused */
	port = srv_start(0);
	evhttp_free(srv.http);
	srv.http = NULL;
	hec_cfg(port);
	s = new_sink();
	submit_range(s, 0, 15);
	cr_assert_eq(event_base_once(base, -1, EV_TIMEOUT, late_start_cb,
	    &port, &tv), 0);
	run_for_ms(200);
	sink_get_counters(s, &c);
	cr_expect_geq(c.net_errors, 1);
	cr_expect_eq(c.delivered, 0);
	drain_and_wait(s, 10, 20);
	expect_received(0, 15);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 15);
	cr_expect_geq(c.retries, 1);
	/* Every alert waited for the server, 300 ms after its submission. */
	cr_expect_eq(c.latency_measured, 15);
	cr_expect_geq(c.latency_ms_max, 290);
	cr_expect_geq(c.latency_ms_sum, 15 * 290);
	sink_free(s);
}

Test(sink, hec_queue_bound_drops_oldest)
{
	struct sink_counters	 c;
	struct sink		*s;
	char			 buf[256];
	size_t			 len, fit, used;

	hec_cfg(srv_start(0));
	cfg.hec_queue_bytes = 2000;
	/* the newest alerts that fit in 2000 bytes (a line each) */
	for (fit = 0, used = 0; fit < 100; fit++) {
		len = alert_make(buf, sizeof(buf), 199 - (int)fit);
		if (used + len + 1 > cfg.hec_queue_bytes)
			break;
		used += len + 1;
	}
	cr_assert(fit > 10 && fit < 50);
	s = new_sink();
	/* the loop does not run: nothing leaves the queue */
	submit_range(s, 100, 200);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dropped, 100 - fit);
	cr_expect_eq(c.queued, fit);
	cr_expect(sink_backlogged(s));
	drain_and_wait(s, 10, 20);
	expect_received(200 - (int)fit, 200);
	cr_expect_not(sink_backlogged(s));
	sink_free(s);
}

/*
 * An output that dropped alerts is unhealthy (sink.h, sink_healthy();
 * issue 14.2) until an alert is delivered after the drop.
 */
Test(sink, dropped_alerts_are_unhealthy_until_one_is_delivered)
{
	struct sink	*s;
	char		 why[256];

	hec_cfg(srv_start(0));
	cfg.hec_queue_bytes = 2000;
	s = new_sink();
	cr_expect(sink_healthy(s, why, sizeof(why)));
	submit_range(s, 100, 200);
	cr_expect(!sink_healthy(s, why, sizeof(why)));
	cr_expect(strstr(why, "dropped") != NULL, "%s", why);
	cr_expect(!sink_healthy(s, why, sizeof(why)), "healthy with no "
	    "delivery since the drop");
	drain_and_wait(s, 10, 20);
	cr_expect(sink_healthy(s, why, sizeof(why)), "%s", why);
	sink_free(s);
}

Test(sink, hec_batches_by_events_and_latency)
{
	struct sink_counters	 c;
	struct sink		*s;

	hec_cfg(srv_start(0));
	cfg.hec_batch_events = 10;
	cfg.hec_batch_ms = 400;
	s = new_sink();
	submit_range(s, 0, 35);
	run_for_ms(200);
	/* three full batches went at once; five alerts wait for 400 ms */
	cr_expect_eq(srv.requests, 3);
	cr_expect_eq(srv.nevents, 30);
	run_for_ms(600);
	cr_expect_eq(srv.requests, 4);
	expect_received(0, 35);
	cr_expect_eq(srv.max_req_events, 10);
	sink_get_counters(s, &c);
	cr_expect_eq(c.requests, 4);
	sink_free(s);
}

Test(sink, hec_batches_by_bytes)
{
	struct sink	*s;
	char		 buf[256];
	size_t		 len;
	int		 i;

	hec_cfg(srv_start(0));
	cfg.hec_batch_bytes = 1024;
	s = new_sink();
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 50; i++) {
		len = (size_t)snprintf(buf, sizeof(buf),
		    "{\"event\":{\"n\":%02d},\"pad\":\"%073d\"}", i, i);
		cr_assert_eq(len, 100, "alert is %zu bytes", len);
		cr_assert_eq(sink_submit(s, buf, len), 0);
	}
	drain_and_wait(s, 10, 20);
	cr_expect_eq(srv.nevents, 50);
	/* 101 bytes a line: 10 lines a request */
	cr_expect_eq(srv.requests, 5);
	cr_expect_leq(srv.max_req_bytes, 1024);
	cr_expect_eq(srv.max_req_events, 10);
	sink_free(s);
}

Test(sink, hec_round_robin_over_urls)
{
	struct sink	*s;
	unsigned short	 port;

	port = srv_start(0);
	hec_cfg(port);
	cfg.hec_url = xreallocarray(cfg.hec_url, 2, sizeof(char *));
	xasprintf(&cfg.hec_url[1], "http://localhost:%u/services/collector",
	    port);
	cfg.nhec_url = 2;
	cfg.hec_batch_events = 5;
	s = new_sink();
	submit_range(s, 0, 20);
	drain_and_wait(s, 10, 20);
	expect_received(0, 20);
	cr_expect_eq(srv.requests, 4);
	sink_free(s);
}

Test(sink, drain_delivers_before_done)
{
	struct sink	*s;

	hec_cfg(srv_start(0));
	cfg.hec_batch_ms = 60000;	/* only the drain sends */
	s = new_sink();
	submit_range(s, 0, 7);
	drain_and_wait(s, 10, 20);
	cr_expect_eq(received_at_done, 7);
	expect_received(0, 7);
	sink_free(s);
}

Test(sink, drain_gives_up_after_timeout)
{
	struct sink_counters	 c;
	struct sink		*s;

	hec_cfg(srv_start(0));
	srv.fail_n = 1000;
	srv.fail_status = 503;
	s = new_sink();
	submit_range(s, 0, 4);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 0);
	cr_expect_eq(c.dropped, 4);
	cr_expect_eq(c.queued, 0);
	cr_expect_geq(c.retries, 1);
	sink_free(s);
}

/* Reads a whole file into buf; returns the number of lines. */
static int
read_lines(const char *path, char *buf, size_t sz)
{
	FILE	*fp = fopen(path, "r");
	size_t	 n;
	int	 lines = 0;
	char	*p;

	cr_assert_not_null(fp, "%s", path);
	n = fread(buf, 1, sz - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	for (p = buf; *p != '\0'; p++)
		if (*p == '\n')
			lines++;
	return lines;
}

Test(sink, stdout_one_line_per_alert)
{
	struct sink	*s;
	char		 path[] = "/tmp/test_sink_stdout.XXXXXX", buf[4096];
	char		 want[256];
	int		 fd, saved;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	cr_assert_neq(dup2(fd, STDOUT_FILENO), -1);
	cfg.output = CONFIG_OUTPUT_STDOUT;
	s = new_sink();
	submit_range(s, 0, 3);
	/* one loop iteration flushes */
	cr_assert_neq(event_base_loop(base, EVLOOP_NONBLOCK), -1);
	cr_expect_eq(read_lines(path, buf, sizeof(buf)), 3);
	alert_make(want, sizeof(want), 0);
	cr_expect(strncmp(buf, want, strlen(want)) == 0 &&
	    buf[strlen(want)] == '\n', "got %s", buf);
	drain_and_wait(s, 1, 5);
	sink_free(s);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fd);
	unlink(path);
}

Test(sink, file_appends_one_line_per_alert)
{
	struct sink_counters	 c;
	struct sink		*s;
	struct stat		 st;
	char			 dir[] = "/tmp/test_sink_file.XXXXXX";
	char			 path[PATH_MAX], buf[8192], want[256];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	umask(022);
	cfg.output = CONFIG_OUTPUT_FILE;
	cfg.output_path = xstrdup(path);
	s = new_sink();
	submit_range(s, 0, 3);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 3);
	sink_free(s);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0640);
	/* a second run appends */
	s = new_sink();
	submit_range(s, 3, 5);
	drain_and_wait(s, 1, 5);
	sink_free(s);
	cr_expect_eq(read_lines(path, buf, sizeof(buf)), 5);
	alert_make(want, sizeof(want), 4);
	cr_expect(strstr(buf, want) != NULL);
	unlink(path);
	rmdir(dir);
}

Test(sink, file_write_errors_are_counted_not_fatal)
{
	struct sink_counters	 c;
	struct sink		*s;

	cfg.output = CONFIG_OUTPUT_FILE;
	cfg.output_path = xstrdup("/dev/full");
	s = new_sink();
	submit_range(s, 0, 2);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.write_errors, 1);
	cr_expect_eq(c.dropped, 2);
	cr_expect_eq(c.delivered, 0);
	submit_range(s, 2, 3);
	run_for_ms(10);
	sink_get_counters(s, &c);
	cr_expect_eq(c.write_errors, 2);
	sink_free(s);
}

Test(sink, file_open_error_is_reported)
{
	struct sink	*s;
	char		*err = NULL;

	cfg.output = CONFIG_OUTPUT_FILE;
	cfg.output_path = xstrdup("/nonexistent/dir/alerts.json");
	s = sink_new_cfg(&err);
	cr_expect_null(s);
	cr_expect(err != NULL && strstr(err, "/nonexistent/dir") != NULL);
	free(err);
}

/*
 * The HEC URL layout.  Splunk's HEC REST endpoints (Splunk Enterprise
 * REST API Reference, "Input endpoints": services/collector,
 * services/collector/event[/1.0], services/collector/raw[/1.0],
 * services/collector/ack, services/collector/health[/1.0]) sit under
 * whatever prefix a reverse proxy adds (issue 14.1): the ack and health
 * URLs keep it.  The raw endpoint takes raw text, not the /event
 * envelope, and a query string would be dropped from the ack and health
 * URLs: both are refused, with what to do (issue 14.5).
 */
static const struct {
	const char	*in;		/* hec_url as configured */
	const char	*event;		/* hec_url_event(), NULL: refused */
	const char	*health;	/* or the error's telling words */
	const char	*ack;		/* channel C-1 */
} hec_url_table[] = {
	{ "https://h:8088", "https://h:8088/services/collector/event",
	    "https://h:8088/services/collector/health",
	    "https://h:8088/services/collector/ack?channel=C-1" },
	{ "http://h/", "http://h/services/collector/event",
	    "http://h/services/collector/health",
	    "http://h/services/collector/ack?channel=C-1" },
	{ "http://h/services/collector", "http://h/services/collector",
	    "http://h/services/collector/health",
	    "http://h/services/collector/ack?channel=C-1" },
	{ "http://h:80/services/collector/event/1.0",
	    "http://h:80/services/collector/event/1.0",
	    "http://h:80/services/collector/health",
	    "http://h:80/services/collector/ack?channel=C-1" },
	{ "http://p:8000/splunk/services/collector/event",
	    "http://p:8000/splunk/services/collector/event",
	    "http://p:8000/splunk/services/collector/health",
	    "http://p:8000/splunk/services/collector/ack?channel=C-1" },
	{ "https://[::1]:8088/a/b/services/collector",
	    "https://[::1]:8088/a/b/services/collector",
	    "https://[::1]:8088/a/b/services/collector/health",
	    "https://[::1]:8088/a/b/services/collector/ack?channel=C-1" },
	{ "https://h/services/collector/raw", NULL, "raw text", NULL },
	{ "https://h/px/services/collector/raw/1.0", NULL, "raw text",
	    NULL },
	{ "https://h/services/collector/event?channel=x", NULL,
	    "query string", NULL },
	{ "https://h:8088?x=1", NULL, "query string", NULL },
	{ "https://h/services/collector#top", NULL, "fragment", NULL },
	{ "https://h/hec", NULL, "/services/collector/event", NULL },
	{ "https://h/services/collector/event/", NULL,
	    "/services/collector/event", NULL },
	{ "https://h/services/collector/health", NULL,
	    "/services/collector/event", NULL },
	{ "ftp://h", NULL, "http://", NULL },
	{ "https:///x", NULL, "no host", NULL },
	{ "https://h/a b", NULL, "character", NULL },
};

Test(sink, hec_url_layout_in_one_place)
{
	char	*u, *err;
	size_t	 i;

	for (i = 0; i < sizeof(hec_url_table) / sizeof(hec_url_table[0]);
	    i++) {
		err = NULL;
		u = hec_url_event(hec_url_table[i].in, &err);
		if (hec_url_table[i].event == NULL) {
			cr_expect_null(u, "%s accepted", hec_url_table[i].in);
			cr_expect(err != NULL && strstr(err,
			    hec_url_table[i].health) != NULL &&
			    strstr(err, "(") != NULL, "%s: %s",
			    hec_url_table[i].in, err);
			free(u);
			free(err);
			continue;
		}
		cr_expect_str_eq(u, hec_url_table[i].event, "%s: %s",
		    hec_url_table[i].in, err);
		free(u);
		u = hec_url_health(hec_url_table[i].event);
		cr_expect_str_eq(u, hec_url_table[i].health);
		free(u);
		u = hec_url_ack(hec_url_table[i].event, "C-1");
		cr_expect_str_eq(u, hec_url_table[i].ack);
		free(u);
	}
}

/*
 * A file output that fails to write is unhealthy (/health) until a write
 * succeeds again, even once nothing is queued any more.
 */
Test(sink, file_write_error_is_unhealthy_until_a_write_succeeds)
{
	struct sink	*s;
	struct rlimit	 rl;
	char		 dir[] = "/tmp/test_sink_health.XXXXXX";
	char		 path[PATH_MAX], why[256];

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	cfg.output = CONFIG_OUTPUT_FILE;
	cfg.output_path = xstrdup(path);
	s = new_sink();
	cr_expect(sink_healthy(s, why, sizeof(why)));
	/* writes past 10 bytes fail with EFBIG */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = 10;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	submit_range(s, 0, 2);
	run_for_ms(20);
	cr_expect(!sink_healthy(s, why, sizeof(why)));
	cr_expect(strstr(why, path) != NULL, "%s", why);
	run_for_ms(20);
	cr_expect(!sink_healthy(s, why, sizeof(why)), "healthy while idle");
	rl.rlim_cur = rl.rlim_max;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	submit_range(s, 2, 3);
	run_for_ms(20);
	cr_expect(sink_healthy(s, why, sizeof(why)));
	sink_free(s);
	unlink(path);
	rmdir(dir);
}

/*
 * The transports' loss summaries (HEC drops, file write errors): a line
 * at the first loss, then at most one per period, each with the losses
 * since the last one (STYLE 3: summaries, never a line per message).
 */
Test(sink, ratelog_one_line_per_period)
{
	static const struct {
		uint64_t	 n, now;	/* losses, at now ms */
		bool		 due;		/* a line is due */
		uint64_t	 wait, unlogged;
	} step[] = {
		{ 1, 5000, true, 0, 1 },	/* the first: at once */
		{ 2, 5001, false, 9999, 2 },
		{ 3, 14999, false, 1, 5 },
		{ 1, 15000, true, 0, 6 },	/* a period later */
		{ 4, 15000, false, 10000, 4 },
		{ 1, 40000, true, 0, 5 },	/* long after */
	};
	struct sink_ratelog r = { 0, 0 };
	uint64_t	 wait;
	size_t		 k;
	bool		 due;

	for (k = 0; k < sizeof(step) / sizeof(step[0]); k++) {
		wait = 7;
		due = sink_ratelog_note(&r, step[k].n, step[k].now, 10000,
		    &wait);
		cr_expect_eq(due, step[k].due, "step %zu", k);
		cr_expect_eq(wait, step[k].wait, "step %zu: wait %llu", k,
		    (unsigned long long)wait);
		cr_expect_eq(r.unlogged, step[k].unlogged, "step %zu", k);
		if (due)
			sink_ratelog_done(&r, step[k].now);
	}
	cr_expect_eq(r.unlogged, 0);
	cr_expect_eq(r.logged_ms, 40000);
}
