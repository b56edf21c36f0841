/*
 * Logging: journald priority prefixes when stderr is the journal, level
 * words otherwise, -v gating debug, escaping of untrusted bytes, and the
 * rate limiter behind the per-message summaries.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "log.h"

/* Points stderr at a temporary file and returns it. */
static FILE *
capture(void)
{
	FILE	*fp = tmpfile();

	cr_assert_not_null(fp);
	cr_assert_neq(dup2(fileno(fp), STDERR_FILENO), -1);
	return fp;
}

static char *
captured(FILE *fp)
{
	static char	 buf[4096];
	size_t		 n;

	fflush(stderr);
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	return buf;
}

Test(log, journal_gets_priority_prefixes)
{
	FILE		*fp = capture();
	struct stat	 st;
	char		 js[64];

	cr_assert_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(js, sizeof(js), "%lu:%lu", (unsigned long)st.st_dev,
	    (unsigned long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	log_init(0);
	log_warnx("w %d", 1);
	log_info("i");
	log_debug("hidden");
	cr_assert_str_eq(captured(fp), "<4>w 1\n<6>i\n");
}

Test(log, plain_stderr_gets_level_words_and_verbose_debug)
{
	FILE	*fp = capture();

	unsetenv("JOURNAL_STREAM");
	log_init(1);
	errno = ENOENT;
	log_warn("open %s", "x");
	cr_assert_eq(errno, ENOENT, "log_warn keeps errno");
	log_debug("d");
	cr_assert_str_eq(captured(fp), "hecsentry: warning: open x: "
	    "No such file or directory\nhecsentry: debug: d\n");
}

/*
 * hecsentry(8) -v: each -v adds a level; debug at one, per-message
 * reasons at two, internal trace at three.
 */
Test(log, each_v_adds_a_level)
{
	static const char *want[] = {
		"hecsentry: i\n",
		"hecsentry: i\nhecsentry: debug: d\n",
		"hecsentry: i\nhecsentry: debug: d\nhecsentry: debug: m\n",
		"hecsentry: i\nhecsentry: debug: d\nhecsentry: debug: m\n"
		    "hecsentry: trace: t\n",
	};
	FILE	*fp;
	int	 v;

	unsetenv("JOURNAL_STREAM");
	for (v = 0; v < 4; v++) {
		fp = capture();
		log_init(v);
		log_info("i");
		log_debug("d");
		log_debug_msg("m");
		log_trace("t");
		cr_expect_str_eq(captured(fp), want[v], "-v x %d", v);
		fclose(fp);
	}
}

Test(log, a_journal_stream_of_another_file_is_not_the_journal)
{
	FILE	*fp = capture();

	setenv("JOURNAL_STREAM", "1:1", 1);
	log_init(0);
	log_info("x");
	cr_assert_str_eq(captured(fp), "hecsentry: x\n");
}

Test(log, escape_untrusted_bytes)
{
	char	 out[64];

	cr_assert_str_eq(log_escape("a\nb\\c\x01\xff", 7, out, sizeof(out)),
	    "a\\x0ab\\x5cc\\x01\\xff");
	/* Cut with a marker, never past the buffer. */
	cr_assert_str_eq(log_escape("0123456789", 10, out, 8), "0123...");
	cr_assert_lt(strlen(log_escape("\n\n\n\n\n\n", 6, out, 10)), 10);
}

Test(log, ratelimit_summarises)
{
	struct log_ratelimit	 rl = { 0, 0, 10 };
	uint64_t		 n = 0;
	int			 i, lines = 0;

	cr_assert(log_ratelimit(&rl, 1000, &n), "the first one is logged");
	cr_assert_eq(n, 1);
	for (i = 0; i < 50; i++)
		lines += log_ratelimit(&rl, 1001 + i / 10, &n);
	cr_assert_eq(lines, 0, "nothing more within the interval");
	cr_assert(log_ratelimit(&rl, 1011, &n));
	cr_assert_eq(n, 51, "the summary counts every occurrence");
}
