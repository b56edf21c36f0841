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
#include <stdint.h>

#include "decode/cim.h"
#include "detect/lookup.h"
#include "detect/spl.h"

#define DETECTION_RAW		0	/* detection.dataset: a raw search */
#define DETECTION_NO_DATASET	(-1)	/* its dataset is not in the map */
#define DETECTION_MAX_DATASETS	64	/* datasets one set may read */

/*
 * A risk object (a row's field whose values get risk) or a threat object
 * (a field that says what acted) of a detection: from rba.risk_objects
 * and rba.threat_objects, or from a 2024 file's tags.observable mapped
 * as contentctl 4 mapped it (detection_risk.c).
 */
struct detection_object {
	char		*field;		/* the row's field */
	char		*type;		/* risk: "user", "system", "other"; */
					/*   threat: "process", "file_name"... */
	int		 score;		/* risk: its score; threat: 0 */
	bool		 threat;	/* a threat object */
};

struct detection {
	char		*file;		/* path it was loaded from */
	char		*name;		/* name: */
	char		*id;		/* id: (UUID) */
	int		 version;	/* version: */
	char		*description;	/* description: */
	char		*known_false_positives;	/* known_false_positives: */
	char		*search_text;	/* search: verbatim */
	char		*status;	/* status: (production...), or NULL */
	char		*type;		/* type: (TTP, Anomaly...), or NULL */
	char		**data_sources;	/* data_source: */
	size_t		 ndata_sources;
	char		**mitre;	/* tags.mitre_attack_id */
	size_t		 nmitre;
	char		**stories;	/* tags.analytic_story */
	size_t		 nstories;
	int		 risk_score;	/* tags.risk_score or rba score */
	char		*risk_message;	/* tags.message or rba.message */
	struct detection_object *objects; /* risk objects, then threat */
	size_t		 nobjects;	/*   objects, as the file lists them */
	char		**kill_chain;	/* tags.kill_chain_phases */
	size_t		 nkill_chain;
	struct spl_search *search;	/* compiled */
	uint64_t	 fingerprint;	/* of what its rows depend on: see */
					/*   detection_load_file() */
	char		*ybuf;		/* the file's bytes, parsed but not */
	size_t		 ylen;		/*   yet compiled (error positions) */
	size_t		 search_index;	/* search: scalar's start in ybuf */
	int		 search_style;	/* and its yaml_scalar_style_t */
	int		 dataset;	/* tstats: 1 + the index of its */
					/*   dataset in the set's datasets[], */
					/*   or DETECTION_NO_DATASET (it */
					/*   never matches); DETECTION_RAW */
					/*   (0) for a raw search */
	int		 window_s;	/* 0: the `window` key; else its */
	int		 window_offset_s; /* schedule's period and phase */
	char		*window;	/* how the window was chosen, or NULL */
					/*   (schedule_choose()) */
	int		*sub_dataset;	/* per join subsearch (search->subs) */
					/*   its dataset, as dataset above; */
					/*   NULL before the set has a map */
};

struct dispatch;

/* Macros by key ("name" or "name(N)"), loaded once for many detections. */
struct detection_macros;

