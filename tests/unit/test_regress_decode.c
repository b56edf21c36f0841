/*
 * Regression tests for what fuzz/fuzz_decode_json.c and
 * fuzz/fuzz_decode_xml.c found, each with its minimised input inline.
 * The JSON ones are differential: decode_json() and decode_json_ref()
 * must give the same outcome.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"

static struct event	 fast, ref;

static void
setup(void)
{
	event_fields_init();
	event_init(&fast, 1 << 16);
	event_init(&ref, 1 << 16);
}

static void
teardown(void)
{
	event_clear(&fast);
	event_clear(&ref);
}

TestSuite(regress_decode, .init = setup, .fini = teardown);

/* Both decoders on s: returns the fast result, requires the same one. */
static enum decode_error
both(const char *s)
{
	struct decode_limits	 lim;
	enum decode_error	 a, b;

	memset(&lim, 0, sizeof(lim));
	lim.max_depth = 64;
	event_reset(&fast);
	event_reset(&ref);
	a = decode_json(testref_dc(), s, strlen(s), &lim, &fast);
	b = decode_json_ref(testref_dc(), s, strlen(s), &lim, &ref);
	cr_expect_eq(a, b, "%s: fast %s, ref %s", s, decode_error_name(a),
	    decode_error_name(b));
	return a;
}

/*
 * fuzz_decode_json: json-c accepts a number with a leading zero even in
 * strict mode ("Keywords":-00000000.00000000000 in an OTRF record), which
 * RFC 8259 section 6 forbids and the fast scanner refuses.
 */
Test(regress_decode, json_leading_zero_refused_by_both)
{
	static const char *in[] = {
		"{\"EventCode\":01}",
		"{\"EventCode\":3,\"Keywords\":-00000000.00000000000}",
		"{\"a\":[1,00]}",
		"{\"a\":{\"b\":-01e5}}",
	};
	size_t	 i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		cr_expect_eq(both(in[i]), DECODE_ERR_JSON_SYNTAX, "%s", in[i]);
}

/* The pre-pass must not refuse what is valid: zeros that lead nothing. */
Test(regress_decode, json_zeros_still_accepted_by_both)
{
	static const char *in[] = {
		"{\"EventCode\":\"3\",\"Computer\":\"h\",\"a\":0}",
		"{\"EventCode\":\"3\",\"Computer\":\"h\",\"a\":-0.05}",
		"{\"EventCode\":\"3\",\"Computer\":\"h\",\"a\":1e05}",
		"{\"EventCode\":\"3\",\"Computer\":\"h\",\"a\":1E-007}",
		"{\"EventCode\":\"3\",\"Computer\":\"h\",\"a\":[10,0,100]}",
		"{\"EventCode\":\"3\",\"Computer\":\"h\",\"a\":\"007\"}",
	};
	size_t	 i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		cr_expect_eq(both(in[i]), DECODE_OK, "%s", in[i]);
}

/* A document nested depth levels deep: depth '[' after {"": and tail. */
static char *
nested(int depth, const char *tail)
{
	static char	 buf[512];
	int		 i, n;

	n = snprintf(buf, sizeof(buf), "{\"\":");
	for (i = 1; i < depth; i++)
		buf[n++] = '[';
	snprintf(buf + n, sizeof(buf) - n, "%s", tail);
	return buf;
}

/*
 * fuzz_decode_json: {"": and 64 '[' cut short (68 bytes) is 65 levels
 * deep.  The fast scanner refuses it for depth at the 65th bracket;
 * json-c finds depth only on a value inside the deepest level, so it
 * saw a truncated document and the reference said json_syntax.  The
 * same holds when the first error after the too deep bracket is a
 * syntax error, a leading zero, or trailing bytes after the document.
 */
Test(regress_decode, json_too_deep_then_other_error_is_depth)
{
	static const char *tails[] = { "", ",", "]]x", "01",
	    "\"\x01\"", "[]" };
	char	 doc[512];
	size_t	 i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(doc, sizeof(doc), "%s", nested(65, tails[i]));
		cr_expect_eq(both(doc), DECODE_ERR_JSON_DEPTH, "%s", doc);
	}
	/* 65 levels of empty arrays, closed, then trailing bytes. */
	snprintf(doc, sizeof(doc), "%s", nested(65, ""));
	for (i = 0; i < 64; i++)
		strcat(doc, "]");
	strcat(doc, "} x");
	cr_expect_eq(both(doc), DECODE_ERR_JSON_DEPTH, "%s", doc);
}

/* At the limit (64 levels) the other error is what both report. */
Test(regress_decode, json_at_depth_limit_keeps_syntax_error)
{
	static const char *tails[] = { "", ",", "01", "\"\x01\"" };
	char	 doc[512];
	size_t	 i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(doc, sizeof(doc), "%s", nested(64, tails[i]));
		cr_expect_eq(both(doc), DECODE_ERR_JSON_SYNTAX, "%s", doc);
	}
}

/*
 * fuzz_decode_json: "{{" and more '{' than the depth limit, then a
 * string with a raw control character.  The first error is the second
 * '{' (a key was expected): json_syntax from both, although the brackets
 * before the control character are too deep.
 */
Test(regress_decode, json_syntax_error_before_depth_and_control_char)
{
	char	 doc[512];

	memset(doc, '{', 80);
	snprintf(doc + 80, sizeof(doc) - 80, "  5 ,\"\xfa*\x12\x10\"}");
	cr_expect_eq(both(doc), DECODE_ERR_JSON_SYNTAX, "%s", doc);
	snprintf(doc + 80, sizeof(doc) - 80, "01}");
	cr_expect_eq(both(doc), DECODE_ERR_JSON_SYNTAX, "%s", doc);
}

/*
 * fuzz_decode_json: {"":-.3} (json-c takes "-.3" as a number even in
 * strict mode; RFC 8259 section 6 wants a digit after the minus sign).
 */
Test(regress_decode, json_minus_without_digit_refused_by_both)
{
	static const char *in[] = {
		"{\"\":-.3}",
		"{\"EventCode\":\"3\",\"a\":[-.5e1]}",
		"{\"a\":-}",
	};
	size_t	 i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		cr_expect_eq(both(in[i]), DECODE_ERR_JSON_SYNTAX, "%s", in[i]);
	cr_expect_eq(both("{\"EventCode\":\"3\",\"Computer\":\"h\","
	    "\"a\":-3.5e-2}"), DECODE_OK);
}
