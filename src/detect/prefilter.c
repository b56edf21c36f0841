/*
 * The exact EventCode prefilter.  spl.c records, for each search, the
 * EventCode N that a top-level conjunct "EventCode=N" of its filter
 * requires (spl_search.event_code, -1 when there is none).  An event
 * whose EventCode is absent, or differs from N for every detection,
 * matches no detection, so it need not be decoded at all.  This module
 * finds the event id without decoding, and says "reject" only when it is
 * certain; otherwise the payload takes the full path.  It never decides
 * anything else: shape, validity and the other fields stay with decode*.c.
 *
 * Why a rejection is exact.  EVENT_F_EVENTCODE is set by exactly these
 * (decode.c, decode_xml.c; event_normalise() never sets it):
 *
 *   JSON: a key whose dotted path is "EventCode", "EventID",
 *   "winlog.event_id", "winlog.event_data.EventCode" or
 *   "EventData.EventCode".  Each ends with the last key of the path, and
 *   that key's unescaped text ends with "EventCode", "EventID" or
 *   "event_id" (none holds a dot, so nesting cannot split them).  When
 *   the document has no "\u" escape, every other escape unescapes to a
 *   character that is not a letter, so the raw key text ends with the
 *   same letters, immediately followed by its closing quote: the bytes
 *   'EventCode"', 'EventID"' or 'event_id"'.  In valid JSON a quote after
 *   a letter always closes a string, and a string followed by ':' is a
 *   key.  So every key that can set EventCode is one of the places found
 *   by searching for the three needles followed by optional blanks and
 *   ':' (the scan looks at other keys ending with them too, which only
 *   makes it more careful).  Duplicate keys: each place is checked, so
 *   whichever wins, its value is known.  Invalid JSON is refused by the
 *   decoder anyway, and gives no event.
 *
 *   XML: <EventID> text (any depth is looked at, though only
 *   Event/System/EventID counts), and <Data Name="EventCode"> text.  A
 *   document with "&#" (a character reference could spell a name or a
 *   digit) or "<!" (CDATA could hide digits, a comment could split them,
 *   a DOCTYPE could declare entities) is never rejected, nor one that
 *   holds "EventCode" anywhere.  The predefined entities spell no letter
 *   or digit.  expat runs without namespaces, so an element counts only
 *   when its name is exactly "EventID": the scan looks at each "<EventID"
 *   followed by a blank, '/' or '>', skips its attributes (quoted values
 *   may hold '>'), and needs digits followed at once by "</EventID".
 *
 *   Values: spl.c compares EventCode=N numerically when the event's
 *   value looks like a number (optional sign, digits, optional
 *   fraction) and as a string otherwise.  The scan accepts only plain
 *   digits, as a JSON string ("003") or a JSON number (3, followed by a
 *   blank, ',', '}' or ']'), and takes their numeric value, so "003" is
 *   3.  Anything else (a sign, a fraction, an exponent, blanks, an empty
 *   string, null, an object) makes the scan unsure.  A plain-digit value
 *   whose number differs from N never equals N, either numerically or
 *   (being different digits after the leading zeros) as a string, except
 *   through leading zeros, which are compared numerically here: when the
 *   digits are numerically N, the event is passed on.
 *
 * A payload with no event id at all is passed on too, though it could
 * be rejected: it is no Sysmon event, and the decoder counts why (most
 * often DECODE_ERR_SHAPE), which operators want to see.
 *
 * The prefilter keeps no state: it reads the codes of the running set on
 * each call, so a reload needs nothing.  A set built by detection.c has
 * its dispatch (dispatch.h), whose bit set says which ids some detection
 * can match: a raw search those its EventCode conjunct allows (every id
 * without one, which switches the prefilter off), a tstats search those
 * of its dataset.  The dataset bound is exact too: cim_dataset_has()
 * takes an event only when its EventCode is 1 to 3 digits whose value is
 * one of the dataset's ids, and an event whose ids the scan found are all
 * outside that list has no such EventCode.  A set without a dispatch (a
 * test's) is read detection by detection: one without an EventCode
 * switches it off; that loop costs at most what detect_run() would spend
 * on the same set, and happens after the cheap scan.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "detect/dispatch.h"
#include "detect/prefilter.h"
#include "detect/prefilter_avx2.h"
#include "detect/spl.h"

bool		 prefilter_enabled = true;	/* off only in tests */

static bool
prefilter_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
prefilter_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads the plain digits at p (at least one, before end), stores their
 * numeric value in *id and returns the first byte after them, or NULL
 * when there is no digit.
 */
