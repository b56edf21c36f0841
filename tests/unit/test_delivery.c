/*
 * Delivery guarantees of the HEC sink (hec.c with spool.c): batch
 * splitting on 413 and on 400 with invalid-event-number, the dead-letter
 * file, indexer acknowledgement (resend when an ack never comes, polls
 * on the endpoint that gave the ack id), failover with ejection and
 * health probes, and the spool: replay after a crash, nothing replayed
 * once acknowledged, a drain that leaves the rest on disk, the
 * high-water mark, and recovery from a truncated or damaged segment.
 * Up to two HEC stand-ins run in the test process on the sink's
 * event_base (evhttp on 127.0.0.1); they count each alert they store by
 * its number.  Every loop run is bounded by event_base_loopexit().
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

#define TOKEN		"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define NALERTS		2000		/* alert numbers we track */
#define NACKS		4096

/* One HEC stand-in. */
struct hec_stub {
	struct evhttp	*http;
	unsigned short	 port;
	size_t		 max_bytes;	/* 413 above, 0 = none */
	long		 invalid_at;	/* global event number refused */
	bool		 acks;		/* answer with ackId */
	int		 ack_never;	/* this ack id never turns true */
	int		 posts, polls, probes;
	size_t		 biggest;	/* largest accepted body */
	char		 channel[64];	/* of the last post */
	bool		 poll_channel_ok; /* every poll named our channel */
	int		 nacks;
};

static struct event_base *base;
static struct config	 cfg;
static struct hec_stub	 stub[2];
static int		 got[NALERTS];	/* stores per alert number */
static long		 seen_events;	/* events parsed, all stubs */
static char		 spooldir[64];

static void
suite_init(void)
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

static void
suite_fini(void)
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

TestSuite(delivery, .init = suite_init, .fini = suite_fini);

static void
stub_reply(struct evhttp_request *req, int status, const char *fmt, ...)
    __attribute__((__format__ (printf, 3, 4)));

static void
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

static void
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
static unsigned short
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

static void
stub_stop(int k)
{
	evhttp_free(stub[k].http);
	stub[k].http = NULL;
}

/* A port where nothing listens (bound, then closed). */
static unsigned short
dead_port(void)
{
	unsigned short	 port = stub_start(1, 0);

	stub_stop(1);
	return port;
}

/* HEC at the given ports, quick retries and probes, no gzip. */
static void
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

static void
use_spool(void)
{
	free(cfg.spool_dir);
	cfg.spool_dir = xstrdup(spooldir);
	cfg.spool_segment_bytes = 4096;
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

static void
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

static bool	 drained;

static void
drain_done(void *arg)
{
	drained = true;
	event_base_loopbreak(arg);
}

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

/* Runs the loop until alerts [from, to) all arrived, at most max_ms. */
static void
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
static void
expect_got(int from, int to, int lo, int hi)
{
	int	 i;

	for (i = from; i < to; i++)
		cr_expect(got[i] >= lo && got[i] <= hi,
		    "alert %d arrived %d times, want %d..%d", i, got[i], lo,
		    hi);
}

static int
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
static void
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

Test(delivery, splits_batches_on_413_until_they_fit)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	cfg.hec_batch_events = 40;
	cfg.hec_max_inflight = 1;
	stub[0].max_bytes = 700;
	s = new_sink();
	submit_range(s, 0, 100);
	drain_and_wait(s, 10, 15);
	expect_got(0, 100, 1, 1);
	cr_expect_leq(stub[0].biggest, 700);
	sink_get_counters(s, &c);
	cr_expect_geq(c.splits, 2);
	cr_expect_eq(c.delivered, 100);
	cr_expect_eq(c.rejected, 0);
	expect_latency_count(&c, 100);
	sink_free(s);
}

