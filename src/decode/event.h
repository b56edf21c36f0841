/*
 * The normalised event record.  Every payload shape becomes one of these:
 * a set of (field id -> string value) pairs plus the event's own time.
 * Field names are interned once, at load time, into small integer ids so
 * that the hot path never compares names.  The same record type carries
 * stats rows through the post-stats SPL commands (convert, rename, search).
 *
 * Values are byte strings (not NUL-terminated) that live in the event's
 * arena or in a buffer the caller keeps alive until event_reset().  An empty
 * value is never stored: SPEC 2 says an empty value counts as absent.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_EVENT_H
#define HECSENTRY_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVENT_MAX_FIELDS	512

/* Field ids registered by event_fields_init(), in this order. */
enum event_field_id {
	EVENT_F_TIME = 0,		/* _time (epoch seconds, text) */
	EVENT_F_EVENTCODE,		/* EventCode */
	EVENT_F_COMPUTER,		/* Computer */
	EVENT_F_SOURCE,			/* source */
	EVENT_F_SOURCETYPE,		/* sourcetype */
	EVENT_F_SOURCENAME,		/* SourceName: the provider */
	EVENT_F_CHANNEL,		/* Channel */
	EVENT_F_HOST,			/* host: syslog header host */
	EVENT_F_UTCTIME,		/* UtcTime */
	EVENT_F_SYSTEMTIME,		/* SystemTime (TimeCreated/@SystemTime) */
	EVENT_F_TIMESTAMP,		/* @timestamp (ECS) */
	EVENT_F_IMAGE,			/* Image */
	EVENT_F_USER,			/* User */
	EVENT_F_PROTOCOL,		/* Protocol */
	EVENT_F_INITIATED,		/* Initiated */
	EVENT_F_SOURCEISIPV6,		/* SourceIsIpv6 */
	EVENT_F_SOURCEIP,		/* SourceIp */
	EVENT_F_SOURCEHOSTNAME,		/* SourceHostname */
	EVENT_F_SOURCEPORT,		/* SourcePort */
	EVENT_F_SOURCEPORTNAME,		/* SourcePortName */
	EVENT_F_DESTINATIONISIPV6,	/* DestinationIsIpv6 */
	EVENT_F_DESTINATIONIP,		/* DestinationIp */
	EVENT_F_DESTINATIONHOSTNAME,	/* DestinationHostname */
	EVENT_F_DESTINATIONPORT,	/* DestinationPort */
	EVENT_F_DESTINATIONPORTNAME,	/* DestinationPortName */
	EVENT_F_PROCESSGUID,		/* ProcessGuid */
	EVENT_F_PROCESSID,		/* ProcessId */
	EVENT_F_RULENAME,		/* RuleName */
	EVENT_F_USER_DOMAIN,		/* user.domain (ECS, folded into User) */
	EVENT_F_USER_NAME,		/* user.name (ECS, folded into User) */
	/* CIM fields the add-on derives (conf/cim.conf, cim.c) */
	EVENT_F_DEST,			/* dest */
	EVENT_F_SRC,			/* src */
	EVENT_F_DVC,			/* dvc */
	EVENT_F_CIM_USER,		/* user */
	EVENT_F_APP,			/* app */
	EVENT_F_PROCESS_NAME,		/* process_name */
	EVENT_F_PROCESS_EXEC,		/* process_exec */
	EVENT_F_TRANSPORT,		/* transport */
	EVENT_F_CIM_PROTOCOL,		/* protocol */
	EVENT_F_DIRECTION,		/* direction */
	EVENT_F_DEST_IP,		/* dest_ip */
	EVENT_F_DEST_PORT,		/* dest_port */
	EVENT_F_SRC_IP,			/* src_ip */
	EVENT_F_SRC_PORT,		/* src_port */
	EVENT_F_PROCESS_GUID,		/* process_guid */
	EVENT_F_PROCESS_ID,		/* process_id */
	EVENT_F_VENDOR_PRODUCT,		/* vendor_product */
	EVENT_F_PROTOCOL_VERSION,	/* protocol_version */
	EVENT_F_ACTION,			/* action */
	EVENT_F_NBUILTIN		/* first id free for other names */
};

/* The payload shape a decoder recognised (SPEC 2). */
enum event_shape {
	EVENT_SHAPE_UNKNOWN = 0,
	EVENT_SHAPE_NXLOG,		/* NXLog im_msvistalog to_json() */
	EVENT_SHAPE_WINLOGBEAT,		/* winlog.* (raw) */
	EVENT_SHAPE_ECS,		/* winlog.* after the sysmon module */
	EVENT_SHAPE_SPLUNK_FLAT,	/* flat EventCode/Computer JSON */
	EVENT_SHAPE_XML,		/* XmlWinEventLog */
	EVENT_SHAPE_NSHAPES
};

