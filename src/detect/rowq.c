/*
 * A queue of copied stats rows for several readers (rowq.h): the rows a
 * shared stats table emits, kept until every sharer took them.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "detect/rowq.h"
#include "xmalloc.h"

void
rowq_init(struct rowq *q)
{
	memset(q, 0, sizeof(*q));
}

static void
rowq_item_free(struct rowq_item *it)
{
	free(it->f);
}

void
rowq_clear(struct rowq *q)
{
	size_t	 i;

	for (i = 0; i < q->n; i++)
		rowq_item_free(&q->items[i]);
	free(q->items);
	memset(q, 0, sizeof(*q));
}

void
rowq_push(struct rowq *q, const struct stats_row *row, uint64_t seq,
    bool first)
{
	const struct event	*rec = row->rec;
	struct rowq_item	*it;
	uint64_t		 bits;
	size_t			 w, n = 0, len = 0, off = 0;
	int			 id;

	if (q->n == q->cap) {
		q->cap = q->cap == 0 ? 16 : q->cap * 2;
		q->items = xreallocarray(q->items, q->cap, sizeof(*q->items));
	}
	it = &q->items[q->n++];
	memset(it, 0, sizeof(*it));
	it->row = *row;
	it->row.rec = NULL;
	it->row.sides = NULL;
	it->seq = seq;
	it->first = first;
	it->time_ms = rec->time_ms;
	it->arena = rec->arena_cap;
	for (w = 0; w < EVENT_MAX_FIELDS / 64; w++)
		for (bits = rec->set[w]; bits != 0; bits &= bits - 1) {
			n++;
			len += rec->val[w * 64 + __builtin_ctzll(bits)].len;
		}
	/* One block: the fields, then their values and the host. */
	it->f = xmalloc(n * sizeof(*it->f) + len + row->host_len + 1);
	it->data = (char *)(it->f + n);
	for (w = 0; w < EVENT_MAX_FIELDS / 64; w++)
		for (bits = rec->set[w]; bits != 0; bits &= bits - 1) {
			id = (int)(w * 64) + __builtin_ctzll(bits);
			it->f[it->nf].id = id;
			it->f[it->nf].off = off;
			it->f[it->nf].len = rec->val[id].len;
			memcpy(it->data + off, rec->val[id].ptr,
			    rec->val[id].len);
			off += rec->val[id].len;
			it->nf++;
		}
	if (row->host != NULL) {
		memcpy(it->data + off, row->host, row->host_len);
		it->row.host = it->data + off;
	}
}

void
rowq_replay(const struct rowq_item *it, struct event *rec,
    struct stats_row *row)
{
	size_t	 i;

	if (rec->arena_cap < it->arena) {
		event_clear(rec);
		event_init(rec, it->arena);
	}
	event_reset(rec);
	for (i = 0; i < it->nf; i++)
		(void)event_set(rec, it->f[i].id, it->data + it->f[i].off,
		    it->f[i].len);
	rec->time_ms = it->time_ms;
	*row = it->row;
	row->rec = rec;
}

void
rowq_trim(struct rowq *q, uint64_t upto)
{
	size_t	 i, k;

	if (upto <= q->off)
		return;
	k = (size_t)(upto - q->off);
	for (i = 0; i < k; i++)
		rowq_item_free(&q->items[i]);
	memmove(q->items, q->items + k, (q->n - k) * sizeof(*q->items));
	q->n -= k;
	q->off = upto;
}
