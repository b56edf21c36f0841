/*
 * Unit tests of the EventCode prefilter: tables of JSON and XML payloads
 * with the ids the scan must find (or its refusal to be sure), rejection
 * against compiled detection sets, and the exactness property: for the
 * real records of tests/data, a generated stream of every shape and
 * thousands of mutations of both, whenever the prefilter rejects for a
 * required EventCode N, the full decode and normalisation give an event
 * on which "EventCode=N" is false.  And the pipeline with the shipped
 * detections gives byte for byte the same alerts with the prefilter as
 * without it, on the real records and on generated streams.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "detect/detection.h"
#include "decode/event.h"
#include "daemon/pipeline.h"
#include "detect/prefilter.h"
#include "detect/spl.h"
#include "input/syslog.h"
#include "testref.h"
#include "test_data.h"

#define ARENA		131072
#define MAXCODE		30

static struct event ev;
static struct spl_search *eq[MAXCODE + 1];	/* "EventCode=N" */

static void
setup(void)
{
	struct spl_error	 err;
	char			 text[64];
	int			 i;

	event_fields_init();
	event_init(&ev, ARENA);
	for (i = 0; i <= MAXCODE; i++) {
		snprintf(text, sizeof(text), "EventCode=%d | stats count", i);
		eq[i] = spl_compile(text, NULL, NULL, &err);
		cr_assert_not_null(eq[i], "%s", err.msg);
		cr_assert_eq(eq[i]->event_code, i);
	}
}

static void
teardown(void)
{
	int	 i;

	for (i = 0; i <= MAXCODE; i++)
		spl_search_free(eq[i]);
	event_clear(&ev);
	prefilter_set_enabled(true);
}

TestSuite(prefilter, .init = setup, .fini = teardown);

struct scan_case {
	const char	*doc;
	int		 n;		/* expected return */
	uint32_t	 ids[3];
};

static void
check_cases(const struct scan_case *c, size_t ncases)
{
	uint32_t	 ids[PREFILTER_MAX_IDS];
	size_t		 i;
	int		 n, k;

	for (i = 0; i < ncases; i++) {
		n = prefilter_scan(c[i].doc, strlen(c[i].doc), ids,
		    PREFILTER_MAX_IDS);
		cr_assert_eq(n, c[i].n, "case %zu (%s): %d, want %d", i,
		    c[i].doc, n, c[i].n);
		for (k = 0; k < n; k++)
			cr_assert_eq(ids[k], c[i].ids[k], "case %zu id %d", i,
			    k);
	}
}

Test(prefilter, json_table)
{
	static const struct scan_case c[] = {
		{ "{\"EventID\":3}", 1, { 3 } },
		{ " \r\n{\"EventCode\" : \"11\" , \"x\":1}", 1, { 11 } },
		{ "{\"winlog\":{\"event_id\":\"7\",\"x\":\"EventID\"}}", 1,
		    { 7 } },
		{ "{\"winlog\":{\"event_id\":22}}", 1, { 22 } },
		{ "{\"a\":1,\"b\":\"EventCode\"}", 0, { 0 } },
		{ "{\"event\":{\"code\":\"3\"}}", 0, { 0 } },
		{ "{\"EventCode\":\"003\"}", 1, { 3 } },
		{ "{\"EventCode\":99999999999}", 1, { PREFILTER_ID_BIG } },
		{ "{\"EventID\":3,\"EventID\":5}", 2, { 3, 5 } },
		{ "{\"winlog.event_data.EventCode\":\"1\"}", 1, { 1 } },
		{ "{\"EventData\":{\"EventCode\":10}}", 1, { 10 } },
		{ "{\"xEventID\":4}", 1, { 4 } },
		{ "{\"path\":\"C:\\\\users\\\\x\",\"EventID\":1}", 1, { 1 } },
		/* unsure */
		{ "{\"Event\\u0043ode\":3}", -1, { 0 } },
		{ "{\"EventCode\":\"3.0\"}", -1, { 0 } },
		{ "{\"EventCode\":3.0}", -1, { 0 } },
		{ "{\"EventCode\":3e0}", -1, { 0 } },
		{ "{\"EventCode\":\"+3\"}", -1, { 0 } },
		{ "{\"EventCode\":-3}", -1, { 0 } },
		{ "{\"EventCode\":\" 3\"}", -1, { 0 } },
		{ "{\"EventCode\":\"3 \"}", -1, { 0 } },
		{ "{\"EventCode\":\"\"}", -1, { 0 } },
		{ "{\"EventCode\":null}", -1, { 0 } },
		{ "{\"EventCode\":{\"a\":3}}", -1, { 0 } },
		{ "{\"EventCode\":[3]}", -1, { 0 } },
		{ "{\"EventCode\":\"\\u0033\"}", -1, { 0 } },
		{ "{\"x\":\"a\\", -1, { 0 } },
		{ "", -1, { 0 } },
		{ "  ", -1, { 0 } },
		{ "not a document", -1, { 0 } },
		{ "{\"EventID\":1,\"EventID\":2,\"EventID\":3,\"EventID\":4,"
		    "\"EventID\":5,\"EventID\":6,\"EventID\":7,\"EventID\":8,"
		    "\"EventID\":9}", -1, { 0 } },
	};

	check_cases(c, sizeof(c) / sizeof(c[0]));
}

