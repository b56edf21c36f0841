/*
 * Unit tests of the fast JSON scanner's own machinery (decode_json.c),
 * each against the json-c reference (differential()): the per-thread
 * memo of resolved keys and its key predictions, cold, warm, at every
 * cut and with many keys; objects and arrays skipped when no key below
 * them can name a field, with their depth and bad bytes; the string scan
 * at every special byte and every cut; escapes and numbers at every
 * offset and length; and generated streams of every JSON shape.  The
 * shapes, fixtures and refusals are in test_decode.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "input/syslog.h"
#include "testref.h"
#include "expect_event.h"
#include "decode_fixture.h"

/*
 * The per-thread memo of resolved key paths must notice a registry that
 * grew (a reload interned a new name): the same key then names a field.
 */
Test(decode, resolve_memo_follows_the_registry)
{
	const char	*doc = "{\"EventCode\":\"1\",\"Computer\":\"c\","
	    "\"memo_probe_field_q\":\"x\"}";
	int		 id;

	cr_assert_eq(event_field_lookup("memo_probe_field_q", 18), -1);
	cr_assert_eq(decode_json(testref_dc(), doc, strlen(doc), &lim, &ev),
	    DECODE_OK);
	cr_assert_eq(decode_json(testref_dc(), doc, strlen(doc), &lim, &ev),
	    DECODE_OK);
	id = event_field_intern("memo_probe_field_q", 18);
	cr_assert_neq(id, -1);
	event_reset(&ev);
	cr_assert_eq(decode_json(testref_dc(), doc, strlen(doc), &lim, &ev),
	    DECODE_OK);
	cr_assert(event_eq(&ev, id, "x"));
}

/*
 * Objects below which no key can name anything are only validated
 * (decode_jname.sub): a dotted name registered later makes the keys below
 * its prefix count again, an empty top-level key is still walked as the
 * top level, "winlog." is walked for the shape rule, and errors and depth inside a skipped object are the same as
 * when it is walked.
 */
Test(decode, skipped_objects_follow_the_registry_and_stay_exact)
{
	static const struct decode_limits four = { .max_depth = 4 };
	const char	*doc = "{\"EventCode\":\"1\",\"Computer\":\"c\","
	    "\"skipq\":{\"agent\":{\"name\":\"n\",\"v\":[1,{}]}}}";
	static const struct {
		const char		*in;
		enum decode_error	 err;
	} bad[] = {
		{ "{\"EventCode\":1,\"agent\":{\"a\":[1,]}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\" 1}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":\"\\q\"}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":01}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":nul}}",
		    DECODE_ERR_JSON_SYNTAX },
		{ "{\"EventCode\":1,\"agent\":{\"a\":{\"b\":{}}}}",
		    DECODE_OK },
		{ "{\"EventCode\":1,\"agent\":{\"a\":{\"b\":{\"c\":{}}}}}",
		    DECODE_ERR_JSON_DEPTH },
		{ "{\"EventCode\":1,\"agent\":[[[[1]]]]}",
		    DECODE_ERR_JSON_DEPTH },
		{ "{\"EventCode\":1,\"agent\":{\"a\":1}",
		    DECODE_ERR_JSON_SYNTAX },
	};
	const char	*empty =
	    "{\"\":{\"EventCode\":\"3\",\"Image\":\"i\"}}";
	const char	*dot = "{\"winlog.\":{\"x\":{}}}";
	size_t		 i;
	int		 id;

	cr_assert_eq(event_field_lookup("skipq.agent.name", 16), -1);
	event_reset(&ev);
	cr_assert_eq(differential(doc, strlen(doc), &lim, "before"),
	    DECODE_OK);
	id = event_field_intern("skipq.agent.name", 16);
	cr_assert_neq(id, -1);
	event_reset(&ev);
	cr_assert_eq(differential(doc, strlen(doc), &lim, "after"),
	    DECODE_OK);
	cr_expect(event_eq(&ev, id, "n"));
	event_reset(&ev);
	cr_assert_eq(differential(empty, strlen(empty), &lim, "empty key"),
	    DECODE_OK);
	expect_field(&ev, "Image", "i", "empty key");
	event_reset(&ev);
	cr_expect_eq(differential(dot, strlen(dot), &lim, "winlog."),
	    DECODE_OK);
	cr_expect_eq(ev.shape, EVENT_SHAPE_WINLOGBEAT);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(differential(bad[i].in, strlen(bad[i].in), &four,
		    bad[i].in), bad[i].err, "%s: want %s", bad[i].in,
		    decode_error_name(bad[i].err));
}

