/*
 * Unit tests of listen.c: RFC 6587 framing through bufferevent pairs
 * (split at every byte, oversize, bad prefixes, EOF, pause), then real
 * sockets on loopback with ephemeral ports (TCP, UDP, connection cap,
 * back-pressure, IPv6, one UDP flow spread over two sockets).  Every
 * loop is bounded in count and time.
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
#include "testref.h"

#define MAXFRAMES	64

enum wait_what {
	WAIT_OPEN,			/* conns_open */
	WAIT_REFUSED			/* conns_refused */
};

struct got {
	char		*frame[MAXFRAMES];	/* copies */
	size_t		 len[MAXFRAMES];
	size_t		 n;
	char		 listener[64];		/* of the last frame */
	bool		 udp;			/* of the last frame */
	int64_t		 now_lo, now_hi;	/* of src->now_ms */
	struct listen	*pause_on_frame;	/* pause after each frame */
};

static struct event_base *base;
static struct config	 cfg;
static struct listen_options lopts;	/* from cfg, for listen_new() */
static struct got	 got;

static void
got_clear(void)
{
	size_t	 i;

	for (i = 0; i < got.n; i++)
		free(got.frame[i]);
	memset(&got, 0, sizeof(got));
}

static void
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
static int64_t
wall_ms(void)
{
	struct timeval	 tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Every frame so far carried an arrival time within [lo - 1 s, now]. */
static void
expect_arrival(int64_t lo, const char *ctx)
{
	cr_expect_geq(got.now_lo, lo - 1000, "%s: %lld before %lld", ctx,
	    (long long)got.now_lo, (long long)lo);
	cr_expect_leq(got.now_hi, wall_ms(), "%s: %lld in the future", ctx,
	    (long long)got.now_hi);
}

static void
setup(void)
{
	base = event_base_new();
	cr_assert_not_null(base);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_frame = 65536;
	cfg.max_connections = 16;
	memset(&got, 0, sizeof(got));
}

static void
teardown(void)
{
	got_clear();
	event_base_free(base);
}

TestSuite(listen, .init = setup, .fini = teardown, .timeout = 30);

/* Runs the pending (deferred) callbacks: a bounded number of passes. */
static void
spin(void)
{
	int	 i;

	for (i = 0; i < 8; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Runs the loop for ms milliseconds. */
static void
run_for(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Runs the loop until want frames arrived or about 2 s passed. */
static void
run_until_frames(size_t want)
{
	int	 i;

	for (i = 0; i < 100 && got.n < want; i++)
		run_for(20);
}

/* Runs the loop until a counter reaches want or about 2 s passed. */
static void
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
static void
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

static void
expect_frames(const char *const *want, size_t nwant, const char *ctx)
{
	expect_frames_len(want, NULL, nwant, ctx);
}

/* Appends an octet-counted frame "LEN SP MSG" to the stream. */
static size_t
put_octet(char *s, size_t off, const char *msg, size_t len)
{
	off += sprintf(s + off, "%zu ", len);
	memcpy(s + off, msg, len);
	return off + len;
}

static size_t
put_raw(char *s, size_t off, const char *raw, size_t len)
{
	memcpy(s + off, raw, len);
	return off + len;
}

/* The mixed stream of the split tests and the frames it holds. */
static const char *const mixed_want[] = {
	"hello", "line one", "line two", "nul term",
	"with\nnewline\0x", "<14>1 - h a - - - x", "cr\r", "last"
};
static const size_t mixed_len[] = { 5, 8, 8, 8, 14, 19, 3, 4 };
#define MIXED_N	(sizeof(mixed_want) / sizeof(mixed_want[0]))

static size_t
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

static struct listen *
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

static void
counters(struct listen *l, struct listen_counters *c)
{
	memset(c, 0xff, sizeof(*c));
	listen_get_counters(l, c);
}

Test(listen, split_at_every_byte)
{
	/* a large frame limit, and one just over the longest frame */
	static const size_t	 max_frame[] = { 65536, 20 };
	char			 s[256], ctx[48];
	struct bufferevent	*w;
	struct listen		*l;
	size_t			 len, k, m;

	len = mixed_stream(s);
	for (m = 0; m < sizeof(max_frame) / sizeof(max_frame[0]); m++) {
		cfg.max_frame = max_frame[m];
		for (k = 0; k <= len; k++) {
			l = pair_listen(&w);
			cr_assert_eq(bufferevent_write(w, s, k), 0);
			spin();
			cr_assert_eq(bufferevent_write(w, s + k, len - k), 0);
			spin();
			snprintf(ctx, sizeof(ctx), "max %zu, split at %zu",
			    max_frame[m], k);
			expect_frames_len(mixed_want, mixed_len, MIXED_N, ctx);
			cr_expect_str_eq(got.listener, "pair/test");
			cr_expect(!got.udp);
			bufferevent_free(w);
			listen_free(l);
			got_clear();
		}
	}
}

Test(listen, one_byte_at_a_time)
{
	char			 s[256];
	struct bufferevent	*w;
	struct listen		*l;
	struct listen_counters	 c;
	size_t			 len, k;

	len = mixed_stream(s);
	l = pair_listen(&w);
	for (k = 0; k < len; k++) {
		cr_assert_eq(bufferevent_write(w, s + k, 1), 0);
		spin();
	}
	expect_frames_len(mixed_want, mixed_len, MIXED_N, "byte by byte");
	counters(l, &c);
	cr_expect_eq(c.frames_tcp, 8);
	cr_expect_eq(c.oversize, 0);
	cr_expect_eq(c.conns_open, 1);
	bufferevent_free(w);
	listen_free(l);
}

Test(listen, oversize_octet_frame_is_skipped)
{
	static const char *const want[] = { "abc", "good" };
	char			 s[2048], big[1000];
	struct bufferevent	*w;
	struct listen		*l;
	struct listen_counters	 c;
	size_t			 len = 0, k;

	cfg.max_frame = 16;
	memset(big, 'x', sizeof(big));
	len = put_octet(s, len, big, 20);
	len = put_octet(s, len, "abc", 3);
	/* far past the read watermark: skipped as it arrives */
	len = put_octet(s, len, big, sizeof(big));
	len = put_raw(s, len, "good\n", 5);
	l = pair_listen(&w);
	for (k = 0; k < len; k += 7) {
		cr_assert_eq(bufferevent_write(w, s + k,
		    len - k < 7 ? len - k : 7), 0);
		spin();
	}
	expect_frames(want, 2, "oversize octet");
	counters(l, &c);
	cr_expect_eq(c.oversize, 2);
	cr_expect_eq(c.conns_open, 1, "the connection stays open");
	bufferevent_free(w);
	listen_free(l);
}

Test(listen, oversize_line_frame_resyncs)
{
	static const char *const want[] = {
		"ok", "good", "fits in sixteen!", "close"
	};
	char			 s[2048];
	struct bufferevent	*w;
	struct listen		*l;
	struct listen_counters	 c;
	size_t			 len = 0;

	cfg.max_frame = 16;
	len = put_raw(s, len, "ok\n", 3);
	memset(s + len, 'y', 40);
	len += 40;
	len = put_raw(s, len, "\ngood\n", 6);
	memset(s + len, 'z', 500);
	len += 500;
	len = put_raw(s, len, "\nfits in sixteen!\r\n", 19);
	/* the next frame follows closely, inside the same read */
	memset(s + len, 'w', 20);
	len += 20;
	len = put_raw(s, len, "\nclose\n", 7);
	l = pair_listen(&w);
	cr_assert_eq(bufferevent_write(w, s, len), 0);
	spin();
	expect_frames(want, 4, "oversize line");
	counters(l, &c);
	cr_expect_eq(c.oversize, 3);
	cr_expect_eq(c.conns_open, 1);
	bufferevent_free(w);
	listen_free(l);
}

Test(listen, bad_length_prefix_closes)
{
	static const struct {
		const char	*stream;
		const char	*first;		/* frame before the bad one */
	} tc[] = {
		{ "a\n12345678901 x\nb\n", "a" },	/* 11 digits */
		{ "a\n12x hi\nb\n", "a" },		/* not a space */
		{ "5 hello99999999999", "hello" },	/* 11 digits, no SP */
	};
	struct bufferevent	*w;
	struct listen		*l;
	struct listen_counters	 c;
	size_t			 i;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		l = pair_listen(&w);
		cr_assert_eq(bufferevent_write(w, tc[i].stream,
		    strlen(tc[i].stream)), 0);
		spin();
		expect_frames(&tc[i].first, 1, tc[i].stream);
		counters(l, &c);
		cr_expect_eq(c.bad_length, 1, "%s", tc[i].stream);
		cr_expect_eq(c.conns_open, 0, "%s: closed", tc[i].stream);
		bufferevent_free(w);
		listen_free(l);
		got_clear();
	}
}

Test(listen, unterminated_frame_at_eof)
{
	static const char *const want[] = { "a", "b", "tail" };
	struct bufferevent	*w;
	struct listen		*l;
	struct listen_counters	 c;

	l = pair_listen(&w);
	cr_assert_eq(bufferevent_write(w, "a\n1 btail\r", 10), 0);
	spin();
	cr_expect_eq(got.n, 2, "tail waits for its terminator");
	bufferevent_flush(w, EV_WRITE, BEV_FINISHED);
	spin();
	expect_frames(want, 3, "eof");
	counters(l, &c);
	cr_expect_eq(c.conns_open, 0, "closed at EOF");
	bufferevent_free(w);
	listen_free(l);
}

Test(listen, pause_inside_callback_keeps_buffered_frames)
{
	static const char *const want[] = { "a", "b", "c" };
	struct bufferevent	*w;
	struct listen		*l;

	l = pair_listen(&w);
	got.pause_on_frame = l;
	cr_assert_eq(bufferevent_write(w, "a\nb\nc\n", 6), 0);
	spin();
	expect_frames(want, 1, "paused after one");
	got.pause_on_frame = NULL;
	listen_resume(l);
	cr_expect_eq(got.n, 1, "resume does not call back synchronously");
	spin();
	expect_frames(want, 3, "resumed");
	bufferevent_free(w);
	listen_free(l);
}

Test(listen, idle_timeout_closes)
{
	struct bufferevent	*w;
	struct listen		*l;
	struct listen_counters	 c;

	cfg.idle_timeout_s = 1;
	l = pair_listen(&w);
	wait_counter(l, WAIT_OPEN, 0);
	counters(l, &c);
	cr_expect_eq(c.conns_idle, 1);
	cr_expect_eq(c.conns_open, 0);
	bufferevent_free(w);
	listen_free(l);
}

/* A blocking client socket connected to addr:port. */
static int
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

static void
send_all(int fd, const char *s, size_t len)
{
	cr_assert_eq(send(fd, s, len, 0), (ssize_t)len);
}

static struct listen *
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

Test(listen, tcp_frames_arrive)
{
	static const char *const want[] = { "hello", "world", "eof" };
	struct listen_counters	 c;
	struct listen		*l;
	char			 name[64];
	int			 port, fd;
	int64_t			 t0 = wall_ms();

	l = sock_listen("127.0.0.1:0", NULL);
	port = listen_port(l, false, 0);
	cr_assert_gt(port, 0);
	cr_expect_eq(listen_port(l, false, 1), -1);
	cr_expect_eq(listen_port(l, true, 0), -1);
	fd = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	send_all(fd, "5 helloworld\r\neof", 17);
	close(fd);
	run_until_frames(3);
	expect_frames(want, 3, "tcp");
	expect_arrival(t0, "tcp");
	snprintf(name, sizeof(name), "tcp/127.0.0.1:%d", port);
	cr_expect_str_eq(got.listener, name);
	cr_expect(!got.udp);
	run_for(20);
	counters(l, &c);
	cr_expect_eq(c.conns_accepted, 1);
	cr_expect_eq(c.conns_open, 0);
	cr_expect_eq(c.frames_tcp, 3);
	cr_expect_eq(c.bytes, 13);
	listen_free(l);
}

Test(listen, udp_datagrams_arrive)
{
	static const char *const want[] = { "hello", "crlf", "nul", "plain" };
	struct listen_counters	 c;
	struct listen		*l;
	char			 big[100], name[64];
	int			 port, fd;
	int64_t			 t0 = wall_ms();

	cfg.max_frame = 64;
	cfg.udp_rcvbuf = 1 << 20;
	l = sock_listen(NULL, "127.0.0.1:0");
	port = listen_port(l, true, 0);
	cr_assert_gt(port, 0);
	fd = client(AF_INET, "127.0.0.1", port, SOCK_DGRAM);
	send_all(fd, "hello\n", 6);
	send_all(fd, "crlf\r\n", 6);
	send_all(fd, "nul", 4);			/* with its NUL */
	memset(big, 'x', sizeof(big));
	send_all(fd, big, sizeof(big));		/* over max_frame */
	send_all(fd, "\n", 1);			/* empty */
	send_all(fd, "plain", 5);
	close(fd);
	run_until_frames(4);
	run_for(20);
	expect_frames(want, 4, "udp");
	expect_arrival(t0, "udp");
	snprintf(name, sizeof(name), "udp/127.0.0.1:%d", port);
	cr_expect_str_eq(got.listener, name);
	cr_expect(got.udp);
	counters(l, &c);
	cr_expect_eq(c.frames_udp, 4);
	cr_expect_eq(c.udp_truncated, 1);
	cr_expect_eq(c.frames_tcp, 0);
	listen_free(l);
}

Test(listen, max_connections_refuses_extra)
{
	static const char *const want[] = { "still here" };
	struct listen_counters	 c;
	struct listen		*l;
	struct pollfd		 pfd;
	char			 b;
	int			 port, fd1, fd2;

	cfg.max_connections = 1;
	l = sock_listen("127.0.0.1:0", NULL);
	port = listen_port(l, false, 0);
	fd1 = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	wait_counter(l, WAIT_OPEN, 1);
	fd2 = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	wait_counter(l, WAIT_REFUSED, 1);
	counters(l, &c);
	cr_expect_eq(c.conns_refused, 1);
	cr_expect_eq(c.conns_accepted, 1);
	cr_expect_eq(c.conns_open, 1);
	pfd.fd = fd2;
	pfd.events = POLLIN;
	cr_expect_eq(poll(&pfd, 1, 2000), 1, "the refused peer sees EOF");
	cr_expect_leq(recv(fd2, &b, 1, 0), 0);
	send_all(fd1, "still here\n", 11);
	run_until_frames(1);
	expect_frames(want, 1, "first connection");
	close(fd1);
	close(fd2);
	listen_free(l);
}

Test(listen, pause_and_resume)
{
	static const char *const want[] = { "a", "b", "c" };
	struct listen_counters	 c;
	struct listen		*l;
	int			 port, fd1, fd2;

	l = sock_listen("127.0.0.1:0", NULL);
	port = listen_port(l, false, 0);
	fd1 = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	send_all(fd1, "a\n", 2);
	run_until_frames(1);
	expect_frames(want, 1, "before pause");

	listen_pause(l);
	send_all(fd1, "b\n", 2);
	/* accepted while paused: starts paused */
	fd2 = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	send_all(fd2, "c\n", 2);
	wait_counter(l, WAIT_OPEN, 2);
	counters(l, &c);
	cr_expect_eq(c.conns_open, 2);
	run_for(200);
	cr_expect_eq(got.n, 1, "no frame while paused");

	listen_resume(l);
	run_until_frames(3);
	cr_expect_eq(got.n, 3);
	cr_expect((strcmp(got.frame[1], "b") == 0 &&
	    strcmp(got.frame[2], "c") == 0) ||
	    (strcmp(got.frame[1], "c") == 0 &&
	    strcmp(got.frame[2], "b") == 0), "b and c after resume");
	close(fd1);
	close(fd2);
	listen_free(l);
}

static bool
have_ipv6_loopback(void)
{
	struct sockaddr_in6	 sin6;
	int			 fd;
	bool			 ok;

	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) == -1)
		return false;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	close(fd);
	return ok;
}

/* Sends "six" to the first [::1] listener of a kind and checks it. */
static void
ipv6_roundtrip(struct listen *l, bool udp)
{
	static const char *const want[] = { "six" };
	char			 name[64];
	int			 port, fd;

	port = listen_port(l, udp, 0);
	cr_assert_gt(port, 0);
	fd = client(AF_INET6, "::1", port, udp ? SOCK_DGRAM : SOCK_STREAM);
	send_all(fd, "six\n", 4);
	run_until_frames(1);
	expect_frames(want, 1, udp ? "ipv6 udp" : "ipv6 tcp");
	snprintf(name, sizeof(name), "%s/[::1]:%d", udp ? "udp" : "tcp",
	    port);
	cr_expect_str_eq(got.listener, name);
	cr_expect_eq(got.udp, udp);
	close(fd);
	got_clear();
}

Test(listen, ipv6_loopback)
{
	struct listen		*l;

	if (!have_ipv6_loopback()) {
		cr_skip_test("no IPv6 loopback on this machine");
		return;
	}
	l = sock_listen("[::1]:0", "[::1]:0");
	ipv6_roundtrip(l, false);
	ipv6_roundtrip(l, true);
	listen_free(l);
}

Test(listen, wildcard_binds)
{
	struct listen		*l;

	l = sock_listen("*:0", ":0");
	cr_expect_gt(listen_port(l, false, 0), 0);
	cr_expect_gt(listen_port(l, true, 0), 0);
	if (have_ipv6_loopback()) {
		cr_expect_gt(listen_port(l, false, 1), 0, "v4 and v6");
		cr_expect_gt(listen_port(l, true, 1), 0, "v4 and v6");
	}
	listen_free(l);
}

Test(listen, bad_addresses_are_refused)
{
	static const char *const bad[] = {
		"nope", "127.0.0.1:99999", "127.0.0.1:", "[::1:514",
		"[::1]514", "127.0.0.1:x", "127.0.0.1:-1", "300.1.1.1:514"
	};
	struct listen		*l;
	char			*tcpv[1], *errstr;
	size_t			 i;

	cfg.listen_tcp = tcpv;
	cfg.nlisten_tcp = 1;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tcpv[0] = (char *)bad[i];
		errstr = NULL;
		l = listen_new(base, options_listen(&cfg, &lopts),
		    got_cb, &got, &errstr);
		cr_expect_null(l, "%s accepted", bad[i]);
		cr_expect(errstr != NULL && strstr(errstr, bad[i]) != NULL,
		    "%s: error names the address: %s", bad[i],
		    errstr == NULL ? "NULL" : errstr);
		free(errstr);
		listen_free(l);
	}
}

