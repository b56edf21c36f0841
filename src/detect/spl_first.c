/*
 * Whether a compiled search can send first-seen alerts (emit =
 * first+close, issue 15.4): the row of a key right after its first event
 * must pass the commands after stats exactly when the closed row will.
 * That holds when every filter after stats (search, where, regex) reads
 * only what the first event already fixed: the by-fields and what row-
 * local commands derive from them.  An aggregate (count, min, values...),
 * _time (the row's latest event) and whatever eval, rex, convert, bin or
 * lookup derive from them can still change; a filter reading one of them
 * could drop the first row and keep the closed one, or the reverse.  A
 * join (the right rows of the whole window) and the commands over every
 * row of a window (dedup, eventstats, a second stats) are not known at
 * the first event either.  spl_first_classify() records the first reason
 * in s->first_why; NULL: first-seen rows are exact.  now() and time()
 * read the clock, which moves like _time.  s->first_drops tells whether
 * such a search drops rows at all: then a key dropped at its first event
 * is dropped for good (stats_on_new()).  Load time only.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl.h"
#include "detect/spl_int.h"
#include "detect/spl_eval.h"
#include "xmalloc.h"

#define SPL_FIRST_CLOCK	(-2)	/* the id now() and time() read */

/* Whether x calls now() or time(), which read the clock. */
static bool
spl_first_ex_clock(const struct spl_ex *x)
{
	size_t	 k;

	if (x->op == SPL_X_CALL && x->fn != NULL &&
	    (strcmp(x->fn->name, "now") == 0 ||
	    strcmp(x->fn->name, "time") == 0))
		return true;
	for (k = 0; k < x->nargs; k++)
		if (spl_first_ex_clock(x->args[k]))
			return true;
	return false;
}

/* Adds SPL_FIRST_CLOCK to reads[*nreads] when e reads the clock. */
static void
spl_first_clock(const struct spl_eval *e, int **reads, size_t *nreads)
{
	size_t	 k;

	for (k = 0; k < e->n; k++)
		if (spl_first_ex_clock(e->ex[k])) {
			spl_ids_add_uniq(reads, nreads, SPL_FIRST_CLOCK);
			return;
		}
}

/* The first of reads[nreads] in moving[n], or -1. */
static int
spl_first_reads_moving(const int *reads, size_t nreads, const int *moving,
    size_t n)
{
	size_t	 k;

	for (k = 0; k < nreads; k++)
		if (spl_has_id(moving, n, reads[k]))
			return reads[k];
	return -1;
}

/* Marks to[n] moving when moved, else fixed. */
static void
spl_first_derive(int **moving, size_t *n, const int *to, size_t nto,
    bool moved)
{
	size_t	 k;

	for (k = 0; k < nto; k++) {
		if (moved)
			spl_ids_add_uniq(moving, n, to[k]);
		else
			spl_ids_remove(*moving, n, to[k]);
	}
}

/*
 * The fields p reads into *reads, and whether p filters rows; false when
 * p is no command this walk knows (it is then taken to need the whole
 * row).
 */
static bool
spl_first_reads(const struct spl_post *p, int **reads, size_t *nreads,
    bool *filters)
{
	size_t	 k;

	*filters = false;
	if (p->cmd->apply == spl_search_apply) {
		spl_expr_fields(p->expr, reads, nreads);
		*filters = true;
	} else if (p->cmd->apply == spl_where_apply) {
		spl_eval_fields(p->eval, reads, nreads);
		spl_first_clock(p->eval, reads, nreads);
		*filters = true;
	} else if (p->cmd->apply == spl_regex_apply) {
		spl_ids_add_uniq(reads, nreads, p->field);
		*filters = true;
	} else if (p->cmd->apply == spl_eval_apply) {
		spl_eval_fields(p->eval, reads, nreads);
		spl_first_clock(p->eval, reads, nreads);
	} else if (p->cmd->apply == spl_rex_apply)
		spl_ids_add_uniq(reads, nreads, p->field);
	else if (p->cmd->apply == spl_lookup_apply) {
		for (k = 0; k < p->n; k++)
			spl_ids_add_uniq(reads, nreads, p->from[k]);
	} else
		return false;
	return true;
}

