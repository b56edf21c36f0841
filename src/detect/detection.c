/*
 * Detection loading.  Reads security_content detection files and macro
 * files with libyaml's document API, compiles each detection's search
 * with spl.c (macros come from the macro files through a lookup
 * callback) and gathers the detections into an immutable, refcounted
 * set.  Unknown keys are ignored: security_content files carry many.
 *
 * Errors read "FILE:LINE:COL: reason".  An SPL error is moved from its
 * position in the search (or in a macro definition) to its position in
 * the YAML file: exact for plain and literal block scalars; for folded
 * block scalars and for quoted scalars (where escapes and line folding
 * change lengths) the walk undoes the common cases ('' and \x escapes,
 * folded line breaks), so the position is close but may be off where
 * rarer escapes appear.  This module does no matching (detect.c does).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "detect/detection.h"
#include "detect/dispatch.h"
#include "detect/detection_int.h"
#include "detect/ht.h"
#include "log.h"
#include "detect/spl.h"
#include "xmalloc.h"


/*
 * The SipHash key of fingerprints, an arbitrary constant: fingerprints
 * are compared within one process and never shown, so a fixed key is
 * enough.
 */
static const uint64_t detection_fp_key[2] = {
	0x6a1f5ce2c44f0d3bULL, 0x95e1b8a7d2f04c61ULL
};

struct detection_macro {
	char		*file;		/* path it was loaded from */
	char		*key;		/* "name" or "name(N)" */
	char		*definition;
	char		**args;		/* argument names */
	size_t		 nargs;
	char		*buf;		/* file bytes, for error positions */
	size_t		 len;
	size_t		 index;		/* definition's start mark */
	yaml_scalar_style_t style;	/* definition's style */
};

struct detection_macros {
	struct detection_macro **m;
	size_t		 n;
	struct lookup_set *lookups;	/* borrowed, or NULL */
};

/* Macros. */

static void
detection_macro_free(struct detection_macro *m)
{
	if (m == NULL)
		return;
	free(m->file);
	free(m->key);
	free(m->definition);
	detection_strv_free(m->args, m->nargs);
	free(m->buf);
	free(m);
}

static void
detection_macros_clear(struct detection_macros *ms)
{
	size_t	 k;

	for (k = 0; k < ms->n; k++)
		detection_macro_free(ms->m[k]);
	free(ms->m);
	ms->m = NULL;
	ms->n = 0;
}

static struct detection_macro *
detection_macro_find(const struct detection_macros *ms, const char *key)
{
	size_t	 k;

	for (k = 0; k < ms->n; k++)
		if (strcmp(ms->m[k]->key, key) == 0)
			return ms->m[k];
	return NULL;
}

/*
 * Loads one macro file: name (plain, or "name(N)" as Splunk spells
 * macros with arguments), definition and arguments.  Returns a new macro
 * or NULL with *errstr set.
 */
static struct detection_macro *
detection_macro_load(const char *path, char **errstr)
{
	struct detection_yaml y;
	struct detection_macro *m;
	yaml_node_t	*root, *def = NULL, *nn = NULL;
	char		*name = NULL, *p, *end;
	long		 decl;

	m = xcalloc(1, sizeof(*m));
	if ((root = detection_yaml_load(&y, path, errstr)) == NULL)
		goto fail;
	if (detection_get_str(&y, root, "name", &name, &nn, errstr) == -1 ||
	    detection_get_str(&y, root, "definition", &m->definition, &def,
	    errstr) == -1 ||
	    detection_get_list(&y, root, "arguments", &m->args, &m->nargs,
	    errstr) == -1)
		goto fail;
	if (name == NULL || m->definition == NULL) {
		xasprintf(errstr, "%s:%zu:%zu: missing '%s'", path,
		    root->start_mark.line + 1, root->start_mark.column + 1,
		    name == NULL ? "name" : "definition");
		goto fail;
	}
	if ((p = strchr(name, '(')) != NULL) {
		decl = strtol(p + 1, &end, 10);
		if (end == p + 1 || strcmp(end, ")") != 0 ||
		    decl != (long)m->nargs) {
			xasprintf(errstr, "%s:%zu:%zu: macro '%s' must list "
			    "as many arguments as its name says", path,
			    nn->start_mark.line + 1,
			    nn->start_mark.column + 1, name);
			goto fail;
		}
		m->key = xstrdup(name);
	} else if (m->nargs > 0)
		xasprintf(&m->key, "%s(%zu)", name, m->nargs);
	else
		m->key = xstrdup(name);
	m->file = xstrdup(path);
	m->index = def->start_mark.index;
	m->style = def->data.scalar.style;
	m->buf = y.buf;
	m->len = y.len;
	y.buf = NULL;
	free(name);
	detection_yaml_clear(&y);
	return m;
fail:
	free(name);
	detection_yaml_clear(&y);
	detection_macro_free(m);
	return NULL;
}

