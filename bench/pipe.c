/*
 * hecsentry-pipe: feeds a file of LF-framed syslog messages (what
 * hecsentry-gen writes with --framing lf) through one pipeline with the
 * detections of a configuration directory, with no sockets, so that
 * `valgrind --tool=callgrind` counts the instructions of the hot path
 * repeatably (docs/PERFORMANCE.md).  Prints the pipeline counters, a hash
 * of the alerts, and the live stats keys with the heap bytes they hold
 * before the final flush (the keys summed over detections, as each
 * reports its table's; then the tables shared by several detections,
 * detect_share(), and the keys counted once per table).
 *
 *	hecsentry-pipe [-DPav] [-k MAX_KEYS] [-b MAX_BYTES] [-w WINDOW_S]
 *	    [-d CONFDIR] [-l LIBRARY] FILE
 *
 * -P switches the prefilter off; -D the dispatch by event code; -a
 * writes each alert to stderr; -v prints, per detection that matched,
 * "det INDEX MATCHES LIVE_KEYS TOMBSTONES NAME" (TOMBSTONES: of the live
 * keys, those the commands after stats dropped at their first event);
 * -k and -b are the stats key limit
 * per table (default 100000) and the byte budget all tables share
 * (default 1 GiB): the daemon's defaults, 10000 and 64M (67108864),
 * make a stream longer than the key limit run as the daemon does under
 * load, each new key emitting a row early; CONFDIR (default conf) holds
 * detections/ and macros/.  -l runs every detection of LIBRARY (a tree or
 * a security_content checkout, with its macros and lookups) of status
 * production or experimental, as `make bench` scenario library does,
 * instead of CONFDIR/detections.  Frames are 1 ms apart from a fixed time.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/library.h"
#include "daemon/pipeline.h"
#include "detect/prefilter.h"
#include "testref.h"

struct pipe_sink {
	uint64_t	 n;		/* alerts */
	uint64_t	 hash;		/* FNV-1a over their bytes */
};

static FILE *pipe_out;		/* -a: the alerts, or NULL */

static void
pipe_alert_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	struct pipe_sink	*k = arg;
	size_t			 i;

	(void)d;
	if (pipe_out != NULL)
		fprintf(pipe_out, "%.*s\n", (int)len, json);
	k->n++;
	for (i = 0; i < len; i++)
		k->hash = (k->hash ^ (unsigned char)json[i]) *
		    1099511628211ULL;
}

/* Reads path whole; returns NULL with errno set.  Caller frees. */
static char *
pipe_read(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0)
		goto out;
	rewind(f);
	if ((buf = malloc((size_t)n + 1)) == NULL)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		errno = EIO;
		goto out;
	}
	*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

/*
 * The runnable detections of the library at path (status production or
 * experimental), with the macros of mac first, judged against cim; NULL
 * with *err when the library cannot be read.
 */
static struct detection_set *
pipe_library(const char *path, const char *mac, const struct cim_map *cim,
    char **err)
{
	struct library_opts	 lo;
	struct library		*lib;
	struct detection_set	*set;
	char			*status[] = { "production", "experimental" };

	memset(&lo, 0, sizeof(lo));
	lo.detections = path;
	lo.macros = mac;
	lo.status = status;
	lo.nstatus = 2;
	lo.cim = cim;
	if ((lib = library_load(&lo, err)) == NULL)
		return NULL;
	set = library_take_set(lib);
	library_free(lib);
	return set;
}

