/*
 * Hash table with chained buckets.  The bucket array is a power of two and
 * doubles when the number of entries reaches the number of buckets; it
 * never shrinks, so removal during iteration is safe.  Each entry keeps its
 * full hash so that resizing never calls the hash function again.  Also
 * holds SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash for
 * attacker-chosen keys.  No size limit here: callers cap their tables.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/ht.h"
#include "xmalloc.h"

#define HT_MIN_BUCKETS	16

struct ht_entry {
	struct ht_entry	*next;		/* chain */
	uint64_t	 hash;		/* cached hash of key */
	void		*key;		/* owned */
	void		*val;		/* owned */
};

struct ht {
	const struct ht_type *type;	/* hooks, borrowed */
	void		*arg;		/* passed to the hooks */
	struct ht_entry	**buckets;
	size_t		 nbuckets;	/* power of two */
	size_t		 count;		/* entries */
};

#define HT_ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

#define HT_SIPROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = HT_ROTL(v1, 13); v1 ^= v0; v0 = HT_ROTL(v0, 32); \
	v2 += v3; v3 = HT_ROTL(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = HT_ROTL(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = HT_ROTL(v1, 17); v1 ^= v2; v2 = HT_ROTL(v2, 32); \
} while (0)

static uint64_t
ht_load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

uint64_t
ht_siphash(const uint64_t key[2], const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint64_t		 v0, v1, v2, v3, m, b;
	size_t			 i, left;

	v0 = key[0] ^ UINT64_C(0x736f6d6570736575);
	v1 = key[1] ^ UINT64_C(0x646f72616e646f6d);
	v2 = key[0] ^ UINT64_C(0x6c7967656e657261);
	v3 = key[1] ^ UINT64_C(0x7465646279746573);

	for (i = 0; i + 8 <= len; i += 8) {
		m = ht_load64(s + i);
		v3 ^= m;
		HT_SIPROUND(v0, v1, v2, v3);
		HT_SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}

	/* The last block: the remaining bytes, length mod 256 on top. */
	b = (uint64_t)len << 56;
	left = len - i;
	while (left > 0) {
		left--;
		b |= (uint64_t)s[i + left] << (8 * left);
	}
	v3 ^= b;
	HT_SIPROUND(v0, v1, v2, v3);
	HT_SIPROUND(v0, v1, v2, v3);
	v0 ^= b;

	v2 ^= 0xff;
	HT_SIPROUND(v0, v1, v2, v3);
	HT_SIPROUND(v0, v1, v2, v3);
	HT_SIPROUND(v0, v1, v2, v3);
	HT_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

struct ht *
ht_new(const struct ht_type *type, void *arg)
{
	struct ht	*h;

	h = xcalloc(1, sizeof(*h));
	h->type = type;
	h->arg = arg;
	h->nbuckets = HT_MIN_BUCKETS;
	h->buckets = xcalloc(h->nbuckets, sizeof(*h->buckets));
	return h;
}

static void
ht_entry_free(const struct ht *h, struct ht_entry *e)
{
	if (h->type->key_free != NULL)
		h->type->key_free(e->key);
	if (h->type->val_free != NULL)
		h->type->val_free(e->val);
	free(e);
}

void
ht_free(struct ht *h)
{
	struct ht_entry	*e, *next;
	size_t		 i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nbuckets; i++) {
		for (e = h->buckets[i]; e != NULL; e = next) {
			next = e->next;
			ht_entry_free(h, e);
		}
	}
	free(h->buckets);
	free(h);
}

/* Doubles the bucket array, relinking every entry by its cached hash. */
static void
ht_grow(struct ht *h)
{
	struct ht_entry	**nb, *e, *next;
	size_t		 i, n, mask;

	if (h->nbuckets > SIZE_MAX / 2 / sizeof(*nb))
		return;
	n = h->nbuckets * 2;
	mask = n - 1;
	nb = xcalloc(n, sizeof(*nb));
	for (i = 0; i < h->nbuckets; i++) {
		for (e = h->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = nb[e->hash & mask];
			nb[e->hash & mask] = e;
		}
	}
	free(h->buckets);
	h->buckets = nb;
	h->nbuckets = n;
}

static struct ht_entry **
ht_lookup(const struct ht *h, const void *key, uint64_t hash)
{
	struct ht_entry	**ep, *e;

	ep = &h->buckets[hash & (h->nbuckets - 1)];
	while ((e = *ep) != NULL) {
		if (e->hash == hash && h->type->equal(e->key, key, h->arg))
			return ep;
		ep = &e->next;
	}
	return NULL;
}

int
ht_insert(struct ht *h, void *key, void *val)
{
	struct ht_entry	*e;
	uint64_t	 hash;
	size_t		 i;

	hash = h->type->hash(key, h->arg);
	if (ht_lookup(h, key, hash) != NULL)
		return -1;
	if (h->count >= h->nbuckets)
		ht_grow(h);
	e = xmalloc(sizeof(*e));
	e->hash = hash;
	e->key = key;
	e->val = val;
	i = hash & (h->nbuckets - 1);
	e->next = h->buckets[i];
	h->buckets[i] = e;
	h->count++;
	return 0;
}

bool
ht_find(const struct ht *h, const void *key, void **val)
{
	struct ht_entry	**ep;

	ep = ht_lookup(h, key, h->type->hash(key, h->arg));
	if (ep == NULL)
		return false;
	if (val != NULL)
		*val = (*ep)->val;
	return true;
}

int
ht_remove(struct ht *h, const void *key)
{
	struct ht_entry	**ep, *e;

	ep = ht_lookup(h, key, h->type->hash(key, h->arg));
	if (ep == NULL)
		return -1;
	e = *ep;
	*ep = e->next;
	h->count--;
	ht_entry_free(h, e);
	return 0;
}

size_t
ht_count(const struct ht *h)
{
	return h->count;
}

void
ht_iter_init(struct ht *h, struct ht_iter *it)
{
	it->h = h;
	it->bucket = 0;
	it->cur = NULL;
	it->next = NULL;
}

bool
ht_iter_next(struct ht_iter *it, void **key, void **val)
{
	struct ht	*h = it->h;

	while (it->next == NULL && it->bucket < h->nbuckets)
		it->next = h->buckets[it->bucket++];
	if ((it->cur = it->next) == NULL)
		return false;
	it->next = it->cur->next;
	if (key != NULL)
		*key = it->cur->key;
	if (val != NULL)
		*val = it->cur->val;
	return true;
}

/*
 * Removes the entry ht_iter_next() returned last.  Its successor is already
 * saved in the iterator, so unlinking it cannot disturb the walk.
 */
void
ht_iter_remove(struct ht_iter *it)
{
	struct ht	*h = it->h;
	struct ht_entry	**ep, *e = it->cur;

	if (e == NULL)
		return;
	ep = &h->buckets[e->hash & (h->nbuckets - 1)];
	while (*ep != NULL && *ep != e)
		ep = &(*ep)->next;
	if (*ep == NULL)
		return;
	*ep = e->next;
	h->count--;
	it->cur = NULL;
	ht_entry_free(h, e);
}
