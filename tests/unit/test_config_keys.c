/*
 * Tests of config.c's key table (continued from test_config.c): the
 * apply class of every key (what SIGHUP does with it), config_diff(),
 * and every default from one table against config_init(), --help and
 * hecsentry.conf(5), with the documented bounds at both ends.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>

#include <criterion/criterion.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "config_fixture.h"

TestSuite(config, .init = config_fix_setup, .fini = config_fix_teardown);

/*
 * Every key of the table, a value other than its default, and what a
 * SIGHUP does with it: the test's own statement of the reload contract
 * (L: applied at once, R: needs a restart), not a copy of the table.
 */
static const struct {
	const char	*key;
	const char	*value;
	char		 apply;
} key_changes[] = {
	{ "listen_tcp", "127.0.0.1:1", 'R' },
	{ "listen_udp", "127.0.0.1:2", 'R' },
	{ "max_connections", "10", 'R' },
	{ "max_frame", "1024", 'R' },
	{ "idle_timeout", "5", 'R' },
	{ "udp_rcvbuf", "1M", 'R' },
	{ "workers", "2", 'R' },
	{ "max_json_depth", "8", 'R' },
	{ "max_xml_depth", "8", 'R' },
	{ "max_xml_bytes", "1024", 'R' },
	{ "xml_values", "raw", 'R' },
	{ "time_source", "timecreated", 'R' },
	{ "listen_tls", "127.0.0.1:3", 'R' },
	{ "tls_cert_file", "cert.pem", 'L' },
	{ "tls_key_file", "key.pem", 'L' },
	{ "tls_ca_file", "ca.pem", 'L' },
	{ "tls_verify_client", "require", 'L' },
	{ "detections", "d", 'L' },
	{ "macros", "m", 'L' },
	{ "lookups", "l", 'L' },
	{ "detection_status", "experimental", 'L' },
	{ "detection_types", "TTP", 'L' },
	{ "detections_enable", "A*", 'L' },
	{ "detections_disable", "B*", 'L' },
	{ "strict_detections", "yes", 'L' },
	{ "cim_map", "c.conf", 'L' },
	{ "window", "30", 'L' },
	{ "max_keys", "5", 'L' },
	{ "stats_max_bytes", "1M", 'L' },
	{ "null_by_fields", "drop", 'L' },
	{ "output", "stdout", 'R' },
	{ "hec_url", "https://h.example:8088", 'R' },
	{ "hec_token_file", "token", 'R' },
	{ "hec_sourcetype", "x:y", 'R' },
	{ "hec_index", "main", 'R' },
	{ "alert_format", "risk", 'R' },
	{ "alert_format_risk", "A*", 'R' },
	{ "alert_format_row", "B*", 'R' },
	{ "emit", "first+close", 'R' },
	{ "emit_first", "C*", 'R' },
	{ "emit_close", "D*", 'R' },
	{ "risk_sourcetype", "x:y", 'R' },
	{ "risk_index", "risk", 'R' },
	{ "risk_source", "src", 'R' },
	{ "suppress", "A* fields=dest period=1h", 'R' },
	{ "suppress_max_keys", "50", 'R' },
	{ "hec_ca_file", "hca.pem", 'R' },
	{ "hec_ca_path", "hca", 'R' },
	{ "hec_tls_verify", "no", 'R' },
	{ "hec_gzip", "no", 'R' },
	{ "hec_batch_events", "10", 'R' },
	{ "hec_batch_bytes", "2k", 'R' },
	{ "hec_batch_ms", "10", 'R' },
	{ "hec_timeout", "5", 'R' },
	{ "hec_connect_timeout", "5", 'R' },
	{ "hec_max_inflight", "2", 'R' },
	{ "hec_queue_bytes", "1M", 'R' },
	{ "hec_retry_min_ms", "10", 'R' },
	{ "hec_retry_max_ms", "100", 'R' },
	{ "shutdown_timeout", "3", 'L' },
	{ "spool_dir", "spool", 'R' },
	{ "spool_max_bytes", "1M", 'R' },
	{ "spool_segment_bytes", "8k", 'R' },
	{ "spool_fsync", "always", 'R' },
	{ "hec_acks", "yes", 'R' },
	{ "hec_ack_timeout", "10", 'R' },
	{ "hec_ack_poll_ms", "100", 'R' },
	{ "hec_dead_letter_file", "dead.jsonl", 'R' },
	{ "hec_health_interval", "10", 'R' },
	{ "admin_listen", "127.0.0.1:1", 'R' },
};

