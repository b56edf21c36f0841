/*
 * hec_receiver: a fault-injecting stand-in for Splunk's HTTP Event
 * Collector, for the functional tests and the demo.  It answers POST
 * /services/collector and /services/collector/event the way HEC does:
 * checks "Authorization: Splunk TOKEN", gunzips Content-Encoding: gzip
 * bodies, splits the body into concatenated JSON objects, appends each
 * valid event as one compact line to the --out file, and replies with
 * HEC's JSON status.  GET /services/collector/health answers 200 while
 * the receiver is up.
 *
 * Faults, for the delivery tests (all random choices use --seed):
 *   --fail N:STATUS    the next N requests fail with STATUS (repeatable)
 *   --fail-rate P:STATUS  each POST fails with STATUS with probability P
 *   --cut-rate P       each POST has its connection cut with probability
 *                      P, half the time after its events were stored
 *   --delay-ms MS      every answer is sent MS milliseconds late
 *   --max-bytes N      413 for bodies above N bytes (after gunzip)
 *   --invalid-at N     the Nth event received (1-based) is refused: 400
 *                      with "invalid-event-number", the events before it
 *                      in its request are stored
 *   --token-ok-after S the token is refused (403) for the first S seconds
 *   --down A:B         from second A to second B nothing listens and
 *                      open connections are cut
 *   SIGUSR1            goes down the same way, or up again when down (for
 *                      tests that wait on a condition, not a clock)
 *   --acks             indexer acknowledgement: a channel is required,
 *                      answers carry "ackId", POST /services/collector/ack
 *                      reports them; --ack-delay-ms MS before an ack
 *                      turns true, --ack-never-rate P that it never does
 * Layout, for the URL tests:
 *   --prefix P         every endpoint sits under the path prefix P (as
 *                      behind a reverse proxy), other paths get 404
 *   --no-health        the health endpoint answers 404 (a proxy that
 *                      passes only the event endpoint)
 *   --log-requests     each answer is logged on stderr: "METHOD URI STATUS"
 * It exits on SIGTERM or SIGINT, or after --max-seconds, and then prints
 * its counters on stderr.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define RECV_MAX_BODY	(64 * 1024 * 1024)	/* after gunzip */
#define RECV_MAX_FAILS	32
#define RECV_MAX_CHAN	64			/* ack channels */
#define RECV_MAX_ACKS	(1 << 20)		/* ack ids per channel */

struct recv_fail {
	int		 count;		/* requests left to fail */
	int		 status;
};

struct recv_chan {
	char		*name;		/* the channel GUID */
	int64_t		*ready;		/* per ack id: ms it turns true, -1 */
	size_t		 nacks;		/* ack ids given */
	size_t		 cap;
};

/* An answer waiting for --delay-ms, or for its connection to be cut. */
struct recv_answer {
	struct evhttp_request	*req;
	struct evbuffer		*body;
	int			 status;
};

static const char	*recv_token;	/* expected token */
static const char	*recv_prefix = ""; /* --prefix */
static bool		 recv_no_health; /* --no-health */
static bool		 recv_log;	/* --log-requests */
static FILE		*recv_out;	/* accepted events, a line each */
static struct event_base *recv_base;
static struct evhttp	*recv_http;
static struct evhttp_bound_socket *recv_bs; /* NULL while down */
static const char	*recv_addr = "127.0.0.1";
static unsigned int	 recv_port;	/* bound port */
static struct recv_fail	 recv_fails[RECV_MAX_FAILS]; /* --fail, in order */
static int		 recv_nfails;
static double		 recv_fail_p;	/* --fail-rate */
static int		 recv_fail_status;
static double		 recv_cut_p;	/* --cut-rate */
static long		 recv_delay_ms;	/* --delay-ms */
static size_t		 recv_max_bytes; /* --max-bytes, 0 = none */
static unsigned long	 recv_invalid_at; /* --invalid-at, 0 = none */
static long		 recv_token_after; /* --token-ok-after, s */
static long		 recv_down_a = -1, recv_down_b = -1; /* --down */
static bool		 recv_down;	/* inside the --down window */
static bool		 recv_acks;	/* --acks */
static double		 recv_ack_never_p; /* --ack-never-rate */
static long		 recv_ack_delay_ms; /* --ack-delay-ms */
static struct recv_chan	 recv_chans[RECV_MAX_CHAN];
static size_t		 recv_nchans;
static int64_t		 recv_t0;	/* start (monotonic ms) */
static unsigned long	 recv_requests;	/* requests answered */
static unsigned long	 recv_events;	/* events written */
static unsigned long	 recv_seen;	/* events parsed, for --invalid-at */
static unsigned long	 recv_cuts, recv_injected, recv_413, recv_400;
static unsigned long	 recv_auth_refused, recv_ack_polls;

