/*
 * Tests of config.c: file syntax and every value type, bounds,
 * relative paths, command-line overrides, --set, the HEC token and URL
 * checks, and the shipped conf/hecsentry.conf.  Files are written to a
 * fresh temporary directory per test.  The key table (apply classes,
 * defaults against --help and hecsentry.conf(5)) is tested in
 * test_config_keys.c.
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


static int
run_args(struct config *cfg, char **err, int argc, const char **argv)
{
	return config_from_args(argc, (char **)argv, cfg, err);
}

#define ARGV(...)	(const char *[]){ "hecsentry", __VA_ARGS__, NULL }
#define ARGC(...)	((int)(sizeof((const char *[]){ "hecsentry", \
			    __VA_ARGS__ }) / sizeof(const char *)))
#define RUN(cfg, err, ...)						\
	run_args(cfg, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

Test(config, every_value_kind)
{
	struct config	 cfg;
	char		*err = NULL;
	int		 rc;

	rc = parse_text(
	    "# a comment\n"
	    "\n"
	    "   listen_tcp = 127.0.0.1:5514   # trailing comment\n"
	    "listen_tcp=[::1]:5514\n"
	    "listen_udp = \"0.0.0.0:5514\"\n"
	    "max_frame = 16M\n"
	    "udp_rcvbuf = 512k\n"
	    "stats_max_bytes = 1G\n"
	    "idle_timeout = 2m\n"
	    "hec_timeout = 5\n"
	    "window = 1h\n"
	    "max_json_depth = 10\n"
	    "null_by_fields = drop\n"
	    "xml_values = raw\n"
	    "time_source = timecreated\n"
	    "hec_tls_verify = no\n"
	    "hec_gzip = off\n"
	    "hec_index = \"sec # not a comment \\\"q\\\"\"\n"
	    "hec_sourcetype = my:alert\n"
	    "output = stdout\n", &cfg, &err);
	cr_assert_eq(rc, 0, "%s", err ? err : "");
	cr_assert_eq(cfg.nlisten_tcp, 2);
	cr_expect_str_eq(cfg.listen_tcp[0], "127.0.0.1:5514");
	cr_expect_str_eq(cfg.listen_tcp[1], "[::1]:5514");
	cr_assert_eq(cfg.nlisten_udp, 1);
	cr_expect_str_eq(cfg.listen_udp[0], "0.0.0.0:5514");
	cr_expect_eq(cfg.max_frame, 16 * 1024 * 1024);
	cr_expect_eq(cfg.udp_rcvbuf, 512 * 1024);
	cr_expect_eq(cfg.stats_max_bytes, 1024UL * 1024 * 1024);
	cr_expect_eq(cfg.idle_timeout_s, 120);
	cr_expect_eq(cfg.hec_timeout_ms, 5000);
	cr_expect_eq(cfg.window_s, 3600);
	cr_expect_eq(cfg.max_json_depth, 10);
	cr_expect(cfg.null_by_drop);
	cr_expect(cfg.xml_values_raw);
	cr_expect(cfg.time_created);
	cr_expect_not(cfg.hec_tls_verify);
	cr_expect_not(cfg.hec_gzip);
	cr_expect_str_eq(cfg.hec_index, "sec # not a comment \"q\"");
	cr_expect_str_eq(cfg.hec_sourcetype, "my:alert");
	cr_expect_eq(cfg.output, CONFIG_OUTPUT_STDOUT);
	config_free(&cfg);
}

Test(config, relative_paths_from_file_dir)
{
	struct config	 cfg;
	char		*err = NULL, want[PATH_MAX + 64];

	cr_assert_eq(parse_text(
	    "detections = det\n"
	    "macros = ../mac\n"
	    "hec_token_file = tok\n"
	    "hec_ca_file = /abs/ca.pem\n"
	    "hec_ca_path = cas\n"
	    "spool_dir = spool\n"
	    "output = file:out/alerts.json\n", &cfg, &err), 0, "%s", err);
	snprintf(want, sizeof(want), "%s/det", tmpdir);
	cr_expect_str_eq(cfg.detections_dir, want);
	snprintf(want, sizeof(want), "%s/../mac", tmpdir);
	cr_expect_str_eq(cfg.macros_dir, want);
	snprintf(want, sizeof(want), "%s/tok", tmpdir);
	cr_expect_str_eq(cfg.hec_token_file, want);
	cr_expect_str_eq(cfg.hec_ca_file, "/abs/ca.pem");
	snprintf(want, sizeof(want), "%s/cas", tmpdir);
	cr_expect_str_eq(cfg.hec_ca_path, want);
	snprintf(want, sizeof(want), "%s/spool", tmpdir);
	cr_expect_str_eq(cfg.spool_dir, want);
	cr_expect_eq(cfg.output, CONFIG_OUTPUT_FILE);
	snprintf(want, sizeof(want), "%s/out/alerts.json", tmpdir);
	cr_expect_str_eq(cfg.output_path, want);
	config_free(&cfg);
}

Test(config, cli_paths_stay_relative_to_cwd)
{
	struct config	 cfg;
	char		*err = NULL;

	cr_assert_eq(RUN(&cfg, &err, "--output", "file:a.json",
	    "--detections", "d", "--macros", "m"), 0, "%s", err);
	cr_expect_str_eq(cfg.output_path, "a.json");
	cr_expect_str_eq(cfg.detections_dir, "d");
	cr_expect_str_eq(cfg.macros_dir, "m");
	config_free(&cfg);
}

Test(config, unknown_key_names_file_and_line)
{
	struct config	 cfg;
	char		*err = NULL, want[PATH_MAX + 64];

	cr_assert_eq(parse_text("window = 30\n# c\n\nbogus_key = 1\n", &cfg,
	    &err), -1);
	snprintf(want, sizeof(want), "%s/t.conf:4: unknown key", tmpdir);
	cr_expect(strncmp(err, want, strlen(want)) == 0, "got %s", err);
	cr_expect(strstr(err, "bogus_key") != NULL);
	free(err);
	config_free(&cfg);
}

struct bad_case {
	const char	*text;
	const char	*reason;
};

Test(config, bad_and_out_of_bounds_values)
{
	static const struct bad_case cases[] = {
		{ "max_frame = 100\n", "out of range" },
		{ "max_frame = 17M\n", "out of range" },
		{ "window = 0\n", "out of range" },
		{ "window = 86401\n", "out of range" },
		{ "window = 10x\n", "bad number" },
		{ "window = -5\n", "not a number" },
		{ "max_connections = 99999999999999999999999\n", "too large" },
		{ "hec_gzip = maybe\n", "yes or no" },
		{ "null_by_fields = sometimes\n", "keep or drop" },
		{ "xml_values = both\n", "expected decoded or raw" },
		{ "time_source = header\n", "expected utctime or timecreated" },
		{ "output = syslog\n", "hec, stdout or file:PATH" },
		{ "output = file:\n", "hec, stdout or file:PATH" },
		{ "hec_index = \"open\n", "unterminated" },
		{ "hec_index = \"a\" b\n", "after the quoted" },
		{ "window 60\n", "expected '='" },
		{ "= 60\n", "expected a key" },
		{ "hec_max_inflight = 0\n", "out of range" },
	};
	struct config	 cfg;
	char		*err;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = NULL;
		cr_expect_eq(parse_text(cases[i].text, &cfg, &err), -1,
		    "accepted %s", cases[i].text);
		cr_expect(err != NULL && strstr(err, "t.conf:1: ") != NULL &&
		    strstr(err, cases[i].reason) != NULL,
		    "case %s: got %s", cases[i].text, err ? err : "(null)");
		free(err);
		config_free(&cfg);
	}
}

Test(config, cli_overrides_file_and_replaces_lists)
{
	struct config	 cfg;
	char		*err = NULL;
	const char	*path;

	path = write_file("c.conf",
	    "listen_tcp = 0.0.0.0:514\n"
	    "listen_tcp = 0.0.0.0:601\n"
	    "listen_udp = 0.0.0.0:514\n"
	    "window = 30\n"
	    "max_keys = 50\n"
	    "output = stdout\n", 0600);
	cr_assert_eq(RUN(&cfg, &err, "-c", path, "--listen-tcp",
	    "127.0.0.1:1", "--listen-tcp", "127.0.0.1:2", "--window", "5",
	    "-v", "-v", "-f"), 0, "%s", err);
	cr_assert_eq(cfg.nlisten_tcp, 2);
	cr_expect_str_eq(cfg.listen_tcp[0], "127.0.0.1:1");
	cr_expect_str_eq(cfg.listen_tcp[1], "127.0.0.1:2");
	cr_assert_eq(cfg.nlisten_udp, 1);
	cr_expect_str_eq(cfg.listen_udp[0], "0.0.0.0:514");
	cr_expect_eq(cfg.window_s, 5);
	cr_expect_eq(cfg.max_keys, 50);
	cr_expect_eq(cfg.verbose, 2);
	cr_expect(cfg.foreground);
	cr_expect_str_eq(cfg.config_file, path);
	cr_expect_not(cfg.check_only);
	config_free(&cfg);
}

/*
 * An empty value clears a list (hecsentry.conf(5), "Lists"): in the file,
 * as an option and with --set; a later value of the same source appends.
 */
