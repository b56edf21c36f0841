/*
 * Copyright (c) 2026 The hecsentry developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS.
 */

/*
 * The normalised event record: the field registry (names interned to ids
 * at load time), the per-event arena, and normalisation into source,
 * sourcetype, _time and the CIM fields of SPEC 2.  Pure: no I/O.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
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
static short	 event_reg[EVENT_REG_BUCKETS];	/* open addressing, id+1 */

static uint32_t
event_name_hash(const char *s, size_t len)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

int
event_field_lookup(const char *name, size_t len)
{
	uint32_t	 i;
	int		 id;

	i = event_name_hash(name, len) & (EVENT_REG_BUCKETS - 1);
	while ((id = event_reg[i]) != 0) {
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
	id = event_nnames++;
	event_names[id] = xstrndup(name, len);
	event_name_len[id] = len;
	i = event_name_hash(name, len) & (EVENT_REG_BUCKETS - 1);
	while (event_reg[i] != 0)
		i = (i + 1) & (EVENT_REG_BUCKETS - 1);
	event_reg[i] = (short)(id + 1);
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
	if (id < 0 || id >= event_nnames)
		return NULL;
	return event_names[id];
}

int
event_field_count(void)
{
	return event_nnames;
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
event_set_ref(struct event *ev, int id, const char *v, size_t len)
{
	if (id < 0 || id >= EVENT_MAX_FIELDS || len > UINT32_MAX)
		return -1;
	if (len == 0) {
		event_unset(ev, id);
		return 0;
	}
	ev->val[id].ptr = v;
	ev->val[id].len = (uint32_t)len;
	ev->set[id >> 6] |= (uint64_t)1 << (id & 63);
	return 0;
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

/* event_normalise() and event_parse_time(): see below. */
