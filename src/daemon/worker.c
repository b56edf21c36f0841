/*
 * The workers: each has its own struct listen and its own pipeline, and
 * the main thread reaches them only through this file's API, whatever
 * their number.  With workers = 1 (the default) the one worker runs on
 * the main thread's event_base: no thread, no queue, no lock on the way
 * of a frame or an alert (its alerts go straight to the callback), and
 * commands are plain calls.  Everything below is about workers = N > 1.
 *
 * The main thread keeps the sink, the admin port, signals and timers;
 * each worker (thread "hs-worker-I", I = 1..N) has its own event_base,
 * its own struct listen (SO_REUSEPORT: every worker binds every address;
 * how input is shared is below) and its own pipeline, so that frames are
 * framed, decoded, matched and counted with no lock at all.
 *
 * TCP and TLS connections are then spread evenly: the kernel hashes each
 * one to a worker's socket, which with a few dozen connections often
 * gives one worker half as many again as the other.  The worker that
 * accepted a connection (listen_set_accept_cb()) gives it to the worker
 * with the fewest connections, itself on a tie; another worker gets it
 * through its handed-over queue (a mutex) and frames it as its own
 * listener of the same address would (listen_adopt()).  The counts are
 * atomics: each choice adds one to the chosen worker's, and each worker
 * sets its own at every tick to its open connections plus those waiting
 * in its queue, so closed connections leave it.  A connection stays with
 * its worker; connections that carry very different rates can still
 * load the workers unevenly.
 *
 * UDP datagrams are spread one by one: a sender or relay usually sends
 * from one socket, one flow, which the kernel's hash would give to one
 * worker.  Once all the workers are bound, a classic BPF program on each
 * address's SO_REUSEPORT group (listen_spread_udp()) gives each datagram
 * to a random worker; each is a whole frame and the workers' rows merge,
 * so nothing depends on which worker reads it.  Without the program (old
 * kernel, seccomp, not Linux) a warning, and the hash as before.
 *
 * What crosses threads, and how:
 * - alerts: the worker's pipeline callback copies each one onto the
 *   pool's queue (a mutex) and makes the main loop's drain event active;
 *   the main thread hands them to the sink.  Over WORKER_QUEUE_MAX_BYTES
 *   the worker pauses its TCP input until its tick sees the queue drained.
 * - back-pressure: the main tick stores sink_backlogged() in an atomic
 *   flag; each worker's own 250 ms tick pauses or resumes its listeners.
 * - commands (reload, TLS reload, stop): the main thread posts a function
 *   to one worker, makes its command event active and waits on a
 *   condition variable until the worker ran it.  Workers are called one
 *   after the other, so the detection sets' (plain) reference counts and
 *   the caller's same_fn are only ever used by one thread at a time.
 * - counters: each worker copies its counters under its own mutex at
 *   every tick; the main thread sums those copies for /metrics, and
 *   logs each worker's frames and connections once they have stopped.
 * The stats byte budget (stats_max_bytes) is split evenly: each worker's
 * tables share a counter of their own bounded by 1/Nth of it.  max_keys
 * stays per table, so per worker.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/options.h"
#include "decode/decode.h"
#include "log.h"
#include "daemon/worker.h"
#include "xmalloc.h"

#define WORKER_TICK_MS		250	/* windows, back-pressure, counters */
#define WORKER_MAX_LISTENERS	64	/* per-listener counters; more: other */

/* One alert on its way to the main thread. */
struct worker_alert {
	STAILQ_ENTRY(worker_alert) entry;
	size_t			 len;
	char			 json[];	/* len bytes and a NUL */
};

STAILQ_HEAD(worker_alerts, worker_alert);

/* An accepted connection on its way to the worker that will read it. */
struct worker_conn {
	STAILQ_ENTRY(worker_conn) entry;
	int			 fd;		/* owned */
	bool			 tls;		/* accepted by a TLS listener */
	size_t			 index;		/* of that listener */
};

STAILQ_HEAD(worker_conns, worker_conn);

