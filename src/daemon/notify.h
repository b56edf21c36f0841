/*
 * The service manager notification protocol of sd_notify(3), without
 * libsystemd: state strings ("READY=1", "STATUS=...", "WATCHDOG=1",
 * "STOPPING=1", newline-separated when several) are sent as one datagram
 * to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or '@' for the
 * abstract namespace).  When $NOTIFY_SOCKET is unset everything is a
 * no-op, so the daemon behaves the same outside systemd.  No libevent, no
 * allocation: callable from any callback.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_NOTIFY_H
#define HECSENTRY_NOTIFY_H

#include <stdint.h>

#define NOTIFY_SOCKET_ENV	"NOTIFY_SOCKET"
#define NOTIFY_WATCHDOG_ENV	"WATCHDOG_USEC"
#define NOTIFY_WATCHDOG_PID_ENV	"WATCHDOG_PID"
#define NOTIFY_MAX_STATE	4096	/* longest state notify_sendf() builds */

/*
 * Sends state (e.g. "READY=1\nSTATUS=running") as one datagram to
 * $NOTIFY_SOCKET.  Waits at most one second if the manager's queue is
 * full.  Returns 0 when sent or when $NOTIFY_SOCKET is unset or empty;
 * -1 with errno on failure (EINVAL: state NULL or empty, or the variable
 * is not an absolute path or '@'-name; ENAMETOOLONG; or the socket
 * error, e.g. ECONNREFUSED when nothing listens).
 */
int		 notify_send(const char *state);

/*
 * Like notify_send() with a printf format; a state longer than
 * NOTIFY_MAX_STATE - 1 bytes fails with EMSGSIZE rather than being cut.
 */
int		 notify_sendf(const char *fmt, ...)
		    __attribute__((__format__ (printf, 1, 2)));

/*
 * Whether the service manager wants keep-alive pings from this process:
 * reads $WATCHDOG_USEC (decimal microseconds, 0 < usec < UINT64_MAX)
 * and, when set, $WATCHDOG_PID (must be our pid).  Returns 1 and sets
 * *usec when the watchdog is on for us; 0 when it is off (WATCHDOG_USEC
 * unset or empty, or WATCHDOG_PID names another process); -1 with errno
 * EINVAL when a variable is malformed.  The caller should send
 * "WATCHDOG=1" every *usec / 2 microseconds.
 */
int		 notify_watchdog_usec(uint64_t *usec);

#endif /* HECSENTRY_NOTIFY_H */