Test(listen, bind_conflict_names_address)
{
	struct listen		*l1, *l2;
	char			 addr[64], *tcpv[1], *errstr = NULL;

	l1 = sock_listen("127.0.0.1:0", NULL);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", listen_port(l1, false,
	    0));
	tcpv[0] = addr;
	cfg.listen_tcp = tcpv;
	cfg.nlisten_tcp = 1;
	cfg.nlisten_udp = 0;
	l2 = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_expect_null(l2);
	cr_expect(errstr != NULL && strstr(errstr, addr) != NULL,
	    "error: %s", errstr == NULL ? "NULL" : errstr);
	free(errstr);
	listen_free(l2);
	listen_free(l1);
}

Test(listen, udp_kernel_drops_are_counted)
{
	struct listen_counters	 c;
	struct listen		*l;
	char			 dgram[1000];
	int			 port, fd, i;

	cfg.udp_rcvbuf = 1;		/* the kernel's minimum */
	l = sock_listen(NULL, "127.0.0.1:0");
	port = listen_port(l, true, 0);
	fd = client(AF_INET, "127.0.0.1", port, SOCK_DGRAM);
	memset(dgram, 'd', sizeof(dgram));
	for (i = 0; i < 200; i++)
		send_all(fd, dgram, sizeof(dgram));
	run_for(50);
	/* the drop count rides on the next datagram queued */
	send_all(fd, "last", 4);
	run_until_frames(got.n + 1);
	run_for(20);
	counters(l, &c);
	cr_expect_gt(c.udp_kernel_drops, 0);
	cr_expect_eq(c.frames_udp + c.udp_kernel_drops, 201,
	    "%llu frames + %llu drops", (unsigned long long)c.frames_udp,
	    (unsigned long long)c.udp_kernel_drops);
	close(fd);
	listen_free(l);
}