/* What a worker publishes for the main thread (under its smu). */
struct worker_pub {
	struct pipeline_counters pc;
	struct listen_counters	 lc;
	struct detect_counters	*dc;		/* by detection index */
	struct stats_counters	*sc;
	size_t			 ndet;
	size_t			 capdet;	/* allocated entries */
	struct admin_listener	 al[WORKER_MAX_LISTENERS + 1];
	size_t			 nal;		/* names borrowed from lstat */
};

struct worker;
typedef void	worker_cmd_fn(struct worker *, void *);

struct worker {
	struct worker_pool	*wp;		/* owner */
	int			 index;		/* 1..N: in alert ids */
	pthread_t		 thread;
	bool			 started;	/* thread created */
	bool			 stopped;	/* its loop is done */
	struct event_base	*base;
	struct listen		*listen;	/* NULL once stopped */
	struct pipeline		*pipeline;
	size_t			 stats_bytes;	/* its tables' shared bytes */
	size_t			 stats_max;	/* its part of the budget */
	struct event		*tick_ev;
	struct event		*cmd_ev;	/* runs cmd_fn */
	bool			 paused;	/* TCP input paused */
	struct admin_lstat	 lstat[WORKER_MAX_LISTENERS + 1];
	size_t			 nlstat;

	pthread_mutex_t		 cmu;		/* guards the command */
	pthread_cond_t		 ccv;		/* signalled when done */
	worker_cmd_fn		*cmd_fn;
	void			*cmd_arg;
	bool			 cmd_done;

	pthread_mutex_t		 smu;		/* guards pub */
	struct worker_pub	 pub;

	pthread_mutex_t		 hmu;		/* guards handed */
	struct worker_conns	 handed;	/* connections it is to adopt */
	size_t			 nhanded;
	struct event		*handed_ev;	/* adopts them */
	atomic_size_t		 nconn;		/* open + on their way: for
						   the choice of a worker */
	atomic_bool		 accepting;	/* takes connections */
};

struct worker_pool {
	const struct config	*cfg;		/* borrowed */
	struct event_base	*main_base;	/* borrowed */
	worker_alert_fn		 cb;		/* alerts, on the main thread */
	void			*arg;
	struct worker		*w;
	size_t			 n;
	bool			 onmain;	/* n == 1: on main_base, no
						   thread, no queue */
	bool			 stopped;
	atomic_bool		 backlogged;	/* the sink's, from main */

	pthread_mutex_t		 qmu;		/* guards q and qbytes */
	struct worker_alerts	 q;		/* alerts for the main thread */
	size_t			 qbytes;
	struct event		*drain_ev;	/* on main_base: empties q */

	struct admin_listener	 al[WORKER_MAX_LISTENERS + 1]; /* merged;
					   names owned */
	size_t			 nal;
};

static int64_t
worker_now_ms(struct event_base *base)
{
	struct timeval	 tv;

	if (event_base_gettimeofday_cached(base, &tv) == -1)
		gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void
worker_lock(pthread_mutex_t *mu)
{
	if (pthread_mutex_lock(mu) != 0)
		fatalx("pthread_mutex_lock");
}

static void
worker_unlock(pthread_mutex_t *mu)
{
	if (pthread_mutex_unlock(mu) != 0)
		fatalx("pthread_mutex_unlock");
}

static void
worker_frame_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	struct worker		*w = arg;

	pipeline_frame(w->pipeline, buf, len, src->now_ms);
	admin_lstat_count(w->lstat, &w->nlstat, WORKER_MAX_LISTENERS,
	    src->listener, pipeline_last_shape(w->pipeline));
}

/* Runs in a worker: queues a copy of the alert for the main thread. */
static void
worker_alert_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	struct worker		*w = arg;
	struct worker_pool	*wp = w->wp;
	struct worker_alert	*a;
	size_t			 qbytes;

	(void)d;
	a = xmalloc(sizeof(*a) + len + 1);
	a->len = len;
	memcpy(a->json, json, len);
	a->json[len] = '\0';
	worker_lock(&wp->qmu);
	STAILQ_INSERT_TAIL(&wp->q, a, entry);
	wp->qbytes += len;
	qbytes = wp->qbytes;
	worker_unlock(&wp->qmu);
	event_active(wp->drain_ev, EV_TIMEOUT, 1);
	if (qbytes > WORKER_QUEUE_MAX_BYTES && !w->paused &&
	    w->listen != NULL) {
		listen_pause(w->listen);
		w->paused = true;
	}
}

