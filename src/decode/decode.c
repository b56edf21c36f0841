/*
 * Payload dispatch and the naming rules that both JSON decoders share:
 * which dotted key path becomes which Sysmon field (the one mapping table
 * of SPEC 2 "Payload shapes"), which of two candidates for the same field
 * wins, and which shape a document is.  The scanning itself lives in
 * decode_json.c (fast), decode_json_ref.c (json-c) and decode_xml.c.
 * Pure: no I/O, no allocation (a fixed per-thread memo of resolved
 * paths saves the hot path from resolving the same keys again).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode/decode.h"
#include "xmalloc.h"

/* Bits of decode_jctx.seen: keys the shape rules look at. */
#define DECODE_SEEN_WINLOG	0x01	/* "winlog" or "winlog.*" */
#define DECODE_SEEN_EVENTID	0x02	/* NXLog "EventID" */
#define DECODE_SEEN_NXSOURCE	0x04	/* "SourceName"/"SourceModuleType" */
#define DECODE_SEEN_EVENTCODE	0x08	/* Splunk "EventCode" */
#define DECODE_SEEN_ECS		0x10	/* an ECS name carried a value */

/* Priority of an alias: lower classes win over higher ones. */
enum decode_map_class {
	DECODE_MAP_ALIAS = 1,		/* Winlogbeat winlog.*, NXLog names */
	DECODE_MAP_ECS			/* Winlogbeat sysmon module (ECS) */
};

struct decode_map {
	const char		*path;	/* dotted key path in the document */
	size_t			 len;	/* strlen(path) */
	int			 id;	/* the field it becomes, or -1 */
	int			 sys;	/* DECODE_SYS_* it (also) becomes,
					   or -1 */
	enum decode_map_class	 class;	/* priority and shape hint */
	int			 direction; /* value is network.direction */
};

/*
 * The one mapping table.  A field set under its own name (raw Sysmon
 * EventData, bare keys of winlog.event_data or EventData, the <System>
 * names that NXLog and flat JSON write as Splunk names them: Channel,
 * EventID, ProcessID, ThreadID, UserID, Version, Task, Keywords, Level,
 * EventRecordID, ...) always wins; among aliases of one field, the first
 * row present wins.  The <System> fields of SPEC 9 (DECODE_SYS_*) come
 * from these keys (hecsentry(8) repeats the table; XML: decode_xml.c):
 *
 *  field         XML                      Winlogbeat (winlog.)  NXLog
 *  EventCode     EventID                  event_id              EventID
 *  EventID       EventID                  event_id              EventID
 *  Computer      Computer                 computer_name         Hostname
 *  Channel       Channel                  channel               Channel
 *  SourceName    Provider/@Name           provider_name         SourceName
 *  Name          Provider/@Name           provider_name         SourceName
 *  Guid          Provider/@Guid           provider_guid         ProviderGuid
 *  EventRecordID EventRecordID            record_id             RecordNumber
 *  Version       Version                  version               Version
 *  Task          Task                     task (a name)         Task
 *  Opcode        Opcode                   opcode (a name)       Opcode (a
 *                                                               name), else
 *                                                               OpcodeValue
 *  Level         Level                    -                     -
 *  Keywords      Keywords (hexadecimal)   - (names, an array)   Keywords
 *  ProcessID     Execution/@ProcessID     process.pid           ProcessID
 *  ThreadID      Execution/@ThreadID      process.thread.id     ThreadID
 *  UserID        Security/@UserID         user.identifier       UserID
 *  TimeCreated   TimeCreated/@SystemTime  -                     -
 *
 * Winlogbeat's ECS form has the same winlog.* keys.  Flat Splunk-style
 * JSON carries the Splunk names themselves.  Winlogbeat renders task and
 * opcode as names ("Info") and NXLog's Keywords is decimal: those values
 * differ between shapes, as they do between the shippers.
 */
#define DECODE_ALIAS(p, id) \
	{ p, sizeof(p) - 1, id, -1, DECODE_MAP_ALIAS, 0 }
