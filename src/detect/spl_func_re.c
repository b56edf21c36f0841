/*
 * The eval functions on regular expressions: match(), replace() and
 * mvfind(), with PCRE2 through spl_re.c (Splunk's dialect is PCRE).  A
 * pattern in a string literal is compiled once at load time.  One that
 * is computed (match(process_name, "(?i)".original_file_name)) is
 * compiled for each evaluation, which allocates: it is taken after stats
 * only, where rows are few, and refused before it, on the events' hot
 * path.  On a multivalue, match() is true when any value matches,
 * replace() works on each value, mvfind() gives the index of the first
 * value that matches.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_eval.h"
#include "detect/spl_int.h"
#include "detect/spl_re.h"

/*
 * Compiles a literal pattern, argument 1, into x->aux; a computed one
 * stays NULL there (after stats only).
 */
int
spl_check_regex(struct spl_ctx *c, struct spl_ex *x)
{
	const struct spl_ex *p = x->args[1];
	char		 err[256];
	size_t		 off = 0;

	if (p->op != SPL_X_STR && c->after_stats)
		return 0;
	if (p->op != SPL_X_STR) {
		spl_error_pos(c, p->pos, "%s() before stats takes a regular "
		    "expression in a string literal, not one computed per "
		    "event", x->fn->name);
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

/*
 * The pattern of x: the compiled literal, or argument 1 compiled now
 * (*owned: the caller frees it).  NULL when it is null or no pattern.
 */
static struct spl_re *
spl_re_of(const struct spl_ex *x, struct spl_eenv *env, bool *owned)
{
	const char	*s;
	size_t		 len, off;
	char		 err[128];

	*owned = false;
	if (x->aux != NULL)
		return x->aux;
	if (!spl_fn_arg_text(x, 1, env, &s, &len))
		return NULL;
	*owned = true;
	return spl_re_new(s, len, err, sizeof(err), &off);
}

/* match(X, RE): whether RE matches X, or any value of it. */
void
spl_fn_match(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	struct spl_re	*re;
	const char	*s;
	size_t		 len, pos = 0;
	bool		 owned;

	spl_val_null(out);
	if (!spl_fn_arg_values(x, 0, env, &v) ||
	    (re = spl_re_of(x, env, &owned)) == NULL)
		return;
	spl_val_bool(out, false);
	while (!out->b && spl_mv_next(&v, &pos, &s, &len))
		out->b = spl_re_match(re, s, len);
	if (owned)
		spl_re_free(re);
}

/* mvfind(MV, RE): the index of the first value RE matches, or null. */
void
spl_fn_mvfind(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	struct spl_re	*re;
	const char	*s;
	size_t		 len, pos = 0, k = 0;
	bool		 owned;

	spl_val_null(out);
	if (!spl_fn_arg_values(x, 0, env, &v) ||
	    (re = spl_re_of(x, env, &owned)) == NULL)
		return;
	for (; spl_mv_next(&v, &pos, &s, &len); k++)
		if (spl_re_match(re, s, len)) {
			spl_val_numv(out, (double)k);
			break;
		}
	if (owned)
		spl_re_free(re);
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

/* Appends [s, s + len) with every match of re replaced by rep. */
static bool
spl_replace_one(const struct spl_re *re, struct spl_eenv *env,
    const char *s, size_t len, const char *rep, size_t rlen)
{
	const size_t	*ov;
	size_t		 at;
	int		 ng;

	for (at = 0; at <= len; ) {
		if ((ng = spl_re_exec(re, s, len, at, &ov)) <= 0)
			return spl_put(env, s + at, len - at);
		if (!spl_put(env, s + at, ov[0] - at) ||
		    !spl_put_rep(env, rep, rlen, s, ov, ng))
			return false;
		at = ov[1];
		if (ov[1] == ov[0]) {
			/* An empty match: keep one byte, go on. */
			if (at < len && !spl_put(env, s + at, 1))
				return false;
			at++;
		}
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
	struct spl_re	*re;
	const char	*s, *rep, *start;
	size_t		 len, rlen, pos = 0, nvals = 0;
	bool		 owned, ok = true;

	spl_val_null(out);
	if (!spl_fn_arg_values(x, 0, env, &v) ||
	    !spl_fn_arg_text(x, 2, env, &rep, &rlen) ||
	    (re = spl_re_of(x, env, &owned)) == NULL)
		return;
	start = env->buf + env->used;
	while (ok && spl_mv_next(&v, &pos, &s, &len))
		ok = (nvals++ == 0 || spl_put(env, "\n", 1)) &&
		    spl_replace_one(re, env, s, len, rep, rlen);
	if (owned)
		spl_re_free(re);
	if (!ok)
		return;
	spl_val_str(out, start, (size_t)(env->buf + env->used - start));
	out->mv = v.mv;
}
