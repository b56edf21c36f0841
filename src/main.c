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
 * hecsentry: argv and config, the one event_base, signals, start-up and
 * teardown order.  Start-up: config, detections, sink, pipeline, then the
 * listeners (so nothing is read before it can be processed).  SIGTERM and
 * SIGINT: stop reading, close every stats window, deliver what is queued
 * for at most shutdown_timeout seconds, exit 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "config.h"
#include "detection.h"
#include "event.h"
#include "listen.h"
#include "log.h"
#include "pipeline.h"
#include "sink.h"
#include "xmalloc.h"

#define MAIN_TICK_MS		250	/* window and back-pressure checks */
#define MAIN_SUMMARY_S		60	/* drop summary period */

struct main_state {
	struct config		 cfg;		/* the running configuration */
	struct event_base	*base;
	struct detection_set	*set;		/* one reference */
	struct sink		*sink;
	struct pipeline		*pipeline;
	struct listen		*listen;
	struct event		*tick_ev;	/* MAIN_TICK_MS timer */
	struct event		*summary_ev;	/* MAIN_SUMMARY_S timer */
	struct event		*sig_ev[4];	/* TERM, INT, HUP, USR1 */
	int			 stopping;	/* shutdown under way */
	int			 paused;	/* listeners paused */
	uint64_t		 last_drops;	/* drops at the last summary */
	struct listen_counters	 lc_final;	/* listen counters at close */
};

static int64_t
main_now_ms(struct event_base *base)
{
	struct timeval	 tv;

	if (event_base_gettimeofday_cached(base, &tv) == -1)
		gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void
main_frame_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	struct main_state	*st = arg;

	(void)src;
	pipeline_frame(st->pipeline, buf, len, main_now_ms(st->base));
}

static void
main_alert_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	struct main_state	*st = arg;

	(void)d;
	(void)sink_submit(st->sink, json, len);
}

static uint64_t
main_sum(const uint64_t *v, size_t n)
{
	uint64_t	 s = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s;
}

/* Logs the counters: on SIGUSR1, and periodically when drops grew. */
static void
main_log_summary(struct main_state *st, int always)
{
	struct pipeline_counters pc;
	struct listen_counters	 lc;
	struct sink_counters	 sc;
	uint64_t		 drops;

	pipeline_get_counters(st->pipeline, &pc);
	lc = st->lc_final;
	if (st->listen != NULL)
		listen_get_counters(st->listen, &lc);
	sink_get_counters(st->sink, &sc);
	drops = main_sum(pc.syslog_errors, PIPELINE_SYSLOG_NERRORS) +
	    main_sum(pc.decode_errors, DECODE_NERRORS) +
	    pc.normalise_errors + lc.oversize + lc.bad_length +
	    lc.udp_truncated + lc.udp_kernel_drops + lc.conns_refused +
	    sc.dropped;
	if (!always && drops == st->last_drops)
		return;
	st->last_drops = drops;
	log_info("frames %llu (tcp %llu, udp %llu), events %llu, rows %llu, "
	    "alerts %llu, delivered %llu, queued %zu",
	    (unsigned long long)pc.frames, (unsigned long long)lc.frames_tcp,
	    (unsigned long long)lc.frames_udp, (unsigned long long)pc.events,
	    (unsigned long long)pc.rows, (unsigned long long)pc.alerts,
	    (unsigned long long)sc.delivered, sc.queued);
	log_info("skipped: bad syslog header %llu, bad payload %llu "
	    "(json syntax %llu, json depth %llu, xml %llu, not a document %llu,"
	    " unknown shape %llu), oversize frames %llu, bad length prefix "
	    "%llu, udp truncated %llu, udp kernel drops %llu, connections "
	    "refused %llu, alerts dropped %llu",
	    (unsigned long long)main_sum(pc.syslog_errors,
	    PIPELINE_SYSLOG_NERRORS),
	    (unsigned long long)main_sum(pc.decode_errors, DECODE_NERRORS),
	    (unsigned long long)pc.decode_errors[DECODE_ERR_JSON_SYNTAX],
	    (unsigned long long)pc.decode_errors[DECODE_ERR_JSON_DEPTH],
	    (unsigned long long)(pc.decode_errors[DECODE_ERR_XML_SYNTAX] +
	    pc.decode_errors[DECODE_ERR_XML_LIMIT]),
	    (unsigned long long)pc.decode_errors[DECODE_ERR_NOT_DOCUMENT],
	    (unsigned long long)pc.decode_errors[DECODE_ERR_SHAPE],
	    (unsigned long long)lc.oversize, (unsigned long long)lc.bad_length,
	    (unsigned long long)lc.udp_truncated,
	    (unsigned long long)lc.udp_kernel_drops,
	    (unsigned long long)lc.conns_refused,
	    (unsigned long long)sc.dropped);
}