/*
 * The string scans (eight bytes a step, and 32 with AVX2): a quote, a
 * backslash or a control character at every offset of a long string is
 * found where it is, bytes 0x20, 0x7f and above 0x7f are plain, and 0x1f
 * is not.  Run with and without padding after the string, so that it is
 * both far from and within 32 bytes of the end of the buffer.
 */
Test(decode, string_scan_finds_every_special_byte)
{
	static const char pad[] = ",\"Computer\":\"0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef\"";
	char		 doc[256], want[80];
	const char	*v;
	size_t		 len, at, head;
	int		 n, simd, tail;

	head = strlen("{\"EventCode\":\"1\",\"Image\":\"");
	for (simd = 0; simd < 2; simd++)
	for (tail = 0; tail < 2; tail++)
	for (at = 0; at < 70; at++) {
		decode_json_set_simd(simd);
		memset(want, 'a', sizeof(want));
		want[(at + 3) % 70] = ' ';
		want[(at + 5) % 70] = '\x7f';
		want[at] = '\xc3';
		want[at + 1] = '\xa9';
		want[71] = '\0';
		n = snprintf(doc, sizeof(doc), "{\"EventCode\":\"1\","
		    "\"Image\":\"%.*s\\\\%s\"%s}", (int)at, want, want + at,
		    tail ? pad : "");
		cr_assert_lt(n, (int)sizeof(doc));
		event_reset(&ev);
		cr_assert_eq(decode_json(testref_dc(), doc, (size_t)n, &lim,
		    &ev),
		    DECODE_OK, "simd %d tail %d at %zu", simd, tail, at);
		cr_assert(event_get(&ev, EVENT_F_IMAGE, &v, &len));
		cr_assert_eq(len, 72, "at %zu: %zu", at, len);
		cr_assert_eq(v[at], '\\', "at %zu", at);
		/* the byte after the escaped backslash */
		doc[head + at + 2] = '\x1f';
		event_reset(&ev);
		cr_assert_eq(decode_json(testref_dc(), doc, (size_t)n, &lim,
		    &ev),
		    DECODE_ERR_JSON_SYNTAX, "control byte at %zu", at);
		/* a quote there ends the string early: bad JSON after it */
		doc[head + at + 2] = '"';
		event_reset(&ev);
		cr_assert_eq(decode_json(testref_dc(), doc, (size_t)n, &lim,
		    &ev),
		    DECODE_ERR_JSON_SYNTAX, "quote at %zu", at);
	}
	decode_json_set_simd(true);
}

/*
 * Streams of every JSON shape from bench/hecsentry-gen (the XML lines are
 * skipped): the fast decoder, portable and AVX2, cold and warm, agrees
 * with json-c on every payload.  Several seeds and shapes interleaved,
 * so that the per-thread tables see keys in changing orders.
 */
