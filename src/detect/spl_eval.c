/*
 * SPL eval expressions and the eval and where commands.  At load time
 * the text of the command is lexed and parsed into a tree of struct
 * spl_ex with Splunk's precedence, type checked (booleans where booleans
 * go, no boolean assigned to a field) and every function looked up in
 * the table of spl_func.c, so that an unknown name is refused with its
 * position.  At run time the tree is evaluated with Splunk's eval typing
 * (spl_eval.h), null propagating through operators; comparisons on a
 * multivalue are true when any value compares true.  Nothing allocates
 * at run time: the scratch arena is on the caller's stack.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode/event.h"
#include "detect/spl_eval.h"
#include "detect/spl_int.h"
#include "xmalloc.h"

/* Tokens of an expression. */
enum spl_xk {
	SPL_XK_EOF = 0,
	SPL_XK_NUM,
	SPL_XK_STR,
	SPL_XK_NAME,			/* bare word */
	SPL_XK_QNAME,			/* 'quoted field name' */
	SPL_XK_LP,
	SPL_XK_RP,
	SPL_XK_COMMA,
	SPL_XK_OP			/* operator: s, len */
};

struct spl_xtok {
	enum spl_xk	 k;
	size_t		 pos;		/* offset in the expanded text */
	const char	*s;		/* in the expanded text */
	size_t		 len;
	char		*val;		/* STR, QNAME: the value */
	size_t		 vlen;
	double		 num;		/* NUM */
};

/* Parser state over the tokens of one command. */
struct spl_xp {
	struct spl_ctx	*c;
	struct spl_xtok	*t;
	size_t		 n;
	size_t		 i;
	int		 depth;
};

static struct spl_ex *spl_xp_or(struct spl_xp *);

/* Lexing. */

static bool
spl_x_namech(char ch, bool first)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_')
		return true;
	return !first && ch >= '0' && ch <= '9';
}

static bool
spl_x_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static void
spl_xtok_add(struct spl_xp *p, enum spl_xk k, size_t pos, const char *s,
    size_t len)
{
	struct spl_xtok	*t;

	p->t = xreallocarray(p->t, p->n + 1, sizeof(*p->t));
	t = &p->t[p->n++];
	memset(t, 0, sizeof(*t));
	t->k = k;
	t->pos = pos;
	t->s = s;
	t->len = len;
}

/* A quoted string or name opening at s[i]; returns its end, or 0. */
static size_t
spl_x_lex_quoted(struct spl_xp *p, size_t i, size_t end)
{
	const char	*s = p->c->text;
	char		 q = s[i], *v;
	size_t		 k, n = 0;

	v = xmalloc(end - i + 1);
	for (k = i + 1; k < end; k++) {
		if (s[k] == q) {
			v[n] = '\0';
			spl_xtok_add(p, q == '"' ? SPL_XK_STR :
			    SPL_XK_QNAME, i, s + i, k + 1 - i);
			p->t[p->n - 1].val = v;
			p->t[p->n - 1].vlen = n;
			return k + 1;
		}
		if (q == '"' && s[k] == '\\' && k + 1 < end &&
		    (s[k + 1] == '\\' || s[k + 1] == '"'))
			k++;
		v[n++] = s[k];
	}
	free(v);
	spl_error_pos(p->c, i, "unterminated %s", q == '"' ? "string" :
	    "quoted field name");
	return 0;
}