/* The one worker on the main thread: the alert goes straight on. */
static void
worker_alert_main_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	struct worker		*w = arg;

	(void)d;
	w->wp->cb(json, len, w->wp->arg);
}

/* On the main thread: hands every queued alert to the callback. */
static void
worker_drain(struct worker_pool *wp)
{
	struct worker_alerts	 q;
	struct worker_alert	*a;

	STAILQ_INIT(&q);
	worker_lock(&wp->qmu);
	STAILQ_CONCAT(&q, &wp->q);
	wp->qbytes = 0;
	worker_unlock(&wp->qmu);
	while ((a = STAILQ_FIRST(&q)) != NULL) {
		STAILQ_REMOVE_HEAD(&q, entry);
		wp->cb(a->json, a->len, wp->arg);
		free(a);
	}
}

static void
worker_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	worker_drain(arg);
}

/* Copies the worker's counters for the main thread (worker's thread). */
static void
worker_publish(struct worker *w)
{
	const struct detect_runner	*r = pipeline_runner(w->pipeline);
	const struct detection_set	*set = detect_runner_set(r);
	struct worker_pub		*p = &w->pub;
	size_t				 i;

	worker_lock(&w->smu);
	pipeline_get_counters(w->pipeline, &p->pc);
	if (w->listen != NULL)
		listen_get_counters(w->listen, &p->lc);
	if (set->n > p->capdet) {
		p->dc = xreallocarray(p->dc, set->n, sizeof(*p->dc));
		p->sc = xreallocarray(p->sc, set->n, sizeof(*p->sc));
		p->capdet = set->n;
	}
	for (i = 0; i < set->n; i++) {
		memset(&p->dc[i], 0, sizeof(p->dc[i]));
		memset(&p->sc[i], 0, sizeof(p->sc[i]));
		detect_get_counters(r, i, &p->dc[i], &p->sc[i]);
	}
	p->ndet = set->n;
	for (i = 0; i < w->nlstat; i++)
		p->al[i] = w->lstat[i].al;
	p->nal = w->nlstat;
	if (w->lstat[WORKER_MAX_LISTENERS].al.name != NULL)
		p->al[p->nal++] = w->lstat[WORKER_MAX_LISTENERS].al;
	worker_unlock(&w->smu);
}

/*
 * In the worker: pauses its TCP input while the sink is backlogged or
 * too many of its alerts wait for the main thread, resumes it after.
 */
static void
worker_pause_update(struct worker *w)
{
	struct worker_pool	*wp = w->wp;
	bool			 pause;

	if (w->listen == NULL)
		return;
	worker_lock(&wp->qmu);
	pause = wp->qbytes > WORKER_QUEUE_MAX_BYTES;
	worker_unlock(&wp->qmu);
	pause = pause || atomic_load(&wp->backlogged);
	if (pause && !w->paused) {
		listen_pause(w->listen);
		w->paused = true;
	} else if (!pause && w->paused) {
		listen_resume(w->listen);
		w->paused = false;
	}
}

static void
worker_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker		*w = arg;

	(void)fd;
	(void)what;
	pipeline_tick(w->pipeline, worker_now_ms(w->base));
	worker_publish(w);
	if (w->listen == NULL)
		return;
	/* pub is this thread's own; closed connections leave the count */
	worker_lock(&w->hmu);
	atomic_store(&w->nconn, w->pub.lc.conns_open + w->nhanded);
	worker_unlock(&w->hmu);
	worker_pause_update(w);
}

/*
 * Runs in the worker that accepted fd (listen_accept_fn): picks the
 * worker with the fewest connections, this one on a tie, and counts the
 * connection there.  Returns false to keep fd, true once it is queued
 * for another worker.
 */
