/*
 * The coverage report of a loaded library: runnable N of M, the counts
 * per state and the reasons grouped by class with counts, as text (for
 * --check-config) or as one JSON document (--check-config --json).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "detect/library.h"
#include "xmalloc.h"

/* One row of the reason table. */
struct library_row {
	enum library_state state;
	const char	*class;
	size_t		 count;
};

static int
library_row_cmp(const void *a, const void *b)
{
	const struct library_row *ra = a, *rb = b;

	if (ra->count != rb->count)
		return ra->count < rb->count ? 1 : -1;
	if (ra->state != rb->state)
		return (int)ra->state - (int)rb->state;
	return strcmp(ra->class, rb->class);
}

/* The reason table of lib, most frequent first (caller frees). */
static struct library_row *
library_rows(const struct library *lib, size_t *n)
{
	struct library_row *r = NULL;
	const struct library_entry *e;
	size_t		 k, i;

	*n = 0;
	for (k = 0; k < lib->n; k++) {
		e = &lib->e[k];
		if (e->class == NULL)
			continue;
		for (i = 0; i < *n; i++)
			if (r[i].state == e->state &&
			    strcmp(r[i].class, e->class) == 0)
				break;
		if (i == *n) {
			r = xreallocarray(r, *n + 1, sizeof(*r));
			r[i].state = e->state;
			r[i].class = e->class;
			r[i].count = 0;
			(*n)++;
		}
		r[i].count++;
	}
	if (*n > 1)
		qsort(r, *n, sizeof(*r), library_row_cmp);
	return r;
}

/* How many runnable detections keep the short window, and the others. */
static void
library_windows(const struct library *lib, size_t *nshort, size_t *nsched)
{
	size_t	 k;

	*nshort = *nsched = 0;
	for (k = 0; k < lib->n; k++)
		if (lib->e[k].state == LIBRARY_RUNS) {
			if (lib->e[k].scheduled)
				(*nsched)++;
			else
				(*nshort)++;
		}
}

void
library_report(const struct library *lib, FILE *f, bool verbose)
{
	struct library_row *r;
	const struct library_entry *e;
	char		 buf[1024];
	size_t		 n, k, nshort, nsched;
	int		 s;

	library_summary(lib, buf, sizeof(buf));
	fprintf(f, "detections: %s\n", buf);
	fprintf(f, "  layout: %s, macros: %zu%s%s, lookups: %s\n",
	    lib->checkout ? "security_content checkout" : "directory tree",
	    lib->nmacros, lib->macros_dir != NULL ? " with " : "",
	    lib->macros_dir != NULL ? lib->macros_dir : "",
	    lib->lookups_dir != NULL ? lib->lookups_dir : "none");
	fprintf(f, "  states:");
	for (s = 0; s < LIBRARY_NSTATES; s++)
		fprintf(f, "%s %s %zu", s > 0 ? "," : "",
		    library_state_name(s), library_count(lib, s));
	fprintf(f, "\n");
	library_windows(lib, &nshort, &nsched);
	fprintf(f, "  windows: short %zu, schedule %zu (deployments: %zu%s%s)"
	    "\n", nshort, nsched, lib->ndeployments,
	    lib->deployments_error != NULL ? "; not read: " : "",
	    lib->deployments_error != NULL ? lib->deployments_error : "");
	r = library_rows(lib, &n);
	if (n > 0)
		fprintf(f, "  %6s  %-14s %s\n", "count", "state", "reason");
	for (k = 0; k < n; k++)
		fprintf(f, "  %6zu  %-14s %s\n", r[k].count,
		    library_state_name(r[k].state), r[k].class);
	free(r);
	if (!verbose)
		return;
	for (k = 0; k < lib->n; k++) {
		e = &lib->e[k];
		if (e->reason != NULL)
			fprintf(f, "%s: %s\n", library_state_name(e->state),
			    e->reason);
		else if (e->state == LIBRARY_RUNS && e->window != NULL)
			fprintf(f, "%s: %s: %s: window %s\n",
			    library_state_name(e->state), e->file,
			    e->name != NULL ? e->name : "?", e->window);
		else
			fprintf(f, "%s: %s: %s\n",
			    library_state_name(e->state), e->file,
			    e->name != NULL ? e->name : "?");
	}
}

static json_object *
library_json_str(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

char *
library_report_json(const struct library *lib)
{
	json_object	*root, *o, *arr;
	struct library_row *r;
	const struct library_entry *e;
	size_t		 n, k, nshort, nsched;
	int		 s;
	char		*out;

	root = json_object_new_object();
	json_object_object_add(root, "library", library_json_str(lib->path));
	json_object_object_add(root, "checkout",
	    json_object_new_boolean(lib->checkout));
	json_object_object_add(root, "macros_dir",
	    library_json_str(lib->macros_dir));
	json_object_object_add(root, "lookups_dir",
	    library_json_str(lib->lookups_dir));
	json_object_object_add(root, "runnable",
	    json_object_new_int64((int64_t)library_count(lib, LIBRARY_RUNS)));
	json_object_object_add(root, "candidates",
	    json_object_new_int64((int64_t)library_candidates(lib)));
	o = json_object_new_object();
	for (s = 0; s < LIBRARY_NSTATES; s++)
		json_object_object_add(o, library_state_name(s),
		    json_object_new_int64((int64_t)library_count(lib, s)));
	json_object_object_add(root, "states", o);
	library_windows(lib, &nshort, &nsched);
	o = json_object_new_object();
	json_object_object_add(o, "short",
	    json_object_new_int64((int64_t)nshort));
	json_object_object_add(o, "schedule",
	    json_object_new_int64((int64_t)nsched));
	json_object_object_add(root, "windows", o);
	arr = json_object_new_array();
	r = library_rows(lib, &n);
	for (k = 0; k < n; k++) {
		o = json_object_new_object();
		json_object_object_add(o, "state", json_object_new_string(
		    library_state_name(r[k].state)));
		json_object_object_add(o, "reason",
		    json_object_new_string(r[k].class));
		json_object_object_add(o, "count",
		    json_object_new_int64((int64_t)r[k].count));
		json_object_array_add(arr, o);
	}
	free(r);
	json_object_object_add(root, "reasons", arr);
	arr = json_object_new_array();
	for (k = 0; k < lib->n; k++) {
		e = &lib->e[k];
		o = json_object_new_object();
		json_object_object_add(o, "name", library_json_str(e->name));
		json_object_object_add(o, "id", library_json_str(e->id));
		json_object_object_add(o, "file", library_json_str(e->file));
		json_object_object_add(o, "state", json_object_new_string(
		    library_state_name(e->state)));
		json_object_object_add(o, "reason",
		    library_json_str(e->reason));
		if (e->state == LIBRARY_RUNS)
			json_object_object_add(o, "window",
			    library_json_str(e->window));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "detections", arr);
	out = xstrdup(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}