static int64_t
recv_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True with probability p. */
static bool
recv_chance(double p)
{
	return p > 0 && drand48() < p;
}

static void
recv_answer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct recv_answer	*a = arg;

	(void)fd;
	(void)what;
	evhttp_send_reply(a->req, a->status, a->status == 200 ? "OK" :
	    "Error", a->body);
	evbuffer_free(a->body);
	free(a);
}

/* Sends the answer now, or after --delay-ms. */
static void
recv_answer(struct evhttp_request *req, int status, struct evbuffer *b)
{
	struct recv_answer	*a;
	struct timeval		 tv;

	recv_requests++;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json; charset=UTF-8");
	if (recv_delay_ms <= 0 || (a = malloc(sizeof(*a))) == NULL) {
		evhttp_send_reply(req, status, status == 200 ? "OK" : "Error",
		    b);
		evbuffer_free(b);
		return;
	}
	a->req = req;
	a->body = b;
	a->status = status;
	tv.tv_sec = recv_delay_ms / 1000;
	tv.tv_usec = (recv_delay_ms % 1000) * 1000;
	if (event_base_once(recv_base, -1, EV_TIMEOUT, recv_answer_cb, a,
	    &tv) == -1)
		recv_answer_cb(-1, 0, a);
}

static void
recv_reply(struct evhttp_request *req, int status, const char *fmt, ...)
    __attribute__((__format__ (printf, 3, 4)));

static void
recv_reply(struct evhttp_request *req, int status, const char *fmt, ...)
{
	struct evbuffer	*b;
	va_list		 ap;

	if (recv_log)
		fprintf(stderr, "%s %s %d\n",
		    evhttp_request_get_command(req) == EVHTTP_REQ_GET ? "GET" :
		    evhttp_request_get_command(req) == EVHTTP_REQ_POST ?
		    "POST" : "OTHER", evhttp_request_get_uri(req), status);
	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	va_start(ap, fmt);
	evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	recv_answer(req, status, b);
}

/*
 * Cuts the connection of req: the client sees it close with no answer.
 * The request itself is freed by the reply sent once libevent noticed.
 */
static void
recv_cut(struct evhttp_request *req)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct recv_answer		*a;
	struct timeval			 tv = { 0, 0 };

	recv_cuts++;
	evcon = evhttp_request_get_connection(req);
	bev = evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
	if (bev != NULL)
		shutdown(bufferevent_getfd(bev), SHUT_RDWR);
	if ((a = malloc(sizeof(*a))) == NULL)
		return;
	a->req = req;
	a->status = 500;
	if ((a->body = evbuffer_new()) == NULL ||
	    event_base_once(recv_base, -1, EV_TIMEOUT, recv_answer_cb, a,
	    &tv) == -1) {
		if (a->body != NULL)
			evbuffer_free(a->body);
		free(a);
	}
}

/* Inflates a gzip body into a NUL-terminated buffer (caller frees), or
 * returns NULL when it is not valid gzip or too large. */
