/*
 * Tests of suppress.c (issue 15.3) with a clock the test sets: the
 * "suppress" rule syntax, which rows share a key, the period (a row
 * suppressed within it, sent again once it is over, a suppressed row not
 * extending it), the bound on keys, and the state file: read back after
 * a clean close, after a writer killed with SIGKILL, with a torn last
 * record and with a damaged one, evicted and expired keys not coming
 * back, and compaction.  Expected behaviour: Splunk's per-result
 * throttling (savedsearches.conf.spec alert.suppress.fields and
 * alert.suppress.period; Alerting Manual, "Throttle alerts": "After an
 * alert on one event where both the product_category field AND the
 * best_sellers have value arcade, subsequent events with the arcade value
 * in [both fields] are suppressed during the throttling time period"),
 * and hecsentry.conf(5) for hecsentry's choices (an absent field is the
 * empty value; a full table drops the key that alerted longest ago).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <ftw.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/event.h"
#include "detect/detection.h"
#include "detect/spl.h"
#include "output/suppress.h"

#define T0		1765000000000LL	/* the test clock's start, ms */
#define HOUR_MS		3600000LL

static char		 ts_dir[64];	/* this test's spool dir */
static struct detection	 ts_mail, ts_other;
static struct spl_search ts_search;
static struct event	 ts_rec;
static const char	*ts_id_a = "0123456789abcdef0123456789abcdef";
static const char	*ts_id_b = "fedcba9876543210fedcba9876543210";
static enum spool_fsync	 ts_fsync;	/* of the tables ts_open() makes */

static void
ts_setup(void)
{
	event_fields_init();
	memset(&ts_search, 0, sizeof(ts_search));
	memset(&ts_mail, 0, sizeof(ts_mail));
	ts_mail.name = "Windows Mail Protocol In Non-Common Process Path";
	ts_mail.id = "ac3311f5-661d-4e99-bd1f-3ec665b05441";
	ts_mail.search = &ts_search;
	ts_other = ts_mail;
	ts_other.name = "Other Detection";
	ts_other.id = "11111111-2222-3333-4444-555555555555";
	event_init(&ts_rec, 4096);
	ts_fsync = SPOOL_FSYNC_BATCH;
	strcpy(ts_dir, "/tmp/test_suppress.XXXXXX");
	cr_assert_not_null(mkdtemp(ts_dir));
}

