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

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "detect/detection.h"
#include "detect/ht.h"
#include "log.h"
#include "detect/spl.h"
#include "xmalloc.h"

#define DETECTION_FILE_MAX	(1024 * 1024)	/* largest YAML file read */

/*
 * The SipHash key of fingerprints, an arbitrary constant: fingerprints
 * are compared within one process and never shown, so a fixed key is
 * enough.
 */
static const uint64_t detection_fp_key[2] = {
	0x6a1f5ce2c44f0d3bULL, 0x95e1b8a7d2f04c61ULL
};

/* A YAML file in memory, with its parsed document. */
struct detection_yaml {
	const char	*path;
	char		*buf;		/* the file's bytes */
	size_t		 len;
	yaml_document_t	 doc;
	bool		 loaded;	/* doc needs yaml_document_delete() */
};

/* Where a scalar sits in its file, to map offsets into it. */
struct detection_scalar {
	const char	*buf;		/* the file's bytes */
	size_t		 len;
	size_t		 index;		/* libyaml start mark */
	yaml_scalar_style_t style;
	const char	*value;		/* the parsed value */
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
};

/* Reads path into y->buf.  Returns 0, or -1 with *errstr set. */
static int
detection_read(struct detection_yaml *y, const char *path, char **errstr)
{
	FILE		*f;
	size_t		 n;

	memset(y, 0, sizeof(*y));
	y->path = path;
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		return -1;
	}
	y->buf = xmalloc(DETECTION_FILE_MAX + 1);
	n = fread(y->buf, 1, DETECTION_FILE_MAX + 1, f);
	if (ferror(f)) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		goto out_free;
	}
	if (n > DETECTION_FILE_MAX) {
		xasprintf(errstr, "%s: larger than %d bytes", path,
		    DETECTION_FILE_MAX);
		goto out_free;
	}
	fclose(f);
	y->buf[n] = '\0';
	y->len = n;
	return 0;
out_free:
	fclose(f);
	free(y->buf);
	y->buf = NULL;
	return -1;
}

/*
 * Reads and parses the YAML file path.  Returns its root mapping, or NULL
 * with *errstr set.  The caller clears y with detection_yaml_clear().
 */
static yaml_node_t *
detection_yaml_load(struct detection_yaml *y, const char *path,
    char **errstr)
{
	yaml_parser_t	 parser;
	yaml_node_t	*root;

	if (detection_read(y, path, errstr) == -1)
		return NULL;
	if (!yaml_parser_initialize(&parser))
		fatalx("yaml_parser_initialize");
	yaml_parser_set_input_string(&parser, (unsigned char *)y->buf,
	    y->len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		xasprintf(errstr, "%s:%zu:%zu: %s%s%s", path,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem != NULL ? parser.problem : "bad YAML",
		    parser.context != NULL ? " " : "",
		    parser.context != NULL ? parser.context : "");
		yaml_parser_delete(&parser);
		return NULL;
	}
	yaml_parser_delete(&parser);
	y->loaded = true;
	root = yaml_document_get_root_node(&y->doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		xasprintf(errstr, "%s:%zu:%zu: not a YAML mapping", path,
		    root != NULL ? root->start_mark.line + 1 : 1,
		    root != NULL ? root->start_mark.column + 1 : 1);
		return NULL;
	}
	return root;
}

static void
detection_yaml_clear(struct detection_yaml *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	free(y->buf);
	memset(y, 0, sizeof(*y));
}

