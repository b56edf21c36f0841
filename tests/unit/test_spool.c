/*
 * Tests of spool.c, each in its own directory under /tmp: replay order and
 * out-of-order acks across reopen, rotation and deletion of acked
 * segments, the size bound, torn tails at every offset, flipped bytes,
 * kill -9 of a writer, stray files, write errors (RLIMIT_FSIZE), the
 * high-water mark, fsync counts per policy and the pure scanner.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "output/spool.h"

static char	 test_dir[64];		/* this test's spool directory */

static void
test_spool_setup(void)
{
	strcpy(test_dir, "/tmp/test_spool.XXXXXX");
	cr_assert_not_null(mkdtemp(test_dir));
}

static int
test_spool_rm_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
test_spool_teardown(void)
{
	nftw(test_dir, test_spool_rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(spool, .init = test_spool_setup, .fini = test_spool_teardown,
    .timeout = 60);

/* The payload of alert n: JSON with its alert id, padded to ~pad bytes. */
static size_t
test_spool_payload(char *buf, size_t sz, int n, int pad)
{
	int	 len;

	len = snprintf(buf, sz, "{\"alert_id\":\"id-%06d\",\"n\":%d,"
	    "\"pad\":\"%0*d\"}", n, n, pad, 0);
	cr_assert(len > 0 && (size_t)len < sz);
	return (size_t)len;
}

static struct spool *
test_spool_open(const struct spool_options *opts)
{
	struct spool	*sp;
	char		*err = NULL;

	sp = spool_open(test_dir, opts, &err);
	cr_assert_not_null(sp, "spool_open: %s", err ? err : "?");
	return sp;
}

/* Appends alerts first..last; checks their seqs follow on. */
static void
test_spool_fill(struct spool *sp, int first, int last, int pad)
{
	char		 buf[4096];
	uint64_t	 seq, prev = 0;
	size_t		 len;
	int		 n;

	for (n = first; n <= last; n++) {
		len = test_spool_payload(buf, sizeof(buf), n, pad);
		cr_assert_eq(spool_append(sp, buf, len, &seq), 0,
		    "append %d: %s", n, strerror(errno));
		if (prev != 0)
			cr_assert_eq(seq, prev + 1);
		prev = seq;
	}
}

/*
 * Reads every record through a cursor into ns (the alert numbers, at
 * most max) and seqs; checks seq order and payloads.  Returns the count.
 */
static size_t
test_spool_replay(struct spool *sp, int *ns, uint64_t *seqs, size_t max,
    int pad)
{
	struct spool_cursor	 c;
	struct spool_record	 rec;
	char			 want[4096];
	size_t			 k = 0, len;
	uint64_t		 prev = 0;
	int			 n, rv;

	spool_cursor_init(sp, &c);
	while ((rv = spool_next(sp, &c, &rec)) == 1) {
		cr_assert_lt(k, max, "more records than expected");
		cr_assert_gt(rec.seq, prev, "seq out of order");
		prev = rec.seq;
		cr_assert_eq(sscanf(rec.data, "{\"alert_id\":\"id-%d", &n), 1);
		len = test_spool_payload(want, sizeof(want), n, pad);
		cr_assert_eq(rec.len, len);
		cr_assert_eq(memcmp(rec.data, want, len), 0);
		if (ns != NULL)
			ns[k] = n;
		if (seqs != NULL)
			seqs[k] = rec.seq;
		k++;
	}
	cr_assert_eq(rv, 0, "spool_next failed");
	return k;
}

/* Number of files in test_dir with the given suffix. */
static int
test_spool_count(const char *suffix)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 l, sl = strlen(suffix);
	int		 n = 0;

	cr_assert_not_null(d = opendir(test_dir));
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l >= sl && strcmp(de->d_name + l - sl, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static char *
test_spool_path(const char *name)
{
	static char	 path[128];

	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	return path;
}

static char *
test_spool_read(const char *name, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 sz;

	cr_assert_not_null(f = fopen(test_spool_path(name), "rb"));
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	buf = malloc((size_t)sz + 64);	/* room for tests to extend */
	cr_assert_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*len = (size_t)sz;
	return buf;
}

static void
test_spool_write(const char *name, const char *buf, size_t len)
{
	FILE	*f;

	cr_assert_not_null(f = fopen(test_spool_path(name), "wb"));
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
}

Test(spool, replay_in_order_after_out_of_order_acks)
{
	struct spool		*sp;
	struct spool_counters	 c;
	uint64_t		 seqs[100];
	int			 ns[100], i, k;

	sp = test_spool_open(NULL);
	test_spool_fill(sp, 1, 100, 100);
	cr_assert_eq(spool_depth(sp), 100);
	spool_free(sp);

	sp = test_spool_open(NULL);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.replayed, 100);
	cr_assert_eq(test_spool_replay(sp, ns, seqs, 100, 100), 100);
	for (i = 0; i < 100; i++)
		cr_assert_eq(ns[i], i + 1);
	/* Ack the even ones, scrambled: stride 37 is coprime to 50. */
	for (i = 0, k = 0; i < 50; i++, k = (k + 37) % 50)
		cr_assert_eq(spool_ack(sp, seqs[2 * k + 1]), 0);
	cr_assert_eq(spool_depth(sp), 50);
	/* Acking twice or an unknown seq changes nothing. */
	cr_assert_eq(spool_ack(sp, seqs[1]), 0);
	cr_assert_eq(spool_ack(sp, 123456), 0);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.acked, 50);
	spool_free(sp);

	sp = test_spool_open(NULL);
	cr_assert_eq(spool_depth(sp), 50);
	cr_assert_eq(test_spool_replay(sp, ns, NULL, 100, 100), 50);
	for (i = 0; i < 50; i++)
		cr_assert_eq(ns[i], 2 * i + 1);
	/* New appends go after the old records. */
	test_spool_fill(sp, 101, 102, 100);
	cr_assert_eq(test_spool_replay(sp, ns, NULL, 100, 100), 52);
	cr_assert_eq(ns[50], 101);
	spool_free(sp);
}

Test(spool, damaged_ack_file_costs_only_a_duplicate)
{
	struct spool		*sp;
	char			*img;
	size_t			 len;
	int			 ns[16], i;

	sp = test_spool_open(NULL);
	test_spool_fill(sp, 1, 10, 10);
	for (i = 1; i <= 5; i++)
		cr_assert_eq(spool_ack(sp, (uint64_t)i), 0);
	spool_free(sp);
	/* Second entry damaged, and a torn entry at the end. */
	img = test_spool_read("00000001.ack", &len);
	cr_assert_eq(len, 5 * 12);
	img[12 + 3] ^= 1;
	memcpy(img + len, "\1\2\3\4\5\6\7", 7);
	test_spool_write("00000001.ack", img, len + 7);
	free(img);

	sp = test_spool_open(NULL);
	cr_assert_eq(spool_depth(sp), 6);
	cr_assert_eq(test_spool_replay(sp, ns, NULL, 16, 10), 6);
	cr_assert_eq(ns[0], 2);
	cr_assert_eq(ns[1], 6);
	/* A new ack overwrites the torn entry and holds. */
	cr_assert_eq(spool_ack(sp, 2), 0);
	spool_free(sp);
	sp = test_spool_open(NULL);
	cr_assert_eq(spool_depth(sp), 5);
	spool_free(sp);
}

Test(spool, peek_does_not_advance)
{
	struct spool		*sp;
	struct spool_cursor	 c;
	struct spool_record	 r1, r2;

	sp = test_spool_open(NULL);
	test_spool_fill(sp, 1, 3, 10);
	spool_cursor_init(sp, &c);
	cr_assert_eq(spool_peek(sp, &c, &r1), 1);
	cr_assert_eq(spool_peek(sp, &c, &r2), 1);
	cr_assert_eq(r1.seq, r2.seq);
	cr_assert_eq(spool_next(sp, &c, &r1), 1);
	cr_assert_eq(spool_next(sp, &c, &r2), 1);
	cr_assert_eq(r2.seq, r1.seq + 1);
	/* An acked record is skipped by the cursor. */
	cr_assert_eq(spool_ack(sp, r2.seq + 1), 0);
	cr_assert_eq(spool_next(sp, &c, &r1), 0);
	spool_free(sp);
}

Test(spool, segments_rotate_and_are_deleted_when_acked)
{
	struct spool		*sp;
	struct spool_options	 o = { .segment_bytes = 4096 };
	uint64_t		 seqs[60];
	int			 nseg, i;

	sp = test_spool_open(&o);
	test_spool_fill(sp, 1, 60, 400);	/* ~9 records a segment */
	nseg = test_spool_count(".seg");
	cr_assert_geq(nseg, 6, "only %d segments", nseg);
	cr_assert_eq(test_spool_replay(sp, NULL, seqs, 60, 400), 60);
	cr_assert_leq(spool_bytes(sp), (uint64_t)nseg * 4096);

	/* Acking the first 20 removes the first two segments at least. */
	for (i = 19; i >= 0; i--)
		spool_ack(sp, seqs[i]);
	cr_assert_leq(test_spool_count(".seg"), nseg - 2);
	cr_assert_leq(test_spool_count(".ack"), 1);
	/* Everything acked: only the segment being written is left. */
	for (i = 20; i < 60; i++)
		spool_ack(sp, seqs[i]);
	cr_assert_eq(test_spool_count(".seg"), 1);
	cr_assert_eq(spool_depth(sp), 0);
	spool_free(sp);

	/* ... and it goes at the next open. */
	sp = test_spool_open(&o);
	cr_assert_eq(spool_depth(sp), 0);
	cr_assert_eq(spool_bytes(sp), 0);
	cr_assert_eq(test_spool_count(".seg"), 0);
	cr_assert_eq(test_spool_count(".ack"), 0);
	spool_free(sp);
}

Test(spool, full_spool_drops_oldest_segments)
{
	struct spool		*sp;
	struct spool_options	 o = {
		.max_bytes = 16384, .segment_bytes = 4096
	};
	struct spool_counters	 c;
	int			 ns[200];
	size_t			 k, i;

	sp = test_spool_open(&o);
	test_spool_fill(sp, 1, 200, 200);
	cr_assert_leq(spool_bytes(sp), 16384);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.appended, 200);
	cr_assert_gt(c.dropped_full, 100);
	cr_assert_eq(c.dropped_full + spool_depth(sp), 200);
	cr_assert_gt(c.dropped_bytes, c.dropped_full * 200);
	k = test_spool_replay(sp, ns, NULL, 200, 200);
	cr_assert_eq(k, spool_depth(sp));
	/* What is left is the newest, contiguous. */
	cr_assert_eq(ns[k - 1], 200);
	for (i = 0; i < k; i++)
		cr_assert_eq(ns[i], 200 - (int)k + 1 + (int)i);
	spool_free(sp);

	/* A smaller bound at open drops more. */
	o.max_bytes = 8192;
	sp = test_spool_open(&o);
	cr_assert_leq(spool_bytes(sp), 8192);
	spool_get_counters(sp, &c);
	cr_assert_gt(c.dropped_full, 0);
	cr_assert_eq(c.dropped_full + spool_depth(sp), k);
	spool_free(sp);
}

