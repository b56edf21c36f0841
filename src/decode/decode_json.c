/*
 * The hot path: a single-pass JSON scanner (RFC 8259) that validates the
 * whole document and stores only the keys whose dotted path names a
 * registered field (decode.c says which).  Nothing is allocated per event:
 * strings without escapes are stored by reference into the input buffer,
 * which outlives the event, and escaped strings are unescaped into the
 * event's arena.  Nested objects are walked when a key below them can
 * name a field; other objects and arrays are only validated.  Keys are
 * named by a per-thread table of predictions (below), which falls back to
 * building the dotted path and decode_jctx_resolve().  Strings are
 * scanned 32 bytes a step where the CPU has AVX2 (the recursive functions
 * are built twice, AVX2 and portable; the copy is chosen at start-up).
 * Numbers keep their text, true and false become text, null and "" are
 * absent.  decode_json_ref.c gives the same fields through json-c and is
 * the reference in tests.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && \
    defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <immintrin.h>
#define DECODE_JSON_AVX2
#endif

#include "decode/decode.h"
#include "xmalloc.h"

/*
 * The scanner's bodies are inlined into two copies of the recursive
 * functions, one built for AVX2 and one portable (see decode_json()).
 */
#if defined(__GNUC__)
#define DECODE_JSON_INLINE	inline __attribute__((always_inline))
#else
#define DECODE_JSON_INLINE	inline
#endif

/*
 * Key prediction: what a key resolved to (decode_jctx_resolve()) is
 * remembered per thread under the object it was met in and its raw
 * bytes, so that the next document from the same forwarder names its
 * keys without building the dotted path.  An object is known by the
 * generation of the entry that named its own key: an entry's path is its
 * parent's path, a dot and its key, and generations are never reused, so
 * equal generations mean equal paths.
 *
 * Forwarders repeat keys in the same order, so each entry also links to
 * the entry of the key that came after it last time (and to the first
 * key of its object): that one is tried first, by comparing the input
 * with its key, closing quote and colon in one step, which also finds
 * the end of the string (a blank before the colon only defeats it).
 * Else the key is scanned and looked up by hash (two slots per hash, the
 * older one replaced), and on a miss resolved and recorded.  Links are
 * only hints; a hit is always checked.  The table is fixed: keys an
 * attacker invents evict others but grow nothing.  It is emptied when the
 * field registry grew or the wanted set changed, as the memo of decode.c
 * is.  Keys with escapes or longer than DECODE_PRED_KEYMAX (and keys
 * within 8 bytes of the end of the buffer, which only tiny documents
 * have) are resolved as before.
 */
#define DECODE_PRED_SLOTS	512	/* power of two */
#define DECODE_PRED_BITS	9	/* log2(DECODE_PRED_SLOTS) */
#define DECODE_PRED_KEYMAX	30	/* longest key predicted */
#define DECODE_PRED_TOP		1	/* generation of the top level */

struct decode_pred {
	char		 key[DECODE_PRED_KEYMAX + 2]; /* key, '"', ':', 0s */
	uint64_t	 pgen;		/* object met in; 0: slot free */
	uint64_t	 gen;		/* names this entry's path */
	struct decode_jname name;	/* what the path resolved to */
	uint16_t	 next;		/* slot + 1 of the key after it */
	uint16_t	 first;		/* slot + 1 of its first key */
	uint8_t		 klen;		/* bytes of key */
};

struct decode_preds {
	struct decode_pred e[DECODE_PRED_SLOTS]; /* the table */
	uint64_t	 gen;		/* last given */
	uint16_t	 first;		/* slot + 1 of the first top key */
	int		 nfields;	/* registry size it is for */
};

_Static_assert(DECODE_PRED_SLOTS < UINT16_MAX, "decode_pred.next too narrow");

/*
 * An object being walked.  Its dotted path is written into
 * decode_json.path only when a key below it needs resolving: the frames
 * of the enclosing objects say how.
 */
