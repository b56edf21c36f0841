/*
 * The daemon's account of itself (status.h): the log summary, /health's
 * verdict and the admin snapshot, all read from the worker pool (summed
 * over the workers) and the sink at the moment they are asked for; and
 * what the service manager hears (states, watchdog pings).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/notify.h"
#include "daemon/status.h"
#include "log.h"
#include "xmalloc.h"

struct status {
	struct worker_pool	*wp;		/* borrowed */
	struct sink		*sink;		/* borrowed */
	const struct detection_set *set;	/* borrowed, the running one */
	const struct library *lib;	/* borrowed: its states, or NULL */
	struct suppress		*suppress;	/* borrowed, or NULL */
	uint64_t		 last_drops;	/* drops at the last summary */
	struct admin_detection	*adet;		/* snapshot scratch */
	size_t			 nadet;
	uint64_t		 reloads;	/* successful */
	uint64_t		 reload_errors;	/* refused */
	time_t			 start_time;
	uint64_t		 out_ok;	/* 2xx seen at the last tick */
	uint64_t		 out_bad;	/* failures seen then */
	int64_t			 failing_ms;	/* since when; 0: fine */
	char			 health[256];	/* why unhealthy, "" if fine */
	struct log_ratelimit	 notify_rl;	/* notify errors */
	struct event		*watchdog_ev;	/* WATCHDOG=1, when asked */
};

struct status *
status_new(struct worker_pool *wp, struct sink *sink,
    const struct detection_set *set, time_t started)
{
	struct status	*s;

	s = xcalloc(1, sizeof(*s));
	s->wp = wp;
	s->sink = sink;
	s->set = set;
	s->start_time = started;
	return s;
}

void
status_free(struct status *s)
{
	if (s == NULL)
		return;
	if (s->watchdog_ev != NULL)
		event_free(s->watchdog_ev);
	free(s->adet);
	free(s);
}

void
status_set_detections(struct status *s, const struct detection_set *set)
{
	s->set = set;
}

void
status_set_library(struct status *s, const struct library *lib)
{
	s->lib = lib;
}

void
status_set_suppress(struct status *s, struct suppress *sup)
{
	s->suppress = sup;
}

void
status_reloaded(struct status *s, bool ok)
{
	if (ok)
		s->reloads++;
	else
		s->reload_errors++;
}

void
status_tick(struct status *s, int64_t now_ms)
{
	struct sink_counters	 sc;
	uint64_t		 bad;

	sink_get_counters(s->sink, &sc);
	bad = sc.status_4xx + sc.status_5xx + sc.net_errors + sc.write_errors;
	if (sc.status_2xx > s->out_ok || (sc.queued == 0 &&
	    bad == s->out_bad))
		s->failing_ms = 0;
	else if (bad > s->out_bad && s->failing_ms == 0)
		s->failing_ms = now_ms;
	s->out_ok = sc.status_2xx;
	s->out_bad = bad;
	if (!sink_healthy(s->sink, s->health, sizeof(s->health)))
		return;
	if (s->failing_ms != 0)
		snprintf(s->health, sizeof(s->health), "output failing for "
		    "%lld s: %llu failed requests or writes so far, %zu "
		    "alerts waiting",
		    (long long)(now_ms - s->failing_ms) / 1000,
		    (unsigned long long)bad, sc.queued);
	else if (sink_backlogged(s->sink))
		snprintf(s->health, sizeof(s->health), "alert queue above "
		    "its high-water mark: %zu alerts, %zu bytes waiting",
		    sc.queued, sc.queued_bytes);
	else
		s->health[0] = '\0';
}

static uint64_t
status_sum(const uint64_t *v, size_t n)
{
	uint64_t	 t = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		t += v[i];
	return t;
}

