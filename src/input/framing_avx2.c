/*
 * The AVX2 end-of-line search of the RFC 6587 framer (framing.c): 128
 * and then 32 bytes a step.  Compiled for AVX2 function by function, so
 * the rest of the daemon runs on any x86-64; framing.c calls it only
 * when framing_avx2 says the CPU has it.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input/framing_avx2.h"

#ifdef FRAMING_AVX2
#include <immintrin.h>

bool	 framing_avx2;		/* the CPU has AVX2 (tests may clear it) */

/* Asks the CPU once, before main(). */
__attribute__((constructor))
static void
framing_avx2_init(void)
{
	__builtin_cpu_init();
	framing_avx2 = __builtin_cpu_supports("avx2");
}

/*
 * The unsigned minimum of x and x ^ '\n' is zero exactly where x is LF
 * or NUL, so four vectors fold into one minimum and one compare per 128
 * bytes.  (256 bytes a step, with the block searched again when it holds
 * a terminator, counted more instructions per frame.)
 */
__attribute__((target("avx2")))
const char *
framing_find_eol_avx2(const char *p, const char *end)
{
	const __m256i	 lf = _mm256_set1_epi8('\n');
	const __m256i	 zero = _mm256_setzero_si256();
	const char	*last;
	__m256i		 a, b, c, d, m;
	uint32_t	 bits;

	if (end - p >= 128) {
		last = end - 128;
		do {
			a = _mm256_loadu_si256((const __m256i *)
			    (const void *)p);
			b = _mm256_loadu_si256((const __m256i *)
			    (const void *)(p + 32));
			c = _mm256_loadu_si256((const __m256i *)
			    (const void *)(p + 64));
			d = _mm256_loadu_si256((const __m256i *)
			    (const void *)(p + 96));
			a = _mm256_min_epu8(a, _mm256_xor_si256(a, lf));
			b = _mm256_min_epu8(b, _mm256_xor_si256(b, lf));
			c = _mm256_min_epu8(c, _mm256_xor_si256(c, lf));
			d = _mm256_min_epu8(d, _mm256_xor_si256(d, lf));
			m = _mm256_cmpeq_epi8(_mm256_min_epu8(
			    _mm256_min_epu8(a, b), _mm256_min_epu8(c, d)),
			    zero);
			if (!_mm256_testz_si256(m, m))
				break;
			p += 128;
		} while (p <= last);
	}
	while (end - p >= 32) {
		a = _mm256_loadu_si256((const __m256i *)(const void *)p);
		a = _mm256_min_epu8(a, _mm256_xor_si256(a, lf));
		bits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a,
		    zero));
		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	if (p == end)
		return NULL;
	/* the last 32 bytes, those before p known to hold no terminator */
	a = _mm256_loadu_si256((const __m256i *)(const void *)(end - 32));
	a = _mm256_min_epu8(a, _mm256_xor_si256(a, lf));
	bits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, zero)) >>
	    (32 - (end - p));
	return bits != 0 ? p + __builtin_ctz(bits) : NULL;
}
#endif
