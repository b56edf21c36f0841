/*
 * Payload decoders: one payload shape each becomes fields of a struct
 * event (SPEC 2).  The shape is detected per message, never configured.
 * Pure: no I/O.  Values are unescaped (JSON escapes, XML entities) into
 * the event's arena.  Only fields registered in the event field registry
 * and wanted (decode_ctx_want()) are stored; everything else is skipped,
 * but still validated.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_DECODE_H
#define HECSENTRY_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"

/* Why a payload was refused; DECODE_OK is 0. */
enum decode_error {
	DECODE_OK = 0,
	DECODE_ERR_EMPTY,		/* nothing after the header */
	DECODE_ERR_NOT_DOCUMENT,	/* neither JSON nor XML */
	DECODE_ERR_JSON_SYNTAX,		/* malformed JSON */
	DECODE_ERR_JSON_DEPTH,		/* nesting deeper than the limit */
	DECODE_ERR_XML_SYNTAX,		/* malformed XML */
	DECODE_ERR_XML_LIMIT,		/* XML too deep or an entity refused */
	DECODE_ERR_TOO_LARGE,		/* values do not fit in the arena */
	DECODE_ERR_SHAPE,		/* a document, but no known shape */
	DECODE_NERRORS
};

struct decode_limits {
	int		 max_depth;	/* JSON/XML nesting depth */
	int		 max_xml_depth;	/* XML elements; 0: max_depth */
	size_t		 max_xml_bytes;	/* XML payload; 0: no limit */
	bool		 xml_raw;	/* xml_values = raw: element text
					   as written, references kept */
};

/*
 * What the decoders keep from one payload to the next: the memo of
 * resolved key paths, the JSON key predictions, the XML parser.  One per
 * thread that decodes; the pipeline owns it.  Caches only: a payload
 * decodes to the same fields with a new context.
 */
struct decode_ctx;

/* Returns a new, empty context (caller frees with decode_ctx_free()). */
struct decode_ctx *decode_ctx_new(void);
void		 decode_ctx_free(struct decode_ctx *dc);

/*
 * Decodes a JSON or XML payload into ev (which the caller has reset) and
 * sets ev->shape.  Dispatches on the first non-blank byte.  dc is used
 * by this thread alone while the call runs.  Returns DECODE_OK or the
 * reason the payload was refused.
 */
enum decode_error decode_payload(struct decode_ctx *dc, const char *buf,
		    size_t len, const struct decode_limits *lim,
		    struct event *ev);

/* The fast single-pass JSON extractor (the hot path). */
enum decode_error decode_json(struct decode_ctx *dc, const char *buf,
		    size_t len, const struct decode_limits *lim,
		    struct event *ev);

/*
 * Whether decode_json() takes its AVX2 copy: set once before main() from
 * what the CPU has; only test hooks (tests/lib/hooks.c) clear it, to run
 * the portable copy on the same inputs.
 */
extern bool	 decode_json_avx2;

/*
 * XmlWinEventLog: decode_xml_scan() first, expat where it gives up
 * (decode_xml.c).
 */
enum decode_error decode_xml(struct decode_ctx *dc, const char *buf,
		    size_t len, const struct decode_limits *lim,
		    struct event *ev);

/*
 * The strict scanner for the subset of XML Windows writes
 * (decode_xml_scan.c): true when it decoded the document into ev, with
 * the fields and values the expat path gives (DECODE_OK, shape set);
 * false ("not mine": outside the subset, or anything expat would refuse)
 * leaves ev as it was, for expat.
 */
bool		 decode_xml_scan(struct decode_ctx *dc, const char *buf,
		    size_t len, const struct decode_limits *lim,
		    struct event *ev);

/*
 * The <System> children both XML decoders read (the table at the top of
 * decode_xml.c, SPEC 9): a child's text goes into fields text[0] and
 * text[1], or its attribute attr[k] into fields to[k][0] and to[k][1].  A
 * field is an EVENT_F_* id (fixed) or the DECODE_SYS_* entry sys of the
 * context's ids; -1 in both: none.
 */
