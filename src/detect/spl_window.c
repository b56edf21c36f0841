/*
 * Which window gives Splunk's answer for a compiled search (SPEC 9,
 * "Windows and schedules").  Rows of a short tumbling window merge into
 * the rows Splunk gives for any period made of whole windows when every
 * aggregate is mergeable (count, min, max, sum, values; the text of
 * latest, earliest) and every command after stats is row-local and reads
 * no aggregate: a filter on a by-field keeps or drops a key in every
 * window alike.  A filter on an aggregate ("where count > 5"), dc() or
 * avg(), or a command over all rows (dedup, eventstats, a second stats)
 * gives another answer for each window length: such a search must be
 * windowed on its schedule's period.  spl_window_classify() records the
 * first reason in s->window_why.  Load time only; no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl.h"
#include "detect/spl_int.h"
#include "xmalloc.h"

/* rex and regex after stats read the field they match. */
static void
spl_field_reads(const struct spl_post *p, int **ids, size_t *n)
{
	spl_ids_add_uniq(ids, n, p->field);
}

/* search after stats reads the fields of its expression. */
static void
spl_search_reads(const struct spl_post *p, int **ids, size_t *n)
{
	spl_expr_fields(p->expr, ids, n);
}

/* eval and where read the fields of their expressions. */
static void
spl_eval_reads(const struct spl_post *p, int **ids, size_t *n)
{
	spl_eval_fields(p->eval, ids, n);
}

/* lookup reads its input fields. */
static void
spl_lookup_reads(const struct spl_post *p, int **ids, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->n; k++)
		spl_ids_add_uniq(ids, n, p->from[k]);
}

/*
 * The fields a row command reads, by its apply function: add a row for
 * a new command that filters or computes; a command after stats that is
 * not here (nor row-local by construction below) is taken to read an
 * aggregate, so the choice errs towards Splunk's answer.
 */
static const struct {
	bool		(*apply)(const struct spl_post *, struct event *);
	void		(*reads)(const struct spl_post *, int **, size_t *);
} spl_window_reads[] = {
	{ spl_search_apply, spl_search_reads },
	{ spl_rex_apply, spl_field_reads },
	{ spl_regex_apply, spl_field_reads },
	{ spl_eval_apply, spl_eval_reads },
	{ spl_where_apply, spl_eval_reads },
	{ spl_lookup_apply, spl_lookup_reads },
};

/* Aggregates whose rows merge (by name: tstats adds functions). */
static const char *spl_window_mergeable[] = {
	"count", "min", "max", "sum", "values", "latest", "earliest"
};

static bool
spl_window_agg_merges(enum spl_agg_func f)
{
	const char	*name = spl_agg_name(f);
	size_t		 k;

	for (k = 0; name != NULL && k < sizeof(spl_window_mergeable) /
	    sizeof(spl_window_mergeable[0]); k++)
		if (strcmp(name, spl_window_mergeable[k]) == 0)
			return true;
	return false;
}

/* The first of ids[n] that is in agg[nagg], or -1. */
static int
spl_window_first(const int *ids, size_t n, const int *agg, size_t nagg)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		if (spl_has_id(agg, nagg, ids[k]))
			return ids[k];
	return -1;
}

/*
 * Follows the aggregates' output fields (and what commands derive from
 * them) through the commands after stats; the first command that reads
 * one to filter, or that needs every row, sets the reason.
 */
void
spl_window_classify(struct spl_search *s)
{
	const struct spl_post *p;
	int		*agg = NULL, *ids;
	size_t		 nagg = 0, k, j, nids;
	int		 id;

	for (k = 0; k < s->stats.nagg; k++) {
		if (!spl_window_agg_merges(s->stats.agg[k].func)) {
			xasprintf(&s->window_why, "%s() does not merge across "
			    "windows", spl_agg_name(s->stats.agg[k].func));
			free(agg);
			return;
		}
		spl_ids_add_uniq(&agg, &nagg, s->stats.agg[k].as);
	}
	for (k = 0; k < s->npost && s->window_why == NULL; k++) {
		p = s->post[k];
		ids = NULL;
		nids = 0;
		if (p->cmd->apply == spl_join_apply) {
			/* Both sides of every pair: the whole period. */
			xasprintf(&s->window_why, "'join' pairs rows of the "
			    "whole period");
		} else if (p->cmd->phase == SPL_PHASE_ROWSET) {
			xasprintf(&s->window_why, "'%s' needs every row of "
			    "the period", p->cmd->name);
		} else if (p->cmd->apply == spl_rename_apply) {
			for (j = 0; j < p->n; j++) {
				if (p->from[j] == p->to[j])
					continue;
				spl_ids_remove(agg, &nagg, p->to[j]);
				if (spl_has_id(agg, nagg, p->from[j])) {
					spl_ids_remove(agg, &nagg,
					    p->from[j]);
					spl_ids_add_uniq(&agg, &nagg,
					    p->to[j]);
				}
			}
		} else if (p->cmd->apply == spl_convert_apply ||
		    p->cmd->apply == spl_bin_apply) {
			/* Formats or floors: row-local, derived stays so. */
			for (j = 0; j < p->n; j++)
				if (spl_has_id(agg, nagg, p->from[j]))
					spl_ids_add_uniq(&agg, &nagg,
					    p->to[j]);
		} else if (p->cmd->apply == spl_fields_apply) {
			/* Keeps or drops columns: row-local. */
		} else {
			for (j = 0; j < sizeof(spl_window_reads) /
			    sizeof(spl_window_reads[0]); j++)
				if (spl_window_reads[j].apply == p->cmd->apply)
					break;
			if (j == sizeof(spl_window_reads) /
			    sizeof(spl_window_reads[0]))
				xasprintf(&s->window_why, "'%s' after stats "
				    "may read an aggregate", p->cmd->name);
			else {
				spl_window_reads[j].reads(p, &ids, &nids);
				id = spl_window_first(ids, nids, agg, nagg);
				if (id != -1)
					xasprintf(&s->window_why, "'%s' reads "
					    "the aggregate '%s'", p->cmd->name,
					    event_field_name(id));
			}
		}
		free(ids);
	}
	free(agg);
}
