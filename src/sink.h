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
 * Alert sinks (SPEC 5): "stdout" and "file:PATH" write one JSON object a
 * line; "hec" hands them to hec.c.  Every alert goes through sink_submit().
 */
#ifndef HECSENTRY_SINK_H
#define HECSENTRY_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "config.h"

struct sink_counters {
	uint64_t	 submitted;	/* alerts given to the sink */
	uint64_t	 delivered;	/* written, or accepted by HEC */
	uint64_t	 dropped;	/* lost: queue full (counted, logged) */
	uint64_t	 requests;	/* HEC requests sent */
	uint64_t	 retries;	/* HEC requests retried */
	uint64_t	 status_2xx, status_4xx, status_5xx, net_errors;
	uint64_t	 rejected;	/* refused by HEC (400, other 4xx) */
	uint64_t	 write_errors;	/* stdout/file write failures */
	size_t		 queued;	/* alerts waiting now */
	size_t		 queued_bytes;
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
