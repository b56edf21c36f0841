/*
 * libFuzzer target for the eval expression engine (spl_eval.c,
 * spl_func.c): the input is an expression, compiled as "eval r=INPUT"
 * and as "where INPUT" after stats and as "where INPUT" before it.  An
 * expression that compiles is evaluated on a fixed row (multivalues
 * included) and on a fixed event; one that does not must give a message
 * and a position inside the search.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl.h"

#define FUZZ_EXPR_MAX	4096

static struct event	 fuzz_row;	/* a stats row, rebuilt per input */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fuzz_fields[][2] = {
	{ "a", "Hello World" },
	{ "n", "42" },
	{ "f", "-3.5e2" },
	{ "mv", "a\nb\n\nc" },
	{ "nums", "3\n10\n7" },
	{ "ip", "10.1.2.3" },
	{ "path", "C:\\Windows\\System32\\cmd.exe" },
	{ "t", "1586956800" },
	{ "u", "\xc3\xa9t\xc3\xa9%41%" }
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	event_fields_init();
	event_init(&fuzz_row, 1 << 16);
	return 0;
}

static void
fuzz_row_fill(void)
{
	size_t	 k;
	int	 id;

	event_reset(&fuzz_row);
	for (k = 0; k < sizeof(fuzz_fields) / sizeof(fuzz_fields[0]); k++) {
		id = event_field_intern(fuzz_fields[k][0],
		    strlen(fuzz_fields[k][0]));
		if (id != -1)
			(void)event_set(&fuzz_row, id, fuzz_fields[k][1],
			    strlen(fuzz_fields[k][1]));
	}
}

/* Compiles head, the expression and tail, and runs what compiles. */
static void
fuzz_one(const char *head, const char *expr, const char *tail)
{
	struct spl_search *s;
	struct spl_error err;
	char		*text;
	size_t		 len;

	len = strlen(head) + strlen(expr) + strlen(tail) + 1;
	if ((text = malloc(len)) == NULL)
		abort();
	snprintf(text, len, "%s%s%s", head, expr, tail);
	memset(&err, 0, sizeof(err));
	s = spl_compile(text, NULL, NULL, &err);
	if (s == NULL) {
		if (err.msg[0] == '\0' || err.line < 1 || err.column < 1)
			abort();
		free(text);
		return;
	}
	fuzz_row_fill();
	(void)spl_match(s->filter, &fuzz_row);
	(void)spl_post_apply(s, &fuzz_row);
	spl_search_free(s);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 expr[FUZZ_EXPR_MAX];

	if (size >= sizeof(expr) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(expr, data, size);
	expr[size] = '\0';
	fuzz_one("a=* | stats count by a, n, mv | eval r=", expr, "");
	fuzz_one("a=* | stats count by a, n, mv | where ", expr, "");
	fuzz_one("a=* | where ", expr, " | stats count");
	return 0;
}