static int
ts_rm_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
ts_teardown(void)
{
	event_clear(&ts_rec);
	nftw(ts_dir, ts_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(suppress, .init = ts_setup, .fini = ts_teardown, .timeout = 60);

/* The row: dest and user set (NULL: absent). */
static void
ts_row(const char *dest, const char *user)
{
	event_reset(&ts_rec);
	if (dest != NULL)
		event_set(&ts_rec, event_field_intern("dest", 4), dest,
		    strlen(dest));
	if (user != NULL)
		event_set(&ts_rec, event_field_intern("user", 4), user,
		    strlen(user));
}

/* A table with one rule and max_keys, in ts_dir when dir is true. */
static struct suppress *
ts_open(const char *rule, size_t max_keys, bool dir, int64_t now)
{
	struct suppress_options	 o;
	char			*rules[1], *err = NULL;
	struct suppress		*s;

	memset(&o, 0, sizeof(o));
	rules[0] = (char *)rule;
	o.rules = rules;
	o.nrules = 1;
	o.max_keys = max_keys;
	o.dir = dir ? ts_dir : NULL;
	o.fsync = ts_fsync;
	s = suppress_open(&o, now, &err);
	cr_assert_not_null(s, "suppress_open: %s", err != NULL ? err : "");
	return s;
}

static enum suppress_verdict
ts_check(struct suppress *s, const struct detection *d, const char *dest,
    const char *user, const char *id, int64_t now)
{
	ts_row(dest, user);
	return suppress_check(s, d, &ts_rec, id, now);
}

static uint64_t
ts_counter(struct suppress *s, size_t off)
{
	struct suppress_counters c;

	suppress_get_counters(s, &c);
	return *(uint64_t *)((char *)&c + off);
}
#define TS_C(s, f)	ts_counter((s), offsetof(struct suppress_counters, f))

static char *
ts_path(void)
{
	static char	 p[128];

	snprintf(p, sizeof(p), "%s/%s", ts_dir, SUPPRESS_FILE);
	return p;
}

Test(suppress, rule_syntax)
{
	struct suppress_rule	 r;
	char			*err = NULL;
	const char		*bad[] = {
		"x fields=dest", "x period=1h", "fields=dest period=1h",
		"x fields=dest period=0", "x fields=dest period=31d",
		"x fields=dest period=1w", "x fields=a,,b period=1h",
		"x fields=dest, period=1h", "x fields=a fields=b period=1h",
		"x fields=a period=1h period=2h", "x fields= period=1h",
		"x fields=a period=", "x fields=a period=-5"
	};
	size_t			 i;

	cr_assert_eq(suppress_rule_parse("windows mail protocol* "
	    "fields=dest,user period=1h", &r, &err), 0);
	cr_assert_str_eq(r.pattern, "windows mail protocol*");
	cr_assert_eq(r.nfields, 2);
	cr_assert_str_eq(r.fields[0], "dest");
	cr_assert_str_eq(r.fields[1], "user");
	cr_assert_eq(r.period_ms, HOUR_MS);
	suppress_rule_clear(&r);
	/* Either order; seconds bare or with s, minutes, days. */
	cr_assert_eq(suppress_rule_parse("ac3311f5-* period=90 fields=dest",
	    &r, &err), 0);
	cr_assert_eq(r.period_ms, 90000);
	cr_assert_str_eq(r.pattern, "ac3311f5-*");
	suppress_rule_clear(&r);
	cr_assert_eq(suppress_rule_parse("* fields=dest period=2d", &r, &err),
	    0);
	cr_assert_eq(r.period_ms, 2 * 24 * HOUR_MS);
	suppress_rule_clear(&r);
	cr_assert_eq(suppress_rule_parse("* fields=dest period=30m", &r,
	    &err), 0);
	cr_assert_eq(r.period_ms, 30 * 60000);
	suppress_rule_clear(&r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		cr_assert_eq(suppress_rule_parse(bad[i], &r, &err), -1,
		    "accepted \"%s\"", bad[i]);
		cr_assert_not_null(err);
		free(err);
	}
}

/* Keys: the detection and the values of the rule's fields, nothing else. */
Test(suppress, keys)
{
	struct suppress	*s = ts_open("Windows Mail* fields=dest,user "
	    "period=1h", 0, false, T0);

	cr_assert_eq(ts_check(s, &ts_mail, "h1", "u1", ts_id_a, T0),
	    SUPPRESS_SEND);
	/* Same values, another alert: suppressed, counted. */
	cr_assert_eq(ts_check(s, &ts_mail, "h1", "u1", ts_id_b, T0 + 10),
	    SUPPRESS_DROP);
	/* One value differs: another key. */
	cr_assert_eq(ts_check(s, &ts_mail, "h1", "u2", ts_id_b, T0 + 20),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", "u1", ts_id_b, T0 + 30),
	    SUPPRESS_SEND);
	/* Values do not slide between fields. */
	cr_assert_eq(ts_check(s, &ts_mail, "u1", "h1", ts_id_b, T0 + 40),
	    SUPPRESS_SEND);
	/* A detection no rule names is not suppressed, nor counted. */
	cr_assert_eq(ts_check(s, &ts_other, "h1", "u1", ts_id_b, T0 + 50),
	    SUPPRESS_NO_RULE);
	/* An absent field is the empty value (hecsentry.conf(5)). */
	cr_assert_eq(ts_check(s, &ts_mail, "h3", NULL, ts_id_a, T0 + 60),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_mail, "h3", "", ts_id_b, T0 + 70),
	    SUPPRESS_DROP);
	/* The alert that opened the period (a first-seen alert's row). */
	cr_assert_eq(ts_check(s, &ts_mail, "h1", "u1", ts_id_a, T0 + 80),
	    SUPPRESS_SEND);
	cr_assert_eq(TS_C(s, suppressed), 2);
	cr_assert_eq(TS_C(s, recorded), 5);
	cr_assert_eq(TS_C(s, keys), 5);
	cr_assert_eq(suppress_count_of(s, &ts_mail), 2);
	cr_assert_eq(suppress_count_of(s, &ts_other), 0);
	suppress_free(s);
}

/* The rule names detections by name, id or glob, case-insensitively. */
Test(suppress, rule_names_detections)
{
	struct suppress	*s;

	s = ts_open("ac3311f5-661d-4e99-bd1f-3ec665b05441 fields=dest "
	    "period=1h", 0, false, T0);
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, T0),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_other, "h", NULL, ts_id_a, T0),
	    SUPPRESS_NO_RULE);
	suppress_free(s);
	s = ts_open("WINDOWS MAIL PROTOCOL IN NON-COMMON PROCESS PATH "
	    "fields=dest period=1h", 0, false, T0);
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, T0),
	    SUPPRESS_SEND);
	suppress_free(s);
	/* The same values under two detections are two keys. */
	s = ts_open("* fields=dest period=1h", 0, false, T0);
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, T0),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_other, "h", NULL, ts_id_b, T0),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_other, "h", NULL, ts_id_a, T0 + 1),
	    SUPPRESS_DROP);
	suppress_free(s);
}

