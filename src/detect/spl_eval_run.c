/*
 * SPL eval expressions at run time: the values (spl_eval.h), the
 * operators with Splunk's eval typing and null propagation, and the eval
 * and where commands on an event or a row.  Comparisons on a multivalue
 * are true when any of its values compares true.  Nothing allocates:
 * intermediate strings go to a scratch arena on the stack, and only an
 * eval's result is copied into the row.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_eval.h"
#include "detect/spl_int.h"

/* Values. */

void
spl_val_null(struct spl_val *v)
{
	memset(v, 0, sizeof(*v));
}

void
spl_val_bool(struct spl_val *v, bool b)
{
	memset(v, 0, sizeof(*v));
	v->t = SPL_V_BOOL;
	v->b = b;
}

/* A number; not finite is null (Splunk has no NaN or infinity). */
void
spl_val_numv(struct spl_val *v, double d)
{
	memset(v, 0, sizeof(*v));
	if (!isfinite(d))
		return;
	v->t = SPL_V_NUM;
	v->n = d;
}

/* A string that is no field's: never taken as a number. */
void
spl_val_str(struct spl_val *v, const char *s, size_t len)
{
	memset(v, 0, sizeof(*v));
	v->t = SPL_V_STR;
	v->s = s;
	v->len = len;
}

/* Whether v is a number, or a field's single value that is one. */
bool
spl_val_num(const struct spl_val *v, double *d)
{
	if (v->t == SPL_V_NUM) {
		*d = v->n;
		return true;
	}
	return v->t == SPL_V_STR && v->field && !v->mv &&
	    spl_parse_num(v->s, v->len, d);
}

/*
 * Numbers as eval writes them: integers without a point, others with
 * up to 16 significant digits.  Returns the length, or -1.
 */
int
spl_fmt_num(double d, char *buf, size_t size)
{
	int	 n;

	if (d == 0)
		d = 0;		/* no "-0" */
	if (d == floor(d) && fabs(d) < 1e15)
		n = snprintf(buf, size, "%.0f", d);
	else
		n = snprintf(buf, size, "%.16g", d);
	return n > 0 && (size_t)n < size ? n : -1;
}

/* len bytes of scratch, or NULL when the arena is spent. */
char *
spl_eenv_alloc(struct spl_eenv *env, size_t len)
{
	char	*p;

	if (len > env->cap - env->used)
		return NULL;
	p = env->buf + env->used;
	env->used += len;
	return p;
}

/*
 * The text of v: numbers formatted into scratch, booleans "True" and
 * "False" (as tostring() writes them).  False for null, or when scratch
 * is spent.
 */
bool
spl_val_text(struct spl_eenv *env, const struct spl_val *v, const char **s,
    size_t *len)
{
	char	 buf[64], *p;
	int	 n;

	switch (v->t) {
	case SPL_V_NULL:
		return false;
	case SPL_V_BOOL:
		*s = v->b ? "True" : "False";
		*len = strlen(*s);
		return true;
	case SPL_V_STR:
		*s = v->s;
		*len = v->len;
		return true;
	case SPL_V_NUM:
		break;
	}
	if ((n = spl_fmt_num(v->n, buf, sizeof(buf))) < 0 ||
	    (p = spl_eenv_alloc(env, (size_t)n)) == NULL)
		return false;
	memcpy(p, buf, (size_t)n);
	*s = p;
	*len = (size_t)n;
	return true;
}

/*
 * The values of v in turn: *pos starts at 0; each call gives the next
 * value in [*s, *s + *len).  A single value is one value, null none.
 */
bool
spl_mv_next(const struct spl_val *v, size_t *pos, const char **s,
    size_t *len)
{
	const char	*e;

	if (v->t != SPL_V_STR || *pos > v->len ||
	    (*pos == v->len && (v->len > 0 || *pos > 0)))
		return false;
	if (!v->mv) {
		*s = v->s;
		*len = v->len;
		*pos = v->len + 1;
		return true;
	}
	*s = v->s + *pos;
	if ((e = memchr(*s, '\n', v->len - *pos)) == NULL)
		e = v->s + v->len;
	*len = (size_t)(e - *s);
	*pos += *len + 1;
	return true;
}