Test(prefilter, xml_table)
{
	static const struct scan_case c[] = {
		{ "<Event><System><EventID>3</EventID></System></Event>", 1,
		    { 3 } },
		{ "<Event><System><EventID Qualifiers=''>10</EventID >"
		    "</System></Event>", 1, { 10 } },
		{ "<Event><System><EventID a='>7</EventID>'>0011</EventID>"
		    "</System></Event>", 1, { 11 } },
		{ "<Event><System><EventIDx>3</EventIDx></System></Event>", 0,
		    { 0 } },
		{ "<Event><System><x:EventID>3</x:EventID></System></Event>",
		    0, { 0 } },
		{ "<?xml version='1.0'?><Event><System><EventID>1</EventID>"
		    "</System></Event>", 1, { 1 } },
		/* unsure */
		{ "<Event><System><EventID>&#51;</EventID></System></Event>",
		    -1, { 0 } },
		{ "<Event><System><EventID><![CDATA[3]]></EventID></System>"
		    "</Event>", -1, { 0 } },
		{ "<Event><System><EventID>3<!--x-->0</EventID></System>"
		    "</Event>", -1, { 0 } },
		{ "<Event><System><EventID> 3</EventID></System></Event>", -1,
		    { 0 } },
		{ "<Event><System><EventID>3<x/></EventID></System></Event>",
		    -1, { 0 } },
		{ "<Event><System><EventID/></System></Event>", -1, { 0 } },
		{ "<Event><System><EventID a='x/>'/></System></Event>", -1,
		    { 0 } },
		{ "<Event><EventData><Data Name='EventCode'>3</Data>"
		    "</EventData></Event>", -1, { 0 } },
		{ "<!DOCTYPE e [<!ENTITY x '3'>]><Event/>", -1, { 0 } },
		{ "<Event><System><EventID a='1>3</EventID>", -1, { 0 } },
	};

	check_cases(c, sizeof(c) / sizeof(c[0]));
}

static bool
lookup_none(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *out)
{
	(void)arg;
	(void)name;
	(void)nargs;
	(void)out;
	return false;
}

Test(prefilter, reject_follows_the_set)
{
	struct detection	 d[2];
	struct detection	*dp[2] = { &d[0], &d[1] };
	struct detection_set	 set = { .refcnt = 1, .n = 2, .d = dp };
	struct spl_search	*any;
	struct spl_error	 err;
	const char		*e7 = "{\"winlog\":{\"event_id\":\"7\"}}";
	const char		*e3 = "{\"EventID\":3}";
	const char		*none = "{\"a\":1}";
	const char		*unsure = "{\"EventID\":\"3.0\"}";

	memset(d, 0, sizeof(d));
	d[0].search = eq[3];
	d[1].search = eq[22];
	cr_assert(prefilter_reject(&set, e7, strlen(e7)));
	cr_assert_not(prefilter_reject(&set, none, strlen(none)));
	cr_assert_not(prefilter_reject(&set, e3, strlen(e3)));
	cr_assert_not(prefilter_reject(&set, unsure, strlen(unsure)));
	set.n = 0;
	cr_assert_not(prefilter_reject(&set, e7, strlen(e7)));
	set.n = 2;
	prefilter_set_enabled(false);
	cr_assert_not(prefilter_reject(&set, e7, strlen(e7)));
	prefilter_set_enabled(true);
	any = spl_compile("Image=\"*.exe\" | stats count", lookup_none, NULL,
	    &err);
	cr_assert_not_null(any, "%s", err.msg);
	cr_assert_eq(any->event_code, -1);
	d[1].search = any;
	cr_assert_not(prefilter_reject(&set, e7, strlen(e7)));
	spl_search_free(any);
}

