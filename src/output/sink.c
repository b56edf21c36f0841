/*
 * Alert sinks: the spool and the transport below it.  With spool_dir set
 * every alert is appended to the spool first (it counts as emitted once
 * there); the transport pulls the records as it has room (sink_up.fill)
 * and reports each one that left for good (sink_up.settled), which acks
 * it.  An alert whose append failed is handed to the transport directly,
 * kept in memory only.  Without a spool every alert goes straight to the
 * transport, which bounds its memory itself.  A 200 ms tick syncs the
 * spool (fsync "batch") and logs its summary every minute when it
 * changed.  The transports are hec.c, and sink_file.c for stdout and
 * file:PATH; this file calls them only through their struct sink_ops.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "output/hec.h"
#include "output/sink.h"
#include "output/sink_file.h"
#include "output/spool.h"
#include "xmalloc.h"

#define SINK_TICK_MS		200	/* spool sync */
#define SINK_SUMMARY_S		60	/* spool summary period */
#define SINK_SPOOL_ERR_LOG_S	10	/* spool append errors */

struct sink {
	struct sink_options	 o;		/* strings borrowed */
	const struct sink_ops	*ops;		/* the transport's */
	void			*t;		/* the transport */
	struct spool		*spool;		/* NULL without spool_dir */
	struct spool_cursor	 cursor;	/* next record to hand down */
	struct event		*tick;		/* SINK_TICK_MS, with a spool */
	time_t			 summary_at;	/* next spool summary */
	time_t			 spool_err_logged; /* last append error log */
	uint64_t		 submitted;	/* alerts given to the sink */
	uint64_t		 spooled;	/* appended to the spool */
	uint64_t		 spool_errors;	/* append, read, ack failures */
	uint64_t		 drops_seen;	/* dropped, last health */
	uint64_t		 drop_delivered; /* delivered, last drop */
	bool			 dropping;	/* none delivered since */
	struct spool_counters	 logged;	/* at the last summary */
	void			(*done)(void *); /* sink_drain()'s */
	void			*done_arg;
};

/* sink_up.fill: hands spooled records down while the transport wants. */
static bool
sink_fill(void *arg)
{
	struct sink		*s = arg;
	struct spool_record	 rec;
	int			 rc, budget = 100000;

	while (budget-- > 0 && s->ops->want(s->t)) {
		rc = spool_next(s->spool, &s->cursor, &rec);
		if (rc == 0)
			return false;
		if (rc == -1) {
			s->spool_errors++;
			continue;
		}
		(void)s->ops->submit(s->t, rec.data, rec.len, rec.seq);
	}
	return true;
}

/* sink_up.settled: record seq left for good; the spool forgets it. */
static void
sink_settled(void *arg, uint64_t seq)
{
	struct sink	*s = arg;

	if (spool_ack(s->spool, seq) == -1)
		s->spool_errors++;
}

/* Logs the spool's counters, when they changed since the last time. */
static void
sink_log_summary(struct sink *s)
{
	struct spool_counters	 sc;

	spool_get_counters(s->spool, &sc);
	if (memcmp(&sc, &s->logged, sizeof(sc)) == 0)
		return;
	s->logged = sc;
	log_info("output: alerts %llu; spool %s: appended %llu, replayed "
	    "%llu, acked %llu, dropped full %llu, corrupt %llu, errors %llu, "
	    "waiting %llu", (unsigned long long)s->submitted, s->o.spool_dir,
	    (unsigned long long)sc.appended, (unsigned long long)sc.replayed,
	    (unsigned long long)sc.acked,
	    (unsigned long long)sc.dropped_full,
	    (unsigned long long)sc.corrupt_records,
	    (unsigned long long)(s->spool_errors + sc.write_errors +
	    sc.fsync_errors + sc.read_errors),
	    (unsigned long long)spool_depth(s->spool));
}

static void
sink_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sink	*s = arg;
	time_t		 now = time(NULL);

	(void)fd;
	(void)what;
	if (s->o.spool.fsync == SPOOL_FSYNC_BATCH)
		(void)spool_sync(s->spool);
	if (now >= s->summary_at) {
		if (s->summary_at != 0)
			sink_log_summary(s);
		s->summary_at = now + SINK_SUMMARY_S;
	}
}

/* Opens the spool and its tick.  0, or -1 with *errstr. */
static int
sink_spool_open(struct sink *s, struct event_base *base, char **errstr)
{
	struct spool_counters	 sc;
	struct timeval		 tv = { 0, SINK_TICK_MS * 1000 };
	char			*err = NULL;

	if ((s->spool = spool_open(s->o.spool_dir, &s->o.spool, &err)) ==
	    NULL) {
		xasprintf(errstr, "spool %s: %s", s->o.spool_dir,
		    err != NULL ? err : "cannot open");
		free(err);
		return -1;
	}
	spool_cursor_init(s->spool, &s->cursor);
	spool_get_counters(s->spool, &sc);
	if (sc.replayed > 0 || sc.corrupt_records > 0)
		log_info("output: spool %s: %llu alerts to send again, %llu "
		    "damaged regions skipped", s->o.spool_dir,
		    (unsigned long long)sc.replayed,
		    (unsigned long long)sc.corrupt_records);
	if ((s->tick = event_new(base, -1, EV_PERSIST, sink_tick_cb, s)) ==
	    NULL || evtimer_add(s->tick, &tv) == -1) {
		xasprintf(errstr, "output: cannot arm the spool tick");
		return -1;
	}
	return 0;
}

