/*
 * The eval functions: one row per function {name, arguments, type of
 * the result, signature, check at load time, eval at run time}, with
 * Splunk's documented semantics (the evaluation functions reference:
 * comparison and conditional, conversion, mathematical, multivalue,
 * text, date and time, informational functions).  A function on a null
 * argument gives null unless it exists to handle null (if, case,
 * coalesce, isnull, ...).  Functions that take one string take the first
 * value of a multivalue, except the text functions that map over every
 * value (lower, upper, trim, ltrim, rtrim, urldecode).  Nothing here
 * allocates at run time: results go to the evaluation's scratch arena.
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

/* Helpers. */

/* Evaluates argument k of x into v. */
void
spl_fn_arg(const struct spl_ex *x, size_t k, struct spl_eenv *env,
    struct spl_val *v)
{
	spl_ex_eval(x->args[k], env, v);
}

/*
 * The text of argument k, its first value for a multivalue.  False
 * for null.
 */
bool
spl_fn_arg_text(const struct spl_ex *x, size_t k, struct spl_eenv *env,
    const char **s, size_t *len)
{
	struct spl_val	 v;
	size_t		 pos = 0;

	spl_fn_arg(x, k, env, &v);
	if (v.t == SPL_V_STR)
		return spl_mv_next(&v, &pos, s, len);
	return spl_val_text(env, &v, s, len);
}

/*
 * Argument k as a string whose values spl_mv_next() walks (a number or
 * boolean as its text).  False for null.
 */
bool
spl_fn_arg_values(const struct spl_ex *x, size_t k, struct spl_eenv *env,
    struct spl_val *v)
{
	const char	*s;
	size_t		 len;

	spl_fn_arg(x, k, env, v);
	if (v->t == SPL_V_STR)
		return true;
	if (!spl_val_text(env, v, &s, &len))
		return false;
	spl_val_str(v, s, len);
	return true;
}

/* Argument k as a number; false for null or text that is no number. */
bool
spl_fn_arg_num(const struct spl_ex *x, size_t k, struct spl_eenv *env,
    double *d)
{
	struct spl_val	 v;

	spl_fn_arg(x, k, env, &v);
	if (v.t == SPL_V_STR && !v.mv && !v.field)
		return spl_parse_num(v.s, v.len, d);
	return spl_val_num(&v, d);
}

/* A copy of [s, s + len) in scratch as a multivalue string, or null. */
void
spl_fn_out_str(struct spl_eenv *env, struct spl_val *out, const char *s,
    size_t len, bool mv)
{
	char	*p;

	spl_val_null(out);
	if ((p = spl_eenv_alloc(env, len)) == NULL)
		return;
	memcpy(p, s, len);
	spl_val_str(out, p, len);
	out->mv = mv;
}

