/*
 * Tests of the Sysmon-to-CIM mapping (cim.c): the file's errors, each
 * function against the values CIM-MAPPING's rules give, and the real
 * example event of every security_content Sysmon data source, decoded and
 * mapped with the shipped conf/cim.conf, against the add-on and data model
 * fields the reference tables name.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode/cim.h"
#include "decode/decode.h"
#include "decode/event.h"
#include "testref.h"

#define SYSMON_SOURCE	"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"

static struct event ev;
static const struct decode_limits lim = { .max_depth = 32 };

static void
setup(void)
{
	event_fields_init();
	event_init(&ev, 64 * 1024);
}

static void
teardown(void)
{
	event_clear(&ev);
}

TestSuite(cim, .init = setup, .fini = teardown);

static void
set_field(struct event *e, const char *name, const char *v)
{
	int	 id = event_field_intern(name, strlen(name));

	cr_assert_geq(id, 0);
	cr_assert_eq(event_set(e, id, v, strlen(v)), 0);
}

/* "" means the field must be absent (null). */
static void
expect_field(const struct event *e, const char *name, const char *want,
    const char *ctx)
{
	const char	*v;
	size_t		 len;
	int		 id = event_field_lookup(name, strlen(name));

	if (*want == '\0') {
		cr_expect(id == -1 || !event_has(e, id),
		    "%s: %s should be null, is '%.*s'", ctx, name,
		    id == -1 ? 0 : (int)e->val[id].len,
		    id == -1 ? "" : e->val[id].ptr);
		return;
	}
	cr_assert_geq(id, 0, "%s: %s was never interned", ctx, name);
	cr_expect(event_get(e, id, &v, &len), "%s: %s missing (want '%s')",
	    ctx, name, want);
	if (event_has(e, id))
		cr_expect(len == strlen(want) && memcmp(v, want, len) == 0,
		    "%s: %s = '%.*s', want '%s'", ctx, name, (int)len, v,
		    want);
}

static struct cim_map *
parse_ok(const char *text)
{
	struct cim_map	*m;
	char		*err = NULL;

	m = cim_map_parse(text, strlen(text), "t.conf", &err);
	cr_assert_not_null(m, "parse failed: %s", err ? err : "?");
	return m;
}

Test(cim, file_errors_name_file_line_and_reason)
{
	static const struct {
		const char	*text;
		const char	*err;
	} cases[] = {
		{ "x = y\n", "t.conf:1: a rule before the first [section]" },
		{ "[sysmon]\n\nx = frob(y)\n",
		    "t.conf:3: unknown function 'frob'" },
		{ "[sysmon]\nx = basename(a, b)\n",
		    "t.conf:2: basename() takes 1 to 1 arguments, not 2" },
		{ "[sysmon]\nx = \"abc\n", "t.conf:2: unterminated string" },
		{ "[sysmon]\nx = a\nx = b\n",
		    "t.conf:3: x set twice in one section (line 2)" },
		{ "[views]\n", "t.conf:1: unknown section 'views' (sysmon or "
		    "dataset)" },
		{ "[dataset Endpoint]\n",
		    "t.conf:1: a dataset is named Model.Dataset" },
		{ "[dataset A.B]\nf = x\n",
		    "t.conf: dataset A.B has no 'events =' line" },
		{ "[sysmon 1 300]\n", "t.conf:1: event id out of range (0-255)" },
		{ "[sysmon]\nx = a b\n", "t.conf:2: unexpected 'b'" },
		{ "[sysmon]\nx = map(a, \"k\"\n",
		    "t.conf:2: missing ')' after map(" },
	};
	struct cim_map	*m;
	char		*err;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = NULL;
		m = cim_map_parse(cases[i].text, strlen(cases[i].text),
		    "t.conf", &err);
		cr_expect_null(m, "case %zu parsed", i);
		cr_expect_str_eq(err ? err : "", cases[i].err, "case %zu", i);
		cim_map_free(m);
		free(err);
	}
}