/*
 * The property, for one payload: for every required code N that the
 * scan lets the prefilter reject, "EventCode=N" is false on the decoded,
 * normalised event (or there is no event); and the portable scan gives
 * the same answer as the default (AVX2 where the CPU has it).  Returns
 * how many codes were rejected.
 */
static int
check_payload(const char *buf, size_t len)
{
	static const struct decode_limits lim = { .max_depth = 64 };
	uint32_t	 ids[PREFILTER_MAX_IDS], pids[PREFILTER_MAX_IDS];
	bool		 decoded;
	int		 n, k, code, rejected = 0;

	n = prefilter_scan(buf, len, ids, PREFILTER_MAX_IDS);
	prefilter_set_simd(false);
	k = prefilter_scan(buf, len, pids, PREFILTER_MAX_IDS);
	prefilter_set_simd(true);
	cr_assert_eq(k, n, "portable scan %d, default %d: %.*s", k, n,
	    (int)len, buf);
	cr_assert(n <= 0 || memcmp(ids, pids, (size_t)n * sizeof(ids[0])) ==
	    0, "portable and default ids differ: %.*s", (int)len, buf);
	if (n == -1)
		return 0;
	event_reset(&ev);
	decoded = decode_payload(testref_dc(), buf, len, &lim,
	    &ev) == DECODE_OK &&
	    testref_normalise(&ev, 0, 1) == 0;
	for (code = 0; code <= MAXCODE; code++) {
		for (k = 0; k < n; k++)
			if (ids[k] == (uint32_t)code)
				break;
		if (k < n)
			continue;
		rejected++;
		if (decoded)
			cr_assert_not(spl_match(eq[code]->filter, &ev),
			    "rejected for %d but matches: %.*s", code,
			    (int)len, buf);
	}
	return rejected;
}

static uint32_t	 rng = 12345;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/*
 * The scan of doc (len bytes, copied into a buffer of exactly that size,
 * so that a read past its end shows under valgrind or ASan) by the
 * default pass (AVX2 where the CPU has it) and by the portable one.
 * They must agree; returns the answer, the ids in ids.
 */
static int
scan_both(const char *doc, size_t len, uint32_t *ids)
{
	uint32_t	 pids[PREFILTER_MAX_IDS];
	char		*b;
	int		 n, k;

	b = malloc(len > 0 ? len : 1);
	cr_assert_not_null(b);
	memcpy(b, doc, len);
	n = prefilter_scan(b, len, ids, PREFILTER_MAX_IDS);
	prefilter_set_simd(false);
	k = prefilter_scan(b, len, pids, PREFILTER_MAX_IDS);
	prefilter_set_simd(true);
	free(b);
	cr_assert_eq(k, n, "portable scan %d, default %d: %.*s", k, n,
	    (int)len, doc);
	cr_assert(n <= 0 || memcmp(ids, pids, (size_t)n * sizeof(ids[0])) ==
	    0, "portable and default ids differ: %.*s", (int)len, doc);
	return n;
}

/*
 * Fills n bytes at p with pieces of what the AVX2 pass takes for
 * candidates ("tC", "ID", "_i", "lu" and the like), none of them a key
 * or an escape.
 */
static void
fill(char *p, size_t n)
{
	static const char	 s[] = "tC_iIDlu4CEvev|u,u";
	size_t			 i;

	for (i = 0; i < n; i++)
		p[i] = s[i % (sizeof(s) - 1)];
}

/*
 * A key at offset k + 6 (a document that ends with it, one that goes
 * on for tail more bytes), and a run of backslashes at offset k + 2
 * (before 'u', then at the end): the answers of both passes.
 */