Test(decode, generated_streams_agree_with_reference)
{
	static const char *shapes[] = { "mix", "winlogbeat", "ecs", "nxlog",
	    "flat" };
	const char		*bin = getenv("BENCHBIN");
	const char		*reason;
	struct syslog_msg	 m;
	char			 gen[1024], cmd[1200], ctx[64];
	char			*line = NULL;
	size_t			 cap = 0, i, n = 0;
	ssize_t			 len;
	FILE			*f;

	snprintf(gen, sizeof(gen), "%s/hecsentry-gen", bin != NULL ? bin :
	    "bench");
	if (access(gen, X_OK) == -1)
		cr_skip_test("no %s: build the bench tools", gen);
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(cmd, sizeof(cmd), "'%s' -n 600 --shape %s "
		    "--framing lf --hits 0.05 --keys 50 --seed %zu "
		    "2>/dev/null", gen, shapes[i], i + 11);
		cr_assert_not_null(f = popen(cmd, "r"), "%s", cmd);
		while ((len = getline(&line, &cap, f)) > 0) {
			if (line[len - 1] == '\n')
				len--;
			cr_assert_eq(syslog_parse(line, (size_t)len, 0, &m,
			    &reason), 0, "%s: %.*s", reason, (int)len, line);
			if (m.msg_len == 0 || m.msg[0] != '{')
				continue;
			snprintf(ctx, sizeof(ctx), "%s line %zu", shapes[i],
			    n);
			cr_expect_eq(differential(m.msg, m.msg_len, &lim, ctx),
			    DECODE_OK, "%s", ctx);
			n++;
		}
		cr_assert_eq(pclose(f), 0, "%s", cmd);
	}
	free(line);
	decode_json_set_simd(true);
	cr_expect_gt(n, 2500);
}

/*
 * Key prediction (decode_json.c): keys are remembered under the object
 * they were met in, so a key met again under another path, spelt with
 * an escape, repeated, or under a path that grew too long must still
 * resolve as decode_jctx_resolve() says.  Each document is decoded
 * after the ones before it have filled the table.
 */
Test(decode, key_prediction_is_exact)
{
	static const char *docs[] = {
		"{\"winlog\":{\"event_id\":3,\"event_data\":{\"Image\":\"a\","
		    "\"User\":\"u\"}},\"process\":{\"executable\":\"e\"}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":{\"User\":\"u\","
		    "\"Image\":\"a\"}},\"process\":{\"executable\":\"e\"}}",
		"{\"winlog\":{\"event_id\":3,\"x\":{\"Image\":\"no\"},"
		    "\"event_data\":{\"Image\":\"yes\"}}}",
		"{\"winlog\":{\"event_id\":3,\"event_dat\\u0061\":"
		    "{\"Im\\u0061ge\":\"esc\"}}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":{\"Image\":\"1\","
		    "\"Image\":\"2\",\"Image\":null}}}",
		"{\"winlog\":{\"event_id\":3},\"EventData\":"
		    "{\"Image\":\"ed\"},\"process\":{\"executable\":\"e\"}}",
		"{\"EventData\":{\"Image\":\"ed\"},\"winlog\":{\"event_id\":3,"
		    "\"event_data\":{\"Image\":\"raw\"}}}",
		"{\"\":{\"\":{\"EventCode\":3,\"Image\":\"deep\"}}}",
		"{\"EventCode\":3,\"\":{\"Image\":\"top\"}}",
		"{\"EventCode\":3,\"Image\":\"end\"}",
		"{\"EventCode\":3,\"network\":{\"direction\":\"egress\"},"
		    "\"winlog\":{}}",
		"{\"EventCode\":3,\"network\":{\"direction\":\"ingress\"},"
		    "\"winlog.\":{}}",
		/* the linked key is a prefix, an extension, escaped, spaced */
		"{\"EventCode\":3,\"Image\":\"a\",\"User\":\"u\"}",
		"{\"EventCode\":3,\"ImageLoaded\":\"a\",\"Use\":\"u\"}",
		"{\"EventCode\":3,\"Imag\":\"a\",\"User\\u0022\":\"u\"}",
		"{\"EventCode\":3,\"Image\" :\"a\",\"User\"\t: \"u\"}",
		"{\"EventCode\":3,\"Image\":\"a\",\"User\":\"u\"}",
		"{\"EventCode\":3,\"Im\\u0061ge\":\"b\",\"User\":\"v\"}",
		"{\"EventCode\":3,\"Image\":{\"User\":\"x\"},\"User\":\"w\"}",
		"{\"EventCode\":3,\"Image\":\"a\",\"User\":\"u\"}",
		/* the same keys under objects of other paths */
		"{\"winlog\":{\"event_data\":{\"Image\":\"1\"},"
		    "\"event_id\":3},\"EventData\":{\"Image\":\"2\"}}",
		"{\"EventData\":{\"Image\":\"2\"},\"winlog\":{"
		    "\"event_data\":{\"Image\":\"1\"},\"event_id\":3}}",
		"{\"winlog\":{\"event_data\":{\"Image\":\"1\"},"
		    "\"event_id\":3},\"EventData\":{\"Image\":\"2\"}}",
		/* a 30-byte key (predicted) and a 31-byte one (not) */
		"{\"EventCode\":3,\"abcdefghijklmnopqrstuvwxyz0123\":1,"
		    "\"abcdefghijklmnopqrstuvwxyz01234\":2,\"Image\":\"i\"}",
		"{\"EventCode\":3,\"abcdefghijklmnopqrstuvwxyz0123\":1,"
		    "\"abcdefghijklmnopqrstuvwxyz01234\":2,\"Image\":\"i\"}",
	};
	char		 doc[4096], ctx[32];
	size_t		 i, len;
	int		 round, k;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
			snprintf(ctx, sizeof(ctx), "doc %zu round %d", i,
			    round);
			cr_expect_eq(differential(docs[i], strlen(docs[i]),
			    &lim, ctx), DECODE_OK, "%s: %s", ctx, docs[i]);
		}

	/*
	 * Below winlog.event_data every key is walked: short keys nested
	 * until the path crosses DECODE_PATH_MAX, at every length.
	 */
	for (k = 1; k <= 32; k++) {
		len = (size_t)snprintf(doc, sizeof(doc), "{\"winlog\":{"
		    "\"event_id\":3,\"event_data\":{\"%.*s\":{", k,
		    "pppppppppppppppppppppppppppppppp");
		for (i = 0; i < 7; i++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
			    "\"Image\":\"%zu\",\"level%zu_abcdefghijklmnop"
			    "qrstuvw\":{", i, i);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len,
		    "\"Image\":\"last\",\"User\":\"u\"}}}}}}}}}}}");
		cr_assert_lt(len, sizeof(doc));
		snprintf(ctx, sizeof(ctx), "long path %d", k);
		cr_expect_eq(differential(doc, len, &lim, ctx), DECODE_OK,
		    "%s: %s", ctx, doc);
	}
}

