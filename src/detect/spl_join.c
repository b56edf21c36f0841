/*
 * join: "join [type=inner|outer|left] [max=N] [overwrite=BOOL]
 * [usetime=false] FIELD[, FIELD ...] [SUBSEARCH]", as security_content
 * uses it (Splunk's join, search reference: https://help.splunk.com/
 * splunk-enterprise/spl-search-reference/9.4/search-commands/join).
 *
 * Load time: the subsearch between the brackets is compiled as a search
 * of its own (its filter, its commands before stats, its stats or
 * tstats, its row commands) into s->subs; the join keeps its index.
 * Run time: the runner (detect.c) feeds every event to the subsearch too,
 * with the same window as the main search (a join is windowed on the
 * schedule's period: spl_window.c), and collects the subsearch's rows of
 * a window into a struct spl_rows before the main search's rows of that
 * window are emitted.  spl_post_run() then joins each main row with the
 * right rows whose join fields equal its own, byte for byte:
 *  - type=inner (the default) drops a row without a match; type=outer
 *    and type=left (the same in Splunk) keep it as it is;
 *  - max=N (default 1) joins with the first N matching right rows, one
 *    row out per match; max=0 with all of them;
 *  - overwrite=true (the default): a right field replaces the main row's
 *    field of the same name; overwrite=false keeps the main row's value.
 * "First" is the subsearch's row order.  Splunk's stats and tstats give
 * their rows sorted by their by-field values (lexicographically); the
 * right rows keep the by-values stats gave them (before the subsearch's
 * own commands) and are ordered by those, byte by byte, null first.
 * Refused, with the reason: a join before stats, without a field list
 * (Splunk joins on every common field), with left=/right= aliases and
 * where, usetime=true, a join inside a subsearch, and a subsearch with a
 * command over all its rows (dedup, eventstats, a second stats).
 * Splunk's subsearch limits (50,000 rows, 60 s) are not emulated: every
 * right row of the window is joined.  A main row emitted before its
 * window closes (the key limit or the byte budget, stats.h) joins the
 * right rows collected so far, which may be fewer.  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode/event.h"
#include "detect/spl_int.h"
#include "detect/spl_value.h"
#include "xmalloc.h"

#define SPL_JOIN_ARENA	4096	/* bytes the commands after a join may */
				/*   add to a row it made */

/* A field of a right row. */
struct spl_row_field {
	int		 id;
	uint32_t	 len;
	const char	*ptr;		/* in the row's block */
};

/*
 * A right row: its fields by ascending id, then their bytes, in one
 * block; no struct event (8 KB) per row.
 */
struct spl_row {
	char		*key;		/* its by-values, in an encoding */
	size_t		 keylen;	/*   whose memcmp() order is theirs */
	size_t		 k;		/* its rank in the order added */
	size_t		 nf;
	struct spl_row_field f[];	/* nf of them, then their bytes */
};

/* A right row in the order of a join's index. */
struct spl_join_ent {
	const struct spl_post *p;	/* the join (for the comparison) */
	const struct spl_row *row;
};

struct spl_rows {
	struct spl_row	**v;		/* owned: the rows, in the order */
					/*   added */
	size_t		 n;
	size_t		 cap;
	struct spl_join_ent *idx;	/* v sorted for idx_post, or NULL; */
	const struct spl_post *idx_post; /*   rows added later are */
	size_t		 idx_cap;	/*   inserted in place */
};

