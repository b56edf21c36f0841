/*
 * The normalised event record: the field registry (names interned to ids
 * at load time), the per-event arena, and normalisation into source,
 * sourcetype, _time and the CIM fields of SPEC 2.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil.h"
#include "decode/event.h"
#include "xmalloc.h"

#define EVENT_REG_BUCKETS	1024	/* power of two, > EVENT_MAX_FIELDS */

static const char *event_builtin[EVENT_F_NBUILTIN] = {
	"_time", "EventCode", "Computer", "source", "sourcetype",
	"SourceName", "Channel", "host", "UtcTime", "SystemTime",
	"@timestamp", "Image", "User", "Protocol", "Initiated",
	"SourceIsIpv6", "SourceIp", "SourceHostname", "SourcePort",
	"SourcePortName", "DestinationIsIpv6", "DestinationIp",
	"DestinationHostname", "DestinationPort", "DestinationPortName",
	"ProcessGuid", "ProcessId", "RuleName", "user.domain", "user.name",
	"dest", "src", "dvc", "user", "app", "process_name", "process_exec",
	"transport", "protocol", "direction", "dest_ip", "dest_port",
	"src_ip", "src_port", "process_guid", "process_id",
	"vendor_product", "protocol_version", "action"
};

static char	*event_names[EVENT_MAX_FIELDS];	/* id -> name */
static size_t	 event_name_len[EVENT_MAX_FIELDS];	/* id -> length */
static int	 event_nnames;			/* ids in use */
static short	 event_reg[EVENT_REG_BUCKETS];	/* open addressing, id+1;
						   atomic: see intern */

/*
 * FNV-1a over eight bytes a step (XML decoding looks up every
 * <Data Name='...'>, about 15 names an event).  Not keyed: input only
 * looks names up, it never adds any (at most EVENT_MAX_FIELDS names
 * fill at most half the buckets).
 */
static uint32_t
event_name_hash(const char *s, size_t len)
{
	uint64_t	 h = 14695981039346656037ULL, w;
	size_t		 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 1099511628211ULL;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, s + i, len - i);
		h = (h ^ w) * 1099511628211ULL;
	}
	return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

int
event_field_lookup(const char *name, size_t len)
{
	uint32_t	 i;
	int		 id;

	i = event_name_hash(name, len) & (EVENT_REG_BUCKETS - 1);
	while ((id = __atomic_load_n(&event_reg[i], __ATOMIC_ACQUIRE)) != 0) {
		id--;
		if (event_name_len[id] == len &&
		    memcmp(event_names[id], name, len) == 0)
			return id;
		i = (i + 1) & (EVENT_REG_BUCKETS - 1);
	}
	return -1;
}

int
event_field_intern(const char *name, size_t len)
{
	uint32_t	 i;
	int		 id;

	if ((id = event_field_lookup(name, len)) != -1)
		return id;
	if (event_nnames >= EVENT_MAX_FIELDS)
		return -1;
	/*
	 * One writer (the main thread, at load or reload) and readers in the
	 * worker threads: the name is complete before its slot and the count
	 * are published (release), and readers load those with acquire.
	 */
	id = event_nnames;
	event_names[id] = xstrndup(name, len);
	event_name_len[id] = len;
	i = event_name_hash(name, len) & (EVENT_REG_BUCKETS - 1);
	while (event_reg[i] != 0)
		i = (i + 1) & (EVENT_REG_BUCKETS - 1);
	__atomic_store_n(&event_reg[i], (short)(id + 1), __ATOMIC_RELEASE);
	__atomic_store_n(&event_nnames, id + 1, __ATOMIC_RELEASE);
	return id;
}

void
event_fields_init(void)
{
	int	 i;

	if (event_nnames != 0)
		return;
	for (i = 0; i < EVENT_F_NBUILTIN; i++)
		(void)event_field_intern(event_builtin[i],
		    strlen(event_builtin[i]));
}

const char *
event_field_name(int id)
{
	if (id < 0 || id >= __atomic_load_n(&event_nnames, __ATOMIC_ACQUIRE))
		return NULL;
	return event_names[id];
}

int
event_field_count(void)
{
	return __atomic_load_n(&event_nnames, __ATOMIC_ACQUIRE);
}

void
event_init(struct event *ev, size_t arena_cap)
{
	memset(ev, 0, sizeof(*ev));
	ev->arena = xmalloc(arena_cap);
	ev->arena_cap = arena_cap;
}

void
event_clear(struct event *ev)
{
	free(ev->arena);
	memset(ev, 0, sizeof(*ev));
}