#define NKEY_CHANGES	(sizeof(key_changes) / sizeof(key_changes[0]))

/* What config_diff() reported. */
struct diff_seen {
	char		 keys[1024];	/* "key/L key/R ..." */
	size_t		 n;
};

static void
diff_cb(const char *key, enum config_apply apply, void *arg)
{
	struct diff_seen	*d = arg;
	size_t			 len = strlen(d->keys);

	cr_assert(apply == CONFIG_APPLY_LIVE ||
	    apply == CONFIG_APPLY_RESTART, "%s: apply %d", key, (int)apply);
	snprintf(d->keys + len, sizeof(d->keys) - len, "%s%s/%c",
	    len > 0 ? " " : "", key, apply == CONFIG_APPLY_LIVE ? 'L' : 'R');
	d->n++;
}

Test(config, every_key_has_an_apply_class_and_a_change_row)
{
	const char		*name;
	enum config_apply	 apply;
	size_t			 i, j;

	for (i = 0; config_key_info(i, &name, &apply); i++) {
		cr_expect(apply == CONFIG_APPLY_LIVE ||
		    apply == CONFIG_APPLY_RESTART, "key %s has no class",
		    name);
		for (j = 0; j < NKEY_CHANGES; j++)
			if (strcmp(key_changes[j].key, name) == 0)
				break;
		cr_expect_lt(j, NKEY_CHANGES, "key %s is not in key_changes[]",
		    name);
	}
	cr_expect_eq(i, NKEY_CHANGES, "the table has %zu keys, the test %zu",
	    i, NKEY_CHANGES);
}

Test(config, diff_reports_each_changed_key_with_its_class)
{
	struct config		 a, b;
	struct diff_seen	 seen;
	char			 line[256], want[128], *err = NULL;
	size_t			 i;

	config_init(&a);
	for (i = 0; i < NKEY_CHANGES; i++) {
		snprintf(line, sizeof(line), "%s = %s\n", key_changes[i].key,
		    key_changes[i].value);
		cr_assert_eq(parse_text(line, &b, &err), 0, "%s: %s", line,
		    err);
		memset(&seen, 0, sizeof(seen));
		cr_expect_eq(config_diff(&a, &b, diff_cb, &seen), 1,
		    "%s: %zu keys differ: %s", key_changes[i].key, seen.n,
		    seen.keys);
		snprintf(want, sizeof(want), "%s/%c", key_changes[i].key,
		    key_changes[i].apply);
		cr_expect_str_eq(seen.keys, want);
		cr_expect_eq(config_diff(&b, &b, NULL, NULL), 0);
		config_free(&b);
	}
	config_free(&a);
}

Test(config, diff_sees_the_output_path_and_the_token)
{
	struct config		 a, b;
	struct diff_seen	 seen;
	char			*err = NULL;

	cr_assert_eq(parse_text("output = file:/tmp/a.json\n", &a, &err), 0);
	config_init(&b);
	cr_assert_eq(config_parse_file(write_file("b.conf",
	    "output = file:/tmp/b.json\n", 0600), &b, &err), 0);
	memset(&seen, 0, sizeof(seen));
	cr_expect_eq(config_diff(&a, &b, diff_cb, &seen), 1);
	cr_expect_str_eq(seen.keys, "output/R");
	config_free(&b);

	/* same token file, new content: the token changed */
	config_init(&b);
	free(b.output_path);
	b.output = a.output;
	b.output_path = strdup(a.output_path);
	a.hec_token = strdup("old-token");
	b.hec_token = strdup("new-token");
	memset(&seen, 0, sizeof(seen));
	cr_expect_eq(config_diff(&a, &b, diff_cb, &seen), 1);
	cr_expect_str_eq(seen.keys, "hec_token_file/R");
	config_free(&a);
	config_free(&b);
}

