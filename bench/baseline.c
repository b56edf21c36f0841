/*
 * hecsentry-baseline: the trivial reader the benchmark compares hecsentry
 * with.  It listens on one TCP and one UDP address, reads with a 64 KiB
 * buffer, splits TCP streams into frames (RFC 6587: octet counting when a
 * frame starts with a digit, else up to LF) and counts them; a datagram
 * is one frame.  Nothing is parsed, copied or kept: this is the cost of
 * getting the bytes out of the kernel and finding the frame boundaries.
 * One thread, poll(2).  It stops after --expect frames, after --idle
 * milliseconds without data, or on SIGTERM/SIGINT, and prints its counts
 * and its own CPU time and peak RSS; SIGUSR1 prints the counts on stderr
 * in the form hecsentry logs them ("frames N (tcp N, udp N)").
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BASE_BUF	(64 * 1024)	/* read buffer */
#define BASE_MAX_CONNS	64
#define BASE_MAX_DIGITS	9		/* of an octet count */

enum base_state {
	BASE_START = 0,			/* at a frame's first byte */
	BASE_LEN,			/* in an octet count */
	BASE_BODY,			/* skipping an octet-counted body */
	BASE_LINE			/* looking for LF */
};

/* A TCP connection's framing state. */
struct base_conn {
	int		 fd;
	enum base_state	 state;
	size_t		 want;		/* octet count, or body bytes left */
	int		 digits;	/* digits of the count so far */
};

struct base_counts {
	unsigned long long tcp;		/* frames from TCP */
	unsigned long long udp;		/* datagrams */
	unsigned long long bytes;	/* bytes read */
	unsigned long long conns;	/* connections accepted */
};

static volatile sig_atomic_t base_stop;		/* SIGTERM, SIGINT */
static volatile sig_atomic_t base_report;	/* SIGUSR1 */

static void	usage(void) __attribute__((__noreturn__));

static void
base_signal_cb(int sig)
{
	if (sig == SIGUSR1)
		base_report = 1;
	else
		base_stop = 1;
}

static int64_t
base_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Counts the frames that end in buf[0..len) given the state c carries
 * over from the previous read, and updates c.  Empty lines are not
 * frames.  Returns the number of frames completed.
 */
static unsigned long long
base_split(struct base_conn *c, const char *buf, size_t len)
{
	const char		*p = buf, *end = buf + len, *lf;
	unsigned long long	 n = 0;
	size_t			 k;

	while (p < end) {
		switch (c->state) {
		case BASE_START:
			if (*p >= '1' && *p <= '9') {
				c->state = BASE_LEN;
				c->want = 0;
				c->digits = 0;
			} else if (*p == '\n') {
				p++;
			} else
				c->state = BASE_LINE;
			break;
		case BASE_LEN:
			if (*p >= '0' && *p <= '9' &&
			    c->digits < BASE_MAX_DIGITS) {
				c->want = c->want * 10 + (size_t)(*p - '0');
				c->digits++;
				p++;
			} else if (*p == ' ') {
				c->state = BASE_BODY;
				p++;
			} else
				c->state = BASE_LINE;
			break;
		case BASE_BODY:
			k = (size_t)(end - p);
			if (k > c->want)
				k = c->want;
			p += k;
			c->want -= k;
			if (c->want == 0) {
				n++;
				c->state = BASE_START;
			}
			break;
		case BASE_LINE:
			lf = memchr(p, '\n', (size_t)(end - p));
			if (lf == NULL) {
				p = end;
				break;
			}
			p = lf + 1;
			n++;
			c->state = BASE_START;
			break;
		}
	}
	return n;
}

