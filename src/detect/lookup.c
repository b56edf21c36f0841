/*
 * CSV lookups (lookup.h): a lookup definition's YAML read with
 * detection_yaml.c, its CSV file parsed (RFC 4180: quoted cells with ""
 * for a quote, LF or CRLF rows, the first row naming the columns) into
 * one buffer of cells, and an index per column: a hash (ht.c) from each
 * exact value, case-folded when matching ignores case, to its rows in
 * file order, plus for a WILDCARD column the rows whose value holds a
 * '*' and the index of their patterns (lookup_index.c), which names the
 * few a value may match.  Matching merges the candidates of the first
 * key in file order and checks every key on each;
 * lookup_table_match_scan() checks every row instead, the reference the
 * tests compare the index with.  Files are read only at load time.
 *
 * Splunk's rules (Knowledge Manager Manual, "Add field matching rules to
 * your lookup configuration", and transforms.conf.spec):
 * case_sensitive_match defaults to true; max_matches to 100 (1 to 1000)
 * in file order; min_matches to 0; default_match fills the outputs up to
 * min_matches when fewer rows match.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "detect/detection_int.h"
#include "detect/ht.h"
#include "detect/lookup.h"
#include "detect/lookup_index.h"
#include "detect/spl_value.h"
#include "log.h"
#include "xmalloc.h"

#define LOOKUP_MAX_MATCHES_DEFAULT	100	/* transforms.conf default */
#define LOOKUP_FOLD_BUF		256	/* a folded key on the stack */

/* The rows of one exact value of a column, ascending. */
struct lookup_rows {
	size_t		 n;
	size_t		 cap;
	size_t		*row;
};

/* A key of a column's hash: bytes (folded when the table ignores case). */
struct lookup_hkey {
	const char	*p;
	size_t		 len;
};

struct lookup_col {
	char		*name;
	bool		 wild;		/* WILDCARD(name) in match_type */
	struct ht	*exact;		/* lookup_hkey -> lookup_rows */
	size_t		 exmax;		/* its longest key */
	size_t		*wrows;		/* rows with a '*' (wild only) */
	size_t		 nwrows;
	struct lookup_index *ix;	/* of the wrows' patterns, or NULL */
};

struct lookup_cell {
	size_t		 off;		/* in the table's buffer */
	size_t		 len;
};

struct lookup_table {
	char		*name;
	bool		 fold;		/* case_sensitive_match false */
	size_t		 min_matches;
	size_t		 max_matches;
	char		*default_match;	/* or NULL */
	size_t		 ncols;
	struct lookup_col *cols;
	size_t		 nrows;
	struct lookup_cell *cells;	/* nrows * ncols */
	char		*buf;		/* the cells' bytes */
	char		*fbuf;		/* folded copies of exact keys */
	size_t		 ixbytes;	/* of the indexes of its columns */
	uint64_t	 seed[2];	/* of the hashes */
};

/* A name asked for: its table, or why there is none. */
struct lookup_ent {
	char		*name;
	struct lookup_table *t;		/* NULL: why says why */
	char		*why;
};

struct lookup_set {
	char		*dir;		/* NULL: no definitions */
	size_t		 n;
	struct lookup_ent *e;
};

static const unsigned char *lookup_fold_tab(void);

/* ASCII lowercase of [s, s + len) into out. */
static void
lookup_fold(char *out, const char *s, size_t len)
{
	const unsigned char *lc = lookup_fold_tab();
	size_t		 k;

	for (k = 0; k < len; k++)
		out[k] = (char)lc[(unsigned char)s[k]];
}

static const unsigned char *
lookup_fold_tab(void)
{
	static unsigned char	 lc[256];
	static int		 done;
	int			 c;

	if (!done) {
		for (c = 0; c < 256; c++)
			lc[c] = (unsigned char)(c >= 'A' && c <= 'Z' ?
			    c - 'A' + 'a' : c);
		done = 1;
	}
	return lc;
}

/* The hash table's type over struct lookup_hkey, seeded per table. */
static uint64_t
lookup_hkey_hash(const void *key, void *arg)
{
	const struct lookup_hkey *k = key;

	return ht_siphash(arg, k->p, k->len);
}

