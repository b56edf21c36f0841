/*
 * One worker's processing of frames: syslog header, payload decoding,
 * normalisation, detections, stats, and alert formatting.  Pure: no
 * sockets and no libevent, so tests feed frames and collect alerts.
 * Per-message problems are counted by reason, never logged above debug.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_PIPELINE_H
#define HECSENTRY_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "output/alert.h"
#include "decode/decode.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "decode/event.h"
#include "detect/stats.h"
#include "output/suppress.h"

enum pipeline_syslog_error {
	PIPELINE_SYSLOG_BAD_PRI = 0,
	PIPELINE_SYSLOG_BAD_TIMESTAMP,
	PIPELINE_SYSLOG_BAD_SD,
	PIPELINE_SYSLOG_OTHER,
	PIPELINE_SYSLOG_NERRORS
};

struct pipeline_counters {
	uint64_t	 frames;		/* frames processed */
	uint64_t	 events;		/* decoded and normalised */
	uint64_t	 shape[EVENT_SHAPE_NSHAPES];	/* events by shape */
	uint64_t	 syslog_errors[PIPELINE_SYSLOG_NERRORS];
	uint64_t	 decode_errors[DECODE_NERRORS];
	uint64_t	 normalise_errors;	/* arena full */
	uint64_t	 prefiltered;		/* no detection can match */
	uint64_t	 rows;			/* rows out of stats */
	uint64_t	 rows_filtered;		/* dropped by post search; a */
						/*   key dropped at its first */
						/*   event (a tombstone, */
						/*   stats_on_new()) makes no */
						/*   row, in neither count */
	uint64_t	 alerts;		/* alerts handed on */
	uint64_t	 alert_errors;		/* formatting failed */
	uint64_t	 risk_events;		/* of the alerts, risk events */
	uint64_t	 risk_as_row;		/* rows in the risk format with */
						/*   no risk object value: sent */
						/*   in the row format */
	uint64_t	 first_rows;		/* first-seen rows out of stats */
						/*   (not in rows) */
	uint64_t	 first_filtered;	/* of those, dropped by the */
						/*   commands after stats */
	uint64_t	 xml_fallback;		/* XML documents outside */
						/*   decode_xml_scan()'s */
						/*   subset: decoded by expat */
};

struct pipeline_opts {
	struct stats_opts	 stats;		/* window, keys, null mode */
	struct decode_limits	 decode;	/* JSON/XML depth */
	enum event_time_source	 time_source;	/* what _time is */
	size_t			 max_frame;	/* sizes the event arena */
	struct alert_opts	 alert;		/* strings borrowed */
	struct suppress		*suppress;	/* borrowed, shared by the */
						/*   workers; NULL: none */
	struct detect_first	 first;		/* first-seen rows (emit); */
						/*   lists borrowed */
};

/* An alert as HEC JSON (no newline); borrowed until it returns. */
typedef void	(*pipeline_alert_fn)(const char *json, size_t len,
		    const struct detection *d, void *arg);

struct pipeline;

/* Takes a reference on set; opts is copied (its strings are borrowed). */
struct pipeline	*pipeline_new(struct detection_set *set,
		    const struct pipeline_opts *opts, pipeline_alert_fn cb,
		    void *arg);
void		 pipeline_free(struct pipeline *p);

/* Processes one frame that arrived at now_ms. */
void		 pipeline_frame(struct pipeline *p, const char *buf, size_t len,
		    int64_t now_ms);
/* Closes the stats windows that ended by now_ms. */
void		 pipeline_tick(struct pipeline *p, int64_t now_ms);
/* Emits every open row (shutdown). */
void		 pipeline_flush(struct pipeline *p);

/*
 * Reload: runs set from now on (see detect_runner_swap(): unchanged
 * detections keep their tables, the rows of changed and removed ones go
 * out first, new ones get tables made with stats).  Takes a reference on
 * set.  Returns how many detections kept their tables.
 */
size_t		 pipeline_swap_set(struct pipeline *p,
		    struct detection_set *set, const struct stats_opts *stats,
		    detect_same_fn same_fn, void *arg);

/*
 * The payload shape of the event the last pipeline_frame() call made, or
 * -1 when that frame gave no event (bad header, payload or record).
 */
int		 pipeline_last_shape(const struct pipeline *p);

void		 pipeline_get_counters(const struct pipeline *p,
		    struct pipeline_counters *c);
const struct detect_runner *pipeline_runner(const struct pipeline *p);

#endif /* HECSENTRY_PIPELINE_H */
