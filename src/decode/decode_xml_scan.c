/*
 * decode_xml()'s hot path: a strict scanner of our own for the subset of
 * XML that Windows event XML uses.  The team decision "XML through
 * expat" is kept in this form: expat stays the reference parser and the
 * fallback, as json-c is for JSON; this scanner decodes what it fully
 * understands and gives up ("not mine") on anything else, and the
 * document then goes to the expat path of decode_xml.c, unchanged, so
 * that expat's errors and limits stay the ones a user sees.
 *
 * The subset: an optional XML declaration at the very start (version
 * 1.0, no encoding or UTF-8, standalone); elements with ASCII names
 * without a prefix; attributes in ' or " quotes; text; the five
 * predefined entities and decimal or hex character references of a
 * character XML allows; blanks; valid UTF-8 but for U+FFFE and U+FFFF
 * (which expat refuses); the Windows events namespace as xmlns, or no
 * namespace.  Anything else gives up: DOCTYPE, comments, CDATA,
 * processing instructions, prefixed names (e:Event), another xmlns,
 * another encoding, a byte expat refuses, malformed nesting or
 * attributes, a root element that is not <Event>, and a limit exceeded
 * (depth, elements open, attributes, values stored, arena room), as
 * does any error: the scanner only ever answers DECODE_OK.
 *
 * Within it, the event is the one the expat path gives (decode_xml.c
 * says which fields; tests/unit/test_decode_xml_scan.c and
 * fuzz/fuzz_decode_xml.c compare the two): the same values, copied into
 * the arena in the same order and sizes (so that the arena fills up
 * where it would with expat), references decoded as expat decodes them,
 * blanks in attribute values and line ends in text normalised as expat
 * does (XML 1.0 sections 2.11 and 3.3.3), or element text kept as the
 * document writes it with xml_values = raw.  Values are kept aside and
 * set on the event only when the whole document was read, so that giving
 * up leaves the event as it was.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "decode/decode.h"

#define XS_DEPTH	32	/* elements open at once */
#define XS_ATTRS	16	/* attributes of one element */
#define XS_OPS		96	/* values one document stores */
#define XS_NAMEMAX	256	/* a Data Name with references */

/* Windows event XML's namespace (decode_xml.c has the same). */
static const char xs_ns[] =
    "http://schemas.microsoft.com/win/2004/08/events/event";

/*
 * Byte classes of text (xs_ttab) and of attribute values (xs_atab); a
 * byte of class XS_PLAIN stands for itself.
 */
#define XS_PLAIN	0
#define XS_LT		1	/* text: '<' ends it */
#define XS_AMP		2	/* a reference starts */
#define XS_RSQB		3	/* text: ']', "]]>" is refused */
#define XS_NORM		4	/* text: CR, a line end; value: tab, LF,
				   CR, each a space */
#define XS_HIGH		5	/* starts a UTF-8 sequence */
#define XS_BAD		6	/* expat refuses it */
#define XS_QUOTE	7	/* value: ' or ", may end it */

#define B	XS_BAD
#define H	XS_HIGH
#define H16	H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H

static const uint8_t xs_ttab[256] = {
	B, B, B, B, B, B, B, B, B, 0, 0, B, B, 4, B, B,	/* 0x00 */
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,	/* 0x10 */
	0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 & */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x30 < */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0,	/* 0x50 ] */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 */
	H16, H16, H16, H16, H16, H16, H16, H16
};

static const uint8_t xs_atab[256] = {
	B, B, B, B, B, B, B, B, B, 4, 4, B, B, 4, B, B,	/* 0x00 */
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,	/* 0x10 */
	0, 0, 7, 0, 0, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 " & ' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, B, 0, 0, 0,	/* 0x30 < */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 */
	H16, H16, H16, H16, H16, H16, H16, H16
};

#undef B
#undef H
#undef H16