static char *
recv_gunzip(const unsigned char *in, size_t len, size_t *outlen)
{
	z_stream	 zs;
	size_t		 cap = len * 4 + 4096;
	char		*out, *bigger;
	int		 rc;

	if ((out = malloc(cap)) == NULL)
		return NULL;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (unsigned char *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	for (;;) {
		zs.next_out = (unsigned char *)out + zs.total_out;
		zs.avail_out = (uInt)(cap - 1 - zs.total_out);
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			break;
		if ((rc != Z_OK && rc != Z_BUF_ERROR) ||
		    (rc == Z_BUF_ERROR && zs.avail_in == 0) ||
		    cap >= RECV_MAX_BODY)
			goto fail;
		cap *= 2;
		if ((bigger = realloc(out, cap)) == NULL)
			goto fail;
		out = bigger;
	}
	*outlen = zs.total_out;
	out[*outlen] = '\0';
	inflateEnd(&zs);
	return out;
fail:
	inflateEnd(&zs);
	free(out);
	return NULL;
}

/* Returns a NUL-terminated copy of the request body (caller frees). */
static char *
recv_body(struct evhttp_request *req, size_t *len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	const char	*enc;
	char		*body;

	*len = evbuffer_get_length(in);
	enc = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Encoding");
	if (enc != NULL && strcasecmp(enc, "gzip") == 0)
		return recv_gunzip(evbuffer_pullup(in, -1), *len, len);
	if ((body = malloc(*len + 1)) == NULL)
		return NULL;
	evbuffer_copyout(in, body, *len);
	body[*len] = '\0';
	return body;
}

/*
 * Writes the events of body, in order, up to the first invalid one (not
 * an object with "event", or the --invalid-at one).  Returns the number
 * written, or -1 - i when event i is invalid.
 */
static long
recv_store(const char *body, size_t len)
{
	struct json_tokener	*tok;
	struct json_object	*obj, *ev;
	size_t			 off = 0;
	long			 i = 0;

	if ((tok = json_tokener_new_ex(64)) == NULL)
		return -1;
	for (;;) {
		while (off < len && strchr(" \t\r\n", body[off]) != NULL)
			off++;
		if (off == len)
			break;
		obj = json_tokener_parse_ex(tok, body + off,
		    (int)(len - off));
		recv_seen++;
		if (obj == NULL || !json_object_is_type(obj,
		    json_type_object) ||
		    !json_object_object_get_ex(obj, "event", &ev) ||
		    recv_seen == recv_invalid_at) {
			json_object_put(obj);
			i = -1 - i;
			break;
		}
		off += json_tokener_get_parse_end(tok);
		json_tokener_reset(tok);
		fprintf(recv_out, "%s\n", json_object_to_json_string_ext(obj,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(obj);
		recv_events++;
		i++;
	}
	json_tokener_free(tok);
	fflush(recv_out);
	return i;
}

/* The channel of req (header, else ?channel=), or NULL. */
static struct recv_chan *
recv_channel(struct evhttp_request *req, bool create)
{
	struct evkeyvalq	 q;
	const char		*name, *uri;
	char			*qname = NULL;
	struct recv_chan	*c = NULL;
	size_t			 i;

	name = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Splunk-Request-Channel");
	if (name == NULL) {
		uri = evhttp_request_get_uri(req);
		memset(&q, 0, sizeof(q));
		if (strchr(uri, '?') != NULL &&
		    evhttp_parse_query(uri, &q) == 0 &&
		    (name = evhttp_find_header(&q, "channel")) != NULL)
			qname = strdup(name);
		evhttp_clear_headers(&q);
		name = qname;
	}
	if (name == NULL)
		return NULL;
	for (i = 0; i < recv_nchans; i++)
		if (strcmp(recv_chans[i].name, name) == 0) {
			c = &recv_chans[i];
			goto out;
		}
	if (create && recv_nchans < RECV_MAX_CHAN &&
	    (recv_chans[recv_nchans].name = strdup(name)) != NULL)
		c = &recv_chans[recv_nchans++];
out:
	free(qname);
	return c;
}

/* Gives the next ack id of channel c; -1 when out of room. */
static long
recv_ack_new(struct recv_chan *c)
{
	int64_t		*r;
	size_t		 cap;

	if (c->nacks == c->cap) {
		cap = c->cap == 0 ? 1024 : c->cap * 2;
		if (cap > RECV_MAX_ACKS ||
		    (r = realloc(c->ready, cap * sizeof(*r))) == NULL)
			return -1;
		c->ready = r;
		c->cap = cap;
	}
	c->ready[c->nacks] = recv_chance(recv_ack_never_p) ? -1 :
	    recv_now_ms() + recv_ack_delay_ms;
	return (long)c->nacks++;
}

/* POST /services/collector/ack: {"acks":[ids]} -> {"acks":{"id":bool}} */
static void
recv_ack_cb(struct evhttp_request *req)
{
	struct json_object	*in, *ids, *v;
	struct recv_chan	*c;
	struct evbuffer		*b;
	char			*body;
	size_t			 len, i, n;
	int64_t			 id, now = recv_now_ms();

	recv_ack_polls++;
	if (!recv_acks) {
		recv_reply(req, 400, "{\"text\":\"ACK is disabled\","
		    "\"code\":14}");
		return;
	}
	if ((c = recv_channel(req, false)) == NULL) {
		recv_reply(req, 400, "{\"text\":\"Invalid data channel\","
		    "\"code\":11}");
		return;
	}
	if ((body = recv_body(req, &len)) == NULL ||
	    (in = json_tokener_parse(body)) == NULL ||
	    !json_object_object_get_ex(in, "acks", &ids) ||
	    !json_object_is_type(ids, json_type_array) ||
	    (b = evbuffer_new()) == NULL) {
		free(body);
		recv_reply(req, 400, "{\"text\":\"Invalid data format\","
		    "\"code\":6}");
		return;
	}
	free(body);
	evbuffer_add_printf(b, "{\"acks\":{");
	n = json_object_array_length(ids);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(ids, i);
		id = json_object_get_int64(v);
		evbuffer_add_printf(b, "%s\"%lld\":%s", i > 0 ? "," : "",
		    (long long)id, id >= 0 && (size_t)id < c->nacks &&
		    c->ready[id] >= 0 && c->ready[id] <= now ? "true" :
		    "false");
	}
	evbuffer_add_printf(b, "}}");
	json_object_put(in);
	recv_answer(req, 200, b);
}

static void
recv_collector_cb(struct evhttp_request *req)
{
	struct recv_chan	*chan = NULL;
	const char		*auth;
	char			*body;
	size_t			 len;
	long			 n, ack;
	bool			 cut_after = false;

	if (recv_nfails > 0) {
		recv_fails[0].count--;
		n = recv_fails[0].status;
		if (recv_fails[0].count == 0) {
			memmove(&recv_fails[0], &recv_fails[1],
			    (size_t)(recv_nfails - 1) * sizeof(recv_fails[0]));
			recv_nfails--;
		}
		recv_injected++;
		recv_reply(req, (int)n, "{\"text\":\"Server is busy\","
		    "\"code\":9}");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		recv_reply(req, 405, "{\"text\":\"Method not allowed\"}");
		return;
	}
	if (recv_chance(recv_cut_p)) {
		if (recv_chance(0.5)) {
			recv_cut(req);
			return;
		}
		cut_after = true;
	}
	if (recv_chance(recv_fail_p)) {
		recv_injected++;
		recv_reply(req, recv_fail_status, "{\"text\":\"Server is "
		    "busy\",\"code\":9}");
		return;
	}
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (auth == NULL || strncmp(auth, "Splunk ", 7) != 0) {
		recv_auth_refused++;
		recv_reply(req, 401, "{\"text\":\"Token is required\","
		    "\"code\":2}");
		return;
	}
	if (strcmp(auth + 7, recv_token) != 0 ||
	    recv_now_ms() - recv_t0 < recv_token_after * 1000) {
		recv_auth_refused++;
		recv_reply(req, 403, "{\"text\":\"Invalid token\","
		    "\"code\":4}");
		return;
	}
	if (recv_acks && (chan = recv_channel(req, true)) == NULL) {
		recv_reply(req, 400, "{\"text\":\"Data channel is missing\","
		    "\"code\":10}");
		return;
	}
	if ((body = recv_body(req, &len)) == NULL) {
		recv_reply(req, 400, "{\"text\":\"Invalid data format\","
		    "\"code\":6}");
		return;
	}
	if (len == 0) {
		free(body);
		recv_reply(req, 400, "{\"text\":\"No data\",\"code\":5}");
		return;
	}
	if (recv_max_bytes > 0 && len > recv_max_bytes) {
		free(body);
		recv_413++;
		recv_reply(req, 413, "{\"text\":\"Content too large\","
		    "\"code\":27}");
		return;
	}
	n = recv_store(body, len);
	free(body);
	if (cut_after) {
		recv_cut(req);
		return;
	}
	if (n < 0) {
		recv_400++;
		recv_reply(req, 400, "{\"text\":\"Invalid data format\","
		    "\"code\":6,\"invalid-event-number\":%ld}", -1 - n);
	} else if (chan != NULL) {
		if ((ack = recv_ack_new(chan)) == -1)
			recv_reply(req, 503, "{\"text\":\"Server is busy\","
			    "\"code\":9}");
		else
			recv_reply(req, 200, "{\"text\":\"Success\","
			    "\"code\":0,\"ackId\":%ld}", ack);
	} else
		recv_reply(req, 200, "{\"text\":\"Success\",\"code\":0}");
}

static void
recv_request_cb(struct evhttp_request *req, void *arg)
{
	struct evhttp_uri	*uri;
	const char		*path;

	(void)arg;
	if (recv_down) {
		recv_cut(req);
		return;
	}
	uri = evhttp_uri_parse(evhttp_request_get_uri(req));
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path != NULL && strncmp(path, recv_prefix,
	    strlen(recv_prefix)) == 0)
		path += strlen(recv_prefix);
	else if (path != NULL)
		path = "/not-under-the-prefix";
	if (path == NULL)
		recv_reply(req, 400, "{\"text\":\"Bad request\"}");
	else if (!recv_no_health &&
	    (strcmp(path, "/services/collector/health") == 0 ||
	    strcmp(path, "/services/collector/health/1.0") == 0))
		recv_reply(req, 200, "{\"text\":\"HEC is healthy\","
		    "\"code\":17}");
	else if (strcmp(path, "/services/collector/ack") == 0 ||
	    strcmp(path, "/services/collector/ack/1.0") == 0)
		recv_ack_cb(req);
	else if (strcmp(path, "/services/collector") == 0 ||
	    strcmp(path, "/services/collector/event") == 0 ||
	    strcmp(path, "/services/collector/event/1.0") == 0)
		recv_collector_cb(req);
	else
		recv_reply(req, 404, "{\"text\":\"The requested URL was not "
		    "found on this server.\",\"code\":404}");
	evhttp_uri_free(uri);
}

static void
recv_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* --down A:B: stop listening at A, listen again (same port) at B. */
static void
recv_down_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	if (arg != NULL) {
		fprintf(stderr, "hec_receiver: down\n");
		recv_down = true;
		if (recv_bs != NULL)
			evhttp_del_accept_socket(recv_http, recv_bs);
		recv_bs = NULL;
		return;
	}
	recv_down = false;
	recv_bs = evhttp_bind_socket_with_handle(recv_http, recv_addr,
	    (unsigned short)recv_port);
	fprintf(stderr, "hec_receiver: up again%s\n", recv_bs == NULL ?
	    " (bind failed)" : "");
}