/* How many values v has: 0 for null, 1 for a single value. */
size_t
spl_mv_count(const struct spl_val *v)
{
	const char	*s;
	size_t		 len, pos = 0, n = 0;

	if (v->t == SPL_V_NULL)
		return 0;
	if (v->t != SPL_V_STR || !v->mv)
		return 1;
	while (spl_mv_next(v, &pos, &s, &len))
		n++;
	return n;
}

/* Evaluation. */

/* The field's value; absent (or empty) is null. */
static void
spl_ex_field(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	const char	*s;
	size_t		 len;

	if (x->field == env->cur) {
		spl_val_str(out, env->cur_s, env->cur_len);
		out->field = true;
		return;
	}
	if (!event_get(env->ev, x->field, &s, &len)) {
		spl_val_null(out);
		return;
	}
	spl_val_str(out, s, len);
	out->field = true;
	out->mv = env->rows && memchr(s, '\n', len) != NULL;
}

/* Arithmetic: + of two strings concatenates (Splunk's rule). */
static void
spl_ex_arith(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 a, b;
	double		 da, db;
	char		*p;

	spl_ex_eval(x->args[0], env, &a);
	spl_ex_eval(x->args[1], env, &b);
	spl_val_null(out);
	if (a.t == SPL_V_NULL || b.t == SPL_V_NULL)
		return;
	if (!spl_val_num(&a, &da) || !spl_val_num(&b, &db)) {
		if (x->op != SPL_X_ADD || a.t != SPL_V_STR ||
		    b.t != SPL_V_STR ||
		    (p = spl_eenv_alloc(env, a.len + b.len)) == NULL)
			return;
		memcpy(p, a.s, a.len);
		memcpy(p + a.len, b.s, b.len);
		spl_val_str(out, p, a.len + b.len);
		return;
	}
	switch (x->op) {
	case SPL_X_ADD:
		spl_val_numv(out, da + db);
		break;
	case SPL_X_SUB:
		spl_val_numv(out, da - db);
		break;
	case SPL_X_MUL:
		spl_val_numv(out, da * db);
		break;
	case SPL_X_DIV:
		if (db != 0)
			spl_val_numv(out, da / db);
		break;
	default:
		if (db != 0)
			spl_val_numv(out, fmod(da, db));
		break;
	}
}

/* a . b: the texts joined; null when either is null. */
static void
spl_ex_cat(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	struct spl_val	 a, b;
	const char	*sa, *sb;
	size_t		 la, lb;
	char		*p;

	spl_ex_eval(x->args[0], env, &a);
	spl_ex_eval(x->args[1], env, &b);
	spl_val_null(out);
	if (!spl_val_text(env, &a, &sa, &la) ||
	    !spl_val_text(env, &b, &sb, &lb) ||
	    (p = spl_eenv_alloc(env, la + lb)) == NULL)
		return;
	memcpy(p, sa, la);
	memcpy(p + la, sb, lb);
	spl_val_str(out, p, la + lb);
}

/*
 * Compares two single values: numerically when both are numbers, else
 * as byte strings (eval compares case-sensitively).  Returns <0, 0, >0.
 */
static int
spl_cmp1(const char *a, size_t la, bool na, const char *b, size_t lb,
    bool nb)
{
	double	 da, db;
	int	 r;

	if (na && nb && spl_parse_num(a, la, &da) &&
	    spl_parse_num(b, lb, &db))
		return da < db ? -1 : da > db;
	r = memcmp(a, b, la < lb ? la : lb);
	if (r != 0)
		return r;
	return la < lb ? -1 : la > lb;
}

