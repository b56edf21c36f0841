/*
 * Alert suppression (issue 15.3): the rules, the bounded table of keys
 * and its file.  Splunk's per-result throttling (savedsearches.conf:
 * alert.suppress.fields, alert.suppress.period; "Throttle alerts" in the
 * Alerting Manual) suppresses a result whose values of the listed fields
 * alerted within the period; a suppressed result does not extend the
 * period.  This file does the same per detection row.
 *
 * A key is 128 bits: two SipHash-2-4 lanes, under a secret made when the
 * file is created and kept in its header, of the detection id (else its
 * name) and each field's name and value, length-prefixed; a field the row
 * lacks has the empty value.  Secret keys, so that no sender can make
 * two rows' keys collide on purpose; kept, so that keys stay the same
 * across restarts.
 *
 * The file, SUPPRESS_FILE in the spool dir: a 48-byte header (magic and
 * the secret), then 48-byte records appended as keys open periods: key,
 * alert id, expiry (ms since the epoch; 0: the key was evicted), a
 * checksum of those, four zero bytes.  A record that does not check is
 * skipped and counted (a torn write, which kill -9 or a crash can leave
 * at the end); a partial record at the end is ignored.  The later record
 * of a key wins.  At open the file is read and rewritten with the live
 * keys only; later it is rewritten (a temporary file renamed over it)
 * when it holds more than twice the live keys plus SUPPRESS_SLACK
 * records, so it stays under about 2 x 48 x max_keys bytes.  Durability
 * follows the spool's fsync policy: "always" syncs each append, "batch"
 * syncs from suppress_sync(), "never" leaves it to the kernel.  A failed
 * append is cut off again (the table in memory still holds the key).
 *
 * Bound: at most max_keys keys.  A new key in a full table drops the key
 * that alerted longest ago (counted as evicted, or as expired if its
 * period was over); suppress_sync() drops expired keys once a second.
 * Nothing here ever blocks or refuses delivery: at worst a row is sent
 * that would have been suppressed.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/queue.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "detect/ht.h"
#include "log.h"
#include "output/alert_int.h"
#include "output/suppress.h"
#include "xmalloc.h"

#define SUPPRESS_MAGIC		"HSSUPP1\n"	/* 8 bytes */
#define SUPPRESS_TMP		SUPPRESS_FILE ".tmp"
#define SUPPRESS_SLACK		1024	/* dead records before a rewrite */
#define SUPPRESS_SWEEP_MS	1000	/* expiry sweep period */
#define SUPPRESS_ERR_LOG_S	10	/* file error lines, at most */

/* One key whose period is running (or ran, until swept). */
struct suppress_entry {
	uint8_t		 key[16];
	uint8_t		 id[16];	/* the alert that opened it */
	int64_t		 expires_ms;
	TAILQ_ENTRY(suppress_entry) q;	/* oldest alert first */
};

TAILQ_HEAD(suppress_list, suppress_entry);

/* Rows suppressed for one detection (by id, else name). */
struct suppress_det {
	char		*name;		/* the ht key */
	uint64_t	 n;
};

struct suppress {
	pthread_mutex_t		 mu;		/* guards all below */
	struct suppress_rule	*rules;
	size_t			 nrules;
	size_t			 max_keys;
	enum spool_fsync	 fsync;
	char			*path;		/* the file, or NULL */
	char			*tmp;		/* its rewrite */
	char			*dir;
	int			 fd;		/* O_APPEND, or -1 */
	uint64_t		 secret[4];	/* two SipHash keys */
	uint64_t		 seed[2];	/* the tables' hash */
	struct ht		*keys;		/* key -> suppress_entry */
	struct suppress_list	 order;		/* by alert time */
	struct ht		*dets;		/* name -> suppress_det */
	uint64_t		 records;	/* in the file, header aside */
	bool			 dirty;		/* appended since the sync */
	bool			 rewrite;	/* the file needs one */
	int64_t			 sweep_ms;	/* next expiry sweep */
	struct log_ratelimit	 err_rl;	/* file errors */
	struct suppress_counters c;
};

