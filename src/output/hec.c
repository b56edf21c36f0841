/*
 * HEC delivery over libcurl multi, driven by libevent (SPEC 5, STYLE 7).
 *
 * With spool_dir set, every alert is first appended to the durable spool
 * (spool.c) and counts as emitted once it is there; the sender reads the
 * spool through a cursor into a bounded in-memory queue, and a record
 * leaves the spool (spool_ack) only when HEC accepted it, or, with
 * hec_acks, once HEC's indexer acknowledged it.  At start-up the cursor
 * starts at the oldest unacknowledged record, so what a crash left is
 * sent again, in order.  Without a spool the alerts wait in the memory
 * queue only, bounded by hec_queue_bytes (oldest dropped first).
 *
 * hec_pump() cuts batches off the head of the queue (at most
 * hec_batch_events alerts and hec_batch_bytes bytes, or fewer once the
 * oldest alert has waited hec_batch_ms), gzips them and posts each to
 * the next usable endpoint, round-robin, at most hec_max_inflight at
 * once.  Answers:
 *   2xx          done (with acks: waits for its ackId to turn true);
 *   5xx, 408, 429, timeouts, connection errors
 *                the batch goes back to the head of the queue and the
 *                endpoint backs off (exponential, full jitter); after a
 *                connection error or HEC_EJECT_AFTER failures in a row it
 *                is ejected until GET /services/collector/health says 200
 *                (probed every hec_health_interval);
 *   413          the batch is split: batches are capped at half its size
 *                (the cap doubles back after each success);
 *   400 with invalid-event-number N
 *                events before N were accepted, event N is dead-lettered,
 *                the rest go back to the queue; a 400 without it splits
 *                the batch, and a lone event is dead-lettered;
 *   401, 403     the token is refused: logged loudly, data stays queued,
 *                retried with backoff until the token works;
 *   other 4xx    the batch is dead-lettered.
 * The dead-letter file gets each refused alert as one JSON line
 * (hec_dead_letter_file, default SPOOL_DIR/dead-letter.jsonl; without
 * either they are logged and dropped).
 *
 * Indexer acknowledgement (hec_acks): each endpoint has its own channel
 * GUID; acknowledged batches wait on the endpoint that took them, which
 * is polled (POST /services/collector/ack) every hec_ack_poll_ms; a batch
 * not acknowledged within hec_ack_timeout is sent again.
 *
 * libcurl's socket and timer callbacks only (re)arm libevent events; the
 * libevent handlers call curl_multi_socket_action() and then collect
 * finished transfers.  hec_pump() runs from its own event, never from
 * inside a libcurl callback.  A 200 ms tick syncs the spool (fsync
 * "batch"), polls acks, expires them and probes ejected endpoints; a
 * summary of the counters is logged every minute when they changed.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/queue.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "daemon/config.h"
#include "output/hec.h"
#include "log.h"
#include "output/spool.h"
#include "xmalloc.h"

#ifdef PACKAGE_VERSION
#define HEC_USER_AGENT		"hecsentry/" PACKAGE_VERSION
#else
#define HEC_USER_AGENT		"hecsentry/0.1.0"
#endif

#define HEC_MAXAGE_CONN		50	/* s; HEC's busy timeout is 60 s */
#define HEC_RESP_MAX		16384	/* response body bytes kept */
#define HEC_AUTH_LOG_MS		60000	/* 401/403 logged once a minute */
#define HEC_DROP_LOG_MS		10000	/* drop summary period */
#define HEC_TICK_MS		200	/* spool sync, acks, probes */
#define HEC_SUMMARY_MS		60000	/* counters summary period */
#define HEC_EJECT_AFTER		3	/* failures in a row: eject */
#define HEC_ACKS_PER_POLL	1000	/* ack ids in one poll */
#define HEC_SPOOL_ERR_LOG_MS	10000	/* spool append errors */

enum hec_kind {
	HEC_REQ_EVENTS = 0,		/* a batch of alerts */
	HEC_REQ_ACK,			/* an ack poll */
	HEC_REQ_HEALTH			/* a health probe */
};

struct hec_alert {
	TAILQ_ENTRY(hec_alert)	 entry;
	uint64_t		 t_ms;		/* queued at (monotonic) */
	uint64_t		 seq;		/* spool record, 0 = none */
	size_t			 len;		/* bytes of data, with '\n' */
	char			 data[];	/* JSON object and '\n' */
};
TAILQ_HEAD(hec_alertq, hec_alert);

struct hec_sock {
	LIST_ENTRY(hec_sock)	 entry;
	curl_socket_t		 fd;
	struct event		*ev;		/* EV_PERSIST, curl's wishes */
};

struct hec_ep;

struct hec_req {
	TAILQ_ENTRY(hec_req)	 entry;		/* h->reqs or ep->waiting */
	struct hec		*h;
	enum hec_kind		 kind;
	struct hec_ep		*ep;		/* where it goes */
	CURL			*easy;
	struct hec_alertq	 alerts;	/* the batch, in order */
	size_t			 nalerts;
	size_t			 bytes;		/* uncompressed */
	char			*body;		/* what is posted */
	size_t			 bodylen;
	uint64_t		 ack_id;	/* HEC_REQ_EVENTS with acks */
	uint64_t		 ack_deadline;	/* resend after (ms) */
	char			 resp[HEC_RESP_MAX + 1]; /* response body */
	size_t			 resplen;
	char			 errbuf[CURL_ERROR_SIZE];
};
TAILQ_HEAD(hec_reqq, hec_req);

/* One HEC URL. */
struct hec_ep {
	const char		*url;		/* cfg->hec_url[i] */
	char			*ack_url;	/* .../ack?channel=GUID */
	char			*health_url;
	char			 channel[37];	/* GUID, for acks */
	struct curl_slist	*headers;	/* event posts */
	struct curl_slist	*ack_headers;	/* ack polls */
	bool			 ejected;	/* waits for a good probe */
	bool			 probing;	/* health probe in flight */
	bool			 polling;	/* ack poll in flight */
	unsigned int		 failures;	/* in a row */
	uint64_t		 retry_at;	/* no request before (ms) */
	uint64_t		 poll_at;	/* next ack poll (ms) */
	struct hec_reqq		 waiting;	/* batches awaiting acks */
	size_t			 nwaiting;
};