/*
 * Loads every macro file of dir into ms.  A macro of the same key that ms
 * had from an earlier directory is replaced; two in dir are an error.
 * Returns 0 or -1 with *errstr set (ms keeps what it had before).
 */
static int
detection_macros_load_dir(struct detection_macros *ms, const char *dir,
    char **errstr)
{
	struct detection_macro **mv = NULL, *m, *old;
	char		**files;
	size_t		 nfiles, k, i, nm = 0;
	int		 rc = -1;

	if (detection_list_dir(dir, &files, &nfiles, errstr) == -1)
		return -1;
	for (k = 0; k < nfiles; k++) {
		if ((m = detection_macro_load(files[k], errstr)) == NULL)
			goto out;
		for (i = 0; i < nm; i++)
			if (strcmp(mv[i]->key, m->key) == 0) {
				xasprintf(errstr, "%s: macro '%s' is also "
				    "defined in %s", files[k], m->key,
				    mv[i]->file);
				detection_macro_free(m);
				goto out;
			}
		mv = xreallocarray(mv, nm + 1, sizeof(*mv));
		mv[nm++] = m;
	}
	for (i = 0; i < nm; i++) {
		if ((old = detection_macro_find(ms, mv[i]->key)) != NULL) {
			for (k = 0; ms->m[k] != old; k++)
				;
			detection_macro_free(old);
			ms->m[k] = mv[i];
			continue;
		}
		ms->m = xreallocarray(ms->m, ms->n + 1, sizeof(*ms->m));
		ms->m[ms->n++] = mv[i];
	}
	nm = 0;
	rc = 0;
out:
	for (i = 0; i < nm; i++)
		detection_macro_free(mv[i]);
	free(mv);
	detection_strv_free(files, nfiles);
	return rc;
}

static int
detection_macros_load(struct detection_macros *ms, const char *dir,
    char **errstr)
{
	memset(ms, 0, sizeof(*ms));
	return detection_macros_load_dir(ms, dir, errstr);
}

struct detection_macros *
detection_macros_new(void)
{
	return xcalloc(1, sizeof(struct detection_macros));
}

int
detection_macros_add_dir(struct detection_macros *ms, const char *dir,
    char **errstr)
{
	*errstr = NULL;
	return detection_macros_load_dir(ms, dir, errstr);
}

size_t
detection_macros_count(const struct detection_macros *ms)
{
	return ms->n;
}

void
detection_macros_free(struct detection_macros *ms)
{
	if (ms == NULL)
		return;
	detection_macros_clear(ms);
	free(ms);
}

/* spl_macro_lookup_fn over a struct detection_macros. */
static bool
detection_macro_lookup(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *out)
{
	struct detection_macros *ms = arg;
	struct detection_macro *m;
	char		 key[256];

	if (nargs > 0)
		snprintf(key, sizeof(key), "%s(%zu)", name, nargs);
	else
		snprintf(key, sizeof(key), "%s", name);
	if ((m = detection_macro_find(ms, key)) == NULL)
		return false;
	out->definition = m->definition;
	out->nargs = m->nargs;
	out->args = (const char **)m->args;
	return true;
}

void
detection_macros_use_lookups(struct detection_macros *ms,
    struct lookup_set *ls)
{
	ms->lookups = ls;
}

