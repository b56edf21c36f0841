/*
 * Keyed stats with tumbling windows (SPEC 4).  A table holds the live rows
 * of one detection's "stats ... by", all of them in the current window,
 * keyed by a canonical serialisation of the by-tuple hashed once with the
 * table's seed.  Rows are also linked in creation order, so that a closing
 * window, the key limit and the byte budget emit the oldest row first.
 * Emission turns a row into a struct event (the by-fields and every
 * aggregate as text) and hands it to the caller's callback.  Time is the
 * caller's: nothing here reads a clock or touches libevent.  The common
 * case (count, min(_time), max(_time) on a known key) allocates nothing.
 * A key whose rows the caller's judge drops at its first event stays as a
 * tombstone (stats_on_new()): a bare entry with its key, found by the
 * usual key comparison, that emits nothing when it leaves.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/queue.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/ht.h"
#include "log.h"
#include "detect/spl.h"
#include "detect/stats.h"
#include "xmalloc.h"

#define STATS_KEY_NULL		0x00	/* by-field absent */
#define STATS_KEY_VALUE		0x01	/* then 4-byte length, bytes */
#define STATS_REC_SLACK		4096	/* arena room for post commands */

/* A serialised by-tuple; owned by the hash table. */
struct stats_key {
	uint64_t	 hash;		/* ht_siphash() of data, seeded */
	size_t		 len;
	unsigned char	 data[];
};

struct stats_str {
	char		*p;		/* owned, not NUL-terminated */
	size_t		 len;
};

/* The state of one aggregate in one row. */
struct stats_acc {
	uint64_t	 n;		/* events where the field is set */
	uint64_t	 nnum;		/* of those, numeric */
	double		 sum;		/* of the numeric values */
	double		 mean;		/* stdev: their running mean and */
	double		 m2;		/*   sum of squared deviations */
	double		 nbest;		/* numeric min or max */
	struct stats_str nbest_s;	/* its text */
	struct stats_str sbest;		/* lexicographic min or max */
	int64_t		 tbest;		/* min or max of _time, in ms */
	struct stats_str *vals;		/* values/dc: distinct, sorted */
	size_t		 nvals;
	size_t		 capvals;
};

/* One live row. */
struct stats_ent {
	TAILQ_ENTRY(stats_ent) link;	/* creation order */
	struct stats_key *key;		/* owned by the table's ht */
	int64_t		 first_ms;	/* min(ev->time_ms) */
	int64_t		 last_ms;	/* max(ev->time_ms) */
	uint64_t	 count;		/* events */
	int64_t		 arrival_ms;	/* now_ms at its creation */
	char		*host;		/* owned, NULL when none */
	size_t		 host_len;
	size_t		 bytes;		/* accounted to the table */
	uint32_t	 nacc;		/* spec->nagg, 0 for a tombstone */
	bool		 tomb;		/* a tombstone: no host either */
	struct stats_acc acc[];		/* one per aggregate of the spec */
};

TAILQ_HEAD(stats_list, stats_ent);

struct stats_table {
	const struct spl_stats *spec;	/* borrowed */
	struct stats_opts opts;		/* copied */
	stats_emit_fn	 emit;		/* row callback */
	stats_emit_fn	 first;		/* first-seen row callback, or NULL */
	stats_judge_fn	 judge;		/* new key judge, or NULL */
	void		*arg;		/* their argument */
	struct ht	*ht;		/* stats_key -> stats_ent */
	struct stats_list order;	/* live rows, oldest first */
	int64_t		 win;		/* index of the current window */
	bool		 has_win;	/* win is valid */
	struct stats_counters c;	/* keys and bytes kept current */
	struct event	*rec;		/* the emitted row record: */
					/*   opts.rec, or owned; NULL */
					/*   until the first row */
	struct stats_key *scratch;	/* lookup key */
	size_t		 scratch_cap;	/* bytes of scratch->data */
};

