/*
 * Tests of the shared term matcher (match_set.c): a table of terms and
 * field values with the answer Splunk's documentation gives, all terms
 * in one set so that they share fields, patterns and automata; then
 * generated searches over a small alphabet (many overlapping patterns)
 * where every detection's answer must be spl_match()'s on its filter
 * alone.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "detect/detection.h"
#include "detect/match_set.h"
#include "detect/spl.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The n searches of texts as one set, detection i named "tNNNN". */
static struct detection_set *
mkset(const char **texts, size_t n)
{
	struct detection **dv;
	struct spl_error err;
	char		 name[16];
	size_t		 i;

	dv = calloc(n, sizeof(*dv));
	for (i = 0; i < n; i++) {
		dv[i] = calloc(1, sizeof(**dv));
		snprintf(name, sizeof(name), "t%04zu", i);
		dv[i]->name = strdup(name);
		dv[i]->id = strdup(name);
		dv[i]->file = strdup("t.yml");
		dv[i]->search_text = strdup(texts[i]);
		dv[i]->search = spl_compile(texts[i], NULL, NULL, &err);
		cr_assert_not_null(dv[i]->search, "%s: %s", texts[i],
		    err.msg);
	}
	return detection_set_new(dv, n);
}

/* Sets "name=value" on ev; a NULL value leaves the field absent. */
static void
ev_set(struct event *ev, const char *name, const char *value)
{
	int	 id;

	if (value == NULL)
		return;
	id = event_field_intern(name, strlen(name));
	cr_assert_neq(id, -1);
	cr_assert_eq(event_set(ev, id, value, strlen(value)), 0);
}

/*
 * Splunk's term semantics (Search Manual, "Use wildcards to match
 * characters": '*' matches any run of characters, at the start, in the
 * middle or at the end; "Field values are case insensitive" in "Use
 * fields to retrieve events"; Search Reference, "search": "field IN
 * (value-list)" is a match on any of the values, and field!=value
 * matches only events that have the field).  A quoted "\\" is one
 * backslash; in an unquoted word "\*" is a backslash and a wildcard
 * (spl_lex.c).  The field of every case is F.
 */
