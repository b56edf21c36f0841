/*
 * The shared term matcher.  Every value of a term field=v, field!=v and
 * field IN (...) of every filter of the set is a pattern; patterns with
 * the same field and text are one (their compiled values behave alike),
 * and they are numbered by field.  For each field some pattern reads,
 * the first filter that asks for it in an event matches its value once
 * against all of the field's patterns:
 *   - "*" alone (or only '*'): a hit whenever the field is set;
 *   - numbers (spl_value.numeric): when the value is a number too
 *     (spl_parse_num(), the one number rule), by numeric equality in a
 *     sorted table; when it is not, as text, with the literals;
 *   - literals: one look-up of the lowercased value in a hash table of
 *     (field, text), for values no longer than the field's longest
 *     literal (at most MATCH_LIT_MAX);
 *   - wildcard patterns, and literals longer than MATCH_LIT_MAX: an
 *     Aho-Corasick automaton over the ASCII-lowercased value finds the
 *     places of each pattern's anchor, its longest piece between '*'s;
 *     "*piece*" is a hit when its anchor is found at all, any other
 *     pattern is then checked whole by spl_value_match().
 * Each pattern's outcome is one byte of the per-event state.  A
 * detection's filter is a tree of its own here: a term is a test of its
 * patterns' bytes, and whatever is not a term (regex, where, <, >)
 * calls spl_match() on the original node, after the cheaper siblings
 * of an AND or OR (which have no side effects).  So the results are
 * spl_match()'s.
 *
 * Most filters are never walked: a filter's guard is a set of patterns
 * one of which must hit for it to match (a term: its patterns; AND: the
 * most selective guard of a kid; OR: the union of its kids' guards, when
 * each has one; NOT, !=, regex and where have none).  The fields of all
 * guards are scanned as each event starts, and each hit marks the
 * detections its pattern guards; a guarded filter not marked is false
 * without a look.  Guards prefer literals, then long anchors, and avoid
 * EventCode, source and sourcetype, which most events share.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/ht.h"
#include "detect/match_set.h"
#include "detect/spl_int.h"
#include "log.h"
#include "xmalloc.h"

#define MATCH_LIT_MAX	256	/* longest literal looked up whole */

bool		 match_set_enabled = true;	/* off only in tests */

/* A pattern's outcome in the current event (match_set.hit). */
#define MATCH_NO	0		/* not found (yet) */
#define MATCH_HIT	1
#define MATCH_REFUSED	2		/* its anchor was, the whole not */

enum match_kind {
	MATCH_K_LIT,			/* text, looked up whole */
	MATCH_K_NUM,			/* a number, or its text */
	MATCH_K_ANY,			/* only '*' */
	MATCH_K_ANCHOR			/* wildcard or long: automaton */
};

struct match_pat {
	int		 field;
	const struct spl_value *v;	/* borrowed from a filter */
	enum match_kind	 kind;
	bool		 decisive;	/* ANCHOR: its anchor found decides */
	const char	*anchor;	/* ANCHOR: in v->text */
	size_t		 alen;
};

/* A (field, lowercased text) key of the literal table. */
struct match_key {
	int		 field;
	const char	*s;
	size_t		 len;
};

struct match_num {
	double		 num;
	uint32_t	 pat;
};

/* An output of an automaton state: a pattern, and the next one + 1. */
struct match_out {
	uint32_t	 pat;
	uint32_t	 next;
};

struct match_ac {
	uint16_t	 cls[256];	/* the class of each byte, folded */
	size_t		 ncls;		/* 0: no automaton */
	uint32_t	*delta;		/* [state * ncls + class] */
	uint32_t	*out;		/* per state: first output + 1 */
	uint32_t	*dict;		/* per state: the nearest state on */
					/*   its failure chain with output */
	size_t		 nstates;
	struct match_out *outs;
	size_t		 nouts;
};

struct match_field {
	int		 id;		/* event field id */
	uint32_t	 first;		/* its patterns: [first, first + n) */
	uint32_t	 n;
	struct match_num *nums;		/* sorted by num */
	size_t		 nnums;
	uint32_t	*any;		/* MATCH_K_ANY patterns */
	size_t		 nany;
	size_t		 maxlit;	/* longest LIT or NUM text, 0: none */
	struct match_ac	 ac;
	uint32_t	 epoch;		/* the event it was scanned in */
	bool		 present;	/* set in that event */
};

