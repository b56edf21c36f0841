/*
 * The tstats command, a row of the command table (spl_cmd.c):
 *
 *   | tstats [OPTION=V ...] AGG ... from datamodel=M.D [where PRED]
 *       [by FIELD ... [span=S]]
 *
 * compiled into the two halves of a search: PRED (the search language,
 * on "D.field" names) joins the filter, the aggregates and by-fields
 * become the stats, and s->datamodel records the dataset an event must
 * belong to, which the caller resolves against its CIM mapping
 * (detection.c), since this module knows no mapping.  A null by-field
 * drops the event, or takes fillnull_value's value, as Splunk's tstats
 * does (SPEC 9).  Options that change nothing in a stream
 * (summariesonly, allow_old_summaries, ...) are accepted; the others are
 * refused with their position.  Load time only, no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_int.h"
#include "detect/spl_value.h"
#include "xmalloc.h"

/* What an option does. */
enum spl_tstats_opt {
	SPL_TSTATS_BOOL = 0,		/* any boolean: changes nothing */
	SPL_TSTATS_FALSE,		/* only false is supported */
	SPL_TSTATS_UINT,		/* a number: changes nothing */
	SPL_TSTATS_FILL			/* fillnull_value */
};

/* The options tstats takes before its aggregates. */
static const struct {
	const char		*name;
	enum spl_tstats_opt	 kind;
} spl_tstats_opts[] = {
	{ "summariesonly", SPL_TSTATS_BOOL },
	{ "allow_old_summaries", SPL_TSTATS_BOOL },
	{ "include_reduced_buckets", SPL_TSTATS_BOOL },
	{ "use_summary_index_values", SPL_TSTATS_BOOL },
	{ "local", SPL_TSTATS_BOOL },
	{ "prestats", SPL_TSTATS_FALSE },
	{ "append", SPL_TSTATS_FALSE },
	{ "chunk_size", SPL_TSTATS_UINT },
	{ "fillnull_value", SPL_TSTATS_FILL }
};

/*
 * NAME=VALUE at the current token, an option of tstats_opts[]; fills
 * st for fillnull_value.  Returns 0, or -1 with the error set.
 */
static int
spl_tstats_option(struct spl_ctx *c, struct spl_stats *st)
{
	struct spl_tok	*n, *v;
	char		*end;
	size_t		 k;
	int		 b;

	n = spl_tok_next(c);
	spl_tok_next(c);
	v = spl_tok_next(c);
	for (k = 0; k < sizeof(spl_tstats_opts) / sizeof(spl_tstats_opts[0]);
	    k++)
		if (strcmp(n->val, spl_tstats_opts[k].name) == 0)
			break;
	if (k == sizeof(spl_tstats_opts) / sizeof(spl_tstats_opts[0])) {
		spl_error_pos(c, n->pos, "unsupported tstats option '%s'",
		    n->val);
		return -1;
	}
	if (!spl_is_value(v)) {
		spl_error_pos(c, v->pos, "expected a value after '%s='",
		    n->val);
		return -1;
	}
	switch (spl_tstats_opts[k].kind) {
	case SPL_TSTATS_BOOL:
	case SPL_TSTATS_FALSE:
		if ((b = spl_parse_bool(v->val)) == -1) {
			spl_error_pos(c, v->pos, "expected true or false "
			    "after '%s='", n->val);
			return -1;
		}
		if (b == 1 && spl_tstats_opts[k].kind == SPL_TSTATS_FALSE) {
			spl_error_pos(c, n->pos, "unsupported tstats option "
			    "'%s=true'", n->val);
			return -1;
		}
		return 0;
	case SPL_TSTATS_UINT:
		if (v->val[0] < '0' || v->val[0] > '9' ||
		    (strtoull(v->val, &end, 10), *end != '\0')) {
			spl_error_pos(c, v->pos, "expected a number after "
			    "'%s='", n->val);
			return -1;
		}
		return 0;
	case SPL_TSTATS_FILL:
		if (v->len == 0) {
			spl_error_pos(c, v->pos, "an empty fillnull_value is "
			    "not supported");
			return -1;
		}
		free(st->fill);
		st->fill = xstrndup(v->val, v->len);
		st->fill_len = v->len;
		st->null_by = SPL_NULL_FILL;
		return 0;
	}
	return 0;
}