/* One option "name=value" at the current token into p.  0 or -1. */
static int
spl_join_option(struct spl_ctx *c, struct spl_post *p)
{
	struct spl_tok	*t, *v;
	char		*end;
	unsigned long	 n;
	int		 b;

	t = spl_tok_next(c);
	spl_tok_next(c);
	v = spl_tok_next(c);
	if (!spl_is_value(v)) {
		spl_error_pos(c, v->pos, "expected a value after '%s='",
		    t->val);
		return -1;
	}
	if (strcmp(t->val, "type") == 0) {
		if (strcasecmp(v->val, "inner") == 0)
			p->outer = false;
		else if (strcasecmp(v->val, "outer") == 0 ||
		    strcasecmp(v->val, "left") == 0)
			p->outer = true;
		else {
			spl_error_pos(c, v->pos, "unknown join type '%s'",
			    v->val);
			return -1;
		}
	} else if (strcmp(t->val, "max") == 0) {
		n = strtoul(v->val, &end, 10);
		if (v->val[0] < '0' || v->val[0] > '9' || *end != '\0' ||
		    n > 1000000) {
			spl_error_pos(c, v->pos, "join max= needs a number "
			    "from 0 to 1000000");
			return -1;
		}
		p->max = n;
	} else if (strcmp(t->val, "overwrite") == 0) {
		if ((b = spl_parse_bool(v->val)) == -1) {
			spl_error_pos(c, v->pos, "expected true or false");
			return -1;
		}
		p->keep_left = !b;
	} else if (strcmp(t->val, "usetime") == 0 ||
	    strcmp(t->val, "earlier") == 0) {
		if ((b = spl_parse_bool(v->val)) == -1) {
			spl_error_pos(c, v->pos, "expected true or false");
			return -1;
		}
		if (b && strcmp(t->val, "usetime") == 0) {
			spl_error_pos(c, t->pos, "join usetime=true is not "
			    "supported");
			return -1;
		}
	} else {
		spl_error_pos(c, t->pos, "join option '%s' is not supported",
		    t->val);
		return -1;
	}
	return 0;
}

/*
 * The subsearch from the '[' at the current token to its ']', compiled
 * into a new search.  Returns it, or NULL with the error set.
 */
static struct spl_search *
spl_join_sub(struct spl_ctx *c, const struct spl_tok *name)
{
	struct spl_search *sub;
	struct spl_tok	*lb = spl_tok_cur(c);
	size_t		 m, depth = 0, k, start;
	bool		 after;
	int		 rc;

	for (m = c->i; c->toks[m].type != SPL_T_EOF; m++) {
		if (c->toks[m].type == SPL_T_LBRACKET)
			depth++;
		else if (c->toks[m].type == SPL_T_RBRACKET && --depth == 0)
			break;
	}
	if (c->toks[m].type == SPL_T_EOF) {
		spl_error_pos(c, lb->pos, "expected ']' closing the "
		    "subsearch");
		return NULL;
	}
	spl_tok_next(c);
	/* The subsearch ends at its ']', as a search ends at its end. */
	after = c->after_stats;
	start = c->start;
	c->after_stats = false;
	c->start = c->i;
	c->toks[m].type = SPL_T_EOF;
	sub = xcalloc(1, sizeof(*sub));
	rc = spl_parse_pipeline(c, sub);
	c->toks[m].type = SPL_T_RBRACKET;
	c->after_stats = after;
	c->start = start;
	if (rc == -1)
		goto fail;
	c->i = m + 1;
	sub->text = xstrndup(c->text + lb->pos + 1, c->toks[m].pos -
	    lb->pos - 1);
	spl_search_finish(c, sub);
	if (c->failed)
		goto fail;
	for (k = 0; k < sub->npost; k++)
		if (sub->post[k]->cmd->phase != SPL_PHASE_ROW &&
		    sub->post[k]->cmd->phase != SPL_PHASE_ANY &&
		    sub->post[k]->cmd->phase != SPL_PHASE_EVENT) {
			spl_error_pos(c, name->pos, "'%s' in a join subsearch "
			    "is not supported", sub->post[k]->cmd->name);
			goto fail;
		}
	if (sub->nsubs > 0) {
		spl_error_pos(c, name->pos, "a join inside a join subsearch "
		    "is not supported");
		goto fail;
	}
	return sub;
fail:
	spl_search_free(sub);
	return NULL;
}

int
spl_join_check(struct spl_ctx *c, const struct spl_search *s)
{
	const struct spl_post *p;
	size_t		 k, i;

	for (k = 0; k < s->npost && s->nsubs > 0; k++) {
		p = s->post[k];
		if (p->cmd->phase != SPL_PHASE_ROWSET)
			continue;
		/* Its name after a pipe, for the position. */
		for (i = c->start; c->toks[i].type != SPL_T_EOF; i++)
			if (c->toks[i].type == SPL_T_PIPE &&
			    spl_tok_is(&c->toks[i + 1], p->cmd->name))
				break;
		spl_error_pos(c, c->toks[i].type == SPL_T_EOF ? 0 :
		    c->toks[i + 1].pos, "'%s' in a search with join is not "
		    "supported yet", p->cmd->name);
		return -1;
	}
	return 0;
}

