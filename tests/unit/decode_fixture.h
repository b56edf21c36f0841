/*
 * The fixture of the JSON decoder tests (test_decode.c,
 * test_decode_fast.c): the events a test decodes into, the depth limit,
 * the Criterion suite, and differential(), which runs the fast decoder
 * against the json-c reference.  Static: each test program has its copy.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_TEST_DECODE_FIXTURE_H
#define HECSENTRY_TEST_DECODE_FIXTURE_H

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"
#include "expect_event.h"

#define ARENA		65536

static const struct decode_limits lim = { .max_depth = 32 };
static struct event ev, ev2;

static void
setup(void)
{
	event_fields_init();
	event_init(&ev, ARENA);
	event_init(&ev2, ARENA);
}

static void
teardown(void)
{
	event_clear(&ev);
	event_clear(&ev2);
}

TestSuite(decode, .init = setup, .fini = teardown);

/*
 * Runs both JSON decoders on buf and requires the same outcome, the fast
 * one three times: its portable copy, then its AVX2 copy (the portable
 * one again where the CPU lacks AVX2) twice, so that keys are met both
 * before and after the per-thread tables have seen them.  ev holds the
 * last fast result.
 */
static enum decode_error
differential(const char *buf, size_t len, const struct decode_limits *l,
    const char *ctx)
{
	enum decode_error	 e1, e2;
	int			 run;

	for (run = 0; run < 3; run++) {
		decode_json_set_simd(run > 0);
		event_reset(&ev);
		event_reset(&ev2);
		e1 = decode_json(testref_dc(), buf, len, l, &ev);
		e2 = decode_json_ref(testref_dc(), buf, len, l, &ev2);
		cr_expect_eq(e1, e2, "%s (run %d): fast %s, ref %s", ctx, run,
		    decode_error_name(e1), decode_error_name(e2));
		if (e1 == DECODE_OK && e2 == DECODE_OK)
			expect_same_fields(&ev, &ev2, ctx);
	}
	return e1;
}

#endif