enum match_node_type {
	MATCH_N_TRUE,
	MATCH_N_AND,
	MATCH_N_OR,
	MATCH_N_NOT,
	MATCH_N_TERM,			/* field=v, field IN (...) */
	MATCH_N_NE,			/* field!=v */
	MATCH_N_CALL			/* spl_match() on e */
};

struct match_node {
	enum match_node_type type;
	size_t		 n;		/* kids, or pats */
	struct match_node **kids;
	uint32_t	*pats;
	uint32_t	 field;		/* TERM, NE: index in fields[] */
	const struct spl_expr *e;	/* CALL */
};

struct match_set {
	struct match_pat *pats;
	size_t		 npats;
	struct match_key *keys;		/* one per pattern */
	struct match_field *fields;	/* sorted by id */
	size_t		 nfields;
	struct ht	*lits;		/* key -> its pattern (every kind) */
	struct match_node **prog;	/* one per detection */
	size_t		 nprog;
	unsigned char	*hit;		/* per pattern: MATCH_NO, ... */
	uint32_t	 epoch;		/* the current event */
	bool		*guarded;	/* per detection: it has a guard */
	uint32_t	*cand;		/* per detection: the last event in */
					/*   which a pattern of its guard hit */
	uint32_t	*gfirst;	/* per pattern p: the detections it */
	uint32_t	*gdet;		/*   guards, gdet[gfirst[p] ... */
					/*   gfirst[p + 1]) */
	uint32_t	*gfields;	/* the fields of every guard (index */
	size_t		 ngfields;	/*   in fields[]), scanned first */
};

/*
 * The literal table's hash.  Its keys are the set's own patterns and it
 * never grows at run time, so a chosen value costs at most one bucket's
 * chain of them: a fixed key is enough.
 */
static const uint64_t match_sipkey[2] = {
	0x6d617463685f7365ULL, 0x74686563736e7472ULL
};

static uint64_t
match_key_hash(const void *key, void *arg)
{
	const struct match_key *k = key;

	(void)arg;
	return ht_siphash(match_sipkey, k->s, k->len) ^
	    (uint64_t)(unsigned)k->field * 0x9e3779b97f4a7c15ULL;
}

static bool
match_key_equal(const void *a, const void *b, void *arg)
{
	const struct match_key *x = a, *y = b;

	(void)arg;
	return x->field == y->field && x->len == y->len &&
	    memcmp(x->s, y->s, x->len) == 0;
}

static const struct ht_type match_key_type = {
	match_key_hash, match_key_equal, NULL, NULL
};

/* Build: the patterns. */

/* Adds the values of every term of e to pats[*n] (duplicates too). */
static void
match_collect(const struct spl_expr *e, struct match_pat **pats, size_t *n,
    size_t *cap)
{
	size_t	 k;

	for (k = 0; k < e->nkids; k++)
		match_collect(e->kids[k], pats, n, cap);
	if (e->type != SPL_N_CMP || (e->op != SPL_OP_EQ &&
	    e->op != SPL_OP_NE && e->op != SPL_OP_IN))
		return;
	for (k = 0; k < e->nvals; k++) {
		if (*n == *cap) {
			*cap = *cap * 2 + 64;
			*pats = xreallocarray(*pats, *cap, sizeof(**pats));
		}
		memset(&(*pats)[*n], 0, sizeof(**pats));
		(*pats)[*n].field = e->field;
		(*pats)[(*n)++].v = &e->vals[k];
	}
}

static int
match_pat_cmp(const void *a, const void *b)
{
	const struct match_pat *x = a, *y = b;

	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	if (x->v->len != y->v->len)
		return x->v->len < y->v->len ? -1 : 1;
	return memcmp(x->v->text, y->v->text, x->v->len);
}

static int
match_num_cmp(const void *a, const void *b)
{
	const struct match_num *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->pat < y->pat ? -1 : x->pat > y->pat;
}

