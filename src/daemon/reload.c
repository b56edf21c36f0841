/*
 * The SIGHUP reload (reload.h) and the loading that start-up shares with
 * it: the detection library with its Sysmon-to-CIM mapping, the log of
 * what was refused.  A reload reads a new struct config from the file
 * and the saved argv and a new library; only when both are valid does
 * config_diff() name the restart keys that changed, config_apply_live()
 * take the live ones into the running config, the workers re-read the
 * TLS files and swap the new set in (detection_same() decides which
 * detections keep their windows), and the old set's reference go.
 * Moved out of main.c (the design of the daemonD-reload branch, redone
 * on the library loading that came since).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon/options.h"
#include "daemon/reload.h"
#include "decode/cim.h"
#include "log.h"
#include "xmalloc.h"

#define RELOAD_KEYS_MAX		1024	/* the key names of one log line */

/* Logs the refusals of lib and its one-line summary (prefix: "reload: "). */
static void
reload_log_library(const struct library *lib, const char *prefix)
{
	const struct library_entry *e;
	char		 buf[1024];
	size_t		 k;

	for (k = 0; k < lib->n; k++) {
		e = &lib->e[k];
		if (e->state == LIBRARY_BROKEN)
			log_warnx("%sdetection broken: %s", prefix, e->reason);
		else if (e->state == LIBRARY_SKIPPED ||
		    e->state == LIBRARY_NEVER)
			log_info("%sdetection %s: %s", prefix,
			    library_state_name(e->state), e->reason);
		else if (e->state == LIBRARY_FILTERED)
			log_debug("%sdetection filtered: %s", prefix,
			    e->reason);
	}
	library_summary(lib, buf, sizeof(buf));
	log_info("%sdetections: %s", prefix, buf);
}

/*
 * emit first+close (issue 15.4): logs each selected detection whose
 * search makes its first-seen rows inexact, which then sends its rows at
 * window close only, and one count.
 */
static void
reload_log_first(const struct config *cfg, const struct detection_set *set,
    const char *prefix)
{
	struct pipeline_opts	 po;
	const char		*why;
	size_t			 k, n = 0, closed = 0;

	options_pipeline(cfg, &po);
	for (k = 0; k < set->n; k++) {
		if (!detect_first_wanted(&po.first, set->d[k], &why))
			continue;
		n++;
		if (why == NULL)
			continue;
		closed++;
		log_info("%sdetection %s: emit first+close: at window close "
		    "only, %s", prefix, set->d[k]->name, why);
	}
	if (n > 0)
		log_info("%sfirst-seen alerts: %zu detection%s, %zu of %zu "
		    "selected at window close only", prefix, n - closed,
		    n - closed == 1 ? "" : "s", closed, n);
}

/*
 * One line: the stats tables that detections with the same search up to
 * stats share (detect_share(), issue 13).  A reload shares only among
 * the new and changed detections; this counts what a fresh start would.
 */
static void
reload_log_shared(const struct detection_set *set, const char *prefix)
{
	size_t	 tables, nsharing;

	tables = detect_set_shared(set, &nsharing);
	log_info("%sstats tables: %zu for %zu detection%s, %zu of them "
	    "shared by %zu detections", prefix, set->n - nsharing + tables,
	    set->n, set->n == 1 ? "" : "s", tables, nsharing);
}

/* The number of lib's refusals: skipped, never matches, broken. */
size_t
reload_refused(const struct library *lib)
{
	return library_count(lib, LIBRARY_SKIPPED) +
	    library_count(lib, LIBRARY_NEVER) +
	    library_count(lib, LIBRARY_BROKEN);
}

/*
 * The library of cfg with its Sysmon-to-CIM mapping (cim_map), or NULL
 * with *errstr (caller frees): the detections or macros cannot be read,
 * or strict_detections is on and a detection was refused.
 */
struct library *
reload_load_library(const struct config *cfg, bool strict, char **errstr)
{
	struct library_opts	 lo;
	struct library		*lib;
	struct cim_map		*m;
	const struct library_entry *e;
	size_t			 k;

	if ((m = cim_map_load(cfg->cim_map, errstr)) == NULL)
		return NULL;
	lib = library_load(options_library(cfg, m, &lo), errstr);
	if (lib == NULL) {
		cim_map_free(m);
		return NULL;
	}
	detection_set_use_cim(lib->set, m);
	if (strict && reload_refused(lib) > 0) {
		for (k = 0, e = NULL; k < lib->n && e == NULL; k++)
			if (lib->e[k].state == LIBRARY_SKIPPED ||
			    lib->e[k].state == LIBRARY_NEVER ||
			    lib->e[k].state == LIBRARY_BROKEN)
				e = &lib->e[k];
		xasprintf(errstr, "strict_detections: %zu detection%s "
		    "refused, the first: %s", reload_refused(lib),
		    reload_refused(lib) == 1 ? "" : "s", e->reason);
		library_free(lib);
		return NULL;
	}
	return lib;
}

/*
 * The runnable set of reload_load_library(); *libp gets the library
 * (without its set) for /detections and /metrics.
 */
struct detection_set *
reload_load_set(const struct config *cfg, const char *prefix,
    struct library **libp, char **errstr)
{
	struct library		*lib;