Test(delivery, invalid_event_number_mid_batch_is_dead_lettered)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);
	char			 dlq[128];

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = 10;
	cfg.hec_max_inflight = 1;
	stub[0].invalid_at = 13;	/* alert 13, 4th of the 2nd batch */
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 15);
	/* 10..12 were accepted by the 400 and must not come twice */
	expect_got(0, 13, 1, 1);
	expect_got(13, 14, 0, 0);
	expect_got(14, 30, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dead_lettered, 1);
	cr_expect_eq(c.delivered, 29);
	cr_expect_eq(c.queued, 0, "spool depth %zu", c.queued);
	sink_free(s);
	snprintf(dlq, sizeof(dlq), "%s/dead-letter.jsonl", spooldir);
	cr_expect_eq(count_lines(dlq), 1);
}

Test(delivery, unacknowledged_batch_is_sent_again)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	use_spool();
	cfg.hec_acks = true;
	cfg.hec_batch_events = 10;
	cfg.hec_max_inflight = 1;
	stub[0].acks = true;
	stub[0].ack_never = 1;		/* the second batch: 10..19 */
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 15);
	expect_got(0, 10, 1, 1);
	expect_got(10, 20, 2, 2);
	expect_got(20, 30, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.ack_timeouts, 1);
	cr_expect_eq(c.acked, 3);	/* batches 0, 2 and the resent 1 */
	cr_expect_eq(c.delivered, 30);
	expect_latency_count(&c, 30);
	cr_expect_eq(c.queued, 0);
	cr_expect(stub[0].poll_channel_ok);
	cr_expect_geq(stub[0].polls, 1);
	sink_free(s);
}

Test(delivery, acks_are_polled_where_they_were_issued)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 ports[2];

	ports[0] = stub_start(0, 0);
	ports[1] = stub_start(1, 0);
	use_hec(2, ports);
	cfg.hec_acks = true;
	cfg.hec_batch_events = 5;
	cfg.hec_max_inflight = 2;
	stub[0].acks = stub[1].acks = true;
	s = new_sink();
	submit_range(s, 0, 60);
	drain_and_wait(s, 10, 15);
	expect_got(0, 60, 1, 1);
	cr_expect_geq(stub[0].posts, 1);
	cr_expect_geq(stub[1].posts, 1);
	cr_expect_geq(stub[0].polls, 1);
	cr_expect_geq(stub[1].polls, 1);
	cr_expect(stub[0].poll_channel_ok, "a poll went to the wrong URL");
	cr_expect(stub[1].poll_channel_ok, "a poll went to the wrong URL");
	cr_expect_str_neq(stub[0].channel, stub[1].channel);
	sink_get_counters(s, &c);
	cr_expect_eq(c.acked, 12);
	sink_free(s);
}

static void
restart_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stub_start(1, *(unsigned short *)arg);
}

Test(delivery, dead_endpoint_is_ejected_and_probed_back)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 ports[2];
	struct timeval		 tv = { 1, 0 };
	int			 before, i;

	ports[0] = stub_start(0, 0);
	ports[1] = dead_port();
	use_hec(2, ports);
	cfg.hec_batch_events = 5;
	cfg.hec_max_inflight = 1;
	s = new_sink();
	submit_range(s, 0, 50);
	run_until_got(0, 50, 5000);
	expect_got(0, 50, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.ejections, 1);
	cr_expect_eq(c.endpoints_down, 1);
	/* it comes back: a probe lets it take traffic again */
	cr_assert_eq(event_base_once(base, -1, EV_TIMEOUT, restart_cb,
	    &ports[1], &tv), 0);
	for (i = 0; i < 50; i++) {
		run_for_ms(100);
		sink_get_counters(s, &c);
		if (c.endpoints_down == 0)
			break;
	}
	cr_expect_eq(c.endpoints_down, 0);
	cr_expect_geq(stub[1].probes, 1);
	before = stub[1].posts;
	submit_range(s, 50, 100);
	drain_and_wait(s, 10, 15);
	expect_got(0, 100, 1, 1);
	cr_expect_gt(stub[1].posts, before, "no traffic after the probe");
	sink_free(s);
}

