/*
 * The rex and regex commands: parsing (load time) and their apply
 * functions on rows (run time), with the patterns compiled once by
 * spl_re.c.  regex before stats is a term of the filter (it only reads
 * the event) unless a command before it made a copy of the event;
 * after stats it keeps or drops rows.  rex adds fields: before stats it
 * runs on the detection's own copy of each event (spl_pre_apply()),
 * never on the event every detection shares.
 *
 * The pattern is the quoted string as Splunk reads it: "\\" is one
 * backslash and "\"" a quote; any other backslash stays for PCRE, so
 * "\(" is a literal parenthesis and ".+\\\)" closes its group after a
 * backslash.  A row's multivalue field (values() joins its values with
 * '\n') is matched value by value.  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_int.h"
#include "detect/spl_re.h"
#include "xmalloc.h"

#define SPL_REX_MAX_MATCH	100000	/* largest max_match taken */

/* A rex field's values, '\n'-joined, while a row is matched. */
struct spl_rex_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

/*
 * The quoted string t with Splunk's unescaping, from the expanded text
 * (the lexer also undoes "\(" and "\)", which PCRE needs): a copy the
 * caller frees, NUL-terminated, its length in *len.
 */
static char *
spl_rex_raw(struct spl_ctx *c, const struct spl_tok *t, size_t *len)
{
	const char	*s = c->text;
	char		*pat;
	size_t		 k, n = 0;

	pat = xmalloc(c->len - t->pos + 1);
	for (k = t->pos + 1; k < c->len && s[k] != '"'; k++) {
		if (s[k] == '\\' && k + 1 < c->len &&
		    (s[k + 1] == '\\' || s[k + 1] == '"'))
			k++;
		pat[n++] = s[k];
	}
	pat[n] = '\0';
	*len = n;
	return pat;
}

/* Compiles [pat, pat + n) of t.  NULL with the error set. */
static struct spl_re *
spl_rex_compile_text(struct spl_ctx *c, const char *cmd,
    const struct spl_tok *t, const char *pat, size_t n)
{
	struct spl_re	*re;
	char		 err[160];
	size_t		 off;

	re = spl_re_new(pat, n, err, sizeof(err), &off);
	if (re == NULL)
		spl_error_pos(c, t->pos, "%s: bad regular expression: %s "
		    "(at offset %zu)", cmd, err, off);
	return re;
}

/*
 * Compiles the quoted string t as a pattern.  Returns it, or NULL with
 * the error set.
 */
static struct spl_re *
spl_rex_compile(struct spl_ctx *c, const char *cmd, const struct spl_tok *t)
{
	struct spl_re	*re;
	char		*pat;
	size_t		 n;

	if (t->type != SPL_T_STRING) {
		spl_error_pos(c, t->pos, "%s needs a quoted regular "
		    "expression, not '%s'", cmd, spl_tok_text(t));
		return NULL;
	}
	pat = spl_rex_raw(c, t, &n);
	re = spl_rex_compile_text(c, cmd, t, pat, n);
	free(pat);
	return re;
}

/*
 * rex mode=sed "s/REGEX/REPLACEMENT/FLAGS" (Splunk's rex reference: a
 * replacement may name groups as \1 to \9; FLAGS is g for every match or
 * a number N for the Nth, default the first).  Any delimiter after the
 * s; "\/" stands for it.  y/// (transliteration) and '&' in the
 * replacement are refused.  Fills p (re, sed, sednth).  0, or -1 with
 * the error set.
 */