void
event_reset(struct event *ev)
{
	memset(ev->set, 0, sizeof(ev->set));
	ev->time_ms = 0;
	ev->shape = EVENT_SHAPE_UNKNOWN;
	ev->arena_len = 0;
}

char *
event_alloc(struct event *ev, size_t len)
{
	char	*p;

	if (len > ev->arena_cap - ev->arena_len)
		return NULL;
	p = ev->arena + ev->arena_len;
	ev->arena_len += len;
	return p;
}

void
event_unset(struct event *ev, int id)
{
	if (id < 0 || id >= EVENT_MAX_FIELDS)
		return;
	ev->set[id >> 6] &= ~((uint64_t)1 << (id & 63));
}

int
event_set(struct event *ev, int id, const char *v, size_t len)
{
	char	*p;

	if (len == 0)
		return event_set_ref(ev, id, v, 0);
	if ((p = event_alloc(ev, len)) == NULL)
		return -1;
	memcpy(p, v, len);
	return event_set_ref(ev, id, p, len);
}

bool
event_eq(const struct event *ev, int id, const char *s)
{
	size_t	 len = strlen(s);

	return event_has(ev, id) && ev->val[id].len == len &&
	    memcmp(ev->val[id].ptr, s, len) == 0;
}

const char *
event_shape_name(enum event_shape shape)
{
	static const char *names[EVENT_SHAPE_NSHAPES] = {
		"unknown", "nxlog", "winlogbeat", "ecs", "splunk_flat", "xml"
	};

	if ((unsigned)shape >= EVENT_SHAPE_NSHAPES)
		return "unknown";
	return names[shape];
}

void
event_trim(struct event *ev, const char *p, size_t used)
{
	size_t	 off;

	off = (size_t)(p - ev->arena);
	if (off + used <= ev->arena_len)
		ev->arena_len = off + used;
}

/*
 * Normalisation (SPEC 2).  Everything below works on the decoded fields
 * only; derived values that alias an existing value share its bytes.
 */

#define EVENT_SYSMON_WIN_PROVIDER	"Microsoft-Windows-Sysmon"
#define EVENT_SYSMON_WIN_CHANNEL	"Microsoft-Windows-Sysmon/Operational"
#define EVENT_SYSMON_LINUX_PROVIDER	"Linux-Sysmon"
#define EVENT_SYSMON_LINUX_CHANNEL	"Linux-Sysmon/Operational"

/*
 * True when the field is set and equals s, ignoring ASCII case.  The
 * bytes are compared first: the values tested are mostly spelt exactly.
 * Inline, so that the length of a literal s is known.
 */
static inline bool
event_eq_nocase(const struct event *ev, int id, const char *s)
{
	size_t	 len = strlen(s);

	if (!event_has(ev, id) || ev->val[id].len != len)
		return false;
	return memcmp(ev->val[id].ptr, s, len) == 0 ||
	    strncasecmp(ev->val[id].ptr, s, len) == 0;
}

_Static_assert(EVENT_F_NBUILTIN <= 64, "builtin ids fit in set[0]");

/* Sets dst to a static string when dst is not set. */
static void
event_default(struct event *ev, int dst, const char *s)
{
	if (!event_has(ev, dst))
		(void)event_set_ref(ev, dst, s, strlen(s));
}

/*
 * source and sourcetype as Splunk indexes Sysmon events (Windows or
 * Linux).  Other providers get no source, so they can never satisfy the
 * `sysmon` macro, nor get the add-on's fields (cim.c).
 */
static void
event_normalise_source(struct event *ev)
{
	if (event_eq_nocase(ev, EVENT_F_SOURCENAME,
	    EVENT_SYSMON_WIN_PROVIDER) ||
	    event_eq_nocase(ev, EVENT_F_CHANNEL, EVENT_SYSMON_WIN_CHANNEL)) {
		event_default(ev, EVENT_F_SOURCE,
		    "XmlWinEventLog:" EVENT_SYSMON_WIN_CHANNEL);
		event_default(ev, EVENT_F_SOURCETYPE, "XmlWinEventLog");
		return;
	}
	if (event_eq_nocase(ev, EVENT_F_SOURCENAME,
	    EVENT_SYSMON_LINUX_PROVIDER) ||
	    event_eq_nocase(ev, EVENT_F_CHANNEL, EVENT_SYSMON_LINUX_CHANNEL)) {
		event_default(ev, EVENT_F_SOURCE,
		    "Syslog:" EVENT_SYSMON_LINUX_CHANNEL);
		event_default(ev, EVENT_F_SOURCETYPE, "sysmon:linux");
	}
}

