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
 * HEC delivery over libcurl multi, driven by libevent (STYLE 7).
 *
 * Alerts wait in one FIFO queue.  hec_pump() cuts batches off its head
 * (at most hec_batch_events alerts and hec_batch_bytes bytes, or fewer
 * once the oldest alert has waited hec_batch_ms), gzips them and starts
 * one request per batch, at most hec_max_inflight at once, round-robin
 * over the URLs.  A batch HEC did not take for a transient reason (5xx,
 * 408, 429, 401/403, timeout, connection error) goes back to the head of
 * the queue, in order, and sending pauses for an exponential backoff with
 * full jitter.  A batch refused for its content (400 and other 4xx) is
 * logged and dropped; splitting on "invalid-event-number", a dead-letter
 * file, indexer acknowledgement, the disk spool and endpoint health
 * checks are not done here yet.  Queue plus in-flight bytes are bounded
 * by hec_queue_bytes; past it the oldest queued alerts are dropped.
 *
 * libcurl's socket and timer callbacks only (re)arm libevent events; the
 * libevent handlers call curl_multi_socket_action() and then collect
 * finished transfers.  hec_pump() runs from its own event, never from
 * inside a libcurl callback.
 */
#include <sys/queue.h>

#include <curl/curl.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "config.h"
#include "hec.h"
#include "log.h"
#include "xmalloc.h"

#ifdef PACKAGE_VERSION
#define HEC_USER_AGENT		"hecsentry/" PACKAGE_VERSION
#else
#define HEC_USER_AGENT		"hecsentry/0.1.0"
#endif

#define HEC_MAXAGE_CONN		50	/* s; HEC's busy timeout is 60 s */
#define HEC_RESP_MAX		2048	/* response body bytes kept */
#define HEC_AUTH_LOG_MS		60000	/* 401/403 logged once a minute */
#define HEC_DROP_LOG_MS		10000	/* drop summary period */

struct hec_alert {
	TAILQ_ENTRY(hec_alert)	 entry;
	uint64_t		 t_ms;		/* queued at (monotonic) */
	size_t			 len;		/* bytes of data, with '\n' */
	char			 data[];	/* JSON object and '\n' */
};
TAILQ_HEAD(hec_alertq, hec_alert);

struct hec_sock {
	LIST_ENTRY(hec_sock)	 entry;
	curl_socket_t		 fd;
	struct event		*ev;		/* EV_PERSIST, curl's wishes */
};

struct hec_req {
	TAILQ_ENTRY(hec_req)	 entry;
	struct hec		*h;
	CURL			*easy;
	struct hec_alertq	 alerts;	/* the batch, in order */
	size_t			 nalerts;
	size_t			 bytes;		/* uncompressed */
	char			*body;		/* what is posted */
	size_t			 bodylen;
	size_t			 url;		/* index in cfg->hec_url */
	char			 resp[HEC_RESP_MAX + 1]; /* response body */
	size_t			 resplen;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct hec {
	struct event_base	*base;
	const struct config	*cfg;		/* borrowed */
	CURLM			*multi;
	struct curl_slist	*headers;	/* shared by all requests */
	struct event		*timer;		/* libcurl's timeout */
	struct event		*kick;		/* runs hec_pump() */
	bool			 kicked;	/* kick is active */
	struct event		*wait;		/* batch latency, backoff */
	struct event		*drain_ev;	/* drain deadline */
	struct event		*done_ev;	/* calls done() */
	struct event		*droplog;	/* drop summary */
	struct hec_alertq	 queue;		/* not yet sent */
	size_t			 nqueue;
	size_t			 queue_bytes;	/* in queue */
	size_t			 held_bytes;	/* queue and in flight */
	size_t			 inflight_alerts;
	TAILQ_HEAD(hec_reqq, hec_req) reqs;	/* in flight */
	int			 ninflight;
	LIST_HEAD(, hec_sock)	 socks;		/* sockets libcurl watches */
	size_t			 next_url;	/* round-robin */
	unsigned int		 failures;	/* consecutive failures */
	uint64_t		 retry_at;	/* no request before (ms) */
	uint64_t		 auth_logged;	/* last 401/403 log (ms) */
	uint64_t		 drop_unlogged;	/* drops since last summary */
	uint64_t		 drop_logged;	/* last summary (ms) */
	bool			 draining;
	void			(*done)(void *);
	void			*done_arg;
	struct sink_counters	 c;
};

static void	hec_kick(struct hec *);
static void	hec_pump(struct hec *);

static uint64_t
hec_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
hec_ms_to_tv(uint64_t ms, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ms / 1000);
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

/* Arms ev to fire after ms milliseconds; fatal when libevent cannot. */
static void
hec_arm(struct event *ev, uint64_t ms)
{
	struct timeval	 tv;

	hec_ms_to_tv(ms, &tv);
	if (evtimer_add(ev, &tv) == -1)
		fatalx("%s: evtimer_add failed", __func__);
}

static void
hec_alertq_free(struct hec_alertq *q)
{
	struct hec_alert	*a;

	while ((a = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, a, entry);
		free(a);
	}
}

static void
hec_req_free(struct hec_req *req)
{
	if (req == NULL)
		return;
	hec_alertq_free(&req->alerts);
	free(req->body);
	free(req);
}

static void
hec_droplog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;