Test(delivery, spool_is_replayed_after_a_crash)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();

	use_hec(1, &port);
	use_spool();
	s = new_sink();
	submit_range(s, 0, 200);
	run_for_ms(300);
	sink_get_counters(s, &c);
	cr_expect_eq(c.spooled, 200);
	cr_expect_eq(c.delivered, 0);
	sink_free(s);		/* as if killed: nothing was acked */
	stub_start(0, port);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 200);
	drain_and_wait(s, 10, 15);
	expect_got(0, 200, 1, 1);
	sink_free(s);
	/* acked records are gone: a third start sends nothing */
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 0);
	drain_and_wait(s, 5, 10);
	expect_got(0, 200, 1, 1);
	sink_free(s);
}

Test(delivery, drain_timeout_leaves_alerts_in_the_spool)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();

	use_hec(1, &port);
	use_spool();
	s = new_sink();
	submit_range(s, 0, 40);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dropped, 0);
	cr_expect_eq(c.queued, 40);
	sink_free(s);
}

Test(delivery, backlogged_past_the_spool_high_water_mark)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();
	int			 i;

	use_hec(1, &port);
	use_spool();
	cfg.spool_max_bytes = 64 * 1024;
	s = new_sink();
	cr_expect(!sink_backlogged(s));
	for (i = 0; i < 2000 && !sink_backlogged(s); i += 10)
		submit_range(s, i, i + 10);
	cr_expect(sink_backlogged(s), "never backlogged");
	cr_expect_lt(i, 2000);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dropped, 0);
	sink_free(s);
}

/* Applies f to the newest segment file of the spool. */
static void
damage_segment(bool truncate_it)
{
	char		 path[512], best[256] = "";
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	int		 fd;
	char		 ch;

	d = opendir(spooldir);
	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".seg") != NULL &&
		    strcmp(de->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", de->d_name);
	closedir(d);
	cr_assert_neq(best[0], '\0', "no segment");
	snprintf(path, sizeof(path), "%s/%s", spooldir, best);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_gt(sb.st_size, 200);
	if (truncate_it) {
		cr_assert_eq(truncate(path, sb.st_size - 30), 0);
		return;
	}
	fd = open(path, O_RDWR);
	cr_assert_neq(fd, -1);
	cr_assert_eq(pread(fd, &ch, 1, sb.st_size / 2), 1);
	ch ^= 0x5a;
	cr_assert_eq(pwrite(fd, &ch, 1, sb.st_size / 2), 1);
	close(fd);
}

static void
damaged_spool_test(bool truncate_it)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();
	int			 i, n = 0;

	use_hec(1, &port);
	use_spool();
	s = new_sink();
	submit_range(s, 0, 100);
	sink_free(s);
	damage_segment(truncate_it);
	stub_start(0, port);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_geq(c.spool_corrupt, 1);
	drain_and_wait(s, 10, 15);
	for (i = 0; i < 100; i++)
		n += got[i];
	/* one record lost to the damage, every other one delivered once */
	cr_expect_eq(n, 99, "delivered %d of 100", n);
	expect_got(0, 100, 0, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.queued, 0);
	sink_free(s);
}

Test(delivery, spool_truncated_mid_record_is_recovered)
{
	damaged_spool_test(true);
}

Test(delivery, spool_with_a_flipped_byte_is_recovered)
{
	damaged_spool_test(false);
}

/*
 * The spool sits above every transport: a file output that cannot write
 * keeps its alerts in the spool (none dropped) and writes them, in
 * order, at the next start; written records are acked.
 */