Test(config, empty_value_clears_a_list)
{
	struct config	 cfg;
	char		*err = NULL;
	const char	*path;

	path = write_file("c.conf",
	    "listen_tcp = 0.0.0.0:514\n"
	    "listen_udp = 0.0.0.0:514\n"
	    "listen_udp = 0.0.0.0:515\n"
	    "hec_url = https://a.example:8088\n"
	    "output = stdout\n", 0600);
	cr_assert_eq(RUN(&cfg, &err, "-c", path, "--listen-udp", "",
	    "--set", "hec_url=", "--listen-tcp", "", "--listen-tcp",
	    "127.0.0.1:1"), 0, "%s", err);
	cr_expect_eq(cfg.nlisten_udp, 0);
	cr_expect_eq(cfg.nhec_url, 0);
	cr_assert_eq(cfg.nlisten_tcp, 1);
	cr_expect_str_eq(cfg.listen_tcp[0], "127.0.0.1:1");
	config_free(&cfg);

	cr_assert_eq(parse_text("listen_udp = 0.0.0.0:514\n"
	    "listen_udp = \"\"\nlisten_udp = 127.0.0.1:9\n"
	    "listen_tcp = 0.0.0.0:514\nlisten_tcp =\n", &cfg, &err), 0,
	    "%s", err);
	cr_assert_eq(cfg.nlisten_udp, 1);
	cr_expect_str_eq(cfg.listen_udp[0], "127.0.0.1:9");
	cr_expect_eq(cfg.nlisten_tcp, 0);
	config_free(&cfg);
}