static int
spl_rex_sed_parse(struct spl_ctx *c, struct spl_post *p,
    const struct spl_tok *t)
{
	char		*raw, *part[3], *end, d;
	size_t		 n, k, i, np = 0, len[3] = { 0, 0, 0 };
	unsigned long	 nth = 1;
	int		 rc = -1;

	if (t->type != SPL_T_STRING) {
		spl_error_pos(c, t->pos, "rex mode=sed needs a quoted sed "
		    "expression");
		return -1;
	}
	raw = spl_rex_raw(c, t, &n);
	for (k = 0; k < 3; k++)
		part[k] = xmalloc(n + 1);
	if (n >= 1 && raw[0] == 'y') {
		spl_error_pos(c, t->pos, "rex mode=sed: y/// is not "
		    "supported");
		goto out;
	}
	if (n < 4 || raw[0] != 's' || raw[1] == '\\' || raw[1] == '\0' ||
	    isalnum((unsigned char)raw[1])) {
		spl_error_pos(c, t->pos, "rex mode=sed: expected "
		    "s/REGEX/REPLACEMENT/FLAGS");
		goto out;
	}
	d = raw[1];
	for (i = 2; i < n && np < 3; i++) {
		if (raw[i] == '\\' && i + 1 < n && raw[i + 1] == d) {
			part[np][len[np]++] = raw[++i];
			continue;
		}
		if (raw[i] == d && np < 2) {
			np++;
			continue;
		}
		part[np][len[np]++] = raw[i];
	}
	for (k = 0; k < 3; k++)
		part[k][len[k]] = '\0';
	if (np != 2) {
		spl_error_pos(c, t->pos, "rex mode=sed: expected "
		    "s/REGEX/REPLACEMENT/FLAGS");
		goto out;
	}
	if (strcmp(part[2], "g") == 0)
		nth = 0;
	else if (len[2] > 0) {
		nth = strtoul(part[2], &end, 10);
		if (*end != '\0' || nth == 0 || nth > SPL_REX_MAX_MATCH) {
			spl_error_pos(c, t->pos, "rex mode=sed: flags '%s' "
			    "are not supported (g or a number)", part[2]);
			goto out;
		}
	}
	if (memchr(part[1], '&', len[1]) != NULL) {
		spl_error_pos(c, t->pos, "rex mode=sed: '&' in the "
		    "replacement is not supported");
		goto out;
	}
	if ((p->re = spl_rex_compile_text(c, "rex", t, part[0], len[0])) ==
	    NULL)
		goto out;
	p->sed = xstrndup(part[1], len[1]);
	p->sedlen = len[1];
	p->sednth = nth;
	rc = 0;
out:
	for (k = 0; k < 3; k++)
		free(part[k]);
	free(raw);
	return rc;
}

/* The value after "name=": a word or a quoted string, or NULL. */
static const struct spl_tok *
spl_rex_option(struct spl_ctx *c, const struct spl_tok *name)
{
	const struct spl_tok *v;

	if (spl_tok_cur(c)->type != SPL_T_EQ) {
		spl_error_pos(c, name->pos, "expected '=' after '%s'",
		    name->val);
		return NULL;
	}
	spl_tok_next(c);
	v = spl_tok_next(c);
	if (!spl_is_value(v)) {
		spl_error_pos(c, v->pos, "expected a value after '%s='",
		    name->val);
		return NULL;
	}
	return v;
}

/*
 * rex [field=F] [max_match=N] "REGEX": each named group of the first N
 * matches (1 by default, 0 for all) becomes a field of the row; with
 * several matches the field is multivalue.  mode=sed edits the field
 * instead (spl_rex_sed_parse()).  offset_field is refused, as is the
 * default field _raw (events keep no _raw).
 */
