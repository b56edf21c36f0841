/*
 * The HEC transport's response policy: what each answer to a batch does
 * (the table at the top of hec.c), the dead-letter file, and the
 * bookkeeping of alerts that leave for good (spool acks, latency).
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

#include "log.h"
#include "output/hec_int.h"

#define HEC_AUTH_LOG_MS		60000	/* 401/403 logged once a minute */

/* Alert a left for good (delivered or dead-lettered): off the spool. */
static void
hec_settle(struct hec *h, struct hec_alert *a)
{
	if (a->seq != 0)
		h->up.settled(h->up.arg, a->seq);
	hec_alert_free(h, a);
}

/* The wall clock in ms since the epoch (arrival_time's clock). */
static int64_t
hec_wall_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Alert a was accepted (and acknowledged) now (monotonic; wall: the wall
 * clock): its delivery latency and, for an alert of ours, its latency
 * from the arrival of its row's first event.
 */
static void
hec_latency(struct hec *h, const struct hec_alert *a, uint64_t now,
    int64_t wall)
{
	uint64_t	 ms = now > a->t_ms ? now - a->t_ms : 0;

	if (a->kind >= 0 && a->kind < SINK_ALERT_NKINDS)
		sink_latency_add(&h->alat, (enum sink_alert_kind)a->kind,
		    wall > a->arrival_ms ? (uint64_t)(wall - a->arrival_ms) :
		    0);

	h->c.latency_ms_sum += ms;
	h->c.latency_measured++;
	h->c.latency_buckets[sink_latency_bucket(ms)]++;
	if (ms > h->c.latency_ms_max)
		h->c.latency_ms_max = ms;
}

/* Every alert of req was accepted (and acknowledged): settles them. */
void
hec_complete(struct hec *h, struct hec_req *req)
{
	struct hec_alert	*a;
	uint64_t		 now = hec_now_ms();
	int64_t			 wall = hec_wall_ms();

	while ((a = TAILQ_FIRST(&req->alerts)) != NULL) {
		TAILQ_REMOVE(&req->alerts, a, entry);
		hec_latency(h, a, now, wall);
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
		hec_latency(h, a, hec_now_ms(), hec_wall_ms());
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
void
hec_events_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	struct hec_ep		*ep = req->ep;
	struct hec_alert	*a;
	char			 text[256];
	uint64_t		 now = hec_now_ms();
	long			 invalid, ack_id;
	int			 code;

	hec_ep_answered(ep, result, status);
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
		if (h->cap_events < h->o.batch_events)
			h->cap_events *= 2;
		if (h->cap_bytes < h->o.batch_bytes)
			h->cap_bytes *= 2;
		if (h->o.acks && ack_id >= 0) {
			req->ack_id = (uint64_t)ack_id;
			req->ack_deadline = now +
			    (uint64_t)h->o.ack_timeout_ms;
			TAILQ_INSERT_TAIL(&ep->waiting, req, entry);
			ep->nwaiting++;
			if (ep->poll_at == 0)
				ep->poll_at = now +
				    (uint64_t)h->o.ack_poll_ms;
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
