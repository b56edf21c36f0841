/*
 * A worker's pipeline: frame -> syslog.c -> decode*.c -> event.c ->
 * detect.c -> stats.c -> alert.c -> the caller's alert callback.  It owns
 * the scratch event (reset per frame, so nothing is allocated per event)
 * and the per-reason counters.  Stages never reach back upstream.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "output/alert.h"
#include "log.h"
#include "daemon/pipeline.h"
#include "detect/prefilter.h"
#include "detect/spl.h"
#include "input/syslog.h"
#include "xmalloc.h"

struct pipeline {
	struct detect_runner	*runner;	/* detections and stats */
	struct event		 ev;		/* scratch, reset per frame */
	struct decode_ctx	*dc;		/* the decoders' caches */
	struct pipeline_opts	 opts;		/* copied at creation */
	pipeline_alert_fn	 cb;		/* where alerts go */
	void			*arg;
	struct pipeline_counters counters;
	int			 last_shape;	/* of the last frame, or -1 */
	struct log_ratelimit	 refused_rl;	/* debug lines of refusals */
	int64_t			 now_ms;	/* of the last frame or tick */
};

static void	pipeline_row_cb(const struct detection *, const struct stats_row *,
		    void *);

struct pipeline *
pipeline_new(struct detection_set *set, const struct pipeline_opts *opts,
    pipeline_alert_fn cb, void *arg)
{
	struct pipeline	*p;

	p = xcalloc(1, sizeof(*p));
	p->opts = *opts;
	if (p->opts.alert.sourcetype == NULL)
		p->opts.alert.sourcetype = ALERT_SOURCETYPE;
	p->cb = cb;
	p->arg = arg;
	/* Unescaped values never outgrow the frame; CIM fields alias. */
	event_init(&p->ev, opts->max_frame + 1024);
	p->dc = decode_ctx_new();
	p->runner = detect_runner_new(set, &opts->stats, pipeline_row_cb, p);
	detect_runner_first(p->runner, &opts->first);
	p->last_shape = -1;
	p->refused_rl.interval_s = 1;
	return p;
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	detect_runner_free(p->runner);
	event_clear(&p->ev);
	decode_ctx_free(p->dc);
	free(p);
}

/*
 * A debug line (-v -v) for a refused frame, at most one a second per
 * pipeline (issue 14.3): what was refused ("payload", "syslog header"),
 * the reason and the first bytes of buf.
 */
static void
pipeline_log_refused(struct pipeline *p, const char *what, const char *why,
    const char *buf, size_t len, int64_t now_ms)
{
	char		 head[81];
	uint64_t	 n;

	if (!log_ratelimit(&p->refused_rl, (time_t)(now_ms / 1000), &n))
		return;
	log_debug_msg("%s refused: %s (%llu refused since the last line): %s",
	    what, why, (unsigned long long)n,
	    log_escape(buf, len, head, sizeof(head)));
}

static enum pipeline_syslog_error
pipeline_syslog_reason(const char *reason)
{
	if (reason == NULL)
		return PIPELINE_SYSLOG_OTHER;
	if (strcmp(reason, "bad_pri") == 0)
		return PIPELINE_SYSLOG_BAD_PRI;
	if (strcmp(reason, "bad_timestamp") == 0)
		return PIPELINE_SYSLOG_BAD_TIMESTAMP;
	if (strcmp(reason, "bad_structured_data") == 0)
		return PIPELINE_SYSLOG_BAD_SD;
	return PIPELINE_SYSLOG_OTHER;
}

void
pipeline_frame(struct pipeline *p, const char *buf, size_t len,
    int64_t now_ms)
{
	const struct detection_set	*set;
	struct syslog_msg	 msg;
	const char		*reason = NULL;
	enum decode_error	 derr;

	p->counters.frames++;
	p->last_shape = -1;
	p->now_ms = now_ms;
	if (syslog_parse(buf, len, now_ms, &msg, &reason) == -1) {
		p->counters.syslog_errors[pipeline_syslog_reason(reason)]++;
		pipeline_log_refused(p, "syslog header", reason != NULL ?
		    reason : "other", buf, len, now_ms);
		return;
	}
	set = detect_runner_set(p->runner);
	if (prefilter_reject(set, msg.msg, msg.msg_len)) {
		p->counters.prefiltered++;
		return;
	}
	event_reset(&p->ev);
	decode_ctx_want(p->dc, set->want);
	derr = decode_payload(p->dc, msg.msg, msg.msg_len, &p->opts.decode,
	    &p->ev);
	if (derr != DECODE_OK) {
		if ((unsigned)derr < DECODE_NERRORS)
			p->counters.decode_errors[derr]++;
		pipeline_log_refused(p, "payload", decode_reason(p->dc),
		    msg.msg, msg.msg_len, now_ms);
		return;
	}
	if (msg.host != NULL && !event_has(&p->ev, EVENT_F_HOST))
		(void)event_set_ref(&p->ev, EVENT_F_HOST, msg.host,
		    msg.host_len);
	if (event_normalise_from(&p->ev, p->opts.time_source, msg.time_ms,
	    now_ms) == -1 ||
	    (set->cim != NULL && cim_addon_apply(set->cim, &p->ev) == -1)) {
		p->counters.normalise_errors++;
		return;
	}
	p->counters.events++;
	if ((unsigned)p->ev.shape < EVENT_SHAPE_NSHAPES)
		p->counters.shape[p->ev.shape]++;
	p->last_shape = (int)p->ev.shape;
	detect_run(p->runner, &p->ev, now_ms);
}

