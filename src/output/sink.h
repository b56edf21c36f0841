/*
 * Alert sinks (SPEC 5): "stdout" and "file:PATH" write one JSON object a
 * line; "hec" hands them to hec.c.  Every alert goes through sink_submit().
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SINK_H
#define HECSENTRY_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/config.h"

/*
 * HEC delivery latency histogram: SINK_LATENCY_NBOUNDS upper bounds in
 * milliseconds, ascending (sink_latency_bounds_ms[]); bucket i counts the
 * latencies with bounds[i - 1] < ms <= bounds[i] (Prometheus "le"), the
 * last bucket those above every bound (+Inf).  Not cumulative.
 */
#define SINK_LATENCY_NBOUNDS	14
#define SINK_LATENCY_NBUCKETS	(SINK_LATENCY_NBOUNDS + 1)

extern const uint64_t sink_latency_bounds_ms[SINK_LATENCY_NBOUNDS];

/* The histogram bucket of a latency of ms milliseconds. */
size_t		 sink_latency_bucket(uint64_t ms);

struct sink_counters {
	uint64_t	 submitted;	/* alerts given to the sink */
	uint64_t	 delivered;	/* written, or accepted by HEC */
	uint64_t	 dropped;	/* lost: queue full (counted, logged) */
	uint64_t	 requests;	/* HEC requests sent */
	uint64_t	 retries;	/* HEC requests retried */
	uint64_t	 status_2xx, status_4xx, status_5xx, net_errors;
	uint64_t	 rejected;	/* refused by HEC (400, other 4xx) */
	uint64_t	 write_errors;	/* stdout/file write failures */
	uint64_t	 dead_lettered;	/* written to the dead-letter file */
	uint64_t	 splits;	/* batches split (413, 400) */
	uint64_t	 auth_errors;	/* 401/403 answers */
	uint64_t	 acked;		/* batches acknowledged by HEC */
	uint64_t	 ack_timeouts;	/* batches resent: no ack in time */
	uint64_t	 ack_polls;	/* ack poll requests */
	uint64_t	 probes;	/* health probes of ejected URLs */
	uint64_t	 ejections;	/* endpoints ejected */
	uint64_t	 spooled;	/* alerts appended to the spool */
	uint64_t	 spool_replayed; /* unacked alerts found at start */
	uint64_t	 spool_dropped;	/* lost: spool full (in dropped) */
	uint64_t	 spool_corrupt;	/* damaged spool regions skipped */
	uint64_t	 spool_errors;	/* spool write/read/sync failures */
	uint64_t	 latency_ms_sum; /* HEC: ms from queueing to acceptance,
					   summed over latency_measured */
	uint64_t	 latency_measured; /* alerts in latency_ms_sum */
	uint64_t	 latency_ms_max; /* the longest so far */
	uint64_t	 latency_buckets[SINK_LATENCY_NBUCKETS]; /* alerts in
					   latency_measured by bucket */
	size_t		 endpoints_down; /* ejected now */
	size_t		 queued;	/* alerts waiting now (spool depth) */
	size_t		 queued_bytes;	/* their bytes (spool on disk) */
};

struct sink;

/* cfg is borrowed for the sink's lifetime.  NULL with *errstr on error. */
struct sink	*sink_new(struct event_base *base, const struct config *cfg,
		    char **errstr);
void		 sink_free(struct sink *s);

/* Queues one alert (a JSON object, no newline); copies it.  0 or -1. */
int		 sink_submit(struct sink *s, const char *json, size_t len);

/*
 * Delivers what is queued, for at most timeout_s, then calls done(arg)
 * once, from the loop.  Alerts still undelivered then are counted and
 * logged.
 */
void		 sink_drain(struct sink *s, int timeout_s,
		    void (*done)(void *), void *arg);

/* True while the sink holds more than its high-water mark. */
bool		 sink_backlogged(const struct sink *s);

void		 sink_get_counters(const struct sink *s,
		    struct sink_counters *c);

#endif /* HECSENTRY_SINK_H */
