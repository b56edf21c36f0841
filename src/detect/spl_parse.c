/*
 * The SPL search expression, compiled at load time: terms (field=value,
 * field!=value, field IN (...), comparisons, "*"), NOT, OR and AND with
 * Splunk's precedence (NOT binds tightest, then OR, then AND, explicit
 * or implicit, so "a b OR c" is "a AND (b OR c)"); the values compiled
 * for spl_match.c (lowercased, wildcard patterns cut into segments,
 * numbers parsed once); and what the compiler learns from an expression
 * afterwards: the fields it reads, the EventCode it requires, and an
 * order of its terms by cost.  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_int.h"
#include "detect/spl_re.h"
#include "xmalloc.h"

static struct spl_expr *spl_parse_and(struct spl_ctx *);

/* Values. */

static char
spl_lower(char ch)
{
	return (char)spl_lc[(unsigned char)ch];
}

/*
 * How common a byte of a wildcard segment is in the paths, command lines
 * and host names detections look at; the segment is searched by its
 * least common byte.  Letters come last: they must be found in either
 * case.  Only the speed depends on this guess.
 */
static int
spl_byte_rank(unsigned char ch)
{
	if (spl_lc[ch] >= 'a' && spl_lc[ch] <= 'z')
		return 4;
	if (ch == '\\' || ch == '/')
		return 3;
	if (ch == '.' || ch == ':' || ch == '-' || ch == '_')
		return 2;
	return 1;
}

/*
 * Compiles the pattern text (lowercased, with at least one '*') into its
 * head (the bytes before the first '*'), its tail (after the last) and
 * the non-empty segments between, each with the byte it is searched by.
 */
static void
spl_value_segments(struct spl_value *v)
{
	const char	*p, *star, *last;
	struct spl_seg	*g;
	size_t		 k;

	star = memchr(v->text, '*', v->len);
	last = star;
	while ((p = memchr(last + 1, '*', v->text + v->len - last - 1)) !=
	    NULL)
		last = p;
	v->head = (size_t)(star - v->text);
	v->tail = (size_t)(v->text + v->len - last - 1);
	v->minlen = v->head + v->tail;
	for (p = star + 1; p < last; p = star + 1) {
		star = memchr(p, '*', (size_t)(last - p) + 1);
		if (star == p)
			continue;
		v->mid = xreallocarray(v->mid, v->nmid + 1, sizeof(*v->mid));
		g = &v->mid[v->nmid++];
		g->s = p;
		g->len = (size_t)(star - p);
		g->pin = 0;
		for (k = 1; k < g->len; k++)
			if (spl_byte_rank((unsigned char)p[k]) <
			    spl_byte_rank((unsigned char)p[g->pin]))
				g->pin = k;
		g->pinc = (unsigned char)p[g->pin];
		g->fold = spl_byte_rank(g->pinc) == 4;
		v->minlen += g->len;
	}
}

static void
spl_value_init(struct spl_value *v, const char *s, size_t len)
{
	size_t	 i;

	memset(v, 0, sizeof(*v));
	v->text = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		v->text[i] = spl_lower(s[i]);
	v->text[len] = '\0';
	v->len = len;
	v->wild = memchr(s, '*', len) != NULL;
	v->numeric = !v->wild && spl_parse_num(s, len, &v->num);
	if (v->wild)
		spl_value_segments(v);
}

/* Expression trees. */

/* A new node of type (caller frees with spl_expr_free()). */
struct spl_expr *
spl_expr_new(enum spl_node type)
{
	struct spl_expr	*e;

	e = xcalloc(1, sizeof(*e));
	e->type = type;
	e->field = -1;
	return e;
}

/*
 * Adds kid to e, flattening a kid of the same type into an AND or an OR
 * (never a NOT into a NOT: "NOT NOT a" is a).
 */
