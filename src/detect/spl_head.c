/*
 * Whether two compiled searches agree up to and including their stats
 * stage (issue 13, item 3: detections with the same head share one stats
 * table, detect.c): the same data model, the same filter term for term
 * as compiled, no row commands before stats, the same aggregates with
 * the same names, the same by-fields in the same order, span and null
 * handling.  What differs after stats (joins, commands, first-seen
 * classification) does not matter: those run on each detection's own
 * copy of a row.  Conservative: a regex or eval term is the same only
 * as the same compiled object, so two searches with equal regexes do not
 * share (a lost saving, never a wrong row).  Load time only; pure.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "detect/spl.h"
#include "detect/spl_int.h"

static bool	spl_head_expr_same(const struct spl_expr *,
		    const struct spl_expr *);

static bool
spl_head_str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Values compare by their text: the rest of struct spl_value follows. */
static bool
spl_head_value_same(const struct spl_value *a, const struct spl_value *b)
{
	return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

static bool
spl_head_expr_same(const struct spl_expr *a, const struct spl_expr *b)
{
	size_t	 i;

	if (a == b)
		return true;
	if (a == NULL || b == NULL || a->type != b->type)
		return false;
	switch (a->type) {
	case SPL_N_TRUE:
		return true;
	case SPL_N_AND:
	case SPL_N_OR:
	case SPL_N_NOT:
		if (a->nkids != b->nkids)
			return false;
		for (i = 0; i < a->nkids; i++)
			if (!spl_head_expr_same(a->kids[i], b->kids[i]))
				return false;
		return true;
	case SPL_N_CMP:
		if (a->field != b->field || a->op != b->op ||
		    a->nvals != b->nvals)
			return false;
		for (i = 0; i < a->nvals; i++)
			if (!spl_head_value_same(&a->vals[i], &b->vals[i]))
				return false;
		return true;
	default:
		/* REGEX, EVAL: only the same object (a == b above). */
		return false;
	}
}

static bool
spl_head_stats_same(const struct spl_stats *a, const struct spl_stats *b)
{
	size_t	 i;

	if (a->nagg != b->nagg || a->nby != b->nby ||
	    a->span_ms != b->span_ms || a->null_by != b->null_by)
		return false;
	if (a->null_by == SPL_NULL_FILL && (a->fill_len != b->fill_len ||
	    memcmp(a->fill, b->fill, a->fill_len) != 0))
		return false;
	for (i = 0; i < a->nagg; i++)
		if (a->agg[i].func != b->agg[i].func ||
		    a->agg[i].field != b->agg[i].field ||
		    a->agg[i].as != b->agg[i].as)
			return false;
	for (i = 0; i < a->nby; i++)
		if (a->by[i] != b->by[i])
			return false;
	return true;
}

bool
spl_head_same(const struct spl_search *a, const struct spl_search *b)
{
	if (a->npre > 0 || b->npre > 0)
		return false;
	return spl_head_str_same(a->datamodel, b->datamodel) &&
	    spl_head_stats_same(&a->stats, &b->stats) &&
	    spl_head_expr_same(a->filter, b->filter);
}

uint64_t
spl_head_hash(const struct spl_search *s)
{
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

#define SPL_HEAD_MIX(v)	(h = (h ^ (uint64_t)(v)) * 1099511628211ULL)
	SPL_HEAD_MIX(s->stats.nagg);
	SPL_HEAD_MIX(s->stats.nby);
	SPL_HEAD_MIX(s->stats.span_ms);
	for (i = 0; i < s->stats.nby; i++)
		SPL_HEAD_MIX(s->stats.by[i]);
	for (i = 0; i < s->stats.nagg; i++) {
		SPL_HEAD_MIX(s->stats.agg[i].func);
		SPL_HEAD_MIX(s->stats.agg[i].as);
	}
	SPL_HEAD_MIX(s->filter != NULL ? s->filter->type : 0);
	SPL_HEAD_MIX(s->filter != NULL ? s->filter->nkids : 0);
#undef SPL_HEAD_MIX
	return h;
}
