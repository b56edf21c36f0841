/*
 * The row's fields as the alert formats read them: a field by name (a
 * values() column is a multivalue, its values one a line), and the risk
 * message with each $field$ filled from the row.  The filling is
 * hecsentry's choice where Splunk's documentation says nothing (README,
 * "Using hecsentry with Splunk Enterprise Security"): the values of a
 * multivalue field are joined with ", "; a field the row lacks stays as
 * "$field$", so that a message never silently loses a word; a '$' that
 * does not open a $name$ token, and a "$" in a value, stay as they are.
 * Pure: no I/O.
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

/* What joins the values of a multivalue field in a message. */
#define ALERT_MV_SEP		", "

bool
alert_field_get(const struct detection *d, const struct event *rec,
    const char *name, size_t nlen, const char **v, size_t *len, bool *multi)
{
	const struct spl_agg	*agg;
	int			 id;

	if ((id = event_field_lookup(name, nlen)) < 0 ||
	    !event_get(rec, id, v, len))
		return false;
	agg = alert_find_agg(d, id);
	*multi = agg != NULL && agg->func == SPL_AGG_VALUES;
	return true;
}

/* True for the bytes of a $name$: letters, digits and "_.-@:". */
static inline bool
alert_is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
	    c == '@' || c == ':';
}

/* Appends a value, a multivalue's values joined with ALERT_MV_SEP. */
static void
alert_put_joined(struct alert_buf *m, const char *v, size_t len, bool multi)
{
	const char	*nl;
	size_t		 n;

	if (!multi) {
		alert_put(m, v, len);
		return;
	}
	for (;;) {
		nl = memchr(v, '\n', len);
		n = nl != NULL ? (size_t)(nl - v) : len;
		alert_put(m, v, n);
		if (nl == NULL)
			break;
		alert_put(m, ALERT_MV_SEP, strlen(ALERT_MV_SEP));
		v += n + 1;
		len -= n + 1;
	}
}

void
alert_put_message(struct alert_buf *b, const struct detection *d,
    const char *msg, const struct event *rec)
{
	struct alert_buf	 m = { NULL, 0, 0 };
	const char		*p, *end, *v;
	size_t			 len;
	bool			 multi;

	if (msg == NULL) {
		alert_puts(b, "null");
		return;
	}
	alert_put(&m, "", 0);
	for (p = msg; *p != '\0'; p = end + 1) {
		end = p + 1;
		if (*p == '$')
			while (alert_is_name_char(*end))
				end++;
		if (*p != '$' || *end != '$' || end == p + 1) {
			alert_put(&m, p, 1);
			end = p;
			continue;
		}
		if (alert_field_get(d, rec, p + 1, (size_t)(end - p - 1), &v,
		    &len, &multi))
			alert_put_joined(&m, v, len, multi);
		else
			alert_put(&m, p, (size_t)(end - p + 1));
	}
	alert_put_str(b, m.p, m.len);
	free(m.p);
}
