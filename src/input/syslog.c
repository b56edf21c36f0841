/*
 * Syslog header parsing.  One frame from listen.c is split into PRI,
 * header time, HOSTNAME, APP-NAME (or TAG) and the payload, for an RFC 5424
 * header, an RFC 3164 (BSD) header as real senders write it, or no header
 * at all (a bare JSON or XML document, as NXLog om_tcp sends).  Every
 * pointer in struct syslog_msg points into the caller's frame: this module
 * allocates nothing, keeps no state and never touches I/O, so it can be
 * unit-tested and fuzzed alone.  It does not look inside the payload; the
 * decoders do.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "civil.h"
#include "input/syslog.h"

#define SYSLOG_PRI_MAX		191	/* facility 23, severity 7 */
#define SYSLOG_MS_PER_DAY	86400000LL
#define SYSLOG_FUTURE_MS	(31LL * SYSLOG_MS_PER_DAY)

static const char *syslog_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static bool
syslog_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
syslog_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Reads exactly n decimal digits at *p (inside [*p, end)) into *v.
 * Returns false when they are not all there.
 */
static bool
syslog_digits(const char **p, const char *end, int n, int *v)
{
	const char	*s = *p;
	int		 i, r = 0;

	if (end - s < n)
		return false;
	for (i = 0; i < n; i++) {
		if (!syslog_isdigit(s[i]))
			return false;
		r = r * 10 + (s[i] - '0');
	}
	*v = r;
	*p = s + n;
	return true;
}

static bool
syslog_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
syslog_mdays(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && syslog_leap(y))
		return 29;
	return days[m - 1];
}

static int64_t
syslog_epoch_ms(int y, int mo, int d, int h, int mi, int s)
{
	return ((civil_days(y, mo, d) * 24 + h) * 60 + mi) *
	    60000LL + s * 1000LL;
}

static int
syslog_year_of(int64_t ms)
{
	int64_t		 days, z, era, doe, yoe, y, doy, mp;

	days = ms >= 0 ? ms / SYSLOG_MS_PER_DAY :
	    -((-ms + SYSLOG_MS_PER_DAY - 1) / SYSLOG_MS_PER_DAY);
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return (int)(mp >= 10 ? y + 1 : y);
}

/* The two decimal digits at p as a number, or -1. */
static int
syslog_d2(const char *p)
{
	unsigned int	 a = (unsigned char)p[0] - '0';
	unsigned int	 b = (unsigned char)p[1] - '0';

	if (a > 9 || b > 9)
		return -1;
	return (int)(a * 10 + b);
}

#define SYSLOG_ALL(c)	((uint64_t)(c) * 0x0101010101010101ULL)
#define SYSLOG_AT(c, i)	((uint64_t)(unsigned char)(c) << (8 * (i)))
#define SYSLOG_NIL3	((SYSLOG_ALL('-') & 0x00ff00ff00ffULL) | \
			(SYSLOG_ALL(' ') & 0xff00ff00ff00ULL))	/* "- - - " */

/* The eight bytes at p as a little-endian number. */
static inline uint64_t
syslog_le64(const char *p)
{
	uint64_t	 w;

	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#elif !defined(__BYTE_ORDER__)
	{
		const unsigned char	*u = (const unsigned char *)p;
		int			 k;

		for (w = 0, k = 7; k >= 0; k--)
			w = w << 8 | u[k];
	}
#endif
	return w;
}

/*
 * Days from 1970-01-01 to the date y-m-d, for years 0 to 9999 and a
 * valid month, in the proleptic Gregorian calendar (as
 * civil_days()).  From 1901 to 2099 every fourth year is a
 * leap year; elsewhere the leap days before y are counted from year
 * -400, so that every quotient is of a non-negative number.
 */
