/*
 * Dispatch by event code (src/detect/dispatch.c, issue 13): which
 * detections each event code reaches, from the searches' EventCode terms
 * and the datasets' "events =" lines of the shipped conf/cim.conf; and
 * the property that makes it safe: a pipeline with the dispatch gives
 * the same alerts, byte for byte, as one that runs every detection on
 * every event, on the example events of security_content's data sources
 * and on generated library-mix streams.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "daemon/pipeline.h"
#include "detect/detection.h"
#include "detect/dispatch.h"
#include "detect/prefilter.h"
#include "testref.h"
#include "test_data.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The detections: name and search.  Raw searches with and without an
 * EventCode term, tstats searches on four datasets of conf/cim.conf
 * (Endpoint.Processes events = 1, Endpoint.Filesystem 11 23 26,
 * Endpoint.Registry 12 13 14, Network_Resolution.DNS 22) and one on a
 * dataset the map lacks.  Several match most events of their codes, so
 * that the streams give many alerts.
 */
static const char *const searches[][2] = {
	{ "R01 image", "EventCode=1 Image=\"*\\\\cmd.exe\" "
	    "| stats count by Computer, Image" },
	{ "R02 in", "EventCode IN (3, 22) | stats count by Computer, "
	    "EventCode" },
	{ "R03 or", "(EventCode=7 OR EventCode=\"10\") | stats count by "
	    "Computer" },
	{ "R04 any", "Image=\"*.exe\" | stats count by EventCode" },
	{ "R05 every", "| stats count by EventCode, Computer" },
	{ "R06 eleven", "EventCode=11 | stats count by TargetFilename" },
	{ "R07 not", "NOT EventCode=1 | stats count by EventCode" },
	{ "T01 processes", "| tstats count from datamodel=Endpoint.Processes "
	    "by Processes.dest Processes.process_name" },
	{ "T02 files", "| tstats count from datamodel=Endpoint.Filesystem "
	    "by Filesystem.dest Filesystem.file_name" },
	{ "T03 registry", "| tstats count from datamodel=Endpoint.Registry "
	    "by Registry.dest Registry.registry_path" },
	{ "T04 dns", "| tstats count from datamodel=Network_Resolution.DNS "
	    "by DNS.query" },
	{ "T05 none", "| tstats count from datamodel=Nowhere.Nothing by x" },
};

/* The alerts of one run, concatenated. */
struct sink {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	size_t		 n;
};

/*
 * The buffer doubles: grown by each alert's length, realloc() copied
 * megabytes per alert, and under ASan (which always moves) the test ran
 * for more than 20 minutes.
 */
static void
sink_cb(const char *json, size_t len, const struct detection *d, void *arg)
{
	struct sink	*k = arg;

	(void)d;
	if (k->len + len + 1 > k->cap) {
		k->cap = k->cap * 2 > k->len + len + 1 ? k->cap * 2 :
		    k->len + len + 1 + 65536;
		k->buf = realloc(k->buf, k->cap);
	}
	cr_assert_not_null(k->buf);
	memcpy(k->buf + k->len, json, len);
	k->buf[k->len + len] = '\n';
	k->len += len + 1;
	k->n++;
}

/* A detection named name with search text, compiled. */
static struct detection *
mkdet(const char *name, const char *text)
{
	struct detection	*d;
	struct spl_error	 err;

	d = calloc(1, sizeof(*d));
	cr_assert_not_null(d);
	d->name = strdup(name);
	d->id = strdup("00000000-0000-0000-0000-000000000000");
	d->file = strdup("t.yml");
	d->search_text = strdup(text);
	d->search = spl_compile(text, NULL, NULL, &err);
	cr_assert_not_null(d->search, "%s: %s", name, err.msg);
	return d;
}

/* The detections of searches[], with the shipped mapping. */
static struct detection_set *
mkset(void)
{
	struct detection_set	*set;
	struct detection	**dv;
	size_t			 i;

	event_fields_init();
	dv = calloc(NELEM(searches), sizeof(*dv));
	cr_assert_not_null(dv);
	for (i = 0; i < NELEM(searches); i++)
		dv[i] = mkdet(searches[i][0], searches[i][1]);
	set = detection_set_new(dv, NELEM(searches));
	detection_set_use_cim(set, testref_cim_load());
	cr_assert_not_null(set->dispatch);
	return set;
}

/* Whether list c of set holds the detection named name. */
static bool
listed(const struct detection_set *set, size_t c, const char *name)
{
	const uint32_t	*idx;
	size_t		 n, i;

	idx = dispatch_list(set->dispatch, c, &n);
	for (i = 0; i < n; i++)
		if (strcmp(set->d[idx[i]]->name, name) == 0)
			return true;
	return false;
}

