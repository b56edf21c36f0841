/*
 * hecsentry-gen --mix library: the Sysmon mix of issue 13 (event id 1
 * 25%, 3 20%, 7 15%, 10 10%, 11 10%, 12/13 10%, 22 5%, the other 5%
 * spread over 5, 8, 17 and 18), benign process accesses that leave
 * lsass.exe alone, and hit templates: events that security_content
 * detections runnable in hecsentry match, with the field values of the
 * attacks they describe (the tools' own image names, pipe names, DLLs and
 * registry keys that the detections' searches and their attack_data test
 * events carry).  Every template matches at least one detection of
 * ../shared/escu; bench/run.sh's "library" scenario counts the matches.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench/gen.h"

#define GEN_LIB_MAX_SET	6		/* fields a template sets */

int gen_library;

/* Event ids and their weight in per mille. */
static const struct gen_weight gen_lib_mix[] = {
	{ 1, 250 }, { 3, 200 }, { 5, 20 }, { 7, 150 }, { 8, 10 },
	{ 10, 100 }, { 11, 100 }, { 12, 50 }, { 13, 50 }, { 17, 10 },
	{ 18, 10 }, { 22, 50 }
};

/* Benign targets of process access: none of them lsass.exe. */
static const char *const gen_lib_targets[] = {
	"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
	"C:\\Windows\\System32\\svchost.exe",
	"C:\\Windows\\explorer.exe",
	"C:\\Windows\\System32\\RuntimeBroker.exe",
	"C:\\Windows\\System32\\SearchIndexer.exe",
	"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
	"C:\\Windows\\System32\\conhost.exe"
};

/*
 * Processes of the Windows directory: what a Sysmon configuration that
 * filters the noise (as most sites run) still logs loading DLLs (7) and
 * starting remote threads (8).
 */
static const char *const gen_lib_system[] = {
	"C:\\Windows\\System32\\svchost.exe",
	"C:\\Windows\\System32\\csrss.exe",
	"C:\\Windows\\System32\\services.exe",
	"C:\\Windows\\System32\\taskhostw.exe",
	"C:\\Windows\\System32\\RuntimeBroker.exe",
	"C:\\Windows\\System32\\SearchIndexer.exe",
	"C:\\Windows\\System32\\dllhost.exe",
	"C:\\Windows\\System32\\sihost.exe"
};

/* Access rights of benign process access (no PROCESS_ALL_ACCESS). */
static const char *const gen_lib_rights[] = {
	"0x1000", "0x101000", "0x1400", "0x40", "0x100000"
};

/* Benign named pipes (17, 18) and their servers. */
static const char *const gen_lib_pipes[] = {
	"\\PSHost.133781234567890123.4242.DefaultAppDomain.powershell",
	"\\mojo.4242.5560.8872365236789283471",
	"\\chrome.sync.4242.1380.1234567890",
	"\\LOCAL\\crashpad_4242_ABCDEFGHIJKLMNOP",
	"\\InitShutdown",
	"\\lsass", "\\wkssvc", "\\eventlog"
};