/* An alert_emit() callback's context: where the events go. */
struct pipeline_emit {
	struct pipeline		*p;
	const struct detection	*d;
};

static void
pipeline_emit_cb(const char *json, size_t len, void *arg)
{
	struct pipeline_emit	*e = arg;

	e->p->cb(json, len, e->d, e->p->arg);
}

/*
 * A row out of the commands after stats: unless suppressed (every event
 * it would make, in either format), formatted (one event, or one per
 * risk object value in the risk format) and handed on.
 */
static void
pipeline_alert(struct pipeline *p, const struct detection *d,
    const struct stats_row *row, const char *id)
{
	struct pipeline_emit	 e = { p, d };
	enum alert_emitted	 how;
	int			 n;

	if (suppress_check(p->opts.suppress, d, row->rec, id, p->now_ms) ==
	    SUPPRESS_DROP)
		return;
	if ((n = alert_emit(d, row, &p->opts.alert, id, pipeline_emit_cb, &e,
	    &how)) == -1) {
		p->counters.alert_errors++;
		return;
	}
	p->counters.alerts += (uint64_t)n;
	if (how == ALERT_EMITTED_RISK)
		p->counters.risk_events += (uint64_t)n;
	else if (how == ALERT_EMITTED_RISK_AS_ROW)
		p->counters.risk_as_row++;
}

/* A row a search with joins gave, for spl_post_run(). */
struct pipeline_joined {
	struct pipeline		*p;
	const struct detection	*d;
	const struct stats_row	*row;	/* the row stats made */
	struct alert_idsrc	*ids;	/* its alert id */
};

static void
pipeline_joined_cb(struct event *rec, size_t nth, void *arg)
{
	struct pipeline_joined	*j = arg;
	struct stats_row	 row = *j->row;
	char			 id[33];

	/* One row made several: each its own id. */
	memcpy(id, alert_idsrc_get(j->ids), sizeof(id));
	if (nth > 0)
		alert_id_nth(id, nth);
	row.rec = rec;
	pipeline_alert(j->p, j->d, &row, id);
}

/*
 * A row closed, or a key's first-seen row (the same id as its closed
 * row: alert_id() reads neither the reason nor the aggregates): the
 * alert id is taken from the row as stats made it (hashed only if the
 * row survives), then the post-stats commands run (convert, rename, the filter macro,
 * a join, which may drop the row or make several of it), and each
 * surviving row is formatted and handed on.
 */
static void
pipeline_row_cb(const struct detection *d, const struct stats_row *row,
    void *arg)
{
	struct pipeline	*p = arg;
	struct pipeline_joined j;
	struct alert_idsrc ids;

	if (row->reason == STATS_EMIT_FIRST)
		p->counters.first_rows++;
	else
		p->counters.rows++;
	alert_idsrc_init(&ids, d, row, p->opts.alert.worker);
	if (d->search->nsubs > 0) {
		j.p = p;
		j.d = d;
		j.row = row;
		j.ids = &ids;
		if (spl_post_run(d->search, row->sides, row->rec,
		    pipeline_joined_cb, &j) == 0)
			p->counters.rows_filtered++;
		return;
	}
	if (!spl_post_apply(d->search, row->rec)) {
		if (row->reason == STATS_EMIT_FIRST)
			p->counters.first_filtered++;
		else
			p->counters.rows_filtered++;
		return;
	}
	pipeline_alert(p, d, row, alert_idsrc_get(&ids));
}

void
pipeline_tick(struct pipeline *p, int64_t now_ms)
{
	p->now_ms = now_ms;
	detect_tick(p->runner, now_ms);
}

void
pipeline_flush(struct pipeline *p)
{
	detect_flush(p->runner);
}

size_t
pipeline_swap_set(struct pipeline *p, struct detection_set *set,
    const struct stats_opts *stats, detect_same_fn same_fn, void *arg)
{
	p->opts.stats = *stats;
	return detect_runner_swap(p->runner, set, stats, same_fn, arg);
}

int
pipeline_last_shape(const struct pipeline *p)
{
	return p->last_shape;
}

void
pipeline_get_counters(const struct pipeline *p, struct pipeline_counters *c)
{
	*c = p->counters;
	c->xml_fallback = p->dc->xml_fallback;
}

const struct detect_runner *
pipeline_runner(const struct pipeline *p)
{
	return p->runner;
}
