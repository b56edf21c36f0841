/*
 * The YAML side of detection loading: reads a file into memory, parses it
 * with libyaml's document API, gets typed values of keys, lists a
 * directory's YAML files and maps a position in a scalar's value back to
 * its line and column in the file.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "detect/detection_int.h"
#include "log.h"
#include "xmalloc.h"

char *
detection_read_all(FILE *f, size_t max, size_t *len)
{
	struct stat	 st;
	char		*buf;
	size_t		 cap = 4096, n = 0;

	/* The file's size, so that nothing larger is allocated. */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 0)
		cap = (uintmax_t)st.st_size < max ? (size_t)st.st_size : max;
	buf = xmalloc(cap + 2);
	for (;;) {
		n += fread(buf + n, 1, cap + 1 - n, f);
		if (n <= cap)
			break;
		if (cap == max) {
			free(buf);
			errno = EFBIG;
			return NULL;
		}
		cap = cap > max / 2 ? max : cap * 2;
		buf = xreallocarray(buf, cap + 2, 1);
	}
	if (ferror(f)) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Reads path into y->buf.  Returns 0, or -1 with *errstr set. */
static int
detection_read(struct detection_yaml *y, const char *path, char **errstr)
{
	FILE		*f;

	memset(y, 0, sizeof(*y));
	y->path = path;
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((y->buf = detection_read_all(f, DETECTION_FILE_MAX,
	    &y->len)) == NULL) {
		if (errno == EFBIG)
			xasprintf(errstr, "%s: larger than %d bytes", path,
			    DETECTION_FILE_MAX);
		else
			xasprintf(errstr, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/*
 * Reads and parses the YAML file path.  Returns its root mapping, or NULL
 * with *errstr set.  The caller clears y with detection_yaml_clear().
 */
yaml_node_t *
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

void
detection_yaml_clear(struct detection_yaml *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	free(y->buf);
	memset(y, 0, sizeof(*y));
}

/* Returns the value node of key in mapping m, or NULL. */
yaml_node_t *
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

const char *
detection_scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/*
 * Gets the string value of key in m into *out (a copy the caller frees;
 * unchanged when the key is absent or null).  Returns 0, or -1 with
 * *errstr set when the value is not a scalar.
 */
int
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

/*
 * Gets an integer value; with frac, a number with a fraction too (56.0,
 * as security_content's later files write risk scores), truncated toward
 * zero as Splunk's and Python's int() do.  Returns 1 when found, 0
 * absent, -1 on error.
 */
int
detection_get_int(struct detection_yaml *y, yaml_node_t *m, const char *key,
    bool frac, int *out, char **errstr)
{
	yaml_node_t	*n;
	const char	*s;
	char		*end;
	double		 v;

	if ((n = detection_yaml_get(&y->doc, m, key)) == NULL)
		return 0;
	s = n->type == YAML_SCALAR_NODE ? detection_scalar(n) : "";
	errno = 0;
	v = frac ? strtod(s, &end) : (double)strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 ||
	    !(v > INT_MIN - 1.0 && v < INT_MAX + 1.0)) {
		xasprintf(errstr, "%s:%zu:%zu: '%s' must be %s",
		    y->path, n->start_mark.line + 1, n->start_mark.column + 1,
		    key, frac ? "a number" : "an integer");
		return -1;
	}
	*out = (int)v;
	return 1;
}

/*
 * Gets a list of strings (a sequence of scalars, or one scalar) into
 * *out and *n.  Returns 0, or -1 with *errstr set.
 */
int
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

void
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
void
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

int
detection_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Lists the *.yml and *.yaml regular files directly in dir, sorted.
 * Returns 0 with *out (paths; caller frees) or -1 with *errstr set.
 */
int
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