/* Splits the text [start, end) into p->t; false with the error set. */
static bool
spl_x_lex(struct spl_xp *p, size_t start, size_t end)
{
	static const char *const ops[] = {
		"==", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/",
		"%", "."
	};
	const char	*s = p->c->text;
	size_t		 i = start, j, k;
	char		 buf[SPL_NUM_MAX];

	while (i < end) {
		if (spl_is_space(s[i])) {
			i++;
			continue;
		}
		if (s[i] == '"' || s[i] == '\'') {
			if ((i = spl_x_lex_quoted(p, i, end)) == 0)
				return false;
			continue;
		}
		if (s[i] == '(' || s[i] == ')' || s[i] == ',') {
			spl_xtok_add(p, s[i] == '(' ? SPL_XK_LP : s[i] == ')' ?
			    SPL_XK_RP : SPL_XK_COMMA, i, s + i, 1);
			i++;
			continue;
		}
		if (spl_x_digit(s[i]) || (s[i] == '.' && i + 1 < end &&
		    spl_x_digit(s[i + 1]))) {
			for (j = i; j < end && (spl_x_digit(s[j]) ||
			    s[j] == '.'); j++)
				;
			if (j < end && (s[j] == 'e' || s[j] == 'E')) {
				k = j + 1;
				if (k < end && (s[k] == '+' || s[k] == '-'))
					k++;
				if (k < end && spl_x_digit(s[k])) {
					for (j = k; j < end &&
					    spl_x_digit(s[j]); j++)
						;
				}
			}
			spl_xtok_add(p, SPL_XK_NUM, i, s + i, j - i);
			if (j - i >= sizeof(buf) || !spl_parse_num(s + i,
			    j - i, &p->t[p->n - 1].num)) {
				spl_error_pos(p->c, i, "malformed number");
				return false;
			}
			i = j;
			continue;
		}
		if (spl_x_namech(s[i], true)) {
			for (j = i + 1; j < end && spl_x_namech(s[j], false);
			    j++)
				;
			spl_xtok_add(p, SPL_XK_NAME, i, s + i, j - i);
			i = j;
			continue;
		}
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (strncmp(s + i, ops[k], strlen(ops[k])) == 0 &&
			    i + strlen(ops[k]) <= end)
				break;
		if (k == sizeof(ops) / sizeof(ops[0])) {
			spl_error_pos(p->c, i, "unexpected '%c' in an "
			    "expression", s[i]);
			return false;
		}
		spl_xtok_add(p, SPL_XK_OP, i, s + i, strlen(ops[k]));
		i += strlen(ops[k]);
	}
	spl_xtok_add(p, SPL_XK_EOF, end, s + end, 0);
	return true;
}

static void
spl_xp_clear(struct spl_xp *p)
{
	size_t	 k;

	for (k = 0; k < p->n; k++)
		free(p->t[k].val);
	free(p->t);
	p->t = NULL;
	p->n = 0;
}

/* Parsing. */

static struct spl_xtok *
spl_xp_cur(struct spl_xp *p)
{
	return &p->t[p->i];
}

static struct spl_xtok *
spl_xp_next(struct spl_xp *p)
{
	struct spl_xtok	*t = &p->t[p->i];

	if (t->k != SPL_XK_EOF)
		p->i++;
	return t;
}

/* Whether t is the operator op. */
static bool
spl_xp_isop(const struct spl_xtok *t, const char *op)
{
	return t->k == SPL_XK_OP && t->len == strlen(op) &&
	    memcmp(t->s, op, t->len) == 0;
}

/* Whether t is the keyword kw (AND, OR, ...), in any case. */
static bool
spl_xp_iskw(const struct spl_xtok *t, const char *kw)
{
	return t->k == SPL_XK_NAME && t->len == strlen(kw) &&
	    strncasecmp(t->s, kw, t->len) == 0;
}

static bool
spl_xp_isanykw(const struct spl_xtok *t)
{
	return spl_xp_iskw(t, "AND") || spl_xp_iskw(t, "OR") ||
	    spl_xp_iskw(t, "XOR") || spl_xp_iskw(t, "NOT") ||
	    spl_xp_iskw(t, "LIKE") || spl_xp_iskw(t, "IN");
}

static const char *
spl_xtok_text(const struct spl_xtok *t, char *buf, size_t size)
{
	if (t->k == SPL_XK_EOF)
		return "end of expression";
	snprintf(buf, size, "%.*s", (int)(t->len > 60 ? 60 : t->len), t->s);
	return buf;
}

