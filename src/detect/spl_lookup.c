/*
 * The lookup command: parsing against the table of the lookup
 * definition it names (resolved at load time through the compiler's
 * table callback, so this file reads no files), and its apply function
 * on the rows after stats, or before stats on the detection's own copy
 * of each event (spl_pre_apply()).
 *
 *   lookup [local=B] [update=B] NAME FIELD [AS ROWFIELD] ...
 *       [OUTPUT | OUTPUTNEW FIELD [AS ROWFIELD] ...]
 *
 * Splunk's lookup reference: without OUTPUT, every column that is not an
 * input is an output; OUTPUT overwrites the row's fields (a row without
 * a match loses them), OUTPUTNEW only fills fields the row lacks.
 * Several matching rows make multivalue outputs ('\n'-joined, file
 * order, max_matches of them); fewer than min_matches are topped up with
 * default_match.  An absent input field matches nothing.  A multivalue
 * input is looked up value by value, the outputs in the order of its
 * values (security_content's base64decode macro relies on it); the
 * other inputs match when any of their values does.  local= and update=
 * are accepted and change nothing (there is no search head and no
 * real-time search here).  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/lookup.h"
#include "detect/spl_int.h"
#include "xmalloc.h"

#define SPL_LOOKUP_KEYS_MAX	16	/* input fields of one lookup */
#define SPL_LOOKUP_VALUES_MAX	4096	/* values of a multivalue input */
#define SPL_LOOKUP_ITEMS_MAX	8192	/* output values of one field */
#define SPL_LOOKUP_STACK	64	/* values or items of a row held on */
					/*   the stack */

/*
 * FIELD [AS ROWFIELD]: the table column col and the row field *id.
 * Returns 0, or -1 with the error set.
 */
static int
spl_lookup_field(struct spl_ctx *c, const struct lookup_table *t,
    const char *tname, int *col, int *id)
{
	const struct spl_tok *f, *as;

	f = spl_tok_next(c);
	if (!spl_is_value(f)) {
		spl_error_pos(c, f->pos, "expected a field name, not '%s'",
		    spl_tok_text(f));
		return -1;
	}
	if ((*col = lookup_table_column(t, f->val)) == -1) {
		spl_error_pos(c, f->pos, "lookup table '%s' has no column "
		    "'%s'", tname, f->val);
		return -1;
	}
	if (spl_tok_is_ci(spl_tok_cur(c), "as")) {
		spl_tok_next(c);
		as = spl_tok_next(c);
		if (!spl_is_value(as)) {
			spl_error_pos(c, as->pos,
			    "expected a field name after 'as'");
			return -1;
		}
		f = as;
	}
	return (*id = spl_intern(c, f)) == -1 ? -1 : 0;
}

/* Appends the output (table column col, row field id) to p. */
static void
spl_lookup_out_add(struct spl_post *p, int col, int id)
{
	p->outcol = xreallocarray(p->outcol, p->nout + 1,
	    sizeof(*p->outcol));
	p->outid = xreallocarray(p->outid, p->nout + 1, sizeof(*p->outid));
	p->outcol[p->nout] = col;
	p->outid[p->nout++] = id;
}

/* local=B or update=B: accepted.  Returns whether t was one. */
static bool
spl_lookup_option(struct spl_ctx *c, const struct spl_tok *t)
{
	if (!(spl_tok_is(t, "local") || spl_tok_is(t, "update")) ||
	    c->toks[c->i + 1].type != SPL_T_EQ)
		return false;
	spl_tok_next(c);
	spl_tok_next(c);
	spl_tok_next(c);
	return true;
}