void
spl_expr_add(struct spl_expr *e, struct spl_expr *kid)
{
	size_t	 k;

	if (kid->type == e->type && e->type != SPL_N_NOT) {
		for (k = 0; k < kid->nkids; k++)
			spl_expr_add(e, kid->kids[k]);
		kid->nkids = 0;
		spl_expr_free(kid);
		return;
	}
	e->kids = xreallocarray(e->kids, e->nkids + 1, sizeof(*e->kids));
	e->kids[e->nkids++] = kid;
}

/*
 * Returns "e TYPE kid" (TYPE is AND or OR, both associative): e itself
 * when it already is a TYPE node, else a new node.  Takes both.
 */
static struct spl_expr *
spl_expr_join(enum spl_node type, struct spl_expr *e, struct spl_expr *kid)
{
	struct spl_expr	*n = e;

	if (e->type != type) {
		n = spl_expr_new(type);
		spl_expr_add(n, e);
	}
	spl_expr_add(n, kid);
	return n;
}

/* Frees e and its kids; NULL does nothing. */
void
spl_expr_free(struct spl_expr *e)
{
	size_t	 k;

	if (e == NULL)
		return;
	for (k = 0; k < e->nkids; k++)
		spl_expr_free(e->kids[k]);
	free(e->kids);
	for (k = 0; k < e->nvals; k++) {
		free(e->vals[k].text);
		free(e->vals[k].mid);
	}
	free(e->vals);
	spl_re_free(e->re);
	spl_eval_free(e->eval);
	free(e);
}

/* Parser. */

/* True when t can start a search term. */
static bool
spl_term_start(const struct spl_tok *t)
{
	if (t->type == SPL_T_LPAREN || t->type == SPL_T_STRING)
		return true;
	return t->type == SPL_T_WORD && !spl_tok_is(t, "AND") &&
	    !spl_tok_is(t, "OR");
}

/* The field id of t's name, or -1 with the error set. */
int
spl_intern(struct spl_ctx *c, const struct spl_tok *t)
{
	int	 id;

	if ((id = event_field_intern(t->val, t->len)) == -1)
		spl_error_pos(c, t->pos, "too many field names");
	return id;
}

static struct spl_expr *
spl_parse_term(struct spl_ctx *c)
{
	struct spl_tok	*f, *op, *lp, *v;
	struct spl_expr	*e;
	enum spl_op	 o;

	f = spl_tok_next(c);
	op = spl_tok_cur(c);
	/* "field name"=value: a quoted field name, as Splunk reads it. */
	if (f->type == SPL_T_STRING && (f->len == 0 || !(spl_tok_is(op,
	    "IN") || op->type == SPL_T_EQ || op->type == SPL_T_NE ||
	    op->type == SPL_T_LT || op->type == SPL_T_LE ||
	    op->type == SPL_T_GT || op->type == SPL_T_GE))) {
		spl_error_pos(c, f->pos, "free-text search term \"%s\" is "
		    "not supported", f->val);
		return NULL;
	}
	if (spl_tok_is(op, "IN")) {
		spl_tok_next(c);
		lp = spl_tok_next(c);
		if (lp->type != SPL_T_LPAREN) {
			spl_error_pos(c, lp->pos, "expected '(' after 'IN'");
			return NULL;
		}
		e = spl_expr_new(SPL_N_CMP);
		e->op = SPL_OP_IN;
		if ((e->field = spl_intern(c, f)) == -1)
			goto fail;
		for (;;) {
			v = spl_tok_next(c);
			if (v->type == SPL_T_RPAREN)
				break;
			if (v->type == SPL_T_COMMA)
				continue;
			if (v->type == SPL_T_EOF || v->type == SPL_T_PIPE) {
				spl_error_pos(c, lp->pos,
				    "unbalanced parenthesis");
				goto fail;
			}
			if (!spl_is_value(v)) {
				spl_error_pos(c, v->pos, "expected a value in "
				    "the IN list, not '%s'", spl_tok_text(v));
				goto fail;
			}
			e->vals = xreallocarray(e->vals, e->nvals + 1,
			    sizeof(*e->vals));
			spl_value_init(&e->vals[e->nvals++], v->val, v->len);
		}
		if (e->nvals == 0) {
			spl_error_pos(c, lp->pos, "empty IN list");
			goto fail;
		}
		return e;
	}
	switch (op->type) {
	case SPL_T_EQ:
		o = SPL_OP_EQ;
		break;
	case SPL_T_NE:
		o = SPL_OP_NE;
		break;
	case SPL_T_LT:
		o = SPL_OP_LT;
		break;
	case SPL_T_LE:
		o = SPL_OP_LE;
		break;
	case SPL_T_GT:
		o = SPL_OP_GT;
		break;
	case SPL_T_GE:
		o = SPL_OP_GE;
		break;
	default:
		if (strcmp(f->val, "*") == 0)
			return spl_expr_new(SPL_N_TRUE);
		spl_error_pos(c, f->pos, "free-text search term '%s' is not "
		    "supported", f->val);
		return NULL;
	}
	spl_tok_next(c);
	v = spl_tok_next(c);
	if (!spl_is_value(v)) {
		spl_error_pos(c, op->pos, "expected a value after '%s'",
		    spl_tok_text(op));
		return NULL;
	}
	e = spl_expr_new(SPL_N_CMP);
	e->op = o;
	if ((e->field = spl_intern(c, f)) == -1)
		goto fail;
	e->vals = xcalloc(1, sizeof(*e->vals));
	e->nvals = 1;
	spl_value_init(&e->vals[0], v->val, v->len);
	if (o >= SPL_OP_LT && !e->vals[0].numeric) {
		spl_error_pos(c, v->pos, "expected a number after '%s'",
		    spl_tok_text(op));
		goto fail;
	}
	return e;
fail:
	spl_expr_free(e);
	return NULL;
}

