/*
 * Alert sinks (SPEC 5): every alert goes through sink_submit() to the
 * configured transport: "hec" (hec.c), "stdout" or "file:PATH"
 * (sink_file.c), each behind the struct sink_ops of sink_ops.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SINK_H
#define HECSENTRY_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "output/hec.h"
#include "output/sink_ops.h"
#include "output/spool.h"

enum sink_type {
	SINK_HEC = 0,			/* hec.c */
	SINK_STDOUT,			/* sink_file.c */
	SINK_FILE			/* sink_file.c */
};

/*
 * The sink's options (daemon/options.c fills them from the config).  One
 * struct for the sink and its parts, since only the sink's constructor
 * hands the parts down; the strings are borrowed for the sink's lifetime.
 */
struct sink_options {
	enum sink_type	 type;
	const char	*path;		/* SINK_FILE */
	size_t		 queue_bytes;	/* alerts held in memory, at most */
	const char	*spool_dir;	/* NULL: no spool */
	struct spool_options spool;	/* with spool_dir */
	struct hec_options hec;		/* SINK_HEC */
};

struct sink;

/*
 * Creates the sink on base from o (copied; its strings borrowed for the
 * sink's lifetime).  NULL with *errstr (caller frees) on error.
 */
struct sink	*sink_new(struct event_base *base, const struct sink_options *o,
		    char **errstr);

/* Frees the sink and its transport.  sink_free(NULL) does nothing. */
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

/*
 * False while the output is failing, with the reason in why (whylen
 * bytes): a stdout or file output whose last write failed, until a write
 * succeeds again; any output that dropped alerts (sink_counters.dropped:
 * queue or spool full, write errors without a spool), from the call that
 * first sees a drop until a later call sees an alert delivered and no new
 * drop.  Meant to be called from a periodic tick (it keeps the drop count
 * it last saw).  HEC's request failures are judged from its counters by
 * the daemon, so the HEC transport's own verdict is always healthy.
 */
bool		 sink_healthy(struct sink *s, char *why, size_t whylen);

/*
 * SIGHUP: a file output writes out what it buffered to the file it has
 * open, then opens its path again (created, mode 0640, when logrotate
 * renamed it away); stdout and HEC have nothing to reopen.  0, or -1
 * when the path cannot be opened (logged; the old file stays in use).
 */
int		 sink_reopen(struct sink *s);

void		 sink_get_counters(const struct sink *s,
		    struct sink_counters *c);
/* Fills l with the transport's alert latency (zero when unmeasured). */
void		 sink_get_alert_latency(const struct sink *s,
		    struct sink_alert_latency *l);

#endif /* HECSENTRY_SINK_H */
