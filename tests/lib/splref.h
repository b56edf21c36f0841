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
 * spl_post_apply(), each command's apply), which the caller applies.
 * join is the interpreter's own (splref_post()).
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

/*
 * The right side of a join: copies of the subsearch's rows in the order
 * the interpreter gave them (splref_stats() gives a stats' rows sorted by
 * their by-values, as Splunk's stats does).
 */
struct splref_rows {
	struct event	**v;
	size_t		 n;
};

void		 splref_rows_add(struct splref_rows *r,
		    const struct event *row);
void		 splref_rows_free(struct splref_rows *r);

/*
 * The commands after stats of s on row (from post[nrowset]): the row
 * commands through their
 * own apply functions (production, not compared), each join by Splunk's
 * join documentation against sides[k] for s->subs[k]: the right rows
 * whose join fields all hold row's values, first max of them in their
 * order (max=0: all), one row out each, with the right row's fields
 * (overwrite=false: only those row lacks); none: type=inner drops row,
 * outer keeps it.  Each row out goes to fn.
 */
void		 splref_post(const struct spl_search *s,
		    const struct splref_rows *sides, struct event *row,
		    splref_row_fn fn, void *arg);

/*
 * splref_stats() of s, then the commands s->post[0, s->nrowset) over its
 * rows (splref_rows.c: dedup, eventstats, a second stats; the row-local
 * commands between them are production code); fn gets each row left, in
 * the rows' order.  The rest (from s->nrowset) is splref_post()'s.
 */
void		 splref_window(const struct spl_search *s,
		    struct event *const *evs, size_t n, bool drop_null,
		    splref_row_fn fn, void *arg);

#endif /* HECSENTRY_SPLREF_H */
