/*
 * What the parts of the CIM mapping share (cim.c parses, cim_eval.c
 * evaluates): the rule trees and the map.  Private to src/decode/cim*.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_CIM_INT_H
#define HECSENTRY_CIM_INT_H

#include "decode/cim.h"

#define CIM_NCODES	(CIM_MAX_EVENT_CODE + 2) /* + "no number" */
#define CIM_OTHER	(CIM_MAX_EVENT_CODE + 1)

enum cim_fn {
	CIM_FN_BASENAME = 0,	/* text after the last \ or / */
	CIM_FN_DIRNAME,		/* text before the last \ */
	CIM_FN_USER,		/* DOMAIN\name -> name */
	CIM_FN_LOWER,		/* ASCII lower case */
	CIM_FN_MAP,		/* map(x, k, v, ..., [default]) */
	CIM_FN_IFEQ,		/* ifeq(a, b, then, else) */
	CIM_FN_UNWRAP,		/* "WORD (x)" -> x, else as it is */
	CIM_FN_TYPEWORD,	/* "WORD (x)" -> WORD, else null */
	CIM_FN_CMDNAME,		/* program name from a command line */
	CIM_FN_PREFIXMAP,	/* prefixmap(x, prefix, value, ...) */
	CIM_FN_NULLIF,		/* nullif(x, v): null when x is v */
	CIM_FN_NUM,		/* x when it is a decimal number */
	CIM_FN_DNSANSWERS,	/* QueryResults -> answers, a line each */
	CIM_FN_KV,		/* kv("A=1,B=2", "B") -> 2 */
	CIM_FN_COUNT
};

enum cim_node_type {
	CIM_NODE_FIELD,		/* id */
	CIM_NODE_LIT,		/* lit, litlen */
	CIM_NODE_ALT,		/* kid[]: first not null */
	CIM_NODE_CALL		/* fn(kid[]) */
};

struct cim_node {
	enum cim_node_type type;
	int		 id;		/* CIM_NODE_FIELD */
	char		*lit;		/* CIM_NODE_LIT, NUL-terminated */
	size_t		 litlen;
	enum cim_fn	 fn;		/* CIM_NODE_CALL */
	struct cim_node	**kid;
	size_t		 nkid;
};

struct cim_rule {
	int		 target;	/* field id set */
	struct cim_node	*expr;
	int		 line;		/* in the file */
	bool		 live;		/* kept by cim_map_prepare() */
};

struct cim_rules {
	struct cim_rule	*v;
	size_t		 n;
};

struct cim_addon {
	uint64_t	 codes[4];	/* event ids; none: [sysmon] */
	bool		 general;
	struct cim_rules rules;
};

struct cim_dataset {
	char		*name;		/* Endpoint.Processes */
	char		*object;	/* Processes */
	uint64_t	 codes[4];	/* events = ... */
	struct cim_rules rules;
};

struct cim_map {
	char		**raw;		/* "fields =": names the decoders
					   give some event, sorted; not
					   interned, so that declaring a
					   name does not make the decoders
					   store it (only a reader does) */
	size_t		 nraw;
	struct cim_addon *addon;	/* sections in file order */
	size_t		 naddon;
	struct cim_dataset *ds;
	size_t		 nds;
	/* Per event id, the add-on rules that apply, in order. */
	const struct cim_rule **by_code[CIM_NCODES];
	size_t		 nby_code[CIM_NCODES];
};

static inline bool
cim_rules_sets(const struct cim_rules *r, int id)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].target == id)
			return true;
	return false;
}

static inline bool
cim_code_in(const uint64_t codes[4], size_t code)
{
	return (codes[code >> 6] >> (code & 63)) & 1;
}

/* The value of each rule of v[0..n) that is live, set where absent. */
int		 cim_rules_apply(const struct cim_rule *const *v, size_t n,
		    struct event *ev);

#endif /* HECSENTRY_CIM_INT_H */
