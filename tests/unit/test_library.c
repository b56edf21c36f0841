/*
 * Tests of the detection library (library.c, library_report.c) on the
 * small trees of tests/data/library (README there): the walk (nested
 * folders, deprecated/ and disabled/ not read), each state with its
 * reason and file:line:col, the status, type, enable and disable
 * selection, the checkout layout with its macros winning, the lookups
 * recorded, and the report's counts and reasons as text and JSON.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

#include "decode/cim.h"
#include "decode/event.h"
#include "detect/library.h"
#include "detect/lookup.h"

static char		 tree[512];	/* TESTDATA/library/tree */
static char		 checkout[512];
static char		 macros[512];
static struct cim_map	*cim;		/* conf/cim.conf */

static void
setup(void)
{
	const char	*td = getenv("TESTDATA"), *cd = getenv("CONFDIR");
	char		 path[512], *err = NULL;

	cr_assert_not_null(td);
	cr_assert_not_null(cd);
	event_fields_init();
	snprintf(tree, sizeof(tree), "%s/library/tree", td);
	snprintf(checkout, sizeof(checkout), "%s/library/checkout", td);
	snprintf(macros, sizeof(macros), "%s/library/macros", td);
	snprintf(path, sizeof(path), "%s/cim.conf", cd);
	cim = cim_map_load(path, &err);
	cr_assert_not_null(cim, "%s", err);
}

static void
teardown(void)
{
	cim_map_free(cim);
}

TestSuite(library, .init = setup, .fini = teardown);

static struct library *
load(const char *dir, struct library_opts *o)
{
	struct library	*lib;
	char		*err = NULL;

	o->detections = dir;
	o->macros = macros;
	o->cim = cim;
	lib = library_load(o, &err);
	cr_assert_not_null(lib, "%s", err);
	return lib;
}

/* The entry whose file ends in suffix. */
static const struct library_entry *
entry(const struct library *lib, const char *suffix)
{
	size_t	 k, n = strlen(suffix), l;

	for (k = 0; k < lib->n; k++) {
		l = strlen(lib->e[k].file);
		if (l >= n && strcmp(lib->e[k].file + l - n, suffix) == 0)
			return &lib->e[k];
	}
	cr_assert_fail("no entry %s", suffix);
	return NULL;
}

static void
expect(const struct library *lib, const char *suffix, enum library_state s,
    const char *reason_part)
{
	const struct library_entry *e = entry(lib, suffix);

	cr_expect_eq(e->state, s, "%s: %s, not %s", suffix,
	    library_state_name(e->state), library_state_name(s));
	if (reason_part == NULL)
		cr_expect_null(e->reason, "%s: %s", suffix, e->reason);
	else
		cr_expect(e->reason != NULL &&
		    strstr(e->reason, reason_part) != NULL, "%s: %s", suffix,
		    e->reason != NULL ? e->reason : "(none)");
}

/* Every state, the reasons with file:line:col (columns counted by hand). */
Test(library, tree_states)
{
	struct library_opts o = { 0 };
	struct library	*lib = load(tree, &o);

	cr_expect_eq(lib->n, 9, "9 files; deprecated/ and disabled/ "
	    "not read");
	cr_expect_not(lib->checkout);
	expect(lib, "/process/runs.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/nested/nested.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/hunting.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/broken.yml", LIBRARY_BROKEN, "broken.yml:4:1: ");
	expect(lib, "/unsupported.yml", LIBRARY_SKIPPED,
	    "unsupported.yml:8:12: unsupported command 'transaction'");
	expect(lib, "/missing_macro.yml", LIBRARY_BROKEN,
	    "missing_macro.yml:8:19: unknown macro 'no_such_macro'");
	expect(lib, "/experimental.yml", LIBRARY_FILTERED,
	    "status experimental");
	expect(lib, "/not_sysmon.yml", LIBRARY_NOT_SYSMON, NULL);
	expect(lib, "/never.yml", LIBRARY_NEVER,
	    "never.yml:8:31: never matches: field 'NoSuchField' is not "
	    "produced");
	cr_expect_eq(library_count(lib, LIBRARY_RUNS), 3);
	cr_expect_eq(library_candidates(lib), 8);
	cr_expect_eq(lib->set->n, 3);
	library_free(lib);
}

