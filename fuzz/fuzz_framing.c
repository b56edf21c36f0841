/*
 * libFuzzer target for the TCP framing of listen.c, driven through a
 * bufferevent pair attached with listen_attach().  The first byte of the
 * input picks max_frame, the next seven the sizes of successive writes
 * (so that reads end at every kind of boundary); the rest is the stream,
 * followed by EOF.  Checks that every frame is at most max_frame bytes,
 * and that the frames do not depend on the read boundaries: the stream
 * written in one piece must give the same frames.  The same stream also
 * goes straight through framing_scan() the way a plain TCP
 * connection uses it (reads of the chunk sizes into a buffer of
 * max_frame + 80 bytes, the unconsumed tail moved to the front), which
 * must give the same frames again.  Last, the real plain TCP path: the
 * stream is written in the same chunks to two stream socketpairs taken
 * in turn by listen_adopt() (one struct listen per max_frame, kept), so
 * that the two connections share its read buffer, each holding its own
 * tail between reads (copied, or read into when it is long); each must
 * give the same frames, and both must be closed afterwards.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "input/framing.h"
#include "input/listen.h"

#define FUZZ_HDR	8	/* max_frame selector and 7 chunk sizes */
#define FUZZ_LOOPS	64	/* event loop passes after each write */

struct fuzz_frames {
	size_t		 max_frame;	/* the limit in force */
	unsigned char	*buf;		/* length (8 bytes) + bytes, each */
	size_t		 len;
	size_t		 cap;
	size_t		 n;		/* frames */
};

static struct event_base	*fuzz_base;
static struct fuzz_frames	*fuzz_cur;	/* gets fuzz_raw()'s frames */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fuzz_base = event_base_new()) == NULL)
		abort();
	return 0;
}

static void
fuzz_append(struct fuzz_frames *f, const void *p, size_t len)
{
	while (f->len + len > f->cap) {
		f->cap = f->cap == 0 ? 4096 : f->cap * 2;
		if ((f->buf = realloc(f->buf, f->cap)) == NULL)
			abort();
	}
	if (len > 0)
		memcpy(f->buf + f->len, p, len);
	f->len += len;
}

static void
fuzz_frame_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	struct fuzz_frames	*f = arg;
	uint64_t		 n = len;

	if (src == NULL || src->udp || len > f->max_frame) {
		fprintf(stderr, "frame of %zu bytes, max_frame %zu\n", len,
		    f->max_frame);
		abort();
	}
	fuzz_append(f, &n, sizeof(n));
	fuzz_append(f, buf, len);
	f->n++;
}

/* True once the writing end has handed everything to the reading end. */
static bool
fuzz_drained(struct bufferevent *w)
{
	return evbuffer_get_length(bufferevent_get_output(w)) == 0;
}

/*
 * Writes stream to a new connection in chunks (chunk sizes cycle through
 * sizes[0..nsizes); none: one piece), then EOF; the frames go to f.
 */
static void
fuzz_stream(const uint8_t *stream, size_t len, const uint8_t *sizes,
    size_t nsizes, struct fuzz_frames *f)
{
	struct listen_options	 o;
	struct listen		*l;
	struct bufferevent	*pair[2];
	char			*errstr = NULL;
	size_t			 off = 0, n, k = 0;
	int			 i;

	memset(&o, 0, sizeof(o));
	o.max_frame = f->max_frame;
	if ((l = listen_new(fuzz_base, &o, fuzz_frame_cb, f,
	    &errstr)) == NULL)
		abort();
	if (bufferevent_pair_new(fuzz_base, BEV_OPT_CLOSE_ON_FREE, pair) != 0)
		abort();
	if (listen_attach(l, pair[1], "pair/fuzz") != 0)
		abort();
	if (bufferevent_enable(pair[0], EV_WRITE) != 0)
		abort();
	while (off < len) {
		n = nsizes == 0 ? len : (size_t)sizes[k++ % nsizes] * 7 + 1;
		if (n > len - off)
			n = len - off;
		if (bufferevent_write(pair[0], stream + off, n) != 0)
			abort();
		off += n;
		for (i = 0; i < FUZZ_LOOPS && !fuzz_drained(pair[0]); i++)
			event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
	}
	bufferevent_flush(pair[0], EV_WRITE, BEV_FINISHED);
	for (i = 0; i < FUZZ_LOOPS; i++)
		event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
	listen_free(l);
	bufferevent_free(pair[0]);
	event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
}

static int
fuzz_scan_cb(const char *buf, size_t len, void *arg)
{
	static const struct listen_source src = { "scan", false, false, 0 };

	fuzz_frame_cb(buf, len, &src, arg);
	return 0;
}

/* Aborts unless a and b hold the same frames. */
static void
fuzz_same(const struct fuzz_frames *a, const struct fuzz_frames *b,
    const char *what, const char *aname, const char *bname)
{
	if (a->n == b->n && a->len == b->len &&
	    (a->len == 0 || memcmp(a->buf, b->buf, a->len) == 0))
		return;
	fprintf(stderr, "%s: %zu frames (%zu bytes) %s, %zu (%zu) %s\n",
	    what, a->n, a->len, aname, b->n, b->len, bname);
	abort();
}