static uint64_t
stats_key_hash(const void *key, void *arg)
{
	(void)arg;
	return ((const struct stats_key *)key)->hash;
}

static bool
stats_key_equal(const void *a, const void *b, void *arg)
{
	const struct stats_key	*ka = a, *kb = b;

	(void)arg;
	return ka->len == kb->len && memcmp(ka->data, kb->data, ka->len) == 0;
}

static void
stats_ent_free(void *p)
{
	struct stats_ent	*ent = p;
	struct stats_acc	*a;
	size_t			 i, j;

	for (i = 0; i < ent->nacc; i++) {
		a = &ent->acc[i];
		free(a->nbest_s.p);
		free(a->sbest.p);
		for (j = 0; j < a->nvals; j++)
			free(a->vals[j].p);
		free(a->vals);
	}
	free(ent->host);
	free(ent);
}

static const struct ht_type stats_ht_type = {
	stats_key_hash, stats_key_equal, free, stats_ent_free
};

struct stats_table *
stats_new(const struct spl_stats *spec, const struct stats_opts *opts,
    stats_emit_fn emit, void *arg)
{
	struct stats_table	*t;

	t = xcalloc(1, sizeof(*t));
	t->spec = spec;
	t->opts = *opts;
	if (t->opts.window_s < 1)
		t->opts.window_s = 1;
	t->opts.window_offset_s %= t->opts.window_s;
	t->emit = emit;
	t->arg = arg;
	t->ht = ht_new(&stats_ht_type, t);
	TAILQ_INIT(&t->order);
	t->rec = opts->rec;
	t->scratch_cap = 256;
	t->scratch = xmalloc(sizeof(*t->scratch) + t->scratch_cap);
	return t;
}

void
stats_free(struct stats_table *t)
{
	if (t == NULL)
		return;
	if (t->opts.shared_bytes != NULL)
		*t->opts.shared_bytes -= t->c.bytes;
	ht_free(t->ht);
	if (t->rec != NULL && t->rec != t->opts.rec) {
		event_clear(t->rec);
		free(t->rec);
	}
	free(t->scratch);
	free(t);
}

void
stats_get_counters(const struct stats_table *t, struct stats_counters *c)
{
	*c = t->c;
}

/* The index of the window holding ms: floor((ms - offset) / window). */
static int64_t
stats_window(const struct stats_table *t, int64_t ms)
{
	int64_t	 w = (int64_t)t->opts.window_s * 1000;
	int64_t	 q;

	ms -= (int64_t)t->opts.window_offset_s * 1000;
	q = ms / w;

	if (ms % w < 0)
		q--;
	return q;
}

/*
 * Writes v in decimal (what "%llu" gives) into buf, which has room for
 * 21 bytes and the NUL; returns the length.  No snprintf() per match.
 */
static int
stats_fmt_u64(uint64_t v, char *buf)
{
	char	 tmp[20];
	int	 k = sizeof(tmp), n;

	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	n = (int)sizeof(tmp) - k;
	memcpy(buf, tmp + k, (size_t)n);
	buf[n] = '\0';
	return n;
}

/* Formats ms since the epoch as seconds with milliseconds ("%lld.%03lld"). */
static int
stats_fmt_time(int64_t ms, char *buf, size_t size)
{
	int64_t	 sec = ms / 1000, frac = ms % 1000;
	int	 n = 0;

	if (frac < 0) {
		sec--;
		frac += 1000;
	}
	if (size < 32)
		return snprintf(buf, size, "%lld.%03lld", (long long)sec,
		    (long long)frac);
	if (sec < 0) {
		buf[n++] = '-';
		n += stats_fmt_u64((uint64_t)-(sec + 1) + 1, buf + n);
	} else
		n += stats_fmt_u64((uint64_t)sec, buf + n);
	buf[n++] = '.';
	buf[n++] = (char)('0' + frac / 100);
	buf[n++] = (char)('0' + frac / 10 % 10);
	buf[n++] = (char)('0' + frac % 10);
	buf[n] = '\0';
	return n;
}