/* The kind of p, and for an ANCHOR its longest piece between '*'s. */
static void
match_pat_kind(struct match_pat *p)
{
	const struct spl_value *v = p->v;
	size_t		 k;

	if (!v->wild) {
		p->kind = v->numeric ? MATCH_K_NUM : MATCH_K_LIT;
		if (v->len > MATCH_LIT_MAX) {
			p->kind = MATCH_K_ANCHOR;
			p->anchor = v->text;
			p->alen = v->len;
		}
		return;
	}
	p->kind = MATCH_K_ANCHOR;
	p->anchor = v->text;
	p->alen = v->head;
	if (v->tail > p->alen) {
		p->anchor = v->text + v->len - v->tail;
		p->alen = v->tail;
	}
	for (k = 0; k < v->nmid; k++) {
		if (v->mid[k].len > p->alen) {
			p->anchor = v->mid[k].s;
			p->alen = v->mid[k].len;
		}
	}
	if (p->alen == 0)
		p->kind = MATCH_K_ANY;
	p->decisive = v->head == 0 && v->tail == 0 && v->nmid == 1;
}

/* Build: the automaton of field f over its ANCHOR patterns. */

static void
match_ac_build(struct match_set *ms, struct match_field *f)
{
	struct match_ac	*ac = &f->ac;
	struct match_pat *p;
	uint16_t	 map[256];
	uint32_t	*fail, *queue, st, u, v, nx;
	size_t		 bound = 1, i, k, c, head = 0, tail = 0;

	memset(map, 0, sizeof(map));
	ac->ncls = 1;
	for (i = f->first; i < f->first + f->n; i++) {
		p = &ms->pats[i];
		if (p->kind != MATCH_K_ANCHOR)
			continue;
		bound += p->alen;
		for (k = 0; k < p->alen; k++)
			if (map[(unsigned char)p->anchor[k]] == 0)
				map[(unsigned char)p->anchor[k]] =
				    (uint16_t)ac->ncls++;
	}
	if (bound == 1) {
		ac->ncls = 0;
		return;
	}
	for (c = 0; c < 256; c++)
		ac->cls[c] = map[spl_lc[c]];
	ac->delta = xcalloc(bound * ac->ncls, sizeof(*ac->delta));
	ac->out = xcalloc(bound, sizeof(*ac->out));
	ac->dict = xcalloc(bound, sizeof(*ac->dict));
	ac->outs = xcalloc(f->n, sizeof(*ac->outs));
	ac->nstates = 1;
	for (i = f->first; i < f->first + f->n; i++) {
		p = &ms->pats[i];
		if (p->kind != MATCH_K_ANCHOR)
			continue;
		st = 0;
		for (k = 0; k < p->alen; k++) {
			c = ac->cls[(unsigned char)p->anchor[k]];
			if ((nx = ac->delta[st * ac->ncls + c]) == 0) {
				nx = (uint32_t)ac->nstates++;
				ac->delta[st * ac->ncls + c] = nx;
			}
			st = nx;
		}
		ac->outs[ac->nouts].pat = (uint32_t)i;
		ac->outs[ac->nouts].next = ac->out[st];
		ac->out[st] = (uint32_t)++ac->nouts;
	}
	/* Breadth first: failure links, then the full transition table. */
	fail = xcalloc(ac->nstates, sizeof(*fail));
	queue = xcalloc(ac->nstates, sizeof(*queue));
	for (c = 0; c < ac->ncls; c++)
		if ((v = ac->delta[c]) != 0)
			queue[tail++] = v;
	while (head < tail) {
		u = queue[head++];
		for (c = 0; c < ac->ncls; c++) {
			v = ac->delta[u * ac->ncls + c];
			nx = ac->delta[fail[u] * ac->ncls + c];
			if (v == 0) {
				ac->delta[u * ac->ncls + c] = nx;
				continue;
			}
			fail[v] = nx;
			ac->dict[v] = ac->out[nx] != 0 ? nx : ac->dict[nx];
			queue[tail++] = v;
		}
	}
	free(queue);
	free(fail);
	ac->delta = xreallocarray(ac->delta, ac->nstates * ac->ncls,
	    sizeof(*ac->delta));
}