int
spl_rex_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	const struct spl_tok *t, *v, *pat = NULL;
	struct spl_post	*p;
	const char	*gname;
	char		*end;
	unsigned long	 n;
	size_t		 k;
	int		 g, id;
	bool		 sed = false;

	p = spl_post_new(cmd);
	p->field = -1;
	p->max_match = 1;
	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
			break;
		spl_tok_next(c);
		if (t->type == SPL_T_STRING && pat == NULL) {
			pat = t;
			continue;
		}
		if (t->type != SPL_T_WORD) {
			spl_error_pos(c, t->pos, "unexpected '%s'",
			    spl_tok_text(t));
			goto fail;
		}
		if (strcmp(t->val, "field") == 0) {
			if ((v = spl_rex_option(c, t)) == NULL ||
			    (p->field = spl_intern(c, v)) == -1)
				goto fail;
		} else if (strcmp(t->val, "max_match") == 0) {
			if ((v = spl_rex_option(c, t)) == NULL)
				goto fail;
			n = strtoul(v->val, &end, 10);
			if (v->val[0] < '0' || v->val[0] > '9' ||
			    *end != '\0' || n > SPL_REX_MAX_MATCH) {
				spl_error_pos(c, v->pos, "max_match must be "
				    "a number from 0 to %d",
				    SPL_REX_MAX_MATCH);
				goto fail;
			}
			p->max_match = n;
		} else if (strcmp(t->val, "mode") == 0) {
			if ((v = spl_rex_option(c, t)) == NULL)
				goto fail;
			if (strcmp(v->val, "sed") != 0) {
				spl_error_pos(c, v->pos, "rex mode must be "
				    "sed");
				goto fail;
			}
			sed = true;
		} else if (strcmp(t->val, "offset_field") == 0) {
			spl_error_pos(c, t->pos, "rex %s is not supported",
			    t->val);
			goto fail;
		} else {
			spl_error_pos(c, t->pos, "unexpected '%s' in rex",
			    t->val);
			goto fail;
		}
	}
	if (pat == NULL) {
		spl_error_pos(c, name->pos, "rex needs a quoted regular "
		    "expression");
		goto fail;
	}
	if (p->field == -1) {
		spl_error_pos(c, name->pos, "rex on _raw is not supported "
		    "(events keep no _raw): name the field with field=");
		goto fail;
	}
	if (sed) {
		if (spl_rex_sed_parse(c, p, pat) == -1)
			goto fail;
		spl_post_add(s, p);
		return 0;
	}
	if ((p->re = spl_rex_compile(c, "rex", pat)) == NULL)
		goto fail;
	if (spl_re_nnames(p->re) == 0) {
		spl_error_pos(c, pat->pos, "rex: the regular expression "
		    "has no named group, so it extracts nothing");
		goto fail;
	}
	for (k = 0; k < spl_re_nnames(p->re); k++) {
		gname = spl_re_name(p->re, k, &g);
		if ((id = event_field_intern(gname, strlen(gname))) == -1) {
			spl_error_pos(c, pat->pos, "too many field names");
			goto fail;
		}
		p->from = xreallocarray(p->from, p->n + 1, sizeof(*p->from));
		p->to = xreallocarray(p->to, p->n + 1, sizeof(*p->to));
		p->from[p->n] = g;
		p->to[p->n++] = id;
	}
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/*
 * regex F="REGEX" keeps the events or rows whose F matches, regex
 * F!="REGEX" those whose F does not (an absent F never matches).  Before
 * stats it becomes a term of the filter.
 */
int
spl_regex_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	const struct spl_tok *f, *op, *pat;
	struct spl_expr	*e, *n;
	struct spl_post	*p;
	struct spl_re	*re;
	int		 id;

	f = spl_tok_next(c);
	if (f->type == SPL_T_STRING) {
		spl_error_pos(c, f->pos, "regex on _raw is not supported "
		    "(events keep no _raw): write FIELD=\"REGEX\"");
		return -1;
	}
	op = spl_tok_next(c);
	if (!spl_is_value(f) ||
	    (op->type != SPL_T_EQ && op->type != SPL_T_NE)) {
		spl_error_pos(c, f->pos, "expected FIELD=\"REGEX\" or "
		    "FIELD!=\"REGEX\" after regex");
		return -1;
	}
	pat = spl_tok_next(c);
	if ((id = spl_intern(c, f)) == -1 ||
	    (re = spl_rex_compile(c, "regex", pat)) == NULL)
		return -1;
	if (spl_tok_cur(c)->type != SPL_T_PIPE &&
	    spl_tok_cur(c)->type != SPL_T_EOF) {
		spl_error_pos(c, spl_tok_cur(c)->pos, "unexpected '%s' after "
		    "the regular expression", spl_tok_text(spl_tok_cur(c)));
		spl_re_free(re);
		return -1;
	}
	/* After a row command before stats it reads the event's copy. */
	if (!c->after_stats && s->npre == 0) {
		e = spl_expr_new(SPL_N_REGEX);
		e->field = id;
		e->re = re;
		if (op->type == SPL_T_NE) {
			n = spl_expr_new(SPL_N_NOT);
			spl_expr_add(n, e);
			e = n;
		}
		spl_expr_add(s->filter, e);
		return 0;
	}
	(void)name;
	p = spl_post_new(cmd);
	p->field = id;
	p->re = re;
	p->negate = op->type == SPL_T_NE;
	spl_post_add(s, p);
	return 0;
}

