/*
 * The drilldown of an alert (issue 15.2), as ES shows it beside risk
 * events and notables: "drilldown_search", the detection's own search
 * (as its file writes it, macros and all, so that it runs as is where
 * security_content is installed) narrowed to the row's by-field values
 * the way security_content's own drilldowns do it
 * ("%original_detection_search% | search user = $user$ dest = $dest$"),
 * and "drilldown_earliest" / "drilldown_latest", the row's window in
 * epoch seconds, widened to the _time of its first and last events when
 * they fall outside it (windows follow arrival: late or replayed events
 * have older times), so that the range always holds the row's events.
 * The filter names each by-field as it is called at the
 * end of the search (after the renames of drop_dm_object_name and the
 * like) and quotes each value as SPL needs (Splunk's Search Manual,
 * "Backslashes": a literal backslash is "\\", a quote "\""): a value
 * with no '*' goes into "| search f="v"", one with a '*', which the
 * search command takes as a wildcard and cannot escape, into
 * "| where 'f'=="v"", a null by-field is "NOT f=*".  _time is left to
 * the earliest and latest.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/alert.h"
#include "output/alert_int.h"
#include "decode/event.h"
#include "detect/detection.h"
#include "detect/spl.h"
#include "detect/stats.h"

/* Appends v quoted for SPL: "...", with '\\' and '"' escaped. */
static void
alert_drill_quote(struct alert_buf *q, const char *v, size_t len)
{
	size_t	 i, run = 0;

	alert_put(q, "\"", 1);
	for (i = 0; i < len; i++) {
		if (v[i] != '\\' && v[i] != '"') {
			run++;
			continue;
		}
		alert_put(q, v + i - run, run);
		run = 0;
		alert_put(q, "\\", 1);
		alert_put(q, v + i, 1);
	}
	alert_put(q, v + len - run, run);
	alert_put(q, "\"", 1);
}

/*
 * Appends the filters of one kind (where: the values with a '*') for
 * the row's by-fields; returns how many.
 */
static size_t
alert_drill_filters(struct alert_buf *q, const struct detection *d,
    const struct stats_row *row, bool where)
{
	const char	*name, *v;
	size_t		 i, len, n = 0;
	bool		 has;
	int		 id;

	for (i = 0; i < row->nby; i++) {
		id = d->search != NULL ? spl_post_field(d->search,
		    row->by[i]) : row->by[i];
		if (id < 0 || id == EVENT_F_TIME ||
		    (name = event_field_name(id)) == NULL)
			continue;
		has = event_get(row->rec, id, &v, &len);
		if (where != (has && memchr(v, '*', len) != NULL))
			continue;
		if (n == 0)
			alert_puts(q, where ? " | where " : " | search ");
		else
			alert_puts(q, where ? " AND " : " ");
		n++;
		if (!has) {
			alert_puts(q, "NOT ");
			alert_puts(q, name);
			alert_puts(q, "=*");
		} else if (where) {
			alert_puts(q, "'");
			alert_puts(q, name);
			alert_puts(q, "'==");
			alert_drill_quote(q, v, len);
		} else {
			alert_puts(q, name);
			alert_puts(q, "=");
			alert_drill_quote(q, v, len);
		}
	}
	return n;
}

void
alert_put_drilldown(struct alert_buf *b, const struct detection *d,
    const struct stats_row *row)
{
	struct alert_buf	 q = { NULL, 0, 0 };
	const char		*s;
	size_t			 len;

	s = d->search_text != NULL ? d->search_text : "";
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	alert_put(&q, s, len);
	(void)alert_drill_filters(&q, d, row, false);
	(void)alert_drill_filters(&q, d, row, true);
	alert_put_key(b, "drilldown_search", false);
	alert_put_str(b, q.p, q.len);
	free(q.p);
	alert_put_key(b, "drilldown_earliest", false);
	alert_put_time(b, row->first_ms < row->win_start_ms ? row->first_ms :
	    row->win_start_ms);
	alert_put_key(b, "drilldown_latest", false);
	alert_put_time(b, row->last_ms >= row->win_end_ms ? row->last_ms + 1 :
	    row->win_end_ms);
}
