/*
 * hecsentry-send: reads a file of framed syslog messages (as written by
 * hecsentry-gen: LF or RFC 6587 octet-counted frames, mixed freely) into
 * memory and sends it as fast as the receiver takes it.  TCP: the file is
 * cut at frame boundaries into -c parts of about equal size, one
 * connection and one thread per part, each writing its part --repeat
 * times.  UDP: one frame per datagram (the LF or the length prefix is not
 * sent), in batches through sendmmsg(2), optionally paced.  Prints bytes,
 * frames, seconds and its own CPU time on stdout.  With --wait SECS each
 * TCP connection, once written and shut down, waits (at most SECS) for
 * the receiver to close it: a receiver that closes at end of stream
 * (hecsentry, hecsentry-baseline) has then read and handled every byte,
 * so the seconds printed are the receiver's wall-clock time for the
 * stream, without polling it.  Otherwise it measures nothing about the
 * receiver.  --bind ADDR gives every TCP connection that source address
 * (any 127.0.0.x is local on Linux), so that a load balancer hashing the
 * client address sees several clients.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEND_MAX_CONNS	64
#define SEND_UDP_BATCH	64		/* datagrams per sendmmsg() */
#define SEND_WRITE_MAX	(1024 * 1024)	/* bytes per write() */

/* The file and where its frames start. */
struct send_file {
	char		*buf;
	size_t		 len;
	size_t		*off;		/* frame i is off[i]..off[i + 1] */
	size_t		 nframes;
};

/* One TCP connection's share. */
struct send_part {
	const struct addrinfo *ai;
	const struct addrinfo *src;	/* source address to bind, or NULL */
	const char	*buf;
	size_t		 len;
	unsigned long	 repeat;
	double		 wait;		/* seconds for the peer's close; 0 */
	int		 failed;
};

static void	usage(void) __attribute__((__noreturn__));

static double
send_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Length of the frame at p (at most len bytes), framing included: an
 * octet-counted frame "LEN SP MSG" (RFC 6587 3.4.1) when p starts with a
 * digit and a valid prefix, else everything up to and including the next
 * LF (3.4.2).  A last frame without LF runs to the end.
 */
static size_t
send_frame_len(const char *p, size_t len)
{
	const char	*lf;
	size_t		 i, n = 0;

	for (i = 0; i < len && i < 10 && p[i] >= '0' && p[i] <= '9'; i++)
		n = n * 10 + (size_t)(p[i] - '0');
	if (i > 0 && i < len && p[i] == ' ' && n > 0 && n <= len - i - 1)
		return i + 1 + n;
	if ((lf = memchr(p, '\n', len)) == NULL)
		return len;
	return (size_t)(lf - p) + 1;
}