struct decode_xml_ref {
	int		 fixed;
	int		 sys;
};
struct decode_xml_sysel {
	const char		*name;
	struct decode_xml_ref	 text[2];
	const char		*attr[2];	/* NULL: none */
	struct decode_xml_ref	 to[2][2];
};
/* The <System> child named name[len], or NULL. */
const struct decode_xml_sysel *decode_xml_sysel(const char *name,
		    size_t len);
/* r's field id given the context's DECODE_SYS_* ids, or -1. */
static inline int
decode_xml_ref_id(struct decode_xml_ref r, const int *sys)
{
	return r.fixed != -1 ? r.fixed : r.sys != -1 ? sys[r.sys] : -1;
}

/*
 * Whether decode_xml() tries decode_xml_scan() first: true; only test
 * hooks (tests/lib/hooks_decode.c) clear it, to run expat alone on the
 * same inputs.
 */
extern bool	 decode_xml_fast;

/* A short name for a reason, used as a metrics label ("json_syntax"). */
const char	*decode_error_name(enum decode_error err);

/*
 * Shared by the two JSON decoders (decode_json.c and the reference one
 * of the tests, tests/lib/decode_json_ref.c), so that they name fields
 * the same way: not for other modules.  A key's dotted path (at most DECODE_PATH_MAX
 * bytes; longer paths match nothing) resolves to a registry id stored
 * directly and/or an alias of the mapping table, stored at the end only
 * when no direct field with the same target exists (SPEC 2: the raw
 * Sysmon field wins over Winlogbeat/NXLog aliases and ECS names).
 */
#define DECODE_PATH_MAX		256
#define DECODE_MAP_MAX		64

struct decode_jname {
	int		 id;		/* registry id stored as is, or -1 */
	int		 map;		/* mapping table index, or -1 */
	int		 sub;		/* 1: keys below the path may name
					   a field, 0: none can */
	unsigned	 seen;		/* shape-rule bits the path sets */
};

struct decode_memo;			/* decode.c's memo of paths */
struct decode_preds;			/* decode_json.c's predictions */
struct XML_ParserStruct;		/* expat's XML_Parser */

/*
 * The Windows <System> fields that are not builtin ids (SPEC 9 "Fields of
 * raw sysmon searches"): stored only when registered, so their ids are
 * looked up, once per context and again when the registry grows.
 */
enum decode_sys {
	DECODE_SYS_NAME = 0,		/* Name: Provider/@Name */
	DECODE_SYS_GUID,		/* Guid: Provider/@Guid */
	DECODE_SYS_EVENTID,		/* EventID */
	DECODE_SYS_VERSION,		/* Version */
	DECODE_SYS_LEVEL,		/* Level */
	DECODE_SYS_TASK,		/* Task */
	DECODE_SYS_OPCODE,		/* Opcode */
	DECODE_SYS_KEYWORDS,		/* Keywords */
	DECODE_SYS_RECORDID,		/* EventRecordID */
	DECODE_SYS_TIMECREATED,		/* TimeCreated: @SystemTime */
	DECODE_SYS_PROCESSID,		/* ProcessID: Execution/@ProcessID */
	DECODE_SYS_THREADID,		/* ThreadID: Execution/@ThreadID */
	DECODE_SYS_USERID,		/* UserID: Security/@UserID */
	/* EventData names that only ECS renames reach this way. */
	DECODE_SYS_COMMANDLINE,		/* CommandLine */
	DECODE_SYS_PARENTIMAGE,		/* ParentImage */
	DECODE_SYS_PARENTPROCESSID,	/* ParentProcessId */
	DECODE_SYS_QUERYNAME,		/* QueryName */
	DECODE_SYS_N
};

#define DECODE_REASON_MAX	128

