/*
 * Module options from the configuration: daemon/ is the only place that
 * reads struct config; each module gets its own options struct, filled
 * here, and never includes daemon/config.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_OPTIONS_H
#define HECSENTRY_OPTIONS_H

#include "daemon/config.h"
#include "output/sink.h"

/* input: listen */

/* output: sink, hec, spool */

/*
 * Fills o (sink, its spool and its HEC transport) from cfg, which
 * config_finish() validated (hec_url in hec_url_event() form, the token
 * resolved).
 */
void		 options_sink(const struct config *cfg,
		    struct sink_options *o);

/* daemon: admin */

#endif /* HECSENTRY_OPTIONS_H */