struct check_case {
	const char	*text;
	const char	*want;	/* NULL: accepted */
};

/*
 * --check-config refuses what would stop the daemon (issue 14, item 4):
 * addresses are ADDR:PORT or [V6ADDR]:PORT with a port 0..65535, HEC
 * URLs http(s)://HOST[:PORT] with a port 1..65535 (hecsentry.conf(5));
 * a file's error is "FILE:LINE: key: what is wrong (what to do)".
 */
Test(config, values_that_cannot_start_are_refused)
{
	static const struct check_case cases[] = {
		{ "listen_tcp = 127.0.0.1\n", "listen_tcp: no port (write" },
		{ "listen_tcp = 127.0.0.1:70000\n",
		    "listen_tcp: port \"70000\" out of range (use 0..65535)" },
		{ "listen_tcp = 127.0.0.1:\n", "out of range" },
		{ "listen_udp = [::1]:99999\n", "listen_udp: port" },
		{ "listen_tls = ::1:6514\n", "needs brackets" },
		{ "listen_tcp = [::zz]:514\n", "bad IPv6 address" },
		{ "listen_tcp = 300.1.2.3:514\n", "bad host \"300.1.2.3\"" },
		{ "listen_tcp = a b:514\n", "bad host" },
		{ "listen_tcp = 127.0.0.1:5x\n", "not a number" },
		{ "admin_listen = garbage\n", "admin_listen: no port" },
		{ "admin_listen = 127.0.0.1:65536\n", "out of range" },
		{ "hec_url = http://127.0.0.1:99999\n",
		    "hec_url: port \"99999\" out of range (use 1..65535)" },
		{ "hec_url = http://127.0.0.1:0\n", "out of range" },
		{ "hec_url = ftp://splunk.example\n", "http://" },
		{ "hec_url = https://splunk.example:x88\n", "not a number" },
		{ "hec_url = https:///services/collector\n", "no host" },
		{ "spool_fsync = sometimes\n",
		    "spool_fsync: expected always, batch or never" },
		{ "listen_tcp = 0.0.0.0:514\n", NULL },
		{ "listen_tcp = *:514\n", NULL },
		{ "listen_tcp = :514\n", NULL },
		{ "listen_tcp = [::]:514\n", NULL },
		{ "listen_tls = 127.0.0.1:0\n", NULL },
		{ "listen_udp = localhost:5514\n", NULL },
		{ "admin_listen = [::1]:9880\n", NULL },
		{ "admin_listen =\n", NULL },
		{ "hec_url = https://splunk.example\n", NULL },
		{ "hec_url = http://[::1]:8088/services/collector/event\n",
		    NULL },
		{ "spool_fsync = never\n", NULL },
	};
	struct config	 cfg;
	char		*err, want[PATH_MAX + 128];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = NULL;
		if (cases[i].want == NULL) {
			cr_expect_eq(parse_text(cases[i].text, &cfg, &err), 0,
			    "refused %s: %s", cases[i].text,
			    err ? err : "(null)");
		} else {
			cr_expect_eq(parse_text(cases[i].text, &cfg, &err),
			    -1, "accepted %s", cases[i].text);
			snprintf(want, sizeof(want), "%s/t.conf:1: ", tmpdir);
			cr_expect(err != NULL &&
			    strncmp(err, want, strlen(want)) == 0 &&
			    strstr(err, cases[i].want) != NULL,
			    "case %s: got %s", cases[i].text,
			    err ? err : "(null)");
		}
		free(err);
		config_free(&cfg);
	}
}