static bool
worker_accept_cb(int fd, bool tls, size_t i, void *arg)
{
	struct worker		*w = arg, *t, *best = w;
	struct worker_pool	*wp = w->wp;
	struct worker_conn	*c;
	size_t			 k, load, bestload;

	bestload = atomic_load(&w->nconn);
	for (k = 1; k < wp->n; k++) {
		t = &wp->w[(size_t)(w->index - 1 + k) % wp->n];
		if (!atomic_load(&t->accepting))
			continue;
		if ((load = atomic_load(&t->nconn)) < bestload) {
			best = t;
			bestload = load;
		}
	}
	if (best == w) {
		atomic_fetch_add(&w->nconn, 1);
		return false;
	}
	c = xmalloc(sizeof(*c));
	c->fd = fd;
	c->tls = tls;
	c->index = i;
	worker_lock(&best->hmu);
	STAILQ_INSERT_TAIL(&best->handed, c, entry);
	best->nhanded++;
	atomic_fetch_add(&best->nconn, 1);
	worker_unlock(&best->hmu);
	event_active(best->handed_ev, EV_TIMEOUT, 1);
	return true;
}

/* In the worker: frames the connections handed to it (or closes them). */
static void
worker_handed_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker		*w = arg;
	struct worker_conns	 q;
	struct worker_conn	*c;

	(void)fd;
	(void)what;
	STAILQ_INIT(&q);
	worker_lock(&w->hmu);
	STAILQ_CONCAT(&q, &w->handed);
	w->nhanded = 0;
	worker_unlock(&w->hmu);
	while ((c = STAILQ_FIRST(&q)) != NULL) {
		STAILQ_REMOVE_HEAD(&q, entry);
		if (w->listen == NULL)
			close(c->fd);
		else
			(void)listen_adopt(w->listen, c->fd, c->tls,
			    c->index);
		free(c);
	}
}

/* Closes what is left of w's handed connections (its loop is done). */
static void
worker_handed_clear(struct worker *w)
{
	struct worker_conn	*c;

	while ((c = STAILQ_FIRST(&w->handed)) != NULL) {
		STAILQ_REMOVE_HEAD(&w->handed, entry);
		close(c->fd);
		free(c);
	}
	w->nhanded = 0;
}

/* In the worker: runs the posted command and wakes the caller. */
static void
worker_cmd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;
	worker_cmd_fn	*fn;
	void		*fnarg;

	(void)fd;
	(void)what;
	worker_lock(&w->cmu);
	fn = w->cmd_fn;
	fnarg = w->cmd_arg;
	worker_unlock(&w->cmu);
	if (fn != NULL)
		fn(w, fnarg);
	worker_lock(&w->cmu);
	w->cmd_fn = NULL;
	w->cmd_done = true;
	pthread_cond_signal(&w->ccv);
	worker_unlock(&w->cmu);
}

/* Runs fn(w, arg) in w's thread and waits until it returned. */
static void
worker_call(struct worker *w, worker_cmd_fn *fn, void *arg)
{
	if (w->stopped)
		return;
	if (w->wp->onmain) {
		fn(w, arg);
		return;
	}
	worker_lock(&w->cmu);
	w->cmd_fn = fn;
	w->cmd_arg = arg;
	w->cmd_done = false;
	worker_unlock(&w->cmu);
	event_active(w->cmd_ev, EV_TIMEOUT, 1);
	worker_lock(&w->cmu);
	while (!w->cmd_done)
		if (pthread_cond_wait(&w->ccv, &w->cmu) != 0)
			fatalx("pthread_cond_wait");
	worker_unlock(&w->cmu);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
#ifdef __linux__
	char		 name[16];	/* the kernel's limit */

	/* for top -H, ps -L, /proc/PID/task/TID/comm and the bench */
	snprintf(name, sizeof(name), "hs-worker-%d", w->index);
	(void)pthread_setname_np(pthread_self(), name);
#endif
	if (event_base_dispatch(w->base) == -1)
		log_warnx("worker %d: event loop failed", w->index);
	return NULL;
}

/*
 * Sets up worker i: its base (main_base's for the one worker on the main
 * thread), listeners, pipeline and events.
 */
