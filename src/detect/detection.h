/*
 * Detections: security_content detection and macro YAML files (libyaml)
 * loaded into an immutable, refcounted detection set.  Each detection's
 * search is compiled by spl.c at load time; errors carry file, line and
 * column.  Does no matching itself (detect.c does).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DETECTION_H
#define HECSENTRY_DETECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/spl.h"

struct detection {
	char		*file;		/* path it was loaded from */
	char		*name;		/* name: */
	char		*id;		/* id: (UUID) */
	int		 version;	/* version: */
	char		*description;	/* description: */
	char		*known_false_positives;	/* known_false_positives: */
	char		*search_text;	/* search: verbatim */
	char		**mitre;	/* tags.mitre_attack_id */
	size_t		 nmitre;
	char		**stories;	/* tags.analytic_story */
	size_t		 nstories;
	int		 risk_score;	/* tags.risk_score or rba score */
	char		*risk_message;	/* tags.message or rba.message */
	struct spl_search *search;	/* compiled */
};

struct detection_set {
	int		 refcnt;	/* see detection_set_ref() */
	size_t		 n;		/* number of detections */
	struct detection **d;		/* sorted by name */
};

/*
 * Loads every *.yml (and *.yaml) file directly in det_dir (subdirectories
 * are not read: conf/detections/disabled/ holds detections shipped off),
 * with the macros of every *.yml in macro_dir.  A detection whose
 * <name>_filter macro is missing gets "search *".  Returns a set with one
 * reference, or NULL with *errstr (caller frees) naming file, line,
 * column and reason of the first error.
 */
struct detection_set *detection_set_load(const char *det_dir,
		    const char *macro_dir, char **errstr);

/* Loads one detection file against macro_dir, for tests and tools. */
struct detection *detection_load_file(const char *path,
		    const char *macro_dir, char **errstr);
void		 detection_free(struct detection *d);

void		 detection_set_ref(struct detection_set *set);
void		 detection_set_unref(struct detection_set *set,
		    const char *caller);

#endif /* HECSENTRY_DETECTION_H */
