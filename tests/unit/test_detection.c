/*
 * Tests of the detection loader: metadata of both generations of the
 * shipped detections, the set in conf/detections, error positions for
 * broken YAML and for bad SPL in a search or a macro, the pass-all
 * default of filter macros, duplicate names, the refcount, and the
 * fingerprints that decide which windows a reload keeps.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "detect/detect.h"
#include "detect/detection.h"
#include "detect/detection_int.h"
#include "decode/event.h"
#include "detect/spl.h"

#define MAIL	"windows_mail_protocol_in_non_common_process_path.yml"
#define FTP	"windows_file_transfer_protocol_in_non_common_process_path.yml"

static char	 tmpdir[64];		/* per-test scratch directory */
static char	 detdir[128];		/* tmpdir/det */
static char	 macdir[128];		/* tmpdir/mac */

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_detection.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(detdir, sizeof(detdir), "%s/det", tmpdir);
	snprintf(macdir, sizeof(macdir), "%s/mac", tmpdir);
	cr_assert_eq(mkdir(detdir, 0700), 0);
	cr_assert_eq(mkdir(macdir, 0700), 0);
}

static void
rmdir_files(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[512];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
teardown(void)
{
	rmdir_files(detdir);
	rmdir_files(macdir);
	rmdir(tmpdir);
}

TestSuite(detection, .init = setup, .fini = teardown);

static const char *
conf_dir(void)
{
	const char	*d = getenv("CONFDIR");

	return d != NULL ? d : "conf";
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static struct detection *
load_conf(const char *rel)
{
	struct detection *d;
	char		 path[512], macros[512];
	char		*err = NULL;

	snprintf(path, sizeof(path), "%s/detections/%s", conf_dir(), rel);
	snprintf(macros, sizeof(macros), "%s/macros", conf_dir());
	d = detection_load_file(path, macros, &err);
	cr_assert_not_null(d, "%s", err != NULL ? err : "?");
	return d;
}

/* Loads tmp det/name against tmp mac; returns the error (caller frees). */
static char *
load_err(const char *name)
{
	struct detection *d;
	char		 path[512];
	char		*err = NULL;

	snprintf(path, sizeof(path), "%s/%s", detdir, name);
	d = detection_load_file(path, macdir, &err);
	cr_assert_null(d, "%s loaded", name);
	cr_assert_not_null(err);
	return err;
}

static void
expect_err(const char *name, const char *file, const char *rest)
{
	char	*err, want[1024];

	err = load_err(name);
	snprintf(want, sizeof(want), "%s/%s%s", file, name, rest);
	cr_expect_str_eq(err, want);
	free(err);
}

Test(detection, metadata_v3)
{
	struct detection *d;

	d = load_conf(MAIL);
	cr_assert_str_eq(d->name,
	    "Windows Mail Protocol In Non-Common Process Path");
	cr_assert_str_eq(d->id, "ac3311f5-661d-4e99-bd1f-3ec665b05441");
	cr_assert_eq(d->version, 3);
	cr_assert_eq(d->nmitre, 2);
	cr_assert_str_eq(d->mitre[0], "T1071.003");
	cr_assert_str_eq(d->mitre[1], "T1071");
	cr_assert_eq(d->nstories, 1);
	cr_assert_str_eq(d->stories[0], "AgentTesla");
	cr_assert_eq(d->risk_score, 9);
	cr_assert_str_eq(d->risk_message, "a process $Image$ is having a SMTP "
	    "connection to $DestinationHostname$ in $dest$");
	/* tags.observable: dest, a Victim Hostname, is a system risk */
	/* object scoring tags.risk_score (contentctl 4's mapping). */
	cr_assert_eq(d->nobjects, 1);
	cr_assert_str_eq(d->objects[0].field, "dest");
	cr_assert_str_eq(d->objects[0].type, "system");
	cr_assert_eq(d->objects[0].score, 9);
	cr_assert_not(d->objects[0].threat);
	cr_assert_eq(d->nkill_chain, 0);
	cr_assert_not_null(strstr(d->description, "SMTP connection"));
	cr_assert_str_eq(d->known_false_positives, "third party application "
	    "may use this network protocol as part of its feature. Filter is "
	    "needed.");
	/* The search text is SPEC 1's, line for line. */
	cr_assert_not_null(strstr(d->search_text, "`sysmon` EventCode=3 NOT("
	    "Image IN(\"*\\\\program files*\", \"*\\\\thunderbird.exe\","
	    "\"*\\\\outlook.exe\")) (DestinationPortName=\"smtp\" OR "
	    "DestinationPort=25 OR DestinationPort=587)\n| stats count "));
	detection_free(d);

	d = load_conf(FTP);
	cr_assert_str_eq(d->id, "0f43758f-1fe9-470a-a9e4-780acc4d5407");
	cr_assert_eq(d->version, 3);
	cr_assert_eq(d->risk_score, 9);
	cr_assert_str_eq(d->risk_message, "a process $Image$ is having a FTP "
	    "connection to $DestinationHostname$ in $dest$");
	detection_free(d);
}

Test(detection, metadata_2026_rba)
{
	struct detection *d;

	d = load_conf("disabled/" MAIL);
	cr_assert_eq(d->version, 10);
	cr_assert_eq(d->nmitre, 1);
	cr_assert_str_eq(d->mitre[0], "T1071.003");
	cr_assert_eq(d->risk_score, 20);
	cr_assert_str_eq(d->risk_message, "a process $process_name$ is having "
	    "a SMTP connection to $dest$ in $dest_ip$");
	detection_free(d);

	d = load_conf("disabled/" FTP);
	cr_assert_str_eq(d->name,
	    "Windows File Transfer Protocol In Non-Common Process Path");
	cr_assert_eq(d->version, 9);
	cr_assert_eq(d->nstories, 3);
	cr_assert_str_eq(d->stories[0], "AgentTesla");
	cr_assert_str_eq(d->stories[1], "Snake Keylogger");
	cr_assert_str_eq(d->stories[2], "Hellcat Ransomware");
	cr_assert_eq(d->risk_score, 20);
	cr_assert_str_eq(d->risk_message, "a process $process_name$ is having "
	    "a FTP connection to $dest$ in $dest_ip$");
	/* rba.risk_objects as written; threat_objects: [] */
	cr_assert_eq(d->nobjects, 1);
	cr_assert_str_eq(d->objects[0].field, "dest");
	cr_assert_str_eq(d->objects[0].type, "system");
	cr_assert_eq(d->objects[0].score, 20);
	cr_assert_not(d->objects[0].threat);
	detection_free(d);
}

Test(detection, observables_become_risk_and_threat_objects)
{
	struct detection *d;
	char		 path[512];
	char		*err = NULL;
	static const char *const want[][4] = {
		{ "user", "user", "90", "risk" },
		{ "dest", "system", "90", "risk" },
		{ "parent_process_name", "process", "0", "threat" },
		{ "process_name", "process", "0", "threat" }
	};
	size_t		 i;

	snprintf(path, sizeof(path), "%s/splunk_security_content_risk/"
	    "detections/attempted_credential_dump_from_registry_via_reg_exe"
	    ".yml", getenv("TESTDATA") != NULL ? getenv("TESTDATA") :
	    "tests/data");
	d = detection_parse(path, &err);
	cr_assert_not_null(d, "%s", err != NULL ? err : "?");
	cr_assert_eq(d->risk_score, 90);
	cr_assert_eq(d->nobjects, 4);
	for (i = 0; i < 4; i++) {
		cr_expect_str_eq(d->objects[i].field, want[i][0]);
		cr_expect_str_eq(d->objects[i].type, want[i][1]);
		cr_expect_eq(d->objects[i].score, atoi(want[i][2]));
		cr_expect_eq(d->objects[i].threat,
		    strcmp(want[i][3], "threat") == 0);
	}
	detection_free(d);
}

Test(detection, set_load_shipped)
{
	struct detection_set *set;
	char		 det[512], mac[512];
	char		*err = NULL;

	snprintf(det, sizeof(det), "%s/detections", conf_dir());
	snprintf(mac, sizeof(mac), "%s/macros", conf_dir());
	set = detection_set_load(det, mac, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	cr_assert_eq(set->refcnt, 1);
	cr_assert_eq(set->n, 2, "disabled/ is not read");
	cr_assert_str_eq(set->d[0]->name,
	    "Windows File Transfer Protocol In Non-Common Process Path");
	cr_assert_str_eq(set->d[1]->name,
	    "Windows Mail Protocol In Non-Common Process Path");
	cr_assert_eq(set->d[0]->version, 3);
	cr_assert_eq(set->d[1]->version, 3);
	cr_assert_not_null(set->d[0]->search);
	detection_set_unref(set, __func__);
}

Test(detection, broken_yaml_position)
{
	write_file(detdir, "broken.yml", "name: x\nid: y\nsearch: [a,\n"
	    "version: 1\n");
	write_file(detdir, "tabs.yml", "name: x\n\tid: y\n");
	write_file(detdir, "notmap.yml", "- a\n- b\n");
	write_file(detdir, "nosearch.yml", "name: x\nid: y\nversion: 2\n");
	write_file(detdir, "badversion.yml", "name: x\nid: y\n"
	    "version: three\nsearch: a=1 | stats count\n");
	expect_err("notmap.yml", detdir, ":1:1: not a YAML mapping");
	expect_err("nosearch.yml", detdir, ":1:1: missing 'search'");
	expect_err("badversion.yml", detdir,
	    ":3:10: 'version' must be an integer");
	/* libyaml notices the missing ']' at the end of the stream. */
	expect_err("broken.yml", detdir, ":5:1: did not find expected ',' "
	    "or ']' while parsing a flow sequence");
	expect_err("tabs.yml", detdir, ":2:1: found a tab character that "
	    "violates indentation while scanning a plain scalar");
}

Test(detection, spl_error_position_in_yaml)
{
	char	 want[1024];

	write_file(macdir, "sysmon.yml", "name: sysmon\ndefinition: "
	    "source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational\n");
	write_file(macdir, "bad.yml", "# a macro with a bad command\n"
	    "name: bad(1)\narguments: [f]\ndefinition: |\n  f=$f$\n"
	    "  | transaction f\n");
	/* Literal block: exact. */
	write_file(detdir, "block.yml", "name: Bad\nid: 1\nversion: 1\n"
	    "search: |\n  `sysmon` EventCode=3\n  | eval x=frob(1)\n"
	    "  | stats count\n");
	expect_err("block.yml", detdir, ":6:12: unknown eval function "
	    "'frob'");
	/* Plain, folded over two lines: exact. */
	write_file(detdir, "plain.yml", "name: Bad\nid: 1\nsearch: a=1\n"
	    "  | stats count | where frob(x)>1\n");
	expect_err("plain.yml", detdir, ":4:25: unknown eval function "
	    "'frob'");
	/* Single-quoted with '' escapes. */
	write_file(detdir, "quoted.yml", "name: Bad\nid: 1\nsearch: 'a=''b'' "
	    "| stats count | sort a'\n");
	expect_err("quoted.yml", detdir, ":3:34: unsupported command "
	    "'sort'");
	/* Double-quoted with \" escapes. */
	write_file(detdir, "dquoted.yml", "name: Bad\nid: 1\nsearch: \"a=\\\"b"
	    "\\\" (c=1 | stats count\"\n");
	expect_err("dquoted.yml", detdir, ":3:18: unbalanced parenthesis");
	/* In a macro: the macro file and the place in its definition. */
	write_file(detdir, "inmacro.yml", "name: Bad\nid: 1\nsearch: "
	    "'`bad(Image)` | stats count'\n");
	snprintf(want, sizeof(want), "%s/bad.yml:6:5: unsupported command "
	    "'transaction' (in macro bad(1), used by %s/inmacro.yml)",
	    macdir, detdir);
	{
		char	*err = load_err("inmacro.yml");

		cr_expect_str_eq(err, want);
		free(err);
	}
	/* An unknown macro points at its call. */
	write_file(detdir, "unknown.yml", "name: Bad\nid: 1\nsearch: >-\n"
	    "  a=1\n  | `nope`\n");
	expect_err("unknown.yml", detdir, ":5:5: unknown macro 'nope'");
}

Test(detection, filter_macro_defaults_to_pass_all)
{
	struct detection *d;
	struct event	 row;
	char		 path[512];
	char		*err = NULL;

	write_file(detdir, "d.yml", "name: Tuned\nid: 1\nversion: 1\n"
	    "search: a=1 | stats count by Image | `tuned_filter`\n");
	snprintf(path, sizeof(path), "%s/d.yml", detdir);
	d = detection_load_file(path, macdir, &err);
	cr_assert_not_null(d, "%s", err != NULL ? err : "?");
	cr_assert_eq(d->search->npost, 0);
	event_init(&row, 256);
	event_set(&row, EVENT_F_IMAGE, "C:\\Tools\\Acme\\mailer.exe", 24);
	cr_assert(spl_post_apply(d->search, &row));
	detection_free(d);

	/* Once the user defines it, it filters. */
	write_file(macdir, "tuned_filter.yml", "name: tuned_filter\n"
	    "definition: search NOT Image=\"*\\\\Acme\\\\mailer.exe\"\n");
	d = detection_load_file(path, macdir, &err);
	cr_assert_not_null(d, "%s", err != NULL ? err : "?");
	cr_assert_eq(d->search->npost, 1);
	cr_assert(!spl_post_apply(d->search, &row));
	event_clear(&row);
	detection_free(d);
}

/*
 * Three detections: A uses macro inner through outer, B uses inner, C
 * uses other(1).
 */
static void
write_fp_files(void)
{
	write_file(macdir, "outer.yml", "name: outer\n"
	    "definition: '`inner` b=2'\n");
	write_file(macdir, "inner.yml", "name: inner\ndefinition: a=1\n");
	write_file(macdir, "other.yml", "name: other(1)\narguments:\n- x\n"
	    "definition: c=$x$\n");
	write_file(detdir, "a.yml", "name: A\nid: 1\nversion: 1\n"
	    "search: '`outer` | stats count'\n");
	write_file(detdir, "b.yml", "name: B\nid: 2\nversion: 1\n"
	    "search: '`inner` | stats count'\n");
	write_file(detdir, "c.yml", "name: C\nid: 3\nversion: 1\n"
	    "search: '`other(3)` | stats count'\n");
}

/* Loads the set of detdir against macdir; the fingerprints, by name. */
static void
load_fingerprints(uint64_t fp[3])
{
	struct detection_set *set;
	char		*err = NULL;
	size_t		 i;

	set = detection_set_load(detdir, macdir, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	cr_assert_eq(set->n, 3);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(set->d[i]->name[0], (char)('A' + i));
		fp[i] = set->d[i]->fingerprint;
	}
	detection_set_unref(set, __func__);
}

/*
 * The fingerprint (what a reload compares, beside id, version and search
 * text) follows the macros a detection uses, through nesting: editing a
 * macro's definition changes the fingerprints of the detections that use
 * it and of no other; a comment, another key or the file's layout
 * changes none (main.c hashed whole macro files before); and so does
 * a version bump, of that detection only.
 */
Test(detection, fingerprint_follows_the_macros_used)
{
	uint64_t	 fp0[3], fp1[3], fp2[3], fp3[3], fp4[3];

	write_fp_files();
	load_fingerprints(fp0);
	cr_assert_neq(fp0[0], fp0[1]);
	cr_assert_neq(fp0[1], fp0[2]);
	load_fingerprints(fp1);
	cr_assert_arr_eq(fp0, fp1, sizeof(fp0), "the same files twice");

	/* inner, used by B and (through outer) by A, not by C. */
	write_file(macdir, "inner.yml", "name: inner\ndefinition: a=2\n");
	load_fingerprints(fp2);
	cr_assert_neq(fp2[0], fp1[0], "A uses inner through outer");
	cr_assert_neq(fp2[1], fp1[1], "B uses inner");
	cr_assert_eq(fp2[2], fp1[2], "C does not use inner");

	/* Comments, other keys, quoting: no definition changes. */
	write_file(macdir, "inner.yml", "# tuned on 2026-12-07\n"
	    "name: inner\ndescription: the inner macro\n"
	    "definition: \"a=2\"  # the same text\n");
	write_file(macdir, "other.yml", "# another comment\nname: other(1)\n"
	    "arguments: [x]\ndefinition: >-\n  c=$x$\n");
	load_fingerprints(fp3);
	cr_assert_arr_eq(fp3, fp2, sizeof(fp3), "comment-only changes");

	/* A version is part of its own detection's fingerprint only. */
	write_file(detdir, "c.yml", "name: C\nid: 3\nversion: 2\n"
	    "search: '`other(3)` | stats count'\n");
	load_fingerprints(fp4);
	cr_assert_eq(fp4[0], fp3[0]);
	cr_assert_eq(fp4[1], fp3[1]);
	cr_assert_neq(fp4[2], fp3[2], "C's version changed");
}

Test(detection, duplicate_names_refused)
{
	struct detection_set *set;
	char		*err = NULL;

	write_file(detdir, "a.yml", "name: Same\nid: 1\nsearch: a=1 | stats "
	    "count\n");
	write_file(detdir, "b.yaml", "name: Same\nid: 2\nsearch: b=1 | stats "
	    "count\n");
	write_file(detdir, "notes.txt", "not a detection\n");
	set = detection_set_load(detdir, macdir, &err);
	cr_assert_null(set);
	cr_assert_not_null(err);
	cr_assert_not_null(strstr(err, "duplicate detection name 'Same'"),
	    "%s", err);
	free(err);
}

Test(detection, refcount)
{
	struct detection_set *set;
	char		*err = NULL;

	write_file(detdir, "b.yml", "name: B\nid: 2\nsearch: b=1 | stats "
	    "count\n");
	write_file(detdir, "a.yml", "name: A\nid: 1\nsearch: a=1 | stats "
	    "count\n");
	write_file(detdir, "c.txt", "name: C\n");
	set = detection_set_load(detdir, macdir, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	cr_assert_eq(set->n, 2);
	cr_assert_str_eq(set->d[0]->name, "A");
	cr_assert_eq(set->refcnt, 1);
	detection_set_ref(set);
	cr_assert_eq(set->refcnt, 2);
	detection_set_unref(set, __func__);
	cr_assert_eq(set->refcnt, 1);
	cr_assert_str_eq(set->d[1]->name, "B", "still alive");
	detection_set_unref(set, __func__);
}

static void
count_row_cb(const struct detection *d, const struct stats_row *row,
    void *arg)
{
	(void)d;
	(void)row;
	(*(int *)arg)++;
}

/*
 * Reload (detect_runner_swap()): a detection whose macro changed emits
 * its rows and starts afresh; the others keep their windows, and a
 * comment-only change to a macro file keeps every window.
 */
Test(detection, reload_keeps_the_windows_of_unchanged_detections)
{
	struct detection_set *set;
	struct detect_runner *r;
	struct stats_opts o;
	struct event	 ev;
	char		*err = NULL;
	int		 rows = 0, a, b, c;

	write_fp_files();
	set = detection_set_load(detdir, macdir, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	memset(&o, 0, sizeof(o));
	o.window_s = 60;
	o.max_keys = 100;
	o.max_bytes = 1 << 20;
	r = detect_runner_new(set, &o, count_row_cb, &rows);
	detection_set_unref(set, __func__);
	a = event_field_lookup("a", 1);
	b = event_field_lookup("b", 1);
	c = event_field_lookup("c", 1);
	event_init(&ev, 1024);
	event_set(&ev, a, "1", 1);
	event_set(&ev, b, "2", 1);
	event_set(&ev, c, "3", 1);
	detect_run(r, &ev, 0);			/* A, B and C match */
	cr_assert_eq(rows, 0);

	write_file(macdir, "inner.yml", "name: inner\ndefinition: a=*\n");
	set = detection_set_load(detdir, macdir, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	cr_assert_eq(detect_runner_swap(r, set, &o, NULL, NULL), 1, "C kept");
	detection_set_unref(set, __func__);
	cr_assert_eq(rows, 2, "A and B emitted at the swap");

	write_file(macdir, "inner.yml", "# a comment\nname: inner\n"
	    "definition: a=*\n");
	set = detection_set_load(detdir, macdir, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	cr_assert_eq(detect_runner_swap(r, set, &o, NULL, NULL), 3);
	detection_set_unref(set, __func__);
	cr_assert_eq(rows, 2, "nothing emitted");
	detect_flush(r);
	cr_assert_eq(rows, 3, "C's row, from before both reloads");
	detect_runner_free(r);
	event_clear(&ev);
}

/*
 * contentctl 4's observable mapping (detection_abstract.py, "risk"),
 * row by row: Victim User/Username/Email Address -> user, Victim
 * Device/Endpoint/Hostname/IP Address -> system, Attacker Process
 * (Name) -> process, File (Name, Hash) -> file_name, IP Address ->
 * ip_address, URL (String) -> url, any other Attacker -> its type in
 * lower case, everything else -> an "other" risk object.
 */
Test(detection, observable_mapping_table)
{
	struct detection *d;
	char		 path[256];
	char		*err = NULL;
	static const char *const want[][3] = {
		{ "a", "user", "risk" },	/* Victim Email Address */
		{ "b", "system", "risk" },	/* Victim IP Address */
		{ "c", "other", "risk" },	/* Victim Process */
		{ "d", "file_name", "threat" },	/* Attacker File Hash */
		{ "e", "ip_address", "threat" },	/* Attacker IP */
		{ "f", "url", "threat" },	/* Attacker URL String */
		{ "g", "hostname", "threat" },	/* Attacker Hostname */
		{ "h", "other", "risk" },	/* Parent Process role */
		{ "i", "system", "risk" }	/* Victim and Attacker */
	};
	size_t		 i;

	write_file(detdir, "obs.yml", "name: Obs\nid: o-1\nsearch: x\n"
	    "tags:\n  confidence: 50\n  impact: 80\n  observable:\n"
	    "  - {name: a, type: Email Address, role: [Victim]}\n"
	    "  - {name: b, type: IP Address, role: [Victim]}\n"
	    "  - {name: c, type: Process, role: [Victim]}\n"
	    "  - {name: d, type: File Hash, role: [Attacker]}\n"
	    "  - {name: e, type: IP Address, role: [Attacker]}\n"
	    "  - {name: f, type: URL String, role: [Attacker]}\n"
	    "  - {name: g, type: Hostname, role: [Attacker]}\n"
	    "  - {name: h, type: Process, role: [Parent Process]}\n"
	    "  - {name: i, type: Hostname, role: [Attacker, Victim]}\n");
	snprintf(path, sizeof(path), "%s/obs.yml", detdir);
	d = detection_parse(path, &err);
	cr_assert_not_null(d, "%s", err != NULL ? err : "?");
	/* No risk_score: confidence x impact / 100. */
	cr_assert_eq(d->risk_score, 40);
	cr_assert_eq(d->nobjects, 9);
	for (i = 0; i < 9; i++) {
		cr_expect_str_eq(d->objects[i].field, want[i][0]);
		cr_expect_str_eq(d->objects[i].type, want[i][1], "%s",
		    want[i][0]);
		cr_expect_eq(d->objects[i].threat,
		    strcmp(want[i][2], "threat") == 0, "%s", want[i][0]);
		cr_expect_eq(d->objects[i].score,
		    d->objects[i].threat ? 0 : 40, "%s", want[i][0]);
	}
	detection_free(d);
}

/*
 * Issue 13: a file is read into a buffer of its size (no longer a fixed
 * 1 MiB per detection file, 16 MiB per lookup CSV, which the library's
 * thousand files paid for in start-up time and heap); a stream whose
 * size fstat() cannot give grows as it is read; max bytes is the limit.
 */
Test(detection, read_all_sizes_the_buffer_and_keeps_the_limit)
{
	char		 path[] = "/tmp/hs-readallXXXXXX", *buf, *text;
	size_t		 len, i;
	FILE		*f;
	int		 fd;

	text = malloc(10001);
	cr_assert_not_null(text);
	for (i = 0; i < 10000; i++)
		text[i] = (char)('a' + i % 26);
	text[10000] = '\0';
	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_eq(write(fd, text, 10000), 10000);
	close(fd);
	cr_assert_not_null(f = fopen(path, "r"));
	buf = detection_read_all(f, 10000, &len);
	fclose(f);
	cr_assert_not_null(buf, "exactly max bytes");
	cr_assert_eq(len, 10000);
	cr_assert_str_eq(buf, text);
	free(buf);
	cr_assert_not_null(f = fopen(path, "r"));
	errno = 0;
	cr_assert_null(detection_read_all(f, 9999, &len), "max + 1 bytes");
	cr_assert_eq(errno, EFBIG);
	fclose(f);
	unlink(path);
	/* No size from fstat(): grown from its first guess. */
	cr_assert_not_null(f = fmemopen(text, 10000, "r"));
	buf = detection_read_all(f, 1 << 20, &len);
	fclose(f);
	cr_assert_not_null(buf);
	cr_assert_eq(len, 10000);
	cr_assert_str_eq(buf, text);
	free(buf);
	cr_assert_not_null(f = fmemopen(text, 10000, "r"));
	cr_assert_null(detection_read_all(f, 5000, &len));
	cr_assert_eq(errno, EFBIG);
	fclose(f);
	free(text);
}
