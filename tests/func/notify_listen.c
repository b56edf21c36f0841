/*
 * notify_listen: a stand-in for systemd's notification socket, for
 * tests/func/systemd.sh.  Binds an AF_UNIX datagram socket at a path,
 * and appends each datagram it receives to a file: a line "@pid=PID
 * len=LEN" (the sender's pid, from SCM_CREDENTIALS), then the datagram's
 * newline-separated assignments, one a line.  Exits 0 on SIGTERM or
 * SIGINT, or after --max-seconds; removes the socket.
 *
 * usage: notify_listen --socket PATH --out FILE [--max-seconds N]
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LISTEN_BUFSZ	65536	/* longest datagram kept */

static volatile sig_atomic_t listen_quit;	/* SIGTERM or SIGINT seen */

static void
listen_signal_cb(int sig)
{
	(void)sig;
	listen_quit = 1;
}

static void
listen_usage(void)
{
	fprintf(stderr, "usage: notify_listen --socket PATH --out FILE "
	    "[--max-seconds N]\n");
	exit(2);
}

/* Binds a datagram socket at path that receives sender credentials. */
static int
listen_bind(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, on = 1;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "notify_listen: %s: path too long\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("notify_listen: socket");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "notify_listen: %s: %s\n", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Receives one datagram and appends it to out.  Returns 0 or -1. */
static int
listen_recv_one(int fd, FILE *out)
{
	static char	 buf[LISTEN_BUFSZ];
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	struct ucred	 uc;
	union {
		struct cmsghdr	 hdr;
		char		 b[CMSG_SPACE(sizeof(struct ucred))];
	}		 ctl;
	ssize_t		 n;
	long		 pid = 0;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.b;
	mh.msg_controllen = sizeof(ctl.b);
	if ((n = recvmsg(fd, &mh, MSG_DONTWAIT)) == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			pid = (long)uc.pid;
		}
	fprintf(out, "@pid=%ld len=%zd%s\n", pid, n,
	    (mh.msg_flags & MSG_TRUNC) ? " truncated" : "");
	fwrite(buf, 1, (size_t)n, out);
	if (n > 0 && buf[n - 1] != '\n')
		fputc('\n', out);
	return fflush(out) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct pollfd		 pfd;
	const char		*path = NULL, *outpath = NULL;
	FILE			*out;
	time_t			 end;
	long			 max_s = 60;
	int			 i, fd, rc = 0;

	for (i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			listen_usage();
		if (strcmp(argv[i], "--socket") == 0)
			path = argv[++i];
		else if (strcmp(argv[i], "--out") == 0)
			outpath = argv[++i];
		else if (strcmp(argv[i], "--max-seconds") == 0)
			max_s = strtol(argv[++i], NULL, 10);
		else
			listen_usage();
	}
	if (path == NULL || outpath == NULL || max_s <= 0)
		listen_usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = listen_signal_cb;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if ((out = fopen(outpath, "a")) == NULL) {
		fprintf(stderr, "notify_listen: %s: %s\n", outpath,
		    strerror(errno));
		return 1;
	}
	if ((fd = listen_bind(path)) == -1) {
		fclose(out);
		return 1;
	}
	end = time(NULL) + max_s;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!listen_quit && time(NULL) < end) {
		if (poll(&pfd, 1, 200) == -1 && errno != EINTR) {
			perror("notify_listen: poll");
			rc = 1;
			break;
		}
		if ((pfd.revents & POLLIN) && listen_recv_one(fd, out) == -1) {
			perror("notify_listen: recvmsg");
			rc = 1;
			break;
		}
	}
	close(fd);
	unlink(path);
	fclose(out);
	return rc;
}
