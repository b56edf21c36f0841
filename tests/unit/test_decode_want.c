/*
 * The decoders store only the fields some reader wants (decode_ctx_want(),
 * issue 13): a registered field no detection or CIM rule reads is only
 * validated, a builtin one is always kept, and a new wanted set (a
 * reload) takes effect on the same context, whose caches resolved names
 * under the old one.  The detection set's want holds what its searches
 * and the CIM rules they need read; a pipeline that swaps sets decodes
 * for the new one.  Expected values are the ones written in the fixtures
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
#include <json-c/json.h>

#include "daemon/pipeline.h"
#include "decode/decode.h"
#include "decode/event.h"
#include "detect/detection.h"
#include "detect/spl.h"
#include "testref.h"
#include "expect_event.h"
#include "test_rows.h"

#define ARENA		65536
#define NOW		1795852800000LL		/* 2026-11-28T08:00:00Z */
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

/* The detection T of search text, with the shipped mapping. */
static struct detection_set *
mkset_cim(const char *text)
{
	struct detection_set	*set;
	struct spl_error	 err;

	set = mkset(text, &err);
	cr_assert_not_null(set, "%s: %s", text, err.msg);
	cr_assert_null(set->want, "want before the mapping");
	detection_set_use_cim(set, testref_cim_load());
	cr_assert_not_null(set->want);
	return set;
}

static bool
wants(const struct detection_set *set, const char *name)
{
	int	 id;

	if ((id = event_field_lookup(name, strlen(name))) == -1)
		return false;
	return decode_want_id(set->want, id) != -1;
}

/*
 * What a set wants: the fields of its filter and of its by-fields, and
 * for a tstats search the inputs of the dataset fields it reads
 * (conf/cim.conf: Processes.process = CommandLine), not those of the
 * fields it does not (Processes.parent_process = ParentCommandLine).
 */
Test(decode_want, set_wants_what_its_searches_read)
{
	struct detection_set	*raw, *dm;

	reg("Level");
	reg("Task");
	reg("CommandLine");
	reg("ParentCommandLine");
	raw = mkset_cim("EventCode=3 Level=4 | stats count by Computer, Task");
	cr_expect(wants(raw, "Level"));
	cr_expect(wants(raw, "Task"));
	cr_expect(!wants(raw, "CommandLine"));
	dm = mkset_cim("| tstats count from datamodel=Endpoint.Processes "
	    "by Processes.dest, Processes.process");
	cr_expect(wants(dm, "CommandLine"));
	cr_expect(!wants(dm, "ParentCommandLine"));
	cr_expect(!wants(dm, "Level"));
	detection_set_unref(raw, __func__);
	detection_set_unref(dm, __func__);
}

static json_object	*alert;		/* the last alert */

static void
collect_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	(void)d;
	(void)arg;
	(void)len;
	if (alert != NULL)
		json_object_put(alert);
	cr_assert_not_null(alert = json_tokener_parse(json));
}

static const char *
alert_field(const char *key)
{
	json_object	*event, *v;

	if (alert == NULL ||
	    !json_object_object_get_ex(alert, "event", &event) ||
	    !json_object_object_get_ex(event, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/*
 * A reload to a set that reads Level: the pipeline's decoders, which
 * skipped Level for the old set (a context whose <System> ids were
 * looked up under it), store it for the new one, and its rows carry it.
 */
Test(decode_want, reload_changes_the_wanted_set)
{
	struct pipeline_opts	 po;
	struct detection_set	*old, *new;
	struct pipeline		*pl;
	struct stats_opts	 so;
	char			*xml, frame[8192];
	size_t			 len;

	old = mkset_cim("EventCode=3 | stats count by Computer, Task");
	new = mkset_cim("EventCode=3 | stats count by Computer, Level");
	cr_expect(!wants(old, "Level"));
	cr_expect(wants(new, "Level"));
	xml = read_data("shapes/xmlwineventlog.xml", &len);
	while (len > 0 && (xml[len - 1] == '\n' || xml[len - 1] == '\r'))
		xml[--len] = '\0';
	snprintf(frame, sizeof(frame), "<14>1 2026-11-28T08:00:00Z wef "
	    "splunkuf - - - %s", xml);
	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 1000;
	po.stats.max_bytes = 1 << 20;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	pl = pipeline_new(old, &po, collect_cb, NULL);
	pipeline_frame(pl, frame, strlen(frame), NOW);
	pipeline_flush(pl);
	cr_assert_str_eq(alert_field("Task"), "3");
	cr_assert_null(alert_field("Level"));

	so = po.stats;
	(void)pipeline_swap_set(pl, new, &so, NULL, NULL);
	pipeline_frame(pl, frame, strlen(frame), NOW + 1000);
	pipeline_flush(pl);
	cr_assert_str_eq(alert_field("Computer"), "WS01.contoso.local");
	cr_assert_str_eq(alert_field("Level"), "4");

	pipeline_free(pl);
	detection_set_unref(old, __func__);
	detection_set_unref(new, __func__);
	json_object_put(alert);
	alert = NULL;
	free(xml);
}
