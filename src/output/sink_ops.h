/*
 * The contract between the sink (sink.c) and its transports (hec.c,
 * sink_file.c): struct sink_ops, the table every transport fills, and
 * struct sink_counters, the counters every transport reports through it.
 * No transport includes sink.h, and sink_ops.h includes no transport.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SINK_OPS_H
#define HECSENTRY_SINK_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Delivery latency histogram: SINK_LATENCY_NBOUNDS upper bounds in
 * milliseconds, ascending (sink_latency_bounds_ms[]); bucket i counts the
 * latencies with bounds[i - 1] < ms <= bounds[i] (Prometheus "le"), the
 * last bucket those above every bound (+Inf).  Not cumulative.
 */
#define SINK_LATENCY_NBOUNDS	14
#define SINK_LATENCY_NBUCKETS	(SINK_LATENCY_NBOUNDS + 1)

extern const uint64_t sink_latency_bounds_ms[SINK_LATENCY_NBOUNDS];

/* The histogram bucket of a latency of ms milliseconds (sink_latency.c). */
size_t		 sink_latency_bucket(uint64_t ms);

/*
 * Alert latency (issue 15.4): from the arrival of the frame of a row's
 * first event (the alert's "arrival_time", alert.c) to the alert's
 * acceptance by HEC, by the alert's emit_reason: "first" (first-seen
 * alerts) or any other ("close": window, early, flush).  Wall clock on
 * both ends; buckets as the delivery latency's (not cumulative).
 */
enum sink_alert_kind {
	SINK_ALERT_FIRST = 0,		/* emit_reason "first" */
	SINK_ALERT_CLOSE,		/* every other emit_reason */
	SINK_ALERT_NKINDS
};

struct sink_alert_latency {
	uint64_t	 buckets[SINK_ALERT_NKINDS][SINK_LATENCY_NBUCKETS];
	uint64_t	 ms_sum[SINK_ALERT_NKINDS];
	uint64_t	 measured[SINK_ALERT_NKINDS];
};

/*
 * Reads back from an alert's JSON what alert.c wrote: the kind of its
 * emit_reason and its arrival_time, in ms since the epoch, into
 * *arrival_ms.  Returns the kind, or -1 when json carries neither (not
 * an alert of ours).  Reads at most len bytes.
 */
int		 sink_latency_parse(const char *json, size_t len,
		    int64_t *arrival_ms);
/* Adds one alert of kind with latency ms to l. */
void		 sink_latency_add(struct sink_alert_latency *l,
		    enum sink_alert_kind kind, uint64_t ms);

/*
 * A loss logged at most once per period (sink_ratelog.c): a transport
 * counts each loss with sink_ratelog_note(), which says whether a line is
 * due now; the caller then logs r->unlogged and calls
 * sink_ratelog_done().  When none is due, *wait_ms is how long until one
 * is, for a timer that logs the tail of a burst.
 */
struct sink_ratelog {
	uint64_t	 unlogged;	/* losses since the last line */
	uint64_t	 logged_ms;	/* time of the last line, 0: never */
};

bool		 sink_ratelog_note(struct sink_ratelog *r, uint64_t n,
		    uint64_t now_ms, uint64_t period_ms, uint64_t *wait_ms);
void		 sink_ratelog_done(struct sink_ratelog *r, uint64_t now_ms);

/*
 * What a sink reports, one /metrics series per field (daemon/admin.c's
 * table).  The first block applies to every transport; a transport
 * leaves the fields of the others' blocks at zero.  Every field is 8
 * bytes on LP64 (tests/unit/test_admin.c relies on it).
 */
