/*
 * Delivery tests, continued from test_delivery.c: the spool under a file
 * output that cannot write, and each answer of hec.c's policy table
 * (status codes forced on posts: retried, dead-lettered, or dropped).
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
#include <unistd.h>

#include "daemon/admin.h"
#include "daemon/config.h"
#include "daemon/options.h"
#include "output/sink.h"
#include "xmalloc.h"
#include "delivery_fixture.h"

TestSuite(delivery, .init = delivery_fix_init, .fini = delivery_fix_fini);

/*
 * The spool sits above every transport: a file output that cannot write
 * keeps its alerts in the spool (none dropped) and writes them, in
 * order, at the next start; written records are acked.
 */
Test(delivery, file_output_spools_through_write_errors)
{
	struct sink_counters	 c;
	struct sink		*s;
	char			 path[128], line[512];
	FILE			*fp;
	int			 i, n;

	use_spool();
	cfg.output = CONFIG_OUTPUT_FILE;
	cfg.output_path = xstrdup("/dev/full");
	s = new_sink();
	submit_range(s, 0, 30);
	run_for_ms(100);
	sink_get_counters(s, &c);
	cr_expect_eq(c.spooled, 30);
	cr_expect_gt(c.write_errors, 0);
	cr_expect_eq(c.dropped, 0);
	cr_expect_eq(c.delivered, 0);
	cr_expect_eq(c.queued, 30);
	drain_and_wait(s, 1, 5);
	sink_free(s);
	snprintf(path, sizeof(path), "%s/alerts.json", spooldir);
	free(cfg.output_path);
	cfg.output_path = xstrdup(path);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 30);
	drain_and_wait(s, 1, 5);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 30);
	cr_expect_eq(c.queued, 0);
	sink_free(s);
	s = new_sink();
	sink_get_counters(s, &c);
	cr_expect_eq(c.spool_replayed, 0);
	drain_and_wait(s, 1, 5);
	sink_free(s);
	fp = fopen(path, "r");
	cr_assert_not_null(fp);
	for (i = 0; fgets(line, sizeof(line), fp) != NULL; i++) {
		cr_assert(sscanf(line, "{\"event\":{\"n\":%d,", &n) == 1,
		    "%s", line);
		cr_expect_eq(n, i);
	}
	fclose(fp);
	cr_expect_eq(i, 30);
}

/*
 * Issue 16: each answer of hec.c's policy table.  status_cb answers the
 * next status_left posts of alerts (-1: all) with status_code before
 * stub 0 sees them; health probes and ack polls pass through.
 */
static int	 status_code;		/* the answer status_cb forces */
static int	 status_left;		/* posts still answered so; -1: all */
static int	 status_posts;		/* posts answered so */

static void
status_cb(struct evhttp_request *req, void *arg)
{
	const char	*uri = evhttp_request_get_uri(req);

	if (status_left == 0 ||
	    strncmp(uri, "/services/collector/event", 25) != 0) {
		stub_cb(req, arg);
		return;
	}
	if (status_left > 0)
		status_left--;
	status_posts++;
	stub_reply(req, status_code, "{\"text\":\"forced\",\"code\":9}");
}

/* Stub 0 behind status_cb: the first n posts get code (n -1: all). */
static unsigned short
status_start(int code, int n)
{
	unsigned short	 port = stub_start(0, 0);

	status_code = code;
	status_left = n;
	status_posts = 0;
	evhttp_set_gencb(stub[0].http, status_cb, &stub[0]);
	return port;
}

/*
 * The dead-letter file holds exactly alerts [from, to), each once, as
 * the line submit_range() gave (hec.c: "each refused alert as one JSON
 * line"), in any order.
 */
static void
expect_dead_letters(int from, int to)
{
	char	 path[128], line[512], want[256];
	int	 seen[NALERTS], n, i;
	FILE	*fp;

	memset(seen, 0, sizeof(seen));
	snprintf(path, sizeof(path), "%s/dead-letter.jsonl", spooldir);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "no dead-letter file %s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		cr_assert_eq(sscanf(line, "{\"event\":{\"n\":%d,", &n), 1,
		    "dead letter %s", line);
		cr_assert(n >= from && n < to, "alert %d dead-lettered", n);
		snprintf(want, sizeof(want), "{\"event\":{\"n\":%d,"
		    "\"pad\":\"%0*d\"},\"time\":%d}\n", n, 20 + n % 13, n,
		    1700000000 + n);
		cr_expect_str_eq(line, want);
		seen[n]++;
	}
	fclose(fp);
	for (i = from; i < to; i++)
		cr_expect_eq(seen[i], 1, "alert %d dead-lettered %d times", i,
		    seen[i]);
}