struct decode_json_frame {
	struct decode_json_frame *up;	/* enclosing object; NULL: top */
	const char	*key;		/* its raw key in the input */
	size_t		 klen;		/* bytes of key */
	size_t		 plen;		/* bytes of its dotted path */
	uint64_t	 gen;		/* decode_pred.gen; 0: unpredictable */
	uint16_t	*link;		/* the next key's predicted slot + 1;
					   NULL when gen is 0 */
	bool		 esc;		/* key holds escapes */
	bool		 built;		/* decode_json.path holds its path */
};

struct decode_json {
	const char		*p;	/* next byte */
	const char		*end;	/* one past the last byte */
	int			 depth;	/* open objects and arrays */
	int			 max_depth; /* limit on depth */
	enum decode_error	 err;	/* first error */
	struct decode_pred	*pred;	/* preds->e */
	struct decode_preds	*preds;	/* the context's predictions */
	struct decode_jctx	 ctx;	/* naming rules and aliases */
	char			 path[DECODE_PATH_MAX + 1]; /* dotted path */
};

bool		 decode_json_avx2;	/* the CPU has AVX2 (tests may
					   clear it) */

/*
 * The first byte of the document being decoded on this thread: the
 * AVX2 scan reads the last 32 bytes of a document at once when they are
 * all in it (decode_json_str_long_avx2()).  A thread-local, not in the
 * pipeline's struct decode_ctx: only that rare step needs it, and
 * passing it down would take a register through every string scan of
 * the hot loop.
 */
static _Thread_local const char *decode_json_lo;

static int	decode_json_object_generic(struct decode_json *,
		    struct decode_json_frame *);
static int	decode_json_skip_generic(struct decode_json *);
#ifdef DECODE_JSON_AVX2
static int	decode_json_object_avx2(struct decode_json *,
		    struct decode_json_frame *);
static int	decode_json_skip_avx2(struct decode_json *);
#endif

static int
decode_json_fail(struct decode_json *s, enum decode_error err)
{
	if (s->err == DECODE_OK)
		s->err = err;
	return -1;
}