/* Binds a listening socket of type to addr ("HOST:PORT", "[V6]:PORT"). */
static int
base_bind(const char *addr, int type, char *bound, size_t boundsz)
{
	struct addrinfo		 hints, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			*host, *port;
	char			 hbuf[NI_MAXHOST], pbuf[NI_MAXSERV];
	int			 fd, one = 1, e, sz = 8 * 1024 * 1024;

	if ((host = strdup(addr)) == NULL)
		err(1, "strdup");
	if ((port = strrchr(host, ':')) == NULL)
		errx(1, "%s: expected HOST:PORT", addr);
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0)
		errx(1, "%s: %s", addr, gai_strerror(e));
	if ((fd = socket(ai->ai_family, type | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_DGRAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		err(1, "bind %s", addr);
	if (type == SOCK_STREAM && listen(fd, 128) == -1)
		err(1, "listen %s", addr);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof(hbuf), pbuf,
	    sizeof(pbuf), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		err(1, "getsockname");
	snprintf(bound, boundsz, ss.ss_family == AF_INET6 ? "[%s]:%s" :
	    "%s:%s", hbuf, pbuf);
	freeaddrinfo(ai);
	free(host);
	return fd;
}

static void
base_print_counts(FILE *f, const struct base_counts *n)
{
	fprintf(f, "frames %llu (tcp %llu, udp %llu), bytes %llu, "
	    "connections %llu\n", n->tcp + n->udp, n->tcp, n->udp, n->bytes,
	    n->conns);
	fflush(f);
}

/*
 * The loop: accepts, reads and counts until expect frames (0: no limit),
 * idle_ms without any data, or a signal.  Returns 0 if it stopped for
 * expect or a signal, 1 for idleness.
 */
static int
base_run(int tfd, int ufd, unsigned long long expect, int idle_ms,
    struct base_counts *n)
{
	struct pollfd		 pfd[BASE_MAX_CONNS + 2];
	struct base_conn	 conn[BASE_MAX_CONNS];
	static char		 buf[BASE_BUF];
	int64_t			 last = base_now_ms();
	ssize_t			 r;
	int			 i, j, nconn = 0, fd, budget;

	for (;;) {
		if (base_report) {
			base_report = 0;
			fprintf(stderr, "hecsentry-baseline: ");
			base_print_counts(stderr, n);
		}
		if (base_stop)
			break;
		if (expect > 0 && n->tcp + n->udp >= expect)
			break;
		if (idle_ms > 0 && base_now_ms() - last > idle_ms)
			return 1;
		pfd[0].fd = tfd;
		pfd[0].events = nconn < BASE_MAX_CONNS ? POLLIN : 0;
		pfd[1].fd = ufd;
		pfd[1].events = POLLIN;
		for (i = 0; i < nconn; i++) {
			pfd[i + 2].fd = conn[i].fd;
			pfd[i + 2].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)nconn + 2, 100) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (pfd[0].revents & POLLIN) {
			fd = accept4(tfd, NULL, NULL, SOCK_NONBLOCK);
			if (fd != -1) {
				memset(&conn[nconn], 0, sizeof(conn[0]));
				conn[nconn++].fd = fd;
				n->conns++;
			}
		}
		for (budget = 0; (pfd[1].revents & POLLIN) && budget < 256;
		    budget++) {
			r = recv(ufd, buf, sizeof(buf), 0);
			if (r < 0)
				break;
			n->udp++;
			n->bytes += (unsigned long long)r;
			last = base_now_ms();
		}
		for (i = 0, j = 0; i < nconn; i++) {
			r = 0;
			if (pfd[i + 2].revents &
			    (POLLIN | POLLHUP | POLLERR)) {
				r = read(conn[i].fd, buf, sizeof(buf));
				if (r > 0) {
					n->bytes += (unsigned long long)r;
					n->tcp += base_split(&conn[i], buf,
					    (size_t)r);
					last = base_now_ms();
				} else if (r == 0 || (errno != EAGAIN &&
				    errno != EINTR)) {
					close(conn[i].fd);
					continue;
				}
			}
			conn[j++] = conn[i];
		}
		nconn = j;
	}
	for (i = 0; i < nconn; i++)
		close(conn[i].fd);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hecsentry-baseline [-t ADDR:PORT] "
	    "[-u ADDR:PORT] [--expect N] [--idle MS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen-tcp", required_argument, NULL, 't' },
		{ "listen-udp", required_argument, NULL, 'u' },
		{ "expect", required_argument, NULL, 'e' },
		{ "idle", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	struct base_counts	 n;
	struct sigaction	 sa;
	struct rusage		 ru;
	const char		*taddr = "127.0.0.1:5514", *uaddr = NULL;
	char			 tb[128], ub[128], *end;
	unsigned long long	 expect = 0;
	long			 idle_ms = 10000;
	int			 ch, tfd, ufd, rc;

	while ((ch = getopt_long(argc, argv, "t:u:", longopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			taddr = optarg;
			break;
		case 'u':
			uaddr = optarg;
			break;
		case 'e':
			expect = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				usage();
			break;
		case 'i':
			idle_ms = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || idle_ms < 0 ||
			    idle_ms > 86400000L)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = base_signal_cb;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	tfd = base_bind(taddr, SOCK_STREAM, tb, sizeof(tb));
	/* UDP on the same address and port as TCP unless told otherwise. */
	ufd = base_bind(uaddr != NULL ? uaddr : tb, SOCK_DGRAM, ub,
	    sizeof(ub));
	fprintf(stderr, "hecsentry-baseline: listening tcp %s udp %s\n", tb,
	    ub);
	memset(&n, 0, sizeof(n));
	rc = base_run(tfd, ufd, expect, (int)idle_ms, &n);
	close(tfd);
	close(ufd);
	if (getrusage(RUSAGE_SELF, &ru) == -1)
		err(1, "getrusage");
	base_print_counts(stdout, &n);
	printf("cpu_us %lld maxrss_kib %ld%s\n",
	    (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec, ru.ru_maxrss,
	    rc ? " (idle timeout)" : "");
	return rc;
}