/*
 * span=<timespan> into st->span_ms (spl_value.h).  Returns 0, or -1 with
 * the error set.
 */
static int
spl_tstats_span(struct spl_ctx *c, const struct spl_tok *v,
    struct spl_stats *st)
{
	if (!spl_is_value(v) || spl_parse_span(v->val, &st->span_ms) == -1) {
		spl_error_pos(c, v->pos, "unsupported span '%s'",
		    spl_tok_text(v));
		return -1;
	}
	return 0;
}

/*
 * The where clause: a search expression up to "by" (any case, where a
 * term could start, outside parentheses) or '|'.  The "by" token stands
 * in for the end of the search while the expression is parsed.
 */
static struct spl_expr *
spl_tstats_where(struct spl_ctx *c)
{
	struct spl_tok	*t, *by = NULL;
	struct spl_expr	*e;
	size_t		 k;
	int		 depth = 0;

	for (k = c->i; k < c->ntoks; k++) {
		t = &c->toks[k];
		if (t->type == SPL_T_EOF || t->type == SPL_T_PIPE)
			break;
		if (t->type == SPL_T_LPAREN)
			depth++;
		else if (t->type == SPL_T_RPAREN)
			depth--;
		else if (depth == 0 && k > c->i && spl_tok_is_ci(t, "by") &&
		    c->toks[k - 1].type != SPL_T_EQ &&
		    c->toks[k - 1].type != SPL_T_NE) {
			by = t;
			break;
		}
	}
	if (by != NULL)
		by->type = SPL_T_EOF;
	e = spl_parse_search(c);
	if (by != NULL)
		by->type = SPL_T_WORD;
	return e;
}

/*
 * from datamodel=M[.D] [where nodename=N]: the dataset's name into
 * s->datamodel ("M.N" with nodename).  Returns 1 when "where nodename=N"
 * was read (the where clause may go on after it), 0 when not, -1 on an
 * error.
 */
static int
spl_tstats_from(struct spl_ctx *c, struct spl_search *s)
{
	struct spl_tok	*f, *v;
	const char	*dot;
	char		*dm;
	size_t		 k = c->i, mlen;

	f = spl_tok_next(c);
	if (!spl_tok_is_ci(spl_tok_cur(c), "datamodel") ||
	    c->toks[k + 2].type != SPL_T_EQ) {
		spl_error_pos(c, f->pos, "unsupported tstats source: expected "
		    "'from datamodel=MODEL.DATASET'");
		return -1;
	}
	spl_tok_next(c);
	spl_tok_next(c);
	v = spl_tok_next(c);
	if (!spl_is_value(v) || v->len == 0) {
		spl_error_pos(c, v->pos, "expected a data model after "
		    "'datamodel='");
		return -1;
	}
	s->datamodel = xstrndup(v->val, v->len);
	k = c->i;
	if (!spl_tok_is_ci(&c->toks[k], "where") ||
	    !spl_tok_is(&c->toks[k + 1], "nodename") ||
	    c->toks[k + 2].type != SPL_T_EQ)
		return 0;
	v = &c->toks[k + 3];
	if (!spl_is_value(v) || v->len == 0) {
		spl_error_pos(c, v->pos, "expected a dataset after "
		    "'nodename='");
		return -1;
	}
	/* nodename is the path from the model's root: MODEL.N. */
	dot = strchr(s->datamodel, '.');
	mlen = dot != NULL ? (size_t)(dot - s->datamodel) :
	    strlen(s->datamodel);
	xasprintf(&dm, "%.*s.%s", (int)mlen, s->datamodel, v->val);
	free(s->datamodel);
	s->datamodel = dm;
	c->i = k + 4;
	return 1;
}