static const struct {
	const char	*term;		/* the search before "| stats" */
	const char	*value;		/* F's value, NULL: absent */
	bool		 want;
} cases[] = {
	/* A wildcard at the start: a suffix. */
	{ "F=\"*\\\\cmd.exe\"", "C:\\Windows\\System32\\CMD.EXE", true },
	{ "F=\"*\\\\cmd.exe\"", "C:\\Windows\\cmd.exe.bak", false },
	{ "F=\"*\\\\cmd.exe\"", "cmd.exe", false },
	{ "F=\"*\\\\cmd.exe\"", NULL, false },
	/* At the end: a prefix. */
	{ "F=\"C:\\\\Windows\\\\*\"", "c:\\windows\\x.exe", true },
	{ "F=\"C:\\\\Windows\\\\*\"", "D:\\Windows\\x.exe", false },
	{ "F=\"C:\\\\Windows\\\\*\"", "C:\\Windows\\", true },
	/* At both ends and in the middle. */
	{ "F=\"*-enc*\"", "powershell -EncodedCommand AAA", true },
	{ "F=\"*-enc*\"", "powershell -e AAA", false },
	{ "F=\"*a*b*\"", "xAyB", true },
	{ "F=\"*a*b*\"", "ba", false },
	{ "F=\"c:*\\\\temp\\\\*.exe\"", "C:\\Users\\x\\Temp\\a.EXE", true },
	{ "F=\"c:*\\\\temp\\\\*.exe\"", "C:\\Users\\x\\Temp\\a.exe.txt",
	    false },
	{ "F=\"ab*ba\"", "aba", false },
	{ "F=\"ab*ba\"", "abba", true },
	/* Literals: whole and case-insensitive. */
	{ "F=Cmd.exe", "CMD.EXE", true },
	{ "F=Cmd.exe", "cmd.exe ", false },
	{ "F=Cmd.exe", "xcmd.exe", false },
	/*
	 * The empty value, and "*" alone.  An empty value leaves the field
	 * unset (event.h: "a zero length unsets the field"), so nothing
	 * but NOT matches it.
	 */
	{ "F=\"\"", "", false },
	{ "F=\"\"", "x", false },
	{ "F=\"\"", NULL, false },
	{ "F=\"*\"", "", false },
	{ "F=\"*\"", "anything", true },
	{ "F=\"*\"", NULL, false },
	{ "F=\"**\"", "", false },
	{ "F=\"**\"", "x", true },
	/* IN lists: literals and patterns together. */
	{ "F IN (\"cmd.exe\", \"powershell.exe\", \"*.ps1\")",
	    "PowerShell.EXE", true },
	{ "F IN (\"cmd.exe\", \"powershell.exe\", \"*.ps1\")", "x.PS1", true },
	{ "F IN (\"cmd.exe\", \"powershell.exe\", \"*.ps1\")", "cmd", false },
	{ "F IN (\"cmd.exe\", \"powershell.exe\", \"*.ps1\")", NULL, false },
	/* Numbers compare as numbers (SPEC 3). */
	{ "F=1", "1", true },
	{ "F=1", "01", true },
	{ "F=1", "1.0", true },
	{ "F=1", "x1", false },
	{ "F IN (3, 22)", "22", true },
	{ "F IN (3, 22)", "2", false },
	/* != needs the field; NOT does not. */
	{ "F!=1", "2", true },
	{ "F!=1", "1", false },
	{ "F!=1", NULL, false },
	{ "F!=\"*.exe\"", "a.dll", true },
	{ "F!=\"*.exe\"", "a.EXE", false },
	{ "NOT F=\"*\\\\cmd.exe\"", NULL, true },
	{ "NOT F=\"*\\\\cmd.exe\"", "c:\\cmd.exe", false },
	/* An unquoted "\*": a backslash, then a wildcard. */
	{ "F=c:\\*", "C:\\Windows", true },
	{ "F=c:\\*", "c:x", false },
	/* Overlapping pieces of one field (the automaton's suffix links). */
	{ "F=\"*bcd*\"", "xbcd", true },
	{ "F=\"*abc*\"", "xbcd", false },
	{ "F=\"*c*\"", "xbcd", true },
	{ "F=\"*d\"", "xbcd", true },
	/* Bytes outside ASCII compare exactly. */
	{ "F=\"\xc3\x89*\"", "\xc3\x89" "COLE", true },
	{ "F=\"\xc3\x89*\"", "\xc3\xa9" "cole", false },
	/* With another field and a comparison (not a term). */
	{ "F=\"*x*\" G>5", "x", false },
	{ "F=\"*x*\" OR G>5", "x", true },
};

Test(match_set, splunk_semantics)
{
	struct detection_set *set;
	struct match_set *ms;
	struct event	 ev;
	const char	*texts[NELEM(cases)];
	char		 buf[NELEM(cases)][512];
	size_t		 i, k;
	bool		 got;

	event_fields_init();
	for (i = 0; i < NELEM(cases); i++) {
		snprintf(buf[i], sizeof(buf[i]), "search %s | stats count",
		    cases[i].term);
		texts[i] = buf[i];
	}
	set = mkset(texts, NELEM(cases));
	ms = match_set_new(set);
	event_init(&ev, 4096);
	/* Each value against every term: the table's row must hold. */
	for (i = 0; i < NELEM(cases); i++) {
		event_reset(&ev);
		ev_set(&ev, "F", cases[i].value);
		match_set_event(ms, &ev);
		for (k = 0; k < NELEM(cases); k++) {
			got = match_set_filter(ms, k, &ev);
			cr_assert_eq(got, spl_match(set->d[k]->search->filter,
			    &ev), "%s on %s", cases[k].term,
			    cases[i].value != NULL ? cases[i].value : "-");
			if (k == i)
				cr_assert_eq(got, cases[i].want, "%s on %s",
				    cases[i].term, cases[i].value != NULL ?
				    cases[i].value : "(absent)");
		}
	}
	/* A text repeated is one pattern; G>5 is no term: one field. */
	cr_assert_lt(match_set_terms(ms), NELEM(cases));
	cr_assert_eq(match_set_fields(ms), 1);
	event_clear(&ev);
	match_set_free(ms);
	detection_set_unref(set, __func__);
}

