/*
 * Tests of config.c: defaults (one table, also against --help and
 * hecsentry.conf(5)), file syntax and every value type, bounds,
 * relative paths, command-line overrides, --set, the HEC token and URL
 * checks, and the shipped conf/hecsentry.conf.  Files are written to a
 * fresh temporary directory per test.
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

static char	 tmpdir[PATH_MAX];	/* per-test scratch directory */

static void
setup(void)
{
	char	 tmpl[] = "/tmp/test_config.XXXXXX", *real;

	cr_assert_not_null(mkdtemp(tmpl));
	real = realpath(tmpl, NULL);
	cr_assert_not_null(real);
	snprintf(tmpdir, sizeof(tmpdir), "%s", real);
	free(real);
	unsetenv("HECSENTRY_HEC_TOKEN");
}

static void
teardown(void)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Writes text to tmpdir/name with mode; returns the path (static). */
static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char	 path[PATH_MAX + 64];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

/* Parses text as a config file on top of the defaults. */
static int
parse_text(const char *text, struct config *cfg, char **err)
{
	const char	*path;

	path = write_file("t.conf", text, 0600);
	config_init(cfg);
	return config_parse_file(path, cfg, err);
}

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
	{ "risk_sourcetype", "x:y", 'R' },
	{ "risk_index", "risk", 'R' },
	{ "risk_source", "src", 'R' },
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
	{ "risk_sourcetype", "stash", "stash",
	    D_STR(risk_sourcetype, "stash") },
	{ "risk_index", NULL, "none", D_STR(risk_index, NULL) },
	{ "risk_source", NULL, "none", D_STR(risk_source, NULL) },
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