#define DECODE_SYS(p, id, s) \
	{ p, sizeof(p) - 1, id, s, DECODE_MAP_ALIAS, 0 }
#define DECODE_ECS(p, id) \
	{ p, sizeof(p) - 1, id, -1, DECODE_MAP_ECS, 0 }
#define DECODE_ECS_DIR(p, id) \
	{ p, sizeof(p) - 1, id, -1, DECODE_MAP_ECS, 1 }
#define DECODE_ECS_SYS(p, s) \
	{ p, sizeof(p) - 1, -1, s, DECODE_MAP_ECS, 0 }

static const struct decode_map decode_map[] = {
	DECODE_SYS("winlog.event_id", EVENT_F_EVENTCODE, DECODE_SYS_EVENTID),
	DECODE_ALIAS("winlog.computer_name", EVENT_F_COMPUTER),
	DECODE_SYS("winlog.provider_name", EVENT_F_SOURCENAME,
	    DECODE_SYS_NAME),
	DECODE_ALIAS("winlog.channel", EVENT_F_CHANNEL),
	DECODE_SYS("winlog.provider_guid", -1, DECODE_SYS_GUID),
	DECODE_SYS("winlog.record_id", -1, DECODE_SYS_RECORDID),
	DECODE_SYS("winlog.version", -1, DECODE_SYS_VERSION),
	DECODE_SYS("winlog.task", -1, DECODE_SYS_TASK),
	DECODE_SYS("winlog.opcode", -1, DECODE_SYS_OPCODE),
	DECODE_SYS("winlog.process.pid", -1, DECODE_SYS_PROCESSID),
	DECODE_SYS("winlog.process.thread.id", -1, DECODE_SYS_THREADID),
	DECODE_SYS("winlog.user.identifier", -1, DECODE_SYS_USERID),
	DECODE_ALIAS("EventID", EVENT_F_EVENTCODE),
	DECODE_ALIAS("Hostname", EVENT_F_COMPUTER),
	DECODE_SYS("SourceName", -1, DECODE_SYS_NAME),
	DECODE_SYS("ProviderGuid", -1, DECODE_SYS_GUID),
	DECODE_SYS("RecordNumber", -1, DECODE_SYS_RECORDID),
	DECODE_SYS("OpcodeValue", -1, DECODE_SYS_OPCODE),
	DECODE_ECS("process.executable", EVENT_F_IMAGE),
	DECODE_ECS("process.entity_id", EVENT_F_PROCESSGUID),
	DECODE_ECS("process.pid", EVENT_F_PROCESSID),
	DECODE_ECS("destination.ip", EVENT_F_DESTINATIONIP),
	DECODE_ECS("destination.port", EVENT_F_DESTINATIONPORT),
	DECODE_ECS("destination.domain", EVENT_F_DESTINATIONHOSTNAME),
	DECODE_ECS("source.ip", EVENT_F_SOURCEIP),
	DECODE_ECS("source.port", EVENT_F_SOURCEPORT),
	DECODE_ECS("source.domain", EVENT_F_SOURCEHOSTNAME),
	DECODE_ECS("network.transport", EVENT_F_PROTOCOL),
	DECODE_ECS("network.protocol", EVENT_F_DESTINATIONPORTNAME),
	DECODE_ECS_DIR("network.direction", EVENT_F_INITIATED),
	DECODE_ECS("user.domain", EVENT_F_USER_DOMAIN),
	DECODE_ECS("user.name", EVENT_F_USER_NAME),
	DECODE_ECS_SYS("process.command_line", DECODE_SYS_COMMANDLINE),
	DECODE_ECS_SYS("process.parent.executable", DECODE_SYS_PARENTIMAGE),
	DECODE_ECS_SYS("process.parent.pid", DECODE_SYS_PARENTPROCESSID),
	DECODE_ECS_SYS("dns.question.name", DECODE_SYS_QUERYNAME),
};
#define DECODE_NMAP	(int)(sizeof(decode_map) / sizeof(decode_map[0]))

_Static_assert(sizeof(decode_map) / sizeof(decode_map[0]) <= DECODE_MAP_MAX,
    "decode_map larger than DECODE_MAP_MAX");
