/*
 * Logging: one line per call on stderr.  When stderr is the journal
 * (JOURNAL_STREAM names its device and inode) lines carry sd-daemon "<N>"
 * priority prefixes instead of a level word.  log_debug() prints only with
 * -v.  Every function keeps errno.  No per-message logging above debug:
 * callers count and summarise, log_ratelimit() paces the summaries.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"

static int log_verbose;		/* -v count */
static int log_journal;		/* stderr is the journal */

static void
log_vlog(int prio, const char *level, const char *errstr, const char *fmt,
    va_list ap)
{
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal)
		fprintf(stderr, "<%d>%s%s%s\n", prio, msg,
		    errstr ? ": " : "", errstr ? errstr : "");
	else
		fprintf(stderr, "hecsentry: %s%s%s%s\n", level, msg,
		    errstr ? ": " : "", errstr ? errstr : "");
}

void
log_init(int verbose)
{
	const char	*js;
	struct stat	 st;
	unsigned long	 dev, ino;

	log_verbose = verbose;
	js = getenv("JOURNAL_STREAM");
	if (js != NULL && sscanf(js, "%lu:%lu", &dev, &ino) == 2 &&
	    fstat(fileno(stderr), &st) == 0 &&
	    (unsigned long)st.st_dev == dev && (unsigned long)st.st_ino == ino)
		log_journal = 1;
	setvbuf(stderr, NULL, _IOLBF, 0);
}

void
log_set_verbose(int verbose)
{
	log_verbose = verbose;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(4, "warning: ", strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(4, "warning: ", NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(6, "", NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* A debug or trace line, when -v was given at least level times. */
static void
log_vlevel(int level, const char *label, const char *fmt, va_list ap)
{
	int	 saved = errno;

	if (log_verbose < level)
		return;
	log_vlog(7, label, NULL, fmt, ap);
	errno = saved;
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlevel(LOG_V_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

void
log_debug_msg(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlevel(LOG_V_MESSAGE, "debug: ", fmt, ap);
	va_end(ap);
}

void
log_trace(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlevel(LOG_V_TRACE, "trace: ", fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vlog(2, "fatal: ", strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(2, "fatal: ", NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

char *
log_escape(const char *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i, o = 0;
	unsigned char	 c;

	if (outsz == 0)
		return out;
	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= outsz - 3)
				goto cut;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outsz - 3)
				goto cut;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
cut:
	if (outsz >= 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < outsz ? o : outsz - 1] = '\0';
	return out;
}

bool
log_ratelimit(struct log_ratelimit *rl, time_t now, uint64_t *n)
{
	int	 iv = rl->interval_s > 0 ? rl->interval_s : LOG_RATELIMIT_S;

	rl->count++;
	if (rl->last != 0 && now >= rl->last && now - rl->last < iv)
		return false;
	if (n != NULL)
		*n = rl->count;
	rl->count = 0;
	rl->last = now;
	return true;
}