/* A hit: the event id, the detection it is written for, the fields. */
static const struct {
	int		 id;
	const char	*name;
	const char	*set[GEN_LIB_MAX_SET][2];
} gen_lib_hits[] = {
	{ 10, "Access LSASS Memory for Dump Creation", {
	    { "SourceImage", "C:\\Windows\\system32\\rundll32.exe" },
	    { "TargetImage", "C:\\Windows\\system32\\lsass.exe" },
	    { "GrantedAccess", "0x1FFFFF" },
	    { "CallTrace", "C:\\Windows\\SYSTEM32\\ntdll.dll+9d4c4|"
		"C:\\Windows\\System32\\KERNELBASE.dll+2c13e|"
		"C:\\Windows\\SYSTEM32\\dbgcore.DLL+6dfc|"
		"C:\\Windows\\System32\\comsvcs.dll+1d3b9" } } },
	{ 17, "Cobalt Strike Named Pipes", {
	    { "EventType", "CreatePipe" },
	    { "PipeName", "\\MSSE-2213-server" },
	    { "Image", "C:\\Windows\\System32\\rundll32.exe" } } },
	{ 8, "Create Remote Thread into LSASS", {
	    { "SourceImage", "C:\\Windows\\System32\\WindowsPowerShell\\"
		"v1.0\\powershell.exe" },
	    { "TargetImage", "C:\\Windows\\system32\\lsass.exe" } } },
	{ 3, "Detect Regasm with Network Connection", {
	    { "Image", "C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\"
		"RegAsm.exe" },
	    { "DestinationIp", "185.117.73.41" },
	    { "DestinationPort", "443" } } },
	{ 22, "Suspicious Process With Discord DNS Query", {
	    { "Image", "C:\\Windows\\System32\\rundll32.exe" },
	    { "QueryName", "cdn.discordapp.com" } } },
	{ 7, "Loading Of Dynwrapx Module", {
	    { "Image", "C:\\Windows\\System32\\wscript.exe" },
	    { "ImageLoaded", "C:\\Users\\Public\\dynwrapx.dll" },
	    { "OriginalFileName", "dynwrapx.dll" },
	    { "Product", "DynamicWrapperX" },
	    { "Signed", "false" } } },
	{ 7, "Office Document Executing Macro Code", {
	    { "Image", "C:\\Program Files\\Microsoft Office\\root\\Office16\\"
		"WINWORD.EXE" },
	    { "ImageLoaded", "C:\\Program Files\\Common Files\\Microsoft "
		"Shared\\VBA\\VBA7.1\\VBE7.DLL" },
	    { "OriginalFileName", "VBE7.DLL" } } },
	{ 11, "Rundll32 Process Creating Exe Dll Files", {
	    { "Image", "C:\\Windows\\System32\\rundll32.exe" },
	    { "TargetFilename", "C:\\Users\\Public\\Libraries\\license.dll" } } },
	{ 12, "Windows Modify Registry Delete Firewall Rules", {
	    { "EventType", "DeleteValue" },
	    { "Image", "C:\\Windows\\System32\\netsh.exe" },
	    { "TargetObject", "HKLM\\System\\CurrentControlSet\\Services\\"
		"SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules\\"
		"{D6A5B2C1-3B4E-4C1A-9F0E-1A2B3C4D5E6F}" } } },
	{ 13, "Modification Of Wallpaper", {
	    { "Image", "C:\\Users\\Public\\rsw.exe" },
	    { "TargetObject", "HKU\\S-1-5-21-3623811015-3361044348-30300820-"
		"1013\\Control Panel\\Desktop\\Wallpaper" },
	    { "Details", "C:\\Users\\Public\\Documents\\READ_ME.bmp" } } }
};

int
gen_lib_pick_id(void)
{
	return gen_pick_weighted(gen_lib_mix, GEN_NITEMS(gen_lib_mix), 1000);
}

const char *
gen_lib_access_target(void)
{
	return GEN_PICK(gen_lib_targets);
}