_Static_assert(DECODE_MAP_MAX <= 64, "decode_jctx.set too narrow");

static const char *decode_error_names[DECODE_NERRORS] = {
	"ok", "empty", "not_document", "json_syntax", "json_depth",
	"xml_syntax", "xml_limit", "too_large", "shape"
};

const char *
decode_error_name(enum decode_error err)
{
	if ((unsigned)err >= DECODE_NERRORS)
		return "unknown";
	return decode_error_names[err];
}

static const char *const decode_sys_names[DECODE_SYS_N] = {
	"Name", "Guid", "EventID", "Version", "Level", "Task", "Opcode",
	"Keywords", "EventRecordID", "TimeCreated", "ProcessID", "ThreadID",
	"UserID", "CommandLine", "ParentImage", "ParentProcessId", "QueryName"
};

const char *
decode_sys_name(enum decode_sys f)
{
	if ((unsigned)f >= DECODE_SYS_N)
		return NULL;
	return decode_sys_names[f];
}

void
decode_sys_refresh(struct decode_ctx *dc)
{
	int	 i;

	dc->sys_nfields = event_field_count();
	for (i = 0; i < DECODE_SYS_N; i++)
		dc->sys_id[i] = decode_want_id(dc->want,
		    event_field_lookup(decode_sys_names[i],
		    strlen(decode_sys_names[i])));
}

const char *
decode_reason(const struct decode_ctx *dc)
{
	return dc->reason;
}

enum decode_error
decode_payload(struct decode_ctx *dc, const char *buf, size_t len,
    const struct decode_limits *lim, struct event *ev)
{
	enum decode_error	 err;
	size_t			 i;

	dc->reason[0] = '\0';
	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n')
			break;
	if (i == len)
		err = DECODE_ERR_EMPTY;
	else if (buf[i] == '{')
		err = decode_json(dc, buf + i, len - i, lim, ev);
	else if (buf[i] == '<')
		err = decode_xml(dc, buf + i, len - i, lim, ev);
	else
		err = DECODE_ERR_NOT_DOCUMENT;
	if (err != DECODE_OK && dc->reason[0] == '\0')
		(void)snprintf(dc->reason, sizeof(dc->reason), "%s",
		    decode_error_name(err));
	return err;
}

static bool
decode_path_eq(const char *path, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(path, s, len) == 0;
}

static bool
decode_path_prefix(const char *path, size_t len, const char *s)
{
	size_t	 n = strlen(s);

	return len > n && memcmp(path, s, n) == 0;
}

/* Whether path, or path plus a dot, starts the dotted path s. */
static bool
decode_path_under(const char *path, size_t len, const char *s)
{
	size_t	 n = strlen(s);

	if (len <= n)
		return memcmp(path, s, len) == 0 &&
		    (len == n || s[len] == '.');
	return memcmp(path, s, n) == 0 && path[n] == '.';
}

/*
 * Whether mapping-table row i gives a field that is registered: its own
 * id, or a <System> field (sys: the context's DECODE_SYS_* ids) that a
 * reader interned.  A row that gives nothing is not matched, so that its
 * value is neither walked to nor kept.
 */
static bool
decode_map_live(int i, const int *sys)
{
	return decode_map[i].id != -1 ||
	    (decode_map[i].sys != -1 && sys[decode_map[i].sys] != -1);
}

/*
 * Whether a key below the object at path (path "." key ...) can resolve
 * to anything.  The shape-rule bits need little care: the only one a
 * dotted path sets is "winlog.*", which the object's own key already set
 * unless it is "winlog." itself, walked for that reason.  The top
 * level's empty key is walked as the top level itself, and inside
 * (or on the way to) winlog.event_data and EventData every bare key
 * counts; elsewhere a mapping-table path or a registered, wanted name
 * must start with path and a dot.  Depends on the registry and the
 * wanted set: the memo is emptied when either changes.
 */
