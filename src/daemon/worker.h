/*
 * The workers: each has its own struct listen and its own pipeline
 * (detect runner and stats tables); main.c drives them only through
 * this API, whatever their number.  With workers = 1 the one worker runs
 * on the main event_base: no thread, and its alerts reach the callback
 * directly.  With workers > 1 each worker is a thread with its own
 * event_base and every address bound with SO_REUSEPORT; workers never
 * touch the sink: their alerts go to the main thread through one
 * mutex-protected queue and an event made active on the main loop.  The
 * main thread talks to a worker only through synchronous calls run in
 * the worker's own thread (reload, TLS reload, stop), so that while a
 * worker runs one, the main thread waits and nothing else touches the
 * detection sets.  workers > 1 needs evthread_use_pthreads() before any
 * event_base is made.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_WORKER_H
#define HECSENTRY_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/admin.h"
#include "daemon/config.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "input/listen.h"
#include "daemon/pipeline.h"
#include "detect/stats.h"

#define WORKER_MAX			64	/* the workers key's bound */
#define WORKER_QUEUE_MAX_BYTES	(8 * 1024 * 1024) /* alerts waiting for
					   the main thread: over it, workers
					   pause their TCP input */

/* Called on the main thread for every alert a worker made; json is
 * borrowed until it returns. */
typedef void	(*worker_alert_fn)(const char *json, size_t len, void *arg);

struct worker_pool;

/*
 * Makes cfg->workers workers: binds each one's listeners (in this
 * thread, so that errors come back here and every address is bound when
 * it returns) and makes each one's pipeline from po (copied; with N > 1
 * worker i gets the alert index i + 1 and 1/Nth of stats_max_bytes as its
 * own budget), then starts the threads; with one worker, no thread: it
 * runs on main_base with alert index 0 (no worker field in alerts).  cfg and
 * set are borrowed until worker_pool_free() (set gets one reference per
 * worker's pipeline).  Alerts reach cb on main_base.  Returns NULL with
 * *errstr (caller frees) when a listener cannot be bound.
 */
struct worker_pool *worker_pool_new(struct event_base *main_base,
		    const struct config *cfg, struct detection_set *set,
		    const struct pipeline_opts *po, worker_alert_fn cb,
		    void *arg, char **errstr);

/*
 * Stops every worker: each closes its listeners, flushes its pipeline
 * (its rows become alerts on the queue) and leaves its loop; then the
 * threads are joined and the queue is handed to the alert callback.
 * Counters stay readable.  Idempotent.
 */
void		 worker_pool_stop(struct worker_pool *wp);
/* Stops the workers if needed and frees everything; NULL does nothing. */
void		 worker_pool_free(struct worker_pool *wp);

/* The sink's back-pressure, read by each worker's tick (applied at once
 * by the worker on the main thread). */
void		 worker_pool_set_backlogged(struct worker_pool *wp, bool on);

/*
 * Reload: each worker in turn runs pipeline_swap_set() in its own thread
 * with stats (its own budget and share substituted) while this thread
 * waits; same_fn runs in the workers, one at a time.  Returns how many
 * detections the first worker kept.
 */
size_t		 worker_pool_swap_set(struct worker_pool *wp,
		    struct detection_set *set, const struct stats_opts *stats,
		    detect_same_fn same_fn, void *arg);

/*
 * listen_reload_tls() in every worker's thread; cfg is borrowed until it
 * returns.  0, or -1 with *errstr (caller frees) from the first failure.
 */
int		 worker_pool_reload_tls(struct worker_pool *wp,
		    const struct config *cfg, char **errstr);

/*
 * Counters summed over the workers, as each published them at its last
 * tick (or when it stopped); the worker on the main thread's are exact.
 * UDP entries are summed by listener name.
 */
void		 worker_pool_get_counters(struct worker_pool *wp,
		    struct pipeline_counters *pc, struct listen_counters *lc);

/* The i-th detection's counters, summed over the workers. */
void		 worker_pool_get_detect_counters(struct worker_pool *wp,
		    size_t i, struct detect_counters *dc,
		    struct stats_counters *sc);

/*
 * Frames and events by listener, summed by name over the workers; the
 * array is the pool's, valid until the next call.  *n is set.
 */
const struct admin_listener *worker_pool_listeners(struct worker_pool *wp,
		    size_t *n);

#endif /* HECSENTRY_WORKER_H */