Test(delivery, file_output_spools_through_write_errors)
{
	struct sink_counters	 c;
	struct sink		*s;
	char			 path[128], line[512];
	FILE			*fp;
	int			 i, n;

	use_spool();
	cfg.output = CONFIG_OUTPUT_FILE;
	cfg.output_path = xstrdup("/dev/full");
	s = new_sink();
	submit_range(s, 0, 30);
	run_for_ms(100);
	sink_get_counters(s, &c);
	cr_expect_eq(c.spooled, 30);
	cr_expect_gt(c.write_errors, 0);
	cr_expect_eq(c.dropped, 0);
	cr_expect_eq(c.delivered, 0);
	cr_expect_eq(c.queued, 30);
	drain_and_wait(s, 1, 5);
	sink_free(s);
	snprintf(path, sizeof(path), "%s/alerts.json", spooldir);
	free(cfg.output_path);
	cfg.output_path = xstrdup(path);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 30);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 30);
	cr_expect_eq(c.queued, 0);
	sink_free(s);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 0);
	drain_and_wait(s, 1, 5);
	sink_free(s);
	fp = fopen(path, "r");
	cr_assert_not_null(fp);
	for (i = 0; fgets(line, sizeof(line), fp) != NULL; i++) {
		cr_assert(sscanf(line, "{\"event\":{\"n\":%d,", &n) == 1,
		    "%s", line);
		cr_expect_eq(n, i);
	}
	fclose(fp);
	cr_expect_eq(i, 30);
}

/*
 * Issue 16: each answer of hec.c's policy table.  status_cb answers the
 * next status_left posts of alerts (-1: all) with status_code before
 * stub 0 sees them; health probes and ack polls pass through.
 */
static int	 status_code;		/* the answer status_cb forces */
static int	 status_left;		/* posts still answered so; -1: all */
static int	 status_posts;		/* posts answered so */

static void
status_cb(struct evhttp_request *req, void *arg)
{
	const char	*uri = evhttp_request_get_uri(req);

	if (status_left == 0 ||
	    strncmp(uri, "/services/collector/event", 25) != 0) {
		stub_cb(req, arg);
		return;
	}
	if (status_left > 0)
		status_left--;
	status_posts++;
	stub_reply(req, status_code, "{\"text\":\"forced\",\"code\":9}");
}

/* Stub 0 behind status_cb: the first n posts get code (n -1: all). */
static unsigned short
status_start(int code, int n)
{
	unsigned short	 port = stub_start(0, 0);

	status_code = code;
	status_left = n;
	status_posts = 0;
	evhttp_set_gencb(stub[0].http, status_cb, &stub[0]);
	return port;
}

/*
 * The dead-letter file holds exactly alerts [from, to), each once, as
 * the line submit_range() gave (hec.c: "each refused alert as one JSON
 * line"), in any order.
 */
static void
expect_dead_letters(int from, int to)
{
	char	 path[128], line[512], want[256];
	int	 seen[NALERTS], n, i;
	FILE	*fp;

	memset(seen, 0, sizeof(seen));
	snprintf(path, sizeof(path), "%s/dead-letter.jsonl", spooldir);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "no dead-letter file %s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		cr_assert_eq(sscanf(line, "{\"event\":{\"n\":%d,", &n), 1,
		    "dead letter %s", line);
		cr_assert(n >= from && n < to, "alert %d dead-lettered", n);
		snprintf(want, sizeof(want), "{\"event\":{\"n\":%d,"
		    "\"pad\":\"%0*d\"},\"time\":%d}\n", n, 20 + n % 13, n,
		    1700000000 + n);
		cr_expect_str_eq(line, want);
		seen[n]++;
	}
	fclose(fp);
	for (i = from; i < to; i++)
		cr_expect_eq(seen[i], 1, "alert %d dead-lettered %d times", i,
		    seen[i]);
}

/* No alert was dead-lettered: the file is absent or empty. */
static void
expect_no_dead_letters(const struct sink_counters *c)
{
	char	 path[128];

	snprintf(path, sizeof(path), "%s/dead-letter.jsonl", spooldir);
	cr_expect_leq(count_lines(path), 0, "dead letters in %s", path);
	cr_expect_eq(c->dead_lettered, 0);
	cr_expect_eq(c->rejected, 0);
}

/*
 * A spooled sink to stub 0, whose first n posts (-1: all) get status,
 * given alerts [0, nalerts) in one batch and drained.
 */
