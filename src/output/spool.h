/*
 * Durable on-disk spool of alerts (SPEC 5): an alert counts as emitted once
 * spool_append() returns 0 and leaves the spool when spool_ack() says HEC
 * took it.  Records are handed out in sequence order through a cursor; the
 * record format and the recovery rules are described in spool.c.  No
 * libevent here: the caller runs spool_sync() from a timer.
 *
 * Intended use by the HEC sink: spool_append() every alert as it is
 * submitted and keep its seq with the in-memory copy (if the append
 * fails, keep the alert in memory only); spool_ack() each seq once HEC
 * accepted it (and acknowledged it, with indexer acks).  At start-up, or
 * when memory copies were shed, read the backlog with a cursor
 * (spool_cursor_init(), spool_next()) and send it the same way.  Pause
 * the TCP listeners while spool_high_water() holds.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPOOL_H
#define HECSENTRY_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPOOL_MAX_BYTES_DEFAULT		(256ULL * 1024 * 1024)
#define SPOOL_SEGMENT_BYTES_DEFAULT	(4U * 1024 * 1024)
#define SPOOL_SEGMENT_BYTES_MIN		(4U * 1024)
#define SPOOL_SEGMENT_BYTES_MAX		(256U * 1024 * 1024)
#define SPOOL_HIGH_WATER_DEFAULT	0.8
#define SPOOL_RECORD_MAX		(1U * 1024 * 1024)	/* payload */

enum spool_fsync {
	SPOOL_FSYNC_BATCH = 0,		/* caller calls spool_sync() */
	SPOOL_FSYNC_ALWAYS,		/* fdatasync() on every append/ack */
	SPOOL_FSYNC_NEVER		/* the OS decides */
};

/* Zero fields take the defaults above. */
struct spool_options {
	uint64_t	 max_bytes;	/* bound on segment bytes on disk */
	uint32_t	 segment_bytes;	/* rotate past this size */
	double		 high_water;	/* fraction of max_bytes, (0, 1] */
	enum spool_fsync fsync;
};

struct spool_counters {
	uint64_t	 appended;	/* records written */
	uint64_t	 acked;		/* records acknowledged */
	uint64_t	 replayed;	/* unacked records found at open */
	uint64_t	 dropped_full;	/* unacked records lost: spool full */
	uint64_t	 dropped_bytes;	/* their bytes, headers included */
	uint64_t	 corrupt_records; /* torn or damaged regions skipped */
	uint64_t	 corrupt_bytes;	/* bytes in them */
	uint64_t	 fsyncs;	/* fsync/fdatasync calls */
	uint64_t	 fsync_errors;
	uint64_t	 write_errors;	/* failed appends (ENOSPC, EIO...) */
	uint64_t	 read_errors;	/* failed reads of a record */
	uint64_t	 oversize;	/* appends refused: record too big */
};

/* Where a reader is: the next sequence number it wants. */
struct spool_cursor {
	uint64_t	 seq;
};

/* A record handed out by spool_peek()/spool_next(). */
struct spool_record {
	uint64_t	 seq;
	const char	*data;		/* NUL-terminated, see spool_peek() */
	size_t		 len;
};

/* Result of spool_scan_buffer(). */
struct spool_scan {
	uint64_t	 records;	/* valid records found */
	uint64_t	 last_seq;	/* of the last valid one, or floor */
	size_t		 valid_end;	/* offset just past it, or 0 */
	uint64_t	 corrupt_records; /* damaged regions skipped */
	uint64_t	 corrupt_bytes;	/* bytes in them */
};

struct spool;

/*
 * Opens (creating it mode 0700 if missing) and recovers the spool in dir:
 * every segment is scanned, damage is counted, logged and cut off, acked
 * records are forgotten.  opts may be NULL.  Returns NULL with a message
 * in *errstr (caller frees) on a bad option, an unusable directory, or a
 * directory locked by another process.
 */
struct spool	*spool_open(const char *dir, const struct spool_options *opts,
		    char **errstr);

/* Syncs what is pending (unless the policy is "never"), frees.  NULL ok. */
void		 spool_free(struct spool *sp);

/*
 * Appends one record (data is copied; len at most SPOOL_RECORD_MAX).
 * Drops the oldest segments first when it would not fit under max_bytes.
 * On success stores its sequence number in *seq (may be NULL) and returns
 * 0; the record is on disk now and durable after the next spool_sync()
 * (policy "batch") or already (policy "always").  Returns -1 with errno
 * set on a disk error or an oversize record; nothing is kept then and
 * the caller still owns the alert.
 */
int		 spool_append(struct spool *sp, const void *data, size_t len,
		    uint64_t *seq);

/*
 * Flushes appends and acks written since the last call to stable storage
 * (fdatasync, and the directory after a new segment).  Cheap when nothing
 * is pending.  Returns 0, or -1 if any flush failed (counted, logged).
 */
int		 spool_sync(struct spool *sp);

/*
 * Marks record seq delivered.  Acks may come in any order; a segment is
 * deleted once all its records are acked and it is no longer written.
 * Acking an unknown, dropped or already acked seq does nothing.  Returns
 * 0, or -1 if the ack could not be written (it still holds in memory;
 * after a restart the record may then be delivered twice).
 */
int		 spool_ack(struct spool *sp, uint64_t seq);

/* Points c at the oldest record. */
void		 spool_cursor_init(struct spool *sp, struct spool_cursor *c);

/*
 * Finds the first unacked record with a sequence number >= c->seq and
 * fills *rec.  rec->data stays valid until the next call on sp.  Returns
 * 1 with a record, 0 at the end, -1 on a read error (counted; the record
 * is skipped, so calling again moves on).  spool_next() does the same and
 * then moves c past the record.
 */
int		 spool_peek(struct spool *sp, const struct spool_cursor *c,
		    struct spool_record *rec);
int		 spool_next(struct spool *sp, struct spool_cursor *c,
		    struct spool_record *rec);

/* Unacked records, and bytes of segments on disk. */
uint64_t	 spool_depth(const struct spool *sp);
uint64_t	 spool_bytes(const struct spool *sp);

/* True while unacked bytes exceed high_water * max_bytes. */
bool		 spool_high_water(const struct spool *sp);

void		 spool_get_counters(const struct spool *sp,
		    struct spool_counters *c);

/*
 * Parses a segment image (pure; for recovery and the fuzzer): calls
 * cb(seq, payload, len, offset, arg) for each valid record in order whose
 * seq is above after_seq and above the previous one, skips and counts
 * damaged regions.  cb may be NULL.  Returns res->records.
 */
uint64_t	 spool_scan_buffer(const char *buf, size_t len,
		    uint64_t after_seq,
		    void (*cb)(uint64_t, const char *, size_t, size_t, void *),
		    void *arg, struct spool_scan *res);

/* Parses "always", "batch" or "never".  0, or -1 if unknown. */
int		 spool_parse_fsync(const char *s, enum spool_fsync *out);

#endif /* HECSENTRY_SPOOL_H */