/* Fields that are not columns, and rules that name nothing, are told. */
Test(suppress, rule_warnings)
{
	struct detection	*set[2] = { &ts_mail, &ts_other };
	struct suppress		*s;
	int			 cols[1];

	cols[0] = event_field_intern("dest", 4);
	ts_search.columns = cols;
	ts_search.ncolumns = 1;
	s = ts_open("Windows Mail* fields=dest period=1h", 0, false, T0);
	cr_assert_eq(suppress_warn_rules(s, set, 2), 0);
	suppress_free(s);
	/* user is no column of either: one line per detection named. */
	s = ts_open("* fields=dest,user period=1h", 0, false, T0);
	cr_assert_eq(suppress_warn_rules(s, set, 2), 2);
	suppress_free(s);
	s = ts_open("No Such Detection fields=dest period=1h", 0, false, T0);
	cr_assert_eq(suppress_warn_rules(s, set, 2), 1);
	suppress_free(s);
}

/* The period, on the test's clock. */
Test(suppress, period)
{
	struct suppress	*s = ts_open("* fields=dest period=10s", 0, false,
	    T0);

	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, T0),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_b, T0 + 9999),
	    SUPPRESS_DROP);
	/* Over at exactly the period: sent, and a new period opens. */
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_b, T0 + 10000),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, T0 + 19999),
	    SUPPRESS_DROP);
	/* A suppressed row does not extend the period. */
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, T0 + 20000),
	    SUPPRESS_SEND);
	/* The sweep drops expired keys. */
	cr_assert_eq(ts_check(s, &ts_mail, "k", NULL, ts_id_a, T0 + 25000),
	    SUPPRESS_SEND);
	cr_assert_eq(suppress_sync(s, T0 + 31000), 0);
	cr_assert_eq(TS_C(s, keys), 1);
	cr_assert_eq(TS_C(s, expired), 1);
	cr_assert_eq(suppress_sync(s, T0 + 36000), 0);
	cr_assert_eq(TS_C(s, keys), 0);
	cr_assert_eq(TS_C(s, expired), 2);
	cr_assert_eq(TS_C(s, suppressed), 2);
	suppress_free(s);
}

