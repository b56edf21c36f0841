/*
 * The AVX2 steps of decode_json.c, in a file of their own so that the
 * portable decoder reads without them: string ends 32 bytes a step,
 * unescaping 32 bytes a step, and the key-prediction compare.  Function
 * bodies, included once, by decode_json.c, where the walker that is
 * built twice (AVX2 and portable) inlines them: a separate object file
 * would turn each of these into a call on the hottest loop.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DECODE_JSON_AVX2_H
#define HECSENTRY_DECODE_JSON_AVX2_H

/*
 * decode_json_str_end() 32 bytes a step: a byte is wanted when it is
 * '"' or '\\' or at most 0x1f (unsigned: min(x, 0x1f) == x).  Nothing
 * past end is read: the last 31 bytes or fewer are one step that ends
 * at end (see decode_json_str_long_avx2()), or go to the portable loop
 * in a document shorter than 32 bytes.  Most keys and values end in the
 * first two steps without an escape: only that is inlined
 * (decode_json_str_end_avx2()), and the rest is
 * decode_json_str_long_avx2().  The escapes of a step are taken from its
 * mask without loading it again: a backslash and the byte it escapes
 * (which may be wanted itself, as in \\ or \") are cleared from the
 * mask.  \u, a backslash that is the last byte of a step and control
 * characters go to decode_json_escape() (decode_json_str_rest_avx2()),
 * and the step starts again after them.
 */
__attribute__((target("avx2")))
static const char	*decode_json_str_rest_avx2(const char *, const char *,
			    bool *);

/*
 * The bytes decode_json_str_end_avx2() compares with, as vectors in
 * memory: each is an operand of its instruction, not built per string.
 */
static const char decode_json_v[3][32] __attribute__((aligned(32))) = {
	"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"",
	"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\"
	"\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\\",
	"\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f"
	"\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f\x1f"
};

/*
 * Whether the step at p, 32 bytes of which can be read, holds a byte
 * that is wanted: returns the mask of them.
 */
__attribute__((target("avx2")))
static inline uint32_t
decode_json_step_avx2(const char *p)
{
	const __m256i	*v = (const __m256i *)(const void *)decode_json_v;
	__m256i		 x;

	/* Hidden from the optimiser, which would build them again. */
	__asm__("" : "+r" (v));
	x = _mm256_loadu_si256((const __m256i *)(const void *)p);
	return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_load_si256(&v[0])),
	    _mm256_cmpeq_epi8(x, _mm256_load_si256(&v[1]))),
	    _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_load_si256(&v[2])),
	    x)));
}

/*
 * The string from p with every step, out of line; a byte it does not
 * take from its mask goes to decode_json_str_rest_avx2().  Fewer than
 * 32 bytes before end are one last step: the 32 bytes before end, when
 * they are all in the document (decode_json_lo), with those before p
 * shifted out of the mask.
 */
__attribute__((target("avx2"), noinline))
static const char *
decode_json_str_long_avx2(const char *p, const char *end, bool *esc)
{
	uint32_t	 bits;
	unsigned	 i;
	size_t		 left;

	while (end - p >= 32) {
		bits = decode_json_step_avx2(p);
		while (bits != 0) {
			i = (unsigned)__builtin_ctz(bits);
			if (p[i] == '"')
				return p + i + 1;
			if (p[i] != '\\' || i == 31 || decode_json_esc_short[
			    (unsigned char)p[i + 1]] == 0)
				return decode_json_str_rest_avx2(p + i, end,
				    esc);
			*esc = true;
			bits &= ~(3U << i);
		}
		p += 32;
	}
	if (p >= end || end - decode_json_lo < 32)
		return decode_json_str_end(p, end, esc);
	left = (size_t)(end - p);
	bits = decode_json_step_avx2(end - 32) >> (32 - left);
	while (bits != 0) {
		i = (unsigned)__builtin_ctz(bits);
		if (p[i] == '"')
			return p + i + 1;
		if (p[i] != '\\' || i + 1 >= left || decode_json_esc_short[
		    (unsigned char)p[i + 1]] == 0)
			return decode_json_str_rest_avx2(p + i, end, esc);
		*esc = true;
		bits &= ~(3U << i);
	}
	return NULL;
}