/* Appends [v, v + len) to b, '\n' before it unless b is empty. */
static void
spl_rex_buf_add(struct spl_rex_buf *b, const char *v, size_t len)
{
	size_t	 need = b->len + (b->len > 0) + len;

	if (need > b->cap) {
		b->cap = need * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	if (b->len > 0)
		b->p[b->len++] = '\n';
	memcpy(b->p + b->len, v, len);
	b->len += len;
}

/* Appends [v, v + len) to b as it is. */
static void
spl_rex_buf_cat(struct spl_rex_buf *b, const char *v, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, v, len);
	b->len += len;
}

/*
 * The next match position after an empty match at off: one character
 * on, never into the middle of a UTF-8 sequence.
 */
static size_t
spl_rex_step(const char *v, size_t len, size_t off)
{
	for (off++; off < len && ((unsigned char)v[off] & 0xc0) == 0x80;
	    off++)
		;
	return off;
}

/*
 * Matches one value of the field, appending the groups of each match to
 * their buffers; *left counts down the matches still wanted (max_match;
 * SIZE_MAX for all).  Returns whether anything matched.
 */
static bool
spl_rex_value(const struct spl_post *p, const char *v, size_t len,
    struct spl_rex_buf *bufs, size_t *left)
{
	const size_t	*ov;
	size_t		 k, off = 0, g;
	int		 rc;
	bool		 any = false;

	while (*left > 0 && off <= len) {
		if ((rc = spl_re_exec(p->re, v, len, off, &ov)) <= 0)
			break;
		any = true;
		(*left)--;
		for (k = 0; k < p->n; k++) {
			g = (size_t)p->from[k];
			if (g >= (size_t)rc || ov[2 * g] == SPL_RE_UNSET ||
			    ov[2 * g + 1] <= ov[2 * g])
				continue;
			spl_rex_buf_add(&bufs[k], v + ov[2 * g],
			    ov[2 * g + 1] - ov[2 * g]);
		}
		off = ov[1] > ov[0] ? ov[1] : spl_rex_step(v, len, ov[1]);
	}
	return any;
}

/*
 * rex on a row: the named groups of the matches of each value of the
 * field, in order, become the fields named after them (multivalue,
 * '\n'-joined, with several matches).  A row whose field is absent or
 * does not match is left alone, as is a field whose group captured
 * nothing.  Always keeps the row.
 */
/*
 * Appends to b the sed replacement of p for a match of v whose offsets
 * are ov[0 .. 2 * rc): \N is group N (nothing when it took no part),
 * \\ a backslash, \ before another byte that byte.
 */
static void
spl_rex_sed_repl(const struct spl_post *p, const char *v, const size_t *ov,
    int rc, struct spl_rex_buf *b)
{
	const char	*r = p->sed;
	size_t		 k, g;

	for (k = 0; k < p->sedlen; k++) {
		if (r[k] != '\\' || k + 1 == p->sedlen) {
			spl_rex_buf_cat(b, r + k, 1);
			continue;
		}
		k++;
		if (r[k] < '0' || r[k] > '9') {
			spl_rex_buf_cat(b, r + k, 1);
			continue;
		}
		g = (size_t)(r[k] - '0');
		if (g < (size_t)rc && ov[2 * g] != SPL_RE_UNSET)
			spl_rex_buf_cat(b, v + ov[2 * g],
			    ov[2 * g + 1] - ov[2 * g]);
	}
}

/*
 * rex mode=sed on one value [v, v + len): appends the edited value to
 * b.  Returns whether anything was replaced.
 */
static bool
spl_rex_sed_value(const struct spl_post *p, const char *v, size_t len,
    struct spl_rex_buf *b)
{
	const size_t	*ov;
	size_t		 off = 0, last = 0, nmatch = 0, next, o0, o1;
	int		 rc;
	bool		 any = false;

