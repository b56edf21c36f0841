/*
 * The admin HTTP port (SPEC 6): libevent's evhttp on the daemon's loop,
 * serving GET /metrics (Prometheus text exposition format 0.0.4), GET
 * /health (200, or 503 with a JSON reason) and GET /detections (JSON).
 * It holds no counters itself: every request asks the caller's snapshot
 * callback for a struct admin_snapshot and renders it, so tests drive it
 * with fake numbers.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_ADMIN_H
#define HECSENTRY_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/library.h"
#include "decode/event.h"
#include "input/listen.h"
#include "daemon/pipeline.h"
#include "output/sink.h"
#include "output/suppress.h"
#include "detect/stats.h"

/* Frames and events that came in through one listener. */
struct admin_listener {
	const char	*name;		/* "tcp/127.0.0.1:514" */
	uint64_t	 frames;	/* frames received */
	uint64_t	 events[EVENT_SHAPE_NSHAPES]; /* decoded, by shape */
};

/*
 * One row of a worker's per-listener counters (worker.c): a table of max
 * rows and one more for "other", filled by admin_lstat_count().
 */
struct admin_lstat {
	const char		*key;	/* listen_source string seen first
					   (pointer compare) */
	struct admin_listener	 al;	/* al.name is owned */
};

/* One loaded detection and what it did. */
struct admin_detection {
	const struct detection	*det;	/* name, id, version, file */
	struct detect_counters	 dc;	/* matches, rows */
	struct stats_counters	 sc;	/* keys, early emissions... */
	uint64_t		 suppressed;	/* rows not sent (suppress) */
};

/*
 * Everything the endpoints show.  The pointers are borrowed from the
 * provider until the request handler that asked for the snapshot
 * returns.
 */
struct admin_snapshot {
	const struct admin_listener *listeners;
	size_t		 nlisteners;
	const struct admin_detection *detections;
	size_t		 ndetections;
	const struct library *library;	/* states and reasons, or NULL */
	struct pipeline_counters pipeline;
	struct listen_counters listen;
	struct sink_counters sink;
	struct suppress_counters suppress; /* with suppressing */
	bool		 suppressing;	/* a suppress rule is set */
	struct sink_alert_latency alert_latency; /* by emit_reason */
	uint64_t	 reloads;	/* successful SIGHUP reloads */
	uint64_t	 reload_errors;	/* refused new configs */
	int64_t		 start_time_s;	/* process start, epoch seconds */
	bool		 healthy;	/* false: /health answers 503 */
	const char	*reason;	/* why not healthy (plain text) */
};

/* Fills snap (zeroed by the caller) for one request. */
typedef void	(*admin_snapshot_fn)(struct admin_snapshot *snap, void *arg);

/* What the admin port needs from the configuration (options_admin()). */
struct admin_options {
	const char	*listen;	/* "ADDR:PORT", "[V6]:PORT" (port 0
					   picks one); NULL: no admin port */
};

struct admin;

/*
 * Serves on o->listen on base; o is borrowed until it returns.  Returns
 * NULL with *errstr (caller frees) when the address is missing,
 * malformed or cannot be bound.
 */
struct admin	*admin_new(struct event_base *base,
		    const struct admin_options *o, admin_snapshot_fn cb,
		    void *arg, char **errstr);
/* Closes the port; admin_free(NULL) does nothing. */
void		 admin_free(struct admin *a);

/* The bound TCP port, or -1. */
int		 admin_port(const struct admin *a);

/* Renders snap in the Prometheus text format onto out.  0 or -1. */
int		 admin_format_metrics(const struct admin_snapshot *snap,
		    struct evbuffer *out);

/*
 * Appends s to out as a Prometheus label value (without the quotes):
 * backslash, double quote and newline escaped.  0 or -1.
 */
int		 admin_escape_label(struct evbuffer *out, const char *s);

/*
 * Counts one frame of listener name (NULL: "?") and its event when shape
 * is an EVENT_SHAPE_* (pipeline_last_shape(): -1 for none) in a table of
 * max rows plus one for "other", *n of them used.
 */
void		 admin_lstat_count(struct admin_lstat *, size_t *, size_t,
		    const char *, int);

#endif /* HECSENTRY_ADMIN_H */