/* Formats d with at most 6 decimals, trailing zeros trimmed. */
static int
stats_fmt_num(double d, char *buf, size_t size)
{
	int	 n;

	if (fabs(d) >= 1e15)
		return snprintf(buf, size, "%.17g", d);
	n = snprintf(buf, size, "%.6f", d);
	if (n <= 0 || (size_t)n >= size)
		return n;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0)
		n = snprintf(buf, size, "0");
	return n;
}

static int
stats_strcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	 r;

	r = memcmp(a, b, alen < blen ? alen : blen);
	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* Accounts len more (grow) or fewer bytes to t and its shared budget. */
static void
stats_bytes_add(struct stats_table *t, size_t len, bool grow)
{
	if (grow) {
		t->c.bytes += len;
		if (t->opts.shared_bytes != NULL)
			*t->opts.shared_bytes += len;
	} else {
		t->c.bytes -= len;
		if (t->opts.shared_bytes != NULL)
			*t->opts.shared_bytes -= len;
	}
}

/* Whether need more bytes would break the table's (or shared) budget. */
static bool
stats_over_budget(const struct stats_table *t, size_t need)
{
	size_t	 held;

	held = t->opts.shared_bytes != NULL ? *t->opts.shared_bytes :
	    t->c.bytes;
	return held + need > t->opts.max_bytes;
}

/* Replaces the text of s by v, keeping the byte accounting. */
static void
stats_str_set(struct stats_table *t, struct stats_ent *ent,
    struct stats_str *s, const char *v, size_t len)
{
	s->p = xreallocarray(s->p, len, 1);
	memcpy(s->p, v, len);
	stats_bytes_add(t, s->len, false);
	stats_bytes_add(t, len, true);
	ent->bytes = ent->bytes - s->len + len;
	s->len = len;
}

/*
 * Adds v to a's sorted set of distinct values, unless there or the set
 * holds cap values already (cap 0: no cap).  Returns false when dropped
 * for the cap.
 */
static bool
stats_set_add(struct stats_table *t, struct stats_ent *ent,
    struct stats_acc *a, const char *v, size_t len, size_t cap)
{
	size_t	 lo = 0, hi = a->nvals, mid;
	int	 r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = stats_strcmp(v, len, a->vals[mid].p, a->vals[mid].len);
		if (r == 0)
			return true;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (cap != 0 && a->nvals >= cap)
		return false;
	if (a->nvals == a->capvals) {
		a->capvals = a->capvals == 0 ? 4 : a->capvals * 2;
		a->vals = xreallocarray(a->vals, a->capvals,
		    sizeof(*a->vals));
	}
	memmove(&a->vals[lo + 1], &a->vals[lo],
	    (a->nvals - lo) * sizeof(*a->vals));
	a->vals[lo].p = xmalloc(len);
	memcpy(a->vals[lo].p, v, len);
	a->vals[lo].len = len;
	a->nvals++;
	stats_bytes_add(t, len, true);
	ent->bytes += len;
	return true;
}

