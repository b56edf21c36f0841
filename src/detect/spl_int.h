/*
 * What the parts of the SPL compiler and its runtime share, and nothing
 * else includes: the compiled forms (expressions, values, row commands),
 * the compilation state with its tokens and origins, the command table's
 * row, and the functions one part calls in another.  spl.h is the public
 * API; this header is private to src/detect/spl*.c.
 *
 * The parts, in the order a search goes through them:
 *   spl_expand.c  macro expansion; every byte of the expanded text maps
 *                 back to its origin (the search or a macro definition);
 *                 error positions
 *   spl_lex.c     tokens
 *   spl_parse.c   search expressions and compiled values (load time)
 *   spl_cmd.c     the command table {name, phase, parse, apply} and the
 *                 pipeline
 *   spl_tstats.c  tstats: the data model search, its filter and stats
 *   spl_join.c    join: the subsearch, a search of its own; the join
 *                 of the rows at run time
 *   spl.c         spl_compile(): the stages in order, then the ordering
 *                 of terms by cost
 *   spl_match.c   numbers and matching (run time, the hot path)
 *   spl_post.c    the row commands after stats (run time)
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPL_INT_H
#define HECSENTRY_SPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event.h"
#include "detect/spl.h"

enum spl_node {
	SPL_N_TRUE = 0,			/* "*": every event */
	SPL_N_AND,
	SPL_N_OR,
	SPL_N_NOT,
	SPL_N_CMP,			/* field OP value(s) */
	SPL_N_REGEX,			/* regex field="..." before stats */
	SPL_N_EVAL			/* where before stats: eval */
};

enum spl_op {
	SPL_OP_EQ = 0,			/* field=value */
	SPL_OP_NE,			/* field!=value */
	SPL_OP_IN,			/* field IN (values) */
	SPL_OP_LT,
	SPL_OP_LE,
	SPL_OP_GT,
	SPL_OP_GE
};

/* A segment of a wildcard pattern between two '*'. */
struct spl_seg {
	const char	*s;		/* in the value's text, lowercased */
	size_t		 len;		/* > 0 */
	size_t		 pin;		/* offset of the byte searched for */
	unsigned char	 pinc;		/* that byte */
	bool		 fold;		/* it is a letter: either case */
};

/* A value compiled for matching. */
struct spl_value {
	char		*text;		/* lowercased, unescaped */
	size_t		 len;
	bool		 wild;		/* contains '*' */
	bool		 numeric;	/* spl_parse_num() takes it */
	double		 num;		/* its value when numeric */
	size_t		 head;		/* wild: bytes before the first '*' */
	size_t		 tail;		/* wild: bytes after the last '*' */
	size_t		 minlen;	/* wild: head, tail and segments */
	size_t		 nmid;		/* wild: non-empty segments between */
	struct spl_seg	*mid;
};

struct spl_expr {
	enum spl_node	 type;
	size_t		 nkids;		/* AND, OR, NOT */
	struct spl_expr	**kids;
	int		 field;		/* CMP: field id */
	enum spl_op	 op;		/* CMP: operator */
	size_t		 nvals;		/* CMP: 1, or n for IN */
	struct spl_value *vals;
	struct spl_re	*re;		/* REGEX: the pattern (field: its */
					/*   field) */
	struct spl_eval	*eval;		/* EVAL: the where expression */
};

struct spl_cmd;
struct spl_re;				/* spl_re.h */
struct spl_eval;			/* spl_eval.h */