struct detection_set {
	int		 refcnt;	/* see detection_set_ref() */
	size_t		 n;		/* number of detections */
	struct detection **d;		/* sorted by name */
	struct cim_map	*cim;		/* owned; NULL: no CIM fields */
	struct lookup_set *lookups;	/* owned: the tables the searches */
					/*   point into; NULL: none */
	const struct cim_dataset *datasets[DETECTION_MAX_DATASETS];
					/* those some detection reads */
					/*   (borrowed from cim) */
	size_t		 ndatasets;
	struct dispatch	*dispatch;	/* owned: the detections each event */
					/*   code reaches (dispatch.h); */
					/*   NULL: every one, every event */
	uint64_t	*want;		/* owned: the fields the detections */
					/*   and the CIM rules they need */
					/*   read, EVENT_MAX_FIELDS bits, */
					/*   for decode_ctx_want(); NULL: */
					/*   every field */
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

/*
 * Macros from directories: detection_macros_add_dir() adds every *.yml
 * of dir, a macro of an earlier directory with the same key replaced
 * (two in one directory are an error).  Returns 0, or -1 with *errstr
 * (caller frees) and the macros as they were.
 */
struct detection_macros *detection_macros_new(void);
int		 detection_macros_add_dir(struct detection_macros *ms,
		    const char *dir, char **errstr);
size_t		 detection_macros_count(const struct detection_macros *ms);
/*
 * The lookup definitions the searches compiled with ms may name
 * (borrowed: the set must outlive ms's compilations and the searches;
 * give it to their detection set with detection_set_use_lookups()).
 */
void		 detection_macros_use_lookups(struct detection_macros *ms,
		    struct lookup_set *ls);
void		 detection_macros_free(struct detection_macros *ms);

/*
 * Reads one detection file's metadata and search without compiling it:
 * a detection with search NULL, or NULL with *errstr (caller frees)
 * giving file, line, column and reason (YAML, a missing name, id or
 * search, a value of the wrong type).
 */
struct detection *detection_parse(const char *path, char **errstr);

/*
 * Compiles d's search (SPL comments, three backticks to three
 * backticks, removed first) with the macros ms; a missing
 * <anything>_filter macro is "search *".  Returns 0, or -1 with *errstr
 * giving file, line, column (in the detection or in the macro) and the
 * reason.  d stays valid either way (search NULL on failure).
 */
int		 detection_compile(struct detection *d,
		    const struct detection_macros *ms, char **errstr);

/*
 * The line and column in d's file (of a detection not yet in a set) of
 * the first word in its search, or of the search.
 */
void		 detection_locate(const struct detection *d, const char *word,
		    size_t *line, size_t *col);

/*
 * A set of the n compiled detections d (names unique; it takes them and
 * frees the array d itself), with one reference.
 */
struct detection_set *detection_set_new(struct detection **d, size_t n);

/*
 * Loads one detection file against macro_dir, for tests and tools.
 *
 * Every loaded detection has a fingerprint: a hash of its id, its
 * version and its search after macro expansion (what its rows and their
 * alert ids depend on), so that a reload keeps the stats windows of a
 * detection whose fingerprint is unchanged (detect_runner_swap()).  A
 * macro edit changes the fingerprints of the detections that use it and
 * of no other; an edit that leaves every definition as it was (a
 * comment, the other metadata) changes none.  Equal within one build.
 */
struct detection *detection_load_file(const char *path,
		    const char *macro_dir, char **errstr);
void		 detection_free(struct detection *d);

/*
 * Whether b (of a new set) is a, unchanged: the same id, version,
 * search text, fingerprint and window, so that it may take over a's
 * windows.
 */
bool		 detection_same(const struct detection *a,
		    const struct detection *b);

/*
 * Whether one of v[0..n) (names, ids or fnmatch(3) globs, case folded)
 * names d: a configuration list of detections.
 */
bool		 detection_listed(const struct detection *d, char *const *v,
		    size_t n);

/*
 * Gives the set its Sysmon-to-CIM mapping (takes ownership of m; a
 * mapping it had is freed), restricted to the fields its detections read
 * (cim_map_prepare()), and resolves the dataset of each tstats search
 * (detection_dataset_find()) into the set's datasets[]; a detection
 * whose dataset m lacks (or every one, when m is NULL) never matches.
 * Sets want: what the decoders must keep for those detections and rules.
 * Call before the set is shared.
 */
void		 detection_set_use_cim(struct detection_set *set,
		    struct cim_map *m);

/* Gives the set the lookup tables its searches use (takes ls). */
void		 detection_set_use_lookups(struct detection_set *set,
		    struct lookup_set *ls);
/*
 * The dataset a tstats search names (spl_search.datamodel): the dataset
 * "Model.Dataset" of m, or for "Model" alone the one dataset of that
 * model (the data model's root, as Splunk searches it); NULL when m has
 * none, or several for "Model" alone.  Borrowed from m.
 */
const struct cim_dataset *detection_dataset_find(const struct cim_map *m,
		    const char *datamodel);
/*
 * The dataset of d's k-th join subsearch (d->search->subs[k]), as
 * d->dataset is d's: DETECTION_RAW, 1 + an index into the set's
 * datasets[], or DETECTION_NO_DATASET.
 */
int		 detection_sub_dataset(const struct detection *d, size_t k);

void		 detection_set_ref(struct detection_set *set);
void		 detection_set_unref(struct detection_set *set,
		    const char *caller);

#endif /* HECSENTRY_DETECTION_H */