/* How many UTF-8 characters start in [s, s + len). */
static size_t
spl_utf8_count(const char *s, size_t len)
{
	size_t	 k, n = 0;

	for (k = 0; k < len; k++)
		if (((unsigned char)s[k] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The byte offset of character ch (0-based) in [s, s + len). */
static size_t
spl_utf8_off(const char *s, size_t len, size_t ch)
{
	size_t	 k, n = 0;

	for (k = 0; k < len; k++)
		if (((unsigned char)s[k] & 0xc0) != 0x80 && n++ == ch)
			return k;
	return len;
}

/*
 * Maps one string function over every value of argument 0: one writes
 * the result for [s, s + len) at dst (at most len bytes) and returns
 * its length.
 */
typedef size_t	(*spl_map_fn)(const struct spl_ex *x, struct spl_eenv *env,
		    const char *s, size_t len, char *dst);

static void
spl_map(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out,
    spl_map_fn one)
{
	struct spl_val	 v;
	const char	*s, *t;
	size_t		 len, pos = 0, n = 0;
	char		*p;

	spl_fn_arg(x, 0, env, &v);
	spl_val_null(out);
	if (!spl_val_text(env, &v, &t, &len) ||
	    (p = spl_eenv_alloc(env, len)) == NULL)
		return;
	if (v.t != SPL_V_STR)
		spl_val_str(&v, t, len);
	while (spl_mv_next(&v, &pos, &s, &len)) {
		if (n > 0)
			p[n++] = '\n';
		n += one(x, env, s, len, p + n);
	}
	spl_val_str(out, p, n);
	out->mv = v.mv;
}

/* Comparison and conditional functions. */

static void
spl_fn_if(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	spl_fn_arg(x, 0, env, out);
	spl_fn_arg(x, out->t == SPL_V_BOOL && out->b ? 1 : 2, env, out);
}

static int
spl_check_case(struct spl_ctx *c, struct spl_ex *x)
{
	size_t	 k;

	if (x->nargs % 2 != 0) {
		spl_error_pos(c, x->pos, "case() takes pairs of a condition "
		    "and a value");
		return -1;
	}
	for (k = 0; k < x->nargs; k++)
		if (x->args[k]->type != (k % 2 == 0 ? SPL_XT_BOOL :
		    SPL_XT_VALUE)) {
			spl_error_pos(c, x->args[k]->pos, "case() takes %s "
			    "here", k % 2 == 0 ? "a boolean condition" :
			    "a value");
			return -1;
		}
	return 0;
}

static void
spl_fn_case(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	size_t	 k;

	for (k = 0; k + 1 < x->nargs; k += 2) {
		spl_fn_arg(x, k, env, out);
		if (out->t == SPL_V_BOOL && out->b) {
			spl_fn_arg(x, k + 1, env, out);
			return;
		}
	}
	spl_val_null(out);
}

static void
spl_fn_coalesce(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	size_t	 k;

	for (k = 0; k < x->nargs; k++) {
		spl_fn_arg(x, k, env, out);
		if (out->t != SPL_V_NULL)
			return;
	}
}

static void
spl_fn_isnull(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	spl_fn_arg(x, 0, env, out);
	spl_val_bool(out, out->t == SPL_V_NULL);
}

static void
spl_fn_isnotnull(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	spl_fn_arg(x, 0, env, out);
	spl_val_bool(out, out->t != SPL_V_NULL);
}

static void
spl_fn_isnum(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	double	 d;

	spl_fn_arg(x, 0, env, out);
	spl_val_bool(out, spl_val_num(out, &d));
}

static void
spl_fn_isint(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	double	 d;

	spl_fn_arg(x, 0, env, out);
	spl_val_bool(out, spl_val_num(out, &d) && d == floor(d));
}

static void
spl_fn_isstr(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	double	 d;

	spl_fn_arg(x, 0, env, out);
	spl_val_bool(out, out->t == SPL_V_STR && !spl_val_num(out, &d));
}

static void
spl_fn_null(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	(void)x;
	(void)env;
	spl_val_null(out);
}

static void
spl_fn_true(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	(void)env;
	spl_val_bool(out, strcmp(x->fn->name, "true") == 0);
}

static void
spl_fn_nullif(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 b;
	const char	*sa, *sb;
	size_t		 la, lb;

	spl_fn_arg(x, 0, env, out);
	spl_fn_arg(x, 1, env, &b);
	if (spl_val_text(env, out, &sa, &la) &&
	    spl_val_text(env, &b, &sb, &lb) && la == lb &&
	    memcmp(sa, sb, la) == 0)
		spl_val_null(out);
}

/*
 * SQL LIKE as Splunk's like(): '%' any run of characters, '_' one,
 * everything else itself, case-sensitive.  Backtracks to the last '%'.
 */
bool
spl_like(const char *s, size_t slen, const char *p, size_t plen)
{
	size_t	 i = 0, j = 0, star = SIZE_MAX, mark = 0;

	while (i < slen) {
		if (j < plen && (p[j] == '_' || p[j] == s[i])) {
			if (p[j] == '_')
				while (i + 1 < slen &&
				    ((unsigned char)s[i + 1] & 0xc0) == 0x80)
					i++;
			i++;
			j++;
		} else if (j < plen && p[j] == '%') {
			star = j++;
			mark = i;
		} else if (star != SIZE_MAX) {
			j = star + 1;
			i = ++mark;
		} else
			return false;
	}
	while (j < plen && p[j] == '%')
		j++;
	return j == plen;
}

static void
spl_fn_like(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s, *p;
	size_t		 len, plen, pos = 0;

	spl_fn_arg(x, 0, env, &v);
	spl_val_null(out);
	if (v.t == SPL_V_NULL || !spl_fn_arg_text(x, 1, env, &p, &plen))
		return;
	if (v.t != SPL_V_STR) {
		if (spl_val_text(env, &v, &s, &len))
			spl_val_bool(out, spl_like(s, len, p, plen));
		return;
	}
	spl_val_bool(out, false);
	while (spl_mv_next(&v, &pos, &s, &len))
		if (spl_like(s, len, p, plen)) {
			out->b = true;
			return;
		}
}

/* in(X, V, ...) is the operator X IN (V, ...). */
static int
spl_check_in(struct spl_ctx *c, struct spl_ex *x)
{
	(void)c;
	x->op = SPL_X_IN;
	return 0;
}

static int
spl_check_refused(struct spl_ctx *c, struct spl_ex *x)
{
	spl_error_pos(c, x->pos, "eval function %s() is not supported%s",
	    x->fn->name, strcmp(x->fn->name, "searchmatch") == 0 ?
	    " (it runs the search language on the raw event)" : "");
	return -1;
}

/* Text functions. */

static size_t
spl_one_lower(const struct spl_ex *x, struct spl_eenv *env, const char *s,
    size_t len, char *dst)
{
	size_t	 k;
	bool	 up = x->fn->name[0] == 'u';

	(void)env;
	for (k = 0; k < len; k++)
		dst[k] = (char)(up ? (s[k] >= 'a' && s[k] <= 'z' ? s[k] - 32 :
		    s[k]) : (char)spl_lc[(unsigned char)s[k]]);
	return len;
}

static void
spl_fn_lower(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	spl_map(x, env, out, spl_one_lower);
}

/* trim(X [, Y]): strips the characters of Y (default space and tab). */
static size_t
spl_one_trim(const struct spl_ex *x, struct spl_eenv *env, const char *s,
    size_t len, char *dst)
{
	const char	*set = " \t";
	size_t		 setlen = 2, a = 0, b = len;

	if (x->nargs > 1 && !spl_fn_arg_text(x, 1, env, &set, &setlen))
		setlen = 0;
	if (x->fn->name[0] != 'r')
		while (a < b && memchr(set, s[a], setlen) != NULL)
			a++;
	if (x->fn->name[0] != 'l')
		while (b > a && memchr(set, s[b - 1], setlen) != NULL)
			b--;
	memcpy(dst, s + a, b - a);
	return b - a;
}

static void
spl_fn_trim(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	spl_map(x, env, out, spl_one_trim);
}

static int
spl_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* urldecode(X): %XX sequences become their byte; the rest stays. */
static size_t
spl_one_urldecode(const struct spl_ex *x, struct spl_eenv *env,
    const char *s, size_t len, char *dst)
{
	size_t	 k, n = 0;
	int	 h, l;

	(void)x;
	(void)env;
	for (k = 0; k < len; k++) {
		if (s[k] == '%' && k + 2 < len &&
		    (h = spl_hexval(s[k + 1])) >= 0 &&
		    (l = spl_hexval(s[k + 2])) >= 0) {
			dst[n++] = (char)(h << 4 | l);
			k += 2;
		} else
			dst[n++] = s[k];
	}
	return n;
}

static void
spl_fn_urldecode(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	spl_map(x, env, out, spl_one_urldecode);
}

static void
spl_fn_len(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	const char	*s;
	size_t		 len;

	if (spl_fn_arg_text(x, 0, env, &s, &len))
		spl_val_numv(out, (double)spl_utf8_count(s, len));
	else
		spl_val_null(out);
}

/*
 * substr(X, Y [, Z]): Z characters (default all) from character Y,
 * 1-based; a negative Y counts from the end.
 */
static void
spl_fn_substr(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	const char	*s;
	size_t		 len, nch, a, b;
	double		 y, z = HUGE_VAL;

	spl_val_null(out);
	if (!spl_fn_arg_text(x, 0, env, &s, &len) || !spl_fn_arg_num(x, 1, env,
	    &y) || (x->nargs > 2 && !spl_fn_arg_num(x, 2, env, &z)))
		return;
	nch = spl_utf8_count(s, len);
	y = floor(y);
	if (y < 0)
		y = (double)nch + y + 1;
	if (y < 1)
		y = 1;
	if (z < 0 || y > (double)nch) {
		spl_fn_out_str(env, out, "", 0, false);
		return;
	}
	a = spl_utf8_off(s, len, (size_t)y - 1);
	b = z >= (double)nch ? len : spl_utf8_off(s, len, (size_t)y - 1 +
	    (size_t)z);
	spl_val_str(out, s + a, b - a);
}

/* split(X, D): the values between the occurrences of D. */
static void
spl_fn_split(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	const char	*s, *d;
	size_t		 len, dlen, k, n = 0;
	char		*p;

	spl_val_null(out);
	if (!spl_fn_arg_text(x, 0, env, &s, &len) ||
	    !spl_fn_arg_text(x, 1, env, &d, &dlen) ||
	    (p = spl_eenv_alloc(env, len * 2)) == NULL)
		return;
	for (k = 0; k < len; ) {
		if (dlen == 0) {
			if (n > 0)
				p[n++] = '\n';
			p[n++] = s[k++];
			while (k < len && ((unsigned char)s[k] & 0xc0) == 0x80)
				p[n++] = s[k++];
		} else if (k + dlen <= len && memcmp(s + k, d, dlen) == 0) {
			p[n++] = '\n';
			k += dlen;
		} else
			p[n++] = s[k++];
	}
	spl_val_str(out, p, n);
	out->mv = true;
}

/* Multivalue functions. */

static void
spl_fn_mvcount(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;

	spl_fn_arg(x, 0, env, &v);
	if (v.t == SPL_V_NULL)
		spl_val_null(out);
	else
		spl_val_numv(out, (double)spl_mv_count(&v));
}

/*
 * mvindex(X, S [, E]): the values S to E (inclusive, 0-based; negative
 * counts from the end), null when out of range.
 */
static void
spl_fn_mvindex(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s, *first = NULL;
	size_t		 len, pos = 0, k = 0, n;
	double		 a, b;

	spl_fn_arg(x, 0, env, &v);
	spl_val_null(out);
	if (v.t == SPL_V_NULL || !spl_fn_arg_num(x, 1, env, &a))
		return;
	b = a;
	if (x->nargs > 2 && !spl_fn_arg_num(x, 2, env, &b))
		return;
	if (v.t != SPL_V_STR) {
		if (floor(a) == 0 || floor(a) == -1)
			*out = v;
		return;
	}
	n = spl_mv_count(&v);
	a = floor(a) < 0 ? (double)n + floor(a) : floor(a);
	b = floor(b) < 0 ? (double)n + floor(b) : floor(b);
	if (a < 0 || a >= (double)n || b < a)
		return;
	if (b >= (double)n)
		b = (double)n - 1;
	while (spl_mv_next(&v, &pos, &s, &len)) {
		if ((double)k == a)
			first = s;
		if ((double)k++ == b)
			break;
	}
	*out = v;
	out->s = first;
	out->len = (size_t)(s + len - first);
	out->mv = a != b;
}

/* mvjoin(X, D): the values joined by D. */
static void
spl_fn_mvjoin(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s, *d;
	size_t		 len, dlen, pos = 0, n = 0, cap;
	char		*p;

	spl_fn_arg(x, 0, env, &v);
	spl_val_null(out);
	if (!spl_fn_arg_text(x, 1, env, &d, &dlen) ||
	    !spl_val_text(env, &v, &s, &len))
		return;
	if (v.t != SPL_V_STR || !v.mv) {
		spl_val_str(out, s, len);
		return;
	}
	cap = v.len + spl_mv_count(&v) * dlen;
	if ((p = spl_eenv_alloc(env, cap)) == NULL)
		return;
	while (spl_mv_next(&v, &pos, &s, &len)) {
		if (n > 0) {
			memcpy(p + n, d, dlen);
			n += dlen;
		}
		memcpy(p + n, s, len);
		n += len;
	}
	spl_val_str(out, p, n);
}

/*
 * mvappend(X, ...): every value of every argument that is not null.
 * Each argument may put strings in scratch, so the result so far is
 * copied after them (a few arguments: little to copy).
 */
static void
spl_fn_mvappend(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s, *acc = NULL;
	size_t		 len, k, n = 0, nv = 0;
	char		*p;

	spl_val_null(out);
	for (k = 0; k < x->nargs; k++) {
		spl_fn_arg(x, k, env, &v);
		if (!spl_val_text(env, &v, &s, &len))
			continue;
		if ((p = spl_eenv_alloc(env, n + 1 + len)) == NULL)
			return;
		if (n > 0)
			memcpy(p, acc, n);
		if (nv > 0)
			p[n++] = '\n';
		memcpy(p + n, s, len);
		n += len;
		acc = p;
		nv += v.t == SPL_V_STR && v.mv ? spl_mv_count(&v) : 1;
	}
	if (nv == 0)
		return;
	spl_val_str(out, acc, n);
	out->mv = nv > 1;
}

/* mvdedup(X): the values without repeats, in their first order. */
static void
spl_fn_mvdedup(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v, kept;
	const char	*s, *t;
	size_t		 len, tlen, pos = 0, kpos, n = 0;
	bool		 dup;
	char		*p;

	spl_fn_arg(x, 0, env, &v);
	if (v.t != SPL_V_STR || !v.mv) {
		*out = v;
		return;
	}
	spl_val_null(out);
	if ((p = spl_eenv_alloc(env, v.len)) == NULL)
		return;
	while (spl_mv_next(&v, &pos, &s, &len)) {
		spl_val_str(&kept, p, n);
		kept.mv = true;
		dup = false;
		for (kpos = 0; n > 0 && spl_mv_next(&kept, &kpos, &t, &tlen);)
			if (tlen == len && memcmp(t, s, len) == 0) {
				dup = true;
				break;
			}
		if (dup)
			continue;
		if (n > 0)
			p[n++] = '\n';
		memcpy(p + n, s, len);
		n += len;
	}
	spl_val_str(out, p, n);
	out->field = v.field;
	out->mv = memchr(p, '\n', n) != NULL;
}

/* mvfilter(P): the values of P's one field for which P is true. */
static int
spl_check_mvfilter(struct spl_ctx *c, struct spl_ex *x)
{
	struct spl_eval	 e;
	int		*ids = NULL;
	size_t		 n = 0;

	memset(&e, 0, sizeof(e));
	e.n = 1;
	e.ex = &x->args[0];
	spl_eval_fields(&e, &ids, &n);
	if (n != 1) {
		free(ids);
		spl_error_pos(c, x->pos, "mvfilter() takes an expression on "
		    "exactly one field");
		return -1;
	}
	x->field = ids[0];
	free(ids);
	return 0;
}

static void
spl_fn_mvfilter(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_ex	 f;
	struct spl_val	 v, r;
	const char	*s, *save_s = env->cur_s;
	size_t		 len, pos = 0, n = 0, save_len = env->cur_len;
	int		 save = env->cur;
	char		*p;

	memset(&f, 0, sizeof(f));
	f.op = SPL_X_FIELD;
	f.field = x->field;
	spl_val_null(out);
	spl_ex_eval(&f, env, &v);
	if (v.t != SPL_V_STR || (p = spl_eenv_alloc(env, v.len)) == NULL)
		return;
	while (spl_mv_next(&v, &pos, &s, &len)) {
		env->cur = f.field;
		env->cur_s = s;
		env->cur_len = len;
		spl_fn_arg(x, 0, env, &r);
		env->cur = save;
		env->cur_s = save_s;
		env->cur_len = save_len;
		if (r.t != SPL_V_BOOL || !r.b)
			continue;
		if (n > 0)
			p[n++] = '\n';
		memcpy(p + n, s, len);
		n += len;
	}
	if (n > 0) {
		spl_val_str(out, p, n);
		out->field = true;
		out->mv = memchr(p, '\n', n) != NULL;
	}
}

/* The table, sorted by name for bsearch. */

#define SPL_ANY		SIZE_MAX
#define SPL_V		SPL_XT_VALUE
#define SPL_B		SPL_XT_BOOL

static const struct spl_fn spl_fns[] = {
	{ "abs", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "case", 2, SPL_ANY, SPL_V, NULL, spl_check_case, spl_fn_case },
	{ "ceil", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "ceiling", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "cidrmatch", 2, 2, SPL_B, "v", NULL, spl_fn_cidrmatch },
	{ "coalesce", 1, SPL_ANY, SPL_V, "v", NULL, spl_fn_coalesce },
	{ "exp", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "false", 0, 0, SPL_B, NULL, NULL, spl_fn_true },
	{ "floor", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "if", 3, 3, SPL_V, "bvv", NULL, spl_fn_if },
	{ "in", 2, SPL_ANY, SPL_B, "v", spl_check_in, NULL },
	{ "isint", 1, 1, SPL_B, "v", NULL, spl_fn_isint },
	{ "isnotnull", 1, 1, SPL_B, "v", NULL, spl_fn_isnotnull },
	{ "isnull", 1, 1, SPL_B, "v", NULL, spl_fn_isnull },
	{ "isnum", 1, 1, SPL_B, "v", NULL, spl_fn_isnum },
	{ "isstr", 1, 1, SPL_B, "v", NULL, spl_fn_isstr },
	{ "len", 1, 1, SPL_V, "v", NULL, spl_fn_len },
	{ "like", 2, 2, SPL_B, "v", NULL, spl_fn_like },
	{ "ln", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "log", 1, 2, SPL_V, "v", NULL, spl_fn_math },
	{ "lower", 1, 1, SPL_V, "v", NULL, spl_fn_lower },
	{ "ltrim", 1, 2, SPL_V, "v", NULL, spl_fn_trim },
	{ "match", 2, 2, SPL_B, "v", spl_check_regex, spl_fn_match },
	{ "max", 1, SPL_ANY, SPL_V, "v", NULL, spl_fn_minmax },
	{ "min", 1, SPL_ANY, SPL_V, "v", NULL, spl_fn_minmax },
	{ "mvappend", 1, SPL_ANY, SPL_V, "v", NULL, spl_fn_mvappend },
	{ "mvcount", 1, 1, SPL_V, "v", NULL, spl_fn_mvcount },
	{ "mvdedup", 1, 1, SPL_V, "v", NULL, spl_fn_mvdedup },
	{ "mvfilter", 1, 1, SPL_V, "b", spl_check_mvfilter,
	    spl_fn_mvfilter },
	{ "mvfind", 2, 2, SPL_V, "v", spl_check_regex, spl_fn_mvfind },
	{ "mvindex", 2, 3, SPL_V, "v", NULL, spl_fn_mvindex },
	{ "mvjoin", 2, 2, SPL_V, "v", NULL, spl_fn_mvjoin },
	{ "now", 0, 0, SPL_V, NULL, NULL, spl_fn_now },
	{ "null", 0, 0, SPL_V, NULL, NULL, spl_fn_null },
	{ "nullif", 2, 2, SPL_V, "v", NULL, spl_fn_nullif },
	{ "pi", 0, 0, SPL_V, NULL, NULL, spl_fn_math },
	{ "pow", 2, 2, SPL_V, "v", NULL, spl_fn_math },
	{ "replace", 3, 3, SPL_V, "v", spl_check_regex, spl_fn_replace },
	{ "round", 1, 2, SPL_V, "v", NULL, spl_fn_math },
	{ "rtrim", 1, 2, SPL_V, "v", NULL, spl_fn_trim },
	{ "searchmatch", 1, 1, SPL_B, "v", spl_check_refused, NULL },
	{ "split", 2, 2, SPL_V, "v", NULL, spl_fn_split },
	{ "sqrt", 1, 1, SPL_V, "v", NULL, spl_fn_math },
	{ "strftime", 2, 2, SPL_V, "v", NULL, spl_fn_strftime },
	{ "strptime", 2, 2, SPL_V, "v", NULL, spl_fn_strptime },
	{ "substr", 2, 3, SPL_V, "v", NULL, spl_fn_substr },
	{ "time", 0, 0, SPL_V, NULL, NULL, spl_fn_now },
	{ "tonumber", 1, 2, SPL_V, "v", NULL, spl_fn_tonumber },
	{ "tostring", 1, 2, SPL_V, "a", NULL, spl_fn_tostring },
	{ "trim", 1, 2, SPL_V, "v", NULL, spl_fn_trim },
	{ "true", 0, 0, SPL_B, NULL, NULL, spl_fn_true },
	{ "upper", 1, 1, SPL_V, "v", NULL, spl_fn_lower },
	{ "urldecode", 1, 1, SPL_V, "v", NULL, spl_fn_urldecode }
};

/* The function named [name, name + len) in any case, or NULL. */
const struct spl_fn *
spl_fn_find(const char *name, size_t len)
{
	char	 buf[32];
	size_t	 k;
	int	 lo = 0, hi = (int)(sizeof(spl_fns) / sizeof(spl_fns[0])) - 1,
		 mid, r;

	if (len >= sizeof(buf))
		return NULL;
	for (k = 0; k < len; k++)
		buf[k] = (char)spl_lc[(unsigned char)name[k]];
	buf[len] = '\0';
	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if ((r = strcmp(buf, spl_fns[mid].name)) == 0)
			return &spl_fns[mid];
		if (r < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}