struct hec {
	struct event_base	*base;
	const struct config	*cfg;		/* borrowed */
	CURLM			*multi;
	struct event		*timer;		/* libcurl's timeout */
	struct event		*kick;		/* runs hec_pump() */
	bool			 kicked;	/* kick is active */
	struct event		*wait;		/* batch latency, backoff */
	struct event		*tick;		/* HEC_TICK_MS */
	struct event		*drain_ev;	/* drain deadline */
	struct event		*done_ev;	/* calls done() */
	struct event		*droplog;	/* drop summary */
	struct hec_ep		*eps;		/* one per hec_url */
	size_t			 neps;
	size_t			 next_ep;	/* round-robin */
	struct spool		*spool;		/* NULL without spool_dir */
	struct spool_cursor	 cursor;	/* next record to read */
	bool			 spool_sync;	/* fsync "batch" */
	char			*dlq_path;	/* dead-letter file, or NULL */
	int			 dlq_fd;
	struct hec_alertq	 queue;		/* not yet sent */
	size_t			 nqueue;
	size_t			 queue_bytes;	/* in queue */
	size_t			 held_bytes;	/* queue, in flight, waiting */
	size_t			 held_alerts;	/* the same, in alerts */
	size_t			 cap_events;	/* batch caps after splits */
	size_t			 cap_bytes;
	struct hec_reqq		 reqs;		/* in flight */
	int			 ninflight;	/* HEC_REQ_EVENTS in reqs */
	LIST_HEAD(, hec_sock)	 socks;		/* sockets libcurl watches */
	uint64_t		 auth_logged;	/* last 401/403 log (ms) */
	uint64_t		 drop_unlogged;	/* drops since last summary */
	uint64_t		 drop_logged;	/* last summary (ms) */
	uint64_t		 spool_err_logged; /* last append error log */
	uint64_t		 summary_at;	/* next summary (ms) */
	struct sink_counters	 logged;	/* counters at the last one */
	bool			 draining;
	void			(*done)(void *);
	void			*done_arg;
	struct sink_counters	 c;
};

static void	hec_kick(struct hec *);
static void	hec_pump(struct hec *);
static void	hec_free(void *);
static void	hec_get_counters(const void *, struct sink_counters *);

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

/* Frees an alert and forgets its bytes. */
static void
hec_alert_free(struct hec *h, struct hec_alert *a)
{
	h->held_bytes -= a->len;
	h->held_alerts--;
	free(a);
}

/* Frees every alert of q (they are counted in held_*). */
static void
hec_alertq_free(struct hec *h, struct hec_alertq *q)
{
	struct hec_alert	*a;

	while ((a = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, a, entry);
		hec_alert_free(h, a);
	}
}

static void
hec_req_free(struct hec_req *req)
{
	if (req == NULL)
		return;
	hec_alertq_free(req->h, &req->alerts);
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
	req->nalerts = 0;
	req->bytes = 0;
}

/* A jittered exponential delay for the nth failure in a row (n >= 1). */
static uint64_t
hec_backoff_ms(const struct hec *h, unsigned int n)
{
	uint64_t	 delay;
	unsigned int	 shift;

	shift = n - 1 > 30 ? 30 : n - 1;
	delay = (uint64_t)h->cfg->hec_retry_min_ms << shift;
	if (delay > (uint64_t)h->cfg->hec_retry_max_ms)
		delay = (uint64_t)h->cfg->hec_retry_max_ms;
	/* full jitter: uniform in [0, delay] */
	return arc4random_uniform((uint32_t)delay + 1);
}

/*
 * Endpoint ep failed once more: it backs off, and is ejected (until a
 * health probe passes) when eject or after HEC_EJECT_AFTER in a row.
 */
static void
hec_ep_fail(struct hec *h, struct hec_ep *ep, bool eject)
{
	uint64_t	 delay;

	if (ep->failures < 64)
		ep->failures++;
	delay = hec_backoff_ms(h, ep->failures);
	ep->retry_at = hec_now_ms() + delay;
	if ((eject || ep->failures >= HEC_EJECT_AFTER) && !ep->ejected) {
		ep->ejected = true;
		h->c.ejections++;
		log_warnx("hec: %s ejected after %u failures in a row; "
		    "re-checked through /services/collector/health", ep->url,
		    ep->failures);
	}
	log_debug("hec: %s: failure %u, next attempt in %llu ms", ep->url,
	    ep->failures, (unsigned long long)delay);
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

/*
 * Removes and frees every in-flight request.  The alerts of batches go
 * back to the queue when requeue, else they are let go: counted as
 * dropped without a spool, left in the spool (unacked) with one.
 */
static void
hec_cancel_all(struct hec *h, bool requeue)
{
	struct hec_req	*req;

	while ((req = TAILQ_LAST(&h->reqs, hec_reqq)) != NULL) {
		TAILQ_REMOVE(&h->reqs, req, entry);
		if (curl_multi_remove_handle(h->multi, req->easy) !=
		    CURLM_OK)
			log_warnx("hec: curl_multi_remove_handle failed");
		curl_easy_cleanup(req->easy);
		req->easy = NULL;
		switch (req->kind) {
		case HEC_REQ_EVENTS:
			h->ninflight--;
			if (requeue)
				hec_requeue(h, req);
			else if (h->spool == NULL)
				h->c.dropped += req->nalerts;
			break;
		case HEC_REQ_ACK:
			req->ep->polling = false;
			break;
		case HEC_REQ_HEALTH:
			req->ep->probing = false;
			break;
		}
		hec_req_free(req);
	}
}

/* Cleans up the multi handle (STYLE 7 teardown, after the handles). */
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
 * batches go back to the queue (they are still in the spool, if any) and
 * a new handle is built.
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
	hec_kick(h);
}

/* ---- outcomes ---- */

/* Alert a left for good (delivered or dead-lettered): off the spool. */
static void
hec_settle(struct hec *h, struct hec_alert *a)
{
	if (h->spool != NULL && a->seq != 0 &&
	    spool_ack(h->spool, a->seq) == -1)
		h->c.spool_errors++;
	hec_alert_free(h, a);
}