/*
 * Each function on its own: out = f(in) on a Sysmon event whose field
 * "in" holds the input.  Expected values: CIM-MAPPING rules R1 (basename),
 * R2 (user), R10 (the data model's cmdname regexes), §6 (registry Details
 * unwrapped, the type word, the hive prefixes), §7 (DNS answers, num).
 */
Test(cim, functions_give_the_mapping_rules_values)
{
	static const struct {
		const char	*expr;
		const char	*in;
		const char	*out;	/* "" = null */
	} cases[] = {
		{ "basename(in)", "C:\\Windows\\System32\\cmd.exe", "cmd.exe" },
		{ "basename(in)", "/usr/bin/sudo", "sudo" },
		{ "basename(in)", "System", "System" },
		{ "basename(in)", "C:\\dir\\", "" },
		{ "dirname(in)", "HKLM\\A\\B\\val", "HKLM\\A\\B" },
		{ "dirname(in)", "noslash", "" },
		{ "user(in)", "NT AUTHORITY\\SYSTEM", "SYSTEM" },
		{ "user(in)", "Window Manager\\DWM-1", "DWM-1" },
		{ "user(in)", "root", "root" },
		{ "lower(in)", "High", "high" },
		{ "cmdname(in)", "\"C:\\Windows\\system32\\cmd.exe\" /c dir",
		    "cmd.exe" },
		{ "cmdname(in)", "  \"C:\\p q\\x.exe\" -a", "x.exe" },
		{ "cmdname(in)", "C:\\x\\y.exe arg", "y.exe" },
		{ "cmdname(in)", "cmd.exe /c C:\\a\\b.bat", "b.bat" },
		{ "cmdname(in)", "notepad.exe", "notepad.exe" },
		{ "cmdname(in)", "\"x\"", "" },
		{ "unwrap(in)", "DWORD (0x00000001)", "0x00000001" },
		{ "unwrap(in)", "QWORD (0x01d776fd-0xd724b8c5)",
		    "0x01d776fd-0xd724b8c5" },
		{ "unwrap(in)", "Binary Data", "Binary Data" },
		{ "unwrap(in)", "(Empty)", "(Empty)" },
		{ "typeword(in)", "DWORD (0x00000001)", "DWORD" },
		{ "typeword(in)", "C:\\x.dll", "" },
		{ "prefixmap(in, \"HKLM\\\\System\\\\\", \"A\", \"HKU\\\\\", "
		    "\"B\")", "HKU\\S-1-5-21\\x", "B" },
		{ "prefixmap(in, \"HKLM\\\\System\\\\\", \"A\")",
		    "HKLM\\Software\\x", "" },
		{ "nullif(in, \"-\")", "-", "" },
		{ "nullif(in, \"-\")", "Cmd.Exe", "Cmd.Exe" },
		{ "num(in) | \"0\"", "389", "389" },
		{ "num(in) | \"0\"", "ldap", "0" },
		{ "dnsanswers(in)", "type:  5 a.example;::ffff:1.2.3.4;",
		    "a.example\n::ffff:1.2.3.4" },
		{ "dnsanswers(in) | \"unknown\"", "-", "unknown" },
		{ "map(in, \"true\", \"outbound\", \"false\", \"inbound\")",
		    "TRUE", "outbound" },
		{ "map(in, \"true\", \"outbound\")", "maybe", "" },
		{ "map(in, \"k\", \"v\", \"other\")", "z", "other" },
		{ "ifeq(in, \"a\", \"same\", \"differ\")", "a", "same" },
		{ "ifeq(in, \"a\", \"same\", \"differ\")", "b", "differ" },
		{ "nothere | in", "fallback", "fallback" },
		{ "kv(in, \"IMPHASH\")", "MD5=AB,SHA256=CD,IMPHASH=EF", "EF" },
		{ "kv(in, \"sha256\")", "MD5=AB,SHA256=CD,IMPHASH=EF", "CD" },
		{ "kv(in, \"SHA1\")", "MD5=AB,SHA256=CD", "" },
		{ "kv(in, \"MD5\")", "MD5AB", "" },
	};
	struct cim_map	*m;
	char		 text[512];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[sysmon]\nout = %s\n",
		    cases[i].expr);
		m = parse_ok(text);
		event_reset(&ev);
		set_field(&ev, "source", SYSMON_SOURCE);
		set_field(&ev, "in", cases[i].in);
		cr_assert_eq(cim_addon_apply(m, &ev), 0);
		expect_field(&ev, "out", cases[i].out, cases[i].expr);
		cim_map_free(m);
	}
}

