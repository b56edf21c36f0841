/*
 * The index of a WILDCARD column (lookup_index.h).  A gram is a run of
 * LOOKUP_GRAM bytes, folded when the table ignores case, packed into a
 * word as the scan rolls it (the oldest byte highest).  At build time
 * every pattern's longest piece gives its grams; each pattern keeps the
 * one fewest patterns hold, and the kept grams go into an open-addressing
 * hash table (at most half full) of ranges of a list of patterns.  The
 * scan rolls the gram over the value, one table look-up per byte, and
 * marks the patterns of each gram found.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "detect/lookup_index.h"
#include "xmalloc.h"

#define LOOKUP_GRAM	4		/* bytes of a gram */
#define LOOKUP_GRAM_MUL	0x9e3779b1u	/* Fibonacci hashing */
#define LOOKUP_GRAMS_MAX	32	/* grams of a piece weighed */

/* A gram of the table and its patterns: pats[first, first + n). */
struct lookup_index_slot {
	uint32_t	 gram;
	uint32_t	 first;
	uint32_t	 n;		/* 0: an empty slot */
};

struct lookup_index {
	unsigned char	 lc[256];	/* folds, or leaves, each byte */
	struct lookup_index_slot *slot;
	uint32_t	 mask;		/* slots - 1 */
	unsigned int	 shift;		/* 32 - log2(slots) */
	uint32_t	*pats;		/* pattern numbers by gram */
	size_t		 nwords;
	uint64_t	*always;	/* patterns without a gram */
	uint64_t	*decisive;	/* "*abcd*" and '*' only */
	size_t		 bytes;
};

/* A gram's count at build time: patterns holding it, the last + 1. */
struct lookup_count {
	uint32_t	 gram;
	uint32_t	 n;		/* 0: an empty slot */
	uint32_t	 last;
};

/* The longest piece of [p, p + len) between '*'s: its offset, length. */
static size_t
lookup_index_piece(const char *p, size_t len, size_t *plen)
{
	size_t	 i, start = 0, best = 0;

	*plen = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != '*')
			continue;
		if (i - start > *plen) {
			*plen = i - start;
			best = start;
		}
		start = i + 1;
	}
	return best;
}

/* Whether p is "*piece*": stars around the piece at off only. */
static bool
lookup_index_starred(const char *p, size_t len, size_t off, size_t plen)
{
	size_t	 i;

	if (off == 0 || off + plen == len)
		return false;
	for (i = 0; i < len; i++)
		if ((i < off || i >= off + plen) && p[i] != '*')
			return false;
	return true;
}

/* The gram of the LOOKUP_GRAM bytes at p, folded by lc. */
static uint32_t
lookup_gram_at(const unsigned char *lc, const char *p)
{
	uint32_t	 g = 0;
	size_t		 k;

	for (k = 0; k < LOOKUP_GRAM; k++)
		g = g << 8 | lc[(unsigned char)p[k]];
	return g;
}

/* The slot of gram g: its own, or the empty one where it would go. */
static struct lookup_index_slot *
lookup_index_slot(const struct lookup_index *x, uint32_t g)
{
	uint32_t	 h = (g * LOOKUP_GRAM_MUL) >> x->shift;

	while (x->slot[h].n != 0 && x->slot[h].gram != g)
		h = (h + 1) & x->mask;
	return &x->slot[h];
}

/* The same in a table of counts of mask + 1 slots, shift as above. */
static struct lookup_count *
lookup_count_slot(struct lookup_count *t, uint32_t mask, unsigned int shift,
    uint32_t g)
{
	uint32_t	 h = (g * LOOKUP_GRAM_MUL) >> shift;

	while (t[h].n != 0 && t[h].gram != g)
		h = (h + 1) & mask;
	return &t[h];
}

/* A table of at least 2 * n slots: its size, mask and shift. */
static size_t
lookup_index_size(size_t n, uint32_t *mask, unsigned int *shift)
{
	size_t	 size = 16;

	while (size < 2 * n)
		size *= 2;
	*mask = (uint32_t)(size - 1);
	for (*shift = 32; ((size_t)1 << (32 - *shift)) < size; (*shift)--)
		;
	return size;
}

/*
 * The longest piece of each pattern: off[i], plen[i] (0 when shorter
 * than a gram, and then the pattern is always a candidate).  Returns
 * how many grams the pieces hold, at most LOOKUP_GRAMS_MAX each.
 */
static size_t
lookup_index_pieces(struct lookup_index *x, const char *const *pat,
    const size_t *len, size_t n, size_t *off, size_t *plen)
{
	size_t	 i, ng = 0;

	for (i = 0; i < n; i++) {
		off[i] = lookup_index_piece(pat[i], len[i], &plen[i]);
		if (plen[i] == 0 || (plen[i] == LOOKUP_GRAM &&
		    lookup_index_starred(pat[i], len[i], off[i], plen[i])))
			x->decisive[i / 64] |= (uint64_t)1 << (i % 64);
		if (plen[i] < LOOKUP_GRAM) {
			x->always[i / 64] |= (uint64_t)1 << (i % 64);
			plen[i] = 0;
			continue;
		}
		if (plen[i] > LOOKUP_GRAMS_MAX + LOOKUP_GRAM - 1)
			plen[i] = LOOKUP_GRAMS_MAX + LOOKUP_GRAM - 1;
		ng += plen[i] - LOOKUP_GRAM + 1;
	}
	return ng;
}

