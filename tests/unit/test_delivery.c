/*
 * Delivery guarantees of the HEC sink (hec.c with spool.c): batch
 * splitting on 413 and on 400 with invalid-event-number, the dead-letter
 * file, indexer acknowledgement (resend when an ack never comes, polls
 * on the endpoint that gave the ack id), failover with ejection and
 * health probes, and the spool: replay after a crash, nothing replayed
 * once acknowledged, a drain that leaves the rest on disk, the
 * high-water mark, and recovery from a truncated or damaged segment;
 * a first-seen alert's batch leaves at once (issue 15.4).
 * test_delivery_status.c goes on with the file output and hec.c's policy
 * table.  The HEC stand-ins are delivery_fixture.c's.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <dirent.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/admin.h"
#include "daemon/config.h"
#include "daemon/options.h"
#include "output/sink.h"
#include "xmalloc.h"
#include "delivery_fixture.h"

TestSuite(delivery, .init = delivery_fix_init, .fini = delivery_fix_fini);

/*
 * A first-seen alert (emit_reason "first") does not wait for
 * hec_batch_ms: it leaves at once, with what was queued before it, and
 * the alert latency histogram counts it (from its arrival_time) while a
 * text without arrival_time is not counted (README "First-seen
 * alerts").  hec_batch_ms is a minute: the plain alert alone stays.
 */
Test(delivery, first_seen_alert_leaves_at_once)
{
	struct sink_alert_latency l;
	struct sink		*s;
	struct timespec		 ts;
	unsigned short		 port = stub_start(0, 0);
	char			 buf[256];
	int			 len;

	use_hec(1, &port);
	cfg.hec_batch_ms = 60000;
	s = new_sink();
	submit_range(s, 0, 1);
	run_for_ms(300);
	cr_expect_eq(got[0], 0, "a plain alert left before hec_batch_ms");
	clock_gettime(CLOCK_REALTIME, &ts);
	len = snprintf(buf, sizeof(buf), "{\"event\":{\"n\":1,"
	    "\"emit_reason\":\"first\",\"arrival_time\":%lld.%03ld},"
	    "\"time\":1700000001}", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000000);
	cr_assert_eq(sink_submit(s, buf, (size_t)len), 0);
	run_until_got(0, 2, 10000);
	expect_got(0, 2, 1, 1);
	sink_get_alert_latency(s, &l);
	cr_expect_eq(l.measured[SINK_ALERT_FIRST], 1);
	cr_expect_eq(l.measured[SINK_ALERT_CLOSE], 0);
	cr_expect_lt(l.ms_sum[SINK_ALERT_FIRST], 10000);
	sink_free(s);
}

Test(delivery, splits_batches_on_413_until_they_fit)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	cfg.hec_batch_events = 40;
	cfg.hec_max_inflight = 1;
	stub[0].max_bytes = 700;
	s = new_sink();
	submit_range(s, 0, 100);
	drain_and_wait(s, 10, 15);
	expect_got(0, 100, 1, 1);
	cr_expect_leq(stub[0].biggest, 700);
	sink_get_counters(s, &c);
	cr_expect_geq(c.splits, 2);
	cr_expect_eq(c.delivered, 100);
	cr_expect_eq(c.rejected, 0);
	expect_latency_count(&c, 100);
	sink_free(s);
}

Test(delivery, invalid_event_number_mid_batch_is_dead_lettered)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);
	char			 dlq[128];

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = 10;
	cfg.hec_max_inflight = 1;
	stub[0].invalid_at = 13;	/* alert 13, 4th of the 2nd batch */
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 15);
	/* 10..12 were accepted by the 400 and must not come twice */
	expect_got(0, 13, 1, 1);
	expect_got(13, 14, 0, 0);
	expect_got(14, 30, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dead_lettered, 1);
	cr_expect_eq(c.delivered, 29);
	cr_expect_eq(c.queued, 0, "spool depth %zu", c.queued);
	sink_free(s);
	snprintf(dlq, sizeof(dlq), "%s/dead-letter.jsonl", spooldir);
	cr_expect_eq(count_lines(dlq), 1);
}

Test(delivery, unacknowledged_batch_is_sent_again)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	use_spool();
	cfg.hec_acks = true;
	cfg.hec_batch_events = 10;
	cfg.hec_max_inflight = 1;
	stub[0].acks = true;
	stub[0].ack_never = 1;		/* the second batch: 10..19 */
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 15);
	expect_got(0, 10, 1, 1);
	expect_got(10, 20, 2, 2);
	expect_got(20, 30, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.ack_timeouts, 1);
	cr_expect_eq(c.acked, 3);	/* batches 0, 2 and the resent 1 */
	cr_expect_eq(c.delivered, 30);
	expect_latency_count(&c, 30);
	cr_expect_eq(c.queued, 0);
	cr_expect(stub[0].poll_channel_ok);
	cr_expect_geq(stub[0].polls, 1);
	sink_free(s);
}

