/*
 * HEC delivery over libcurl multi, driven by libevent (SPEC 5, STYLE 7).
 *
 * With spool_dir set, the sink above (sink.c) appends every alert to the
 * durable spool, where it counts as emitted; this transport pulls the
 * records (sink_up.fill) into a bounded in-memory queue and reports each
 * one (sink_up.settled, which acks its record) only when HEC accepted
 * it, or, with hec_acks, once HEC's indexer acknowledged it, or when it
 * was dead-lettered.  At start-up the spool hands out the oldest
 * unacknowledged record first, so what a crash left is sent again, in
 * order.  Without a spool the alerts wait in the memory queue only,
 * bounded by hec_queue_bytes (oldest dropped first).
 *
 * hec_pump() cuts batches off the head of the queue (at most
 * hec_batch_events alerts and hec_batch_bytes bytes, or fewer once the
 * oldest alert has waited hec_batch_ms, or at once while a first-seen
 * alert, emit_reason "first", is queued), gzips them and posts each to
 * the next usable endpoint, round-robin, at most hec_max_inflight at
 * once.  Answers:
 *   2xx          done (with acks: waits for its ackId to turn true);
 *   5xx, 408, 429, timeouts, connection errors
 *                the batch goes back to the head of the queue and the
 *                endpoint backs off (exponential, full jitter); after a
 *                connection error or HEC_EJECT_AFTER failures in a row it
 *                is ejected until GET .../services/collector/health
 *                (under the URL's prefix) says 200, probed every
 *                hec_health_interval; a 404 there re-admits it for one
 *                trial POST (hec_ep.c);
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
 * Indexer acknowledgement (hec_acks, hec_ack.c): each endpoint has its
 * own channel GUID; acknowledged batches wait on the endpoint that took
 * them, which is polled (POST /services/collector/ack) every
 * hec_ack_poll_ms; a batch not acknowledged within hec_ack_timeout is
 * sent again.
 *
 * The parts: this file holds the queue, batching and the public side;
 * hec_response.c carries out the table above; hec_ep.c the endpoints
 * (round-robin, backoff, ejection, health probes); hec_curl.c the libcurl
 * multi glue, whose socket and timer callbacks only (re)arm libevent
 * events, the libevent handlers calling curl_multi_socket_action() and
 * then collecting finished transfers.  hec_pump() runs from its own
 * event, never from inside a libcurl callback.  A 200 ms tick polls
 * acks, expires them and probes ejected endpoints; a summary of the
 * counters is logged every minute when they changed.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "log.h"
#include "output/hec_int.h"
#include "xmalloc.h"

#define HEC_DROP_LOG_MS		10000	/* drop summary period */
#define HEC_TICK_MS		200	/* acks, probes */
#define HEC_SUMMARY_MS		60000	/* counters summary period */

static void	hec_free(void *);
static void	hec_get_counters(const void *, struct sink_counters *);
static void	hec_get_alert_latency(const void *,
		    struct sink_alert_latency *);

/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

uint64_t
hec_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
hec_ms_to_tv(uint64_t ms, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ms / 1000);
	tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

/* Arms ev to fire after ms milliseconds; fatal when libevent cannot. */
void
hec_arm(struct event *ev, uint64_t ms)
{
	struct timeval	 tv;

	hec_ms_to_tv(ms, &tv);
	if (evtimer_add(ev, &tv) == -1)
		fatalx("%s: evtimer_add failed", __func__);
}

/* Frees an alert and forgets its bytes. */
void
hec_alert_free(struct hec *h, struct hec_alert *a)
{
	h->held_bytes -= a->len;
	h->held_alerts--;
	free(a);
}

/* Frees every alert of q (they are counted in held_*). */
void
hec_alertq_free(struct hec *h, struct hec_alertq *q)
{
	struct hec_alert	*a;

	while ((a = TAILQ_FIRST(q)) != NULL) {
		TAILQ_REMOVE(q, a, entry);
		hec_alert_free(h, a);
	}
}

static void
hec_droplog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;

	(void)fd;
	(void)what;
	if (h->droplogged.unlogged == 0)
		return;
	log_warnx("dropped %llu alerts: HEC queue full (hec_queue_bytes "
	    "%zu)", (unsigned long long)h->droplogged.unlogged,
	    h->o.queue_bytes);
	sink_ratelog_done(&h->droplogged, hec_now_ms());
}

/* Counts n dropped alerts; the log summary is rate-limited. */
void
hec_note_drop(struct hec *h, size_t n)
{
	uint64_t	 wait;

	h->c.dropped += n;
	if (sink_ratelog_note(&h->droplogged, n, hec_now_ms(),
	    HEC_DROP_LOG_MS, &wait))
		hec_droplog_cb(-1, 0, h);
	else if (!evtimer_pending(h->droplog, NULL))
		hec_arm(h->droplog, wait);
}

