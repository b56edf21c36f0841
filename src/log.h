/*
 * Logging to stderr, journald-friendly ("<N>" priority prefixes when
 * stderr is the journal), and escaping of untrusted bytes.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LOG_H
#define HECSENTRY_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LOG_RATELIMIT_S		10	/* default interval */

/*
 * State of one rate-limited problem (embed it, zeroed): the first
 * occurrence may be logged, then at most one line per interval_s
 * (0: LOG_RATELIMIT_S), carrying how many occurred meanwhile.
 */
struct log_ratelimit {
	time_t		 last;		/* when a line was last allowed */
	uint64_t	 count;		/* occurrences not yet reported */
	int		 interval_s;	/* 0: LOG_RATELIMIT_S */
};

void		 log_init(int verbose);
void		 log_set_verbose(int verbose);
void		 log_warn(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_info(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
/*
 * What each -v adds (hecsentry(8)): log_debug() at -v, the daemon's own
 * events in detail (connections, filtered detections, HEC requests);
 * log_debug_msg() at -v -v, the reason a message was refused (callers
 * rate-limit it); log_trace() at -v -v -v, internal state that means
 * something to a developer only (reference counts, timer intervals).
 */
#define LOG_V_DEBUG		1
#define LOG_V_MESSAGE		2
#define LOG_V_TRACE		3

void		 log_debug(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_debug_msg(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 log_trace(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2)));
void		 fatal(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2), __noreturn__));
void		 fatalx(const char *, ...)
		    __attribute__((__format__ (printf, 1, 2), __noreturn__));

/*
 * Escapes untrusted bytes for a log line: printable ASCII stays, the rest
 * becomes \xNN; at most outsz - 1 bytes are written, "..." marks a cut.
 * Returns out.
 */
char		*log_escape(const char *in, size_t len, char *out, size_t outsz);

/*
 * Counts one occurrence at now.  Returns true when the caller should log
 * a summary line now, with *n (may be NULL) set to the occurrences since
 * the last line, this one included; false when it stays counted.
 */
bool		 log_ratelimit(struct log_ratelimit *rl, time_t now,
		    uint64_t *n);

#endif /* HECSENTRY_LOG_H */
