/*
 * A stats row becomes one HEC event (SPEC 5): the envelope (time, host,
 * source, sourcetype, index), the "event" object with the detection's
 * metadata, the risk message, the window and every output column, and the
 * indexed "fields" with the alert id.  The JSON is written here by hand so
 * that numbers keep the exact text stats made; every string is escaped
 * (RFC 8259 section 7) and bytes that are not valid UTF-8 become U+FFFD,
 * so no input can make the output invalid JSON.  The alert id is a fixed,
 * unseeded 128-bit hash, stable across runs and hosts.  Pure: no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/alert.h"
#include "output/alert_int.h"
#include "detect/detection.h"
#include "decode/event.h"
#include "log.h"
#include "detect/spl.h"
#include "detect/stats.h"
#include "xmalloc.h"

/* The 128-bit alert id hash: two independent 64-bit lanes. */
struct alert_hash {
	uint64_t	 h1;		/* FNV-1a */
	uint64_t	 h2;		/* multiply-rotate */
	uint64_t	 n;		/* bytes fed */
};

/* Keys of the "event" object that a column may not reuse. */
static const char *const alert_reserved[] = {
	"detection", "detection_id", "detection_version", "mitre_attack_id",
	"analytic_story", "risk_score", "risk_message", "window_start",
	"window_end", "emit_reason", "alert_id", "drilldown_search",
	"drilldown_earliest", "drilldown_latest", "arrival_time", NULL
};

static void
alert_hash_feed(struct alert_hash *h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h->h1 = (h->h1 ^ s[i]) * UINT64_C(0x100000001b3);
		h->h2 = (h->h2 ^ s[i]) * UINT64_C(0x9e3779b97f4a7c15);
		h->h2 = (h->h2 << 27) | (h->h2 >> 37);
	}
	h->n += len;
}

/* Feeds v as 8 little-endian bytes, the same on every host. */
static void
alert_hash_u64(struct alert_hash *h, uint64_t v)
{
	unsigned char	 b[8];
	int		 i;

	for (i = 0; i < 8; i++)
		b[i] = (v >> (8 * i)) & 0xff;
	alert_hash_feed(h, b, sizeof(b));
}

/* Feeds a length-prefixed string; NULL differs from "". */
static void
alert_hash_str(struct alert_hash *h, const char *s, size_t len)
{
	unsigned char	 tag = s == NULL ? 0 : 1;

	alert_hash_feed(h, &tag, 1);
	if (s == NULL)
		return;
	alert_hash_u64(h, len);
	alert_hash_feed(h, s, len);
}

