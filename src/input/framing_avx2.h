/*
 * The AVX2 end-of-line search of framing.c, in a file of its own so that
 * the portable framer reads without it; only framing.c calls it.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_FRAMING_AVX2_H
#define HECSENTRY_FRAMING_AVX2_H

#include <stdbool.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define FRAMING_AVX2

/*
 * Whether framing.c calls framing_find_eol_avx2(): set once before
 * main() from what the CPU has; only test hooks (tests/lib/hooks.c)
 * change it afterwards.
 */
extern bool	 framing_avx2;

/*
 * The first LF or NUL in [p, end), at least 32 bytes, or NULL: 128 and
 * then 32 bytes a step, the last step overlapping the one before.  Only
 * on a CPU with AVX2.
 */
const char	*framing_find_eol_avx2(const char *p, const char *end);
#endif

#endif /* HECSENTRY_FRAMING_AVX2_H */
