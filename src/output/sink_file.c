/*
 * The stdout and file transports.  Alerts are appended, one JSON object
 * a line, to an evbuffer that is written out once per loop iteration
 * (and at drain); a write error is counted and logged (rate-limited) and
 * the daemon goes on.  Without a spool the lines it concerned are
 * dropped; with one they stay, and the write is tried again every
 * second, while the spool holds what comes next.  Each line is reported
 * to the spool above once written in full.  The file is opened O_APPEND,
 * so logrotate's copytruncate and several writers work; on SIGHUP
 * (sink_file_reopen) what is buffered is written to the open file, which
 * is then closed and its path opened again, as syslog daemons do, so
 * logrotate's rename-then-HUP works too.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "log.h"
#include "output/sink_file.h"
#include "xmalloc.h"

#define SINK_FILE_ERR_LOG_S	10	/* write errors summary period */
#define SINK_FILE_RETRY_MS	50	/* stdout would block: retry */
#define SINK_FILE_ERR_RETRY_MS	1000	/* write error, spooled: retry */

/* A line in the buffer. */
struct sink_file_line {
	uint64_t		 seq;		/* spool record, 0 = none */
	size_t			 left;		/* bytes not yet written */
};

struct sink_file {
	struct event_base	*base;
	int			 fd;		/* stdout or the file */
	bool			 is_file;	/* fd is ours to close */
	const char		*name;		/* "stdout" or the path */
	size_t			 queue_bytes;	/* bound on buf */
	struct sink_up		 up;		/* the layer above */
	struct evbuffer		*buf;		/* lines not yet written */
	struct sink_file_line	*lines;		/* buf's, from lines[first] */
	size_t			 first;
	size_t			 end;		/* past the last */
	size_t			 cap;
	bool			 failing;	/* no write succeeded since the
						   last error */
	int			 last_err;	/* that error's errno */
	struct event		*flush_ev;	/* writes buf out */
	bool			 flush_armed;
	struct event		*done_ev;	/* calls done() */
	void			(*done)(void *);
	void			*done_arg;
	struct sink_ratelog	 errlogged;	/* write error summaries */
	struct sink_counters	 c;
};

/* Counts a write error; the log line is rate-limited. */
static void
sink_file_note_error(struct sink_file *f, int err)
{
	uint64_t	 now = (uint64_t)time(NULL) * 1000, wait;

	f->c.write_errors++;
	if (!sink_ratelog_note(&f->errlogged, 1, now,
	    SINK_FILE_ERR_LOG_S * 1000, &wait))
		return;
	errno = err;
	log_warn("output %s: %llu write errors, %llu alerts lost so far",
	    f->name, (unsigned long long)f->errlogged.unlogged,
	    (unsigned long long)f->c.dropped);
	sink_ratelog_done(&f->errlogged, now);
}

/* Alerts in the buffer. */
static size_t
sink_file_pending(const struct sink_file *f)
{
	return f->end - f->first;
}

/* Records a line of len bytes (and its newline) just added to buf. */
static void
sink_file_push(struct sink_file *f, uint64_t seq, size_t len)
{
	if (f->end == f->cap && f->first > 0) {
		memmove(f->lines, f->lines + f->first,
		    sink_file_pending(f) * sizeof(*f->lines));
		f->end -= f->first;
		f->first = 0;
	}
	if (f->end == f->cap) {
		f->cap = f->cap == 0 ? 64 : f->cap * 2;
		f->lines = xreallocarray(f->lines, f->cap, sizeof(*f->lines));
	}
	f->lines[f->end].seq = seq;
	f->lines[f->end].left = len + 1;
	f->end++;
}

/* n more bytes of buf were written: counts and settles whole lines. */
static void
sink_file_written(struct sink_file *f, size_t n)
{
	struct sink_file_line	*l;

	f->failing = false;
	while (n > 0 && f->first < f->end) {
		l = &f->lines[f->first];
		if (n < l->left) {
			l->left -= n;
			return;
		}
		n -= l->left;
		f->c.delivered++;
		if (l->seq != 0)
			f->up.settled(f->up.arg, l->seq);
		f->first++;
	}
	if (f->first == f->end)
		f->first = f->end = 0;
}

