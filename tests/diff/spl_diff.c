/*
 * spl-diff: the differential test of the SPL matcher and stats.  For
 * every runnable detection of a library, generated events (spl_gen.c)
 * go through the daemon's path (CIM add-on fields, detect_run() with its
 * dataset fields, compiled filter, stats, spl_post_apply()) and through
 * the plain interpreter of tests/lib/splref.c; the row sets must be
 * equal.  Every detection sees every event of the run, so each filter
 * meets the others' matches too.  The daemon's path runs twice: with the
 * shared term matcher of the set (match_set.c) and with each filter
 * evaluated alone (spl_match()); their rows must be equal too.
 *
 * usage: spl-diff [-v] [-n events] [-s seed] [-m macros] [-c cim.conf]
 *     library
 * (-v: also names each detection that gave no row either way, whose
 * comparison says little.)
 * Prints each detection whose rows differ with the first differing row,
 * then "diff: N detections, M events, K mismatches"; exits 1 on any.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/cim.h"
#include "detect/detect.h"
#include "detect/library.h"
#include "detect/match_set.h"
#include "detect/spl_int.h"
#include "spl_gen.h"
#include "splref.h"
#include "xmalloc.h"

#define DIFF_ARENA	(64 * 1024)
#define DIFF_BASE_MS	INT64_C(1765000800000)	/* on a whole hour */

struct diff_rows {
	char		**v;
	size_t		 n;
};

struct diff {
	const struct detection_set *set;
	struct diff_rows *real;		/* per detection */
	struct diff_rows *alone;	/* per detection: filters alone */
	struct diff_rows *into;		/* real or alone: the run's */
	struct diff_rows  ref;		/* those of cur, interpreted */
	const struct detection *cur;
	struct diff_rows *real_cur;	/* real[] of the row being joined */
	const struct spl_search *sub;	/* the subsearch being interpreted */
	struct splref_rows *side;	/*   and its rows */
	struct splref_rows *sides;	/* cur's, per subsearch */
};

/* "name=value" of every field of row, in id order, on one line. */
static char *
diff_row_text(const struct event *row)
{
	char		*out = NULL, *p;
	const char	*v;
	size_t		 len, k, n = 0;
	int		 id;

	for (id = 0; id < event_field_count(); id++) {
		if (!event_get(row, id, &v, &len))
			continue;
		p = xmalloc(n + strlen(event_field_name(id)) + len + 4);
		if (out != NULL)
			memcpy(p, out, n);
		free(out);
		out = p;
		if (n > 0)
			out[n++] = ' ';
		memcpy(out + n, event_field_name(id),
		    strlen(event_field_name(id)));
		n += strlen(event_field_name(id));
		out[n++] = '=';
		for (k = 0; k < len; k++)
			out[n++] = v[k] == '\n' ? '|' : v[k];
	}
	if (out == NULL)
		return xstrdup("(empty row)");
	out[n] = '\0';
	return out;
}

static void
diff_rows_add(struct diff_rows *r, const struct event *row)
{
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = diff_row_text(row);
}

