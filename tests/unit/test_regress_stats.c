/*
 * Regression tests for what fuzz/fuzz_pipeline.c found in stats.c, each
 * with its minimised input inline.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/spl.h"
#include "detect/stats.h"

static char	 got_host[64];
static size_t	 got_len;
static int	 nrows;

static void
row_cb(const struct stats_row *row, void *arg)
{
	(void)arg;
	nrows++;
	cr_assert_not_null(row->host);
	cr_assert_leq(row->host_len, sizeof(got_host));
	memcpy(got_host, row->host, row->host_len);
	got_len = row->host_len;
}

/*
 * fuzz_pipeline: the frame "<14>1 2026-11-28T08:00:00Z ws\1\0\0\0\0\0\0\0011
 * sysmon - - - {...}" has a syslog HOSTNAME with NUL bytes, which becomes
 * the row's host.  stats.c copied it with xstrndup(), which stops at the
 * first NUL, but kept the full length: alert.c then read past the copy
 * (ASan heap-buffer-overflow in alert_put_str).  The row's host must hold
 * every byte of the value.
 */
Test(regress_stats, host_with_nul_bytes_is_copied_whole)
{
	static const char	 host[] = "ws\001\0\0\0\0\0\0\0011";
	struct spl_agg		 agg;
	struct spl_stats	 spec;
	struct stats_opts	 opts;
	struct stats_table	*t;
	struct event		 ev;
	int			 by = EVENT_F_EVENTCODE;

	event_fields_init();
	memset(&agg, 0, sizeof(agg));
	agg.func = SPL_AGG_COUNT;
	agg.field = -1;
	agg.as = event_field_intern("count", 5);
	memset(&spec, 0, sizeof(spec));
	spec.nagg = 1;
	spec.agg = &agg;
	spec.nby = 1;
	spec.by = &by;
	memset(&opts, 0, sizeof(opts));
	opts.window_s = 60;
	opts.max_keys = 10;
	opts.max_bytes = 1 << 16;
	t = stats_new(&spec, &opts, row_cb, NULL);
	event_init(&ev, 1024);
	ev.time_ms = 1795852800000LL;
	cr_assert_eq(event_set(&ev, EVENT_F_EVENTCODE, "3", 1), 0);
	cr_assert_eq(event_set(&ev, EVENT_F_HOST, host, sizeof(host) - 1), 0);
	cr_assert_eq(stats_add(t, &ev, ev.time_ms), 0);
	stats_flush(t);
	cr_assert_eq(nrows, 1);
	cr_assert_eq(got_len, sizeof(host) - 1);
	cr_assert(memcmp(got_host, host, got_len) == 0,
	    "host bytes after the first NUL were lost");
	stats_free(t);
	event_clear(&ev);
}