/* Reads path into f and indexes its frames.  Returns 0 or -1. */
static int
send_file_load(struct send_file *f, const char *path)
{
	struct stat	 st;
	size_t		 pos, cap = 1024, n;
	ssize_t		 r;
	int		 fd;

	memset(f, 0, sizeof(*f));
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		warn("%s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if ((f->buf = malloc((size_t)st.st_size + 1)) == NULL)
		err(1, "malloc");
	while (f->len < (size_t)st.st_size) {
		r = read(fd, f->buf + f->len, (size_t)st.st_size - f->len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			warn("read %s", path);
			close(fd);
			return -1;
		}
		f->len += (size_t)r;
	}
	close(fd);
	if ((f->off = malloc(cap * sizeof(*f->off))) == NULL)
		err(1, "malloc");
	for (pos = 0; pos < f->len; pos += n) {
		n = send_frame_len(f->buf + pos, f->len - pos);
		if (f->nframes + 2 > cap) {
			cap *= 2;
			f->off = reallocarray(f->off, cap, sizeof(*f->off));
			if (f->off == NULL)
				err(1, "reallocarray");
		}
		f->off[f->nframes++] = pos;
	}
	f->off[f->nframes] = f->len;
	return 0;
}

static void
send_file_clear(struct send_file *f)
{
	free(f->buf);
	free(f->off);
	memset(f, 0, sizeof(*f));
}

/* Writes all of buf to fd.  Returns 0 or -1. */
static int
send_all(int fd, const char *buf, size_t len)
{
	ssize_t	 w;
	size_t	 n;

	while (len > 0) {
		n = len < SEND_WRITE_MAX ? len : SEND_WRITE_MAX;
		w = write(fd, buf, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* CPU time (user + system) of the whole process so far, in seconds. */
static double
send_cpu(void)
{
	struct rusage	 ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * After shutdown(SHUT_WR): reads (and drops) until the peer closes fd
 * (EOF or a reset) or secs pass.  Returns 0 on the close, -1 on timeout.
 */
static int
send_wait_close(int fd, double secs)
{
	struct pollfd	 pfd;
	char		 buf[4096];
	double		 end = send_now() + secs, left;
	ssize_t		 r;
	int		 n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while ((left = end - send_now()) > 0) {
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r = read(fd, buf, sizeof(buf));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;	/* closed (EOF) or reset: done */
	}
	return -1;
}

static void *
send_tcp_thread(void *arg)
{
	struct send_part	*p = arg;
	unsigned long		 i;
	int			 fd;

	fd = socket(p->ai->ai_family, SOCK_STREAM, 0);
	if (fd != -1 && p->src != NULL &&
	    bind(fd, p->src->ai_addr, p->src->ai_addrlen) == -1) {
		warn("bind");
		p->failed = 1;
		goto out_close;
	}
	if (fd == -1 || connect(fd, p->ai->ai_addr, p->ai->ai_addrlen) == -1) {
		warn("connect");
		p->failed = 1;
		goto out_close;
	}
	for (i = 0; i < p->repeat; i++) {
		if (send_all(fd, p->buf, p->len) == -1) {
			warn("write");
			p->failed = 1;
			break;
		}
	}
	if (shutdown(fd, SHUT_WR) == -1)
		warn("shutdown");
	else if (!p->failed && p->wait > 0 &&
	    send_wait_close(fd, p->wait) == -1) {
		warnx("the receiver did not close the connection within "
		    "%.0f s", p->wait);
		p->failed = 1;
	}
out_close:
	if (fd != -1)
		close(fd);
	return NULL;
}

/*
 * Sends f over nconn TCP connections, cutting it at the frame boundary
 * nearest to each 1/nconn of the bytes; with wait > 0, returns once the
 * receiver closed every connection (at most wait seconds each).
 * Returns 0 or -1.
 */
static int
send_tcp(const struct send_file *f, const struct addrinfo *ai,
    const struct addrinfo *src, int nconn, unsigned long repeat, double wait)
{
	struct send_part	 part[SEND_MAX_CONNS];
	pthread_t		 tid[SEND_MAX_CONNS];
	size_t			 fr = 0, start, want;
	int			 i, n = 0, rc = 0;

	for (i = 0; i < nconn; i++) {
		start = f->off[fr];
		want = f->len / (size_t)nconn * (size_t)(i + 1);
		if (i == nconn - 1)
			fr = f->nframes;
		else
			while (fr < f->nframes && f->off[fr] < want)
				fr++;
		part[i].ai = ai;
		part[i].src = src;
		part[i].buf = f->buf + start;
		part[i].len = f->off[fr] - start;
		part[i].repeat = repeat;
		part[i].wait = wait;
		part[i].failed = 0;
	}
	for (i = 0; i < nconn; i++, n++) {
		if (pthread_create(&tid[i], NULL, send_tcp_thread, &part[i])) {
			warnx("pthread_create failed");
			rc = -1;
			break;
		}
	}
	for (i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		if (part[i].failed)
			rc = -1;
	}
	return rc;
}

/* The message of frame i, without its LF or length prefix. */
static void
send_frame_msg(const struct send_file *f, size_t i, struct iovec *iov)
{
	const char	*p = f->buf + f->off[i];
	size_t		 len = f->off[i + 1] - f->off[i], k;

	if (len > 0 && p[len - 1] == '\n') {
		len--;
		if (len > 0 && p[len - 1] == '\r')
			len--;
	} else {
		for (k = 0; k < len && p[k] >= '0' && p[k] <= '9'; k++)
			;
		if (k > 0 && k < len && p[k] == ' ') {
			p += k + 1;
			len -= k + 1;
		}
	}
	iov->iov_base = (void *)(uintptr_t)p;
	iov->iov_len = len;
}

/*
 * Sends every frame of f as one datagram, repeat times, at most pps
 * datagrams a second (0: no limit).  Adds the datagram bytes to *bytes.
 * Returns 0 or -1.
 */
static int
send_udp(const struct send_file *f, const struct addrinfo *ai,
    unsigned long repeat, unsigned long pps, unsigned long long *bytes)
{
	struct mmsghdr	 msg[SEND_UDP_BATCH];
	struct iovec	 iov[SEND_UDP_BATCH];
	size_t		 i, n, k, sent_total = 0;
	unsigned long	 r;
	double		 t0 = send_now(), due;
	int		 fd, m, rc = 0, sz = 4 * 1024 * 1024;

	if ((fd = socket(ai->ai_family, SOCK_DGRAM, 0)) == -1) {
		warn("socket");
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		warn("connect");
		close(fd);
		return -1;
	}
	for (r = 0; r < repeat && rc == 0; r++) {
		for (i = 0; i < f->nframes; i += n) {
			n = f->nframes - i;
			if (n > SEND_UDP_BATCH)
				n = SEND_UDP_BATCH;
			memset(msg, 0, sizeof(msg[0]) * n);
			for (k = 0; k < n; k++) {
				send_frame_msg(f, i + k, &iov[k]);
				*bytes += iov[k].iov_len;
				msg[k].msg_hdr.msg_iov = &iov[k];
				msg[k].msg_hdr.msg_iovlen = 1;
			}
			for (k = 0; k < n; k += (size_t)m) {
				m = sendmmsg(fd, msg + k, (unsigned)(n - k),
				    0);
				if (m == -1 && (errno == EINTR ||
				    errno == ENOBUFS ||
				    errno == ECONNREFUSED)) {
					m = 0;
					continue;
				}
				if (m <= 0) {
					warn("sendmmsg");
					rc = -1;
					goto out_close;
				}
			}
			sent_total += n;
			if (pps > 0) {
				due = t0 + (double)sent_total / (double)pps;
				while (send_now() < due)
					usleep(100);
			}
		}
	}
out_close:
	close(fd);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hecsentry-send [-u] [-c CONNS] [--repeat K] "
	    "[--pps N] [--wait SECS]\n"
	    "                      [--bind ADDR] [-H HOST] -p PORT FILE\n");
	exit(1);
}

static unsigned long
send_parse_ulong(const char *s, const char *what, unsigned long min,
    unsigned long max)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *s == '-' || v < min || v > max)
		errx(1, "%s: expected %lu..%lu, got \"%s\"", what, min, max,
		    s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "connections", required_argument, NULL, 'c' },
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "udp", no_argument, NULL, 'u' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "pps", required_argument, NULL, 'P' },
		{ "wait", required_argument, NULL, 'w' },
		{ "bind", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	struct addrinfo		 hints, *ai, *src = NULL;
	struct send_file	 f;
	const char		*host = "127.0.0.1", *port = NULL;
	const char		*bindaddr = NULL;
	unsigned long		 repeat = 1, pps = 0;
	unsigned long long	 bytes = 0;
	double			 t0, secs, cpu0, wait = 0;
	int			 ch, udp = 0, nconn = 1, rc, e;

	while ((ch = getopt_long(argc, argv, "c:H:p:u", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			nconn = (int)send_parse_ulong(optarg, "-c", 1,
			    SEND_MAX_CONNS);
			break;
		case 'H':
			host = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'u':
			udp = 1;
			break;
		case 'r':
			repeat = send_parse_ulong(optarg, "--repeat", 1,
			    1000000);
			break;
		case 'P':
			pps = send_parse_ulong(optarg, "--pps", 0, 100000000);
			break;
		case 'b':
			bindaddr = optarg;
			break;
		case 'w':
			wait = (double)send_parse_ulong(optarg, "--wait", 1,
			    3600);
			break;
		default:
			usage();
		}
	}
	if (port == NULL || optind != argc - 1)
		usage();
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0)
		errx(1, "%s port %s: %s", host, port, gai_strerror(e));
	if (bindaddr != NULL && (e = getaddrinfo(bindaddr, "0", &hints,
	    &src)) != 0)
		errx(1, "--bind %s: %s", bindaddr, gai_strerror(e));
	if (send_file_load(&f, argv[optind]) == -1)
		return 1;
	if (f.nframes > 0 && (size_t)nconn > f.nframes)
		nconn = (int)f.nframes;
	t0 = send_now();
	cpu0 = send_cpu();
	if (udp)
		rc = send_udp(&f, ai, repeat, pps, &bytes);
	else {
		rc = send_tcp(&f, ai, src, nconn, repeat, wait);
		bytes = (unsigned long long)f.len * repeat;
	}
	secs = send_now() - t0;
	printf("bytes %llu frames %llu seconds %.6f connections %d %s "
	    "cpu_us %.0f\n", bytes, (unsigned long long)f.nframes * repeat,
	    secs, udp ? 1 : nconn, udp ? "udp" : "tcp",
	    (send_cpu() - cpu0) * 1e6);
	send_file_clear(&f);
	freeaddrinfo(ai);
	if (src != NULL)
		freeaddrinfo(src);
	return rc == 0 ? 0 : 1;
}
