/*
 * The durable alert spool (SPEC 5, "no alert lost").  The spool directory
 * holds segment files "%08x.seg", written append-only and rotated past
 * segment_bytes, each with an optional ack side file "%08x.ack", and a
 * "spool.lock" file holding a POSIX record lock so that two daemons never
 * share a spool.  Other names are ignored.
 *
 * The record and ack-entry formats are described in spool_format.c.
 *
 * Durability: with fsync "always" each append and ack is fdatasync()ed
 * before the call returns; with "batch" the caller runs spool_sync() from
 * a timer; with "never" the kernel writes back when it likes.  A new
 * segment's directory entry is synced the same way.
 *
 * Recovery (spool_open): every segment is read and parsed by the pure
 * spool_scan_buffer().  A region that is not a valid record (bad magic,
 * header checksum, payload checksum, a length past the end, a sequence
 * number not above the previous one) is skipped: the scan resumes at the
 * next magic whose header checks, or right after a record whose header
 * checks but whose payload does not.  Each region counts once in
 * corrupt_records with its bytes in corrupt_bytes, and one line per
 * segment is logged.  A damaged tail (a torn last write) is truncated
 * away; a segment with no valid record left is unlinked.  Appends always
 * go to a fresh segment after a restart.  Unacked records are then handed
 * out in seq order: delivery is at-least-once, HEC removes duplicates by
 * the alert id inside the JSON.  After a restart with an empty spool,
 * sequence numbers start again at 1.
 *
 * Bounds: the bytes of all segment files stay under max_bytes; an append
 * that would pass it first drops the oldest segments whole, counting the
 * unacked records and bytes lost and logging one summary line.  The
 * high-water mark is on unacked bytes.  Memory holds a 24-byte index
 * entry per record, never payloads, plus one record buffer.  Only the
 * segment being written (and segments awaiting their batch sync) keep a
 * descriptor open; reads share one cached descriptor.
 *
 * Not here: deciding what to spool or when to resend (hec.c and sink.c),
 * timers (the caller drives spool_sync()), compression.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "output/spool.h"
#include "output/spool_format.h"
#include "xmalloc.h"

#define SPOOL_LOCKNAME	"spool.lock"
/* Largest segment file read at open; the rest counts as damage. */
#define SPOOL_FILE_MAX	((size_t)SPOOL_SEGMENT_BYTES_MAX + SPOOL_HDR + \
			    SPOOL_RECORD_MAX)

struct spool_rec {
	uint64_t	 seq;
	uint32_t	 off;		/* of the header in the segment */
	uint32_t	 len;		/* payload bytes */
	int		 acked;		/* delivered, or given up */
};

struct spool_seg {
	uint32_t	 id;		/* names the .seg and .ack files */
	struct spool_rec *recs;		/* in seq order */
	size_t		 nrecs;
	size_t		 caprecs;
	size_t		 nacked;	/* recs with acked set */
	uint64_t	 size;		/* bytes of the .seg file */
	int		 fd;		/* .seg read-write, or -1 */
	int		 ackfd;		/* .ack append, or -1 */
	uint64_t	 acksize;	/* where the next ack entry goes */
	int		 dirty;		/* appends not yet synced */
	int		 ackdirty;	/* acks not yet synced */
};

struct spool {
	int		 dirfd;		/* the spool directory */
	int		 lockfd;	/* holds the lock */
	struct spool_options opts;		/* defaults applied */
	struct spool_seg **segs;	/* oldest first */
	size_t		 nsegs;
	size_t		 capsegs;
	struct spool_seg *active;	/* appended to, or NULL */
	uint32_t	 next_id;	/* of the next new segment */
	uint64_t	 next_seq;	/* of the next append */
	uint64_t	 depth;		/* unacked records */
	uint64_t	 bytes;		/* all segment bytes */
	uint64_t	 pending;	/* unacked record bytes */
	int		 dirdirty;	/* directory entries not synced */
	int		 failing;	/* last append failed (log once) */
	int		 rfd;		/* cached read descriptor, or -1 */
	uint32_t	 rid;		/* its segment */
	char		*buf;		/* record buffer */
	size_t		 bufsz;
	struct spool_counters c;
};

/* fdatasync(fd), counted.  0 or -1 (logged). */
static int
spool_flush(struct spool *sp, int fd, const char *what)
{
	sp->c.fsyncs++;
	if (fdatasync(fd) == -1) {
		sp->c.fsync_errors++;
		log_warn("spool: sync of %s", what);
		return -1;
	}
	return 0;
}