Test(cim, sections_override_and_never_replace_event_fields)
{
	struct cim_map	*m;

	m = parse_ok("[sysmon]\nd = \"general\"\nk = \"kept\"\n"
	    "[sysmon 3]\nd = \"three\"\n");
	event_reset(&ev);
	set_field(&ev, "source", SYSMON_SOURCE);
	set_field(&ev, "EventCode", "3");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "d", "three", "eid 3");
	expect_field(&ev, "k", "kept", "eid 3");

	event_reset(&ev);
	set_field(&ev, "source", SYSMON_SOURCE);
	set_field(&ev, "EventCode", "1");
	set_field(&ev, "k", "from the event");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "d", "general", "eid 1");
	expect_field(&ev, "k", "from the event", "eid 1");

	/* Not Sysmon: no add-on field at all. */
	event_reset(&ev);
	set_field(&ev, "source", "WinEventLog:Security");
	set_field(&ev, "EventCode", "3");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "d", "", "security 3");
	cim_map_free(m);
}

Test(cim, prepare_keeps_only_what_is_read_and_its_inputs)
{
	uint64_t	 need[EVENT_MAX_FIELDS / 64];
	struct cim_map	*m;
	int		 id;

	m = parse_ok("[sysmon]\na = \"A\"\nb = a\nc = \"C\"\n"
	    "[dataset M.D]\nevents = 1\nx = b | \"unknown\"\n");
	memset(need, 0, sizeof(need));
	id = event_field_lookup("D.x", 3);
	cr_assert_geq(id, 0);
	need[id >> 6] |= (uint64_t)1 << (id & 63);
	cim_map_prepare(m, need);
	event_reset(&ev);
	set_field(&ev, "source", SYSMON_SOURCE);
	set_field(&ev, "EventCode", "1");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	cr_assert(cim_dataset_has(cim_dataset_find(m, "M.D", 3), &ev));
	cr_assert_eq(cim_dataset_apply(cim_dataset_find(m, "D", 1), &ev), 0);
	expect_field(&ev, "D.x", "A", "x from b from a");
	expect_field(&ev, "c", "", "c is read by nothing");
	cim_map_prepare(m, NULL);
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "c", "C", "everything again");
	cim_map_free(m);
}

static struct cim_map *
shipped_map(void)
{
	return testref_cim_load();
}

static char *
read_data(const char *name, size_t *len)
{
	char	 rel[512];
	char	*buf;

	snprintf(rel, sizeof(rel), "splunk_security_content_data_sources/%s",
	    name);
	buf = testref_read_data(rel, len);
	cr_assert_not_null(buf, "cannot read tests/data/%s", rel);
	return buf;
}

/*
 * Decodes, normalises and maps a data source example; its dataset too.
 * Returns the payload, which the event's values may point into: the
 * caller frees it once done with the event.
 */