/* Folds one event into one aggregate of a row. */
static void
stats_acc_add(struct stats_table *t, struct stats_ent *ent,
    const struct spl_agg *agg, struct stats_acc *a, const struct event *ev)
{
	const char	*v;
	size_t		 len;
	char		 tbuf[32];
	double		 d, delta;
	bool		 isnum, better;
	int		 n, sign;

	if (agg->field < 0) {
		a->n++;
		return;
	}
	if (agg->field == EVENT_F_TIME) {
		if (agg->func == SPL_AGG_MIN || agg->func == SPL_AGG_MAX ||
		    agg->func == SPL_AGG_EARLIEST ||
		    agg->func == SPL_AGG_LATEST) {
			if (a->n == 0 || (agg->func == SPL_AGG_MIN ||
			    agg->func == SPL_AGG_EARLIEST ?
			    ev->time_ms < a->tbest : ev->time_ms > a->tbest))
				a->tbest = ev->time_ms;
			a->n++;
			return;
		}
		n = stats_fmt_time(ev->time_ms, tbuf, sizeof(tbuf));
		v = tbuf;
		len = (size_t)n;
	} else if (!event_get(ev, agg->field, &v, &len))
		return;

	a->n++;
	switch (agg->func) {
	case SPL_AGG_COUNT:
		break;
	case SPL_AGG_MIN:
	case SPL_AGG_MAX:
		sign = agg->func == SPL_AGG_MIN ? -1 : 1;
		isnum = spl_parse_num(v, len, &d);
		if (isnum) {
			a->nnum++;
			better = a->nnum == 1 ||
			    (sign < 0 ? d < a->nbest : d > a->nbest);
			if (better) {
				a->nbest = d;
				stats_str_set(t, ent, &a->nbest_s, v, len);
			}
		}
		if (a->n == 1 || stats_strcmp(v, len, a->sbest.p,
		    a->sbest.len) * sign > 0)
			stats_str_set(t, ent, &a->sbest, v, len);
		break;
	case SPL_AGG_SUM:
	case SPL_AGG_AVG:
		if (spl_parse_num(v, len, &d)) {
			a->nnum++;
			a->sum += d;
		}
		break;
	case SPL_AGG_STDEV:
	case SPL_AGG_STDEVP:
		/* Welford's update: no cancellation on large values. */
		if (spl_parse_num(v, len, &d)) {
			a->nnum++;
			delta = d - a->mean;
			a->mean += delta / (double)a->nnum;
			a->m2 += delta * (d - a->mean);
		}
		break;
	case SPL_AGG_VALUES:
		if (!stats_set_add(t, ent, a, v, len, STATS_MAX_VALUES))
			t->c.values_capped++;
		break;
	case SPL_AGG_DC:
		(void)stats_set_add(t, ent, a, v, len, 0);
		break;
	case SPL_AGG_LATEST:
	case SPL_AGG_EARLIEST:
		/* Ties: earliest keeps the first seen, latest the last. */
		if (a->n == 1 || (agg->func == SPL_AGG_LATEST ?
		    ev->time_ms >= a->tbest : ev->time_ms < a->tbest)) {
			a->tbest = ev->time_ms;
			stats_str_set(t, ent, &a->sbest, v, len);
		}
		break;
	}
}

/* Bytes the row record of ent needs, before post-stats commands. */
static size_t
stats_rec_size(const struct stats_table *t, const struct stats_ent *ent)
{
	const struct stats_acc	*a;
	size_t			 i, j, need = ent->key->len;

	for (i = 0; i < ent->nacc; i++) {
		a = &ent->acc[i];
		need += 64 + a->nbest_s.len + a->sbest.len;
		if (t->spec->agg[i].func == SPL_AGG_VALUES)
			for (j = 0; j < a->nvals; j++)
				need += a->vals[j].len + 1;
	}
	return need + STATS_REC_SLACK;
}

