/*
 * Alert suppression (issue 15.3), as Splunk's per-result throttling does
 * it (savedsearches.conf alert.suppress.fields, alert.suppress.period):
 * a row whose suppression key (its detection and the values of the
 * rule's fields in the row) alerted less than the rule's period ago is
 * not sent.  The table of keys is bounded and lives in a small
 * append-only file beside the spool, so that it survives restarts and
 * kill -9; see suppress.c for the file and its recovery.  Time is always
 * the caller's now_ms, so tests drive the clock.  Thread-safe: one mutex
 * (the workers' pipelines decide, the main thread syncs).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SUPPRESS_H
#define HECSENTRY_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "detect/detection.h"
#include "output/spool.h"

#define SUPPRESS_FILE		"suppress.state"	/* in the spool dir */
#define SUPPRESS_MAX_KEYS_DEFAULT 100000
#define SUPPRESS_PERIOD_MAX_S	(30 * 86400)	/* a rule's period, at most */
#define SUPPRESS_RECORD_BYTES	48		/* one key in the file */

/* One "suppress" value: which detections, by which fields, how long. */
struct suppress_rule {
	char		*pattern;	/* detection name, id or glob */
	char		**fields;	/* the row's fields making the key */
	size_t		 nfields;
	int64_t		 period_ms;	/* 1 s .. SUPPRESS_PERIOD_MAX_S */
};

struct suppress_options {
	const char	*dir;		/* the spool dir; NULL: in memory */
					/*   only, lost at exit */
	size_t		 max_keys;	/* 0: SUPPRESS_MAX_KEYS_DEFAULT */
	enum spool_fsync fsync;		/* as the spool's */
	char *const	*rules;		/* "suppress" values, in order */
	size_t		 nrules;
};

struct suppress_counters {
	uint64_t	 suppressed;	/* rows not sent */
	uint64_t	 recorded;	/* rows sent that opened a period */
	uint64_t	 expired;	/* keys dropped: period over */
	uint64_t	 evicted;	/* keys dropped early: table full */
	uint64_t	 keys;		/* live keys (gauge) */
	uint64_t	 file_bytes;	/* of the state file (gauge) */
	uint64_t	 loaded;	/* keys read back at open */
	uint64_t	 corrupt_records; /* records skipped at open */
	uint64_t	 compactions;	/* rewrites of the file */
	uint64_t	 write_errors;	/* appends, rewrites, syncs failed */
};

/* What suppress_check() decided for a row. */
enum suppress_verdict {
	SUPPRESS_NO_RULE = 0,		/* no rule names the detection: send */
	SUPPRESS_SEND,			/* send; its key is recorded */
	SUPPRESS_DROP			/* suppressed: do not send */
};

struct suppress;

/*
 * Parses one "suppress" value, "PATTERN fields=F1,F2 period=DURATION"
 * (the two options in either order, after the pattern, which may hold
 * spaces; DURATION is seconds, or takes an s, m, h or d suffix).  Fills
 * *r (free it with suppress_rule_clear()).  Returns 0, or -1 with what is
 * wrong in *errstr (caller frees).
 */
int		 suppress_rule_parse(const char *spec,
		    struct suppress_rule *r, char **errstr);
void		 suppress_rule_clear(struct suppress_rule *r);

/*
 * Parses the rules of o and, with o->dir, loads o->dir/SUPPRESS_FILE
 * (keys expired at now_ms are dropped, a torn or damaged record is
 * skipped and counted) and rewrites it compacted.  o is copied, its
 * strings are not kept.  NULL with *errstr (caller frees) on a bad rule
 * or an unusable file.
 */
struct suppress	*suppress_open(const struct suppress_options *o,
		    int64_t now_ms, char **errstr);
/* Syncs (unless the policy is "never") and frees; NULL does nothing. */
void		 suppress_free(struct suppress *s);

/*
 * The decision for one row of detection d (rec: the row's fields after
 * the post-stats commands; id: its alert id) at now_ms: the first rule
 * naming d gives the fields and the period.  A field the row lacks
 * counts as the empty value.  SUPPRESS_DROP when the key alerted less
 * than the period ago, unless that alert had the same id (the row of
 * a first-seen alert that opened the period); else the key is recorded
 * (appended to the file) and SUPPRESS_SEND.  A full table first drops
 * its oldest key.  File errors are counted, never fatal: the decision
 * holds in memory.
 */
enum suppress_verdict suppress_check(struct suppress *s,
		    const struct detection *d, const struct event *rec,
		    const char *id, int64_t now_ms);

/*
 * From a timer: drops keys expired at now_ms, rewrites the file when it
 * holds more dead records than live ones, and (policy "batch") syncs
 * what was appended.  0, or -1 when a write or sync failed (counted).
 */
int		 suppress_sync(struct suppress *s, int64_t now_ms);

/*
 * Logs a warning for each rule that names none of the n detections d,
 * and for each field of a rule that is not an output column of a
 * detection it names (every row of it would have the empty value
 * there, so it would alert once per period).  Returns the warnings.
 */
size_t		 suppress_warn_rules(const struct suppress *s,
		    struct detection *const *d, size_t n);

void		 suppress_get_counters(struct suppress *s,
		    struct suppress_counters *c);
/* Rows of detection d suppressed since start. */
uint64_t	 suppress_count_of(struct suppress *s,
		    const struct detection *d);

#endif /* HECSENTRY_SUPPRESS_H */