static inline void
decode_json_ws(struct decode_json *s)
{
	if (s->p < s->end && (unsigned char)*s->p > ' ')
		return;
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* The blanks of RFC 8259 section 2, as labels of a switch. */
#define DECODE_JSON_CASE_BLANK	case ' ': case '\t': case '\n': case '\r'

/*
 * Whether c is next, after any blanks (skipped).  Blanks are rare in
 * forwarded JSON, so c is looked for first.
 */
static DECODE_JSON_INLINE bool
decode_json_at(struct decode_json *s, char c)
{
	if (s->p < s->end && *s->p == c)
		return true;
	decode_json_ws(s);
	return s->p < s->end && *s->p == c;
}

/* Moves past c and any blanks before it; false when c is not next. */
static DECODE_JSON_INLINE bool
decode_json_eat(struct decode_json *s, char c)
{
	if (!decode_json_at(s, c))
		return false;
	s->p++;
	return true;
}

static int
decode_json_hex(const char *p)
{
	int	 i, v = 0, c;

	for (i = 0; i < 4; i++) {
		c = (unsigned char)p[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		v = v * 16 + c;
	}
	return v;
}

/*
 * Skips the bytes from p that need no attention inside a string: returns
 * the first '"', '\\' or control character at or after p, or end.  Eight
 * bytes at a time where the byte order allows: the "has a byte below n"
 * test (x - n*0x01..) & ~x & 0x80.. flags exactly the bytes that are
 * below n, plus possibly bytes above a flagged one, so the lowest flag
 * is the first byte wanted.
 */
static const char *
decode_json_skip_plain(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 x, q, b, r;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		r = (((q - ones) & ~q) | ((b - ones) & ~b) |
		    ((x - ones * 0x20) & ~x)) & high;
		if (r != 0)
			return p + (__builtin_ctzll(r) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' &&
	    (unsigned char)*p >= 0x20)
		p++;
	return p;
}

#ifdef DECODE_JSON_AVX2
#define DECODE_JSON_OBJECT(simd, s, f)					\
	((simd) ? decode_json_object_avx2((s), (f)) :			\
	    decode_json_object_generic((s), (f)))
#define DECODE_JSON_SKIP(simd, s)					\
	((simd) ? decode_json_skip_avx2(s) : decode_json_skip_generic(s))
#else
#define DECODE_JSON_OBJECT(simd, s, f)					\
	decode_json_object_generic((s), (f))
#define DECODE_JSON_SKIP(simd, s)	decode_json_skip_generic(s)
#endif

/*
 * The byte each short escape stands for (\" \\ \/ \b \f \n \r \t), by
 * the byte after the backslash; 0: not a short escape.
 */
static const char decode_json_esc_short[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
	['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t'
};

/*
 * The escape at p (a backslash, else a control character: refused) of a
 * string ending before end: returns the byte after it, or NULL when it
 * is bad or cut.
 */
static inline const char *
decode_json_escape(const char *p, const char *end)
{
	if (*p != '\\' || ++p >= end)
		return NULL;
	switch (*p) {
	case '"': case '\\': case '/': case 'b': case 'f':
	case 'n': case 'r': case 't':
		return p + 1;
	case 'u':
		if (end - p < 5 || decode_json_hex(p + 1) == -1)
			return NULL;
		return p + 5;
	default:
		return NULL;
	}
}

/*
 * Scans a string from p, the byte after its opening quote: returns the
 * byte after its closing quote, or NULL on a control character, a bad
 * escape or a missing quote.  Sets *esc when it holds a backslash.
 */
static inline const char *
decode_json_str_end(const char *p, const char *end, bool *esc)
{
	while ((p = decode_json_skip_plain(p, end)) < end) {
		if (*p == '"')
			return p + 1;
		if ((p = decode_json_escape(p, end)) == NULL)
			return NULL;
		*esc = true;
	}
	return NULL;
}

#ifdef DECODE_JSON_AVX2
/* In decode_json_avx2.h (the AVX2 string scans). */
__attribute__((target("avx2")))
static inline const char *decode_json_str_end_avx2(const char *, const char *,
		    bool *);

#define DECODE_JSON_STR_END(simd, p, end, esc)				\
	((simd) ? decode_json_str_end_avx2((p), (end), (esc)) :	\
	    decode_json_str_end((p), (end), (esc)))
#else
#define DECODE_JSON_STR_END(simd, p, end, esc)				\
	((void)(simd), decode_json_str_end((p), (end), (esc)))
#endif

/*
 * Validates the string whose opening quote is at s->p and moves past its
 * closing quote.  Sets *str and *len to the raw bytes between the quotes
 * and *esc when they hold a backslash.  Returns 0, or -1 on a control
 * character, a bad escape or a missing quote.
 */
static DECODE_JSON_INLINE int
decode_json_string(struct decode_json *s, const char **str, size_t *len,
    bool *esc, const bool simd)
{
	const char	*p;

	*esc = false;
	if ((p = DECODE_JSON_STR_END(simd, s->p + 1, s->end, esc)) == NULL)
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	*str = s->p + 1;
	*len = (size_t)(p - 1 - *str);
	s->p = p;
	return 0;
}

static size_t
decode_json_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Unescapes the escape at in[*i] (a backslash) of a validated string of
 * len bytes into out (1 to 4 bytes, exactly those returned) and moves
 * *i past it.  A surrogate pair becomes one code point; a lone
 * surrogate becomes U+FFFD.  Returns the bytes written.
 */
static inline size_t
decode_json_unescape_one(const char *in, size_t len, size_t *i, char *out)
{
	unsigned	 cp, lo;
	char		 c;

	if ((c = decode_json_esc_short[(unsigned char)in[*i + 1]]) != 0) {
		out[0] = c;
		*i += 2;
		return 1;
	}
	/* \u */
	cp = (unsigned)decode_json_hex(in + *i + 2);
	*i += 6;
	if (cp >= 0xd800 && cp <= 0xdbff && len - *i >= 6 &&
	    in[*i] == '\\' && in[*i + 1] == 'u' &&
	    (lo = (unsigned)decode_json_hex(in + *i + 2)) >= 0xdc00 &&
	    lo <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		*i += 6;
	} else if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	return decode_json_utf8(out, cp);
}

/*
 * Unescapes len raw bytes of a validated string into out, or only counts
 * when out is NULL.  When wide, out has room for len bytes (unescaping
 * never grows a string) and runs without a backslash are copied eight
 * bytes at a time; else exactly the bytes returned are written.  Returns
 * the bytes written.
 */
static size_t
decode_json_unescape(const char *in, size_t len, char *out, bool wide)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 w, b, r;
	size_t		 n;
#endif
	char		 tmp[4];
	size_t		 i = 0, o = 0;

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	(void)wide;
#endif
	while (i < len) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* o <= i, so out[o..o+8) is inside out[0..len). */
		if (wide && len - i >= 8) {
			memcpy(&w, in + i, 8);
			b = w ^ (ones * '\\');
			r = (b - ones) & ~b & high;
			n = r == 0 ? 8 : (size_t)__builtin_ctzll(r) >> 3;
			if (n > 0) {
				memcpy(out + o, &w, 8);
				i += n;
				o += n;
				continue;
			}
		}
#endif
		if (in[i] != '\\') {
			if (out != NULL)
				out[o] = in[i];
			o++;
			i++;
			continue;
		}
		o += decode_json_unescape_one(in, len, &i,
		    out != NULL ? out + o : tmp);
	}
	return o;
}

#ifdef DECODE_JSON_AVX2
/* In decode_json_avx2.h. */
__attribute__((target("avx2")))
static size_t	decode_json_unescape_avx2(const char *, size_t, char *,
		    const char *);

#define DECODE_JSON_UNESCAPE(simd, in, len, out, end)			\
	((simd) ?							\
	    decode_json_unescape_avx2((in), (len), (out), (end)) :	\
	    decode_json_unescape((in), (len), (out), true))
#else
#define DECODE_JSON_UNESCAPE(simd, in, len, out, end)			\
	((void)(simd), (void)(end),					\
	    decode_json_unescape((in), (len), (out), true))
#endif

#include "decode/decode_json_scalar.h"

/*
 * Stores the value of a wanted key (n NULL: not wanted).  A name with no
 * alias goes straight to the event.
 */
static DECODE_JSON_INLINE int
decode_json_store(struct decode_json *s, const struct decode_jname *n,
    const char *v, size_t len)
{
	if (n == NULL)
		return 0;
	if (n->map == -1) {
		if (event_set_ref(s->ctx.ev, n->id, v, len) == -1)
			return decode_json_fail(s, DECODE_ERR_TOO_LARGE);
		return 0;
	}
	if (decode_jctx_store(&s->ctx, n, v, len) == -1)
		return decode_json_fail(s, DECODE_ERR_TOO_LARGE);
	return 0;
}

/* The slot of a key met in the object of generation pgen. */
static inline uint32_t
decode_pred_hash(const char *k, size_t klen, uint64_t pgen)
{
	uint64_t	 w0 = 0, w1 = 0, h;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&w0, k, 8);
	if (klen < 8)
		w0 &= ((uint64_t)1 << (klen * 8)) - 1;
#else
	memcpy(&w0, k, klen < 8 ? klen : 8);
#endif
	if (klen > 8)
		memcpy(&w1, k + klen - 8, 8);
	h = (w0 ^ pgen ^ (uint64_t)klen << 56) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 29) ^ w1) * 0xc2b2ae3d27d4eb4fULL;
	return (uint32_t)(h >> (64 - DECODE_PRED_BITS));
}