/*
 * Thousands of distinct keys evict each other in the fixed table, and a
 * known document is still decoded right afterwards.
 */
Test(decode, key_prediction_survives_many_keys)
{
	const char	*known = "{\"winlog\":{\"event_id\":3,\"event_data\":"
	    "{\"Image\":\"a\",\"DestinationPort\":\"25\"}}}";
	char		*doc;
	size_t		 len = 0, cap = 200000;
	int		 i;

	cr_assert_not_null(doc = malloc(cap));
	len += (size_t)snprintf(doc + len, cap - len,
	    "{\"winlog\":{\"event_id\":3,\"event_data\":{");
	for (i = 0; i < 5000; i++)
		len += (size_t)snprintf(doc + len, cap - len,
		    "\"k%d\":{\"Image\":%d},", i, i);
	len += (size_t)snprintf(doc + len, cap - len, "\"Image\":\"b\"}}}");
	cr_assert_lt(len, cap);
	cr_expect_eq(differential(known, strlen(known), &lim, "before"),
	    DECODE_OK);
	cr_expect_eq(differential(doc, len, &lim, "many"), DECODE_OK);
	expect_field(&ev, "Image", "b", "many");
	cr_expect_eq(differential(known, strlen(known), &lim, "after"),
	    DECODE_OK);
	expect_field(&ev, "Image", "a", "after");
	free(doc);
}

/*
 * A predicted key compared near the end of the buffer: every cut of a
 * document (all refused) and the whole one, after the whole one filled
 * the table; nothing past the cut may be read (valgrind, ASan).
 */