static int
worker_init(struct worker_pool *wp, struct worker *w, int index,
    struct detection_set *set, const struct pipeline_opts *po,
    char **errstr)
{
	struct listen_options	 lo;
	struct pipeline_opts	 wpo;
	struct timeval		 tv;

	w->wp = wp;
	w->index = index;
	if (pthread_mutex_init(&w->cmu, NULL) != 0 ||
	    pthread_mutex_init(&w->smu, NULL) != 0 ||
	    pthread_mutex_init(&w->hmu, NULL) != 0 ||
	    pthread_cond_init(&w->ccv, NULL) != 0)
		fatalx("pthread_mutex_init");
	STAILQ_INIT(&w->handed);
	atomic_init(&w->nconn, 0);
	atomic_init(&w->accepting, false);
	wpo = *po;
	w->stats_max = po->stats.max_bytes / wp->n;
	wpo.stats.max_bytes = w->stats_max;
	wpo.stats.shared_bytes = &w->stats_bytes;
	w->tick_ev = NULL;
	if (wp->onmain) {
		/* alert ids and events as the single-threaded daemon's */
		w->base = wp->main_base;
		wpo.alert.worker = 0;
		w->pipeline = pipeline_new(set, &wpo, worker_alert_main_cb, w);
	} else {
		if ((w->base = event_base_new()) == NULL)
			fatalx("event_base_new failed");
		wpo.alert.worker = index;
		w->pipeline = pipeline_new(set, &wpo, worker_alert_cb, w);
		w->cmd_ev = event_new(w->base, -1, 0, worker_cmd_cb, w);
		w->handed_ev = event_new(w->base, -1, 0, worker_handed_cb,
		    w);
		if (w->cmd_ev == NULL || w->handed_ev == NULL)
			fatalx("event_new failed");
	}
	w->tick_ev = event_new(w->base, -1, EV_PERSIST, worker_tick_cb, w);
	if (w->tick_ev == NULL)
		fatalx("event_new failed");
	tv.tv_sec = 0;
	tv.tv_usec = WORKER_TICK_MS * 1000;
	if (evtimer_add(w->tick_ev, &tv) == -1)
		fatalx("evtimer_add failed");
	w->listen = listen_new(w->base, options_listen(wp->cfg, &lo),
	    worker_frame_cb, w, errstr);
	if (w->listen == NULL)
		return -1;
	if (!wp->onmain)
		listen_set_accept_cb(w->listen, worker_accept_cb, w);
	atomic_store(&w->accepting, true);
	worker_publish(w);
	return 0;
}

/*
 * Once every worker has bound its sockets (worker 1 first, so worker i's
 * socket is at index i - 1 of each address's SO_REUSEPORT group): each
 * UDP datagram goes to a worker picked at random, not each flow to one
 * worker by the kernel's hash.  Listeners are never re-bound (a changed
 * listen_udp waits for a restart), so the group keeps this order until
 * the workers stop.  When the program cannot be attached, one warning,
 * and the hash stays.
 */
static void
worker_spread_udp(struct worker_pool *wp)
{
	if (wp->cfg->nlisten_udp == 0 || wp->n < 2)
		return;
	if (listen_spread_udp(wp->w[wp->n - 1].listen, wp->n) == -1)
		log_warnx("UDP: no random spreading over the workers (%s): "
		    "each sender's datagrams go to one worker",
		    strerror(errno));
	else
		log_info("UDP datagrams spread at random over the %zu "
		    "workers", wp->n);
}

struct worker_pool *
worker_pool_new(struct event_base *main_base, const struct config *cfg,
    struct detection_set *set, const struct pipeline_opts *po,
    worker_alert_fn cb, void *arg, char **errstr)
{
	struct worker_pool	*wp;
	size_t			 i;

	*errstr = NULL;
	wp = xcalloc(1, sizeof(*wp));
	wp->cfg = cfg;
	wp->main_base = main_base;
	wp->cb = cb;
	wp->arg = arg;
	wp->n = cfg->workers > 1 ? (size_t)cfg->workers : 1;
	wp->onmain = wp->n == 1;
	atomic_init(&wp->backlogged, false);
	STAILQ_INIT(&wp->q);
	if (pthread_mutex_init(&wp->qmu, NULL) != 0)
		fatalx("pthread_mutex_init");
	wp->drain_ev = event_new(main_base, -1, 0, worker_drain_cb, wp);
	if (wp->drain_ev == NULL)
		fatalx("event_new failed");
	wp->w = xcalloc(wp->n, sizeof(*wp->w));
	for (i = 0; i < wp->n; i++)
		if (worker_init(wp, &wp->w[i], (int)i + 1, set, po,
		    errstr) == -1)
			goto out_free;
	if (wp->onmain)
		return wp;
	worker_spread_udp(wp);
	for (i = 0; i < wp->n; i++) {
		if (pthread_create(&wp->w[i].thread, NULL, worker_main,
		    &wp->w[i]) != 0)
			fatalx("pthread_create");
		wp->w[i].started = true;
	}
	log_info("%zu workers running, each with its own listeners and "
	    "1/%zu of stats_max_bytes", wp->n, wp->n);
	return wp;

out_free:
	worker_pool_free(wp);
	return NULL;
}

