/*
 * Tests of the lookup index (lookup_index.c, lookup_table_match()):
 *  - a differential test: on every table of tests/data/lookups, over
 *    values made from the table's own cells (patterns with their '*'
 *    filled, cases flipped, bytes added and cut) and random ones, one or
 *    several input fields, multivalue inputs and empty values, the
 *    indexed match gives the rows lookup_table_match_scan() gives by
 *    testing every row, for max_matches 1, 3 and 1000;
 *  - expected rows of index.csv written by hand from Splunk's rules
 *    (transforms.conf.spec: WILDCARD(<field>) '*' matches any string,
 *    case_sensitive_match; Knowledge Manager Manual, "Add field matching
 *    rules to your lookup configuration": the first max_matches rows in
 *    file order).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "detect/lookup.h"
#include "test_lookups.h"

#define VAL_MAX		512

static uint64_t		 rng = 0x9e3779b97f4a7c15ULL;

TestSuite(lookup_index, .init = lookups_open, .fini = lookups_close);

/* xorshift64: the same values on every run. */
static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const struct lookup_table *
table(const char *name)
{
	const struct lookup_table *t;
	char		 why[256];

	t = lookup_set_get(ls, name, why, sizeof(why));
	cr_assert_not_null(t, "%s: %s", name, why);
	return t;
}

/*
 * A value made from cell (row, col) of t: the cell itself, its '*'
 * filled with random bytes or nothing, letters of either case, a byte
 * added or cut at either end; or random bytes.  Returns its length.
 */
static size_t
make_value(const struct lookup_table *t, size_t row, int col, char *out)
{
	static const char abc[] = "aAbBcCeExXzZ.\\:-_* 0";
	const char	*cell;
	size_t		 len, i, n = 0, k, fill;
	bool		 flip = rnd(3) == 0;

	if (rnd(10) == 0) {
		for (k = rnd(12); k > 0; k--)
			out[n++] = abc[rnd(sizeof(abc) - 1)];
		return n;
	}
	cell = lookup_table_cell(t, row, (size_t)col, &len);
	if (len > VAL_MAX / 4)
		len = VAL_MAX / 4;
	if (rnd(4) == 0)
		out[n++] = abc[rnd(sizeof(abc) - 1)];
	for (i = 0; i < len; i++) {
		if (cell[i] == '*' && rnd(5) != 0) {
			for (fill = rnd(4); fill > 0; fill--)
				out[n++] = abc[rnd(sizeof(abc) - 1)];
			continue;
		}
		out[n] = cell[i];
		if (flip && rnd(3) == 0 && out[n] >= 'a' && out[n] <= 'z')
			out[n] = (char)(out[n] - 'a' + 'A');
		else if (flip && rnd(3) == 0 && out[n] >= 'A' && out[n] <= 'Z')
			out[n] = (char)(out[n] - 'A' + 'a');
		n++;
	}
	if (rnd(4) == 0)
		out[n++] = abc[rnd(sizeof(abc) - 1)];
	if (n > 0 && rnd(6) == 0)
		n--;
	return n;
}

struct tally {
	size_t		 calls;
	size_t		 hits;		/* calls with a row */
	size_t		 multi;		/* calls with several rows */
};

/* Both matches of keys agree, at every max. */
static void
compare(const struct lookup_table *t, const char *name,
    const struct lookup_key *keys, size_t nkeys, struct tally *y)
{
	static const size_t maxes[] = { 1, 3, LOOKUP_MATCHES_MAX };
	size_t		 a[LOOKUP_MATCHES_MAX], b[LOOKUP_MATCHES_MAX];
	size_t		 m, na, nb, i;

	for (m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		na = lookup_table_match(t, keys, nkeys, a, maxes[m]);
		nb = lookup_table_match_scan(t, keys, nkeys, b, maxes[m]);
		cr_assert_eq(na, nb, "%s: %zu keys, first '%.*s' (col %d), "
		    "max %zu: %zu rows indexed, %zu scanned", name, nkeys,
		    (int)keys[0].len[0], keys[0].v[0], keys[0].col,
		    maxes[m], na, nb);
		for (i = 0; i < na; i++)
			cr_assert_eq(a[i], b[i], "%s: '%.*s' max %zu: "
			    "row %zu is %zu indexed, %zu scanned", name,
			    (int)keys[0].len[0], keys[0].v[0], maxes[m], i,
			    a[i], b[i]);
	}
	y->calls++;
	y->hits += nb > 0;
	y->multi += nb > 1;
}

/* Random single, multi-key and multivalue matches on table name. */
static void
differ(const char *name, size_t rounds, struct tally *y)
{
	const struct lookup_table *t = table(name);
	struct lookup_key keys[3];
	char		 buf[4][VAL_MAX];
	const char	*v[4];
	size_t		 len[4], r, k, ncols = lookup_table_ncolumns(t);
	size_t		 nkeys, row, nrows = lookup_table_nrows(t);

	for (k = 0; k < 4; k++)
		v[k] = buf[k];
	for (r = 0; r < rounds; r++) {
		/* Mostly the cells of one row, so that rows match. */
		row = rnd((uint32_t)nrows);
		nkeys = 1 + rnd(3);
		for (k = 0; k < nkeys; k++)
			keys[k].col = (int)rnd((uint32_t)ncols);
		/* Value nkeys is the last key's second, if it has one. */
		for (k = 0; k <= nkeys; k++)
			len[k] = rnd(40) == 0 ? 0 : make_value(t, rnd(4) == 0 ?
			    rnd((uint32_t)nrows) : row,
			    keys[k < nkeys ? k : nkeys - 1].col, buf[k]);
		for (k = 0; k < nkeys; k++) {
			keys[k].v = v + k;
			keys[k].len = len + k;
			keys[k].nv = 1;
		}
		/* Sometimes a multivalue input: two values. */
		if (rnd(8) == 0)
			keys[nkeys - 1].nv = 2;
		compare(t, name, keys, nkeys, y);
	}
}

