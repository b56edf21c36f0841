/*
 * Whole files and streams read into memory for tests, benchmarks and
 * fuzzers: one reader instead of one per test program.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>

#include "testref.h"

char *
testref_read_stream(FILE *f, size_t *len)
{
	char		*buf = NULL, *nb;
	size_t		 cap = 0, n;

	*len = 0;
	do {
		if (cap - *len < 2) {
			cap = cap > 0 ? cap * 2 : 1 << 16;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

char *
testref_read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = testref_read_stream(f, len);
	fclose(f);
	return buf;
}

char *
testref_read_data(const char *rel, size_t *len)
{
	const char	*dir = getenv("TESTDATA");
	char		 path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir :
	    "tests/data", rel);
	return testref_read_file(path, len);
}