/* Returns the value node of key in mapping m, or NULL. */
static yaml_node_t *
detection_yaml_get(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t	*k;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	    p++) {
		k = yaml_document_get_node(doc, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    k->data.scalar.length == strlen(key) &&
		    memcmp(k->data.scalar.value, key,
		    k->data.scalar.length) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *
detection_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/*
 * Gets the string value of key in m into *out (a copy the caller frees;
 * unchanged when the key is absent or null).  Returns 0, or -1 with
 * *errstr set when the value is not a scalar.
 */
static int
detection_get_str(struct detection_yaml *y, yaml_node_t *m, const char *key,
    char **out, yaml_node_t **node, char **errstr)
{
	yaml_node_t	*n;

	if ((n = detection_yaml_get(&y->doc, m, key)) == NULL)
		return 0;
	if (n->type != YAML_SCALAR_NODE) {
		xasprintf(errstr, "%s:%zu:%zu: '%s' must be a string",
		    y->path, n->start_mark.line + 1,
		    n->start_mark.column + 1, key);
		return -1;
	}
	if (n->data.scalar.length == 0 &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;
	free(*out);
	*out = xstrdup(detection_scalar(n));
	if (node != NULL)
		*node = n;
	return 0;
}

/* Gets an integer value; returns 1 when found, 0 absent, -1 on error. */
static int
detection_get_int(struct detection_yaml *y, yaml_node_t *m, const char *key,
    int *out, char **errstr)
{
	yaml_node_t	*n;
	const char	*s;
	char		*end;
	long		 v;

	if ((n = detection_yaml_get(&y->doc, m, key)) == NULL)
		return 0;
	s = n->type == YAML_SCALAR_NODE ? detection_scalar(n) : "";
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < INT_MIN ||
	    v > INT_MAX) {
		xasprintf(errstr, "%s:%zu:%zu: '%s' must be an integer",
		    y->path, n->start_mark.line + 1,
		    n->start_mark.column + 1, key);
		return -1;
	}
	*out = (int)v;
	return 1;
}

/*
 * Gets a list of strings (a sequence of scalars, or one scalar) into
 * *out and *n.  Returns 0, or -1 with *errstr set.
 */
static int
detection_get_list(struct detection_yaml *y, yaml_node_t *m,
    const char *key, char ***out, size_t *n, char **errstr)
{
	yaml_node_t	*l, *it;
	yaml_node_item_t *i;

	if ((l = detection_yaml_get(&y->doc, m, key)) == NULL)
		return 0;
	if (l->type == YAML_SCALAR_NODE) {
		if (l->data.scalar.length == 0)
			return 0;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = xstrdup(detection_scalar(l));
		return 0;
	}
	if (l->type != YAML_SEQUENCE_NODE)
		goto bad;
	for (i = l->data.sequence.items.start; i < l->data.sequence.items.top;
	    i++) {
		it = yaml_document_get_node(&y->doc, *i);
		if (it == NULL || it->type != YAML_SCALAR_NODE)
			goto bad;
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = xstrdup(detection_scalar(it));
	}
	return 0;
bad:
	xasprintf(errstr, "%s:%zu:%zu: '%s' must be a list of strings",
	    y->path, l->start_mark.line + 1, l->start_mark.column + 1, key);
	return -1;
}

static void
detection_strv_free(char **v, size_t n)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		free(v[k]);
	free(v);
}

/*
 * Maps (line, col), 1-based in the value of scalar sc, to a 1-based line
 * and column in its file, undoing the indentation of block scalars and
 * the folding and escapes of flow scalars (see the file comment).
 */
static void
detection_scalar_pos(const struct detection_scalar *sc, int line, int col,
    size_t *fline, size_t *fcol)
{
	const char	*b = sc->buf, *v = sc->value;
	size_t		 voff = 0, want, i, k, indent = 0, nl;
	size_t		 ls;
	bool		 block, at_bol;

	for (k = 1; k < (size_t)line && v[voff] != '\0'; voff++)
		if (v[voff] == '\n')
			k++;
	want = voff + (size_t)(col > 0 ? col - 1 : 0);
	block = sc->style == YAML_LITERAL_SCALAR_STYLE ||
	    sc->style == YAML_FOLDED_SCALAR_STYLE;
	i = sc->index;
	if (block) {
		while (i < sc->len && b[i] != '\n')
			i++;
		if (i < sc->len)
			i++;
		for (k = i; k < sc->len; ) {
			for (nl = k; nl < sc->len && b[nl] == ' '; nl++)
				;
			if (nl < sc->len && b[nl] != '\n') {
				indent = nl - k;
				break;
			}
			k = nl + 1;
		}
	} else if (sc->style != YAML_PLAIN_SCALAR_STYLE)
		i++;			/* the opening quote */
	at_bol = block;
	voff = 0;
	while (i < sc->len && voff < want) {
		if (at_bol) {
			for (k = 0; k < indent && i < sc->len &&
			    b[i] == ' '; k++)
				i++;
			at_bol = false;
			continue;
		}
		if (block) {
			if (b[i] == '\n')
				at_bol = true;
			i++;
			voff++;
			continue;
		}
		if (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' ||
		    b[i] == '\r') {
			/* A run of blanks holding line breaks folds. */
			for (k = i, nl = 0; k < sc->len && (b[k] == ' ' ||
			    b[k] == '\t' || b[k] == '\n' || b[k] == '\r'); k++)
				if (b[k] == '\n')
					nl++;
			if (nl == 0) {
				i++;
				voff++;
				continue;
			}
			voff += nl == 1 ? 1 : nl - 1;
			i = k;
			continue;
		}
		if (sc->style == YAML_SINGLE_QUOTED_SCALAR_STYLE &&
		    b[i] == '\'' && i + 1 < sc->len && b[i + 1] == '\'')
			i++;
		else if (sc->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
		    b[i] == '\\' && i + 1 < sc->len) {
			if (b[i + 1] == '\n') {
				for (i += 2; i < sc->len && (b[i] == ' ' ||
				    b[i] == '\t'); i++)
					;
				continue;
			}
			i++;
		}
		i++;
		voff++;
	}
	if (at_bol)
		for (k = 0; k < indent && i < sc->len && b[i] == ' '; k++)
			i++;
	for (k = 0, nl = 1, ls = 0; k < i && k < sc->len; k++)
		if (b[k] == '\n') {
			nl++;
			ls = k + 1;
		}
	*fline = nl;
	*fcol = i - ls + 1;
}

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

static int
detection_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Lists the *.yml and *.yaml regular files directly in dir, sorted.
 * Returns 0 with *out (paths; caller frees) or -1 with *errstr set.
 */
static int
detection_list_dir(const char *dir, char ***out, size_t *n, char **errstr)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*path;
	size_t		 len;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		xasprintf(errstr, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' ||
		    !((len > 4 && strcmp(de->d_name + len - 4, ".yml") == 0) ||
		    (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0)))
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = path;
	}
	closedir(d);
	if (*n > 0)
		qsort(*out, *n, sizeof(**out), detection_name_cmp);
	return 0;
}