/* spl_table_lookup_fn over a struct lookup_set. */
static const struct lookup_table *
detection_table_lookup(void *arg, const char *name, char *why,
    size_t whylen)
{
	return lookup_set_get(arg, name, why, whylen);
}

/* Detections. */

void
detection_free(struct detection *d)
{
	if (d == NULL)
		return;
	free(d->file);
	free(d->name);
	free(d->id);
	free(d->description);
	free(d->known_false_positives);
	free(d->search_text);
	free(d->window);
	free(d->sub_dataset);
	detection_strv_free(d->mitre, d->nmitre);
	detection_strv_free(d->stories, d->nstories);
	detection_risk_free(d);
	free(d->status);
	free(d->type);
	detection_strv_free(d->data_sources, d->ndata_sources);
	free(d->ybuf);
	spl_search_free(d->search);
	free(d);
}

static bool
detection_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
detection_listed(const struct detection *d, char *const *v, size_t n)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		if ((d->name != NULL &&
		    fnmatch(v[k], d->name, FNM_CASEFOLD) == 0) ||
		    (d->id != NULL && fnmatch(v[k], d->id, FNM_CASEFOLD) == 0))
			return true;
	return false;
}

bool
detection_same(const struct detection *a, const struct detection *b)
{
	return detection_str_eq(a->id, b->id) && a->version == b->version &&
	    detection_str_eq(a->search_text, b->search_text) &&
	    a->fingerprint == b->fingerprint && a->window_s == b->window_s &&
	    a->window_offset_s == b->window_offset_s;
}

/*
 * Turns an SPL error into "FILE:LINE:COL: reason": the detection file
 * when it is in the search, the macro file when it is in a macro.
 */
static void
detection_spl_error(const struct detection *d,
    const struct detection_macros *ms, const struct spl_error *err,
    char **errstr)
{
	struct detection_scalar sc;
	struct detection_macro *m = NULL;
	size_t		 line, col;

	if (strncmp(err->origin, "macro ", 6) == 0)
		m = detection_macro_find(ms, err->origin + 6);
	if (m != NULL) {
		sc.buf = m->buf;
		sc.len = m->len;
		sc.index = m->index;
		sc.style = m->style;
		sc.value = m->definition;
		detection_scalar_pos(&sc, err->line, err->column, &line,
		    &col);
		xasprintf(errstr, "%s:%zu:%zu: %s (in macro %s, used by %s)",
		    m->file, line, col, err->msg, err->origin + 6, d->file);
		return;
	}
	if (strcmp(err->origin, "search") != 0) {
		/* A built-in default (the _filter macros). */
		xasprintf(errstr, "%s: %s: %s", d->file, err->origin,
		    err->msg);
		return;
	}
	sc.buf = d->ybuf;
	sc.len = d->ylen;
	sc.index = d->search_index;
	sc.style = (yaml_scalar_style_t)d->search_style;
	sc.value = d->search_text;
	detection_scalar_pos(&sc, err->line, err->column, &line, &col);
	xasprintf(errstr, "%s:%zu:%zu: %s", d->file, line, col, err->msg);
}

/*
 * The fingerprint of d (detection.h): its id, version and expanded
 * search, each length-prefixed so that no two differ only in where one
 * ends.
 */
static uint64_t
detection_fingerprint(const struct detection *d)
{
	char		*buf;
	uint64_t	 h;
	int		 n;

	n = xasprintf(&buf, "%zu:%s %d %zu:%s", strlen(d->id), d->id,
	    d->version, strlen(d->search->text), d->search->text);
	h = ht_siphash(detection_fp_key, buf, (size_t)n);
	free(buf);
	return h;
}