static struct spl_ex *
spl_ex_new(enum spl_x op, size_t pos)
{
	struct spl_ex	*x;

	x = xcalloc(1, sizeof(*x));
	x->op = op;
	x->pos = pos;
	x->field = -1;
	return x;
}

static void
spl_ex_add(struct spl_ex *x, struct spl_ex *arg)
{
	x->args = xreallocarray(x->args, x->nargs + 1, sizeof(*x->args));
	x->args[x->nargs++] = arg;
}

static void
spl_ex_free(struct spl_ex *x)
{
	size_t	 k;

	if (x == NULL)
		return;
	for (k = 0; k < x->nargs; k++)
		spl_ex_free(x->args[k]);
	spl_fn_free_aux(x);
	free(x->args);
	free(x->str);
	free(x);
}

/* Refuses operand a of x unless it has type want. */
static bool
spl_xp_want(struct spl_xp *p, const struct spl_ex *a, enum spl_xt want,
    const char *what)
{
	if (a->type == want)
		return true;
	if (want == SPL_XT_BOOL)
		spl_error_pos(p->c, a->pos, "%s takes a boolean expression "
		    "(a comparison or a function such as isnotnull())", what);
	else
		spl_error_pos(p->c, a->pos, "%s takes a value, not a boolean "
		    "expression", what);
	return false;
}

/* A function call: name already taken, at '('. */
static struct spl_ex *
spl_xp_call(struct spl_xp *p, const struct spl_xtok *name)
{
	struct spl_ex	*x, *a;
	const char	*sig;
	size_t		 k, sl;
	char		 what[80], ch;

	x = spl_ex_new(SPL_X_CALL, name->pos);
	if ((x->fn = spl_fn_find(name->s, name->len)) == NULL) {
		spl_error_pos(p->c, name->pos, "unknown eval function "
		    "'%.*s'", (int)name->len, name->s);
		goto fail;
	}
	x->type = x->fn->type;
	spl_xp_next(p);
	if (spl_xp_cur(p)->k == SPL_XK_RP)
		spl_xp_next(p);
	else {
		for (;;) {
			if ((a = spl_xp_or(p)) == NULL)
				goto fail;
			spl_ex_add(x, a);
			if (spl_xp_cur(p)->k == SPL_XK_COMMA) {
				spl_xp_next(p);
				continue;
			}
			if (spl_xp_cur(p)->k != SPL_XK_RP) {
				spl_error_pos(p->c, spl_xp_cur(p)->pos,
				    "expected ',' or ')' in %s()",
				    x->fn->name);
				goto fail;
			}
			spl_xp_next(p);
			break;
		}
	}
	if (x->nargs < x->fn->min || x->nargs > x->fn->max) {
		spl_error_pos(p->c, name->pos, "%s() takes %zu%s argument%s, "
		    "not %zu", x->fn->name, x->fn->min, x->fn->max ==
		    x->fn->min ? "" : " or more", x->fn->min == 1 &&
		    x->fn->max == 1 ? "" : "s", x->nargs);
		goto fail;
	}
	if ((sig = x->fn->sig) != NULL && (sl = strlen(sig)) > 0) {
		snprintf(what, sizeof(what), "%s()", x->fn->name);
		for (k = 0; k < x->nargs; k++) {
			ch = sig[k < sl ? k : sl - 1];
			if (ch != 'a' && !spl_xp_want(p, x->args[k], ch ==
			    'b' ? SPL_XT_BOOL : SPL_XT_VALUE, what))
				goto fail;
		}
	}
	if (x->fn->check != NULL && x->fn->check(p->c, x) == -1)
		goto fail;
	return x;
fail:
	spl_ex_free(x);
	return NULL;
}

