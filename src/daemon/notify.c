/*
 * sd_notify(3) and sd_watchdog_enabled(3) of our own, so that the daemon
 * needs no libsystemd.  The protocol (systemd's sd_notify(3), "Notes"):
 * $NOTIFY_SOCKET names an AF_UNIX datagram socket, either a file system
 * path ("/run/systemd/notify") or, with a leading '@', a name in the Linux
 * abstract namespace; each notification is one datagram of
 * newline-separated VAR=VALUE assignments.  The manager learns the
 * sender's pid from the kernel (SO_PASSCRED), so nothing else is sent.
 * This module does not know what the states mean, keeps no state, opens
 * one short-lived socket per call and never touches libevent.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/notify.h"

#define NOTIFY_SEND_TIMEOUT_S	1	/* wait for a full manager queue */

/*
 * Fills *sun from the value of $NOTIFY_SOCKET.  Returns the address
 * length to give sendto(), or -1 with errno (EINVAL, ENAMETOOLONG).
 */
static int
notify_make_addr(const char *name, struct sockaddr_un *sun)
{
	size_t	 len;

	len = strlen(name);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (name[0] == '@') {
		/* Abstract: a leading NUL, and no terminating one counted. */
		if (len < 2) {
			errno = EINVAL;
			return -1;
		}
		if (len > sizeof(sun->sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sun->sun_path + 1, name + 1, len - 1);
		return (int)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	if (name[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if (len >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, name, len);
	return (int)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int
notify_send(const char *state)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv;
	const char		*name;
	size_t			 len;
	ssize_t			 n;
	int			 fd, addrlen, saved;

	if (state == NULL || (len = strlen(state)) == 0) {
		errno = EINVAL;
		return -1;
	}
	name = getenv(NOTIFY_SOCKET_ENV);
	if (name == NULL || name[0] == '\0')
		return 0;
	if ((addrlen = notify_make_addr(name, &sun)) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	tv.tv_sec = NOTIFY_SEND_TIMEOUT_S;
	tv.tv_usec = 0;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		goto out_close;
	n = sendto(fd, state, len, MSG_NOSIGNAL, (struct sockaddr *)&sun,
	    (socklen_t)addrlen);
	if (n == -1)
		goto out_close;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		goto out_close;
	}
	close(fd);
	return 0;

out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
notify_sendf(const char *fmt, ...)
{
	char		 buf[NOTIFY_MAX_STATE];
	va_list		 ap;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	return notify_send(buf);
}

/*
 * Parses a whole string of decimal digits (no sign, no blanks) into *out.
 * Returns 0, or -1 with errno EINVAL (not a number, or out of range).
 */
static int
notify_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long	 v;
	char			*end;

	if (*s < '0' || *s > '9') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || *end != '\0') {
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

int
notify_watchdog_usec(uint64_t *usec)
{
	const char	*s, *p;
	uint64_t	 v, pid;

	s = getenv(NOTIFY_WATCHDOG_ENV);
	if (s == NULL || s[0] == '\0')
		return 0;
	/* As systemd: 0 and UINT64_MAX ("infinity") are not timeouts. */
	if (notify_parse_u64(s, &v) == -1 || v == 0 || v == UINT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	p = getenv(NOTIFY_WATCHDOG_PID_ENV);
	if (p != NULL && p[0] != '\0') {
		if (notify_parse_u64(p, &pid) == -1 || pid == 0 ||
		    pid > INT_MAX) {
			errno = EINVAL;
			return -1;
		}
		if (pid != (uint64_t)getpid())
			return 0;
	}
	*usec = v;
	return 1;
}