static uint64_t
suppress_key_hash(const void *key, void *arg)
{
	struct suppress	*s = arg;

	return ht_siphash(s->seed, key, 16);
}

static bool
suppress_key_equal(const void *a, const void *b, void *arg)
{
	(void)arg;
	return memcmp(a, b, 16) == 0;
}

static uint64_t
suppress_det_hash(const void *key, void *arg)
{
	struct suppress	*s = arg;

	return ht_siphash(s->seed, key, strlen(key));
}

static bool
suppress_det_equal(const void *a, const void *b, void *arg)
{
	(void)arg;
	return strcmp(a, b) == 0;
}

static void
suppress_det_free(void *v)
{
	struct suppress_det	*sd = v;

	free(sd->name);
	free(sd);
}

static const struct ht_type suppress_key_type = {
	suppress_key_hash, suppress_key_equal, NULL, free
};
static const struct ht_type suppress_det_type = {
	suppress_det_hash, suppress_det_equal, NULL, suppress_det_free
};

/* Parses "N" or "N[smhd]" into ms, 1 s .. SUPPRESS_PERIOD_MAX_S. */
static int
suppress_parse_period(const char *v, size_t len, int64_t *ms)
{
	int64_t	 n = 0, mult = 1;
	size_t	 i;

	if (len > 0) {
		switch (v[len - 1]) {
		case 'd':
			mult *= 24;
			/* FALLTHROUGH */
		case 'h':
			mult *= 60;
			/* FALLTHROUGH */
		case 'm':
			mult *= 60;
			/* FALLTHROUGH */
		case 's':
			len--;
			break;
		}
	}
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
		if (n > SUPPRESS_PERIOD_MAX_S)
			return -1;
	}
	n *= mult;
	if (n < 1 || n > SUPPRESS_PERIOD_MAX_S)
		return -1;
	*ms = n * 1000;
	return 0;
}

/* Splits "a,b" into r->fields; -1 on an empty name. */
static int
suppress_parse_fields(const char *v, size_t len, struct suppress_rule *r)
{
	const char	*p = v, *end = v + len, *comma;

	for (;;) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if (comma == p)
			return -1;
		r->fields = xreallocarray(r->fields, r->nfields + 1,
		    sizeof(*r->fields));
		r->fields[r->nfields++] = xstrndup(p, (size_t)(comma - p));
		if (comma == end)
			return 0;
		p = comma + 1;
	}
}

int
suppress_rule_parse(const char *spec, struct suppress_rule *r, char **errstr)
{
	const char	*end = spec + strlen(spec), *w, *eq;
	size_t		 len;
	int		 rc;

	memset(r, 0, sizeof(*r));
	/* The options are the last words; the pattern may hold spaces. */
	for (;;) {
		while (end > spec && end[-1] == ' ')
			end--;
		for (w = end; w > spec && w[-1] != ' '; w--)
			;
		len = (size_t)(end - w);
		if (len > 7 && strncmp(w, "fields=", 7) == 0) {
			if (r->nfields > 0) {
				xasprintf(errstr, "fields= given twice");
				goto out_clear;
			}
			rc = suppress_parse_fields(w + 7, len - 7, r);
		} else if (len > 7 && strncmp(w, "period=", 7) == 0) {
			if (r->period_ms != 0) {
				xasprintf(errstr, "period= given twice");
				goto out_clear;
			}
			rc = suppress_parse_period(w + 7, len - 7,
			    &r->period_ms);
		} else
			break;
		if (rc == -1) {
			eq = memchr(w, '=', len);
			xasprintf(errstr, "bad %.*s \"%.*s\" (fields=NAME,... "
			    "and period=N[smhd], 1s..%dd)", (int)(eq - w), w,
			    (int)(end - eq - 1), eq + 1,
			    SUPPRESS_PERIOD_MAX_S / 86400);
			goto out_clear;
		}
		end = w;
	}
	if (r->nfields == 0 || r->period_ms == 0 || end == spec) {
		xasprintf(errstr, "expected \"NAME|ID|GLOB fields=F1,F2 "
		    "period=DURATION\"");
		goto out_clear;
	}
	r->pattern = xstrndup(spec, (size_t)(end - spec));
	return 0;

out_clear:
	suppress_rule_clear(r);
	return -1;
}

