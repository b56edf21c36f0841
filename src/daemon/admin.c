/*
 * The admin HTTP port: one evhttp on the daemon's loop.  Each request
 * takes a fresh snapshot from the caller and renders it: /metrics in the
 * Prometheus text exposition format (every family with HELP and TYPE
 * lines, label values escaped), /health and /detections as JSON built
 * with json-c.  Only GET; other methods get 405, other paths 404.  The
 * answers are small and built in one go, so a request never blocks the
 * loop.  Counters that the sink grows later are one line in
 * admin_sink_fields[].
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <json-c/json.h>

#include "daemon/admin.h"
#include "decode/decode.h"
#include "log.h"
#include "xmalloc.h"

struct admin {
	struct event_base	*base;
	struct evhttp		*http;
	struct evhttp_bound_socket *sock;	/* the listening socket */
	admin_snapshot_fn	 cb;		/* provides the numbers */
	void			*arg;
};

/*
 * Counts one frame of listener name (NULL: "?") and, when shape is a
 * valid EVENT_SHAPE_*, its event, in tab (max rows plus tab[max] for
 * "other"; *n rows used).  Rows are found by the pointer first (every
 * frame of a connection carries the same string), then by name.
 */
void
admin_lstat_count(struct admin_lstat *tab, size_t *n, size_t max,
    const char *name, int shape)
{
	struct admin_lstat	*ls = NULL;
	size_t			 i;

	if (name == NULL)
		name = "?";
	for (i = 0; i < *n && ls == NULL; i++)
		if (tab[i].key == name)
			ls = &tab[i];
	for (i = 0; i < *n && ls == NULL; i++)
		if (strcmp(tab[i].al.name, name) == 0)
			ls = &tab[i];
	if (ls == NULL && *n == max) {
		ls = &tab[max];
		if (ls->al.name == NULL)
			ls->al.name = xstrdup("other");
	} else if (ls == NULL) {
		ls = &tab[(*n)++];
		ls->key = name;
		ls->al.name = xstrdup(name);
	}
	ls->al.frames++;
	if (shape >= 0 && shape < EVENT_SHAPE_NSHAPES)
		ls->al.events[shape]++;
}

/* A rendering in progress: the first failure sticks. */
struct admin_out {
	struct evbuffer		*buf;
	int			 err;		/* an append failed */
};

/* An unlabelled sink counter; new struct sink_counters fields go here. */
struct admin_field {
	const char		*name;
	const char		*type;		/* "counter" or "gauge" */
	const char		*help;
	size_t			 off;		/* in struct sink_counters */
	size_t			 size;		/* uint64_t or size_t */
};

#define ADMIN_SINK_FIELD(n, t, f, h)					\
	{ n, t, h, offsetof(struct sink_counters, f),			\
	    sizeof(((struct sink_counters *)0)->f) }