static inline const char *
prefilter_digits(const char *p, const char *end, uint32_t *id)
{
	const char	*s = p;
	uint32_t	 v = 0;

	for (; p < end && prefilter_is_digit(*p); p++)
		if (v <= 65535)
			v = v * 10 + (uint32_t)(*p - '0');
	if (p == s)
		return NULL;
	*id = v > 65535 ? PREFILTER_ID_BIG : v;
	return p;
}

/* memcmp() of a few bytes, without the call. */
static inline bool
prefilter_eq(const char *a, const char *b, size_t n)
{
	while (n-- > 0)
		if (*a++ != *b++)
			return false;
	return true;
}

/*
 * The first occurrence of needle (nlen > 0 bytes) in [p, end), found by
 * memchr() on the needle's byte at off, a byte that is rare in Windows
 * events, or NULL.  glibc's memmem() is far slower on short needles.
 */
static const char *
prefilter_find(const char *p, const char *end, const char *needle,
    size_t nlen, size_t off)
{
	const char	*q;

	if ((size_t)(end - p) < nlen)
		return NULL;
	for (q = p + off; q < end; q++) {
		if ((q = memchr(q, needle[off], (size_t)(end - q))) == NULL)
			return NULL;
		if (q - off + nlen <= end &&
		    prefilter_eq(q - off, needle, nlen))
			return q - off;
	}
	return NULL;
}

/* True when the document holds a "\u" escape (backslashes pair up). */
static bool
prefilter_json_has_u(const char *p, const char *end)
{
	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (p + 1 >= end || p[1] == 'u')
			return true;
		p += 2;
	}
	return false;
}

/*
 * The value after the key ending at p (just past its closing quote).
 * Returns 1 and *id for a plain-digit value, 0 when p is no key (no ':'
 * follows), -1 when unsure.
 */
static inline int
prefilter_json_value(const char *p, const char *end, uint32_t *id)
{
	bool	 quoted;

	/* Most keys have their ':' and value right after them. */
	if (p < end && *p != ':')
		while (p < end && prefilter_is_blank(*p))
			p++;
	if (p >= end || *p != ':')
		return 0;
	if (++p < end && prefilter_is_blank(*p))
		while (p < end && prefilter_is_blank(*p))
			p++;
	if ((quoted = p < end && *p == '"'))
		p++;
	if ((p = prefilter_digits(p, end, id)) == NULL)
		return -1;
	if (quoted)
		return p < end && *p == '"' ? 1 : -1;
	if (p < end && !prefilter_is_blank(*p) && *p != ',' && *p != '}' &&
	    *p != ']')
		return -1;
	return 1;
}

/*
 * The key whose closing quote is just before p, one of the needles:
 * when a ':' and a plain-digit value follow, adds the value to ids[*n].
 * Returns 0, or -1 when unsure or past max.
 */
static inline int
prefilter_json_key(const char *p, const char *end, uint32_t *ids,
    size_t *n, size_t max)
{
	uint32_t	 id;
	int		 r;

	if ((r = prefilter_json_value(p, end, &id)) == -1)
		return -1;
	if (r == 0)
		return 0;
	if (*n == max)
		return -1;
	ids[(*n)++] = id;
	return 0;
}

/*
 * One "vent" at v, in [buf, end): when it ends one of the three needles
 * followed by a key's ':' and a plain-digit value, adds the value to
 * ids[*n].  Sets *next to where the search for "vent" goes on.  Returns
 * 0, or -1 when unsure or past max.
 */
static inline int
prefilter_json_vent(const char *buf, const char *end, const char *v,
    const char **next, uint32_t *ids, size_t *n, size_t max)
{
	const char	*p = v + 4;
	size_t		 left;

	*next = p;
	if (v == buf)
		return 0;
	left = (size_t)(end - p);
	if (v[-1] == 'E') {
		if (left >= 5 && memcmp(p, "Code\"", 5) == 0)
			p += 5;
		else if (left >= 3 && memcmp(p, "ID\"", 3) == 0)
			p += 3;
		else
			return 0;
	} else if (v[-1] == 'e' && left >= 4 && memcmp(p, "_id\"", 4) == 0)
		p += 4;
	else
		return 0;
	*next = p;
	return prefilter_json_key(p, end, ids, n, max);
}

#ifdef PREFILTER_AVX2
/*
 * prefilter_json_key() out of line, for prefilter_avx2.c: it runs about
 * once a document, and leaves the AVX2 loop its registers.
 */
