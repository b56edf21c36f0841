/*
 * Alert sinks.  "stdout" and "file:PATH" append one JSON object a line
 * to an evbuffer that is written out once per loop iteration (and at
 * drain); a write error is counted and logged (rate-limited), the lines
 * it concerned are dropped, and the daemon goes on.  The file is opened
 * O_APPEND, so logrotate's copytruncate and several writers work.
 * "hec" hands everything to hec.c.
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

#include "daemon/config.h"
#include "output/hec.h"
#include "log.h"
#include "output/sink.h"
#include "xmalloc.h"

#define SINK_ERR_LOG_S		10	/* write errors summary period */
#define SINK_RETRY_MS		50	/* stdout would block: retry */

struct sink {
	enum config_output	 type;
	struct event_base	*base;
	const struct config	*cfg;		/* borrowed */
	struct hec		*hec;		/* CONFIG_OUTPUT_HEC */
	int			 fd;		/* stdout or the file */
	const char		*name;		/* "stdout" or the path */
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
sink_note_error(struct sink *s, int err)
{
	time_t	 now = time(NULL);

	s->c.write_errors++;
	s->err_unlogged++;
	if (s->err_logged != 0 && now - s->err_logged < SINK_ERR_LOG_S)
		return;
	errno = err;
	log_warn("output %s: %llu write errors, %llu alerts lost so far",
	    s->name, (unsigned long long)s->err_unlogged,
	    (unsigned long long)s->c.dropped);
	s->err_unlogged = 0;
	s->err_logged = now;
}

/*
 * Writes the buffer out.  Returns 0 when it is empty, 1 when the fd
 * would block (what is left stays), -1 after an error (what was left is
 * dropped and counted).
 */
static int
sink_write_out(struct sink *s)
{
	int	 n, err;

	while (evbuffer_get_length(s->buf) > 0) {
		n = evbuffer_write(s->buf, s->fd);
		if (n > 0)
			continue;
		err = n == 0 ? EIO : errno;
		if (err == EINTR)
			continue;
		if (err == EAGAIN || err == EWOULDBLOCK)
			return 1;
		s->c.dropped += s->pending;
		s->pending = 0;
		if (evbuffer_drain(s->buf, evbuffer_get_length(s->buf)) == -1)
			fatalx("%s: evbuffer_drain", __func__);
		sink_note_error(s, err);
		return -1;
	}
	s->c.delivered += s->pending;
	s->pending = 0;
	return 0;
}

static void
sink_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sink	*s = arg;
	struct timeval	 tv = { 0, SINK_RETRY_MS * 1000 };

	(void)fd;
	(void)what;
	s->flush_armed = false;
	if (sink_write_out(s) == 1) {
		s->flush_armed = true;
		if (evtimer_add(s->flush_ev, &tv) == -1)
			fatalx("%s: evtimer_add", __func__);
	}
}

static void
sink_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sink	*s = arg;
	void		(*done)(void *) = s->done;

	(void)fd;
	(void)what;
	s->done = NULL;
	if (done != NULL)
		done(s->done_arg);
}

struct sink *
sink_new(struct event_base *base, const struct config *cfg, char **errstr)
{
	struct sink	*s;

	*errstr = NULL;
	s = xcalloc(1, sizeof(*s));
	s->type = cfg->output;
	s->base = base;
	s->cfg = cfg;
	s->fd = -1;
	if (s->type == CONFIG_OUTPUT_HEC) {
		if ((s->hec = hec_new(base, cfg, errstr)) == NULL)
			goto fail;
		return s;
	}
	if ((s->buf = evbuffer_new()) == NULL ||
	    (s->flush_ev = event_new(base, -1, 0, sink_flush_cb, s)) ==
	    NULL ||
	    (s->done_ev = event_new(base, -1, 0, sink_done_cb, s)) == NULL) {
		xasprintf(errstr, "output: cannot create events");
		goto fail;
	}
	if (s->type == CONFIG_OUTPUT_STDOUT) {
		s->fd = STDOUT_FILENO;
		s->name = "stdout";
		return s;
	}
	s->name = cfg->output_path;
	s->fd = open(cfg->output_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0640);
	if (s->fd == -1) {
		xasprintf(errstr, "output file:%s: %s", cfg->output_path,
		    strerror(errno));
		goto fail;
	}
	return s;
fail:
	sink_free(s);
	return NULL;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	hec_free(s->hec);
	if (s->buf != NULL) {
		if (evbuffer_get_length(s->buf) > 0)
			(void)sink_write_out(s);
		evbuffer_free(s->buf);
	}
	if (s->flush_ev != NULL)
		event_free(s->flush_ev);
	if (s->done_ev != NULL)
		event_free(s->done_ev);
	if (s->type == CONFIG_OUTPUT_FILE && s->fd != -1 && close(s->fd) == -1)
		log_warn("output file:%s: close", s->name);
	free(s);
}

int
sink_submit(struct sink *s, const char *json, size_t len)
{
	if (s->hec != NULL)
		return hec_submit(s->hec, json, len);
	s->c.submitted++;
	if (evbuffer_get_length(s->buf) + len + 1 > s->cfg->hec_queue_bytes) {
		/* the output is stuck: bound the memory */
		s->c.dropped++;
		sink_note_error(s, EAGAIN);
		return 0;
	}
	if (evbuffer_add(s->buf, json, len) == -1 ||
	    evbuffer_add(s->buf, "\n", 1) == -1)
		fatalx("%s: evbuffer_add", __func__);
	s->pending++;
	if (!s->flush_armed) {
		s->flush_armed = true;
		event_active(s->flush_ev, EV_TIMEOUT, 1);
	}
	return 0;
}

void
sink_drain(struct sink *s, int timeout_s, void (*done)(void *), void *arg)
{
	if (s->hec != NULL) {
		hec_drain(s->hec, timeout_s, done, arg);
		return;
	}
	if (sink_write_out(s) == 1) {
		log_warnx("output %s: %zu alerts could not be written at "
		    "shutdown", s->name, s->pending);
		s->c.dropped += s->pending;
		s->pending = 0;
		if (evbuffer_drain(s->buf, evbuffer_get_length(s->buf)) == -1)
			fatalx("%s: evbuffer_drain", __func__);
	}
	s->done = done;
	s->done_arg = arg;
	event_active(s->done_ev, EV_TIMEOUT, 1);
}

bool
sink_backlogged(const struct sink *s)
{
	if (s->hec != NULL)
		return hec_backlogged(s->hec);
	return evbuffer_get_length(s->buf) > s->cfg->hec_queue_bytes / 4 * 3;
}

/*
 * From 5 ms (a batch sent at once to a near indexer) to 5 minutes (alerts
 * held through retries, ejections or acknowledgement timeouts).
 */
const uint64_t sink_latency_bounds_ms[SINK_LATENCY_NBOUNDS] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
	300000
};

size_t
sink_latency_bucket(uint64_t ms)
{
	size_t	 lo = 0, hi = SINK_LATENCY_NBOUNDS, mid;

	/* the first bound >= ms; SINK_LATENCY_NBOUNDS (+Inf) if none */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sink_latency_bounds_ms[mid] < ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
sink_get_counters(const struct sink *s, struct sink_counters *c)
{
	if (s->hec != NULL) {
		hec_get_counters(s->hec, c);
		return;
	}
	*c = s->c;
	c->queued = s->pending;
	c->queued_bytes = evbuffer_get_length(s->buf);
}
