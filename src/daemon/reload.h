/*
 * SIGHUP (hecsentry(8)): the configuration (the file, then the saved
 * argv, which still overrides it) and the detections are read into new
 * objects; if either is broken the running ones stay and the error is
 * logged.  Otherwise the TLS files are read again, the keys the key
 * table marks live apply, the changed restart keys are named in the
 * log, and the new detection set is swapped into every worker (a
 * detection that is the same keeps its windows).  Connections stay open.
 * Start-up and --check-config load the library with the same functions.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_RELOAD_H
#define HECSENTRY_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"
#include "daemon/status.h"
#include "output/suppress.h"
#include "daemon/worker.h"
#include "detect/detection.h"
#include "detect/library.h"

/* What a reload reads and replaces: main.c's, borrowed. */
struct reload_ctx {
	int			 argc;		/* main()'s, parsed again */
	char			**argv;
	struct config		*cfg;		/* running: its live keys
						   change */
	struct detection_set	**set;		/* running (one reference):
						   replaced */
	struct library		**lib;		/* the set's states and
						   reasons: replaced */
	struct worker_pool	*pool;
	struct status		*status;	/* told, and sd_notify */
	struct suppress		*suppress;	/* its rules checked against
						   the new set; or NULL */
};

/* The number of lib's refusals: skipped, never matches, broken. */
size_t		 reload_refused(const struct library *lib);

/*
 * The library of cfg with its Sysmon-to-CIM mapping (cim_map), or NULL
 * with *errstr (caller frees): the detections or macros cannot be read,
 * or strict is set and a detection was refused.
 */
struct library	*reload_load_library(const struct config *cfg, bool strict,
		    char **errstr);

/*
 * The runnable set of reload_load_library(), its refusals logged (each
 * line starts with prefix); *libp gets the library (without its set)
 * for /detections and /metrics.  NULL with *errstr (caller frees).
 */
struct detection_set *reload_load_set(const struct config *cfg,
		    const char *prefix, struct library **libp, char **errstr);

/*
 * Reloads as above.  Returns 0 when the new configuration and
 * detections run, -1 when the reload was refused (logged; nothing
 * changed).
 */
int		 reload_run(const struct reload_ctx *rc);

#endif /* HECSENTRY_RELOAD_H */
