/*
 * Alert sinks: picks the transport the configuration names and calls it
 * through its struct sink_ops.  What each transport does with an alert
 * is in hec.c and sink_file.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "output/hec.h"
#include "output/sink.h"
#include "output/sink_file.h"
#include "xmalloc.h"

struct sink {
	const struct sink_ops	*ops;		/* the transport's */
	void			*t;		/* the transport */
};

struct sink *
sink_new(struct event_base *base, const struct sink_options *o,
    char **errstr)
{
	struct sink	*s;

	*errstr = NULL;
	s = xcalloc(1, sizeof(*s));
	switch (o->type) {
	case SINK_HEC:
		s->ops = &hec_sink_ops;
		s->t = hec_new(base, &o->hec, o->spool_dir, &o->spool, errstr);
		break;
	case SINK_STDOUT:
		s->ops = &sink_file_ops;
		s->t = sink_file_new(base, NULL, o->queue_bytes, errstr);
		break;
	case SINK_FILE:
		s->ops = &sink_file_ops;
		s->t = sink_file_new(base, o->path, o->queue_bytes, errstr);
		break;
	}
	if (s->t == NULL) {
		if (*errstr == NULL)
			xasprintf(errstr, "output: unknown type");
		free(s);
		return NULL;
	}
	return s;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	s->ops->free(s->t);
	free(s);
}

int
sink_submit(struct sink *s, const char *json, size_t len)
{
	return s->ops->submit(s->t, json, len);
}

void
sink_drain(struct sink *s, int timeout_s, void (*done)(void *), void *arg)
{
	s->ops->drain(s->t, timeout_s, done, arg);
}

bool
sink_backlogged(const struct sink *s)
{
	return s->ops->backlogged(s->t);
}

void
sink_get_counters(const struct sink *s, struct sink_counters *c)
{
	memset(c, 0, sizeof(*c));
	s->ops->counters(s->t, c);
}