/* A command after stats, compiled: one per "| name ..." of the search. */
struct spl_post {
	const struct spl_cmd *cmd;	/* its row in the command table */
	bool		 drop;		/* fields -: drop the list, keep */
					/*   the rest */
	char		*timeformat;	/* convert */
	size_t		 n;		/* pairs or fields */
	int		*from;		/* convert, rename: source ids; */
	int		*to;		/*   and destination ids; others: */
					/*   the field list is in from */
	struct spl_expr	*expr;		/* search */
	struct spl_re	*re;		/* rex, regex: the pattern; rex has */
					/*   group numbers in from, field */
					/*   ids in to */
	int		 field;		/* rex, regex: the field matched */
	bool		 negate;	/* regex F!=: keep the others */
	size_t		 max_match;	/* rex: matches kept, 0: all */
	char		*sed;		/* rex mode=sed: the replacement */
	size_t		 sedlen;
	size_t		 sednth;	/* its match to replace, 0: all */
	int64_t		 span_ms;	/* bin: the span, in ms of _time */
	const struct lookup_table *table; /* lookup: borrowed; inputs: */
	int		*incol;		/*   table columns, row fields in */
					/*   from (n of them) */
	size_t		 nout;		/* lookup: outputs: table columns */
	int		*outcol;	/*   and the row fields they set */
	int		*outid;
	bool		 outputnew;	/* lookup OUTPUTNEW: absent fields */
	struct spl_eval	*eval;		/* eval, where */
	size_t		 sub;		/* join: its subsearch, s->subs[sub] */
	const struct spl_search *right;	/*   (borrowed); the join fields */
					/*   are in from */
	bool		 outer;		/* join type=outer|left */
	size_t		 max;		/* join max=: right rows per left */
					/*   row, 0: all */
	bool		 keep_left;	/* join overwrite=false */
	size_t		 keep;		/* dedup: rows kept per combination */
	struct spl_stats *stats;	/* eventstats, a second stats */
};

/* Where a text the expansion read came from. */
struct spl_origin {
	char		 name[128];	/* "search" or "macro NAME" */
	const char	*text;		/* the search or the definition */
};

enum spl_tok_type {
	SPL_T_EOF = 0,
	SPL_T_WORD,
	SPL_T_STRING,
	SPL_T_PIPE,
	SPL_T_LPAREN,
	SPL_T_RPAREN,
	SPL_T_COMMA,
	SPL_T_EQ,
	SPL_T_NE,
	SPL_T_LT,
	SPL_T_LE,
	SPL_T_GT,
	SPL_T_GE,
	SPL_T_LBRACKET,			/* '[': a subsearch opens */
	SPL_T_RBRACKET
};

struct spl_tok {
	enum spl_tok_type type;
	size_t		 pos;		/* offset in the expanded text */
	char		*val;		/* WORD, STRING: the value */
	size_t		 len;
};

/* Compilation state. */
struct spl_ctx {
	spl_macro_lookup_fn lookup;	/* macro definitions */
	void		*lookup_arg;
	struct spl_error *err;		/* filled on the first error */
	bool		 failed;
	struct spl_origin *orig;	/* origins, [0] is the search */
	size_t		 norig;
	char		*text;		/* expanded text */
	uint32_t	*torig;		/* per byte: origin index */
	uint32_t	*toff;		/* per byte: offset in the origin */
	size_t		 len;
	size_t		 cap;
	struct spl_tok	*toks;		/* tokens, SPL_T_EOF last */
	size_t		 ntoks;
	size_t		 i;		/* parser position */
	bool		 after_stats;	/* the stats command was parsed */
	spl_table_lookup_fn table;	/* lookup tables, or NULL */
	void		*table_arg;
	size_t		 start;		/* first token of the pipeline being */
					/*   parsed: 0, or a subsearch's */
};

/* Where a command may stand in the pipeline. */
enum spl_phase {
	SPL_PHASE_NONE = 0,		/* SPL has it, we refuse it */
	SPL_PHASE_EVENT,		/* on events before stats (into the */
					/*   filter), on rows after it */
	SPL_PHASE_STATS,		/* the aggregation: exactly one */
	SPL_PHASE_ROW,			/* on the rows of stats: after it */
	SPL_PHASE_ANY,			/* row-local: before stats on the */
					/*   detection's own copy of each */
					/*   event, after it on each row */
	SPL_PHASE_ROWSET		/* on all rows of a window at once */
};

/*
 * A row of the command table (spl_cmd.c).  Adding a command is adding a
 * row and its functions: parse at load time; for a row command, apply
 * (spl_post.c) and the effect on the output columns.
 */