/*
 * Inline, only the common case: the string ends in the first step or
 * the second, without an escape.  Else decode_json_str_long_avx2().
 */
__attribute__((target("avx2")))
static inline const char *
decode_json_str_end_avx2(const char *p, const char *end, bool *esc)
{
	uint32_t	 bits;
	unsigned	 i;

	if (end - p >= 32) {
		bits = decode_json_step_avx2(p);
		if (bits == 0 && end - p >= 64) {
			p += 32;
			bits = decode_json_step_avx2(p);
		}
		if (bits != 0) {
			i = (unsigned)__builtin_ctz(bits);
			if (p[i] == '"')
				return p + i + 1;
		}
	}
	return decode_json_str_long_avx2(p, end, esc);
}

/*
 * The rest of a string from p, a byte decode_json_str_end_avx2() does
 * not take from its mask: the escape there, then the rest.
 */
__attribute__((target("avx2"), noinline))
static const char *
decode_json_str_rest_avx2(const char *p, const char *end, bool *esc)
{
	if ((p = decode_json_escape(p, end)) == NULL)
		return NULL;
	*esc = true;
	return decode_json_str_long_avx2(p, end, esc);
}

/*
 * decode_json_unescape(), wide, 32 bytes a step: each step is copied
 * whole, and the run before its first backslash kept; the escape there
 * is unescaped and the next step starts after it.  The last 31 bytes or
 * fewer are done the same way into a buffer on the stack, then copied,
 * when 32 bytes can be read from them before end, the end of the input;
 * else by decode_json_unescape().
 */
__attribute__((target("avx2")))
static size_t
decode_json_unescape_avx2(const char *in, size_t len, char *out,
    const char *end)
{
	const __m256i	*v = (const __m256i *)(const void *)decode_json_v;
	__m256i		 x;
	uint32_t	 bits;
	size_t		 i = 0, o = 0, n, t;
	char		 tail[32 + 32 + 4];

	__asm__("" : "+r" (v));
	while (len - i >= 32) {
		/* o <= i, so out[o..o+32) is inside out[0..len). */
		x = _mm256_loadu_si256((const __m256i *)(const void *)
		    (in + i));
		_mm256_storeu_si256((__m256i *)(void *)(out + o), x);
		bits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x,
		    _mm256_load_si256(&v[1])));
		if (bits == 0) {
			i += 32;
			o += 32;
			continue;
		}
		n = (size_t)__builtin_ctz(bits);
		i += n;
		o += n;
		o += decode_json_unescape_one(in, len, &i, out + o);
	}
	if (i == len)
		return o;
	if (end - (in + i) < 32)
		return o + decode_json_unescape(in + i, len - i, out + o,
		    true);
	/* t < 32 and t <= len - i < 32: tail[t..t+32) fits. */
	t = 0;
	while (i < len) {
		/* after an escape, the step may no longer be readable */
		if (end - (in + i) < 32) {
			t += decode_json_unescape(in + i, len - i, tail + t,
			    true);
			break;
		}
		x = _mm256_loadu_si256((const __m256i *)(const void *)
		    (in + i));
		_mm256_storeu_si256((__m256i *)(void *)(tail + t), x);
		bits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x,
		    _mm256_load_si256(&v[1]))) &
		    (uint32_t)(((uint64_t)1 << (len - i)) - 1);
		if (bits == 0) {
			t += len - i;
			break;
		}
		n = (size_t)__builtin_ctz(bits);
		i += n;
		t += n;
		t += decode_json_unescape_one(in, len, &i, tail + t);
	}
	memcpy(out + o, tail, t);
	return o + t;
}

__attribute__((target("avx2")))
static inline bool
decode_pred_eq_avx2(const struct decode_pred *e, const char *k, size_t klen,
    const char *end)
{
	uint32_t	 m;

	if (end - k < DECODE_PRED_KEYMAX + 2)
		return memcmp(k, e->key, klen) == 0;
	m = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
	    _mm256_loadu_si256((const __m256i *)(const void *)k),
	    _mm256_loadu_si256((const __m256i *)(const void *)e->key)));
	return (~m & (uint32_t)(((uint64_t)1 << klen) - 1)) == 0;
}

#endif /* HECSENTRY_DECODE_JSON_AVX2_H */