static bool
lookup_hkey_equal(const void *a, const void *b, void *arg)
{
	const struct lookup_hkey *x = a, *y = b;

	(void)arg;
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

static void
lookup_rows_free(void *v)
{
	struct lookup_rows *r = v;

	free(r->row);
	free(r);
}

static const struct ht_type lookup_ht_type = {
	lookup_hkey_hash, lookup_hkey_equal, free, lookup_rows_free
};

/* Whether [s, s + len) matches the pattern p ('*' any bytes). */
static bool
lookup_glob(const char *p, size_t plen, const char *s, size_t len,
    bool fold)
{
	const unsigned char *lc = lookup_fold_tab();
	size_t		 i = 0, j = 0, star = SIZE_MAX, mark = 0;

	while (j < len) {
		if (i < plen && p[i] == '*') {
			star = i++;
			mark = j;
		} else if (i < plen && (p[i] == s[j] || (fold &&
		    lc[(unsigned char)p[i]] == lc[(unsigned char)s[j]]))) {
			i++;
			j++;
		} else if (star != SIZE_MAX) {
			i = star + 1;
			j = ++mark;
		} else
			return false;
	}
	while (i < plen && p[i] == '*')
		i++;
	return i == plen;
}

/* CSV. */

/*
 * Parses the CSV in t->buf[len] in place: cells are unquoted into the
 * same buffer (they only shrink).  The first row names the columns.
 * Returns 0, or -1 with why.
 */
static int
lookup_csv_parse(struct lookup_table *t, size_t len, char *why,
    size_t whylen)
{
	char		*b = t->buf, *out, *e;
	size_t		 i = 0, col = 0, ncells = 0, cap = 0, start;
	bool		 header = true, q;

	if (len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		i = 3;			/* a UTF-8 byte order mark */
	while (i < len) {
		out = b + i;
		start = i;
		q = b[i] == '"';
		if (q) {
			for (i++; i < len; i++) {
				if (b[i] == '"' && i + 1 < len &&
				    b[i + 1] == '"')
					*out++ = b[i++];
				else if (b[i] == '"')
					break;
				else
					*out++ = b[i];
			}
			if (i >= len) {
				snprintf(why, whylen, "unterminated quote "
				    "in its CSV");
				return -1;
			}
			i++;
		} else
			while (i < len && b[i] != ',' && b[i] != '\n' &&
			    b[i] != '\r')
				*out++ = b[i++];
		if (header) {
			/*
			 * Blanks around a column name go: security_content's
			 * ransomware_notes CSV has "ransomware_notes, status"
			 * and its macro reads "status".
			 */
			for (e = b + start; e < out && (*e == ' ' ||
			    *e == '\t'); e++)
				;
			for (; out > e && (out[-1] == ' ' || out[-1] == '\t');
			    out--)
				;
			t->cols = xreallocarray(t->cols, t->ncols + 1,
			    sizeof(*t->cols));
			memset(&t->cols[t->ncols], 0, sizeof(*t->cols));
			t->cols[t->ncols++].name = xstrndup(e,
			    (size_t)(out - e));
		} else if (col < t->ncols) {
			if (ncells == cap) {
				cap = cap == 0 ? 1024 : cap * 2;
				t->cells = xreallocarray(t->cells, cap,
				    sizeof(*t->cells));
			}
			t->cells[ncells].off = start;
			t->cells[ncells++].len = (size_t)(out - b - start);
		}
		col++;
		if (i < len && b[i] == ',') {
			i++;
			continue;
		}
		if (i < len && b[i] == '\r')
			i++;
		if (i < len && b[i] == '\n')
			i++;
		/* End of a row: pad a short one with empty cells. */
		if (!header) {
			for (; col < t->ncols; col++) {
				if (ncells == cap) {
					cap *= 2;
					t->cells = xreallocarray(t->cells, cap,
					    sizeof(*t->cells));
				}
				t->cells[ncells].off = 0;
				t->cells[ncells++].len = 0;
			}
			t->nrows++;
		}
		header = false;
		col = 0;
	}
	if (t->ncols == 0) {
		snprintf(why, whylen, "its CSV has no header");
		return -1;
	}
	return 0;
}

/*
 * The pattern index of column c, within what is left of the table's
 * budget (as many bytes as the largest CSV read): past it, the column's
 * patterns are tested one by one, as without an index.
 */
static void
lookup_col_index(struct lookup_table *t, struct lookup_col *c, size_t col)
{
	const char	**pat;
	size_t		*len, k;

	if (c->nwrows == 0 || t->ixbytes >= LOOKUP_FILE_MAX)
		return;
	pat = xreallocarray(NULL, c->nwrows, sizeof(*pat));
	len = xreallocarray(NULL, c->nwrows, sizeof(*len));
	for (k = 0; k < c->nwrows; k++)
		pat[k] = lookup_table_cell(t, c->wrows[k], col, &len[k]);
	c->ix = lookup_index_new(pat, len, c->nwrows, t->fold,
	    LOOKUP_FILE_MAX - t->ixbytes);
	t->ixbytes += lookup_index_bytes(c->ix);
	free(pat);
	free(len);
}

/* Indexes every column (load time). */
static void
lookup_build_index(struct lookup_table *t)
{
	struct lookup_col *c;
	struct lookup_rows *r;
	struct lookup_hkey *k, find;
	const struct lookup_cell *cell;
	size_t		 row, col, foff = 0, total = 0;
	void		*v;

	for (row = 0; row < t->nrows * t->ncols; row++)
		total += t->cells[row].len;
	t->fbuf = xmalloc(total + 1);
	for (col = 0; col < t->ncols; col++) {
		c = &t->cols[col];
		c->exact = ht_new(&lookup_ht_type, t->seed);
		for (row = 0; row < t->nrows; row++) {
			cell = &t->cells[row * t->ncols + col];
			if (cell->len == 0)
				continue;
			if (c->wild && memchr(t->buf + cell->off, '*',
			    cell->len) != NULL) {
				c->wrows = xreallocarray(c->wrows,
				    c->nwrows + 1, sizeof(*c->wrows));
				c->wrows[c->nwrows++] = row;
				continue;
			}
			find.p = t->buf + cell->off;
			find.len = cell->len;
			if (find.len > c->exmax)
				c->exmax = find.len;
			if (t->fold) {
				lookup_fold(t->fbuf + foff, find.p, find.len);
				find.p = t->fbuf + foff;
				foff += find.len;
			}
			if (!ht_find(c->exact, &find, &v)) {
				k = xmalloc(sizeof(*k));
				*k = find;
				r = xcalloc(1, sizeof(*r));
				if (ht_insert(c->exact, k, r) == -1)
					fatalx("lookup: ht_insert");
				v = r;
			}
			r = v;
			if (r->n == r->cap) {
				r->cap = r->cap == 0 ? 2 : r->cap * 2;
				r->row = xreallocarray(r->row, r->cap,
				    sizeof(*r->row));
			}
			r->row[r->n++] = row;
		}
		lookup_col_index(t, c, col);
	}
}

/* Definitions. */

/*
 * Parses match_type: "WILDCARD(f), WILDCARD(g)" (CIDR is refused; a
 * column the CSV lacks is ignored).
 */
static int
lookup_match_type(struct lookup_table *t, const char *mt, char *why,
    size_t whylen)
{
	const char	*p = mt, *open, *close;
	char		 name[256];
	size_t		 k, len;
	bool		 found;

	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		open = strchr(p, '(');
		close = open != NULL ? strchr(open, ')') : NULL;
		if (close == NULL || (size_t)(close - open - 1) >=
		    sizeof(name)) {
			snprintf(why, whylen, "bad match_type '%s'", mt);
			return -1;
		}
		if (strncmp(p, "WILDCARD(", 9) != 0) {
			snprintf(why, whylen, "match_type '%.*s' is not "
			    "supported", (int)(open - p), p);
			return -1;
		}
		len = (size_t)(close - open - 1);
		memcpy(name, open + 1, len);
		name[len] = '\0';
		for (k = 0, found = false; k < t->ncols; k++)
			if (strcmp(t->cols[k].name, name) == 0) {
				t->cols[k].wild = true;
				found = true;
			}
		/*
		 * security_content's char_conversion_matrix names a column
		 * its CSV lacks; Splunk loads it, so do we.
		 */
		if (!found)
			log_debug("lookup %s: match_type names '%s', which "
			    "its CSV does not have", t->name, name);
		p = close + 1;
	}
	return 0;
}

static void
lookup_table_free(struct lookup_table *t)
{
	size_t	 k;

	if (t == NULL)
		return;
	for (k = 0; k < t->ncols; k++) {
		free(t->cols[k].name);
		ht_free(t->cols[k].exact);
		free(t->cols[k].wrows);
		lookup_index_free(t->cols[k].ix);
	}
	free(t->cols);
	free(t->cells);
	free(t->buf);
	free(t->fbuf);
	free(t->name);
	free(t->default_match);
	free(t);
}

/* Reads the CSV at path into t->buf.  0, or -1 with why. */
static int
lookup_csv_read(struct lookup_table *t, const char *path, const char *file,
    size_t *len, char *why, size_t whylen)
{
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "file %s: %s", file, strerror(errno));
		return -1;
	}
	if ((t->buf = detection_read_all(f, LOOKUP_FILE_MAX, len)) == NULL) {
		snprintf(why, whylen, "file %s: %s", file, errno == EFBIG ?
		    "larger than " "16 MiB" : strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Loads the definition dir/name.yml and its CSV.  NULL with why. */
static struct lookup_table *
lookup_load(const char *dir, const char *name, char *why, size_t whylen)
{
	struct detection_yaml y;
	struct lookup_table *t;
	yaml_node_t	*root;
	char		*path = NULL, *err = NULL, *file = NULL, *mt = NULL;
	char		*coll = NULL, *cs = NULL;
	int		 minm = 0, maxm = LOOKUP_MAX_MATCHES_DEFAULT;
	size_t		 len;

	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	if (getrandom(t->seed, sizeof(t->seed), 0) != sizeof(t->seed))
		fatal("lookup: getrandom");
	memset(&y, 0, sizeof(y));
	if (dir == NULL || strchr(name, '/') != NULL) {
		snprintf(why, whylen, "no lookup definition %s.yml", name);
		goto fail;
	}
	xasprintf(&path, "%s/%s.yml", dir, name);
	if ((root = detection_yaml_load(&y, path, &err)) == NULL) {
		if (y.buf == NULL)
			snprintf(why, whylen, "no lookup definition %s.yml "
			    "in %s", name, dir);
		else
			snprintf(why, whylen, "%s", err);
		goto fail;
	}
	if (detection_get_str(&y, root, "filename", &file, NULL, &err) ||
	    detection_get_str(&y, root, "collection", &coll, NULL, &err) ||
	    detection_get_str(&y, root, "match_type", &mt, NULL, &err) ||
	    detection_get_str(&y, root, "case_sensitive_match", &cs, NULL,
	    &err) || detection_get_str(&y, root, "default_match",
	    &t->default_match, NULL, &err) ||
	    detection_get_int(&y, root, "min_matches", false, &minm,
	    &err) == -1 || detection_get_int(&y, root, "max_matches", false,
	    &maxm, &err) == -1) {
		snprintf(why, whylen, "%s", err);
		goto fail;
	}
	if (file == NULL) {
		snprintf(why, whylen, "%s: %s, not a CSV lookup", path,
		    coll != NULL ? "a KV store collection" : "no filename");
		goto fail;
	}
	if (strchr(file, '/') != NULL || strlen(file) < 5 ||
	    strcasecmp(file + strlen(file) - 4, ".csv") != 0) {
		snprintf(why, whylen, "%s: filename %s is not a CSV file "
		    "beside it", path, file);
		goto fail;
	}
	if (minm < 0 || maxm < 1 || maxm > LOOKUP_MATCHES_MAX ||
	    minm > maxm) {
		snprintf(why, whylen, "%s: min_matches %d or max_matches %d "
		    "out of range (max_matches 1 to %d)", path, minm, maxm,
		    LOOKUP_MATCHES_MAX);
		goto fail;
	}
	t->min_matches = (size_t)minm;
	t->max_matches = (size_t)maxm;
	t->fold = cs != NULL && spl_parse_bool(cs) == 0;
	free(path);
	xasprintf(&path, "%s/%s", dir, file);
	if (lookup_csv_read(t, path, file, &len, why, whylen) == -1 ||
	    lookup_csv_parse(t, len, why, whylen) == -1 ||
	    (mt != NULL && lookup_match_type(t, mt, why, whylen) == -1))
		goto fail;
	lookup_build_index(t);
	goto out;
fail:
	lookup_table_free(t);
	t = NULL;
out:
	detection_yaml_clear(&y);
	free(path);
	free(err);
	free(file);
	free(coll);
	free(mt);
	free(cs);
	return t;
}

/* The set. */

struct lookup_set *
lookup_set_new(const char *dir)
{
	struct lookup_set *ls;

	ls = xcalloc(1, sizeof(*ls));
	ls->dir = dir != NULL ? xstrdup(dir) : NULL;
	return ls;
}

void
lookup_set_free(struct lookup_set *ls)
{
	size_t	 k;

	if (ls == NULL)
		return;
	for (k = 0; k < ls->n; k++) {
		free(ls->e[k].name);
		free(ls->e[k].why);
		lookup_table_free(ls->e[k].t);
	}
	free(ls->e);
	free(ls->dir);
	free(ls);
}

const struct lookup_table *
lookup_set_get(struct lookup_set *ls, const char *name, char *why,
    size_t whylen)
{
	struct lookup_ent *e;
	char		 buf[512] = "";
	size_t		 k;

	for (k = 0; k < ls->n; k++)
		if (strcmp(ls->e[k].name, name) == 0)
			break;
	if (k == ls->n) {
		ls->e = xreallocarray(ls->e, ls->n + 1, sizeof(*ls->e));
		e = &ls->e[ls->n++];
		e->name = xstrdup(name);
		e->t = lookup_load(ls->dir, name, buf, sizeof(buf));
		e->why = e->t == NULL ? xstrdup(buf) : NULL;
		if (e->t != NULL)
			log_debug("lookup %s: %zu rows, %zu columns, "
			    "index %zu bytes", name, e->t->nrows, e->t->ncols,
			    e->t->ixbytes);
	}
	e = &ls->e[k];
	if (e->t == NULL)
		snprintf(why, whylen, "%s", e->why);
	return e->t;
}

size_t
lookup_set_count(const struct lookup_set *ls)
{
	size_t	 k, n = 0;

	for (k = 0; k < ls->n; k++)
		n += ls->e[k].t != NULL;
	return n;
}

/* Tables. */

int
lookup_table_column(const struct lookup_table *t, const char *name)
{
	size_t	 k;

	for (k = 0; k < t->ncols; k++)
		if (strcmp(t->cols[k].name, name) == 0)
			return (int)k;
	return -1;
}

size_t
lookup_table_ncolumns(const struct lookup_table *t)
{
	return t->ncols;
}

const char *
lookup_table_column_name(const struct lookup_table *t, size_t col)
{
	return col < t->ncols ? t->cols[col].name : NULL;
}

size_t
lookup_table_nrows(const struct lookup_table *t)
{
	return t->nrows;
}

size_t
lookup_table_min_matches(const struct lookup_table *t)
{
	return t->min_matches;
}

size_t
lookup_table_max_matches(const struct lookup_table *t)
{
	return t->max_matches;
}

const char *
lookup_table_default_match(const struct lookup_table *t)
{
	return t->default_match;
}

const char *
lookup_table_cell(const struct lookup_table *t, size_t row, size_t col,
    size_t *len)
{
	const struct lookup_cell *c = &t->cells[row * t->ncols + col];

	*len = c->len;
	return t->buf + c->off;
}

/* Whether the cell (row, col) matches one of the key's values. */
static bool
lookup_key_match(const struct lookup_table *t, const struct lookup_key *k,
    size_t row)
{
	const struct lookup_col *c = &t->cols[k->col];
	const unsigned char *lc = lookup_fold_tab();
	const char	*cell;
	size_t		 len, j, i;

	cell = lookup_table_cell(t, row, (size_t)k->col, &len);
	if (len == 0)
		return false;
	for (j = 0; j < k->nv; j++) {
		if (c->wild && memchr(cell, '*', len) != NULL) {
			if (lookup_glob(cell, len, k->v[j], k->len[j],
			    t->fold))
				return true;
			continue;
		}
		if (k->len[j] != len)
			continue;
		if (!t->fold) {
			if (memcmp(cell, k->v[j], len) == 0)
				return true;
			continue;
		}
		for (i = 0; i < len && lc[(unsigned char)cell[i]] ==
		    lc[(unsigned char)k->v[j][i]]; i++)
			;
		if (i == len)
			return true;
	}
	return false;
}

/* The exact rows of value v in column c, or NULL. */
static const struct lookup_rows *
lookup_exact(const struct lookup_table *t, const struct lookup_col *c,
    const char *v, size_t len)
{
	struct lookup_hkey key;
	char		 sbuf[LOOKUP_FOLD_BUF], *f = NULL;
	void		*r = NULL;

	if (len > c->exmax)
		return NULL;		/* longer than any key: no hash */
	key.p = v;
	key.len = len;
	if (t->fold) {
		f = len <= sizeof(sbuf) ? sbuf : xmalloc(len);
		lookup_fold(f, v, len);
		key.p = f;
	}
	if (!ht_find(c->exact, &key, &r))
		r = NULL;
	if (f != sbuf)
		free(f);
	return r;
}

/* Whether row matches keys[from, nkeys). */
static bool
lookup_row_match(const struct lookup_table *t, const struct lookup_key *keys,
    size_t nkeys, size_t from, size_t row)
{
	size_t	 k;

	for (k = from; k < nkeys; k++)
		if (!lookup_key_match(t, &keys[k], row))
			return false;
	return true;
}

size_t
lookup_table_match_scan(const struct lookup_table *t,
    const struct lookup_key *keys, size_t nkeys, size_t *rows, size_t max)
{
	size_t	 n = 0, row;

	if (nkeys == 0)
		return 0;
	for (row = 0; row < t->nrows && n < max; row++)
		if (lookup_row_match(t, keys, nkeys, 0, row))
			rows[n++] = row;
	return n;
}

/*
 * The next pattern of cand[nw] from bit *at on (SIZE_MAX: none), and
 * whether it matches the first key for certain.
 */
static size_t
lookup_cand_next(const uint64_t *cand, const uint64_t *sure, size_t nw,
    size_t *at, bool *certain)
{
	uint64_t	 bits;
	size_t		 w = *at / 64, p;

	if (w >= nw)
		return SIZE_MAX;
	bits = cand[w] & (~(uint64_t)0 << (*at % 64));
	while (bits == 0) {
		if (++w == nw) {
			*at = nw * 64;
			return SIZE_MAX;
		}
		bits = cand[w];
	}
	p = w * 64 + (size_t)__builtin_ctzll(bits);
	*certain = (sure[w] >> (p % 64)) & 1;
	*at = p + 1;
	return p;
}

/*
 * The first key's exact rows ex merged in file order with the wildcard
 * rows its pattern index names, every key checked on each (the first
 * one not, where the index is sure of it).
 */
static size_t
lookup_match_indexed(const struct lookup_table *t,
    const struct lookup_col *c, const struct lookup_key *keys, size_t nkeys,
    const struct lookup_rows *ex, size_t *rows, size_t max)
{
	uint64_t	 cand[LOOKUP_INDEX_WORDS], sure[LOOKUP_INDEX_WORDS];
	size_t		 n = 0, i = 0, at = 0, nw, p, row;
	bool		 certain = false, wcert = false;

	nw = lookup_index_scan(c->ix, keys[0].v[0], keys[0].len[0], cand,
	    sure);
	p = lookup_cand_next(cand, sure, nw, &at, &wcert);
	while (n < max) {
		if (ex != NULL && i < ex->n && (p == SIZE_MAX ||
		    ex->row[i] < c->wrows[p])) {
			row = ex->row[i++];
			certain = false;
		} else if (p != SIZE_MAX) {
			row = c->wrows[p];
			certain = wcert;
			p = lookup_cand_next(cand, sure, nw, &at, &wcert);
		} else
			break;
		if (lookup_row_match(t, keys, nkeys, certain ? 1 : 0, row))
			rows[n++] = row;
	}
	return n;
}

size_t
lookup_table_match(const struct lookup_table *t,
    const struct lookup_key *keys, size_t nkeys, size_t *rows, size_t max)
{
	const struct lookup_col *c;
	const struct lookup_rows *ex;
	size_t		 n = 0, row, i, w;

	if (nkeys == 0 || max == 0)
		return 0;
	if (keys[0].nv != 1)		/* multivalue: every row may match */
		return lookup_table_match_scan(t, keys, nkeys, rows, max);
	c = &t->cols[keys[0].col];
	ex = lookup_exact(t, c, keys[0].v[0], keys[0].len[0]);
	if (c->ix != NULL)
		return lookup_match_indexed(t, c, keys, nkeys, ex, rows, max);
	/* Merge the exact rows and the wildcard rows, in file order. */
	for (i = 0, w = 0; n < max; ) {
		if (ex != NULL && i < ex->n && (w >= c->nwrows ||
		    ex->row[i] < c->wrows[w]))
			row = ex->row[i++];
		else if (w < c->nwrows)
			row = c->wrows[w++];
		else
			break;
		if (lookup_row_match(t, keys, nkeys, 0, row))
			rows[n++] = row;
	}
	return n;
}
