/*
 * XmlWinEventLog (SPEC 2, 9).  The team decision "XML through expat" is
 * kept in this form: expat stays the reference parser and the fallback,
 * as json-c is for JSON; the hot path is decode_xml_scan()
 * (decode_xml_scan.c), a strict scanner of our own for the subset of XML
 * Windows writes, which gives up ("not mine") on anything outside it, so
 * that the document is decoded here by expat, unchanged, and expat's
 * errors and limits stay the ones a user sees.  dc->xml_fallback counts
 * those documents.  Everything below is the expat path, which the
 * scanner's results must equal field for field.
 *
 * expat reads the document with namespace processing:
 * an element matches by namespace URI and local name, so <Event>,
 * <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>
 * and <e:Event xmlns:e='...same URI...'> are the same document (issue
 * 14.3); an element in no namespace matches by its name, one in another
 * namespace matches nothing.
 *
 * <System> gives the fields Splunk's XmlWinEventLog extraction gives
 * (SPEC 9 "Fields of raw sysmon searches"), each only when registered:
 *
 *	Provider/@Name		SourceName, Name
 *	Provider/@Guid		Guid
 *	EventID			EventCode, EventID
 *	Version Level Task Opcode Keywords EventRecordID Channel Computer
 *				the field of the same name
 *	TimeCreated/@SystemTime	SystemTime, TimeCreated
 *	Execution/@ProcessID	ProcessID
 *	Execution/@ThreadID	ThreadID
 *	Security/@UserID	UserID
 *
 * <EventData><Data Name='X'> gives field X when X is registered and
 * wanted (decode_ctx_want()); it comes after <System>, so EventData's
 * Version (event id 4) wins over the System one.  RenderingInfo,
 * UserData and everything else are ignored.
 * expat decodes the predefined entities and character references; with
 * xml_values = raw (decode_limits.xml_raw) element text is kept as the
 * document writes it ("&amp;", "&#38;", as Splunk's XmlWinEventLog
 * extraction keeps them: SPEC 9), from expat's position of each piece in
 * the input; attribute values are always decoded.  Any DOCTYPE or entity
 * declaration is refused, so no entity expansion can grow without bound.  Each thread reuses one parser (XML_ParserReset).
 * Text is copied into the event's arena.
 *
 * expat salts its name hash tables (against hash flooding) with a fresh
 * random number each time parsing starts, which is one getrandom(2) per
 * document; each thread instead draws one salt when it starts and gives
 * it to expat after every reset, so the tables stay keyed by a secret
 * and the system call goes.  Where no salt can be drawn, expat draws its
 * own as before.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/random.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <expat.h>

#include "decode/decode.h"


/* Windows event XML's namespace, and expat's URI/local-name separator. */
static const char decode_xml_ns[] =
    "http://schemas.microsoft.com/win/2004/08/events/event";
#define DECODE_XML_NSLEN	(sizeof(decode_xml_ns) - 1)
#define DECODE_XML_SEP		'\x01'	/* never in an XML document */

bool		 decode_xml_fast = true;	/* decode_xml_scan() first
						   (tests may clear it) */

struct decode_xml {
	XML_Parser		 parser;	/* this thread's parser */
	const char		*buf;		/* the document; NULL: text
						   as expat decodes it */
	size_t			 buflen;	/* its length */
	struct event		*ev;		/* being filled */
	const int		*sys;		/* DECODE_SYS_* ids */
	const uint64_t		*want;		/* decode_ctx.want */
	int			 depth;		/* open elements */
	int			 max_depth;	/* limit on depth */
	enum decode_error	 err;		/* our reason to stop */
	bool			 plain;		/* parser without namespaces */
	bool			 need_ns;	/* plain one met a prefix */
	bool			 root;		/* root element was <Event> */
	int			 section;	/* DECODE_XML_* at depth 2 */
	int			 capture;	/* field id of text, or -1 */
	int			 capture2;	/* second field, or -1 */
	char			*text;		/* start of captured text */
	size_t			 textlen;	/* captured bytes so far */
};

#define DECODE_XML_OTHER	0
#define DECODE_XML_SYSTEM	1
#define DECODE_XML_EVENTDATA	2

static void
decode_xml_stop(struct decode_xml *x, enum decode_error err)
{
	if (x->err == DECODE_OK)
		x->err = err;
	(void)XML_StopParser(x->parser, XML_FALSE);
}

/*
 * The local name of an element, or NULL when it is in a namespace other
 * than Windows events'.  The namespace parser names it "URI<SEP>local"
 * or "local"; the plain one "local", foreign when its own xmlns says
 * so, or "prefix:local", which stops it: the namespace parser must read
 * the document again.
 */
