/*
 * The HEC sink (SPEC 5): alerts go to the durable spool first when
 * spool_dir is set (else to a memory queue bounded by hec_queue_bytes,
 * oldest dropped first), then out in batches of concatenated JSON
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

#include "daemon/config.h"
#include "output/sink_ops.h"

struct hec;

/* The table sink.c calls a struct hec through (sink_ops.h). */
extern const struct sink_ops hec_sink_ops;

/*
 * Creates the sink on base.  cfg (output hec, hec_url and hec_token set,
 * as config_finish() leaves it) is borrowed for the sink's lifetime.
 * Returns NULL with *errstr (caller frees) on error.
 *
 * Through hec_sink_ops: free frees everything, in-flight requests
 * included (their alerts stay in the spool, or are lost without one:
 * drain first), and needs base still alive; submit appends a copy of the
 * alert to the spool, or to the memory queue without one (or when the
 * append failed); drain sends all that is queued without waiting for
 * batches to fill (and waits for its acks), for at most timeout_s, and
 * what is still undelivered then stays in the spool, or without one is
 * counted as dropped, either logged; backlogged is true above the
 * spool's high-water mark or 3/4 of hec_queue_bytes.
 */
struct hec	*hec_new(struct event_base *base, const struct config *cfg,
		    char **errstr);

#endif /* HECSENTRY_HEC_H */