/* Sets one aggregate's output field in the row record. */
static void
stats_rec_agg(struct stats_table *t, const struct stats_ent *ent,
    const struct spl_agg *agg, const struct stats_acc *a)
{
	struct event	*rec = t->rec;
	const struct stats_str *s;
	char		 buf[400], *p;
	size_t		 j, len;
	int		 n = -1;

	switch (agg->func) {
	case SPL_AGG_COUNT:
		n = stats_fmt_u64(agg->field < 0 ? ent->count : a->n, buf);
		break;
	case SPL_AGG_MIN:
	case SPL_AGG_MAX:
	case SPL_AGG_LATEST:
	case SPL_AGG_EARLIEST:
		if (a->n == 0)
			return;
		if (agg->field == EVENT_F_TIME) {
			n = stats_fmt_time(a->tbest, buf, sizeof(buf));
			break;
		}
		s = a->nnum == a->n && (agg->func == SPL_AGG_MIN ||
		    agg->func == SPL_AGG_MAX) ? &a->nbest_s : &a->sbest;
		(void)event_set(rec, agg->as, s->p, s->len);
		return;
	case SPL_AGG_SUM:
		if (a->nnum == 0)
			return;
		n = stats_fmt_num(a->sum, buf, sizeof(buf));
		break;
	case SPL_AGG_AVG:
		if (a->nnum == 0)
			return;
		n = stats_fmt_num(a->sum / (double)a->nnum, buf, sizeof(buf));
		break;
	case SPL_AGG_VALUES:
		if (a->nvals == 0)
			return;
		len = a->nvals - 1;
		for (j = 0; j < a->nvals; j++)
			len += a->vals[j].len;
		if ((p = event_alloc(rec, len)) == NULL)
			return;
		for (j = 0; j < a->nvals; j++) {
			if (j > 0)
				*p++ = '\n';
			memcpy(p, a->vals[j].p, a->vals[j].len);
			p += a->vals[j].len;
		}
		(void)event_set_ref(rec, agg->as, p - len, len);
		return;
	case SPL_AGG_DC:
		n = stats_fmt_u64(a->nvals, buf);
		break;
	case SPL_AGG_STDEV:
	case SPL_AGG_STDEVP:
		/* One number: no spread, 0 (stdev's n - 1 would be 0). */
		if (a->nnum == 0)
			return;
		n = stats_fmt_num(a->nnum < 2 ? 0 : sqrt(a->m2 /
		    (double)(agg->func == SPL_AGG_STDEV ? a->nnum - 1 :
		    a->nnum)), buf, sizeof(buf));
		break;
	}
	if (n > 0 && (size_t)n < sizeof(buf))
		(void)event_set(rec, agg->as, buf, (size_t)n);
}

/*
 * Builds the row of ent into row, its record rebuilt in t->rec from the
 * key (the by-fields) and the aggregates.
 */
static void
stats_row_make(struct stats_table *t, const struct stats_ent *ent,
    enum stats_emit_reason reason, struct stats_row *row)
{
	const unsigned char	*p, *end;
	size_t			 i, need;
	uint32_t		 len;
	int64_t			 wms = (int64_t)t->opts.window_s * 1000;

	need = stats_rec_size(t, ent);
	if (t->rec == NULL) {
		t->rec = xmalloc(sizeof(*t->rec));
		event_init(t->rec, need);
	} else if (t->rec->arena_cap < need) {
		event_clear(t->rec);
		event_init(t->rec, need);
	}
	event_reset(t->rec);
	p = ent->key->data;
	end = p + ent->key->len;
	for (i = 0; i < t->spec->nby && p < end; i++) {
		if (*p++ == STATS_KEY_NULL)
			continue;
		len = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		p += 4;
		(void)event_set(t->rec, t->spec->by[i], (const char *)p, len);
		p += len;
	}
	for (i = 0; i < ent->nacc; i++)
		stats_rec_agg(t, ent, &t->spec->agg[i], &ent->acc[i]);
	t->rec->time_ms = ent->last_ms;

	memset(row, 0, sizeof(*row));
	row->win_start_ms = t->win * wms +
	    (int64_t)t->opts.window_offset_s * 1000;
	row->win_end_ms = row->win_start_ms + wms;
	row->first_ms = ent->first_ms;
	row->last_ms = ent->last_ms;
	row->count = ent->count;
	row->arrival_ms = ent->arrival_ms;
	row->host = ent->host;
	row->host_len = ent->host_len;
	row->reason = reason;
	row->rec = t->rec;
	row->by = t->spec->by;
	row->nby = t->spec->nby;
}