Test(spool, dropping_acked_segments_loses_nothing)
{
	struct spool		*sp;
	struct spool_options	 o = {
		.max_bytes = 16384, .segment_bytes = 4096
	};
	struct spool_counters	 c;
	struct spool_cursor	 cur;
	struct spool_record	 rec;
	int			 n;

	sp = test_spool_open(&o);
	spool_cursor_init(sp, &cur);
	/* A consumer that keeps up: each alert acked after its append. */
	for (n = 1; n <= 300; n++) {
		test_spool_fill(sp, n, n, 200);
		cr_assert_eq(spool_next(sp, &cur, &rec), 1);
		cr_assert_eq(spool_ack(sp, rec.seq), 0);
	}
	test_spool_fill(sp, 301, 350, 200);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.dropped_full, 0);
	cr_assert_eq(spool_depth(sp), 50);
	cr_assert_leq(spool_bytes(sp), 16384);
	spool_free(sp);
}

/* Three records; returns the segment image and the offsets of each. */
static char *
test_spool_three(size_t *len, size_t off[4])
{
	struct spool	*sp;
	char		*img;
	int		 i;

	sp = test_spool_open(NULL);
	test_spool_fill(sp, 1, 3, 20);
	spool_free(sp);
	img = test_spool_read("00000001.seg", len);
	off[0] = 0;
	for (i = 1; i <= 3; i++)
		off[i] = off[i - 1] + (*len / 3);
	cr_assert_eq(off[3], *len, "records of unequal size");
	return img;
}