static bool
spl_cmp_ok(enum spl_x op, int r)
{
	switch (op) {
	case SPL_X_EQ:
		return r == 0;
	case SPL_X_NE:
		return r != 0;
	case SPL_X_LT:
		return r < 0;
	case SPL_X_LE:
		return r <= 0;
	case SPL_X_GT:
		return r > 0;
	default:
		return r >= 0;
	}
}

/*
 * Whether op holds between a value of a and a value of b, for any pair
 * (a multivalue compares true when any of its values does).
 */
static bool
spl_cmp_any(struct spl_eenv *env, enum spl_x op, const struct spl_val *a,
    const struct spl_val *b)
{
	const char	*sa, *sb;
	size_t		 la, lb, pa = 0, pb;
	double		 da, db;
	bool		 na, nb;

	if (!a->mv && !b->mv && spl_val_num(a, &da) && spl_val_num(b, &db))
		return spl_cmp_ok(op, da < db ? -1 : da > db);
	if (a->t != SPL_V_STR && !spl_val_text(env, a, &sa, &la))
		return false;
	if (b->t != SPL_V_STR && !spl_val_text(env, b, &sb, &lb))
		return false;
	na = a->t == SPL_V_NUM || a->field;
	nb = b->t == SPL_V_NUM || b->field;
	if (a->t == SPL_V_STR) {
		if (!spl_mv_next(a, &pa, &sa, &la))
			return false;
	} else
		pa = SIZE_MAX;
	for (;;) {
		pb = 0;
		if (b->t != SPL_V_STR) {
			if (spl_cmp_ok(op, spl_cmp1(sa, la, na, sb, lb, nb)))
				return true;
		} else
			while (spl_mv_next(b, &pb, &sb, &lb))
				if (spl_cmp_ok(op, spl_cmp1(sa, la, na, sb, lb,
				    nb)))
					return true;
		if (pa == SIZE_MAX || !spl_mv_next(a, &pa, &sa, &la))
			return false;
	}
}

static void
spl_ex_cmp(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	struct spl_val	 a, b;
	const char	*sa, *sp;
	size_t		 la, lp, pos = 0, k;

	spl_ex_eval(x->args[0], env, &a);
	spl_val_null(out);
	if (a.t == SPL_V_NULL)
		return;
	if (x->op == SPL_X_IN) {
		for (k = 1; k < x->nargs; k++) {
			spl_ex_eval(x->args[k], env, &b);
			if (b.t != SPL_V_NULL &&
			    spl_cmp_any(env, SPL_X_EQ, &a, &b)) {
				spl_val_bool(out, true);
				return;
			}
		}
		spl_val_bool(out, false);
		return;
	}
	spl_ex_eval(x->args[1], env, &b);
	if (b.t == SPL_V_NULL)
		return;
	if (x->op != SPL_X_LIKE) {
		spl_val_bool(out, spl_cmp_any(env, x->op, &a, &b));
		return;
	}
	if (!spl_val_text(env, &b, &sp, &lp))
		return;
	if (a.t != SPL_V_STR) {
		if (!spl_val_text(env, &a, &sa, &la))
			return;
		spl_val_bool(out, spl_like(sa, la, sp, lp));
		return;
	}
	while (spl_mv_next(&a, &pos, &sa, &la))
		if (spl_like(sa, la, sp, lp)) {
			spl_val_bool(out, true);
			return;
		}
	spl_val_bool(out, false);
}

/* AND, OR, XOR, NOT with null as unknown (three-valued). */
static void
spl_ex_logic(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 a, b;

	spl_ex_eval(x->args[0], env, &a);
	if (x->op == SPL_X_NOT) {
		if (a.t == SPL_V_BOOL)
			spl_val_bool(out, !a.b);
		else
			spl_val_null(out);
		return;
	}
	if (a.t == SPL_V_BOOL && x->op == SPL_X_AND && !a.b) {
		spl_val_bool(out, false);
		return;
	}
	if (a.t == SPL_V_BOOL && x->op == SPL_X_OR && a.b) {
		spl_val_bool(out, true);
		return;
	}
	spl_ex_eval(x->args[1], env, &b);
	spl_val_null(out);
	if (x->op == SPL_X_AND && b.t == SPL_V_BOOL && !b.b)
		spl_val_bool(out, false);
	else if (x->op == SPL_X_OR && b.t == SPL_V_BOOL && b.b)
		spl_val_bool(out, true);
	else if (a.t == SPL_V_BOOL && b.t == SPL_V_BOOL)
		spl_val_bool(out, x->op == SPL_X_XOR ? a.b != b.b : a.b);
}