/* The bound: a full table drops the key that alerted longest ago. */
Test(suppress, bound)
{
	struct suppress	*s = ts_open("* fields=dest period=1h", 3, false,
	    T0);
	char		 h[8];
	int		 i;

	for (i = 0; i < 4; i++) {
		snprintf(h, sizeof(h), "h%d", i);
		cr_assert_eq(ts_check(s, &ts_mail, h, NULL, ts_id_a, T0 + i),
		    SUPPRESS_SEND);
	}
	cr_assert_eq(TS_C(s, keys), 3);
	cr_assert_eq(TS_C(s, evicted), 1);
	/* h0 went: sent again (evicting h1); h2 and h3 still held. */
	cr_assert_eq(ts_check(s, &ts_mail, "h0", NULL, ts_id_b, T0 + 10),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_b, T0 + 11),
	    SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h3", NULL, ts_id_b, T0 + 12),
	    SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b, T0 + 13),
	    SUPPRESS_SEND);
	cr_assert_eq(TS_C(s, keys), 3);
	cr_assert_eq(TS_C(s, evicted), 3);
	suppress_free(s);
}

/* The file: read back, expired keys left out. */
Test(suppress, file_reopen)
{
	struct suppress	*s = ts_open("* fields=dest period=1h", 0, true, T0);

	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_a, T0),
	    SUPPRESS_SEND);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_a, T0 + 1800000),
	    SUPPRESS_SEND);
	suppress_free(s);
	s = ts_open("* fields=dest period=1h", 0, true, T0 + 60000);
	cr_assert_eq(TS_C(s, loaded), 2);
	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b, T0 + 60000),
	    SUPPRESS_DROP);
	suppress_free(s);
	/* At T0 + 1 h, h1's period is over: not read back. */
	s = ts_open("* fields=dest period=1h", 0, true, T0 + HOUR_MS);
	cr_assert_eq(TS_C(s, loaded), 1);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_b,
	    T0 + HOUR_MS), SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b,
	    T0 + HOUR_MS), SUPPRESS_SEND);
	suppress_free(s);
}

/* A writer killed with SIGKILL (no close, no sync) leaves its keys. */
Test(suppress, file_after_sigkill)
{
	struct suppress	*s;
	pid_t		 pid;
	int		 st;

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		s = ts_open("* fields=dest period=1h", 0, true, T0);
		(void)ts_check(s, &ts_mail, "h1", NULL, ts_id_a, T0);
		(void)ts_check(s, &ts_mail, "h2", NULL, ts_id_a, T0);
		raise(SIGKILL);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	s = ts_open("* fields=dest period=1h", 0, true, T0 + 1000);
	cr_assert_eq(TS_C(s, loaded), 2);
	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b, T0 + 1000),
	    SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_b, T0 + 1000),
	    SUPPRESS_DROP);
	suppress_free(s);
}

/* The last record cut at every length (a write torn by a crash). */
Test(suppress, file_torn_tail)
{
	struct suppress	*s;
	struct stat	 sb;
	off_t		 full, cut;

	s = ts_open("* fields=dest period=1h", 0, true, T0);
	(void)ts_check(s, &ts_mail, "h1", NULL, ts_id_a, T0);
	(void)ts_check(s, &ts_mail, "h2", NULL, ts_id_a, T0);
	(void)ts_check(s, &ts_mail, "h3", NULL, ts_id_a, T0);
	suppress_free(s);
	cr_assert_eq(stat(ts_path(), &sb), 0);
	full = sb.st_size;
	cr_assert_eq(full, 4 * SUPPRESS_RECORD_BYTES);
	/* Each round leaves h1, h2 (rewritten at open), h3 (appended). */
	for (cut = 1; cut < SUPPRESS_RECORD_BYTES; cut++) {
		cr_assert_eq(truncate(ts_path(), full - cut), 0);
		s = ts_open("* fields=dest period=1h", 0, true, T0 + 2);
		cr_assert_eq(TS_C(s, loaded), 2, "cut %d", (int)cut);
		cr_assert_eq(TS_C(s, corrupt_records), 0);
		cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b,
		    T0 + 2), SUPPRESS_DROP);
		cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_b,
		    T0 + 2), SUPPRESS_DROP);
		/* h3's record was the torn one: sent, recorded again. */
		cr_assert_eq(ts_check(s, &ts_mail, "h3", NULL, ts_id_b,
		    T0 + 2), SUPPRESS_SEND);
		suppress_free(s);
	}
}