	(void)fd;
	(void)what;
	if (h->drop_unlogged == 0)
		return;
	log_warnx("dropped %llu alerts: HEC queue full (hec_queue_bytes "
	    "%zu)", (unsigned long long)h->drop_unlogged,
	    h->cfg->hec_queue_bytes);
	h->drop_unlogged = 0;
	h->drop_logged = hec_now_ms();
}

/* Counts n dropped alerts; the log summary is rate-limited. */
static void
hec_note_drop(struct hec *h, size_t n)
{
	uint64_t	 now = hec_now_ms();

	h->c.dropped += n;
	h->drop_unlogged += n;
	if (evtimer_pending(h->droplog, NULL))
		return;
	if (h->drop_logged == 0 || now - h->drop_logged >= HEC_DROP_LOG_MS)
		hec_droplog_cb(-1, 0, h);
	else
		hec_arm(h->droplog, h->drop_logged + HEC_DROP_LOG_MS - now);
}

/* Puts the alerts of req back at the head of the queue, in order. */
static void
hec_requeue(struct hec *h, struct hec_req *req)
{
	struct hec_alert	*a;

	while ((a = TAILQ_LAST(&req->alerts, hec_alertq)) != NULL) {
		TAILQ_REMOVE(&req->alerts, a, entry);
		TAILQ_INSERT_HEAD(&h->queue, a, entry);
		h->nqueue++;
		h->queue_bytes += a->len;
	}
	h->inflight_alerts -= req->nalerts;
	req->nalerts = 0;
	req->bytes = 0;
}

/* One more consecutive failure: no request before the backoff ends. */
static void
hec_backoff(struct hec *h)
{
	uint64_t	 delay;
	unsigned int	 shift;

	if (h->failures < 64)
		h->failures++;
	shift = h->failures - 1 > 30 ? 30 : h->failures - 1;
	delay = (uint64_t)h->cfg->hec_retry_min_ms << shift;
	if (delay > (uint64_t)h->cfg->hec_retry_max_ms)
		delay = (uint64_t)h->cfg->hec_retry_max_ms;
	/* full jitter: uniform in [0, delay] */
	delay = arc4random_uniform((uint32_t)delay + 1);
	h->retry_at = hec_now_ms() + delay;
	log_debug("hec: failure %u, next attempt in %llu ms", h->failures,
	    (unsigned long long)delay);
}

/* ---- libcurl multi glue (STYLE 7) ---- */

static void	hec_check_done(struct hec *);
static void	hec_multi_fail(struct hec *, CURLMcode);

static void
hec_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	CURLMcode	 rc;
	int		 action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	rc = curl_multi_socket_action(h->multi, fd, action, &running);
	if (rc != CURLM_OK) {
		hec_multi_fail(h, rc);
		return;
	}
	hec_check_done(h);
}

static void
hec_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	CURLMcode	 rc;
	int		 running;

	(void)fd;
	(void)what;
	rc = curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0,
	    &running);
	if (rc != CURLM_OK) {
		hec_multi_fail(h, rc);
		return;
	}
	hec_check_done(h);
}