Test(dispatch, lists_follow_event_code_terms_and_datasets)
{
	static const struct {
		size_t		 code;
		const char	*in;	/* space-separated first words */
	} want[] = {
		{ 1, "R01 R04 R05 R07 T01" },
		{ 3, "R02 R04 R05 R07" },
		{ 7, "R03 R04 R05 R07" },
		{ 10, "R03 R04 R05 R07" },
		{ 11, "R04 R05 R06 R07 T02" },
		{ 12, "R04 R05 R07 T03" },
		{ 22, "R02 R04 R05 R07 T04" },
		{ 26, "R04 R05 R07 T02" },
		{ 255, "R04 R05 R07" },
		{ DISPATCH_REST, "R01 R02 R03 R04 R05 R06 R07" },
	};
	struct detection_set	*set = mkset();
	char			 word[8];
	size_t			 i, k;
	bool			 in;

	for (i = 0; i < NELEM(want); i++)
		for (k = 0; k < set->n; k++) {
			snprintf(word, sizeof(word), "%.3s", set->d[k]->name);
			in = strstr(want[i].in, word) != NULL;
			cr_expect_eq(listed(set, want[i].code,
			    set->d[k]->name), in, "code %zu, %s: %s",
			    want[i].code, set->d[k]->name, in ? "missing" :
			    "listed");
		}
	cr_expect(set->dispatch->any, "R04, R05, R07 take any code");
	detection_set_unref(set, __func__);
}

Test(dispatch, event_code_of_an_event)
{
	static const struct {
		const char	*v;
		size_t		 code;
	} cases[] = {
		{ "7", 7 }, { "007", 7 }, { "0", 0 }, { "000", 0 },
		{ "255", 255 }, { "256", DISPATCH_REST },
		{ "4688", DISPATCH_REST }, { "7.0", DISPATCH_REST },
		{ " 7", DISPATCH_REST }, { "+7", DISPATCH_REST },
		{ "x", DISPATCH_REST },
		{ "00000000000000000000000000000000000000000001", 1 },
	};
	struct event	 ev;
	size_t		 i;

	event_fields_init();
	event_init(&ev, 256);
	cr_expect_eq(dispatch_code(&ev), DISPATCH_REST, "no EventCode");
	for (i = 0; i < NELEM(cases); i++) {
		event_reset(&ev);
		cr_assert_eq(event_set(&ev, EVENT_F_EVENTCODE, cases[i].v,
		    strlen(cases[i].v)), 0);
		cr_expect_eq(dispatch_code(&ev), cases[i].code, "\"%s\"",
		    cases[i].v);
	}
	event_clear(&ev);
}

/*
 * A set whose every detection needs an EventCode lets the prefilter
 * reject the others, tstats datasets included: "EventCode=3", Processes
 * (1) and Filesystem (11 23 26).
 */
Test(dispatch, prefilter_rejects_codes_no_detection_reaches)
{
	static const char *const text[] = {
		"EventCode=3 | stats count",
		"| tstats count from datamodel=Endpoint.Processes "
		    "by Processes.dest",
		"| tstats count from datamodel=Endpoint.Filesystem "
		    "by Filesystem.dest",
	};
	static const struct {
		const char	*doc;
		bool		 reject;
	} docs[] = {
		{ "{\"EventID\":1}", false }, { "{\"EventID\":11}", false },
		{ "{\"EventID\":26}", false }, { "{\"EventID\":3}", false },
		{ "{\"EventID\":7}", true }, { "{\"EventID\":12}", true },
		{ "{\"EventID\":22}", true }, { "{\"EventID\":4688}", true },
	};
	struct detection_set	*set;
	struct detection	**dv;
	char			 name[8];
	size_t			 i;

	event_fields_init();
	dv = calloc(NELEM(text), sizeof(*dv));
	cr_assert_not_null(dv);
	for (i = 0; i < NELEM(text); i++) {
		snprintf(name, sizeof(name), "P%zu", i);
		dv[i] = mkdet(name, text[i]);
	}
	set = detection_set_new(dv, NELEM(text));
	detection_set_use_cim(set, testref_cim_load());
	cr_assert_not(set->dispatch->any);
	for (i = 0; i < NELEM(docs); i++)
		cr_expect_eq(prefilter_reject(set, docs[i].doc,
		    strlen(docs[i].doc)), docs[i].reject, "%s", docs[i].doc);
	detection_set_unref(set, __func__);
}

/*
 * A library-mix stream of hecsentry-gen (3000 frames, LF-framed), or NULL
 * when it is not built.
 */
static char *
gen_stream(const char *shape, int seed, size_t *len)
{
	const char	*bin = getenv("BENCHBIN");
	char		 gen[1024], cmd[2300];
	char		*buf;
	FILE		*f;

	snprintf(gen, sizeof(gen), "%s/hecsentry-gen", bin != NULL ? bin :
	    "bench");
	if (access(gen, X_OK) == -1)
		return NULL;
	snprintf(cmd, sizeof(cmd), "'%s' -n 3000 --mix library --shape %s "
	    "--framing lf --hits 0.01 --seed %d 2>/dev/null", gen, shape,
	    seed);
	cr_assert_not_null(f = popen(cmd, "r"), "%s", cmd);
	buf = testref_read_stream(f, len);
	cr_assert_not_null(buf, "%s", cmd);
	cr_assert_eq(pclose(f), 0, "%s", cmd);
	return buf;
}