static void
check_at(size_t k, size_t tail)
{
	static const struct {
		const char	*key;
		uint32_t	 id;
	} keys[] = {
		{ "\"EventID\":3", 3 }, { "\"EventCode\":\"7\"", 7 },
		{ "\"event_id\":22", 22 }, { "\"EventCode\" : 010", 10 },
		{ "\"winlog.event_data.EventCode\":\"1\"", 1 },
	};
	char		 doc[1024];
	uint32_t	 ids[PREFILTER_MAX_IDS];
	size_t		 i, run, len;
	int		 n;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		len = (size_t)snprintf(doc, sizeof(doc), "{\"%*s\":1,%s",
		    (int)k, "", keys[i].key);
		fill(doc + 2, k);
		n = scan_both(doc, len, ids);
		cr_assert_eq(n, 1, "%zu %zu: %d", k, i, n);
		cr_assert_eq(ids[0], keys[i].id);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len,
		    ",\"%*s\":2}", (int)tail, "");
		fill(doc + len - tail - 4, tail);
		n = scan_both(doc, len, ids);
		cr_assert_eq(n, 1, "%zu %zu %zu: %d", k, tail, i, n);
		cr_assert_eq(ids[0], keys[i].id);
	}
	for (run = 0; run < 8; run++) {
		len = (size_t)snprintf(doc, sizeof(doc), "{\"%*s%*su0041\":1,"
		    "\"EventID\":4}", (int)k, "", (int)run, "");
		fill(doc + 2, k);
		memset(doc + 2 + k, '\\', run);
		cr_assert_eq(scan_both(doc, len, ids), run % 2 == 1 ? -1 : 1,
		    "k %zu run %zu", k, run);
		cr_assert_eq(scan_both(doc, 2 + k + run, ids), run % 2 == 1 ?
		    -1 : 0, "k %zu run %zu at the end", k, run);
	}
}

/*
 * Keys, escapes and backslash runs at every offset from the start of
 * the buffer to past two 128-byte steps, so across each 32-, 64- and
 * 128-byte boundary of the AVX2 pass, at its very start and its very
 * end (the buffer ending with the value, the escape or the run).
 */
Test(prefilter, keys_and_escapes_at_every_offset)
{
	static const size_t tails[] = {
		0, 1, 2, 31, 32, 33, 63, 64, 65, 66, 100, 127, 128, 129, 130
	};
	char		 doc[1024];
	uint32_t	 ids[PREFILTER_MAX_IDS];
	size_t		 k, run, len;

	for (k = 0; k < 300; k++)
		check_at(k, tails[k % (sizeof(tails) / sizeof(tails[0]))]);
	/* Long runs, across whole steps. */
	for (run = 60; run < 270; run++) {
		len = (size_t)snprintf(doc, sizeof(doc), "{\"x\":\"%*su\","
		    "\"EventID\":5}", (int)run, "");
		memset(doc + 6, '\\', run);
		cr_assert_eq(scan_both(doc, len, ids), run % 2 == 1 ? -1 : 1,
		    "run %zu", run);
		cr_assert_eq(scan_both(doc, 6 + run, ids), run % 2 == 1 ? -1 :
		    0, "run %zu at the end", run);
	}
	/* At the very start: the shortest documents. */
	cr_assert_eq(scan_both("{", 1, ids), 0);
	cr_assert_eq(scan_both("{\\", 2, ids), -1);
	cr_assert_eq(scan_both("{\\u", 3, ids), -1);
	cr_assert_eq(scan_both("{\\\\u", 4, ids), 0);
	cr_assert_eq(scan_both("{\"EventID\":9", 12, ids), 1);
	cr_assert_eq(ids[0], 9);
	cr_assert_eq(scan_both("{\"EventID\":", 11, ids), -1);
	cr_assert_eq(scan_both("{\"EventID\"", 10, ids), 0);
	cr_assert_eq(scan_both("{\"EventID", 9, ids), 0);
}

/*
 * Random documents made of the pieces the scan looks for: the AVX2 and
 * the portable passes must give the same answer on each.
 */
