/*
 * The HEC transport's endpoints: one per hec_url, each with its request
 * headers and its own channel GUID (for acks), used round-robin; a
 * failing endpoint backs off (exponential, full jitter) and after a
 * connection error or HEC_EJECT_AFTER failures in a row is ejected until
 * GET .../services/collector/health (under the URL's own prefix) answers
 * 200.  A health URL that answers 404 does not exist there (a proxy that
 * only passes the event endpoint): the endpoint is then re-admitted for
 * one trial POST, which brings it back or ejects it again.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/queue.h>

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "output/hec_int.h"
#include "output/hec_url.h"
#include "xmalloc.h"

#define HEC_EJECT_AFTER		3	/* failures in a row: eject */
#define HEC_PROBE_LOG_MS	60000	/* same failed probe, logged again */

/* A jittered exponential delay for the nth failure in a row (n >= 1). */
uint64_t
hec_backoff_ms(const struct hec *h, unsigned int n)
{
	uint64_t	 delay;
	unsigned int	 shift;

	shift = n - 1 > 30 ? 30 : n - 1;
	delay = (uint64_t)h->o.retry_min_ms << shift;
	if (delay > (uint64_t)h->o.retry_max_ms)
		delay = (uint64_t)h->o.retry_max_ms;
	/* full jitter: uniform in [0, delay] */
	return arc4random_uniform((uint32_t)delay + 1);
}

/*
 * Endpoint ep failed once more: it backs off, and is ejected (until a
 * health probe passes) when eject or after HEC_EJECT_AFTER in a row.
 */
void
hec_ep_fail(struct hec *h, struct hec_ep *ep, bool eject)
{
	uint64_t	 delay;

	if (ep->failures < 64)
		ep->failures++;
	delay = hec_backoff_ms(h, ep->failures);
	ep->retry_at = hec_now_ms() + delay;
	ep->trial = ep->trying = false;
	if ((eject || ep->failures >= HEC_EJECT_AFTER) && !ep->ejected) {
		ep->ejected = true;
		h->c.ejections++;
		log_warnx("hec: %s ejected after %u failures in a row; "
		    "re-checked through %s", ep->url, ep->failures,
		    ep->health_url);
	}
	log_debug("hec: %s: failure %u, next attempt in %llu ms", ep->url,
	    ep->failures, (unsigned long long)delay);
}

/*
 * Settles a health probe.  Frees req.  200: the endpoint takes traffic
 * again.  404: there is no health URL there (a proxy may pass only the
 * event endpoint): it is re-admitted for one trial POST (hec_pick(),
 * hec_ep_answered()).  Anything else: probed again after
 * hec_health_interval.  A failed probe is logged with its status when it
 * differs from the last one, else once every HEC_PROBE_LOG_MS.
 */
void
hec_health_finish(struct hec *h, struct hec_req *req, CURLcode result,
    long status)
{
	struct hec_ep	*ep = req->ep;
	uint64_t	 now = hec_now_ms();
	long		 st;

	ep->probing = false;
	if (result == CURLE_OK && status == 200) {
		log_info("hec: %s is healthy again", ep->url);
		ep->ejected = false;
		ep->retry_at = 0;
		ep->probe_status = 0;
		hec_req_free(req);
		return;
	}
	st = result != CURLE_OK ? -(long)result : status;
	if (st != ep->probe_status || now - ep->probe_logged >=
	    HEC_PROBE_LOG_MS) {
		if (result != CURLE_OK)
			log_warnx("hec: health check %s failed: %s",
			    ep->health_url, req->errbuf[0] != '\0' ?
			    req->errbuf : curl_easy_strerror(result));
		else if (status == 404)
			log_warnx("hec: health check %s: HTTP 404 (no health "
			    "endpoint there); %s is re-admitted for a trial "
			    "POST", ep->health_url, ep->url);
		else
			log_warnx("hec: health check %s: HTTP %ld; %s stays "
			    "ejected, checked again every %d s",
			    ep->health_url, status, ep->url,
			    h->o.health_interval_ms / 1000);
		ep->probe_status = st;
		ep->probe_logged = now;
	}
	if (result == CURLE_OK && status == 404) {
		ep->ejected = false;
		ep->trial = true;
		ep->retry_at = 0;
	} else
		ep->retry_at = now + (uint64_t)h->o.health_interval_ms;
	hec_req_free(req);
}