void
suppress_rule_clear(struct suppress_rule *r)
{
	size_t	 i;

	for (i = 0; i < r->nfields; i++)
		free(r->fields[i]);
	free(r->fields);
	free(r->pattern);
	memset(r, 0, sizeof(*r));
}

static void
suppress_put_u64(uint8_t *p, uint64_t v)
{
	int	 i;

	for (i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static uint64_t
suppress_get_u64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* FNV-1a over the first 40 bytes of a record. */
static uint32_t
suppress_sum(const uint8_t *rec)
{
	uint32_t	 h = 2166136261U;
	int		 i;

	for (i = 0; i < 40; i++)
		h = (h ^ rec[i]) * 16777619U;
	return h;
}

static void
suppress_rec_make(uint8_t rec[SUPPRESS_RECORD_BYTES], const uint8_t *key,
    const uint8_t *id, int64_t expires_ms)
{
	uint32_t	 sum;

	memset(rec, 0, SUPPRESS_RECORD_BYTES);
	memcpy(rec, key, 16);
	memcpy(rec + 16, id, 16);
	suppress_put_u64(rec + 32, (uint64_t)expires_ms);
	sum = suppress_sum(rec);
	rec[40] = sum & 0xff;
	rec[41] = (sum >> 8) & 0xff;
	rec[42] = (sum >> 16) & 0xff;
	rec[43] = (sum >> 24) & 0xff;
}

static bool
suppress_rec_ok(const uint8_t *rec)
{
	uint32_t	 sum = suppress_sum(rec);

	return rec[40] == (sum & 0xff) && rec[41] == ((sum >> 8) & 0xff) &&
	    rec[42] == ((sum >> 16) & 0xff) && rec[43] == (sum >> 24) &&
	    rec[44] == 0 && rec[45] == 0 && rec[46] == 0 && rec[47] == 0;
}

/* A file error, logged at most every SUPPRESS_ERR_LOG_S. */
static void
suppress_file_error(struct suppress *s, const char *what)
{
	int		 saved = errno;
	uint64_t	 n;

	s->c.write_errors++;
	if (log_ratelimit(&s->err_rl, time(NULL), &n)) {
		errno = saved;
		log_warn("suppress: %s %s (%llu errors since the last line)",
		    what, s->path, (unsigned long long)n);
	}
}

/* Syncs fd (not with policy "never"); -1 on failure (counted). */
static int
suppress_flush(struct suppress *s, int fd, const char *what)
{
	if (s->fsync == SPOOL_FSYNC_NEVER)
		return 0;
	if (fdatasync(fd) == -1) {
		suppress_file_error(s, what);
		return -1;
	}
	return 0;
}

/* Appends one record; on failure cuts the file back to its records. */
static void
suppress_append(struct suppress *s, const struct suppress_entry *e,
    int64_t expires_ms)
{
	uint8_t	 rec[SUPPRESS_RECORD_BYTES];
	ssize_t	 n;
	off_t	 good;

	if (s->fd == -1)
		return;
	suppress_rec_make(rec, e->key, e->id, expires_ms);
	n = write(s->fd, rec, sizeof(rec));
	if (n != (ssize_t)sizeof(rec)) {
		if (n >= 0)
			errno = ENOSPC;
		suppress_file_error(s, "append to");
		good = (off_t)((s->records + 1) * SUPPRESS_RECORD_BYTES);
		if (n > 0 && ftruncate(s->fd, good) == -1)
			s->rewrite = true;
		return;
	}
	s->records++;
	s->dirty = true;
	if (s->fsync == SPOOL_FSYNC_ALWAYS && suppress_flush(s, s->fd,
	    "sync of") == 0)
		s->dirty = false;
}

/* Removes e from the table (freeing it). */
static void
suppress_drop(struct suppress *s, struct suppress_entry *e)
{
	TAILQ_REMOVE(&s->order, e, q);
	(void)ht_remove(s->keys, e->key);
}

/*
 * Sets key -> (id, expires_ms), the newest entry; a full table first
 * drops its oldest key (with a tombstone in the file when it was live
 * at now_ms).  Returns the entry.
 */
static struct suppress_entry *
suppress_set(struct suppress *s, const uint8_t *key, const uint8_t *id,
    int64_t expires_ms, int64_t now_ms)
{
	struct suppress_entry	*e, *old;
	void			*v;

	if (ht_find(s->keys, key, &v)) {
		e = v;
		TAILQ_REMOVE(&s->order, e, q);
	} else {
		if (ht_count(s->keys) >= s->max_keys &&
		    (old = TAILQ_FIRST(&s->order)) != NULL) {
			if (old->expires_ms > now_ms) {
				s->c.evicted++;
				suppress_append(s, old, 0);
			} else
				s->c.expired++;
			suppress_drop(s, old);
		}
		e = xcalloc(1, sizeof(*e));
		memcpy(e->key, key, 16);
		if (ht_insert(s->keys, e->key, e) == -1)
			fatalx("suppress: key inserted twice");
	}
	memcpy(e->id, id, 16);
	e->expires_ms = expires_ms;
	TAILQ_INSERT_TAIL(&s->order, e, q);
	return e;
}

/* Writes the header and the live keys to the temporary file, renames. */
static int
suppress_rewrite(struct suppress *s, int64_t now_ms)
{
	struct suppress_entry	*e;
	uint8_t			 rec[SUPPRESS_RECORD_BYTES];
	FILE			*f;
	uint64_t		 n = 0;
	int			 fd, dfd, i;

	if (s->path == NULL)
		return 0;
	if ((fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		suppress_file_error(s, "rewrite of");
		return -1;
	}
	memset(rec, 0, sizeof(rec));
	memcpy(rec, SUPPRESS_MAGIC, 8);
	for (i = 0; i < 4; i++)
		suppress_put_u64(rec + 8 + 8 * i, s->secret[i]);
	(void)fwrite(rec, sizeof(rec), 1, f);
	TAILQ_FOREACH(e, &s->order, q) {
		if (e->expires_ms <= now_ms)
			continue;
		suppress_rec_make(rec, e->key, e->id, e->expires_ms);
		(void)fwrite(rec, sizeof(rec), 1, f);
		n++;
	}
	if (fflush(f) == EOF || ferror(f) ||
	    suppress_flush(s, fileno(f), "sync of") == -1) {
		fclose(f);
		unlink(s->tmp);
		suppress_file_error(s, "rewrite of");
		return -1;
	}
	fclose(f);
	if (rename(s->tmp, s->path) == -1) {
		unlink(s->tmp);
		suppress_file_error(s, "rename onto");
		return -1;
	}
	if ((dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)suppress_flush(s, dfd, "sync of the directory of");
		close(dfd);
	}
	if (s->fd != -1)
		close(s->fd);
	if ((s->fd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1)
		suppress_file_error(s, "open of");
	s->records = n;
	s->dirty = false;
	s->rewrite = false;
	s->c.compactions++;
	return s->fd == -1 ? -1 : 0;
}

/*
 * Reads the file into the table: the secret from the header (a file
 * with no valid header starts afresh), then every record that checks.
 * 0, or -1 when the file exists but cannot be read.
 */
static int
suppress_load(struct suppress *s, int64_t now_ms, char **errstr)
{
	uint8_t			 rec[SUPPRESS_RECORD_BYTES];
	FILE			*f;
	void			*v;
	int64_t			 exp;
	int			 i;

	if ((f = fopen(s->path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		xasprintf(errstr, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	if (fread(rec, sizeof(rec), 1, f) != 1 ||
	    memcmp(rec, SUPPRESS_MAGIC, 8) != 0) {
		log_warnx("suppress: %s has no valid header: starting afresh",
		    s->path);
		s->c.corrupt_records++;
		fclose(f);
		return 0;
	}
	for (i = 0; i < 4; i++)
		s->secret[i] = suppress_get_u64(rec + 8 + 8 * i);
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		if (!suppress_rec_ok(rec)) {
			s->c.corrupt_records++;
			continue;
		}
		exp = (int64_t)suppress_get_u64(rec + 32);
		if (exp <= now_ms) {
			/* Expired or evicted: what it says of the key wins. */
			if (ht_find(s->keys, rec, &v))
				suppress_drop(s, v);
			continue;
		}
		(void)suppress_set(s, rec, rec + 16, exp, now_ms);
	}
	if (ferror(f)) {
		xasprintf(errstr, "%s: %s", s->path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	s->c.loaded = ht_count(s->keys);
	if (s->c.corrupt_records > 0)
		log_warnx("suppress: %s: %llu damaged records skipped",
		    s->path, (unsigned long long)s->c.corrupt_records);
	return 0;
}

struct suppress *
suppress_open(const struct suppress_options *o, int64_t now_ms,
    char **errstr)
{
	struct suppress	*s;
	char		*why;
	size_t		 i;

	s = xcalloc(1, sizeof(*s));
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		fatalx("suppress: mutex");
	s->fd = -1;
	s->max_keys = o->max_keys > 0 ? o->max_keys :
	    SUPPRESS_MAX_KEYS_DEFAULT;
	s->fsync = o->fsync;
	s->err_rl.interval_s = SUPPRESS_ERR_LOG_S;
	TAILQ_INIT(&s->order);
	if (getrandom(s->seed, sizeof(s->seed), 0) != (ssize_t)sizeof(s->seed)
	    || getrandom(s->secret, sizeof(s->secret), 0) !=
	    (ssize_t)sizeof(s->secret))
		fatal("getrandom");
	s->keys = ht_new(&suppress_key_type, s);
	s->dets = ht_new(&suppress_det_type, s);
	s->rules = xcalloc(o->nrules > 0 ? o->nrules : 1, sizeof(*s->rules));
	for (i = 0; i < o->nrules; i++, s->nrules++)
		if (suppress_rule_parse(o->rules[i], &s->rules[i],
		    &why) == -1) {
			xasprintf(errstr, "suppress \"%s\": %s", o->rules[i],
			    why);
			free(why);
			goto out_free;
		}
	if (o->dir != NULL) {
		s->dir = xstrdup(o->dir);
		xasprintf(&s->path, "%s/%s", o->dir, SUPPRESS_FILE);
		xasprintf(&s->tmp, "%s/%s", o->dir, SUPPRESS_TMP);
		if (suppress_load(s, now_ms, errstr) == -1)
			goto out_free;
		if (suppress_rewrite(s, now_ms) == -1) {
			xasprintf(errstr, "%s: cannot write it", s->path);
			goto out_free;
		}
	}
	s->sweep_ms = now_ms + SUPPRESS_SWEEP_MS;
	return s;

out_free:
	suppress_free(s);
	return NULL;
}

void
suppress_free(struct suppress *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	if (s->fd != -1) {
		if (s->dirty)
			(void)suppress_flush(s, s->fd, "sync of");
		close(s->fd);
	}
	for (i = 0; i < s->nrules; i++)
		suppress_rule_clear(&s->rules[i]);
	free(s->rules);
	ht_free(s->keys);
	ht_free(s->dets);
	free(s->path);
	free(s->tmp);
	free(s->dir);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* The first rule naming d, or NULL. */
static const struct suppress_rule *
suppress_rule_of(const struct suppress *s, const struct detection *d)
{
	size_t	 i;

	for (i = 0; i < s->nrules; i++)
		if (alert_listed(&s->rules[i].pattern, 1, d))
			return &s->rules[i];
	return NULL;
}

/* True when field name is an output column of d's search. */
static bool
suppress_is_column(const struct detection *d, const char *name)
{
	int	 id;
	size_t	 i;

	if ((id = event_field_lookup(name, strlen(name))) < 0)
		return false;
	for (i = 0; i < d->search->ncolumns; i++)
		if (d->search->columns[i] == id)
			return true;
	return false;
}

size_t
suppress_warn_rules(const struct suppress *s, struct detection *const *d,
    size_t n)
{
	const struct suppress_rule	*r;
	size_t				 i, j, k, named, warned = 0;

	for (i = 0; s != NULL && i < s->nrules; i++) {
		r = &s->rules[i];
		for (j = 0, named = 0; j < n; j++) {
			if (suppress_rule_of(s, d[j]) != r)
				continue;
			named++;
			for (k = 0; k < r->nfields; k++) {
				if (suppress_is_column(d[j], r->fields[k]))
					continue;
				log_warnx("suppress %s: %s is not a column of "
				    "%s: its rows all have it empty",
				    r->pattern, r->fields[k], d[j]->name);
				warned++;
			}
		}
		if (named == 0) {
			log_warnx("suppress %s: names no loaded detection "
			    "(or an earlier rule does)", r->pattern);
			warned++;
		}
	}
	return warned;
}

/* Appends a length-prefixed string to b. */
static void
suppress_put_lp(struct alert_buf *b, const char *v, size_t len)
{
	uint8_t	 n[8];

	suppress_put_u64(n, len);
	alert_put(b, (const char *)n, sizeof(n));
	alert_put(b, v, len);
}

/* The key of the row rec of d under rule r (secret: s's). */
static void
suppress_key(const struct suppress *s, const struct suppress_rule *r,
    const struct detection *d, const struct event *rec, uint8_t key[16])
{
	struct alert_buf	 b = { NULL, 0, 0 };
	const char		*who = d->id != NULL ? d->id : d->name;
	const char		*v;
	size_t			 i, len;
	bool			 multi;

	suppress_put_lp(&b, who != NULL ? who : "", who != NULL ?
	    strlen(who) : 0);
	for (i = 0; i < r->nfields; i++) {
		suppress_put_lp(&b, r->fields[i], strlen(r->fields[i]));
		if (!alert_field_get(d, rec, r->fields[i],
		    strlen(r->fields[i]), &v, &len, &multi)) {
			v = "";
			len = 0;
		}
		suppress_put_lp(&b, v, len);
	}
	suppress_put_u64(key, ht_siphash(s->secret, b.p, b.len));
	suppress_put_u64(key + 8, ht_siphash(s->secret + 2, b.p, b.len));
	free(b.p);
}

/* The alert id's 32 hex digits as 16 bytes (zeros if it is not one). */
static void
suppress_id(const char *id, uint8_t out[16])
{
	int	 i, hi, lo;

	memset(out, 0, 16);
	for (i = 0; i < 16 && id != NULL; i++) {
		hi = id[2 * i];
		lo = hi != '\0' ? id[2 * i + 1] : '\0';
		hi = hi >= 'a' ? hi - 'a' + 10 : hi - '0';
		lo = lo >= 'a' ? lo - 'a' + 10 : lo - '0';
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15) {
			memset(out, 0, 16);
			return;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
}

/* Counts one suppressed row of d. */
static void
suppress_count(struct suppress *s, const struct detection *d)
{
	const char		*who = d->id != NULL ? d->id : d->name;
	struct suppress_det	*sd;
	void			*v;

	s->c.suppressed++;
	if (who == NULL)
		return;
	if (ht_find(s->dets, who, &v))
		sd = v;
	else {
		sd = xcalloc(1, sizeof(*sd));
		sd->name = xstrdup(who);
		if (ht_insert(s->dets, sd->name, sd) == -1)
			fatalx("suppress: detection inserted twice");
	}
	sd->n++;
}

enum suppress_verdict
suppress_check(struct suppress *s, const struct detection *d,
    const struct event *rec, const char *id, int64_t now_ms)
{
	const struct suppress_rule	*r;
	struct suppress_entry		*e;
	uint8_t				 key[16], bid[16];
	void				*v;
	enum suppress_verdict		 verdict = SUPPRESS_SEND;

	if (s == NULL || (r = suppress_rule_of(s, d)) == NULL)
		return SUPPRESS_NO_RULE;
	suppress_key(s, r, d, rec, key);
	suppress_id(id, bid);
	pthread_mutex_lock(&s->mu);
	if (ht_find(s->keys, key, &v) &&
	    (e = v)->expires_ms > now_ms) {
		if (memcmp(e->id, bid, 16) != 0) {
			suppress_count(s, d);
			verdict = SUPPRESS_DROP;
		}
		goto out_unlock;
	}
	e = suppress_set(s, key, bid, now_ms + r->period_ms, now_ms);
	suppress_append(s, e, e->expires_ms);
	s->c.recorded++;
	if (s->records > 4 * (uint64_t)s->max_keys + SUPPRESS_SLACK)
		(void)suppress_rewrite(s, now_ms);

out_unlock:
	pthread_mutex_unlock(&s->mu);
	return verdict;
}

int
suppress_sync(struct suppress *s, int64_t now_ms)
{
	struct suppress_entry	*e, *next;
	uint64_t		 errors;
	int			 rc = 0;

	pthread_mutex_lock(&s->mu);
	errors = s->c.write_errors;
	if (now_ms >= s->sweep_ms) {
		s->sweep_ms = now_ms + SUPPRESS_SWEEP_MS;
		for (e = TAILQ_FIRST(&s->order); e != NULL; e = next) {
			next = TAILQ_NEXT(e, q);
			if (e->expires_ms <= now_ms) {
				s->c.expired++;
				suppress_drop(s, e);
			}
		}
	}
	if (s->path != NULL && (s->rewrite || s->records > 2 *
	    (uint64_t)ht_count(s->keys) + SUPPRESS_SLACK))
		(void)suppress_rewrite(s, now_ms);
	if (s->dirty && s->fsync == SPOOL_FSYNC_BATCH &&
	    suppress_flush(s, s->fd, "sync of") == 0)
		s->dirty = false;
	if (s->c.write_errors != errors)
		rc = -1;
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void
suppress_get_counters(struct suppress *s, struct suppress_counters *c)
{
	pthread_mutex_lock(&s->mu);
	*c = s->c;
	c->keys = ht_count(s->keys);
	c->file_bytes = s->path != NULL ?
	    (s->records + 1) * SUPPRESS_RECORD_BYTES : 0;
	pthread_mutex_unlock(&s->mu);
}

uint64_t
suppress_count_of(struct suppress *s, const struct detection *d)
{
	const char	*who = d->id != NULL ? d->id : d->name;
	void		*v;
	uint64_t	 n = 0;

	if (s == NULL || who == NULL)
		return 0;
	pthread_mutex_lock(&s->mu);
	if (ht_find(s->dets, who, &v))
		n = ((struct suppress_det *)v)->n;
	pthread_mutex_unlock(&s->mu);
	return n;
}
