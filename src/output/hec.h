/*
 * The HEC transport of the sink (SPEC 5): alerts come from the spool
 * above (sink.c) when spool_dir is set, else wait in a memory queue
 * bounded by hec_queue_bytes (oldest dropped first), then go out in
 * batches of concatenated JSON
 * objects (bounded by events, bytes and latency, optionally gzipped) over
 * libcurl multi driven by the caller's libevent loop, round-robin over
 * the URLs with failover, health checks of ejected URLs, indexer
 * acknowledgement (hec_acks), batch splitting on 413 and 400, a
 * dead-letter file, and retries with exponential backoff and full
 * jitter.  hec.c describes the response policy.  The caller must have
 * called curl_global_init().
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_HEC_H
#define HECSENTRY_HEC_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "output/sink_ops.h"

/*
 * What the HEC transport needs from the configuration (daemon/options.c
 * fills it from the hec_* keys; hecsentry.conf(5) explains each).  The
 * strings are borrowed for the transport's lifetime.
 */
struct hec_options {
	const char *const *urls;	/* event URLs, as hec_url_event() */
	size_t		 nurls;		/* at least 1 */
	const char	*token;
	const char	*ca_file;	/* NULL: libcurl's default */
	const char	*ca_path;	/* NULL: libcurl's default */
	bool		 tls_verify;
	bool		 gzip;
	size_t		 batch_events;	/* alerts in one request, at most */
	size_t		 batch_bytes;	/* bytes in one request, at most */
	int		 batch_ms;	/* the oldest alert waits no longer */
	int		 timeout_ms;	/* whole request */
	int		 connect_timeout_ms;
	int		 max_inflight;	/* batch requests at once */
	size_t		 queue_bytes;	/* alerts held in memory, at most */
	int		 retry_min_ms;	/* backoff start */
	int		 retry_max_ms;	/* backoff cap */
	bool		 acks;		/* indexer acknowledgement */
	int		 ack_timeout_ms; /* resend when not acked by then */
	int		 ack_poll_ms;	/* ack polling period */
	const char	*dead_letter_file; /* NULL: dead_letter_dir's */
	const char	*dead_letter_dir; /* dead-letter.jsonl there by
					   default (spool_dir), or NULL */
	int		 health_interval_ms; /* ejected endpoint probes */
};

struct hec;

/* The table sink.c calls a struct hec through (sink_ops.h). */
extern const struct sink_ops hec_sink_ops;

/*
 * Creates the transport on base with copies of o (its strings borrowed
 * for the transport's lifetime; at least one URL and a token) and up
 * (the layer above: sink_ops.h).  Returns NULL with *errstr (caller
 * frees) on error.
 *
 * Through hec_sink_ops: free frees everything, in-flight requests
 * included (their alerts stay in the spool, or are lost without one:
 * drain first), and needs base still alive; submit queues a copy of the
 * alert in memory (unspooled ones bounded by hec_queue_bytes, oldest
 * dropped first without a spool); drain sends all that is queued without
 * waiting for batches to fill (and waits for its acks), for at most
 * timeout_s, and what is still undelivered then stays in the spool, or
 * without one is counted as dropped and logged; backlogged is true above
 * 3/4 of hec_queue_bytes held.
 */
struct hec	*hec_new(struct event_base *base, const struct hec_options *o,
		    const struct sink_up *up, char **errstr);

#endif /* HECSENTRY_HEC_H */