/*
 * A by-field that a command before stats makes (eval, rex, rename) is no
 * event field: the detection runs, it is not "never matches".
 */
Test(library, made_by_field_runs)
{
	struct library_opts o = { 0 };
	struct library	*lib;
	char		 dir[600];

	snprintf(dir, sizeof(dir), "%s/library/made", getenv("TESTDATA"));
	lib = load(dir, &o);
	cr_expect_eq(lib->n, 1);
	expect(lib, "/made.yml", LIBRARY_RUNS, NULL);
	library_free(lib);
}

/* Float risk scores truncate (56.0 -> 56); the rba block is read. */
Test(library, risk_both_schemas)
{
	struct library_opts o = { 0 };
	struct library	*lib = load(tree, &o);
	size_t		 k;
	int		 seen = 0;

	for (k = 0; k < lib->set->n; k++) {
		if (strcmp(lib->set->d[k]->name, "Test Runs") == 0) {
			cr_expect_eq(lib->set->d[k]->risk_score, 56);
			cr_expect_str_eq(lib->set->d[k]->risk_message,
			    "evil on $Computer$");
			seen++;
		}
		if (strcmp(lib->set->d[k]->name,
		    "Test Nested Comment") == 0) {
			cr_expect_eq(lib->set->d[k]->risk_score, 42);
			cr_expect_str_eq(lib->set->d[k]->risk_message,
			    "connection on $Computer$");
			seen++;
		}
	}
	cr_expect_eq(seen, 2);
	library_free(lib);
}

Test(library, status_type_enable_disable)
{
	static char	*status[] = { "experimental" };
	static char	*types[] = { "TTP", "Anomaly" };
	static char	*enable[] = { "Test Hunting" };
	static char	*disable[] = { "Test *Comment", "*-000000000001" };
	struct library_opts o = { 0 };
	struct library	*lib;

	o.status = status;
	o.nstatus = 1;
	lib = load(tree, &o);
	expect(lib, "/experimental.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/process/runs.yml", LIBRARY_FILTERED,
	    "status production");
	library_free(lib);

	memset(&o, 0, sizeof(o));
	o.types = types;
	o.ntypes = 2;
	lib = load(tree, &o);
	expect(lib, "/hunting.yml", LIBRARY_FILTERED, "type Hunting");
	expect(lib, "/process/runs.yml", LIBRARY_RUNS, NULL);
	library_free(lib);

	/* enable forces past type; disable (name glob, id glob) wins. */
	o.enable = enable;
	o.nenable = 1;
	o.disable = disable;
	o.ndisable = 2;
	lib = load(tree, &o);
	expect(lib, "/hunting.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/nested/nested.yml", LIBRARY_FILTERED,
	    "detections_disable");
	expect(lib, "/process/runs.yml", LIBRARY_FILTERED,
	    "detections_disable");
	library_free(lib);

	enable[0] = "*-000000000006";	/* by id: the experimental one */
	disable[0] = "Test Experimental";
	o.ndisable = 1;
	lib = load(tree, &o);
	expect(lib, "/experimental.yml", LIBRARY_FILTERED,
	    "detections_disable");
	library_free(lib);
	o.ndisable = 0;
	lib = load(tree, &o);
	expect(lib, "/experimental.yml", LIBRARY_RUNS, NULL);
	library_free(lib);
	enable[0] = "Test Hunting";
	disable[0] = "Test *Comment";
}

/* The checkout: detections/, its macros over the base, lookups recorded. */
Test(library, checkout_layout)
{
	struct library_opts o = { 0 };
	struct library	*lib = load(checkout, &o);

	cr_expect(lib->checkout);
	cr_expect_eq(lib->n, 1, "detections/deprecated/ is not read");
	expect(lib, "/endpoint/checkout_det.yml", LIBRARY_RUNS, NULL);
	cr_assert_not_null(lib->lookups_dir);
	cr_expect(strstr(lib->lookups_dir, "checkout/lookups") != NULL);
	cr_expect_eq(lib->nmacros, 3, "sysmon replaced, not added");
	cr_assert_eq(lib->set->n, 1);
	cr_expect(strstr(lib->set->d[0]->search->text,
	    "source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational") !=
	    NULL && strstr(lib->set->d[0]->search->text, "EventCode=7") !=
	    NULL, "%s", lib->set->d[0]->search->text);
	cr_expect(strstr(lib->set->d[0]->search->text, "Linux") == NULL,
	    "the checkout's sysmon macro wins");
	library_free(lib);
}