Test(config, apply_live_takes_live_keys_only)
{
	struct config		 a, b, c;
	struct diff_seen	 seen;
	char			 text[4096], *err = NULL;
	size_t			 i, len = 0, nrestart = 0;

	for (i = 0; i < NKEY_CHANGES; i++) {
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s = %s\n", key_changes[i].key, key_changes[i].value);
		cr_assert_lt(len, sizeof(text));
		if (key_changes[i].apply == 'R')
			nrestart++;
	}
	cr_assert_eq(parse_text(text, &b, &err), 0, "%s", err);
	config_init(&a);
	cr_expect_eq(config_diff(&a, &b, NULL, NULL), NKEY_CHANGES);
	config_apply_live(&a, &b);
	/* a now differs from the file in the restart keys only */
	cr_assert_eq(parse_text(text, &c, &err), 0, "%s", err);
	memset(&seen, 0, sizeof(seen));
	cr_expect_eq(config_diff(&a, &c, diff_cb, &seen), nrestart, "%s",
	    seen.keys);
	cr_expect(strstr(seen.keys, "/L") == NULL, "%s", seen.keys);
	cr_expect_eq(a.window_s, 30);
	cr_expect_eq(a.max_keys, 5);
	cr_expect(a.null_by_drop);
	cr_expect_eq(a.tls_verify_client, CONFIG_TLS_VERIFY_REQUIRE);
	cr_expect(strstr(a.tls_cert_file, "/cert.pem") != NULL);
	cr_expect_eq(b.window_s, 60);
	cr_expect_null(b.tls_cert_file);
	cr_expect_eq(a.max_frame, 65536);
	cr_expect_eq(a.nlisten_tcp, 0);
	cr_expect_eq(a.output, CONFIG_OUTPUT_HEC);
	config_free(&a);
	config_free(&b);
	config_free(&c);
}

Test(config, help_marks_the_restart_keys)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	cr_assert_not_null(fp);
	config_usage(fp);
	fclose(fp);
	cr_expect(strstr(buf, "marked [restart]") != NULL);
	cr_expect(strstr(buf, "\tstats window (tumbling)\n") != NULL);
	cr_expect(strstr(buf, "all listeners [restart]\n") != NULL);
	free(buf);
}

/*
 * Issue 16: the default of every key, in one table: what --help prints
 * after "key = " (NULL: unset), the start of what hecsentry.conf(5) says
 * after "Default:" (macros and the final period dropped), and the value
 * config_init() leaves in struct config.  The values are the documented
 * ones (hecsentry.conf(5)), in the unit struct config holds (sizes in
 * bytes, durations in the field's unit).  A key missing from the table
 * fails: a new key must say its default here.
 */
enum def_kind { DEF_SIZE, DEF_INT, DEF_BOOL, DEF_STR, DEF_LIST };

struct def_row {
	const char	*key;
	const char	*help;		/* --help's default; NULL: unset */
	const char	*man;		/* hecsentry.conf(5), its start */
	enum def_kind	 kind;
	size_t		 off;		/* field (DEF_LIST: its count) */
	long long	 num;		/* DEF_SIZE, DEF_INT, DEF_BOOL */
	const char	*str;		/* DEF_STR (NULL: unset) */
};

#define D_OFF(f)	offsetof(struct config, f)
#define D_SIZE(f, n)	DEF_SIZE, D_OFF(f), (n), NULL
#define D_INT(f, n)	DEF_INT, D_OFF(f), (n), NULL
#define D_BOOL(f, b)	DEF_BOOL, D_OFF(f), (b), NULL
#define D_STR(f, s)	DEF_STR, D_OFF(f), 0, (s)
#define D_LIST(n)	DEF_LIST, D_OFF(n), 0, NULL
#define D_SYSCONF	HECSENTRY_SYSCONFDIR
#define D_MIB		(1024LL * 1024)