/* On the command line: "--option: what is wrong (what to do)". */
Test(config, option_errors_name_the_option)
{
	struct config	 cfg;
	char		*err = NULL;

	cr_assert_eq(RUN(&cfg, &err, "--output", "stdout", "--listen-tcp",
	    "127.0.0.1"), -1);
	cr_expect_str_eq(err, "--listen-tcp: no port (write ADDR:PORT, or "
	    "[V6ADDR]:PORT for IPv6)");
	free(err);
	err = NULL;
	cr_assert_eq(RUN(&cfg, &err, "--output", "stdout", "--set",
	    "spool_fsync=sometimes"), -1);
	cr_expect_str_eq(err, "--set spool_fsync: expected always, batch or "
	    "never");
	free(err);
	err = NULL;
	cr_assert_eq(RUN(&cfg, &err, "--output", "stdout", "--admin-listen",
	    "garbage"), -1);
	cr_expect(strncmp(err, "--admin-listen: no port", 23) == 0, "%s",
	    err);
	free(err);
	err = NULL;
	cr_assert_eq(RUN(&cfg, &err, "--hec-url", "http://127.0.0.1:99999"),
	    -1);
	cr_expect(strncmp(err, "--hec-url: port \"99999\" out of range", 35)
	    == 0, "%s", err);
	free(err);
}

/* A directory as hec_token_file is one error that says so. */
Test(config, token_file_that_is_a_directory)
{
	struct config	 cfg;
	char		*err = NULL;

	cr_assert_eq(RUN(&cfg, &err, "--hec-url", "http://127.0.0.1:8088",
	    "--hec-token-file", tmpdir), -1);
	cr_expect(strstr(err, "hec_token_file: ") == err &&
	    strstr(err, "is not a regular file") != NULL, "%s", err);
	cr_expect(strstr(err, "empty") == NULL, "%s", err);
	free(err);
}

/* config_check_paths(): what the daemon opens at start (config.h). */
Test(config, paths_the_daemon_cannot_use_are_refused)
{
	static const struct check_case cases[] = {
		{ "detections = det\n", NULL },
		{ "detections = missing\n", "detections: " },
		{ "detections = plain\n", "is not a directory" },
		{ "output = file:/nonexistent/dir/a.json\n",
		    "output: /nonexistent/dir: No such file or directory" },
		{ "output = file:det\n", "is a directory" },
		{ "output = file:new.json\n", NULL },
		{ "spool_dir = plain/spool\n", "spool_dir: " },
		{ "spool_dir = /nonexistent/dir/spool\n", "spool_dir: " },
		{ "spool_dir = spool\n", NULL },
		{ "spool_dir = det\n", NULL },
	};
	struct config	 cfg;
	char		*err, det[PATH_MAX + 16], text[256];
	size_t		 i;

	snprintf(det, sizeof(det), "%s/det", tmpdir);
	cr_assert_eq(mkdir(det, 0700), 0);
	write_file("plain", "x\n", 0600);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "detections = det\n"
		    "macros = det\n%s", cases[i].text);
		err = NULL;
		cr_assert_eq(parse_text(text, &cfg, &err), 0, "%s", err);
		if (cases[i].want == NULL)
			cr_expect_eq(config_check_paths(&cfg, &err), 0,
			    "case %s: %s", cases[i].text,
			    err ? err : "(null)");
		else
			cr_expect(config_check_paths(&cfg, &err) == -1 &&
			    strstr(err, cases[i].want) != NULL,
			    "case %s: got %s", cases[i].text,
			    err ? err : "(null)");
		free(err);
		config_free(&cfg);
	}
}

