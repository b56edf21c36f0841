/*
 * Unit tests of listen.c: RFC 6587 framing through bufferevent pairs
 * (split at every byte, oversize, bad prefixes, EOF, pause), then real
 * sockets on loopback with ephemeral ports (TCP, UDP, connection cap,
 * back-pressure, IPv6, kernel drops, EMFILE).  test_listen_tcp.c goes
 * on with workers, hand-offs and TCP tails.  Every loop is bounded in
 * count and time.
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
