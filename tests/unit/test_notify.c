/*
 * Unit tests of notify.c: a unix datagram socket bound in a mkdtemp(3)
 * directory (or in the abstract namespace) plays the service manager;
 * each state must arrive as one intact datagram, from our pid.  Also the
 * no-op and error cases, and $WATCHDOG_USEC / $WATCHDOG_PID parsing.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "daemon/notify.h"

#define RECV_WAIT_MS	2000	/* longest wait for one datagram */

static char	 tmpdir[] = "/tmp/test_notify.XXXXXX";	/* per test */
static char	 sockpath[sizeof(tmpdir) + 16];	/* tmpdir/notify */
static int	 srv = -1;	/* the fake manager's socket */

/* Binds a datagram socket that records the sender's credentials. */
static int
bind_dgram(const struct sockaddr_un *sun, socklen_t len)
{
	int	 fd, on = 1;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(fd != -1, "socket: %s", strerror(errno));
	cr_assert(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)) == 0);
	cr_assert(bind(fd, (const struct sockaddr *)sun, len) == 0,
	    "bind: %s", strerror(errno));
	return fd;
}

static void
setup_path(void)
{
	struct sockaddr_un	 sun;

	cr_assert(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(sockpath, sizeof(sockpath), "%s/notify", tmpdir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sockpath);
	srv = bind_dgram(&sun, sizeof(sun));
	cr_assert(setenv("NOTIFY_SOCKET", sockpath, 1) == 0);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void
teardown_path(void)
{
	if (srv != -1)
		close(srv);
	unlink(sockpath);
	rmdir(tmpdir);
}

TestSuite(notify, .init = setup_path, .fini = teardown_path);

/*
 * Receives one datagram into buf (NUL-terminated) within RECV_WAIT_MS.
 * Returns its length, or -1 when none came.  *pid gets the sender's pid.
 */
static ssize_t
recv_state(int fd, char *buf, size_t bufsz, pid_t *pid)
{
	struct pollfd	 pfd;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	struct ucred	 uc;
	union {
		struct cmsghdr	 hdr;
		char		 b[CMSG_SPACE(sizeof(struct ucred))];
	}		 ctl;
	ssize_t		 n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, RECV_WAIT_MS) != 1)
		return -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = bufsz - 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.b;
	mh.msg_controllen = sizeof(ctl.b);
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n == -1)
		return -1;
	cr_assert((mh.msg_flags & MSG_TRUNC) == 0, "datagram truncated");
	buf[n] = '\0';
	*pid = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			*pid = uc.pid;
		}
	return n;
}

/* Asserts that exactly want arrives next on fd, from this process. */
static void
expect_state(int fd, const char *want)
{
	char	 buf[8192];
	ssize_t	 n;
	pid_t	 pid;

	n = recv_state(fd, buf, sizeof(buf), &pid);
	cr_assert(n != -1, "no datagram for \"%s\"", want);
	cr_assert_eq((size_t)n, strlen(want), "length %zd, want %zu", n,
	    strlen(want));
	cr_assert_str_eq(buf, want);
	cr_assert_eq(pid, getpid(), "sender pid %d, want %d", (int)pid,
	    (int)getpid());
}

/* Asserts that nothing is waiting on fd. */
static void
expect_nothing(int fd)
{
	struct pollfd	 pfd;

	pfd.fd = fd;
	pfd.events = POLLIN;
	cr_assert_eq(poll(&pfd, 1, 100), 0, "unexpected datagram");
}

Test(notify, ready_arrives_intact)
{
	cr_assert_eq(notify_send("READY=1"), 0, "%s", strerror(errno));
	expect_state(srv, "READY=1");
	expect_nothing(srv);
}

Test(notify, states_arrive_in_order_one_datagram_each)
{
	const char	*states[] = {
		"READY=1\nSTATUS=listening on tcp/0.0.0.0:514 udp/[::]:514, "
		    "2 detections",
		"STATUS=frames 12, alerts 3, queued 0",
		"WATCHDOG=1",
		"STOPPING=1\nSTATUS=draining alerts (at most 10 s)",
	};
	size_t		 i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		cr_assert_eq(notify_send(states[i]), 0, "%s: %s", states[i],
		    strerror(errno));
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		expect_state(srv, states[i]);
	expect_nothing(srv);
}

Test(notify, sendf_formats_and_refuses_overlong)
{
	char	*big;

	cr_assert_eq(notify_sendf("STATUS=%d detections, window %d s", 2,
	    60), 0);
	expect_state(srv, "STATUS=2 detections, window 60 s");

	big = malloc(NOTIFY_MAX_STATE + 1);
	cr_assert(big != NULL);
	memset(big, 'x', NOTIFY_MAX_STATE);
	big[NOTIFY_MAX_STATE] = '\0';
	errno = 0;
	cr_assert_eq(notify_sendf("STATUS=%s", big), -1);
	cr_assert_eq(errno, EMSGSIZE);
	free(big);
	expect_nothing(srv);
}

