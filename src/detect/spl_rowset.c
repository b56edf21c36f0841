/*
 * The commands that need every row of a window at once, compiled: dedup,
 * eventstats and a stats after the first (phase SPL_PHASE_ROWSET of the
 * command table).  rowset.c runs them when the window closes.  Their
 * window (spl_window.c): each one's answer depends on every row of the
 * period Splunk's scheduled search covers, so a search with one of them
 * is always windowed on its schedule's period.  Load time only.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_int.h"
#include "detect/spl_value.h"
#include "xmalloc.h"

#define SPL_DEDUP_MAX	1000000		/* largest dedup count */

static void	spl_stats_rows_columns(const struct spl_post *, int **,
		    size_t *);

/* A stats after the first: over its rows; not in the command table. */
const struct spl_cmd spl_cmd_stats_rows = {
	"stats", SPL_PHASE_ROWSET, NULL, NULL, spl_stats_rows_columns
};

/*
 * dedup [N] FIELD [,] FIELD ... [OPTION=false]: keeps the first N rows (1
 * by default) of each combination of the fields' values, in the rows'
 * order, and drops every row where one of the fields is null (Splunk's
 * defaults keepempty=false, consecutive=false, keepevents=false; Search
 * Reference, dedup).  Those options are accepted with their default
 * value; true, and sortby, are refused.
 */
int
spl_dedup_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_tok	*t, *v;
	char		*end;
	long		 n;
	int		 id;

	p = spl_post_new(cmd);
	p->keep = 1;
	t = spl_tok_cur(c);
	if (t->type == SPL_T_WORD && t->val[0] >= '0' && t->val[0] <= '9') {
		n = strtol(t->val, &end, 10);
		if (*end != '\0' || n < 1 || n > SPL_DEDUP_MAX) {
			spl_error_pos(c, t->pos, "unsupported dedup count "
			    "'%s'", t->val);
			goto fail;
		}
		p->keep = (size_t)n;
		spl_tok_next(c);
	}
	while ((t = spl_tok_arg(c)) != NULL) {
		spl_tok_next(c);
		if (spl_tok_is_ci(t, "sortby")) {
			spl_error_pos(c, t->pos, "dedup sortby is not "
			    "supported");
			goto fail;
		}
		if (t->type == SPL_T_WORD && spl_tok_cur(c)->type == SPL_T_EQ) {
			spl_tok_next(c);
			v = spl_tok_next(c);
			if (strcmp(t->val, "keepempty") != 0 &&
			    strcmp(t->val, "consecutive") != 0 &&
			    strcmp(t->val, "keepevents") != 0) {
				spl_error_pos(c, t->pos, "unknown dedup option "
				    "'%s'", t->val);
				goto fail;
			}
			if (spl_parse_bool(v->val) != 0) {
				spl_error_pos(c, t->pos, "dedup %s=%s is not "
				    "supported", t->val, spl_tok_text(v));
				goto fail;
			}
			continue;
		}
		if (!spl_is_value(t) || strchr(t->val, '*') != NULL) {
			spl_error_pos(c, t->pos, "expected a field name, not "
			    "'%s'", spl_tok_text(t));
			goto fail;
		}
		if ((id = spl_intern(c, t)) == -1)
			goto fail;
		spl_ids_add_uniq(&p->from, &p->n, id);
	}
	if (p->n == 0) {
		spl_error_pos(c, name->pos, "dedup needs a field name");
		goto fail;
	}
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/*
 * The aggregates of an eventstats or a second stats into a new st; they
 * read the rows of stats, whose _time is a by-field's text at most, so
 * an aggregate of _time is refused.  NULL with the error set.
 */
static struct spl_stats *
spl_rows_stats_parse(struct spl_ctx *c, const char *cmd)
{
	struct spl_stats *st;
	struct spl_tok	*t = spl_tok_cur(c);
	size_t		 k;

	if (t->type == SPL_T_WORD && c->toks[c->i + 1].type == SPL_T_EQ) {
		spl_error_pos(c, t->pos, "%s option '%s' is not supported",
		    cmd, t->val);
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	if (spl_parse_stats(c, st) == -1)
		goto fail;
	for (k = 0; k < st->nagg; k++)
		if (st->agg[k].field == EVENT_F_TIME) {
			spl_error_pos(c, t->pos, "%s of _time over the rows "
			    "of stats is not supported", cmd);
			goto fail;
		}
	return st;
fail:
	free(st->agg);
	free(st->by);
	free(st);
	return NULL;
}

/*
 * eventstats AGG ... [by FIELD ...]: each row gets the aggregates over
 * the rows of its group (all rows without a by-clause); a row with a
 * null by-field is in no group and keeps its fields (Search Reference,
 * eventstats).
 */
int
spl_eventstats_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_stats *st;

	(void)name;
	if ((st = spl_rows_stats_parse(c, "eventstats")) == NULL)
		return -1;
	p = spl_post_new(cmd);
	p->stats = st;
	spl_post_add(s, p);
	return 0;
}

/* A second stats: its rows, over the rows of the first, replace them. */
int
spl_stats_rows_parse(struct spl_ctx *c, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_stats *st;

	if ((st = spl_rows_stats_parse(c, "stats")) == NULL)
		return -1;
	p = spl_post_new(&spl_cmd_stats_rows);
	p->stats = st;
	spl_post_add(s, p);
	return 0;
}

/* eventstats adds its aggregates to the columns. */
void
spl_eventstats_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->stats->nagg; k++)
		spl_ids_add_uniq(cols, n, p->stats->agg[k].as);
}

/* A second stats makes new rows: its by-fields, then its aggregates. */
static void
spl_stats_rows_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	*n = 0;
	for (k = 0; k < p->stats->nby; k++)
		spl_ids_add_uniq(cols, n, p->stats->by[k]);
	for (k = 0; k < p->stats->nagg; k++)
		spl_ids_add_uniq(cols, n, p->stats->agg[k].as);
}

/* Frees what the commands of this file hang on p. */
void
spl_rowset_free(struct spl_post *p)
{
	if (p->stats == NULL)
		return;
	free(p->stats->agg);
	free(p->stats->by);
	free(p->stats);
	p->stats = NULL;
}

/* s->nrowset: the commands up to the last one over all rows. */
void
spl_rowset_mark(struct spl_search *s)
{
	size_t	 k;

	s->nrowset = 0;
	for (k = 0; k < s->npost; k++)
		if (s->post[k]->cmd->phase == SPL_PHASE_ROWSET)
			s->nrowset = k + 1;
}