static int64_t
syslog_days(int y, int m, int d)
{
	static const int before[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	unsigned int	 n = (unsigned int)y + 399;
	int64_t		 days;

	if (y > 1900 && y < 2100) {
		days = 365 * (y - 1970) + (int)((unsigned int)(y - 1901) / 4) -
		    17 + before[m - 1] + d - 1;
		if (m > 2 && (y & 3) == 0)
			days++;
		return days;
	}
	days = 365 * ((int64_t)y - 1970) + n / 4 - n / 100 + n / 400 -
	    97 - 477 + before[m - 1] + d - 1;
	if (m > 2 && syslog_leap(y))
		days++;
	return days;
}

/*
 * RFC 5424 section 6.2.3 TIMESTAMP (RFC 3339 with at most 6 fraction
 * digits, "Z" or a numeric offset) at p, within [p, end).  Stores ms
 * since the epoch and returns the end of the timestamp, or NULL when
 * there is none at p.  The grammar has no space, so a timestamp field
 * is well formed exactly when this returns the place of the space that
 * ends it.
 */
static const char *
syslog_parse_rfc3339(const char *p, const char *end, int64_t *ms)
{
	/* Digits in bytes 0-3, 5-6 of "YYYY-MM-DDThh:mm:ss"; 8-9, 11-12,
	   14-15 and 11-12, 14-15, 17-18 of the two words after. */
	const uint64_t	 m0 = 0x00ffff00ffffffffULL;
	const uint64_t	 m1 = 0xffff00ffff00ffffULL;
	const uint64_t	 t0 = (SYSLOG_ALL('0') & m0) | SYSLOG_AT('-', 4) |
			    SYSLOG_AT('-', 7);
	const uint64_t	 t1 = (SYSLOG_ALL('0') & m1) | SYSLOG_AT('t', 2) |
			    SYSLOG_AT(':', 5);
	const uint64_t	 t2 = (SYSLOG_ALL('0') & m1) | SYSLOG_AT(':', 2) |
			    SYSLOG_AT(':', 5);
	uint64_t	 x0, x1, x2;
	int		 y, mo, d, h, mi, s, oh, om, frac, nfrac;
	int64_t		 t;
	char		 sign;

	if (end - p < 20)	/* 19 bytes to the seconds, then a zone */
		return NULL;
	/*
	 * Xor with the expected text leaves each digit as its value (xor
	 * with '0' maps '0'..'9' and nothing else to 0..9) and each right
	 * separator as 0.  A byte above 9 sets bit 7 in itself or in its
	 * sum with 0x76; a carry out of a byte comes from one whose bit 7
	 * is set already.
	 */
	x0 = syslog_le64(p) ^ t0;
	x1 = (syslog_le64(p + 8) | SYSLOG_AT(0x20, 2)) ^ t1;	/* 'T', 't' */
	x2 = syslog_le64(p + 11) ^ t2;
	if ((((x0 + SYSLOG_ALL(0x76)) | x0 | (x1 + SYSLOG_ALL(0x76)) | x1 |
	    (x2 + SYSLOG_ALL(0x76)) | x2) & SYSLOG_ALL(0x80)) != 0 ||
	    (x0 & ~m0) != 0 || ((x1 | x2) & ~m1) != 0)
		return NULL;
#define SYSLOG_D2(q)	((q)[0] * 10 + (q)[1] - 11 * '0')
	y = SYSLOG_D2(p) * 100 + SYSLOG_D2(p + 2);
	mo = SYSLOG_D2(p + 5);
	d = SYSLOG_D2(p + 8);
	h = SYSLOG_D2(p + 11);
	mi = SYSLOG_D2(p + 14);
	s = SYSLOG_D2(p + 17);
#undef SYSLOG_D2
	if (mo < 1 || mo > 12 || d < 1 ||
	    (d > 28 && d > syslog_mdays(y, mo)) || h > 23 || mi > 59 || s > 60)
		return NULL;
	p += 19;
	frac = 0;
	if (*p == '.' && end - p >= 5 && syslog_d2(p + 1) >= 0 &&
	    syslog_isdigit(p[3]) && !syslog_isdigit(p[4])) {
		frac = syslog_d2(p + 1) * 10 + (p[3] - '0');
		p += 4;
	} else if (*p == '.') {
		p++;
		for (nfrac = 0; p < end && syslog_isdigit(*p); nfrac++, p++) {
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		}
		if (nfrac == 0 || nfrac > 6)
			return NULL;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	if (s == 60)
		s = 59;
	t = ((syslog_days(y, mo, d) * 24 + h) * 60 + mi) *
	    60000LL + s * 1000LL + frac;
	if (p == end)
		return NULL;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++;
		if (end - p < 5 || (oh = syslog_d2(p)) < 0 || p[2] != ':' ||
		    (om = syslog_d2(p + 3)) < 0 || oh > 23 || om > 59)
			return NULL;
		p += 5;
		if (sign == '+')
			t -= (oh * 60 + om) * 60000LL;
		else
			t += (oh * 60 + om) * 60000LL;
	} else
		return NULL;
	*ms = t;
	return p;
}

/*
 * The first space in [p, end), or end.  Where words are little-endian,
 * eight bytes at a time: a space is a zero byte after the xor, and the
 * lowest flag of the zero-byte test is exact.
 */
static const char *
syslog_span(const char *p, const char *end)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t	 x;

	for (; end - p >= 8; p += 8) {
		memcpy(&x, p, 8);
		x ^= 0x2020202020202020ULL;
		x = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
		if (x != 0)
			return p + (__builtin_ctzll(x) >> 3);
	}
#endif
	while (p < end && *p != ' ')
		p++;
	return p;
}