/* The frames: every example of the data sources, then the streams. */
struct frames {
	char		**v;
	size_t		*len;
	size_t		 n;
};

static void
frames_add(struct frames *f, char *p, size_t len)
{
	if ((f->n & (f->n + 1)) == 0) {		/* 0, 1, 3, 7...: double */
		f->v = realloc(f->v, (2 * f->n + 2) * sizeof(*f->v));
		f->len = realloc(f->len, (2 * f->n + 2) * sizeof(*f->len));
	}
	cr_assert(f->v != NULL && f->len != NULL);
	f->v[f->n] = p;
	f->len[f->n++] = len;
}

/* Runs every frame through a pipeline on set. */
static void
run(struct detection_set *set, const struct frames *f, bool dispatch,
    struct sink *k, struct pipeline_counters *c)
{
	struct pipeline_opts	 po;
	struct pipeline		*pl;
	int64_t			 now = 1795852800000LL;
	size_t			 i;

	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 50;
	po.stats.max_bytes = 1 << 22;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	memset(k, 0, sizeof(*k));
	dispatch_set_enabled(dispatch);
	prefilter_set_enabled(dispatch);
	pl = pipeline_new(set, &po, sink_cb, k);
	for (i = 0; i < f->n; i++) {
		pipeline_frame(pl, f->v[i], f->len[i], now);
		now += 29;
		if (i % 97 == 0)
			pipeline_tick(pl, now);
	}
	pipeline_flush(pl);
	pipeline_get_counters(pl, c);
	pipeline_free(pl);
	dispatch_set_enabled(true);
	prefilter_set_enabled(true);
}

Test(dispatch, alerts_identical_to_every_detection_on_every_event)
{
	static const char *const ids[] = {
		"1", "3", "5", "6", "7", "8", "9", "10", "11", "12", "13",
		"15", "17", "18", "20", "21", "22", "23"
	};
	static const char *const flat[] = {
		"{\"EventCode\":\"007\",\"Image\":\"C:\\\\a\\\\cmd.exe\","
		    "\"source\":\"XmlWinEventLog:Microsoft-Windows-Sysmon/"
		    "Operational\",\"Computer\":\"h1\"}",
		"{\"EventCode\":\"7.0\",\"Image\":\"C:\\\\b.exe\","
		    "\"Computer\":\"h2\"}",
		"{\"EventCode\":\"0001\",\"Image\":\"C:\\\\cmd.exe\","
		    "\"source\":\"XmlWinEventLog:Microsoft-Windows-Sysmon/"
		    "Operational\",\"Computer\":\"h3\"}",
		"{\"Image\":\"C:\\\\c.exe\",\"Computer\":\"h4\"}",
	};
	static const char *const shapes[] = { "winlogbeat", "xml" };
	struct detection_set	*set = mkset();
	struct frames		 f;
	struct sink		 on, off;
	struct pipeline_counters con, coff;
	char			 path[256], *buf, *bufs[NELEM(ids) + 2];
	char			*p, *e;
	size_t			 len, i, nb = 0;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < NELEM(ids); i++) {
		snprintf(path, sizeof(path), "splunk_security_content_"
		    "data_sources/sysmon_eventid_%s.xml", ids[i]);
		buf = read_data(path, &len);
		while (len > 0 && (buf[len - 1] == '\n' ||
		    buf[len - 1] == '\r'))
			len--;
		bufs[nb++] = buf;
		frames_add(&f, buf, len);
		frames_add(&f, buf, len);
	}
	for (i = 0; i < NELEM(flat); i++)
		frames_add(&f, (char *)flat[i], strlen(flat[i]));
	for (i = 0; i < NELEM(shapes); i++) {
		if ((buf = gen_stream(shapes[i], (int)i + 5, &len)) == NULL)
			continue;
		bufs[nb++] = buf;
		for (p = buf; p < buf + len; p = e + 1) {
			if ((e = memchr(p, '\n', (size_t)(buf + len - p))) ==
			    NULL)
				e = buf + len;
			frames_add(&f, p, (size_t)(e - p));
		}
	}
	run(set, &f, true, &on, &con);
	run(set, &f, false, &off, &coff);
	cr_assert_gt(off.n, 40, "the frames give alerts (%zu)", off.n);
	cr_assert_eq(on.n, off.n, "alerts: %zu with, %zu without", on.n,
	    off.n);
	cr_assert_eq(on.len, off.len);
	cr_assert(memcmp(on.buf, off.buf, on.len) == 0, "the alerts differ");
	cr_assert_eq(con.rows, coff.rows);
	for (i = 0; i < NELEM(searches); i++)
		if (searches[i][0][0] == 'T' && strstr(searches[i][0],
		    "none") == NULL)
			cr_expect(strstr(off.buf, searches[i][0]) != NULL,
			    "%s gives an alert", searches[i][0]);
	free(on.buf);
	free(off.buf);
	for (i = 0; i < nb; i++)
		free(bufs[i]);
	free(f.v);
	free(f.len);
	detection_set_unref(set, __func__);
}