/*
 * Whether the klen bytes at k are the first klen bytes of e's key, quote
 * and colon; klen is at most DECODE_PRED_KEYMAX + 2, and nothing at or
 * past end is read.
 */
static inline bool
decode_pred_eq(const struct decode_pred *e, const char *k, size_t klen,
    const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	 a, b;
	size_t		 i;

	if (end - k < DECODE_PRED_KEYMAX + 2)
		return memcmp(k, e->key, klen) == 0;
	for (i = 0; i + 8 <= klen; i += 8) {
		memcpy(&a, k + i, 8);
		memcpy(&b, e->key + i, 8);
		if (a != b)
			return false;
	}
	if (i == klen)
		return true;
	memcpy(&a, k + i, 8);
	memcpy(&b, e->key + i, 8);
	return ((a ^ b) & (((uint64_t)1 << ((klen - i) * 8)) - 1)) == 0;
#else
	(void)end;
	return memcmp(k, e->key, klen) == 0;
#endif
}

#ifdef DECODE_JSON_AVX2
/* In decode_json_avx2.h. */
__attribute__((target("avx2")))
static inline bool decode_pred_eq_avx2(const struct decode_pred *,
		    const char *, size_t, const char *);

#define DECODE_PRED_EQ(simd, e, k, klen, end)				\
	((simd) ? decode_pred_eq_avx2((e), (k), (klen), (end)) :	\
	    decode_pred_eq((e), (k), (klen), (end)))
