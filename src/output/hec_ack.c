/*
 * The HEC transport's indexer acknowledgement (hec_acks): a batch HEC
 * accepted with an ackId waits on the endpoint that took it; that
 * endpoint is polled (POST /services/collector/ack) every
 * hec_ack_poll_ms, and a batch not acknowledged within hec_ack_timeout
 * is sent again.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/queue.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "output/hec_int.h"
#include "xmalloc.h"

#define HEC_ACKS_PER_POLL	1000	/* ack ids in one poll */

/* Settles an ack poll: {"acks":{"ID":true,...}}.  Frees req. */
void
hec_ack_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	struct json_object	*resp, *acks, *v;
	struct hec_ep		*ep = req->ep;
	struct hec_req		*w, *next;
	char			 key[24];

	ep->polling = false;
	ep->poll_at = hec_now_ms() + (uint64_t)h->o.ack_poll_ms;
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

size_t
hec_nwaiting(const struct hec *h)
{
	size_t	 i, n = 0;

	for (i = 0; i < h->neps; i++)
		n += h->eps[i].nwaiting;
	return n;
}

/* Frees the batches waiting for acks (their alerts stay spooled). */
void
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

void
hec_ack_tick(struct hec *h, struct hec_ep *ep, uint64_t now)
{
	struct hec_req	*w, *next;

	for (w = TAILQ_FIRST(&ep->waiting); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (now < w->ack_deadline)
			continue;
		TAILQ_REMOVE(&ep->waiting, w, entry);
		ep->nwaiting--;
		h->c.ack_timeouts++;
		h->c.retries++;
		log_warnx("hec: %s: no ack for ackId %llu within %d s; "
		    "sending its %zu alerts again", ep->url,
		    (unsigned long long)w->ack_id,
		    h->o.ack_timeout_ms / 1000, w->nalerts);
		hec_requeue(h, w);
		hec_req_free(w);
	}
	if (ep->nwaiting > 0 && !ep->polling && now >= ep->poll_at)
		hec_poll_acks(h, ep);
	if (ep->nwaiting == 0)
		ep->poll_at = 0;
}