Test(lookup_index, same_rows_as_the_scan)
{
	static const char *const names[] = { "wild", "exact", "index",
	    "index_ci", "windows_protocol_handlers",
	    "ransomware_notes_lookup", "browser_app_list",
	    "remote_access_software" };
	struct tally	 y;
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(&y, 0, sizeof(y));
		differ(names[i], 4000, &y);
		/* The values must reach rows, or nothing was compared. */
		cr_assert_gt(y.hits, y.calls / 20, "%s: %zu of %zu calls "
		    "found a row", names[i], y.hits, y.calls);
		if (strcmp(names[i], "exact") != 0)
			cr_assert_gt(y.multi, 0, "%s: never several rows",
			    names[i]);
	}
}

/* The rows of index (or index_ci) for a = va, and b = vb unless NULL. */
static size_t
rows_of(const char *name, const char *va, const char *vb, size_t max,
    size_t *rows)
{
	struct lookup_key keys[2];
	size_t		 la = strlen(va), lb = vb != NULL ? strlen(vb) : 0;

	keys[0].col = 0;
	keys[0].v = &va;
	keys[0].len = &la;
	keys[0].nv = 1;
	keys[1].col = 1;
	keys[1].v = &vb;
	keys[1].len = &lb;
	keys[1].nv = 1;
	return lookup_table_match(table(name), keys, vb != NULL ? 2 : 1, rows,
	    max);
}

Test(lookup_index, rows_by_hand)
{
	static const struct {
		const char	*table, *a, *b;
		size_t		 max, n, rows[8];
	} c[] = {
		/* case_sensitive_match false: *.exe, cmd.exe (twice), '*', */
		/* *.EXE, CMD.exe; not a*b*c, evil*, the empty key */
		{ "index_ci", "CMD.EXE", NULL, 1000, 6,
		    { 0, 1, 5, 7, 9, 12 } },
		/* case-sensitive: only '*' and *.EXE */
		{ "index", "CMD.EXE", NULL, 1000, 2, { 7, 9 } },
		/* '*' in the middle */
		{ "index", "C:\\Windows\\System32\\cmd.exe", NULL, 1000, 3,
		    { 0, 2, 7 } },
		{ "index_ci", "x-PSEXEC-y", NULL, 1000, 3, { 3, 4, 7 } },
		{ "index", "x-PsExec-y", NULL, 1000, 2, { 4, 7 } },
		{ "index", "mimikatz", NULL, 1000, 2, { 7, 8 } },
		{ "index", "evil", NULL, 1000, 2, { 6, 7 } },
		/* two inputs; max_matches cuts in file order */
		{ "index", "cmd.exe", "x", 1000, 4, { 0, 1, 5, 7 } },
		{ "index", "cmd.exe", "x", 2, 2, { 0, 1 } },
		{ "index_ci", "cmd.exe", "x", 1000, 5, { 0, 1, 5, 7, 12 } },
		{ "index", "abc", "b", 1000, 2, { 7, 11 } },
		{ "index", "abc", "ba", 1000, 1, { 7 } },
	};
	size_t		 i, k, n, rows[LOOKUP_MATCHES_MAX];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = rows_of(c[i].table, c[i].a, c[i].b, c[i].max, rows);
		cr_assert_eq(n, c[i].n, "%s a=%s b=%s: %zu rows, not %zu",
		    c[i].table, c[i].a, c[i].b != NULL ? c[i].b : "-", n,
		    c[i].n);
		for (k = 0; k < n; k++)
			cr_assert_eq(rows[k], c[i].rows[k], "%s a=%s: row %zu "
			    "is %zu, not %zu", c[i].table, c[i].a, k, rows[k],
			    c[i].rows[k]);
	}
}

/* A security_content definition: a Windows protocol handler, any case. */
Test(lookup_index, protocol_handlers)
{
	const struct lookup_table *t = table("windows_protocol_handlers");
	const char	*v = "\"C:\\Program Files\\app.exe\" "
			    "MS-SETTINGS:display";
	const char	*cell;
	size_t		 len = strlen(v), rows[LOOKUP_MATCHES_MAX], n, clen;
	struct lookup_key key = { 0, &v, &len, 1 };

	n = lookup_table_match(t, &key, 1, rows, LOOKUP_MATCHES_MAX);
	cr_assert_eq(n, 1, "%zu rows", n);
	cell = lookup_table_cell(t, rows[0], 0, &clen);
	cr_assert(clen == strlen("*ms-settings:*") &&
	    strncmp(cell, "*ms-settings:*", clen) == 0, "row %zu: %.*s",
	    rows[0], (int)clen, cell);
}
