/*
 * The delivery latency histogram's buckets (sink_ops.h), shared by the
 * transports that measure latency and by the /metrics renderer, and the
 * alert latency's reading of an alert's emit_reason and arrival_time.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <string.h>

#include "output/sink_ops.h"

/*
 * From 5 ms (a batch sent at once to a near indexer) to 5 minutes (alerts
 * held through retries, ejections or acknowledgement timeouts).
 */
const uint64_t sink_latency_bounds_ms[SINK_LATENCY_NBOUNDS] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
	300000
};

size_t
sink_latency_bucket(uint64_t ms)
{
	size_t	 lo = 0, hi = SINK_LATENCY_NBOUNDS, mid;

	/* the first bound >= ms; SINK_LATENCY_NBOUNDS (+Inf) if none */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sink_latency_bounds_ms[mid] < ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The first "key": (quotes and colon included) in json[len], or NULL.
 * alert.c writes every string escaped, so a '"' inside a value always
 * follows a backslash and the pattern matches only a key.
 */
static const char *
sink_latency_key(const char *json, size_t len, const char *key)
{
	const char	*p = json, *end = json + len;
	size_t		 klen = strlen(key);

	while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= klen + 3 &&
		    memcmp(p + 1, key, klen) == 0 && p[klen + 1] == '"' &&
		    p[klen + 2] == ':')
			return p + klen + 3;
		p++;
	}
	return NULL;
}

int
sink_latency_parse(const char *json, size_t len, int64_t *arrival_ms)
{
	const char	*p, *end = json + len;
	int64_t		 sec = 0, frac = 0;
	int		 kind, ndig = 0, nfrac = 0;

	if ((p = sink_latency_key(json, len, "emit_reason")) == NULL)
		return -1;
	kind = end - p >= 7 && memcmp(p, "\"first\"", 7) == 0 ?
	    SINK_ALERT_FIRST : SINK_ALERT_CLOSE;
	if ((p = sink_latency_key(json, len, "arrival_time")) == NULL)
		return -1;
	for (; p < end && *p >= '0' && *p <= '9' && ndig < 15; p++, ndig++)
		sec = sec * 10 + (*p - '0');
	if (ndig == 0)
		return -1;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9' && nfrac < 3;
		    p++, nfrac++)
			frac = frac * 10 + (*p - '0');
	for (; nfrac < 3; nfrac++)
		frac *= 10;
	*arrival_ms = sec * 1000 + frac;
	return kind;
}

void
sink_latency_add(struct sink_alert_latency *l, enum sink_alert_kind kind,
    uint64_t ms)
{
	l->buckets[kind][sink_latency_bucket(ms)]++;
	l->ms_sum[kind] += ms;
	l->measured[kind]++;
}