#else
#define DECODE_PRED_EQ(simd, e, k, klen, end)				\
	decode_pred_eq((e), (k), (klen), (end))
#endif

#ifdef DECODE_JSON_AVX2
#include "decode/decode_json_avx2.h"
#endif

/* Writes f's dotted path into s->path, and those of its parents first. */
static void
decode_json_build(struct decode_json *s, struct decode_json_frame *f)
{
	struct decode_json_frame	*up = f->up;
	size_t				 off;

	if (f->built)
		return;
	decode_json_build(s, up);
	off = up->plen == 0 ? 0 : up->plen + 1;
	if (up->plen != 0)
		s->path[up->plen] = '.';
	if (f->esc)
		(void)decode_json_unescape(f->key, f->klen, s->path + off,
		    false);
	else
		memcpy(s->path + off, f->key, f->klen);
	f->built = true;
}

/*
 * Resolves a key of f that was not predicted: builds its dotted path
 * (unescaped; longer than DECODE_PATH_MAX names nothing) and asks
 * decode_jctx_resolve().  slot is the key's decode_pred_hash(), or -1
 * when it cannot be predicted.  Returns the entry written for it, or
 * NULL when none was.
 */
static struct decode_pred *
decode_json_resolve_key(struct decode_json *s, struct decode_json_frame *f,
    const char *k, size_t klen, bool esc, int slot, struct decode_jname *n)
{
	struct decode_pred	*e, *alt;
	size_t			 off, need;

	n->id = n->map = -1;
	n->sub = 0;
	n->seen = 0;
	off = f->plen == 0 ? 0 : f->plen + 1;
	need = esc ? decode_json_unescape(k, klen, NULL, false) : klen;
	if (off + need <= DECODE_PATH_MAX) {
		decode_json_build(s, f);
		if (f->plen != 0)
			s->path[f->plen] = '.';
		if (esc)
			(void)decode_json_unescape(k, klen, s->path + off,
			    false);
		else
			memcpy(s->path + off, k, klen);
		decode_jctx_resolve(&s->ctx, s->path, off + need, n);
	}
	if (slot == -1)
		return NULL;
	e = &s->pred[slot];
	alt = &s->pred[slot ^ 1];
	if (e->pgen != 0 && (alt->pgen == 0 || alt->gen < e->gen))
		e = alt;
	memset(e->key, 0, sizeof(e->key));
	memcpy(e->key, k, klen);
	e->key[klen] = '"';
	e->key[klen + 1] = ':';
	e->next = e->first = 0;
	e->pgen = f->gen;
	e->gen = ++s->preds->gen;
	e->name = *n;
	e->klen = (uint8_t)klen;
	return e;
}