/* by FIELD ... [span=S]: into st.  Returns 0, or -1. */
static int
spl_tstats_by(struct spl_ctx *c, struct spl_stats *st)
{
	struct spl_tok	*t, *by;
	bool		 time = false;
	int		 id;

	by = spl_tok_next(c);
	while ((t = spl_tok_arg(c)) != NULL) {
		if (spl_tok_is(t, "span") &&
		    c->toks[c->i + 1].type == SPL_T_EQ) {
			spl_tok_next(c);
			spl_tok_next(c);
			if (spl_tstats_span(c, spl_tok_next(c), st) == -1)
				return -1;
			continue;
		}
		if (!spl_is_value(t)) {
			spl_error_pos(c, t->pos, "unexpected '%s' in the by "
			    "clause", spl_tok_text(t));
			return -1;
		}
		if (c->toks[c->i + 1].type == SPL_T_LPAREN) {
			spl_error_pos(c, t->pos, "unsupported tstats by "
			    "clause '%s()'", t->val);
			return -1;
		}
		spl_tok_next(c);
		if ((id = spl_intern(c, t)) == -1)
			return -1;
		if (id == EVENT_F_TIME)
			time = true;
		spl_ids_add_uniq(&st->by, &st->nby, id);
	}
	if (st->nby == 0) {
		spl_error_pos(c, by->pos, "expected a field after 'by'");
		return -1;
	}
	if (time && st->span_ms == 0) {
		spl_error_pos(c, by->pos, "unsupported 'by _time' without "
		    "span= (tstats picks the span from the time range)");
		return -1;
	}
	if (!time && st->span_ms != 0) {
		spl_error_pos(c, by->pos, "span= needs _time in the by "
		    "clause");
		return -1;
	}
	return 0;
}

int
spl_tstats_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_stats *st = &s->stats;
	struct spl_expr	*e;
	struct spl_tok	*t;
	int		 rc;

	(void)cmd;
	if (name != &c->toks[c->start] && (name != &c->toks[c->start + 1] ||
	    c->toks[c->start].type != SPL_T_PIPE)) {
		spl_error_pos(c, name->pos, "tstats must be the first command "
		    "of the search");
		return -1;
	}
	st->null_by = SPL_NULL_DROP;
	if (spl_parse_aggs(c, st, "tstats", "unsupported tstats function",
	    spl_tstats_option) == -1)
		return -1;
	t = spl_tok_cur(c);
	if (!spl_tok_is_ci(t, "from")) {
		spl_error_pos(c, t->pos, "unsupported tstats without 'from "
		    "datamodel=' (indexed fields)");
		return -1;
	}
	if ((rc = spl_tstats_from(c, s)) == -1)
		return -1;
	t = spl_tok_cur(c);
	if (spl_tok_is_ci(t, "where") || (rc == 1 && t->type != SPL_T_PIPE &&
	    t->type != SPL_T_EOF && !spl_tok_is_ci(t, "by"))) {
		if (spl_tok_is_ci(t, "where"))
			spl_tok_next(c);
		if (spl_tok_is(spl_tok_cur(c), "AND"))
			spl_tok_next(c);
		if ((e = spl_tstats_where(c)) == NULL)
			return -1;
		spl_expr_add(s->filter, e);
	}
	t = spl_tok_cur(c);
	if (spl_tok_is_ci(t, "by"))
		return spl_tstats_by(c, st);
	if (t->type != SPL_T_PIPE && t->type != SPL_T_EOF) {
		spl_error_pos(c, t->pos, "unexpected '%s' in tstats",
		    spl_tok_text(t));
		return -1;
	}
	return 0;
}