static const char *
decode_xml_local(struct decode_xml *x, const char *name,
    const XML_Char **attr)
{
	if (!x->plain) {
		if (strncmp(name, decode_xml_ns, DECODE_XML_NSLEN) == 0 &&
		    name[DECODE_XML_NSLEN] == DECODE_XML_SEP)
			return name + DECODE_XML_NSLEN + 1;
		if (strchr(name, DECODE_XML_SEP) != NULL)
			return NULL;
		return name;
	}
	if (strchr(name, ':') != NULL) {
		x->need_ns = true;
		(void)XML_StopParser(x->parser, XML_FALSE);
		return NULL;
	}
	for (; attr[0] != NULL; attr += 2)
		if (attr[0][0] == 'x' && strcmp(attr[0], "xmlns") == 0 &&
		    attr[1][0] != '\0' && strcmp(attr[1], decode_xml_ns) != 0)
			return NULL;
	return name;
}

/* The value of attribute name in expat's (name, value, ...) list. */
static const char *
decode_xml_attr(const XML_Char **attr, const char *name)
{
	for (; attr[0] != NULL; attr += 2)
		if (strcmp(attr[0], name) == 0)
			return attr[1];
	return NULL;
}

/* Attribute name's value into fields id and id2 (either may be -1). */
static void
decode_xml_set_attr(struct decode_xml *x, int id, int id2,
    const XML_Char **attr, const char *name)
{
	const char	*v;
	char		*p;
	size_t		 len;

	if ((id == -1 && id2 == -1) ||
	    (v = decode_xml_attr(attr, name)) == NULL)
		return;
	len = strlen(v);
	if (len == 0)
		return;
	if ((p = event_alloc(x->ev, len)) == NULL) {
		decode_xml_stop(x, DECODE_ERR_TOO_LARGE);
		return;
	}
	memcpy(p, v, len);
	if (id != -1)
		(void)event_set_ref(x->ev, id, p, len);
	if (id2 != -1)
		(void)event_set_ref(x->ev, id2, p, len);
}

#define DX_NONE		{ -1, -1 }
#define DX_F(id)	{ (id), -1 }
#define DX_S(f)		{ -1, (f) }