Test(config, set_any_key)
{
	struct config	 cfg;
	char		*err = NULL;

	cr_assert_eq(RUN(&cfg, &err, "--output", "stdout", "--set",
	    "max_frame=1k", "--set", "hec_index=sec", "--set",
	    "listen_udp=127.0.0.1:9", "--set", "listen_udp=[::1]:9"), 0,
	    "%s", err);
	cr_expect_eq(cfg.max_frame, 1024);
	cr_expect_str_eq(cfg.hec_index, "sec");
	cr_assert_eq(cfg.nlisten_udp, 2);
	cr_expect_str_eq(cfg.listen_udp[1], "[::1]:9");
	config_free(&cfg);

	cr_expect_eq(RUN(&cfg, &err, "--output", "stdout", "--set",
	    "nosuch=1"), -1);
	cr_expect(strstr(err, "unknown key \"nosuch\"") != NULL, "%s", err);
	free(err);
	cr_expect_eq(RUN(&cfg, &err, "--output", "stdout", "--set",
	    "window"), -1);
	cr_expect(strstr(err, "KEY=VALUE") != NULL, "%s", err);
	free(err);
	cr_expect_eq(RUN(&cfg, &err, "--output", "stdout", "--window",
	    "0"), -1);
	cr_expect_str_eq(err, "--window: value out of range (1..86400 "
	    "seconds)");
	free(err);
	cr_expect_eq(RUN(&cfg, &err, "--no-such-option"), -1);
	cr_expect(strstr(err, "unknown option") != NULL, "%s", err);
	free(err);
	cr_expect_eq(RUN(&cfg, &err, "--output", "stdout", "extra"), -1);
	free(err);
}

Test(config, hec_needs_url_and_token)
{
	struct config	 cfg;
	char		*err = NULL;

	cr_expect_eq(RUN(&cfg, &err, "--output", "hec"), -1);
	cr_expect(strstr(err, "hec_url") != NULL, "%s", err);
	free(err);
	cr_expect_eq(RUN(&cfg, &err, "--hec-url", "https://s:8088"), -1);
	cr_expect(strstr(err, "token") != NULL, "%s", err);
	cr_expect(strstr(err, "HECSENTRY_HEC_TOKEN") != NULL, "%s", err);
	free(err);
	setenv("HECSENTRY_HEC_TOKEN", "x", 1);
	cr_expect_eq(RUN(&cfg, &err, "--hec-url", "ftp://s:8088"), -1);
	cr_expect(strstr(err, "http:// or https://") != NULL, "%s", err);
	free(err);
	cr_expect_eq(RUN(&cfg, &err, "--hec-url", "https:///x"), -1);
	free(err);
}

Test(config, hec_url_gets_default_path)
{
	struct config	 cfg;
	char		*err = NULL;

	setenv("HECSENTRY_HEC_TOKEN", "abc-123", 1);
	cr_assert_eq(RUN(&cfg, &err, "--hec-url", "https://s:8088",
	    "--hec-url", "http://t/", "--hec-url",
	    "https://u:8088/services/collector"), 0, "%s", err);
	cr_assert_eq(cfg.nhec_url, 3);
	cr_expect_str_eq(cfg.hec_url[0],
	    "https://s:8088/services/collector/event");
	cr_expect_str_eq(cfg.hec_url[1], "http://t/services/collector/event");
	cr_expect_str_eq(cfg.hec_url[2], "https://u:8088/services/collector");
	cr_expect_str_eq(cfg.hec_token, "abc-123");
	config_free(&cfg);
}

