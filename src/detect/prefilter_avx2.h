/*
 * The AVX2 pass of the prefilter (prefilter_avx2.c) and what it shares
 * with prefilter.c; not for other modules.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_PREFILTER_AVX2_H
#define HECSENTRY_PREFILTER_AVX2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && defined(__GNUC__) && \
    defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PREFILTER_AVX2

/*
 * Whether prefilter_scan() takes the AVX2 pass: set once before main()
 * from what the CPU has; only test hooks (tests/lib/hooks.c) change it
 * afterwards.
 */
extern bool	 prefilter_avx2;

/*
 * The JSON object [buf, end) scanned with AVX2, the same answer as the
 * portable pass (prefilter_scan()'s contract).  Only on a CPU with AVX2.
 */
int		 prefilter_scan_json_avx2(const char *buf, const char *end,
		    uint32_t *ids, size_t max);

/*
 * In prefilter.c: the key whose closing quote is just before p, one of
 * the needles: when a ':' and a plain-digit value follow, adds the value
 * to ids[*n].  Returns 0, or -1 when unsure or past max.
 */
int		 prefilter_json_found(const char *p, const char *end,
		    uint32_t *ids, size_t *n, size_t max);
#endif

#endif /* HECSENTRY_PREFILTER_AVX2_H */
