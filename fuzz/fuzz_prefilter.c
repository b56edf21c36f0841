/*
 * libFuzzer target for the EventCode prefilter: on any payload, the AVX2
 * pass (where the CPU has it) and the portable pass give the same answer
 * and the same ids, and neither reads outside the payload (libFuzzer's
 * buffer is exactly the input's size, so ASan sees a byte too far).  And
 * the prefilter is exact: for every code N from 0 to FUZZ_MAX_CODE that
 * the ids let it reject, the decoded, normalised event (when there is
 * one) does not match "EventCode=N".
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "detect/prefilter.h"
#include "detect/spl.h"
#include "testref.h"

#define FUZZ_MAX_CODE	30
#define FUZZ_ARENA	131072

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct spl_search	*fuzz_eq[FUZZ_MAX_CODE + 1]; /* EventCode=N */
static struct event		 fuzz_ev;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct spl_error	 err;
	char			 text[64];
	int			 i;

	(void)argc;
	(void)argv;
	event_fields_init();
	event_init(&fuzz_ev, FUZZ_ARENA);
	for (i = 0; i <= FUZZ_MAX_CODE; i++) {
		snprintf(text, sizeof(text), "EventCode=%d | stats count", i);
		if ((fuzz_eq[i] = spl_compile(text, NULL, NULL, &err)) ==
		    NULL) {
			fprintf(stderr, "fuzz_prefilter: %s\n", err.msg);
			abort();
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct decode_limits lim = { .max_depth = 64 };
	const char	*buf = (const char *)data;
	uint32_t	 ids[PREFILTER_MAX_IDS], pids[PREFILTER_MAX_IDS];
	int		 n, k, code;

	prefilter_set_simd(true);
	n = prefilter_scan(buf, size, ids, PREFILTER_MAX_IDS);
	prefilter_set_simd(false);
	k = prefilter_scan(buf, size, pids, PREFILTER_MAX_IDS);
	prefilter_set_simd(true);
	if (k != n || (n > 0 && memcmp(ids, pids, (size_t)n *
	    sizeof(ids[0])) != 0)) {
		fprintf(stderr, "fuzz_prefilter: AVX2 pass %d, portable %d\n",
		    n, k);
		abort();
	}
	if (n == -1)
		return 0;
	event_reset(&fuzz_ev);
	if (decode_payload(testref_dc(), buf, size, &lim,
	    &fuzz_ev) != DECODE_OK ||
	    event_normalise(&fuzz_ev, 0, 1) != 0)
		return 0;
	for (code = 0; code <= FUZZ_MAX_CODE; code++) {
		for (k = 0; k < n; k++)
			if (ids[k] == (uint32_t)code)
				break;
		if (k == n && spl_match(fuzz_eq[code]->filter, &fuzz_ev)) {
			fprintf(stderr, "fuzz_prefilter: rejected for %d but "
			    "the event matches\n", code);
			abort();
		}
	}
	return 0;
}