/*
 * Takes the next SP-terminated header field at *p.  "-" is the nil value
 * and yields a NULL pointer.  Returns false when the field is empty or
 * the frame ends before the separating space.
 */
static inline bool
syslog_field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char	*s = *p, *e;

	if (end - s >= 2 && s[0] == '-' && s[1] == ' ') {
		*f = NULL;
		*flen = 0;
		*p = s + 2;
		return true;
	}
	e = syslog_span(s, end);
	if (e == end || e == s)
		return false;
	*f = s;
	*flen = e - s;
	*p = e + 1;
	return true;
}

/*
 * RFC 5424 section 6.3 STRUCTURED-DATA: "-" or one or more
 * [SD-ID *(SP PARAM-NAME="PARAM-VALUE")] where '"', '\' and ']' are
 * escaped with '\' inside values.  Returns the end of the SD, or NULL when
 * it is unterminated or malformed.
 */
static const char *
syslog_skip_sd(const char *p, const char *end)
{
	bool		 quoted;

	if (p < end && *p == '-')
		return p + 1;
	if (p == end || *p != '[')
		return NULL;
	while (p < end && *p == '[') {
		quoted = false;
		for (p++; p < end; p++) {
			if (quoted) {
				if (*p == '\\' && p + 1 < end)
					p++;
				else if (*p == '"')
					quoted = false;
			} else if (*p == '"')
				quoted = true;
			else if (*p == ']')
				break;
		}
		if (p == end)
			return NULL;
		p++;
	}
	return p;
}

/* RFC 5424 section 6: everything after "<PRI>1 ". */
static int
syslog_parse_5424(const char *p, const char *end, struct syslog_msg *out,
    const char **reason)
{
	const char	*procid, *msgid, *e;
	size_t		 plen, mlen;

	out->fmt = SYSLOG_FMT_5424;
	if (end - p >= 2 && p[0] == '-' && p[1] == ' ')
		p += 2;
	else if ((e = syslog_parse_rfc3339(p, end, &out->time_ms)) != NULL &&
	    e < end && *e == ' ')
		p = e + 1;
	else {
		out->time_ms = 0;
		*reason = "bad_timestamp";
		return -1;
	}
	if (!syslog_field(&p, end, &out->host, &out->host_len) ||
	    !syslog_field(&p, end, &out->app, &out->app_len))
		goto bad_header;
	if (end - p >= 8 &&
	    (syslog_le64(p) & 0xffffffffffffULL) == SYSLOG_NIL3) {
		/* Nil PROCID, MSGID and STRUCTURED-DATA, then the SP. */
		p += 6;
		goto msg;
	}
	if (!syslog_field(&p, end, &procid, &plen) ||
	    !syslog_field(&p, end, &msgid, &mlen))
		goto bad_header;
	if ((p = syslog_skip_sd(p, end)) == NULL ||
	    (p < end && *p != ' ')) {
		*reason = "bad_structured_data";
		return -1;
	}
	if (p < end)
		p++;
msg:
	if (end - p >= 3 && p[0] == '\xef' && p[1] == '\xbb' && p[2] == '\xbf')
		p += 3;
	out->msg = p;
	out->msg_len = end - p;
	return 0;

bad_header:
	*reason = "bad_header";
	return -1;
}

/*
 * RFC 3164 section 4.1.2 TIMESTAMP "Mmm dd hh:mm:ss" (day space-padded)
 * followed by a space.  Advances *p past it and stores ms since the epoch,
 * in UTC, in the year of now_ms, or the year before when that would put it
 * more than a month in the future.  Returns false when it is not there.
 */
static bool
syslog_parse_3164_time(const char **p, const char *end, int64_t now_ms,
    int64_t *ms)
{
	const char	*s = *p;
	int		 m, d, h, mi, sec, year;
	int64_t		 t;

	if (end - s < 16)
		return false;
	for (m = 0; m < 12; m++)
		if (memcmp(s, syslog_months[m], 3) == 0)
			break;
	if (m == 12 || s[3] != ' ')
		return false;
	s += 4;
	if (*s == ' ')
		s++;
	if (syslog_isdigit(s[0]) && syslog_isdigit(s[1]))
		d = (s[0] - '0') * 10 + (s[1] - '0'), s += 2;
	else if (syslog_isdigit(s[0]))
		d = s[0] - '0', s++;
	else
		return false;
	if (end - s < 10 || *s++ != ' ' ||
	    !syslog_digits(&s, end, 2, &h) || *s++ != ':' ||
	    !syslog_digits(&s, end, 2, &mi) || *s++ != ':' ||
	    !syslog_digits(&s, end, 2, &sec) || s == end || *s != ' ')
		return false;
	if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	if (sec == 60)
		sec = 59;
	year = syslog_year_of(now_ms);
	if (d > syslog_mdays(year, m + 1))
		year--;		/* Feb 29 from last (leap) year */
	t = syslog_epoch_ms(year, m + 1, d, h, mi, sec);
	if (t > now_ms + SYSLOG_FUTURE_MS) {
		year--;
		t = syslog_epoch_ms(year, m + 1, d, h, mi, sec);
	}
	*ms = t;
	*p = s + 1;
	return true;
}

