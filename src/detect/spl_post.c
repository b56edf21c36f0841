/*
 * The commands after stats at run time: spl_post_apply() runs a search's
 * row commands, in order, on each row that stats.c emits, through the
 * apply function of each command's row in the table (spl_cmd.c).  A row
 * is a struct event whose fields are the by-fields and the aggregates;
 * strings a command makes live in its arena.  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/event.h"
#include "detect/spl_int.h"

#define SPL_TIME_MAX		256	/* longest formatted ctime() */

/*
 * Formats the epoch seconds in [v, v + len) with strftime() in UTC into
 * the row's arena.  Returns false when v is not a number or the arena is
 * full; the value is then left alone.
 */
static bool
spl_ctime(struct event *row, int to, const char *fmt, const char *v,
    size_t len)
{
	char		 buf[SPL_TIME_MAX];
	struct tm	 tm;
	double		 d;
	time_t		 t;
	size_t		 n;
	char		*p;

	if (!spl_parse_num(v, len, &d) || !isfinite(d) || d < -1e15 ||
	    d > 1e15)
		return false;
	t = (time_t)floor(d);
	if (gmtime_r(&t, &tm) == NULL)
		return false;
	/* The format comes from the detection: strftime() cannot overflow. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(buf, sizeof(buf), fmt, &tm);
#pragma GCC diagnostic pop
	if (n == 0)
		return false;
	if ((p = event_alloc(row, n)) == NULL)
		return false;
	memcpy(p, buf, n);
	return event_set_ref(row, to, p, n) == 0;
}


/* convert ctime(f) [as g]: the epoch seconds of f, formatted, into g. */
bool
spl_convert_apply(const struct spl_post *p, struct event *row)
{
	const char	*v;
	size_t		 k, len;

	for (k = 0; k < p->n; k++)
		if (event_get(row, p->from[k], &v, &len))
			(void)spl_ctime(row, p->to[k], p->timeformat, v, len);
	return true;
}

/* rename f as g: moves the value of f to g. */
bool
spl_rename_apply(const struct spl_post *p, struct event *row)
{
	const char	*v;
	size_t		 k, len;

	for (k = 0; k < p->n; k++) {
		if (p->from[k] == p->to[k] ||
		    !event_get(row, p->from[k], &v, &len))
			continue;
		(void)event_set_ref(row, p->to[k], v, len);
		event_unset(row, p->from[k]);
	}
	return true;
}

/* fields - drops its list; fields [+] and table keep only theirs. */
bool
spl_fields_apply(const struct spl_post *p, struct event *row)
{
	size_t	 k;
	int	 id;

	if (p->drop) {
		for (k = 0; k < p->n; k++)
			event_unset(row, p->from[k]);
		return true;
	}
	for (id = 0; id < EVENT_MAX_FIELDS; id++)
		if (event_has(row, id) && !spl_has_id(p->from, p->n, id))
			event_unset(row, id);
	return true;
}

/* search after stats: keeps the rows that match. */
bool
spl_search_apply(const struct spl_post *p, struct event *row)
{
	return spl_match(p->expr, row);
}

bool
spl_post_apply(const struct spl_search *s, struct event *row)
{
	const struct spl_post *p;
	size_t		 j;

	for (j = 0; j < s->npost; j++) {
		p = s->post[j];
		if (!p->cmd->apply(p, row))
			return false;
	}
	return true;
}