static struct spl_expr *
spl_parse_primary(struct spl_ctx *c)
{
	struct spl_tok	*t = spl_tok_cur(c), *lp;
	struct spl_expr	*e;

	if (t->type == SPL_T_LPAREN) {
		lp = spl_tok_next(c);
		if (spl_tok_cur(c)->type == SPL_T_RPAREN) {
			spl_error_pos(c, lp->pos, "empty parentheses");
			return NULL;
		}
		if ((e = spl_parse_and(c)) == NULL)
			return NULL;
		if (spl_tok_cur(c)->type != SPL_T_RPAREN) {
			spl_error_pos(c, lp->pos, "unbalanced parenthesis");
			spl_expr_free(e);
			return NULL;
		}
		spl_tok_next(c);
		return e;
	}
	if (spl_is_value(t))
		return spl_parse_term(c);
	if (t->type == SPL_T_RPAREN)
		spl_error_pos(c, t->pos, "unbalanced parenthesis");
	else if (t->type == SPL_T_LBRACKET)
		spl_error_pos(c, t->pos, "a subsearch as search terms is "
		    "not supported");
	else
		spl_error_pos(c, t->pos, "expected a search term, not '%s'",
		    spl_tok_text(t));
	return NULL;
}

static struct spl_expr *
spl_parse_not(struct spl_ctx *c)
{
	struct spl_tok	*t = spl_tok_cur(c);
	struct spl_expr	*e, *kid;

	if (!spl_tok_is(t, "NOT"))
		return spl_parse_primary(c);
	spl_tok_next(c);
	if (!spl_term_start(spl_tok_cur(c))) {
		spl_error_pos(c, t->pos, "expected a search term after 'NOT'");
		return NULL;
	}
	if ((kid = spl_parse_not(c)) == NULL)
		return NULL;
	e = spl_expr_new(SPL_N_NOT);
	spl_expr_add(e, kid);
	return e;
}