/* No alert was dead-lettered: the file is absent or empty. */
static void
expect_no_dead_letters(const struct sink_counters *c)
{
	char	 path[128];

	snprintf(path, sizeof(path), "%s/dead-letter.jsonl", spooldir);
	cr_expect_leq(count_lines(path), 0, "dead letters in %s", path);
	cr_expect_eq(c->dead_lettered, 0);
	cr_expect_eq(c->rejected, 0);
}

/*
 * A spooled sink to stub 0, whose first n posts (-1: all) get status,
 * given alerts [0, nalerts) in one batch and drained.
 */
static struct sink *
status_run(int status, int n, int nalerts)
{
	struct sink		*s;
	unsigned short		 port = status_start(status, n);

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = (size_t)nalerts;
	cfg.hec_max_inflight = 1;
	s = new_sink();
	submit_range(s, 0, nalerts);
	drain_and_wait(s, 10, 15);
	return s;
}

/* status is retried: after two such answers every alert arrives once. */
static void
expect_retried(int status)
{
	struct sink_counters	 c;
	struct sink		*s = status_run(status, 2, 10);

	cr_expect_eq(status_posts, 2, "HTTP %d answered %d times", status,
	    status_posts);
	expect_got(0, 10, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.delivered, 10, "HTTP %d", status);
	cr_expect_eq(c.queued, 0);
	cr_expect_geq(c.retries, 2, "HTTP %d: %llu retries", status,
	    (unsigned long long)c.retries);
	expect_no_dead_letters(&c);
	sink_free(s);
}

/* status dead-letters every alert of the batch, none delivered. */
static void
expect_dead_lettered(int status)
{
	struct sink_counters	 c;
	struct sink		*s = status_run(status, -1, 8);

	expect_got(0, 8, 0, 0);
	sink_get_counters(s, &c);
	cr_expect_eq(c.dead_lettered, 8, "HTTP %d: %llu dead letters",
	    status, (unsigned long long)c.dead_lettered);
	cr_expect_eq(c.delivered, 0);
	cr_expect_eq(c.queued, 0, "spool depth %zu", c.queued);
	/* Only a 400 without an event number bisects the batch. */
	if (status != 400)
		cr_expect_eq(status_posts, 1, "HTTP %d: %d posts", status,
		    status_posts);
	else
		cr_expect_geq(status_posts, 8, "HTTP 400: %d posts",
		    status_posts);
	sink_free(s);
	expect_dead_letters(0, 8);
}

Test(delivery, http_408_is_retried)
{
	expect_retried(408);
}

Test(delivery, http_429_is_retried)
{
	expect_retried(429);
}

Test(delivery, http_503_is_retried)
{
	expect_retried(503);
}

Test(delivery, http_500_is_retried)
{
	expect_retried(500);
}

Test(delivery, http_401_keeps_alerts_queued_and_retries)
{
	expect_retried(401);
}

Test(delivery, http_403_keeps_alerts_queued_and_retries)
{
	expect_retried(403);
}

/* 401 and 403 are counted as the token refused, not as a 5xx. */
Test(delivery, http_401_counts_an_auth_error)
{
	struct sink_counters	 c;
	struct sink		*s = status_run(401, 1, 4);

	expect_got(0, 4, 1, 1);
	sink_get_counters(s, &c);
	cr_expect_eq(c.auth_errors, 1);
	sink_free(s);
}

Test(delivery, http_404_dead_letters_the_batch)
{
	expect_dead_lettered(404);
}

Test(delivery, http_422_dead_letters_the_batch)
{
	expect_dead_lettered(422);
}

/* 400 without invalid-event-number: split down to lone alerts. */
Test(delivery, http_400_without_event_number_dead_letters_each)
{
	expect_dead_lettered(400);
}

/* 413 for one alert: it cannot be split, so it is dead-lettered. */
Test(delivery, http_413_for_a_lone_alert_dead_letters_it)
{
	struct sink_counters	 c;
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = 4;
	cfg.hec_max_inflight = 1;
	stub[0].max_bytes = 10;		/* no alert fits */
	s = new_sink();
	submit_range(s, 0, 4);
	drain_and_wait(s, 10, 15);
	expect_got(0, 4, 0, 0);
	sink_get_counters(s, &c);
	cr_expect_geq(c.splits, 2);
	cr_expect_eq(c.dead_lettered, 4);
	cr_expect_eq(c.queued, 0);
	sink_free(s);
	expect_dead_letters(0, 4);
}

/* The existing 400 test, with the dead-letter file's content. */
Test(delivery, invalid_event_number_dead_letters_that_alert_verbatim)
{
	struct sink		*s;
	unsigned short		 port = stub_start(0, 0);

	use_hec(1, &port);
	use_spool();
	cfg.hec_batch_events = 10;
	cfg.hec_max_inflight = 1;
	stub[0].invalid_at = 13;
	s = new_sink();
	submit_range(s, 0, 30);
	drain_and_wait(s, 10, 15);
	sink_free(s);
	expect_dead_letters(13, 14);
}