Test(listen, close_stops_listening_only)
{
	static const char *const want[] = { "kept" };
	struct listen_counters	 c;
	struct listen		*l;
	int			 tport, uport, fd, ufd;

	l = sock_listen("127.0.0.1:0", "127.0.0.1:0");
	tport = listen_port(l, false, 0);
	uport = listen_port(l, true, 0);
	fd = client(AF_INET, "127.0.0.1", tport, SOCK_STREAM);
	ufd = client(AF_INET, "127.0.0.1", uport, SOCK_DGRAM);
	wait_counter(l, WAIT_OPEN, 1);
	listen_close(l);
	send_all(ufd, "lost\n", 5);
	send_all(fd, "kept\n", 5);
	run_until_frames(1);
	run_for(50);
	expect_frames(want, 1, "after close");
	counters(l, &c);
	cr_expect_eq(c.frames_udp, 0);
	cr_expect_eq(c.conns_open, 1);
	close(fd);
	close(ufd);
	listen_free(l);
}

Test(listen, accept_backs_off_on_emfile)
{
	struct listen_counters	 c;
	struct listen		*l;
	struct rlimit		 rl, low;
	int			 port, fd, fd2, lowest;

	l = sock_listen("127.0.0.1:0", NULL);
	port = listen_port(l, false, 0);
	fd = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	lowest = dup(0);
	cr_assert_neq(lowest, -1);
	close(lowest);
	low = rl;
	low.rlim_cur = lowest;		/* no descriptor left for accept() */
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	run_for(100);
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	/* valgrind closes the descriptor it refused: bring another */
	fd2 = client(AF_INET, "127.0.0.1", port, SOCK_STREAM);
	run_for(300);
	counters(l, &c);
	cr_expect_eq(c.conns_accepted, 0, "accepting paused after EMFILE");
	wait_counter(l, WAIT_OPEN, 2);
	counters(l, &c);
	cr_expect_geq(c.conns_accepted, 1, "accepting resumed after 1 s");
	close(fd);
	close(fd2);
	listen_free(l);
}

