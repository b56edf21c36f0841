/*
 * read_data() for the unit tests: a file of tests/data whole, or the
 * test fails naming it (testref_read_data() with Criterion's assert).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_TEST_DATA_H
#define HECSENTRY_TEST_DATA_H

#include <stddef.h>

#include <criterion/criterion.h>

#include "testref.h"

/* Reads tests/data/<name> whole, NUL-terminated; caller frees. */
static inline char *
read_data(const char *name, size_t *len)
{
	char	*buf;

	buf = testref_read_data(name, len);
	cr_assert_not_null(buf, "cannot read tests/data/%s", name);
	return buf;
}

#endif /* HECSENTRY_TEST_DATA_H */