/*
 * A batch posted to ep was answered.  An HTTP answer other than a 5xx,
 * 408 or 429 (those and connection errors go through hec_ep_fail(),
 * which ejects again) ends a trial: the endpoint is back.
 */
void
hec_ep_answered(struct hec_ep *ep, CURLcode result, long status)
{
	if (!ep->trial || result != CURLE_OK || status >= 500 ||
	    status == 408 || status == 429)
		return;
	ep->trial = ep->trying = false;
	ep->probe_status = 0;
	log_info("hec: %s is back: a trial POST got HTTP %ld", ep->url,
	    status);
}

/* GET .../services/collector/health on an ejected endpoint. */
void
hec_probe(struct hec *h, struct hec_ep *ep)
{
	struct hec_req	*req;

	req = hec_req_new(h, HEC_REQ_HEALTH, ep);
	if (hec_start(h, req, ep->health_url) == -1) {
		hec_req_free(req);
		ep->retry_at = hec_now_ms() +
		    (uint64_t)h->o.health_interval_ms;
		return;
	}
	ep->probing = true;
	h->c.probes++;
}

/* The next endpoint in turn that takes traffic now, or NULL; *wake is
 * then the earliest retry time of a backed-off one (0 when none).  An
 * endpoint on trial takes one batch until that one is answered. */
struct hec_ep *
hec_pick(struct hec *h, uint64_t now, uint64_t *wake)
{
	struct hec_ep	*ep;
	size_t		 i, k;

	*wake = 0;
	for (i = 0; i < h->neps; i++) {
		k = (h->next_ep + i) % h->neps;
		ep = &h->eps[k];
		if (ep->ejected || ep->trying)
			continue;
		if (ep->retry_at > now) {
			if (*wake == 0 || ep->retry_at < *wake)
				*wake = ep->retry_at;
			continue;
		}
		h->next_ep = (k + 1) % h->neps;
		ep->trying = ep->trial;
		return ep;
	}
	return NULL;
}

/* Builds the headers of ep's requests: gzip for event posts only. */
static struct curl_slist *
hec_ep_headers(struct hec *h, struct hec_ep *ep, bool gzip)
{
	const struct hec_options *o = &h->o;
	struct curl_slist	*l, *head;
	char			*auth, *chan;

	xasprintf(&auth, "Authorization: Splunk %s", o->token);
	head = curl_slist_append(NULL, auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	if (head == NULL)
		return NULL;
	xasprintf(&chan, "X-Splunk-Request-Channel: %s", ep->channel);
	if ((l = curl_slist_append(head,
	    "Content-Type: application/json")) == NULL ||
	    (l = curl_slist_append(head, "Expect:")) == NULL ||
	    (o->acks && (l = curl_slist_append(head, chan)) == NULL) ||
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
int
hec_ep_init(struct hec *h, struct hec_ep *ep, const char *url,
    char **errstr)
{
	unsigned char	 r[16];

	ep->url = url;
	TAILQ_INIT(&ep->waiting);
	arc4random_buf(r, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;	/* RFC 4122 version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(ep->channel, sizeof(ep->channel), "%02x%02x%02x%02x-%02x%02x"
	    "-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
	    r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
	    r[13], r[14], r[15]);
	ep->ack_url = hec_url_ack(url, ep->channel);
	ep->health_url = hec_url_health(url);
	if ((ep->headers = hec_ep_headers(h, ep, h->o.gzip)) == NULL ||
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

void
hec_ep_clear(struct hec_ep *ep)
{
	hec_slist_free(ep->headers);
	hec_slist_free(ep->ack_headers);
	free(ep->ack_url);
	free(ep->health_url);
}
