/*
 * XmlWinEventLog (SPEC 2) through expat: <Event><System> gives
 * Provider/@Name, EventID, TimeCreated/@SystemTime, Channel and Computer;
 * <EventData><Data Name='X'> gives field X when X is registered.
 * RenderingInfo, UserData and everything else are ignored.  expat decodes
 * the predefined entities and character references; any DOCTYPE or entity
 * declaration is refused, so no entity expansion can grow without bound.
 * Each thread reuses one parser (XML_ParserReset).  Text is copied into
 * the event's arena.
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
#include <string.h>

#include <expat.h>

#include "decode/decode.h"


struct decode_xml {
	XML_Parser		 parser;	/* this thread's parser */
	struct event		*ev;		/* being filled */
	int			 depth;		/* open elements */
	int			 max_depth;	/* limit on depth */
	enum decode_error	 err;		/* our reason to stop */
	bool			 root;		/* root element was <Event> */
	int			 section;	/* DECODE_XML_* at depth 2 */
	int			 capture;	/* field id of text, or -1 */
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

/* The value of attribute name in expat's (name, value, ...) list. */
static const char *
decode_xml_attr(const XML_Char **attr, const char *name)
{
	for (; attr[0] != NULL; attr += 2)
		if (strcmp(attr[0], name) == 0)
			return attr[1];
	return NULL;
}

static void
decode_xml_set_attr(struct decode_xml *x, int id, const XML_Char **attr,
    const char *name)
{
	const char	*v;

	if ((v = decode_xml_attr(attr, name)) == NULL)
		return;
	if (event_set(x->ev, id, v, strlen(v)) == -1)
		decode_xml_stop(x, DECODE_ERR_TOO_LARGE);
}

static void
decode_xml_start_cb(void *arg, const XML_Char *name, const XML_Char **attr)
{
	struct decode_xml	*x = arg;
	const char		*v;

	if (++x->depth > x->max_depth) {
		decode_xml_stop(x, DECODE_ERR_XML_LIMIT);
		return;
	}
	if (x->depth == 1) {
		x->root = strcmp(name, "Event") == 0;
		return;
	}
	if (!x->root)
		return;
	if (x->depth == 2) {
		if (strcmp(name, "System") == 0)
			x->section = DECODE_XML_SYSTEM;
		else if (strcmp(name, "EventData") == 0)
			x->section = DECODE_XML_EVENTDATA;
		else
			x->section = DECODE_XML_OTHER;
		return;
	}
	if (x->depth != 3)
		return;
	x->capture = -1;
	if (x->section == DECODE_XML_SYSTEM) {
		if (strcmp(name, "Provider") == 0)
			decode_xml_set_attr(x, EVENT_F_SOURCENAME, attr,
			    "Name");
		else if (strcmp(name, "TimeCreated") == 0)
			decode_xml_set_attr(x, EVENT_F_SYSTEMTIME, attr,
			    "SystemTime");
		else if (strcmp(name, "EventID") == 0)
			x->capture = EVENT_F_EVENTCODE;
		else if (strcmp(name, "Channel") == 0)
			x->capture = EVENT_F_CHANNEL;
		else if (strcmp(name, "Computer") == 0)
			x->capture = EVENT_F_COMPUTER;
	} else if (x->section == DECODE_XML_EVENTDATA &&
	    strcmp(name, "Data") == 0 &&
	    (v = decode_xml_attr(attr, "Name")) != NULL)
		x->capture = event_field_lookup(v, strlen(v));
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
	x->capture = -1;
}

/*
 * expat may split one text node into several calls; nothing else is
 * allocated while a field is captured, so the pieces stay contiguous.
 */
static void
decode_xml_text_cb(void *arg, const XML_Char *s, int len)
{
	struct decode_xml	*x = arg;
	char			*p;

	if (x->capture == -1 || x->depth != 3 || len <= 0)
		return;
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
}

/*
 * Decodes one XmlWinEventLog document into ev.  Returns DECODE_OK,
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

	if (len > INT_MAX)
		return DECODE_ERR_TOO_LARGE;
	if (lim != NULL && lim->max_xml_bytes > 0 && len > lim->max_xml_bytes)
		return DECODE_ERR_XML_LIMIT;
	if (dc->xml == NULL) {
		if ((dc->xml = XML_ParserCreate("UTF-8")) == NULL)
			return DECODE_ERR_TOO_LARGE;
		if (getrandom(&dc->xml_salt, sizeof(dc->xml_salt), 0) !=
		    (ssize_t)sizeof(dc->xml_salt))
			dc->xml_salt = 0;
	} else if (XML_ParserReset(dc->xml, "UTF-8") != XML_TRUE)
		return DECODE_ERR_TOO_LARGE;
	if (dc->xml_salt != 0)
		(void)XML_SetHashSalt(dc->xml, dc->xml_salt);
	memset(&x, 0, sizeof(x));
	x.parser = dc->xml;
	x.ev = ev;
	x.max_depth = 64;
	if (lim != NULL)
		x.max_depth = lim->max_xml_depth > 0 ? lim->max_xml_depth :
		    lim->max_depth;
	x.capture = -1;
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
	if (st != XML_STATUS_OK)
		return DECODE_ERR_XML_SYNTAX;
	if (!x.root)
		return DECODE_ERR_SHAPE;
	ev->shape = EVENT_SHAPE_XML;
	return DECODE_OK;
}
