/*
 * The HEC transport's parts, shared between hec.c (the queue, batching,
 * the public side), hec_response.c (what each HEC answer does),
 * hec_curl.c (libcurl multi on libevent, requests), hec_ep.c (endpoints:
 * round-robin, failover, ejection, health probes) and hec_ack.c (indexer
 * acknowledgement).  Nothing outside src/output/hec*.c includes it.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_HEC_INT_H
#define HECSENTRY_HEC_INT_H

#include <sys/queue.h>

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "output/hec.h"

#define HEC_RESP_MAX		16384	/* response body bytes kept */

enum hec_kind {
	HEC_REQ_EVENTS = 0,		/* a batch of alerts */
	HEC_REQ_ACK,			/* an ack poll */
	HEC_REQ_HEALTH			/* a health probe */
};

struct hec_alert {
	TAILQ_ENTRY(hec_alert)	 entry;
	uint64_t		 t_ms;		/* queued at (monotonic) */
	int64_t			 arrival_ms;	/* its arrival_time (wall) */
	int			 kind;		/* enum sink_alert_kind, or */
						/*   -1: not measured */
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
	const char		*url;		/* o.urls[i] */
	char			*ack_url;	/* .../ack?channel=GUID */
	char			*health_url;
	char			 channel[37];	/* GUID, for acks */
	struct curl_slist	*headers;	/* event posts */
	struct curl_slist	*ack_headers;	/* ack polls */
	bool			 ejected;	/* waits for a good probe */
	bool			 probing;	/* health probe in flight */
	bool			 trial;		/* re-admitted for one POST */
	bool			 trying;	/* that POST is in flight */
	long			 probe_status;	/* last failed probe: HTTP
						   status, or -CURLcode */
	uint64_t		 probe_logged;	/* its last log line (ms) */
	bool			 polling;	/* ack poll in flight */
	unsigned int		 failures;	/* in a row */
	uint64_t		 retry_at;	/* no request before (ms) */
	uint64_t		 poll_at;	/* next ack poll (ms) */
	struct hec_reqq		 waiting;	/* batches awaiting acks */
	size_t			 nwaiting;
};

struct hec {
	struct event_base	*base;
	struct hec_options	 o;		/* strings borrowed */
	struct sink_up		 up;		/* the layer above */
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
	char			*dlq_path;	/* dead-letter file, or NULL */
	int			 dlq_fd;
	struct hec_alertq	 queue;		/* not yet sent */
	size_t			 nqueue;
	size_t			 nqueue_first;	/* of those, first-seen: their
						   batch leaves at once */
	size_t			 queue_bytes;	/* in queue */
	size_t			 held_bytes;	/* queue, in flight, waiting */
	size_t			 held_alerts;	/* the same, in alerts */
	size_t			 cap_events;	/* batch caps after splits */
	size_t			 cap_bytes;
	struct hec_reqq		 reqs;		/* in flight */
	int			 ninflight;	/* HEC_REQ_EVENTS in reqs */
	LIST_HEAD(, hec_sock)	 socks;		/* sockets libcurl watches */
	uint64_t		 auth_logged;	/* last 401/403 log (ms) */
	struct sink_ratelog	 droplogged;	/* drop summaries */
	uint64_t		 summary_at;	/* next summary (ms) */
	struct sink_counters	 logged;	/* counters at the last one */
	bool			 draining;
	void			(*done)(void *);
	void			*done_arg;
	struct sink_counters	 c;
	struct sink_alert_latency alat;		/* arrival to acceptance */
};

/* hec.c: time, the queue */
uint64_t	 hec_now_ms(void);
void		 hec_ms_to_tv(uint64_t ms, struct timeval *tv);
/* Arms ev to fire after ms milliseconds; fatal when libevent cannot. */
void		 hec_arm(struct event *ev, uint64_t ms);
/* Runs hec_pump() soon, from the loop. */
void		 hec_kick(struct hec *h);
/* Frees an alert and forgets its bytes. */
void		 hec_alert_free(struct hec *h, struct hec_alert *a);
/* Frees every alert of q (they are counted in held_*). */
void		 hec_alertq_free(struct hec *h, struct hec_alertq *q);
/* Counts n dropped alerts; the log summary is rate-limited. */
void		 hec_note_drop(struct hec *h, size_t n);
/* Puts the alerts of req back at the head of the queue, in order. */
void		 hec_requeue(struct hec *h, struct hec_req *req);

/* hec_response.c: outcomes */
/* Every alert of req was accepted (and acknowledged): settles them. */
void		 hec_complete(struct hec *h, struct hec_req *req);
/* Settles a finished batch; frees req unless it now waits for its ack. */
void		 hec_events_finish(struct hec *h, struct hec_req *req,
		    CURLcode result, long status);

/* hec_curl.c: the multi handle, requests */
/* Creates h->multi.  Returns 0 or -1. */
int		 hec_multi_setup(struct hec *h);
/* h->timer's callback (libcurl's timeout), arg h. */
void		 hec_timer_cb(evutil_socket_t fd, short what, void *arg);
/* Cleans up the multi handle (STYLE 7 teardown, after the handles). */
void		 hec_multi_teardown(struct hec *h);
/* Removes and frees every in-flight request (requeue: see hec_curl.c). */
void		 hec_cancel_all(struct hec *h, bool requeue);
struct hec_req	*hec_req_new(struct hec *h, enum hec_kind kind,
		    struct hec_ep *ep);
/* Frees req and its alerts.  hec_req_free(NULL) does nothing. */
void		 hec_req_free(struct hec_req *req);
/* Starts req on url.  Returns 0, or -1 (logged; req not started). */
int		 hec_start(struct hec *h, struct hec_req *req, const char *url);

/* hec_ep.c: endpoints */
/* Sets up endpoint ep for url.  Returns 0 or -1 with *errstr. */
int		 hec_ep_init(struct hec *h, struct hec_ep *ep, const char *url,
		    char **errstr);
void		 hec_ep_clear(struct hec_ep *ep);
/* A jittered exponential delay for the nth failure in a row (n >= 1). */
uint64_t	 hec_backoff_ms(const struct hec *h, unsigned int n);
/* Endpoint ep failed once more: backs off, maybe ejected. */
void		 hec_ep_fail(struct hec *h, struct hec_ep *ep, bool eject);
/* The next endpoint in turn that takes traffic now, or NULL (*wake). */
struct hec_ep	*hec_pick(struct hec *h, uint64_t now, uint64_t *wake);
/* GET .../services/collector/health on an ejected endpoint. */
void		 hec_probe(struct hec *h, struct hec_ep *ep);
/* A batch posted to ep was answered (result, status): ends a trial. */
void		 hec_ep_answered(struct hec_ep *ep, CURLcode result,
		    long status);
/* Settles a health probe.  Frees req. */
void		 hec_health_finish(struct hec *h, struct hec_req *req,
		    CURLcode result, long status);

/* hec_ack.c: indexer acknowledgement */
/* Resends ep's batches whose ack is overdue; polls ep's acks when due. */
void		 hec_ack_tick(struct hec *h, struct hec_ep *ep, uint64_t now);
/* Settles an ack poll.  Frees req. */
void		 hec_ack_finish(struct hec *h, struct hec_req *req,
		    CURLcode result, long status);
/* Batches waiting for their ack, over every endpoint. */
size_t		 hec_nwaiting(const struct hec *h);
/* Frees the batches waiting for acks (their alerts stay spooled). */
void		 hec_waiting_free(struct hec *h, bool count_dropped);

#endif /* HECSENTRY_HEC_INT_H */
