/*
 * Test switches of prefilter.c (testref.h): its AVX2 pass, which the
 * daemon chooses only once, before main(), from what the CPU has, and
 * the prefilter itself, which the daemon never switches off.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>

#include "detect/prefilter.h"
#include "detect/prefilter_avx2.h"
#include "testref.h"

void
prefilter_set_simd(bool on)
{
#ifdef PREFILTER_AVX2
	prefilter_avx2 = on && __builtin_cpu_supports("avx2");
#else
	(void)on;
#endif
}

void
prefilter_set_enabled(bool on)
{
	prefilter_enabled = on;
}
