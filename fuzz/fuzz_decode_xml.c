/*
 * libFuzzer target for decode_xml(): the input is one payload.  Checks
 * that the result is a known reason, that an accepted document has the
 * XML shape, that every stored value is non-empty and readable, and that
 * the reused per-thread parser gives the same answer a second time (a
 * reset that leaks state from one message into the next would not), and
 * a third time with only the builtin fields wanted (decode_ctx_want()):
 * the same answer, each field it stores equal to the first time's.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

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
	free(buf);
	return 0;
}
