/*
 * The eval functions on regular expressions: match(), replace() and
 * mvfind(), with PCRE2 through spl_re.c (Splunk's dialect is PCRE).  The
 * pattern must be a string literal: it is compiled once at load time
 * (a pattern computed per row would be compiled on the hot path, so it
 * is refused with its position).  On a multivalue, match() is true when
 * any value matches, replace() works on each value, mvfind() gives the
 * index of the first value that matches.  Nothing allocates at run time.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_eval.h"
#include "detect/spl_int.h"
#include "detect/spl_re.h"

/* Compiles the literal pattern, argument 1, into x->aux. */
int
spl_check_regex(struct spl_ctx *c, struct spl_ex *x)
{
	const struct spl_ex *p = x->args[1];
	char		 err[256];
	size_t		 off = 0;

	if (p->op != SPL_X_STR) {
		spl_error_pos(c, p->pos, "%s() takes a regular expression in "
		    "a string literal, not one computed per row", x->fn->name);
		return -1;
	}
	if ((x->aux = spl_re_new(p->str, p->len, err, sizeof(err), &off)) ==
	    NULL) {
		spl_error_pos(c, p->pos, "%s(): bad regular expression: %s "
		    "(at offset %zu)", x->fn->name, err, off);
		return -1;
	}
	return 0;
}

void
spl_fn_free_aux(struct spl_ex *x)
{
	if (x->op == SPL_X_CALL && x->fn != NULL &&
	    x->fn->check == spl_check_regex)
		spl_re_free(x->aux);
	x->aux = NULL;
}

/* match(X, RE): whether RE matches X, or any value of it. */
void
spl_fn_match(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s;
	size_t		 len, pos = 0;

	spl_val_null(out);
	if (!spl_fn_arg_values(x, 0, env, &v))
		return;
	spl_val_bool(out, false);
	while (spl_mv_next(&v, &pos, &s, &len))
		if (spl_re_match(x->aux, s, len)) {
			out->b = true;
			return;
		}
}

/* mvfind(MV, RE): the index of the first value RE matches, or null. */
void
spl_fn_mvfind(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s;
	size_t		 len, pos = 0, k = 0;

	spl_val_null(out);
	if (!spl_fn_arg_values(x, 0, env, &v))
		return;
	for (; spl_mv_next(&v, &pos, &s, &len); k++)
		if (spl_re_match(x->aux, s, len)) {
			spl_val_numv(out, (double)k);
			return;
		}
}

/* Appends [s, s + len) at the scratch's end; false when it is full. */
static bool
spl_put(struct spl_eenv *env, const char *s, size_t len)
{
	char	*p;

	if ((p = spl_eenv_alloc(env, len)) == NULL)
		return false;
	memcpy(p, s, len);
	return true;
}

/*
 * Appends the replacement rep for a match with the offsets ov[2 * ng]
 * of s: "\N" is group N (0-9; a group that did not take part is empty),
 * "\\" a backslash, the rest itself.
 */
static bool
spl_put_rep(struct spl_eenv *env, const char *rep, size_t rlen,
    const char *s, const size_t *ov, int ng)
{
	size_t	 k, g;

	for (k = 0; k < rlen; k++) {
		if (rep[k] == '\\' && k + 1 < rlen && rep[k + 1] >= '0' &&
		    rep[k + 1] <= '9') {
			g = (size_t)(rep[++k] - '0');
			if ((int)g < ng && ov[2 * g] != SPL_RE_UNSET &&
			    !spl_put(env, s + ov[2 * g], ov[2 * g + 1] -
			    ov[2 * g]))
				return false;
			continue;
		}
		if (rep[k] == '\\' && k + 1 < rlen && rep[k + 1] == '\\')
			k++;
		if (!spl_put(env, rep + k, 1))
			return false;
	}
	return true;
}

/*
 * replace(X, RE, REP): every match of RE in X (in each value of a
 * multivalue) replaced by REP.  The result grows at the end of scratch.
 */
void
spl_fn_replace(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s, *rep, *start;
	const size_t	*ov;
	size_t		 len, rlen, pos = 0, at, nvals = 0;
	int		 ng;

	spl_val_null(out);
	if (!spl_fn_arg_values(x, 0, env, &v) ||
	    !spl_fn_arg_text(x, 2, env, &rep, &rlen))
		return;
	start = env->buf + env->used;
	while (spl_mv_next(&v, &pos, &s, &len)) {
		if (nvals++ > 0 && !spl_put(env, "\n", 1))
			return;
		for (at = 0; at <= len; ) {
			if ((ng = spl_re_exec(x->aux, s, len, at, &ov)) <= 0) {
				if (!spl_put(env, s + at, len - at))
					return;
				break;
			}
			if (!spl_put(env, s + at, ov[0] - at) ||
			    !spl_put_rep(env, rep, rlen, s, ov, ng))
				return;
			at = ov[1];
			if (ov[1] == ov[0]) {
				/* An empty match: keep one byte, go on. */
				if (at < len && !spl_put(env, s + at, 1))
					return;
				at++;
			}
		}
	}
	spl_val_str(out, start, (size_t)(env->buf + env->used - start));
	out->mv = v.mv;
}