Test(prefilter, passes_agree_on_random_documents)
{
	static const char *pieces[] = {
		"\"EventID\"", "\"EventCode\"", "\"event_id\"", "EventI",
		"Even", "vent", "event", "Code\"", "_id\"", "ID\"", "\\",
		"\\\\", "u", "\\u", ":", " ", "\"", "3", "42", "0", ",",
		"{", "}", "t", "C", "I", "D", "_", "i", "e", "E", "v",
		"abcdef",
		"\"winlog\":{\"event_id\":\"3\"}", "\"EventID\":7,", "\xff",
		"\x80", "lu", "tC", "4C"
	};
	char		 doc[1200];
	uint32_t	 ids[PREFILTER_MAX_IDS];
	size_t		 len, plen;
	const char	*s;
	int		 i, sure = 0;

	for (i = 0; i < 20000; i++) {
		doc[0] = '{';
		len = 1;
		while (len < sizeof(doc) - 40 && rnd(60) != 0) {
			s = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
			plen = strlen(s);
			memcpy(doc + len, s, plen);
			len += plen;
		}
		if (scan_both(doc, len, ids) >= 0)
			sure++;
	}
	cr_assert_gt(sure, 1000);
}

/* Mutations aimed at the places the prefilter reads. */
static size_t
mutate(const char *in, size_t len, char *out, size_t cap)
{
	static const char *ins[] = {
		"\"EventID\":\"3\",", "\"EventCode\":\"003\",",
		"\"EventCode\":3,", "\"EventCode\":\" 3\",",
		"\"winlog\":{\"event_id\":3},", "\"Event\\u0049D\":3,",
		"\"EventID\":3.0,", "\"EventData\":{\"EventCode\":\"3\"},",
		"<EventID>3</EventID>", "<EventID>0003</EventID>",
		"<Data Name='EventCode'>3</Data>", "&#51;", "<![CDATA[3]]>",
		"\\u0033", "3", "0", " ", "\"", ":", "\\", "<", ">", "/",
		"\"EventID\":null,", "\"Event\\u0043ode\":\"5\",",
		"<Data Name='Event&#67;ode'>5</Data>"
	};
	const char	*s;
	size_t		 at, slen, cut;

	if (len + 64 > cap)
		return 0;
	at = rnd((uint32_t)len + 1);
	switch (rnd(3)) {
	case 0:		/* insert */
		s = ins[rnd(sizeof(ins) / sizeof(ins[0]))];
		slen = strlen(s);
		memcpy(out, in, at);
		memcpy(out + at, s, slen);
		memcpy(out + at + slen, in + at, len - at);
		return len + slen;
	case 1:		/* overwrite one byte */
		memcpy(out, in, len);
		if (at < len)
			out[at] = "0123456789\"\\:u<>/ {}"[rnd(20)];
		return len;
	default:	/* delete a few bytes */
		cut = rnd(4) + 1;
		if (at + cut > len)
			cut = len - at;
		memcpy(out, in, at);
		memcpy(out + at, in + at + cut, len - at - cut);
		return len - cut;
	}
}

/* Checks the payload and nmut mutations of it; returns rejections. */
static int
check_with_mutations(const char *buf, size_t len, int nmut)
{
	static char	 tmp[ARENA / 2];
	size_t		 mlen;
	int		 i, r;

	r = check_payload(buf, len);
	for (i = 0; i < nmut; i++)
		if ((mlen = mutate(buf, len, tmp, sizeof(tmp))) > 0)
			r += check_payload(tmp, mlen);
	return r;
}

/* Runs each line of buf (a syslog frame or a bare document). */
static int
check_lines(char *buf, size_t len, int nmut, int *lines)
{
	struct syslog_msg	 msg;
	const char		*reason;
	char			*p, *e;
	int			 r = 0;

	for (p = buf; p < buf + len; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			e = buf + len;
		if (syslog_parse(p, (size_t)(e - p), 1, &msg, &reason) == -1)
			continue;
		r += check_with_mutations(msg.msg, msg.msg_len, nmut);
		(*lines)++;
	}
	return r;
}

