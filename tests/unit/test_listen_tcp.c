/*
 * Unit tests of listen.c, continued from test_listen.c: workers sharing
 * one address (SO_REUSEPORT, one UDP flow spread over two sockets),
 * handing connections between listeners, framing_scan() fed in pieces,
 * and TCP connections' tails in the shared buffer.  Every loop is
 * bounded in count and time.
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
#include "listen_fixture.h"

TestSuite(listen, .init = listen_fix_setup, .fini = listen_fix_teardown,
    .timeout = 30);

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
