/*
 * SPL eval expressions, shared by their two parts and nothing else:
 * spl_eval.c (lexing, parsing and type checking at load time, the
 * operators and the eval and where commands at run time) and spl_func.c
 * (the function table).  Private to src/detect/spl*.c.
 *
 * An expression is a tree of struct spl_ex compiled once at load time.
 * Evaluation allocates nothing: intermediate strings live in a scratch
 * arena on the caller's stack (struct spl_eenv), and only an eval's
 * result is copied into the row.  Values follow Splunk's eval typing:
 * null, boolean, number or string; a string read from a field is taken
 * as a number where an operator wants one and it is one; a multivalue is
 * a string whose values are separated by '\n' (the rows' convention,
 * stats.c's values()).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPL_EVAL_H
#define HECSENTRY_SPL_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "decode/event.h"
#include "detect/spl_int.h"

#define SPL_EVAL_SCRATCH	65536	/* scratch arena per evaluation */
#define SPL_EVAL_DEPTH		64	/* deepest expression nesting */

enum spl_x {
	SPL_X_NUM = 0,			/* number literal */
	SPL_X_STR,			/* "string" literal */
	SPL_X_FIELD,			/* field name or 'field name' */
	SPL_X_NEG,			/* unary minus */
	SPL_X_NOT,
	SPL_X_ADD,
	SPL_X_SUB,
	SPL_X_MUL,
	SPL_X_DIV,
	SPL_X_MOD,
	SPL_X_CAT,			/* . */
	SPL_X_EQ,			/* = and == */
	SPL_X_NE,
	SPL_X_LT,
	SPL_X_LE,
	SPL_X_GT,
	SPL_X_GE,
	SPL_X_LIKE,
	SPL_X_IN,			/* x IN (a, b, ...) */
	SPL_X_AND,
	SPL_X_OR,
	SPL_X_XOR,
	SPL_X_CALL			/* function call */
};

/* The static type of an expression, checked at load time. */
enum spl_xt {
	SPL_XT_VALUE = 0,		/* number, string or null */
	SPL_XT_BOOL			/* true, false or null */
};

struct spl_fn;

/* A compiled eval (assignments in order) or where (one expression). */
struct spl_eval {
	bool		 where;
	bool		 rows;		/* after stats: '\n' separates */
					/*   values */
	size_t		 n;
	int		*to;		/* eval: destination ids */
	struct spl_ex	**ex;
};

struct spl_ex {
	enum spl_x	 op;
	enum spl_xt	 type;
	size_t		 pos;		/* offset in the expanded text */
	double		 num;		/* NUM */
	char		*str;		/* STR; NUL-terminated */
	size_t		 len;
	int		 field;		/* FIELD: id */
	const struct spl_fn *fn;	/* CALL */
	size_t		 nargs;		/* operands or arguments */
	struct spl_ex	**args;
	void		*aux;		/* CALL: what the function compiled */
};

enum spl_vt {
	SPL_V_NULL = 0,
	SPL_V_BOOL,
	SPL_V_NUM,
	SPL_V_STR
};

struct spl_val {
	enum spl_vt	 t;
	bool		 b;		/* BOOL */
	bool		 field;		/* STR read from a field: a number */
					/*   where it is one */
	bool		 mv;		/* STR: values separated by '\n' */
	double		 n;		/* NUM */
	const char	*s;		/* STR: not NUL-terminated */
	size_t		 len;
};

/* What an evaluation reads and where it keeps its strings. */
struct spl_eenv {
	const struct event *ev;		/* the event or row */
	bool		 rows;		/* '\n' separates values */
	int		 cur;		/* mvfilter: the field bound to one */
	const char	*cur_s;		/*   of its values, or -1 */
	size_t		 cur_len;
	char		*buf;		/* scratch arena */
	size_t		 used;
	size_t		 cap;
};

/*
 * A row of the function table (spl_func.c).  check runs at load time
 * once the arguments are parsed: it may refuse (with the error set) or
 * compile something into x->aux (freed by spl_fn_free_aux()).  eval
 * computes the value, evaluating the arguments it needs itself.
 */
struct spl_fn {
	const char	*name;		/* lowercase */
	size_t		 min;		/* arguments */
	size_t		 max;		/* SIZE_MAX: any number */
	enum spl_xt	 type;		/* of the result */
	const char	*sig;		/* per argument: 'v' a value, 'b' a */
					/*   boolean; the last one repeats; */
					/*   NULL: check() decides */
	int		(*check)(struct spl_ctx *c, struct spl_ex *x);
	void		(*eval)(const struct spl_ex *x, struct spl_eenv *env,
			    struct spl_val *out);
};

/* spl_func.c */
const struct spl_fn *spl_fn_find(const char *name, size_t len);
void		 spl_fn_free_aux(struct spl_ex *x);
bool		 spl_like(const char *s, size_t slen, const char *p,
		    size_t plen);

/* spl_func.c: helpers for the functions */
void		 spl_fn_arg(const struct spl_ex *x, size_t k,
		    struct spl_eenv *env, struct spl_val *v);
bool		 spl_fn_arg_text(const struct spl_ex *x, size_t k,
		    struct spl_eenv *env, const char **s, size_t *len);
bool		 spl_fn_arg_values(const struct spl_ex *x, size_t k,
		    struct spl_eenv *env, struct spl_val *v);
bool		 spl_fn_arg_num(const struct spl_ex *x, size_t k,
		    struct spl_eenv *env, double *d);
void		 spl_fn_out_str(struct spl_eenv *env, struct spl_val *out,
		    const char *s, size_t len, bool mv);

/* spl_func_num.c: the functions on numbers, times, addresses */
void		 spl_fn_tonumber(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_tostring(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_math(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_minmax(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_now(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_strftime(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_strptime(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_cidrmatch(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);

/* spl_func_re.c: the functions on regular expressions */
int		 spl_check_regex(struct spl_ctx *c, struct spl_ex *x);
void		 spl_fn_match(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_mvfind(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
void		 spl_fn_replace(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);

/* spl_eval_run.c: evaluation, for the functions */
void		 spl_ex_eval(const struct spl_ex *x, struct spl_eenv *env,
		    struct spl_val *out);
bool		 spl_val_num(const struct spl_val *v, double *d);
bool		 spl_val_text(struct spl_eenv *env, const struct spl_val *v,
		    const char **s, size_t *len);
char		*spl_eenv_alloc(struct spl_eenv *env, size_t len);
void		 spl_val_null(struct spl_val *v);
void		 spl_val_bool(struct spl_val *v, bool b);
void		 spl_val_numv(struct spl_val *v, double d);
void		 spl_val_str(struct spl_val *v, const char *s, size_t len);
bool		 spl_mv_next(const struct spl_val *v, size_t *pos,
		    const char **s, size_t *len);
size_t		 spl_mv_count(const struct spl_val *v);
int		 spl_fmt_num(double d, char *buf, size_t size);

#endif /* HECSENTRY_SPL_EVAL_H */