/*
 * Validates the value at s->p exactly as decode_json_value() would, with
 * the same errors at the same places, and moves past it, storing
 * nothing: for arrays, and for objects below which no key can name
 * anything (decode_jname.sub), such as Winlogbeat's "agent" or "host".
 */
static DECODE_JSON_INLINE int
decode_json_skip_in(struct decode_json *s, const bool simd)
{
	const char	*v, *p;
	size_t		 len;
	bool		 esc, obj;

again:
	if (s->p >= s->end)
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	switch (*s->p) {
	DECODE_JSON_CASE_BLANK:
		decode_json_ws(s);
		goto again;
	case '"':
		return decode_json_string(s, &v, &len, &esc, simd);
	case '{':
	case '[':
		break;
	case 't':
	case 'f':
	case 'n':
		if ((p = decode_json_lit_end(s->p, s->end)) == NULL)
			return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
		s->p = p;
		return 0;
	default:
		return decode_json_number(s);
	}
	obj = *s->p == '{';
	if (++s->depth > s->max_depth)
		return decode_json_fail(s, DECODE_ERR_JSON_DEPTH);
	s->p++;
	if (decode_json_eat(s, obj ? '}' : ']')) {
		s->depth--;
		return 0;
	}
	for (;;) {
		if (obj) {
			if (!decode_json_at(s, '"'))
				return decode_json_fail(s,
				    DECODE_ERR_JSON_SYNTAX);
			if (decode_json_string(s, &v, &len, &esc, simd) == -1)
				return -1;
			if (!decode_json_eat(s, ':'))
				return decode_json_fail(s,
				    DECODE_ERR_JSON_SYNTAX);
		}
		if (s->p < s->end && *s->p == '"') {
			if (decode_json_string(s, &v, &len, &esc, simd) == -1)
				return -1;
		} else if (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
			if (decode_json_number(s) == -1)
				return -1;
		} else if (DECODE_JSON_SKIP(simd, s) == -1)
			return -1;
		if (decode_json_eat(s, ','))
			continue;
		if (decode_json_eat(s, obj ? '}' : ']')) {
			s->depth--;
			return 0;
		}
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	}
}

/*
 * The value at s->p.  f is the frame to walk it with when it is an
 * object below which a key can name something, else NULL; n is the
 * resolved name when the value is wanted, else NULL.
 */
static DECODE_JSON_INLINE int
decode_json_value(struct decode_json *s, struct decode_json_frame *f,
    const struct decode_jname *n, const bool simd)
{
	const char	*v, *start;
	char		*out;
	size_t		 len;
	bool		 esc;

again:
	if (s->p >= s->end)
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	start = s->p;
	/* Strings, the most common, before the switch. */
	if (*s->p == '"') {
		if (decode_json_string(s, &v, &len, &esc, simd) == -1)
			return -1;
		if (n == NULL)
			return 0;
		if (esc && len > 0) {
			if ((out = event_alloc(s->ctx.ev, len)) == NULL)
				return decode_json_fail(s,
				    DECODE_ERR_TOO_LARGE);
			len = DECODE_JSON_UNESCAPE(simd, v, len, out,
			    s->end);
			event_trim(s->ctx.ev, out, len);
			v = out;
		}
		return decode_json_store(s, n, v, len);
	}
	switch (*s->p) {
	DECODE_JSON_CASE_BLANK:
		decode_json_ws(s);
		goto again;
	case '{':
		if (decode_json_store(s, n, NULL, 0) == -1)
			return -1;
		if (f == NULL)
			return DECODE_JSON_SKIP(simd, s);
		return DECODE_JSON_OBJECT(simd, s, f);
	case '[':
		if (decode_json_store(s, n, NULL, 0) == -1)
			return -1;
		return DECODE_JSON_SKIP(simd, s);
	case 't':
		if (decode_json_literal(s, "true") == -1)
			return -1;
		return decode_json_store(s, n, "true", 4);
	case 'f':
		if (decode_json_literal(s, "false") == -1)
			return -1;
		return decode_json_store(s, n, "false", 5);
	case 'n':
		if (decode_json_literal(s, "null") == -1)
			return -1;
		return decode_json_store(s, n, NULL, 0);
	default:
		if (decode_json_number(s) == -1)
			return -1;
		return decode_json_store(s, n, start, (size_t)(s->p - start));
	}
}