/* Puts the alerts of req back at the head of the queue, in order. */
void
hec_requeue(struct hec *h, struct hec_req *req)
{
	struct hec_alert	*a;

	while ((a = TAILQ_LAST(&req->alerts, hec_alertq)) != NULL) {
		TAILQ_REMOVE(&req->alerts, a, entry);
		TAILQ_INSERT_HEAD(&h->queue, a, entry);
		h->nqueue++;
		if (a->kind == SINK_ALERT_FIRST)
			h->nqueue_first++;
		h->queue_bytes += a->len;
	}
	req->nalerts = 0;
	req->bytes = 0;
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

/*
 * Cuts one batch off the head of the queue and posts it to ep.  Returns
 * 0, or -1 (the batch is back in the queue).
 */
static int
hec_send(struct hec *h, struct hec_ep *ep)
{
	const struct hec_options *o = &h->o;
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
		if (a->kind == SINK_ALERT_FIRST)
			h->nqueue_first--;
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
	if (o->gzip) {
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

/* Appends a copy of json (and a newline) to the queue as record seq. */
static void
hec_enqueue(struct hec *h, const char *json, size_t len, uint64_t seq)
{
	struct hec_alert	*a;

	a = xmalloc(sizeof(*a) + len + 1);
	a->t_ms = hec_now_ms();
	a->kind = sink_latency_parse(json, len, &a->arrival_ms);
	a->seq = seq;
	a->len = len + 1;
	memcpy(a->data, json, len);
	a->data[len] = '\n';
	TAILQ_INSERT_TAIL(&h->queue, a, entry);
	h->nqueue++;
	if (a->kind == SINK_ALERT_FIRST)
		h->nqueue_first++;
	h->queue_bytes += a->len;
	h->held_bytes += a->len;
	h->held_alerts++;
}

/*
 * sink_ops.want: spooled records are welcome while the queue holds less
 * than every request slot twice over, and never more than
 * hec_queue_bytes in memory.
 */
static bool
hec_want(const void *t)
{
	const struct hec	*h = t;
	const struct hec_options *o = &h->o;

	return h->queue_bytes < o->batch_bytes * (size_t)o->max_inflight * 2 &&
	    h->held_bytes < o->queue_bytes;
}

/* Pulls spooled records into the queue.  True when there may be more. */
static bool
hec_fill(struct hec *h)
{
	if (!h->up.spooled)
		return false;
	return h->up.fill(h->up.arg);
}

/* Starts what may start now; arms h->wait for what must wait. */
static void
hec_pump(struct hec *h)
{
	const struct hec_options *o = &h->o;
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
			event_active(h->done_ev, EV_TIMEOUT, 1);
		}
		return;
	}
	now = hec_now_ms();
	while (h->ninflight < o->max_inflight && h->nqueue > 0) {
		full = more || h->nqueue >= h->cap_events ||
		    h->queue_bytes >= h->cap_bytes || h->nqueue_first > 0;
		if (!full && !h->draining) {
			age = now - TAILQ_FIRST(&h->queue)->t_ms;
			if (age < (uint64_t)o->batch_ms) {
				hec_arm(h->wait, o->batch_ms - age);
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
			hec_arm(h->wait, (uint64_t)o->retry_min_ms);
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
void
hec_kick(struct hec *h)
{
	if (h->kicked)
		return;
	h->kicked = true;
	event_active(h->kick, EV_TIMEOUT, 1);
}

/* Logs the HEC counters, when they changed since the last time. */
static void
hec_log_summary(struct hec *h)
{
	struct sink_counters	 c;

	memset(&c, 0, sizeof(c));
	hec_get_counters(h, &c);
	if (memcmp(&c, &h->logged, sizeof(c)) == 0)
		return;
	h->logged = c;
	log_info("hec: delivered %llu, held %zu; requests %llu (2xx %llu, "
	    "4xx %llu, 5xx %llu, network errors %llu, token refused %llu), "
	    "retries %llu, splits %llu, dead-lettered %llu, dropped %llu; acks "
	    "%llu, ack timeouts %llu; ejections %llu, endpoints down %zu",
	    (unsigned long long)c.delivered, c.queued,
	    (unsigned long long)c.requests,
	    (unsigned long long)c.status_2xx, (unsigned long long)c.status_4xx,
	    (unsigned long long)c.status_5xx, (unsigned long long)c.net_errors,
	    (unsigned long long)c.auth_errors, (unsigned long long)c.retries,
	    (unsigned long long)c.splits, (unsigned long long)c.dead_lettered,
	    (unsigned long long)c.dropped, (unsigned long long)c.acked,
	    (unsigned long long)c.ack_timeouts,
	    (unsigned long long)c.ejections, c.endpoints_down);
}

/*
 * Every HEC_TICK_MS: sends again the batches whose ack did not come in
 * time, polls acks, probes ejected endpoints, logs the summary when due.
 */
static void
hec_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	struct hec_ep	*ep;
	uint64_t	 now = hec_now_ms();
	size_t		 i;

	(void)fd;
	(void)what;
	for (i = 0; i < h->neps; i++) {
		ep = &h->eps[i];
		hec_ack_tick(h, ep, now);
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

static void
hec_drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hec	*h = arg;
	size_t		 n;

	(void)fd;
	(void)what;
	if (h->up.spooled) {
		/* sink.c says how many stay in the spool */
		hec_cancel_all(h, false);
		hec_waiting_free(h, false);
		hec_alertq_free(h, &h->queue);
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

struct hec *
hec_new(struct event_base *base, const struct hec_options *o,
    const struct sink_up *up, char **errstr)
{
	struct hec	*h;
	struct timeval	 tv;
	size_t		 i;

	*errstr = NULL;
	if (o->nurls == 0 || o->token == NULL) {
		xasprintf(errstr, "hec: no hec_url or no token");
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->base = base;
	h->o = *o;
	h->up = *up;
	h->dlq_fd = -1;
	h->cap_events = o->batch_events;
	h->cap_bytes = o->batch_bytes;
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
	h->eps = xcalloc(o->nurls, sizeof(*h->eps));
	for (i = 0; i < o->nurls; i++) {
		h->neps++;
		if (hec_ep_init(h, &h->eps[i], o->urls[i], errstr) == -1)
			goto fail;
	}
	if (o->dead_letter_file != NULL)
		h->dlq_path = xstrdup(o->dead_letter_file);
	else if (o->dead_letter_dir != NULL)
		xasprintf(&h->dlq_path, "%s/dead-letter.jsonl",
		    o->dead_letter_dir);
	if (hec_multi_setup(h) == -1) {
		xasprintf(errstr, "hec: cannot create the curl multi handle");
		goto fail;
	}
	hec_ms_to_tv(HEC_TICK_MS, &tv);
	if (evtimer_add(h->tick, &tv) == -1) {
		xasprintf(errstr, "hec: cannot arm the tick");
		goto fail;
	}
	if (!o->tls_verify)
		log_warnx("hec: hec_tls_verify = no: HEC's certificate is "
		    "NOT verified");
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
	if (h->droplogged.unlogged > 0)
		hec_droplog_cb(-1, 0, h);
	if (h->c.requests > 0)
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
	if (h->dlq_fd != -1 && close(h->dlq_fd) == -1)
		log_warn("hec: dead-letter file %s: close", h->dlq_path);
	free(h->dlq_path);
	free(h);
}

static int
hec_submit(void *t, const char *json, size_t len, uint64_t seq)
{
	struct hec		*h = t;
	struct hec_alert	*a;
	size_t			 need = len + 1;

	if (seq != 0) {
		/* from the spool, through hec_fill(): hec_want() said so */
		hec_enqueue(h, json, len, seq);
		return 0;
	}
	if (need > h->o.queue_bytes) {
		hec_note_drop(h, 1);
		return 0;
	}
	while (h->held_bytes + need > h->o.queue_bytes &&
	    (a = TAILQ_FIRST(&h->queue)) != NULL && !h->up.spooled) {
		TAILQ_REMOVE(&h->queue, a, entry);
		h->nqueue--;
		if (a->kind == SINK_ALERT_FIRST)
			h->nqueue_first--;
		h->queue_bytes -= a->len;
		hec_alert_free(h, a);
		hec_note_drop(h, 1);
	}
	if (h->held_bytes + need > h->o.queue_bytes) {
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

	return h->held_bytes > h->o.queue_bytes / 4 * 3;
}

static void
hec_get_counters(const void *t, struct sink_counters *c)
{
	const struct hec	*h = t;
	size_t			 i;

	*c = h->c;
	c->queued = h->held_alerts;
	c->queued_bytes = h->held_bytes;
	for (i = 0; i < h->neps; i++)
		if (h->eps[i].ejected)
			c->endpoints_down++;
}

/*
 * sink_ops.healthy: HEC's failures are judged from the request counters
 * by the daemon (failed requests since the last success, alerts
 * waiting), not here.
 */
static bool
hec_healthy(const void *t, char *why, size_t whylen)
{
	(void)t;
	(void)why;
	(void)whylen;
	return true;
}

/* sink_ops.wake: records wait in the spool. */
static void
hec_wake(void *t)
{
	hec_kick(t);
}

/* sink_ops.alert_latency */
static void
hec_get_alert_latency(const void *t, struct sink_alert_latency *l)
{
	const struct hec	*h = t;

	*l = h->alat;
}

const struct sink_ops hec_sink_ops = {
	.submit = hec_submit,
	.want = hec_want,
	.wake = hec_wake,
	.drain = hec_drain,
	.backlogged = hec_backlogged,
	.healthy = hec_healthy,
	.counters = hec_get_counters,
	.free = hec_free,
	.alert_latency = hec_get_alert_latency,
};