/*
 * More datagrams than one recvmmsg() batch, with truncated and empty
 * ones among them: every good one arrives in order and each loss is
 * counted; also with max_frame so large that a batch holds few.
 */
static void
udp_batch_roundtrip(size_t max_frame)
{
	struct listen_counters	 c;
	struct listen		*l;
	char			 msg[32], big[200];
	const char		*want[MAXFRAMES];
	char			 wantbuf[MAXFRAMES][32];
	size_t			 nwant = 0, i;
	int			 port, fd;

	cfg.max_frame = max_frame;
	cfg.udp_rcvbuf = 1 << 20;
	l = sock_listen(NULL, "127.0.0.1:0");
	port = listen_port(l, true, 0);
	fd = client(AF_INET, "127.0.0.1", port, SOCK_DGRAM);
	memset(big, 'b', sizeof(big));
	for (i = 0; i < 60; i++) {
		snprintf(msg, sizeof(msg), "datagram %zu\n", i);
		send_all(fd, msg, strlen(msg));
		snprintf(wantbuf[nwant], sizeof(wantbuf[nwant]),
		    "datagram %zu", i);
		want[nwant] = wantbuf[nwant];
		nwant++;
		if (i % 20 == 5) {
			send_all(fd, "\r\n", 2);
			if (max_frame < sizeof(big))
				send_all(fd, big, sizeof(big));
		}
	}
	close(fd);
	run_until_frames(nwant);
	run_for(20);
	expect_frames(want, nwant, "udp batch");
	counters(l, &c);
	cr_expect_eq(c.frames_udp, 60);
	cr_expect_eq(c.nudp, 1);
	cr_expect_eq(c.udp[0].datagrams, 60);
	cr_expect_eq(c.udp[0].drops[LISTEN_UDP_DROP_EMPTY], 3);
	cr_expect_eq(c.udp_truncated, max_frame < sizeof(big) ? 3 : 0);
	cr_expect_eq(c.udp[0].drops[LISTEN_UDP_DROP_TRUNCATED],
	    c.udp_truncated);
	listen_free(l);
}

Test(listen, udp_batches_count_every_datagram)
{
	udp_batch_roundtrip(100);
}

Test(listen, udp_batches_with_long_frames)
{
	udp_batch_roundtrip(2 * 1024 * 1024);
}

/*
 * With workers > 1 each worker binds the same TCP and UDP address
 * (SO_REUSEPORT); with one worker a second bind is refused.
 */
Test(listen, reuseport_with_workers)
{
	static char		*tcpv[1], *udpv[1];
	struct listen		*l1, *l2;
	char			*errstr, addr[64];
	int			 tport, uport;

	cfg.workers = 2;
	l1 = sock_listen("127.0.0.1:0", "127.0.0.1:0");
	tport = listen_port(l1, false, 0);
	uport = listen_port(l1, true, 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", tport);
	tcpv[0] = addr;
	cfg.listen_tcp = tcpv;
	cfg.nlisten_tcp = 1;
	cfg.nlisten_udp = 0;
	l2 = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_assert_not_null(l2, "second TCP bind: %s", errstr);
	cr_expect_eq(listen_port(l2, false, 0), tport);
	listen_free(l2);

	snprintf(addr, sizeof(addr), "127.0.0.1:%d", uport);
	udpv[0] = addr;
	cfg.nlisten_tcp = 0;
	cfg.listen_udp = udpv;
	cfg.nlisten_udp = 1;
	l2 = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_assert_not_null(l2, "second UDP bind: %s", errstr);
	cr_expect_eq(listen_port(l2, true, 0), uport);
	listen_free(l2);

	cfg.workers = 1;
	l2 = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_expect_null(l2, "a second UDP bind without SO_REUSEPORT");
	free(errstr);
	listen_free(l2);
	listen_free(l1);
}

/* listen_frame_fn counting the datagrams of one struct listen. */
static void
count_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	(void)buf;
	(void)len;
	cr_expect(src->udp);
	(*(size_t *)arg)++;
}

/*
 * Sends n datagrams from the connected socket fd in bursts of 100, each
 * burst read (the loop run until *a + *b grew by it, at most about 2 s)
 * before the next, so that no receive buffer overflows.
 */
static void
send_paced(int fd, size_t n, const size_t *a, const size_t *b)
{
	char		 msg[64];
	size_t		 i, want = *a + *b + n;
	int		 len, tries;

	for (i = 0; i < n; i++) {
		len = snprintf(msg, sizeof(msg), "<13>1 - h app - - - %zu",
		    i);
		send_all(fd, msg, (size_t)len);
		if ((i + 1) % 100 != 0 && i + 1 != n)
			continue;
		for (tries = 0; tries < 100 && *a + *b < want - (n - i - 1);
		    tries++)
			run_for(20);
	}
	run_for(20);
}

/*
 * One UDP flow (one client socket) to an address two struct listen share
 * (workers = 2): the kernel's hash gives every datagram to one of them;
 * after listen_spread_udp() each gets a fair share (here at least 30 %
 * of 2000, where a fair coin's 2000 throws give 1000 +- 22) and none is
 * lost.  With the first socket closed, the other takes everything (the
 * program's index 1 is past the group's end: the hash).
 */