/* Names: 1 may start one (A-Z a-z _), 2 only continue it (0-9 . -). */
static const uint8_t xs_ntab[256] = {
	['-'] = 2, ['.'] = 2,
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
	['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1
};

/* The <Event> children decode_xml.c looks into. */
#define XS_OTHER	0
#define XS_SYSTEM	1
#define XS_EVENTDATA	2

struct xs_att {
	const unsigned char	*name;
	const unsigned char	*val;		/* between its quotes */
	size_t			 namelen;
	size_t			 vallen;
	bool			 plain;		/* as written is as decoded */
};

struct xs_op {
	const char		*p;		/* in the arena */
	uint32_t		 len;		/* 0: unsets the field */
	int			 id;
};

struct xs {
	const unsigned char	*end;		/* of the document */
	struct event		*ev;		/* allocated from, set last */
	const int		*sys;		/* DECODE_SYS_* ids */
	const uint64_t		*want;		/* decode_ctx.want */
	bool			 raw;		/* xml_values = raw */
	int			 section;	/* XS_* at depth 2 */
	int			 capture;	/* field id of text, or -1 */
	int			 capture2;	/* second field, or -1 */
	char			*text;		/* captured text, or NULL */
	size_t			 textlen;	/* its bytes so far */
	int			 natt;		/* attributes of the tag */
	struct xs_att		 att[XS_ATTRS];
	int			 nops;		/* values kept aside */
	struct xs_op		 ops[XS_OPS];
};

static inline bool
xs_blank(unsigned char c)
{
	return c <= ' ' &&
	    (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

static inline const unsigned char *
xs_skip(const unsigned char *p, const unsigned char *end)
{
	while (p < end && xs_blank(*p))
		p++;
	return p;
}

/* Whether the n bytes at p are s (NUL-terminated, n its length). */
static inline bool
xs_is(const unsigned char *p, size_t n, const char *s, size_t slen)
{
	return n == slen && memcmp(p, s, n) == 0;
}
#define XS_IS(p, n, lit)	xs_is((p), (n), (lit), sizeof(lit) - 1)

/*
 * The length of the UTF-8 sequence at p (its first byte 0x80 or more),
 * or 0 when expat refuses it: malformed, overlong, a surrogate, above
 * U+10FFFF, or U+FFFE and U+FFFF (expat's UTF8_INVALID3).
 */
static size_t
xs_utf8(const unsigned char *p, const unsigned char *end)
{
	size_t		 n = (size_t)(end - p);
	unsigned	 c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
		    (c == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80 || (c == 0xf0 && p[1] < 0x90) ||
		    (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* Whether XML 1.0 allows character c (expat's checkCharRefNumber()). */
static inline bool
xs_char_ok(uint32_t c)
{
	if (c < 0x20)
		return c == 0x9 || c == 0xa || c == 0xd;
	if (c >= 0xd800 && c <= 0xdfff)
		return false;
	return c != 0xfffe && c != 0xffff && c <= 0x10ffff;
}

/*
 * The reference at p ('&'): its length, and the character it stands for
 * in *cp; 0 when it is not a predefined entity or a character reference
 * to a character XML allows ("&#X41;" is not one: the x is lower case).
 */
static size_t
xs_ref(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	const unsigned char	*q = p + 1;
	uint32_t		 c = 0;
	size_t			 n = (size_t)(end - q);
	unsigned		 d;

	if (n >= 3 && q[0] != '#') {
		if (q[0] == 'l' && q[1] == 't' && q[2] == ';') {
			*cp = '<';
			return 4;
		}
		if (q[0] == 'g' && q[1] == 't' && q[2] == ';') {
			*cp = '>';
			return 4;
		}
		if (n >= 4 && memcmp(q, "amp;", 4) == 0) {
			*cp = '&';
			return 5;
		}
		if (n >= 5 && memcmp(q, "quot;", 5) == 0) {
			*cp = '"';
			return 6;
		}
		if (n >= 5 && memcmp(q, "apos;", 5) == 0) {
			*cp = '\'';
			return 6;
		}
		return 0;
	}
	if (n < 3 || q[0] != '#')
		return 0;
	q++;
	if (*q == 'x') {
		for (q++; q < end && *q != ';'; q++) {
			if (*q >= '0' && *q <= '9')
				d = *q - '0';
			else if ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'f')
				d = (*q | 0x20) - 'a' + 10;
			else
				return 0;
			if ((c = c << 4 | d) > 0x10ffff)
				return 0;
		}
		if (q - p == 3)
			return 0;
	} else {
		for (; q < end && *q != ';'; q++) {
			if (*q < '0' || *q > '9')
				return 0;
			if ((c = c * 10 + (*q - '0')) > 0x10ffff)
				return 0;
		}
		if (q - p == 2)
			return 0;
	}
	if (q == end || !xs_char_ok(c))
		return 0;
	*cp = c;
	return (size_t)(q + 1 - p);
}

/* Writes c as UTF-8 to o; returns the bytes written. */
static size_t
xs_put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * The first byte from p on that may not stand for itself in text (tab
 * xs_ttab; a, b, c are '<', '&', ']') or an attribute value (xs_atab;
 * its quote, '&', '<'), or end.  With SSE2, 16 bytes a step: a byte
 * below 0x20 or above 0x7f, or one of a, b, c stops the step (tab and LF
 * too, which the caller then passes over one by one).
 */
static inline const unsigned char *
xs_run(const unsigned char *p, const unsigned char *end, const uint8_t *tab,
    unsigned char a, unsigned char b, unsigned char c)
{
#if defined(__SSE2__)
	const __m128i	 va = _mm_set1_epi8((char)a);
	const __m128i	 vb = _mm_set1_epi8((char)b);
	const __m128i	 vc = _mm_set1_epi8((char)c);
	const __m128i	 sp = _mm_set1_epi8(0x20);
	__m128i		 v, m;
	unsigned	 bits;

	while (end - p >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed: 0x80-0xff are below 0x20 too. */
		m = _mm_or_si128(_mm_cmplt_epi8(v, sp),
		    _mm_or_si128(_mm_cmpeq_epi8(v, va),
		    _mm_or_si128(_mm_cmpeq_epi8(v, vb),
		    _mm_cmpeq_epi8(v, vc))));
		if ((bits = (unsigned)_mm_movemask_epi8(m)) != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#else
	(void)a;
	(void)b;
	(void)c;
#endif
	while (p < end && tab[*p] == XS_PLAIN)
		p++;
	return p;
}

/*
 * Text (tab xs_ttab) or an attribute value after its opening quote q
 * (xs_atab) from p: returns where it ends (the next '<' of text, the
 * closing quote of a value, or end), or NULL when expat would refuse it.
 * *plain becomes false when it holds what decoding changes: a reference,
 * a CR in text, a tab, LF or CR in a value.
 */
static const unsigned char *
xs_scan(const unsigned char *p, const unsigned char *end,
    const uint8_t *tab, unsigned char q, bool *plain)
{
	uint32_t	 cp;
	size_t		 n;

	for (;;) {
		if (q == 0)
			p = xs_run(p, end, tab, '<', '&', ']');
		else
			p = xs_run(p, end, tab, q, '&', '<');
		if (p == end)
			return p;
		switch (tab[*p]) {
		case XS_PLAIN:
			p++;
			break;
		case XS_LT:
			return p;
		case XS_QUOTE:
			if (*p == q)
				return p;
			p++;
			break;
		case XS_AMP:
			if ((n = xs_ref(p, end, &cp)) == 0)
				return NULL;
			p += n;
			*plain = false;
			break;
		case XS_RSQB:
			if (end - p >= 3 && p[1] == ']' && p[2] == '>')
				return NULL;
			p++;
			break;
		case XS_NORM:
			p++;
			*plain = false;
			break;
		case XS_HIGH:
			if ((n = xs_utf8(p, end)) == 0)
				return NULL;
			p += n;
			break;
		default:
			return NULL;
		}
	}
}

/*
 * Writes s..e (scanned: its references are valid) as expat passes it on
 * to out, which has room for e - s bytes (no reference is shorter than
 * what it stands for): references decoded; in an attribute value (attr)
 * each tab, LF, CR and CR LF a space, in text each CR and CR LF an LF.
 * Returns the bytes written.
 */
static size_t
xs_unescape(const unsigned char *s, const unsigned char *e, char *out,
    bool attr)
{
	char		*o = out;
	uint32_t	 cp;

	while (s < e) {
		switch (*s) {
		case '&':
			s += xs_ref(s, e, &cp);
			o += xs_put_utf8(o, cp);
			break;
		case '\r':
			*o++ = attr ? ' ' : '\n';
			if (++s < e && *s == '\n')
				s++;
			break;
		case '\t':
		case '\n':
			*o++ = attr ? ' ' : (char)*s;
			s++;
			break;
		default:
			*o++ = (char)*s++;
		}
	}
	return (size_t)(o - out);
}

/*
 * s..e copied into the arena, decoded unless plain (attr as for
 * xs_unescape()); *len gets its length.  NULL when the arena is full.
 */
static char *
xs_copy(struct xs *x, const unsigned char *s, const unsigned char *e,
    bool plain, bool attr, size_t *len)
{
	char	*p;

	if ((p = event_alloc(x->ev, (size_t)(e - s))) == NULL)
		return NULL;
	if (plain) {
		memcpy(p, s, (size_t)(e - s));
		*len = (size_t)(e - s);
	} else {
		*len = xs_unescape(s, e, p, attr);
		event_trim(x->ev, p, *len);
	}
	return p;
}

/* Keeps "field id gets p, len" aside; false when there is no room. */
static bool
xs_push(struct xs *x, int id, const char *p, size_t len)
{
	if (x->nops == XS_OPS)
		return false;
	x->ops[x->nops].id = id;
	x->ops[x->nops].p = p;
	x->ops[x->nops].len = (uint32_t)len;
	x->nops++;
	return true;
}

static const struct xs_att *
xs_attr(const struct xs *x, const char *name, size_t len)
{
	int	 i;

	for (i = 0; i < x->natt; i++)
		if (xs_is(x->att[i].name, x->att[i].namelen, name, len))
			return &x->att[i];
	return NULL;
}

/* decode_xml_set_attr(): attribute name into fields id and id2. */
static bool
xs_set_attr(struct xs *x, int id, int id2, const char *name)
{
	const struct xs_att	*a;
	char			*p;
	size_t			 len;

	if ((id == -1 && id2 == -1) ||
	    (a = xs_attr(x, name, strlen(name))) == NULL || a->vallen == 0)
		return true;
	if ((p = xs_copy(x, a->val, a->val + a->vallen, a->plain, true,
	    &len)) == NULL)
		return false;
	if (id != -1 && !xs_push(x, id, p, len))
		return false;
	if (id2 != -1 && !xs_push(x, id2, p, len))
		return false;
	return true;
}

/* decode_xml_system(): a <System> child at depth 3, by the same table. */
static bool
xs_system(struct xs *x, const unsigned char *name, size_t n)
{
	const struct decode_xml_sysel	*el;
	int				 k;

	if ((el = decode_xml_sysel((const char *)name, n)) == NULL)
		return true;
	for (k = 0; k < 2 && el->attr[k] != NULL; k++)
		if (!xs_set_attr(x, decode_xml_ref_id(el->to[k][0], x->sys),
		    decode_xml_ref_id(el->to[k][1], x->sys), el->attr[k]))
			return false;
	x->capture = decode_xml_ref_id(el->text[0], x->sys);
	x->capture2 = decode_xml_ref_id(el->text[1], x->sys);
	if (x->capture == -1 && x->capture2 != -1) {
		x->capture = x->capture2;
		x->capture2 = -1;
	}
	return true;
}

/* <Data Name='X'>: X's id when registered and wanted, else -1. */
static int
xs_data_id(const struct xs *x, const struct xs_att *a)
{
	char	 buf[XS_NAMEMAX];
	size_t	 len;

	if (a->plain)
		return decode_want_id(x->want,
		    event_field_lookup((const char *)a->val, a->vallen));
	if (a->vallen > sizeof(buf))
		return -2;
	len = xs_unescape(a->val, a->val + a->vallen, buf, true);
	return decode_want_id(x->want, event_field_lookup(buf, len));
}

/* decode_xml_start_cb() for the element name at depth (1 is the root). */
static bool
xs_start(struct xs *x, int depth, const unsigned char *name, size_t n)
{
	const struct xs_att	*a;

	if (depth == 1)
		return XS_IS(name, n, "Event");
	if (depth == 2) {
		if (XS_IS(name, n, "System"))
			x->section = XS_SYSTEM;
		else if (XS_IS(name, n, "EventData"))
			x->section = XS_EVENTDATA;
		else
			x->section = XS_OTHER;
		return true;
	}
	if (depth > 3)
		return true;
	x->capture = -1;
	x->capture2 = -1;
	x->text = NULL;
	x->textlen = 0;
	if (x->section == XS_SYSTEM)
		return xs_system(x, name, n);
	if (x->section == XS_EVENTDATA && XS_IS(name, n, "Data") &&
	    (a = xs_attr(x, "Name", 4)) != NULL &&
	    (x->capture = xs_data_id(x, a)) == -2)
		return false;
	return true;
}

/* decode_xml_end_cb() at depth 3: the captured text is the value. */
static bool
xs_end(struct xs *x)
{
	if (x->capture == -1)
		return true;
	if (!xs_push(x, x->capture, x->text, x->textlen))
		return false;
	if (x->capture2 != -1 &&
	    !xs_push(x, x->capture2, x->text, x->textlen))
		return false;
	x->capture = -1;
	x->capture2 = -1;
	return true;
}

/* decode_xml_text_cb(): text at depth 3 of a captured element. */
static bool
xs_append(struct xs *x, const unsigned char *s, const unsigned char *e,
    bool plain)
{
	char	*p;
	size_t	 len;

	if ((p = xs_copy(x, s, e, plain || x->raw, false, &len)) == NULL)
		return false;
	if (x->text == NULL)
		x->text = p;
	x->textlen += len;
	return true;
}

/*
 * The attributes of a start tag, from just after its name: fills
 * x->att, sets *empty for "/>", and returns what follows the tag, or
 * NULL when the scanner gives up.
 */
static const unsigned char *
xs_attrs(struct xs *x, const unsigned char *p, const unsigned char *end,
    bool *empty)
{
	struct xs_att	*a;
	const unsigned char *q;
	bool		 blank;
	int		 i;

	x->natt = 0;
	for (;;) {
		q = xs_skip(p, end);
		blank = q != p;
		p = q;
		if (p == end)
			return NULL;
		if (*p == '>') {
			*empty = false;
			return p + 1;
		}
		if (*p == '/') {
			if (end - p < 2 || p[1] != '>')
				return NULL;
			*empty = true;
			return p + 2;
		}
		if (!blank || x->natt == XS_ATTRS || xs_ntab[*p] != 1)
			return NULL;
		a = &x->att[x->natt];
		a->name = p;
		while (++p < end && xs_ntab[*p] != 0)
			;
		a->namelen = (size_t)(p - a->name);
		p = xs_skip(p, end);
		if (p == end || *p != '=')
			return NULL;
		p = xs_skip(p + 1, end);
		if (p == end || (*p != '\'' && *p != '"'))
			return NULL;
		a->val = p + 1;
		a->plain = true;
		if ((q = xs_scan(p + 1, end, xs_atab, *p, &a->plain)) ==
		    NULL || q == end)
			return NULL;
		a->vallen = (size_t)(q - a->val);
		p = q + 1;
		for (i = 0; i < x->natt; i++)
			if (x->att[i].namelen == a->namelen &&
			    memcmp(x->att[i].name, a->name, a->namelen) == 0)
				return NULL;
		/* xmlns: the Windows events namespace, as no namespace. */
		if (XS_IS(a->name, a->namelen, "xmlns") && (!a->plain ||
		    !XS_IS(a->val, a->vallen, xs_ns)))
			return NULL;
		x->natt++;
	}
}

/*
 * The XML declaration at p ("<?xml"): returns what follows it, or NULL
 * unless it is version 1.0, with no encoding or UTF-8, and standalone
 * yes or no, each in ' or " quotes.
 */
static const unsigned char *
xs_decl(const unsigned char *p, const unsigned char *end)
{
	static const char *const names[] = {
		"version", "encoding", "standalone"
	};
	const unsigned char	*q, *v;
	size_t			 i, n;
	bool			 blank;

	p += 5;
	for (i = 0; i < 3; i++) {
		q = xs_skip(p, end);
		blank = q != p;
		n = strlen(names[i]);
		if (!blank || (size_t)(end - q) < n ||
		    memcmp(q, names[i], n) != 0) {
			if (i == 0)
				return NULL;
			continue;
		}
		q = xs_skip(q + n, end);
		if (q == end || *q != '=')
			return NULL;
		q = xs_skip(q + 1, end);
		if (q == end || (*q != '\'' && *q != '"'))
			return NULL;
		for (v = q + 1; v < end && *v != *q; v++)
			;
		if (v == end)
			return NULL;
		n = (size_t)(v - q - 1);
		if (i == 0 && !XS_IS(q + 1, n, "1.0"))
			return NULL;
		if (i == 1 && (n != 5 || strncasecmp((const char *)q + 1,
		    "UTF-8", 5) != 0))
			return NULL;
		if (i == 2 && !XS_IS(q + 1, n, "yes") &&
		    !XS_IS(q + 1, n, "no"))
			return NULL;
		p = v + 1;
	}
	p = xs_skip(p, end);
	if (end - p < 2 || p[0] != '?' || p[1] != '>')
		return NULL;
	return p + 2;
}

/* The whole document into x; false when the scanner gives up. */
static bool
xs_document(struct xs *x, const unsigned char *p, int max_depth)
{
	const unsigned char	*end = x->end, *name[XS_DEPTH], *t;
	size_t			 namelen[XS_DEPTH], n;
	int			 depth = 0;
	bool			 empty, plain;

	if (end - p >= 6 && memcmp(p, "<?xml", 5) == 0 && xs_blank(p[5]) &&
	    (p = xs_decl(p, end)) == NULL)
		return false;
	p = xs_skip(p, end);
	if (p == end || *p != '<')
		return false;
	for (;;) {
		/* At '<'. */
		if (end - p < 2)
			return false;
		if (p[1] == '/') {
			if (depth == 0)
				return false;
			n = namelen[depth - 1];
			if ((size_t)(end - p) < n + 3 ||
			    memcmp(p + 2, name[depth - 1], n) != 0)
				return false;
			p = xs_skip(p + 2 + n, end);
			if (p == end || *p != '>')
				return false;
			p++;
			if (depth == 3 && !xs_end(x))
				return false;
			if (--depth == 0)
				return xs_skip(p, end) == end;
		} else {
			if (xs_ntab[p[1]] != 1 || depth == XS_DEPTH ||
			    depth >= max_depth)
				return false;
			t = ++p;
			while (++p < end && xs_ntab[*p] != 0)
				;
			n = (size_t)(p - t);
			if ((p = xs_attrs(x, p, end, &empty)) == NULL)
				return false;
			name[depth] = t;
			namelen[depth] = n;
			if (!xs_start(x, ++depth, t, n))
				return false;
			if (empty) {
				if (depth == 3 && !xs_end(x))
					return false;
				if (--depth == 0)
					return xs_skip(p, end) == end;
			}
		}
		/* Text up to the next tag (mostly none). */
		if (p < end && *p == '<')
			continue;
		t = p;
		plain = true;
		if ((p = xs_scan(p, end, xs_ttab, 0, &plain)) == NULL ||
		    p == end)
			return false;
		if (depth == 3 && x->capture != -1 && p != t &&
		    !xs_append(x, t, p, plain))
			return false;
	}
}

bool
decode_xml_scan(struct decode_ctx *dc, const char *buf, size_t len,
    const struct decode_limits *lim, struct event *ev)
{
	struct xs	 x;
	size_t		 mark = ev->arena_len;
	int		 i, max_depth = 64;

	if (len == 0 || buf[0] != '<')
		return false;
	if (lim != NULL)
		max_depth = lim->max_xml_depth > 0 ? lim->max_xml_depth :
		    lim->max_depth;
	x.end = (const unsigned char *)buf + len;
	x.ev = ev;
	x.sys = decode_sys_ids(dc);
	x.want = dc->want;
	x.raw = lim != NULL && lim->xml_raw;
	x.section = XS_OTHER;
	x.capture = -1;
	x.capture2 = -1;
	x.text = NULL;
	x.textlen = 0;
	x.nops = 0;
	if (!xs_document(&x, (const unsigned char *)buf, max_depth)) {
		ev->arena_len = mark;
		return false;
	}
	for (i = 0; i < x.nops; i++)
		(void)event_set_ref(ev, x.ops[i].id, x.ops[i].p,
		    x.ops[i].len);
	ev->shape = EVENT_SHAPE_XML;
	return true;
}