/* SIGUSR1: down when up, up again when down. */
static void
recv_toggle_cb(evutil_socket_t fd, short what, void *arg)
{
	recv_down_cb(fd, what, recv_down ? NULL : arg);
}

/* Writes the port to path, atomically (tmp file, then rename). */
static int
recv_write_port(const char *path, unsigned int port)
{
	char	 tmp[4096];
	FILE	*fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(fp, "%u\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) == -1)
		return -1;
	return 0;
}

static void __attribute__((__noreturn__))
recv_usage(void)
{
	fprintf(stderr, "usage: hec_receiver --out FILE --token TOKEN "
	    "[--listen ADDR] [--port N|0]\n"
	    "    [--port-file FILE] [--fail N:STATUS]... [--max-seconds S]\n"
	    "    [--fail-rate P:STATUS] [--cut-rate P] [--delay-ms MS]\n"
	    "    [--max-bytes N] [--invalid-at N] [--token-ok-after S]\n"
	    "    [--down A:B] [--acks] [--ack-never-rate P] "
	    "[--ack-delay-ms MS]\n"
	    "    [--seed N] [--prefix PATH] [--no-health] "
	    "[--log-requests]\n");
	exit(2);
}

/* Parses a probability in [0, 1]. */
static double
recv_prob(const char *s)
{
	char	*end;
	double	 p;

	p = strtod(s, &end);
	if (end == s || p < 0 || p > 1)
		recv_usage();
	return p;
}

static long
recv_num(const char *s)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 0)
		recv_usage();
	return v;
}