static char *
map_example(const struct cim_map *m, const char *file, const char *dataset,
    bool member)
{
	const struct cim_dataset	*ds;
	char				*buf;
	size_t				 len;

	buf = read_data(file, &len);
	event_reset(&ev);
	cr_assert_eq(decode_payload(testref_dc(), buf, len, &lim, &ev),
	    DECODE_OK, "%s", file);
	cr_assert_eq(event_normalise(&ev, 0, 0), 0);
	cr_assert_eq(cim_addon_apply(m, &ev), 0, "%s", file);
	if (dataset != NULL) {
		ds = cim_dataset_find(m, dataset, strlen(dataset));
		cr_assert_not_null(ds, "%s", dataset);
		cr_expect_eq(cim_dataset_has(ds, &ev), member, "%s in %s",
		    file, dataset);
		if (member)
			cr_assert_eq(cim_dataset_apply(ds, &ev), 0);
	}
	return buf;
}

/*
 * The real example event of each data source against CIM-MAPPING's
 * tables: §4 Processes, §5 Filesystem, §6 Registry, §7 All_Traffic and
 * DNS, §10 edge cases ("-" and missing User).
 */
Test(cim, real_examples_give_the_reference_fields)
{
	static const struct {
		const char	*file, *dataset;
		const char	*f[24][2];
	} cases[] = {
		{ "sysmon_eventid_1.xml", "Endpoint.Processes", {
		    { "process_name", "cmd.exe" },
		    { "parent_process_name", "powershell.exe" },
		    { "Processes.process_name", "cmd.exe" },
		    { "Processes.parent_process_name", "powershell.exe" },
		    { "Processes.user", "Administrator" },
		    { "Processes.dest", "win-dc-6764986.attackrange.local" },
		    { "Processes.process_integrity_level", "high" },
		    { "Processes.original_file_name", "Cmd.Exe" },
		    { "Processes.process_id", "2296" },
		    { "Processes.parent_process_id", "4624" },
		    { "Processes.process_path",
			"C:\\Windows\\System32\\cmd.exe" },
		    { "Processes.process_guid",
			"{96128EA2-F212-5F7E-E400-000000007F01}" },
		    { "Processes.action", "allowed" },
		    { "Processes.process_current_directory",
			"C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\" },
		    { "Processes.vendor_product", "Microsoft Sysmon" },
		    { "user", "ATTACKRANGE\\Administrator" },
		    { "signature_id", "1" },
		    { "signature", "Process Create" },
		    { "IMPHASH", "3062ED732D4B25D1C64F084DAC97D37A" },
		    { "MD5", "F4F684066175B77E0C3A000549D2922C" },
		    { NULL, NULL } } },
		{ "sysmon_for_linux_eventid_1.xml", "Endpoint.Processes", {
		    { "Processes.process_name", "sudo" },
		    { "Processes.parent_process_name", "bash" },
		    { "Processes.parent_process", "-bash" },
		    { "Processes.user", "ubuntu" },
		    { "Processes.original_file_name", "unknown" },
		    { "Processes.process_integrity_level", "no level" },
		    { "Processes.process", "sudo gdb -nx -ex !sh -ex quit" },
		    { NULL, NULL } } },
		{ "sysmon_eventid_3.xml", "Network_Traffic.All_Traffic", {
		    { "dest", "youssef5.genious.net" },
		    { "All_Traffic.dest", "youssef5.genious.net" },
		    { "All_Traffic.dest_ip", "41.77.117.236" },
		    { "All_Traffic.dest_port", "21" },
		    { "All_Traffic.src",
			"win-dc-ctus-attack-range-403.attackrange.local" },
		    { "All_Traffic.src_port", "61722" },
		    { "All_Traffic.transport", "tcp" },
		    { "All_Traffic.direction", "outbound" },
		    { "All_Traffic.protocol", "ftp" },
		    { "All_Traffic.protocol_version", "ipv4" },
		    { "All_Traffic.user", "Administrator" },
		    { "All_Traffic.app", "C:\\Temp\\agent_tesla-deob.exe" },
		    { "All_Traffic.action", "allowed" },
		    { "All_Traffic.process_id", "5728" },
		    { NULL, NULL } } },
		{ "sysmon_eventid_11.xml", "Endpoint.Filesystem", {
		    { "Filesystem.file_name",
			"CURRENT_USER_My_4_atomic@art2.local.pfx" },
		    { "Filesystem.file_path", "C:\\Users\\Administrator\\"
			"Downloads\\mimikatz_trunk\\x64\\CURRENT_USER_My_4_"
			"atomic@art2.local.pfx" },
		    { "Filesystem.action", "created" },
		    { "Filesystem.user", "unknown" },
		    { "Filesystem.file_hash", "unknown" },
		    { "Filesystem.file_create_time", "2023-02-08 13:01:11.053" },
		    { "Filesystem.process_id", "9332" },
		    { NULL, NULL } } },
		{ "sysmon_eventid_12.xml", "Endpoint.Registry", {
		    { "Registry.action", "deleted" },
		    { "Registry.registry_path", "HKU\\S-1-5-21-2333072374-"
			"3391925831-3197092227-1112_Classes\\exefile\\shell\\"
			"runas\\command" },
		    { "Registry.registry_key_name", "HKU\\S-1-5-21-2333072374-"
			"3391925831-3197092227-1112_Classes\\exefile\\shell\\"
			"runas\\command" },
		    { "Registry.registry_value_name", "unknown" },
		    { "Registry.registry_value_data", "unknown" },
		    { "Registry.registry_hive", "HKEY_CURRENT_USER" },
		    { "Registry.user", "unknown" },
		    { NULL, NULL } } },
		{ "sysmon_eventid_13.xml", "Endpoint.Registry", {
		    { "Registry.registry_value_data", "0x01d776fd-0xd724b8c5" },
		    { "Registry.registry_value_type", "QWORD" },
		    { "Registry.registry_value_name", "SecureTimeHigh" },
		    { "Registry.registry_key_name", "HKLM\\System\\"
			"CurrentControlSet\\Services\\W32Time\\"
			"SecureTimeLimits" },
		    { "Registry.action", "modified" },
		    { "Registry.registry_hive",
			"HKEY_LOCAL_MACHINE\\System" },
		    { "Registry.status", "success" },
		    { NULL, NULL } } },
		{ "sysmon_eventid_22.xml", "Network_Resolution.DNS", {
		    { "DNS.query", "50.220.65.3.spam.dnsbl.sorbs.net" },
		    { "DNS.answer", "unknown" },
		    { "DNS.reply_code_id", "9003" },
		    { "DNS.src", "win-dc-299.attackrange.local" },
		    { NULL, NULL } } },
		/* Add-on fields only: EID 7 is not in Processes (GUESS {1}). */
		{ "sysmon_eventid_7.xml", NULL, {
		    { "process_name", "server.exe" },
		    { "loaded_file", "server.exe" },
		    { "dest", "ar-win-dc.attackrange.local" },
		    { "Processes.process_name", "" },
		    { NULL, NULL } } },
	};
	struct cim_map	*m;
	char		*buf;
	size_t		 i, j;

	m = shipped_map();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf = map_example(m, cases[i].file, cases[i].dataset, true);
		for (j = 0; cases[i].f[j][0] != NULL; j++)
			expect_field(&ev, cases[i].f[j][0], cases[i].f[j][1],
			    cases[i].file);
		free(buf);
	}
	free(map_example(m, "sysmon_eventid_7.xml", "Endpoint.Processes",
	    false));
	free(map_example(m, "sysmon_eventid_3.xml", "Endpoint.Processes",
	    false));
	free(map_example(m, "sysmon_eventid_13.xml", "Endpoint.Filesystem",
	    false));
	cim_map_free(m);
}