struct sink *
sink_new(struct event_base *base, const struct sink_options *o,
    char **errstr)
{
	struct sink	*s;
	struct sink_up	 up;

	*errstr = NULL;
	s = xcalloc(1, sizeof(*s));
	s->o = *o;
	memset(&up, 0, sizeof(up));
	up.fill = sink_fill;
	up.settled = sink_settled;
	up.arg = s;
	up.spooled = o->spool_dir != NULL;
	switch (o->type) {
	case SINK_HEC:
		s->ops = &hec_sink_ops;
		s->t = hec_new(base, &o->hec, &up, errstr);
		break;
	case SINK_STDOUT:
		s->ops = &sink_file_ops;
		s->t = sink_file_new(base, NULL, o->queue_bytes, &up, errstr);
		break;
	case SINK_FILE:
		s->ops = &sink_file_ops;
		s->t = sink_file_new(base, o->path, o->queue_bytes, &up,
		    errstr);
		break;
	}
	if (s->t == NULL) {
		if (*errstr == NULL)
			xasprintf(errstr, "output: unknown type");
		goto fail;
	}
	if (o->spool_dir != NULL && sink_spool_open(s, base, errstr) == -1)
		goto fail;
	if (s->spool != NULL && spool_depth(s->spool) > 0)
		s->ops->wake(s->t);
	return s;
fail:
	sink_free(s);
	return NULL;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	if (s->ops != NULL)
		s->ops->free(s->t);
	if (s->spool != NULL)
		sink_log_summary(s);
	if (s->tick != NULL)
		event_free(s->tick);
	spool_free(s->spool);
	free(s);
}

int
sink_submit(struct sink *s, const char *json, size_t len)
{
	time_t	 now;

	s->submitted++;
	if (s->spool != NULL) {
		if (spool_append(s->spool, json, len, NULL) == 0) {
			s->spooled++;
			s->ops->wake(s->t);
			return 0;
		}
		/* keep it in memory rather than lose it */
		s->spool_errors++;
		now = time(NULL);
		if (now - s->spool_err_logged >= SINK_SPOOL_ERR_LOG_S) {
			log_warn("output: spool %s: append failed; alerts "
			    "kept in memory only", s->o.spool_dir);
			s->spool_err_logged = now;
		}
	}
	return s->ops->submit(s->t, json, len, 0);
}

/* The transport drained (or gave up): says what stays in the spool. */
static void
sink_drained_cb(void *arg)
{
	struct sink	*s = arg;
	void		(*done)(void *) = s->done;

	s->done = NULL;
	if (s->spool != NULL) {
		(void)spool_sync(s->spool);
		if (spool_depth(s->spool) > 0)
			log_warnx("output: shutdown: %llu alerts stay in the "
			    "spool %s for the next start",
			    (unsigned long long)spool_depth(s->spool),
			    s->o.spool_dir);
	}
	if (done != NULL)
		done(s->done_arg);
}

void
sink_drain(struct sink *s, int timeout_s, void (*done)(void *), void *arg)
{
	s->done = done;
	s->done_arg = arg;
	s->ops->drain(s->t, timeout_s, sink_drained_cb, s);
}

bool
sink_backlogged(const struct sink *s)
{
	if (s->spool != NULL && spool_high_water(s->spool))
		return true;
	return s->ops->backlogged(s->t);
}

bool
sink_healthy(struct sink *s, char *why, size_t whylen)
{
	struct sink_counters	 c;

	sink_get_counters(s, &c);
	if (c.dropped > s->drops_seen) {
		s->drops_seen = c.dropped;
		s->drop_delivered = c.delivered;
		s->dropping = true;
	} else if (s->dropping && c.delivered > s->drop_delivered)
		s->dropping = false;
	if (!s->ops->healthy(s->t, why, whylen))
		return false;
	if (!s->dropping)
		return true;
	snprintf(why, whylen, "output dropped %llu alerts so far "
	    "(hecsentry_alerts_dropped_total), none delivered since the last "
	    "drop", (unsigned long long)c.dropped);
	return false;
}

int
sink_reopen(struct sink *s)
{
	if (s->ops->reopen == NULL)
		return 0;
	return s->ops->reopen(s->t);
}

void
sink_get_alert_latency(const struct sink *s, struct sink_alert_latency *l)
{
	memset(l, 0, sizeof(*l));
	if (s->ops->alert_latency != NULL)
		s->ops->alert_latency(s->t, l);
}

void
sink_get_counters(const struct sink *s, struct sink_counters *c)
{
	struct spool_counters	 sc;

	memset(c, 0, sizeof(*c));
	s->ops->counters(s->t, c);
	c->submitted = s->submitted;
	c->spooled = s->spooled;
	c->spool_errors = s->spool_errors;
	if (s->spool == NULL)
		return;
	spool_get_counters(s->spool, &sc);
	c->spool_dropped = sc.dropped_full;
	c->spool_corrupt = sc.corrupt_records;
	c->spool_replayed = sc.replayed;
	c->spool_errors += sc.write_errors + sc.fsync_errors +
	    sc.read_errors;
	c->dropped += sc.dropped_full;
	c->queued = (size_t)spool_depth(s->spool);
	c->queued_bytes = (size_t)spool_bytes(s->spool);
}