Test(decode, key_prediction_at_every_cut)
{
	const char	*doc = "{\"winlog\":{\"event_id\":3,\"event_data\":"
	    "{\"Image\":\"a\",\"DestinationPortName\":\"smtp\",\"User\":"
	    "\"u\"}}}";
	char		*cut;
	size_t		 i, len = strlen(doc);
	char		 ctx[32];

	cr_expect_eq(differential(doc, len, &lim, "whole"), DECODE_OK);
	for (i = 0; i < len; i++) {
		cr_assert_not_null(cut = malloc(i > 0 ? i : 1));
		memcpy(cut, doc, i);
		snprintf(ctx, sizeof(ctx), "cut at %zu", i);
		cr_expect_neq(differential(cut, i, &lim, ctx), DECODE_OK,
		    "%s", ctx);
		free(cut);
	}
	cr_expect_eq(differential(doc, len, &lim, "whole again"), DECODE_OK);
	expect_field(&ev, "DestinationPortName", "smtp", "whole again");
}

/*
 * The skipper (decode_json_skip_in()) against json-c: depth exactly at
 * and one over the limit inside a skipped object and a skipped array, at
 * several limits, with objects, arrays of arrays and both mixed.  The
 * skipped value sits at depth 2 ("agent" under the top object).
 */
Test(decode, skipped_depth_at_and_over_the_limit)
{
	static const int limits[] = { 2, 3, 4, 5, 8, 31, 32, 33, 63, 64,
	    65, 100, 200 };
	struct decode_limits	 l;
	char			*doc, ctx[64];
	size_t			 len, cap = 8192, li;
	int			 extra, i, kind, levels;

	cr_assert_not_null(doc = malloc(cap));
	for (li = 0; li < sizeof(limits) / sizeof(limits[0]); li++)
	for (kind = 0; kind < 3; kind++)
	for (extra = -1; extra <= 1; extra++) {
		/* levels in all: the top object, then the skipped value */
		levels = limits[li] + extra;
		len = (size_t)snprintf(doc, cap, "{\"EventCode\":1,"
		    "\"agent\":");
		for (i = 1; i < levels; i++)
			len += (size_t)snprintf(doc + len, cap - len, "%s",
			    kind == 0 || (kind == 2 && i % 2) ? "{\"k\":" :
			    "[0,");
		len += (size_t)snprintf(doc + len, cap - len, "\"v\"");
		for (i = levels - 1; i >= 1; i--)
			len += (size_t)snprintf(doc + len, cap - len, "%s",
			    kind == 0 || (kind == 2 && i % 2) ? "}" : "]");
		len += (size_t)snprintf(doc + len, cap - len, "}");
		cr_assert_lt(len, cap);
		l.max_depth = limits[li];
		l.max_xml_depth = 0;
		l.max_xml_bytes = 0;
		snprintf(ctx, sizeof(ctx), "limit %d kind %d levels %d",
		    limits[li], kind, levels);
		cr_expect_eq(differential(doc, len, &l, ctx), levels >
		    limits[li] ? DECODE_ERR_JSON_DEPTH : DECODE_OK, "%s",
		    ctx);
		/* a syntax error after the too-deep bracket: still depth */
		if (levels > limits[li] && len > 3) {
			doc[len - 2] = ',';
			cr_expect_eq(differential(doc, len, &l, ctx),
			    DECODE_ERR_JSON_DEPTH, "%s, bad end", ctx);
		}
	}
	free(doc);
}

/*
 * Arrays of arrays, empty and not, and blanks at every place a skipped
 * value allows them.
 */
