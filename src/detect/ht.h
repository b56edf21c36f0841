/*
 * The project's hash table: chained buckets in a power-of-two table that
 * doubles when the load factor reaches 1.  A struct ht_type names the hash,
 * the comparison and the destructors of keys and values, so that ownership
 * lives in one place: the table owns every key and value inserted into it
 * and frees them through the type, exactly once.  Keys may be chosen by an
 * attacker, so hash functions should be keyed (ht_siphash()); the table
 * itself has no size limit: callers enforce one.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_HT_H
#define HECSENTRY_HT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ht_type {
	/* hash of a key; arg is the one given to ht_new() */
	uint64_t	(*hash)(const void *key, void *arg);
	/* true when two keys are equal */
	bool		(*equal)(const void *a, const void *b, void *arg);
	void		(*key_free)(void *key);	/* NULL: not freed */
	void		(*val_free)(void *val);	/* NULL: not freed */
};

struct ht;
struct ht_entry;

/* Iteration state; see ht_iter_init(). */
struct ht_iter {
	struct ht	*h;
	size_t		 bucket;	/* next bucket to visit */
	struct ht_entry	*cur;		/* entry last returned */
	struct ht_entry	*next;		/* entry to return next */
};

/*
 * SipHash-2-4 of len bytes at p under the 128-bit key (key[0] holds key
 * bytes 0-7 little-endian, key[1] bytes 8-15), as in the SipHash paper.
 */
uint64_t	 ht_siphash(const uint64_t key[2], const void *p, size_t len);

/* type is borrowed and must outlive the table; arg goes to its hooks. */
struct ht	*ht_new(const struct ht_type *type, void *arg);

/* Frees every key and value through the type, then the table. */
void		 ht_free(struct ht *h);

/*
 * Inserts key -> val, taking ownership of both.  Returns 0, or -1 when an
 * equal key is already present: then nothing is taken (the caller still
 * owns key and val).
 */
int		 ht_insert(struct ht *h, void *key, void *val);

/* Returns true and the value (borrowed) when key is present. */
bool		 ht_find(const struct ht *h, const void *key, void **val);

/* Removes key, freeing its stored key and value.  Returns 0, or -1. */
int		 ht_remove(struct ht *h, const void *key);

size_t		 ht_count(const struct ht *h);

/*
 * Iteration in unspecified order.  ht_iter_next() returns false at the
 * end; key and val (either may be NULL) are borrowed.  During an
 * iteration the caller may remove the entry last returned, with
 * ht_iter_remove() or ht_remove(), but must not insert.
 */
void		 ht_iter_init(struct ht *h, struct ht_iter *it);
bool		 ht_iter_next(struct ht_iter *it, void **key, void **val);
void		 ht_iter_remove(struct ht_iter *it);

#endif /* HECSENTRY_HT_H */