Test(listen, udp_spread_one_flow_over_workers)
{
	static char		*udpv[1];
	struct listen		*l1, *l2;
	size_t			 n1 = 0, n2 = 0;
	char			*errstr, addr[64];
	int			 fd, port;

	cfg.workers = 2;
	udpv[0] = "127.0.0.1:0";
	cfg.listen_udp = udpv;
	cfg.nlisten_udp = 1;
	l1 = listen_new(base, options_listen(&cfg, &lopts),
	    count_cb, &n1, &errstr);
	cr_assert_not_null(l1, "listen_new: %s", errstr);
	port = listen_port(l1, true, 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	udpv[0] = addr;
	l2 = listen_new(base, options_listen(&cfg, &lopts),
	    count_cb, &n2, &errstr);
	cr_assert_not_null(l2, "listen_new: %s", errstr);
	cr_expect_eq(listen_spread_udp(l2, 1), 0, "one worker: nothing");
	fd = client(AF_INET, "127.0.0.1", port, SOCK_DGRAM);

	send_paced(fd, 400, &n1, &n2);
	cr_expect_eq(n1 + n2, 400);
	cr_expect(n1 == 0 || n2 == 0, "the hash splits one flow: %zu/%zu",
	    n1, n2);

#ifdef __linux__
	cr_assert_eq(listen_spread_udp(l2, 2), 0, "listen_spread_udp: %s",
	    strerror(errno));
	n1 = n2 = 0;
	send_paced(fd, 2000, &n1, &n2);
	cr_expect_eq(n1 + n2, 2000, "%zu + %zu", n1, n2);
	cr_expect_geq(n1, 600, "first socket: %zu of 2000", n1);
	cr_expect_geq(n2, 600, "second socket: %zu of 2000", n2);

	listen_free(l1);
	l1 = NULL;
	n1 = n2 = 0;
	send_paced(fd, 300, &n1, &n2);
	cr_expect_eq(n2, 300, "the socket left takes everything: %zu", n2);
#else
	cr_expect_eq(listen_spread_udp(l2, 2), -1);
	cr_expect_eq(errno, ENOPROTOOPT);
#endif
	close(fd);
	listen_free(l2);
	listen_free(l1);
}

/*
 * A socket bound without SO_REUSEPORT (workers = 1) has no group: the
 * attach fails and says why (the daemon warns and keeps the hash); no
 * UDP socket, or n < 2, is nothing to do.
 */
Test(listen, udp_spread_without_group_fails)
{
	struct listen	*l;

	cfg.workers = 1;
	l = sock_listen(NULL, "127.0.0.1:0");
	cr_expect_eq(listen_spread_udp(l, 1), 0);
	errno = 0;
	cr_expect_eq(listen_spread_udp(l, 2), -1);
	cr_expect(errno == EINVAL || errno == ENOPROTOOPT, "%s",
	    strerror(errno));
	listen_free(l);
	l = sock_listen("127.0.0.1:0", NULL);
	cr_expect_eq(listen_spread_udp(l, 2), 0, "no UDP socket");
	listen_free(l);
}

static struct listen	*handoff_to;	/* handoff_cb adopts into it */
static size_t		 handoff_n;	/* connections handoff_cb saw */
static size_t		 handoff_i;	/* the listener index of the last */

/* listen_accept_fn: hands every connection to handoff_to, if set. */
static bool
handoff_cb(int fd, bool tls, size_t i, void *arg)
{
	cr_assert_eq(arg, &got);
	cr_expect(!tls);
	handoff_n++;
	handoff_i = i;
	if (handoff_to == NULL)
		return false;
	cr_expect_eq(listen_adopt(handoff_to, fd, tls, i), 0);
	return true;
}

/* listen_adopt() refuses one end of a socket pair and closes it. */
static void
adopt_refused(struct listen *l, bool tls, size_t i, const char *why)
{
	struct pollfd	 pfd;
	char		 b;
	int		 s[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	cr_expect_eq(listen_adopt(l, s[1], tls, i), -1, "%s", why);
	pfd.fd = s[0];
	pfd.events = POLLIN;
	cr_expect_eq(poll(&pfd, 1, 2000), 1, "%s", why);
	cr_expect_eq(recv(s[0], &b, 1, 0), 0, "%s: not closed", why);
	close(s[0]);
}

/*
 * The accept callback (worker.c's balancing) sees every accepted
 * connection with its listener's index; a connection it hands on with
 * listen_adopt() is framed by the other struct listen under that one's
 * listener of the same index, counted there; adopting into a listener
 * that does not exist or was closed closes the socket.
 */
Test(listen, accept_cb_and_adopt)
{
	static const char *const want[] = { "handed", "kept" };
	static char		*tcpv[2] = { "127.0.0.1:0", "127.0.0.1:0" };
	struct listen_counters	 c1, c2;
	struct listen		*l1, *l2;
	char			*errstr, name[64];
	int			 fd;

	cfg.listen_tcp = tcpv;
	cfg.nlisten_tcp = 2;
	l1 = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_assert_not_null(l1, "listen_new: %s", errstr);
	l2 = listen_new(base, options_listen(&cfg, &lopts),
	    got_cb, &got, &errstr);
	cr_assert_not_null(l2, "listen_new: %s", errstr);
	listen_set_accept_cb(l1, handoff_cb, &got);

	handoff_to = l2;
	fd = client(AF_INET, "127.0.0.1", listen_port(l1, false, 1),
	    SOCK_STREAM);
	send_all(fd, "handed\n", 7);
	run_until_frames(1);
	cr_expect_eq(handoff_n, 1);
	cr_expect_eq(handoff_i, 1);
	snprintf(name, sizeof(name), "tcp/127.0.0.1:%d",
	    listen_port(l2, false, 1));
	cr_expect_str_eq(got.listener, name);
	counters(l1, &c1);
	counters(l2, &c2);
	cr_expect_eq(c1.conns_accepted, 0);
	cr_expect_eq(c2.conns_accepted, 1);
	cr_expect_eq(c2.conns_open, 1);
	cr_expect_eq(c2.frames_tcp, 1);
	close(fd);

	handoff_to = NULL;
	fd = client(AF_INET, "127.0.0.1", listen_port(l1, false, 0),
	    SOCK_STREAM);
	send_all(fd, "kept\n", 5);
	run_until_frames(2);
	expect_frames(want, 2, "handed, then kept");
	cr_expect_eq(handoff_n, 2);
	cr_expect_eq(handoff_i, 0);
	snprintf(name, sizeof(name), "tcp/127.0.0.1:%d",
	    listen_port(l1, false, 0));
	cr_expect_str_eq(got.listener, name);
	counters(l1, &c1);
	cr_expect_eq(c1.conns_accepted, 1);
	close(fd);

	adopt_refused(l2, false, 2, "no third TCP listener");
	adopt_refused(l2, true, 0, "no TLS listener");
	listen_close(l2);
	adopt_refused(l2, false, 0, "listen_close()d");
	listen_free(l2);
	listen_free(l1);
	handoff_n = 0;
}

static bool	scan_stop;	/* scan_cb asks the scan to stop */

/* framing_fn collecting into got. */
static int
scan_cb(const char *buf, size_t len, void *arg)
{
	static const struct listen_source src = { "scan", false, false, 0 };

	got_cb(buf, len, &src, arg);
	return scan_stop;
}

/*
 * Feeds s[0..len) to framing_scan() in pieces of step bytes (the
 * first piece k bytes), keeping the unconsumed tail like a connection
 * does, then finishes the stream; returns the oversize count.
 */
static uint64_t
scan_stream(const char *s, size_t len, size_t k, size_t step,
    size_t max_frame)
{
	struct framing		 st;
	char			*buf;
	size_t			 have = 0, off = 0, n, used;

	memset(&st, 0, sizeof(st));
	st.max_frame = max_frame;
	buf = malloc(len + 1);
	cr_assert_not_null(buf);
	while (off < len) {
		n = off == 0 && k > 0 ? k : step;
		if (n > len - off)
			n = len - off;
		memcpy(buf + have, s + off, n);
		have += n;
		off += n;
		cr_assert_eq(framing_scan(&st, buf, have, scan_cb, &got,
		    &used), 0);
		cr_assert_leq(used, have);
		memmove(buf, buf + used, have - used);
		have -= used;
		cr_assert_lt(have, max_frame + 12, "tail of %zu bytes", have);
	}
	framing_finish(&st, buf, have, scan_cb, &got);
	free(buf);
	return st.oversize;
}

Test(listen, scan_split_at_every_byte)
{
	static const size_t	 max_frame[] = { 65536, 20 };
	char			 s[256], ctx[48];
	size_t			 len, k, m;

	len = mixed_stream(s);
	for (m = 0; m < 2 * sizeof(max_frame) / sizeof(max_frame[0]); m++)
		for (k = 0; k <= len; k++) {
			framing_set_simd(m < 2);
			snprintf(ctx, sizeof(ctx), "max %zu, split at %zu%s",
			    max_frame[m % 2], k, m < 2 ? "" : ", no simd");
			cr_expect_eq(scan_stream(s, len, k, len,
			    max_frame[m % 2]), 0, "%s", ctx);
			expect_frames_len(mixed_want, mixed_len, MIXED_N, ctx);
			got_clear();
			cr_expect_eq(scan_stream(s, len, k, 1,
			    max_frame[m % 2]), 0, "%s", ctx);
			expect_frames_len(mixed_want, mixed_len, MIXED_N, ctx);
			got_clear();
		}
	framing_set_simd(true);
}

/* framing_fn noting the length of the last frame and counting. */
static int
scan_len_cb(const char *buf, size_t len, void *arg)
{
	size_t	*last = arg;

	(void)buf;
	last[0] = len;
	last[1]++;
	return 0;
}

/*
 * The one-pass search for LF or NUL (128 and 32 bytes at a time with
 * AVX2, 8 at a time, then one) finds a terminator at every offset of a
 * long line, after bytes next to them in value (0x01, 0x09, 0x0b, 0x8a,
 * 0xf5, 0xff) that must not stop it; with AVX2 and without.
 */
Test(listen, scan_finds_terminator_at_every_offset)
{
	static const char	 fill[] = "a\x01\x09\x0b\x8a\xffzZ~\xf5";
	struct framing		 st;
	char			 s[720];
	size_t			 i, k, used, last[2];
	int			 t;

	for (t = 0; t < 4; t++) {
		framing_set_simd(t < 2);
		for (i = 0; i < 700; i++) {
			for (k = 0; k < sizeof(s); k++)
				s[k] = fill[k % (sizeof(fill) - 1)];
			s[i] = t % 2 == 0 ? '\n' : '\0';
			s[i + 7] = '\n';
			memset(&st, 0, sizeof(st));
			st.max_frame = 1024;
			last[0] = last[1] = 0;
			cr_assert_eq(framing_scan(&st, s, i + 1,
			    scan_len_cb, last, &used), 0);
			cr_expect_eq(used, i + 1, "terminator %d at %zu", t,
			    i);
			cr_expect_eq(last[1], i > 0 ? 1u : 0u,
			    "terminator %d at %zu", t, i);
			cr_expect_eq(last[0], i, "terminator %d at %zu", t, i);
			memset(&st, 0, sizeof(st));
			st.max_frame = 1024;
			cr_assert_eq(framing_scan(&st, s, i, scan_len_cb,
			    last, &used), 0);
			cr_expect_eq(used, 0, "no terminator in %zu", i);
		}
	}
	framing_set_simd(true);
}

Test(listen, scan_oversize_and_bad_prefix)
{
	static const char *const want[] = {
		"ok", "abc", "good", "fits in sixteen!", "tail"
	};
	static const char *const want_a[] = { "a" };
	char			 s[2048], big[600];
	struct framing		 st;
	size_t			 len = 0, used, step;

	memset(big, 'x', sizeof(big));
	len = put_raw(s, len, "ok\n", 3);
	len = put_octet(s, len, big, 20);
	len = put_octet(s, len, "abc", 3);
	len = put_raw(s, len, big, 40);
	len = put_raw(s, len, "\ngood\n", 6);
	len = put_octet(s, len, big, sizeof(big));
	len = put_raw(s, len, "fits in sixteen!\r\n", 18);
	len = put_raw(s, len, "tail\r", 5);
	for (step = 1; step <= len; step += step < 40 ? 1 : 97) {
		cr_expect_eq(scan_stream(s, len, 0, step, 16), 3,
		    "step %zu", step);
		expect_frames(want, 5, "scan oversize");
		got_clear();
	}

	memset(&st, 0, sizeof(st));
	st.max_frame = 16;
	cr_expect_eq(framing_scan(&st, "a\n12x hi\n", 9, scan_cb, &got,
	    &used), -1);
	cr_expect_eq(used, 2, "stops at the bad prefix");
	expect_frames(want_a, 1, "before the bad prefix");
}

Test(listen, scan_stops_when_asked)
{
	static const char *const want[] = { "a", "b", "c" };
	struct framing		 st;
	size_t			 used, off = 0;
	const char		*s = "a\n1 bc\n";

	memset(&st, 0, sizeof(st));
	st.max_frame = 16;
	scan_stop = true;
	cr_assert_eq(framing_scan(&st, s, 7, scan_cb, &got, &used), 0);
	cr_expect_eq(used, 2);
	off += used;
	cr_assert_eq(framing_scan(&st, s + off, 7 - off, scan_cb, &got,
	    &used), 0);
	cr_expect_eq(used, 3);
	off += used;
	scan_stop = false;
	cr_assert_eq(framing_scan(&st, s + off, 7 - off, scan_cb, &got,
	    &used), 0);
	cr_expect_eq(used, 2);
	expect_frames(want, 3, "one frame a call");
}

/*
 * Sends s[0..len) over a plain TCP connection in two writes (split at
 * k), the loop running between them, then closes it and waits until it
 * is closed on our side too.
 */
static void
tcp_stream(struct listen *l, const char *s, size_t len, size_t k)
{
	int	 fd;

	fd = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	if (k > 0)
		send_all(fd, s, k);
	run_for(2);
	if (len > k)
		send_all(fd, s + k, len - k);
	close(fd);
	wait_counter(l, WAIT_OPEN, 0);
}

Test(listen, tcp_split_at_every_byte)
{
	static const size_t	 max_frame[] = { 65536, 20 };
	struct listen_counters	 c;
	struct listen		*l;
	char			 s[256], ctx[48];
	size_t			 len, k, m;

	len = mixed_stream(s);
	for (m = 0; m < sizeof(max_frame) / sizeof(max_frame[0]); m++) {
		cfg.max_frame = max_frame[m];
		l = sock_listen("127.0.0.1:0", NULL);
		for (k = 0; k <= len; k += m == 0 ? 1 : 5) {
			tcp_stream(l, s, len, k);
			snprintf(ctx, sizeof(ctx), "tcp, max %zu, split at %zu",
			    max_frame[m], k);
			expect_frames_len(mixed_want, mixed_len, MIXED_N, ctx);
			got_clear();
		}
		counters(l, &c);
		cr_expect_eq(c.oversize, 0);
		cr_expect_eq(c.bad_length, 0);
		cr_expect_eq(c.conns_open, 0);
		listen_free(l);
	}
}

Test(listen, tcp_oversize_bad_prefix_and_eof)
{
	static const char *const want[] = { "ok", "abc", "good", "tail" };
	static const char *const want_a[] = { "a" };
	struct listen_counters	 c;
	struct listen		*l;
	char			 s[4096], big[1500];
	size_t			 len = 0;

	cfg.max_frame = 16;
	memset(big, 'x', sizeof(big));
	len = put_raw(s, len, "ok\n", 3);
	len = put_octet(s, len, big, sizeof(big));
	len = put_octet(s, len, "abc", 3);
	len = put_raw(s, len, big, 500);
	len = put_raw(s, len, "\ngood\n", 6);
	len = put_raw(s, len, "tail\r", 5);
	l = sock_listen("127.0.0.1:0", NULL);
	tcp_stream(l, s, len, 700);
	expect_frames(want, 4, "tcp oversize");
	counters(l, &c);
	cr_expect_eq(c.oversize, 2);
	cr_expect_eq(c.frames_tcp, 4);
	cr_expect_eq(c.bytes, 13);
	got_clear();

	tcp_stream(l, "a\n12x hi\nb\n", 11, 0);
	expect_frames(want_a, 1, "tcp bad prefix");
	counters(l, &c);
	cr_expect_eq(c.bad_length, 1);
	cr_expect_eq(c.conns_open, 0);
	cr_expect_eq(listen_buffered(l), 0);
	listen_free(l);
}

Test(listen, tcp_pause_inside_callback_and_eof)
{
	static const char *const want[] = { "a", "b", "c", "d" };
	struct listen		*l;
	int			 fd;

	l = sock_listen("127.0.0.1:0", NULL);
	got.pause_on_frame = l;
	fd = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	send_all(fd, "a\nb\nc\nd", 7);
	close(fd);
	run_until_frames(1);
	run_for(50);
	expect_frames(want, 1, "paused after one");
	cr_expect_eq(listen_buffered(l), 5, "the rest stays buffered");
	listen_resume(l);
	cr_expect_eq(got.n, 1, "resume does not call back synchronously");
	run_for(20);
	expect_frames(want, 2, "one more, paused again");
	got.pause_on_frame = NULL;
	listen_resume(l);
	run_until_frames(4);
	expect_frames(want, 4, "the rest, and the last frame at EOF");
	wait_counter(l, WAIT_OPEN, 0);
	listen_free(l);
}

Test(listen, tcp_idle_timeout_closes)
{
	static const char *const want[] = { "x" };
	struct listen_counters	 c;
	struct listen		*l;
	int			 fd;

	cfg.idle_timeout_s = 1;
	l = sock_listen("127.0.0.1:0", NULL);
	fd = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	send_all(fd, "x\n", 2);
	run_until_frames(1);
	expect_frames(want, 1, "before the timeout");
	wait_counter(l, WAIT_OPEN, 0);
	counters(l, &c);
	cr_expect_eq(c.conns_idle, 1);
	cr_expect_eq(c.conns_open, 0);
	close(fd);
	listen_free(l);
}

/* Runs the loop until listen_buffered() is want or about 2 s passed. */
static void
wait_buffered(struct listen *l, size_t want)
{
	int	 i;

	for (i = 0; i < 100 && listen_buffered(l) != want; i++)
		run_for(20);
}

#define TAILS_CONNS	8
#define TAILS_FRAMES	6

/*
 * Frame j of connection i of tcp_many_tails_interleaved: "c<i>f<j>"
 * padded with letters; connection 0 sends one frame of 10000 bytes and
 * connection 1 one of 6000 (more than the shared buffer's copy of a
 * tail: they read into their own buffers), the others 5 to 60 bytes.
 */
static size_t
tails_frame(char *f, size_t i, size_t j)
{
	size_t	 len, k;

	if (j == 2 && i < 2)
		len = i == 0 ? 10000 : 6000;
	else
		len = 5 + (i * 7 + j * 13) % 56;
	k = (size_t)snprintf(f, len + 1, "c%zuf%zu", i, j);
	for (; k < len; k++)
		f[k] = 'a' + (i + j + k) % 26;
	return len;
}

/*
 * Eight connections each send their stream (octet-counted and LF frames
 * mixed) in pieces that end inside a frame, one piece per connection in
 * turn: every connection holds a tail between its reads while the others
 * read through the shared buffer.  Each connection's frames arrive whole
 * and in order; the tails are what listen_buffered() counts; closing
 * delivers the last LF frames.
 */
Test(listen, tcp_many_tails_interleaved)
{
	static char		 s[TAILS_CONNS][20000];
	struct listen_counters	 c;
	struct listen		*l;
	char			 f[10001], pre[8];
	size_t			 len[TAILS_CONNS], off[TAILS_CONNS], i, j, k;
	size_t			 next[TAILS_CONNS], flen, step;
	int			 fd[TAILS_CONNS];
	bool			 more;

	l = sock_listen("127.0.0.1:0", NULL);
	for (i = 0; i < TAILS_CONNS; i++) {
		len[i] = 0;
		for (j = 0; j < TAILS_FRAMES; j++) {
			flen = tails_frame(f, i, j);
			if ((i + j) % 2 == 0)
				len[i] = put_octet(s[i], len[i], f, flen);
			else {
				len[i] = put_raw(s[i], len[i], f, flen);
				len[i] = put_raw(s[i], len[i], "\n", 1);
			}
		}
		if ((i + TAILS_FRAMES - 1) % 2 != 0)
			len[i]--;	/* the last LF frame ends at EOF */
		off[i] = 0;
		fd[i] = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
		    SOCK_STREAM);
	}
	do {
		more = false;
		for (i = 0; i < TAILS_CONNS; i++) {
			step = i < 2 ? 997 : 3 + (i * 5 + off[i]) % 17;
			if (off[i] + step > len[i])
				step = len[i] - off[i];
			if (step > 0)
				send_all(fd[i], s[i] + off[i], step);
			off[i] += step;
			more |= off[i] < len[i];
			run_for(2);
		}
		run_for(5);
	} while (more);
	cr_expect_gt(listen_buffered(l), 0, "the last frames are held");
	for (i = 0; i < TAILS_CONNS; i++)
		close(fd[i]);
	wait_counter(l, WAIT_OPEN, 0);
	cr_expect_eq(listen_buffered(l), 0);
	cr_assert_eq(got.n, TAILS_CONNS * TAILS_FRAMES, "%zu frames", got.n);
	memset(next, 0, sizeof(next));
	for (k = 0; k < got.n; k++) {
		cr_assert(sscanf(got.frame[k], "c%zuf", &i) == 1 &&
		    i < TAILS_CONNS, "frame %zu: %.20s", k, got.frame[k]);
		cr_assert_lt(next[i], TAILS_FRAMES);
		flen = tails_frame(f, i, next[i]);
		snprintf(pre, sizeof(pre), "c%zuf%zu", i, next[i]);
		cr_expect(got.len[k] == flen &&
		    memcmp(got.frame[k], f, flen) == 0,
		    "connection %zu frame %zu: %zu bytes \"%.20s\", want %zu "
		    "\"%s...\"", i, next[i], got.len[k], got.frame[k], flen,
		    pre);
		next[i]++;
	}
	counters(l, &c);
	cr_expect_eq(c.conns_accepted, TAILS_CONNS);
	cr_expect_eq(c.frames_tcp, TAILS_CONNS * TAILS_FRAMES);
	cr_expect_eq(c.oversize, 0);
	cr_expect_eq(c.bad_length, 0);
	listen_free(l);
}

/*
 * The consumer pauses while frames of a read remain in the shared
 * buffer: they are kept by the connection (listen_buffered()), more
 * bytes sent meanwhile wait in the kernel, and another connection is not
 * read.  Each resume hands on one frame (paused again), then the rest
 * in order; the incomplete tail stays held until its LF comes.
 */
Test(listen, tcp_pause_holds_shared_buffer_frames)
{
	static const char *const want[] = { "a", "b", "c", "d", "e", "f",
	    "g" };
	struct listen		*l;
	const char		*seq[8];
	size_t			 i, n = 0;
	int			 fd, fd2;

	l = sock_listen("127.0.0.1:0", NULL);
	got.pause_on_frame = l;
	fd = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	send_all(fd, "a\nb\nc\nd\ne", 9);
	run_until_frames(1);
	run_for(20);
	expect_frames(want, 1, "paused after one");
	cr_expect_eq(listen_buffered(l), 7, "b, c, d and the tail e held");
	send_all(fd, "\nf\ng", 4);
	fd2 = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	send_all(fd2, "z\n", 2);
	run_for(50);
	expect_frames(want, 1, "nothing read while paused");
	cr_expect_eq(listen_buffered(l), 7);
	close(fd2);		/* "z" then arrives at some point */
	listen_resume(l);
	run_for(20);
	cr_expect_eq(got.n, 2);
	cr_expect_str_eq(got.frame[1], "b", "held frames come first");
	got.pause_on_frame = NULL;
	listen_resume(l);
	run_until_frames(7);
	run_for(20);
	cr_expect_eq(got.n, 7, "c, d, e, f and z: %zu", got.n);
	cr_expect_eq(listen_buffered(l), 1, "the tail g");
	close(fd);
	run_until_frames(8);
	cr_assert_eq(got.n, 8);
	/* z, from the other connection, may come anywhere after b */
	for (i = 0; i < got.n; i++)
		if (strcmp(got.frame[i], "z") != 0)
			seq[n++] = got.frame[i];
	cr_expect_eq(n, 7);
	for (i = 0; i < n && i < 7; i++)
		cr_expect_str_eq(seq[i], want[i]);
	wait_counter(l, WAIT_OPEN, 0);
	listen_free(l);
}

/*
 * A tail that grows, a piece per read, to exactly max_frame (LF and
 * octet-counted) is one frame; one byte more is counted as oversize.
 */
Test(listen, tcp_tail_grows_to_max_frame)
{
	static char		 big[65536 + 16];
	struct listen_counters	 c;
	struct listen		*l;
	size_t			 m = 65536, off, step, len, i;
	int			 fd;

	cfg.max_frame = m;
	l = sock_listen("127.0.0.1:0", NULL);
	for (i = 0; i < 3; i++) {
		fd = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
		    SOCK_STREAM);
		if (i == 1) {
			len = (size_t)sprintf(big, "%zu ", m);
			memset(big + len, 'o', m);
			len += m;
		} else {
			len = m + (i == 2);
			memset(big, 'l', len);
		}
		for (off = 0; off < len; off += step) {
			step = len - off < 4093 ? len - off : 4093;
			send_all(fd, big + off, step);
			wait_buffered(l, i == 1 && off + step == len ? 0 :
			    off + step);
			cr_expect_eq(listen_buffered(l), i == 1 &&
			    off + step == len ? 0 : off + step,
			    "case %zu: the whole tail is held: %zu of %zu", i,
			    listen_buffered(l), off + step);
		}
		if (i != 1)
			send_all(fd, "\n", 1);
		send_all(fd, "x\n", 2);
		run_until_frames(i == 2 ? 5 : 2 + 2 * i);
		close(fd);
		wait_counter(l, WAIT_OPEN, 0);
	}
	cr_assert_eq(got.n, 5);
	cr_expect_eq(got.len[0], m);
	cr_expect_eq(got.frame[0][0], 'l');
	cr_expect_str_eq(got.frame[1], "x");
	cr_expect_eq(got.len[2], m);
	cr_expect_eq(got.frame[2][m - 1], 'o');
	cr_expect_str_eq(got.frame[3], "x");
	cr_expect_str_eq(got.frame[4], "x");
	counters(l, &c);
	cr_expect_eq(c.oversize, 1);
	cr_expect_eq(c.bad_length, 0);
	listen_free(l);
}

