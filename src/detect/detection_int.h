/*
 * Internals shared by detection.c and detection_yaml.c: a YAML file in
 * memory and the helpers that read its keys and map positions.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DETECTION_INT_H
#define HECSENTRY_DETECTION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

#define DETECTION_FILE_MAX	(1024 * 1024)	/* largest YAML file read */

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

/*
 * Reads f to its end into a new buffer (caller frees) of *len bytes and a
 * NUL, allocating about the file's size.  NULL with errno set on a read
 * error, or EFBIG when f holds more than max bytes.
 */
char		*detection_read_all(FILE *f, size_t max, size_t *len);
/*
 * Reads and parses the YAML file path: its root mapping, or NULL with
 * *errstr set.  The caller clears y with detection_yaml_clear().
 */
yaml_node_t	*detection_yaml_load(struct detection_yaml *y,
		    const char *path, char **errstr);
void		 detection_yaml_clear(struct detection_yaml *y);
/* The value node of key in mapping m, or NULL. */
yaml_node_t	*detection_yaml_get(yaml_document_t *doc, yaml_node_t *m,
		    const char *key);
const char	*detection_scalar(const yaml_node_t *n);
/*
 * Typed values of key in mapping m.  Each returns -1 with *errstr set on
 * a value of the wrong type; detection_get_int() returns 1 when found,
 * 0 absent (frac: a fraction is allowed and truncated); the others 0.
 * Strings and lists are copies.
 */
int		 detection_get_str(struct detection_yaml *y, yaml_node_t *m,
		    const char *key, char **out, yaml_node_t **node,
		    char **errstr);
int		 detection_get_int(struct detection_yaml *y, yaml_node_t *m,
		    const char *key, bool frac, int *out, char **errstr);
int		 detection_get_list(struct detection_yaml *y, yaml_node_t *m,
		    const char *key, char ***out, size_t *n, char **errstr);
void		 detection_strv_free(char **v, size_t n);
/* Maps (line, col) in sc's value to its file's line and column. */
void		 detection_scalar_pos(const struct detection_scalar *sc,
		    int line, int col, size_t *fline, size_t *fcol);
/* strcmp() on two char * for qsort(). */
int		 detection_name_cmp(const void *a, const void *b);
/* The *.yml and *.yaml regular files directly in dir, sorted. */
int		 detection_list_dir(const char *dir, char ***out, size_t *n,
		    char **errstr);

/*
 * Reads d's risk metadata (detection_risk.c): the message, the score,
 * the risk and threat objects and the kill chain phases, from rba or
 * from tags.  Returns 0, or -1 with *errstr set.
 */
struct detection;
int		 detection_load_risk(struct detection *d,
		    struct detection_yaml *y, yaml_node_t *tags,
		    yaml_node_t *rba, char **errstr);
/* Frees what detection_load_risk() set. */
void		 detection_risk_free(struct detection *d);

#endif /* HECSENTRY_DETECTION_INT_H */
