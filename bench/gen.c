/*
 * hecsentry-gen: writes a file of framed syslog messages carrying Windows
 * Sysmon events, for the benchmark (SPEC 8).  Each message has an RFC 5424
 * header and one payload in one of the shapes of SPEC 2: Winlogbeat raw,
 * Winlogbeat with the sysmon module's ECS names, NXLog im_msvistalog
 * to_json(), flat Splunk-style JSON, or XmlWinEventLog XML.  Event ids 1,
 * 3, 5, 7, 10, 11, 12, 13 and 22 come in a fixed mix (26% network), with
 * field values modelled on the records in tests/data/.  A share of the
 * messages ("hits") are SMTP or FTP connections from user-writable paths
 * that the two shipped detections match; --keys bounds how many distinct
 * stats keys they use, --hit-hosts over how many sending hosts (key k
 * on host k % N, so that a balancer hashing the sender spreads them).
 * --mix library (gen_library.c) gives the mix of issue 13
 * instead, with hits that library detections match.  The output depends
 * only on the options and the seed.  It does not send anything:
 * hecsentry-send does.  This file drives the stream (options, mixes,
 * sizes, the summary); gen_event.c builds the events, gen_render.c
 * writes them in each shape.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <err.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/gen.h"

#define GEN_MIN_SIZE	600		/* smallest frame we aim for */
#define GEN_MAX_SIZE	1900		/* largest frame we aim for */
#define GEN_BASE_TIME	1795852800LL	/* 2026-11-28T08:00:00Z */
#define GEN_STEP_MS	10		/* mean gap between events */

enum gen_framing {
	GEN_FRAMING_LF = 0,
	GEN_FRAMING_OCTET,
	GEN_FRAMING_MIX
};

struct gen_opts {
	unsigned long	 n;		/* events */
	enum gen_shape	 shape;
	enum gen_framing framing;
	double		 hits;		/* share of hit events */
	unsigned long	 keys;		/* distinct hit keys */
	uint64_t	 seed;
	const char	*out;		/* path, or NULL for stdout */
};

struct gen_summary {
	unsigned long	 events;
	unsigned long long bytes;
	size_t		 min, max;
	unsigned long	 by_id[32];
	unsigned long	 by_shape[GEN_NSHAPES];
	unsigned long	 hits_mail, hits_ftp;
	unsigned long	 hits_lib[32];	/* per library hit template */
	unsigned long	 out_of_range;	/* frames outside min..max size */
};

static uint64_t gen_rng;		/* splitmix64 state */
int gen_short;				/* retrying a too-long event */
unsigned gen_hit_hosts = 1;		/* hosts the hit keys are on */

static const char *const gen_shape_names[] = {
	"winlogbeat", "ecs", "nxlog", "flat", "xml", "mix"
};

/* Event ids and their weight in percent: 26% network as issue 4 found. */
static const struct gen_weight gen_mix[] = {
	{ 1, 12 }, { 3, 26 }, { 5, 8 }, { 7, 14 }, { 10, 10 }, { 11, 10 },
	{ 12, 7 }, { 13, 8 }, { 22, 5 }
};

/* Shape weights in percent for --shape mix. */
static const int gen_shape_weight[GEN_NSHAPES] = { 30, 15, 25, 10, 20 };

static void	usage(void) __attribute__((__noreturn__));

