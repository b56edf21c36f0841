/*
 * Keyed stats with tumbling windows (SPEC 4).  One table per detection,
 * keyed by the by-field tuple (seeded hash: keys come from the network).
 * A row is emitted when its window closes, when the table reaches its key
 * limit (the oldest row first), and at flush.  Rows are mergeable: summing
 * counts and taking min/max of the times over all rows of a key gives the
 * row Splunk's stats would give over the same events.  Pure: the caller
 * drives time through stats_tick().
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_STATS_H
#define HECSENTRY_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "detect/spl.h"

enum stats_emit_reason {
	STATS_EMIT_WINDOW = 0,		/* its window closed */
	STATS_EMIT_EARLY,		/* key limit or byte budget reached */
	STATS_EMIT_FLUSH,		/* shutdown or detection removed */
	STATS_EMIT_FIRST		/* a new key's first event: the row so */
					/*   far, which stays open */
};

#define STATS_MAX_VALUES	100	/* distinct values() items per row */

struct stats_opts {
	int		 window_s;	/* tumbling window, >= 1 */
	size_t		 max_keys;	/* live keys before early emission */
	size_t		 max_bytes;	/* byte budget of keys and values */
	size_t		*shared_bytes;	/* when not NULL: bytes held by every
					   table sharing it, and max_bytes
					   bounds their sum (a table evicts
					   its own oldest rows; each keeps at
					   least the row being added) */
	bool		 drop_null;	/* null_by_fields = drop (Splunk), */
					/*   for stats; tstats follows its */
					/*   spec (spl_stats.null_by) */
	uint64_t	 seed[2];	/* hash key, random at start-up */
	int		 window_offset_s; /* windows start at this offset
					   modulo window_s (a schedule's
					   phase); 0: on multiples */
	struct event	*rec;		/* borrowed, or NULL: the record of
					   an emitted row (stats_row.rec),
					   shared by the tables that one
					   thread runs (they emit one row at
					   a time); event_init()ed by the
					   owner, grown here as rows need.
					   NULL: each table allocates its
					   own at its first row */
};

struct stats_row {
	int64_t		 win_start_ms;	/* window bounds [start, end) */
	int64_t		 win_end_ms;
	int64_t		 first_ms;	/* min(_time) over the row's events */
	int64_t		 last_ms;	/* max(_time) */
	uint64_t	 count;		/* events in the row */
	int64_t		 arrival_ms;	/* now_ms of the stats_add() that
					   made the row: when its first
					   event's frame was read */
	const char	*host;		/* reporting host of the row's first
					   event: Computer, else dvc, else the
					   syslog host; NULL when none */
	size_t		 host_len;
	enum stats_emit_reason reason;
	struct event	*rec;		/* by-fields (absent when null) and
					   aggregates as text; the callback
					   may modify it (spl_post_apply) */
	const int	*by;		/* by-field ids (from the spec) */
	size_t		 nby;
	struct spl_rows	*const *sides;	/* the right rows of each join of */
					/*   the search in the row's window, */
					/*   for spl_post_run() (detect.c */
					/*   sets them); NULL: no join */
};

/* Called once per emitted row; row is borrowed until it returns. */
typedef void	(*stats_emit_fn)(const struct stats_row *row, void *arg);

/*
 * Judges a new key's row right after its first event (reason
 * STATS_EMIT_FIRST; the callback may modify row->rec): false when every
 * row of the key is sure to be dropped by what reads the rows.
 */
typedef bool	(*stats_judge_fn)(const struct stats_row *row, void *arg);

struct stats_counters {
	uint64_t	 events;	/* events added */
	uint64_t	 null_by;	/* events with a null by-field */
	uint64_t	 null_dropped;	/* of those, dropped (drop mode) */
	uint64_t	 rows;		/* rows emitted */
	uint64_t	 early;		/* rows emitted early */
	size_t		 keys;		/* live keys now */
	size_t		 bytes;		/* bytes held now */
	uint64_t	 values_capped;	/* values() items not kept: a row
					   holds at most STATS_MAX_VALUES */
	uint64_t	 first_dropped;	/* keys judged dropped at their
					   first event (stats_on_new()) */
	size_t		 tombs;		/* of the live keys, tombstones */
};

struct stats_table;

/* spec is borrowed and must outlive the table. */
struct stats_table *stats_new(const struct spl_stats *spec,
		    const struct stats_opts *opts, stats_emit_fn emit,
		    void *arg);
void		 stats_free(struct stats_table *t);

/*
 * Adds one matching event, whose window is the one holding now_ms (the
 * loop's cached time).  Returns 0 when counted, 1 when dropped for a null
 * by-field (drop mode; tstats without fillnull_value).
 */
int		 stats_add(struct stats_table *t, const struct event *ev,
		    int64_t now_ms);

/*
 * First-seen rows: from now on, when stats_add() makes a new row (the
 * first event of a key in its window), fn (NULL: none) gets that row as
 * it stands after the event, with reason STATS_EMIT_FIRST and the
 * table's callback argument; the row stays open and is emitted again as
 * usual.  A key emitted early and seen again in the same window makes a
 * new row, and so a new first-seen row.
 */
void		 stats_on_first(struct stats_table *t, stats_emit_fn fn);

/*
 * Tombstones: from now on, when stats_add() makes a new row, fn (NULL:
 * none) judges it, with the table's callback argument, before the
 * first-seen callback.  A key it drops becomes a tombstone: it stays in
 * the table, counts as a key towards max_keys and leaves when its row
 * would have (window close, key limit, byte budget, flush), so that the
 * other rows are emitted at the same moments; but it holds no aggregates
 * and no host (its bytes are its key's), its later events only find it,
 * and it emits nothing.  The caller promises that fn's answer holds for
 * every later row of the key in the window (spl_first.c).
 */
void		 stats_on_new(struct stats_table *t, stats_judge_fn fn);

/* Emits the rows of every window that ended at or before now_ms. */
void		 stats_tick(struct stats_table *t, int64_t now_ms);

/* Emits every row now (reason STATS_EMIT_FLUSH) and empties the table. */
void		 stats_flush(struct stats_table *t);

/*
 * Hands fn every live row but the tombstones, oldest first, with
 * reason, without emitting it: the rows stay, the counters do not move (a detection leaving a
 * table others share takes the rows so far, detect.c).
 */
void		 stats_each(struct stats_table *t,
		    enum stats_emit_reason reason, stats_emit_fn fn,
		    void *arg);

void		 stats_get_counters(const struct stats_table *t,
		    struct stats_counters *c);

#endif /* HECSENTRY_STATS_H */