/* Alert a was accepted (and acknowledged) now: its delivery latency. */
static void
hec_latency(struct hec *h, const struct hec_alert *a, uint64_t now)
{
	uint64_t	 ms = now > a->t_ms ? now - a->t_ms : 0;

	h->c.latency_ms_sum += ms;
	h->c.latency_measured++;
	h->c.latency_buckets[sink_latency_bucket(ms)]++;
	if (ms > h->c.latency_ms_max)
		h->c.latency_ms_max = ms;
}

/* Every alert of req was accepted (and acknowledged): settles them. */
static void
hec_complete(struct hec *h, struct hec_req *req)
{
	struct hec_alert	*a;
	uint64_t		 now = hec_now_ms();

	while ((a = TAILQ_FIRST(&req->alerts)) != NULL) {
		TAILQ_REMOVE(&req->alerts, a, entry);
		hec_latency(h, a, now);
		hec_settle(h, a);
	}
	h->c.delivered += req->nalerts;
	req->nalerts = 0;
	req->bytes = 0;
}

/* Opens the dead-letter file on first use.  0, or -1 (logged). */
static int
hec_dlq_open(struct hec *h)
{
	if (h->dlq_fd != -1)
		return 0;
	if (h->dlq_path == NULL)
		return -1;
	h->dlq_fd = open(h->dlq_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0640);
	if (h->dlq_fd == -1) {
		log_warn("hec: dead-letter file %s", h->dlq_path);
		return -1;
	}
	return 0;
}

/*
 * HEC refused alert a for its content: it goes to the dead-letter file
 * (or, without one, is dropped) and leaves the spool.  Frees a.
 */
static void
hec_dead_letter(struct hec *h, struct hec_alert *a)
{
	ssize_t	 n;

	h->c.rejected++;
	if (hec_dlq_open(h) == 0) {
		do
			n = write(h->dlq_fd, a->data, a->len);
		while (n == -1 && errno == EINTR);
		if (n == (ssize_t)a->len)
			h->c.dead_lettered++;
		else {
			log_warn("hec: dead-letter file %s: write",
			    h->dlq_path);
			h->c.dropped++;
		}
	} else
		h->c.dropped++;
	hec_settle(h, a);
}

/* Reads HEC's {"text":..., "code":..., "invalid-event-number":...}. */
static void
hec_parse_answer(struct hec_req *req, char *text, size_t textsz,
    int *code, long *invalid, long *ack_id)
{
	struct json_object	*resp, *v;
	const char		*t = req->resp;

	*code = -1;
	*invalid = -1;
	*ack_id = -1;
	req->resp[req->resplen] = '\0';
	resp = json_tokener_parse(req->resp);
	if (resp != NULL && json_object_is_type(resp, json_type_object)) {
		t = "";
		if (json_object_object_get_ex(resp, "text", &v) &&
		    json_object_is_type(v, json_type_string))
			t = json_object_get_string(v);
		if (json_object_object_get_ex(resp, "code", &v))
			*code = json_object_get_int(v);
		if (json_object_object_get_ex(resp, "invalid-event-number",
		    &v) && json_object_is_type(v, json_type_int))
			*invalid = (long)json_object_get_int64(v);
		if (json_object_object_get_ex(resp, "ackId", &v) &&
		    json_object_is_type(v, json_type_int))
			*ack_id = (long)json_object_get_int64(v);
	}
	log_escape(t, strlen(t), text, textsz);
	json_object_put(resp);
}

/* Caps the next batches at half of req (413, or a 400 to bisect). */
static void
hec_split(struct hec *h, struct hec_req *req)
{
	h->c.splits++;
	h->cap_events = req->nalerts / 2 > 0 ? req->nalerts / 2 : 1;
	h->cap_bytes = req->bytes / 2 > 0 ? req->bytes / 2 : 1;
	hec_requeue(h, req);
}

/*
 * 400: events before invalid (when HEC named one) were accepted, that
 * one is dead-lettered, the rest is sent again.  Without a number the
 * batch is bisected; a lone alert is dead-lettered.
 */
static void
hec_refused_400(struct hec *h, struct hec_req *req, long invalid)
{
	struct hec_alert	*a;
	long			 i;

	if (invalid < 0 || (size_t)invalid >= req->nalerts) {
		if (req->nalerts > 1) {
			hec_split(h, req);
			return;
		}
		invalid = 0;
	}
	for (i = 0; i < invalid; i++) {
		a = TAILQ_FIRST(&req->alerts);
		TAILQ_REMOVE(&req->alerts, a, entry);
		hec_latency(h, a, hec_now_ms());
		hec_settle(h, a);
		h->c.delivered++;
	}
	a = TAILQ_FIRST(&req->alerts);
	TAILQ_REMOVE(&req->alerts, a, entry);
	hec_dead_letter(h, a);
	req->nalerts -= (size_t)invalid + 1;
	hec_requeue(h, req);
}

/* Settles a finished batch: done, waiting for its ack, retried, split
 * or dead-lettered.  Frees req unless it now waits for its ack. */
