/*
 * Internals shared by the alert formats (alert.c: the buffer, JSON
 * writers, the row format; alert_risk.c: risk events; alert_field.c:
 * the row's fields and the $field$ message; alert_drill.c: the
 * drilldown).  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_ALERT_INT_H
#define HECSENTRY_ALERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/detection.h"
#include "detect/spl.h"
#include "detect/stats.h"

#define ALERT_BUF_INIT		4096	/* most alerts fit in one */

/* A growing output buffer, always NUL-terminated once written to. */
struct alert_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

/* Makes room for len more bytes and the NUL (the slow path of alert_put). */
void		 alert_grow(struct alert_buf *b, size_t len);

/* Inline, so that the many short literals are a few stores. */
static inline void
alert_put(struct alert_buf *b, const char *s, size_t len)
{
	if (len >= b->cap - b->len)
		alert_grow(b, len);
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void		 alert_puts(struct alert_buf *b, const char *s);
/* s as a JSON string: escaped, invalid UTF-8 as U+FFFD. */
void		 alert_put_str(struct alert_buf *b, const char *s,
		    size_t len);
/* A NUL-terminated string, or null for NULL. */
void		 alert_put_cstr(struct alert_buf *b, const char *s);
/* ,"key": (or "key": for the first member when first). */
void		 alert_put_key(struct alert_buf *b, const char *key,
		    bool first);
void		 alert_put_strv(struct alert_buf *b, char **v, size_t n);
void		 alert_put_int(struct alert_buf *b, int64_t v);
/* ms since the epoch as seconds with 3 decimals. */
void		 alert_put_time(struct alert_buf *b, int64_t ms);
/* ms since the epoch as an ISO 8601 UTC string, in seconds. */
void		 alert_put_iso(struct alert_buf *b, int64_t ms);
/*
 * The output columns of the row (see alert.c), less those named in
 * reserved (NULL-terminated) or, with worker, "worker".
 */
void		 alert_put_columns(struct alert_buf *b,
		    const struct detection *d, const struct stats_row *row,
		    bool worker, const char *const *reserved);
const char	*alert_reason_name(enum stats_emit_reason r);
/* Whether a name, id or glob of v[0..n) names d (case-insensitive). */
bool		 alert_listed(char *const *v, size_t n,
		    const struct detection *d);
/*
 * ,"emit_reason":"window|early|flush|first","arrival_time":SECONDS (when
 * the frame of the row's first event was read, stats_row.arrival_ms);
 * sink_latency.c reads both back for the alert latency histogram.
 */
void		 alert_put_reason(struct alert_buf *b,
		    const struct stats_row *row);
/* The aggregate of d's search whose output is field id, or NULL. */
const struct spl_agg *alert_find_agg(const struct detection *d, int id);

/*
 * The value of field name in rec, or false when the row has none.  A
 * values() column is a multivalue: its values are split at '\n'.
 */
bool		 alert_field_get(const struct detection *d,
		    const struct event *rec, const char *name, size_t nlen,
		    const char **v, size_t *len, bool *multi);
/*
 * The risk message msg with every $field$ filled from the row (alert_field.c):
 * a multivalue's values joined with ", ", a field the row lacks kept as
 * "$field$".  Writes a JSON string, or null for a NULL msg.
 */
void		 alert_put_message(struct alert_buf *b,
		    const struct detection *d, const char *msg,
		    const struct event *rec);
/*
 * The drilldown members of an alert (alert_drill.c): ,"drilldown_search":
 * the detection's search narrowed to the row's by-field values,
 * "drilldown_earliest" and "drilldown_latest": the row's window.
 */
void		 alert_put_drilldown(struct alert_buf *b,
		    const struct detection *d, const struct stats_row *row);

#endif /* HECSENTRY_ALERT_INT_H */