/* A damaged record is skipped and counted; the others are read. */
Test(suppress, file_damaged_record)
{
	struct suppress	*s;
	FILE		*f;

	s = ts_open("* fields=dest period=1h", 0, true, T0);
	(void)ts_check(s, &ts_mail, "h1", NULL, ts_id_a, T0);
	(void)ts_check(s, &ts_mail, "h2", NULL, ts_id_a, T0);
	(void)ts_check(s, &ts_mail, "h3", NULL, ts_id_a, T0);
	suppress_free(s);
	/* A byte of h2's record (the second after the header). */
	cr_assert_not_null(f = fopen(ts_path(), "r+"));
	cr_assert_eq(fseek(f, 2 * SUPPRESS_RECORD_BYTES + 5, SEEK_SET), 0);
	cr_assert_eq(fputc(0x5a, f), 0x5a);
	cr_assert_eq(fclose(f), 0);
	s = ts_open("* fields=dest period=1h", 0, true, T0 + 1);
	cr_assert_eq(TS_C(s, loaded), 2);
	cr_assert_eq(TS_C(s, corrupt_records), 1);
	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b, T0 + 1),
	    SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h3", NULL, ts_id_b, T0 + 1),
	    SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_b, T0 + 1),
	    SUPPRESS_SEND);
	suppress_free(s);
	/* A file with no valid header: a fresh table, not an error. */
	cr_assert_not_null(f = fopen(ts_path(), "w"));
	fputs("not a suppression file", f);
	cr_assert_eq(fclose(f), 0);
	s = ts_open("* fields=dest period=1h", 0, true, T0 + 2);
	cr_assert_eq(TS_C(s, loaded), 0);
	cr_assert_eq(ts_check(s, &ts_mail, "h1", NULL, ts_id_b, T0 + 2),
	    SUPPRESS_SEND);
	suppress_free(s);
}

/* An evicted key does not come back from the file. */
Test(suppress, file_evicted_stays_out)
{
	struct suppress	*s;

	s = ts_open("* fields=dest period=1h", 2, true, T0);
	(void)ts_check(s, &ts_mail, "h1", NULL, ts_id_a, T0);
	(void)ts_check(s, &ts_mail, "h2", NULL, ts_id_a, T0 + 1);
	(void)ts_check(s, &ts_mail, "h3", NULL, ts_id_a, T0 + 2);
	cr_assert_eq(TS_C(s, evicted), 1);
	suppress_free(s);
	s = ts_open("* fields=dest period=1h", 2, true, T0 + 3);
	cr_assert_eq(TS_C(s, loaded), 2);
	cr_assert_eq(ts_check(s, &ts_mail, "h2", NULL, ts_id_b, T0 + 3),
	    SUPPRESS_DROP);
	cr_assert_eq(ts_check(s, &ts_mail, "h3", NULL, ts_id_b, T0 + 3),
	    SUPPRESS_DROP);
	suppress_free(s);
}

/* Periods that keep opening do not grow the file without bound. */
Test(suppress, file_compaction)
{
	struct suppress	*s;
	struct stat	 sb;
	int64_t		 now = T0;
	int		 i;

	ts_fsync = SPOOL_FSYNC_NEVER;	/* 5000 syncs are slow, not useful */
	s = ts_open("* fields=dest period=1s", 0, true, T0);
	for (i = 0; i < 5000; i++, now += 1000) {
		cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_a, now),
		    SUPPRESS_SEND);
		cr_assert_eq(suppress_sync(s, now), 0);
	}
	cr_assert_geq(TS_C(s, compactions), 2);
	cr_assert_eq(stat(ts_path(), &sb), 0);
	cr_assert_leq(sb.st_size, (2 + 1024 + 1) * SUPPRESS_RECORD_BYTES);
	cr_assert_eq((uint64_t)sb.st_size, TS_C(s, file_bytes));
	suppress_free(s);
	s = ts_open("* fields=dest period=1s", 0, true, now - 500);
	cr_assert_eq(TS_C(s, loaded), 1);
	cr_assert_eq(ts_check(s, &ts_mail, "h", NULL, ts_id_b, now - 500),
	    SUPPRESS_DROP);
	suppress_free(s);
}
