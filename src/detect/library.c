/*
 * The detection library.  Walks a directory tree of detection YAML (or
 * a security_content checkout's detections/, with its macros/ and
 * lookups/ beside it), skipping directories named "deprecated" and
 * "disabled"; loads the macros once (hecsentry's, then the library's,
 * the library's winning); parses every detection; keeps the candidates
 * (those that read Sysmon) that the status, type and enable/disable
 * selection leaves; compiles them; and records for each file a state
 * and a reason.  What compiles, and reads only fields some event can
 * carry (cim_map_produces()), goes into the runnable set.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "decode/event.h"
#include "detect/library.h"
#include "detect/schedule.h"
#include "log.h"
#include "xmalloc.h"

#ifndef FNM_CASEFOLD
#define FNM_CASEFOLD	0
#endif

#define LIBRARY_DEPTH_MAX	32	/* deepest directory walked */

/* The datasets Sysmon feeds (SPEC 9): a search on one is a candidate. */
static const char *const library_datasets[] = {
	"Endpoint.Processes", "Endpoint.Filesystem", "Endpoint.Registry",
	"Network_Traffic", "Network_Resolution"
};

static const char *const library_state_names[LIBRARY_NSTATES] = {
	"runs", "skipped", "never matches", "broken", "filtered",
	"not for Sysmon"
};

/* Growing list of paths. */
struct library_files {
	char		**v;
	size_t		 n;
};

const char *
library_state_name(enum library_state s)
{
	return s < LIBRARY_NSTATES ? library_state_names[s] : "?";
}

static bool
library_is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
library_is_yaml(const char *name)
{
	size_t	 len = strlen(name);

	return (len > 4 && strcmp(name + len - 4, ".yml") == 0) ||
	    (len > 5 && strcmp(name + len - 5, ".yaml") == 0);
}

/*
 * Adds every YAML file under dir to fs, recursively, except under
 * directories named deprecated or disabled and hidden ones.  Returns 0,
 * or -1 with *errstr set when dir cannot be read.
 */
static int
library_walk(const char *dir, int depth, struct library_files *fs,
    char **errstr)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*path;

	if ((d = opendir(dir)) == NULL) {
		xasprintf(errstr, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1) {
			free(path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth < LIBRARY_DEPTH_MAX &&
			    strcmp(de->d_name, "deprecated") != 0 &&
			    strcmp(de->d_name, "disabled") != 0 &&
			    library_walk(path, depth + 1, fs, errstr) == -1) {
				log_warnx("%s", *errstr);
				free(*errstr);
				*errstr = NULL;
			}
			free(path);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !library_is_yaml(de->d_name)) {
			free(path);
			continue;
		}
		fs->v = xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
		fs->v[fs->n++] = path;
	}
	closedir(d);
	return 0;
}

static int
library_path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether d reads Sysmon: its data_source, the sysmon macro, a dataset. */
static bool
library_for_sysmon(const struct detection *d)
{
	size_t	 k;

	for (k = 0; k < d->ndata_sources; k++)
		if (strcasestr(d->data_sources[k], "sysmon") != NULL)
			return true;
	if (strstr(d->search_text, "`sysmon`") != NULL)
		return true;
	if (strstr(d->search_text, "datamodel") == NULL)
		return false;
	for (k = 0; k < sizeof(library_datasets) /
	    sizeof(library_datasets[0]); k++)
		if (strstr(d->search_text, library_datasets[k]) != NULL)
			return true;
	return false;
}