static void
main_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct main_state	*st = arg;
	int			 backlogged;

	(void)fd;
	(void)what;
	pipeline_tick(st->pipeline, main_now_ms(st->base));
	if (st->listen == NULL)
		return;
	backlogged = sink_backlogged(st->sink);
	if (backlogged && !st->paused) {
		log_warnx("alert queue above its high-water mark: "
		    "pausing TCP input");
		listen_pause(st->listen);
		st->paused = 1;
	} else if (!backlogged && st->paused) {
		log_info("alert queue drained: resuming TCP input");
		listen_resume(st->listen);
		st->paused = 0;
	}
}

static void
main_summary_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	main_log_summary(arg, 0);
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
	log_info("%s: closing listeners and windows, delivering alerts "
	    "(at most %d s)", why, st->cfg.shutdown_timeout_s);
	listen_get_counters(st->listen, &st->lc_final);
	listen_free(st->listen);
	st->listen = NULL;
	pipeline_flush(st->pipeline);
	sink_drain(st->sink, st->cfg.shutdown_timeout_s, main_drained_cb, st);
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
		log_warnx("SIGHUP: configuration reload is not implemented "
		    "yet; restart hecsentry to apply changes");
		break;
	case SIGUSR1:
		main_log_summary(st, 1);
		break;
	}
}

static void
main_stats_opts(const struct config *cfg, struct stats_opts *so)
{
	memset(so, 0, sizeof(*so));
	so->window_s = cfg->window_s;
	so->max_keys = cfg->max_keys;
	so->max_bytes = cfg->stats_max_bytes;
	so->drop_null = cfg->null_by_drop;
	if (getrandom(so->seed, sizeof(so->seed), 0) !=
	    (ssize_t)sizeof(so->seed))
		fatal("getrandom");
}

int
main(int argc, char **argv)
{
	struct main_state	 st;
	struct pipeline_opts	 po;
	char			*errstr = NULL;
	int			 rc, i;
	const int		 sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct timeval		 tv;

	memset(&st, 0, sizeof(st));
	log_init(0);
	rc = config_from_args(argc, argv, &st.cfg, &errstr);
	if (rc == 1) {
		config_free(&st.cfg);
		return 0;
	}
	if (rc == -1) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		fprintf(stderr, "Try 'hecsentry --help'.\n");
		free(errstr);
		config_free(&st.cfg);
		return 1;
	}
	log_set_verbose(st.cfg.verbose);

	event_fields_init();
	st.set = detection_set_load(st.cfg.detections_dir, st.cfg.macros_dir,
	    &errstr);
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
	if (st.cfg.check_only) {
		printf("configuration OK: %zu detection%s loaded from %s\n",
		    st.set->n, st.set->n == 1 ? "" : "s",
		    st.cfg.detections_dir);
		detection_set_unref(st.set, __func__);
		config_free(&st.cfg);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	if ((st.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((st.sink = sink_new(st.base, &st.cfg, &errstr)) == NULL) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		return 1;
	}
	memset(&po, 0, sizeof(po));
	main_stats_opts(&st.cfg, &po.stats);
	po.decode.max_depth = st.cfg.max_json_depth;
	po.max_frame = st.cfg.max_frame;
	po.alert.sourcetype = st.cfg.hec_sourcetype;
	po.alert.index = st.cfg.hec_index;
	st.pipeline = pipeline_new(st.set, &po, main_alert_cb, &st);

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

	st.listen = listen_new(st.base, &st.cfg, main_frame_cb, &st, &errstr);
	if (st.listen == NULL) {
		fprintf(stderr, "hecsentry: %s\n", errstr);
		return 1;
	}
	if (st.cfg.nlisten_tcp + st.cfg.nlisten_udp == 0)
		log_warnx("no listen_tcp or listen_udp address: "
		    "nothing to receive");
	log_info("hecsentry %s running: %zu detection%s, window %d s",
	    PACKAGE_VERSION, st.set->n, st.set->n == 1 ? "" : "s",
	    st.cfg.window_s);

	if (event_base_dispatch(st.base) == -1)
		log_warnx("event loop failed");
	main_log_summary(&st, 1);

	listen_free(st.listen);
	pipeline_free(st.pipeline);
	sink_free(st.sink);
	for (i = 0; i < 4; i++)
		if (st.sig_ev[i] != NULL)
			event_free(st.sig_ev[i]);
	event_free(st.tick_ev);
	event_free(st.summary_ev);
	event_base_free(st.base);
	detection_set_unref(st.set, __func__);
	config_free(&st.cfg);
	curl_global_cleanup();
	log_info("exiting");
	return 0;
}