/* Drops every line in the buffer, counted. */
static void
sink_file_drop_all(struct sink_file *f)
{
	f->c.dropped += sink_file_pending(f);
	f->first = f->end = 0;
	if (evbuffer_drain(f->buf, evbuffer_get_length(f->buf)) == -1)
		fatalx("%s: evbuffer_drain", __func__);
}

/*
 * Writes the buffer out.  Returns 0 when it is empty, 1 when the fd
 * would block (what is left stays), -1 after an error (what was left is
 * dropped and counted, or without a spool, stays for the next try).
 */
static int
sink_file_write_out(struct sink_file *f)
{
	int	 n, err;

	while (evbuffer_get_length(f->buf) > 0) {
		n = evbuffer_write(f->buf, f->fd);
		if (n > 0) {
			sink_file_written(f, (size_t)n);
			continue;
		}
		err = n == 0 ? EIO : errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN || err == EWOULDBLOCK)
			return 1;
		f->failing = true;
		f->last_err = err;
		if (!f->up.spooled)
			sink_file_drop_all(f);
		sink_file_note_error(f, err);
		return -1;
	}
	return 0;
}

/* Arms the flush event: after ms, or at once for 0. */
static void
sink_file_arm(struct sink_file *f, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	f->flush_armed = true;
	if (ms == 0)
		event_active(f->flush_ev, EV_TIMEOUT, 1);
	else if (evtimer_add(f->flush_ev, &tv) == -1)
		fatalx("%s: evtimer_add", __func__);
}

/* Pulls spooled alerts (when spooling) and writes the buffer out. */
static void
sink_file_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sink_file	*f = arg;
	bool			 more;
	int			 rc;

	(void)fd;
	(void)what;
	f->flush_armed = false;
	more = f->up.spooled && f->up.fill(f->up.arg);
	rc = sink_file_write_out(f);
	if (rc == 1)
		sink_file_arm(f, SINK_FILE_RETRY_MS);
	else if (rc == -1 && f->up.spooled)
		sink_file_arm(f, SINK_FILE_ERR_RETRY_MS);
	else if (rc == 0 && more)
		sink_file_arm(f, 0);
}

static void
sink_file_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sink_file	*f = arg;
	void			(*done)(void *) = f->done;

	(void)fd;
	(void)what;
	f->done = NULL;
	if (done != NULL)
		done(f->done_arg);
}

static void
sink_file_free(void *t)
{
	struct sink_file	*f = t;

	if (f == NULL)
		return;
	if (f->buf != NULL) {
		if (evbuffer_get_length(f->buf) > 0)
			(void)sink_file_write_out(f);
		evbuffer_free(f->buf);
	}
	free(f->lines);
	if (f->flush_ev != NULL)
		event_free(f->flush_ev);
	if (f->done_ev != NULL)
		event_free(f->done_ev);
	if (f->is_file && f->fd != -1 && close(f->fd) == -1)
		log_warn("output file:%s: close", f->name);
	free(f);
}