static int
decode_resolve_sub(const char *path, size_t len, const int *sys,
    const uint64_t *want)
{
	const char	*name;
	int		 i, count;

	if (len == 0 || decode_path_eq(path, len, "winlog.") ||
	    decode_path_under(path, len, "winlog.event_data") ||
	    decode_path_under(path, len, "EventData"))
		return 1;
	for (i = 0; i < DECODE_NMAP; i++)
		if (decode_map[i].len > len && decode_map[i].path[len] ==
		    '.' && memcmp(decode_map[i].path, path, len) == 0 &&
		    decode_map_live(i, sys))
			return 1;
	count = event_field_count();
	for (i = 0; i < count; i++) {
		if (decode_want_id(want, i) == -1 ||
		    (name = event_field_name(i)) == NULL)
			continue;
		if (strlen(name) > len && name[len] == '.' &&
		    memcmp(name, path, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * What a dotted path resolves to: the name, whether keys below it can
 * name anything, and the shape-rule bit (SPEC 2).  Inside
 * winlog.event_data and a nested EventData object the bare key names the
 * field; elsewhere the mapping table first, then the registry under the
 * path itself.
 */
static void
decode_resolve_path(const char *path, size_t len, const int *sys,
    const uint64_t *want, struct decode_jname *n, unsigned *seen)
{
	int	 i;

	*seen = 0;
	n->sub = decode_resolve_sub(path, len, sys, want);
	if (decode_path_eq(path, len, "winlog") ||
	    decode_path_prefix(path, len, "winlog."))
		*seen = DECODE_SEEN_WINLOG;
	else if (decode_path_eq(path, len, "EventID"))
		*seen = DECODE_SEEN_EVENTID;
	else if (decode_path_eq(path, len, "EventCode"))
		*seen = DECODE_SEEN_EVENTCODE;
	else if (decode_path_eq(path, len, "SourceName") ||
	    decode_path_eq(path, len, "SourceModuleType"))
		*seen = DECODE_SEEN_NXSOURCE;

	if (decode_path_prefix(path, len, "winlog.event_data.")) {
		n->id = decode_want_id(want,
		    event_field_lookup(path + 18, len - 18));
		return;
	}
	if (decode_path_prefix(path, len, "EventData.")) {
		n->id = decode_want_id(want,
		    event_field_lookup(path + 10, len - 10));
		return;
	}
	for (i = 0; i < DECODE_NMAP; i++)
		if (decode_map[i].len == len &&
		    memcmp(path, decode_map[i].path, len) == 0) {
			if (decode_map_live(i, sys))
				n->map = i;
			break;
		}
	n->id = decode_want_id(want, event_field_lookup(path, len));
	if (n->map != -1 && n->id == decode_map[n->map].id)
		n->id = -1;
}

/*
 * This thread's memo of resolved paths, so that a key costs one hash and
 * one compare: the same few hundred paths recur in every event.  It is
 * emptied when the field registry grew (a reload interned new names; the
 * context's <System> ids are looked up again at the same time), when the
 * wanted set changed (decode_ctx_want()) and when
 * it is three quarters full (keys an attacker invents cannot slow the
 * known ones down for long).  Paths longer than a slot are resolved
 * every time.
 */
#define DECODE_MEMO_SLOTS	512	/* power of two */
#define DECODE_MEMO_KEYMAX	46	/* longest path memoised */
#define DECODE_MEMO_PROBES	8	/* slots tried per lookup */
#define DECODE_MEMO_SUB		0x80	/* in seen: decode_jname.sub */

struct decode_memo_slot {
	uint32_t	 hash;		/* of the path */
	int16_t		 id;		/* decode_jname.id */
	int8_t		 map;		/* decode_jname.map */
	uint8_t		 seen;		/* DECODE_SEEN_*, DECODE_MEMO_SUB */
	uint8_t		 len;		/* path length, 0: free */
	char		 key[DECODE_MEMO_KEYMAX];	/* the path */
};

struct decode_memo {
	struct decode_memo_slot slot[DECODE_MEMO_SLOTS]; /* the memo */
	int		 nfields;	/* registry size it is for */
	unsigned	 used;		/* slots taken */
};

_Static_assert(EVENT_MAX_FIELDS <= INT16_MAX && DECODE_MAP_MAX <= INT8_MAX,
    "decode_memo_slot fields too narrow");

/* A hash of the path, eight bytes at a time (not keyed: see above). */
static uint32_t
decode_memo_hash(const char *s, size_t len)
{
	uint64_t	 h = len, w;
	size_t		 i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, s + i, len - i);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/*
 * Resolves the dotted path of one key (SPEC 2) and notes the keys the
 * shape rules look at.  Every key of every object not inside an array
 * must be resolved, whatever its value.
 */
void
decode_jctx_resolve(struct decode_jctx *c, const char *path, size_t len,
    struct decode_jname *n)
{
	struct decode_memo_slot	*m;
	uint32_t		 h, i, k;
	unsigned		 seen;

	n->id = n->map = -1;
	n->sub = 0;
	n->seen = 0;
	if (len > DECODE_PATH_MAX)
		return;
	if (len == 0 || len > DECODE_MEMO_KEYMAX) {
		decode_resolve_path(path, len, c->sys, c->want, n, &seen);
		n->seen = seen;
		c->seen |= seen;
		return;
	}
	if (c->memo->nfields != c->nfields ||
	    c->memo->used >= DECODE_MEMO_SLOTS / 4 * 3) {
		memset(c->memo->slot, 0, sizeof(c->memo->slot));
		c->memo->used = 0;
		c->memo->nfields = c->nfields;
	}
	h = decode_memo_hash(path, len);
	for (k = 0; k < DECODE_MEMO_PROBES; k++) {
		i = (h + k) & (DECODE_MEMO_SLOTS - 1);
		m = &c->memo->slot[i];
		if (m->len == 0)
			break;
		if (m->hash == h && m->len == len &&
		    memcmp(m->key, path, len) == 0) {
			n->id = m->id;
			n->map = m->map;
			n->sub = (m->seen & DECODE_MEMO_SUB) != 0;
			n->seen = m->seen & ~DECODE_MEMO_SUB;
			c->seen |= n->seen;
			return;
		}
	}
	decode_resolve_path(path, len, c->sys, c->want, n, &seen);
	n->seen = seen;
	c->seen |= seen;
	if (k == DECODE_MEMO_PROBES)
		return;
	m->hash = h;
	m->id = (int16_t)n->id;
	m->map = (int8_t)n->map;
	m->seen = (uint8_t)(seen | (n->sub ? DECODE_MEMO_SUB : 0));
	m->len = (uint8_t)len;
	memcpy(m->key, path, len);
	c->memo->used++;
}

bool
decode_jname_wanted(const struct decode_jname *n)
{
	return n->id != -1 || n->map != -1;
}

/*
 * Stores the value of a resolved key.  v must stay valid until the event
 * is reset (the input buffer, the arena or a static string); len 0 means
 * absent (null, "", or an object or array where a value was expected) and
 * undoes an earlier duplicate key.  Returns 0, or -1 when id is invalid.
 */
int
decode_jctx_store(struct decode_jctx *c, const struct decode_jname *n,
    const char *v, size_t len)
{
	const struct decode_map	*m;

	if (n->id != -1 && event_set_ref(c->ev, n->id, v, len) == -1)
		return -1;
	if (n->map == -1)
		return 0;
	m = &decode_map[n->map];
	if (m->direction && len > 0) {
		if ((len == 6 && strncasecmp(v, "egress", 6) == 0) ||
		    (len == 8 && strncasecmp(v, "outbound", 8) == 0))
			v = "true";
		else if ((len == 7 && strncasecmp(v, "ingress", 7) == 0) ||
		    (len == 7 && strncasecmp(v, "inbound", 7) == 0))
			v = "false";
		else
			v = "";
		len = strlen(v);
	}
	if (len > UINT32_MAX)
		return -1;
	c->slot[n->map].ptr = v;
	c->slot[n->map].len = (uint32_t)len;
	if (len > 0)
		c->set |= (uint64_t)1 << n->map;
	else
		c->set &= ~((uint64_t)1 << n->map);
	if (m->class == DECODE_MAP_ECS && len > 0)
		c->seen |= DECODE_SEEN_ECS;
	return 0;
}

/*
 * Applies the aliases that no direct field overrides, then decides the
 * shape (SPEC 2): winlog present is Winlogbeat, or ECS when an ECS name
 * was used; EventCode is flat Splunk JSON (which may carry EventID and
 * SourceName too, as Splunk extracts them; NXLog never writes
 * EventCode), and gets EventID from EventCode when it lacks one; EventID with SourceName or SourceModuleType is NXLog.  Returns DECODE_OK or DECODE_ERR_SHAPE.
 */
enum decode_error
decode_jctx_finish(struct decode_jctx *c)
{
	struct event	*ev = c->ev;
	uint64_t	 set;
	int		 i, id;

	for (set = c->set; set != 0; set &= set - 1) {
		i = __builtin_ctzll(set);
		if ((id = decode_map[i].id) != -1 && !event_has(ev, id))
			(void)event_set_ref(ev, id, c->slot[i].ptr,
			    c->slot[i].len);
		if (decode_map[i].sys != -1 &&
		    (id = c->sys[decode_map[i].sys]) != -1 &&
		    !event_has(ev, id))
			(void)event_set_ref(ev, id, c->slot[i].ptr,
			    c->slot[i].len);
	}
	if (c->seen & DECODE_SEEN_WINLOG)
		ev->shape = (c->seen & DECODE_SEEN_ECS) ? EVENT_SHAPE_ECS :
		    EVENT_SHAPE_WINLOGBEAT;
	else if (c->seen & DECODE_SEEN_EVENTCODE) {
		ev->shape = EVENT_SHAPE_SPLUNK_FLAT;
		/* Splunk has both: EventCode is the alias of EventID. */
		if ((id = c->sys[DECODE_SYS_EVENTID]) != -1 &&
		    !event_has(ev, id) && event_has(ev, EVENT_F_EVENTCODE))
			(void)event_set_ref(ev, id,
			    ev->val[EVENT_F_EVENTCODE].ptr,
			    ev->val[EVENT_F_EVENTCODE].len);
	} else if ((c->seen & DECODE_SEEN_EVENTID) &&
	    (c->seen & DECODE_SEEN_NXSOURCE))
		ev->shape = EVENT_SHAPE_NXLOG;
	else
		return DECODE_ERR_SHAPE;
	return DECODE_OK;
}

/* The builtin ids, always stored: all in the first word of a set. */
_Static_assert(EVENT_F_NBUILTIN < 64, "builtin ids beyond want[0]");
#define DECODE_WANT_BUILTIN	(((uint64_t)1 << EVENT_F_NBUILTIN) - 1)

void
decode_ctx_want(struct decode_ctx *dc, const uint64_t *want)
{
	if (want == NULL) {
		if (dc->want == NULL)
			return;
		dc->want = NULL;
	} else {
		if (dc->want != NULL &&
		    dc->want_set[0] == (want[0] | DECODE_WANT_BUILTIN) &&
		    memcmp(dc->want_set + 1, want + 1,
		    sizeof(dc->want_set) - sizeof(dc->want_set[0])) == 0)
			return;
		memcpy(dc->want_set, want, sizeof(dc->want_set));
		dc->want_set[0] |= DECODE_WANT_BUILTIN;
		dc->want = dc->want_set;
	}
	/* Ids resolved under the old set: the <System> ids, the memo of */
	/* paths and the JSON predictions. */
	dc->sys_nfields = -1;
	dc->memo->nfields = -1;
	decode_json_preds_reset(dc->preds);
}

struct decode_ctx *
decode_ctx_new(void)
{
	struct decode_ctx	*dc;

	dc = xcalloc(1, sizeof(*dc));
	dc->memo = xcalloc(1, sizeof(*dc->memo));
	dc->preds = decode_json_preds_new();
	dc->sys_nfields = -1;
	return dc;
}

void
decode_ctx_free(struct decode_ctx *dc)
{
	if (dc == NULL)
		return;
	decode_xml_clear(dc);
	decode_json_preds_free(dc->preds);
	free(dc->memo);
	free(dc);
}