Test(delivery, acks_are_polled_where_they_were_issued)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 ports[2];

	ports[0] = stub_start(0, 0);
	ports[1] = stub_start(1, 0);
	use_hec(2, ports);
	cfg.hec_acks = true;
	cfg.hec_batch_events = 5;
	cfg.hec_max_inflight = 2;
	stub[0].acks = stub[1].acks = true;
	s = new_sink();
	submit_range(s, 0, 60);
	drain_and_wait(s, 10, 15);
	expect_got(0, 60, 1, 1);
	cr_expect_geq(stub[0].posts, 1);
	cr_expect_geq(stub[1].posts, 1);
	cr_expect_geq(stub[0].polls, 1);
	cr_expect_geq(stub[1].polls, 1);
	cr_expect(stub[0].poll_channel_ok, "a poll went to the wrong URL");
	cr_expect(stub[1].poll_channel_ok, "a poll went to the wrong URL");
	cr_expect_str_neq(stub[0].channel, stub[1].channel);
	sink_get_counters(s, &c);
	cr_expect_eq(c.acked, 12);
	sink_free(s);
}

static void
restart_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stub_start(1, *(unsigned short *)arg);
}

Test(delivery, dead_endpoint_is_ejected_and_probed_back)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 ports[2];
	struct timeval		 tv = { 1, 0 };
	int			 before, i;

	ports[0] = stub_start(0, 0);
	ports[1] = dead_port();
	use_hec(2, ports);
	cfg.hec_batch_events = 5;
	cfg.hec_max_inflight = 1;
	s = new_sink();
	submit_range(s, 0, 50);
	run_until_got(0, 50, 5000);
	expect_got(0, 50, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.ejections, 1);
	cr_expect_eq(c.endpoints_down, 1);
	/* it comes back: a probe lets it take traffic again */
	cr_assert_eq(event_base_once(base, -1, EV_TIMEOUT, restart_cb,
	    &ports[1], &tv), 0);
	for (i = 0; i < 50; i++) {
		run_for_ms(100);
		sink_get_counters(s, &c);
		if (c.endpoints_down == 0)
			break;
	}
	cr_expect_eq(c.endpoints_down, 0);
	cr_expect_geq(stub[1].probes, 1);
	before = stub[1].posts;
	submit_range(s, 50, 100);
	drain_and_wait(s, 10, 15);
	expect_got(0, 100, 1, 1);
	cr_expect_gt(stub[1].posts, before, "no traffic after the probe");
	sink_free(s);
}

Test(delivery, spool_is_replayed_after_a_crash)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();

	use_hec(1, &port);
	use_spool();
	s = new_sink();
	submit_range(s, 0, 200);
	run_for_ms(300);
	sink_get_counters(s, &c);
	cr_expect_eq(c.spooled, 200);
	cr_expect_eq(c.delivered, 0);
	sink_free(s);		/* as if killed: nothing was acked */
	stub_start(0, port);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 200);
	drain_and_wait(s, 10, 15);
	expect_got(0, 200, 1, 1);
	sink_free(s);
	/* acked records are gone: a third start sends nothing */
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 0);
	drain_and_wait(s, 5, 10);
	expect_got(0, 200, 1, 1);
	sink_free(s);
}

Test(delivery, drain_timeout_leaves_alerts_in_the_spool)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();

	use_hec(1, &port);
	use_spool();
	s = new_sink();
	submit_range(s, 0, 40);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dropped, 0);
	cr_expect_eq(c.queued, 40);
	sink_free(s);
}

Test(delivery, backlogged_past_the_spool_high_water_mark)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();
	int			 i;

	use_hec(1, &port);
	use_spool();
	cfg.spool_max_bytes = 64 * 1024;
	s = new_sink();
	cr_expect(!sink_backlogged(s));
	for (i = 0; i < 2000 && !sink_backlogged(s); i += 10)
		submit_range(s, i, i + 10);
	cr_expect(sink_backlogged(s), "never backlogged");
	cr_expect_lt(i, 2000);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dropped, 0);
	sink_free(s);
}

/* Applies f to the newest segment file of the spool. */
static void
damage_segment(bool truncate_it)
{
	char		 path[512], best[256] = "";
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	int		 fd;
	char		 ch;

	d = opendir(spooldir);
	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		if (strstr(de->d_name, ".seg") != NULL &&
		    strcmp(de->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", de->d_name);
	closedir(d);
	cr_assert_neq(best[0], '\0', "no segment");
	snprintf(path, sizeof(path), "%s/%s", spooldir, best);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_gt(sb.st_size, 200);
	if (truncate_it) {
		cr_assert_eq(truncate(path, sb.st_size - 30), 0);
		return;
	}
	fd = open(path, O_RDWR);
	cr_assert_neq(fd, -1);
	cr_assert_eq(pread(fd, &ch, 1, sb.st_size / 2), 1);
	ch ^= 0x5a;
	cr_assert_eq(pwrite(fd, &ch, 1, sb.st_size / 2), 1);
	close(fd);
}

static void
damaged_spool_test(bool truncate_it)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = dead_port();
	int			 i, n = 0;

	use_hec(1, &port);
	use_spool();
	s = new_sink();
	submit_range(s, 0, 100);
	sink_free(s);
	damage_segment(truncate_it);
	stub_start(0, port);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_geq(c.spool_corrupt, 1);
	drain_and_wait(s, 10, 15);
	for (i = 0; i < 100; i++)
		n += got[i];
	/* one record lost to the damage, every other one delivered once */
	cr_expect_eq(n, 99, "delivered %d of 100", n);
	expect_got(0, 100, 0, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.queued, 0);
	sink_free(s);
}

Test(delivery, spool_truncated_mid_record_is_recovered)
{
	damaged_spool_test(true);
}

Test(delivery, spool_with_a_flipped_byte_is_recovered)
{
	damaged_spool_test(false);
}