/* Emits ent with reason, then unlinks and frees it. */
static void
stats_emit_ent(struct stats_table *t, struct stats_ent *ent,
    enum stats_emit_reason reason)
{
	struct stats_row	 row;

	if (ent->tomb)
		t->c.tombs--;
	else {
		stats_row_make(t, ent, reason, &row);
		t->emit(&row, t->arg);
		t->c.rows++;
		if (reason == STATS_EMIT_EARLY)
			t->c.early++;
	}
	t->c.keys--;
	stats_bytes_add(t, ent->bytes, false);
	TAILQ_REMOVE(&t->order, ent, link);
	if (ht_remove(t->ht, ent->key) == -1)
		fatalx("%s: row not in its table", __func__);
}

static void
stats_emit_all(struct stats_table *t, enum stats_emit_reason reason)
{
	struct stats_ent	*ent;

	while ((ent = TAILQ_FIRST(&t->order)) != NULL)
		stats_emit_ent(t, ent, reason);
}

/* Moves the table to the window holding now_ms, closing the old one. */
static void
stats_advance(struct stats_table *t, int64_t now_ms)
{
	int64_t	 w = stats_window(t, now_ms);

	if (t->has_win && w <= t->win)
		return;
	if (t->has_win)
		stats_emit_all(t, STATS_EMIT_WINDOW);
	t->win = w;
	t->has_win = true;
}

void
stats_on_first(struct stats_table *t, stats_emit_fn fn)
{
	t->first = fn;
}

void
stats_on_new(struct stats_table *t, stats_judge_fn fn)
{
	t->judge = fn;
}

void
stats_tick(struct stats_table *t, int64_t now_ms)
{
	stats_advance(t, now_ms);
}

void
stats_flush(struct stats_table *t)
{
	stats_emit_all(t, STATS_EMIT_FLUSH);
}

void
stats_each(struct stats_table *t, enum stats_emit_reason reason,
    stats_emit_fn fn, void *arg)
{
	struct stats_ent	*ent;
	struct stats_row	 row;

	TAILQ_FOREACH(ent, &t->order, link) {
		if (ent->tomb)
			continue;
		stats_row_make(t, ent, reason, &row);
		fn(&row, arg);
	}
}

/*
 * The value of by-field i of ev into *v, *len: its text; _time under
 * span= is the bucket's start in epoch seconds, formatted into tbuf (24
 * bytes); a null field is fillnull_value's value when the search has
 * one.  Returns 0 for a value of the event, 1 for a filled null, -1 for
 * a null that stays null.
 */
static inline int
stats_by_value(const struct spl_stats *spec, const struct event *ev,
    size_t i, char *tbuf, const char **v, size_t *len)
{
	int64_t		 b;
	int		 n = 0;

	if (spec->span_ms > 0 && spec->by[i] == EVENT_F_TIME) {
		b = ev->time_ms / spec->span_ms;
		if (ev->time_ms % spec->span_ms < 0)
			b--;
		b = b * (spec->span_ms / 1000);
		if (b < 0) {
			tbuf[n++] = '-';
			n += stats_fmt_u64((uint64_t)-(b + 1) + 1, tbuf + n);
		} else
			n = stats_fmt_u64((uint64_t)b, tbuf);
		*v = tbuf;
		*len = (size_t)n;
		return 0;
	}
	if (event_get(ev, spec->by[i], v, len))
		return 0;
	if (spec->null_by != SPL_NULL_FILL)
		return -1;
	*v = spec->fill;
	*len = spec->fill_len;
	return 1;
}

/*
 * Serialises the by-tuple of ev into t->scratch and hashes it.  Returns
 * true when some by-field is null (filled or not).
 */
