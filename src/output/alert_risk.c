/*
 * The risk format: a row becomes one HEC event per value of each risk
 * object of its detection, shaped as the risk events Splunk ES's risk
 * action writes (search_name "ESCU - <name> - Rule", risk_object,
 * risk_object_type, risk_score, risk_message, threat_object and
 * threat_object_type, annotations), with the row's columns and its alert
 * id; sourcetype stash and source the search name unless configured.
 * The risk fields are also sent as HEC indexed "fields" (strings or
 * arrays of strings), so that they are searchable whatever the
 * sourcetype extracts.  Which detections use it: alert_format_of().
 * Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/alert.h"
#include "output/alert_int.h"
#include "decode/event.h"
#include "detect/detection.h"
#include "detect/stats.h"
#include "xmalloc.h"

/* Keys of a risk event's "event" object that a column may not reuse. */
static const char *const alert_risk_reserved[] = {
	"search_name", "risk_object", "risk_object_type", "risk_object_field",
	"risk_score", "risk_message", "threat_object", "threat_object_type",
	"threat_object_field", "annotations", "analyticstories", "detection",
	"detection_id", "detection_version", "window_start", "window_end",
	"emit_reason", "alert_id", "drilldown_search", "drilldown_earliest",
	"drilldown_latest", "arrival_time", NULL
};

/* One value of a risk or threat object of the row (borrowed). */
struct alert_obj_val {
	const struct detection_object *obj;
	const char	*v;
	size_t		 len;
};

/* The values of the objects of one kind (threat or not) of the row. */
struct alert_obj_vals {
	struct alert_obj_val *v;
	size_t		 n;
};

bool
alert_listed(char *const *v, size_t n, const struct detection *d)
{
	return detection_listed(d, v, n);
}

enum alert_format_kind
alert_format_of(const struct detection *d, const struct alert_opts *o)
{
	if (o == NULL)
		return ALERT_FORMAT_ROW;
	if (alert_listed(o->row_list, o->nrow_list, d))
		return ALERT_FORMAT_ROW;
	if (alert_listed(o->risk_list, o->nrisk_list, d))
		return ALERT_FORMAT_RISK;
	return o->format;
}

size_t
alert_search_name(const struct detection *d, char *buf, size_t size)
{
	int	 n;

	n = snprintf(buf, size, "ESCU - %s - Rule",
	    d->name != NULL ? d->name : "");
	return n < 0 ? 0 : (size_t)n + 1;
}

/*
 * Collects the values the row has for d's objects of one kind: a
 * values() column gives one per value, an empty value none.
 */
static void
alert_obj_collect(const struct detection *d, const struct event *rec,
    bool threat, struct alert_obj_vals *out)
{
	const struct detection_object *o;
	const char	*v, *nl;
	size_t		 i, len, n;
	bool		 multi;

	out->v = NULL;
	out->n = 0;
	for (i = 0; i < d->nobjects; i++) {
		o = &d->objects[i];
		if (o->threat != threat || !alert_field_get(d, rec, o->field,
		    strlen(o->field), &v, &len, &multi))
			continue;
		for (;;) {
			nl = multi ? memchr(v, '\n', len) : NULL;
			n = nl != NULL ? (size_t)(nl - v) : len;
			if (n > 0) {
				out->v = xreallocarray(out->v, out->n + 1,
				    sizeof(*out->v));
				out->v[out->n].obj = o;
				out->v[out->n].v = v;
				out->v[out->n].len = n;
				out->n++;
			}
			if (nl == NULL)
				break;
			v += n + 1;
			len -= n + 1;
		}
	}
}

/* What alert_put_obj_array() writes of each value. */
enum alert_obj_part {
	ALERT_OBJ_VALUE = 0,
	ALERT_OBJ_TYPE,
	ALERT_OBJ_FIELD
};

