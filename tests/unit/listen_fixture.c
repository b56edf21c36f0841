/*
 * The fixture of the listen.c tests: see listen_fixture.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <criterion/criterion.h>

#include "daemon/config.h"
#include "daemon/options.h"
#include "input/framing.h"
#include "input/listen.h"
#include "listen_fixture.h"

struct event_base	*base;
struct config		 cfg;
struct listen_options	 lopts;
struct got		 got;

void
got_clear(void)
{
	size_t	 i;

	for (i = 0; i < got.n; i++)
		free(got.frame[i]);
	memset(&got, 0, sizeof(got));
}

void
got_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	cr_assert_eq(arg, &got);
	cr_assert_lt(got.n, MAXFRAMES);
	got.frame[got.n] = malloc(len + 1);
	cr_assert_not_null(got.frame[got.n]);
	memcpy(got.frame[got.n], buf, len);
	got.frame[got.n][len] = '\0';
	got.len[got.n++] = len;
	snprintf(got.listener, sizeof(got.listener), "%s", src->listener);
	got.udp = src->udp;
	if (got.n == 1 || src->now_ms < got.now_lo)
		got.now_lo = src->now_ms;
	if (got.n == 1 || src->now_ms > got.now_hi)
		got.now_hi = src->now_ms;
	if (got.pause_on_frame != NULL)
		listen_pause(got.pause_on_frame);
}

/* Wall time in ms since the epoch. */
int64_t
wall_ms(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Every frame so far carried an arrival time within [lo - 1 s, now]. */
void
expect_arrival(int64_t lo, const char *ctx)
{
	cr_expect_geq(got.now_lo, lo - 1000, "%s: %lld before %lld", ctx,
	    (long long)got.now_lo, (long long)lo);
	cr_expect_leq(got.now_hi, wall_ms(), "%s: %lld in the future", ctx,
	    (long long)got.now_hi);
}


void
listen_fix_setup(void)
{
	base = event_base_new();
	cr_assert_not_null(base);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_frame = 65536;
	cfg.max_connections = 16;
	memset(&got, 0, sizeof(got));
}

void
listen_fix_teardown(void)
{
	got_clear();
	event_base_free(base);
}


/* Runs the pending (deferred) callbacks: a bounded number of passes. */
void
spin(void)
{
	int	 i;

	for (i = 0; i < 8; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Runs the loop for ms milliseconds. */
void
run_for(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Runs the loop until want frames arrived or about 2 s passed. */
void
run_until_frames(size_t want)
{
	int	 i;

	for (i = 0; i < 100 && got.n < want; i++)
		run_for(20);
}

/* Runs the loop until a counter reaches want or about 2 s passed. */
void
wait_counter(struct listen *l, enum wait_what what, uint64_t want)
{
	struct listen_counters	 c;
	uint64_t		 v;
	int			 i;

	for (i = 0; i < 100; i++) {
		listen_get_counters(l, &c);
		v = what == WAIT_OPEN ? c.conns_open : c.conns_refused;
		if (v == want)
			return;
		run_for(20);
	}
}

/* Compares the frames received with want (wantlen NULL: strlen). */
void
expect_frames_len(const char *const *want, const size_t *wantlen,
    size_t nwant, const char *ctx)
{
	size_t	 i, wl;

	cr_expect_eq(got.n, nwant, "%s: %zu frames, want %zu", ctx, got.n,
	    nwant);
	for (i = 0; i < got.n && i < nwant; i++) {
		wl = wantlen != NULL ? wantlen[i] : strlen(want[i]);
		cr_expect(got.len[i] == wl &&
		    memcmp(got.frame[i], want[i], wl) == 0,
		    "%s: frame %zu is \"%s\" (%zu), want \"%s\" (%zu)", ctx,
		    i, got.frame[i], got.len[i], want[i], wl);
	}
}

void
expect_frames(const char *const *want, size_t nwant, const char *ctx)
{
	expect_frames_len(want, NULL, nwant, ctx);
}

/* Appends an octet-counted frame "LEN SP MSG" to the stream. */
size_t
put_octet(char *s, size_t off, const char *msg, size_t len)
{
	off += sprintf(s + off, "%zu ", len);
	memcpy(s + off, msg, len);
	return off + len;
}

size_t
put_raw(char *s, size_t off, const char *raw, size_t len)
{
	memcpy(s + off, raw, len);
	return off + len;
}

/* The mixed stream of the split tests and the frames it holds. */
const char *const mixed_want[MIXED_N] = {
	"hello", "line one", "line two", "nul term",
	"with\nnewline\0x", "<14>1 - h a - - - x", "cr\r", "last"
};
const size_t mixed_len[MIXED_N] = { 5, 8, 8, 8, 14, 19, 3, 4 };

size_t
mixed_stream(char *s)
{
	size_t	 off = 0;

	off = put_octet(s, off, "hello", 5);
	off = put_raw(s, off, "line one\n", 9);
	off = put_raw(s, off, "line two\r\n", 10);
	off = put_raw(s, off, "nul term\0", 9);
	off = put_octet(s, off, "with\nnewline\0x", 14);
	off = put_raw(s, off, "\n\r\n", 3);		/* empty frames */
	off = put_raw(s, off, "<14>1 - h a - - - x\r\n", 21);
	off = put_octet(s, off, "cr\r", 3);
	off = put_raw(s, off, "last\0", 5);
	return off;
}

struct listen *
pair_listen(struct bufferevent **writer)
{
	struct bufferevent	*pair[2];
	struct listen		*l;
	char			*errstr;

	l = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_assert_not_null(l, "listen_new: %s", errstr);
	cr_assert_eq(bufferevent_pair_new(base, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS, pair), 0);
	cr_assert_eq(listen_attach(l, pair[1], "pair/test"), 0);
	*writer = pair[0];
	return l;
}

void
counters(struct listen *l, struct listen_counters *c)
{
	memset(c, 0xff, sizeof(*c));
	listen_get_counters(l, c);
}


/* A blocking client socket connected to addr:port. */
int
client(int family, const char *addr, int port, int type)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;
	int			 fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		cr_assert_eq(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		cr_assert_eq(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
		sl = sizeof(*sin6);
	}
	fd = socket(family, type, 0);
	cr_assert_neq(fd, -1);
	cr_assert_eq(connect(fd, (struct sockaddr *)&ss, sl), 0,
	    "connect: %s", strerror(errno));
	return fd;
}

void
send_all(int fd, const char *s, size_t len)
{
	cr_assert_eq(send(fd, s, len, 0), (ssize_t)len);
}

struct listen *
sock_listen(const char *tcp, const char *udp)
{
	static char		*tcpv[1], *udpv[1];
	struct listen		*l;
	char			*errstr;

	tcpv[0] = (char *)tcp;
	udpv[0] = (char *)udp;
	cfg.listen_tcp = tcpv;
	cfg.nlisten_tcp = tcp != NULL;
	cfg.listen_udp = udpv;
	cfg.nlisten_udp = udp != NULL;
	l = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_assert_not_null(l, "listen_new: %s", errstr);
	return l;
}

