/*
 * hecsentry: argv and config, the one event_base, signals, start-up and
 * teardown order.  Start-up: config, detections, sink, pipeline, then the
 * listeners (so nothing is read before it can be processed), the admin
 * port, and READY=1 to the service manager.  SIGHUP re-reads the config
 * and the detections and swaps them in only when both are valid (the
 * listeners and the sink stay as they are; reload.c, which also loads
 * the library at start-up).  SIGUSR1 logs the counters.
 * SIGTERM and SIGINT: stop reading, close every stats window, deliver
 * what is queued for at most shutdown_timeout seconds, exit 0.
 *
 * The listeners and pipelines are worker.c's, whatever their number:
 * with workers = 1 (the default) the one worker runs on this thread's
 * event_base; with workers = N > 1, on N threads whose alerts come back
 * through a queue.  This thread keeps the sink, the admin port, signals
 * and timers.  The tick passes the sink's back-pressure on; SIGHUP loads
 * here and then swaps the new set (and TLS files) into each worker in
 * turn; SIGTERM stops the workers (their windows flushed) before the
 * sink drains.  READY=1 is sent once every worker has bound its
 * listeners.  /metrics sums the workers' counters.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <event2/thread.h>

#include "daemon/admin.h"
#include "daemon/config.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/library.h"
#include "decode/event.h"
#include "log.h"
#include "daemon/options.h"
#include "daemon/pipeline.h"
#include "daemon/reload.h"
#include "daemon/status.h"
#include "output/sink.h"
#include "output/suppress.h"
#include "daemon/worker.h"
#include "xmalloc.h"

#define MAIN_TICK_MS		250	/* window and back-pressure checks */
#define MAIN_SUMMARY_S		60	/* drop summary period */

struct main_state {
	struct config		 cfg;		/* the running configuration */
	struct event_base	*base;
	struct detection_set	*set;		/* one reference */
	struct library		*lib;		/* set's states, reasons */
	struct reload_ctx	 reload;	/* what SIGHUP replaces */
	struct sink		*sink;
	struct suppress		*suppress;	/* NULL: no suppress rule */
	struct worker_pool	*pool;		/* listeners and pipelines */
	struct admin		*admin;
	struct event		*tick_ev;	/* MAIN_TICK_MS timer */
	struct event		*summary_ev;	/* MAIN_SUMMARY_S timer */
	struct event		*sig_ev[4];	/* TERM, INT, HUP, USR1 */
	int			 stopping;	/* shutdown under way */
	int			 paused;	/* listeners paused */
	struct status		*status;	/* log, /health, sd_notify */
	time_t			 start_time;
};

static int64_t
main_now_ms(struct event_base *base)
{
	struct timeval	 tv;

	if (event_base_gettimeofday_cached(base, &tv) == -1)
		gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* An alert from a worker, handed over on this thread. */
static void
main_worker_alert_cb(const char *json, size_t len, void *arg)
{
	struct main_state	*st = arg;

	(void)sink_submit(st->sink, json, len);
}

static void
main_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct main_state	*st = arg;
	int			 backlogged;
	int64_t			 now = main_now_ms(st->base);

	(void)fd;
	(void)what;
	status_tick(st->status, now);
	if (st->suppress != NULL)
		(void)suppress_sync(st->suppress, now);
	if (st->stopping)
		return;
	backlogged = sink_backlogged(st->sink);
	worker_pool_set_backlogged(st->pool, backlogged);
	if (backlogged && !st->paused) {
		log_warnx("alert queue above its high-water mark: "
		    "pausing TCP input");
		st->paused = 1;
	} else if (!backlogged && st->paused) {
		log_info("alert queue drained: resuming TCP input");
		st->paused = 0;
	}
}

static void
main_summary_cb(evutil_socket_t fd, short what, void *arg)
{
	struct main_state	*st = arg;

	(void)fd;
	(void)what;
	status_log(st->status, false);
}

static void
main_drained_cb(void *arg)
{
	struct main_state	*st = arg;

	event_base_loopbreak(st->base);
}