static struct sink *
status_run(int status, int n, int nalerts)
{
	struct sink		*s;
	unsigned short		 port = status_start(status, n);

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = (size_t)nalerts;
	cfg.hec_max_inflight = 1;
	s = new_sink();
	submit_range(s, 0, nalerts);
	drain_and_wait(s, 10, 15);
	return s;
}

/* status is retried: after two such answers every alert arrives once. */
static void
expect_retried(int status)
{
	struct sink_counters	 c;
	struct sink		*s = status_run(status, 2, 10);

	cr_expect_eq(status_posts, 2, "HTTP %d answered %d times", status,
	    status_posts);
	expect_got(0, 10, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 10, "HTTP %d", status);
	cr_expect_eq(c.queued, 0);
	cr_expect_geq(c.retries, 2, "HTTP %d: %llu retries", status,
	    (unsigned long long)c.retries);
	expect_no_dead_letters(&c);
	sink_free(s);
}

/* status dead-letters every alert of the batch, none delivered. */
static void
expect_dead_lettered(int status)
{
	struct sink_counters	 c;
	struct sink		*s = status_run(status, -1, 8);

	expect_got(0, 8, 0, 0);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dead_lettered, 8, "HTTP %d: %llu dead letters",
	    status, (unsigned long long)c.dead_lettered);
	cr_expect_eq(c.delivered, 0);
	cr_expect_eq(c.queued, 0, "spool depth %zu", c.queued);
	/* Only a 400 without an event number bisects the batch. */
	if (status != 400)
		cr_expect_eq(status_posts, 1, "HTTP %d: %d posts", status,
		    status_posts);
	else
		cr_expect_geq(status_posts, 8, "HTTP 400: %d posts",
		    status_posts);
	sink_free(s);
	expect_dead_letters(0, 8);
}

Test(delivery, http_408_is_retried)
{
	expect_retried(408);
}

Test(delivery, http_429_is_retried)
{
	expect_retried(429);
}

Test(delivery, http_503_is_retried)
{
	expect_retried(503);
}

Test(delivery, http_500_is_retried)
{
	expect_retried(500);
}

Test(delivery, http_401_keeps_alerts_queued_and_retries)
{
	expect_retried(401);
}

Test(delivery, http_403_keeps_alerts_queued_and_retries)
{
	expect_retried(403);
}

/* 401 and 403 are counted as the token refused, not as a 5xx. */
Test(delivery, http_401_counts_an_auth_error)
{
	struct sink_counters	 c;
	struct sink		*s = status_run(401, 1, 4);

	expect_got(0, 4, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.auth_errors, 1);
	sink_free(s);
}

Test(delivery, http_404_dead_letters_the_batch)
{
	expect_dead_lettered(404);
}

Test(delivery, http_422_dead_letters_the_batch)
{
	expect_dead_lettered(422);
}

/* 400 without invalid-event-number: split down to lone alerts. */
Test(delivery, http_400_without_event_number_dead_letters_each)
{
	expect_dead_lettered(400);
}

/* 413 for one alert: it cannot be split, so it is dead-lettered. */
Test(delivery, http_413_for_a_lone_alert_dead_letters_it)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = 4;
	cfg.hec_max_inflight = 1;
	stub[0].max_bytes = 10;		/* no alert fits */
	s = new_sink();
	submit_range(s, 0, 4);
	drain_and_wait(s, 10, 15);
	expect_got(0, 4, 0, 0);
	sink_get_counters(s, &c);
	cr_expect_geq(c.splits, 2);
	cr_expect_eq(c.dead_lettered, 4);
	cr_expect_eq(c.queued, 0);
	sink_free(s);
	expect_dead_letters(0, 4);
}

/* The existing 400 test, with the dead-letter file's content. */
Test(delivery, invalid_event_number_dead_letters_that_alert_verbatim)
{
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = 10;
	cfg.hec_max_inflight = 1;
	stub[0].invalid_at = 13;
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 15);
	sink_free(s);
	expect_dead_letters(13, 14);
}
