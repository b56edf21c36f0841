/*
 * A stats row, after its post-stats commands, becomes one HEC event
 * (SPEC 5): the envelope (time, host, source, sourcetype, index), the
 * "event" object and the indexed "fields" with the stable alert id.
 * Pure: builds JSON text and nothing else.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_ALERT_H
#define HECSENTRY_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "detect/detection.h"
#include "detect/stats.h"

/* The sourcetype of alerts when the configuration names none. */
#define ALERT_SOURCETYPE	"hecsentry:alert"
/* The sourcetype of risk events: that of the events ES's risk action */
/* writes. */
#define ALERT_RISK_SOURCETYPE	"stash"

/* What a row becomes (alert_format, alert_format_risk, alert_format_row). */
enum alert_format_kind {
	ALERT_FORMAT_ROW = 0,		/* one event: the row */
	ALERT_FORMAT_RISK		/* one event per risk object value */
};

struct alert_opts {
	const char	*sourcetype;	/* NULL: ALERT_SOURCETYPE; "": not
					   sent (the HEC token's default) */
	const char	*index;		/* NULL or "": not sent (the HEC
					   token's default index) */
	int		 worker;	/* 1..N with several workers: the
					   event gets a "worker" field (and a
					   column of that name is left out);
					   0: single-threaded, no field */
	enum alert_format_kind format;	/* of every detection but those */
	char *const	*risk_list;	/* names, ids or fnmatch globs of */
	size_t		 nrisk_list;	/*   detections in risk format */
	char *const	*row_list;	/* and in row format (wins over */
	size_t		 nrow_list;	/*   risk_list and format) */
	const char	*risk_sourcetype; /* NULL: ALERT_RISK_SOURCETYPE; */
					/*   "": not sent */
	const char	*risk_index;	/* NULL or "": not sent */
	const char	*risk_source;	/* NULL or "": the search name */
};

/* What alert_emit() made of a row. */
enum alert_emitted {
	ALERT_EMITTED_ROW = 0,		/* the row format */
	ALERT_EMITTED_RISK,		/* risk events */
	ALERT_EMITTED_RISK_AS_ROW	/* risk format, but the row has no */
					/*   risk object value: the row */
};

/* One formatted event (no newline); borrowed until it returns. */
typedef void	(*alert_emit_fn)(const char *json, size_t len, void *arg);

/*
 * The alert id: 32 hex digits and a NUL, a hash of the detection id and
 * version, the by-field tuple (null distinct from any value), the window
 * start and, when worker > 0, the worker index (several workers each
 * emit their own row for a key, and their ids must differ; worker 0,
 * single-threaded, gives the ids of earlier versions).  Stable across
 * runs and hosts.  Call it before spl_post_apply() changes the row.
 * A key's first-seen row (STATS_EMIT_FIRST) and its closed row get the
 * same id: neither the reason nor the aggregates are hashed.
 */
void		 alert_id(const struct detection *d,
		    const struct stats_row *row, int worker, char out[33]);

/*
 * alert_id() in two steps, so that only a row that becomes an alert pays
 * for the hash (most rows are dropped by the commands after stats):
 * alert_idsrc_init() keeps where the row's by-values are, before
 * spl_post_apply() changes the record (it unsets and adds fields, never
 * moves or overwrites stored bytes: event values stay put until
 * event_reset()), and alert_idsrc_get() hashes them at its first call and
 * returns the id alert_id() gives.  Both need the row's record not reset
 * in between; src lives on the caller's stack.
 */
#define ALERT_IDSRC_MAXBY	32	/* more by-fields: hashed at init */
struct alert_idsrc {
	const struct detection	*d;
	int64_t			 win_start_ms;
	int			 worker;
	size_t			 nby;
	struct event_str	 by[ALERT_IDSRC_MAXBY];	/* ptr NULL: null */
	bool			 done;		/* id is computed */
	char			 id[33];
};
void		 alert_idsrc_init(struct alert_idsrc *src,
		    const struct detection *d, const struct stats_row *row,
		    int worker);
const char	*alert_idsrc_get(struct alert_idsrc *src);
/*
 * The id of the nth (> 0) row a join made of one row (spl_post_run()):
 * id, alert_id()'s, rehashed with nth, in place.  Stable likewise.
 */
void		 alert_id_nth(char id[33], size_t nth);

/*
 * Formats row (already through spl_post_apply()) for detection d, with
 * the id alert_id() gave.  Returns a NUL-terminated JSON object the caller
 * frees, and its length in *len, or NULL on failure.
 */
char		*alert_format(const struct detection *d,
		    const struct stats_row *row, const struct alert_opts *o,
		    const char *id, size_t *len);

/* The format o gives detection d. */
enum alert_format_kind alert_format_of(const struct detection *d,
		    const struct alert_opts *o);

/*
 * The search name ES gives a security_content detection's saved search,
 * "ESCU - <name> - Rule" (contentctl), in buf; the length it needs.
 */
size_t		 alert_search_name(const struct detection *d, char *buf,
		    size_t size);

/*
 * Formats row (already through spl_post_apply()) for detection d in the
 * format o gives it, calling fn once per event: the row format makes one
 * (alert_format()); the risk format one per value of each risk object
 * of d that the row has, in the order d lists them (a values() column
 * gives one event per value; an absent or empty field none).  A row with
 * no risk object value goes out in the row format, as *how says.
 * Returns the number of events, or -1 (nothing sent) on failure.
 */
int		 alert_emit(const struct detection *d,
		    const struct stats_row *row, const struct alert_opts *o,
		    const char *id, alert_emit_fn fn, void *arg,
		    enum alert_emitted *how);

#endif /* HECSENTRY_ALERT_H */