static struct spl_ex *
spl_xp_primary(struct spl_xp *p)
{
	struct spl_xtok	*t = spl_xp_cur(p);
	struct spl_ex	*x;
	char		 buf[64];
	int		 id;

	switch (t->k) {
	case SPL_XK_NUM:
		spl_xp_next(p);
		x = spl_ex_new(SPL_X_NUM, t->pos);
		x->num = t->num;
		return x;
	case SPL_XK_STR:
		spl_xp_next(p);
		x = spl_ex_new(SPL_X_STR, t->pos);
		x->str = t->val;
		x->len = t->vlen;
		t->val = NULL;
		return x;
	case SPL_XK_LP:
		spl_xp_next(p);
		if ((x = spl_xp_or(p)) == NULL)
			return NULL;
		if (spl_xp_cur(p)->k != SPL_XK_RP) {
			spl_error_pos(p->c, spl_xp_cur(p)->pos,
			    "expected ')', not '%s'",
			    spl_xtok_text(spl_xp_cur(p), buf, sizeof(buf)));
			spl_ex_free(x);
			return NULL;
		}
		spl_xp_next(p);
		return x;
	case SPL_XK_NAME:
		if (p->t[p->i + 1].k == SPL_XK_LP) {
			spl_xp_next(p);
			return spl_xp_call(p, t);
		}
		if (spl_xp_isanykw(t))
			break;
		spl_xp_next(p);
		/* FALLTHROUGH */
	case SPL_XK_QNAME:
		if (t->k == SPL_XK_QNAME)
			spl_xp_next(p);
		if (t->k == SPL_XK_QNAME)
			id = event_field_intern(t->val, t->vlen);
		else
			id = event_field_intern(t->s, t->len);
		if (id == -1) {
			spl_error_pos(p->c, t->pos, "too many field names");
			return NULL;
		}
		x = spl_ex_new(SPL_X_FIELD, t->pos);
		x->field = id;
		return x;
	default:
		break;
	}
	spl_error_pos(p->c, t->pos, "expected a value, not '%s'",
	    spl_xtok_text(t, buf, sizeof(buf)));
	return NULL;
}

/* Joins a and b under op; both must have type want. */
static struct spl_ex *
spl_xp_bin(struct spl_xp *p, enum spl_x op, const struct spl_xtok *t,
    struct spl_ex *a, struct spl_ex *b, enum spl_xt want)
{
	struct spl_ex	*x;
	char		 what[32];

	x = spl_ex_new(op, a->pos);
	x->type = op >= SPL_X_EQ ? SPL_XT_BOOL : SPL_XT_VALUE;
	spl_ex_add(x, a);
	spl_ex_add(x, b);
	snprintf(what, sizeof(what), "'%.*s'", (int)t->len, t->s);
	if (!spl_xp_want(p, a, want, what) || !spl_xp_want(p, b, want, what)) {
		spl_ex_free(x);
		return NULL;
	}
	return x;
}

static struct spl_ex *
spl_xp_unary(struct spl_xp *p)
{
	struct spl_xtok	*t = spl_xp_cur(p);
	struct spl_ex	*a, *x;

	if (!spl_xp_isop(t, "-") && !spl_xp_isop(t, "+"))
		return spl_xp_primary(p);
	if (++p->depth > SPL_EVAL_DEPTH) {
		spl_error_pos(p->c, t->pos, "expression nested too deeply");
		return NULL;
	}
	spl_xp_next(p);
	a = spl_xp_unary(p);
	p->depth--;
	if (a == NULL)
		return NULL;
	if (!spl_xp_want(p, a, SPL_XT_VALUE, "unary minus")) {
		spl_ex_free(a);
		return NULL;
	}
	if (t->s[0] == '+')
		return a;
	x = spl_ex_new(SPL_X_NEG, t->pos);
	spl_ex_add(x, a);
	return x;
}

/* One level of left-associative binary operators. */
struct spl_xlevel {
	const char	*op[3];
	enum spl_x	 x[3];
};

static const struct spl_xlevel spl_xmul = {
	{ "*", "/", "%" }, { SPL_X_MUL, SPL_X_DIV, SPL_X_MOD }
};
static const struct spl_xlevel spl_xadd = {
	{ "+", "-", NULL }, { SPL_X_ADD, SPL_X_SUB, SPL_X_ADD }
};
static const struct spl_xlevel spl_xcat = {
	{ ".", NULL, NULL }, { SPL_X_CAT, SPL_X_CAT, SPL_X_CAT }
};