/*
 * Connections closed while holding a tail, short (a copy) or long (its
 * own buffer): by the peer mid octet frame (dropped), by the idle
 * timeout, and by listen_free().  Nothing leaks (run under valgrind).
 */
Test(listen, tcp_closed_holding_tail)
{
	static char		 s[9000];
	struct listen_counters	 c;
	struct listen		*l;
	size_t			 len;
	int			 fd[4], i;

	cfg.idle_timeout_s = 1;
	l = sock_listen("127.0.0.1:0", NULL);
	for (i = 0; i < 4; i++)
		fd[i] = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
		    SOCK_STREAM);
	memset(s, 'q', sizeof(s));
	len = (size_t)sprintf(s, "8000 ");
	s[len] = 'q';
	send_all(fd[0], "100 short", 9);
	send_all(fd[1], s, 6000);
	send_all(fd[2], "an unterminated line", 20);
	send_all(fd[3], s, 7000);
	wait_buffered(l, 9 + 6000 + 20 + 7000);
	cr_expect_eq(listen_buffered(l), 9 + 6000 + 20 + 7000);
	close(fd[0]);
	close(fd[1]);
	wait_counter(l, WAIT_OPEN, 2);
	cr_expect_eq(got.n, 0, "incomplete octet frames are dropped");
	cr_expect_eq(listen_buffered(l), 20 + 7000);
	run_for(1500);
	counters(l, &c);
	cr_expect_eq(c.conns_idle, 2, "both idle ones timed out");
	cr_expect_eq(c.conns_open, 0);
	cr_expect_eq(listen_buffered(l), 0);
	close(fd[2]);
	close(fd[3]);

	cfg.idle_timeout_s = 0;
	listen_free(l);
	l = sock_listen("127.0.0.1:0", NULL);
	fd[0] = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	fd[1] = client(AF_INET, "127.0.0.1", listen_port(l, false, 0),
	    SOCK_STREAM);
	send_all(fd[0], "a tail", 6);
	send_all(fd[1], s, 8000);
	wait_buffered(l, 6 + 8000);
	cr_expect_eq(listen_buffered(l), 6 + 8000);
	listen_free(l);		/* frees both, tails and all */
	close(fd[0]);
	close(fd[1]);
}