/*
 * Each pattern's rarest gram into best[i] (the first of equals): the
 * patterns holding each gram counted in a table of counts.
 */
static void
lookup_index_best(const struct lookup_index *x, const char *const *pat,
    size_t n, const size_t *off, const size_t *plen, size_t ng,
    uint32_t *best)
{
	struct lookup_count *t, *c;
	uint32_t	 mask, g, most;
	unsigned int	 shift;
	size_t		 i, k;

	t = xcalloc(lookup_index_size(ng, &mask, &shift), sizeof(*t));
	for (i = 0; i < n; i++)
		for (k = off[i]; k + LOOKUP_GRAM <= off[i] + plen[i]; k++) {
			g = lookup_gram_at(x->lc, pat[i] + k);
			c = lookup_count_slot(t, mask, shift, g);
			c->gram = g;
			if (c->last != i + 1) {
				c->n++;
				c->last = (uint32_t)(i + 1);
			}
		}
	for (i = 0; i < n; i++) {
		most = UINT32_MAX;
		for (k = off[i]; k + LOOKUP_GRAM <= off[i] + plen[i]; k++) {
			g = lookup_gram_at(x->lc, pat[i] + k);
			c = lookup_count_slot(t, mask, shift, g);
			if (c->n < most) {
				most = c->n;
				best[i] = g;
			}
		}
	}
	free(t);
}

/* The table of the best grams, each with its patterns in order. */
static void
lookup_index_fill(struct lookup_index *x, size_t n, const size_t *plen,
    const uint32_t *best)
{
	struct lookup_index_slot *s;
	uint32_t	*fill, at = 0;
	size_t		 i, nslots, nk = 0;

	for (i = 0; i < n; i++)
		nk += plen[i] > 0;
	nslots = lookup_index_size(nk, &x->mask, &x->shift);
	x->slot = xcalloc(nslots, sizeof(*x->slot));
	x->pats = xcalloc(nk + 1, sizeof(*x->pats));
	fill = xcalloc(nslots, sizeof(*fill));
	for (i = 0; i < n; i++)
		if (plen[i] > 0) {
			s = lookup_index_slot(x, best[i]);
			s->gram = best[i];
			s->n++;
		}
	for (i = 0; i < nslots; i++) {
		x->slot[i].first = at;
		at += x->slot[i].n;
	}
	for (i = 0; i < n; i++)
		if (plen[i] > 0) {
			s = lookup_index_slot(x, best[i]);
			x->pats[s->first + fill[s - x->slot]++] = (uint32_t)i;
		}
	free(fill);
	x->bytes += nslots * sizeof(*x->slot) + (nk + 1) * sizeof(*x->pats);
}

struct lookup_index *
lookup_index_new(const char *const *pat, const size_t *len, size_t n,
    bool fold, size_t maxbytes)
{
	struct lookup_index *x;
	size_t		 c, ng, *off, *plen;
	uint32_t	*best;

	if (n == 0 || n > LOOKUP_INDEX_PATS_MAX)
		return NULL;
	x = xcalloc(1, sizeof(*x));
	for (c = 0; c < 256; c++)
		x->lc[c] = (unsigned char)(fold && c >= 'A' && c <= 'Z' ?
		    c - 'A' + 'a' : c);
	x->nwords = (n + 63) / 64;
	x->always = xcalloc(x->nwords, sizeof(*x->always));
	x->decisive = xcalloc(x->nwords, sizeof(*x->decisive));
	x->bytes = sizeof(*x) + 2 * x->nwords * sizeof(uint64_t);
	off = xcalloc(n, sizeof(*off));
	plen = xcalloc(n, sizeof(*plen));
	best = xcalloc(n, sizeof(*best));
	ng = lookup_index_pieces(x, pat, len, n, off, plen);
	lookup_index_best(x, pat, n, off, plen, ng, best);
	lookup_index_fill(x, n, plen, best);
	free(off);
	free(plen);
	free(best);
	if (x->bytes > maxbytes) {
		lookup_index_free(x);
		return NULL;
	}
	return x;
}

void
lookup_index_free(struct lookup_index *x)
{
	if (x == NULL)
		return;
	free(x->slot);
	free(x->pats);
	free(x->always);
	free(x->decisive);
	free(x);
}

size_t
lookup_index_bytes(const struct lookup_index *x)
{
	return x != NULL ? x->bytes : 0;
}

size_t
lookup_index_scan(const struct lookup_index *x, const char *s, size_t len,
    uint64_t *cand, uint64_t *sure)
{
	const struct lookup_index_slot *sl;
	const unsigned char *u = (const unsigned char *)s;
	uint32_t	 g = 0, h, k, p;
	size_t		 i, w;

	for (w = 0; w < x->nwords; w++) {
		cand[w] = x->always[w];
		sure[w] = x->always[w] & x->decisive[w];
	}
	for (i = 0; i < len; i++) {
		g = g << 8 | x->lc[u[i]];
		if (i + 1 < LOOKUP_GRAM)
			continue;
		h = (g * LOOKUP_GRAM_MUL) >> x->shift;
		for (sl = &x->slot[h]; sl->n != 0 && sl->gram != g;
		    sl = &x->slot[h])
			h = (h + 1) & x->mask;
		for (k = 0; k < sl->n; k++) {
			p = x->pats[sl->first + k];
			cand[p / 64] |= (uint64_t)1 << (p % 64);
			sure[p / 64] |= x->decisive[p / 64] &
			    ((uint64_t)1 << (p % 64));
		}
	}
	return x->nwords;
}