/* The stream through framing_scan() in place, as plain TCP does. */
static void
fuzz_scan(const uint8_t *stream, size_t len, const uint8_t *sizes,
    size_t nsizes, struct fuzz_frames *f)
{
	struct framing		 st;
	char			*buf;
	size_t			 cap, have = 0, off = 0, n, used, k = 0;

	memset(&st, 0, sizeof(st));
	st.max_frame = f->max_frame;
	cap = f->max_frame + 80;
	if ((buf = malloc(cap)) == NULL)
		abort();
	while (off < len) {
		n = (size_t)sizes[k++ % nsizes] * 7 + 1;
		if (n > len - off)
			n = len - off;
		if (n > cap - have)
			n = cap - have;
		if (n == 0)
			abort();	/* the tail filled the buffer */
		memcpy(buf + have, stream + off, n);
		have += n;
		off += n;
		if (framing_scan(&st, buf, have, fuzz_scan_cb, f,
		    &used) == -1)
			goto out;	/* closed, as the connection is */
		if (used > have)
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	framing_finish(&st, buf, have, fuzz_scan_cb, f);
out:
	free(buf);
}

static void
fuzz_raw_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	(void)arg;
	fuzz_frame_cb(buf, len, src, fuzz_cur);
}

/* Runs the loop until fd has nothing left to read (bounded). */
static void
fuzz_raw_drain(int fd, struct fuzz_frames *f)
{
	int	 i, n;

	fuzz_cur = f;
	for (i = 0; i < FUZZ_LOOPS; i++) {
		event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
		if (ioctl(fd, FIONREAD, &n) == -1 || n == 0)
			break;
	}
	event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
}

/*
 * The stream through the plain TCP path of l (a listen_tcp listener,
 * index 0): to two connections in turn, chunked as fuzz_stream() does
 * for the first and with the sizes shifted for the second, then EOF on
 * each; their frames go to f[0] and f[1].
 */
static void
fuzz_raw(struct listen *l, const uint8_t *stream, size_t len,
    const uint8_t *sizes, size_t nsizes, struct fuzz_frames *f)
{
	struct listen_counters	 c;
	int			 sv[2][2], j;
	size_t			 off[2] = { 0, 0 }, n, k = 0;

	for (j = 0; j < 2; j++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv[j]) == -1 ||
		    fcntl(sv[j][1], F_SETFL, O_NONBLOCK) == -1)
			abort();
		if (listen_adopt(l, sv[j][1], false, 0) == -1)
			abort();
	}
	while (off[0] < len || off[1] < len) {
		for (j = 0; j < 2; j++) {
			n = (size_t)sizes[(k + 3 * j) % nsizes] * 7 + 1;
			if (n > len - off[j])
				n = len - off[j];
			/* the connection may be closed: bad prefix */
			if (n > 0)
				(void)send(sv[j][0], stream + off[j], n,
				    MSG_NOSIGNAL);
			off[j] += n;
			fuzz_raw_drain(sv[j][1], &f[j]);
		}
		k++;
	}
	for (j = 0; j < 2; j++) {
		close(sv[j][0]);
		fuzz_raw_drain(-1, &f[j]);
	}
	fuzz_cur = NULL;
	listen_get_counters(l, &c);
	if (c.conns_open != 0) {
		fprintf(stderr, "%llu connections left open\n",
		    (unsigned long long)c.conns_open);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 frames[] = { 8, 16, 64, 300, 4096, 65536 };
	static struct listen	*raw[6];	/* kept: binds a port */
	struct listen_options	 rawo;
	static char		*tcpv[] = { "127.0.0.1:0" };
	struct fuzz_frames	 a, b, c, r[2];
	char			*errstr = NULL;
	size_t			 m;

	if (size < FUZZ_HDR)
		return 0;
	m = data[0] % 6;
	if (raw[m] == NULL) {
		memset(&rawo, 0, sizeof(rawo));
		rawo.max_frame = frames[m];
		rawo.tcp = tcpv;
		rawo.ntcp = 1;
		raw[m] = listen_new(fuzz_base, &rawo, fuzz_raw_cb,
		    NULL, &errstr);
		if (raw[m] == NULL)
			abort();
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	memset(r, 0, sizeof(r));
	a.max_frame = b.max_frame = c.max_frame = frames[m];
	r[0].max_frame = r[1].max_frame = frames[m];
	fuzz_stream(data + FUZZ_HDR, size - FUZZ_HDR, data + 1,
	    FUZZ_HDR - 1, &a);
	fuzz_stream(data + FUZZ_HDR, size - FUZZ_HDR, NULL, 0, &b);
	fuzz_scan(data + FUZZ_HDR, size - FUZZ_HDR, data + 1, FUZZ_HDR - 1,
	    &c);
	fuzz_same(&a, &c, "plain TCP framing differs", "through the "
	    "bufferevent", "in place");
	fuzz_same(&a, &b, "framing depends on read boundaries", "chunked",
	    "whole");
	fuzz_raw(raw[m], data + FUZZ_HDR, size - FUZZ_HDR, data + 1,
	    FUZZ_HDR - 1, r);
	fuzz_same(&a, &r[0], "plain TCP connection differs", "through the "
	    "bufferevent", "first connection");
	fuzz_same(&a, &r[1], "plain TCP connection differs", "through the "
	    "bufferevent", "second connection");
	free(r[0].buf);
	free(r[1].buf);
	free(a.buf);
	free(b.buf);
	free(c.buf);
	return 0;
}