struct detection *
detection_parse(const char *path, char **errstr)
{
	struct detection_yaml y;
	struct detection *d;
	yaml_node_t	*root, *tags, *rba, *search = NULL;
	const char	*missing = NULL;

	*errstr = NULL;
	d = xcalloc(1, sizeof(*d));
	d->dataset = DETECTION_RAW;
	d->file = xstrdup(path);
	if ((root = detection_yaml_load(&y, path, errstr)) == NULL)
		goto fail;
	tags = detection_yaml_get(&y.doc, root, "tags");
	rba = detection_yaml_get(&y.doc, root, "rba");
	if (detection_get_str(&y, root, "name", &d->name, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, root, "id", &d->id, NULL, errstr) == -1 ||
	    detection_get_str(&y, root, "status", &d->status, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, root, "type", &d->type, NULL,
	    errstr) == -1 ||
	    detection_get_list(&y, root, "data_source", &d->data_sources,
	    &d->ndata_sources, errstr) == -1 ||
	    detection_get_str(&y, root, "description", &d->description, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, root, "known_false_positives",
	    &d->known_false_positives, NULL, errstr) == -1 ||
	    detection_get_str(&y, root, "search", &d->search_text, &search,
	    errstr) == -1 ||
	    detection_get_int(&y, root, "version", false,
	    &d->version, errstr) == -1 ||
	    detection_get_list(&y, tags, "mitre_attack_id", &d->mitre,
	    &d->nmitre, errstr) == -1 ||
	    detection_get_list(&y, tags, "analytic_story", &d->stories,
	    &d->nstories, errstr) == -1 ||
	    detection_load_risk(d, &y, tags, rba, errstr) == -1)
		goto fail;
	if (d->name == NULL)
		missing = "name";
	else if (d->id == NULL)
		missing = "id";
	else if (d->search_text == NULL)
		missing = "search";
	if (missing != NULL) {
		xasprintf(errstr, "%s:%zu:%zu: missing '%s'", path,
		    root->start_mark.line + 1, root->start_mark.column + 1,
		    missing);
		goto fail;
	}
	d->search_index = search->start_mark.index;
	d->search_style = (int)search->data.scalar.style;
	d->ybuf = y.buf;
	d->ylen = y.len;
	y.buf = NULL;
	detection_yaml_clear(&y);
	return d;
fail:
	detection_yaml_clear(&y);
	detection_free(d);
	return NULL;
}

/*
 * A copy of text with each SPL comment (three backticks to three
 * backticks) blanked, line breaks kept, so that positions stay put.
 */
static char *
detection_uncomment(const char *text)
{
	char	*t, *p, *e;

	t = xstrdup(text);
	for (p = t; (p = strstr(p, "```")) != NULL; p = e) {
		if ((e = strstr(p + 3, "```")) == NULL)
			break;
		for (e += 3; p < e; p++)
			if (*p != '\n')
				*p = ' ';
	}
	return t;
}

int
detection_compile(struct detection *d, const struct detection_macros *ms,
    char **errstr)
{
	struct spl_error err;
	struct spl_env	 env;
	char		*text;

	*errstr = NULL;
	memset(&env, 0, sizeof(env));
	env.macro = detection_macro_lookup;
	env.macro_arg = (void *)ms;
	if (ms->lookups != NULL) {
		env.table = detection_table_lookup;
		env.table_arg = ms->lookups;
	}
	text = detection_uncomment(d->search_text);
	d->search = spl_compile_env(text, &env, &err);
	free(text);
	if (d->search == NULL)
		detection_spl_error(d, ms, &err, errstr);
	else {
		d->fingerprint = detection_fingerprint(d);
		d->dataset = d->search->datamodel != NULL ?
		    DETECTION_NO_DATASET : DETECTION_RAW;
	}
	return d->search != NULL ? 0 : -1;
}