struct sink_counters {
	/* every transport */
	uint64_t	 submitted;	/* alerts given to the sink */
	uint64_t	 delivered;	/* written, or accepted by HEC */
	uint64_t	 dropped;	/* lost: queue full (counted, logged) */
	/* hec.c */
	uint64_t	 requests;	/* HEC requests sent */
	uint64_t	 retries;	/* HEC requests retried */
	uint64_t	 status_2xx, status_4xx, status_5xx, net_errors;
	uint64_t	 rejected;	/* refused by HEC (400, other 4xx) */
	/* sink_file.c */
	uint64_t	 write_errors;	/* stdout/file write failures */
	/* hec.c */
	uint64_t	 dead_lettered;	/* written to the dead-letter file */
	uint64_t	 splits;	/* batches split (413, 400) */
	uint64_t	 auth_errors;	/* 401/403 answers */
	uint64_t	 acked;		/* batches acknowledged by HEC */
	uint64_t	 ack_timeouts;	/* batches resent: no ack in time */
	uint64_t	 ack_polls;	/* ack poll requests */
	uint64_t	 probes;	/* health probes of ejected URLs */
	uint64_t	 ejections;	/* endpoints ejected */
	/* the spool */
	uint64_t	 spooled;	/* alerts appended to the spool */
	uint64_t	 spool_replayed; /* unacked alerts found at start */
	uint64_t	 spool_dropped;	/* lost: spool full (in dropped) */
	uint64_t	 spool_corrupt;	/* damaged spool regions skipped */
	uint64_t	 spool_errors;	/* spool write/read/sync failures */
	/* transports that measure it (hec.c) */
	uint64_t	 latency_ms_sum; /* ms from queueing to acceptance,
					   summed over latency_measured */
	uint64_t	 latency_measured; /* alerts in latency_ms_sum */
	uint64_t	 latency_ms_max; /* the longest so far */
	uint64_t	 latency_buckets[SINK_LATENCY_NBUCKETS]; /* alerts in
					   latency_measured by bucket */
	/* hec.c */
	size_t		 endpoints_down; /* ejected now */
	/* every transport */
	size_t		 queued;	/* alerts waiting now (spool depth) */
	size_t		 queued_bytes;	/* their bytes (spool on disk) */
};

/*
 * The layer above a transport (sink.c), handed to its constructor.  With
 * a spool, sink.c appends every alert to it and the transport pulls the
 * records through fill() as it has room; an alert is then identified by
 * its spool record's seq (0: not spooled, e.g. its append failed), and
 * the transport reports through settled() each spooled alert that left
 * for good (written; accepted by HEC, after the indexer's ack with
 * hec_acks; or dead-lettered), so that sink.c acks its record.
 */
struct sink_up {
	/*
	 * Hands spooled alerts to ops->submit() while ops->want() says so.
	 * Returns true when the spool may hold more.
	 */
	bool		(*fill)(void *arg);
	/* The spooled alert seq left the transport for good. */
	void		(*settled)(void *arg, uint64_t seq);
	void		*arg;
	bool		 spooled;	/* a spool is above: what the
					   transport drops stays there */
};

/*
 * A transport: t is the object its constructor returned.  Every function
 * runs on the loop's thread.
 */
struct sink_ops {
	/*
	 * Queues a copy of one alert (JSON object, no newline): a spooled
	 * record (seq > 0, from fill) or an alert that is not (seq 0),
	 * which the transport bounds in memory itself.  0 or -1.
	 */
	int		(*submit)(void *t, const char *json, size_t len,
			    uint64_t seq);
	/* True while the transport takes more spooled alerts now. */
	bool		(*want)(const void *t);
	/* New alerts wait in the spool: pull them soon, from the loop. */
	void		(*wake)(void *t);
	/*
	 * Delivers what is queued (what fill gives too) for at most
	 * timeout_s, then calls done(arg) once, from the loop; what is left
	 * then stays in the spool, or without one is counted and logged.
	 */
	void		(*drain)(void *t, int timeout_s, void (*done)(void *),
			    void *arg);
	/* True while the transport holds more than its high-water mark. */
	bool		(*backlogged)(const void *t);
	/*
	 * False while the transport is failing (why: a line of plain text
	 * into why, whylen bytes); /health answers 503 then.
	 */
	bool		(*healthy)(const void *t, char *why, size_t whylen);
	/*
	 * SIGHUP: closes and opens again what the transport writes to (the
	 * file output, after logrotate renamed it); NULL when there is
	 * nothing to reopen.  0, or -1 (logged; the old one stays in use).
	 */
	int		(*reopen)(void *t);
	/*
	 * Fills c (zeroed by the caller) with the transport's counters; the
	 * layer above fills submitted and the spool's.
	 */
	void		(*counters)(const void *t, struct sink_counters *c);
	/* Frees t and everything it holds; t may be NULL. */
	void		(*free)(void *t);
	/*
	 * Fills l (zeroed by the caller) with the alert latency histogram;
	 * NULL for a transport that does not measure it.
	 */
	void		(*alert_latency)(const void *t,
			    struct sink_alert_latency *l);
};

#endif /* HECSENTRY_SINK_OPS_H */
