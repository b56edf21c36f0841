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

struct alert_opts {
	const char	*sourcetype;	/* NULL: ALERT_SOURCETYPE; "": not
					   sent (the HEC token's default) */
	const char	*index;		/* NULL or "": not sent (the HEC
					   token's default index) */
	int		 worker;	/* 1..N with several workers: the
					   event gets a "worker" field (and a
					   column of that name is left out);
					   0: single-threaded, no field */
};

/*
 * The alert id: 32 hex digits and a NUL, a hash of the detection id and
 * version, the by-field tuple (null distinct from any value), the window
 * start and, when worker > 0, the worker index (several workers each
 * emit their own row for a key, and their ids must differ; worker 0,
 * single-threaded, gives the ids of earlier versions).  Stable across
 * runs and hosts.  Call it before spl_post_apply() changes the row.
 */
void		 alert_id(const struct detection *d,
		    const struct stats_row *row, int worker, char out[33]);
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

#endif /* HECSENTRY_ALERT_H */
