/*
 * Helpers of the tests that run searches through a detection runner
 * (test_spl_rows.c, test_spl_join.c, test_first.c, test_tomb.c): a
 * one-detection set compiled from a search text, the order of rows
 * written as text, and one event of a user.  Static: each test program
 * has its copy.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_TEST_ROWS_H
#define HECSENTRY_TEST_ROWS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/spl.h"

/* Rows as "name=value ..." strings, for qsort(). */
static int	 row_cmp(const void *, const void *) __attribute__((__unused__));

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rec's columns of search s as "name=value ..." into buf[size]. */
static void	 row_format(const struct spl_search *, const struct event *,
		    char *, size_t) __attribute__((__unused__));

static void
row_format(const struct spl_search *s, const struct event *rec, char *buf,
    size_t size)
{
	const char	*v;
	size_t		 k, len, off = 0;

	buf[0] = '\0';
	for (k = 0; k < s->ncolumns && off < size; k++) {
		if (!event_get(rec, s->columns[k], &v, &len))
			continue;
		off += (size_t)snprintf(buf + off, size - off,
		    "%s%s=%.*s", off > 0 ? " " : "",
		    event_field_name(s->columns[k]), (int)len, v);
	}
}

/* A detection named T with search text, compiled; NULL with err. */
static struct detection_set *mkset(const char *, struct spl_error *)
		    __attribute__((__unused__));

static struct detection_set *
mkset(const char *text, struct spl_error *err)
{
	struct detection **dv;
	struct spl_search *s;

	if ((s = spl_compile(text, NULL, NULL, err)) == NULL)
		return NULL;
	dv = calloc(1, sizeof(*dv));
	dv[0] = calloc(1, sizeof(**dv));
	dv[0]->name = strdup("T");
	dv[0]->id = strdup("00000000-0000-0000-0000-000000000000");
	dv[0]->file = strdup("t.yml");
	dv[0]->search_text = strdup(text);
	dv[0]->search = s;
	return detection_set_new(dv, 1);
}

/* One event "a=1 user=<user> n=<n>" at time_ms through r, at now_ms. */
static void	 run_user_event(struct detect_runner *, const char *,
		    const char *, int64_t, int64_t) __attribute__((__unused__));

static void
run_user_event(struct detect_runner *r, const char *user, const char *n,
    int64_t time_ms, int64_t now_ms)
{
	struct event	 ev;

	event_init(&ev, 4096);
	event_set(&ev, event_field_intern("a", 1), "1", 1);
	event_set(&ev, event_field_intern("user", 4), user, strlen(user));
	event_set(&ev, event_field_intern("n", 1), n, strlen(n));
	ev.time_ms = time_ms;
	detect_run(r, &ev, now_ms);
	event_clear(&ev);
}

#endif /* HECSENTRY_TEST_ROWS_H */
