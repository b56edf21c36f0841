/*
 * Helpers of the decoder tests (test_decode.c, test_decode_fast.c,
 * test_decode_system.c): reading a file of tests/data and comparing
 * decoded fields, with Criterion's expectations.  Static: each test program has its copy.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_TEST_EXPECT_EVENT_H
#define HECSENTRY_TEST_EXPECT_EVENT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/event.h"
#include "test_data.h"

static void
expect_field(const struct event *e, const char *name, const char *want,
    const char *ctx)
{
	const char	*v;
	size_t		 len;
	int		 id;

	id = event_field_lookup(name, strlen(name));
	cr_assert_neq(id, -1, "%s: %s not registered", ctx, name);
	if (want == NULL) {
		cr_expect(!event_has(e, id),
		    "%s: %s: want absent, got \"%.*s\"", ctx, name,
		    (int)e->val[id].len, e->val[id].ptr);
		return;
	}
	if (!event_get(e, id, &v, &len)) {
		cr_expect_fail("%s: %s: want \"%s\", got absent", ctx, name,
		    want);
		return;
	}
	cr_expect(len == strlen(want) && memcmp(v, want, len) == 0,
	    "%s: %s: want \"%s\", got \"%.*s\"", ctx, name, want, (int)len, v);
}

/* Every registered field of a and b is equally set with equal bytes. */
static void	 expect_same_fields(const struct event *, const struct event *,
		    const char *) __attribute__((__unused__));

static void
expect_same_fields(const struct event *a, const struct event *b,
    const char *ctx)
{
	int	 id;

	for (id = 0; id < event_field_count(); id++) {
		cr_expect_eq(event_has(a, id), event_has(b, id),
		    "%s: field %s set in one only (%d, %d)",
		    ctx, event_field_name(id), event_has(a, id),
		    event_has(b, id));
		if (!event_has(a, id) || !event_has(b, id))
			continue;
		cr_expect(a->val[id].len == b->val[id].len &&
		    memcmp(a->val[id].ptr, b->val[id].ptr,
		    a->val[id].len) == 0,
		    "%s: %s: \"%.*s\" != \"%.*s\"", ctx,
		    event_field_name(id), (int)a->val[id].len, a->val[id].ptr,
		    (int)b->val[id].len, b->val[id].ptr);
	}
	cr_expect_eq(a->shape, b->shape, "%s: shape %s != %s", ctx,
	    event_shape_name(a->shape), event_shape_name(b->shape));
}

#endif /* HECSENTRY_TEST_EXPECT_EVENT_H */