/* Syncs the directory now ("always") or at the next spool_sync(). */
static int
spool_dir_changed(struct spool *sp)
{
	if (sp->opts.fsync == SPOOL_FSYNC_ALWAYS)
		return spool_flush(sp, sp->dirfd, "directory");
	if (sp->opts.fsync == SPOOL_FSYNC_BATCH)
		sp->dirdirty = 1;
	return 0;
}

/* Reads exactly len bytes at off.  0, or -1 with errno (EIO if short). */
static int
spool_pread_full(int fd, void *buf, size_t len, off_t off)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = pread(fd, p, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Writes exactly len bytes at off.  0, or -1 with errno (ENOSPC if short). */
static int
spool_pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = pwrite(fd, p, len, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static char *
spool_buf(struct spool *sp, size_t len)
{
	if (sp->bufsz < len) {
		free(sp->buf);
		sp->buf = xmalloc(len);
		sp->bufsz = len;
	}
	return sp->buf;
}

static struct spool_seg *
spool_seg_new(uint32_t id)
{
	struct spool_seg	*seg;

	seg = xcalloc(1, sizeof(*seg));
	seg->id = id;
	seg->fd = -1;
	seg->ackfd = -1;
	return seg;
}

static void
spool_seg_free(struct spool_seg *seg)
{
	if (seg->fd != -1)
		close(seg->fd);
	if (seg->ackfd != -1)
		close(seg->ackfd);
	free(seg->recs);
	free(seg);
}

static void
spool_seg_push(struct spool_seg *seg, uint64_t seq, size_t off, size_t len)
{
	struct spool_rec	*r;

	if (seg->nrecs == seg->caprecs) {
		seg->caprecs = seg->caprecs ? seg->caprecs * 2 : 64;
		seg->recs = xreallocarray(seg->recs, seg->caprecs,
		    sizeof(*seg->recs));
	}
	r = &seg->recs[seg->nrecs++];
	r->seq = seq;
	r->off = (uint32_t)off;
	r->len = (uint32_t)len;
	r->acked = 0;
}

/* Index of the first record with seq >= seq (nrecs if none). */
static size_t
spool_seg_lower(const struct spool_seg *seg, uint64_t seq)
{
	size_t	 lo = 0, hi = seg->nrecs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (seg->recs[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Unlinks the files of segment i and forgets it. */
static void
spool_seg_remove(struct spool *sp, size_t i)
{
	struct spool_seg	*seg = sp->segs[i];
	char			 name[SPOOL_NAMELEN];
	size_t			 j;

	for (j = 0; j < seg->nrecs; j++) {
		if (!seg->recs[j].acked) {
			sp->depth--;
			sp->pending -= SPOOL_HDR + seg->recs[j].len;
		}
	}
	spool_name(name, seg->id, "seg");
	if (unlinkat(sp->dirfd, name, 0) == -1 && errno != ENOENT)
		log_warn("spool: unlink %s", name);
	spool_name(name, seg->id, "ack");
	if (unlinkat(sp->dirfd, name, 0) == -1 && errno != ENOENT)
		log_warn("spool: unlink %s", name);
	if (sp->rfd != -1 && sp->rid == seg->id) {
		close(sp->rfd);
		sp->rfd = -1;
	}
	if (sp->active == seg)
		sp->active = NULL;
	sp->bytes -= seg->size;
	spool_seg_free(seg);
	memmove(&sp->segs[i], &sp->segs[i + 1],
	    (sp->nsegs - i - 1) * sizeof(*sp->segs));
	sp->nsegs--;
}

static void
spool_seg_insert(struct spool *sp, struct spool_seg *seg)
{
	if (sp->nsegs == sp->capsegs) {
		sp->capsegs = sp->capsegs ? sp->capsegs * 2 : 16;
		sp->segs = xreallocarray(sp->segs, sp->capsegs,
		    sizeof(*sp->segs));
	}
	sp->segs[sp->nsegs++] = seg;
}

/*
 * Drops the oldest segments until need more bytes fit under max_bytes;
 * logs one summary line for what was lost.
 */
static void
spool_make_room(struct spool *sp, uint64_t need)
{
	struct spool_seg	*seg;
	uint64_t		 recs = 0, bytes = 0;
	size_t			 j, nseg = 0;

	while (sp->nsegs > 0 && sp->bytes + need > sp->opts.max_bytes) {
		seg = sp->segs[0];
		for (j = 0; j < seg->nrecs; j++) {
			if (!seg->recs[j].acked) {
				recs++;
				bytes += SPOOL_HDR + seg->recs[j].len;
			}
		}
		spool_seg_remove(sp, 0);
		nseg++;
	}
	if (nseg == 0)
		return;
	sp->c.dropped_full += recs;
	sp->c.dropped_bytes += bytes;
	if (recs > 0)
		log_warnx("spool full: dropped %" PRIu64 " alerts (%" PRIu64
		    " bytes) in %zu oldest segments", recs, bytes, nseg);
}

/* Marks record j of segment i settled; unlinks a settled old segment. */
static void
spool_rec_settle(struct spool *sp, size_t i, size_t j)
{
	struct spool_seg	*seg = sp->segs[i];

	seg->recs[j].acked = 1;
	seg->nacked++;
	sp->depth--;
	sp->pending -= SPOOL_HDR + seg->recs[j].len;
	if (seg->nacked == seg->nrecs && seg != sp->active)
		spool_seg_remove(sp, i);
}

/* Segment index and record index of seq.  0, or -1 if not held. */
static int
spool_find(const struct spool *sp, uint64_t seq, size_t *si, size_t *ri)
{
	const struct spool_seg	*seg;
	size_t			 i, j;

	for (i = 0; i < sp->nsegs; i++) {
		seg = sp->segs[i];
		if (seg->nrecs == 0 || seg->recs[seg->nrecs - 1].seq < seq)
			continue;
		j = spool_seg_lower(seg, seq);
		if (seg->recs[j].seq != seq)
			return -1;
		*si = i;
		*ri = j;
		return 0;
	}
	return -1;
}

/* Reads the acks of seg (already indexed) and applies them. */
static void
spool_load_acks(struct spool *sp, struct spool_seg *seg)
{
	char			 name[SPOOL_NAMELEN];
	struct stat		 st;
	unsigned char		*buf = NULL, *e;
	size_t			 len, k, j;
	uint64_t		 seq;
	int			 fd;

	spool_name(name, seg->id, "ack");
	if ((fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_warn("spool: open %s", name);
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warnx("spool: %s: not a readable file", name);
		goto out_close;
	}
	/*
	 * At most one entry per record is ever written, and a record takes
	 * at least a header; acks of records lost to damage may remain.
	 */
	len = (size_t)st.st_size / SPOOL_ACK;
	if (len > seg->size / SPOOL_HDR)
		len = (size_t)(seg->size / SPOOL_HDR);
	len *= SPOOL_ACK;
	seg->acksize = (uint64_t)st.st_size / SPOOL_ACK * SPOOL_ACK;
	buf = xmalloc(len + 1);
	if (spool_pread_full(fd, buf, len, 0) == -1) {
		log_warn("spool: read %s", name);
		goto out_free;
	}
	for (k = 0; k + SPOOL_ACK <= len; k += SPOOL_ACK) {
		e = buf + k;
		if (spool_get32(e + 8) != spool_crc(e, 8)) {
			sp->c.corrupt_bytes += SPOOL_ACK;
			continue;
		}
		seq = spool_get64(e);
		j = spool_seg_lower(seg, seq);
		if (j < seg->nrecs && seg->recs[j].seq == seq &&
		    !seg->recs[j].acked) {
			seg->recs[j].acked = 1;
			seg->nacked++;
		}
	}
out_free:
	free(buf);
out_close:
	close(fd);
}

static void
spool_load_cb(uint64_t seq, const char *data, size_t len, size_t off,
    void *arg)
{
	(void)data;
	spool_seg_push(arg, seq, off, len);
}

/*
 * Reads, checks and indexes segment id; cuts a damaged tail, unlinks a
 * segment with nothing valid or nothing unacked.
 */
static void
spool_load_segment(struct spool *sp, uint32_t id)
{
	char			 name[SPOOL_NAMELEN];
	struct spool_seg	*seg;
	struct spool_scan	 res;
	struct stat		 st;
	char			*buf = NULL;
	size_t			 len;
	uint64_t		 extra = 0;
	size_t			 j;
	int			 fd;

	spool_name(name, id, "seg");
	if ((fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC)) == -1) {
		log_warn("spool: open %s", name);
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warnx("spool: %s: not a regular file, ignored", name);
		goto out_close;
	}
	len = (size_t)st.st_size;
	if ((uint64_t)st.st_size > SPOOL_FILE_MAX) {
		len = SPOOL_FILE_MAX;
		extra = (uint64_t)st.st_size - len;
	}
	buf = xmalloc(len + 1);
	if (spool_pread_full(fd, buf, len, 0) == -1) {
		sp->c.read_errors++;
		log_warn("spool: read %s, ignored", name);
		goto out_free;
	}
	seg = spool_seg_new(id);
	spool_scan_buffer(buf, len, sp->next_seq - 1, spool_load_cb, seg,
	    &res);
	if (extra > 0 && res.valid_end == len)
		res.corrupt_records++;
	res.corrupt_bytes += extra;
	sp->c.corrupt_records += res.corrupt_records;
	sp->c.corrupt_bytes += res.corrupt_bytes;
	if (res.corrupt_records > 0)
		log_warnx("spool: %s: skipped %" PRIu64 " damaged regions (%"
		    PRIu64 " bytes), kept %" PRIu64 " records", name,
		    res.corrupt_records, res.corrupt_bytes, res.records);
	if (res.records > 0 && (uint64_t)st.st_size > res.valid_end) {
		if (ftruncate(fd, (off_t)res.valid_end) == -1)
			log_warn("spool: truncate %s", name);
		else
			st.st_size = (off_t)res.valid_end;
	}
	seg->size = (uint64_t)st.st_size;
	spool_seg_insert(sp, seg);
	sp->bytes += seg->size;
	if (res.records > 0)
		sp->next_seq = res.last_seq + 1;
	spool_load_acks(sp, seg);
	for (j = 0; j < seg->nrecs; j++) {
		if (!seg->recs[j].acked) {
			sp->depth++;
			sp->pending += SPOOL_HDR + seg->recs[j].len;
		}
	}
	if (seg->nacked == seg->nrecs)
		spool_seg_remove(sp, sp->nsegs - 1);
out_free:
	free(buf);
out_close:
	close(fd);
}

static int
spool_id_cmp(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Lists the directory: loads the segments oldest first, unlinks ack files
 * without a segment.  0, or -1 with *errstr.
 */
static int
spool_load(struct spool *sp, const char *dir, char **errstr)
{
	DIR		*d;
	struct dirent	*de;
	uint32_t	*segs = NULL, *acks = NULL, id;
	size_t		 nseg = 0, nack = 0, capseg = 0, capack = 0, i;
	char		 name[SPOOL_NAMELEN];
	int		 fd, kind;

	if ((fd = dup(sp->dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		xasprintf(errstr, "spool: %s: %s", dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if ((kind = spool_parse_name(de->d_name, &id)) == 0)
			continue;
		if (id >= sp->next_id)
			sp->next_id = id + 1;
		if (kind == 1) {
			if (nseg == capseg) {
				capseg = capseg ? capseg * 2 : 16;
				segs = xreallocarray(segs, capseg,
				    sizeof(*segs));
			}
			segs[nseg++] = id;
		} else {
			if (nack == capack) {
				capack = capack ? capack * 2 : 16;
				acks = xreallocarray(acks, capack,
				    sizeof(*acks));
			}
			acks[nack++] = id;
		}
	}
	closedir(d);
	if (nseg > 0)
		qsort(segs, nseg, sizeof(*segs), spool_id_cmp);
	for (i = 0; i < nack; i++) {
		if (nseg > 0 && bsearch(&acks[i], segs, nseg, sizeof(*segs),
		    spool_id_cmp) != NULL)
			continue;
		spool_name(name, acks[i], "ack");
		if (unlinkat(sp->dirfd, name, 0) == -1)
			log_warn("spool: unlink %s", name);
	}
	for (i = 0; i < nseg; i++)
		spool_load_segment(sp, segs[i]);
	free(segs);
	free(acks);
	return 0;
}

/* Applies defaults and checks opts.  0, or -1 with *errstr. */
static int
spool_check_opts(struct spool_options *o, char **errstr)
{
	if (o->max_bytes == 0)
		o->max_bytes = SPOOL_MAX_BYTES_DEFAULT;
	if (o->segment_bytes == 0)
		o->segment_bytes = SPOOL_SEGMENT_BYTES_DEFAULT;
	if (o->high_water == 0)
		o->high_water = SPOOL_HIGH_WATER_DEFAULT;
	if (o->segment_bytes < SPOOL_SEGMENT_BYTES_MIN ||
	    o->segment_bytes > SPOOL_SEGMENT_BYTES_MAX) {
		xasprintf(errstr, "spool segment size %" PRIu32 " out of "
		    "range %u..%u", o->segment_bytes, SPOOL_SEGMENT_BYTES_MIN,
		    SPOOL_SEGMENT_BYTES_MAX);
		return -1;
	}
	if (o->max_bytes < o->segment_bytes) {
		xasprintf(errstr, "spool size %" PRIu64 " is below the "
		    "segment size %" PRIu32, o->max_bytes, o->segment_bytes);
		return -1;
	}
	if (!(o->high_water > 0 && o->high_water <= 1)) {
		xasprintf(errstr, "spool high water %g not in (0, 1]",
		    o->high_water);
		return -1;
	}
	if (o->fsync != SPOOL_FSYNC_BATCH && o->fsync != SPOOL_FSYNC_ALWAYS &&
	    o->fsync != SPOOL_FSYNC_NEVER) {
		xasprintf(errstr, "spool fsync policy %d unknown",
		    (int)o->fsync);
		return -1;
	}
	return 0;
}

struct spool *
spool_open(const char *dir, const struct spool_options *opts, char **errstr)
{
	struct spool	*sp;
	struct flock	 fl;

	*errstr = NULL;
	sp = xcalloc(1, sizeof(*sp));
	sp->dirfd = sp->lockfd = sp->rfd = -1;
	sp->next_id = 1;
	sp->next_seq = 1;
	if (opts != NULL)
		sp->opts = *opts;
	if (spool_check_opts(&sp->opts, errstr) == -1)
		goto fail;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		xasprintf(errstr, "spool: mkdir %s: %s", dir, strerror(errno));
		goto fail;
	}
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd == -1) {
		xasprintf(errstr, "spool: %s: %s", dir, strerror(errno));
		goto fail;
	}
	sp->lockfd = openat(sp->dirfd, SPOOL_LOCKNAME,
	    O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (sp->lockfd == -1) {
		xasprintf(errstr, "spool: %s/%s: %s", dir, SPOOL_LOCKNAME,
		    strerror(errno));
		goto fail;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(sp->lockfd, F_SETLK, &fl) == -1) {
		xasprintf(errstr, "spool: %s is in use by another process",
		    dir);
		goto fail;
	}
	if (spool_load(sp, dir, errstr) == -1)
		goto fail;
	spool_make_room(sp, 0);
	sp->c.replayed = sp->depth;
	if (sp->depth > 0)
		log_info("spool: %" PRIu64 " alerts to replay from %s",
		    sp->depth, dir);
	return sp;
fail:
	spool_free(sp);
	return NULL;
}

int
spool_sync(struct spool *sp)
{
	struct spool_seg	*seg;
	char			 name[SPOOL_NAMELEN];
	size_t			 i;
	int			 rv = 0;

	if (sp->opts.fsync == SPOOL_FSYNC_NEVER)
		return 0;
	for (i = 0; i < sp->nsegs; i++) {
		seg = sp->segs[i];
		if (seg->dirty) {
			spool_name(name, seg->id, "seg");
			if (spool_flush(sp, seg->fd, name) == -1)
				rv = -1;
			seg->dirty = 0;
			if (seg != sp->active) {
				close(seg->fd);
				seg->fd = -1;
			}
		}
		if (seg->ackdirty) {
			spool_name(name, seg->id, "ack");
			if (spool_flush(sp, seg->ackfd, name) == -1)
				rv = -1;
			seg->ackdirty = 0;
		}
	}
	if (sp->dirdirty) {
		if (spool_flush(sp, sp->dirfd, "directory") == -1)
			rv = -1;
		sp->dirdirty = 0;
	}
	return rv;
}

void
spool_free(struct spool *sp)
{
	size_t	 i;

	if (sp == NULL)
		return;
	if (sp->dirfd != -1)
		spool_sync(sp);
	if (sp->active != NULL && sp->active->size == 0) {
		for (i = 0; i < sp->nsegs; i++)
			if (sp->segs[i] == sp->active)
				spool_seg_remove(sp, i);
	}
	for (i = 0; i < sp->nsegs; i++)
		spool_seg_free(sp->segs[i]);
	free(sp->segs);
	if (sp->rfd != -1)
		close(sp->rfd);
	if (sp->lockfd != -1)
		close(sp->lockfd);
	if (sp->dirfd != -1)
		close(sp->dirfd);
	free(sp->buf);
	free(sp);
}

/* Retires the active segment; unlinks it if everything in it is acked. */
static void
spool_rotate(struct spool *sp)
{
	struct spool_seg	*seg = sp->active;

	sp->active = NULL;
	if (seg->nacked == seg->nrecs) {
		spool_seg_remove(sp, sp->nsegs - 1);
		return;
	}
	if (!seg->dirty && seg->fd != -1) {
		close(seg->fd);
		seg->fd = -1;
	}
}

/* Creates a new active segment.  0, or -1 with errno. */
static int
spool_create_segment(struct spool *sp)
{
	struct spool_seg	*seg;
	char			 name[SPOOL_NAMELEN];
	int			 fd, tries;

	for (tries = 0; tries < 8; tries++) {
		spool_name(name, sp->next_id, "seg");
		fd = openat(sp->dirfd, name,
		    O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			break;
		sp->next_id++;
	}
	if (fd == -1)
		return -1;
	seg = spool_seg_new(sp->next_id++);
	seg->fd = fd;
	spool_seg_insert(sp, seg);
	sp->active = seg;
	spool_dir_changed(sp);
	return 0;
}

/* Counts a failed append and logs the first of a run.  Keeps errno. */
static void
spool_append_failed(struct spool *sp, const char *what)
{
	sp->c.write_errors++;
	if (!sp->failing)
		log_warn("spool: %s failed, alerts stay in memory", what);
	sp->failing = 1;
}

int
spool_append(struct spool *sp, const void *data, size_t len, uint64_t *seq)
{
	struct spool_seg	*seg;
	unsigned char		*rec;
	size_t			 rlen = SPOOL_HDR + len;
	int			 saved;

	if (len > SPOOL_RECORD_MAX || rlen > sp->opts.max_bytes) {
		sp->c.oversize++;
		errno = EMSGSIZE;
		return -1;
	}
	if (sp->active != NULL && sp->active->size > 0 &&
	    sp->active->size + rlen > sp->opts.segment_bytes)
		spool_rotate(sp);
	spool_make_room(sp, rlen);
	if (sp->active == NULL && spool_create_segment(sp) == -1) {
		spool_append_failed(sp, "new segment");
		return -1;
	}
	seg = sp->active;
	rec = (unsigned char *)spool_buf(sp, rlen);
	spool_hdr_encode(rec, data, len, sp->next_seq);
	memcpy(rec + SPOOL_HDR, data, len);
	if (spool_pwrite_full(seg->fd, rec, rlen, (off_t)seg->size) == -1)
		goto fail;
	if (sp->opts.fsync == SPOOL_FSYNC_ALWAYS) {
		sp->c.fsyncs++;
		if (fdatasync(seg->fd) == -1) {
			sp->c.fsync_errors++;
			goto fail;
		}
	} else if (sp->opts.fsync == SPOOL_FSYNC_BATCH)
		seg->dirty = 1;
	spool_seg_push(seg, sp->next_seq, seg->size, len);
	seg->size += rlen;
	sp->bytes += rlen;
	sp->pending += rlen;
	sp->depth++;
	sp->c.appended++;
	if (seq != NULL)
		*seq = sp->next_seq;
	sp->next_seq++;
	if (sp->failing)
		log_info("spool: appends work again");
	sp->failing = 0;
	return 0;
fail:
	saved = errno;
	/* Leave no partial record behind. */
	if (ftruncate(seg->fd, (off_t)seg->size) == -1)
		log_warn("spool: truncate after a failed append");
	errno = saved;
	spool_append_failed(sp, "append");
	errno = saved;
	return -1;
}

/* Appends seq to the ack file of segment seg.  0 or -1 (counted). */
static int
spool_write_ack(struct spool *sp, struct spool_seg *seg, uint64_t seq)
{
	unsigned char	 e[SPOOL_ACK];
	char		 name[SPOOL_NAMELEN];

	spool_name(name, seg->id, "ack");
	if (seg->ackfd == -1) {
		seg->ackfd = openat(sp->dirfd, name,
		    O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (seg->ackfd == -1)
			goto fail;
		if (seg->acksize == 0)
			spool_dir_changed(sp);
	}
	spool_put64(e, seq);
	spool_put32(e + 8, spool_crc(e, 8));
	if (spool_pwrite_full(seg->ackfd, e, sizeof(e),
	    (off_t)seg->acksize) == -1)
		goto fail;
	seg->acksize += sizeof(e);
	if (sp->opts.fsync == SPOOL_FSYNC_ALWAYS)
		return spool_flush(sp, seg->ackfd, name);
	if (sp->opts.fsync == SPOOL_FSYNC_BATCH)
		seg->ackdirty = 1;
	return 0;
fail:
	sp->c.write_errors++;
	log_warn("spool: write %s", name);
	return -1;
}

int
spool_ack(struct spool *sp, uint64_t seq)
{
	struct spool_seg	*seg;
	size_t			 i, j;
	int			 rv = 0;

	if (spool_find(sp, seq, &i, &j) == -1)
		return 0;
	seg = sp->segs[i];
	if (seg->recs[j].acked)
		return 0;
	/* A segment about to be unlinked needs no ack on disk. */
	if (seg->nacked + 1 < seg->nrecs || seg == sp->active)
		rv = spool_write_ack(sp, seg, seq);
	sp->c.acked++;
	spool_rec_settle(sp, i, j);
	return rv;
}

void
spool_cursor_init(struct spool *sp, struct spool_cursor *c)
{
	(void)sp;
	c->seq = 0;
}

/* A descriptor to read segment seg from, or -1 with errno. */
static int
spool_read_fd(struct spool *sp, const struct spool_seg *seg)
{
	char	 name[SPOOL_NAMELEN];

	if (seg->fd != -1)
		return seg->fd;
	if (sp->rfd != -1 && sp->rid == seg->id)
		return sp->rfd;
	if (sp->rfd != -1)
		close(sp->rfd);
	spool_name(name, seg->id, "seg");
	sp->rfd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC);
	sp->rid = seg->id;
	return sp->rfd;
}

int
spool_peek(struct spool *sp, const struct spool_cursor *c,
    struct spool_record *rec)
{
	struct spool_seg	*seg;
	struct spool_rec	*r;
	unsigned char		*h;
	size_t			 i, j;
	int			 fd;

	for (i = 0; i < sp->nsegs; i++) {
		seg = sp->segs[i];
		if (seg->nacked == seg->nrecs ||
		    seg->recs[seg->nrecs - 1].seq < c->seq)
			continue;
		for (j = spool_seg_lower(seg, c->seq); j < seg->nrecs; j++)
			if (!seg->recs[j].acked)
				break;
		if (j < seg->nrecs)
			break;
	}
	if (i == sp->nsegs)
		return 0;
	r = &seg->recs[j];
	h = (unsigned char *)spool_buf(sp, SPOOL_HDR + r->len + 1);
	if ((fd = spool_read_fd(sp, seg)) == -1 ||
	    spool_pread_full(fd, h, SPOOL_HDR + r->len, r->off) == -1) {
		log_warn("spool: read of record %" PRIu64, r->seq);
		goto fail;
	}
	if (!spool_hdr_ok(h) || spool_get64(h + 8) != r->seq ||
	    spool_get32(h + 4) != r->len ||
	    spool_get32(h + 16) != spool_crc(h + SPOOL_HDR, r->len)) {
		log_warnx("spool: record %" PRIu64 " damaged on disk",
		    r->seq);
		goto fail;
	}
	h[SPOOL_HDR + r->len] = '\0';
	rec->seq = r->seq;
	rec->data = (const char *)h + SPOOL_HDR;
	rec->len = r->len;
	return 1;
fail:
	sp->c.read_errors++;
	spool_rec_settle(sp, i, j);
	return -1;
}

int
spool_next(struct spool *sp, struct spool_cursor *c, struct spool_record *rec)
{
	int	 rv;

	if ((rv = spool_peek(sp, c, rec)) == 1)
		c->seq = rec->seq + 1;
	return rv;
}

uint64_t
spool_depth(const struct spool *sp)
{
	return sp->depth;
}

uint64_t
spool_bytes(const struct spool *sp)
{
	return sp->bytes;
}

bool
spool_high_water(const struct spool *sp)
{
	return (double)sp->pending >
	    sp->opts.high_water * (double)sp->opts.max_bytes;
}

void
spool_get_counters(const struct spool *sp, struct spool_counters *c)
{
	*c = sp->c;
}
