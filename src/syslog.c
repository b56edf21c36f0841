/*
 * Copyright (c) 2026 The hecsentry developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS.
 */

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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event.h"
#include "syslog.h"

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

/* Consumes one character at *p if it is one of those in set. */
static bool
syslog_expect(const char **p, const char *end, const char *set)
{
	if (*p == end || **p == '\0')
		return false;
	for (; *set != '\0'; set++)	/* sets are a few bytes: no strchr() */
		if (*set == **p) {
			(*p)++;
			return true;
		}
	return false;
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
	return ((event_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL +
	    s * 1000LL;
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

/*
 * RFC 5424 section 6.2.3 TIMESTAMP (RFC 3339 with at most 6 fraction
 * digits, "Z" or a numeric offset), ending at end.  Stores ms since the
 * epoch.  Returns false when malformed.
 */
static bool
syslog_parse_rfc3339(const char *p, const char *end, int64_t *ms)
{
	int		 y, mo, d, h, mi, s, oh, om, frac, nfrac;
	int64_t		 t;
	char		 sign;

	if (!syslog_digits(&p, end, 4, &y) || !syslog_expect(&p, end, "-") ||
	    !syslog_digits(&p, end, 2, &mo) || !syslog_expect(&p, end, "-") ||
	    !syslog_digits(&p, end, 2, &d) || !syslog_expect(&p, end, "Tt") ||
	    !syslog_digits(&p, end, 2, &h) || !syslog_expect(&p, end, ":") ||
	    !syslog_digits(&p, end, 2, &mi) || !syslog_expect(&p, end, ":") ||
	    !syslog_digits(&p, end, 2, &s))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > syslog_mdays(y, mo) ||
	    h > 23 || mi > 59 || s > 60)
		return false;
	frac = 0;
	if (p < end && *p == '.') {
		p++;
		for (nfrac = 0; p < end && syslog_isdigit(*p); nfrac++, p++) {
			if (nfrac < 3)
				frac = frac * 10 + (*p - '0');
		}
		if (nfrac == 0 || nfrac > 6)
			return false;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	if (s == 60)
		s = 59;
	t = syslog_epoch_ms(y, mo, d, h, mi, s) + frac;
	if (p == end)
		return false;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++;
		if (!syslog_digits(&p, end, 2, &oh) ||
		    !syslog_expect(&p, end, ":") ||
		    !syslog_digits(&p, end, 2, &om) ||
		    oh > 23 || om > 59)
			return false;
		if (sign == '+')
			t -= (oh * 60 + om) * 60000LL;
		else
			t += (oh * 60 + om) * 60000LL;
	} else
		return false;
	if (p != end)
		return false;
	*ms = t;
	return true;
}

/*
 * Takes the next SP-terminated header field at *p.  "-" is the nil value
 * and yields a NULL pointer.  Returns false when the frame ends before the
 * separating space.
 */
static bool
syslog_field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char	*s = *p, *e;

	e = memchr(s, ' ', end - s);
	if (e == NULL || e == s)
		return false;
	if (e - s == 1 && *s == '-') {
		*f = NULL;
		*flen = 0;
	} else {
		*f = s;
		*flen = e - s;
	}
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
	const char	*ts, *procid, *msgid;
	size_t		 tslen, plen, mlen;

	out->fmt = SYSLOG_FMT_5424;
	if (!syslog_field(&p, end, &ts, &tslen)) {
		*reason = "bad_timestamp";
		return -1;
	}
	if (ts != NULL && !syslog_parse_rfc3339(ts, ts + tslen,
	    &out->time_ms)) {
		*reason = "bad_timestamp";
		return -1;
	}
	if (!syslog_field(&p, end, &out->host, &out->host_len) ||
	    !syslog_field(&p, end, &out->app, &out->app_len) ||
	    !syslog_field(&p, end, &procid, &plen) ||
	    !syslog_field(&p, end, &msgid, &mlen)) {
		*reason = "bad_header";
		return -1;
	}
	if ((p = syslog_skip_sd(p, end)) == NULL ||
	    (p < end && *p != ' ')) {
		*reason = "bad_structured_data";
		return -1;
	}
	if (p < end)
		p++;
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	out->msg = p;
	out->msg_len = end - p;
	return 0;
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
	if (syslog_is_doc(p, end)) {
		out->msg = p;
		out->msg_len = end - p;
		return 0;
	}
	if (p == end || *p != '<')
		return 0;

	/* RFC 5424 section 6.2.1 / RFC 3164 section 4.1.1: "<" 1*3DIGIT ">" */
	p++;
	for (pri = 0, n = 0; p < end && syslog_isdigit(*p) && n < 4; p++, n++)
		pri = pri * 10 + (*p - '0');
	if (n == 0 || n > 3 || pri > SYSLOG_PRI_MAX || p == end || *p != '>') {
		*reason = "bad_pri";
		return -1;
	}
	out->pri = pri;
	p++;

	if (syslog_is_doc(p, end)) {
		out->msg = p;
		out->msg_len = end - p;
		return 0;
	}
	if (end - p >= 2 && p[0] == '1' && p[1] == ' ')
		return syslog_parse_5424(p + 2, end, out, reason);

	out->fmt = SYSLOG_FMT_3164;
	if (syslog_parse_3164_time(&p, end, now_ms, &out->time_ms))
		syslog_parse_3164_rest(p, end, out);
	else {
		out->msg = p;
		out->msg_len = end - p;
	}
	return 0;
}