struct event_str {
	const char	*ptr;		/* not NUL-terminated */
	uint32_t	 len;		/* > 0 when the field is set */
};

struct event {
	uint64_t	 set[EVENT_MAX_FIELDS / 64];	/* bit per set field */
	struct event_str val[EVENT_MAX_FIELDS];	/* valid where set */
	int64_t		 time_ms;	/* _time in ms since the epoch */
	enum event_shape shape;		/* what the decoder saw */
	char		*arena;		/* copies of unescaped values */
	size_t		 arena_len;	/* bytes used */
	size_t		 arena_cap;	/* bytes allocated */
};

/*
 * Field registry.  event_fields_init() registers the builtin names above;
 * it is idempotent.  event_field_intern() returns the id of a name,
 * registering it if new (load time only: not thread-safe), or -1 when the
 * registry is full.  event_field_lookup() only looks up, and returns -1 for
 * an unknown name; it is safe to call from any thread once loading is done.
 */
void		 event_fields_init(void);
int		 event_field_intern(const char *name, size_t len);
int		 event_field_lookup(const char *name, size_t len);
const char	*event_field_name(int id);
int		 event_field_count(void);

/* Lifecycle: the arena holds at most arena_cap bytes of copied values. */
void		 event_init(struct event *ev, size_t arena_cap);
void		 event_clear(struct event *ev);
void		 event_reset(struct event *ev);

/*
 * event_set() copies the value into the arena; event_set_ref() stores the
 * pointer, which must stay valid until event_reset().  A zero length unsets
 * the field.  Both return 0, or -1 when the arena is full or id is invalid.
 * event_alloc() returns len bytes of arena, or NULL when it is full.
 */
int		 event_set(struct event *ev, int id, const char *v, size_t len);
char		*event_alloc(struct event *ev, size_t len);
void		 event_unset(struct event *ev, int id);

/* Inline: the decoders call it for every field they store. */
static inline int
event_set_ref(struct event *ev, int id, const char *v, size_t len)
{
	unsigned	 u = (unsigned)id;	/* no sign extensions */

	if (u >= EVENT_MAX_FIELDS || len > UINT32_MAX)
		return -1;
	if (len == 0) {
		ev->set[u >> 6] &= ~((uint64_t)1 << (u & 63));
		return 0;
	}
	ev->val[u].ptr = v;
	ev->val[u].len = (uint32_t)len;
	ev->set[u >> 6] |= (uint64_t)1 << (u & 63);
	return 0;
}

/*
 * Gives back the unused tail of the last event_alloc(): p is what it
 * returned and used the bytes kept.
 */
void		 event_trim(struct event *ev, const char *p, size_t used);

static inline bool
event_has(const struct event *ev, int id)
{
	return (ev->set[(unsigned)id >> 6] >> ((unsigned)id & 63)) & 1;
}

/* Returns true and the value when the field is set. */
static inline bool
event_get(const struct event *ev, int id, const char **v, size_t *len)
{
	if (!event_has(ev, id))
		return false;
	*v = ev->val[id].ptr;
	*len = ev->val[id].len;
	return true;
}

/* True when the field is set and equals s (case-sensitive). */
bool		 event_eq(const struct event *ev, int id, const char *s);

/*
 * Derives source, sourcetype and _time from the decoded fields; the CIM
 * fields come from the mapping (cim_addon_apply()).  header_ms is the
 * syslog header's time (0 if none) and now_ms the arrival time; they are
 * used for _time only when the payload has no time of its own.  Returns
 * 0, or -1 when the arena is full.
 */
int		 event_normalise(struct event *ev, int64_t header_ms,
		    int64_t now_ms);

/* Which of the event's own times _time is first (time_source, SPEC 9). */
enum event_time_source {
	EVENT_TIME_UTCTIME = 0,		/* UtcTime, then SystemTime, then
					   @timestamp (SPEC 2): default */
	EVENT_TIME_TIMECREATED		/* SystemTime (TimeCreated), then
					   @timestamp, then UtcTime:
					   Splunk's XmlWinEventLog _time */
};

/* event_normalise(), with _time chosen as ts says. */
int		 event_normalise_from(struct event *ev,
		    enum event_time_source ts, int64_t header_ms,
		    int64_t now_ms);

/* Parses "YYYY-MM-DD HH:MM:SS.mmm" or ISO 8601 (UTC, Z or offset) to ms. */
int		 event_parse_time(const char *s, size_t len, int64_t *ms);

const char	*event_shape_name(enum event_shape shape);


#endif /* HECSENTRY_EVENT_H */
