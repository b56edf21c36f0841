/*
 * libFuzzer target for syslog_parse(): the input is one frame.  Beyond
 * the sanitizers, it checks the contract of syslog.h: on success every
 * piece points inside the frame and ends within it, the PRI is absent or
 * in range, and a failure names its reason.  The frame is copied into a
 * buffer of exactly its size so that ASan sees any read past its end.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/syslog.h"

#define FUZZ_NOW_MS	1795852800000LL	/* 2026-11-28T08:00:00Z */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Reads every byte of [p, p + n), so that ASan checks the range. */
static void
fuzz_touch(const char *p, size_t n)
{
	volatile unsigned char	 sum = 0;
	size_t			 i;

	for (i = 0; i < n; i++)
		sum ^= (unsigned char)p[i];
	(void)sum;
}

/* Aborts unless [p, p + n) lies within [buf, buf + len). */
static void
fuzz_check_inside(const char *buf, size_t len, const char *p, size_t n)
{
	if (p == NULL) {
		if (n != 0)
			abort();
		return;
	}
	if (p < buf || p > buf + len)
		abort();
	if (n > (size_t)(buf + len - p))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct syslog_msg	 m;
	const char		*reason = NULL;
	char			*buf;
	int			 rc;

	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	memset(&m, 0xa5, sizeof(m));
	rc = syslog_parse(buf, size, FUZZ_NOW_MS, &m, &reason);
	if (rc == -1) {
		if (reason == NULL)
			abort();
	} else {
		if (rc != 0)
			abort();
		if (m.fmt != SYSLOG_FMT_NONE && m.fmt != SYSLOG_FMT_5424 &&
		    m.fmt != SYSLOG_FMT_3164)
			abort();
		if (m.pri < -1 || m.pri > 191)
			abort();
		fuzz_check_inside(buf, size, m.host, m.host_len);
		fuzz_check_inside(buf, size, m.app, m.app_len);
		if (m.msg == NULL && m.msg_len != 0)
			abort();
		fuzz_check_inside(buf, size, m.msg, m.msg_len);
		fuzz_touch(m.host, m.host_len);
		fuzz_touch(m.app, m.app_len);
		fuzz_touch(m.msg, m.msg_len);
	}
	free(buf);
	return 0;
}