static void
match_ac_free(struct match_ac *ac)
{
	free(ac->delta);
	free(ac->out);
	free(ac->dict);
	free(ac->outs);
}

/* The fields, their tables and automata, over the sorted patterns. */
static void
match_fields_build(struct match_set *ms)
{
	struct match_field *f = NULL;
	struct match_pat *p;
	size_t		 i;

	for (i = 0; i < ms->npats; i++) {
		p = &ms->pats[i];
		if (f == NULL || f->id != p->field) {
			f = &ms->fields[ms->nfields++];
			f->id = p->field;
			f->first = (uint32_t)i;
		}
		f->n++;
		match_pat_kind(p);
		if (p->kind == MATCH_K_ANY) {
			f->any = xreallocarray(f->any, f->nany + 1,
			    sizeof(*f->any));
			f->any[f->nany++] = (uint32_t)i;
		}
		if (p->kind == MATCH_K_NUM) {
			f->nums = xreallocarray(f->nums, f->nnums + 1,
			    sizeof(*f->nums));
			f->nums[f->nnums].num = p->v->num;
			f->nums[f->nnums++].pat = (uint32_t)i;
		}
		if ((p->kind == MATCH_K_LIT || p->kind == MATCH_K_NUM) &&
		    p->v->len > f->maxlit)
			f->maxlit = p->v->len;
	}
	for (i = 0; i < ms->nfields; i++) {
		f = &ms->fields[i];
		if (f->nnums > 1)
			qsort(f->nums, f->nnums, sizeof(*f->nums),
			    match_num_cmp);
		match_ac_build(ms, f);
	}
}

/* Build: the filters. */