void
status_log(struct status *s, bool always)
{
	struct pipeline_counters pc;
	struct listen_counters	 lc;
	struct sink_counters	 sc;
	struct detect_counters	 dc;
	struct stats_counters	 stc;
	struct suppress_counters spc;
	uint64_t		 drops;
	size_t			 i;

	worker_pool_get_counters(s->wp, &pc, &lc);
	sink_get_counters(s->sink, &sc);
	drops = status_sum(pc.syslog_errors, PIPELINE_SYSLOG_NERRORS) +
	    status_sum(pc.decode_errors, DECODE_NERRORS) +
	    pc.normalise_errors + lc.oversize + lc.bad_length +
	    lc.udp_truncated + lc.udp_kernel_drops + lc.conns_refused +
	    sc.dropped;
	if (!always && drops == s->last_drops)
		return;
	s->last_drops = drops;
	log_info("frames %llu (tcp %llu, udp %llu), events %llu, rows %llu, "
	    "alerts %llu, delivered %llu, queued %zu",
	    (unsigned long long)pc.frames, (unsigned long long)lc.frames_tcp,
	    (unsigned long long)lc.frames_udp, (unsigned long long)pc.events,
	    (unsigned long long)pc.rows, (unsigned long long)pc.alerts,
	    (unsigned long long)sc.delivered, sc.queued);
	log_info("skipped: bad syslog header %llu, bad payload %llu "
	    "(json syntax %llu, json depth %llu, xml %llu, not a document "
	    "%llu, unknown shape %llu), oversize frames %llu, bad length "
	    "prefix %llu, udp truncated %llu, udp kernel drops %llu, "
	    "connections refused %llu, alerts dropped %llu",
	    (unsigned long long)status_sum(pc.syslog_errors,
	    PIPELINE_SYSLOG_NERRORS),
	    (unsigned long long)status_sum(pc.decode_errors, DECODE_NERRORS),
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
	if (s->suppress != NULL) {
		suppress_get_counters(s->suppress, &spc);
		log_info("suppressed rows %llu; suppression keys %llu "
		    "(evicted %llu, expired %llu), file %llu bytes, file "
		    "errors %llu", (unsigned long long)spc.suppressed,
		    (unsigned long long)spc.keys,
		    (unsigned long long)spc.evicted,
		    (unsigned long long)spc.expired,
		    (unsigned long long)spc.file_bytes,
		    (unsigned long long)spc.write_errors);
	}
	if (!always)
		return;
	for (i = 0; i < s->set->n; i++) {
		worker_pool_get_detect_counters(s->wp, i, &dc, &stc);
		log_info("detection %s (version %d): matches %llu, rows %llu, "
		    "live keys %zu, early rows %llu", s->set->d[i]->name,
		    s->set->d[i]->version, (unsigned long long)dc.matches,
		    (unsigned long long)dc.rows, stc.keys,
		    (unsigned long long)stc.early);
	}
}

void
status_snapshot_cb(struct admin_snapshot *snap, void *arg)
{
	struct status	*s = arg;
	size_t		 i;

	if (s->nadet < s->set->n) {
		s->adet = xreallocarray(s->adet, s->set->n, sizeof(*s->adet));
		s->nadet = s->set->n;
	}
	for (i = 0; i < s->set->n; i++) {
		memset(&s->adet[i], 0, sizeof(s->adet[i]));
		s->adet[i].det = s->set->d[i];
		worker_pool_get_detect_counters(s->wp, i, &s->adet[i].dc,
		    &s->adet[i].sc);
		s->adet[i].suppressed = suppress_count_of(s->suppress,
		    s->set->d[i]);
	}
	if (s->suppress != NULL) {
		suppress_get_counters(s->suppress, &snap->suppress);
		snap->suppressing = true;
	}
	snap->detections = s->adet;
	snap->ndetections = s->set->n;
	snap->library = s->lib;
	worker_pool_get_counters(s->wp, &snap->pipeline, &snap->listen);
	snap->listeners = worker_pool_listeners(s->wp, &snap->nlisteners);
	sink_get_counters(s->sink, &snap->sink);
	sink_get_alert_latency(s->sink, &snap->alert_latency);
	snap->reloads = s->reloads;
	snap->reload_errors = s->reload_errors;
	snap->start_time_s = s->start_time;
	snap->healthy = s->health[0] == '\0';
	snap->reason = s->health;
}

void
status_notify(struct status *s, const char *fmt, ...)
{
	char		 buf[NOTIFY_MAX_STATE];
	va_list		 ap;
	uint64_t	 n;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (notify_send(buf) == 0)
		return;
	if (log_ratelimit(&s->notify_rl, time(NULL), &n))
		log_warn("cannot notify the service manager (%llu times)",
		    (unsigned long long)n);
}

static void
status_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	status_notify(arg, "WATCHDOG=1");
}

void
status_watchdog_start(struct status *s, struct event_base *base)
{
	uint64_t	 usec;
	struct timeval	 tv;
	int		 rc;

	if ((rc = notify_watchdog_usec(&usec)) == -1) {
		log_warnx("malformed %s or %s: no watchdog pings",
		    NOTIFY_WATCHDOG_ENV, NOTIFY_WATCHDOG_PID_ENV);
		return;
	}
	if (rc == 0)
		return;
	usec /= 2;
	if (usec == 0)
		usec = 1;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	s->watchdog_ev = event_new(base, -1, EV_PERSIST, status_watchdog_cb,
	    s);
	if (s->watchdog_ev == NULL || evtimer_add(s->watchdog_ev, &tv) == -1)
		fatalx("cannot arm the watchdog timer");
	log_trace("watchdog: pinging every %llu us",
	    (unsigned long long)usec);
}
