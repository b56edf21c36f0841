/*
 * CSV lookups for SPL's lookup command: lookup definitions (the YAML
 * files of security_content's lookups/ directory, Splunk's
 * transforms.conf stanzas: filename, match_type, case_sensitive_match,
 * min_matches, max_matches, default_match) with the CSV files beside
 * them.  A lookup set loads a table the first time a search names it
 * (load time only, single-threaded) and indexes it: a hash of the exact
 * values of each column, and per WILDCARD column the rows whose value
 * holds a '*' with an automaton of their patterns (lookup_index.h) that
 * names the few rows a value may match.  Once loaded, tables are
 * immutable and matched from any thread.  The set belongs to the
 * detection set whose searches point into it; a reload (SIGHUP) builds a
 * new set, so the files are read again.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LOOKUP_H
#define HECSENTRY_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#define LOOKUP_FILE_MAX		(16 * 1024 * 1024) /* largest CSV read */
#define LOOKUP_MATCHES_MAX	1000	/* Splunk's max_matches range */

struct lookup_set;			/* the tables of one library */
struct lookup_table;			/* one definition and its rows */

/*
 * A set over the definitions in dir (NULL: none, so every name is
 * missing).  Reads nothing yet.  Caller frees with lookup_set_free(),
 * which frees the tables it loaded; NULL does nothing.
 */
struct lookup_set *lookup_set_new(const char *dir);
void		 lookup_set_free(struct lookup_set *ls);

/*
 * The table of the definition name (NAME.yml in the directory, or a
 * definition whose name: is NAME), loaded and indexed on first use.
 * Returns it (owned by the set), or NULL with the reason in why[whylen]:
 * no definition, a KV store collection or another kind we do not read,
 * a missing, unreadable or oversized CSV, a bad match_type.  A failure
 * is remembered, so each name is read once.  Load time only.
 */
const struct lookup_table *lookup_set_get(struct lookup_set *ls,
		    const char *name, char *why, size_t whylen);

/* Tables loaded so far (for the log and tests). */
size_t		 lookup_set_count(const struct lookup_set *ls);

/* The column named name (case-sensitive, as Splunk's), or -1. */
int		 lookup_table_column(const struct lookup_table *t,
		    const char *name);
size_t		 lookup_table_ncolumns(const struct lookup_table *t);
const char	*lookup_table_column_name(const struct lookup_table *t,
		    size_t col);
size_t		 lookup_table_nrows(const struct lookup_table *t);

/* The definition's matching rules, with Splunk's defaults. */
size_t		 lookup_table_min_matches(const struct lookup_table *t);
size_t		 lookup_table_max_matches(const struct lookup_table *t);
const char	*lookup_table_default_match(const struct lookup_table *t);

/*
 * An input of a match: a table column and the values it must match
 * (one, or several for a multivalue field: any of them will do).
 */
struct lookup_key {
	int		 col;
	const char	*const *v;	/* borrowed */
	const size_t	*len;
	size_t		 nv;
};

/*
 * The rows that match every key (a WILDCARD column's '*' stands for any
 * bytes; case-insensitive for ASCII letters when the definition says
 * case_sensitive_match false), in file order, at most max of them, into
 * rows[].  Returns how many.  Allocates nothing; thread-safe.
 */
size_t		 lookup_table_match(const struct lookup_table *t,
		    const struct lookup_key *keys, size_t nkeys,
		    size_t *rows, size_t max);

/*
 * The same rows by testing every row of the table on every key: the
 * reference that tests compare lookup_table_match() with.
 */
size_t		 lookup_table_match_scan(const struct lookup_table *t,
		    const struct lookup_key *keys, size_t nkeys,
		    size_t *rows, size_t max);

/* A cell: its bytes (len 0: empty) of row, col. */
const char	*lookup_table_cell(const struct lookup_table *t, size_t row,
		    size_t col, size_t *len);

#endif /* HECSENTRY_LOOKUP_H */
