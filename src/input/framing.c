/*
 * The RFC 6587 framer (framing.h): cuts one TCP stream into syslog
 * messages in place, octet-counted or LF/NUL-terminated, decided per
 * frame, with oversize frames counted and skipped.  Pure: it never reads
 * a socket, allocates or touches libevent, so the tests and the fuzzer
 * drive it with plain buffers.  The AVX2 search for the end of a line is
 * in framing_avx2.c, chosen once at start-up.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "input/framing.h"
#include "input/framing_avx2.h"
#include "log.h"

/*
 * RFC 6587 section 3.4.1 octet counting: "MSG-LEN SP SYSLOG-MSG" at p,
 * with MSG-LEN at most FRAMING_LEN_DIGITS digits.  Returns the bytes
 * consumed (a frame, or the prefix of an oversize one, whose body is
 * then skipped), 0 when more bytes are needed, -1 on a bad prefix.
 */
static long
framing_scan_octet(struct framing *st, const char *p, size_t avail,
    framing_fn cb, void *arg, bool *stop)
{
	size_t		 i, n;
	uint64_t	 len = 0;

	n = avail < FRAMING_LEN_DIGITS + 1 ? avail : FRAMING_LEN_DIGITS + 1;
	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		len = len * 10 + (p[i] - '0');
	if (i == n)
		return n < FRAMING_LEN_DIGITS + 1 ? 0 : -1;
	if (p[i] != ' ')
		return -1;
	if (len > st->max_frame) {
		st->oversize++;
		st->skip = len;
		return i + 1;
	}
	if (avail < i + 1 + len)
		return 0;
	if (len > 0)
		*stop = cb(p + i + 1, len, arg) != 0;
	return i + 1 + len;
}

/*
 * The first LF or NUL in [p, end), or NULL: one pass where two memchr()
 * calls used to be.  Eight bytes at a time: (x - 0x01..) & ~x & 0x80..
 * flags exactly the zero bytes of x, plus possibly bytes above a flagged
 * one, so the lowest flag of x and of x ^ 0x0a.. is the byte wanted.
 * With AVX2, 32 bytes or more go to framing_avx2.c instead.
 */
static const char *
framing_find_eol(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 x, y, r;
#endif

#ifdef FRAMING_AVX2
	if (end - p >= 32 && framing_avx2)
		return framing_find_eol_avx2(p, end);
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		memcpy(&x, p, 8);
		y = x ^ (ones * '\n');
		r = (((x - ones) & ~x) | ((y - ones) & ~y)) & high;
		if (r != 0)
			return p + (__builtin_ctzll(r) >> 3);
		p += 8;
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' || *p == '\0')
			return p;
	return NULL;
}

/*
 * RFC 6587 section 3.4.2 non-transparent framing: the frame at p ends at
 * LF or NUL, a CR before the terminator is dropped.  A frame longer than
 * max_frame is counted and dropped through the next LF.  Returns the
 * bytes consumed, 0 when more are needed.
 */
static size_t
framing_scan_line(struct framing *st, const char *p, size_t avail,
    framing_fn cb, void *arg, bool *stop)
{
	const char	*lf;
	size_t		 limit, end, pos, flen;

	limit = st->max_frame + 2;	/* frame, CR, terminator */
	end = avail < limit ? avail : limit;
	lf = NULL;
	if (st->scanned < end)
		lf = framing_find_eol(p + st->scanned, p + end);
	if (lf == NULL) {
		if (avail < limit) {
			st->scanned = avail;
			return 0;
		}
		/* bytes past limit may hold the LF that ends this frame */
		st->oversize++;
		st->scanned = 0;
		st->discard = true;
		return limit;
	}
	st->scanned = 0;
	pos = lf - p;
	flen = pos;
	if (flen > 0 && p[flen - 1] == '\r')
		flen--;
	if (flen > st->max_frame)
		st->oversize++;
	else if (flen > 0)
		*stop = cb(p, flen, arg) != 0;
	return pos + 1;
}

int
framing_scan(struct framing *st, const char *buf, size_t len,
    framing_fn cb, void *arg, size_t *used)
{
	const char	*lf;
	size_t		 off = 0, n;
	long		 rc;
	bool		 stop = false;

	while (!stop && off < len) {
		if (st->skip > 0) {
			n = len - off < st->skip ? len - off : st->skip;
			off += n;
			st->skip -= n;
			continue;
		}
		if (st->discard) {
			if ((lf = memchr(buf + off, '\n', len - off)) == NULL) {
				off = len;
				break;
			}
			off = lf - buf + 1;
			st->discard = false;
			continue;
		}
		if (buf[off] >= '0' && buf[off] <= '9') {
			rc = framing_scan_octet(st, buf + off, len - off, cb,
			    arg, &stop);
			if (rc == -1) {
				*used = off;
				return -1;
			}
			n = rc;
		} else
			n = framing_scan_line(st, buf + off, len - off, cb, arg,
			    &stop);
		if (n == 0)
			break;
		off += n;
	}
	*used = off;
	return 0;
}

void
framing_finish(struct framing *st, const char *buf, size_t len,
    framing_fn cb, void *arg)
{
	if (len == 0 || st->skip > 0 || st->discard)
		return;
	if (buf[0] >= '0' && buf[0] <= '9') {
		log_debug("%zu bytes of a truncated octet-counted frame at EOF",
		    len);
		return;
	}
	if (buf[len - 1] == '\r')
		len--;
	if (len > st->max_frame)
		st->oversize++;
	else if (len > 0)
		(void)cb(buf, len, arg);
}