/*
 * The object at s->p, walked with frame f: every key is resolved
 * (predicted, or by decode_json_resolve_key()), and objects below which
 * a key can name something are walked in turn; the others, and arrays,
 * go to decode_json_skip_in().
 */
static DECODE_JSON_INLINE int
decode_json_object_in(struct decode_json *s, struct decode_json_frame *f,
    const bool simd)
{
	struct decode_json_frame	 c;
	struct decode_jname		 n;
	const struct decode_jname	*np;
	struct decode_pred		*e;
	const char			*k;
	size_t				 klen;
	int				 slot;
	bool				 esc, hit, linked, walk;

	if (++s->depth > s->max_depth)
		return decode_json_fail(s, DECODE_ERR_JSON_DEPTH);
	s->p++;
	if (decode_json_eat(s, '}')) {
		s->depth--;
		return 0;
	}
	for (;;) {
		if (!decode_json_at(s, '"'))
			return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
		e = NULL;
		linked = false;
		if (f->link != NULL && *f->link != 0 &&
		    s->end - s->p > DECODE_PRED_KEYMAX + 2) {
			/* checked above: no need to check end again */
			e = &s->pred[*f->link - 1];
			if (e->pgen == f->gen && DECODE_PRED_EQ(simd, e,
			    s->p + 1, (size_t)e->klen + 2,
			    s->p + 1 + DECODE_PRED_KEYMAX + 2)) {
				k = s->p + 1;
				klen = e->klen;
				esc = false;
				s->p = k + klen + 2;
				linked = true;
			} else
				e = NULL;
		}
		if (e == NULL) {
			if (decode_json_string(s, &k, &klen, &esc, simd) == -1)
				return -1;
			slot = -1;
			if (f->gen != 0 && !esc &&
			    klen <= DECODE_PRED_KEYMAX && s->end - k >= 8) {
				slot = (int)decode_pred_hash(k, klen, f->gen);
				e = &s->pred[slot];
				if (e->pgen != f->gen || e->klen != klen ||
				    !DECODE_PRED_EQ(simd, e, k, klen,
				    s->end)) {
					e = &s->pred[slot ^ 1];
					if (e->pgen != f->gen ||
					    e->klen != klen ||
					    !DECODE_PRED_EQ(simd, e, k, klen,
					    s->end))
						e = NULL;
				}
			}
		}
		if ((hit = e != NULL)) {
			np = &e->name;
			s->ctx.seen |= np->seen;
		} else {
			e = decode_json_resolve_key(s, f, k, klen, esc, slot,
			    &n);
			np = &n;
		}
		if (linked)
			f->link = &e->next;
		else if (f->link != NULL) {
			*f->link = e != NULL ? (uint16_t)(e - s->pred + 1) : 0;
			f->link = e != NULL ? &e->next : NULL;
		}
		if (!linked && !decode_json_eat(s, ':'))
			return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
		/* a frame only for an object: most such keys hold strings */
		walk = np->sub && decode_json_at(s, '{');
		if (walk) {
			c.up = f;
			c.key = k;
			c.klen = klen;
			c.esc = esc;
			c.plen = (f->plen == 0 ? 0 : f->plen + 1) +
			    (esc ? decode_json_unescape(k, klen, NULL, false) :
			    klen);
			c.gen = e != NULL ? e->gen : 0;
			c.link = e != NULL ? &e->first : NULL;
			c.built = !hit;
		}
		if (decode_json_value(s, walk ? &c : NULL,
		    np->id != -1 || np->map != -1 ? np : NULL, simd) == -1)
			return -1;
		if (decode_json_eat(s, ','))
			continue;
		if (decode_json_eat(s, '}')) {
			s->depth--;
			return 0;
		}
		return decode_json_fail(s, DECODE_ERR_JSON_SYNTAX);
	}
}