/* The <System> children, sorted by name (decode_xml_sysel() searches). */
static const struct decode_xml_sysel decode_xml_sysels[] = {
	{ "Channel", { DX_F(EVENT_F_CHANNEL), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "Computer", { DX_F(EVENT_F_COMPUTER), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "EventID", { DX_F(EVENT_F_EVENTCODE), DX_S(DECODE_SYS_EVENTID) },
	    { NULL, NULL }, { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "EventRecordID", { DX_S(DECODE_SYS_RECORDID), DX_NONE },
	    { NULL, NULL }, { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "Execution", { DX_NONE, DX_NONE }, { "ProcessID", "ThreadID" },
	    { { DX_S(DECODE_SYS_PROCESSID), DX_NONE },
	    { DX_S(DECODE_SYS_THREADID), DX_NONE } } },
	{ "Keywords", { DX_S(DECODE_SYS_KEYWORDS), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "Level", { DX_S(DECODE_SYS_LEVEL), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "Opcode", { DX_S(DECODE_SYS_OPCODE), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "Provider", { DX_NONE, DX_NONE }, { "Name", "Guid" },
	    { { DX_F(EVENT_F_SOURCENAME), DX_S(DECODE_SYS_NAME) },
	    { DX_S(DECODE_SYS_GUID), DX_NONE } } },
	{ "Security", { DX_NONE, DX_NONE }, { "UserID", NULL },
	    { { DX_S(DECODE_SYS_USERID), DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "Task", { DX_S(DECODE_SYS_TASK), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } },
	{ "TimeCreated", { DX_NONE, DX_NONE }, { "SystemTime", NULL },
	    { { DX_F(EVENT_F_SYSTEMTIME), DX_S(DECODE_SYS_TIMECREATED) },
	    { DX_NONE, DX_NONE } } },
	{ "Version", { DX_S(DECODE_SYS_VERSION), DX_NONE }, { NULL, NULL },
	    { { DX_NONE, DX_NONE }, { DX_NONE, DX_NONE } } }
};

const struct decode_xml_sysel *
decode_xml_sysel(const char *name, size_t len)
{
	size_t	 lo = 0, hi = sizeof(decode_xml_sysels) /
		    sizeof(decode_xml_sysels[0]), mid, n;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		n = strlen(decode_xml_sysels[mid].name);
		c = memcmp(name, decode_xml_sysels[mid].name, len < n ? len : n);
		if (c == 0)
			c = len < n ? -1 : len > n ? 1 : 0;
		if (c == 0)
			return &decode_xml_sysels[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A <System> child at depth 3: its attributes, or what its text becomes. */
static void
decode_xml_system(struct decode_xml *x, const char *name,
    const XML_Char **attr)
{
	const struct decode_xml_sysel	*el;
	int				 k;

	if ((el = decode_xml_sysel(name, strlen(name))) == NULL)
		return;
	for (k = 0; k < 2 && el->attr[k] != NULL; k++)
		decode_xml_set_attr(x, decode_xml_ref_id(el->to[k][0], x->sys),
		    decode_xml_ref_id(el->to[k][1], x->sys), attr, el->attr[k]);
	x->capture = decode_xml_ref_id(el->text[0], x->sys);
	x->capture2 = decode_xml_ref_id(el->text[1], x->sys);
	if (x->capture == -1 && x->capture2 != -1) {
		x->capture = x->capture2;
		x->capture2 = -1;
	}
}

static void
decode_xml_start_cb(void *arg, const XML_Char *qname, const XML_Char **attr)
{
	struct decode_xml	*x = arg;
	const char		*name, *v;

	if (++x->depth > x->max_depth) {
		decode_xml_stop(x, DECODE_ERR_XML_LIMIT);
		return;
	}
	if (x->depth > 3 || (x->depth > 1 && !x->root))
		return;
	if ((name = decode_xml_local(x, qname, attr)) == NULL) {
		if (x->depth == 2)
			x->section = DECODE_XML_OTHER;
		else if (x->depth == 3)
			x->capture = -1;
		return;
	}
	if (x->depth == 1) {
		x->root = strcmp(name, "Event") == 0;
		return;
	}
	if (x->depth == 2) {
		if (strcmp(name, "System") == 0)
			x->section = DECODE_XML_SYSTEM;
		else if (strcmp(name, "EventData") == 0)
			x->section = DECODE_XML_EVENTDATA;
		else
			x->section = DECODE_XML_OTHER;
		return;
	}
	x->capture = -1;
	x->capture2 = -1;
	if (x->section == DECODE_XML_SYSTEM)
		decode_xml_system(x, name, attr);
	else if (x->section == DECODE_XML_EVENTDATA &&
	    strcmp(name, "Data") == 0 &&
	    (v = decode_xml_attr(attr, "Name")) != NULL)
		x->capture = decode_want_id(x->want,
		    event_field_lookup(v, strlen(v)));
	x->text = NULL;
	x->textlen = 0;
}

static void
decode_xml_end_cb(void *arg, const XML_Char *name)
{
	struct decode_xml	*x = arg;

	(void)name;
	if (x->depth-- != 3 || x->capture == -1)
		return;
	if (event_set_ref(x->ev, x->capture, x->text, x->textlen) == -1)
		decode_xml_stop(x, DECODE_ERR_TOO_LARGE);
	if (x->capture2 != -1)
		(void)event_set_ref(x->ev, x->capture2, x->text, x->textlen);
	x->capture = -1;
	x->capture2 = -1;
}

/*
 * expat may split one text node into several calls; nothing else is
 * allocated while a field is captured, so the pieces stay contiguous.
 */
static void
decode_xml_text_cb(void *arg, const XML_Char *s, int len)
{
	struct decode_xml	*x = arg;
	XML_Index		 at;
	char			*p;
	int			 n;

	if (x->capture == -1 || x->depth != 3 || len <= 0)
		return;
	if (x->buf != NULL && (n = XML_GetCurrentByteCount(x->parser)) > 0 &&
	    (at = XML_GetCurrentByteIndex(x->parser)) >= 0 &&
	    (size_t)at + (size_t)n <= x->buflen) {
		s = x->buf + at;
		len = n;
	}
	if ((p = event_alloc(x->ev, (size_t)len)) == NULL) {
		decode_xml_stop(x, DECODE_ERR_TOO_LARGE);
		return;
	}
	memcpy(p, s, (size_t)len);
	if (x->text == NULL)
		x->text = p;
	x->textlen += (size_t)len;
}

static void
decode_xml_doctype_cb(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	decode_xml_stop(arg, DECODE_ERR_XML_LIMIT);
}

static void
decode_xml_entity_cb(void *arg, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *sysid, const XML_Char *pubid, const XML_Char *notation)
{
	(void)name;
	(void)is_param;
	(void)value;
	(void)value_len;
	(void)base;
	(void)sysid;
	(void)pubid;
	(void)notation;
	decode_xml_stop(arg, DECODE_ERR_XML_LIMIT);
}

void
decode_xml_clear(struct decode_ctx *dc)
{
	if (dc->xml != NULL) {
		XML_ParserFree(dc->xml);
		dc->xml = NULL;
	}
	if (dc->xml_ns != NULL) {
		XML_ParserFree(dc->xml_ns);
		dc->xml_ns = NULL;
	}
}

/*
 * The context's parser, created or reset: with namespace processing
 * (ns) or without.  Returns NULL when expat cannot allocate.
 */
static XML_Parser
decode_xml_parser(struct decode_ctx *dc, bool ns)
{
	XML_Parser	*pp = ns ? &dc->xml_ns : &dc->xml;

	if (dc->xml == NULL && dc->xml_ns == NULL &&
	    getrandom(&dc->xml_salt, sizeof(dc->xml_salt), 0) !=
	    (ssize_t)sizeof(dc->xml_salt))
		dc->xml_salt = 0;
	if (*pp == NULL) {
		*pp = ns ? XML_ParserCreateNS("UTF-8", DECODE_XML_SEP) :
		    XML_ParserCreate("UTF-8");
		if (*pp == NULL)
			return NULL;
	} else if (XML_ParserReset(*pp, "UTF-8") != XML_TRUE)
		return NULL;
	if (dc->xml_salt != 0)
		(void)XML_SetHashSalt(*pp, dc->xml_salt);
	return *pp;
}

/*
 * Decodes one XmlWinEventLog document into ev, by decode_xml_scan() when
 * it can, else by expat.  Returns DECODE_OK,
 * DECODE_ERR_XML_SYNTAX, DECODE_ERR_XML_LIMIT (too long, too deep,
 * DOCTYPE or an entity declaration), DECODE_ERR_TOO_LARGE, or
 * DECODE_ERR_SHAPE when the root element is not <Event>.
 */
enum decode_error
decode_xml(struct decode_ctx *dc, const char *buf, size_t len,
    const struct decode_limits *lim, struct event *ev)
{
	struct decode_xml	 x;
	enum XML_Status		 st;
	bool			 ns = false;

	if (len > INT_MAX)
		return DECODE_ERR_TOO_LARGE;
	if (lim != NULL && lim->max_xml_bytes > 0 && len > lim->max_xml_bytes)
		return DECODE_ERR_XML_LIMIT;
	if (decode_xml_fast) {
		if (decode_xml_scan(dc, buf, len, lim, ev))
			return DECODE_OK;
		dc->xml_fallback++;
	}
	/*
	 * Namespace processing costs expat about 10 % more instructions
	 * per document, and Windows writes no prefix: the plain parser
	 * reads a document until an element of depth 3 or less has a
	 * prefix, and then the namespace parser reads it again.  Up to
	 * that element both name the same fields with the same values.
	 */
again:
	memset(&x, 0, sizeof(x));
	x.plain = !ns;
	if ((x.parser = decode_xml_parser(dc, ns)) == NULL)
		return DECODE_ERR_TOO_LARGE;
	x.ev = ev;
	x.buf = lim != NULL && lim->xml_raw ? buf : NULL;
	x.buflen = len;
	x.sys = decode_sys_ids(dc);
	x.want = dc->want;
	x.max_depth = 64;
	if (lim != NULL)
		x.max_depth = lim->max_xml_depth > 0 ? lim->max_xml_depth :
		    lim->max_depth;
	x.capture = -1;
	x.capture2 = -1;
	XML_SetUserData(x.parser, &x);
	XML_SetElementHandler(x.parser, decode_xml_start_cb,
	    decode_xml_end_cb);
	XML_SetCharacterDataHandler(x.parser, decode_xml_text_cb);
	XML_SetStartDoctypeDeclHandler(x.parser, decode_xml_doctype_cb);
	XML_SetEntityDeclHandler(x.parser, decode_xml_entity_cb);
	(void)XML_SetParamEntityParsing(x.parser,
	    XML_PARAM_ENTITY_PARSING_NEVER);
	st = XML_Parse(x.parser, buf, (int)len, XML_TRUE);
	if (x.err != DECODE_OK)
		return x.err;
	if (x.need_ns && !ns) {
		ns = true;
		goto again;
	}
	if (st != XML_STATUS_OK) {
		(void)snprintf(dc->reason, sizeof(dc->reason),
		    "xml_syntax: %s at line %lu column %lu",
		    XML_ErrorString(XML_GetErrorCode(x.parser)),
		    (unsigned long)XML_GetCurrentLineNumber(x.parser),
		    (unsigned long)XML_GetCurrentColumnNumber(x.parser));
		return DECODE_ERR_XML_SYNTAX;
	}
	if (!x.root) {
		(void)snprintf(dc->reason, sizeof(dc->reason),
		    "shape: the root element is not <Event> in no namespace "
		    "or in %s", decode_xml_ns);
		return DECODE_ERR_SHAPE;
	}
	ev->shape = EVENT_SHAPE_XML;
	return DECODE_OK;
}
