/*
 * The plain SPL interpreter of the differential test (tests/diff): the
 * filter of a compiled search evaluated in the most obvious way (a
 * recursive glob on lowercased bytes, plain comparisons; no prefilter,
 * no term order, no event-code shortcut) and a naive stats that keeps
 * every matching event of a window, groups them by sorting and computes
 * each aggregate from the list.  Test code: libtestref.a only.
 *
 * Reused from production, because they are not what is compared: the
 * parsed form (struct spl_expr, struct spl_stats), the number rule
 * spl_parse_num(), regex and where nodes of the filter (spl_regex_match(),
 * spl_eval_test(): the expression engine has its own table tests), and
 * the row-local commands before and after stats (spl_pre_apply(),
 * spl_post_apply()), which the caller applies.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPLREF_H
#define HECSENTRY_SPLREF_H

#include <stdbool.h>
#include <stddef.h>

#include "decode/event.h"
#include "detect/spl.h"

/* Whether ev passes the predicate e, by the definition of SPEC 3. */
bool		 splref_match(const struct spl_expr *e, const struct event *ev);

/* Called once per row; row is borrowed until it returns. */
typedef void	(*splref_row_fn)(struct event *row, void *arg);

/*
 * The rows stats st gives over the n events evs of one window (in
 * arrival order); drop_null: a null by-field of a plain stats drops the
 * event (null_by_fields = drop).
 */
void		 splref_stats(const struct spl_stats *st,
		    struct event *const *evs, size_t n, bool drop_null,
		    splref_row_fn fn, void *arg);

#endif /* HECSENTRY_SPLREF_H */
