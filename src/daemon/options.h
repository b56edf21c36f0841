/*
 * Module options from the configuration: daemon/ is the only place that
 * reads struct config; each module gets its own options struct, filled
 * here, and never includes daemon/config.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_OPTIONS_H
#define HECSENTRY_OPTIONS_H

#include "daemon/admin.h"
#include "daemon/config.h"
#include "daemon/pipeline.h"
#include "detect/library.h"
#include "detect/stats.h"
#include "input/listen.h"
#include "output/sink.h"
#include "output/suppress.h"

/* input: listen */

/*
 * Fills *o from cfg's listen_tcp, listen_udp and listen_tls addresses,
 * limits, workers (SO_REUSEPORT when > 1) and tls_* keys; the strings
 * are cfg's.  Returns o.
 */
struct listen_options *options_listen(const struct config *cfg,
		    struct listen_options *o);

/* Fills *t from cfg's tls_* keys (for SIGHUP); returns t. */
struct listen_tls_options *options_listen_tls(const struct config *cfg,
		    struct listen_tls_options *t);

/* detect: library */

/*
 * Fills *o from cfg's detections, macros, lookups, detection_status,
 * detection_types, detections_enable and detections_disable (cfg's
 * strings) and the mapping cim; returns o.
 */
struct library_opts *options_library(const struct config *cfg,
		    const struct cim_map *cim, struct library_opts *o);

/* output: sink, hec, spool */

/*
 * Fills o (sink, its spool and its HEC transport) from cfg, which
 * config_finish() validated (hec_url in hec_url_event() form, the token
 * resolved).
 */
void		 options_sink(const struct config *cfg,
		    struct sink_options *o);

/*
 * Fills o (the suppress rules, the key bound, the spool dir and its fsync
 * policy) from cfg, whose rules config_check_value() checked.
 */
void		 options_suppress(const struct config *cfg,
		    struct suppress_options *o);

/* daemon: pipeline and stats, admin */

/*
 * Fills o (window, key and byte limits, null mode) from cfg, with a new
 * random hash seed; worker.c gives each worker its share of the budget.
 */
void		 options_stats(const struct config *cfg,
		    struct stats_opts *o);

/* Fills o (stats, decode limits, frame size, alert fields) from cfg. */
void		 options_pipeline(const struct config *cfg,
		    struct pipeline_opts *o);

/* Fills o from cfg: an empty admin_listen is no admin port (NULL). */
void		 options_admin(const struct config *cfg,
		    struct admin_options *o);

#endif /* HECSENTRY_OPTIONS_H */