Test(library, missing_dir_is_an_error)
{
	struct library_opts o = { 0 };
	char		*err = NULL;

	o.detections = "/nonexistent/library";
	cr_expect_null(library_load(&o, &err));
	cr_expect(err != NULL && strstr(err, "/nonexistent/library") != NULL);
	free(err);
}

Test(library, report_text_and_json)
{
	struct library_opts o = { 0 };
	struct library	*lib = load(tree, &o);
	json_object	*root, *v, *arr, *r;
	char		*buf = NULL, *json;
	size_t		 len = 0, k;
	FILE		*f;
	bool		 found = false;

	f = open_memstream(&buf, &len);
	library_report(lib, f, false);
	fclose(f);
	cr_expect(strstr(buf, "detections: runnable 3 of 8 (library ") !=
	    NULL, "%s", buf);
	cr_expect(strstr(buf, "1  skipped        unsupported command "
	    "'transaction'") != NULL, "%s", buf);
	cr_expect(strstr(buf, "1  broken         unknown macro '...'") !=
	    NULL, "%s", buf);
	cr_expect(strstr(buf, "YAML: did not find expected") != NULL);
	cr_expect(strstr(buf, "never.yml") == NULL, "no list without -v");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	library_report(lib, f, true);
	fclose(f);
	cr_expect(strstr(buf, "not for Sysmon: ") != NULL);
	cr_expect(strstr(buf, "never.yml:8:31: never matches") != NULL);
	free(buf);

	json = library_report_json(lib);
	root = json_tokener_parse(json);
	cr_assert_not_null(root, "%s", json);
	cr_expect(json_object_object_get_ex(root, "runnable", &v) &&
	    json_object_get_int(v) == 3);
	cr_expect(json_object_object_get_ex(root, "candidates", &v) &&
	    json_object_get_int(v) == 8);
	cr_expect(json_object_object_get_ex(root, "detections", &arr) &&
	    json_object_array_length(arr) == 9);
	cr_assert(json_object_object_get_ex(root, "reasons", &arr));
	for (k = 0; k < json_object_array_length(arr); k++) {
		r = json_object_array_get_idx(arr, k);
		json_object_object_get_ex(r, "reason", &v);
		if (strcmp(json_object_get_string(v),
		    "unsupported command 'transaction'") == 0) {
			json_object_object_get_ex(r, "count", &v);
			cr_expect_eq(json_object_get_int(v), 1);
			found = true;
		}
	}
	cr_expect(found);
	json_object_put(root);
	free(json);
	library_free(lib);
}

/*
 * Lookups in a checkout: a definition with its CSV runs (and is loaded
 * once, into the set); a missing definition is broken, a KV store
 * collection skipped, each with its reason; a by-field that rex makes
 * before stats is not judged as an event field.
 */
Test(library, lookups_and_made_fields)
{
	struct library_opts o = { 0 };
	struct library	*lib;
	char		 dir[512];

	snprintf(dir, sizeof(dir), "%s/library/lookup", getenv("TESTDATA"));
	lib = load(dir, &o);
	expect(lib, "/uses_lookup.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/rex_by_field.yml", LIBRARY_RUNS, NULL);
	expect(lib, "/missing_lookup.yml", LIBRARY_BROKEN,
	    "missing_lookup.yml:8:66: lookup table 'nope': no lookup "
	    "definition nope.yml in ");
	expect(lib, "/kv_lookup.yml", LIBRARY_SKIPPED,
	    "kv_lookup.yml:8:66: lookup table 'kv': ");
	cr_assert_not_null(lib->set);
	cr_expect_eq(lib->set->n, 2);
	cr_assert_not_null(lib->set->lookups);
	cr_expect_eq(lookup_set_count(lib->set->lookups), 1, "tools only");
	library_free(lib);
}