Test(decode, skipped_arrays_of_arrays)
{
	static const char *docs[] = {
		"{\"EventCode\":1,\"agent\":[]}",
		"{\"EventCode\":1,\"agent\":[[]]}",
		"{\"EventCode\":1,\"agent\":[[],[[]],[[],[]]]}",
		"{\"EventCode\":1,\"agent\":[1,[2,[3,[4]]],[[5]]]}",
		"{\"EventCode\":1,\"agent\":[{},[{}],{\"a\":[[]]}]}",
		"{\"EventCode\":1,\"agent\":[ [ ] , [ [ 1 ] ] ]}",
		"{\"EventCode\":1,\"agent\":[\t[\n]\r,\"x\" ,-0.5e-7 ]}",
		"{\"EventCode\":1,\"agent\":{ \"a\" : [ true , false ,"
		    " null ] , \"b\" : { } }}",
		"{\"EventCode\":1,\"agent\":[[],]}",
		"{\"EventCode\":1,\"agent\":[,[]]}",
		"{\"EventCode\":1,\"agent\":[[]]]}",
		"{\"EventCode\":1,\"agent\":[[}]}",
		"{\"EventCode\":1,\"agent\":[[]}",
		"{\"EventCode\":1,\"agent\":[[] []]}",
		"{\"EventCode\":1,\"agent\":[tru]}",
		"{\"EventCode\":1,\"agent\":[fals]}",
		"{\"EventCode\":1,\"agent\":[nul]}",
		"{\"EventCode\":1,\"agent\":[truex]}",
		"{\"EventCode\":1,\"agent\":[nulll]}",
		"{\"EventCode\":1,\"agent\":[-]}",
		"{\"EventCode\":1,\"agent\":[1e]}",
		"{\"EventCode\":1,\"agent\":[\"\\x\"]}",
		"{\"EventCode\":1,\"agent\":[\"\\u12g4\"]}",
	};
	char	 ctx[32];
	size_t	 i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		snprintf(ctx, sizeof(ctx), "doc %zu", i);
		(void)differential(docs[i], strlen(docs[i]), &lim, ctx);
	}
	cr_expect_eq(differential(docs[3], strlen(docs[3]), &lim, "ok"),
	    DECODE_OK);
	cr_expect_eq(differential(docs[8], strlen(docs[8]), &lim, "bad"),
	    DECODE_ERR_JSON_SYNTAX);
}

/*
 * A bad token at every position of a skipped object: each byte of the
 * value of "agent" replaced by each of a set of bytes, removed, and the
 * document cut there.  Both copies of the fast decoder and json-c give
 * the same outcome.  (The bytes json-c is laxer about, such as 'N' and
 * '\'', are left out; see fast_decoder_stricter_than_json_c.)
 */
Test(decode, skipped_object_bad_byte_at_every_position)
{
	static const char doc[] = "{\"EventCode\":1,\"agent\":{\"a\":[1,"
	    "-2.5e3,true,false,null,\"s\\n\\u00e9\\\\\",{\"b\":{}},[]],"
	    "\"c\":\"d\",\"e\":0}}";
	static const char bytes[] = "}],:\"x{[\\ 1\x01";
	char		 buf[sizeof(doc)], ctx[48];
	size_t		 at, j, start, len = sizeof(doc) - 1;

	start = strlen("{\"EventCode\":1,\"agent\":");
	cr_assert_eq(differential(doc, len, &lim, "whole"), DECODE_OK);
	for (at = start; at < len - 1; at++) {
		for (j = 0; j < sizeof(bytes) - 1; j++) {
			if (doc[at] == bytes[j])
				continue;
			memcpy(buf, doc, len);
			buf[at] = bytes[j];
			snprintf(ctx, sizeof(ctx), "byte %zu = 0x%02x", at,
			    (unsigned char)bytes[j]);
			(void)differential(buf, len, &lim, ctx);
		}
		memcpy(buf, doc, at);
		memcpy(buf + at, doc + at + 1, len - at - 1);
		snprintf(ctx, sizeof(ctx), "byte %zu removed", at);
		/* "-2.e3": json-c takes a bare trailing dot */
		if (doc[at - 1] != '.')
			(void)differential(buf, len - 1, &lim, ctx);
		else {
			event_reset(&ev);
			cr_expect_eq(decode_json(testref_dc(), buf, len - 1,
			    &lim, &ev),
			    DECODE_ERR_JSON_SYNTAX, "%s", ctx);
		}
		snprintf(ctx, sizeof(ctx), "cut at %zu", at);
		cr_expect_neq(differential(doc, at, &lim, ctx), DECODE_OK,
		    "%s", ctx);
	}
}

