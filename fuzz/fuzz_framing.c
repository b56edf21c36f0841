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
 * libFuzzer target for the TCP framing of listen.c, driven through a
 * bufferevent pair attached with listen_attach().  The first byte of the
 * input picks max_frame, the next seven the sizes of successive writes
 * (so that reads end at every kind of boundary); the rest is the stream,
 * followed by EOF.  Checks that every frame is at most max_frame bytes,
 * and that the frames do not depend on the read boundaries: the stream
 * written in one piece must give the same frames.  The same stream also
 * goes straight through listen_frame_scan() the way a plain TCP
 * connection uses it (reads of the chunk sizes into a buffer of
 * max_frame + 80 bytes, the unconsumed tail moved to the front), which
 * must give the same frames again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "config.h"
#include "listen.h"

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
	struct config		 cfg;
	struct listen		*l;
	struct bufferevent	*pair[2];
	char			*errstr = NULL;
	size_t			 off = 0, n, k = 0;
	int			 i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_frame = f->max_frame;
	if ((l = listen_new(fuzz_base, &cfg, fuzz_frame_cb, f,
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

/* The stream through listen_frame_scan() in place, as plain TCP does. */
static void
fuzz_scan(const uint8_t *stream, size_t len, const uint8_t *sizes,
    size_t nsizes, struct fuzz_frames *f)
{
	struct listen_scan	 st;
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
		if (listen_frame_scan(&st, buf, have, fuzz_scan_cb, f,
		    &used) == -1)
			goto out;	/* closed, as the connection is */
		if (used > have)
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	listen_frame_finish(&st, buf, have, fuzz_scan_cb, f);
out:
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 frames[] = { 8, 16, 64, 300, 4096, 65536 };
	struct fuzz_frames	 a, b, c;

	if (size < FUZZ_HDR)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	a.max_frame = b.max_frame = c.max_frame = frames[data[0] % 6];
	fuzz_stream(data + FUZZ_HDR, size - FUZZ_HDR, data + 1,
	    FUZZ_HDR - 1, &a);
	fuzz_stream(data + FUZZ_HDR, size - FUZZ_HDR, NULL, 0, &b);
	fuzz_scan(data + FUZZ_HDR, size - FUZZ_HDR, data + 1, FUZZ_HDR - 1,
	    &c);
	fuzz_same(&a, &c, "plain TCP framing differs", "through the "
	    "bufferevent", "in place");
	fuzz_same(&a, &b, "framing depends on read boundaries", "chunked",
	    "whole");
	free(a.buf);
	free(b.buf);
	free(c.buf);
	return 0;
}