static const struct def_row def_rows[] = {
	{ "listen_tcp", NULL, "none", D_LIST(nlisten_tcp) },
	{ "listen_udp", NULL, "none", D_LIST(nlisten_udp) },
	{ "max_connections", "1024", "1024", D_SIZE(max_connections, 1024) },
	{ "max_frame", "65536", "65536", D_SIZE(max_frame, 65536) },
	{ "idle_timeout", "300", "300", D_INT(idle_timeout_s, 300) },
	{ "udp_rcvbuf", "8M", "8M", D_SIZE(udp_rcvbuf, 8 * D_MIB) },
	{ "workers", "1", "1", D_INT(workers, 1) },
	{ "max_json_depth", "64", "64", D_INT(max_json_depth, 64) },
	{ "max_xml_depth", "16", "16", D_INT(max_xml_depth, 16) },
	{ "max_xml_bytes", "65536", "65536", D_SIZE(max_xml_bytes, 65536) },
	{ "xml_values", "decoded", "decoded", D_BOOL(xml_values_raw, 0) },
	{ "time_source", "utctime", "utctime", D_BOOL(time_created, 0) },
	{ "listen_tls", NULL, "none", D_LIST(nlisten_tls) },
	{ "tls_cert_file", NULL, NULL, D_STR(tls_cert_file, NULL) },
	{ "tls_key_file", NULL, NULL, D_STR(tls_key_file, NULL) },
	{ "tls_ca_file", NULL, NULL, D_STR(tls_ca_file, NULL) },
	{ "tls_verify_client", "no", "no",
	    D_INT(tls_verify_client, CONFIG_TLS_VERIFY_NO) },
	{ "detections", D_SYSCONF "/detections", "/etc/hecsentry/detections",
	    D_STR(detections_dir, D_SYSCONF "/detections") },
	{ "macros", D_SYSCONF "/macros", "/etc/hecsentry/macros",
	    D_STR(macros_dir, D_SYSCONF "/macros") },
	{ "lookups", NULL, NULL, D_STR(lookups_dir, NULL) },
	{ "detection_status", NULL, "production", D_LIST(ndet_status) },
	{ "detection_types", NULL, "every type", D_LIST(ndet_types) },
	{ "detections_enable", NULL, NULL, D_LIST(ndet_enable) },
	{ "detections_disable", NULL, NULL, D_LIST(ndet_disable) },
	{ "strict_detections", "no", "no", D_BOOL(strict_detections, 0) },
	{ "cim_map", D_SYSCONF "/cim.conf", "/etc/hecsentry/cim.conf",
	    D_STR(cim_map, D_SYSCONF "/cim.conf") },
	{ "window", "60", "60", D_INT(window_s, 60) },
	{ "max_keys", "10000", "10000", D_SIZE(max_keys, 10000) },
	{ "stats_max_bytes", "64M", "64M",
	    D_SIZE(stats_max_bytes, 64 * D_MIB) },
	{ "null_by_fields", "keep", "keep", D_BOOL(null_by_drop, 0) },
	{ "output", "hec", "hec", D_INT(output, CONFIG_OUTPUT_HEC) },
	{ "hec_url", NULL, "none", D_LIST(nhec_url) },
	{ "hec_token_file", NULL, "none", D_STR(hec_token_file, NULL) },
	{ "hec_sourcetype", "hecsentry:alert", "hecsentry:alert",
	    D_STR(hec_sourcetype, "hecsentry:alert") },
	{ "hec_index", NULL, "none", D_STR(hec_index, NULL) },
	{ "alert_format", "row", "row", D_BOOL(alert_risk, 0) },
	{ "alert_format_risk", NULL, "none", D_LIST(nalert_risk_list) },
	{ "alert_format_row", NULL, "none", D_LIST(nalert_row_list) },
	{ "emit", "close", "close", D_BOOL(emit_first, 0) },
	{ "emit_first", NULL, "none", D_LIST(nemit_first_list) },
	{ "emit_close", NULL, "none", D_LIST(nemit_close_list) },
	{ "risk_sourcetype", "stash", "stash",
	    D_STR(risk_sourcetype, "stash") },
	{ "risk_index", NULL, "none", D_STR(risk_index, NULL) },
	{ "risk_source", NULL, "none", D_STR(risk_source, NULL) },
	{ "suppress", NULL, "none", D_LIST(nsuppress) },
	{ "suppress_max_keys", "100000", "100000",
	    D_SIZE(suppress_max_keys, 100000) },
	{ "hec_ca_file", NULL, "the system's CAs", D_STR(hec_ca_file, NULL) },
	{ "hec_ca_path", NULL, "the system's CAs", D_STR(hec_ca_path, NULL) },
	{ "hec_tls_verify", "yes", "yes", D_BOOL(hec_tls_verify, 1) },
	{ "hec_gzip", "yes", "yes", D_BOOL(hec_gzip, 1) },
	{ "hec_batch_events", "500", "500", D_SIZE(hec_batch_events, 500) },
	{ "hec_batch_bytes", "1M", "1M", D_SIZE(hec_batch_bytes, D_MIB) },
	{ "hec_batch_ms", "1000", "1000", D_INT(hec_batch_ms, 1000) },
	{ "hec_timeout", "30", "30", D_INT(hec_timeout_ms, 30000) },
	{ "hec_connect_timeout", "10", "10",
	    D_INT(hec_connect_timeout_ms, 10000) },
	{ "hec_max_inflight", "4", "4", D_INT(hec_max_inflight, 4) },
	{ "hec_queue_bytes", "64M", "64M",
	    D_SIZE(hec_queue_bytes, 64 * D_MIB) },
	{ "hec_retry_min_ms", "500", "500", D_INT(hec_retry_min_ms, 500) },
	{ "hec_retry_max_ms", "30000", "30000",
	    D_INT(hec_retry_max_ms, 30000) },
	{ "shutdown_timeout", "10", "10", D_INT(shutdown_timeout_s, 10) },
	{ "spool_dir", NULL, "none", D_STR(spool_dir, NULL) },
	{ "spool_max_bytes", "1G", "1G",
	    D_SIZE(spool_max_bytes, 1024 * D_MIB) },
	{ "spool_segment_bytes", "4M", "4M",
	    D_SIZE(spool_segment_bytes, 4 * D_MIB) },
	{ "spool_fsync", "batch", "batch", D_STR(spool_fsync, "batch") },
	{ "hec_acks", "no", "no", D_BOOL(hec_acks, 0) },
	{ "hec_ack_timeout", "60", "60", D_INT(hec_ack_timeout_ms, 60000) },
	{ "hec_ack_poll_ms", "1000", "1000", D_INT(hec_ack_poll_ms, 1000) },
	{ "hec_dead_letter_file", NULL, "dead-letter.jsonl",
	    D_STR(hec_dead_letter_file, NULL) },
	{ "hec_health_interval", "5", "5",
	    D_INT(hec_health_interval_ms, 5000) },
	{ "admin_listen", "127.0.0.1:9880", "127.0.0.1:9880",
	    D_STR(admin_listen, "127.0.0.1:9880") },
};
#define DEF_NROWS	(sizeof(def_rows) / sizeof(def_rows[0]))

