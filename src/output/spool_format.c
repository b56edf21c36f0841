/*
 * The spool's on-disk formats, pure (no I/O): records, ack entries and
 * file names, and the scan that recovery and the fuzzer run over a
 * segment image.
 *
 * A record is a 24-byte header and the payload (one alert's JSON), all
 * integers little-endian:
 *	magic	4 bytes	f9 'H' 'S' 'R' (0xf9 never occurs in UTF-8 text)
 *	length	u32	payload bytes, at most SPOOL_RECORD_MAX
 *	seq	u64	strictly increasing across segments, from 1
 *	crc	u32	zlib crc32 of the payload
 *	hcrc	u32	zlib crc32 of the 20 header bytes before it
 * The header has its own checksum so that a scan can trust a header's
 * length without reading the payload: a damaged payload is then skipped
 * exactly, and resynchronising costs one 20-byte checksum per candidate
 * magic, which keeps any scan linear in the file size.
 *
 * An ack file is a list of 12-byte entries: the acked seq (u64) and the
 * crc32 of those 8 bytes.  Acks are appended in any order; a segment and
 * its ack file are unlinked (segment first) once every record in it is
 * acked and it is no longer the segment being written.  A crash between
 * the two unlinks leaves an ack file without a segment, removed at open.
 *
 * Segment files are named "%08x.seg" and their ack files "%08x.ack"
 * (lower-case hex).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "output/spool.h"
#include "output/spool_format.h"

static const unsigned char spool_magic[4] = { 0xf9, 'H', 'S', 'R' };

void
spool_put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

void
spool_put64(unsigned char *p, uint64_t v)
{
	spool_put32(p, (uint32_t)v);
	spool_put32(p + 4, (uint32_t)(v >> 32));
}

uint32_t
spool_get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t
spool_get64(const unsigned char *p)
{
	return (uint64_t)spool_get32(p) | (uint64_t)spool_get32(p + 4) << 32;
}

uint32_t
spool_crc(const void *p, size_t len)
{
	return (uint32_t)crc32(0L, (const Bytef *)p, (uInt)len);
}

/* Writes a record header for a payload of len bytes into h. */
void
spool_hdr_encode(unsigned char *h, const void *data, size_t len,
    uint64_t seq)
{
	memcpy(h, spool_magic, sizeof(spool_magic));
	spool_put32(h + 4, (uint32_t)len);
	spool_put64(h + 8, seq);
	spool_put32(h + 16, spool_crc(data, len));
	spool_put32(h + 20, spool_crc(h, 20));
}

/* True if the SPOOL_HDR bytes at h are a header: magic and hcrc. */
int
spool_hdr_ok(const unsigned char *h)
{
	return memcmp(h, spool_magic, sizeof(spool_magic)) == 0 &&
	    spool_get32(h + 20) == spool_crc(h, 20);
}

/* Offset of the next magic at or after from, or len if none. */
static size_t
spool_find_magic(const unsigned char *p, size_t len, size_t from)
{
	const unsigned char	*q;

	while (from < len) {
		q = memchr(p + from, spool_magic[0], len - from);
		if (q == NULL)
			break;
		from = (size_t)(q - p);
		if (len - from < sizeof(spool_magic))
			break;
		if (memcmp(q, spool_magic, sizeof(spool_magic)) == 0)
			return from;
		from++;
	}
	return len;
}

/* Ends the damaged region that started at *bad, if any, at end. */
static void
spool_scan_close(struct spool_scan *res, size_t *bad, size_t end)
{
	if (*bad == SIZE_MAX)
		return;
	res->corrupt_records++;
	res->corrupt_bytes += end - *bad;
	*bad = SIZE_MAX;
}

uint64_t
spool_scan_buffer(const char *buf, size_t len, uint64_t after_seq,
    void (*cb)(uint64_t, const char *, size_t, size_t, void *), void *arg,
    struct spool_scan *res)
{
	const unsigned char	*p = (const unsigned char *)buf;
	const unsigned char	*h;
	size_t			 off = 0, bad = SIZE_MAX, plen;
	uint64_t		 seq, last = after_seq;

	memset(res, 0, sizeof(*res));
	while (off < len) {
		h = p + off;
		if (len - off < SPOOL_HDR || !spool_hdr_ok(h) ||
		    (plen = spool_get32(h + 4)) > SPOOL_RECORD_MAX ||
		    plen > len - off - SPOOL_HDR) {
			if (bad == SIZE_MAX)
				bad = off;
			off = spool_find_magic(p, len, off + 1);
			continue;
		}
		seq = spool_get64(h + 8);
		if (seq <= last ||
		    spool_get32(h + 16) != spool_crc(h + SPOOL_HDR, plen)) {
			/* The header vouches for the length. */
			if (bad == SIZE_MAX)
				bad = off;
			off += SPOOL_HDR + plen;
			continue;
		}
		spool_scan_close(res, &bad, off);
		if (cb != NULL)
			cb(seq, buf + off + SPOOL_HDR, plen, off, arg);
		res->records++;
		last = seq;
		off += SPOOL_HDR + plen;
		res->valid_end = off;
	}
	spool_scan_close(res, &bad, len);
	res->last_seq = last;
	return res->records;
}

int
spool_parse_fsync(const char *s, enum spool_fsync *out)
{
	if (strcmp(s, "batch") == 0)
		*out = SPOOL_FSYNC_BATCH;
	else if (strcmp(s, "always") == 0)
		*out = SPOOL_FSYNC_ALWAYS;
	else if (strcmp(s, "never") == 0)
		*out = SPOOL_FSYNC_NEVER;
	else
		return -1;
	return 0;
}

void
spool_name(char *name, uint32_t id, const char *ext)
{
	snprintf(name, SPOOL_NAMELEN, "%08" PRIx32 ".%s", id, ext);
}

/*
 * Parses a spool file name: 8 lower-case hex digits and ".seg" or ".ack".
 * Returns 1 for a segment, 2 for an ack file, 0 for anything else.
 */
int
spool_parse_name(const char *name, uint32_t *id)
{
	size_t		 i;
	uint32_t	 v = 0;

	for (i = 0; i < 8; i++) {
		if (name[i] >= '0' && name[i] <= '9')
			v = v << 4 | (uint32_t)(name[i] - '0');
		else if (name[i] >= 'a' && name[i] <= 'f')
			v = v << 4 | (uint32_t)(name[i] - 'a' + 10);
		else
			return 0;
	}
	*id = v;
	if (strcmp(name + 8, ".seg") == 0)
		return 1;
	if (strcmp(name + 8, ".ack") == 0)
		return 2;
	return 0;
}