static void
hec_sock_free(struct hec_sock *hs)
{
	if (hs->ev != NULL)
		event_free(hs->ev);
	LIST_REMOVE(hs, entry);
	free(hs);
}

/*
 * CURLMOPT_SOCKETFUNCTION: libcurl says which events it wants on s.  Only
 * (re)arms libevent events.  Returns 0, or -1 to fail the transfer.
 */
static int
hec_sock_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct hec	*h = userp;
	struct hec_sock	*hs = socketp;
	short		 kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL)
			hec_sock_free(hs);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (hs == NULL) {
		hs = xcalloc(1, sizeof(*hs));
		hs->fd = s;
		LIST_INSERT_HEAD(&h->socks, hs, entry);
		if (curl_multi_assign(h->multi, s, hs) != CURLM_OK) {
			log_warnx("hec: curl_multi_assign failed");
			hec_sock_free(hs);
			return -1;
		}
	} else if (hs->ev != NULL) {
		event_free(hs->ev);
		hs->ev = NULL;
	}
	if ((kind & (EV_READ | EV_WRITE)) == 0)
		return 0;
	if ((hs->ev = event_new(h->base, s, kind, hec_event_cb, h)) == NULL ||
	    event_add(hs->ev, NULL) == -1) {
		log_warnx("hec: cannot watch socket %d", (int)s);
		return -1;
	}
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: -1 deletes the timer, any other value arms it. */
static int
hec_timerfn_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct hec	*h = userp;
	struct timeval	 tv;

	(void)multi;
	if (timeout_ms < 0) {
		if (evtimer_del(h->timer) == -1)
			return -1;
		return 0;
	}
	hec_ms_to_tv((uint64_t)timeout_ms, &tv);
	if (evtimer_add(h->timer, &tv) == -1)
		return -1;
	return 0;
}

/* Creates h->multi.  Returns 0 or -1. */
static int
hec_multi_setup(struct hec *h)
{
	CURLMcode	 rc;

	if ((h->multi = curl_multi_init()) == NULL)
		return -1;
	rc = curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION,
	    hec_sock_cb);
	if (rc == CURLM_OK)
		rc = curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	if (rc == CURLM_OK)
		rc = curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION,
		    hec_timerfn_cb);
	if (rc == CURLM_OK)
		rc = curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	if (rc != CURLM_OK) {
		log_warnx("hec: curl_multi_setopt: %s",
		    curl_multi_strerror(rc));
		curl_multi_cleanup(h->multi);
		h->multi = NULL;
		return -1;
	}
	return 0;
}

/* Removes and frees every in-flight request; requeues its alerts when
 * requeue, else counts them as dropped. */
static void
hec_cancel_all(struct hec *h, bool requeue)
{
	struct hec_req	*req;

	while ((req = TAILQ_LAST(&h->reqs, hec_reqq)) != NULL) {
		TAILQ_REMOVE(&h->reqs, req, entry);
		h->ninflight--;
		if (curl_multi_remove_handle(h->multi, req->easy) !=
		    CURLM_OK)
			log_warnx("hec: curl_multi_remove_handle failed");
		curl_easy_cleanup(req->easy);
		req->easy = NULL;
		if (requeue)
			hec_requeue(h, req);
		else {
			h->held_bytes -= req->bytes;
			h->inflight_alerts -= req->nalerts;
			h->c.dropped += req->nalerts;
		}
		hec_req_free(req);
	}
}

/* Tears the multi handle down; libcurl's socket callback may run. */
static void
hec_multi_teardown(struct hec *h)
{
	struct hec_sock	*hs;
	CURLMcode	 rc;

	if (h->multi != NULL &&
	    (rc = curl_multi_cleanup(h->multi)) != CURLM_OK)
		log_warnx("hec: curl_multi_cleanup: %s",
		    curl_multi_strerror(rc));
	h->multi = NULL;
	while ((hs = LIST_FIRST(&h->socks)) != NULL)
		hec_sock_free(hs);
	if (h->timer != NULL)
		evtimer_del(h->timer);
}

/*
 * curl_multi_socket_action() failed: never reuse that handle.  In-flight
 * batches go back to the queue (no spool yet) and a new handle is built.
 */
