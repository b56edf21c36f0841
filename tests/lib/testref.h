/*
 * What tests, fuzzers and benchmarks link beside libcore.a and the
 * daemon never does (libtestref.a): the switches that turn a fast path
 * off to compare it with the portable one, and the independent oracles
 * of the differential tests (calendar days, the reference JSON
 * decoder).  `nm hecsentry` shows none of it.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_TESTREF_H
#define HECSENTRY_TESTREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/cim.h"
#include "decode/decode.h"

/*
 * Each lets its module use AVX2 where the CPU has it (on, the default)
 * or makes it take the portable path (off).  Not thread-safe: call
 * before any worker starts.
 */
void		 framing_set_simd(bool on);
void		 decode_json_set_simd(bool on);
void		 prefilter_set_simd(bool on);

/*
 * Makes decode_xml() try decode_xml_scan() first (on, the default) or
 * run expat alone (off).  Not thread-safe either.
 */
void		 decode_xml_set_fast(bool on);

/*
 * Switches the prefilter on (the default) or off for the whole process:
 * for the differential tests and benchmarks.  Not thread-safe either.
 */
void		 prefilter_set_enabled(bool on);

/*
 * Switches detect_run()'s dispatch by event code on (the default) or off
 * (every detection on every event): for the differential tests.
 */
void		 dispatch_set_enabled(bool on);

/*
 * Days since 1970-01-01 of the proleptic Gregorian date y-m-d (month
 * 1-12, day valid for it), counted another way than event.c does.
 */
int64_t		 testref_days(int y, int m, int d);

/*
 * The shipped conf/cim.conf (under $CONFDIR, else ./conf): a new map the
 * caller owns; exits 2 when it cannot be loaded.
 */
struct cim_map	*testref_cim_load(void);

/*
 * event_normalise() and the add-on fields of the shipped mapping, as the
 * pipeline derives them.  0 or -1, as event_normalise().
 */
int		 testref_normalise(struct event *ev, int64_t header_ms,
		    int64_t now_ms);

/*
 * The reference JSON decoder, built on json-c (for differential tests);
 * dc as for decode_json().
 */
enum decode_error decode_json_ref(struct decode_ctx *dc, const char *buf,
		    size_t len, const struct decode_limits *lim,
		    struct event *ev);

/*
 * One decode context for the whole test process, made on first use: the
 * decoders' caches, as a pipeline would own them.
 */
struct decode_ctx *testref_dc(void);

/*
 * The rest of a stream, a file, or $TESTDATA/rel (tests/data/rel by
 * default) in memory, NUL-terminated (*len excludes the NUL); the caller
 * frees.  NULL (errno set) when it cannot be opened or read.
 */
char		*testref_read_stream(FILE *f, size_t *len);
char		*testref_read_file(const char *path, size_t *len);
char		*testref_read_data(const char *rel, size_t *len);

/*
 * The first field few stores that all does not store with the same
 * bytes, or -1: what a decoder with fewer fields wanted may not do.
 */
int		 testref_event_within(const struct event *few,
		    const struct event *all);

/*
 * The first field a and b do not both store with the same bytes, -2 when
 * they used different arena bytes or have different shapes, else -1:
 * what two decoders of the same document may not do.
 */
int		 testref_event_diff(const struct event *a,
		    const struct event *b);

#endif /* HECSENTRY_TESTREF_H */