/* What the row-local command p makes, moving when moved. */
static void
spl_first_outputs(const struct spl_post *p, int **moving, size_t *n,
    bool moved)
{
	if (p->cmd->apply == spl_eval_apply)
		spl_first_derive(moving, n, p->eval->to, p->eval->n, moved);
	else if (p->cmd->apply == spl_rex_apply && p->sed == NULL)
		spl_first_derive(moving, n, p->to, p->n, moved);
	else if (p->cmd->apply == spl_lookup_apply && moved)
		spl_first_derive(moving, n, p->outid, p->nout, true);
}

void
spl_first_classify(struct spl_search *s)
{
	const struct spl_post *p;
	int		*moving = NULL, *reads;
	size_t		 nmoving = 0, k, j, nreads;
	bool		 filters, moved;
	int		 id;

	free(s->first_why);
	s->first_why = NULL;
	s->first_drops = false;
	if (s->nsubs > 0) {
		xasprintf(&s->first_why, "'join' needs the right rows of the "
		    "whole window");
		return;
	}
	if (s->nrowset > 0) {
		xasprintf(&s->first_why, "'%s' needs every row of the window",
		    s->post[s->nrowset - 1]->cmd->name);
		return;
	}
	for (k = 0; k < s->stats.nagg; k++)
		spl_ids_add_uniq(&moving, &nmoving, s->stats.agg[k].as);
	if (!spl_has_id(s->stats.by, s->stats.nby, EVENT_F_TIME))
		spl_ids_add_uniq(&moving, &nmoving, EVENT_F_TIME);
	spl_ids_add_uniq(&moving, &nmoving, SPL_FIRST_CLOCK);
	for (k = 0; k < s->stats.nby; k++)
		spl_ids_remove(moving, &nmoving, s->stats.by[k]);

	for (k = 0; k < s->npost && s->first_why == NULL; k++) {
		p = s->post[k];
		reads = NULL;
		nreads = 0;
		if (p->cmd->apply == spl_rename_apply) {
			for (j = 0; j < p->n; j++) {
				if (p->from[j] == p->to[j])
					continue;
				moved = spl_has_id(moving, nmoving,
				    p->from[j]);
				spl_ids_remove(moving, &nmoving, p->from[j]);
				spl_first_derive(&moving, &nmoving, &p->to[j],
				    1, moved);
			}
		} else if (p->cmd->apply == spl_convert_apply ||
		    p->cmd->apply == spl_bin_apply) {
			for (j = 0; j < p->n; j++)
				spl_first_derive(&moving, &nmoving, &p->to[j],
				    1, spl_has_id(moving, nmoving,
				    p->from[j]));
		} else if (p->cmd->apply == spl_fields_apply) {
			/* Keeps or drops columns: no row is dropped. */
		} else if (!spl_first_reads(p, &reads, &nreads, &filters))
			xasprintf(&s->first_why, "'%s' after stats may need "
			    "the whole row", p->cmd->name);
		else {
			id = spl_first_reads_moving(reads, nreads, moving,
			    nmoving);
			if (filters && id == SPL_FIRST_CLOCK)
				xasprintf(&s->first_why, "'%s' reads the "
				    "clock (now(), time())", p->cmd->name);
			else if (filters && id != -1)
				xasprintf(&s->first_why, "'%s' reads '%s', "
				    "which can change after the first event",
				    p->cmd->name, event_field_name(id) !=
				    NULL ? event_field_name(id) : "?");
			else {
				if (filters)
					s->first_drops = true;
				spl_first_outputs(p, &moving, &nmoving,
				    id != -1);
			}
		}
		free(reads);
	}
	if (s->first_why != NULL)
		s->first_drops = false;
	free(moving);
}