static struct spl_ex *
spl_xp_level(struct spl_xp *p, int level)
{
	const struct spl_xlevel *l;
	struct spl_xtok	*t;
	struct spl_ex	*a, *b;
	size_t		 k;

	l = level == 0 ? &spl_xcat : level == 1 ? &spl_xadd : &spl_xmul;
	a = level == 2 ? spl_xp_unary(p) : spl_xp_level(p, level + 1);
	while (a != NULL) {
		t = spl_xp_cur(p);
		for (k = 0; k < 3 && l->op[k] != NULL; k++)
			if (spl_xp_isop(t, l->op[k]))
				break;
		if (k == 3 || l->op[k] == NULL)
			break;
		spl_xp_next(p);
		b = level == 2 ? spl_xp_unary(p) : spl_xp_level(p, level + 1);
		if (b == NULL) {
			spl_ex_free(a);
			return NULL;
		}
		a = spl_xp_bin(p, l->x[k], t, a, b, SPL_XT_VALUE);
	}
	return a;
}

/* cat [(= == != < <= > >= LIKE) cat | IN (list)] */
static struct spl_ex *
spl_xp_cmp(struct spl_xp *p)
{
	static const char *const ops[] = { "==", "=", "!=", "<=", ">=", "<",
	    ">" };
	static const enum spl_x xs[] = { SPL_X_EQ, SPL_X_EQ, SPL_X_NE,
	    SPL_X_LE, SPL_X_GE, SPL_X_LT, SPL_X_GT };
	struct spl_xtok	*t;
	struct spl_ex	*a, *b, *x;
	size_t		 k;

	if ((a = spl_xp_level(p, 0)) == NULL)
		return NULL;
	t = spl_xp_cur(p);
	if (spl_xp_iskw(t, "IN")) {
		spl_xp_next(p);
		x = spl_ex_new(SPL_X_IN, a->pos);
		x->type = SPL_XT_BOOL;
		spl_ex_add(x, a);
		if (spl_xp_cur(p)->k != SPL_XK_LP) {
			spl_error_pos(p->c, spl_xp_cur(p)->pos,
			    "expected '(' after IN");
			goto fail;
		}
		spl_xp_next(p);
		for (;;) {
			if ((b = spl_xp_level(p, 0)) == NULL)
				goto fail;
			spl_ex_add(x, b);
			if (!spl_xp_want(p, b, SPL_XT_VALUE, "IN"))
				goto fail;
			t = spl_xp_next(p);
			if (t->k == SPL_XK_RP)
				break;
			if (t->k != SPL_XK_COMMA) {
				spl_error_pos(p->c, t->pos,
				    "expected ',' or ')' in IN (...)");
				goto fail;
			}
		}
		if (!spl_xp_want(p, a, SPL_XT_VALUE, "IN"))
			goto fail;
		return x;
	fail:
		spl_ex_free(x);
		return NULL;
	}
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (spl_xp_isop(t, ops[k]))
			break;
	if (k == sizeof(ops) / sizeof(ops[0]) && !spl_xp_iskw(t, "LIKE"))
		return a;
	spl_xp_next(p);
	if ((b = spl_xp_level(p, 0)) == NULL) {
		spl_ex_free(a);
		return NULL;
	}
	return spl_xp_bin(p, k < sizeof(xs) / sizeof(xs[0]) ? xs[k] :
	    SPL_X_LIKE, t, a, b, SPL_XT_VALUE);
}

static struct spl_ex *
spl_xp_not(struct spl_xp *p)
{
	struct spl_xtok	*t = spl_xp_cur(p);
	struct spl_ex	*a, *x;

	if (!spl_xp_iskw(t, "NOT"))
		return spl_xp_cmp(p);
	if (++p->depth > SPL_EVAL_DEPTH) {
		spl_error_pos(p->c, t->pos, "expression nested too deeply");
		return NULL;
	}
	spl_xp_next(p);
	a = spl_xp_not(p);
	p->depth--;
	if (a == NULL)
		return NULL;
	if (!spl_xp_want(p, a, SPL_XT_BOOL, "NOT")) {
		spl_ex_free(a);
		return NULL;
	}
	x = spl_ex_new(SPL_X_NOT, t->pos);
	x->type = SPL_XT_BOOL;
	spl_ex_add(x, a);
	return x;
}

