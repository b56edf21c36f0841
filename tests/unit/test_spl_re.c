/*
 * Tests of the PCRE2 wrapper: Splunk's dialect (PCRE, case-sensitive
 * unless "(?i)", Python-style "(?P<name>)" groups, "\x{202E}" as one
 * code point), named groups in order with their numbers, groups that did
 * not take part, subjects that are not UTF-8, compile errors with an
 * offset, and the backtracking limit.
 * Sources: https://help.splunk.com/splunk-enterprise/spl-search-reference/9.1/search-commands/rex
 * ("The PCRE regular expression"), and the pcre2pattern(3) and
 * pcre2api(3) manual pages for the group and offset rules.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "detect/spl_re.h"

static struct spl_re *
re_new(const char *pat)
{
	struct spl_re	*re;
	char		 err[128];
	size_t		 off;

	re = spl_re_new(pat, strlen(pat), err, sizeof(err), &off);
	cr_assert_not_null(re, "%s: %s at %zu", pat, err, off);
	return re;
}

/* Unanchored matching, as rex and regex do; a table from their pages. */
Test(spl_re, match_table)
{
	static const struct {
		const char	*pat, *subj;
		bool		 match;
	} cases[] = {
		{ "exe", "C:\\Windows\\cmd.exe", true },
		{ "EXE", "C:\\Windows\\cmd.exe", false },
		{ "(?i)EXE", "C:\\Windows\\cmd.exe", true },
		{ "^cmd", "C:\\cmd.exe", false },
		{ "(?i)(rundll32\\.exe.{0,4}$)", "RUNDLL32.EXE\" ", true },
		{ "(?i)(rundll32\\.exe.{0,4}$)", "rundll32.exe foo.dll", false },
		{ "^[0-9a-fA-F]{8}", "deadBEEF-1", true },
		{ "^[0-9a-fA-F]{8}", "deadBEE", false },
		{ "\\x{202E}", "abc\xe2\x80\xae" "exe.txt", true },
		{ "\\x{202E}", "abc\xe2\x80" "exe.txt", false },
		{ "(^.{1}$)", "\xc3\xa9", true },
		{ "(?<!\\/)\\b\\w+(\\.\\w+)?:\\w+(\\.\\w+)?$",
		    "C:\\Users\\a\\file.txt:hidden.exe", true },
		{ "(?<!\\/)\\b\\w+(\\.\\w+)?:\\w+(\\.\\w+)?$",
		    "C:\\Users\\a\\file.txt", false },
		{ "b", "a\xff" "b", true },
	};
	struct spl_re	*re;
	size_t		 k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		re = re_new(cases[k].pat);
		cr_expect_eq(spl_re_match(re, cases[k].subj,
		    strlen(cases[k].subj)), cases[k].match, "case %zu: %s",
		    k, cases[k].pat);
		spl_re_free(re);
	}
}

Test(spl_re, named_groups_in_order)
{
	struct spl_re	*re;
	const size_t	*ov;
	const char	*s = "0x0000ff";
	int		 g, n;

	re = re_new("(?<a>x)(b)?(?P<Old_Registry_Value>[0-9a-f]+)$");
	cr_assert_eq(spl_re_groups(re), 3);
	cr_assert_eq(spl_re_nnames(re), 2);
	/* The name table is sorted by name; each name keeps its number. */
	cr_expect_str_eq(spl_re_name(re, 0, &g), "Old_Registry_Value");
	cr_expect_eq(g, 3);
	cr_expect_str_eq(spl_re_name(re, 1, &g), "a");
	cr_expect_eq(g, 1);
	cr_expect_null(spl_re_name(re, 2, &g));
	n = spl_re_exec(re, s, strlen(s), 0, &ov);
	cr_assert_eq(n, 4);
	cr_expect_eq(ov[2], 1);
	cr_expect_eq(ov[4], SPL_RE_UNSET);
	cr_expect_eq(ov[6], 2);
	cr_expect_eq(ov[7], 8);
	spl_re_free(re);
}

Test(spl_re, start_offset_for_repeated_matches)
{
	struct spl_re	*re;
	const size_t	*ov;
	const char	*s = "(A;;GA)(D;;WD)";

	re = re_new("\\((?P<ace>.*?)\\)");
	cr_assert_eq(spl_re_exec(re, s, strlen(s), 0, &ov), 2);
	cr_expect_eq(ov[2], 1);
	cr_expect_eq(ov[3], 6);
	cr_assert_eq(spl_re_exec(re, s, strlen(s), ov[1], &ov), 2);
	cr_expect_eq(ov[2], 8);
	cr_assert_eq(spl_re_exec(re, s, strlen(s), 14, &ov), 0);
	cr_expect_eq(spl_re_exec(re, s, strlen(s), 15, &ov), -1);
	spl_re_free(re);
}

Test(spl_re, compile_error_has_an_offset)
{
	char		 err[128] = "";
	size_t		 off = 0;

	cr_assert_null(spl_re_new("(?<x>.+\\)", 9, err, sizeof(err), &off));
	cr_expect_neq(err[0], '\0');
	cr_expect_eq(off, 9);
	cr_assert_null(spl_re_new("a{2,1}", 6, err, sizeof(err), &off));
}

/* Catastrophic backtracking gives up (-1) instead of running on. */
Test(spl_re, backtracking_is_bounded)
{
	struct spl_re	*re;
	const size_t	*ov;
	char		 s[64];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = 'b';
	re = re_new("^(a+)+$");
	cr_expect_eq(spl_re_exec(re, s, sizeof(s), 0, &ov), -1);
	cr_expect_not(spl_re_match(re, s, sizeof(s)));
	spl_re_free(re);
}

Test(spl_re, free_null_is_a_noop)
{
	spl_re_free(NULL);
}