void
detection_locate(const struct detection *d, const char *word, size_t *line,
    size_t *col)
{
	struct detection_scalar sc;
	const char	*t, *p;
	size_t		 wl = strlen(word);
	int		 l = 1, c = 1;

	*line = 1;
	*col = 1;
	if (d->ybuf == NULL)
		return;
	t = d->search_text;
	for (p = t; (p = strstr(p, word)) != NULL; p++)
		if ((p == t || !(isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_')) && !(isalnum((unsigned char)p[wl]) ||
		    p[wl] == '_'))
			break;
	if (p == NULL)
		p = t;
	for (; t < p; t++, c++)
		if (*t == '\n') {
			l++;
			c = 0;
		}
	sc.buf = d->ybuf;
	sc.len = d->ylen;
	sc.index = d->search_index;
	sc.style = (yaml_scalar_style_t)d->search_style;
	sc.value = d->search_text;
	detection_scalar_pos(&sc, l, c, line, col);
}

static struct detection *
detection_load(const char *path, const struct detection_macros *ms,
    char **errstr)
{
	struct detection *d;

	if ((d = detection_parse(path, errstr)) == NULL)
		return NULL;
	if (detection_compile(d, ms, errstr) == -1) {
		detection_free(d);
		return NULL;
	}
	free(d->ybuf);
	d->ybuf = NULL;
	return d;
}

struct detection *
detection_load_file(const char *path, const char *macro_dir, char **errstr)
{
	struct detection_macros ms;
	struct detection *d;

	*errstr = NULL;
	if (detection_macros_load(&ms, macro_dir, errstr) == -1)
		return NULL;
	d = detection_load(path, &ms, errstr);
	detection_macros_clear(&ms);
	return d;
}

static void
detection_set_free(struct detection_set *set)
{
	size_t	 k;

	for (k = 0; k < set->n; k++)
		detection_free(set->d[k]);
	free(set->d);
	cim_map_free(set->cim);
	lookup_set_free(set->lookups);
	dispatch_free(set->dispatch);
	free(set->want);
	free(set);
}

const struct cim_dataset *
detection_dataset_find(const struct cim_map *m, const char *datamodel)
{
	const struct cim_dataset *ds, *found = NULL;
	const char	*name;
	size_t		 i, len = strlen(datamodel);

	if (m == NULL)
		return NULL;
	if (strchr(datamodel, '.') != NULL)
		return cim_dataset_find(m, datamodel, len);
	for (i = 0; i < cim_map_ndatasets(m); i++) {
		ds = cim_map_dataset(m, i);
		name = cim_dataset_name(ds);
		if (strncmp(name, datamodel, len) != 0 || name[len] != '.')
			continue;
		if (found != NULL)
			return NULL;
		found = ds;
	}
	return found;
}

/*
 * The dataset datamodel names, resolved against set->cim into
 * set->datasets[]: DETECTION_RAW for NULL (a raw search), 1 + its index,
 * or DETECTION_NO_DATASET.
 */
static int
detection_set_resolve(struct detection_set *set, const char *file,
    const char *datamodel)
{
	const struct cim_dataset *ds;
	size_t		 i;

	if (datamodel == NULL)
		return DETECTION_RAW;
	if ((ds = detection_dataset_find(set->cim, datamodel)) == NULL)
		return DETECTION_NO_DATASET;
	for (i = 0; i < set->ndatasets; i++)
		if (set->datasets[i] == ds)
			break;
	if (i == set->ndatasets) {
		if (i == DETECTION_MAX_DATASETS) {
			log_warnx("%s: more than %d data model datasets in "
			    "one set: it never matches", file,
			    DETECTION_MAX_DATASETS);
			return DETECTION_NO_DATASET;
		}
		set->datasets[set->ndatasets++] = ds;
	}
	return (int)i + 1;
}

/*
 * Resolves d's dataset, and each join subsearch's, against set->cim into
 * set->datasets[].
 */
static void
detection_set_dataset(struct detection_set *set, struct detection *d)
{
	size_t	 k;

	d->dataset = detection_set_resolve(set, d->file,
	    d->search->datamodel);
	free(d->sub_dataset);
	d->sub_dataset = xcalloc(d->search->nsubs + 1,
	    sizeof(*d->sub_dataset));
	for (k = 0; k < d->search->nsubs; k++)
		d->sub_dataset[k] = detection_set_resolve(set, d->file,
		    d->search->subs[k]->datamodel);
}

int
detection_sub_dataset(const struct detection *d, size_t k)
{
	if (d->sub_dataset != NULL)
		return d->sub_dataset[k];
	return d->search->subs[k]->datamodel == NULL ? DETECTION_RAW :
	    DETECTION_NO_DATASET;
}

void
detection_set_use_lookups(struct detection_set *set, struct lookup_set *ls)
{
	lookup_set_free(set->lookups);
	set->lookups = ls;
}

/* The fields s and its join subsearches read, into the bit set need. */
static void
detection_need_fields(const struct spl_search *s, uint64_t *need)
{
	size_t	 i;

	for (i = 0; i < s->nfields; i++)
		need[(unsigned)s->fields[i] >> 6] |=
		    (uint64_t)1 << (s->fields[i] & 63);
	for (i = 0; i < s->nsubs; i++)
		detection_need_fields(s->subs[i], need);
}

void
detection_set_use_cim(struct detection_set *set, struct cim_map *m)
{
	uint64_t			 need[EVENT_MAX_FIELDS / 64];
	const struct spl_search		*s;
	size_t				 k;

	memset(need, 0, sizeof(need));
	for (k = 0; k < set->n; k++) {
		s = set->d[k]->search;
		detection_need_fields(s, need);
	}
	if (m != NULL)
		cim_map_prepare(m, need);
	free(set->want);
	set->want = xcalloc(EVENT_MAX_FIELDS / 64, sizeof(*set->want));
	memcpy(set->want, need, sizeof(need));
	if (m != NULL)
		cim_map_reads(m, set->want);
	cim_map_free(set->cim);
	set->cim = m;
	set->ndatasets = 0;
	for (k = 0; k < set->n; k++)
		detection_set_dataset(set, set->d[k]);
	dispatch_free(set->dispatch);
	set->dispatch = dispatch_new(set);
}

static int
detection_cmp(const void *a, const void *b)
{
	const struct detection *da = *(struct detection *const *)a;
	const struct detection *db = *(struct detection *const *)b;

	return strcmp(da->name, db->name);
}

struct detection_set *
detection_set_new(struct detection **d, size_t n)
{
	struct detection_set *set;
	size_t		 k;

	set = xcalloc(1, sizeof(*set));
	set->refcnt = 1;
	set->d = d;
	set->n = n;
	for (k = 0; k < n; k++) {
		free(d[k]->ybuf);
		d[k]->ybuf = NULL;
	}
	if (set->n > 1)
		qsort(set->d, set->n, sizeof(*set->d), detection_cmp);
	set->dispatch = dispatch_new(set);
	return set;
}

struct detection_set *
detection_set_load(const char *det_dir, const char *macro_dir,
    char **errstr)
{
	struct detection_macros ms;
	struct detection_set *set;
	struct detection *d;
	char		**files;
	size_t		 nfiles, k;

	*errstr = NULL;
	if (detection_macros_load(&ms, macro_dir, errstr) == -1)
		return NULL;
	if (detection_list_dir(det_dir, &files, &nfiles, errstr) == -1) {
		detection_macros_clear(&ms);
		return NULL;
	}
	set = xcalloc(1, sizeof(*set));
	set->refcnt = 1;
	for (k = 0; k < nfiles; k++) {
		if ((d = detection_load(files[k], &ms, errstr)) == NULL)
			goto fail;
		set->d = xreallocarray(set->d, set->n + 1, sizeof(*set->d));
		set->d[set->n++] = d;
	}
	if (set->n > 1)
		qsort(set->d, set->n, sizeof(*set->d), detection_cmp);
	for (k = 1; k < set->n; k++)
		if (strcmp(set->d[k - 1]->name, set->d[k]->name) == 0) {
			xasprintf(errstr, "%s: duplicate detection name '%s' "
			    "(also in %s)", set->d[k]->file, set->d[k]->name,
			    set->d[k - 1]->file);
			goto fail;
		}
	detection_strv_free(files, nfiles);
	detection_macros_clear(&ms);
	set->dispatch = dispatch_new(set);
	return set;
fail:
	detection_strv_free(files, nfiles);
	detection_macros_clear(&ms);
	detection_set_free(set);
	return NULL;
}

void
detection_set_ref(struct detection_set *set)
{
	set->refcnt++;
}

/*
 * Drops a reference; the set is freed when the last one goes.  caller
 * names the releasing function for the debug log.
 */
void
detection_set_unref(struct detection_set *set, const char *caller)
{
	if (set == NULL)
		return;
	log_trace("%s: detection set %p: %d references left", caller,
	    (void *)set, set->refcnt - 1);
	if (--set->refcnt > 0)
		return;
	detection_set_free(set);
}