static void
hec_multi_fail(struct hec *h, CURLMcode rc)
{
	log_warnx("hec: curl_multi_socket_action: %s; rebuilding",
	    curl_multi_strerror(rc));
	hec_cancel_all(h, true);
	hec_multi_teardown(h);
	if (hec_multi_setup(h) == -1)
		fatalx("hec: cannot rebuild the curl multi handle");
	hec_backoff(h);
	hec_kick(h);
}

/* ---- responses ---- */

/* Logs HEC's {"text":..., "code":...} answer, escaped. */
static void
hec_log_refusal(struct hec *h, struct hec_req *req, long status)
{
	struct json_object	*resp, *v;
	const char		*text = "";
	char			 esc[256];
	int			 code = -1;

	req->resp[req->resplen] = '\0';
	resp = json_tokener_parse(req->resp);
	if (resp != NULL) {
		if (json_object_object_get_ex(resp, "text", &v) &&
		    json_object_is_type(v, json_type_string))
			text = json_object_get_string(v);
		if (json_object_object_get_ex(resp, "code", &v))
			code = json_object_get_int(v);
	} else
		text = req->resp;
	log_escape(text, strlen(text), esc, sizeof(esc));
	log_warnx("hec: %s refused a batch of %zu alerts: HTTP %ld, code %d, "
	    "\"%s\"; batch dropped (no dead-letter file yet)",
	    h->cfg->hec_url[req->url], req->nalerts, status, code, esc);
	json_object_put(resp);
}

/* Settles a finished request: done, retried or dropped.  Frees req. */
static void
hec_req_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	const char	*url = h->cfg->hec_url[req->url];
	uint64_t	 now;

	if (result != CURLE_OK) {
		h->c.net_errors++;
		log_warnx("hec: %s: %s; %zu alerts will be retried", url,
		    req->errbuf[0] != '\0' ? req->errbuf :
		    curl_easy_strerror(result), req->nalerts);
		goto retry;
	}
	if (status >= 200 && status < 300) {
		h->c.status_2xx++;
		h->c.delivered += req->nalerts;
		h->held_bytes -= req->bytes;
		h->inflight_alerts -= req->nalerts;
		h->failures = 0;
		hec_req_free(req);
		return;
	}
	if (status >= 500)
		h->c.status_5xx++;
	else if (status >= 400)
		h->c.status_4xx++;
	if (status >= 500 || status == 408 || status == 429) {
		log_warnx("hec: %s: HTTP %ld; %zu alerts will be retried",
		    url, status, req->nalerts);
		goto retry;
	}
	if (status == 401 || status == 403) {
		now = hec_now_ms();
		if (h->auth_logged == 0 ||
		    now - h->auth_logged >= HEC_AUTH_LOG_MS) {
			log_warnx("hec: %s: HTTP %ld: HEC REFUSES THE TOKEN "
			    "(check hec_token_file or HECSENTRY_HEC_TOKEN); "
			    "%zu alerts stay queued and are retried", url,
			    status, h->nqueue + h->inflight_alerts);
			h->auth_logged = now;
		}
		goto retry;
	}
	hec_log_refusal(h, req, status);
	h->c.rejected += req->nalerts;
	h->held_bytes -= req->bytes;
	h->inflight_alerts -= req->nalerts;
	hec_req_free(req);
	return;
retry:
	h->c.retries++;
	hec_requeue(h, req);
	hec_req_free(req);
	hec_backoff(h);
}

/* Collects finished transfers (STYLE 7 "Completion"). */
static void
hec_check_done(struct hec *h)
{
	struct hec_req	*req;
	CURLMsg		*msg;
	CURL		*easy;
	CURLcode	 result;
	char		*priv;
	long		 status;
	int		 left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		result = msg->data.result;
		if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv) !=
		    CURLE_OK || priv == NULL)
			fatalx("%s: transfer without its request", __func__);
		req = (struct hec_req *)(void *)priv;
		status = 0;
		if (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE,
		    &status) != CURLE_OK)
			status = 0;
		if (curl_multi_remove_handle(h->multi, easy) != CURLM_OK)
			log_warnx("hec: curl_multi_remove_handle failed");
		curl_easy_cleanup(easy);
		req->easy = NULL;
		TAILQ_REMOVE(&h->reqs, req, entry);
		h->ninflight--;
		hec_req_finish(h, req, result, status);
	}
	hec_kick(h);
}

