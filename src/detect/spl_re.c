/*
 * Regular expressions for SPL through PCRE2 (Splunk's dialect is PCRE:
 * the rex, regex and eval match()/replace() references say so).  Load
 * time compiles a pattern with UTF-8 and PCRE2_MATCH_INVALID_UTF, so that
 * "\x{202E}" is a code point yet a subject with stray bytes is still
 * searched, and JIT-compiles it where the library can.  Run time matches
 * with the match data of the calling thread (a pthread key whose
 * destructor frees it) and one shared, read-only match context that
 * bounds backtracking like Splunk's limits.conf [rex] match_limit.  No
 * I/O, no libevent.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/spl_re.h"
#include "log.h"
#include "xmalloc.h"

#define SPL_RE_MATCH_LIMIT	100000	/* limits.conf [rex] match_limit */
#define SPL_RE_DEPTH_LIMIT	1000	/* limits.conf [rex] depth_limit */
#define SPL_RE_MIN_PAIRS	16	/* a thread's first match data */

struct spl_re {
	pcre2_code	*code;
	bool		 jit;		/* pcre2_jit_compile() took it */
	int		 groups;	/* capturing groups */
	size_t		 nnames;	/* named groups */
	char		**names;	/* their names, owned */
	int		*nums;		/* their group numbers */
};

/* A thread's match data, grown to the largest pattern it has run. */
struct spl_re_tls {
	pcre2_match_data *md;
	uint32_t	 pairs;		/* what md holds */
};

static pthread_once_t	 spl_re_once = PTHREAD_ONCE_INIT;
static pthread_key_t	 spl_re_key;	/* -> struct spl_re_tls */
static pcre2_match_context *spl_re_mctx; /* limits; shared, read-only */

static void
spl_re_tls_free(void *arg)
{
	struct spl_re_tls *t = arg;

	pcre2_match_data_free(t->md);
	free(t);
}

static void
spl_re_init(void)
{
	if (pthread_key_create(&spl_re_key, spl_re_tls_free) != 0)
		fatalx("spl_re: pthread_key_create failed");
	if ((spl_re_mctx = pcre2_match_context_create(NULL)) == NULL)
		fatalx("spl_re: out of memory");
	(void)pcre2_set_match_limit(spl_re_mctx, SPL_RE_MATCH_LIMIT);
	(void)pcre2_set_depth_limit(spl_re_mctx, SPL_RE_DEPTH_LIMIT);
}

/* The calling thread's match data with room for pairs offset pairs. */
static pcre2_match_data *
spl_re_tls_get(uint32_t pairs)
{
	struct spl_re_tls *t;

	(void)pthread_once(&spl_re_once, spl_re_init);
	if ((t = pthread_getspecific(spl_re_key)) == NULL) {
		t = xcalloc(1, sizeof(*t));
		if (pthread_setspecific(spl_re_key, t) != 0)
			fatalx("spl_re: pthread_setspecific failed");
	}
	if (t->md == NULL || t->pairs < pairs) {
		pcre2_match_data_free(t->md);
		if (pairs < SPL_RE_MIN_PAIRS)
			pairs = SPL_RE_MIN_PAIRS;
		if ((t->md = pcre2_match_data_create(pairs, NULL)) == NULL)
			fatalx("spl_re: out of memory");
		t->pairs = pairs;
	}
	return t->md;
}

struct spl_re *
spl_re_new(const char *pat, size_t len, char *err, size_t errlen,
    size_t *erroff)
{
	struct spl_re	*re;
	pcre2_code	*code;
	PCRE2_SPTR	 table;
	PCRE2_SIZE	 off;
	uint32_t	 n, entsize, groups;
	size_t		 k;
	int		 rc;

	(void)pthread_once(&spl_re_once, spl_re_init);
	code = pcre2_compile((PCRE2_SPTR)pat, len,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &rc, &off, NULL);
	if (code == NULL) {
		if (err != NULL && errlen > 0 &&
		    pcre2_get_error_message(rc, (PCRE2_UCHAR *)err,
		    errlen) < 0)
			snprintf(err, errlen, "PCRE2 error %d", rc);
		if (erroff != NULL)
			*erroff = off;
		return NULL;
	}
	re = xcalloc(1, sizeof(*re));
	re->code = code;
	re->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	(void)pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &groups);
	re->groups = (int)groups;
	(void)pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &n);
	(void)pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entsize);
	(void)pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
	re->nnames = n;
	re->names = xcalloc(n + 1, sizeof(*re->names));
	re->nums = xcalloc(n + 1, sizeof(*re->nums));
	for (k = 0; k < n; k++) {
		/* An entry: the group number, big-endian, then the name. */
		re->nums[k] = (table[k * entsize] << 8) |
		    table[k * entsize + 1];
		re->names[k] = xstrdup((const char *)table + k * entsize + 2);
	}
	return re;
}

void
spl_re_free(struct spl_re *re)
{
	size_t	 k;

	if (re == NULL)
		return;
	for (k = 0; k < re->nnames; k++)
		free(re->names[k]);
	free(re->names);
	free(re->nums);
	pcre2_code_free(re->code);
	free(re);
}

int
spl_re_exec(const struct spl_re *re, const char *s, size_t len,
    size_t start, const size_t **ov)
{
	pcre2_match_data *md;
	int		 rc;

	md = spl_re_tls_get((uint32_t)re->groups + 1);
	if (start > len)
		return -1;
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, 0, md,
	    spl_re_mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc <= 0)
		return -1;
	*ov = pcre2_get_ovector_pointer(md);
	return rc;
}

bool
spl_re_match(const struct spl_re *re, const char *s, size_t len)
{
	const size_t	*ov;

	return spl_re_exec(re, s, len, 0, &ov) > 0;
}

int
spl_re_groups(const struct spl_re *re)
{
	return re->groups;
}

size_t
spl_re_nnames(const struct spl_re *re)
{
	return re->nnames;
}

const char *
spl_re_name(const struct spl_re *re, size_t k, int *group)
{
	if (k >= re->nnames)
		return NULL;
	if (group != NULL)
		*group = re->nums[k];
	return re->names[k];
}

bool
spl_re_jit(const struct spl_re *re)
{
	return re->jit;
}