Test(spool, torn_tail_at_every_offset)
{
	struct spool		*sp;
	struct spool_counters	 c;
	char			*img;
	size_t			 len, off[4], cut;
	int			 ns[8];

	img = test_spool_three(&len, off);
	for (cut = off[2] + 1; cut < len; cut++) {
		cr_assert_eq(unlink(test_spool_path("00000001.seg")), 0);
		test_spool_write("00000001.seg", img, cut);
		sp = test_spool_open(NULL);
		spool_get_counters(sp, &c);
		cr_assert_eq(c.corrupt_records, 1, "cut %zu", cut);
		cr_assert_eq(c.corrupt_bytes, cut - off[2], "cut %zu", cut);
		cr_assert_eq(spool_depth(sp), 2);
		test_spool_fill(sp, 4, 4, 20);
		spool_free(sp);

		/* Cut clean: no damage the second time, all replayed. */
		sp = test_spool_open(NULL);
		spool_get_counters(sp, &c);
		cr_assert_eq(c.corrupt_records, 0, "cut %zu", cut);
		cr_assert_eq(test_spool_replay(sp, ns, NULL, 8, 20), 3);
		cr_assert_eq(ns[0], 1);
		cr_assert_eq(ns[1], 2);
		cr_assert_eq(ns[2], 4);
		spool_free(sp);
		unlink(test_spool_path("00000002.seg"));
		unlink(test_spool_path("00000002.ack"));
	}
	free(img);
}

