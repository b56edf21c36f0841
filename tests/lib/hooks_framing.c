/*
 * Test switch of framing.c's speed code (testref.h): sets the flag the
 * daemon sets only once, before main(), from what the CPU has.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>

#include "input/framing_avx2.h"
#include "testref.h"

void
framing_set_simd(bool on)
{
#ifdef FRAMING_AVX2
	framing_avx2 = on && __builtin_cpu_supports("avx2");
#else
	(void)on;
#endif
}