/* Boolean levels: 0 OR, 1 XOR, 2 AND. */
static struct spl_ex *
spl_xp_bool(struct spl_xp *p, int level)
{
	static const char *const kw[] = { "OR", "XOR", "AND" };
	static const enum spl_x xs[] = { SPL_X_OR, SPL_X_XOR, SPL_X_AND };
	struct spl_xtok	*t;
	struct spl_ex	*a, *b;

	a = level == 2 ? spl_xp_not(p) : spl_xp_bool(p, level + 1);
	while (a != NULL && spl_xp_iskw((t = spl_xp_cur(p)), kw[level])) {
		spl_xp_next(p);
		b = level == 2 ? spl_xp_not(p) : spl_xp_bool(p, level + 1);
		if (b == NULL) {
			spl_ex_free(a);
			return NULL;
		}
		a = spl_xp_bin(p, xs[level], t, a, b, SPL_XT_BOOL);
	}
	return a;
}

static struct spl_ex *
spl_xp_or(struct spl_xp *p)
{
	struct spl_ex	*x;

	if (++p->depth > SPL_EVAL_DEPTH) {
		spl_error_pos(p->c, spl_xp_cur(p)->pos,
		    "expression nested too deeply");
		return NULL;
	}
	x = spl_xp_bool(p, 0);
	p->depth--;
	return x;
}

/* Collects the fields x reads. */
static void
spl_ex_fields(const struct spl_ex *x, int **ids, size_t *n)
{
	size_t	 k;

	if (x->op == SPL_X_FIELD)
		spl_ids_add_uniq(ids, n, x->field);
	for (k = 0; k < x->nargs; k++)
		spl_ex_fields(x->args[k], ids, n);
}

/* The commands. */

void
spl_eval_free(struct spl_eval *e)
{
	size_t	 k;

	if (e == NULL)
		return;
	for (k = 0; k < e->n; k++)
		spl_ex_free(e->ex[k]);
	free(e->ex);
	free(e->to);
	free(e);
}

/*
 * Adds to fields[*nfields] what e reads from the event that no command
 * before it made (made[*nmade]), then adds what it makes to made.
 */
void
spl_eval_pre_fields(const struct spl_eval *e, int **fields,
    size_t *nfields, int **made, size_t *nmade)
{
	int	*read;
	size_t	 k, j, nread;

	for (k = 0; k < e->n; k++) {
		read = NULL;
		nread = 0;
		spl_ex_fields(e->ex[k], &read, &nread);
		for (j = 0; j < nread; j++)
			if (!spl_has_id(*made, *nmade, read[j]))
				spl_ids_add_uniq(fields, nfields, read[j]);
		free(read);
		if (!e->where)
			spl_ids_add_uniq(made, nmade, e->to[k]);
	}
}

void
spl_eval_fields(const struct spl_eval *e, int **ids, size_t *n)
{
	size_t	 k;

	for (k = 0; k < e->n; k++)
		spl_ex_fields(e->ex[k], ids, n);
}

/*
 * Parses the expression text of the command named by t, up to the next
 * pipe, into a new struct spl_eval.  NULL with the error set.
 */
