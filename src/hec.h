/*
 * Copyright (c) 2026 The hecsentry developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS.
 */

/*
 * The HEC sink (SPEC 5): alerts queue in memory (bounded by
 * hec_queue_bytes, oldest dropped first), go out in batches of
 * concatenated JSON objects (bounded by events, bytes and latency,
 * optionally gzipped) over libcurl multi driven by the caller's libevent
 * loop, round-robin over the configured URLs, and are retried with
 * exponential backoff and full jitter until HEC accepts them.  The caller
 * must have called curl_global_init().
 */
#ifndef HECSENTRY_HEC_H
#define HECSENTRY_HEC_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "config.h"
#include "sink.h"

struct hec;

/*
 * Creates the sink on base.  cfg (output hec, hec_url and hec_token set,
 * as config_finish() leaves it) is borrowed for the sink's lifetime.
 * Returns NULL with *errstr (caller frees) on error.
 */
struct hec	*hec_new(struct event_base *base, const struct config *cfg,
		    char **errstr);

/*
 * Frees everything, in-flight requests included (their alerts are lost:
 * call hec_drain() first).  Needs base still alive.  hec_free(NULL) does
 * nothing.
 */
void		 hec_free(struct hec *h);

/* Queues a copy of one alert (a JSON object, no newline).  0 or -1. */
int		 hec_submit(struct hec *h, const char *json, size_t len);

/*
 * Sends all that is queued without waiting for batches to fill, for at
 * most timeout_s, then calls done(arg) once from the loop.  What is still
 * undelivered then is counted as dropped and logged.
 */
void		 hec_drain(struct hec *h, int timeout_s, void (*done)(void *),
		    void *arg);

/* True above 3/4 of hec_queue_bytes. */
bool		 hec_backlogged(const struct hec *h);

/* Copies the counters into c. */
void		 hec_get_counters(const struct hec *h,
		    struct sink_counters *c);

#endif /* HECSENTRY_HEC_H */
