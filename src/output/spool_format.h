/*
 * The spool's on-disk formats (spool_format.c), for spool.c only: record
 * headers, ack entries, little-endian integers, file names.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPOOL_FORMAT_H
#define HECSENTRY_SPOOL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_HDR	24		/* record header bytes */
#define SPOOL_ACK	12		/* ack entry bytes */
#define SPOOL_NAMELEN	16		/* "%08x.seg" and NUL */

void		 spool_put32(unsigned char *p, uint32_t v);
void		 spool_put64(unsigned char *p, uint64_t v);
uint32_t	 spool_get32(const unsigned char *p);
uint64_t	 spool_get64(const unsigned char *p);
/* zlib crc32 of len bytes at p. */
uint32_t	 spool_crc(const void *p, size_t len);
/* Writes the SPOOL_HDR-byte header of payload data (len bytes) into h. */
void		 spool_hdr_encode(unsigned char *h, const void *data,
		    size_t len, uint64_t seq);
/* True if the SPOOL_HDR bytes at h are a header: magic and hcrc. */
int		 spool_hdr_ok(const unsigned char *h);
/* Writes "%08x.ext" into name (SPOOL_NAMELEN bytes). */
void		 spool_name(char *name, uint32_t id, const char *ext);
/* 1 for "%08x.seg", 2 for "%08x.ack" (id stored), 0 for other names. */
int		 spool_parse_name(const char *name, uint32_t *id);

#endif /* HECSENTRY_SPOOL_FORMAT_H */