/* SPEC 9: a field no event can carry is known as such. */
Test(cim, produces_names_raw_add_on_and_dataset_fields)
{
	struct cim_map	*m;
	int		 id;

	m = shipped_map();
	cr_expect(cim_map_produces(m, event_field_lookup("TargetObject", 12)));
	/* declared by "fields =", interned only by a reader (cim.h) */
	cr_expect_eq(event_field_lookup("EventRecordID", 13), -1);
	cr_expect(cim_map_produces(m, event_field_intern("EventRecordID", 13)));
	cr_expect(cim_map_produces(m, event_field_lookup("registry_path", 13)));
	cr_expect(cim_map_produces(m,
	    event_field_lookup("Processes.process_name", 22)));
	id = event_field_intern("NoSuchSysmonField", 17);
	cr_expect_not(cim_map_produces(m, id));
	id = event_field_intern("Processes.no_such", 17);
	cr_expect_not(cim_map_produces(m, id));
	cr_expect_not(cim_map_produces(m, -1));
	cim_map_free(m);
}

/*
 * Issue 16: an event 3 without DestinationHostname (and without
 * SourceHostname) takes dest from DestinationIp and src from SourceIp
 * (conf/cim.conf [sysmon 3], from [S7] TA-Microsoft-Sysmon's props.conf:
 * "dest = DestinationHostname | DestinationIp"), never the host's
 * Computer; with the host names, the names win.
 */