Test(match_set, long_literal)
{
	struct detection_set *set;
	struct match_set *ms;
	struct event	 ev;
	const char	*texts[1];
	char		 text[700], val[400];

	event_fields_init();
	memset(val, 'a', 300);
	val[300] = 'B';
	val[301] = '\0';
	snprintf(text, sizeof(text), "search F=%s | stats count", val);
	texts[0] = text;
	set = mkset(texts, 1);
	ms = match_set_new(set);
	event_init(&ev, 4096);
	memset(val, 'A', 300);
	ev_set(&ev, "F", val);
	match_set_event(ms, &ev);
	cr_assert(match_set_filter(ms, 0, &ev));
	event_reset(&ev);
	strcat(val, "x");
	ev_set(&ev, "F", val);
	match_set_event(ms, &ev);
	cr_assert_not(match_set_filter(ms, 0, &ev));
	event_clear(&ev);
	match_set_free(ms);
	detection_set_unref(set, __func__);
}

/* A random number below n from the state st. */
static size_t
rnd(uint64_t *st, size_t n)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return (size_t)(*st % n);
}

/*
 * A random word of up to 6 bytes over "aAb\\1.", with '*' too for a
 * pattern, whose backslashes are then doubled (it goes between quotes).
 */
static void
rnd_word(uint64_t *st, char *out, bool pattern)
{
	static const char alpha[] = "aAb\\1.";
	size_t		 n = rnd(st, 7), k, j = 0;

	for (k = 0; k < n; k++) {
		out[j] = pattern && rnd(st, 4) == 0 ? '*' :
		    alpha[rnd(st, sizeof(alpha) - 1)];
		if (pattern && out[j] == '\\')
			out[++j] = '\\';
		j++;
	}
	out[j] = '\0';
}

/* A random term on F or G into out. */
static void
rnd_term(uint64_t *st, char *out, size_t len)
{
	char		 w[3][16];
	const char	*f = rnd(st, 3) == 0 ? "G" : "F";
	size_t		 k;

	for (k = 0; k < 3; k++)
		rnd_word(st, w[k], true);
	switch (rnd(st, 5)) {
	case 0:
		snprintf(out, len, "%s!=\"%s\"", f, w[0]);
		break;
	case 1:
		snprintf(out, len, "%s IN (\"%s\", \"%s\", \"%s\")", f, w[0],
		    w[1], w[2]);
		break;
	case 2:
		snprintf(out, len, "NOT %s=\"%s\"", f, w[0]);
		break;
	default:
		snprintf(out, len, "%s=\"%s\"", f, w[0]);
		break;
	}
}

Test(match_set, generated_against_alone)
{
	struct detection_set *set;
	struct match_set *ms;
	struct event	 ev;
	const char	*texts[300];
	char		 buf[300][256], t[3][64], v[16];
	uint64_t	 st = 0x9e3779b97f4a7c15ULL;
	size_t		 i, k, n = NELEM(texts), hits = 0;
	bool		 got;

	event_fields_init();
	for (i = 0; i < n; i++) {
		for (k = 0; k < 3; k++)
			rnd_term(&st, t[k], sizeof(t[k]));
		/* a [OR] b [c], or (a b) OR c: ANDs inside ORs too. */
		if (rnd(&st, 3) == 0)
			snprintf(buf[i], sizeof(buf[i]), "search (%s %s) OR "
			    "%s | stats count", t[0], t[1], t[2]);
		else
			snprintf(buf[i], sizeof(buf[i]), "search %s %s %s %s "
			    "| stats count", t[0], rnd(&st, 2) ? "OR" : "",
			    t[1], rnd(&st, 3) == 0 ? t[2] : "");
		texts[i] = buf[i];
	}
	set = mkset(texts, n);
	ms = match_set_new(set);
	event_init(&ev, 4096);
	for (i = 0; i < 2000; i++) {
		event_reset(&ev);
		if (rnd(&st, 5) != 0) {
			rnd_word(&st, v, false);
			ev_set(&ev, "F", v);
		}
		if (rnd(&st, 3) != 0) {
			rnd_word(&st, v, false);
			ev_set(&ev, "G", v);
		}
		match_set_event(ms, &ev);
		for (k = 0; k < n; k++) {
			got = match_set_filter(ms, k, &ev);
			cr_assert_eq(got, spl_match(set->d[k]->search->filter,
			    &ev), "event %zu: %s", i, set->d[k]->search_text);
			hits += got;
		}
	}
	/* Both answers occur often: the comparison says something. */
	cr_assert_gt(hits, n * 2000 / 20);
	cr_assert_lt(hits, n * 2000 * 19 / 20);
	event_clear(&ev);
	match_set_free(ms);
	detection_set_unref(set, __func__);
}
