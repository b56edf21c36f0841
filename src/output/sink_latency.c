/*
 * The delivery latency histogram's buckets (sink_ops.h), shared by the
 * transports that measure latency and by the /metrics renderer.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

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