static void
main_stop(struct main_state *st, const char *why)
{
	if (st->stopping)
		return;
	st->stopping = 1;
	status_notify(st->status, "STOPPING=1\nSTATUS=%s: delivering queued "
	    "alerts", why);
	log_info("%s: closing listeners and windows, delivering alerts "
	    "(at most %d s)", why, st->cfg.shutdown_timeout_s);
	/* closes the listeners, flushes the windows: alerts reach the sink */
	worker_pool_stop(st->pool);
	sink_drain(st->sink, st->cfg.shutdown_timeout_s, main_drained_cb, st);
}

/*
 * --check-config: the coverage report of the library (--json: as JSON,
 * -v: every detection).  Returns the exit status: 1 when the library
 * cannot load, or strict_detections is on and a detection was refused.
 */
static int
main_check(const struct config *cfg)
{
	struct library	*lib;
	char		*errstr = NULL, *json;
	int		 rc;

	if ((lib = reload_load_library(cfg, false, &errstr)) == NULL) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		free(errstr);
		return 1;
	}
	if (cfg->check_json) {
		json = library_report_json(lib);
		printf("%s\n", json);
		free(json);
	} else
		library_report(lib, stdout, cfg->verbose > 0);
	rc = cfg->strict_detections && reload_refused(lib) > 0 ? 1 : 0;
	if (rc == 1)
		fprintf(stderr, "hecsentry: strict_detections: %zu "
		    "detection%s refused\n", reload_refused(lib),
		    reload_refused(lib) == 1 ? "" : "s");
	else if (!cfg->check_json)
		printf("configuration OK\n");
	library_free(lib);
	return rc;
}

static void
main_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct main_state	*st = arg;

	(void)what;
	switch (sig) {
	case SIGTERM:
		main_stop(st, "SIGTERM");
		break;
	case SIGINT:
		main_stop(st, "SIGINT");
		break;
	case SIGHUP:
		if (st->stopping)
			log_warnx("SIGHUP ignored: shutting down");
		else {
			(void)sink_reopen(st->sink);
			(void)reload_run(&st->reload);
		}
		break;
	case SIGUSR1:
		status_log(st->status, true);
		break;
	}
}