static const struct def_row *
def_row_find(const char *key)
{
	size_t	 i;

	for (i = 0; i < DEF_NROWS; i++)
		if (strcmp(def_rows[i].key, key) == 0)
			return &def_rows[i];
	return NULL;
}

Test(config, every_default_from_one_table)
{
	const struct def_row	*r;
	struct config		 cfg;
	enum config_apply	 apply;
	const char		*name, *s;
	const char		*p;
	size_t			 i, n = 0;

	for (i = 0; config_key_info(i, &name, &apply); i++)
		cr_expect_not_null(def_row_find(name),
		    "key %s has no row in def_rows", name);
	cr_expect_eq(i, DEF_NROWS, "%zu keys, %zu rows", i, DEF_NROWS);
	config_init(&cfg);
	for (i = 0; i < DEF_NROWS; i++) {
		r = &def_rows[i];
		p = (const char *)&cfg + r->off;
		switch (r->kind) {
		case DEF_SIZE:
			cr_expect_eq(*(const size_t *)p, (size_t)r->num,
			    "%s: %zu", r->key, *(const size_t *)p);
			break;
		case DEF_INT:
			cr_expect_eq(*(const int *)p, (int)r->num, "%s: %d",
			    r->key, *(const int *)p);
			break;
		case DEF_BOOL:
			cr_expect_eq(*(const bool *)p, r->num != 0, "%s",
			    r->key);
			break;
		case DEF_LIST:
			cr_expect_eq(*(const size_t *)p, 0, "%s", r->key);
			break;
		case DEF_STR:
			s = *(char *const *)p;
			if (r->str == NULL)
				cr_expect_null(s, "%s: %s", r->key, s);
			else
				cr_expect(s != NULL && strcmp(s, r->str) == 0,
				    "%s: %s, want %s", r->key,
				    s ? s : "(unset)", r->str);
			break;
		}
		n++;
	}
	cr_expect_eq(n, DEF_NROWS);
	config_free(&cfg);
}