struct spl_cmd {
	const char	*name;		/* as written after '|' */
	enum spl_phase	 phase;
	/*
	 * Parses the arguments after the name token t into s (the filter,
	 * the stats or a new row command).  Returns 0, or -1 with the
	 * error set.
	 */
	int		(*parse)(struct spl_ctx *c, const struct spl_cmd *cmd,
			    const struct spl_tok *t, struct spl_search *s);
	/* A row command on a row, in place; false drops the row. */
	bool		(*apply)(const struct spl_post *p, struct event *row);
	/* A row command's effect on the output columns cols[*n]. */
	void		(*columns)(const struct spl_post *p, int **cols,
			    size_t *n);
};

/* spl_expand.c */
void		 spl_error_at(struct spl_ctx *c, uint32_t o, size_t off,
		    const char *fmt, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
void		 spl_error_pos(struct spl_ctx *c, size_t pos,
		    const char *fmt, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
void		 spl_text_add(struct spl_ctx *c, char ch, uint32_t o,
		    uint32_t off);
uint32_t	 spl_origin_add(struct spl_ctx *c, const char *name,
		    const char *text);
bool		 spl_is_space(char ch);
void		 spl_expand(struct spl_ctx *c, const char *s, size_t len,
		    const uint32_t *offmap, uint32_t o, int depth);

/* spl_lex.c */
void		 spl_lex(struct spl_ctx *c);
struct spl_tok	*spl_tok_cur(struct spl_ctx *c);
struct spl_tok	*spl_tok_next(struct spl_ctx *c);
struct spl_tok	*spl_tok_arg(struct spl_ctx *c);
bool		 spl_tok_is(const struct spl_tok *t, const char *word);
bool		 spl_tok_is_ci(const struct spl_tok *t, const char *word);
const char	*spl_tok_text(const struct spl_tok *t);
bool		 spl_is_value(const struct spl_tok *t);

/* spl_parse.c */
struct spl_expr	*spl_expr_new(enum spl_node type);
void		 spl_expr_add(struct spl_expr *e, struct spl_expr *kid);
void		 spl_expr_free(struct spl_expr *e);
int		 spl_intern(struct spl_ctx *c, const struct spl_tok *t);
struct spl_expr	*spl_parse_search(struct spl_ctx *c);
void		 spl_expr_fields(const struct spl_expr *e, int **ids,
		    size_t *n);
int		 spl_expr_event_code(const struct spl_expr *e);
void		 spl_expr_order(struct spl_expr *e);
void		 spl_expr_code_first(struct spl_expr *e, int code);

/* spl_cmd.c */
int		 spl_parse_pipeline(struct spl_ctx *c, struct spl_search *s);
/*
 * One aggregate "AGG[(f)] [as g]" at the current word, appended to st;
 * an unknown function is refused as "<unknown> 'name'".  0 or -1.
 */
int		 spl_parse_agg(struct spl_ctx *c, struct spl_stats *st,
		    const char *unknown);
/*
 * The aggregates of cmd (stats, tstats) up to "by", "from", "where" or
 * the end of the command, at least one; a word followed by '=' is an
 * option for opt (NULL: none), which reads it into st.  0 or -1.
 */
int		 spl_parse_aggs(struct spl_ctx *c, struct spl_stats *st,
		    const char *cmd, const char *unknown,
		    int (*opt)(struct spl_ctx *, struct spl_stats *));
void		 spl_columns(struct spl_search *s);
/* stats AGG[(f)] [as g] ... [by f ...] into st.  0 or -1. */
int		 spl_parse_stats(struct spl_ctx *c, struct spl_stats *st);
void		 spl_columns_get(const struct spl_search *s, int **cols,
		    size_t *n);
void		 spl_post_free(struct spl_post *p);
struct spl_post	*spl_post_new(const struct spl_cmd *cmd);
void		 spl_post_add(struct spl_search *s, struct spl_post *p);
bool		 spl_has_id(const int *ids, size_t n, int id);
void		 spl_ids_add_uniq(int **ids, size_t *n, int id);
void		 spl_ids_remove(int *ids, size_t *n, int id);

/* spl_tstats.c: the tstats command (a row of the command table) */
int		 spl_tstats_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *name, struct spl_search *s);

/* spl_match.c */
extern const unsigned char spl_lc[256];	/* ASCII lowercase of each byte */
/*
 * Whether the field value s matches v, as a term field=v does: a number
 * numerically, else case-insensitively with '*' a wildcard.
 */
bool		 spl_value_match(const struct spl_value *v, const char *s,
		    size_t len);

/* spl_post.c: the apply functions of the command table */
bool		 spl_search_apply(const struct spl_post *p, struct event *row);
bool		 spl_convert_apply(const struct spl_post *p,
		    struct event *row);
bool		 spl_rename_apply(const struct spl_post *p, struct event *row);
bool		 spl_fields_apply(const struct spl_post *p, struct event *row);
bool		 spl_bin_apply(const struct spl_post *p, struct event *row);

/* spl_join.c: join [options] field-list [subsearch] */
int		 spl_join_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
bool		 spl_join_apply(const struct spl_post *p, struct event *row);
void		 spl_join_columns(const struct spl_post *p, int **cols,
		    size_t *n);

/*
 * Refuses, with the error set, a search with joins and a command over
 * all the rows of a window (those run on row sets, not on joined rows
 * yet).  0 or -1.
 */
int		 spl_join_check(struct spl_ctx *c, const struct spl_search *s);

/* spl.c: what compilation does after the pipeline is parsed (checks */
/* the joins, orders the filter, the output columns, the fields read, */
/* the window); c->failed tells an error. */
void		 spl_search_finish(struct spl_ctx *c, struct spl_search *s);
/* spl_rowset.c: dedup, eventstats, a second stats (SPL_PHASE_ROWSET) */
extern const struct spl_cmd spl_cmd_stats_rows;
int		 spl_dedup_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
int		 spl_eventstats_parse(struct spl_ctx *c,
		    const struct spl_cmd *cmd, const struct spl_tok *t,
		    struct spl_search *s);
int		 spl_stats_rows_parse(struct spl_ctx *c, struct spl_search *s);
void		 spl_eventstats_columns(const struct spl_post *p, int **cols,
		    size_t *n);
void		 spl_rowset_free(struct spl_post *p);
void		 spl_rowset_mark(struct spl_search *s);

/* spl_window.c */
void		 spl_window_classify(struct spl_search *s);
/* spl_first.c: sets s->first_why */
void		 spl_first_classify(struct spl_search *s);
const char	*spl_agg_name(enum spl_agg_func f);

/* spl_rex.c: rex and regex */
int		 spl_rex_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
int		 spl_regex_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
bool		 spl_rex_apply(const struct spl_post *p, struct event *row);
bool		 spl_regex_apply(const struct spl_post *p, struct event *row);
void		 spl_rex_columns(const struct spl_post *p, int **cols,
		    size_t *n);
bool		 spl_regex_match(const struct spl_expr *e,
		    const struct event *ev);

/* spl_lookup.c: lookup */
int		 spl_lookup_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
bool		 spl_lookup_apply(const struct spl_post *p, struct event *row);
void		 spl_lookup_columns(const struct spl_post *p, int **cols,
		    size_t *n);

/* spl_eval.c, spl_eval_run.c: eval and where */
int		 spl_eval_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
int		 spl_where_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
		    const struct spl_tok *t, struct spl_search *s);
bool		 spl_eval_apply(const struct spl_post *p, struct event *row);
bool		 spl_where_apply(const struct spl_post *p, struct event *row);
void		 spl_eval_columns(const struct spl_post *p, int **cols,
		    size_t *n);
bool		 spl_eval_test(const struct spl_eval *e,
		    const struct event *ev);
void		 spl_eval_fields(const struct spl_eval *e, int **ids,
		    size_t *n);
void		 spl_eval_pre_fields(const struct spl_eval *e, int **fields,
		    size_t *nfields, int **made, size_t *nmade);
void		 spl_eval_free(struct spl_eval *e);

#endif /* HECSENTRY_SPL_INT_H */