__attribute__((noinline))
int
prefilter_json_found(const char *p, const char *end, uint32_t *ids,
    size_t *n, size_t max)
{
	return prefilter_json_key(p, end, ids, n, max);
}
#endif

/*
 * The portable JSON pass.  Out of line, as is prefilter_scan_xml(), so
 * that prefilter_scan() stays a few instructions on the AVX2 path.
 */
__attribute__((noinline))
static int
prefilter_scan_json(const char *buf, const char *end, uint32_t *ids,
    size_t max)
{
	const char	*p = buf, *v;
	size_t		 n = 0;

	if (prefilter_json_has_u(buf, end))
		return -1;
	/* "vent" is in all three needles: EventCode, EventID, event_id. */
	while ((v = prefilter_find(p, end, "vent", 4, 0)) != NULL)
		if (prefilter_json_vent(buf, end, v, &p, ids, &n, max) == -1)
			return -1;
	return (int)n;
}

/*
 * The start tag at p ('<EventID' matched, then a blank or '>') and its
 * text.  Returns 1 and *id for plain digits followed by "</EventID", -1
 * otherwise (a self-closing tag, other text, or no end).
 */
static int
prefilter_xml_element(const char *p, const char *end, uint32_t *id)
{
	char	 q;

	for (; p < end && *p != '>'; p++) {
		if (*p == '/')
			return -1;
		if (*p == '"' || *p == '\'') {
			q = *p;
			if ((p = memchr(p + 1, q, (size_t)(end - p - 1))) ==
			    NULL)
				return -1;
		}
	}
	if (p >= end)
		return -1;
	if ((p = prefilter_digits(p + 1, end, id)) == NULL)
		return -1;
	if ((size_t)(end - p) < 9 || memcmp(p, "</EventID", 9) != 0)
		return -1;
	return 1;
}

__attribute__((noinline))
static int
prefilter_scan_xml(const char *buf, const char *end, uint32_t *ids,
    size_t max)
{
	const char	*p = buf, *v;
	size_t		 n = 0;
	uint32_t	 id;

	if (prefilter_find(buf, end, "&#", 2, 1) != NULL ||
	    prefilter_find(buf, end, "<!", 2, 1) != NULL ||
	    prefilter_find(buf, end, "EventCode", 9, 5) != NULL)
		return -1;
	while ((v = prefilter_find(p, end, "<EventID", 8, 6)) != NULL) {
		p = v + 8;
		if (p >= end)
			return -1;
		if (*p == '/')
			return -1;
		if (*p != '>' && !prefilter_is_blank(*p))
			continue;
		if (prefilter_xml_element(p, end, &id) == -1)
			return -1;
		if (n == max)
			return -1;
		ids[n++] = id;
	}
	return (int)n;
}

int
prefilter_scan(const char *buf, size_t len, uint32_t *ids, size_t max)
{
	const char	*end = buf + len;

#ifdef PREFILTER_AVX2
	/* The usual payload: a JSON object from its first byte. */
	if (len > 0 && *buf == '{' && prefilter_avx2)
		return prefilter_scan_json_avx2(buf, end, ids, max);
#endif
	while (buf < end && prefilter_is_blank(*buf))
		buf++;
	if (buf >= end)
		return -1;
	if (*buf == '{') {
#ifdef PREFILTER_AVX2
		if (prefilter_avx2)
			return prefilter_scan_json_avx2(buf, end, ids, max);
#endif
		return prefilter_scan_json(buf, end, ids, max);
	}
	if (*buf == '<')
		return prefilter_scan_xml(buf, end, ids, max);
	return -1;
}

bool
prefilter_reject(const struct detection_set *set, const char *buf,
    size_t len)
{
	uint32_t	 ids[PREFILTER_MAX_IDS];
	size_t		 i, k;
	int		 n, code;

	if (!prefilter_enabled || set == NULL || set->n == 0)
		return false;
	if (set->dispatch != NULL && set->dispatch->any)
		return false;
	if ((n = prefilter_scan(buf, len, ids, PREFILTER_MAX_IDS)) <= 0)
		return false;
	if (set->dispatch != NULL)
		return !dispatch_may_match(set->dispatch, ids, (size_t)n);
	for (i = 0; i < set->n; i++) {
		/* ids[0] first: most events have one id. */
		if ((code = set->d[i]->search->event_code) < 0 ||
		    ids[0] == (uint32_t)code)
			return false;
		for (k = 1; k < (size_t)n; k++)
			if (ids[k] == (uint32_t)code)
				return false;
	}
	return true;
}