Test(cim, eid3_without_hostnames_falls_back_to_the_ips)
{
	const struct cim_dataset	*ds;
	struct cim_map			*m = shipped_map();

	ds = cim_dataset_find(m, "Network_Traffic.All_Traffic", 27);
	cr_assert_not_null(ds);
	event_reset(&ev);
	set_field(&ev, "source", SYSMON_SOURCE);
	set_field(&ev, "EventCode", "3");
	set_field(&ev, "Computer", "ws1.example.local");
	set_field(&ev, "DestinationIp", "10.0.0.7");
	set_field(&ev, "DestinationPort", "443");
	set_field(&ev, "SourceIp", "10.0.0.5");
	set_field(&ev, "Initiated", "true");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "dest", "10.0.0.7", "no DestinationHostname");
	expect_field(&ev, "src", "10.0.0.5", "no SourceHostname");
	expect_field(&ev, "dest_ip", "10.0.0.7", "dest_ip");
	cr_assert(cim_dataset_has(ds, &ev));
	cr_assert_eq(cim_dataset_apply(ds, &ev), 0);
	expect_field(&ev, "All_Traffic.dest", "10.0.0.7", "dataset");
	expect_field(&ev, "All_Traffic.src", "10.0.0.5", "dataset");

	event_reset(&ev);
	set_field(&ev, "source", SYSMON_SOURCE);
	set_field(&ev, "EventCode", "3");
	set_field(&ev, "Computer", "ws1.example.local");
	set_field(&ev, "DestinationIp", "10.0.0.7");
	set_field(&ev, "DestinationHostname", "srv.example.local");
	set_field(&ev, "SourceIp", "10.0.0.5");
	set_field(&ev, "SourceHostname", "ws1.example.local");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "dest", "srv.example.local", "with hostnames");
	expect_field(&ev, "src", "ws1.example.local", "with hostnames");
	cim_map_free(m);
}

/*
 * dnsanswers() drops the "type: N " prefix of an entry however short the
 * entry (cim_eval.c: "type:  5 a.example;::ffff:1.2.3.4;" gives a line
 * per entry): "type:5" alone is a type with no answer, and gives none.
 */
Test(cim, dnsanswers_drops_a_bare_type_entry)
{
	struct cim_map	*m = parse_ok("[sysmon]\nout = dnsanswers(in)\n");

	event_reset(&ev);
	set_field(&ev, "source", SYSMON_SOURCE);
	set_field(&ev, "in", "type:5;1.2.3.4;type:  28 ::1;");
	cr_assert_eq(cim_addon_apply(m, &ev), 0);
	expect_field(&ev, "out", "1.2.3.4\n::1", "bare type entry");
	cim_map_free(m);
}
