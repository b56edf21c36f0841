/*
 * The detection library: finds the detections of a directory tree or a
 * security_content checkout, selects those for Sysmon, loads the macros
 * once, compiles each candidate and says which run and why the others do
 * not (file:line:col and a reason, counted by reason class).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LIBRARY_H
#define HECSENTRY_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "decode/cim.h"
#include "detect/detection.h"

enum library_state {
	LIBRARY_RUNS,			/* compiled, in the set */
	LIBRARY_SKIPPED,		/* an SPL command, function, syntax */
	LIBRARY_NEVER,			/* reads a field no event carries */
	LIBRARY_BROKEN,			/* YAML, a missing key, a macro */
	LIBRARY_FILTERED,		/* status, type or disable list */
	LIBRARY_NOT_SYSMON,		/* reads no Sysmon data: not counted */
	LIBRARY_NSTATES
};

struct library_entry {
	char		*file;
	char		*name;		/* NULL when the YAML is broken */
	char		*id;
	enum library_state state;
	char		*reason;	/* "FILE:LINE:COL: why", or NULL */
	char		*class;		/* the reason without its specifics */
	char		*window;	/* runs: how its window was chosen */
	bool		 scheduled;	/* runs on its schedule's period */
};

struct library_opts {
	const char	*detections;	/* a tree or a checkout root */
	const char	*macros;	/* hecsentry's macros (loaded first) */
	const char	*lookups;	/* NULL: the checkout's, if any */
	char		**status;	/* wanted status values; n == 0: */
	size_t		 nstatus;	/*   production */
	char		**types;	/* wanted types; n == 0: all */
	size_t		 ntypes;
	char		**enable;	/* names, ids or fnmatch globs */
	size_t		 nenable;
	char		**disable;
	size_t		 ndisable;
	const struct cim_map *cim;	/* NULL: fields are not judged */
};

struct library {
	char		*path;		/* opts->detections */
	bool		 checkout;	/* a security_content layout */
	char		*detections_dir;/* where detections were walked */
	char		*macros_dir;	/* the library's macros, or NULL */
	char		*lookups_dir;	/* lookup definitions, or NULL */
	size_t		 nmacros;
	size_t		 n;		/* every detection file read */
	struct library_entry *e;	/* sorted by file */
	struct detection_set *set;	/* the runnable ones (one reference) */
	char		*deployments_dir;/* the schedules read, or NULL */
	size_t		 ndeployments;
	char		*deployments_error; /* the first one not read */
};

/*
 * Loads the library opts describes.  Directories named "deprecated" and
 * "disabled" are not walked.  A detection that cannot run is an entry
 * with its state and reason, never an error; NULL (with *errstr, caller
 * frees) only when the detections or a macro directory cannot be read.
 */
struct library	*library_load(const struct library_opts *opts, char **errstr);
void		 library_free(struct library *lib);

/*
 * Hands the runnable set to the caller (who then owns its reference);
 * the library keeps its entries.
 */
struct detection_set *library_take_set(struct library *lib);

const char	*library_state_name(enum library_state s);
size_t		 library_count(const struct library *lib,
		    enum library_state s);
/* Candidates: every entry but the not-for-Sysmon ones. */
size_t		 library_candidates(const struct library *lib);

/* "runnable N of M (library PATH)", in buf. */
void		 library_summary(const struct library *lib, char *buf,
		    size_t len);

/*
 * The coverage report: the summary, the counts per state and a table of
 * reason classes with counts (most first); verbose adds every entry with
 * its state and reason.
 */
void		 library_report(const struct library *lib, FILE *f,
		    bool verbose);
/* The same as one JSON document (caller frees). */
char		*library_report_json(const struct library *lib);

#endif /* HECSENTRY_LIBRARY_H */
