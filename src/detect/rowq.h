/*
 * A queue of stats rows copied for several readers (detect.c: the rows
 * of a stats table that detections share, each taken by every sharer at
 * its own pace).  An item keeps the row's scalars, its record's fields
 * and host; items are numbered from the queue's start, and the caller
 * frees those every reader took.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_ROWQ_H
#define HECSENTRY_ROWQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "detect/stats.h"

struct rowq_field {
	int		 id;		/* the record's field */
	size_t		 off;		/* its value in data */
	size_t		 len;
};

struct rowq_item {
	struct stats_row row;		/* rec and sides NULL, host in data */
	uint64_t	 seq;		/* the caller's tag */
	bool		 first;		/* a first-seen row */
	int64_t		 time_ms;	/* the record's _time */
	size_t		 arena;		/* its arena's size */
	size_t		 nf;
	struct rowq_field *f;		/* owned, nf of them, then data */
	char		*data;		/* in f's block: values, then host */
};

struct rowq {
	struct rowq_item *items;	/* owned: n of them, then room */
	size_t		 n;
	size_t		 cap;
	uint64_t	 off;		/* the number of items[0] */
};

/* _init/_clear: an embedded, empty queue; _clear frees every item. */
void		 rowq_init(struct rowq *q);
void		 rowq_clear(struct rowq *q);

/* Copies row (its record too) in, tagged seq and first. */
void		 rowq_push(struct rowq *q, const struct stats_row *row,
		    uint64_t seq, bool first);

/* The number the next item pushed will have. */
static inline uint64_t
rowq_end(const struct rowq *q)
{
	return q->off + q->n;
}

/* Item k, which must be in [q->off, rowq_end(q)). */
static inline const struct rowq_item *
rowq_get(const struct rowq *q, uint64_t k)
{
	return &q->items[k - q->off];
}

/*
 * Item it as a row: its record made again in rec (grown to the arena
 * the row had, so that the commands after stats have the same room).
 */
void		 rowq_replay(const struct rowq_item *it, struct event *rec,
		    struct stats_row *row);

/* Frees the items numbered below upto. */
void		 rowq_trim(struct rowq *q, uint64_t upto);

#endif /* HECSENTRY_ROWQ_H */