static const struct admin_field admin_sink_fields[] = {
	ADMIN_SINK_FIELD("hecsentry_alerts_submitted_total", "counter",
	    submitted, "Alerts handed to the output."),
	ADMIN_SINK_FIELD("hecsentry_alerts_delivered_total", "counter",
	    delivered, "Alerts written, or accepted by HEC."),
	ADMIN_SINK_FIELD("hecsentry_alerts_dropped_total", "counter",
	    dropped, "Alerts lost, queue or spool full (also in "
	    "hecsentry_drops_total)."),
	ADMIN_SINK_FIELD("hecsentry_hec_requests_sent_total", "counter",
	    requests, "HEC requests sent (acknowledgement polls and health "
	    "probes apart)."),
	ADMIN_SINK_FIELD("hecsentry_hec_retries_total", "counter", retries,
	    "HEC requests retried."),
	ADMIN_SINK_FIELD("hecsentry_hec_rejected_total", "counter",
	    rejected, "Alerts refused by HEC (400, other 4xx)."),
	ADMIN_SINK_FIELD("hecsentry_output_write_errors_total", "counter",
	    write_errors, "Write errors of the stdout or file output."),
	ADMIN_SINK_FIELD("hecsentry_hec_auth_errors_total", "counter",
	    auth_errors, "HEC answers 401 or 403 (token refused)."),
	ADMIN_SINK_FIELD("hecsentry_hec_batch_splits_total", "counter",
	    splits, "HEC batches split after a 413 or 400."),
	ADMIN_SINK_FIELD("hecsentry_hec_dead_lettered_total", "counter",
	    dead_lettered, "Alerts written to the dead-letter file."),
	ADMIN_SINK_FIELD("hecsentry_hec_acked_batches_total", "counter",
	    acked, "HEC batches acknowledged by the indexers."),
	ADMIN_SINK_FIELD("hecsentry_hec_ack_timeouts_total", "counter",
	    ack_timeouts, "HEC batches resent: not acknowledged in time."),
	ADMIN_SINK_FIELD("hecsentry_hec_ack_polls_total", "counter",
	    ack_polls, "HEC acknowledgement poll requests."),
	ADMIN_SINK_FIELD("hecsentry_hec_health_probes_total", "counter",
	    probes, "Health probes of ejected HEC endpoints."),
	ADMIN_SINK_FIELD("hecsentry_hec_ejections_total", "counter",
	    ejections, "HEC endpoints ejected as unhealthy."),
	ADMIN_SINK_FIELD("hecsentry_hec_endpoints_down", "gauge",
	    endpoints_down, "HEC endpoints ejected now."),
	ADMIN_SINK_FIELD("hecsentry_spool_appended_total", "counter",
	    spooled, "Alerts appended to the on-disk spool."),
	ADMIN_SINK_FIELD("hecsentry_spool_replayed_total", "counter",
	    spool_replayed, "Undelivered alerts found in the spool at start."),
	ADMIN_SINK_FIELD("hecsentry_spool_dropped_total", "counter",
	    spool_dropped, "Oldest alerts dropped from the full spool."),
	ADMIN_SINK_FIELD("hecsentry_spool_corrupt_total", "counter",
	    spool_corrupt, "Damaged spool regions skipped."),
	ADMIN_SINK_FIELD("hecsentry_spool_errors_total", "counter",
	    spool_errors, "Spool write, read or sync failures."),
	ADMIN_SINK_FIELD("hecsentry_delivery_latency_milliseconds_total",
	    "counter", latency_ms_sum, "Milliseconds from an alert's queueing "
	    "to its acceptance by HEC, summed; divide by "
	    "hecsentry_delivery_latency_measured_total for the mean."),
	ADMIN_SINK_FIELD("hecsentry_delivery_latency_measured_total",
	    "counter", latency_measured, "Alerts accepted by HEC whose "
	    "delivery latency is summed above."),
	ADMIN_SINK_FIELD("hecsentry_delivery_latency_max_milliseconds",
	    "gauge", latency_ms_max, "The longest delivery latency to HEC "
	    "since start."),
	ADMIN_SINK_FIELD("hecsentry_alert_queue_alerts", "gauge", queued,
	    "Alerts waiting for delivery (the spool depth when spooling)."),
	ADMIN_SINK_FIELD("hecsentry_alert_queue_bytes", "gauge",
	    queued_bytes, "Bytes of the waiting alerts (on disk when "
	    "spooling)."),
};

static uint64_t
admin_field_value(const struct admin_field *f, const struct sink_counters *c)
{
	const char	*p = (const char *)c + f->off;
	uint64_t	 u64;
	size_t		 sz;

	if (f->size == sizeof(uint64_t)) {
		memcpy(&u64, p, sizeof(u64));
		return u64;
	}
	memcpy(&sz, p, sizeof(sz));
	return sz;
}

static void
admin_printf(struct admin_out *o, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

static void
admin_printf(struct admin_out *o, const char *fmt, ...)
{
	va_list	 ap;

	if (o->err)
		return;
	va_start(ap, fmt);
	if (evbuffer_add_vprintf(o->buf, fmt, ap) == -1)
		o->err = 1;
	va_end(ap);
}

int
admin_escape_label(struct evbuffer *out, const char *s)
{
	const char	*run = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\' && *s != '"' && *s != '\n')
			continue;
		if (evbuffer_add(out, run, (size_t)(s - run)) == -1 ||
		    evbuffer_add(out, *s == '\\' ? "\\\\" : *s == '"' ?
		    "\\\"" : "\\n", 2) == -1)
			return -1;
		run = s + 1;
	}
	return evbuffer_add(out, run, (size_t)(s - run));
}