/* ---- requests ---- */

static size_t
hec_write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct hec_req	*req = userdata;
	size_t		 n = size * nmemb, room;

	room = HEC_RESP_MAX - req->resplen;
	memcpy(req->resp + req->resplen, ptr, n < room ? n : room);
	req->resplen += n < room ? n : room;
	return n;
}

/* Gzips in into *out (caller frees).  Returns 0 or -1. */
static int
hec_gzip(const char *in, size_t len, char **out, size_t *outlen)
{
	z_stream	 zs;
	uLong		 bound;
	char		*buf;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&zs, (uLong)len);
	buf = xmalloc(bound);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)buf;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return 0;
}

/* Sets the options of req's easy handle.  Returns a curl code. */
static CURLcode
hec_easy_setup(struct hec *h, struct hec_req *req)
{
	const struct config	*cfg = h->cfg;
	CURL			*e = req->easy;
	CURLcode		 rc;

	rc = curl_easy_setopt(e, CURLOPT_URL, cfg->hec_url[req->url]);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)req);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_POST, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->bodylen);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, hec_write_cb);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)cfg->hec_connect_timeout_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
		    (long)cfg->hec_timeout_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_MAXAGE_CONN,
		    (long)HEC_MAXAGE_CONN);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_USERAGENT, HEC_USER_AGENT);
#if LIBCURL_VERSION_NUM >= 0x075500
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER,
		    cfg->hec_tls_verify ? 1L : 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST,
		    cfg->hec_tls_verify ? 2L : 0L);
	if (rc == CURLE_OK && cfg->hec_ca_file != NULL)
		rc = curl_easy_setopt(e, CURLOPT_CAINFO, cfg->hec_ca_file);
	if (rc == CURLE_OK && cfg->hec_ca_path != NULL)
		rc = curl_easy_setopt(e, CURLOPT_CAPATH, cfg->hec_ca_path);
	return rc;
}

/*
 * Cuts one batch off the head of the queue and starts its request.
 * Returns 0, or -1 (the batch is back in the queue).
 */
static int
hec_send(struct hec *h)
{
	const struct config	*cfg = h->cfg;
	struct hec_req		*req;
	struct hec_alert	*a;
	char			*raw, *gz;
	size_t			 off, gzlen;
	CURLcode		 rc;
	CURLMcode		 mrc;

	req = xcalloc(1, sizeof(*req));
	req->h = h;
	TAILQ_INIT(&req->alerts);
	while ((a = TAILQ_FIRST(&h->queue)) != NULL &&
	    req->nalerts < cfg->hec_batch_events &&
	    (req->nalerts == 0 || req->bytes + a->len <=
	    cfg->hec_batch_bytes)) {
		TAILQ_REMOVE(&h->queue, a, entry);
		TAILQ_INSERT_TAIL(&req->alerts, a, entry);
		h->nqueue--;
		h->queue_bytes -= a->len;
		req->nalerts++;
		req->bytes += a->len;
	}
	h->inflight_alerts += req->nalerts;
	raw = xmalloc(req->bytes);
	off = 0;
	TAILQ_FOREACH(a, &req->alerts, entry) {
		memcpy(raw + off, a->data, a->len);
		off += a->len;
	}
	if (cfg->hec_gzip) {
		if (hec_gzip(raw, req->bytes, &gz, &gzlen) == -1) {
			log_warnx("hec: gzip failed");
			free(raw);
			goto fail;
		}
		free(raw);
		req->body = gz;
		req->bodylen = gzlen;
	} else {
		req->body = raw;
		req->bodylen = req->bytes;
	}
	req->url = h->next_url;
	h->next_url = (h->next_url + 1) % cfg->nhec_url;
	if ((req->easy = curl_easy_init()) == NULL) {
		log_warnx("hec: curl_easy_init failed");
		goto fail;
	}
	if ((rc = hec_easy_setup(h, req)) != CURLE_OK) {
		log_warnx("hec: curl_easy_setopt: %s",
		    curl_easy_strerror(rc));
		goto fail_easy;
	}
	if ((mrc = curl_multi_add_handle(h->multi, req->easy)) !=
	    CURLM_OK) {
		log_warnx("hec: curl_multi_add_handle: %s",
		    curl_multi_strerror(mrc));
		goto fail_easy;
	}
	TAILQ_INSERT_TAIL(&h->reqs, req, entry);
	h->ninflight++;
	h->c.requests++;
	log_debug("hec: POST %zu alerts, %zu bytes (%zu sent) to %s",
	    req->nalerts, req->bytes, req->bodylen, cfg->hec_url[req->url]);
	return 0;
fail_easy:
	curl_easy_cleanup(req->easy);
fail:
	hec_requeue(h, req);
	hec_req_free(req);
	return -1;
}