/* Opens path for appending.  Returns the fd, or -1 (errno). */
static int
sink_file_open(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/*
 * sink_ops.reopen: writes out what is buffered to the file open now,
 * then swaps in a new fd on the path.  0, or -1 when the path cannot be
 * opened (logged; the old fd stays).
 */
static int
sink_file_reopen(void *t)
{
	struct sink_file	*f = t;
	int			 fd;

	if (!f->is_file)
		return 0;
	if (evbuffer_get_length(f->buf) > 0)
		(void)sink_file_write_out(f);
	if ((fd = sink_file_open(f->name)) == -1) {
		log_warn("output file:%s: cannot reopen, still writing to "
		    "the file open before", f->name);
		return -1;
	}
	if (close(f->fd) == -1)
		log_warn("output file:%s: close", f->name);
	f->fd = fd;
	log_info("output file:%s: reopened", f->name);
	if (evbuffer_get_length(f->buf) > 0 && !f->flush_armed)
		sink_file_arm(f, 0);
	return 0;
}

struct sink_file *
sink_file_new(struct event_base *base, const char *path, size_t queue_bytes,
    const struct sink_up *up, char **errstr)
{
	struct sink_file	*f;

	*errstr = NULL;
	f = xcalloc(1, sizeof(*f));
	f->base = base;
	f->up = *up;
	f->fd = -1;
	f->queue_bytes = queue_bytes;
	if ((f->buf = evbuffer_new()) == NULL ||
	    (f->flush_ev = event_new(base, -1, 0, sink_file_flush_cb, f)) ==
	    NULL ||
	    (f->done_ev = event_new(base, -1, 0, sink_file_done_cb, f)) ==
	    NULL) {
		xasprintf(errstr, "output: cannot create events");
		goto fail;
	}
	if (path == NULL) {
		f->fd = STDOUT_FILENO;
		f->name = "stdout";
		return f;
	}
	f->is_file = true;
	f->name = path;
	if ((f->fd = sink_file_open(path)) == -1) {
		xasprintf(errstr, "output file:%s: %s", path,
		    strerror(errno));
		goto fail;
	}
	return f;
fail:
	sink_file_free(f);
	return NULL;
}

static int
sink_file_submit(void *t, const char *json, size_t len, uint64_t seq)
{
	struct sink_file	*f = t;

	if (seq == 0 &&
	    evbuffer_get_length(f->buf) + len + 1 > f->queue_bytes) {
		/* the output is stuck: bound the memory */
		f->c.dropped++;
		sink_file_note_error(f, EAGAIN);
		return 0;
	}
	if (evbuffer_add(f->buf, json, len) == -1 ||
	    evbuffer_add(f->buf, "\n", 1) == -1)
		fatalx("%s: evbuffer_add", __func__);
	sink_file_push(f, seq, len);
	if (!f->flush_armed)
		sink_file_arm(f, 0);
	return 0;
}

/* sink_ops.want: spooled lines while the buffer is under half its bound. */
static bool
sink_file_want(const void *t)
{
	const struct sink_file	*f = t;

	return evbuffer_get_length(f->buf) < f->queue_bytes / 2;
}

static void
sink_file_wake(void *t)
{
	struct sink_file	*f = t;

	if (!f->flush_armed)
		sink_file_arm(f, 0);
}

/*
 * Writes out what is buffered and, when spooling, what the spool holds;
 * without a spool what cannot be written now is dropped, counted.
 */
static void
sink_file_drain(void *t, int timeout_s, void (*done)(void *), void *arg)
{
	struct sink_file	*f = t;
	bool			 more;
	int			 rc;

	(void)timeout_s;
	do {
		more = f->up.spooled && f->up.fill(f->up.arg);
		rc = sink_file_write_out(f);
	} while (more && rc == 0);
	if (rc == 1 && !f->up.spooled) {
		log_warnx("output %s: %zu alerts could not be written at "
		    "shutdown", f->name, sink_file_pending(f));
		sink_file_drop_all(f);
	}
	f->done = done;
	f->done_arg = arg;
	event_active(f->done_ev, EV_TIMEOUT, 1);
}

static bool
sink_file_backlogged(const void *t)
{
	const struct sink_file	*f = t;

	return evbuffer_get_length(f->buf) > f->queue_bytes / 4 * 3;
}

static bool
sink_file_healthy(const void *t, char *why, size_t whylen)
{
	const struct sink_file	*f = t;

	if (!f->failing)
		return true;
	snprintf(why, whylen, "output %s: writes fail: %s", f->name,
	    strerror(f->last_err));
	return false;
}

static void
sink_file_counters(const void *t, struct sink_counters *c)
{
	const struct sink_file	*f = t;

	*c = f->c;
	c->queued = sink_file_pending(f);
	c->queued_bytes = evbuffer_get_length(f->buf);
}

const struct sink_ops sink_file_ops = {
	.submit = sink_file_submit,
	.want = sink_file_want,
	.wake = sink_file_wake,
	.drain = sink_file_drain,
	.backlogged = sink_file_backlogged,
	.healthy = sink_file_healthy,
	.reopen = sink_file_reopen,
	.counters = sink_file_counters,
	.free = sink_file_free,
};