/* Writes ,"key":[...] with one part of each value of t. */
static void
alert_put_obj_array(struct alert_buf *b, const char *key,
    const struct alert_obj_vals *t, enum alert_obj_part part)
{
	size_t	 i;

	alert_put_key(b, key, false);
	alert_put(b, "[", 1);
	for (i = 0; i < t->n; i++) {
		if (i > 0)
			alert_put(b, ",", 1);
		if (part == ALERT_OBJ_VALUE)
			alert_put_str(b, t->v[i].v, t->v[i].len);
		else
			alert_put_cstr(b, part == ALERT_OBJ_TYPE ?
			    t->v[i].obj->type : t->v[i].obj->field);
	}
	alert_put(b, "]", 1);
}

/* Writes the threat objects as aligned arrays (none: nothing). */
static void
alert_put_threats(struct alert_buf *b, const struct alert_obj_vals *t,
    bool with_field)
{
	if (t->n == 0)
		return;
	alert_put_obj_array(b, "threat_object", t, ALERT_OBJ_VALUE);
	alert_put_obj_array(b, "threat_object_type", t, ALERT_OBJ_TYPE);
	if (with_field)
		alert_put_obj_array(b, "threat_object_field", t,
		    ALERT_OBJ_FIELD);
}

/*
 * The members every risk event of the row shares, after the risk
 * object's: annotations, the detection, the window, the drilldown, the
 * columns, the alert id, and the closing brace of "event".
 */
static void
alert_risk_tail(struct alert_buf *b, const struct detection *d,
    const struct stats_row *row, const char *id, int worker)
{
	alert_put_key(b, "annotations", false);
	alert_put(b, "{", 1);
	alert_put_key(b, "mitre_attack", true);
	alert_put_strv(b, d->mitre, d->nmitre);
	alert_put_key(b, "analytic_story", false);
	alert_put_strv(b, d->stories, d->nstories);
	alert_put_key(b, "kill_chain_phases", false);
	alert_put_strv(b, d->kill_chain, d->nkill_chain);
	alert_put(b, "}", 1);
	alert_put_key(b, "analyticstories", false);
	alert_put_strv(b, d->stories, d->nstories);
	alert_put_key(b, "detection", false);
	alert_put_cstr(b, d->name);
	alert_put_key(b, "detection_id", false);
	alert_put_cstr(b, d->id);
	alert_put_key(b, "detection_version", false);
	alert_put_int(b, d->version);
	alert_put_key(b, "window_start", false);
	alert_put_iso(b, row->win_start_ms);
	alert_put_key(b, "window_end", false);
	alert_put_iso(b, row->win_end_ms);
	alert_put_reason(b, row);
	alert_put_drilldown(b, d, row);
	alert_put_columns(b, d, row, worker > 0, alert_risk_reserved);
	if (worker > 0) {
		alert_put_key(b, "worker", false);
		alert_put_int(b, worker);
	}
	alert_put_key(b, "alert_id", false);
	alert_put_cstr(b, id);
	alert_put(b, "}", 1);
}