static bool
stats_key_build(struct stats_table *t, const struct event *ev)
{
	const struct spl_stats	*spec = t->spec;
	const char		*v;
	unsigned char		*p;
	char			 tbuf[24];
	size_t			 i, need = 0, len;
	bool			 null = false;
	int			 r;

	for (i = 0; i < spec->nby; i++) {
		need++;
		if (stats_by_value(spec, ev, i, tbuf, &v, &len) >= 0)
			need += 4 + len;
	}
	if (need > t->scratch_cap) {
		free(t->scratch);
		t->scratch_cap = need * 2;
		t->scratch = xmalloc(sizeof(*t->scratch) + t->scratch_cap);
	}
	p = t->scratch->data;
	for (i = 0; i < spec->nby; i++) {
		if ((r = stats_by_value(spec, ev, i, tbuf, &v, &len)) != 0)
			null = true;
		if (r < 0) {
			*p++ = STATS_KEY_NULL;
			continue;
		}
		*p++ = STATS_KEY_VALUE;
		*p++ = len & 0xff;
		*p++ = (len >> 8) & 0xff;
		*p++ = (len >> 16) & 0xff;
		*p++ = (len >> 24) & 0xff;
		memcpy(p, v, len);
		p += len;
	}
	t->scratch->len = need;
	t->scratch->hash = ht_siphash(t->opts.seed, t->scratch->data, need);
	return null;
}

/* Whether an event with a null by-field is dropped (not filled). */
static bool
stats_drops_null(const struct stats_table *t)
{
	return t->spec->null_by == SPL_NULL_DROP ||
	    (t->spec->null_by == SPL_NULL_OPTION && t->opts.drop_null);
}

/* Upper bound of the bytes ev adds to a row, beyond its key and host. */
static size_t
stats_event_bytes(const struct stats_table *t, const struct event *ev)
{
	const struct spl_agg	*agg;
	const char		*v;
	size_t			 i, len, need = 0;

	for (i = 0; i < t->spec->nagg; i++) {
		agg = &t->spec->agg[i];
		if (agg->field < 0 || agg->func == SPL_AGG_COUNT ||
		    agg->func == SPL_AGG_SUM || agg->func == SPL_AGG_AVG ||
		    agg->func == SPL_AGG_STDEV || agg->func == SPL_AGG_STDEVP)
			continue;
		if (agg->field == EVENT_F_TIME) {
			if (agg->func == SPL_AGG_VALUES ||
			    agg->func == SPL_AGG_DC)
				need += 32;
		} else if (event_get(ev, agg->field, &v, &len))
			need += agg->func == SPL_AGG_MIN ||
			    agg->func == SPL_AGG_MAX ? 2 * len : len;
	}
	return need;
}

/* The reporting host of ev: Computer, else dvc, else the syslog host. */
static bool
stats_event_host(const struct event *ev, const char **v, size_t *len)
{
	return event_get(ev, EVENT_F_COMPUTER, v, len) ||
	    event_get(ev, EVENT_F_DVC, v, len) ||
	    event_get(ev, EVENT_F_HOST, v, len);
}

/*
 * Creates the row of the key in t->scratch, for ev, at now_ms, its bytes
 * charged; stats_ent_link() puts it in the table.
 */
static struct stats_ent *
stats_ent_new(struct stats_table *t, const struct event *ev, int64_t now_ms)
{
	struct stats_ent	*ent;
	struct stats_key	*key;
	const char		*v;
	size_t			 len;

	ent = xcalloc(1, sizeof(*ent) + t->spec->nagg * sizeof(ent->acc[0]));
	ent->nacc = (uint32_t)t->spec->nagg;
	key = xmalloc(sizeof(*key) + t->scratch->len);
	key->hash = t->scratch->hash;
	key->len = t->scratch->len;
	memcpy(key->data, t->scratch->data, key->len);
	ent->key = key;
	ent->first_ms = ent->last_ms = ev->time_ms;
	ent->arrival_ms = now_ms;
	ent->bytes = key->len;
	if (stats_event_host(ev, &v, &len)) {
		/* The bytes as they are: a NUL would end xstrndup(). */
		ent->host = xmalloc(len + 1);
		memcpy(ent->host, v, len);
		ent->host[len] = '\0';
		ent->host_len = len;
		ent->bytes += len;
	}
	stats_bytes_add(t, ent->bytes, true);
	return ent;
}

