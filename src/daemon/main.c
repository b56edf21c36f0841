/*
 * hecsentry: argv and config, the one event_base, signals, start-up and
 * teardown order.  Start-up: config, detections, sink, pipeline, then the
 * listeners (so nothing is read before it can be processed), the admin
 * port, and READY=1 to the service manager.  SIGHUP re-reads the config
 * and the detections and swaps them in only when both are valid (the
 * listeners and the sink stay as they are).  SIGUSR1 logs the counters.
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
#include "daemon/status.h"
#include "output/sink.h"
#include "daemon/worker.h"
#include "xmalloc.h"

#define MAIN_TICK_MS		250	/* window and back-pressure checks */
#define MAIN_SUMMARY_S		60	/* drop summary period */
#define MAIN_RESTART_KEYS_MAX	1024	/* the key names of one log line */

struct main_state {
	int			 argc;		/* saved for SIGHUP */
	char			**argv;
	struct config		 cfg;		/* the running configuration */
	struct event_base	*base;
	struct detection_set	*set;		/* one reference */
	struct detection_set	*new_set;	/* during a swap */
	struct library		*lib;		/* set's states, reasons */
	struct sink		*sink;
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

static bool
main_str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* Logs the refusals of lib and its one-line summary (prefix: "reload: "). */
static void
main_log_library(const struct library *lib, const char *prefix)
{
	const struct library_entry *e;
	char		 buf[1024];
	size_t		 k;

	for (k = 0; k < lib->n; k++) {
		e = &lib->e[k];
		if (e->state == LIBRARY_BROKEN)
			log_warnx("%sdetection broken: %s", prefix, e->reason);
		else if (e->state == LIBRARY_SKIPPED ||
		    e->state == LIBRARY_NEVER)
			log_info("%sdetection %s: %s", prefix,
			    library_state_name(e->state), e->reason);
		else if (e->state == LIBRARY_FILTERED)
			log_debug("%sdetection filtered: %s", prefix,
			    e->reason);
	}
	library_summary(lib, buf, sizeof(buf));
	log_info("%sdetections: %s", prefix, buf);
}

/* The number of lib's refusals: skipped, never matches, broken. */
static size_t
main_refused(const struct library *lib)
{
	return library_count(lib, LIBRARY_SKIPPED) +
	    library_count(lib, LIBRARY_NEVER) +
	    library_count(lib, LIBRARY_BROKEN);
}

/*
 * The library of cfg with its Sysmon-to-CIM mapping (cim_map), or NULL
 * with *errstr (caller frees): the detections or macros cannot be read,
 * or strict_detections is on and a detection was refused.
 */
static struct library *
main_load_library(const struct config *cfg, bool strict, char **errstr)
{
	struct library_opts	 lo;
	struct library		*lib;
	struct cim_map		*m;
	const struct library_entry *e;
	size_t			 k;

	if ((m = cim_map_load(cfg->cim_map, errstr)) == NULL)
		return NULL;
	lib = library_load(options_library(cfg, m, &lo), errstr);
	if (lib == NULL) {
		cim_map_free(m);
		return NULL;
	}
	detection_set_use_cim(lib->set, m);
	if (strict && main_refused(lib) > 0) {
		for (k = 0, e = NULL; k < lib->n && e == NULL; k++)
			if (lib->e[k].state == LIBRARY_SKIPPED ||
			    lib->e[k].state == LIBRARY_NEVER ||
			    lib->e[k].state == LIBRARY_BROKEN)
				e = &lib->e[k];
		xasprintf(errstr, "strict_detections: %zu detection%s "
		    "refused, the first: %s", main_refused(lib),
		    main_refused(lib) == 1 ? "" : "s", e->reason);
		library_free(lib);
		return NULL;
	}
	return lib;
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

	if ((lib = main_load_library(cfg, false, &errstr)) == NULL) {
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
	rc = cfg->strict_detections && main_refused(lib) > 0 ? 1 : 0;
	if (rc == 1)
		fprintf(stderr, "hecsentry: strict_detections: %zu "
		    "detection%s refused\n", main_refused(lib),
		    main_refused(lib) == 1 ? "" : "s");
	else if (!cfg->check_json)
		printf("configuration OK\n");
	library_free(lib);
	return rc;
}

/*
 * The runnable set of main_load_library(); *libp gets the library
 * (without its set) for /detections and /metrics.
 */
static struct detection_set *
main_load_set(const struct config *cfg, const char *prefix,
    struct library **libp, char **errstr)
{
	struct library		*lib;

	if ((lib = main_load_library(cfg, cfg->strict_detections,
	    errstr)) == NULL)
		return NULL;
	main_log_library(lib, prefix);
	*libp = lib;
	return library_take_set(lib);
}

/* config_diff_fn: names a changed key that only a restart applies. */
static void
main_restart_key_cb(const char *key, enum config_apply apply, void *arg)
{
	char	*buf = arg;
	size_t	 len = strlen(buf);

	if (apply != CONFIG_APPLY_RESTART)
		return;
	(void)snprintf(buf + len, MAIN_RESTART_KEYS_MAX - len, "%s%s",
	    len > 0 ? ", " : "", key);
}

/* Logs the detections of the new set that are new or changed. */
static void
main_reload_log_changes(struct main_state *st)
{
	const struct detection	*d, *o;
	size_t			 i, j;
	const char		*what;

	for (i = 0; i < st->new_set->n; i++) {
		d = st->new_set->d[i];
		what = "added";
		for (j = 0; j < st->set->n; j++) {
			o = st->set->d[j];
			if (main_str_differ(o->id, d->id))
				continue;
			if (detection_same(o, d))
				what = NULL;
			else
				what = "changed (its rows were emitted)";
			break;
		}
		if (what != NULL)
			log_info("reload: detection %s (version %d, %s) %s",
			    d->name, d->version, d->file, what);
	}
	for (j = 0; j < st->set->n; j++) {
		o = st->set->d[j];
		for (i = 0; i < st->new_set->n; i++)
			if (!main_str_differ(o->id, st->new_set->d[i]->id))
				break;
		if (i == st->new_set->n)
			log_info("reload: detection %s removed (its rows were "
			    "emitted)", o->name);
	}
}

/*
 * SIGHUP: the config (file and the saved argv, which still overrides it)
 * and the detections are read into new objects; if either is broken the
 * running ones stay and the error is logged.  Otherwise the new set is
 * swapped into the pipeline (unchanged detections keep their windows),
 * the cheap keys apply, and the others are named as needing a restart.
 * Connections stay open throughout.
 */
static void
main_reload(struct main_state *st)
{
	struct config		 ncfg;
	struct detection_set	*nset;
	struct library		*nlib = NULL;
	struct stats_opts	 so;
	struct timespec		 ts;
	char			*errstr = NULL;
	char			 restart[MAIN_RESTART_KEYS_MAX];
	size_t			 kept;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	status_notify(st->status, "RELOADING=1\nMONOTONIC_USEC=%llu\n"
	    "STATUS=reloading the configuration",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
	log_info("SIGHUP: reloading the configuration and the detections");
	memset(&ncfg, 0, sizeof(ncfg));
	if (config_from_args(st->argc, st->argv, &ncfg, &errstr) != 0) {
		log_warnx("reload failed, the running configuration stays: "
		    "%s", errstr != NULL ? errstr : "bad configuration");
		goto fail;
	}
	nset = main_load_set(&ncfg, "reload: ", &nlib, &errstr);
	if (nset == NULL) {
		log_warnx("reload failed, the running detections stay: %s",
		    errstr != NULL ? errstr : "cannot load detections");
		goto fail;
	}
	if (nset->n == 0)
		log_warnx("reload: no detections in %s: nothing will alert",
		    ncfg.detections_dir);
	restart[0] = '\0';
	if (config_diff(&st->cfg, &ncfg, main_restart_key_cb, restart) > 0 &&
	    restart[0] != '\0')
		log_warnx("reload: changed but not applied until a restart: "
		    "%s", restart);
	if (worker_pool_reload_tls(st->pool, &ncfg, &errstr) == -1) {
		log_warnx("reload: %s; the old TLS certificates stay in use",
		    errstr);
		free(errstr);
		errstr = NULL;
	}

	/* Keys that apply now; listen and sink keep borrowing st->cfg. */
	config_apply_live(&st->cfg, &ncfg);
	st->cfg.verbose = ncfg.verbose;
	log_set_verbose(ncfg.verbose);

	st->new_set = nset;
	main_reload_log_changes(st);
	options_stats(&st->cfg, &so);
	kept = worker_pool_swap_set(st->pool, nset, &so, NULL, NULL);
	detection_set_unref(st->set, __func__);
	st->set = nset;
	status_set_library(st->status, nlib);
	library_free(st->lib);
	st->lib = nlib;
	st->new_set = NULL;
	status_set_detections(st->status, nset);
	status_reloaded(st->status, true);
	log_info("reload done: %zu detection%s, %zu unchanged (windows "
	    "kept), window %d s", nset->n, nset->n == 1 ? "" : "s", kept,
	    st->cfg.window_s);
	config_free(&ncfg);
	status_notify(st->status, "READY=1\nSTATUS=running: %zu detection%s "
	    "(reloaded)", nset->n, nset->n == 1 ? "" : "s");
	return;
fail:
	status_reloaded(st->status, false);
	free(errstr);
	config_free(&ncfg);
	status_notify(st->status, "READY=1\nSTATUS=running: %zu detection%s; "
	    "the last reload failed (see the log)", st->set->n,
	    st->set->n == 1 ? "" : "s");
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
			main_reload(st);
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
	char			*errstr = NULL;
	int			 rc, i;
	const int		 sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct timeval		 tv;

	memset(&st, 0, sizeof(st));
	st.argc = argc;
	st.argv = argv;
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
	st.set = main_load_set(&st.cfg, "", &st.lib, &errstr);
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