int
spl_join_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_search *sub;
	struct spl_tok	*t;
	int		 id;

	p = spl_post_new(cmd);
	p->max = 1;
	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_COMMA) {
			spl_tok_next(c);
			continue;
		}
		if (t->type != SPL_T_WORD)
			break;
		if (c->toks[c->i + 1].type == SPL_T_EQ) {
			if (strcmp(t->val, "left") == 0 ||
			    strcmp(t->val, "right") == 0) {
				spl_error_pos(c, t->pos, "join with left=, "
				    "right= and where is not supported");
				goto fail;
			}
			if (p->n > 0) {
				spl_error_pos(c, t->pos, "join options go "
				    "before the fields");
				goto fail;
			}
			if (spl_join_option(c, p) == -1)
				goto fail;
			continue;
		}
		spl_tok_next(c);
		if (strchr(t->val, '*') != NULL) {
			spl_error_pos(c, t->pos, "wildcard join fields are "
			    "not supported");
			goto fail;
		}
		if ((id = spl_intern(c, t)) == -1)
			goto fail;
		spl_ids_add_uniq(&p->from, &p->n, id);
	}
	if (t->type != SPL_T_LBRACKET) {
		spl_error_pos(c, t->pos, "join needs a subsearch in '[ ]'");
		goto fail;
	}
	if (p->n == 0) {
		spl_error_pos(c, name->pos, "join without a field list (on "
		    "every common field) is not supported");
		goto fail;
	}
	if ((sub = spl_join_sub(c, name)) == NULL)
		goto fail;
	sub->optional = p->outer;
	s->subs = xreallocarray(s->subs, s->nsubs + 1, sizeof(*s->subs));
	p->sub = s->nsubs;
	p->right = sub;
	s->subs[s->nsubs++] = sub;
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/* Without the right rows: an inner join has no match. */
bool
spl_join_apply(const struct spl_post *p, struct event *row)
{
	(void)row;
	return p->outer;
}

/* The subsearch's columns join the row's (Splunk appends new ones). */
void
spl_join_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->right->ncolumns; k++)
		spl_ids_add_uniq(cols, n, p->right->columns[k]);
}

/* The rows of a right side. */

struct spl_rows *
spl_rows_new(void)
{
	return xcalloc(1, sizeof(struct spl_rows));
}

static void
spl_row_free(struct spl_row *r)
{
	free(r->key);
	free(r);
}

void
spl_rows_clear(struct spl_rows *r)
{
	size_t	 k;

	for (k = 0; k < r->n; k++)
		spl_row_free(r->v[k]);
	r->n = 0;
	free(r->idx);
	r->idx = NULL;
	r->idx_post = NULL;
	r->idx_cap = 0;
}

void
spl_rows_free(struct spl_rows *r)
{
	if (r == NULL)
		return;
	spl_rows_clear(r);
	free(r->v);
	free(r);
}

size_t
spl_rows_count(const struct spl_rows *r)
{
	return r->n;
}

char *
spl_rows_key(const struct event *row, const int *by, size_t nby,
    size_t *len)
{
	const struct event_str *v;
	size_t		 need = 1, k, i, n = 0;
	char		*key;

	for (k = 0; k < nby; k++)
		if (event_has(row, by[k]))
			need += 3 + 2 * (size_t)row->val[by[k]].len;
	key = xmalloc(need);
	for (k = 0; k < nby; k++) {
		if (!event_has(row, by[k])) {
			key[n++] = 0x00;
			continue;
		}
		v = &row->val[by[k]];
		key[n++] = 0x01;
		for (i = 0; i < v->len; i++) {
			key[n++] = v->ptr[i];
			if (v->ptr[i] == 0x00)
				key[n++] = (char)0xff;
		}
		key[n++] = 0x00;
		key[n++] = 0x01;
	}
	*len = n;
	return key;
}

/* The value of field id of a right row, by binary search; false: null. */
static bool
spl_row_get(const struct spl_row *r, int id, const char **v, uint32_t *len)
{
	size_t	 lo = 0, hi = r->nf, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->f[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == r->nf || r->f[lo].id != id)
		return false;
	*v = r->f[lo].ptr;
	*len = r->f[lo].len;
	return true;
}

static int	spl_join_idx_cmp(const void *, const void *);