static void
diff_rows_free(struct diff_rows *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static int
diff_strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A row out of a search with joins (spl_post_run()). */
static void
diff_joined_cb(struct event *row, size_t nth, void *arg)
{
	struct diff	*df = arg;

	(void)nth;
	diff_rows_add(df->real_cur, row);
}

/* The daemon's row callback, as pipeline.c has it. */
static void
diff_real_cb(const struct detection *d, const struct stats_row *row,
    void *arg)
{
	struct diff	*df = arg;
	size_t		 i;

	for (i = 0; i < df->set->n; i++)
		if (df->set->d[i] == d)
			break;
	if (d->search->nsubs > 0) {
		if (i == df->set->n)
			return;
		df->real_cur = &df->into[i];
		(void)spl_post_run(d->search, row->sides, row->rec,
		    diff_joined_cb, df);
		return;
	}
	if (!spl_post_apply(d->search, row->rec))
		return;
	if (i < df->set->n)
		diff_rows_add(&df->into[i], row->rec);
}

static void
diff_ref_out_cb(struct event *row, void *arg)
{
	struct diff	*df = arg;

	diff_rows_add(&df->ref, row);
}

static void
diff_ref_cb(struct event *row, void *arg)
{
	struct diff	*df = arg;

	/* The row commands are production code, not compared; joins are */
	/* the interpreter's. */
	splref_post(df->cur->search, df->sides, row, diff_ref_out_cb, df);
}

/* A row of a subsearch: through its own commands into its side. */
static void
diff_ref_sub_cb(struct event *row, void *arg)
{
	struct diff	*df = arg;

	if (spl_post_apply(df->sub, row))
		splref_rows_add(df->side, row);
}

/* The event codes (1..255) a dataset takes, into codes[255]. */
static size_t
diff_codes(const struct cim_dataset *ds, int *codes)
{
	struct event	 ev;
	char		 buf[8];
	size_t		 n = 0;
	int		 c;

	event_init(&ev, 1024);
	for (c = 1; c < 256; c++) {
		event_reset(&ev);
		(void)event_set(&ev, EVENT_F_SOURCE,
		    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", 51);
		snprintf(buf, sizeof(buf), "%d", c);
		(void)event_set(&ev, EVENT_F_EVENTCODE, buf, strlen(buf));
		if (cim_dataset_has(ds, &ev))
			codes[n++] = c;
	}
	event_clear(&ev);
	return n;
}

/*
 * The interpreter's rows of search s (of dataset ds: DETECTION_RAW, or
 * 1 + an index into the set's datasets) over every event, to fn.
 */
static void
diff_ref_search(struct diff *df, const struct spl_search *s, int dsi,
    struct event **evs, size_t nev, struct stats_opts *so, splref_row_fn fn)
{
	const struct cim_dataset *ds = NULL;
	struct event	**keep, **copies;
	struct event	*row;
	size_t		 i, nkeep = 0, ncopies = 0;

	if (dsi < 0)
		return;
	if (dsi > 0)
		ds = df->set->datasets[dsi - 1];
	keep = xcalloc(nev + 1, sizeof(*keep));
	copies = xcalloc(nev + 1, sizeof(*copies));
	for (i = 0; i < nev; i++) {
		if (ds != NULL && !cim_dataset_has(ds, evs[i]))
			continue;
		if (!splref_match(s->filter, evs[i]))
			continue;
		if (s->npre == 0) {
			keep[nkeep++] = evs[i];
			continue;
		}
		row = xcalloc(1, sizeof(*row));
		event_init(row, DIFF_ARENA);
		copies[ncopies++] = row;
		if (spl_pre_apply(s, evs[i], row))
			keep[nkeep++] = row;
	}
	if (s->nrowset > 0)
		splref_window(s, keep, nkeep, so->drop_null, fn, df);
	else
		splref_stats(&s->stats, keep, nkeep, so->drop_null, fn, df);
	for (i = 0; i < ncopies; i++) {
		event_clear(copies[i]);
		free(copies[i]);
	}
	free(copies);
	free(keep);
}

/* The interpreter's rows of detection d over every event. */
static void
diff_ref(struct diff *df, const struct detection *d, struct event **evs,
    size_t nev, struct stats_opts *so)
{
	const struct spl_search *s = d->search;
	size_t		 k;

	df->cur = d;
	df->sides = xcalloc(s->nsubs + 1, sizeof(*df->sides));
	for (k = 0; k < s->nsubs; k++) {
		df->sub = s->subs[k];
		df->side = &df->sides[k];
		diff_ref_search(df, s->subs[k], detection_sub_dataset(d, k),
		    evs, nev, so, diff_ref_sub_cb);
	}
	diff_ref_search(df, s, d->dataset, evs, nev, so, diff_ref_cb);
	for (k = 0; k < s->nsubs; k++)
		splref_rows_free(&df->sides[k]);
	free(df->sides);
	df->sides = NULL;
}

/*
 * Whether the sorted row sets are equal; prints the first difference,
 * with what ref is called.
 */
static bool
diff_compare(const struct detection *d, struct diff_rows *real,
    struct diff_rows *ref, const char *what)
{
	size_t	 i;

	qsort(real->v, real->n, sizeof(char *), diff_strp_cmp);
	qsort(ref->v, ref->n, sizeof(char *), diff_strp_cmp);
	for (i = 0; i < real->n && i < ref->n; i++)
		if (strcmp(real->v[i], ref->v[i]) != 0)
			break;
	if (i == real->n && i == ref->n)
		return true;
	printf("MISMATCH %s (%s): %zu rows compiled, %zu rows %s\n",
	    d->name, d->file, real->n, ref->n, what);
	printf("  compiled: %s\n", i < real->n ? real->v[i] : "(none)");
	printf("  %-9s %s\n", what, i < ref->n ? ref->v[i] : "(none)");
	return false;
}

/*
 * The daemon's rows of every detection over evs (with their add-on
 * fields) into rows[]: with the shared term matcher, or each filter alone.
 */
static void
diff_run(struct diff *df, struct detection_set *set, struct stats_opts *so,
    struct event **evs, size_t nev, int64_t now_ms, struct diff_rows *rows,
    bool shared)
{
	struct detect_runner	*r;
	size_t			 i;

	match_set_enabled = shared;
	df->into = rows;
	r = detect_runner_new(set, so, diff_real_cb, df);
	for (i = 0; i < nev; i++)
		detect_run(r, evs[i], now_ms);
	detect_flush(r);
	detect_runner_free(r);
	match_set_enabled = true;
}

static void
usage(void)
{
	fprintf(stderr, "usage: spl-diff [-v] [-n events] [-s seed] "
	    "[-m macros] [-c cim.conf] library\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct library_opts	 lo;
	struct library		*lib;
	struct cim_map		*m;
	struct stats_opts	 so;
	struct diff		 df;
	struct event		**evs;
	const struct detection	*d;
	const struct spl_search	*s;
	const char		*macros = "conf/macros", *cimf = "conf/cim.conf";
	char			*err = NULL;
	int			*codes, ch, verbose = 0;
	size_t			 nper = 30, ncodes, nev, i, j, k, bad = 0;
	int			 dsi;
	size_t			 nrows = 0, nrowdet = 0;
	uint64_t		 seed = 1, st;
	int64_t			 now_ms = DIFF_BASE_MS + 3000000;

	while ((ch = getopt(argc, argv, "vn:s:m:c:")) != -1) {
		switch (ch) {
		case 'v':
			verbose = 1;
			break;
		case 'n':
			nper = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			macros = optarg;
			break;
		case 'c':
			cimf = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	event_fields_init();
	if ((m = cim_map_load(cimf, &err)) == NULL) {
		fprintf(stderr, "spl-diff: %s\n", err);
		return 2;
	}
	memset(&lo, 0, sizeof(lo));
	lo.detections = argv[optind];
	lo.macros = macros;
	lo.cim = m;
	if ((lib = library_load(&lo, &err)) == NULL) {
		fprintf(stderr, "spl-diff: %s\n", err);
		return 2;
	}
	detection_set_use_cim(lib->set, m);
	memset(&so, 0, sizeof(so));
	so.window_s = 3600;
	so.max_keys = 1000000;
	so.max_bytes = (size_t)1 << 34;
	so.drop_null = true;
	so.seed[0] = seed;
	memset(&df, 0, sizeof(df));
	df.set = lib->set;
	df.real = xcalloc(lib->set->n + 1, sizeof(*df.real));
	df.alone = xcalloc(lib->set->n + 1, sizeof(*df.alone));
	nev = 0;
	for (i = 0; i < lib->set->n; i++)
		nev += nper * (1 + lib->set->d[i]->search->nsubs);
	evs = xcalloc(nev + 1, sizeof(*evs));
	codes = xcalloc(256, sizeof(*codes));
	nev = 0;
	for (i = 0; i < lib->set->n; i++) {
		d = lib->set->d[i];
		st = (seed + 1) * 0x9e3779b97f4a7c15ULL ^ (i + 1);
		/* The detection's events, then each subsearch's. */
		for (k = 0; k <= d->search->nsubs; k++) {
			s = k == 0 ? d->search : d->search->subs[k - 1];
			dsi = k == 0 ? d->dataset :
			    detection_sub_dataset(d, k - 1);
			ncodes = dsi > 0 ? diff_codes(
			    lib->set->datasets[dsi - 1], codes) : 0;
			for (j = 0; j < nper; j++) {
				evs[nev] = xcalloc(1, sizeof(**evs));
				event_init(evs[nev], DIFF_ARENA);
				gen_event(s, codes, ncodes, &st, j,
				    DIFF_BASE_MS, evs[nev++]);
			}
		}
	}
	for (i = 0; i < nev; i++)
		(void)cim_addon_apply(lib->set->cim, evs[i]);
	diff_run(&df, lib->set, &so, evs, nev, now_ms, df.real, true);
	diff_run(&df, lib->set, &so, evs, nev, now_ms, df.alone, false);
	for (i = 0; i < lib->set->n; i++) {
		d = lib->set->d[i];
		diff_ref(&df, d, evs, nev, &so);
		if (!diff_compare(d, &df.real[i], &df.ref, "plain:") ||
		    !diff_compare(d, &df.real[i], &df.alone[i], "alone:"))
			bad++;
		if (verbose && df.real[i].n == 0 && df.ref.n == 0)
			printf("no rows: %s (%s)\n", d->name, d->file);
		nrows += df.real[i].n;
		nrowdet += df.real[i].n > 0;
		diff_rows_free(&df.real[i]);
		diff_rows_free(&df.alone[i]);
		diff_rows_free(&df.ref);
	}
	printf("diff: %zu rows compared; %zu detections gave rows\n", nrows,
	    nrowdet);
	printf("diff: %zu detections, %zu events, %zu mismatches\n",
	    lib->set->n, nev, bad);
	for (i = 0; i < nev; i++) {
		event_clear(evs[i]);
		free(evs[i]);
	}
	free(evs);
	free(codes);
	free(df.real);
	free(df.alone);
	library_free(lib);
	return bad > 0;
}