/* Whether a name, id or glob of v[0..n) names d. */
static bool
library_listed(char *const *v, size_t n, const struct detection *d)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		if (fnmatch(v[k], d->name, FNM_CASEFOLD) == 0 ||
		    fnmatch(v[k], d->id, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

/* Whether value (NULL: not given, taken as wanted) is in v[0..n). */
static bool
library_wanted(char *const *v, size_t n, const char *value)
{
	size_t	 k;

	if (value == NULL)
		return true;
	for (k = 0; k < n; k++)
		if (strcasecmp(v[k], value) == 0)
			return true;
	return false;
}

/*
 * The reason class of reason: the message after "FILE:LINE:COL: ",
 * without "(in macro ...)" and with quoted specifics dropped, except
 * the command a refusal names, a missing key and a field not produced
 * (yaml: libyaml's message, whose quotes are its own words).
 */
static char *
library_class(const char *reason, bool yaml)
{
	const char	*p, *q;
	char		*c, *w, *e, *t;
	bool		 keep;

	p = reason;
	if ((q = strstr(p, ".yml:")) != NULL || (q = strstr(p,
	    ".yaml:")) != NULL)
		p = strchr(q, ':') + 1;
	while (isdigit((unsigned char)*p) || *p == ':')
		p++;
	while (*p == ' ')
		p++;
	/* Room for '' (2 bytes) becoming '...' (5). */
	c = xmalloc(3 * strlen(p) + 1);
	memcpy(c, p, strlen(p) + 1);
	if ((e = strstr(c, " (in macro ")) != NULL)
		*e = '\0';
	keep = yaml || strncmp(c, "unsupported", 11) == 0 ||
	    strncmp(c, "missing", 7) == 0 || strncmp(c, "never", 5) == 0 ||
	    (c[0] == '\'' && strstr(c, "before stats") != NULL);
	if (keep)
		return c;
	/* 'x' becomes '...': one class for every macro, term or token. */
	t = xstrdup(c);
	for (w = c, p = t; *p != '\0'; ) {
		if (*p == '\'' && (q = strchr(p + 1, '\'')) != NULL) {
			memcpy(w, "'...'", 5);
			w += 5;
			p = q + 1;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	free(t);
	return c;
}

/*
 * Whether an SPL refusal is about a macro or a lookup table that is
 * missing or does not fit (broken) rather than about SPL (skipped); a
 * KV store collection or a match_type we lack is unsupported: skipped.
 */
static bool
library_macro_error(const char *reason)
{
	if (strstr(reason, "lookup table '") != NULL)
		return strstr(reason, "not a CSV lookup") == NULL &&
		    strstr(reason, "is not supported") == NULL;
	return strstr(reason, "macro") != NULL;
}

static void
library_set(struct library_entry *e, enum library_state s, char *reason)
{
	e->state = s;
	free(e->reason);
	free(e->class);
	e->reason = reason;
	e->class = reason != NULL ? library_class(reason, false) : NULL;
}

/*
 * Whether field id (named name) can be carried by the events d reads:
 * a "Dataset.field" of d's tstats dataset ds when ds defines it; any
 * other name with a dot is not judged; the rest when some event
 * carries it (cim_map_produces()).
 */
static bool
library_produced(const struct cim_map *cim, const struct cim_dataset *ds,
    const char *name, int id)
{
	const char	*obj;
	size_t		 olen;

	if (ds != NULL) {
		obj = cim_dataset_object(ds);
		olen = strlen(obj);
		if (strncmp(name, obj, olen) == 0 && name[olen] == '.')
			return cim_dataset_field(ds, name, strlen(name)) != -1;
	}
	return strchr(name, '.') != NULL || cim_map_produces(cim, id);
}

/*
 * Whether id is a by-field that tstats' fillnull_value fills when null:
 * its rows exist whether or not an event carries it (Splunk's tstats).
 */
static bool
library_filled(const struct spl_search *s, int id)
{
	size_t	 k;

	if (s->stats.null_by != SPL_NULL_FILL)
		return false;
	for (k = 0; k < s->stats.nby; k++)
		if (s->stats.by[k] == id)
			return true;
	return false;
}

/*
 * Why d never matches: its tstats dataset is not in the mapping, or the
 * first field its filter, its commands before stats or its stats read
 * from events (s->fields: a by-field that rex, lookup or rename made
 * before stats is not one) is one no event carries.  Returns a reason,
 * or NULL.
 */
static char *
library_never_search(const struct detection *d, const struct cim_map *cim,
    const struct spl_search *s)
{
	const struct cim_dataset *ds = NULL;
	const char	*name;
	char		*r;
	size_t		 k, line, col;
	int		 id;

	if (s->datamodel != NULL &&
	    (ds = detection_dataset_find(cim, s->datamodel)) == NULL) {
		detection_locate(d, "datamodel", &line, &col);
		xasprintf(&r, "%s:%zu:%zu: never matches: data model dataset "
		    "'%s' is not in the mapping", d->file, line, col,
		    s->datamodel);
		return r;
	}
	for (k = 0; k < s->nfields; k++) {
		id = s->fields[k];
		name = event_field_name(id);
		if (name == NULL || library_produced(cim, ds, name, id) ||
		    library_filled(s, id))
			continue;
		detection_locate(d, name, &line, &col);
		xasprintf(&r, "%s:%zu:%zu: never matches: field '%s' is not "
		    "produced", d->file, line, col, name);
		return r;
	}
	return NULL;
}

/* library_never_search() on d's search, then on each subsearch of an */
/* inner join (an outer join's rows need none of the right side). */
static char *
library_never(const struct detection *d, const struct cim_map *cim)
{
	char	*r;
	size_t	 k;

	if (cim == NULL)
		return NULL;
	if ((r = library_never_search(d, cim, d->search)) != NULL)
		return r;
	for (k = 0; k < d->search->nsubs; k++)
		if (!d->search->subs[k]->optional &&
		    (r = library_never_search(d, cim,
		    d->search->subs[k])) != NULL)
			return r;
	return NULL;
}

/* Reads the macros: hecsentry's, then the library's.  0 or -1. */
static int
library_macros(struct library *lib, const struct library_opts *o,
    struct detection_macros *ms, char **errstr)
{
	if (o->macros != NULL && library_is_dir(o->macros) &&
	    detection_macros_add_dir(ms, o->macros, errstr) == -1)
		return -1;
	if (lib->macros_dir != NULL && detection_macros_add_dir(ms,
	    lib->macros_dir, errstr) == -1)
		return -1;
	lib->nmacros = detection_macros_count(ms);
	return 0;
}

/* Finds the layout: a checkout root, or a tree. */
static void
library_layout(struct library *lib, const struct library_opts *o)
{
	char	*p;

	lib->path = xstrdup(o->detections);
	xasprintf(&p, "%s/detections", o->detections);
	if (library_is_dir(p)) {
		lib->checkout = true;
		lib->detections_dir = p;
		xasprintf(&p, "%s/macros", o->detections);
		if (library_is_dir(p))
			lib->macros_dir = p;
		else
			free(p);
		xasprintf(&p, "%s/deployments", o->detections);
		if (library_is_dir(p))
			lib->deployments_dir = p;
		else
			free(p);
		xasprintf(&p, "%s/lookups", o->detections);
		if (o->lookups == NULL && library_is_dir(p))
			lib->lookups_dir = p;
		else
			free(p);
	} else {
		free(p);
		lib->detections_dir = xstrdup(o->detections);
	}
	if (lib->lookups_dir == NULL && o->lookups != NULL)
		lib->lookups_dir = xstrdup(o->lookups);
}

/* Chooses, compiles and judges the detection of entry e. */
static struct detection *
library_judge(struct library_entry *e, const struct library_opts *o,
    const struct detection_macros *ms)
{
	static char	*production[] = { "production" };
	struct detection *d;
	char		*err, *r;

	if ((d = detection_parse(e->file, &err)) == NULL) {
		library_set(e, LIBRARY_BROKEN, err);
		if (strncmp(e->class, "missing", 7) != 0 &&
		    strstr(e->class, " must be ") == NULL) {
			/* libyaml's own words, quotes kept. */
			free(e->class);
			e->class = library_class(err, true);
			xasprintf(&r, "YAML: %s", e->class);
			free(e->class);
			e->class = r;
		}
		return NULL;
	}
	e->name = xstrdup(d->name);
	e->id = xstrdup(d->id);
	if (library_listed(o->disable, o->ndisable, d)) {
		xasprintf(&r, "%s: disabled by detections_disable", e->file);
		library_set(e, LIBRARY_FILTERED, r);
	} else if (!library_for_sysmon(d))
		library_set(e, LIBRARY_NOT_SYSMON, NULL);
	else if (library_listed(o->enable, o->nenable, d))
		;
	else if (!(o->nstatus > 0 ? library_wanted(o->status, o->nstatus,
	    d->status) : library_wanted(production, 1, d->status))) {
		xasprintf(&r, "%s: status %s", e->file, d->status);
		library_set(e, LIBRARY_FILTERED, r);
	} else if (o->ntypes > 0 && !library_wanted(o->types, o->ntypes,
	    d->type)) {
		xasprintf(&r, "%s: type %s", e->file, d->type);
		library_set(e, LIBRARY_FILTERED, r);
	}
	if (e->state != LIBRARY_RUNS)
		goto out;
	if (detection_compile(d, ms, &err) == -1) {
		library_set(e, library_macro_error(err) ? LIBRARY_BROKEN :
		    LIBRARY_SKIPPED, err);
		goto out;
	}
	if ((r = library_never(d, o->cim)) != NULL) {
		library_set(e, LIBRARY_NEVER, r);
		goto out;
	}
	return d;
out:
	detection_free(d);
	return NULL;
}

static int
library_det_cmp(const void *a, const void *b)
{
	return strcmp((*(struct detection *const *)a)->name,
	    (*(struct detection *const *)b)->name);
}

/* Refuses the second of two runnable detections with one name. */
static size_t
library_dedup(struct library *lib, struct detection **dv, size_t n)
{
	struct library_entry *e;
	size_t		 k, i, out = 0;
	char		*r;

	if (n > 1)
		qsort(dv, n, sizeof(*dv), library_det_cmp);
	for (k = 0; k < n; k++) {
		if (out == 0 || strcmp(dv[out - 1]->name, dv[k]->name) != 0) {
			dv[out++] = dv[k];
			continue;
		}
		for (i = 0, e = NULL; i < lib->n; i++)
			if (strcmp(lib->e[i].file, dv[k]->file) == 0)
				e = &lib->e[i];
		xasprintf(&r, "%s: duplicate detection name '%s' (also in "
		    "%s)", dv[k]->file, dv[k]->name, dv[out - 1]->file);
		if (e != NULL)
			library_set(e, LIBRARY_BROKEN, r);
		else
			free(r);
		detection_free(dv[k]);
	}
	return out;
}

struct library *
library_load(const struct library_opts *o, char **errstr)
{
	struct library		*lib;
	struct library_files	 fs = { NULL, 0 };
	struct detection_macros	*ms;
	struct detection	**dv = NULL, *d;
	struct lookup_set	*ls;
	struct schedule_set	 ss;
	size_t			 k, nd = 0;

	*errstr = NULL;
	lib = xcalloc(1, sizeof(*lib));
	library_layout(lib, o);
	ms = detection_macros_new();
	ls = lookup_set_new(lib->lookups_dir);
	detection_macros_use_lookups(ms, ls);
	if (library_macros(lib, o, ms, errstr) == -1 ||
	    library_walk(lib->detections_dir, 0, &fs, errstr) == -1) {
		detection_macros_free(ms);
		lookup_set_free(ls);
		library_free(lib);
		for (k = 0; k < fs.n; k++)
			free(fs.v[k]);
		free(fs.v);
		return NULL;
	}
	if (fs.n > 1)
		qsort(fs.v, fs.n, sizeof(*fs.v), library_path_cmp);
	memset(&ss, 0, sizeof(ss));
	if (lib->deployments_dir != NULL)
		schedule_set_load_dir(&ss, lib->deployments_dir);
	lib->ndeployments = ss.n;
	if (ss.error != NULL)
		lib->deployments_error = xstrdup(ss.error);
	lib->e = xcalloc(fs.n > 0 ? fs.n : 1, sizeof(*lib->e));
	for (k = 0; k < fs.n; k++) {
		lib->e[k].file = fs.v[k];
		lib->n++;
		if ((d = library_judge(&lib->e[k], o, ms)) != NULL) {
			schedule_choose(d, &ss);
			lib->e[k].window = xstrdup(d->window);
			lib->e[k].scheduled = d->window_s > 0;
			dv = xreallocarray(dv, nd + 1, sizeof(*dv));
			dv[nd++] = d;
		}
	}
	schedule_set_clear(&ss);
	free(fs.v);
	detection_macros_free(ms);
	nd = library_dedup(lib, dv, nd);
	lib->set = detection_set_new(dv, nd);
	detection_set_use_lookups(lib->set, ls);
	return lib;
}

struct detection_set *
library_take_set(struct library *lib)
{
	struct detection_set *set = lib->set;

	lib->set = NULL;
	return set;
}

void
library_free(struct library *lib)
{
	size_t	 k;

	if (lib == NULL)
		return;
	for (k = 0; k < lib->n; k++) {
		free(lib->e[k].file);
		free(lib->e[k].name);
		free(lib->e[k].id);
		free(lib->e[k].reason);
		free(lib->e[k].class);
		free(lib->e[k].window);
	}
	free(lib->e);
	free(lib->path);
	free(lib->detections_dir);
	free(lib->macros_dir);
	free(lib->lookups_dir);
	free(lib->deployments_dir);
	free(lib->deployments_error);
	detection_set_unref(lib->set, __func__);
	free(lib);
}

size_t
library_count(const struct library *lib, enum library_state s)
{
	size_t	 k, n = 0;

	for (k = 0; k < lib->n; k++)
		if (lib->e[k].state == s)
			n++;
	return n;
}

size_t
library_candidates(const struct library *lib)
{
	return lib->n - library_count(lib, LIBRARY_NOT_SYSMON);
}

void
library_summary(const struct library *lib, char *buf, size_t len)
{
	(void)snprintf(buf, len, "runnable %zu of %zu (library %s)",
	    library_count(lib, LIBRARY_RUNS), library_candidates(lib),
	    lib->path);
}