struct decode_ctx {
	struct decode_memo *memo;	/* resolved paths */
	struct decode_preds *preds;	/* JSON keys seen before */
	struct XML_ParserStruct *xml;	/* reused, or NULL till needed */
	struct XML_ParserStruct *xml_ns; /* the same with namespaces */
	unsigned long	 xml_salt;	/* its hash salt; 0: expat's own */
	uint64_t	 xml_fallback;	/* documents decode_xml_scan() gave
					   to expat */
	int		 sys_nfields;	/* event_field_count() of sys_id */
	int		 sys_id[DECODE_SYS_N];	/* registry ids, or -1 */
	const uint64_t	*want;		/* want_set, or NULL: every
					   registered field */
	uint64_t	 want_set[EVENT_MAX_FIELDS / 64]; /* decode_ctx_want() */
	char		 reason[DECODE_REASON_MAX]; /* last refusal, or "" */
};

/*
 * The fields dc's decoders store from now on: want is a bit set of
 * EVENT_MAX_FIELDS field ids (copied), the fields some reader of the
 * events reads (detection_set.want); the builtin ids (EVENT_F_*) are
 * always stored, as normalising reads them.  NULL (the default of a new
 * context) stores every registered field.  A field not stored is only
 * validated.  Cheap when the set is the same as the last call's (one
 * compare of 64 bytes), so the pipeline calls it for every frame; a
 * change empties the context's caches.
 */
void		 decode_ctx_want(struct decode_ctx *dc, const uint64_t *want);

/* id when want (NULL: every field) holds it, else -1; -1 stays -1. */
static inline int
decode_want_id(const uint64_t *want, int id)
{
	if (id < 0 || want == NULL ||
	    ((want[(unsigned)id >> 6] >> ((unsigned)id & 63)) & 1))
		return id;
	return -1;
}

/* The name of a DECODE_SYS_* field ("EventRecordID"). */
const char	*decode_sys_name(enum decode_sys f);

/* Looks dc->sys_id up again (decode.c); decode_sys_ids() calls it. */
void		 decode_sys_refresh(struct decode_ctx *dc);

/* dc's ids of the DECODE_SYS_* fields, current with the registry. */
static inline const int *
decode_sys_ids(struct decode_ctx *dc)
{
	if (dc->sys_nfields != event_field_count())
		decode_sys_refresh(dc);
	return dc->sys_id;
}

/*
 * Why the last payload decode_payload() refused was refused, in words
 * for a debug line ("XML root element is not Event"), or the reason's
 * name when the decoder said nothing more.  Valid until the next call.
 */
const char	*decode_reason(const struct decode_ctx *dc);

/*
 * decode_json.c's predictions, for decode_ctx_new() and _free(); _reset()
 * forgets them (the names they resolved to changed).
 */
struct decode_preds *decode_json_preds_new(void);
void		 decode_json_preds_free(struct decode_preds *p);
void		 decode_json_preds_reset(struct decode_preds *p);

/* Frees dc's XML parsers (decode_xml.c), for decode_ctx_free(). */
void		 decode_xml_clear(struct decode_ctx *dc);

struct decode_jctx {
	struct decode_memo *memo;	/* the context's memo */
	const int	*sys;		/* the context's DECODE_SYS_* ids */
	const uint64_t	*want;		/* the context's want, or NULL */
	int		 nfields;	/* registry size sys is for */
	struct event	*ev;		/* being filled */
	unsigned	 seen;		/* DECODE_SEEN_* of the shape rules */
	uint64_t	 set;		/* bit i: slot[i] holds a value */
	struct event_str slot[DECODE_MAP_MAX];	/* alias values, where set */
};

/* Starts c for one document into ev, with dc's memo (inline: per call). */
static inline void
decode_jctx_init(struct decode_jctx *c, struct decode_ctx *dc,
    struct event *ev)
{
	c->memo = dc->memo;
	c->sys = decode_sys_ids(dc);
	c->want = dc->want;
	c->nfields = dc->sys_nfields;
	c->ev = ev;
	c->seen = 0;
	c->set = 0;
}

void		 decode_jctx_resolve(struct decode_jctx *c, const char *path,
		    size_t len, struct decode_jname *n);
bool		 decode_jname_wanted(const struct decode_jname *n);
int		 decode_jctx_store(struct decode_jctx *c,
		    const struct decode_jname *n, const char *v, size_t len);
enum decode_error decode_jctx_finish(struct decode_jctx *c);

#endif /* HECSENTRY_DECODE_H */
