/*
 * Regular expressions for SPL (rex, regex, and eval's match() and
 * replace()): PCRE2, because Splunk's regex dialect is PCRE.  A pattern
 * is compiled once at load time (JIT where the library has it) and then
 * matched from any thread; the match data lives in a per-thread buffer
 * the module owns.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPL_RE_H
#define HECSENTRY_SPL_RE_H

#include <stdbool.h>
#include <stddef.h>

struct spl_re;				/* opaque compiled pattern */

#define SPL_RE_UNSET	((size_t)-1)	/* a group that did not take part */

/*
 * Compiles the pattern [pat, pat + len) as Splunk does: PCRE with UTF-8
 * (so "\x{202E}" is one code point), case-sensitive unless the pattern
 * says "(?i)"; subjects that are not valid UTF-8 still match byte-wise
 * where they are valid.  Returns a new pattern the caller frees with
 * spl_re_free(), or NULL with a message in err[errlen] and the offset in
 * the pattern of the error in *erroff.
 */
struct spl_re	*spl_re_new(const char *pat, size_t len, char *err,
		    size_t errlen, size_t *erroff);
void		 spl_re_free(struct spl_re *re);

/*
 * Matches re against [s, s + len), starting at offset start.  Returns the
 * number of (start, end) offset pairs in *ov (group 0 first; a group
 * that did not take part is SPL_RE_UNSET), 0 when it does not match, or
 * -1 when the match gave up (match limit, bad offset): the caller treats
 * that as no match.  *ov is the calling thread's buffer, valid until its
 * next spl_re_exec().  Thread-safe.
 */
int		 spl_re_exec(const struct spl_re *re, const char *s, size_t len,
		    size_t start, const size_t **ov);

/* Whether re matches somewhere in [s, s + len).  Thread-safe. */
bool		 spl_re_match(const struct spl_re *re, const char *s,
		    size_t len);

/* Capturing groups, and the named ones: name k and its group number. */
int		 spl_re_groups(const struct spl_re *re);
size_t		 spl_re_nnames(const struct spl_re *re);
const char	*spl_re_name(const struct spl_re *re, size_t k, int *group);

/* Whether the patterns run through the JIT (for tests and the log). */
bool		 spl_re_jit(const struct spl_re *re);

#endif /* HECSENTRY_SPL_RE_H */