static struct spl_expr *
spl_parse_or(struct spl_ctx *c)
{
	struct spl_tok	*t;
	struct spl_expr	*e, *kid;

	if ((e = spl_parse_not(c)) == NULL)
		return NULL;
	while (spl_tok_is(t = spl_tok_cur(c), "OR")) {
		spl_tok_next(c);
		if (!spl_term_start(spl_tok_cur(c))) {
			spl_error_pos(c, t->pos,
			    "expected a search term after 'OR'");
			goto fail;
		}
		if ((kid = spl_parse_not(c)) == NULL)
			goto fail;
		e = spl_expr_join(SPL_N_OR, e, kid);
	}
	return e;
fail:
	spl_expr_free(e);
	return NULL;
}

static struct spl_expr *
spl_parse_and(struct spl_ctx *c)
{
	struct spl_tok	*t;
	struct spl_expr	*e, *kid;

	if ((e = spl_parse_or(c)) == NULL)
		return NULL;
	for (;;) {
		t = spl_tok_cur(c);
		if (spl_tok_is(t, "AND")) {
			spl_tok_next(c);
			if (!spl_term_start(spl_tok_cur(c))) {
				spl_error_pos(c, t->pos,
				    "expected a search term after 'AND'");
				goto fail;
			}
		} else if (!spl_term_start(t))
			break;
		if ((kid = spl_parse_or(c)) == NULL)
			goto fail;
		e = spl_expr_join(SPL_N_AND, e, kid);
	}
	return e;
fail:
	spl_expr_free(e);
	return NULL;
}

/* The body of a search command: an expression up to '|' or the end. */
struct spl_expr *
spl_parse_search(struct spl_ctx *c)
{
	struct spl_tok	*t = spl_tok_cur(c);
	struct spl_expr	*e;

	if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
		return spl_expr_new(SPL_N_TRUE);
	if ((e = spl_parse_and(c)) == NULL)
		return NULL;
	t = spl_tok_cur(c);
	if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
		return e;
	if (t->type == SPL_T_RPAREN)
		spl_error_pos(c, t->pos, "unbalanced parenthesis");
	else if (spl_tok_is(t, "OR") || spl_tok_is(t, "AND"))
		spl_error_pos(c, t->pos, "expected a search term after '%s'",
		    t->val);
	else
		spl_error_pos(c, t->pos, "unexpected '%s'", spl_tok_text(t));
	spl_expr_free(e);
	return NULL;
}

/* What the compiler learns from an expression. */

/* Collects the fields an expression reads. */
void
spl_expr_fields(const struct spl_expr *e, int **ids, size_t *n)
{
	size_t	 k;

	if (e->type == SPL_N_CMP || e->type == SPL_N_REGEX)
		spl_ids_add_uniq(ids, n, e->field);
	if (e->type == SPL_N_EVAL)
		spl_eval_fields(e->eval, ids, n);
	for (k = 0; k < e->nkids; k++)
		spl_expr_fields(e->kids[k], ids, n);
}

/* The EventCode every match must have, or -1. */
int
spl_expr_event_code(const struct spl_expr *e)
{
	const struct spl_expr *t;
	size_t		 k, n = 1;
	const struct spl_expr *const *kids = &e;

	if (e->type == SPL_N_AND) {
		n = e->nkids;
		kids = (const struct spl_expr *const *)e->kids;
	}
	for (k = 0; k < n; k++) {
		t = kids[k];
		if (t->type == SPL_N_CMP && t->field == EVENT_F_EVENTCODE &&
		    t->op == SPL_OP_EQ && t->vals[0].numeric &&
		    t->vals[0].num >= 0 && t->vals[0].num <= 65535 &&
		    t->vals[0].num == floor(t->vals[0].num))
			return (int)t->vals[0].num;
	}
	return -1;
}

/*
 * Whether t allows only EventCodes it can list: "EventCode=N", "EventCode
 * IN (N, ...)" with integers N in 0..65535, or an OR of such terms; then
 * their bits are set in codes.
 */