/*
 * Stored strings unescaped (8 and 32 bytes a step, and the tail through
 * the stack buffer): every escape at every offset of strings of every
 * length up to 80, far from and near the end of the buffer, against
 * json-c.
 */
Test(decode, unescape_every_escape_at_every_offset)
{
	static const char *escs[] = { "\\\\", "\\\"", "\\/", "\\n", "\\t",
	    "\\u00e9", "\\u20ac", "\\ud83d\\ude00", "\\ud800", "\\\\\\\\" };
	static const char pad[] = ",\"Computer\":\"0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\"";
	char		 doc[512], ctx[64], plain[96];
	char		*buf;
	size_t		 e, at, slen, cut;
	int		 n, tail;

	memset(plain, 'p', sizeof(plain));
	for (e = 0; e < sizeof(escs) / sizeof(escs[0]); e++)
	for (tail = 0; tail < 2; tail++)
	for (slen = 0; slen <= 80; slen++)
	for (at = 0; at <= slen; at += (slen > 40 ? 3 : 1)) {
		/* slen plain bytes with the escape at at, another after */
		n = snprintf(doc, sizeof(doc), "{\"EventCode\":\"1\","
		    "\"Image\":\"%.*s%s%.*s%s%.*s\"%s}", (int)at, plain,
		    escs[e], (int)(slen - at), plain, escs[(e + at) %
		    (sizeof(escs) / sizeof(escs[0]))], (int)(at * 7 % 41),
		    plain, tail ? pad : "");
		cr_assert_lt(n, (int)sizeof(doc));
		snprintf(ctx, sizeof(ctx), "esc %zu tail %d len %zu at %zu",
		    e, tail, slen, at);
		cr_expect_eq(differential(doc, (size_t)n, &lim, ctx),
		    DECODE_OK, "%s", ctx);
		/*
		 * Cut just after the first backslash, in a buffer of its
		 * own: nothing past it may be read (valgrind, ASan).
		 */
		if (tail == 0) {
			cut = (size_t)(strchr(doc + 26, '\\') - doc) + 1;
			cr_assert_not_null(buf = malloc(cut));
			memcpy(buf, doc, cut);
			cr_expect_eq(differential(buf, cut, &lim, ctx),
			    DECODE_ERR_JSON_SYNTAX, "%s, cut", ctx);
			free(buf);
		}
	}
}

/*
 * Numbers of 1 to 10 digits (the first eight bytes looked at in one
 * step), each followed by every kind of byte, stored and skipped, far
 * from and at the end of the buffer: the same outcome and text as
 * json-c.  The bytes 0xba and above carry out of their byte in the
 * step's b + 0x46.
 */
Test(decode, numbers_every_length_and_follower)
{
	static const char *after[] = { ",", "}", " ,", ".5,", "e5,", "E+5,",
	    "e-0,", "0,", "9,", "x,", "/,", ":,", "-,", "\x80,", "\xb9,",
	    "\xba,", "\xff,", "\x01,", "\"a\"," };
	static const char *lead[] = { "", "-", "0", "-0" };
	static const char digits[] = "9876543210";
	char		 doc[256], ctx[80];
	size_t		 a, d, ld;
	int		 n, skipped;

	for (skipped = 0; skipped < 2; skipped++)
	for (ld = 0; ld < sizeof(lead) / sizeof(lead[0]); ld++)
	for (d = 0; d <= 10; d++)
	for (a = 0; a < sizeof(after) / sizeof(after[0]); a++) {
		n = snprintf(doc, sizeof(doc), skipped ?
		    "{\"EventCode\":3,\"agent\":{\"x\":%s%.*s%s\"y\":1}}" :
		    "{\"EventCode\":3,\"DestinationPort\":%s%.*s%s"
		    "\"Image\":\"i\"}", lead[ld], (int)d, digits, after[a]);
		cr_assert_lt(n, (int)sizeof(doc));
		snprintf(ctx, sizeof(ctx), "%s %s%.*s then 0x%02x",
		    skipped ? "skipped" : "stored", lead[ld], (int)d, digits,
		    (unsigned char)after[a][0]);
		/* json-c stores the integer -0 as "0"; the text is kept */
		if (!skipped && (strstr(doc, ":-0,") != NULL ||
		    strstr(doc, ":-0 ,") != NULL)) {
			event_reset(&ev);
			cr_expect_eq(decode_json(testref_dc(), doc, (size_t)n,
			    &lim, &ev),
			    DECODE_OK, "%s", ctx);
			expect_field(&ev, "DestinationPort", "-0", ctx);
		} else
			(void)differential(doc, (size_t)n, &lim, ctx);
		/* cut after the number: it is last in the buffer */
		n -= (int)strlen(after[a]) + (skipped ? (int)strlen(
		    "\"y\":1}}") : (int)strlen("\"Image\":\"i\"}"));
		cr_expect_eq(differential(doc, (size_t)n, &lim, ctx),
		    DECODE_ERR_JSON_SYNTAX, "%s, cut", ctx);
	}
}