/* Loads every macro file of dir into ms.  Returns 0 or -1. */
static int
detection_macros_load(struct detection_macros *ms, const char *dir,
    char **errstr)
{
	struct detection_macro *m, *old;
	char		**files;
	size_t		 nfiles, k;
	int		 rc = -1;

	memset(ms, 0, sizeof(*ms));
	if (detection_list_dir(dir, &files, &nfiles, errstr) == -1)
		return -1;
	for (k = 0; k < nfiles; k++) {
		if ((m = detection_macro_load(files[k], errstr)) == NULL)
			goto out;
		if ((old = detection_macro_find(ms, m->key)) != NULL) {
			xasprintf(errstr, "%s: macro '%s' is also defined "
			    "in %s", files[k], m->key, old->file);
			detection_macro_free(m);
			goto out;
		}
		ms->m = xreallocarray(ms->m, ms->n + 1, sizeof(*ms->m));
		ms->m[ms->n++] = m;
	}
	rc = 0;
out:
	detection_strv_free(files, nfiles);
	if (rc == -1)
		detection_macros_clear(ms);
	return rc;
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
	detection_strv_free(d->mitre, d->nmitre);
	detection_strv_free(d->stories, d->nstories);
	free(d->risk_message);
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
detection_same(const struct detection *a, const struct detection *b)
{
	return detection_str_eq(a->id, b->id) && a->version == b->version &&
	    detection_str_eq(a->search_text, b->search_text) &&
	    a->fingerprint == b->fingerprint;
}

/*
 * Turns an SPL error into "FILE:LINE:COL: reason": the detection file
 * when it is in the search, the macro file when it is in a macro.
 */
static void
detection_spl_error(const struct detection *d, const struct detection_yaml *y,
    const yaml_node_t *search, const struct detection_macros *ms,
    const struct spl_error *err, char **errstr)
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
	sc.buf = y->buf;
	sc.len = y->len;
	sc.index = search->start_mark.index;
	sc.style = search->data.scalar.style;
	sc.value = detection_scalar(search);
	detection_scalar_pos(&sc, err->line, err->column, &line, &col);
	xasprintf(errstr, "%s:%zu:%zu: %s", d->file, line, col, err->msg);
}

