/*
 * Copyright (c) 2026 The hecsentry developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS.
 */

/*
 * hec_receiver: a stand-in for Splunk's HTTP Event Collector, for the
 * functional tests and the demo.  It answers POST /services/collector and
 * /services/collector/event the way HEC does: checks "Authorization:
 * Splunk TOKEN", gunzips Content-Encoding: gzip bodies, splits the body
 * into concatenated JSON objects, appends each valid event as one compact
 * line to the --out file, and replies with HEC's JSON status.  --fail
 * N:STATUS makes the next N requests fail with STATUS (repeatable, in
 * order), to exercise retries.  GET /services/collector/health answers
 * 200.  It exits on SIGTERM or SIGINT, or after --max-seconds.
 *
 * usage: hec_receiver --out FILE --token T [--listen ADDR] [--port N|0]
 *            [--port-file F] [--fail N:STATUS]... [--max-seconds S]
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#define RECV_MAX_BODY	(64 * 1024 * 1024)	/* after gunzip */
#define RECV_MAX_FAILS	32

struct recv_fail {
	int		 count;		/* requests left to fail */
	int		 status;
};

static const char	*recv_token;	/* expected token */
static FILE		*recv_out;	/* accepted events, a line each */
static struct recv_fail	 recv_fails[RECV_MAX_FAILS]; /* --fail, in order */
static int		 recv_nfails;
static unsigned long	 recv_requests;	/* requests answered */
static unsigned long	 recv_events;	/* events written */

static void
recv_reply(struct evhttp_request *req, int status, const char *fmt, ...)
    __attribute__((__format__ (printf, 3, 4)));

static void
recv_reply(struct evhttp_request *req, int status, const char *fmt, ...)
{
	struct evbuffer	*b;
	va_list		 ap;

	recv_requests++;
	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	va_start(ap, fmt);
	evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json; charset=UTF-8");
	evhttp_send_reply(req, status, status == 200 ? "OK" : "Error", b);
	evbuffer_free(b);
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
 * Writes the events of body, in order, up to the first invalid one.
 * Returns the number written, or -1 - i when event i is invalid.
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
		if (obj == NULL || !json_object_is_type(obj,
		    json_type_object) ||
		    !json_object_object_get_ex(obj, "event", &ev)) {
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

static void
recv_collector_cb(struct evhttp_request *req)
{
	const char	*auth;
	char		*body;
	size_t		 len;
	long		 n;

	if (recv_nfails > 0) {
		recv_fails[0].count--;
		n = recv_fails[0].status;
		if (recv_fails[0].count == 0) {
			memmove(&recv_fails[0], &recv_fails[1],
			    (size_t)(recv_nfails - 1) * sizeof(recv_fails[0]));
			recv_nfails--;
		}
		recv_reply(req, (int)n, "{\"text\":\"Server is busy\","
		    "\"code\":9}");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		recv_reply(req, 405, "{\"text\":\"Method not allowed\"}");
		return;
	}
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (auth == NULL || strncmp(auth, "Splunk ", 7) != 0 ||
	    strcmp(auth + 7, recv_token) != 0) {
		recv_reply(req, 401, "{\"text\":\"Invalid token\","
		    "\"code\":4}");
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
	n = recv_store(body, len);
	free(body);
	if (n < 0)
		recv_reply(req, 400, "{\"text\":\"Invalid data format\","
		    "\"code\":6,\"invalid-event-number\":%ld}", -1 - n);
	else
		recv_reply(req, 200, "{\"text\":\"Success\",\"code\":0}");
}

static void
recv_request_cb(struct evhttp_request *req, void *arg)
{
	struct evhttp_uri	*uri;
	const char		*path;

	(void)arg;
	uri = evhttp_uri_parse(evhttp_request_get_uri(req));
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL)
		recv_reply(req, 400, "{\"text\":\"Bad request\"}");
	else if (strcmp(path, "/services/collector/health") == 0 ||
	    strcmp(path, "/services/collector/health/1.0") == 0)
		recv_reply(req, 200, "{\"text\":\"HEC is healthy\","
		    "\"code\":17}");
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
	    "                    [--port-file FILE] [--fail N:STATUS]... "
	    "[--max-seconds S]\n");
	exit(2);
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
		{ NULL, 0, NULL, 0 }
	};
	struct evhttp_bound_socket	*bs;
	struct sockaddr_storage		 ss;
	struct event_base		*base;
	struct evhttp			*http;
	struct event			*sigterm, *sigint, *timer;
	struct timeval			 tv;
	socklen_t			 slen = sizeof(ss);
	const char			*listen_addr = "127.0.0.1";
	const char			*port_file = NULL, *out = NULL;
	unsigned int			 port = 0, bound;
	long				 max_s = 120;
	int				 ch, n, status;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			listen_addr = optarg;
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
		default:
			recv_usage();
		}
	}
	if (out == NULL || recv_token == NULL || optind != argc)
		recv_usage();
	signal(SIGPIPE, SIG_IGN);
	if ((recv_out = fopen(out, "a")) == NULL) {
		fprintf(stderr, "hec_receiver: %s: %s\n", out,
		    strerror(errno));
		return 1;
	}
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL) {
		fprintf(stderr, "hec_receiver: libevent setup failed\n");
		return 1;
	}
	evhttp_set_gencb(http, recv_request_cb, NULL);
	evhttp_set_max_body_size(http, RECV_MAX_BODY);
	if ((bs = evhttp_bind_socket_with_handle(http, listen_addr,
	    (unsigned short)port)) == NULL) {
		fprintf(stderr, "hec_receiver: cannot bind %s:%u\n",
		    listen_addr, port);
		return 1;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &slen) == -1) {
		fprintf(stderr, "hec_receiver: getsockname: %s\n",
		    strerror(errno));
		return 1;
	}
	bound = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	if (port_file != NULL && recv_write_port(port_file, bound) == -1) {
		fprintf(stderr, "hec_receiver: %s: %s\n", port_file,
		    strerror(errno));
		return 1;
	}
	sigterm = evsignal_new(base, SIGTERM, recv_stop_cb, base);
	sigint = evsignal_new(base, SIGINT, recv_stop_cb, base);
	timer = evtimer_new(base, recv_stop_cb, base);
	tv.tv_sec = max_s;
	tv.tv_usec = 0;
	if (sigterm == NULL || sigint == NULL || timer == NULL ||
	    evsignal_add(sigterm, NULL) == -1 ||
	    evsignal_add(sigint, NULL) == -1 ||
	    evtimer_add(timer, &tv) == -1) {
		fprintf(stderr, "hec_receiver: libevent setup failed\n");
		return 1;
	}
	fprintf(stderr, "hec_receiver: listening on %s:%u\n", listen_addr,
	    bound);
	event_base_dispatch(base);
	fprintf(stderr, "hec_receiver: %lu requests, %lu events\n",
	    recv_requests, recv_events);
	event_free(sigterm);
	event_free(sigint);
	event_free(timer);
	evhttp_free(http);
	event_base_free(base);
	fclose(recv_out);
	return 0;
}