static void
hec_events_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	struct hec_ep		*ep = req->ep;
	struct hec_alert	*a;
	char			 text[256];
	uint64_t		 now = hec_now_ms();
	long			 invalid, ack_id;
	int			 code;

	if (result != CURLE_OK) {
		h->c.net_errors++;
		log_warnx("hec: %s: %s; %zu alerts will be retried", ep->url,
		    req->errbuf[0] != '\0' ? req->errbuf :
		    curl_easy_strerror(result), req->nalerts);
		hec_ep_fail(h, ep, true);
		goto retry;
	}
	hec_parse_answer(req, text, sizeof(text), &code, &invalid, &ack_id);
	if (status >= 200 && status < 300) {
		h->c.status_2xx++;
		ep->failures = 0;
		if (h->cap_events < h->cfg->hec_batch_events)
			h->cap_events *= 2;
		if (h->cap_bytes < h->cfg->hec_batch_bytes)
			h->cap_bytes *= 2;
		if (h->cfg->hec_acks && ack_id >= 0) {
			req->ack_id = (uint64_t)ack_id;
			req->ack_deadline = now +
			    (uint64_t)h->cfg->hec_ack_timeout_ms;
			TAILQ_INSERT_TAIL(&ep->waiting, req, entry);
			ep->nwaiting++;
			if (ep->poll_at == 0)
				ep->poll_at = now +
				    (uint64_t)h->cfg->hec_ack_poll_ms;
			return;
		}
		hec_complete(h, req);
		hec_req_free(req);
		return;
	}
	if (status >= 500)
		h->c.status_5xx++;
	else if (status >= 400)
		h->c.status_4xx++;
	if (status >= 500 || status == 408 || status == 429) {
		log_warnx("hec: %s: HTTP %ld \"%s\"; %zu alerts will be "
		    "retried", ep->url, status, text, req->nalerts);
		hec_ep_fail(h, ep, false);
		goto retry;
	}
	if (status == 401 || status == 403) {
		if (h->auth_logged == 0 ||
		    now - h->auth_logged >= HEC_AUTH_LOG_MS) {
			log_warnx("hec: %s: HTTP %ld \"%s\": HEC REFUSES THE "
			    "TOKEN (check hec_token_file or "
			    "HECSENTRY_HEC_TOKEN); %zu alerts stay queued "
			    "and are retried", ep->url, status, text,
			    h->held_alerts);
			h->auth_logged = now;
		}
		h->c.auth_errors++;
		if (ep->failures < 64)
			ep->failures++;
		ep->retry_at = now + hec_backoff_ms(h, ep->failures);
		goto retry;
	}
	if (status == 413) {
		log_info("hec: %s: HTTP 413 for %zu alerts, %zu bytes: "
		    "splitting", ep->url, req->nalerts, req->bytes);
		if (req->nalerts > 1)
			hec_split(h, req);
		else {
			a = TAILQ_FIRST(&req->alerts);
			TAILQ_REMOVE(&req->alerts, a, entry);
			req->nalerts = 0;
			hec_dead_letter(h, a);
		}
		hec_req_free(req);
		return;
	}
	log_warnx("hec: %s refused a batch of %zu alerts: HTTP %ld, code %d"
	    ", invalid event %ld, \"%s\"", ep->url, req->nalerts, status,
	    code, invalid, text);
	if (status == 400) {
		hec_refused_400(h, req, invalid);
		hec_req_free(req);
		return;
	}
	while ((a = TAILQ_FIRST(&req->alerts)) != NULL) {
		TAILQ_REMOVE(&req->alerts, a, entry);
		hec_dead_letter(h, a);
	}
	req->nalerts = 0;
	hec_req_free(req);
	return;
retry:
	h->c.retries++;
	hec_requeue(h, req);
	hec_req_free(req);
}

/* Settles an ack poll: {"acks":{"ID":true,...}}.  Frees req. */
static void
hec_ack_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	struct json_object	*resp, *acks, *v;
	struct hec_ep		*ep = req->ep;
	struct hec_req		*w, *next;
	char			 key[24];

	ep->polling = false;
	ep->poll_at = hec_now_ms() + (uint64_t)h->cfg->hec_ack_poll_ms;
	if (result != CURLE_OK || status != 200) {
		log_debug("hec: %s: ack poll failed (HTTP %ld)", ep->url,
		    status);
		hec_req_free(req);
		return;
	}
	req->resp[req->resplen] = '\0';
	resp = json_tokener_parse(req->resp);
	if (resp == NULL || !json_object_object_get_ex(resp, "acks",
	    &acks) || !json_object_is_type(acks, json_type_object)) {
		log_warnx("hec: %s: ack poll answer not understood", ep->url);
		goto out;
	}
	for (w = TAILQ_FIRST(&ep->waiting); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		snprintf(key, sizeof(key), "%llu",
		    (unsigned long long)w->ack_id);
		if (!json_object_object_get_ex(acks, key, &v) ||
		    !json_object_get_boolean(v))
			continue;
		TAILQ_REMOVE(&ep->waiting, w, entry);
		ep->nwaiting--;
		h->c.acked++;
		hec_complete(h, w);
		hec_req_free(w);
	}
out:
	json_object_put(resp);
	hec_req_free(req);
	hec_kick(h);
}

/* Settles a health probe.  Frees req. */
static void
hec_health_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	struct hec_ep	*ep = req->ep;

	ep->probing = false;
	if (result == CURLE_OK && status == 200) {
		log_info("hec: %s is healthy again", ep->url);
		ep->ejected = false;
		ep->retry_at = 0;
	} else
		ep->retry_at = hec_now_ms() +
		    (uint64_t)h->cfg->hec_health_interval_ms;
	hec_req_free(req);
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
		switch (req->kind) {
		case HEC_REQ_EVENTS:
			h->ninflight--;
			hec_events_finish(h, req, result, status);
			break;
		case HEC_REQ_ACK:
			hec_ack_finish(h, req, result, status);
			break;
		case HEC_REQ_HEALTH:
			hec_health_finish(h, req, result, status);
			break;
		}
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

/* Sets the options of req's easy handle for url.  Returns a curl code. */
static CURLcode
hec_easy_setup(struct hec *h, struct hec_req *req, const char *url)
{
	const struct config	*cfg = h->cfg;
	CURL			*e = req->easy;
	CURLcode		 rc;

	rc = curl_easy_setopt(e, CURLOPT_URL, url);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)req);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
	if (rc == CURLE_OK && req->kind == HEC_REQ_HEALTH)
		rc = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	else {
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_POST, 1L);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->bodylen);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS,
			    req->body);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(e, CURLOPT_HTTPHEADER,
			    req->kind == HEC_REQ_ACK ? req->ep->ack_headers :
			    req->ep->headers);
	}
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

/* Starts req on url.  Returns 0, or -1 (logged; req not started). */
static int
hec_start(struct hec *h, struct hec_req *req, const char *url)
{
	CURLcode	 rc;
	CURLMcode	 mrc;

	if ((req->easy = curl_easy_init()) == NULL) {
		log_warnx("hec: curl_easy_init failed");
		return -1;
	}
	if ((rc = hec_easy_setup(h, req, url)) != CURLE_OK) {
		log_warnx("hec: curl_easy_setopt: %s",
		    curl_easy_strerror(rc));
		goto fail;
	}
	if ((mrc = curl_multi_add_handle(h->multi, req->easy)) !=
	    CURLM_OK) {
		log_warnx("hec: curl_multi_add_handle: %s",
		    curl_multi_strerror(mrc));
		goto fail;
	}
	TAILQ_INSERT_TAIL(&h->reqs, req, entry);
	return 0;
fail:
	curl_easy_cleanup(req->easy);
	req->easy = NULL;
	return -1;
}