/* Starts what may start now; arms h->wait for what must wait. */
static void
hec_pump(struct hec *h)
{
	const struct config	*cfg = h->cfg;
	uint64_t		 now, age;
	bool			 full;

	if (h->nqueue == 0) {
		evtimer_del(h->wait);
		if (h->draining && h->ninflight == 0) {
			h->draining = false;
			evtimer_del(h->drain_ev);
			event_active(h->done_ev, EV_TIMEOUT, 1);
		}
		return;
	}
	now = hec_now_ms();
	if (now < h->retry_at) {
		hec_arm(h->wait, h->retry_at - now);
		return;
	}
	while (h->ninflight < cfg->hec_max_inflight && h->nqueue > 0) {
		full = h->nqueue >= cfg->hec_batch_events ||
		    h->queue_bytes >= cfg->hec_batch_bytes;
		if (!full && !h->draining) {
			age = now - TAILQ_FIRST(&h->queue)->t_ms;
			if (age < (uint64_t)cfg->hec_batch_ms) {
				hec_arm(h->wait, cfg->hec_batch_ms - age);
				return;
			}
		}
		if (hec_send(h) == -1) {
			hec_backoff(h);
			hec_arm(h->wait, h->retry_at - now);
			return;
		}
	}
}

static void
hec_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;

	(void)fd;
	(void)what;
	h->kicked = false;
	hec_pump(h);
}

static void
hec_wait_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	hec_pump(arg);
}

/* Runs hec_pump() soon, from the loop. */
static void
hec_kick(struct hec *h)
{
	if (h->kicked)
		return;
	h->kicked = true;
	event_active(h->kick, EV_TIMEOUT, 1);
}

static void
hec_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	void		(*done)(void *) = h->done;

	(void)fd;
	(void)what;
	h->done = NULL;
	if (done != NULL)
		done(h->done_arg);
}

static void
hec_drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	size_t		 n;

	(void)fd;
	(void)what;
	n = h->nqueue + h->inflight_alerts;
	log_warnx("hec: %zu alerts not delivered within the shutdown "
	    "timeout; dropped", n);
	hec_cancel_all(h, false);
	h->c.dropped += h->nqueue;
	hec_alertq_free(&h->queue);
	h->held_bytes -= h->queue_bytes;
	h->nqueue = 0;
	h->queue_bytes = 0;
	h->draining = false;
	evtimer_del(h->wait);
	event_active(h->done_ev, EV_TIMEOUT, 1);
}

/* ---- public ---- */