Test(config, help_prints_every_default_of_the_table)
{
	const struct def_row	*r;
	char			*buf = NULL, want[256];
	size_t			 len = 0, i;
	FILE			*fp;

	fp = open_memstream(&buf, &len);
	cr_assert_not_null(fp);
	config_usage(fp);
	fclose(fp);
	for (i = 0; i < DEF_NROWS; i++) {
		r = &def_rows[i];
		if (r->help != NULL)
			snprintf(want, sizeof(want), "\n  %s = %s\t(", r->key,
			    r->help);
		else
			snprintf(want, sizeof(want), "\n  %s = ", r->key);
		cr_expect_not_null(strstr(buf, want), "--help: no \"%s\"",
		    want + 1);
		if (r->help == NULL) {
			snprintf(want, sizeof(want), "\n  %s = ", r->key);
			cr_expect(strstr(buf, want) != NULL &&
			    strstr(strstr(buf, want), "\t(unset by default)")
			    != NULL, "--help: %s is not unset", r->key);
		}
	}
	free(buf);
}

/*
 * The text after "Default:" in hecsentry.conf(5) for the item of key,
 * into out: the rest of the line, else the next line; a leading macro
 * (.Pa, .Cm, .Ql) and a trailing " ." or "." are dropped.  "" when the
 * item has no Default.
 */
static void
def_man_default(const char *man, const char *key, char *out, size_t outsz)
{
	char		 item[128];
	const char	*p, *end, *next;
	size_t		 n;

	out[0] = '\0';
	snprintf(item, sizeof(item), "\n.It Ic %s Ns", key);
	if ((p = strstr(man, item)) == NULL)
		return;
	next = strstr(p + 1, "\n.It ");
	if ((p = strstr(p, "\nDefault:")) == NULL ||
	    (next != NULL && p > next))
		return;
	p += 9;
	while (*p == ' ')
		p++;
	if (*p == '\n') {
		p++;
		if (*p == '.' && (p = strchr(p, ' ')) != NULL)
			p++;
	}
	if (p == NULL)
		return;
	end = strchr(p, '\n');
	n = end != NULL ? (size_t)(end - p) : strlen(p);
	if (n > 0 && p[n - 1] == '.')
		n--;
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

Test(config, man_page_says_every_default_of_the_table)
{
	const struct def_row	*r;
	const char		*top = getenv("top_srcdir");
	char			 path[PATH_MAX], got[256], *man;
	size_t			 i;
	long			 sz;
	FILE			*fp;

	snprintf(path, sizeof(path), "%s/docs/hecsentry.conf.5",
	    top != NULL ? top : ".");
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "cannot read %s", path);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	sz = ftell(fp);
	rewind(fp);
	man = calloc(1, (size_t)sz + 1);
	cr_assert_not_null(man);
	cr_assert_eq(fread(man, 1, (size_t)sz, fp), (size_t)sz);
	fclose(fp);
	for (i = 0; i < DEF_NROWS; i++) {
		r = &def_rows[i];
		if (r->man == NULL)
			continue;
		def_man_default(man, r->key, got, sizeof(got));
		cr_expect(strncmp(got, r->man, strlen(r->man)) == 0,
		    "hecsentry.conf(5) %s: Default: \"%s\", want \"%s\"",
		    r->key, got, r->man);
	}
	free(man);
}

/*
 * Issue 16: the bounds hecsentry.conf(5) gives ("1 to 64", ...) hold at
 * both ends: the bound is taken, one past it is refused.
 */
Test(config, documented_bounds_hold_at_both_ends)
{
	static const struct {
		const char	*key;
		long		 lo, hi;
	} cases[] = {
		{ "max_connections", 1, 1000000 },
		{ "workers", 1, 64 },
		{ "max_json_depth", 1, 1024 },
		{ "max_xml_depth", 1, 1024 },
		{ "hec_batch_events", 1, 100000 },
		{ "hec_max_inflight", 1, 256 },
	};
	struct config	 cfg;
	char		 text[128], *err;
	long		 v[4];
	size_t		 i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v[0] = cases[i].lo - 1;
		v[1] = cases[i].lo;
		v[2] = cases[i].hi;
		v[3] = cases[i].hi + 1;
		for (k = 0; k < 4; k++) {
			snprintf(text, sizeof(text), "%s = %ld\n",
			    cases[i].key, v[k]);
			err = NULL;
			cr_expect_eq(parse_text(text, &cfg, &err),
			    k == 0 || k == 3 ? -1 : 0, "%s: %s", text,
			    err != NULL ? err : "accepted");
			free(err);
			config_free(&cfg);
		}
	}
}
