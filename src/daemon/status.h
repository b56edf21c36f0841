/*
 * What the daemon tells about itself: the counter summary in the log
 * (every minute when drops grew, and on SIGUSR1), the health verdict of
 * /health (updated by the main tick), the admin port's snapshot, and the
 * states and watchdog pings sent to the service manager.  It keeps no
 * counters of the data path: it reads the worker pool and the sink, and
 * counts only the reloads it is told about.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_STATUS_H
#define HECSENTRY_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "daemon/admin.h"
#include "daemon/worker.h"
#include "detect/detection.h"
#include "detect/library.h"
#include "output/sink.h"
#include "output/suppress.h"

struct status;

/*
 * wp, sink and set are borrowed: wp and sink until status_free(), set
 * until the next status_set_detections().  started: the process's start
 * (epoch seconds) for /metrics.
 */
struct status	*status_new(struct worker_pool *wp, struct sink *sink,
		    const struct detection_set *set, time_t started);
/* status_free(NULL) does nothing. */
void		 status_free(struct status *s);

/* The detection set now running (after a reload); borrowed. */
void		 status_set_detections(struct status *s,
		    const struct detection_set *set);

/* The library the set came from (states, reasons); borrowed, or NULL. */
void		 status_set_library(struct status *s,
		    const struct library *lib);

/* The suppression table, for /metrics; borrowed, or NULL (no rule). */
void		 status_set_suppress(struct status *s, struct suppress *sup);

/* Counts a reload: ok, or refused (the running config stayed). */
void		 status_reloaded(struct status *s, bool ok);

/*
 * Health for /health, from the sink: the sink says it fails (a file or
 * stdout output whose last write failed); the output is failing when
 * requests or writes failed since the last success and alerts wait; the
 * queue is filling when above its high-water mark.  now_ms is the loop's
 * time.
 */
void		 status_tick(struct status *s, int64_t now_ms);

/*
 * Logs the counters: frames, events, rows, alerts, and the skipped input
 * by reason; with always, also each detection's.  Without always it logs
 * only when the drops grew since the last call.
 */
void		 status_log(struct status *s, bool always);

/* admin_snapshot_fn (arg: the struct status); pointers borrowed from s. */
void		 status_snapshot_cb(struct admin_snapshot *snap, void *arg);

/*
 * Sends a state ("READY=1\nSTATUS=...") to the service manager (nothing
 * outside systemd, see notify.h); failures are logged, rate-limited, and
 * never stop the daemon.
 */
void		 status_notify(struct status *s, const char *fmt, ...)
		    __attribute__((__format__ (printf, 2, 3)));

/*
 * When the service manager asks for keep-alive pings ($WATCHDOG_USEC),
 * sends WATCHDOG=1 every half of that period from a timer on base, until
 * status_free(), which must come before event_base_free(base).
 */
void		 status_watchdog_start(struct status *s,
		    struct event_base *base);

#endif /* HECSENTRY_STATUS_H */
