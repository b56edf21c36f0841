/*
 * Decoding in tests (testref.h): the switch of decode_json.c's speed
 * code, which the daemon sets only once, before main(), from what the
 * CPU has, and the switch of decode_xml.c's scanner; the one decode
 * context of a test process; the check of an event decoded with fewer
 * fields wanted, and the comparison of two decoders' events.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <string.h>

#include "decode/decode.h"
#include "testref.h"

void
decode_json_set_simd(bool on)
{
#if defined(__x86_64__) && defined(__GNUC__)
	decode_json_avx2 = on && __builtin_cpu_supports("avx2");
#else
	decode_json_avx2 = false;
	(void)on;
#endif
}

void
decode_xml_set_fast(bool on)
{
	decode_xml_fast = on;
}

struct decode_ctx *
testref_dc(void)
{
	static struct decode_ctx	*dc;	/* never freed */

	if (dc == NULL)
		dc = decode_ctx_new();
	return dc;
}

int
testref_event_within(const struct event *few, const struct event *all)
{
	int	 id;

	for (id = 0; id < event_field_count(); id++)
		if (event_has(few, id) && (!event_has(all, id) ||
		    few->val[id].len != all->val[id].len ||
		    memcmp(few->val[id].ptr, all->val[id].ptr,
		    few->val[id].len) != 0))
			return id;
	return -1;
}

int
testref_event_diff(const struct event *a, const struct event *b)
{
	int	 id;

	if (a->arena_len != b->arena_len || a->shape != b->shape)
		return -2;
	for (id = 0; id < EVENT_MAX_FIELDS; id++) {
		if (event_has(a, id) != event_has(b, id))
			return id;
		if (event_has(a, id) && (a->val[id].len != b->val[id].len ||
		    memcmp(a->val[id].ptr, b->val[id].ptr,
		    a->val[id].len) != 0))
			return id;
	}
	return -1;
}