static bool
spl_expr_codes(const struct spl_expr *t, uint64_t *codes)
{
	size_t		 k;
	double		 v;

	if (t->type == SPL_N_OR) {
		for (k = 0; k < t->nkids; k++)
			if (!spl_expr_codes(t->kids[k], codes))
				return false;
		return t->nkids > 0;
	}
	if (t->type != SPL_N_CMP || t->field != EVENT_F_EVENTCODE ||
	    (t->op != SPL_OP_EQ && t->op != SPL_OP_IN))
		return false;
	for (k = 0; k < t->nvals; k++) {
		v = t->vals[k].num;
		if (!t->vals[k].numeric || v < 0 || v > 65535 || v != floor(v))
			return false;
	}
	for (k = 0; k < t->nvals; k++) {
		v = t->vals[k].num;
		codes[(unsigned)v >> 6] |= (uint64_t)1 << ((unsigned)v & 63);
	}
	return t->nvals > 0;
}

bool
spl_search_codes(const struct spl_search *s, uint64_t *codes)
{
	uint64_t	 tmp[SPL_NCODES / 64];
	const struct spl_expr *e = s->filter;
	const struct spl_expr *const *kids = &e;
	size_t		 k, n = 1;

	if (e->type == SPL_N_AND) {
		n = e->nkids;
		kids = (const struct spl_expr *const *)e->kids;
	}
	for (k = 0; k < n; k++) {
		memset(tmp, 0, sizeof(tmp));
		if (spl_expr_codes(kids[k], tmp)) {
			memcpy(codes, tmp, sizeof(tmp));
			return true;
		}
	}
	return false;
}

/*
 * A rough cost of evaluating e on an event: a few units per plain value,
 * more per wildcard pattern and per segment to be searched for.
 */
static size_t
spl_expr_cost(const struct spl_expr *e)
{
	size_t		 k, c = 0;

	if (e->type == SPL_N_REGEX || e->type == SPL_N_EVAL)
		return 64;
	if (e->type == SPL_N_CMP) {
		for (k = 0; k < e->nvals; k++)
			c += e->vals[k].wild ? 8 + 8 * e->vals[k].nmid : 2;
		return c;
	}
	for (k = 0; k < e->nkids; k++)
		c += spl_expr_cost(e->kids[k]);
	return c;
}

/*
 * Orders the terms of every AND and OR in e by their cost, cheapest
 * first, keeping the order of equal ones.  A term only yields true or
 * false (an absent field makes a comparison false, whatever the order),
 * and AND and OR stop at the first term that decides them, so the
 * order changes nothing but the time taken.
 */
void
spl_expr_order(struct spl_expr *e)
{
	struct spl_expr	*t;
	size_t		 i, j, c, *cost;

	for (i = 0; i < e->nkids; i++)
		spl_expr_order(e->kids[i]);
	if ((e->type != SPL_N_AND && e->type != SPL_N_OR) || e->nkids < 2)
		return;
	cost = xcalloc(e->nkids, sizeof(*cost));
	for (i = 0; i < e->nkids; i++) {
		t = e->kids[i];
		c = spl_expr_cost(t);
		for (j = i; j > 0 && cost[j - 1] > c; j--) {
			e->kids[j] = e->kids[j - 1];
			cost[j] = cost[j - 1];
		}
		e->kids[j] = t;
		cost[j] = c;
	}
	free(cost);
}

/*
 * Moves the conjunct "EventCode=code" of a top-level AND first: it is
 * the cheapest test and fails on most events.  AND has no side effects,
 * so the order changes nothing but the time taken.
 */
void
spl_expr_code_first(struct spl_expr *e, int code)
{
	struct spl_expr	*t;
	size_t		 k;

	if (code == -1 || e->type != SPL_N_AND)
		return;
	for (k = 0; k < e->nkids; k++) {
		t = e->kids[k];
		if (t->type == SPL_N_CMP && t->field == EVENT_F_EVENTCODE &&
		    t->op == SPL_OP_EQ && t->vals[0].numeric &&
		    t->vals[0].num == code) {
			memmove(e->kids + 1, e->kids, k * sizeof(*e->kids));
			e->kids[0] = t;
			return;
		}
	}
}
