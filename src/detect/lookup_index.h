/*
 * The index of a lookup table's WILDCARD column (lookup.c): for each
 * pattern, one run of 4 bytes of its longest piece between '*'s, the
 * run fewest other patterns share, in a hash table; a value is scanned
 * once, each run of 4 of its bytes looked up, and only the patterns
 * whose run it holds are candidates.  A pattern matches only a value
 * that holds each of its pieces, so no match is lost.  Patterns with no
 * piece of 4 bytes are candidates for every value.  Memory is a few
 * words per pattern.  Built at load time; immutable and thread-safe
 * once built.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LOOKUP_INDEX_H
#define HECSENTRY_LOOKUP_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOOKUP_INDEX_PATS_MAX	8192	/* patterns of one column */
#define LOOKUP_INDEX_WORDS	(LOOKUP_INDEX_PATS_MAX / 64)

struct lookup_index;

/*
 * The index of the n patterns pat[i] (len[i] bytes, each holding a
 * '*'), ASCII case-folded when fold.  NULL when there is nothing to
 * index, more than LOOKUP_INDEX_PATS_MAX patterns, or the index would
 * take more than maxbytes: the caller then tests every pattern.
 * Caller frees with lookup_index_free() (NULL does nothing).
 */
struct lookup_index *lookup_index_new(const char *const *pat,
		    const size_t *len, size_t n, bool fold, size_t maxbytes);
void		 lookup_index_free(struct lookup_index *x);

/* The bytes the index holds (for the log and the load limit). */
size_t		 lookup_index_bytes(const struct lookup_index *x);

/*
 * The patterns that may match [s, s + len): bit i of cand (words of 64,
 * as many as the patterns need, at most LOOKUP_INDEX_WORDS) for pattern
 * i; bit i of sure when that pattern matches for certain (it is
 * "*abcd*" with abcd found, or '*' only).  Every pattern that matches
 * has its bit in cand.  Returns the number of words written.  Allocates
 * nothing.
 */
size_t		 lookup_index_scan(const struct lookup_index *x,
		    const char *s, size_t len, uint64_t *cand, uint64_t *sure);

#endif /* HECSENTRY_LOOKUP_INDEX_H */
