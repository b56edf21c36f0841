/*
 * Syslog header parsing: RFC 5424, RFC 3164 and header-less messages.
 * Pure: no I/O, no allocation.  The parsed pieces point into the frame.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SYSLOG_H
#define HECSENTRY_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

enum syslog_format {
	SYSLOG_FMT_NONE = 0,		/* no header: the frame is the payload */
	SYSLOG_FMT_5424,		/* RFC 5424 */
	SYSLOG_FMT_3164			/* RFC 3164 (BSD) */
};

struct syslog_msg {
	enum syslog_format fmt;		/* which header was found */
	int		 pri;		/* PRI value, -1 when absent */
	int64_t		 time_ms;	/* header time, ms since epoch; 0 none */
	const char	*host;		/* HOSTNAME, NULL when absent or "-" */
	size_t		 host_len;
	const char	*app;		/* APP-NAME / TAG, NULL when absent */
	size_t		 app_len;
	const char	*msg;		/* payload: MSG with any BOM removed */
	size_t		 msg_len;
};

/*
 * Parses one frame.  now_ms supplies the year for RFC 3164 timestamps.
 * A frame that starts with '{' or '<E' (after optional whitespace) is a
 * bare JSON or XML document with no header.  Returns 0, or -1 when a
 * header is present but malformed (e.g. "<999>"), and *reason names why.
 */
int		 syslog_parse(const char *buf, size_t len, int64_t now_ms,
		    struct syslog_msg *out, const char **reason);

#endif /* HECSENTRY_SYSLOG_H */