struct hec *
hec_new(struct event_base *base, const struct config *cfg, char **errstr)
{
	struct curl_slist	*l;
	struct hec		*h;
	char			*auth;

	*errstr = NULL;
	if (cfg->nhec_url == 0 || cfg->hec_token == NULL) {
		xasprintf(errstr, "hec: no hec_url or no token");
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->base = base;
	h->cfg = cfg;
	TAILQ_INIT(&h->queue);
	TAILQ_INIT(&h->reqs);
	LIST_INIT(&h->socks);
	if ((h->timer = evtimer_new(base, hec_timer_cb, h)) == NULL ||
	    (h->kick = event_new(base, -1, 0, hec_kick_cb, h)) == NULL ||
	    (h->wait = evtimer_new(base, hec_wait_cb, h)) == NULL ||
	    (h->drain_ev = evtimer_new(base, hec_drain_timeout_cb, h)) ==
	    NULL ||
	    (h->done_ev = event_new(base, -1, 0, hec_done_cb, h)) == NULL ||
	    (h->droplog = evtimer_new(base, hec_droplog_cb, h)) == NULL) {
		xasprintf(errstr, "hec: cannot create events");
		goto fail;
	}
	xasprintf(&auth, "Authorization: Splunk %s", cfg->hec_token);
	l = curl_slist_append(NULL, auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	if ((h->headers = l) == NULL ||
	    (l = curl_slist_append(h->headers,
	    "Content-Type: application/json")) == NULL ||
	    (l = curl_slist_append(h->headers, "Expect:")) == NULL ||
	    (cfg->hec_gzip && (l = curl_slist_append(h->headers,
	    "Content-Encoding: gzip")) == NULL)) {
		xasprintf(errstr, "hec: cannot build request headers");
		goto fail;
	}
	if (hec_multi_setup(h) == -1) {
		xasprintf(errstr, "hec: cannot create the curl multi handle");
		goto fail;
	}
	if (!cfg->hec_tls_verify)
		log_warnx("hec: hec_tls_verify = no: HEC's certificate is "
		    "NOT verified");
	return h;
fail:
	hec_free(h);
	return NULL;
}

void
hec_free(struct hec *h)
{
	struct curl_slist	*l;

	if (h == NULL)
		return;
	/* STYLE 7 teardown: easy handles, multi, then our events */
	if (h->multi != NULL)
		hec_cancel_all(h, true);
	hec_multi_teardown(h);
	if (h->drop_unlogged > 0)
		hec_droplog_cb(-1, 0, h);
	if (h->timer != NULL)
		event_free(h->timer);
	if (h->kick != NULL)
		event_free(h->kick);
	if (h->wait != NULL)
		event_free(h->wait);
	if (h->drain_ev != NULL)
		event_free(h->drain_ev);
	if (h->done_ev != NULL)
		event_free(h->done_ev);
	if (h->droplog != NULL)
		event_free(h->droplog);
	hec_alertq_free(&h->queue);
	for (l = h->headers; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(h->headers);
	free(h);
}

int
hec_submit(struct hec *h, const char *json, size_t len)
{
	struct hec_alert	*a;
	size_t			 need = len + 1;

	h->c.submitted++;
	if (need > h->cfg->hec_queue_bytes) {
		hec_note_drop(h, 1);
		return 0;
	}
	while (h->held_bytes + need > h->cfg->hec_queue_bytes &&
	    (a = TAILQ_FIRST(&h->queue)) != NULL) {
		TAILQ_REMOVE(&h->queue, a, entry);
		h->nqueue--;
		h->queue_bytes -= a->len;
		h->held_bytes -= a->len;
		free(a);
		hec_note_drop(h, 1);
	}
	if (h->held_bytes + need > h->cfg->hec_queue_bytes) {
		/* all that is held is in flight */
		hec_note_drop(h, 1);
		return 0;
	}
	a = xmalloc(sizeof(*a) + need);
	a->t_ms = hec_now_ms();
	a->len = need;
	memcpy(a->data, json, len);
	a->data[len] = '\n';
	TAILQ_INSERT_TAIL(&h->queue, a, entry);
	h->nqueue++;
	h->queue_bytes += need;
	h->held_bytes += need;
	hec_kick(h);
	return 0;
}

void
hec_drain(struct hec *h, int timeout_s, void (*done)(void *), void *arg)
{
	h->draining = true;
	h->done = done;
	h->done_arg = arg;
	hec_arm(h->drain_ev, (uint64_t)(timeout_s > 0 ? timeout_s : 0) *
	    1000);
	/* a drain sends now: no batch latency, no backoff left to wait */
	h->retry_at = 0;
	hec_kick(h);
}

bool
hec_backlogged(const struct hec *h)
{
	return h->held_bytes > h->cfg->hec_queue_bytes / 4 * 3;
}

void
hec_get_counters(const struct hec *h, struct sink_counters *c)
{
	*c = h->c;
	c->queued = h->nqueue + h->inflight_alerts;
	c->queued_bytes = h->held_bytes;
}