static void
recv_at(long s, void *arg)
{
	struct timeval	 tv = { s, 0 };

	if (event_base_once(recv_base, -1, EV_TIMEOUT, recv_down_cb, arg,
	    &tv) == -1) {
		fprintf(stderr, "hec_receiver: event_base_once failed\n");
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "token", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "fail", required_argument, NULL, 'F' },
		{ "max-seconds", required_argument, NULL, 'm' },
		{ "fail-rate", required_argument, NULL, 'R' },
		{ "cut-rate", required_argument, NULL, 'C' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "max-bytes", required_argument, NULL, 'B' },
		{ "invalid-at", required_argument, NULL, 'I' },
		{ "token-ok-after", required_argument, NULL, 'T' },
		{ "down", required_argument, NULL, 'D' },
		{ "acks", no_argument, NULL, 'A' },
		{ "ack-never-rate", required_argument, NULL, 'N' },
		{ "ack-delay-ms", required_argument, NULL, 'a' },
		{ "seed", required_argument, NULL, 's' },
		{ "prefix", required_argument, NULL, 'x' },
		{ "no-health", no_argument, NULL, 'H' },
		{ "log-requests", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct sockaddr_storage		 ss;
	struct event			*sigterm, *sigint, *sigusr1, *timer;
	struct timeval			 tv;
	socklen_t			 slen = sizeof(ss);
	const char			*port_file = NULL, *out = NULL;
	char				*colon;
	unsigned int			 port = 0;
	long				 max_s = 120, seed = 1;
	size_t				 i;
	int				 ch, n, status;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			recv_addr = optarg;
			break;
		case 'p':
			port = (unsigned int)strtoul(optarg, NULL, 10);
			if (port > 65535)
				recv_usage();
			break;
		case 'P':
			port_file = optarg;
			break;
		case 't':
			recv_token = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'F':
			if (recv_nfails == RECV_MAX_FAILS ||
			    sscanf(optarg, "%d:%d", &n, &status) != 2 ||
			    n <= 0 || status < 100 || status > 599)
				recv_usage();
			recv_fails[recv_nfails].count = n;
			recv_fails[recv_nfails++].status = status;
			break;
		case 'm':
			max_s = strtol(optarg, NULL, 10);
			if (max_s <= 0)
				recv_usage();
			break;
		case 'R':
			if ((colon = strchr(optarg, ':')) == NULL)
				recv_usage();
			*colon = '\0';
			recv_fail_p = recv_prob(optarg);
			recv_fail_status = (int)recv_num(colon + 1);
			if (recv_fail_status < 100 || recv_fail_status > 599)
				recv_usage();
			break;
		case 'C':
			recv_cut_p = recv_prob(optarg);
			break;
		case 'd':
			recv_delay_ms = recv_num(optarg);
			break;
		case 'B':
			recv_max_bytes = (size_t)recv_num(optarg);
			break;
		case 'I':
			recv_invalid_at = (unsigned long)recv_num(optarg);
			break;
		case 'T':
			recv_token_after = recv_num(optarg);
			break;
		case 'D':
			if (sscanf(optarg, "%ld:%ld", &recv_down_a,
			    &recv_down_b) != 2 || recv_down_a < 0 ||
			    recv_down_b <= recv_down_a)
				recv_usage();
			break;
		case 'A':
			recv_acks = true;
			break;
		case 'N':
			recv_ack_never_p = recv_prob(optarg);
			break;
		case 'a':
			recv_ack_delay_ms = recv_num(optarg);
			break;
		case 's':
			seed = recv_num(optarg);
			break;
		case 'x':
			recv_prefix = optarg;
			break;
		case 'H':
			recv_no_health = true;
			break;
		case 'L':
			recv_log = true;
			break;
		default:
			recv_usage();
		}
	}
	if (out == NULL || recv_token == NULL || optind != argc)
		recv_usage();
	srand48(seed);
	signal(SIGPIPE, SIG_IGN);
	recv_t0 = recv_now_ms();
	if ((recv_out = fopen(out, "a")) == NULL) {
		fprintf(stderr, "hec_receiver: %s: %s\n", out,
		    strerror(errno));
		return 1;
	}
	if ((recv_base = event_base_new()) == NULL ||
	    (recv_http = evhttp_new(recv_base)) == NULL) {
		fprintf(stderr, "hec_receiver: libevent setup failed\n");
		return 1;
	}
	evhttp_set_gencb(recv_http, recv_request_cb, NULL);
	evhttp_set_max_body_size(recv_http, RECV_MAX_BODY);
	if ((recv_bs = evhttp_bind_socket_with_handle(recv_http, recv_addr,
	    (unsigned short)port)) == NULL) {
		fprintf(stderr, "hec_receiver: cannot bind %s:%u\n",
		    recv_addr, port);
		return 1;
	}
	if (getsockname(evhttp_bound_socket_get_fd(recv_bs),
	    (struct sockaddr *)&ss, &slen) == -1) {
		fprintf(stderr, "hec_receiver: getsockname: %s\n",
		    strerror(errno));
		return 1;
	}
	recv_port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	/* before the port file: a test may signal as soon as it sees it */
	sigusr1 = evsignal_new(recv_base, SIGUSR1, recv_toggle_cb, recv_base);
	if (sigusr1 == NULL || evsignal_add(sigusr1, NULL) == -1) {
		fprintf(stderr, "hec_receiver: libevent setup failed\n");
		return 1;
	}
	if (port_file != NULL && recv_write_port(port_file, recv_port) == -1) {
		fprintf(stderr, "hec_receiver: %s: %s\n", port_file,
		    strerror(errno));
		return 1;
	}
	if (recv_down_a >= 0) {
		recv_at(recv_down_a, recv_base);
		recv_at(recv_down_b, NULL);
	}
	sigterm = evsignal_new(recv_base, SIGTERM, recv_stop_cb, recv_base);
	sigint = evsignal_new(recv_base, SIGINT, recv_stop_cb, recv_base);
	timer = evtimer_new(recv_base, recv_stop_cb, recv_base);
	tv.tv_sec = max_s;
	tv.tv_usec = 0;
	if (sigterm == NULL || sigint == NULL || timer == NULL ||
	    evsignal_add(sigterm, NULL) == -1 ||
	    evsignal_add(sigint, NULL) == -1 ||
	    evtimer_add(timer, &tv) == -1) {
		fprintf(stderr, "hec_receiver: libevent setup failed\n");
		return 1;
	}
	fprintf(stderr, "hec_receiver: listening on %s:%u\n", recv_addr,
	    recv_port);
	event_base_dispatch(recv_base);
	fprintf(stderr, "hec_receiver: %lu requests, %lu events, %lu cut, "
	    "%lu injected failures, %lu 413, %lu 400, %lu auth refused, "
	    "%lu ack polls\n", recv_requests, recv_events, recv_cuts,
	    recv_injected, recv_413, recv_400, recv_auth_refused,
	    recv_ack_polls);
	event_free(sigterm);
	event_free(sigint);
	event_free(sigusr1);
	event_free(timer);
	evhttp_free(recv_http);
	event_base_free(recv_base);
	for (i = 0; i < recv_nchans; i++) {
		free(recv_chans[i].name);
		free(recv_chans[i].ready);
	}
	fclose(recv_out);
	return 0;
}