	if ((lib = reload_load_library(cfg, cfg->strict_detections,
	    errstr)) == NULL)
		return NULL;
	reload_log_library(lib, prefix);
	reload_log_first(cfg, lib->set, prefix);
	reload_log_shared(lib->set, prefix);
	*libp = lib;
	return library_take_set(lib);
}

/* config_diff_fn: names a changed key that only a restart applies. */
static void
reload_restart_key_cb(const char *key, enum config_apply apply, void *arg)
{
	char	*buf = arg;
	size_t	 len = strlen(buf);

	if (apply != CONFIG_APPLY_RESTART)
		return;
	(void)snprintf(buf + len, RELOAD_KEYS_MAX - len, "%s%s",
	    len > 0 ? ", " : "", key);
}

/*
 * Logs the detections of the new set that are new or changed, and those
 * of the old one that went; by id (a loaded detection always has one).
 */
static void
reload_log_changes(const struct detection_set *old,
    const struct detection_set *nset)
{
	const struct detection	*d, *o;
	size_t			 i, j;
	const char		*what;

	for (i = 0; i < nset->n; i++) {
		d = nset->d[i];
		what = "added";
		for (j = 0; j < old->n; j++) {
			o = old->d[j];
			if (strcmp(o->id, d->id) != 0)
				continue;
			if (detection_same(o, d))
				what = NULL;
			else
				what = "changed (its rows were emitted)";
			break;
		}
		if (what != NULL)
			log_info("reload: detection %s (version %d, %s) %s",
			    d->name, d->version, d->file, what);
	}
	for (j = 0; j < old->n; j++) {
		o = old->d[j];
		for (i = 0; i < nset->n; i++)
			if (strcmp(o->id, nset->d[i]->id) == 0)
				break;
		if (i == nset->n)
			log_info("reload: detection %s removed (its rows were "
			    "emitted)", o->name);
	}
}

/*
 * SIGHUP: the config (file and the saved argv, which still overrides it)
 * and the detections are read into new objects; if either is broken the
 * running ones stay and the error is logged.  Otherwise the new set is
 * swapped into the pipeline (unchanged detections keep their windows),
 * the cheap keys apply, and the others are named as needing a restart.
 * Connections stay open throughout.
 */
int
reload_run(const struct reload_ctx *rc)
{
	struct config		 ncfg;
	struct detection_set	*nset;
	struct library		*nlib = NULL;
	struct stats_opts	 so;
	struct timespec		 ts;
	char			*errstr = NULL;
	char			 restart[RELOAD_KEYS_MAX];
	size_t			 kept;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	status_notify(rc->status, "RELOADING=1\nMONOTONIC_USEC=%llu\n"
	    "STATUS=reloading the configuration",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000);
	log_info("SIGHUP: reloading the configuration and the detections");
	memset(&ncfg, 0, sizeof(ncfg));
	if (config_from_args(rc->argc, rc->argv, &ncfg, &errstr) != 0) {
		log_warnx("reload failed, the running configuration stays: "
		    "%s", errstr != NULL ? errstr : "bad configuration");
		goto fail;
	}
	nset = reload_load_set(&ncfg, "reload: ", &nlib, &errstr);
	if (nset == NULL) {
		log_warnx("reload failed, the running detections stay: %s",
		    errstr != NULL ? errstr : "cannot load detections");
		goto fail;
	}
	if (nset->n == 0)
		log_warnx("reload: no detections in %s: nothing will alert",
		    ncfg.detections_dir);
	restart[0] = '\0';
	if (config_diff(rc->cfg, &ncfg, reload_restart_key_cb, restart) > 0 &&
	    restart[0] != '\0')
		log_warnx("reload: changed but not applied until a restart: "
		    "%s", restart);
	if (worker_pool_reload_tls(rc->pool, &ncfg, &errstr) == -1) {
		log_warnx("reload: %s; the old TLS certificates stay in use",
		    errstr);
		free(errstr);
		errstr = NULL;
	}

	/* Keys that apply now; listen and sink keep borrowing rc->cfg. */
	config_apply_live(rc->cfg, &ncfg);
	rc->cfg->verbose = ncfg.verbose;
	log_set_verbose(ncfg.verbose);

	reload_log_changes(*rc->set, nset);
	options_stats(rc->cfg, &so);
	kept = worker_pool_swap_set(rc->pool, nset, &so, NULL, NULL);
	detection_set_unref(*rc->set, __func__);
	*rc->set = nset;
	status_set_library(rc->status, nlib);
	library_free(*rc->lib);
	*rc->lib = nlib;
	status_set_detections(rc->status, nset);
	(void)suppress_warn_rules(rc->suppress, nset->d, nset->n);
	status_reloaded(rc->status, true);
	log_info("reload done: %zu detection%s, %zu unchanged (windows "
	    "kept), window %d s", nset->n, nset->n == 1 ? "" : "s", kept,
	    rc->cfg->window_s);
	config_free(&ncfg);
	status_notify(rc->status, "READY=1\nSTATUS=running: %zu detection%s "
	    "(reloaded)", nset->n, nset->n == 1 ? "" : "s");
	return 0;
fail:
	status_reloaded(rc->status, false);
	free(errstr);
	config_free(&ncfg);
	status_notify(rc->status, "READY=1\nSTATUS=running: %zu detection%s; "
	    "the last reload failed (see the log)", (*rc->set)->n,
	    (*rc->set)->n == 1 ? "" : "s");
	return -1;
}
