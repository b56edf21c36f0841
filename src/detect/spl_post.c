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
#include <stdint.h>
#include <stdio.h>
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

/*
 * rename f as g: moves the value of f to g; when f is absent, g is
 * removed too (Splunk's rename replaces g whatever f holds).
 */
bool
spl_rename_apply(const struct spl_post *p, struct event *row)
{
	const char	*v;
	size_t		 k, len;

	for (k = 0; k < p->n; k++) {
		if (p->from[k] == p->to[k])
			continue;
		if (!event_get(row, p->from[k], &v, &len)) {
			event_unset(row, p->to[k]);
			continue;
		}
		(void)event_set_ref(row, p->to[k], v, len);
		event_unset(row, p->from[k]);
	}
	return true;
}

/*
 * fields - drops its list; table keeps only its own; fields [+] keeps
 * its own and the internal fields (a name starting with '_', such as
 * _time), which only "fields -" removes (Splunk's fields command).
 */
bool
spl_fields_apply(const struct spl_post *p, struct event *row)
{
	const char	*name;
	size_t		 k;
	int		 id;
	bool		 table = strcmp(p->cmd->name, "table") == 0;

	if (p->drop) {
		for (k = 0; k < p->n; k++)
			event_unset(row, p->from[k]);
		return true;
	}
	for (id = 0; id < EVENT_MAX_FIELDS; id++) {
		if (!event_has(row, id) || spl_has_id(p->from, p->n, id))
			continue;
		if (!table && (name = event_field_name(id)) != NULL &&
		    name[0] == '_')
			continue;
		event_unset(row, id);
	}
	return true;
}

/* search after stats: keeps the rows that match. */
bool
spl_search_apply(const struct spl_post *p, struct event *row)
{
	return spl_match(p->expr, row);
}

int
spl_post_field(const struct spl_search *s, int id)
{
	const struct spl_post	*p;
	size_t			 k, j;

	for (k = 0; k < s->npost && id >= 0; k++) {
		p = s->post[k];
		if (p->cmd->apply != spl_rename_apply)
			continue;
		for (j = 0; j < p->n; j++)
			if (p->from[j] == id) {
				id = p->to[j];
				break;
			} else if (p->to[j] == id) {
				id = -1;
				break;
			}
	}
	return id;
}

bool
spl_post_apply(const struct spl_search *s, struct event *row)
{
	const struct spl_post *p;
	size_t		 j;

	for (j = s->nrowset; j < s->npost; j++) {
		p = s->post[j];
		if (!p->cmd->apply(p, row))
			return false;
	}
	return true;
}

/*
 * bin _time span=S [as g]: _time (epoch seconds) floored to a multiple
 * of S from the epoch, as whole seconds, into g; binning _time itself
 * also moves the record's time, which min(_time) and max(_time) read.
 * A value that is not a number is left alone.
 */
bool
spl_bin_apply(const struct spl_post *p, struct event *row)
{
	const char	*v;
	size_t		 len;
	double		 d;
	int64_t		 ms;
	char		 buf[32], *out;
	int		 n;

	if (!event_get(row, p->from[0], &v, &len) ||
	    !spl_parse_num(v, len, &d) || !isfinite(d) || d < -1e15 ||
	    d > 1e15)
		return true;
	ms = (int64_t)floor(d * 1000.0);
	ms = ms / p->span_ms * p->span_ms - (ms % p->span_ms < 0 ?
	    p->span_ms : 0);
	n = snprintf(buf, sizeof(buf), "%lld", (long long)(ms / 1000));
	if (n <= 0 || (size_t)n >= sizeof(buf) ||
	    (out = event_alloc(row, (size_t)n)) == NULL)
		return true;
	memcpy(out, buf, (size_t)n);
	(void)event_set_ref(row, p->to[0], out, (size_t)n);
	if (p->to[0] == EVENT_F_TIME)
		row->time_ms = ms;
	return true;
}

bool
spl_pre_apply(const struct spl_search *s, const struct event *ev,
    struct event *out)
{
	const struct spl_post *p;
	uint64_t	 w;
	size_t		 k, j;
	int		 id;

	event_reset(out);
	for (k = 0; k < EVENT_MAX_FIELDS / 64; k++) {
		out->set[k] = w = ev->set[k];
		for (; w != 0; w &= w - 1) {
			id = (int)(k * 64) + __builtin_ctzll(w);
			out->val[id] = ev->val[id];
		}
	}
	out->time_ms = ev->time_ms;
	out->shape = ev->shape;
	for (j = 0; j < s->npre; j++) {
		p = s->pre[j];
		if (!p->cmd->apply(p, out))
			return false;
	}
	return true;
}