/* In the worker: close, flush, publish, leave the loop. */
static void
worker_stop_fn(struct worker *w, void *arg)
{
	(void)arg;
	atomic_store(&w->accepting, false);
	if (w->listen != NULL) {
		worker_lock(&w->smu);
		listen_get_counters(w->listen, &w->pub.lc);
		worker_unlock(&w->smu);
		listen_free(w->listen);
		w->listen = NULL;
	}
	pipeline_flush(w->pipeline);
	worker_publish(w);
	if (!w->wp->onmain)
		event_base_loopbreak(w->base);
}

void
worker_pool_stop(struct worker_pool *wp)
{
	size_t	 i;

	if (wp == NULL || wp->stopped)
		return;
	wp->stopped = true;
	if (wp->onmain) {
		worker_call(&wp->w[0], worker_stop_fn, NULL);
		wp->w[0].stopped = true;
		return;
	}
	for (i = 0; i < wp->n; i++) {
		if (!wp->w[i].started)
			continue;
		worker_call(&wp->w[i], worker_stop_fn, NULL);
		wp->w[i].stopped = true;
	}
	for (i = 0; i < wp->n; i++)
		if (wp->w[i].started && pthread_join(wp->w[i].thread,
		    NULL) != 0)
			fatalx("pthread_join");
	for (i = 0; i < wp->n; i++)
		log_info("worker %d: frames %llu, connections %llu",
		    wp->w[i].index,
		    (unsigned long long)wp->w[i].pub.pc.frames,
		    (unsigned long long)wp->w[i].pub.lc.conns_accepted);
	worker_drain(wp);
}

void
worker_pool_free(struct worker_pool *wp)
{
	struct worker	*w;
	size_t		 i, j;

	if (wp == NULL)
		return;
	worker_pool_stop(wp);
	for (i = 0; i < wp->n && wp->w != NULL; i++) {
		w = &wp->w[i];
		listen_free(w->listen);
		pipeline_free(w->pipeline);
		if (w->tick_ev != NULL)
			event_free(w->tick_ev);
		if (w->cmd_ev != NULL)
			event_free(w->cmd_ev);
		if (w->handed_ev != NULL)
			event_free(w->handed_ev);
		worker_handed_clear(w);
		if (w->base != NULL && !wp->onmain)
			event_base_free(w->base);
		for (j = 0; j <= WORKER_MAX_LISTENERS; j++)
			free((char *)w->lstat[j].al.name);
		free(w->pub.dc);
		free(w->pub.sc);
		pthread_mutex_destroy(&w->cmu);
		pthread_mutex_destroy(&w->smu);
		pthread_mutex_destroy(&w->hmu);
		pthread_cond_destroy(&w->ccv);
	}
	free(wp->w);
	for (i = 0; i <= WORKER_MAX_LISTENERS; i++)
		free((char *)wp->al[i].name);
	if (wp->drain_ev != NULL)
		event_free(wp->drain_ev);
	pthread_mutex_destroy(&wp->qmu);
	free(wp);
}

void
worker_pool_set_backlogged(struct worker_pool *wp, bool on)
{
	atomic_store(&wp->backlogged, on);
	if (wp->onmain)
		worker_pause_update(&wp->w[0]);
}

/* The one worker on the main thread publishes when asked: exact counts. */
static void
worker_pool_refresh(struct worker_pool *wp)
{
	if (wp->onmain)
		worker_publish(&wp->w[0]);
}

