/*
 * The decoders store only the fields some reader wants (decode_ctx_want(),
 * issue 13): a registered field no detection or CIM rule reads is only
 * validated, a builtin one is always kept, and a new wanted set (a
 * reload) takes effect on the same context, whose caches resolved names
 * under the old one.  Expected values are the ones written in the fixtures
 * (tests/data/shapes, tests/data/README.md).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"
#include "expect_event.h"

#define ARENA		65536
#define NWORDS		(EVENT_MAX_FIELDS / 64)

static const struct decode_limits lim = { .max_depth = 32 };
static struct event	 ev;
static struct decode_ctx *dc;
static char		*doc;		/* the decoded document */

static void
setup(void)
{
	event_fields_init();
	event_init(&ev, ARENA);
	dc = decode_ctx_new();
}

static void
teardown(void)
{
	event_clear(&ev);
	decode_ctx_free(dc);
	free(doc);
	doc = NULL;
}

TestSuite(decode_want, .init = setup, .fini = teardown);

/* Registers name; returns its id. */
static int
reg(const char *name)
{
	int	 id;

	cr_assert_neq(id = event_field_intern(name, strlen(name)), -1);
	return id;
}

/* A wanted set of the ids given, ended by -1 (in the caller's words). */
static void
want_of(uint64_t *w, ...)
{
	va_list	 ap;
	int	 id;

	memset(w, 0, NWORDS * sizeof(*w));
	va_start(ap, w);
	while ((id = va_arg(ap, int)) != -1)
		w[id >> 6] |= (uint64_t)1 << (id & 63);
	va_end(ap);
}

static void
decode_fixture(const char *name)
{
	size_t	 len;

	free(doc);
	doc = read_data(name, &len);
	event_reset(&ev);
	cr_assert_eq(decode_payload(dc, doc, len, &lim, &ev), DECODE_OK,
	    "%s", name);
}

/*
 * XML: <System>'s Level and Task are registered; only the wanted one is
 * stored.  Computer and EventCode are builtin: stored whatever the set.
 * The same context then gets the other set, then none (every field).
 */
Test(decode_want, xml_stores_what_is_wanted)
{
	uint64_t	 a[NWORDS], b[NWORDS];
	int		 level, task;

	level = reg("Level");
	task = reg("Task");
	want_of(a, task, -1);
	want_of(b, level, -1);

	decode_ctx_want(dc, a);
	decode_fixture("shapes/xmlwineventlog.xml");
	expect_field(&ev, "Task", "3", "want Task");
	expect_field(&ev, "Level", NULL, "want Task");
	expect_field(&ev, "Computer", "WS01.contoso.local", "want Task");
	expect_field(&ev, "EventCode", "3", "want Task");
	expect_field(&ev, "DestinationPort", "25", "want Task");

	decode_ctx_want(dc, b);
	decode_fixture("shapes/xmlwineventlog.xml");
	expect_field(&ev, "Level", "4", "want Level");
	expect_field(&ev, "Task", NULL, "want Level");

	decode_ctx_want(dc, NULL);
	decode_fixture("shapes/xmlwineventlog.xml");
	expect_field(&ev, "Level", "4", "want all");
	expect_field(&ev, "Task", "3", "want all");
}

/*
 * JSON: EventRecordID (winlog.record_id) and ProcessID
 * (winlog.process.pid) through the <System> ids, UtcTime-like EventData
 * names through the memo of paths and the key predictions, which the
 * first document filled under the first set.
 */
Test(decode_want, json_stores_what_is_wanted)
{
	uint64_t	 a[NWORDS], b[NWORDS];
	int		 rec, pid, guid;

	rec = reg("EventRecordID");
	pid = reg("ProcessID");
	guid = reg("ProcessGuid");	/* builtin: always stored */
	want_of(a, rec, -1);
	want_of(b, pid, -1);

	decode_ctx_want(dc, a);
	decode_fixture("shapes/winlogbeat.json");
	decode_fixture("shapes/winlogbeat.json");	/* predicted now */
	expect_field(&ev, "EventRecordID", "1234567", "want EventRecordID");
	expect_field(&ev, "ProcessID", NULL, "want EventRecordID");
	cr_expect(event_has(&ev, guid), "a builtin field was not stored");

	decode_ctx_want(dc, b);
	decode_fixture("shapes/winlogbeat.json");
	expect_field(&ev, "ProcessID", "2684", "want ProcessID");
	expect_field(&ev, "EventRecordID", NULL, "want ProcessID");

	decode_ctx_want(dc, NULL);
	decode_fixture("shapes/winlogbeat.json");
	expect_field(&ev, "ProcessID", "2684", "want all");
	expect_field(&ev, "EventRecordID", "1234567", "want all");
}