uint64_t
gen_rand(void)
{
	uint64_t	 z;

	z = (gen_rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned
gen_below(unsigned n)
{
	return (unsigned)(gen_rand() % n);
}


int
gen_pick_weighted(const struct gen_weight *mix, size_t n, unsigned total)
{
	unsigned	 r = gen_below(total), acc = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		acc += (unsigned)mix[i].weight;
		if (r < acc)
			return mix[i].id;
	}
	return mix[n - 1].id;
}

static int
gen_pick_id(void)
{
	return gen_pick_weighted(gen_mix, GEN_NITEMS(gen_mix), 100);
}

/* Is event id in the default mix? */
static int
gen_in_mix(int id)
{
	size_t	 i;

	for (i = 0; i < GEN_NITEMS(gen_mix); i++)
		if (gen_mix[i].id == id)
			return 1;
	return 0;
}

/*
 * Renders ev in shape into frame and returns the length that decides
 * whether ev must be made shorter: with --mix library the longest of
 * every shape's frame, so that a seed gives the same events in every
 * shape (the library scenario compares the shapes' alerts); frame then
 * holds the last shape's and the caller renders shape again.
 */
static size_t
gen_frame_max(struct gen_buf *frame, struct gen_buf *msg,
    const struct gen_event *ev, enum gen_shape shape, int octet)
{
	size_t	 max = 0;
	int	 k;

	if (!gen_library) {
		render_frame(frame, msg, ev, shape, octet);
		return frame->len;
	}
	for (k = 0; k < GEN_NSHAPES; k++) {
		render_frame(frame, msg, ev, (enum gen_shape)k, octet);
		if (frame->len > max)
			max = frame->len;
	}
	return max;
}

static enum gen_shape
gen_pick_shape(enum gen_shape want)
{
	unsigned	 r, acc = 0;
	int		 i;

	if (want != GEN_SHAPE_MIX)
		return want;
	r = gen_below(100);
	for (i = 0; i < GEN_NSHAPES; i++) {
		acc += (unsigned)gen_shape_weight[i];
		if (r < acc)
			return (enum gen_shape)i;
	}
	return GEN_SHAPE_WINLOGBEAT;
}

/*
 * Writes o->n messages to f and fills *s.  Hits are spread evenly: event
 * i is a hit when floor((i + 1) * hits) > floor(i * hits), so a stream
 * of n events has floor(n * hits) of them.  Hit number h uses key
 * h % keys; keys 0, 1, 2 (mod 4) are SMTP, key 3 (mod 4) is FTP.
 */
static int
gen_write(const struct gen_opts *o, FILE *f, struct gen_summary *s)
{
	struct gen_event	*ev;
	struct gen_buf		 frame = { NULL, 0, 0 }, msg = { NULL, 0, 0 };
	enum gen_shape		 shape;
	unsigned long		 i, hitno = 0;
	uint64_t		 save;
	int64_t			 ms = GEN_BASE_TIME * 1000;
	int			 id, hit, octet, shorter, rc = -1;
	size_t			 tpl = 0;

	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		err(1, "calloc");
	memset(s, 0, sizeof(*s));
	s->min = SIZE_MAX;
	gen_rng = o->seed;
	for (i = 0; i < o->n; i++) {
		hit = 0;
		if ((unsigned long)((double)(i + 1) * o->hits) >
		    (unsigned long)((double)i * o->hits))
			hit = gen_library ? GEN_HIT_LIBRARY :
			    hitno % o->keys % 4 == 3 ? 2 : 1;
		if (hit == GEN_HIT_LIBRARY) {
			tpl = hitno % gen_lib_nhits();
			id = gen_lib_hit_id(tpl);
		} else if (hit)
			id = 3;
		else
			id = gen_library ? gen_lib_pick_id() : gen_pick_id();
		shape = gen_pick_shape(o->shape);
		octet = o->framing == GEN_FRAMING_OCTET ||
		    (o->framing == GEN_FRAMING_MIX && gen_below(2));
		ms += 1 + gen_below(2 * GEN_STEP_MS);
		ev->ms = ms;
		ev->record = 100000 + (unsigned)i;
		ev->exec_pid = 3196;
		ev->exec_tid = 4000 + 4 * gen_below(64);
		save = gen_rng;
		for (shorter = 0; shorter < 3; shorter++) {
			gen_rng = save;
			gen_short = shorter;
			gen_event_fill(ev, id,
			    hit == GEN_HIT_LIBRARY ? 0 : hit, o->keys, hitno,
			    shorter);
			if (hit == GEN_HIT_LIBRARY)
				gen_lib_hit(ev, tpl);
			if (gen_frame_max(&frame, &msg, ev, shape, octet) <=
			    GEN_MAX_SIZE)
				break;
		}
		if (gen_library)
			render_frame(&frame, &msg, ev, shape, octet);
		if (hit)
			hitno++;
		if (fwrite(frame.p, 1, frame.len, f) != frame.len) {
			warn("write");
			goto out_free;
		}
		s->events++;
		s->bytes += frame.len;
		if (frame.len < s->min)
			s->min = frame.len;
		if (frame.len > s->max)
			s->max = frame.len;
		if (frame.len < GEN_MIN_SIZE || frame.len > GEN_MAX_SIZE)
			s->out_of_range++;
		s->by_id[id]++;
		s->by_shape[shape]++;
		if (hit == 1)
			s->hits_mail++;
		else if (hit == 2)
			s->hits_ftp++;
		else if (hit == GEN_HIT_LIBRARY)
			s->hits_lib[tpl]++;
	}
	rc = 0;
out_free:
	free(frame.p);
	free(msg.p);
	free(ev);
	return rc;
}

static void
gen_print_summary(const struct gen_opts *o, const struct gen_summary *s)
{
	size_t		 i;
	unsigned long	 keys;
	int		 k;

	keys = s->hits_mail + s->hits_ftp;
	if (keys > o->keys)
		keys = o->keys;
	fprintf(stderr, "events %lu, bytes %llu, mean size %.0f, min %zu, "
	    "max %zu, outside %d..%d: %lu\n", s->events, s->bytes,
	    s->events ? (double)s->bytes / (double)s->events : 0.0,
	    s->events ? s->min : 0, s->max, GEN_MIN_SIZE, GEN_MAX_SIZE,
	    s->out_of_range);
	fprintf(stderr, "by id:");
	for (k = 0; k < 32; k++)
		if (s->by_id[k] != 0 || (!gen_library && gen_in_mix(k)))
			fprintf(stderr, " %d %.1f%%", k, s->events ?
			    100.0 * (double)s->by_id[k] /
			    (double)s->events : 0.0);
	fprintf(stderr, "\nby shape:");
	for (k = 0; k < GEN_NSHAPES; k++)
		if (s->by_shape[k])
			fprintf(stderr, " %s %lu", gen_shape_names[k],
			    s->by_shape[k]);
	if (gen_library) {
		keys = 0;
		for (i = 0; i < gen_lib_nhits(); i++)
			keys += s->hits_lib[i];
		fprintf(stderr, "\nhits %lu (library)\n", keys);
		for (i = 0; i < gen_lib_nhits(); i++)
			fprintf(stderr, "  hit %zu (id %d): %lu, %s\n", i,
			    gen_lib_hit_id(i), s->hits_lib[i],
			    gen_lib_hit_name(i));
		return;
	}
	fprintf(stderr, "\nhits %lu (mail %lu, ftp %lu), distinct keys %lu\n",
	    s->hits_mail + s->hits_ftp, s->hits_mail, s->hits_ftp, keys);
}

static void
usage(void)
{
	fprintf(stderr, "usage: hecsentry-gen [-n EVENTS] [--shape "
	    "winlogbeat|ecs|nxlog|flat|xml|mix]\n"
	    "    [--framing lf|octet|mix] [--hits SHARE] [--keys N] "
	    "[--seed N] [-o FILE]\n"
	    "    [--hit-hosts N] [--mix default|library]\n");
	exit(1);
}

static unsigned long
gen_parse_ulong(const char *s, const char *what, unsigned long min,
    unsigned long max)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *s == '-' || v < min || v > max)
		errx(1, "%s: expected %lu..%lu, got \"%s\"", what, min, max,
		    s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, 'n' },
		{ "shape", required_argument, NULL, 's' },
		{ "framing", required_argument, NULL, 'f' },
		{ "hits", required_argument, NULL, 'h' },
		{ "keys", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "hit-hosts", required_argument, NULL, 'H' },
		{ "mix", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen_opts		 o;
	struct gen_summary	 s;
	FILE			*f = stdout;
	char			*end;
	int			 ch, i;

	memset(&o, 0, sizeof(o));
	o.n = 74000;
	o.shape = GEN_SHAPE_WINLOGBEAT;
	o.framing = GEN_FRAMING_LF;
	o.hits = 0.01;
	o.keys = 100;
	o.seed = 1;
	while ((ch = getopt_long(argc, argv, "n:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o.n = gen_parse_ulong(optarg, "-n", 0, 100000000UL);
			break;
		case 's':
			for (i = 0; i <= GEN_SHAPE_MIX; i++)
				if (strcmp(optarg, gen_shape_names[i]) == 0)
					break;
			if (i > GEN_SHAPE_MIX)
				errx(1, "--shape: unknown shape \"%s\"",
				    optarg);
			o.shape = (enum gen_shape)i;
			break;
		case 'f':
			if (strcmp(optarg, "lf") == 0)
				o.framing = GEN_FRAMING_LF;
			else if (strcmp(optarg, "octet") == 0)
				o.framing = GEN_FRAMING_OCTET;
			else if (strcmp(optarg, "mix") == 0)
				o.framing = GEN_FRAMING_MIX;
			else
				errx(1, "--framing: lf, octet or mix");
			break;
		case 'h':
			o.hits = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(o.hits >= 0) || o.hits > 1)
				errx(1, "--hits: a share from 0 to 1");
			break;
		case 'k':
			o.keys = gen_parse_ulong(optarg, "--keys", 1,
			    100000000UL);
			break;
		case 'S':
			o.seed = gen_parse_ulong(optarg, "--seed", 0,
			    ULONG_MAX);
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "library") == 0)
				gen_library = 1;
			else if (strcmp(optarg, "default") != 0)
				errx(1, "--mix: default or library");
			break;
		case 'H':
			gen_hit_hosts = (unsigned)gen_parse_ulong(optarg,
			    "--hit-hosts", 1, GEN_NHOSTS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.out != NULL && strcmp(o.out, "-") != 0 &&
	    (f = fopen(o.out, "w")) == NULL)
		err(1, "%s", o.out);
	if (gen_write(&o, f, &s) == -1)
		return 1;
	if (fflush(f) == EOF || (f != stdout && fclose(f) == EOF))
		err(1, "%s", o.out ? o.out : "stdout");
	gen_print_summary(&o, &s);
	return 0;
}