/* "# HELP" and "# TYPE" lines of one family. */
static void
admin_family(struct admin_out *o, const char *name, const char *type,
    const char *help)
{
	admin_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/*
 * One sample: name{k1="v1",...} value.  labels holds nlabels key/value
 * pairs (2 * nlabels strings); values are escaped.
 */
static void
admin_sample(struct admin_out *o, const char *name, const char **labels,
    size_t nlabels, uint64_t value)
{
	size_t	 i;

	admin_printf(o, "%s", name);
	for (i = 0; i < nlabels && !o->err; i++) {
		admin_printf(o, "%s%s=\"", i == 0 ? "{" : ",",
		    labels[2 * i]);
		if (!o->err && admin_escape_label(o->buf,
		    labels[2 * i + 1]) == -1)
			o->err = 1;
		admin_printf(o, "\"");
	}
	admin_printf(o, "%s %llu\n", nlabels > 0 ? "}" : "",
	    (unsigned long long)value);
}

/* A family with one unlabelled sample. */
static void
admin_single(struct admin_out *o, const char *name, const char *type,
    const char *help, uint64_t value)
{
	admin_family(o, name, type, help);
	admin_sample(o, name, NULL, 0, value);
}

/* Datagrams lost, by UDP socket and reason (UDP is never paused). */
static void
admin_metrics_udp(struct admin_out *o, const struct listen_counters *lc)
{
	const struct listen_udp_counters	*uc;
	const char				*l[4];
	size_t					 i, n;
	int					 k;

	admin_family(o, "hecsentry_udp_drops_total", "counter",
	    "UDP datagrams lost, by listener and reason: truncated (over "
	    "max_frame), kernel (receive buffer full), empty, error "
	    "(recvmsg failed).");
	n = lc->nudp < LISTEN_UDP_NCOUNTED ? lc->nudp : LISTEN_UDP_NCOUNTED;
	for (i = 0; i < n; i++) {
		uc = &lc->udp[i];
		for (k = 0; k < LISTEN_UDP_NDROPS; k++) {
			l[0] = "listener";
			l[1] = uc->listener;
			l[2] = "reason";
			l[3] = listen_udp_drop_name((enum listen_udp_drop)k);
			admin_sample(o, "hecsentry_udp_drops_total", l, 2,
			    uc->drops[k]);
		}
	}
}

static void
admin_metrics_input(struct admin_out *o, const struct admin_snapshot *s)
{
	const char	*l[4];
	size_t		 i;
	int		 k;

	admin_family(o, "hecsentry_frames_total", "counter",
	    "Frames (syslog messages) received, by listener.");
	for (i = 0; i < s->nlisteners; i++) {
		l[0] = "listener";
		l[1] = s->listeners[i].name;
		admin_sample(o, "hecsentry_frames_total", l, 1,
		    s->listeners[i].frames);
	}
	admin_family(o, "hecsentry_events_total", "counter",
	    "Events decoded and normalised, by listener and payload shape.");
	for (i = 0; i < s->nlisteners; i++) {
		for (k = 0; k < EVENT_SHAPE_NSHAPES; k++) {
			l[0] = "listener";
			l[1] = s->listeners[i].name;
			l[2] = "shape";
			l[3] = event_shape_name((enum event_shape)k);
			admin_sample(o, "hecsentry_events_total", l, 2,
			    s->listeners[i].events[k]);
		}
	}
	admin_single(o, "hecsentry_prefiltered_total", "counter",
	    "Frames skipped before decoding: no detection can match their "
	    "EventCode.", s->pipeline.prefiltered);
	admin_single(o, "hecsentry_xml_fallback_total", "counter",
	    "XmlWinEventLog documents outside the fast scanner's subset "
	    "(comments, CDATA, prefixes, errors...), decoded by expat.",
	    s->pipeline.xml_fallback);
	admin_single(o, "hecsentry_input_bytes_total", "counter",
	    "Payload bytes read from the listeners.", s->listen.bytes);
	admin_single(o, "hecsentry_connections_accepted_total", "counter",
	    "TCP connections accepted.", s->listen.conns_accepted);
	admin_single(o, "hecsentry_connections_idle_closed_total", "counter",
	    "TCP connections closed for idleness.", s->listen.conns_idle);
	admin_single(o, "hecsentry_connections_open", "gauge",
	    "TCP connections open now.", s->listen.conns_open);
	admin_metrics_udp(o, &s->listen);

	admin_family(o, "hecsentry_parse_errors_total", "counter",
	    "Frames skipped because they could not be parsed, by stage and "
	    "reason.");
	{
		static const char *sl[PIPELINE_SYSLOG_NERRORS] = {
			"bad_pri", "bad_timestamp", "bad_structured_data",
			"other"
		};

		for (k = 0; k < PIPELINE_SYSLOG_NERRORS; k++) {
			l[0] = "stage";
			l[1] = "syslog";
			l[2] = "reason";
			l[3] = sl[k];
			admin_sample(o, "hecsentry_parse_errors_total", l, 2,
			    s->pipeline.syslog_errors[k]);
		}
	}
	for (k = 1; k < DECODE_NERRORS; k++) {
		l[0] = "stage";
		l[1] = "decode";
		l[2] = "reason";
		l[3] = decode_error_name((enum decode_error)k);
		admin_sample(o, "hecsentry_parse_errors_total", l, 2,
		    s->pipeline.decode_errors[k]);
	}
	l[0] = "stage";
	l[1] = "normalise";
	l[2] = "reason";
	l[3] = "too_large";
	admin_sample(o, "hecsentry_parse_errors_total", l, 2,
	    s->pipeline.normalise_errors);
}

/* hecsentry_detections{state="..."}: the library's detections by state. */
static void
admin_metrics_library(struct admin_out *o, const struct admin_snapshot *s)
{
	const char	*l[2];
	int		 st;

	if (s->library == NULL)
		return;
	admin_family(o, "hecsentry_detections", "gauge",
	    "Detections of the library by state (runs, skipped, ...).");
	for (st = 0; st < LIBRARY_NSTATES; st++) {
		l[0] = "state";
		l[1] = library_state_name(st);
		admin_sample(o, "hecsentry_detections", l, 1,
		    library_count(s->library, st));
	}
}

/* The labels of a per-detection sample: detection (name) and id. */
static void
admin_detection_labels(const char *l[4], const struct detection *det)
{
	l[0] = "detection";
	l[1] = det->name != NULL ? det->name : "";
	l[2] = "id";
	l[3] = det->id != NULL ? det->id : "";
}

static void
admin_metrics_detections(struct admin_out *o, const struct admin_snapshot *s)
{
	static const struct {
		const char	*name;
		const char	*type;
		const char	*help;
	} fam[] = {
		{ "hecsentry_detection_matches_total", "counter",
		    "Events that matched the detection's search." },
		{ "hecsentry_detection_rows_total", "counter",
		    "Stats rows the detection emitted." },
		{ "hecsentry_detection_early_rows_total", "counter",
		    "Rows emitted early (key limit or byte budget)." },
		{ "hecsentry_detection_null_by_total", "counter",
		    "Matching events with a null by-field." },
		{ "hecsentry_detection_keys", "gauge",
		    "Live stats keys of the detection." },
		{ "hecsentry_detection_bytes", "gauge",
		    "Bytes held by the detection's stats table." },
		{ "hecsentry_detection_first_dropped_total", "counter",
		    "Keys the commands after stats dropped at their first "
		    "event (tombstones: no rows)." },
		{ "hecsentry_detection_tombstones", "gauge",
		    "Of the live keys, tombstones." },
	};
	const struct admin_detection	*d;
	const char			*l[4];
	uint64_t			 v;
	size_t				 f, i;

	for (f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		admin_family(o, fam[f].name, fam[f].type, fam[f].help);
		for (i = 0; i < s->ndetections; i++) {
			d = &s->detections[i];
			switch (f) {
			case 0:
				v = d->dc.matches;
				break;
			case 1:
				v = d->dc.rows;
				break;
			case 2:
				v = d->sc.early;
				break;
			case 3:
				v = d->sc.null_by;
				break;
			case 4:
				v = d->sc.keys;
				break;
			case 6:
				v = d->sc.first_dropped;
				break;
			case 7:
				v = d->sc.tombs;
				break;
			default:
				v = d->sc.bytes;
				break;
			}
			admin_detection_labels(l, d->det);
			admin_sample(o, fam[f].name, l, 2, v);
		}
	}
	admin_single(o, "hecsentry_rows_total", "counter",
	    "Rows out of every stats table.", s->pipeline.rows);
	admin_single(o, "hecsentry_rows_filtered_total", "counter",
	    "Rows dropped by a post-stats search (the filter macros); keys "
	    "dropped at their first event make no rows "
	    "(hecsentry_detection_first_dropped_total).",
	    s->pipeline.rows_filtered);
	admin_single(o, "hecsentry_first_rows_total", "counter",
	    "First-seen rows out of stats (emit first+close), not in "
	    "hecsentry_rows_total.", s->pipeline.first_rows);
	admin_single(o, "hecsentry_first_rows_filtered_total", "counter",
	    "First-seen rows dropped by the commands after stats.",
	    s->pipeline.first_filtered);
	admin_single(o, "hecsentry_alerts_total", "counter",
	    "Alerts formatted and handed to the output.", s->pipeline.alerts);
	admin_single(o, "hecsentry_risk_events_total", "counter",
	    "Of the alerts, risk events (alert_format risk).",
	    s->pipeline.risk_events);
	admin_single(o, "hecsentry_risk_rows_without_object_total", "counter",
	    "Rows in the risk format with no risk object value, sent as rows.",
	    s->pipeline.risk_as_row);
}

/* ms as decimal seconds, no trailing zeros: 5 "0.005", 2500 "2.5". */
static void
admin_format_seconds(char *buf, size_t bufsz, uint64_t ms)
{
	size_t	 n;

	n = (size_t)snprintf(buf, bufsz, "%llu.%03u",
	    (unsigned long long)(ms / 1000), (unsigned)(ms % 1000));
	if (n >= bufsz)
		n = bufsz - 1;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/*
 * The samples of histogram family name over the latency buckets
 * (sink_ops.h): cumulative buckets up to +Inf (which equals _count when
 * the sink counted consistently), _sum in seconds (exact: milliseconds
 * with three decimals), _count; with label (not NULL) every sample also
 * carries label="value".
 */
static void
admin_histogram(struct admin_out *o, const char *name,
    const uint64_t *buckets, uint64_t sum_ms, uint64_t count,
    const char *label, const char *value)
{
	const char	*l[4];
	char		 le[32], sname[128];
	uint64_t	 cum = 0;
	size_t		 i, nl = label != NULL ? 1 : 0;

	snprintf(sname, sizeof(sname), "%s_bucket", name);
	for (i = 0; i < SINK_LATENCY_NBUCKETS; i++) {
		cum += buckets[i];
		if (i < SINK_LATENCY_NBOUNDS)
			admin_format_seconds(le, sizeof(le),
			    sink_latency_bounds_ms[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		l[0] = "le";
		l[1] = le;
		l[2] = label;
		l[3] = value;
		admin_sample(o, sname, l, 1 + nl, cum);
	}
	if (label != NULL)
		admin_printf(o, "%s_sum{%s=\"%s\"} %llu.%03u\n", name, label,
		    value, (unsigned long long)(sum_ms / 1000),
		    (unsigned)(sum_ms % 1000));
	else
		admin_printf(o, "%s_sum %llu.%03u\n", name,
		    (unsigned long long)(sum_ms / 1000),
		    (unsigned)(sum_ms % 1000));
	snprintf(sname, sizeof(sname), "%s_count", name);
	l[0] = label;
	l[1] = value;
	admin_sample(o, sname, l, nl, count);
}

/* hecsentry_delivery_latency_seconds, from queueing to acceptance. */
static void
admin_metrics_latency(struct admin_out *o, const struct sink_counters *c)
{
	const char	*name = "hecsentry_delivery_latency_seconds";

	admin_family(o, name, "histogram", "Seconds from an alert's "
	    "queueing to its acceptance by HEC (and acknowledgement, when "
	    "indexer acknowledgements are on).");
	admin_histogram(o, name, c->latency_buckets, c->latency_ms_sum,
	    c->latency_measured, NULL, NULL);
}

/*
 * hecsentry_alert_latency_seconds{emit_reason="first|close"}, a
 * histogram: from the arrival of the frame of an alert's row's first
 * event to the alert's acceptance by HEC (issue 15.4).
 */
static void
admin_metrics_alert_latency(struct admin_out *o,
    const struct sink_alert_latency *a)
{
	static const char *const kinds[SINK_ALERT_NKINDS] = { "first",
	    "close" };
	const char	*name = "hecsentry_alert_latency_seconds";
	size_t		 k;

	admin_family(o, name, "histogram", "Seconds from the arrival of the "
	    "frame of an alert's first event to the alert's acceptance by "
	    "HEC, by emit_reason (first: first-seen alerts; close: rows at "
	    "window close, early or at shutdown).");
	for (k = 0; k < SINK_ALERT_NKINDS; k++)
		admin_histogram(o, name, a->buckets[k], a->ms_sum[k],
		    a->measured[k], "emit_reason", kinds[k]);
}

static void
admin_metrics_output(struct admin_out *o, const struct admin_snapshot *s)
{
	const struct admin_field	*f;
	const char			*l[2];
	size_t				 i;
	static const char		*st[] = { "2xx", "4xx", "5xx",
					    "network_error" };
	uint64_t			 sv[4];

	sv[0] = s->sink.status_2xx;
	sv[1] = s->sink.status_4xx;
	sv[2] = s->sink.status_5xx;
	sv[3] = s->sink.net_errors;
	admin_family(o, "hecsentry_hec_requests_total", "counter",
	    "HEC requests completed, by HTTP status class (network_error: "
	    "no HTTP answer).");
	for (i = 0; i < 4; i++) {
		l[0] = "status";
		l[1] = st[i];
		admin_sample(o, "hecsentry_hec_requests_total", l, 1, sv[i]);
	}
	for (i = 0; i < sizeof(admin_sink_fields) /
	    sizeof(admin_sink_fields[0]); i++) {
		f = &admin_sink_fields[i];
		admin_single(o, f->name, f->type, f->help,
		    admin_field_value(f, &s->sink));
	}
	admin_metrics_latency(o, &s->sink);
	admin_metrics_alert_latency(o, &s->alert_latency);
}

static void
admin_metrics_drops(struct admin_out *o, const struct admin_snapshot *s)
{
	const char	*l[2];
	uint64_t	 null_dropped = 0;
	size_t		 i;
	struct {
		const char	*reason;
		uint64_t	 n;
	} d[] = {
		{ "oversize_frame", s->listen.oversize },
		{ "bad_length_prefix", s->listen.bad_length },
		{ "udp_truncated", s->listen.udp_truncated },
		{ "udp_kernel", s->listen.udp_kernel_drops },
		{ "connection_refused", s->listen.conns_refused },
		{ "null_by_field", 0 },
		{ "alert_format", s->pipeline.alert_errors },
		{ "alert_rejected", s->sink.rejected },
		{ "alert_queue_full", s->sink.dropped >= s->sink.spool_dropped ?
		    s->sink.dropped - s->sink.spool_dropped : s->sink.dropped },
		{ "spool_full", s->sink.spool_dropped },
	};

	for (i = 0; i < s->ndetections; i++)
		null_dropped += s->detections[i].sc.null_dropped;
	d[5].n = null_dropped;
	admin_family(o, "hecsentry_drops_total", "counter",
	    "Things lost, by reason: frames, connections, events or alerts.");
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		l[0] = "reason";
		l[1] = d[i].reason;
		admin_sample(o, "hecsentry_drops_total", l, 1, d[i].n);
	}
}

/* Suppression (issue 15.3): rows not sent, by detection; the table. */
static void
admin_metrics_suppress(struct admin_out *o, const struct admin_snapshot *s)
{
	const char	*name = "hecsentry_detection_suppressed_total";
	const char	*l[4];
	size_t		 i;

	admin_single(o, "hecsentry_alerts_suppressed_total", "counter",
	    "Rows not sent: their suppression key alerted within the "
	    "period (suppress).", s->suppress.suppressed);
	admin_family(o, name, "counter",
	    "Rows of the detection not sent: suppressed.");
	for (i = 0; i < s->ndetections; i++) {
		admin_detection_labels(l, s->detections[i].det);
		admin_sample(o, name, l, 2, s->detections[i].suppressed);
	}
	if (!s->suppressing)
		return;
	admin_single(o, "hecsentry_suppress_keys", "gauge",
	    "Suppression keys held (suppress_max_keys at most).",
	    s->suppress.keys);
	admin_single(o, "hecsentry_suppress_evicted_total", "counter",
	    "Suppression keys dropped before their period ended: the table "
	    "was full.", s->suppress.evicted);
	admin_single(o, "hecsentry_suppress_expired_total", "counter",
	    "Suppression keys dropped at the end of their period.",
	    s->suppress.expired);
	admin_single(o, "hecsentry_suppress_file_bytes", "gauge",
	    "Bytes of the suppression state file.", s->suppress.file_bytes);
	admin_single(o, "hecsentry_suppress_file_errors_total", "counter",
	    "Failed writes and syncs of the suppression state file.",
	    s->suppress.write_errors);
	admin_single(o, "hecsentry_suppress_corrupt_records_total", "counter",
	    "Damaged records of the suppression state file skipped at start.",
	    s->suppress.corrupt_records);
}

int
admin_format_metrics(const struct admin_snapshot *s, struct evbuffer *out)
{
	struct admin_out	 o = { out, 0 };

	admin_single(&o, "hecsentry_up", "gauge",
	    "1 while healthy (see /health), else 0.", s->healthy ? 1 : 0);
	admin_single(&o, "hecsentry_start_time_seconds", "gauge",
	    "Start time of the process, seconds since the epoch.",
	    s->start_time_s > 0 ? (uint64_t)s->start_time_s : 0);
	admin_single(&o, "hecsentry_reloads_total", "counter",
	    "Successful configuration reloads (SIGHUP).", s->reloads);
	admin_single(&o, "hecsentry_reload_errors_total", "counter",
	    "Reloads refused because the new configuration was broken.",
	    s->reload_errors);
	admin_metrics_input(&o, s);
	admin_metrics_detections(&o, s);
	admin_metrics_suppress(&o, s);
	admin_metrics_library(&o, s);
	admin_metrics_output(&o, s);
	admin_metrics_drops(&o, s);
	return o.err ? -1 : 0;
}

/* Sends a json-c object as the answer; takes ownership of obj. */
static void
admin_reply_json(struct evhttp_request *req, int code, const char *reason,
    struct json_object *obj)
{
	struct evbuffer	*buf;
	const char	*s;
	size_t		 len;

	if ((buf = evbuffer_new()) == NULL) {
		json_object_put(obj);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || evbuffer_add(buf, s, len) == -1 ||
	    evbuffer_add(buf, "\n", 1) == -1 ||
	    evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json") == -1) {
		evbuffer_free(buf);
		json_object_put(obj);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evhttp_send_reply(req, code, reason, buf);
	evbuffer_free(buf);
	json_object_put(obj);
}

static void
admin_health(struct evhttp_request *req, const struct admin_snapshot *s)
{
	struct json_object	*o;

	o = json_object_new_object();
	if (o == NULL)
		fatalx("%s: out of memory", __func__);
	json_object_object_add(o, "status",
	    json_object_new_string(s->healthy ? "ok" : "failing"));
	if (!s->healthy)
		json_object_object_add(o, "reason", json_object_new_string(
		    s->reason != NULL ? s->reason : "unknown"));
	json_object_object_add(o, "queued",
	    json_object_new_uint64(s->sink.queued));
	json_object_object_add(o, "queued_bytes",
	    json_object_new_uint64(s->sink.queued_bytes));
	json_object_object_add(o, "endpoints_down",
	    json_object_new_uint64(s->sink.endpoints_down));
	admin_reply_json(req, s->healthy ? HTTP_OK : HTTP_SERVUNAVAIL,
	    s->healthy ? "OK" : "Service Unavailable", o);
}

static struct json_object *
admin_json_strings(char **v, size_t n)
{
	struct json_object	*a;
	size_t			 i;

	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/*
 * Adds the library's candidates that do not run (skipped, never
 * matches, broken, filtered) with their state and reason.
 */
static void
admin_detections_refused(struct json_object *arr, const struct library *lib)
{
	const struct library_entry	*e;
	struct json_object		*o;
	size_t				 k;

	for (k = 0; lib != NULL && k < lib->n; k++) {
		e = &lib->e[k];
		if (e->state == LIBRARY_RUNS || e->state == LIBRARY_NOT_SYSMON)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(e->name ? e->name : ""));
		json_object_object_add(o, "id",
		    json_object_new_string(e->id ? e->id : ""));
		json_object_object_add(o, "file",
		    json_object_new_string(e->file));
		json_object_object_add(o, "state",
		    json_object_new_string(library_state_name(e->state)));
		json_object_object_add(o, "reason",
		    json_object_new_string(e->reason ? e->reason : ""));
		json_object_array_add(arr, o);
	}
}

static void
admin_detections(struct evhttp_request *req, const struct admin_snapshot *s)
{
	struct json_object		*root, *arr, *o;
	const struct admin_detection	*d;
	size_t				 i;

	root = json_object_new_object();
	arr = json_object_new_array();
	if (root == NULL || arr == NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < s->ndetections; i++) {
		d = &s->detections[i];
		o = json_object_new_object();
		json_object_object_add(o, "name",
		    json_object_new_string(d->det->name ? d->det->name : ""));
		json_object_object_add(o, "id",
		    json_object_new_string(d->det->id ? d->det->id : ""));
		json_object_object_add(o, "version",
		    json_object_new_int(d->det->version));
		json_object_object_add(o, "file",
		    json_object_new_string(d->det->file ? d->det->file : ""));
		json_object_object_add(o, "mitre_attack_id",
		    admin_json_strings(d->det->mitre, d->det->nmitre));
		json_object_object_add(o, "hits",
		    json_object_new_uint64(d->dc.matches));
		json_object_object_add(o, "rows",
		    json_object_new_uint64(d->dc.rows));
		json_object_object_add(o, "keys",
		    json_object_new_uint64(d->sc.keys));
		json_object_object_add(o, "early_rows",
		    json_object_new_uint64(d->sc.early));
		json_object_object_add(o, "first_dropped",
		    json_object_new_uint64(d->sc.first_dropped));
		json_object_object_add(o, "tombstones",
		    json_object_new_uint64(d->sc.tombs));
		json_object_object_add(o, "state",
		    json_object_new_string("runs"));
		json_object_object_add(o, "window_s",
		    json_object_new_int(d->det->window_s));
		json_object_object_add(o, "window",
		    json_object_new_string(d->det->window != NULL ?
		    d->det->window : ""));
		json_object_array_add(arr, o);
	}
	admin_detections_refused(arr, s->library);
	json_object_object_add(root, "detections", arr);
	admin_reply_json(req, HTTP_OK, "OK", root);
}

static void
admin_metrics(struct evhttp_request *req, const struct admin_snapshot *s)
{
	struct evbuffer	*buf;

	if ((buf = evbuffer_new()) == NULL ||
	    admin_format_metrics(s, buf) == -1 ||
	    evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8") ==
	    -1) {
		if (buf != NULL)
			evbuffer_free(buf);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evhttp_send_reply(req, HTTP_OK, "OK", buf);
	evbuffer_free(buf);
}

/* Every request: GET of one of the three paths (a query is ignored). */
static void
admin_request_cb(struct evhttp_request *req, void *arg)
{
	struct admin		*a = arg;
	struct admin_snapshot	 snap;
	const struct evhttp_uri	*uri;
	const char		*path;

	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL)
		path = "";
	if (strcmp(path, "/metrics") != 0 && strcmp(path, "/health") != 0 &&
	    strcmp(path, "/detections") != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		if (evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET") == -1)
			log_warnx("admin: cannot add a header");
		evhttp_send_error(req, HTTP_BADMETHOD, NULL);
		return;
	}
	memset(&snap, 0, sizeof(snap));
	a->cb(&snap, a->arg);
	if (strcmp(path, "/metrics") == 0)
		admin_metrics(req, &snap);
	else if (strcmp(path, "/health") == 0)
		admin_health(req, &snap);
	else
		admin_detections(req, &snap);
}

/* Splits "ADDR:PORT" or "[V6]:PORT" into host (caller frees) and port. */
static int
admin_parse_addr(const char *addr, char **host, unsigned short *port)
{
	const char	*colon, *h, *hend;
	char		*end;
	long		 p;

	if (addr[0] == '[') {
		h = addr + 1;
		if ((hend = strchr(h, ']')) == NULL || hend[1] != ':')
			return -1;
		colon = hend + 1;
	} else {
		h = addr;
		if ((colon = strrchr(addr, ':')) == NULL ||
		    memchr(addr, ':', (size_t)(colon - addr)) != NULL)
			return -1;
		hend = colon;
	}
	if (hend == h || colon[1] == '\0')
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p < 0 || p > 65535)
		return -1;
	*host = xstrndup(h, (size_t)(hend - h));
	*port = (unsigned short)p;
	return 0;
}

struct admin *
admin_new(struct event_base *base, const struct admin_options *o,
    admin_snapshot_fn cb, void *arg, char **errstr)
{
	struct admin	*a;
	const char	*addr = o->listen != NULL ? o->listen : "";
	char		*host = NULL;
	unsigned short	 port;

	*errstr = NULL;
	if (admin_parse_addr(addr, &host, &port) == -1) {
		xasprintf(errstr, "admin_listen %s: expected ADDR:PORT or "
		    "[V6ADDR]:PORT", addr);
		return NULL;
	}
	a = xcalloc(1, sizeof(*a));
	a->base = base;
	a->cb = cb;
	a->arg = arg;
	if ((a->http = evhttp_new(base)) == NULL) {
		xasprintf(errstr, "admin_listen %s: evhttp_new failed", addr);
		goto fail;
	}
	evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(a->http, 8192);
	evhttp_set_max_body_size(a->http, 4096);
	evhttp_set_timeout(a->http, 10);
	evhttp_set_gencb(a->http, admin_request_cb, a);
	if ((a->sock = evhttp_bind_socket_with_handle(a->http, host, port)) ==
	    NULL) {
		xasprintf(errstr, "admin_listen %s: cannot bind: %s", addr,
		    strerror(errno));
		goto fail;
	}
	free(host);
	return a;
fail:
	free(host);
	admin_free(a);
	return NULL;
}

void
admin_free(struct admin *a)
{
	if (a == NULL)
		return;
	if (a->http != NULL)
		evhttp_free(a->http);
	free(a);
}

int
admin_port(const struct admin *a)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	evutil_socket_t		 fd;

	if (a == NULL || a->sock == NULL)
		return -1;
	fd = evhttp_bound_socket_get_fd(a->sock);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}