/* The new last row of r into the index, in order (see spl_join_index). */
static void
spl_rows_index_add(struct spl_rows *r)
{
	struct spl_join_ent e;
	size_t		 lo = 0, hi = r->n - 1, mid;

	if (r->n > r->idx_cap) {
		r->idx_cap = r->n * 2;
		r->idx = xreallocarray(r->idx, r->idx_cap, sizeof(*r->idx));
	}
	e.p = r->idx_post;
	e.row = r->v[r->n - 1];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (spl_join_idx_cmp(&r->idx[mid], &e) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&r->idx[lo + 1], &r->idx[lo],
	    (r->n - 1 - lo) * sizeof(*r->idx));
	r->idx[lo] = e;
}

void
spl_rows_add(struct spl_rows *r, const struct event *row, char *key,
    size_t keylen)
{
	struct spl_row	*sr;
	char		*p;
	size_t		 nf = 0, bytes = 0, w;
	uint64_t	 bits;
	int		 id;

	for (w = 0; w < EVENT_MAX_FIELDS / 64; w++)
		for (bits = row->set[w]; bits != 0; bits &= bits - 1) {
			id = (int)(w * 64) + __builtin_ctzll(bits);
			nf++;
			bytes += row->val[id].len;
		}
	sr = xmalloc(sizeof(*sr) + nf * sizeof(sr->f[0]) + bytes);
	p = (char *)&sr->f[nf];
	sr->nf = 0;
	for (w = 0; w < EVENT_MAX_FIELDS / 64; w++)
		for (bits = row->set[w]; bits != 0; bits &= bits - 1) {
			id = (int)(w * 64) + __builtin_ctzll(bits);
			sr->f[sr->nf].id = id;
			sr->f[sr->nf].len = row->val[id].len;
			sr->f[sr->nf].ptr = p;
			memcpy(p, row->val[id].ptr, row->val[id].len);
			p += row->val[id].len;
			sr->nf++;
		}
	sr->key = key;
	sr->keylen = keylen;
	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 16 : r->cap * 2;
		r->v = xreallocarray(r->v, r->cap, sizeof(*r->v));
	}
	sr->k = r->n;
	r->v[r->n++] = sr;
	if (r->idx != NULL)
		spl_rows_index_add(r);
}

/* Two values of a field (NULL: absent): absent first, bytes, length. */
static int
spl_join_val_cmp(const char *x, uint32_t xlen, const char *y,
    uint32_t ylen)
{
	int	 r;

	if (x == NULL || y == NULL)
		return (int)(x != NULL) - (int)(y != NULL);
	r = memcmp(x, y, xlen < ylen ? xlen : ylen);
	if (r != 0)
		return r;
	return xlen < ylen ? -1 : xlen > ylen;
}

/*
 * The join fields of p on right row a and right row b, or the row ev
 * when b is NULL.
 */
static int
spl_join_key_cmp(const struct spl_post *p, const struct spl_row *a,
    const struct spl_row *b, const struct event *ev)
{
	const char	*x, *y;
	uint32_t	 xlen = 0, ylen = 0;
	size_t		 k;
	int		 r, id;

	for (k = 0; k < p->n; k++) {
		id = p->from[k];
		if (!spl_row_get(a, id, &x, &xlen))
			x = NULL;
		if (b != NULL ? !spl_row_get(b, id, &y, &ylen) :
		    !event_has(ev, id))
			y = NULL;
		else if (b == NULL) {
			y = ev->val[id].ptr;
			ylen = ev->val[id].len;
		}
		if ((r = spl_join_val_cmp(x, xlen, y, ylen)) != 0)
			return r;
	}
	return 0;
}

/* The join key, then the subsearch's row order (see the top). */
static int
spl_join_idx_cmp(const void *pa, const void *pb)
{
	const struct spl_join_ent *ea = pa, *eb = pb;
	const struct spl_row *a = ea->row, *b = eb->row;
	int		 r;

	if ((r = spl_join_key_cmp(ea->p, a, b, NULL)) != 0)
		return r;
	r = memcmp(a->key, b->key, a->keylen < b->keylen ? a->keylen :
	    b->keylen);
	if (r != 0)
		return r;
	if (a->keylen != b->keylen)
		return a->keylen < b->keylen ? -1 : 1;
	return a->k < b->k ? -1 : a->k > b->k;
}