/*
 * Strings of 0 to 100 plain bytes (with a backslash escape or not) at
 * the end of a buffer of their own, whole and cut at every byte: the
 * AVX2 steps (the first two inlined, then the loop, then the last step
 * that ends at the end of the buffer) read nothing past it (valgrind,
 * ASan) and agree with json-c.
 */
Test(decode, string_scan_at_every_cut)
{
	char		 doc[160], ctx[48], plain[101];
	char		*buf;
	size_t		 slen, cut;
	int		 n, escd;

	memset(plain, 'p', sizeof(plain));
	for (escd = 0; escd < 2; escd++)
	for (slen = 0; slen <= 100; slen++) {
		n = snprintf(doc, sizeof(doc), "{\"EventCode\":\"1\","
		    "\"Image\":\"%s%.*s\"}", escd ? "\\\\" : "", (int)slen,
		    plain);
		cr_assert_lt(n, (int)sizeof(doc));
		for (cut = 26; cut <= (size_t)n; cut++) {
			cr_assert_not_null(buf = malloc(cut));
			memcpy(buf, doc, cut);
			snprintf(ctx, sizeof(ctx), "esc %d len %zu cut %zu",
			    escd, slen, cut);
			cr_expect_eq(differential(buf, cut, &lim, ctx),
			    cut == (size_t)n ? DECODE_OK :
			    DECODE_ERR_JSON_SYNTAX, "%s", ctx);
			free(buf);
		}
	}
}

/*
 * Keys below which a field can be named (decode_jname.sub) holding
 * objects after blanks, and holding strings, numbers, literals and
 * arrays instead (walked only when an object follows).
 */
Test(decode, walkable_keys_with_any_value)
{
	static const char *docs[] = {
		"{\"winlog\" :  {\"event_id\":3, \"event_data\" :\t"
		    "{\"Image\":\"x\"}}}",
		"{\"winlog\":\n{\"event_id\":3,\"event_data\":\r\n"
		    "{ \"Image\" : \"y\" }}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":\"s\"}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":12}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":null}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":[{\"Image\":"
		    "\"no\"}]}}",
		"{\"winlog\":{\"event_id\":3,\"event_data\":true},"
		    "\"EventData\":{\"Image\":\"z\"}}",
		"{\"winlog\":\"w\",\"EventCode\":3}",
		"{\"winlog\": ,\"EventCode\":3}",
		"{\"winlog\":{\"event_id\":3,\"event_data\": }}",
	};
	char	 ctx[32];
	size_t	 i;
	int	 round;

	for (round = 0; round < 2; round++)
		for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
			snprintf(ctx, sizeof(ctx), "doc %zu round %d", i,
			    round);
			(void)differential(docs[i], strlen(docs[i]), &lim,
			    ctx);
		}
	cr_expect_eq(differential(docs[0], strlen(docs[0]), &lim, "0"),
	    DECODE_OK);
	expect_field(&ev, "Image", "x", "0");
	cr_expect_eq(differential(docs[8], strlen(docs[8]), &lim, "8"),
	    DECODE_ERR_JSON_SYNTAX);
}
