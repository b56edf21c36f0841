/*
 * The scalars of decode_json.c: numbers (RFC 8259 section 6) and the
 * literals true, false and null, validated and stored or skipped.
 * Function bodies, included once, by decode_json.c after its walker's
 * state (struct decode_json), so that both builds of the walker (AVX2
 * and portable) inline them as before.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DECODE_JSON_SCALAR_H
#define HECSENTRY_DECODE_JSON_SCALAR_H

/*
 * Validates the number (RFC 8259 section 6) at p: returns the byte after
 * it, or NULL.
 */
static DECODE_JSON_INLINE const char *
decode_json_num_end(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	 ones = 0x0101010101010101ULL;
	uint64_t	 x, nd;
	size_t		 n;

	/*
	 * An integer of 1 to 7 digits not starting with 0, as most are:
	 * its first byte that is not a digit found eight bytes at a time.
	 * A byte b is flagged when b + 0x46 or b - 0x30 has its high bit
	 * set; carries and borrows only go from a byte to the next, and
	 * digits make none, so the lowest flag is exact.
	 */
	if (end - p >= 8 && *p >= '1' && *p <= '9') {
		memcpy(&x, p, 8);
		nd = ((x + ones * 0x46) | (x - ones * '0')) & (ones * 0x80);
		if (nd != 0) {
			n = (size_t)__builtin_ctzll(nd) >> 3;
			if (p[n] != '.' && p[n] != 'e' && p[n] != 'E')
				return p + n;
		}
	}
#endif
#define DJ_DIGIT(q)	((q) < end && *(q) >= '0' && *(q) <= '9')
	if (p < end && *p == '-')
		p++;
	if (!DJ_DIGIT(p))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (DJ_DIGIT(p))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (!DJ_DIGIT(p))
			return NULL;
		while (DJ_DIGIT(p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!DJ_DIGIT(p))
			return NULL;
		while (DJ_DIGIT(p))
			p++;
	}
#undef DJ_DIGIT
	return p;
}

/* Validates a number and moves past it. */
static DECODE_JSON_INLINE int
decode_json_number(struct decode_json *s)
{
	const char	*p;

	if ((p = decode_json_num_end(s->p, s->end)) == NULL)
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	s->p = p;
	return 0;
}

/*
 * Validates the literal at p, whose first byte is 't', 'f' or 'n':
 * returns the byte after it, or NULL.  Compared a word at a time.
 */
static inline const char *
decode_json_lit_end(const char *p, const char *end)
{
	uint32_t	 w;

	if (end - p < 4)
		return NULL;
	memcpy(&w, p, 4);
	if (memcmp(&w, "true", 4) == 0 || memcmp(&w, "null", 4) == 0)
		return p + 4;
	if (end - p >= 5 && memcmp(&w, "fals", 4) == 0 && p[4] == 'e')
		return p + 5;
	return NULL;
}

static int
decode_json_literal(struct decode_json *s, const char *lit)
{
	size_t	 n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	s->p += n;
	return 0;
}

#endif /* HECSENTRY_DECODE_JSON_SCALAR_H */
