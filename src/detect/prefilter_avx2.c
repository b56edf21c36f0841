/*
 * The AVX2 pass of the EventCode prefilter over a JSON payload
 * (prefilter.c says why its answer is exact): candidates for the three
 * key needles and for "\\u" found 128 bytes a step, each checked in
 * order.  Compiled for AVX2 function by function, so the rest of the
 * daemon runs on any x86-64; prefilter.c calls it only when
 * prefilter_avx2 says the CPU has it.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "detect/prefilter_avx2.h"

#ifdef PREFILTER_AVX2
#include <immintrin.h>

bool		 prefilter_avx2;	/* the CPU has AVX2 (tests may
					   clear it) */

/* Asks the CPU once, before main(). */
__attribute__((constructor))
static void
prefilter_avx2_init(void)
{
	__builtin_cpu_init();
	prefilter_avx2 = __builtin_cpu_supports("avx2");
}

/*
 * The "\\u" whose backslash is at r: -1 when it starts an escape (the
 * run of backslashes that ends at r is of odd length), else 0.
 */
__attribute__((noinline))
static int
prefilter_json_escape(const char *buf, const char *r)
{
	const char	*k;

	for (k = r; k > buf && k[-1] == '\\'; k--)
		;
	return (r - k) % 2 == 0 ? -1 : 0;
}


/*
 * One candidate at r, before end - 1 (prefilter_avx2_half()): the 't'
 * of "EventCode\"", the 'I' of "EventID\"", the '_' of "event_id\"",
 * a backslash before 'u', or something else (passed over).  A key adds
 * its value to ids[*n].  Returns -1 at a "\\u" that starts an escape,
 * when a key is unsure or past max, else 0.
 */
__attribute__((always_inline))
static inline int
prefilter_json_candidate(const char *buf, const char *end, const char *r,
    uint32_t *ids, size_t *n, size_t max)
{
	switch (r[0]) {
	case '\\':
		if (r[1] != 'u')
			return 0;
		return prefilter_json_escape(buf, r);
	case 't':
		if (r - buf < 4 || end - r < 6 ||
		    memcmp(r - 4, "EventCod", 8) != 0 ||
		    memcmp(r + 4, "e\"", 2) != 0)
			return 0;
		return prefilter_json_found(r + 6, end, ids, n, max);
	case 'I':
		if (r - buf < 5 || end - r < 3 ||
		    memcmp(r - 5, "EventID\"", 8) != 0)
			return 0;
		return prefilter_json_found(r + 3, end, ids, n, max);
	case '_':
		if (r - buf < 5 || end - r < 4 ||
		    memcmp(r - 5, "event_id", 8) != 0 || r[3] != '"')
			return 0;
		return prefilter_json_found(r + 4, end, ids, n, max);
	default:
		return 0;
	}
}

/*
 * The candidates at q + i for each set bit i of m0, then at q + 64 + i
 * for each of m1, in order.  Returns -1 when one says so, else 0.
 */
__attribute__((always_inline))
static inline int
prefilter_json_bits(const char *buf, const char *end, const char *q,
    uint64_t m0, uint64_t m1, uint32_t *ids, size_t *n, size_t max)
{
	for (; m0 != 0; m0 &= m0 - 1)
		if (prefilter_json_candidate(buf, end,
		    q + (unsigned)__builtin_ctzll(m0), ids, n, max) == -1)
			return -1;
	for (q += 64; m1 != 0; m1 &= m1 - 1)
		if (prefilter_json_candidate(buf, end,
		    q + (unsigned)__builtin_ctzll(m1), ids, n, max) == -1)
			return -1;
	return 0;
}

/*
 * The table of prefilter_avx2_half(), by low nibble (in each 16-byte
 * lane): 'C' after 't' (4), 'D' after 'I' (9), 'u' after '\\' (12), 'i'
 * after '_' (15), and 0xff, which is no byte of text, for the others.
 */
__attribute__((target("avx2")))
static inline __m256i
prefilter_avx2_table(void)
{
	return _mm256_setr_epi8(
	    -1, -1, -1, -1, 'C', -1, -1, -1, -1, 'D', -1, -1, 'u', -1, -1,
	    'i', -1, -1, -1, -1, 'C', -1, -1, -1, -1, 'D', -1, -1, 'u', -1,
	    -1, 'i');
}

/*
 * The candidates of the 32 positions from q, which reads q[0] to q[32]:
 * position i is set when q[i + 1] is the byte that t (prefilter_avx2_
 * table()) gives for the low nibble of q[i], or 0 when q[i] is 128 or
 * more.  So every "tC", "ID", "_i" and "\\u" is set; other bytes of
 * those nibbles make false candidates, which cost a little time and
 * nothing else.
 */
__attribute__((target("avx2")))
static inline __m256i
prefilter_avx2_half(const char *q, __m256i t)
{
	return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(t,
	    _mm256_loadu_si256((const __m256i *)(const void *)q)),
	    _mm256_loadu_si256((const __m256i *)(const void *)(q + 1)));
}