/* Reads the risk fields: tags.risk_score, else the top rba score. */
static int
detection_load_risk(struct detection *d, struct detection_yaml *y,
    yaml_node_t *tags, yaml_node_t *rba, char **errstr)
{
	yaml_node_t	*objs, *o;
	yaml_node_item_t *i;
	int		 score, conf = 0, impact = 0, rc;

	if (detection_get_str(y, tags, "message", &d->risk_message, NULL,
	    errstr) == -1)
		return -1;
	if (d->risk_message == NULL && detection_get_str(y, rba, "message",
	    &d->risk_message, NULL, errstr) == -1)
		return -1;
	if ((rc = detection_get_int(y, tags, "risk_score", &d->risk_score,
	    errstr)) != 0)
		return rc == -1 ? -1 : 0;
	objs = detection_yaml_get(&y->doc, rba, "risk_objects");
	if (objs != NULL && objs->type == YAML_SEQUENCE_NODE) {
		for (i = objs->data.sequence.items.start;
		    i < objs->data.sequence.items.top; i++) {
			o = yaml_document_get_node(&y->doc, *i);
			if ((rc = detection_get_int(y, o, "score", &score,
			    errstr)) == -1)
				return -1;
			if (rc == 1 && score > d->risk_score)
				d->risk_score = score;
		}
		return 0;
	}
	/* Old files without risk_score: Splunk's confidence x impact. */
	if (detection_get_int(y, tags, "confidence", &conf, errstr) == -1 ||
	    detection_get_int(y, tags, "impact", &impact, errstr) == -1)
		return -1;
	d->risk_score = conf * impact / 100;
	return 0;
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

static struct detection *
detection_load(const char *path, const struct detection_macros *ms,
    char **errstr)
{
	struct detection_yaml y;
	struct detection *d;
	struct spl_error err;
	yaml_node_t	*root, *tags, *rba, *search = NULL;
	const char	*missing = NULL;

	d = xcalloc(1, sizeof(*d));
	d->file = xstrdup(path);
	if ((root = detection_yaml_load(&y, path, errstr)) == NULL)
		goto fail;
	tags = detection_yaml_get(&y.doc, root, "tags");
	rba = detection_yaml_get(&y.doc, root, "rba");
	if (detection_get_str(&y, root, "name", &d->name, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, root, "id", &d->id, NULL, errstr) == -1 ||
	    detection_get_str(&y, root, "description", &d->description, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, root, "known_false_positives",
	    &d->known_false_positives, NULL, errstr) == -1 ||
	    detection_get_str(&y, root, "search", &d->search_text, &search,
	    errstr) == -1 ||
	    detection_get_int(&y, root, "version", &d->version,
	    errstr) == -1 ||
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
	d->search = spl_compile(d->search_text, detection_macro_lookup,
	    (void *)ms, &err);
	if (d->search == NULL) {
		detection_spl_error(d, &y, search, ms, &err, errstr);
		goto fail;
	}
	d->fingerprint = detection_fingerprint(d);
	detection_yaml_clear(&y);
	return d;
fail:
	detection_yaml_clear(&y);
	detection_free(d);
	return NULL;
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
	free(set);
}

void
detection_set_use_cim(struct detection_set *set, struct cim_map *m)
{
	uint64_t			 need[EVENT_MAX_FIELDS / 64];
	const struct spl_search		*s;
	size_t				 k, i;

	memset(need, 0, sizeof(need));
	for (k = 0; k < set->n; k++) {
		s = set->d[k]->search;
		for (i = 0; i < s->nfields; i++)
			need[(unsigned)s->fields[i] >> 6] |=
			    (uint64_t)1 << (s->fields[i] & 63);
	}
	if (m != NULL)
		cim_map_prepare(m, need);
	cim_map_free(set->cim);
	set->cim = m;
}

static int
detection_cmp(const void *a, const void *b)
{
	const struct detection *da = *(struct detection *const *)a;
	const struct detection *db = *(struct detection *const *)b;

	return strcmp(da->name, db->name);
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
	log_debug("%s: detection set %p: %d references left", caller,
	    (void *)set, set->refcnt - 1);
	if (--set->refcnt > 0)
		return;
	detection_set_free(set);
}
