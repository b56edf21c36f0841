/*
 * libFuzzer target for decode_xml(): the input is one payload.  Checks
 * that the result is a known reason, that an accepted document has the
 * XML shape, that every stored value is non-empty and readable, and that
 * the reused per-thread parser gives the same answer a second time (a
 * reset that leaks state from one message into the next would not), and
 * a third time with only the builtin fields wanted (decode_ctx_want()):
 * the same answer, each field it stores equal to the first time's.
 *
 * Differential: every input is also decoded by expat alone
 * (decode_xml_set_fast(false)), by decode_xml_scan() alone and by
 * decode_xml() as the daemon runs it, with decoded and raw values
 * (xml_values), with every field and with only the builtin ones wanted,
 * and with a roomy and a tight arena and depth limit.  Where the
 * scanner decodes, expat must say DECODE_OK with the same fields, the
 * same values and the same arena bytes used; where it gives up, the
 * event must be untouched; decode_xml() must answer as expat does.  Any
 * difference aborts.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"

#define FUZZ_MAX_DEPTH	64

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const names[] = {
		"Hashes", "TargetFilename", "Level"
	};
	size_t	 i;

	(void)argc;
	(void)argv;
	event_fields_init();
	/* Registered but not builtin: fuzz_want_none leaves them out. */
	for (i = 0; i < DECODE_SYS_N; i++)
		(void)event_field_intern(decode_sys_name((enum decode_sys)i),
		    strlen(decode_sys_name((enum decode_sys)i)));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)event_field_intern(names[i], strlen(names[i]));
	return 0;
}

/* Only the builtin ids: decode_ctx_want() adds them to an empty set. */
static const uint64_t fuzz_want_none[EVENT_MAX_FIELDS / 64];

/* Reads every value so that ASan checks where it points. */
static unsigned
fuzz_event_sum(const struct event *ev)
{
	unsigned	 sum = 0;
	uint32_t	 i;
	int		 id;

	for (id = 0; id < event_field_count(); id++) {
		if (!event_has(ev, id))
			continue;
		if (ev->val[id].len == 0 || ev->val[id].ptr == NULL)
			abort();
		for (i = 0; i < ev->val[id].len; i++)
			sum = sum * 31 + (unsigned char)ev->val[id].ptr[i];
	}
	return sum;
}

static void
fuzz_diff_fail(const char *what, int id)
{
	fprintf(stderr, "decode_xml_scan: %s: %s\n", what,
	    id == -2 ? "arena used or shape" : event_field_name(id));
	abort();
}

/* The scanner against expat on buf, with lim and an arena of cap bytes. */
static void
fuzz_diff(const char *buf, size_t size, const struct decode_limits *lim,
    size_t cap)
{
	struct event		 ref, scan, fast;
	enum decode_error	 eref, efast;
	bool			 ok;
	int			 id;

	event_init(&ref, cap);
	event_init(&scan, cap);
	event_init(&fast, cap);
	decode_xml_set_fast(false);
	eref = decode_xml(testref_dc(), buf, size, lim, &ref);
	decode_xml_set_fast(true);
	ok = decode_xml_scan(testref_dc(), buf, size, lim, &scan);
	if (ok && eref != DECODE_OK) {
		fprintf(stderr, "decode_xml_scan: decoded what expat refuses "
		    "(%s)\n", decode_error_name(eref));
		abort();
	}
	if (ok && (id = testref_event_diff(&scan, &ref)) != -1)
		fuzz_diff_fail("differs from expat", id);
	if (!ok) {
		event_reset(&fast);
		if ((id = testref_event_diff(&scan, &fast)) != -1)
			fuzz_diff_fail("gave up but changed the event", id);
	}
	efast = decode_xml(testref_dc(), buf, size, lim, &fast);
	if (efast != eref) {
		fprintf(stderr, "decode_xml: %s, expat alone %s\n",
		    decode_error_name(efast), decode_error_name(eref));
		abort();
	}
	if (eref == DECODE_OK && (id = testref_event_diff(&fast, &ref)) != -1)
		fuzz_diff_fail("decode_xml() differs from expat", id);
	event_clear(&fast);
	event_clear(&scan);
	event_clear(&ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_limits	 lim;
	struct event		 ev, few;
	enum decode_error	 e1, e2;
	unsigned		 s1;
	int			 id;
	char			*buf;

	memset(&lim, 0, sizeof(lim));
	lim.max_depth = FUZZ_MAX_DEPTH;
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	event_init(&ev, size + 1024);
	e1 = decode_xml(testref_dc(), buf, size, &lim, &ev);
	if ((unsigned)e1 >= DECODE_NERRORS)
		abort();
	if (e1 == DECODE_OK && ev.shape != EVENT_SHAPE_XML)
		abort();
	s1 = fuzz_event_sum(&ev);
	event_reset(&ev);
	e2 = decode_xml(testref_dc(), buf, size, &lim, &ev);
	if (e1 != e2) {
		fprintf(stderr, "decode_xml: %s then %s on the same input\n",
		    decode_error_name(e1), decode_error_name(e2));
		abort();
	}
	if (e1 == DECODE_OK && fuzz_event_sum(&ev) != s1) {
		fprintf(stderr, "decode_xml: other fields the second time\n");
		abort();
	}
	event_init(&few, size + 1024);
	decode_ctx_want(testref_dc(), fuzz_want_none);
	e2 = decode_xml(testref_dc(), buf, size, &lim, &few);
	decode_ctx_want(testref_dc(), NULL);
	if (e1 != e2) {
		fprintf(stderr, "decode_xml: %s, then %s with fewer fields\n",
		    decode_error_name(e1), decode_error_name(e2));
		abort();
	}
	if (e1 == DECODE_OK && (id = testref_event_within(&few, &ev)) != -1) {
		fprintf(stderr, "decode_xml: %s differs with fewer fields\n",
		    event_field_name(id));
		abort();
	}
	event_clear(&few);
	event_clear(&ev);

	fuzz_diff(buf, size, &lim, size + 1024);
	lim.xml_raw = true;
	fuzz_diff(buf, size, &lim, size + 1024);
	lim.xml_raw = false;
	lim.max_xml_depth = 4;
	fuzz_diff(buf, size, &lim, size / 3 + 1);
	lim.max_xml_depth = 0;
	decode_ctx_want(testref_dc(), fuzz_want_none);
	fuzz_diff(buf, size, &lim, size + 1024);
	decode_ctx_want(testref_dc(), NULL);
	free(buf);
	return 0;
}