static struct hec_req *
hec_req_new(struct hec *h, enum hec_kind kind, struct hec_ep *ep)
{
	struct hec_req	*req;

	req = xcalloc(1, sizeof(*req));
	req->h = h;
	req->kind = kind;
	req->ep = ep;
	TAILQ_INIT(&req->alerts);
	return req;
}

/*
 * Cuts one batch off the head of the queue and posts it to ep.  Returns
 * 0, or -1 (the batch is back in the queue).
 */
static int
hec_send(struct hec *h, struct hec_ep *ep)
{
	const struct config	*cfg = h->cfg;
	struct hec_req		*req;
	struct hec_alert	*a;
	char			*raw, *gz;
	size_t			 off, gzlen;

	req = hec_req_new(h, HEC_REQ_EVENTS, ep);
	while ((a = TAILQ_FIRST(&h->queue)) != NULL &&
	    req->nalerts < h->cap_events &&
	    (req->nalerts == 0 || req->bytes + a->len <= h->cap_bytes)) {
		TAILQ_REMOVE(&h->queue, a, entry);
		TAILQ_INSERT_TAIL(&req->alerts, a, entry);
		h->nqueue--;
		h->queue_bytes -= a->len;
		req->nalerts++;
		req->bytes += a->len;
	}
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
	if (hec_start(h, req, ep->url) == -1)
		goto fail;
	h->ninflight++;
	h->c.requests++;
	log_debug("hec: POST %zu alerts, %zu bytes (%zu sent) to %s",
	    req->nalerts, req->bytes, req->bodylen, ep->url);
	return 0;
fail:
	hec_requeue(h, req);
	hec_req_free(req);
	return -1;
}

/* Asks ep about the ack ids of its waiting batches. */
static void
hec_poll_acks(struct hec *h, struct hec_ep *ep)
{
	struct hec_req	*req, *w;
	size_t		 n = 0;
	int		 len;
	char		 num[24];
	size_t		 off = 0, cap;

	cap = 16 + ep->nwaiting * sizeof(num);
	req = hec_req_new(h, HEC_REQ_ACK, ep);
	req->body = xmalloc(cap);
	off += (size_t)snprintf(req->body, cap, "{\"acks\":[");
	TAILQ_FOREACH(w, &ep->waiting, entry) {
		if (n == HEC_ACKS_PER_POLL)
			break;
		len = snprintf(num, sizeof(num), "%s%llu", n > 0 ? "," : "",
		    (unsigned long long)w->ack_id);
		memcpy(req->body + off, num, (size_t)len);
		off += (size_t)len;
		n++;
	}
	memcpy(req->body + off, "]}", 3);
	req->bodylen = off + 2;
	if (hec_start(h, req, ep->ack_url) == -1) {
		hec_req_free(req);
		return;
	}
	ep->polling = true;
	h->c.ack_polls++;
}

/* GET /services/collector/health on an ejected endpoint. */
static void
hec_probe(struct hec *h, struct hec_ep *ep)
{
	struct hec_req	*req;

	req = hec_req_new(h, HEC_REQ_HEALTH, ep);
	if (hec_start(h, req, ep->health_url) == -1) {
		hec_req_free(req);
		ep->retry_at = hec_now_ms() +
		    (uint64_t)h->cfg->hec_health_interval_ms;
		return;
	}
	ep->probing = true;
	h->c.probes++;
}

/* ---- the queue ---- */

/* Appends a copy of json (and a newline) to the queue as record seq. */
static void
hec_enqueue(struct hec *h, const char *json, size_t len, uint64_t seq)
{
	struct hec_alert	*a;

	a = xmalloc(sizeof(*a) + len + 1);
	a->t_ms = hec_now_ms();
	a->seq = seq;
	a->len = len + 1;
	memcpy(a->data, json, len);
	a->data[len] = '\n';
	TAILQ_INSERT_TAIL(&h->queue, a, entry);
	h->nqueue++;
	h->queue_bytes += a->len;
	h->held_bytes += a->len;
	h->held_alerts++;
}

/*
 * Reads spooled records into the queue: enough for every request slot
 * twice over, and never more than hec_queue_bytes held in memory.
 * Returns true when the spool may hold more.
 */
static bool
hec_fill(struct hec *h)
{
	const struct config	*cfg = h->cfg;
	struct spool_record	 rec;
	size_t			 want;
	int			 rc, budget = 100000;

	if (h->spool == NULL)
		return false;
	want = cfg->hec_batch_bytes * (size_t)cfg->hec_max_inflight * 2;
	while (h->queue_bytes < want &&
	    h->held_bytes < cfg->hec_queue_bytes && budget-- > 0) {
		rc = spool_next(h->spool, &h->cursor, &rec);
		if (rc == 0)
			return false;
		if (rc == -1) {
			h->c.spool_errors++;
			continue;
		}
		hec_enqueue(h, rec.data, rec.len, rec.seq);
	}
	return true;
}

/* The next endpoint in turn that takes traffic now, or NULL; *wake is
 * then the earliest retry time of a backed-off one (0 when none). */
static struct hec_ep *
hec_pick(struct hec *h, uint64_t now, uint64_t *wake)
{
	struct hec_ep	*ep;
	size_t		 i, k;

	*wake = 0;
	for (i = 0; i < h->neps; i++) {
		k = (h->next_ep + i) % h->neps;
		ep = &h->eps[k];
		if (ep->ejected)
			continue;
		if (ep->retry_at > now) {
			if (*wake == 0 || ep->retry_at < *wake)
				*wake = ep->retry_at;
			continue;
		}
		h->next_ep = (k + 1) % h->neps;
		return ep;
	}
	return NULL;
}