/* A bare document: JSON object or Windows event XML. */
static bool
syslog_is_doc(const char *p, const char *end)
{
	size_t		 n = end - p;

	return (n >= 1 && *p == '{') ||
	    (n >= 6 && memcmp(p, "<Event", 6) == 0) ||
	    (n >= 5 && memcmp(p, "<?xml", 5) == 0);
}

/*
 * A TAG in the RFC 3164 sense as senders write it: "app:", "app[pid]:" or
 * "app[pid]".  Returns the length of the name part, 0 when tok is not one.
 */
static size_t
syslog_tag_len(const char *tok, size_t len)
{
	const char	*b;

	if (len >= 2 && tok[len - 1] == ':')
		len--;
	else if (len < 3 || tok[len - 1] != ']')
		return 0;
	if (tok[len - 1] == ']') {
		b = memchr(tok, '[', len);
		if (b == NULL || b == tok)
			return 0;
		return b - tok;
	}
	if (memchr(tok, '[', len) != NULL || memchr(tok, ']', len) != NULL)
		return 0;
	return len;
}

/*
 * RFC 3164 section 4.1.3 MSG after the timestamp: "HOSTNAME TAG: MSG",
 * where real senders may leave out the hostname, the tag or both.
 */
static void
syslog_parse_3164_rest(const char *p, const char *end, struct syslog_msg *out)
{
	const char	*sp;
	size_t		 toklen, taglen;
	int		 i;

	for (i = 0; i < 2; i++) {
		if (p == end || syslog_is_doc(p, end))
			break;
		sp = memchr(p, ' ', end - p);
		toklen = sp != NULL ? (size_t)(sp - p) : (size_t)(end - p);
		if (toklen == 0)
			break;
		if ((taglen = syslog_tag_len(p, toklen)) != 0) {
			out->app = p;
			out->app_len = taglen;
			p += toklen;
			if (p < end)
				p++;
			break;
		}
		if (i == 1 || sp == NULL)
			break;
		out->host = p;
		out->host_len = toklen;
		p = sp + 1;
	}
	out->msg = p;
	out->msg_len = end - p;
}

int
syslog_parse(const char *buf, size_t len, int64_t now_ms,
    struct syslog_msg *out, const char **reason)
{
	const char	*p = buf, *end = buf + len;
	int		 pri, n;

	memset(out, 0, sizeof(*out));
	out->fmt = SYSLOG_FMT_NONE;
	out->pri = -1;
	out->msg = buf;
	out->msg_len = len;
	*reason = NULL;

	while (p < end && syslog_isspace(*p))
		p++;
	if (end - p < 2 || *p != '<' || !syslog_isdigit(p[1])) {
		/* Not "<" DIGIT: a document, no header, or a bad PRI. */
		if (syslog_is_doc(p, end)) {
			out->msg = p;
			out->msg_len = end - p;
			return 0;
		}
		if (p == end || *p != '<')
			return 0;
	}

	/* RFC 5424 section 6.2.1 / RFC 3164 section 4.1.1: "<" 1*3DIGIT ">" */
	p++;
	if (end - p >= 3 && syslog_isdigit(p[0]) && syslog_isdigit(p[1]) &&
	    p[2] == '>') {
		pri = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
	} else {
		for (pri = 0, n = 0; n < 4 && p < end && syslog_isdigit(*p);
		    p++, n++)
			pri = pri * 10 + (*p - '0');
		if (n == 0 || n > 3 || p == end || *p != '>') {
			*reason = "bad_pri";
			return -1;
		}
	}
	if (pri > SYSLOG_PRI_MAX) {
		*reason = "bad_pri";
		return -1;
	}
	out->pri = pri;
	p++;

	if (end - p >= 2 && p[0] == '1' && p[1] == ' ')
		return syslog_parse_5424(p + 2, end, out, reason);
	if (syslog_is_doc(p, end)) {
		out->msg = p;
		out->msg_len = end - p;
		return 0;
	}

	out->fmt = SYSLOG_FMT_3164;
	if (syslog_parse_3164_time(&p, end, now_ms, &out->time_ms))
		syslog_parse_3164_rest(p, end, out);
	else {
		out->msg = p;
		out->msg_len = end - p;
	}
	return 0;
}
