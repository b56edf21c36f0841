/*
 * The HEC transport's libcurl multi glue (STYLE 7): libcurl's socket and
 * timer callbacks only (re)arm libevent events; the libevent handlers call
 * curl_multi_socket_action() and then collect finished transfers, handing
 * each to hec_response.c, hec_ack.c or hec_ep.c.  Also the requests
 * themselves: their easy handles and options.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/queue.h>

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "output/hec_int.h"
#include "xmalloc.h"

#ifdef PACKAGE_VERSION
#define HEC_USER_AGENT		"hecsentry/" PACKAGE_VERSION
#else
#define HEC_USER_AGENT		"hecsentry/0.1.0"
#endif

#define HEC_MAXAGE_CONN		50	/* s; HEC's busy timeout is 60 s */

static void	hec_check_done(struct hec *);
static void	hec_multi_fail(struct hec *, CURLMcode);

void
hec_req_free(struct hec_req *req)
{
	if (req == NULL)
		return;
	hec_alertq_free(req->h, &req->alerts);
	free(req->body);
	free(req);
}

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

/* h->timer's callback: libcurl's timeout expired. */
void
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
int
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
void
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
			req->ep->trying = false;
			if (requeue)
				hec_requeue(h, req);
			else if (!h->up.spooled)
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
void
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

/* Sets the options of req's easy handle for url.  Returns a curl code. */
static CURLcode
hec_easy_setup(struct hec *h, struct hec_req *req, const char *url)
{
	const struct hec_options *o = &h->o;
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
		    (long)o->connect_timeout_ms);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
		    (long)o->timeout_ms);
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
		    o->tls_verify ? 1L : 0L);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST,
		    o->tls_verify ? 2L : 0L);
	if (rc == CURLE_OK && o->ca_file != NULL)
		rc = curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (rc == CURLE_OK && o->ca_path != NULL)
		rc = curl_easy_setopt(e, CURLOPT_CAPATH, o->ca_path);
	return rc;
}

/* Starts req on url.  Returns 0, or -1 (logged; req not started). */
int
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

struct hec_req *
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