/* The arguments of a reload, the same for every worker. */
struct worker_swap {
	struct detection_set	*set;
	const struct stats_opts	*stats;
	detect_same_fn		 same_fn;
	void			*arg;
	size_t			 kept;
};

static void
worker_swap_fn(struct worker *w, void *arg)
{
	struct worker_swap	*sw = arg;
	struct stats_opts	 so = *sw->stats;

	so.shared_bytes = &w->stats_bytes;
	so.max_bytes = sw->stats->max_bytes / w->wp->n;
	w->stats_max = so.max_bytes;
	sw->kept = pipeline_swap_set(w->pipeline, sw->set, &so, sw->same_fn,
	    sw->arg);
	worker_publish(w);
}

size_t
worker_pool_swap_set(struct worker_pool *wp, struct detection_set *set,
    const struct stats_opts *stats, detect_same_fn same_fn, void *arg)
{
	struct worker_swap	 sw;
	size_t			 i, kept = 0;

	sw.set = set;
	sw.stats = stats;
	sw.same_fn = same_fn;
	sw.arg = arg;
	for (i = 0; i < wp->n; i++) {
		sw.kept = 0;
		worker_call(&wp->w[i], worker_swap_fn, &sw);
		if (i == 0)
			kept = sw.kept;
	}
	return kept;
}

struct worker_tls {
	const struct config	*cfg;
	char			*errstr;	/* first failure */
	int			 rc;
};

static void
worker_tls_fn(struct worker *w, void *arg)
{
	struct worker_tls	*t = arg;
	struct listen_tls_options to;
	char			*errstr = NULL;

	if (w->listen == NULL || listen_reload_tls(w->listen,
	    options_listen_tls(t->cfg, &to), &errstr) == 0)
		return;
	t->rc = -1;
	if (t->errstr == NULL)
		t->errstr = errstr;
	else
		free(errstr);
}

int
worker_pool_reload_tls(struct worker_pool *wp, const struct config *cfg,
    char **errstr)
{
	struct worker_tls	 t;
	size_t			 i;

	memset(&t, 0, sizeof(t));
	t.cfg = cfg;
	for (i = 0; i < wp->n; i++)
		worker_call(&wp->w[i], worker_tls_fn, &t);
	*errstr = t.errstr;
	return t.rc;
}

static void
worker_add_pipeline(struct pipeline_counters *s,
    const struct pipeline_counters *c)
{
	size_t	 i;

	s->frames += c->frames;
	s->events += c->events;
	for (i = 0; i < EVENT_SHAPE_NSHAPES; i++)
		s->shape[i] += c->shape[i];
	for (i = 0; i < PIPELINE_SYSLOG_NERRORS; i++)
		s->syslog_errors[i] += c->syslog_errors[i];
	for (i = 0; i < DECODE_NERRORS; i++)
		s->decode_errors[i] += c->decode_errors[i];
	s->normalise_errors += c->normalise_errors;
	s->prefiltered += c->prefiltered;
	s->rows += c->rows;
	s->rows_filtered += c->rows_filtered;
	s->alerts += c->alerts;
	s->alert_errors += c->alert_errors;
	s->risk_events += c->risk_events;
	s->risk_as_row += c->risk_as_row;
	s->first_rows += c->first_rows;
	s->first_filtered += c->first_filtered;
	s->xml_fallback += c->xml_fallback;
}

static void
worker_add_listen(struct listen_counters *s, const struct listen_counters *c)
{
	size_t	 i, j, k;

	s->frames_tcp += c->frames_tcp;
	s->frames_udp += c->frames_udp;
	s->bytes += c->bytes;
	s->oversize += c->oversize;
	s->bad_length += c->bad_length;
	s->conns_accepted += c->conns_accepted;
	s->conns_refused += c->conns_refused;
	s->conns_idle += c->conns_idle;
	s->udp_truncated += c->udp_truncated;
	s->udp_kernel_drops += c->udp_kernel_drops;
	s->tls_errors += c->tls_errors;
	s->conns_open += c->conns_open;
	for (i = 0; i < c->nudp; i++) {
		for (j = 0; j < s->nudp; j++)
			if (strcmp(s->udp[j].listener,
			    c->udp[i].listener) == 0)
				break;
		if (j == s->nudp) {
			if (s->nudp == LISTEN_UDP_NCOUNTED)
				j = LISTEN_UDP_NCOUNTED - 1;
			else
				memcpy(s->udp[s->nudp++].listener,
				    c->udp[i].listener,
				    sizeof(s->udp[0].listener));
		}
		s->udp[j].datagrams += c->udp[i].datagrams;
		for (k = 0; k < LISTEN_UDP_NDROPS; k++)
			s->udp[j].drops[k] += c->udp[i].drops[k];
	}
}