/* User = DOMAIN\name from the ECS user.domain and user.name. */
static int
event_normalise_user(struct event *ev)
{
	const struct event_str	*d, *n;
	char			*p;

	if (event_has(ev, EVENT_F_USER) || !event_has(ev, EVENT_F_USER_NAME))
		return 0;
	n = &ev->val[EVENT_F_USER_NAME];
	if (!event_has(ev, EVENT_F_USER_DOMAIN))
		return event_set_ref(ev, EVENT_F_USER, n->ptr, n->len);
	d = &ev->val[EVENT_F_USER_DOMAIN];
	if ((p = event_alloc(ev, (size_t)d->len + 1 + n->len)) == NULL)
		return -1;
	memcpy(p, d->ptr, d->len);
	p[d->len] = '\\';
	memcpy(p + d->len + 1, n->ptr, n->len);
	return event_set_ref(ev, EVENT_F_USER, p, (size_t)d->len + 1 + n->len);
}

/*
 * The three caches of event.c (the last second formatted, the last date,
 * the last minute parsed) stay thread-locals rather than joining the
 * pipeline's struct decode_ctx: civil_days() and
 * event_parse_time() are called by syslog.c's header parser and by
 * event_normalise(), which have no context, so moving them would add a
 * context argument to syslog_parse(), event_normalise() and their
 * callers for 60 bytes of cache, where a thread-local of the static
 * daemon is one %fs-relative access.
 *
 * Per thread, the text of the last second formatted.
 */
static _Thread_local char	 event_sec_text[24];	/* <= 21 used */
static _Thread_local int	 event_sec_len;		/* 0: none */
static _Thread_local int64_t	 event_sec_last;	/* its second */

/*
 * Writes "sec.mmm" (what "%lld.%03d" gives, without snprintf() on the
 * hot path) into p, which has room for 32 bytes.  Returns the length.
 * The seconds of the last call are kept: events come in time order.
 */
static int
event_format_time(char *p, int64_t sec, int msec)
{
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	char		 tmp[24];
	uint64_t	 u;
	unsigned	 r;
	int		 n = 0, k = sizeof(tmp);

	if (sec == event_sec_last && event_sec_len > 0) {
		memcpy(p, event_sec_text, sizeof(event_sec_text));
		n = event_sec_len;
		goto msec;
	}
	if (sec < 0) {
		p[n++] = '-';
		u = (uint64_t)-(sec + 1) + 1;
	} else
		u = (uint64_t)sec;
	/* Two digits a step, written backwards from the end of tmp. */
	while (u >= 100) {
		r = (unsigned)(u % 100);
		u /= 100;
		k -= 2;
		memcpy(tmp + k, pairs + 2 * r, 2);
	}
	if (u >= 10) {
		k -= 2;
		memcpy(tmp + k, pairs + 2 * u, 2);
	} else
		tmp[--k] = (char)('0' + u);
	memcpy(p + n, tmp + k, sizeof(tmp) - k);
	n += (int)sizeof(tmp) - k;
	memcpy(event_sec_text, p, sizeof(event_sec_text));
	event_sec_len = n;
	event_sec_last = sec;
msec:
	p[n++] = '.';
	p[n++] = (char)('0' + msec / 100);
	p[n++] = (char)('0' + msec / 10 % 10);
	p[n++] = (char)('0' + msec % 10);
	return n;
}

/*
 * _time: UtcTime, then SystemTime, then @timestamp (or SystemTime,
 * @timestamp, UtcTime for EVENT_TIME_TIMECREATED: Winlogbeat's
 * @timestamp is the TimeCreated it read), then the header's time, then
 * the arrival time.  NXLog's EventTime is local time with no zone and is
 * never used (SPEC 2 "Time").
 */
static int
event_normalise_time(struct event *ev, enum event_time_source ts,
    int64_t header_ms, int64_t now_ms)
{
	static const int	 ids[2][3] = {
		{ EVENT_F_UTCTIME, EVENT_F_SYSTEMTIME, EVENT_F_TIMESTAMP },
		{ EVENT_F_SYSTEMTIME, EVENT_F_TIMESTAMP, EVENT_F_UTCTIME }
	};
	const int		*order = ids[ts == EVENT_TIME_TIMECREATED];
	const char		*v;
	size_t			 i, len;
	int64_t			 ms = 0, sec;
	int			 n, found = 0;
	char			*p;

	for (i = 0; i < 3 && !found; i++)
		if (event_get(ev, order[i], &v, &len) &&
		    event_parse_time(v, len, &ms) == 0)
			found = 1;
	if (!found)
		ms = header_ms > 0 ? header_ms : now_ms;
	ev->time_ms = ms;
	sec = ms / 1000;
	if (ms % 1000 < 0)
		sec--;
	if ((p = event_alloc(ev, 32)) == NULL)
		return -1;
	n = event_format_time(p, sec, (int)(ms - sec * 1000));
	event_trim(ev, p, (size_t)n);
	return event_set_ref(ev, EVENT_F_TIME, p, (size_t)n);
}