Test(spool, flipped_bytes_skip_one_record)
{
	struct spool		*sp;
	struct spool_counters	 c;
	char			*img;
	size_t			 len, off[4], pos;
	int			 ns[8];

	img = test_spool_three(&len, off);
	/* Every header byte of the middle record, and its payload. */
	for (pos = off[1]; pos < off[2]; pos++) {
		img[pos] ^= 0x20;
		unlink(test_spool_path("00000001.seg"));
		test_spool_write("00000001.seg", img, len);
		img[pos] ^= 0x20;
		sp = test_spool_open(NULL);
		spool_get_counters(sp, &c);
		cr_assert_eq(c.corrupt_records, 1, "byte %zu", pos - off[1]);
		cr_assert_eq(c.corrupt_bytes, off[2] - off[1]);
		cr_assert_eq(test_spool_replay(sp, ns, NULL, 8, 20), 2);
		cr_assert_eq(ns[0], 1);
		cr_assert_eq(ns[1], 3);
		spool_free(sp);
	}
	free(img);
}

Test(spool, damage_after_open_is_skipped_on_read)
{
	struct spool		*sp;
	struct spool_counters	 c;
	struct spool_cursor	 cur;
	struct spool_record	 rec;
	char			*img;
	size_t			 len, off[4];
	int			 fd;

	img = test_spool_three(&len, off);
	sp = test_spool_open(NULL);
	cr_assert_geq(fd = open(test_spool_path("00000001.seg"), O_WRONLY),
	    0);
	cr_assert_eq(pwrite(fd, "X", 1, (off_t)off[1] + 30), 1);
	close(fd);
	spool_cursor_init(sp, &cur);
	cr_assert_eq(spool_next(sp, &cur, &rec), 1);
	cr_assert_eq(spool_next(sp, &cur, &rec), -1);
	cr_assert_eq(spool_next(sp, &cur, &rec), 1);
	cr_assert_eq(rec.seq, 3);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.read_errors, 1);
	cr_assert_eq(spool_depth(sp), 2);
	spool_free(sp);
	free(img);
}