Test(notify, abstract_socket)
{
	struct sockaddr_un	 sun;
	char			 name[64];
	socklen_t		 len;
	int			 fd;

	snprintf(name, sizeof(name), "hecsentry-test-notify-%d",
	    (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(name));
	fd = bind_dgram(&sun, len);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "@%s", name);
	cr_assert(setenv("NOTIFY_SOCKET", sun.sun_path, 1) == 0);

	cr_assert_eq(notify_send("READY=1\nSTATUS=abstract"), 0, "%s",
	    strerror(errno));
	expect_state(fd, "READY=1\nSTATUS=abstract");
	/* The name is exact: nothing goes to the path socket. */
	expect_nothing(srv);
	close(fd);
}

Test(notify, unset_or_empty_is_a_noop)
{
	unsetenv("NOTIFY_SOCKET");
	cr_assert_eq(notify_send("READY=1"), 0);
	cr_assert_eq(notify_sendf("STATUS=%s", "x"), 0);
	cr_assert(setenv("NOTIFY_SOCKET", "", 1) == 0);
	cr_assert_eq(notify_send("STOPPING=1"), 0);
	expect_nothing(srv);
}

Test(notify, bad_arguments_and_addresses_fail)
{
	char	 longname[200];

	errno = 0;
	cr_assert_eq(notify_send(NULL), -1);
	cr_assert_eq(errno, EINVAL);
	errno = 0;
	cr_assert_eq(notify_send(""), -1);
	cr_assert_eq(errno, EINVAL);

	cr_assert(setenv("NOTIFY_SOCKET", "run/notify", 1) == 0);
	errno = 0;
	cr_assert_eq(notify_send("READY=1"), -1);
	cr_assert_eq(errno, EINVAL, "relative path: errno %d", errno);

	cr_assert(setenv("NOTIFY_SOCKET", "@", 1) == 0);
	errno = 0;
	cr_assert_eq(notify_send("READY=1"), -1);
	cr_assert_eq(errno, EINVAL);

	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	cr_assert(setenv("NOTIFY_SOCKET", longname, 1) == 0);
	errno = 0;
	cr_assert_eq(notify_send("READY=1"), -1);
	cr_assert_eq(errno, ENAMETOOLONG);
	expect_nothing(srv);
}

Test(notify, nobody_listening_fails_with_errno)
{
	close(srv);
	srv = -1;
	cr_assert(unlink(sockpath) == 0);
	errno = 0;
	cr_assert_eq(notify_send("READY=1"), -1);
	cr_assert(errno == ENOENT || errno == ECONNREFUSED, "errno %d (%s)",
	    errno, strerror(errno));
}

Test(notify, watchdog_unset_is_off)
{
	uint64_t	 usec = 77;

	cr_assert_eq(notify_watchdog_usec(&usec), 0);
	cr_assert_eq(usec, 77, "usec must be untouched when off");
	cr_assert(setenv("WATCHDOG_USEC", "", 1) == 0);
	cr_assert_eq(notify_watchdog_usec(&usec), 0);
}

Test(notify, watchdog_usec_parsed)
{
	uint64_t	 usec = 0;
	char		 pid[32];

	cr_assert(setenv("WATCHDOG_USEC", "30000000", 1) == 0);
	cr_assert_eq(notify_watchdog_usec(&usec), 1);
	cr_assert_eq(usec, 30000000);

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	cr_assert(setenv("WATCHDOG_PID", pid, 1) == 0);
	cr_assert(setenv("WATCHDOG_USEC", "18446744073709551614", 1) == 0);
	usec = 0;
	cr_assert_eq(notify_watchdog_usec(&usec), 1);
	cr_assert_eq(usec, UINT64_MAX - 1);
}

Test(notify, watchdog_pid_mismatch_is_off)
{
	uint64_t	 usec = 5;
	char		 pid[32];

	cr_assert(setenv("WATCHDOG_USEC", "20000000", 1) == 0);
	snprintf(pid, sizeof(pid), "%d", (int)getpid() + 1);
	cr_assert(setenv("WATCHDOG_PID", pid, 1) == 0);
	cr_assert_eq(notify_watchdog_usec(&usec), 0);
	cr_assert_eq(usec, 5);
}

/* Asserts that var=value makes notify_watchdog_usec() fail, untouched. */
static void
expect_watchdog_einval(const char *var, const char *value)
{
	uint64_t	 usec = 9;

	cr_assert(setenv(var, value, 1) == 0);
	errno = 0;
	cr_assert_eq(notify_watchdog_usec(&usec), -1, "%s=\"%s\" accepted",
	    var, value);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(usec, 9);
}

Test(notify, watchdog_malformed_is_an_error)
{
	const char	*bad_usec[] = { "0", "abc", "12x", "-5", " 5", "+5",
	    "1.5", "18446744073709551615", "18446744073709551616",
	    "99999999999999999999999" };
	const char	*bad_pid[] = { "0", "pid", "12 ", "-1",
	    "99999999999" };
	size_t		 i;

	for (i = 0; i < sizeof(bad_usec) / sizeof(bad_usec[0]); i++)
		expect_watchdog_einval("WATCHDOG_USEC", bad_usec[i]);
	cr_assert(setenv("WATCHDOG_USEC", "1000000", 1) == 0);
	for (i = 0; i < sizeof(bad_pid) / sizeof(bad_pid[0]); i++)
		expect_watchdog_einval("WATCHDOG_PID", bad_pid[i]);
}