Test(config, token_from_file_trimmed_and_beats_env)
{
	struct config	 cfg;
	char		*err = NULL;
	const char	*path;

	setenv("HECSENTRY_HEC_TOKEN", "from-env", 1);
	path = write_file("tok", "  \n\t1234-abcd \n\n", 0600);
	cr_assert_eq(RUN(&cfg, &err, "--hec-url", "https://s",
	    "--hec-token-file", path), 0, "%s", err);
	cr_expect_str_eq(cfg.hec_token, "1234-abcd");
	config_free(&cfg);

	/* readable by others: accepted, with a warning */
	path = write_file("tok2", "5678\n", 0644);
	cr_assert_eq(RUN(&cfg, &err, "--hec-url", "https://s",
	    "--hec-token-file", path), 0, "%s", err);
	cr_expect_str_eq(cfg.hec_token, "5678");
	config_free(&cfg);

	path = write_file("empty", " \n", 0600);
	cr_expect_eq(RUN(&cfg, &err, "--hec-url", "https://s",
	    "--hec-token-file", path), -1);
	cr_expect(strstr(err, "empty") != NULL, "%s", err);
	free(err);

	path = write_file("bad", "a b\n", 0600);
	cr_expect_eq(RUN(&cfg, &err, "--hec-url", "https://s",
	    "--hec-token-file", path), -1);
	cr_expect(strstr(err, "a b") == NULL, "token leaked: %s", err);
	free(err);

	cr_expect_eq(RUN(&cfg, &err, "--hec-url", "https://s",
	    "--hec-token-file", "/nonexistent/tok"), -1);
	cr_expect(strstr(err, "/nonexistent/tok") != NULL, "%s", err);
	free(err);
}

Test(config, token_from_env)
{
	struct config	 cfg;
	char		*err = NULL;

	setenv("HECSENTRY_HEC_TOKEN", "env-token", 1);
	cr_assert_eq(RUN(&cfg, &err, "--hec-url", "https://s"), 0, "%s",
	    err);
	cr_expect_str_eq(cfg.hec_token, "env-token");
	config_free(&cfg);
}

Test(config, check_config_flag)
{
	struct config	 cfg;
	char		*err = NULL;

	cr_assert_eq(RUN(&cfg, &err, "--output", "stdout",
	    "--check-config"), 0, "%s", err);
	cr_expect(cfg.check_only);
	config_free(&cfg);
}

Test(config, version_and_help_ask_to_exit)
{
	struct config	 cfg;
	char		*err = NULL;
	FILE		*fp;
	char		 buf[65536];
	size_t		 n;

	cr_expect_eq(RUN(&cfg, &err, "--version"), 1);
	config_free(&cfg);
	fp = tmpfile();
	cr_assert_not_null(fp);
	config_usage(fp);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	cr_expect(strstr(buf, "--listen-tcp") != NULL);
	cr_expect(strstr(buf, "--set KEY=VALUE") != NULL);
	cr_expect(strstr(buf, "HECSENTRY_HEC_TOKEN") != NULL);
	cr_expect(strstr(buf, "hec_batch_events = 500") != NULL);
	cr_expect(strstr(buf, "Example") != NULL);
}

Test(config, shipped_config_parses)
{
	struct config	 cfg;
	struct stat	 st;
	const char	*dir;
	char		 path[PATH_MAX], *err = NULL;

	dir = getenv("CONFDIR");
	if (dir == NULL)
		dir = "conf";
	snprintf(path, sizeof(path), "%s/hecsentry.conf", dir);
	config_init(&cfg);
	cr_assert_eq(config_parse_file(path, &cfg, &err), 0, "%s", err);
	cr_assert_eq(config_finish(&cfg, &err), 0, "%s", err);
	cr_expect_eq(cfg.output, CONFIG_OUTPUT_STDOUT);
	cr_expect_eq(cfg.nlisten_tcp, 1);
	cr_expect_eq(cfg.nlisten_udp, 1);
	cr_expect_eq(stat(cfg.detections_dir, &st), 0, "%s",
	    cfg.detections_dir);
	cr_expect(S_ISDIR(st.st_mode));
	cr_expect_eq(stat(cfg.macros_dir, &st), 0, "%s", cfg.macros_dir);
	config_free(&cfg);
}