static struct spl_eval *
spl_eval_parse_text(struct spl_ctx *c, const struct spl_tok *name,
    bool where)
{
	struct spl_eval	*e;
	struct spl_xp	 p;
	struct spl_xtok	*t;
	struct spl_ex	*x;
	size_t		 end, k;
	char		 buf[64];
	int		 id;

	for (k = c->i; c->toks[k].type != SPL_T_PIPE &&
	    c->toks[k].type != SPL_T_EOF; k++)
		;
	end = c->toks[k].pos;
	memset(&p, 0, sizeof(p));
	p.c = c;
	e = xcalloc(1, sizeof(*e));
	e->where = where;
	e->rows = c->after_stats;
	if (!spl_x_lex(&p, name->pos + name->len, end))
		goto fail;
	c->i = k;
	if (spl_xp_cur(&p)->k == SPL_XK_EOF) {
		spl_error_pos(c, name->pos, "%s needs an expression",
		    name->val);
		goto fail;
	}
	for (;;) {
		id = -1;
		if (!where) {
			t = spl_xp_next(&p);
			if (t->k == SPL_XK_NAME && !spl_xp_isanykw(t))
				id = event_field_intern(t->s, t->len);
			else if (t->k == SPL_XK_QNAME)
				id = event_field_intern(t->val, t->vlen);
			else {
				spl_error_pos(c, t->pos, "expected a field "
				    "name, not '%s'",
				    spl_xtok_text(t, buf, sizeof(buf)));
				goto fail;
			}
			if (id == -1) {
				spl_error_pos(c, t->pos, "too many field "
				    "names");
				goto fail;
			}
			if (!spl_xp_isop(spl_xp_cur(&p), "=")) {
				spl_error_pos(c, spl_xp_cur(&p)->pos,
				    "expected '=' after the field name");
				goto fail;
			}
			spl_xp_next(&p);
		}
		if ((x = spl_xp_or(&p)) == NULL)
			goto fail;
		e->ex = xreallocarray(e->ex, e->n + 1, sizeof(*e->ex));
		e->to = xreallocarray(e->to, e->n + 1, sizeof(*e->to));
		e->ex[e->n] = x;
		e->to[e->n++] = id;
		if (where && x->type != SPL_XT_BOOL) {
			spl_error_pos(c, x->pos, "where needs a boolean "
			    "expression (a comparison or a function such as "
			    "isnotnull())");
			goto fail;
		}
		if (!where && x->type == SPL_XT_BOOL) {
			spl_error_pos(c, x->pos, "a field cannot be assigned "
			    "a boolean; use if(EXPR, \"true\", \"false\")");
			goto fail;
		}
		t = spl_xp_cur(&p);
		if (t->k == SPL_XK_EOF)
			break;
		if (where || t->k != SPL_XK_COMMA) {
			spl_error_pos(c, t->pos, "unexpected '%s'",
			    spl_xtok_text(t, buf, sizeof(buf)));
			goto fail;
		}
		spl_xp_next(&p);
	}
	spl_xp_clear(&p);
	return e;
fail:
	spl_xp_clear(&p);
	spl_eval_free(e);
	return NULL;
}

/*
 * eval F=EXPR [, G=EXPR ...]: a row command; before stats the pipeline
 * moves it to the commands on the detection's own copy of each event.
 */
int
spl_eval_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_eval	*e;
	struct spl_post	*p;

	if ((e = spl_eval_parse_text(c, name, false)) == NULL)
		return -1;
	p = spl_post_new(cmd);
	p->eval = e;
	spl_post_add(s, p);
	return 0;
}

/*
 * where EXPR: before stats a term of the filter (or, after a command
 * that works on the detection's copy of the event, such as rex, a
 * command on that copy); after stats a row command.
 */
int
spl_where_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_eval	*e;
	struct spl_expr	*x;
	struct spl_post	*p;

	if ((e = spl_eval_parse_text(c, name, true)) == NULL)
		return -1;
	/* After a row command before stats it reads the event's copy. */
	if (!c->after_stats && s->npre == 0) {
		x = spl_expr_new(SPL_N_EVAL);
		x->eval = e;
		spl_expr_add(s->filter, x);
		return 0;
	}
	p = spl_post_new(cmd);
	p->eval = e;
	spl_post_add(s, p);
	return 0;
}

/* eval adds its destinations to the output columns. */
void
spl_eval_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->eval->n; k++)
		spl_ids_add_uniq(cols, n, p->eval->to[k]);
}