/* Sysmon's CreateRemoteThread (8): source and target processes. */
static void
gen_lib_remote_thread(struct gen_event *ev, const char *domuser,
    const char *user)
{
	char		 sguid[48], tguid[48], t[40];

	(void)user;
	gen_time(ev->ms - 150 - gen_below(400), 0, t, sizeof(t));
	gen_guid(sguid, sizeof(sguid));
	gen_guid(tguid, sizeof(tguid));
	ev_add(ev, "RuleName", "-");
	ev_add(ev, "UtcTime", "%s", t);
	ev_add(ev, "SourceProcessGuid", "%s", sguid);
	ev_add(ev, "SourceProcessId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "SourceImage", "%s", gen_lib_system_image());
	ev_add(ev, "TargetProcessGuid", "%s", tguid);
	ev_add(ev, "TargetProcessId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "TargetImage", "%s", gen_lib_system_image());
	ev_add(ev, "NewThreadId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "StartAddress", "0x00007FF%09X", (unsigned)gen_rand());
	ev_add(ev, "StartModule", "C:\\Windows\\System32\\KERNELBASE.dll");
	ev_add(ev, "StartFunction", "-");
	ev_add(ev, "SourceUser", "%s", domuser);
	ev_add(ev, "TargetUser", "%s", domuser);
}

const char *
gen_lib_access_rights(void)
{
	return GEN_PICK(gen_lib_rights);
}

const char *
gen_lib_system_image(void)
{
	return GEN_PICK(gen_lib_system);
}

void
gen_lib_fill(struct gen_event *ev, const char *domuser, const char *user)
{
	char		 image[256], pguid[48];
	unsigned	 pid;

	if (ev->id == 8) {
		gen_lib_remote_thread(ev, domuser, user);
		return;
	}
	/* 17, 18: a pipe created or connected. */
	gen_image(user, image, sizeof(image));
	ev_add(ev, "EventType", "%s", ev->id == 17 ? "CreatePipe" :
	    "ConnectPipe");
	gen_common(ev, NULL, user, pguid, sizeof(pguid), &pid);
	ev_add(ev, "PipeName", "%s", GEN_PICK(gen_lib_pipes));
	ev_add(ev, "Image", "%s", image);
	ev_add(ev, "User", "%s", domuser);
}

size_t
gen_lib_nhits(void)
{
	return GEN_NITEMS(gen_lib_hits);
}

int
gen_lib_hit_id(size_t t)
{
	return gen_lib_hits[t].id;
}

const char *
gen_lib_hit_name(size_t t)
{
	return gen_lib_hits[t].name;
}

/* Sets field k to v: in place when ev has it, else appended. */
static void
gen_lib_set(struct gen_event *ev, const char *k, const char *v)
{
	size_t	 len = strlen(v) + 1;
	int	 i;

	for (i = 0; i < ev->nkv; i++)
		if (strcmp(ev->k[i], k) == 0)
			break;
	if (i == ev->nkv) {
		ev_add(ev, k, "%s", v);
		return;
	}
	if (len > sizeof(ev->store) - ev->used)
		errx(1, "event %d: values too long", ev->id);
	memcpy(ev->store + ev->used, v, len);
	ev->v[i] = ev->store + ev->used;
	ev->used += len;
}

void
gen_lib_hit(struct gen_event *ev, size_t t)
{
	size_t	 i;

	for (i = 0; i < GEN_LIB_MAX_SET && gen_lib_hits[t].set[i][0] != NULL;
	    i++)
		gen_lib_set(ev, gen_lib_hits[t].set[i][0],
		    gen_lib_hits[t].set[i][1]);
	ev->hit = GEN_HIT_LIBRARY;
}

/*
 * The image of a benign network connection of the library mix in place
 * of gen_image()'s out (size outsz) where that one would be a hit:
 * Kerberos and LDAP from lsass.exe (from an AppData or ProgramData image
 * they are "Windows Suspect Process With Authentication Traffic"), and
 * svchost.exe for powershell.exe, msiexec.exe and cmd.exe ("LOLBAS With
 * Network Traffic").
 */
void
gen_lib_net_image(char *out, size_t outsz, unsigned dport)
{
	static const char *const lolbas[] = {
		"\\powershell.exe", "\\msiexec.exe", "\\cmd.exe"
	};
	size_t	 i, n = strlen(out), len;

	if (dport == 88 || dport == 389 || dport == 636) {
		snprintf(out, outsz, "C:\\Windows\\System32\\lsass.exe");
		return;
	}
	for (i = 0; i < GEN_NITEMS(lolbas); i++) {
		len = strlen(lolbas[i]);
		if (n >= len && strcmp(out + n - len, lolbas[i]) == 0) {
			snprintf(out, outsz,
			    "C:\\Windows\\System32\\svchost.exe");
			return;
		}
	}
}