void
worker_pool_get_counters(struct worker_pool *wp,
    struct pipeline_counters *pc, struct listen_counters *lc)
{
	struct worker	*w;
	size_t		 i;

	worker_pool_refresh(wp);
	memset(pc, 0, sizeof(*pc));
	memset(lc, 0, sizeof(*lc));
	for (i = 0; i < wp->n; i++) {
		w = &wp->w[i];
		worker_lock(&w->smu);
		worker_add_pipeline(pc, &w->pub.pc);
		worker_add_listen(lc, &w->pub.lc);
		worker_unlock(&w->smu);
	}
}

void
worker_pool_get_detect_counters(struct worker_pool *wp, size_t i,
    struct detect_counters *dc, struct stats_counters *sc)
{
	struct worker		*w;
	struct stats_counters	*c;
	size_t			 k;

	memset(dc, 0, sizeof(*dc));
	memset(sc, 0, sizeof(*sc));
	if (wp->onmain) {
		/* this thread's own runner: no copy of every detection */
		detect_get_counters(pipeline_runner(wp->w[0].pipeline), i, dc,
		    sc);
		return;
	}
	for (k = 0; k < wp->n; k++) {
		w = &wp->w[k];
		worker_lock(&w->smu);
		if (i < w->pub.ndet) {
			dc->matches += w->pub.dc[i].matches;
			dc->rows += w->pub.dc[i].rows;
			c = &w->pub.sc[i];
			sc->events += c->events;
			sc->null_by += c->null_by;
			sc->null_dropped += c->null_dropped;
			sc->rows += c->rows;
			sc->early += c->early;
			sc->keys += c->keys;
			sc->bytes += c->bytes;
			sc->values_capped += c->values_capped;
			sc->first_dropped += c->first_dropped;
			sc->tombs += c->tombs;
		}
		worker_unlock(&w->smu);
	}
}

const struct admin_listener *
worker_pool_listeners(struct worker_pool *wp, size_t *n)
{
	const struct admin_listener	*a;
	struct admin_listener		*m;
	struct worker			*w;
	size_t				 i, j, k, s;

	worker_pool_refresh(wp);
	for (j = 0; j <= WORKER_MAX_LISTENERS; j++) {
		wp->al[j].frames = 0;
		memset(wp->al[j].events, 0, sizeof(wp->al[j].events));
	}
	for (k = 0; k < wp->n; k++) {
		w = &wp->w[k];
		worker_lock(&w->smu);
		for (i = 0; i < w->pub.nal; i++) {
			a = &w->pub.al[i];
			for (j = 0; j < wp->nal; j++)
				if (strcmp(wp->al[j].name, a->name) == 0)
					break;
			if (j == wp->nal) {
				if (wp->nal == WORKER_MAX_LISTENERS)
					j = WORKER_MAX_LISTENERS;
				else
					wp->nal++;
				if (wp->al[j].name == NULL)
					wp->al[j].name = xstrdup(
					    j == WORKER_MAX_LISTENERS ?
					    "other" : a->name);
			}
			m = &wp->al[j];
			m->frames += a->frames;
			for (s = 0; s < EVENT_SHAPE_NSHAPES; s++)
				m->events[s] += a->events[s];
		}
		worker_unlock(&w->smu);
	}
	*n = wp->nal;
	if (wp->al[WORKER_MAX_LISTENERS].name != NULL)
		wp->al[(*n)++] = wp->al[WORKER_MAX_LISTENERS];
	return wp->al;
}