void
spl_ex_eval(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	struct spl_val	 a;
	double		 d;

	switch (x->op) {
	case SPL_X_NUM:
		spl_val_numv(out, x->num);
		return;
	case SPL_X_STR:
		spl_val_str(out, x->str, x->len);
		return;
	case SPL_X_FIELD:
		spl_ex_field(x, env, out);
		return;
	case SPL_X_NEG:
		spl_ex_eval(x->args[0], env, &a);
		if (spl_val_num(&a, &d))
			spl_val_numv(out, -d);
		else
			spl_val_null(out);
		return;
	case SPL_X_ADD:
	case SPL_X_SUB:
	case SPL_X_MUL:
	case SPL_X_DIV:
	case SPL_X_MOD:
		spl_ex_arith(x, env, out);
		return;
	case SPL_X_CAT:
		spl_ex_cat(x, env, out);
		return;
	case SPL_X_EQ:
	case SPL_X_NE:
	case SPL_X_LT:
	case SPL_X_LE:
	case SPL_X_GT:
	case SPL_X_GE:
	case SPL_X_LIKE:
	case SPL_X_IN:
		spl_ex_cmp(x, env, out);
		return;
	case SPL_X_NOT:
	case SPL_X_AND:
	case SPL_X_OR:
	case SPL_X_XOR:
		spl_ex_logic(x, env, out);
		return;
	case SPL_X_CALL:
		x->fn->eval(x, env, out);
		return;
	}
	spl_val_null(out);
}

/* An evaluation of ev with the scratch buf[cap]. */
static void
spl_eenv_init(struct spl_eenv *env, const struct event *ev, bool rows,
    char *buf, size_t cap)
{
	env->ev = ev;
	env->rows = rows;
	env->cur = -1;
	env->cur_s = NULL;
	env->cur_len = 0;
	env->buf = buf;
	env->used = 0;
	env->cap = cap;
}

/* Whether where's expression is true on ev (false and null drop it). */
bool
spl_eval_test(const struct spl_eval *e, const struct event *ev)
{
	char		 scratch[SPL_EVAL_SCRATCH];
	struct spl_eenv	 env;
	struct spl_val	 v;

	spl_eenv_init(&env, ev, e->rows, scratch, sizeof(scratch));
	spl_ex_eval(e->ex[0], &env, &v);
	return v.t == SPL_V_BOOL && v.b;
}

bool
spl_where_apply(const struct spl_post *p, struct event *row)
{
	return spl_eval_test(p->eval, row);
}

/*
 * eval on a row: each assignment in turn (a later one sees the earlier
 * ones); null removes the field, as in Splunk.  A value the row's
 * arena cannot hold leaves the field unset.
 */
bool
spl_eval_apply(const struct spl_post *p, struct event *row)
{
	const struct spl_eval *e = p->eval;
	char		 scratch[SPL_EVAL_SCRATCH];
	struct spl_eenv	 env;
	struct spl_val	 v;
	const char	*s;
	size_t		 k, len;

	spl_eenv_init(&env, row, e->rows, scratch, sizeof(scratch));
	for (k = 0; k < e->n; k++) {
		env.used = 0;
		spl_ex_eval(e->ex[k], &env, &v);
		if (v.t == SPL_V_BOOL || !spl_val_text(&env, &v, &s, &len) ||
		    event_set(row, e->to[k], s, len) == -1)
			event_unset(row, e->to[k]);
	}
	return true;
}