Test(prefilter, property_on_real_records)
{
	static const char *files[] = {
		"shapes/nxlog.json", "shapes/splunk_flat.json",
		"shapes/winlogbeat.json", "shapes/winlogbeat_ecs.json",
		"shapes/xmlwineventlog.xml",
		"splunk_security_content_agenttesla_ftp_eid3/"
		    "agenttesla_ftp_sysmon_eid3.xml",
		"otrf_security_datasets_sysmon_eid3/"
		    "otrf_sysmon_eid3_sample.ndjson"
	};
	size_t		 i, len;
	char		*buf;
	int		 r = 0, lines = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf = read_data(files[i], &len);
		if (i < 6)
			r += check_with_mutations(buf, len, 2000);
		else
			r += check_lines(buf, len, 10, &lines);
		free(buf);
	}
	cr_assert_gt(lines, 600);
	/* Every record is event 3: the other codes were rejected. */
	cr_assert_gt(r, 600 * (MAXCODE - 1));
}

/*
 * A stream of n events of shape from hecsentry-gen (LF framing), or NULL
 * when the tool is not built.  Caller frees.
 */
static char *
gen_stream(int n, const char *shape, double hits, int seed, size_t *len)
{
	const char	*bin = getenv("BENCHBIN");
	char		 gen[1024], cmd[2300], out[] = "/tmp/pfgenXXXXXX";
	char		*buf;
	int		 fd;

	snprintf(gen, sizeof(gen), "%s/hecsentry-gen", bin != NULL ? bin :
	    "bench");
	if (access(gen, X_OK) == -1)
		return NULL;
	cr_assert_neq(fd = mkstemp(out), -1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s' -n %d --shape %s --framing lf "
	    "--hits %g --keys 20 --seed %d -o '%s' 2>/dev/null", gen, n,
	    shape, hits, seed, out);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	buf = testref_read_file(out, len);
	unlink(out);
	cr_assert_not_null(buf);
	return buf;
}

Test(prefilter, property_on_a_generated_stream)
{
	size_t		 len;
	char		*buf;
	int		 r, lines = 0;

	if ((buf = gen_stream(3000, "mix", 0.05, 7, &len)) == NULL)
		cr_skip_test("no hecsentry-gen: build the bench tools");
	r = check_lines(buf, len, 3, &lines);
	free(buf);
	cr_assert_eq(lines, 3000);
	/* Most events are certain: each rejects most of the 31 codes. */
	cr_assert_gt(r, 3000 * 20);
}

struct sink {
	char		*buf;		/* alerts, one a line */
	size_t		 len;
	size_t		 cap;
	size_t		 n;		/* alerts */
};

static void
sink_cb(const char *json, size_t len, const struct detection *d, void *arg)
{
	struct sink	*k = arg;

	(void)d;
	if (k->len + len + 1 > k->cap) {
		k->cap = (k->len + len + 1) * 2;
		k->buf = realloc(k->buf, k->cap);
		cr_assert_not_null(k->buf);
	}
	memcpy(k->buf + k->len, json, len);
	k->buf[k->len + len] = '\n';
	k->len += len + 1;
	k->n++;
}

/* Feeds every line of stream through a pipeline with the shipped set. */
static void
run_pipeline(const char *stream, size_t len, bool on, struct sink *k,
    struct pipeline_counters *c)
{
	const char		*dir = getenv("CONFDIR");
	struct detection_set	*set;
	struct pipeline_opts	 po;
	struct pipeline		*pl;
	char			 det[1024], mac[1024];
	char			*err = NULL;
	const char		*p, *e;
	int64_t			 now = 1795852800000LL;
	size_t			 i = 0;

	snprintf(det, sizeof(det), "%s/detections", dir ? dir : "conf");
	snprintf(mac, sizeof(mac), "%s/macros", dir ? dir : "conf");
	set = detection_set_load(det, mac, &err);
	cr_assert_not_null(set, "%s", err ? err : "?");
	detection_set_use_cim(set, testref_cim_load());
	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 1000;
	po.stats.max_bytes = 1 << 22;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	memset(k, 0, sizeof(*k));
	prefilter_set_enabled(on);
	pl = pipeline_new(set, &po, sink_cb, k);
	for (p = stream; p < stream + len; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(stream + len - p))) == NULL)
			e = stream + len;
		pipeline_frame(pl, p, (size_t)(e - p), now);
		now += 37;
		if (++i % 100 == 0)
			pipeline_tick(pl, now);
	}
	pipeline_flush(pl);
	pipeline_get_counters(pl, c);
	pipeline_free(pl);
	detection_set_unref(set, __func__);
	prefilter_set_enabled(true);
}