	while (off <= len) {
		if ((rc = spl_re_exec(p->re, v, len, off, &ov)) <= 0)
			break;
		nmatch++;
		o0 = ov[0];
		o1 = ov[1];
		spl_rex_buf_cat(b, v + last, o0 - last);
		if (p->sednth == 0 || nmatch == p->sednth) {
			spl_rex_sed_repl(p, v, ov, rc, b);
			any = true;
		} else
			spl_rex_buf_cat(b, v + o0, o1 - o0);
		last = o1;
		if (o1 == o0) {
			if (o1 >= len)
				break;
			next = spl_rex_step(v, len, o1);
			spl_rex_buf_cat(b, v + o1, next - o1);
			last = off = next;
		} else
			off = o1;
		if (p->sednth != 0 && nmatch == p->sednth)
			break;
	}
	spl_rex_buf_cat(b, v + last, len - last);
	return any;
}

/* rex mode=sed: edits each value of the field in place. */
static bool
spl_rex_sed_apply(const struct spl_post *p, struct event *row)
{
	struct spl_rex_buf b = { NULL, 0, 0 };
	const char	*v, *nl;
	size_t		 len, vlen;
	bool		 any = false;

	if (!event_get(row, p->field, &v, &len))
		return true;
	for (;;) {
		nl = memchr(v, '\n', len);
		vlen = nl != NULL ? (size_t)(nl - v) : len;
		any |= spl_rex_sed_value(p, v, vlen, &b);
		if (nl == NULL)
			break;
		spl_rex_buf_cat(&b, "\n", 1);
		len -= vlen + 1;
		v = nl + 1;
	}
	if (any)
		(void)event_set(row, p->field, b.p, b.len);
	free(b.p);
	return true;
}

bool
spl_rex_apply(const struct spl_post *p, struct event *row)
{
	struct spl_rex_buf *bufs;
	const char	*v, *nl;
	size_t		 k, len, vlen, left;

	if (p->sed != NULL)
		return spl_rex_sed_apply(p, row);
	if (!event_get(row, p->field, &v, &len))
		return true;
	bufs = xcalloc(p->n, sizeof(*bufs));
	left = p->max_match == 0 ? SIZE_MAX : p->max_match;
	for (;;) {
		nl = memchr(v, '\n', len);
		vlen = nl != NULL ? (size_t)(nl - v) : len;
		(void)spl_rex_value(p, v, vlen, bufs, &left);
		if (nl == NULL || left == 0)
			break;
		len -= vlen + 1;
		v = nl + 1;
	}
	for (k = 0; k < p->n; k++) {
		if (bufs[k].len > 0)
			(void)event_set(row, p->to[k], bufs[k].p, bufs[k].len);
		free(bufs[k].p);
	}
	free(bufs);
	return true;
}

/* Whether some value of the row's field matches (an absent one: no). */
static bool
spl_regex_row(const struct spl_re *re, const struct event *row, int field)
{
	const char	*v, *nl;
	size_t		 len, vlen;

	if (!event_get(row, field, &v, &len))
		return false;
	for (;;) {
		nl = memchr(v, '\n', len);
		vlen = nl != NULL ? (size_t)(nl - v) : len;
		if (spl_re_match(re, v, vlen))
			return true;
		if (nl == NULL)
			return false;
		len -= vlen + 1;
		v = nl + 1;
	}
}

/* regex after stats: keeps the rows that match (F=) or do not (F!=). */
bool
spl_regex_apply(const struct spl_post *p, struct event *row)
{
	return spl_regex_row(p->re, row, p->field) != p->negate;
}

/* regex before stats, a term of the filter: the event's whole value. */
bool
spl_regex_match(const struct spl_expr *e, const struct event *ev)
{
	const char	*v;
	size_t		 len;

	if (!event_get(ev, e->field, &v, &len))
		return false;
	return spl_re_match(e->re, v, len);
}

/* rex adds its fields to the output columns. */
void
spl_rex_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->n; k++)
		spl_ids_add_uniq(cols, n, p->to[k]);
}