/*
 * Issue 16: a frame of exactly max_frame bytes is delivered, one byte
 * more is oversize (framing.h: "frames over st->max_frame are counted
 * and skipped"), for both RFC 6587 framings, with and without the CR
 * before the LF, at every piece size and at end of stream.
 */
Test(listen, scan_frame_of_exactly_max_frame)
{
	static const char *const want[] = {
		"abcdefghijklmnop", "ABCDEFGHIJKLMNOP", "qrstuvwxyzabcdef",
		"0123456789abcdef", "ends the stream!"
	};
	char			 s[512];
	size_t			 len = 0, step;

	len = put_raw(s, len, "abcdefghijklmnop\n", 17);
	len = put_raw(s, len, "abcdefghijklmnopq\n", 18);
	len = put_raw(s, len, "ABCDEFGHIJKLMNOP\r\n", 18);
	len = put_raw(s, len, "ABCDEFGHIJKLMNOPQ\r\n", 19);
	len = put_raw(s, len, "qrstuvwxyzabcdef\0", 17);
	len = put_octet(s, len, "0123456789abcdef", 16);
	len = put_octet(s, len, "0123456789abcdefg", 17);
	len = put_raw(s, len, "ends the stream!", 16);
	for (step = 1; step <= len; step++) {
		cr_expect_eq(scan_stream(s, len, 0, step, 16), 3,
		    "step %zu", step);
		expect_frames(want, 5, "exactly max_frame");
		got_clear();
	}
	len -= 16;
	len = put_raw(s, len, "ends the stream!!", 17);
	cr_expect_eq(scan_stream(s, len, 0, len, 16), 4, "EOF frame over");
	expect_frames(want, 4, "EOF frame over max_frame");
	got_clear();
}