static void
pipe_usage(void)
{
	fprintf(stderr, "usage: hecsentry-pipe [-DPav] [-k MAX_KEYS] "
	    "[-b MAX_BYTES] [-w WINDOW_S] [-d CONFDIR] [-l LIBRARY] FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct detection_set	*set;
	struct cim_map		*cim;
	struct pipeline_opts	 po;
	struct pipeline_counters c;
	struct detect_counters	 dc;
	struct stats_counters	 sc;
	struct pipeline		*p;
	struct pipe_sink	 sink = { 0, 14695981039346656037ULL };
	const char		*confdir = "conf", *library = NULL;
	char			 det[1024], mac[1024];
	char			*err = NULL, *buf, *q, *e;
	size_t			 len, i, keys = 0, tkeys = 0, heap0, heap1;
	size_t			 ntables, nsharing, tombs = 0;
	uint64_t		 dropped = 0;
	int64_t			 now = 1795852800000LL;
	size_t			 max_keys = 100000, shared = 0;
	size_t			 max_bytes = (size_t)1 << 30;
	int			 ch, window = 60, verbose = 0;

	while ((ch = getopt(argc, argv, "DPb:k:w:d:l:av")) != -1) {
		switch (ch) {
		case 'D':
			dispatch_set_enabled(false);
			break;
		case 'P':
			prefilter_set_enabled(false);
			break;
		case 'b':
			max_bytes = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			max_keys = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			window = atoi(optarg);
			break;
		case 'd':
			confdir = optarg;
			break;
		case 'l':
			library = optarg;
			break;
		case 'a':
			pipe_out = stderr;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			pipe_usage();
		}
	}
	if (optind + 1 != argc || window < 1)
		pipe_usage();
	if ((buf = pipe_read(argv[optind], &len)) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	event_fields_init();
	snprintf(det, sizeof(det), "%s/cim.conf", confdir);
	if ((cim = cim_map_load(det, &err)) == NULL) {
		fprintf(stderr, "hecsentry-pipe: %s\n", err);
		free(err);
		free(buf);
		return 1;
	}
	snprintf(det, sizeof(det), "%s/detections", confdir);
	snprintf(mac, sizeof(mac), "%s/macros", confdir);
	if (library != NULL)
		set = pipe_library(library, mac, cim, &err);
	else
		set = detection_set_load(det, mac, &err);
	if (set == NULL) {
		fprintf(stderr, "hecsentry-pipe: %s\n", err);
		free(err);
		free(buf);
		cim_map_free(cim);
		return 1;
	}
	detection_set_use_cim(set, cim);
	memset(&po, 0, sizeof(po));
	po.stats.window_s = window;
	po.stats.max_keys = max_keys;
	po.stats.max_bytes = max_bytes;
	po.stats.shared_bytes = &shared;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	p = pipeline_new(set, &po, pipe_alert_cb, &sink);
	heap0 = mallinfo2().uordblks;
	for (q = buf; q < buf + len; q = e + 1) {
		if ((e = memchr(q, '\n', (size_t)(buf + len - q))) == NULL)
			e = buf + len;
		pipeline_frame(p, q, (size_t)(e - q), now++);
	}
	heap1 = mallinfo2().uordblks;
	for (i = 0; i < set->n; i++) {
		detect_get_counters(pipeline_runner(p), i, &dc, &sc);
		keys += sc.keys;
		if (dc.table == i) {
			tkeys += sc.keys;
			tombs += sc.tombs;
			dropped += sc.first_dropped;
		}
		if (verbose && dc.matches > 0)
			printf("det %zu %llu %zu %zu %s\n", i,
			    (unsigned long long)dc.matches, sc.keys, sc.tombs,
			    set->d[i]->name);
	}
	pipeline_flush(p);
	pipeline_get_counters(p, &c);
	printf("frames %llu events %llu prefiltered %llu rows %llu "
	    "alerts %llu hash %016llx\n", (unsigned long long)c.frames,
	    (unsigned long long)c.events, (unsigned long long)c.prefiltered,
	    (unsigned long long)c.rows, (unsigned long long)sink.n,
	    (unsigned long long)sink.hash);
	printf("live keys %zu heap %zu bytes (%.0f per key)\n", keys,
	    heap1 > heap0 ? heap1 - heap0 : 0, keys > 0 && heap1 > heap0 ?
	    (double)(heap1 - heap0) / (double)keys : 0.0);
	ntables = detect_runner_shared(pipeline_runner(p), &nsharing);
	printf("shared tables %zu serving %zu detections, table keys %zu\n",
	    ntables, nsharing, tkeys);
	if (verbose)
		printf("tombstones %zu of the live keys, %llu keys dropped "
		    "at their first event\n", tombs,
		    (unsigned long long)dropped);
	pipeline_free(p);
	detection_set_unref(set, "main");
	free(buf);
	return 0;
}