/* The candidates of the 64 positions from q, which reads q[0] to q[64]. */
__attribute__((target("avx2")))
static inline uint64_t
prefilter_avx2_mask(const char *q, __m256i t)
{
	return (uint32_t)_mm256_movemask_epi8(prefilter_avx2_half(q, t)) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(
	    prefilter_avx2_half(q + 32, t)) << 32;
}

/*
 * The candidates of the 128 positions from q: false when there is none,
 * else true and their masks in *m0 and *m1.
 */
__attribute__((target("avx2")))
static inline bool
prefilter_avx2_step(const char *q, __m256i t, uint64_t *m0, uint64_t *m1)
{
	__m256i	 c0, c1, c2, c3, c;

	c0 = prefilter_avx2_half(q, t);
	c1 = prefilter_avx2_half(q + 32, t);
	c2 = prefilter_avx2_half(q + 64, t);
	c3 = prefilter_avx2_half(q + 96, t);
	c = _mm256_or_si256(_mm256_or_si256(c0, c1), _mm256_or_si256(c2, c3));
	if (_mm256_testz_si256(c, c))
		return false;
	*m0 = (uint32_t)_mm256_movemask_epi8(c0) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(c1) << 32;
	*m1 = (uint32_t)_mm256_movemask_epi8(c2) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(c3) << 32;
	return true;
}

/*
 * The masks of a document q to end of 1 to 128 bytes, looked at on a
 * zero-padded copy, with the positions from end - 1 on cleared.
 */
__attribute__((target("avx2"), noinline))
static void
prefilter_avx2_short(const char *q, const char *end, uint64_t m[2])
{
	const __m256i	 t = prefilter_avx2_table();
	char		 pad[160];
	size_t		 len = (size_t)(end - q);

	memset(pad, 0, sizeof(pad));
	memcpy(pad, q, len);
	m[0] = prefilter_avx2_mask(pad, t);
	m[1] = prefilter_avx2_mask(pad + 64, t);
	if (len - 1 < 64) {
		m[0] &= (1ULL << (len - 1)) - 1;
		m[1] = 0;
	} else
		m[1] &= (1ULL << (len - 65)) - 1;
}

/*
 * prefilter_scan_json() in one pass, on candidates found with AVX2
 * (prefilter_avx2_half()): a pair of bytes of each needle, "tC" of
 * "EventCode\"", "ID" of "EventID\"" and "_i" of "event_id\"", and
 * the "\\u" of an escape.  A step of 128 positions that holds none
 * (most do not) costs 16 instructions.  The last step looks again at
 * the last 129 bytes, masking off what it has seen; a document shorter
 * than that is looked at on a zero-padded copy.  No load reads outside
 * [buf, end), or the copy.
 *
 * "\\u": prefilter_json_has_u() pairs backslashes from the left, so the
 * first of a run of them is always looked at, then every second one: it
 * answers true exactly when a run of odd length is followed by 'u' or
 * ends the document.  Here a backslash before 'u' (rare) has its run
 * counted, and so has the run at the end.
 *
 * Keys: two needles never overlap (each ends with its only quote), nor
 * does "vent" overlap itself, so prefilter_find() from the end of the
 * last match finds every needle in the document, and each needle has a
 * candidate here, tried in order.  The answer is the same as the
 * portable pass: -1 when there is a "\\u" or an unsure key, in
 * whichever order they are met, else the same ids in the same order.
 */
__attribute__((target("avx2")))
int
prefilter_scan_json_avx2(const char *buf, const char *end, uint32_t *ids,
    size_t max)
{
	const __m256i	 t = prefilter_avx2_table();
	const char	*q, *at, *lim, *k;
	uint64_t	 m0, m1, m[2];
	size_t		 d, n = 0;

	lim = end - buf > 128 ? end - 128 : buf;
	for (q = buf; q < lim; q += 128)
		if (prefilter_avx2_step(q, t, &m0, &m1) &&
		    prefilter_json_bits(buf, end, q, m0, m1, ids, &n,
		    max) == -1)
			return -1;
	if (q > buf) {
		/* Positions q to end - 2 are left: the last 128 of them. */
		at = end - 129;
		if (!prefilter_avx2_step(at, t, &m0, &m1))
			m0 = m1 = 0;
		else if ((d = (size_t)(q - at)) < 64)
			m0 &= ~0ULL << d;
		else {
			m0 = 0;
			m1 = d < 128 ? m1 & ~0ULL << (d - 64) : 0;
		}
	} else {
		at = buf;
		prefilter_avx2_short(buf, end, m);
		m0 = m[0];
		m1 = m[1];
	}
	if ((m0 | m1) != 0 &&
	    prefilter_json_bits(buf, end, at, m0, m1, ids, &n, max) == -1)
		return -1;
	if (end[-1] == '\\') {
		for (k = end; k > buf && k[-1] == '\\'; k--)
			;
		if ((end - k) % 2 == 1)
			return -1;
	}
	return (int)n;
}
#endif