/*
 * A child appends with fsync "always", reporting each seq on a pipe; the
 * parent kills it with SIGKILL mid-stream, reopens the spool and finds
 * every reported record.
 */
Test(spool, kill9_loses_no_reported_record)
{
	struct spool		*sp;
	struct spool_options	 o = {
		.fsync = SPOOL_FSYNC_ALWAYS, .segment_bytes = 65536
	};
	static uint64_t		 seqs[100000];
	uint64_t		 seq, got[4096];
	char			 buf[4096];
	size_t			 ngot = 0, k, i, j, len;
	int			 p[2], n, status;
	pid_t			 pid;

	cr_assert_eq(pipe(p), 0);
	cr_assert_geq(pid = fork(), 0);
	if (pid == 0) {
		close(p[0]);
		sp = test_spool_open(&o);
		for (n = 1; n <= 100000; n++) {
			len = test_spool_payload(buf, sizeof(buf), n, 1000);
			if (spool_append(sp, buf, len, &seq) == -1)
				_exit(2);
			if (write(p[1], &seq, sizeof(seq)) != sizeof(seq))
				_exit(3);
		}
		raise(SIGKILL);
		_exit(4);
	}
	close(p[1]);
	while (ngot < 300 &&
	    read(p[0], &got[ngot], sizeof(got[0])) == sizeof(got[0]))
		ngot++;
	kill(pid, SIGKILL);
	/* Reports already in the pipe count as well. */
	while (ngot < 4096 &&
	    read(p[0], &got[ngot], sizeof(got[0])) == sizeof(got[0]))
		ngot++;
	close(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	cr_assert_geq(ngot, 300);

	sp = test_spool_open(&o);
	k = test_spool_replay(sp, NULL, seqs, 100000, 1000);
	cr_assert_geq(k, ngot);
	for (i = 0, j = 0; i < ngot; i++) {
		while (j < k && seqs[j] < got[i])
			j++;
		cr_assert(j < k && seqs[j] == got[i], "seq %llu lost",
		    (unsigned long long)got[i]);
	}
	spool_free(sp);
}

/*
 * The child answers through its exit status by exec'ing true or false, so
 * that valgrind --trace-children never reports Criterion's inherited state.
 */
Test(spool, second_process_is_locked_out)
{
	struct spool	*sp, *sp2;
	char		*err = NULL;
	int		 status, ok;
	pid_t		 pid;

	sp = test_spool_open(NULL);
	cr_assert_geq(pid = fork(), 0);
	if (pid == 0) {
		sp2 = spool_open(test_dir, NULL, &err);
		ok = sp2 == NULL && err != NULL &&
		    strstr(err, "in use") != NULL;
		execl(ok ? "/bin/true" : "/bin/false", "spool-lock", NULL);
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "second open was not refused");
	spool_free(sp);
}

Test(spool, stray_files_and_empty_segments)
{
	struct spool		*sp;
	struct spool_counters	 c;
	char			 junk[5000];
	size_t			 i;
	int			 ns[4];

	srand(7);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(rand() & 0xff);
	test_spool_write("notes.txt", "hello", 5);
	test_spool_write("00000002.seg", junk, sizeof(junk));
	test_spool_write("00000003.seg", "", 0);
	test_spool_write("00000009.ack", junk, 24);
	test_spool_write("0000000G.seg", junk, 100);

	sp = test_spool_open(NULL);
	spool_get_counters(sp, &c);
	cr_assert_eq(spool_depth(sp), 0);
	cr_assert_eq(c.corrupt_records, 1);
	cr_assert_eq(c.corrupt_bytes, sizeof(junk));
	/* Unusable segments and the orphan ack are gone, others stay. */
	cr_assert_eq(access(test_spool_path("00000002.seg"), F_OK), -1);
	cr_assert_eq(access(test_spool_path("00000003.seg"), F_OK), -1);
	cr_assert_eq(access(test_spool_path("00000009.ack"), F_OK), -1);
	cr_assert_eq(access(test_spool_path("notes.txt"), F_OK), 0);
	cr_assert_eq(access(test_spool_path("0000000G.seg"), F_OK), 0);
	/* New segments are numbered past every name seen. */
	test_spool_fill(sp, 1, 2, 10);
	cr_assert_eq(access(test_spool_path("0000000a.seg"), F_OK), 0);
	spool_free(sp);

	sp = test_spool_open(NULL);
	cr_assert_eq(test_spool_replay(sp, ns, NULL, 4, 10), 2);
	spool_free(sp);
}

Test(spool, creates_missing_dir_and_rejects_bad_options)
{
	struct spool		*sp;
	struct spool_options	 o;
	struct stat		 st;
	char			 sub[128], *err = NULL;

	snprintf(sub, sizeof(sub), "%s/sub", test_dir);
	sp = spool_open(sub, NULL, &err);
	cr_assert_not_null(sp);
	cr_assert_eq(stat(sub, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(spool_depth(sp), 0);
	cr_assert_not(spool_high_water(sp));
	spool_free(sp);

	snprintf(sub, sizeof(sub), "%s/no/such/dir", test_dir);
	cr_assert_null(spool_open(sub, NULL, &err));
	cr_assert_not_null(err);
	free(err);

	memset(&o, 0, sizeof(o));
	o.segment_bytes = 100;
	cr_assert_null(spool_open(test_dir, &o, &err));
	free(err);
	o.segment_bytes = 8192;
	o.max_bytes = 4096;
	cr_assert_null(spool_open(test_dir, &o, &err));
	free(err);
	o.max_bytes = 0;
	o.high_water = 1.5;
	cr_assert_null(spool_open(test_dir, &o, &err));
	free(err);
}

Test(spool, oversize_record_refused)
{
	struct spool		*sp;
	struct spool_options	 o = {
		.max_bytes = 8192, .segment_bytes = 4096
	};
	struct spool_counters	 c;
	char			*big;

	big = calloc(1, SPOOL_RECORD_MAX + 1);
	sp = test_spool_open(&o);
	cr_assert_eq(spool_append(sp, big, 8192, NULL), -1);
	cr_assert_eq(errno, EMSGSIZE);
	cr_assert_eq(spool_append(sp, big, SPOOL_RECORD_MAX + 1, NULL), -1);
	/* A record larger than a segment gets a segment of its own. */
	cr_assert_eq(spool_append(sp, big, 6000, NULL), 0);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.oversize, 2);
	cr_assert_eq(spool_depth(sp), 1);
	spool_free(sp);
	free(big);
}

/* RLIMIT_FSIZE makes writes fail with EFBIG, as a full disk would. */
Test(spool, write_error_keeps_spool_clean)
{
	struct spool		*sp;
	struct spool_counters	 c;
	struct rlimit		 rl;
	rlim_t			 old;
	char			 buf[512];
	size_t			 len;
	int			 n, ok = 0, ns[64];

	signal(SIGXFSZ, SIG_IGN);
	sp = test_spool_open(NULL);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	old = rl.rlim_cur;
	rl.rlim_cur = 5000;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	for (n = 1; n <= 40; n++) {
		len = test_spool_payload(buf, sizeof(buf), n, 200);
		if (spool_append(sp, buf, len, NULL) == 0)
			ok++;
	}
	spool_get_counters(sp, &c);
	rl.rlim_cur = old;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	cr_assert(ok > 0 && ok < 40);
	cr_assert_eq(c.write_errors, (uint64_t)(40 - ok));
	cr_assert_eq(spool_depth(sp), (uint64_t)ok);
	spool_free(sp);

	sp = test_spool_open(NULL);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.corrupt_records, 0);
	cr_assert_eq(test_spool_replay(sp, ns, NULL, 64, 200), (size_t)ok);
	cr_assert_eq(ns[ok - 1], ok);
	spool_free(sp);
}

Test(spool, high_water_on_unacked_bytes)
{
	struct spool		*sp;
	struct spool_options	 o = {
		.max_bytes = 65536, .segment_bytes = 8192, .high_water = 0.5
	};
	uint64_t		 seqs[200];
	size_t			 k, i;
	int			 n = 0;

	sp = test_spool_open(&o);
	while (!spool_high_water(sp) && n < 200) {
		n++;
		test_spool_fill(sp, n, n, 300);
	}
	cr_assert(spool_high_water(sp));
	/* ~360 bytes a record: 32768 / 360 is 91. */
	cr_assert(n >= 85 && n <= 95, "n %d", n);
	k = test_spool_replay(sp, NULL, seqs, 200, 300);
	for (i = 0; i < k / 4; i++)
		spool_ack(sp, seqs[i]);
	cr_assert_not(spool_high_water(sp));
	spool_free(sp);
}

Test(spool, fsync_counts_per_policy)
{
	struct spool		*sp;
	struct spool_options	 o;
	struct spool_counters	 c, c2;

	memset(&o, 0, sizeof(o));
	o.fsync = SPOOL_FSYNC_ALWAYS;
	sp = test_spool_open(&o);
	test_spool_fill(sp, 1, 20, 10);
	spool_ack(sp, 1);
	spool_get_counters(sp, &c);
	/* 20 appends, 1 ack, directory entries of .seg and .ack. */
	cr_assert_eq(c.fsyncs, 23);
	spool_free(sp);

	o.fsync = SPOOL_FSYNC_BATCH;
	sp = test_spool_open(&o);
	test_spool_fill(sp, 21, 40, 10);
	spool_ack(sp, 2);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.fsyncs, 0);
	cr_assert_eq(spool_sync(sp), 0);
	spool_get_counters(sp, &c);
	/* New segment, old ack file, directory. */
	cr_assert_eq(c.fsyncs, 3);
	cr_assert_eq(spool_sync(sp), 0);
	spool_get_counters(sp, &c2);
	cr_assert_eq(c2.fsyncs, c.fsyncs);
	spool_free(sp);

	o.fsync = SPOOL_FSYNC_NEVER;
	sp = test_spool_open(&o);
	test_spool_fill(sp, 41, 60, 10);
	spool_ack(sp, 3);
	cr_assert_eq(spool_sync(sp), 0);
	spool_get_counters(sp, &c);
	cr_assert_eq(c.fsyncs, 0);
	cr_assert_eq(c.fsync_errors, 0);
	spool_free(sp);
}

