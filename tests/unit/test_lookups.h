/*
 * The lookup set of tests/data/lookups (under $TESTDATA, else
 * tests/data) that test_lookup and test_lookup_index share: ls, opened
 * and freed around each test of a suite declared with
 * TestSuite(NAME, .init = lookups_open, .fini = lookups_close).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_TEST_LOOKUPS_H
#define HECSENTRY_TEST_LOOKUPS_H

#include <stdio.h>
#include <stdlib.h>

#include "detect/lookup.h"

static struct lookup_set *ls;

static void
lookups_open(void)
{
	const char	*d = getenv("TESTDATA");
	char		 dir[1024];

	snprintf(dir, sizeof(dir), "%s/lookups", d != NULL ? d : "tests/data");
	ls = lookup_set_new(dir);
}

static void
lookups_close(void)
{
	lookup_set_free(ls);
}

#endif /* HECSENTRY_TEST_LOOKUPS_H */