/* The finaliser of MurmurHash3, written from its published constants. */
static uint64_t
alert_fmix(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

static void
alert_hash_init(struct alert_hash *h)
{
	h->h1 = UINT64_C(0xcbf29ce484222325);
	h->h2 = UINT64_C(0x6a09e667f3bcc908);
	h->n = 0;
}

/* The 128-bit digest of h as 32 hex digits and a NUL. */
static void
alert_hash_hex(struct alert_hash *h, char out[33])
{
	uint64_t	 a, b;

	a = alert_fmix(h->h1 ^ h->n);
	b = alert_fmix(h->h2 ^ a);
	a = alert_fmix(a ^ b);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
}

void
alert_idsrc_init(struct alert_idsrc *src, const struct detection *d,
    const struct stats_row *row, int worker)
{
	const char	*v;
	size_t		 i, len;

	src->d = d;
	src->win_start_ms = row->win_start_ms;
	src->worker = worker;
	src->nby = row->nby;
	src->done = false;
	if (row->nby > ALERT_IDSRC_MAXBY) {
		alert_id(d, row, worker, src->id);
		src->done = true;
		return;
	}
	for (i = 0; i < row->nby; i++) {
		if (event_get(row->rec, row->by[i], &v, &len)) {
			src->by[i].ptr = v != NULL ? v : "";
			src->by[i].len = (uint32_t)len;
		} else {
			src->by[i].ptr = NULL;
			src->by[i].len = 0;
		}
	}
}

/* The hash alert_id() documents, over the by-values in src. */
static void
alert_idsrc_hash(const struct detection *d, int64_t win_start_ms,
    int worker, const struct event_str *by, size_t nby,
    const struct stats_row *row, char out[33])
{
	struct alert_hash	 h;
	const char		*v;
	size_t			 i, len;

	alert_hash_init(&h);
	alert_hash_str(&h, d->id, d->id != NULL ? strlen(d->id) : 0);
	alert_hash_u64(&h, (uint64_t)(int64_t)d->version);
	alert_hash_u64(&h, nby);
	for (i = 0; i < nby; i++) {
		if (by != NULL) {
			v = by[i].ptr;
			len = by[i].len;
		} else if (!event_get(row->rec, row->by[i], &v, &len))
			v = NULL;
		alert_hash_str(&h, v, v != NULL ? len : 0);
	}
	alert_hash_u64(&h, (uint64_t)win_start_ms);
	if (worker > 0)
		alert_hash_u64(&h, (uint64_t)worker);
	alert_hash_hex(&h, out);
}

const char *
alert_idsrc_get(struct alert_idsrc *src)
{
	if (!src->done) {
		alert_idsrc_hash(src->d, src->win_start_ms, src->worker,
		    src->by, src->nby, NULL, src->id);
		src->done = true;
	}
	return src->id;
}

void
alert_id(const struct detection *d, const struct stats_row *row, int worker,
    char out[33])
{
	alert_idsrc_hash(d, row->win_start_ms, worker, NULL, row->nby, row,
	    out);
}

void
alert_id_nth(char id[33], size_t nth)
{
	struct alert_hash	 h;

	alert_hash_init(&h);
	alert_hash_str(&h, id, strlen(id));
	alert_hash_u64(&h, (uint64_t)nth);
	alert_hash_hex(&h, id);
}

void
alert_grow(struct alert_buf *b, size_t len)
{
	size_t	 need;

	if (len >= SIZE_MAX - b->len)
		fatalx("alert: output too long");
	need = b->len + len + 1;
	if (need > b->cap) {
		b->cap = need > b->cap * 2 ? need : b->cap * 2;
		if (b->cap < ALERT_BUF_INIT)
			b->cap = ALERT_BUF_INIT;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
}

void
alert_puts(struct alert_buf *b, const char *s)
{
	alert_put(b, s, strlen(s));
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * the bytes there are not one (RFC 3629 section 4: no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
static size_t
alert_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * The length of the run of bytes at s[0..len) that go out as they are
 * (0x20..0x7f but '"' and '\\'), eight at a time: (x - 0x20..) & ~x
 * flags the bytes below 0x20, (y - 0x01..) & ~y the zero bytes of y =
 * x ^ '"'.. or x ^ '\\'.., and x itself the bytes from 0x80.  A borrow
 * can flag a byte above a flagged one, never below, so the lowest flag
 * is exact.
 */
static size_t
alert_plain_run(const unsigned char *s, size_t len)
{
	size_t		 i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 x, q, e, r;

	for (; len - i >= 8; i += 8) {
		memcpy(&x, s + i, 8);
		q = x ^ (ones * '"');
		e = x ^ (ones * '\\');
		r = (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
		    ((e - ones) & ~e) | x) & high;
		if (r != 0)
			return i + (__builtin_ctzll(r) >> 3);
	}
#endif
	for (; i < len; i++)
		if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\' ||
		    s[i] >= 0x80)
			break;
	return i;
}

/* Writes s as a JSON string: escaped, invalid UTF-8 as U+FFFD. */
void
alert_put_str(struct alert_buf *b, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 esc[8];
	size_t			 i = 0, run = 0, n;

	alert_put(b, "\"", 1);
	while (i < len) {
		n = alert_plain_run(u + i, len - i);
		i += n;
		run += n;
		if (i == len)
			break;
		if (u[i] >= 0x20 && u[i] != '"' && u[i] != '\\' &&
		    u[i] < 0x80) {
			i++;
			run++;
			continue;
		}
		if (u[i] >= 0x80 && (n = alert_utf8_len(u + i, len - i)) > 0) {
			i += n;
			run += n;
			continue;
		}
		alert_put(b, s + i - run, run);
		run = 0;
		switch (u[i]) {
		case '"':
			alert_puts(b, "\\\"");
			break;
		case '\\':
			alert_puts(b, "\\\\");
			break;
		case '\n':
			alert_puts(b, "\\n");
			break;
		case '\r':
			alert_puts(b, "\\r");
			break;
		case '\t':
			alert_puts(b, "\\t");
			break;
		case '\b':
			alert_puts(b, "\\b");
			break;
		case '\f':
			alert_puts(b, "\\f");
			break;
		default:
			if (u[i] < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", u[i]);
				alert_puts(b, esc);
			} else
				alert_puts(b, "\xef\xbf\xbd");
			break;
		}
		i++;
	}
	alert_put(b, s + i - run, run);
	alert_put(b, "\"", 1);
}

/* Writes a NUL-terminated string, or null for NULL. */
void
alert_put_cstr(struct alert_buf *b, const char *s)
{
	if (s == NULL)
		alert_puts(b, "null");
	else
		alert_put_str(b, s, strlen(s));
}

/* Writes ,"key": (or "key": for the first member when first). */
void
alert_put_key(struct alert_buf *b, const char *key, bool first)
{
	if (!first)
		alert_put(b, ",", 1);
	alert_put_str(b, key, strlen(key));
	alert_put(b, ":", 1);
}

void
alert_put_strv(struct alert_buf *b, char **v, size_t n)
{
	size_t	 i;

	alert_put(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			alert_put(b, ",", 1);
		alert_put_cstr(b, v[i]);
	}
	alert_put(b, "]", 1);
}

/* True when s is a JSON number (RFC 8259 section 6). */
static bool
alert_is_number(const char *s, size_t len)
{
	size_t	 i = 0, start;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && s[i] >= '1' && s[i] <= '9')
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < len && s[i] == '.') {
		start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	return i == len;
}

/* Writes v in decimal, as "%lld" does, without snprintf(). */
void
alert_put_int(struct alert_buf *b, int64_t v)
{
	char		 tmp[24];
	uint64_t	 u;
	size_t		 k = sizeof(tmp);

	u = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;
	do {
		tmp[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--k] = '-';
	alert_put(b, tmp + k, sizeof(tmp) - k);
}

/* Writes ms since the epoch as seconds with 3 decimals. */
void
alert_put_time(struct alert_buf *b, int64_t ms)
{
	char	 buf[4];
	int64_t	 sec = ms / 1000, frac = ms % 1000;

	if (frac < 0) {
		sec--;
		frac += 1000;
	}
	alert_put_int(b, sec);
	buf[0] = '.';
	buf[1] = (char)('0' + frac / 100);
	buf[2] = (char)('0' + frac / 10 % 10);
	buf[3] = (char)('0' + frac % 10);
	alert_put(b, buf, sizeof(buf));
}

/*
 * Writes ms since the epoch as an ISO 8601 UTC string, in seconds: what
 * gmtime_r() and strftime("%Y-%m-%dT%H:%M:%SZ") give.  Years 1000 to
 * 9999 are written by hand (the date from the day number as in Howard
 * Hinnant's civil_from_days); others, which %Y writes with fewer or more
 * digits, go through the library.
 */
void
alert_put_iso(struct alert_buf *b, int64_t ms)
{
	struct tm	 tm;
	time_t		 sec;
	int64_t		 days, secs, era, doe, yoe, doy, mp, y;
	int		 m, d;
	char		 buf[64];

	sec = (time_t)(ms / 1000 - (ms % 1000 < 0));
	days = (int64_t)sec / 86400;
	secs = (int64_t)sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (m <= 2);
	if (y >= 1000 && y <= 9999) {
		buf[0] = '"';
		buf[1] = (char)('0' + y / 1000);
		buf[2] = (char)('0' + y / 100 % 10);
		buf[3] = (char)('0' + y / 10 % 10);
		buf[4] = (char)('0' + y % 10);
		buf[5] = '-';
		buf[6] = (char)('0' + m / 10);
		buf[7] = (char)('0' + m % 10);
		buf[8] = '-';
		buf[9] = (char)('0' + d / 10);
		buf[10] = (char)('0' + d % 10);
		buf[11] = 'T';
		buf[12] = (char)('0' + secs / 36000);
		buf[13] = (char)('0' + secs / 3600 % 10);
		buf[14] = ':';
		buf[15] = (char)('0' + secs / 600 % 6);
		buf[16] = (char)('0' + secs / 60 % 10);
		buf[17] = ':';
		buf[18] = (char)('0' + secs % 60 / 10);
		buf[19] = (char)('0' + secs % 10);
		buf[20] = 'Z';
		buf[21] = '"';
		alert_put(b, buf, 22);
		return;
	}
	if (gmtime_r(&sec, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		alert_puts(b, "null");
		return;
	}
	alert_put_str(b, buf, strlen(buf));
}

/* The aggregate of the search whose output is field id, or NULL. */
const struct spl_agg *
alert_find_agg(const struct detection *d, int id)
{
	const struct spl_stats	*st;
	size_t			 i;

	if (d->search == NULL)
		return NULL;
	st = &d->search->stats;
	for (i = 0; i < st->nagg; i++)
		if (st->agg[i].as == id)
			return &st->agg[i];
	return NULL;
}

/* Writes one output column of the row, typed by what computed it. */
static void
alert_put_column(struct alert_buf *b, const struct detection *d,
    const struct event *rec, int id, const char *name)
{
	const struct spl_agg	*agg;
	const char		*v, *nl;
	size_t			 len, n;
	bool			 first = true;

	alert_put_key(b, name, false);
	if (!event_get(rec, id, &v, &len)) {
		alert_puts(b, "null");
		return;
	}
	agg = alert_find_agg(d, id);
	if (agg != NULL && agg->func == SPL_AGG_VALUES) {
		alert_put(b, "[", 1);
		while (len > 0) {
			nl = memchr(v, '\n', len);
			n = nl != NULL ? (size_t)(nl - v) : len;
			if (!first)
				alert_put(b, ",", 1);
			first = false;
			alert_put_str(b, v, n);
			if (nl == NULL)
				break;
			v += n + 1;
			len -= n + 1;
		}
		alert_put(b, "]", 1);
		return;
	}
	if (agg != NULL && (agg->func == SPL_AGG_COUNT ||
	    agg->func == SPL_AGG_DC || agg->func == SPL_AGG_SUM ||
	    agg->func == SPL_AGG_AVG || agg->func == SPL_AGG_STDEV ||
	    agg->func == SPL_AGG_STDEVP) && alert_is_number(v, len)) {
		alert_put(b, v, len);
		return;
	}
	alert_put_str(b, v, len);
}

static bool
alert_is_reserved(const char *const *reserved, const char *name)
{
	size_t	 i;

	for (i = 0; reserved[i] != NULL; i++)
		if (reserved[i][0] == name[0] &&
		    strcmp(reserved[i], name) == 0)
			return true;
	return false;
}

/*
 * The output columns: the search's, or when it names none, the by-fields
 * and then the aggregates.
 */
void
alert_put_columns(struct alert_buf *b, const struct detection *d,
    const struct stats_row *row, bool worker, const char *const *reserved)
{
	const struct spl_search	*s = d->search;
	const char		*name;
	size_t			 i;

	if (s != NULL && s->ncolumns > 0) {
		for (i = 0; i < s->ncolumns; i++) {
			name = event_field_name(s->columns[i]);
			if (name != NULL &&
			    !alert_is_reserved(reserved, name) &&
			    !(worker && strcmp(name, "worker") == 0))
				alert_put_column(b, d, row->rec,
				    s->columns[i], name);
		}
		return;
	}
	for (i = 0; i < row->nby; i++) {
		name = event_field_name(row->by[i]);
		if (name != NULL && !alert_is_reserved(reserved, name) &&
		    !(worker && strcmp(name, "worker") == 0))
			alert_put_column(b, d, row->rec, row->by[i], name);
	}
	if (s == NULL)
		return;
	for (i = 0; i < s->stats.nagg; i++) {
		name = event_field_name(s->stats.agg[i].as);
		if (name != NULL && !alert_is_reserved(reserved, name) &&
		    !(worker && strcmp(name, "worker") == 0))
			alert_put_column(b, d, row->rec, s->stats.agg[i].as,
			    name);
	}
}

const char *
alert_reason_name(enum stats_emit_reason r)
{
	switch (r) {
	case STATS_EMIT_WINDOW:
		return "window";
	case STATS_EMIT_EARLY:
		return "early";
	case STATS_EMIT_FLUSH:
		return "flush";
	case STATS_EMIT_FIRST:
		return "first";
	}
	return "unknown";
}

void
alert_put_reason(struct alert_buf *b, const struct stats_row *row)
{
	alert_put_key(b, "emit_reason", false);
	alert_puts(b, "\"");
	alert_puts(b, alert_reason_name(row->reason));
	alert_puts(b, "\"");
	alert_put_key(b, "arrival_time", false);
	alert_put_time(b, row->arrival_ms);
}

char *
alert_format(const struct detection *d, const struct stats_row *row,
    const struct alert_opts *o, const char *id, size_t *len)
{
	struct alert_buf	 b = { NULL, 0, 0 };
	const char		*st = ALERT_SOURCETYPE;
	int			 worker = 0;

	if (d == NULL || row == NULL || row->rec == NULL || id == NULL)
		return NULL;
	if (o != NULL && o->sourcetype != NULL)
		st = o->sourcetype;
	if (o != NULL && o->worker > 0)
		worker = o->worker;

	alert_put(&b, "{", 1);
	alert_put_key(&b, "time", true);
	alert_put_time(&b, row->last_ms);
	if (row->host != NULL) {
		alert_put_key(&b, "host", false);
		alert_put_str(&b, row->host, row->host_len);
	}
	alert_put_key(&b, "source", false);
	alert_put_cstr(&b, d->name);
	if (*st != '\0') {
		alert_put_key(&b, "sourcetype", false);
		alert_put_cstr(&b, st);
	}
	if (o != NULL && o->index != NULL && *o->index != '\0') {
		alert_put_key(&b, "index", false);
		alert_put_cstr(&b, o->index);
	}

	alert_put_key(&b, "event", false);
	alert_put(&b, "{", 1);
	alert_put_key(&b, "detection", true);
	alert_put_cstr(&b, d->name);
	alert_put_key(&b, "detection_id", false);
	alert_put_cstr(&b, d->id);
	alert_put_key(&b, "detection_version", false);
	alert_put_int(&b, d->version);
	alert_put_key(&b, "mitre_attack_id", false);
	alert_put_strv(&b, d->mitre, d->nmitre);
	alert_put_key(&b, "analytic_story", false);
	alert_put_strv(&b, d->stories, d->nstories);
	alert_put_key(&b, "risk_score", false);
	alert_put_int(&b, d->risk_score);
	alert_put_key(&b, "risk_message", false);
	alert_put_message(&b, d, d->risk_message, row->rec);
	alert_put_key(&b, "window_start", false);
	alert_put_iso(&b, row->win_start_ms);
	alert_put_key(&b, "window_end", false);
	alert_put_iso(&b, row->win_end_ms);
	alert_put_reason(&b, row);
	alert_put_drilldown(&b, d, row);
	alert_put_columns(&b, d, row, worker > 0, alert_reserved);
	if (worker > 0) {
		alert_put_key(&b, "worker", false);
		alert_put_int(&b, worker);
	}
	alert_put_key(&b, "alert_id", false);
	alert_put_cstr(&b, id);
	alert_put(&b, "}", 1);

	alert_put_key(&b, "fields", false);
	alert_put(&b, "{", 1);
	alert_put_key(&b, "alert_id", true);
	alert_put_cstr(&b, id);
	alert_put_key(&b, "detection", false);
	alert_put_cstr(&b, d->name);
	alert_put_key(&b, "detection_id", false);
	alert_put_cstr(&b, d->id);
	alert_put(&b, "}}", 2);

	if (len != NULL)
		*len = b.len;
	return b.p;
}
