/*
 * Decoding in tests (testref.h): the switch of decode_json.c's speed
 * code, which the daemon sets only once, before main(), from what the
 * CPU has; and the one decode context of a test process.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>

#include "decode/decode.h"
#include "testref.h"

void
decode_json_set_simd(bool on)
{
#if defined(__x86_64__) && defined(__GNUC__)
	decode_json_avx2 = on && __builtin_cpu_supports("avx2");
#else
	decode_json_avx2 = false;
	(void)on;
#endif
}

struct decode_ctx *
testref_dc(void)
{
	static struct decode_ctx	*dc;	/* never freed */

	if (dc == NULL)
		dc = decode_ctx_new();
	return dc;
}