int
spl_lookup_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	const struct lookup_table *t;
	const struct spl_tok *tn, *cur;
	struct spl_post	*p;
	char		 why[512] = "";
	size_t		 k, m;
	int		 col, id;
	bool		 output = false;

	while (spl_lookup_option(c, spl_tok_cur(c)))
		;
	tn = spl_tok_next(c);
	if (!spl_is_value(tn)) {
		spl_error_pos(c, tn->pos, "lookup needs a lookup table name");
		return -1;
	}
	if (c->table == NULL ||
	    (t = c->table(c->table_arg, tn->val, why, sizeof(why))) == NULL) {
		spl_error_pos(c, tn->pos, "lookup table '%s': %s", tn->val,
		    c->table == NULL ? "no lookup definitions (set lookups)" :
		    why);
		return -1;
	}
	p = spl_post_new(cmd);
	p->table = t;
	while ((cur = spl_tok_arg(c)) != NULL) {
		if (!output && (spl_tok_is_ci(cur, "OUTPUT") ||
		    spl_tok_is_ci(cur, "OUTPUTNEW"))) {
			p->outputnew = spl_tok_is_ci(cur, "OUTPUTNEW");
			output = true;
			spl_tok_next(c);
			continue;
		}
		if (spl_lookup_field(c, t, tn->val, &col, &id) == -1)
			goto fail;
		if (!output) {
			if (p->n == SPL_LOOKUP_KEYS_MAX) {
				spl_error_pos(c, cur->pos, "more than %d "
				    "lookup fields", SPL_LOOKUP_KEYS_MAX);
				goto fail;
			}
			p->incol = xreallocarray(p->incol, p->n + 1,
			    sizeof(*p->incol));
			p->from = xreallocarray(p->from, p->n + 1,
			    sizeof(*p->from));
			p->incol[p->n] = col;
			p->from[p->n++] = id;
			continue;
		}
		spl_lookup_out_add(p, col, id);
	}
	if (p->n == 0) {
		spl_error_pos(c, name->pos, "lookup needs a lookup field");
		goto fail;
	}
	if (output && p->nout == 0) {
		spl_error_pos(c, name->pos, "lookup needs a field after "
		    "OUTPUT");
		goto fail;
	}
	for (k = 0; !output && k < lookup_table_ncolumns(t); k++) {
		for (m = 0; m < p->n; m++)
			if (p->incol[m] == (int)k)
				break;
		if (m < p->n)
			continue;
		id = event_field_intern(lookup_table_column_name(t, k),
		    strlen(lookup_table_column_name(t, k)));
		if (id == -1) {
			spl_error_pos(c, name->pos, "too many field names");
			goto fail;
		}
		spl_lookup_out_add(p, (int)k, id);
	}
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/* Splits the row's field id into at most max non-empty values. */
static size_t
spl_lookup_values(const struct event *row, int id, const char **v,
    size_t *len, size_t max)
{
	const char	*s, *nl;
	size_t		 n = 0, l;

	if (!event_get(row, id, &s, &l))
		return 0;
	while (n < max) {
		nl = memchr(s, '\n', l);
		v[n] = s;
		len[n] = nl != NULL ? (size_t)(nl - s) : l;
		if (len[n] > 0)
			n++;
		if (nl == NULL)
			break;
		l -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	return n;
}

/*
 * The matches of one lookup of the row, in output order, into items[]
 * (a row number, or SPL_LOOKUP_DEFAULT for default_match): the rows of
 * each value of the first multivalue input in turn, as Splunk outputs
 * one value per input value, each topped up to min_matches.  Returns
 * how many (at most cap).
 */
#define SPL_LOOKUP_DEFAULT	SIZE_MAX
static size_t
spl_lookup_items(const struct lookup_table *t, struct lookup_key *keys,
    size_t nkeys, size_t *items, size_t cap)
{
	struct lookup_key one;
	size_t		 rows[LOOKUP_MATCHES_MAX];
	size_t		 k, m, j, r, n = 0, nrows, min;

	min = lookup_table_min_matches(t);
	for (m = 0; m < nkeys && keys[m].nv <= 1; m++)
		;
	one = m < nkeys ? keys[m] : keys[0];
	for (j = 0; j < one.nv || (j == 0 && one.nv == 0); j++) {
		nrows = 0;
		if (m < nkeys) {
			keys[m].v = one.v + j;
			keys[m].len = one.len + j;
			keys[m].nv = 1;
		}
		for (k = 0; k < nkeys && keys[k].nv > 0; k++)
			;
		if (k == nkeys)
			nrows = lookup_table_match(t, keys, nkeys, rows,
			    lookup_table_max_matches(t));
		for (r = 0; r < nrows && n < cap; r++)
			items[n++] = rows[r];
		for (r = nrows; r < min && n < cap; r++)
			items[n++] = SPL_LOOKUP_DEFAULT;
	}
	if (m < nkeys)
		keys[m] = one;
	return n;
}

/* Appends [v, v + len) to the '\n'-joined buf[*n] (arena room cap). */
static void
spl_lookup_join(char *buf, size_t *n, size_t cap, const char *v, size_t len)
{
	if (len == 0 || *n + (*n > 0) + len > cap)
		return;
	if (*n > 0)
		buf[(*n)++] = '\n';
	memcpy(buf + *n, v, len);
	*n += len;
}

/* How many values spl_lookup_values() may find in field id of row. */
static size_t
spl_lookup_count(const struct event *row, int id)
{
	const char	*s, *nl, *end;
	size_t		 n = 1, l;

	if (!event_get(row, id, &s, &l))
		return 0;
	for (end = s + l; n < SPL_LOOKUP_VALUES_MAX &&
	    (nl = memchr(s, '\n', (size_t)(end - s))) != NULL; s = nl + 1)
		n++;
	return n;
}

bool
spl_lookup_apply(const struct spl_post *p, struct event *row)
{
	const struct lookup_table *t = p->table;
	struct lookup_key keys[SPL_LOOKUP_KEYS_MAX];
	const char	**vals, *v, *def, *vbuf[SPL_LOOKUP_STACK];
	size_t		*lens, *items, k, j, nitems, len, n, cap, dlen;
	size_t		 nv[SPL_LOOKUP_KEYS_MAX], nval = 0, most = 1, per;
	size_t		 lbuf[SPL_LOOKUP_STACK], ibuf[SPL_LOOKUP_STACK];
	char		*buf;

	/*
	 * Room for exactly the values of the row and the items they can
	 * give, on the stack for the common single values: no zeroed
	 * blocks of the caps per row.
	 */
	for (k = 0; k < p->n; k++) {
		nv[k] = spl_lookup_count(row, p->from[k]);
		nval += nv[k];
		if (nv[k] > most)
			most = nv[k];
	}
	per = lookup_table_max_matches(t);
	if (lookup_table_min_matches(t) > per)
		per = lookup_table_min_matches(t);
	cap = most * per < SPL_LOOKUP_ITEMS_MAX ? most * per :
	    SPL_LOOKUP_ITEMS_MAX;
	vals = nval <= SPL_LOOKUP_STACK ? vbuf :
	    xreallocarray(NULL, nval, sizeof(*vals));
	lens = nval <= SPL_LOOKUP_STACK ? lbuf :
	    xreallocarray(NULL, nval, sizeof(*lens));
	items = cap <= SPL_LOOKUP_STACK ? ibuf :
	    xreallocarray(NULL, cap, sizeof(*items));
	for (k = 0, j = 0; k < p->n; j += nv[k], k++) {
		keys[k].col = p->incol[k];
		keys[k].v = vals + j;
		keys[k].len = lens + j;
		keys[k].nv = spl_lookup_values(row, p->from[k], vals + j,
		    lens + j, nv[k]);
	}
	nitems = spl_lookup_items(t, keys, p->n, items, cap);
	def = lookup_table_default_match(t);
	dlen = def != NULL ? strlen(def) : 0;
	for (k = 0; k < p->nout; k++) {
		if (p->outputnew && event_has(row, p->outid[k]))
			continue;
		for (cap = 0, j = 0; j < nitems; j++) {
			if (items[j] == SPL_LOOKUP_DEFAULT)
				len = dlen;
			else
				(void)lookup_table_cell(t, items[j],
				    (size_t)p->outcol[k], &len);
			cap += len + 1;
		}
		n = 0;
		buf = cap > 0 ? event_alloc(row, cap) : NULL;
		for (j = 0; buf != NULL && j < nitems; j++) {
			if (items[j] == SPL_LOOKUP_DEFAULT) {
				v = def;
				len = dlen;
			} else
				v = lookup_table_cell(t, items[j],
				    (size_t)p->outcol[k], &len);
			spl_lookup_join(buf, &n, cap, v, len);
		}
		if (buf != NULL)
			event_trim(row, buf, n);
		if (n > 0)
			(void)event_set_ref(row, p->outid[k], buf, n);
		else if (!p->outputnew)
			event_unset(row, p->outid[k]);
	}
	if (vals != vbuf)
		free(vals);
	if (lens != lbuf)
		free(lens);
	if (items != ibuf)
		free(items);
	return true;
}

/* lookup adds its outputs to the output columns. */
void
spl_lookup_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->nout; k++)
		spl_ids_add_uniq(cols, n, p->outid[k]);
}
