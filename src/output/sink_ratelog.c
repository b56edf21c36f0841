/*
 * A loss logged at most once per period (sink_ops.h): the transports'
 * summaries of dropped alerts and failed writes, never a line per loss
 * (STYLE 3).  Pure bookkeeping: the caller owns the clock, the log line
 * and any timer.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include "output/sink_ops.h"

bool
sink_ratelog_note(struct sink_ratelog *r, uint64_t n, uint64_t now_ms,
    uint64_t period_ms, uint64_t *wait_ms)
{
	r->unlogged += n;
	if (r->logged_ms == 0 || now_ms - r->logged_ms >= period_ms) {
		*wait_ms = 0;
		return true;
	}
	*wait_ms = r->logged_ms + period_ms - now_ms;
	return false;
}

void
sink_ratelog_done(struct sink_ratelog *r, uint64_t now_ms)
{
	r->unlogged = 0;
	r->logged_ms = now_ms != 0 ? now_ms : 1;
}