static uint32_t
match_field_index(const struct match_set *ms, int id)
{
	size_t	 lo = 0, hi = ms->nfields, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (ms->fields[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* How late a node goes in its AND or OR: 1 when it calls spl_match(). */
static int
match_node_late(const struct match_node *n)
{
	size_t	 k;

	if (n->type == MATCH_N_CALL)
		return 1;
	for (k = 0; n->kids != NULL && k < n->n; k++)
		if (match_node_late(n->kids[k]))
			return 1;
	return 0;
}

static struct match_node *
match_compile(const struct match_set *ms, const struct spl_expr *e)
{
	struct match_node *n, *t;
	struct match_key key;
	void		*val;
	size_t		 k, j;

	n = xcalloc(1, sizeof(*n));
	switch (e->type) {
	case SPL_N_TRUE:
		n->type = MATCH_N_TRUE;
		return n;
	case SPL_N_AND:
	case SPL_N_OR:
	case SPL_N_NOT:
		n->type = e->type == SPL_N_AND ? MATCH_N_AND :
		    e->type == SPL_N_OR ? MATCH_N_OR : MATCH_N_NOT;
		n->n = e->nkids;
		n->kids = xcalloc(e->nkids + 1, sizeof(*n->kids));
		/* The kids that call spl_match() last, in their order. */
		for (k = 0; k < e->nkids; k++) {
			t = match_compile(ms, e->kids[k]);
			for (j = k; j > 0 && match_node_late(n->kids[j - 1]) >
			    match_node_late(t); j--)
				n->kids[j] = n->kids[j - 1];
			n->kids[j] = t;
		}
		return n;
	case SPL_N_CMP:
		if (e->op == SPL_OP_EQ || e->op == SPL_OP_NE ||
		    e->op == SPL_OP_IN)
			break;
		/* FALLTHROUGH */
	default:
		n->type = MATCH_N_CALL;
		n->e = e;
		return n;
	}
	n->type = e->op == SPL_OP_NE ? MATCH_N_NE : MATCH_N_TERM;
	n->field = match_field_index(ms, e->field);
	n->n = e->nvals;
	n->pats = xcalloc(e->nvals + 1, sizeof(*n->pats));
	for (k = 0; k < e->nvals; k++) {
		key.field = e->field;
		key.s = e->vals[k].text;
		key.len = e->vals[k].len;
		if (!ht_find(ms->lits, &key, &val))
			fatalx("%s: a term without its pattern", __func__);
		n->pats[k] = (uint32_t)((struct match_pat *)val - ms->pats);
	}
	return n;
}

static void
match_node_free(struct match_node *n)
{
	size_t	 k;

	if (n == NULL)
		return;
	for (k = 0; n->kids != NULL && k < n->n; k++)
		match_node_free(n->kids[k]);
	free(n->kids);
	free(n->pats);
	free(n);
}

/* What a guard of pattern p costs: the events it lets through. */
static size_t
match_pat_cost(const struct match_pat *p)
{
	if (p->field == EVENT_F_EVENTCODE || p->field == EVENT_F_SOURCE ||
	    p->field == EVENT_F_SOURCETYPE || p->kind == MATCH_K_ANY)
		return 64;
	if (p->kind == MATCH_K_ANCHOR)
		return p->alen >= 4 ? 2 : 16;
	return 1;
}

/* A list of patterns. */
struct match_list {
	uint32_t	*v;
	size_t		 n;
};

static void
match_list_add(struct match_list *l, const uint32_t *v, size_t n)
{
	l->v = xreallocarray(l->v, l->n + n + 1, sizeof(*l->v));
	memcpy(l->v + l->n, v, n * sizeof(*v));
	l->n += n;
}

/*
 * Adds the guard of node n to g, returning its cost, or SIZE_MAX when n
 * has none (g then holds some patterns still: the caller drops them).
 */
static size_t
match_guard(const struct match_set *ms, const struct match_node *n,
    struct match_list *g)
{
	struct match_list kid, best = { NULL, 0 };
	size_t		 k, c, cost = SIZE_MAX;

	switch (n->type) {
	case MATCH_N_TERM:
		match_list_add(g, n->pats, n->n);
		for (cost = 0, k = 0; k < n->n; k++)
			cost += match_pat_cost(&ms->pats[n->pats[k]]);
		return cost;
	case MATCH_N_AND:
		for (k = 0; k < n->n; k++) {
			memset(&kid, 0, sizeof(kid));
			if ((c = match_guard(ms, n->kids[k], &kid)) < cost) {
				free(best.v);
				best = kid;
				cost = c;
			} else
				free(kid.v);
		}
		/* g may hold the guards of an OR's earlier kids. */
		if (cost != SIZE_MAX)
			match_list_add(g, best.v, best.n);
		free(best.v);
		return cost;
	case MATCH_N_OR:
		for (cost = 0, k = 0; k < n->n; k++) {
			if ((c = match_guard(ms, n->kids[k], g)) == SIZE_MAX)
				return SIZE_MAX;
			cost += c;
		}
		return cost;
	default:
		return SIZE_MAX;
	}
}

/* The guards of the filters, and the fields they read. */
static void
match_guards_build(struct match_set *ms)
{
	struct match_list *g;
	bool		*gf;
	size_t		 i, k, n = 0;
	uint32_t	 p;

	g = xcalloc(ms->nprog + 1, sizeof(*g));
	ms->guarded = xcalloc(ms->nprog + 1, sizeof(*ms->guarded));
	ms->cand = xcalloc(ms->nprog + 1, sizeof(*ms->cand));
	ms->gfirst = xcalloc(ms->npats + 2, sizeof(*ms->gfirst));
	for (i = 0; i < ms->nprog; i++) {
		if (match_guard(ms, ms->prog[i], &g[i]) == SIZE_MAX) {
			free(g[i].v);
			g[i].v = NULL;
			g[i].n = 0;
			continue;
		}
		ms->guarded[i] = true;
		for (k = 0; k < g[i].n; k++)
			ms->gfirst[g[i].v[k] + 1]++;
		n += g[i].n;
	}
	for (p = 0; p < ms->npats; p++)
		ms->gfirst[p + 1] += ms->gfirst[p];
	ms->gdet = xcalloc(n + 1, sizeof(*ms->gdet));
	gf = xcalloc(ms->nfields + 1, sizeof(*gf));
	for (i = 0; i < ms->nprog; i++) {
		for (k = 0; k < g[i].n; k++) {
			p = g[i].v[k];
			/* gfirst[p] counts up to its end as it fills. */
			ms->gdet[ms->gfirst[p]++] = (uint32_t)i;
			gf[match_field_index(ms, ms->pats[p].field)] = true;
		}
		free(g[i].v);
	}
	free(g);
	for (p = (uint32_t)ms->npats; p > 0; p--)
		ms->gfirst[p] = ms->gfirst[p - 1];
	ms->gfirst[0] = 0;
	ms->gfields = xcalloc(ms->nfields + 1, sizeof(*ms->gfields));
	for (i = 0; i < ms->nfields; i++)
		if (gf[i])
			ms->gfields[ms->ngfields++] = (uint32_t)i;
	free(gf);
}

struct match_set *
match_set_new(const struct detection_set *set)
{
	struct match_set *ms;
	struct match_pat *all = NULL;
	size_t		 nall = 0, cap = 0, i;

	ms = xcalloc(1, sizeof(*ms));
	for (i = 0; i < set->n; i++)
		match_collect(set->d[i]->search->filter, &all, &nall, &cap);
	if (nall > 0)
		qsort(all, nall, sizeof(*all), match_pat_cmp);
	ms->pats = xcalloc(nall + 1, sizeof(*ms->pats));
	for (i = 0; i < nall; i++)
		if (ms->npats == 0 ||
		    match_pat_cmp(&all[i], &ms->pats[ms->npats - 1]) != 0)
			ms->pats[ms->npats++] = all[i];
	free(all);
	ms->keys = xcalloc(ms->npats + 1, sizeof(*ms->keys));
	ms->lits = ht_new(&match_key_type, NULL);
	for (i = 0; i < ms->npats; i++) {
		ms->keys[i].field = ms->pats[i].field;
		ms->keys[i].s = ms->pats[i].v->text;
		ms->keys[i].len = ms->pats[i].v->len;
		if (ht_insert(ms->lits, &ms->keys[i], &ms->pats[i]) == -1)
			fatalx("%s: a pattern twice", __func__);
	}
	ms->fields = xcalloc(ms->npats + 1, sizeof(*ms->fields));
	match_fields_build(ms);
	ms->hit = xcalloc(ms->npats + 1, 1);
	ms->nprog = set->n;
	ms->prog = xcalloc(set->n + 1, sizeof(*ms->prog));
	for (i = 0; i < set->n; i++)
		ms->prog[i] = match_compile(ms, set->d[i]->search->filter);
	match_guards_build(ms);
	ms->epoch = 1;
	return ms;
}

void
match_set_free(struct match_set *ms)
{
	size_t	 i;

	if (ms == NULL)
		return;
	for (i = 0; i < ms->nprog; i++)
		match_node_free(ms->prog[i]);
	free(ms->prog);
	for (i = 0; i < ms->nfields; i++) {
		free(ms->fields[i].nums);
		free(ms->fields[i].any);
		match_ac_free(&ms->fields[i].ac);
	}
	free(ms->fields);
	ht_free(ms->lits);
	free(ms->keys);
	free(ms->pats);
	free(ms->hit);
	free(ms->guarded);
	free(ms->cand);
	free(ms->gfirst);
	free(ms->gdet);
	free(ms->gfields);
	free(ms);
}

size_t
match_set_terms(const struct match_set *ms)
{
	return ms->npats;
}

size_t
match_set_fields(const struct match_set *ms)
{
	return ms->nfields;
}

/* Run time. */

/* Pattern p hits: the detections it guards are candidates. */
static inline void
match_hit(struct match_set *ms, uint32_t p)
{
	uint32_t	 k;

	ms->hit[p] = MATCH_HIT;
	for (k = ms->gfirst[p]; k < ms->gfirst[p + 1]; k++)
		ms->cand[ms->gdet[k]] = ms->epoch;
}

/* The anchors in s: each pattern found decided or checked whole. */
static void
match_ac_scan(struct match_set *ms, const struct match_field *f,
    const char *s, size_t len)
{
	const struct match_ac *ac = &f->ac;
	const struct match_out *o;
	uint32_t	 st = 0, t, k;
	size_t		 i;

	for (i = 0; i < len; i++) {
		st = ac->delta[st * ac->ncls + ac->cls[(unsigned char)s[i]]];
		if (ac->out[st] == 0 && ac->dict[st] == 0)
			continue;
		for (t = ac->out[st] != 0 ? st : ac->dict[st]; t != 0;
		    t = ac->dict[t]) {
			for (k = ac->out[t]; k != 0; k = o->next) {
				o = &ac->outs[k - 1];
				if (ms->hit[o->pat] != MATCH_NO)
					continue;
				if (ms->pats[o->pat].decisive ||
				    spl_value_match(ms->pats[o->pat].v, s,
				    len))
					match_hit(ms, o->pat);
				else
					ms->hit[o->pat] = MATCH_REFUSED;
			}
		}
	}
}

/* The literal and the numeric patterns of f that s is. */
static void
match_lit_scan(struct match_set *ms, const struct match_field *f,
    const char *s, size_t len)
{
	struct match_key key;
	struct match_pat *p;
	char		 buf[MATCH_LIT_MAX];
	void		*val;
	double		 d;
	size_t		 lo, hi, mid, i;
	bool		 num = false;

	if (f->nnums > 0 && spl_parse_num(s, len, &d)) {
		num = true;
		lo = 0;
		hi = f->nnums;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (f->nums[mid].num < d)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < f->nnums && f->nums[lo].num == d; lo++)
			match_hit(ms, f->nums[lo].pat);
	}
	if (len > f->maxlit)
		return;
	for (i = 0; i < len; i++)
		buf[i] = (char)spl_lc[(unsigned char)s[i]];
	key.field = f->id;
	key.s = buf;
	key.len = len;
	if (!ht_find(ms->lits, &key, &val))
		return;
	p = val;
	if (p->kind == MATCH_K_LIT || (p->kind == MATCH_K_NUM && !num))
		match_hit(ms, (uint32_t)(p - ms->pats));
}

/* Field f of ev against all its patterns, once per event. */
static void
match_field_scan(struct match_set *ms, struct match_field *f,
    const struct event *ev)
{
	const char	*s;
	size_t		 len, k;

	f->epoch = ms->epoch;
	memset(ms->hit + f->first, MATCH_NO, f->n);
	if (!(f->present = event_get(ev, f->id, &s, &len)))
		return;
	for (k = 0; k < f->nany; k++)
		match_hit(ms, f->any[k]);
	if (f->maxlit > 0 || f->nnums > 0)
		match_lit_scan(ms, f, s, len);
	if (f->ac.ncls > 0)
		match_ac_scan(ms, f, s, len);
}

static bool
match_eval(struct match_set *ms, const struct match_node *n,
    const struct event *ev)
{
	struct match_field *f;
	size_t		 k;

	switch (n->type) {
	case MATCH_N_TRUE:
		return true;
	case MATCH_N_AND:
		for (k = 0; k < n->n; k++)
			if (!match_eval(ms, n->kids[k], ev))
				return false;
		return true;
	case MATCH_N_OR:
		for (k = 0; k < n->n; k++)
			if (match_eval(ms, n->kids[k], ev))
				return true;
		return false;
	case MATCH_N_NOT:
		return !match_eval(ms, n->kids[0], ev);
	case MATCH_N_CALL:
		return spl_match(n->e, ev);
	case MATCH_N_TERM:
	case MATCH_N_NE:
		break;
	}
	f = &ms->fields[n->field];
	if (f->epoch != ms->epoch)
		match_field_scan(ms, f, ev);
	if (n->type == MATCH_N_NE)
		return f->present && ms->hit[n->pats[0]] != MATCH_HIT;
	for (k = 0; k < n->n; k++)
		if (ms->hit[n->pats[k]] == MATCH_HIT)
			return true;
	return false;
}

void
match_set_event(struct match_set *ms, const struct event *ev)
{
	size_t	 i;

	if (++ms->epoch == 0) {
		for (i = 0; i < ms->nfields; i++)
			ms->fields[i].epoch = 0;
		for (i = 0; i < ms->nprog; i++)
			ms->cand[i] = 0;
		ms->epoch = 1;
	}
	for (i = 0; i < ms->ngfields; i++)
		match_field_scan(ms, &ms->fields[ms->gfields[i]], ev);
}

bool
match_set_filter(struct match_set *ms, size_t i, const struct event *ev)
{
	if (ms->guarded[i] && ms->cand[i] != ms->epoch)
		return false;
	return match_eval(ms, ms->prog[i], ev);
}
