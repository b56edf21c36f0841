/*
 * The stdout and file transports.  Alerts are appended, one JSON object
 * a line, to an evbuffer that is written out once per loop iteration
 * (and at drain); a write error is counted and logged (rate-limited),
 * the lines it concerned are dropped, and the daemon goes on.  The file
 * is opened O_APPEND, so logrotate's copytruncate and several writers
 * work.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

struct sink_file {
	struct event_base	*base;
	int			 fd;		/* stdout or the file */
	bool			 is_file;	/* fd is ours to close */
	const char		*name;		/* "stdout" or the path */
	size_t			 queue_bytes;	/* bound on buf */
	struct evbuffer		*buf;		/* lines not yet written */
	size_t			 pending;	/* alerts in buf */
	struct event		*flush_ev;	/* writes buf out */
	bool			 flush_armed;
	struct event		*done_ev;	/* calls done() */
	void			(*done)(void *);
	void			*done_arg;
	time_t			 err_logged;	/* last error log */
	uint64_t		 err_unlogged;	/* errors since then */
	struct sink_counters	 c;
};

/* Counts a write error; the log line is rate-limited. */
static void
sink_file_note_error(struct sink_file *f, int err)
{
	time_t	 now = time(NULL);

	f->c.write_errors++;
	f->err_unlogged++;
	if (f->err_logged != 0 && now - f->err_logged < SINK_FILE_ERR_LOG_S)
		return;
	errno = err;
	log_warn("output %s: %llu write errors, %llu alerts lost so far",
	    f->name, (unsigned long long)f->err_unlogged,
	    (unsigned long long)f->c.dropped);
	f->err_unlogged = 0;
	f->err_logged = now;
}

/*
 * Writes the buffer out.  Returns 0 when it is empty, 1 when the fd
 * would block (what is left stays), -1 after an error (what was left is
 * dropped and counted).
 */
static int
sink_file_write_out(struct sink_file *f)
{
	int	 n, err;

	while (evbuffer_get_length(f->buf) > 0) {
		n = evbuffer_write(f->buf, f->fd);
		if (n > 0)
			continue;
		err = n == 0 ? EIO : errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN || err == EWOULDBLOCK)
			return 1;
		f->c.dropped += f->pending;
		f->pending = 0;
		if (evbuffer_drain(f->buf, evbuffer_get_length(f->buf)) == -1)
			fatalx("%s: evbuffer_drain", __func__);
		sink_file_note_error(f, err);
		return -1;
	}
	f->c.delivered += f->pending;
	f->pending = 0;
	return 0;
}

static void
sink_file_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sink_file	*f = arg;
	struct timeval		 tv = { 0, SINK_FILE_RETRY_MS * 1000 };

	(void)fd;
	(void)what;
	f->flush_armed = false;
	if (sink_file_write_out(f) == 1) {
		f->flush_armed = true;
		if (evtimer_add(f->flush_ev, &tv) == -1)
			fatalx("%s: evtimer_add", __func__);
	}
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
	if (f->flush_ev != NULL)
		event_free(f->flush_ev);
	if (f->done_ev != NULL)
		event_free(f->done_ev);
	if (f->is_file && f->fd != -1 && close(f->fd) == -1)
		log_warn("output file:%s: close", f->name);
	free(f);
}

struct sink_file *
sink_file_new(struct event_base *base, const char *path, size_t queue_bytes,
    char **errstr)
{
	struct sink_file	*f;

	*errstr = NULL;
	f = xcalloc(1, sizeof(*f));
	f->base = base;
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
	f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (f->fd == -1) {
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
sink_file_submit(void *t, const char *json, size_t len)
{
	struct sink_file	*f = t;

	f->c.submitted++;
	if (evbuffer_get_length(f->buf) + len + 1 > f->queue_bytes) {
		/* the output is stuck: bound the memory */
		f->c.dropped++;
		sink_file_note_error(f, EAGAIN);
		return 0;
	}
	if (evbuffer_add(f->buf, json, len) == -1 ||
	    evbuffer_add(f->buf, "\n", 1) == -1)
		fatalx("%s: evbuffer_add", __func__);
	f->pending++;
	if (!f->flush_armed) {
		f->flush_armed = true;
		event_active(f->flush_ev, EV_TIMEOUT, 1);
	}
	return 0;
}

static void
sink_file_drain(void *t, int timeout_s, void (*done)(void *), void *arg)
{
	struct sink_file	*f = t;

	(void)timeout_s;
	if (sink_file_write_out(f) == 1) {
		log_warnx("output %s: %zu alerts could not be written at "
		    "shutdown", f->name, f->pending);
		f->c.dropped += f->pending;
		f->pending = 0;
		if (evbuffer_drain(f->buf, evbuffer_get_length(f->buf)) == -1)
			fatalx("%s: evbuffer_drain", __func__);
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

static void
sink_file_counters(const void *t, struct sink_counters *c)
{
	const struct sink_file	*f = t;

	*c = f->c;
	c->queued = f->pending;
	c->queued_bytes = evbuffer_get_length(f->buf);
}

const struct sink_ops sink_file_ops = {
	.submit = sink_file_submit,
	.drain = sink_file_drain,
	.backlogged = sink_file_backlogged,
	.counters = sink_file_counters,
	.free = sink_file_free,
};