/* One risk event for the value r of a risk object. */
static void
alert_risk_event(struct alert_buf *b, const struct detection *d,
    const struct stats_row *row, const struct alert_opts *o,
    const char *sname, const struct alert_obj_val *r,
    const struct alert_obj_vals *threats, const struct alert_buf *msg,
    const struct alert_buf *tail, const char *id)
{
	const char	*st = ALERT_RISK_SOURCETYPE, *src = sname;

	if (o->risk_sourcetype != NULL)
		st = o->risk_sourcetype;
	if (o->risk_source != NULL && *o->risk_source != '\0')
		src = o->risk_source;
	b->len = 0;
	alert_put(b, "{", 1);
	alert_put_key(b, "time", true);
	alert_put_time(b, row->last_ms);
	if (row->host != NULL) {
		alert_put_key(b, "host", false);
		alert_put_str(b, row->host, row->host_len);
	}
	alert_put_key(b, "source", false);
	alert_put_cstr(b, src);
	if (*st != '\0') {
		alert_put_key(b, "sourcetype", false);
		alert_put_cstr(b, st);
	}
	if (o->risk_index != NULL && *o->risk_index != '\0') {
		alert_put_key(b, "index", false);
		alert_put_cstr(b, o->risk_index);
	}

	alert_put_key(b, "event", false);
	alert_put(b, "{", 1);
	alert_put_key(b, "search_name", true);
	alert_put_cstr(b, sname);
	alert_put_key(b, "risk_object", false);
	alert_put_str(b, r->v, r->len);
	alert_put_key(b, "risk_object_type", false);
	alert_put_cstr(b, r->obj->type);
	alert_put_key(b, "risk_object_field", false);
	alert_put_cstr(b, r->obj->field);
	alert_put_key(b, "risk_score", false);
	alert_put_int(b, r->obj->score);
	alert_put_key(b, "risk_message", false);
	alert_put(b, msg->p, msg->len);
	alert_put_threats(b, threats, true);
	alert_put(b, tail->p, tail->len);

	alert_put_key(b, "fields", false);
	alert_put(b, "{", 1);
	alert_put_key(b, "alert_id", true);
	alert_put_cstr(b, id);
	alert_put_key(b, "detection", false);
	alert_put_cstr(b, d->name);
	alert_put_key(b, "detection_id", false);
	alert_put_cstr(b, d->id);
	alert_put_key(b, "search_name", false);
	alert_put_cstr(b, sname);
	alert_put_key(b, "risk_object", false);
	alert_put_str(b, r->v, r->len);
	alert_put_key(b, "risk_object_type", false);
	alert_put_cstr(b, r->obj->type);
	alert_put_key(b, "risk_score", false);
	alert_put(b, "\"", 1);
	alert_put_int(b, r->obj->score);
	alert_put(b, "\"", 1);
	alert_put_threats(b, threats, false);
	alert_put(b, "}}", 2);
}

/* The risk format; returns the number of events (0: no risk object). */
static int
alert_risk_emit(const struct detection *d, const struct stats_row *row,
    const struct alert_opts *o, const char *id, alert_emit_fn fn,
    void *arg)
{
	struct alert_obj_vals	 risks, threats;
	struct alert_buf	 b = { NULL, 0, 0 }, msg = { NULL, 0, 0 };
	struct alert_buf	 tail = { NULL, 0, 0 };
	char			*sname;
	size_t			 i, need;

	alert_obj_collect(d, row->rec, false, &risks);
	if (risks.n == 0) {
		free(risks.v);
		return 0;
	}
	alert_obj_collect(d, row->rec, true, &threats);
	need = alert_search_name(d, NULL, 0);
	sname = xmalloc(need);
	(void)alert_search_name(d, sname, need);
	alert_put_message(&msg, d, d->risk_message, row->rec);
	alert_risk_tail(&tail, d, row, id, o->worker);
	for (i = 0; i < risks.n; i++) {
		alert_risk_event(&b, d, row, o, sname, &risks.v[i], &threats,
		    &msg, &tail, id);
		fn(b.p, b.len, arg);
	}
	free(b.p);
	free(msg.p);
	free(tail.p);
	free(sname);
	free(risks.v);
	free(threats.v);
	return (int)(risks.n > INT32_MAX ? INT32_MAX : risks.n);
}

int
alert_emit(const struct detection *d, const struct stats_row *row,
    const struct alert_opts *o, const char *id, alert_emit_fn fn, void *arg,
    enum alert_emitted *how)
{
	char	*json;
	size_t	 len;
	int	 n;

	*how = ALERT_EMITTED_ROW;
	if (d == NULL || row == NULL || row->rec == NULL || id == NULL)
		return -1;
	if (alert_format_of(d, o) == ALERT_FORMAT_RISK) {
		if ((n = alert_risk_emit(d, row, o, id, fn, arg)) > 0) {
			*how = ALERT_EMITTED_RISK;
			return n;
		}
		*how = ALERT_EMITTED_RISK_AS_ROW;
	}
	if ((json = alert_format(d, row, o, id, &len)) == NULL)
		return -1;
	fn(json, len, arg);
	free(json);
	return 1;
}
