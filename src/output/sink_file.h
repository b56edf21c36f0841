/*
 * The stdout and file transports of the sink (sink_ops.h): one JSON
 * object a line, written from the loop; write errors are counted and
 * logged, never fatal.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SINK_FILE_H
#define HECSENTRY_SINK_FILE_H

#include <stddef.h>

#include <event2/event.h>

#include "output/sink_ops.h"

struct sink_file;

/* The table sink.c calls a struct sink_file through. */
extern const struct sink_ops sink_file_ops;

/*
 * Opens the file path (O_APPEND, created mode 0640), or stdout when path
 * is NULL; path is borrowed for the transport's lifetime, up (the layer
 * above: sink_ops.h) copied.  At most queue_bytes of unspooled alerts
 * wait in memory (beyond: dropped, counted).  Returns NULL with *errstr
 * (caller frees) on error.
 */
struct sink_file *sink_file_new(struct event_base *base, const char *path,
		    size_t queue_bytes, const struct sink_up *up,
		    char **errstr);

#endif /* HECSENTRY_SINK_FILE_H */