/* Puts ent in t: found by its key, the newest in creation order. */
static void
stats_ent_link(struct stats_table *t, struct stats_ent *ent)
{
	if (ht_insert(t->ht, ent->key, ent) == -1)
		fatalx("%s: duplicate key", __func__);
	TAILQ_INSERT_TAIL(&t->order, ent, link);
	t->c.keys++;
}

/*
 * The tombstone of full (not linked yet), which it frees: the key alone,
 * charged its bytes in place of full's.
 */
static struct stats_ent *
stats_ent_tomb(struct stats_table *t, struct stats_ent *full)
{
	struct stats_ent	*ent;

	ent = xcalloc(1, sizeof(*ent));
	ent->key = full->key;
	ent->first_ms = full->first_ms;
	ent->last_ms = full->last_ms;
	ent->arrival_ms = full->arrival_ms;
	ent->bytes = ent->key->len;
	ent->tomb = true;
	stats_bytes_add(t, full->bytes, false);
	stats_bytes_add(t, ent->bytes, true);
	stats_ent_free(full);
	t->c.first_dropped++;
	t->c.tombs++;
	return ent;
}

int
stats_add(struct stats_table *t, const struct event *ev, int64_t now_ms)
{
	struct stats_ent	*ent = NULL, *old;
	struct stats_row	 row;
	const char		*v;
	size_t			 i, need, len;
	void			*p;
	bool			 created = false;

	stats_advance(t, now_ms);
	if (stats_key_build(t, ev)) {
		t->c.null_by++;
		if (stats_drops_null(t)) {
			t->c.null_dropped++;
			return 1;
		}
	}
	if (ht_find(t->ht, t->scratch, &p)) {
		ent = p;
		if (ent->tomb) {
			t->c.events++;
			return 0;
		}
	}

	/* The byte budget: evict the oldest rows until ev fits. */
	need = stats_event_bytes(t, ev);
	if (ent == NULL) {
		need += t->scratch->len;
		if (stats_event_host(ev, &v, &len))
			need += len;
	}
	while ((old = TAILQ_FIRST(&t->order)) != NULL &&
	    stats_over_budget(t, need)) {
		if (old == ent) {
			ent = NULL;
			need += t->scratch->len;
			if (stats_event_host(ev, &v, &len))
				need += len;
		}
		stats_emit_ent(t, old, STATS_EMIT_EARLY);
	}

	if (ent == NULL) {
		while (t->c.keys > 0 && t->c.keys >= t->opts.max_keys)
			stats_emit_ent(t, TAILQ_FIRST(&t->order),
			    STATS_EMIT_EARLY);
		ent = stats_ent_new(t, ev, now_ms);
		created = true;
	}

	ent->count++;
	if (ev->time_ms < ent->first_ms)
		ent->first_ms = ev->time_ms;
	if (ev->time_ms > ent->last_ms)
		ent->last_ms = ev->time_ms;
	for (i = 0; i < t->spec->nagg; i++)
		stats_acc_add(t, ent, &t->spec->agg[i], &ent->acc[i], ev);
	t->c.events++;
	if (!created)
		return 0;
	if (t->judge != NULL) {
		stats_row_make(t, ent, STATS_EMIT_FIRST, &row);
		if (!t->judge(&row, t->arg))
			ent = stats_ent_tomb(t, ent);
	}
	stats_ent_link(t, ent);
	if (!ent->tomb && t->first != NULL) {
		stats_row_make(t, ent, STATS_EMIT_FIRST, &row);
		t->first(&row, t->arg);
	}
	return 0;
}