Test(spool, parse_fsync)
{
	enum spool_fsync	 f;

	cr_assert_eq(spool_parse_fsync("always", &f), 0);
	cr_assert_eq(f, SPOOL_FSYNC_ALWAYS);
	cr_assert_eq(spool_parse_fsync("never", &f), 0);
	cr_assert_eq(f, SPOOL_FSYNC_NEVER);
	cr_assert_eq(spool_parse_fsync("batch", &f), 0);
	cr_assert_eq(f, SPOOL_FSYNC_BATCH);
	cr_assert_eq(spool_parse_fsync("sometimes", &f), -1);
}

/* Scanner on random bytes and on a wall of headers: bounded, no crash. */
Test(spool, scan_hostile_buffers)
{
	struct spool_scan	 res;
	char			*img, *buf;
	size_t			 len, off[4], i, j, sz = 1 << 20;
	unsigned char		*hdr;
	unsigned long		 crc;
	clock_t			 t0;

	srand(11);
	buf = calloc(1, sz);
	for (i = 0; i < 200; i++) {
		len = (size_t)rand() % 4096;
		for (j = 0; j < len; j++)
			buf[j] = (char)(rand() & 0xff);
		cr_assert_eq(spool_scan_buffer(buf, len, 0, NULL, NULL, &res),
		    0);
		cr_assert_eq(res.corrupt_bytes, len);
		cr_assert_eq(res.corrupt_records, len > 0);
	}
	cr_assert_eq(spool_scan_buffer(buf, 0, 0, NULL, NULL, &res), 0);

	/* One valid header repeated: its payload never checks. */
	img = test_spool_three(&len, off);
	for (i = 0; i + 24 <= sz; i += 24)
		memcpy(buf + i, img, 24);
	t0 = clock();
	cr_assert_eq(spool_scan_buffer(buf, sz, 0, NULL, NULL, &res), 0);
	cr_assert_eq(res.corrupt_bytes, sz);
	cr_assert_lt(clock() - t0, 2 * CLOCKS_PER_SEC);

	/*
	 * Headers that check, each claiming half the buffer: the scan must
	 * trust the length and not checksum half a megabyte per header.
	 */
	memset(buf, 'x', sz);
	for (i = 0; i + 24 <= sz; i += 24) {
		hdr = (unsigned char *)buf + i;
		memcpy(hdr, "\xf9HSR", 4);
		memset(hdr + 4, 0, 16);
		hdr[6] = 8;			/* length 0x80000 */
		hdr[8] = 1;			/* seq 1 */
		crc = crc32(0L, hdr, 20);
		for (j = 0; j < 4; j++)
			hdr[20 + j] = (unsigned char)(crc >> (8 * j));
	}
	t0 = clock();
	cr_assert_eq(spool_scan_buffer(buf, sz, 0, NULL, NULL, &res), 0);
	cr_assert_eq(res.corrupt_bytes, sz);
	cr_assert_lt(clock() - t0, 2 * CLOCKS_PER_SEC);

	/* The real image: 3 records; above floor 2 only the third. */
	cr_assert_eq(spool_scan_buffer(img, len, 0, NULL, NULL, &res), 3);
	cr_assert_eq(res.valid_end, len);
	cr_assert_eq(res.last_seq, 3);
	cr_assert_eq(spool_scan_buffer(img, len, 2, NULL, NULL, &res), 1);
	cr_assert_eq(res.corrupt_bytes, off[2]);
	/* A record appearing twice counts as damage the second time. */
	memcpy(buf, img, len);
	memcpy(buf + len, img + off[2], len - off[2]);
	cr_assert_eq(spool_scan_buffer(buf, len + len - off[2], 0, NULL,
	    NULL, &res), 3);
	cr_assert_eq(res.corrupt_records, 1);
	free(img);
	free(buf);
}