/* Appends the lines of file (a NUL-free text) to *s. */
static void
append(char **s, size_t *len, const char *add, size_t alen)
{
	*s = realloc(*s, *len + alen + 2);
	cr_assert_not_null(*s);
	memcpy(*s + *len, add, alen);
	*len += alen;
	if (alen > 0 && add[alen - 1] != '\n')
		(*s)[(*len)++] = '\n';
}

Test(prefilter, pipeline_alerts_identical_with_and_without)
{
	static const char *files[] = {
		"shapes/nxlog.json", "shapes/splunk_flat.json",
		"shapes/winlogbeat.json", "shapes/winlogbeat_ecs.json",
		"shapes/xmlwineventlog.xml",
		"splunk_security_content_agenttesla_ftp_eid3/"
		    "agenttesla_ftp_sysmon_eid3.xml",
		"otrf_security_datasets_sysmon_eid3/"
		    "otrf_sysmon_eid3_sample.ndjson",
		"e2e/tcp-lf.log", "e2e/udp.log"
	};
	static const struct {
		const char	*shape;
		double		 hits;
	} gens[] = { { "winlogbeat", 0.01 }, { "mix", 0.05 } };
	struct pipeline_counters con, coff;
	struct sink		 on, off;
	char			*stream = NULL, *buf;
	size_t			 slen = 0, len, i;
	bool			 generated = false;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf = read_data(files[i], &len);
		append(&stream, &slen, buf, len);
		free(buf);
	}
	for (i = 0; i < sizeof(gens) / sizeof(gens[0]); i++) {
		buf = gen_stream(4000, gens[i].shape, gens[i].hits,
		    (int)i + 3, &len);
		if (buf == NULL)
			continue;
		generated = true;
		append(&stream, &slen, buf, len);
		free(buf);
	}
	run_pipeline(stream, slen, true, &on, &con);
	run_pipeline(stream, slen, false, &off, &coff);
	cr_assert_gt(off.n, 1, "the streams hold hits");
	cr_assert_eq(on.n, off.n, "alerts: %zu with, %zu without", on.n,
	    off.n);
	cr_assert_eq(on.len, off.len);
	cr_assert(memcmp(on.buf, off.buf, on.len) == 0,
	    "the alerts differ");
	cr_assert_eq(coff.prefiltered, 0);
	cr_assert_eq(con.events + con.prefiltered, coff.events);
	cr_assert_eq(con.rows, coff.rows);
	if (generated)
		cr_assert_gt(con.prefiltered, 4000, "prefiltered %llu",
		    (unsigned long long)con.prefiltered);
	free(on.buf);
	free(off.buf);
	free(stream);
}

/*
 * Issue 16: a payload with several event ids is kept when any of them is
 * the one a detection requires, wherever it comes in the payload
 * (prefilter.h: reject only when every detection requires an EventCode
 * the payload "certainly does not have"); rejected when none is.
 */
Test(prefilter, every_id_of_a_payload_counts)
{
	static const char *const docs[] = {
		"{\"EventID\":1,\"winlog\":{\"event_id\":\"3\"}}",
		"{\"EventID\":3,\"winlog\":{\"event_id\":\"1\"}}",
		"{\"EventCode\":5,\"EventID\":1,\"winlog\":{\"event_id\":3}}",
		"<Event><System><EventID>1</EventID></System>"
		    "<EventID>3</EventID></Event>",
	};
	struct detection	 d;
	struct detection	*dp = &d;
	struct detection_set	 set = { .refcnt = 1, .n = 1, .d = &dp };
	uint32_t		 ids[PREFILTER_MAX_IDS];
	size_t			 i;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cr_assert_geq(prefilter_scan(docs[i], strlen(docs[i]), ids,
		    PREFILTER_MAX_IDS), 2, "%s", docs[i]);
		d.search = eq[3];
		cr_expect_not(prefilter_reject(&set, docs[i],
		    strlen(docs[i])), "EventCode=3 on %s", docs[i]);
		d.search = eq[1];
		cr_expect_not(prefilter_reject(&set, docs[i],
		    strlen(docs[i])), "EventCode=1 on %s", docs[i]);
		d.search = eq[22];
		cr_expect(prefilter_reject(&set, docs[i], strlen(docs[i])),
		    "EventCode=22 on %s", docs[i]);
	}
}