/*
 * Sorts r's rows for join p, once per window and join: rows added later
 * go into it in place (spl_rows_index_add()), so that a main row emitted
 * early does not sort the rows again.
 */
static void
spl_join_index(struct spl_rows *r, const struct spl_post *p)
{
	size_t	 k;

	if (r->idx != NULL && r->idx_post == p)
		return;
	free(r->idx);
	r->idx_cap = r->n + 16;
	r->idx = xcalloc(r->idx_cap, sizeof(*r->idx));
	for (k = 0; k < r->n; k++) {
		r->idx[k].p = p;
		r->idx[k].row = r->v[k];
	}
	qsort(r->idx, r->n, sizeof(*r->idx), spl_join_idx_cmp);
	r->idx_post = p;
}

/* The first of r's sorted rows whose key is row's, or r->n. */
static size_t
spl_join_find(const struct spl_rows *r, const struct spl_post *p,
    const struct event *row)
{
	size_t	 lo = 0, hi = r->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (spl_join_key_cmp(p, r->idx[mid].row, NULL, row) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->n && spl_join_key_cmp(p, r->idx[lo].row, NULL, row) == 0)
		return lo;
	return r->n;
}

/* The right row's fields into row, by reference (right outlives it). */
static void
spl_join_merge(const struct spl_post *p, struct event *row,
    const struct spl_row *right)
{
	size_t	 k;

	for (k = 0; k < right->nf; k++) {
		if (p->keep_left && event_has(row, right->f[k].id))
			continue;
		(void)event_set_ref(row, right->f[k].id, right->f[k].ptr,
		    right->f[k].len);
	}
}

struct spl_run {
	const struct spl_search *s;
	struct spl_rows	*const *sides;
	spl_row_fn	 fn;
	void		*arg;
	size_t		 nout;
};

static void	spl_run_from(struct spl_run *, size_t, struct event *);

/* Join j on row: each match goes on with the commands after j. */
static void
spl_run_join(struct spl_run *run, size_t j, struct event *row)
{
	const struct spl_post *p = run->s->post[j];
	struct spl_rows	*r;
	struct event	*cp;
	size_t		 first, last, k;
	int		 id;

	r = run->sides != NULL ? run->sides[p->sub] : NULL;
	for (k = 0; k < p->n; k++)
		if (!event_has(row, p->from[k]))
			r = NULL;
	first = last = 0;
	if (r != NULL && r->n > 0) {
		spl_join_index(r, p);
		first = last = spl_join_find(r, p, row);
		while (last < r->n && (p->max == 0 || last - first < p->max) &&
		    spl_join_key_cmp(p, r->idx[last].row, NULL, row) == 0)
			last++;
	}
	if (first == last) {
		if (p->outer)
			spl_run_from(run, j + 1, row);
		return;
	}
	/* Every match but the last on a copy; the last on row itself. */
	for (k = first; k + 1 < last; k++) {
		cp = xmalloc(sizeof(*cp));
		event_init(cp, SPL_JOIN_ARENA);
		for (id = 0; id < EVENT_MAX_FIELDS; id++)
			if (event_has(row, id))
				(void)event_set_ref(cp, id, row->val[id].ptr,
				    row->val[id].len);
		cp->time_ms = row->time_ms;
		cp->shape = row->shape;
		spl_join_merge(p, cp, r->idx[k].row);
		spl_run_from(run, j + 1, cp);
		event_clear(cp);
		free(cp);
	}
	spl_join_merge(p, row, r->idx[last - 1].row);
	spl_run_from(run, j + 1, row);
}

/* The commands from the j-th on, for row. */
static void
spl_run_from(struct spl_run *run, size_t j, struct event *row)
{
	const struct spl_post *p;

	for (; j < run->s->npost; j++) {
		p = run->s->post[j];
		if (p->cmd->apply == spl_join_apply) {
			spl_run_join(run, j, row);
			return;
		}
		if (!p->cmd->apply(p, row))
			return;
	}
	run->fn(row, run->nout++, run->arg);
}

size_t
spl_post_run(const struct spl_search *s, struct spl_rows *const *sides,
    struct event *row, spl_row_fn fn, void *arg)
{
	struct spl_run	 run;

	run.s = s;
	run.sides = sides;
	run.fn = fn;
	run.arg = arg;
	run.nout = 0;
	spl_run_from(&run, s->nrowset, row);
	return run.nout;
}