int
event_normalise_from(struct event *ev, enum event_time_source ts,
    int64_t header_ms, int64_t now_ms)
{
	event_normalise_source(ev);
	if (event_normalise_user(ev) == -1)
		return -1;
	return event_normalise_time(ev, ts, header_ms, now_ms);
}

int
event_normalise(struct event *ev, int64_t header_ms, int64_t now_ms)
{
	return event_normalise_from(ev, EVENT_TIME_UTCTIME, header_ms,
	    now_ms);
}

/* Reads exactly n decimal digits at s[*i]; -1 when one is not a digit. */
static int
event_parse_digits(const char *s, size_t len, size_t *i, int n)
{
	int	 v = 0;

	if (len - *i < (size_t)n)
		return -1;
	while (n-- > 0) {
		if (s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[(*i)++] - '0');
	}
	return v;
}

/* The two digits at s, or -1 when one is not a digit. */
static inline int
event_digits2(const char *s)
{
	unsigned	 a = (unsigned char)s[0] - '0';
	unsigned	 b = (unsigned char)s[1] - '0';

	if (a > 9 || b > 9)
		return -1;
	return (int)(a * 10 + b);
}

/* Per thread, the last minute parsed: "YYYY-MM-DD?HH:MM" and its ms. */
static _Thread_local char	 event_time_key[16];	/* valid text */
static _Thread_local int64_t	 event_time_base;	/* its ms */
static _Thread_local bool	 event_time_ok;		/* key set */

/*
 * Parses "YYYY-MM-DD HH:MM:SS[.f...]" (Sysmon UtcTime, UTC) and ISO 8601 /
 * RFC 3339 "YYYY-MM-DDTHH:MM:SS[.f...](Z|+HH:MM|-HH:MM|+HHMM)".  Fractions
 * of any length are truncated to milliseconds; no zone means UTC.  Stores
 * ms since the epoch and returns 0, or returns -1 when s is malformed.
 * Events come in time order, so the minute of the last time parsed is
 * kept and its first 16 bytes are only compared.
 */
int
event_parse_time(const char *s, size_t len, int64_t *ms)
{
	static const int mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	size_t	 i = 19;
	int	 y, y2, mo, d, h, mi, sec, frac = 0, scale = 100, off = 0;
	int	 oh, om, sign;
	int64_t	 base;

	/* "YYYY-MM-DD?HH:MM:SS" has fixed places: 19 bytes at least. */
	if (len < 19 || s[16] != ':' || (sec = event_digits2(s + 17)) == -1 ||
	    sec > 60)
		return -1;
	if (event_time_ok && memcmp(s, event_time_key, 16) == 0)
		base = event_time_base;
	else {
		if (s[4] != '-' || s[7] != '-' ||
		    (s[10] != ' ' && s[10] != 'T' && s[10] != 't') ||
		    s[13] != ':' ||
		    (y = event_digits2(s)) == -1 ||
		    (y2 = event_digits2(s + 2)) == -1 ||
		    (mo = event_digits2(s + 5)) == -1 ||
		    (d = event_digits2(s + 8)) == -1 ||
		    (h = event_digits2(s + 11)) == -1 ||
		    (mi = event_digits2(s + 14)) == -1)
			return -1;
		y = y * 100 + y2;
		if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
		    (mo == 2 && d == 29 && (y % 4 != 0 ||
		    (y % 100 == 0 && y % 400 != 0))) ||
		    h > 23 || mi > 59)
			return -1;
		base = (civil_days(y, mo, d) * 86400 + h * 3600 +
		    mi * 60) * 1000;
		memcpy(event_time_key, s, 16);
		event_time_base = base;
		event_time_ok = true;
	}
	if (i < len && s[i] == '.') {
		if (++i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			frac += (s[i] - '0') * scale;
			scale = scale == 100 ? 10 : scale == 10;
		}
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z'))
		i++;
	else if (i < len && (s[i] == '+' || s[i] == '-')) {
		sign = s[i++] == '-' ? -1 : 1;
		if ((oh = event_parse_digits(s, len, &i, 2)) == -1)
			return -1;
		if (i < len && s[i] == ':')
			i++;
		if ((om = event_parse_digits(s, len, &i, 2)) == -1 ||
		    oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 60 + om);
	}
	if (i != len)
		return -1;
	*ms = base + (sec - (int64_t)off * 60) * 1000 + frac;
	return 0;
}