/*
 * Issue 16: damage that turns the ack entry of an acked seq (2) into the
 * seq of an unacked record (7) must not ack 7.  The entry's crc32 (see
 * spool_format.c: "the acked seq (u64) and the crc32 of those 8 bytes",
 * little-endian) no longer matches, so the entry is ignored: 2 comes
 * back as a duplicate and 7 is still replayed.
 */
Test(spool, damaged_ack_entry_naming_another_unacked_seq_still_replays)
{
	struct spool		*sp;
	char			*img;
	size_t			 len;
	int			 ns[16];
	uint64_t		 i;

	sp = test_spool_open(NULL);
	test_spool_fill(sp, 1, 10, 10);
	for (i = 1; i <= 5; i++)
		cr_assert_eq(spool_ack(sp, i), 0);
	spool_free(sp);
	img = test_spool_read("00000001.ack", &len);
	cr_assert_eq(len, 5 * 12);
	cr_assert_eq((unsigned char)img[12], 2, "entry 2 is seq 2, LE");
	img[12] ^= 2 ^ 7;		/* seq 2 -> seq 7, crc unchanged */
	test_spool_write("00000001.ack", img, len);
	free(img);

	sp = test_spool_open(NULL);
	cr_expect_eq(spool_depth(sp), 6);
	cr_assert_eq(test_spool_replay(sp, ns, NULL, 16, 10), 6);
	cr_expect_eq(ns[0], 2);
	cr_expect_eq(ns[1], 6);
	cr_expect_eq(ns[2], 7);
	spool_free(sp);
}