/* The portable copies of the two recursive functions. */
static int
decode_json_object_generic(struct decode_json *s,
    struct decode_json_frame *f)
{
	return decode_json_object_in(s, f, false);
}

static int
decode_json_skip_generic(struct decode_json *s)
{
	return decode_json_skip_in(s, false);
}

#ifdef DECODE_JSON_AVX2
/* The same, built for AVX2: strings are scanned 32 bytes a step. */
__attribute__((target("avx2")))
static int
decode_json_object_avx2(struct decode_json *s, struct decode_json_frame *f)
{
	return decode_json_object_in(s, f, true);
}

__attribute__((target("avx2")))
static int
decode_json_skip_avx2(struct decode_json *s)
{
	return decode_json_skip_in(s, true);
}
#endif

#ifdef DECODE_JSON_AVX2
/* Asks the CPU once, before main(). */
__attribute__((constructor))
static void
decode_json_init(void)
{
	__builtin_cpu_init();
	decode_json_avx2 = __builtin_cpu_supports("avx2");
}
#endif

/* The AVX2 copy where the CPU has it (decode_json_avx2). */
struct decode_preds *
decode_json_preds_new(void)
{
	struct decode_preds	*p;

	p = xcalloc(1, sizeof(*p));
	p->gen = DECODE_PRED_TOP;
	return p;
}

void
decode_json_preds_free(struct decode_preds *p)
{
	free(p);
}

void
decode_json_preds_reset(struct decode_preds *p)
{
	p->nfields = -1;	/* decode_json() empties the table */
}

enum decode_error
decode_json(struct decode_ctx *dc, const char *buf, size_t len,
    const struct decode_limits *lim, struct event *ev)
{
	struct decode_preds		*preds = dc->preds;
	struct decode_json		 s;
	struct decode_json_frame	 top;
	int				 r;

	s.p = decode_json_lo = buf;
	s.end = buf + len;
	s.depth = 0;
	s.max_depth = lim != NULL ? lim->max_depth : 64;
	s.err = DECODE_OK;
	if (preds->nfields != event_field_count()) {
		memset(preds->e, 0, sizeof(preds->e));
		preds->first = 0;
		preds->nfields = event_field_count();
	}
	s.preds = preds;
	s.pred = preds->e;
	memset(&top, 0, sizeof(top));
	top.gen = DECODE_PRED_TOP;
	top.link = &preds->first;
	top.built = true;
	decode_jctx_init(&s.ctx, dc, ev);
	decode_json_ws(&s);
	if (s.p >= s.end)
		return DECODE_ERR_EMPTY;
	if (*s.p != '{')
		return DECODE_ERR_JSON_SYNTAX;
#ifdef DECODE_JSON_AVX2
	if (decode_json_avx2)
		r = decode_json_object_avx2(&s, &top);
	else
#endif
		r = decode_json_object_generic(&s, &top);
	if (r == -1)
		return s.err;
	decode_json_ws(&s);
	if (s.p != s.end)
		return DECODE_ERR_JSON_SYNTAX;
	return decode_jctx_finish(&s.ctx);
}