int
main(int argc, char **argv)
{
	struct main_state	 st;
	struct pipeline_opts	 po;
	struct sink_options	 so;
	struct admin_options	 ao;
	struct suppress_options	 supo;
	struct suppress_counters sc;
	char			*errstr = NULL;
	int			 rc, i;
	const int		 sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct timeval		 tv;

	memset(&st, 0, sizeof(st));
	st.start_time = time(NULL);
	log_init(0);
	rc = config_from_args(argc, argv, &st.cfg, &errstr);
	if (rc == 1) {
		config_free(&st.cfg);
		return 0;
	}
	if (rc == 0 && config_check_paths(&st.cfg, &errstr) == -1)
		rc = -1;
	if (rc == -1) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		fprintf(stderr, "Try 'hecsentry --help'.\n");
		free(errstr);
		config_free(&st.cfg);
		return 1;
	}
	log_set_verbose(st.cfg.verbose);

	event_fields_init();
	if (st.cfg.check_only) {
		rc = main_check(&st.cfg);
		config_free(&st.cfg);
		return rc;
	}
	st.set = reload_load_set(&st.cfg, "", &st.lib, &errstr);
	if (st.set == NULL) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		free(errstr);
		config_free(&st.cfg);
		return 1;
	}
	if (st.set->n == 0)
		log_warnx("no detections in %s: nothing will alert",
		    st.cfg.detections_dir);
	for (i = 0; i < (int)st.set->n; i++)
		log_info("detection loaded: %s (version %d, %s)",
		    st.set->d[i]->name, st.set->d[i]->version,
		    st.set->d[i]->file);

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	if (st.cfg.workers > 1 && evthread_use_pthreads() == -1)
		fatalx("evthread_use_pthreads failed");
	if ((st.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	options_sink(&st.cfg, &so);
	if ((st.sink = sink_new(st.base, &so, &errstr)) == NULL) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		return 1;
	}
	options_pipeline(&st.cfg, &po);
	options_suppress(&st.cfg, &supo);
	if (supo.nrules > 0) {
		st.suppress = suppress_open(&supo, main_now_ms(st.base),
		    &errstr);
		if (st.suppress == NULL) {
			fprintf(stderr, "hecsentry: %s\n", errstr);
			return 1;
		}
		suppress_get_counters(st.suppress, &sc);
		log_info("suppression: %zu rule%s, %llu key%s read back%s%s",
		    supo.nrules, supo.nrules == 1 ? "" : "s",
		    (unsigned long long)sc.loaded, sc.loaded == 1 ? "" : "s",
		    supo.dir != NULL ? " from " : " (no spool_dir: ",
		    supo.dir != NULL ? supo.dir : "kept in memory only)");
		(void)suppress_warn_rules(st.suppress, st.set->d, st.set->n);
	}
	po.suppress = st.suppress;

	for (i = 0; i < 4; i++) {
		st.sig_ev[i] = evsignal_new(st.base, sigs[i], main_signal_cb,
		    &st);
		if (st.sig_ev[i] == NULL || evsignal_add(st.sig_ev[i],
		    NULL) == -1)
			fatalx("cannot install handler for signal %d", sigs[i]);
	}
	st.tick_ev = event_new(st.base, -1, EV_PERSIST, main_tick_cb, &st);
	st.summary_ev = event_new(st.base, -1, EV_PERSIST, main_summary_cb,
	    &st);
	if (st.tick_ev == NULL || st.summary_ev == NULL)
		fatalx("event_new failed");
	tv.tv_sec = 0;
	tv.tv_usec = MAIN_TICK_MS * 1000;
	evtimer_add(st.tick_ev, &tv);
	tv.tv_sec = MAIN_SUMMARY_S;
	tv.tv_usec = 0;
	evtimer_add(st.summary_ev, &tv);

	st.pool = worker_pool_new(st.base, &st.cfg, st.set, &po,
	    main_worker_alert_cb, &st, &errstr);
	if (st.pool == NULL) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		return 1;
	}
	st.status = status_new(st.pool, st.sink, st.set, st.start_time);
	status_set_library(st.status, st.lib);
	status_set_suppress(st.status, st.suppress);
	st.reload.argc = argc;
	st.reload.argv = argv;
	st.reload.cfg = &st.cfg;
	st.reload.set = &st.set;
	st.reload.lib = &st.lib;
	st.reload.pool = st.pool;
	st.reload.status = st.status;
	st.reload.suppress = st.suppress;
	if (st.cfg.nlisten_tcp + st.cfg.nlisten_udp == 0)
		log_warnx("no listen_tcp or listen_udp address: "
		    "nothing to receive");
	options_admin(&st.cfg, &ao);
	if (ao.listen != NULL) {
		st.admin = admin_new(st.base, &ao, status_snapshot_cb,
		    st.status, &errstr);
		if (st.admin == NULL) {
			/* metrics matter less than the data: keep going */
			log_warnx("%s: running without the admin port",
			    errstr);
			free(errstr);
			errstr = NULL;
		}
	}
	status_watchdog_start(st.status, st.base);
	log_info("hecsentry %s running: %zu detection%s, window %d s%s%s",
	    PACKAGE_VERSION, st.set->n, st.set->n == 1 ? "" : "s",
	    st.cfg.window_s, st.admin != NULL ? ", admin port " : "",
	    st.admin != NULL ? st.cfg.admin_listen : "");
	status_notify(st.status, "READY=1\nSTATUS=running: %zu detection%s, "
	    "%zu TCP and %zu UDP listener%s", st.set->n,
	    st.set->n == 1 ? "" : "s", st.cfg.nlisten_tcp,
	    st.cfg.nlisten_udp, st.cfg.nlisten_udp == 1 ? "" : "s");

	if (event_base_dispatch(st.base) == -1)
		log_warnx("event loop failed");
	status_log(st.status, true);

	admin_free(st.admin);
	status_free(st.status);
	worker_pool_free(st.pool);
	suppress_free(st.suppress);
	sink_free(st.sink);
	for (i = 0; i < 4; i++)
		if (st.sig_ev[i] != NULL)
			event_free(st.sig_ev[i]);
	event_free(st.tick_ev);
	event_free(st.summary_ev);
	event_base_free(st.base);
	detection_set_unref(st.set, __func__);
	library_free(st.lib);
	config_free(&st.cfg);
	curl_global_cleanup();
	log_info("exiting");
	return 0;
}