static size_t
hec_nwaiting(const struct hec *h)
{
	size_t	 i, n = 0;

	for (i = 0; i < h->neps; i++)
		n += h->eps[i].nwaiting;
	return n;
}

/* Starts what may start now; arms h->wait for what must wait. */
static void
hec_pump(struct hec *h)
{
	const struct config	*cfg = h->cfg;
	struct hec_ep		*ep;
	uint64_t		 now, age, wake;
	bool			 full, more;

	more = hec_fill(h);
	if (h->nqueue == 0) {
		evtimer_del(h->wait);
		if (h->draining && !more && h->ninflight == 0 &&
		    hec_nwaiting(h) == 0) {
			h->draining = false;
			evtimer_del(h->drain_ev);
			if (h->spool != NULL)
				(void)spool_sync(h->spool);
			event_active(h->done_ev, EV_TIMEOUT, 1);
		}
		return;
	}
	now = hec_now_ms();
	while (h->ninflight < cfg->hec_max_inflight && h->nqueue > 0) {
		full = more || h->nqueue >= h->cap_events ||
		    h->queue_bytes >= h->cap_bytes;
		if (!full && !h->draining) {
			age = now - TAILQ_FIRST(&h->queue)->t_ms;
			if (age < (uint64_t)cfg->hec_batch_ms) {
				hec_arm(h->wait, cfg->hec_batch_ms - age);
				return;
			}
		}
		if ((ep = hec_pick(h, now, &wake)) == NULL) {
			/* ejected ones come back through the tick */
			if (wake != 0)
				hec_arm(h->wait, wake - now);
			return;
		}
		if (hec_send(h, ep) == -1) {
			hec_ep_fail(h, ep, false);
			hec_arm(h->wait, (uint64_t)cfg->hec_retry_min_ms);
			return;
		}
		more = hec_fill(h);
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

/* Logs the counters, when they changed since the last time. */
static void
hec_log_summary(struct hec *h)
{
	struct sink_counters	 c;

	hec_get_counters(h, &c);
	if (memcmp(&c, &h->logged, sizeof(c)) == 0)
		return;
	h->logged = c;
	log_info("hec: alerts %llu, delivered %llu, queued %zu; requests "
	    "%llu (2xx %llu, 4xx %llu, 5xx %llu, network errors %llu, token "
	    "refused %llu), retries %llu, splits %llu, dead-lettered %llu, "
	    "dropped %llu; acks %llu, ack timeouts %llu; ejections %llu, "
	    "endpoints down %zu; spool: appended %llu, replayed %llu, "
	    "dropped full %llu, corrupt %llu, errors %llu",
	    (unsigned long long)c.submitted, (unsigned long long)c.delivered,
	    c.queued, (unsigned long long)c.requests,
	    (unsigned long long)c.status_2xx, (unsigned long long)c.status_4xx,
	    (unsigned long long)c.status_5xx, (unsigned long long)c.net_errors,
	    (unsigned long long)c.auth_errors, (unsigned long long)c.retries,
	    (unsigned long long)c.splits, (unsigned long long)c.dead_lettered,
	    (unsigned long long)c.dropped, (unsigned long long)c.acked,
	    (unsigned long long)c.ack_timeouts,
	    (unsigned long long)c.ejections, c.endpoints_down,
	    (unsigned long long)c.spooled, (unsigned long long)c.spool_replayed,
	    (unsigned long long)c.spool_dropped,
	    (unsigned long long)c.spool_corrupt,
	    (unsigned long long)c.spool_errors);
}

/*
 * Every HEC_TICK_MS: syncs the spool (fsync "batch"), sends again the
 * batches whose ack did not come in time, polls acks, probes ejected
 * endpoints, logs the summary when due.
 */
static void
hec_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	struct hec_ep	*ep;
	struct hec_req	*w, *next;
	uint64_t	 now = hec_now_ms();
	size_t		 i;

	(void)fd;
	(void)what;
	if (h->spool != NULL && h->spool_sync)
		(void)spool_sync(h->spool);
	for (i = 0; i < h->neps; i++) {
		ep = &h->eps[i];
		for (w = TAILQ_FIRST(&ep->waiting); w != NULL; w = next) {
			next = TAILQ_NEXT(w, entry);
			if (now < w->ack_deadline)
				continue;
			TAILQ_REMOVE(&ep->waiting, w, entry);
			ep->nwaiting--;
			h->c.ack_timeouts++;
			h->c.retries++;
			log_warnx("hec: %s: no ack for ackId %llu within %d s;"
			    " sending its %zu alerts again", ep->url,
			    (unsigned long long)w->ack_id,
			    h->cfg->hec_ack_timeout_ms / 1000, w->nalerts);
			hec_requeue(h, w);
			hec_req_free(w);
		}
		if (ep->nwaiting > 0 && !ep->polling && now >= ep->poll_at)
			hec_poll_acks(h, ep);
		if (ep->nwaiting == 0)
			ep->poll_at = 0;
		if (ep->ejected && !ep->probing && now >= ep->retry_at)
			hec_probe(h, ep);
	}
	if (now >= h->summary_at) {
		if (h->summary_at != 0)
			hec_log_summary(h);
		h->summary_at = now + HEC_SUMMARY_MS;
	}
	hec_kick(h);
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

/* Frees the batches waiting for acks (their alerts stay spooled). */
static void
hec_waiting_free(struct hec *h, bool count_dropped)
{
	struct hec_req	*w;
	size_t		 i;

	for (i = 0; i < h->neps; i++)
		while ((w = TAILQ_FIRST(&h->eps[i].waiting)) != NULL) {
			TAILQ_REMOVE(&h->eps[i].waiting, w, entry);
			h->eps[i].nwaiting--;
			if (count_dropped)
				h->c.dropped += w->nalerts;
			hec_req_free(w);
		}
}

static void
hec_drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	size_t		 n;

	(void)fd;
	(void)what;
	if (h->spool != NULL) {
		hec_cancel_all(h, false);
		hec_waiting_free(h, false);
		hec_alertq_free(h, &h->queue);
		(void)spool_sync(h->spool);
		log_warnx("hec: shutdown timeout: %llu alerts stay in the "
		    "spool %s for the next start",
		    (unsigned long long)spool_depth(h->spool),
		    h->cfg->spool_dir);
	} else {
		n = h->held_alerts;
		log_warnx("hec: %zu alerts not delivered within the shutdown "
		    "timeout; dropped (no spool_dir)", n);
		hec_cancel_all(h, false);
		hec_waiting_free(h, true);
		h->c.dropped += h->nqueue;
		hec_alertq_free(h, &h->queue);
	}
	h->nqueue = 0;
	h->queue_bytes = 0;
	h->draining = false;
	evtimer_del(h->wait);
	event_active(h->done_ev, EV_TIMEOUT, 1);
}

/* The part of url before its path: "https://host:port". */
static char *
hec_url_base(const char *url)
{
	const char	*p;

	p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/?#");
	return xstrndup(url, (size_t)(p - url));
}

/* Builds the headers of ep's requests: gzip for event posts only. */
static struct curl_slist *
hec_ep_headers(struct hec *h, struct hec_ep *ep, bool gzip)
{
	const struct config	*cfg = h->cfg;
	struct curl_slist	*l, *head;
	char			*auth, *chan;

	xasprintf(&auth, "Authorization: Splunk %s", cfg->hec_token);
	head = curl_slist_append(NULL, auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	if (head == NULL)
		return NULL;
	xasprintf(&chan, "X-Splunk-Request-Channel: %s", ep->channel);
	if ((l = curl_slist_append(head,
	    "Content-Type: application/json")) == NULL ||
	    (l = curl_slist_append(head, "Expect:")) == NULL ||
	    (cfg->hec_acks && (l = curl_slist_append(head, chan)) == NULL) ||
	    (gzip && (l = curl_slist_append(head,
	    "Content-Encoding: gzip")) == NULL)) {
		explicit_bzero(head->data, strlen(head->data));
		curl_slist_free_all(head);
		head = NULL;
	}
	free(chan);
	return head;
}

/* Sets up endpoint ep for url.  Returns 0 or -1 with *errstr. */
static int
hec_ep_init(struct hec *h, struct hec_ep *ep, const char *url,
    char **errstr)
{
	unsigned char	 r[16];
	char		*base;

	ep->url = url;
	TAILQ_INIT(&ep->waiting);
	arc4random_buf(r, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;	/* RFC 4122 version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(ep->channel, sizeof(ep->channel), "%02x%02x%02x%02x-%02x%02x"
	    "-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
	    r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
	    r[13], r[14], r[15]);
	base = hec_url_base(url);
	xasprintf(&ep->ack_url, "%s/services/collector/ack?channel=%s", base,
	    ep->channel);
	xasprintf(&ep->health_url, "%s/services/collector/health", base);
	free(base);
	if ((ep->headers = hec_ep_headers(h, ep, h->cfg->hec_gzip)) == NULL ||
	    (ep->ack_headers = hec_ep_headers(h, ep, false)) == NULL) {
		xasprintf(errstr, "hec: cannot build request headers");
		return -1;
	}
	return 0;
}

static void
hec_slist_free(struct curl_slist *list)
{
	struct curl_slist	*l;

	for (l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

static void
hec_ep_clear(struct hec_ep *ep)
{
	hec_slist_free(ep->headers);
	hec_slist_free(ep->ack_headers);
	free(ep->ack_url);
	free(ep->health_url);
}

/* Opens the spool of cfg->spool_dir.  0, or -1 with *errstr. */
static int
hec_spool_open(struct hec *h, char **errstr)
{
	const struct config	*cfg = h->cfg;
	struct spool_opts	 so;
	struct spool_counters	 sc;
	char			*err = NULL;

	memset(&so, 0, sizeof(so));
	so.max_bytes = cfg->spool_max_bytes;
	so.segment_bytes = (uint32_t)cfg->spool_segment_bytes;
	if (spool_parse_fsync(cfg->spool_fsync, &so.fsync) == -1) {
		xasprintf(errstr, "spool_fsync %s: expected always, batch or "
		    "never", cfg->spool_fsync);
		return -1;
	}
	h->spool_sync = so.fsync == SPOOL_FSYNC_BATCH;
	if ((h->spool = spool_open(cfg->spool_dir, &so, &err)) == NULL) {
		xasprintf(errstr, "spool %s: %s", cfg->spool_dir,
		    err != NULL ? err : "cannot open");
		free(err);
		return -1;
	}
	spool_cursor_init(h->spool, &h->cursor);
	spool_get_counters(h->spool, &sc);
	if (sc.replayed > 0 || sc.corrupt_records > 0)
		log_info("hec: spool %s: %llu alerts to send again, %llu "
		    "damaged regions skipped", cfg->spool_dir,
		    (unsigned long long)sc.replayed,
		    (unsigned long long)sc.corrupt_records);
	return 0;
}

/* ---- public ---- */

struct hec *
hec_new(struct event_base *base, const struct config *cfg, char **errstr)
{
	struct hec	*h;
	struct timeval	 tv;
	size_t		 i;

	*errstr = NULL;
	if (cfg->nhec_url == 0 || cfg->hec_token == NULL) {
		xasprintf(errstr, "hec: no hec_url or no token");
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->base = base;
	h->cfg = cfg;
	h->dlq_fd = -1;
	h->cap_events = cfg->hec_batch_events;
	h->cap_bytes = cfg->hec_batch_bytes;
	TAILQ_INIT(&h->queue);
	TAILQ_INIT(&h->reqs);
	LIST_INIT(&h->socks);
	if ((h->timer = evtimer_new(base, hec_timer_cb, h)) == NULL ||
	    (h->kick = event_new(base, -1, 0, hec_kick_cb, h)) == NULL ||
	    (h->wait = evtimer_new(base, hec_wait_cb, h)) == NULL ||
	    (h->tick = event_new(base, -1, EV_PERSIST, hec_tick_cb, h)) ==
	    NULL ||
	    (h->drain_ev = evtimer_new(base, hec_drain_timeout_cb, h)) ==
	    NULL ||
	    (h->done_ev = event_new(base, -1, 0, hec_done_cb, h)) == NULL ||
	    (h->droplog = evtimer_new(base, hec_droplog_cb, h)) == NULL) {
		xasprintf(errstr, "hec: cannot create events");
		goto fail;
	}
	h->eps = xcalloc(cfg->nhec_url, sizeof(*h->eps));
	for (i = 0; i < cfg->nhec_url; i++) {
		h->neps++;
		if (hec_ep_init(h, &h->eps[i], cfg->hec_url[i], errstr) == -1)
			goto fail;
	}
	if (cfg->spool_dir != NULL && hec_spool_open(h, errstr) == -1)
		goto fail;
	if (cfg->hec_dead_letter_file != NULL)
		h->dlq_path = xstrdup(cfg->hec_dead_letter_file);
	else if (cfg->spool_dir != NULL)
		xasprintf(&h->dlq_path, "%s/dead-letter.jsonl",
		    cfg->spool_dir);
	if (hec_multi_setup(h) == -1) {
		xasprintf(errstr, "hec: cannot create the curl multi handle");
		goto fail;
	}
	hec_ms_to_tv(HEC_TICK_MS, &tv);
	if (evtimer_add(h->tick, &tv) == -1) {
		xasprintf(errstr, "hec: cannot arm the tick");
		goto fail;
	}
	if (!cfg->hec_tls_verify)
		log_warnx("hec: hec_tls_verify = no: HEC's certificate is "
		    "NOT verified");
	if (h->spool != NULL && spool_depth(h->spool) > 0)
		hec_kick(h);
	return h;
fail:
	hec_free(h);
	return NULL;
}

static void
hec_free(void *t)
{
	struct hec	*h = t;
	size_t		 i;

	if (h == NULL)
		return;
	/* STYLE 7 teardown: easy handles, multi, then our events */
	if (h->multi != NULL)
		hec_cancel_all(h, true);
	hec_multi_teardown(h);
	if (h->drop_unlogged > 0)
		hec_droplog_cb(-1, 0, h);
	if (h->c.submitted > 0 || h->spool != NULL)
		hec_log_summary(h);
	if (h->timer != NULL)
		event_free(h->timer);
	if (h->kick != NULL)
		event_free(h->kick);
	if (h->wait != NULL)
		event_free(h->wait);
	if (h->tick != NULL)
		event_free(h->tick);
	if (h->drain_ev != NULL)
		event_free(h->drain_ev);
	if (h->done_ev != NULL)
		event_free(h->done_ev);
	if (h->droplog != NULL)
		event_free(h->droplog);
	hec_waiting_free(h, false);
	hec_alertq_free(h, &h->queue);
	for (i = 0; i < h->neps; i++)
		hec_ep_clear(&h->eps[i]);
	free(h->eps);
	spool_free(h->spool);
	if (h->dlq_fd != -1 && close(h->dlq_fd) == -1)
		log_warn("hec: dead-letter file %s: close", h->dlq_path);
	free(h->dlq_path);
	free(h);
}

static int
hec_submit(void *t, const char *json, size_t len)
{
	struct hec		*h = t;
	struct hec_alert	*a;
	uint64_t		 seq, now;
	size_t			 need = len + 1;

	h->c.submitted++;
	if (h->spool != NULL) {
		if (spool_append(h->spool, json, len, &seq) == 0) {
			h->c.spooled++;
			hec_kick(h);
			return 0;
		}
		/* keep it in memory rather than lose it */
		h->c.spool_errors++;
		now = hec_now_ms();
		if (now - h->spool_err_logged >= HEC_SPOOL_ERR_LOG_MS) {
			log_warn("hec: spool %s: append failed; alerts kept "
			    "in memory only", h->cfg->spool_dir);
			h->spool_err_logged = now;
		}
	}
	if (need > h->cfg->hec_queue_bytes) {
		hec_note_drop(h, 1);
		return 0;
	}
	while (h->held_bytes + need > h->cfg->hec_queue_bytes &&
	    (a = TAILQ_FIRST(&h->queue)) != NULL && h->spool == NULL) {
		TAILQ_REMOVE(&h->queue, a, entry);
		h->nqueue--;
		h->queue_bytes -= a->len;
		hec_alert_free(h, a);
		hec_note_drop(h, 1);
	}
	if (h->held_bytes + need > h->cfg->hec_queue_bytes) {
		/* all that is held is in flight */
		hec_note_drop(h, 1);
		return 0;
	}
	hec_enqueue(h, json, len, 0);
	hec_kick(h);
	return 0;
}

static void
hec_drain(void *t, int timeout_s, void (*done)(void *), void *arg)
{
	struct hec	*h = t;
	size_t		 i;

	h->draining = true;
	h->done = done;
	h->done_arg = arg;
	hec_arm(h->drain_ev, (uint64_t)(timeout_s > 0 ? timeout_s : 0) *
	    1000);
	/* a drain sends now: no batch latency, no backoff left to wait */
	for (i = 0; i < h->neps; i++)
		h->eps[i].retry_at = 0;
	hec_kick(h);
}

static bool
hec_backlogged(const void *t)
{
	const struct hec	*h = t;

	if (h->spool != NULL && spool_high_water(h->spool))
		return true;
	return h->held_bytes > h->cfg->hec_queue_bytes / 4 * 3;
}

static void
hec_get_counters(const void *t, struct sink_counters *c)
{
	const struct hec	*h = t;
	struct spool_counters	 sc;
	size_t			 i;

	*c = h->c;
	c->queued = h->held_alerts;
	c->queued_bytes = h->held_bytes;
	for (i = 0; i < h->neps; i++)
		if (h->eps[i].ejected)
			c->endpoints_down++;
	if (h->spool == NULL)
		return;
	spool_get_counters(h->spool, &sc);
	c->spool_dropped = sc.dropped_full;
	c->spool_corrupt = sc.corrupt_records;
	c->spool_replayed = sc.replayed;
	c->spool_errors += sc.write_errors + sc.fsync_errors +
	    sc.read_errors;
	c->dropped += sc.dropped_full;
	c->queued = (size_t)spool_depth(h->spool);
	c->queued_bytes = (size_t)spool_bytes(h->spool);
}

const struct sink_ops hec_sink_ops = {
	.submit = hec_submit,
	.drain = hec_drain,
	.backlogged = hec_backlogged,
	.counters = hec_get_counters,
	.free = hec_free,
};
