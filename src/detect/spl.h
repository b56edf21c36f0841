/*
 * The SPL compiler: lexes, parses and compiles the subset of SPEC 3 into
 * a struct spl_search.  Macros are expanded through a lookup callback, so
 * this module never reads files.  Pure: no I/O, no libevent.
 *
 * A compiled search has four parts:
 *  - filter: the predicate before the first "| stats" (search terms and
 *    any "| search" commands before stats), run on every event;
 *  - pre: row-local commands before stats (rename, bin, fields, table,
 *    and a search after one of them), run by spl_pre_apply() on the
 *    detection's own copy of an event that passed the filter;
 *  - stats: the aggregates and by-fields, run by stats.c;
 *    "| tstats ... from datamodel=M.D where PRED by ..." is both: its
 *    PRED is the filter and the rest the stats, and datamodel names the
 *    dataset an event must belong to, which the caller resolves against
 *    its CIM mapping (detection.c); the dataset's fields are "D.field";
 *  - post: the commands after stats (convert, rename, fields, table,
 *    search), applied by spl_post_apply() to each row, itself a struct
 *    event whose fields are the by-fields and the aggregates;
 *  - subs: the subsearch of each "join", compiled as searches of their
 *    own; spl_post_run() joins a row with their rows.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SPL_H
#define HECSENTRY_SPL_H

#include <stdbool.h>
#include <stddef.h>

#include "decode/event.h"

struct spl_expr;			/* opaque compiled predicate */
struct spl_post;			/* opaque post-stats command */

enum spl_agg_func {
	SPL_AGG_COUNT = 0,		/* count or count(field) */
	SPL_AGG_MIN,			/* min(field): numeric, else lexical */
	SPL_AGG_MAX,			/* max(field) */
	SPL_AGG_SUM,			/* sum(field) */
	SPL_AGG_AVG,			/* avg(field) */
	SPL_AGG_VALUES,			/* values(field): distinct, sorted */
	SPL_AGG_DC,			/* dc(field): distinct count */
	SPL_AGG_LATEST,			/* latest(field): value at max _time */
	SPL_AGG_EARLIEST,		/* earliest(field): value at min _time */
	SPL_AGG_STDEV,			/* stdev(field): sample standard */
					/*   deviation of the numbers */
	SPL_AGG_STDEVP			/* stdevp(field): population one */
};

/* What a by-field that is null does to the event. */
enum spl_null {
	SPL_NULL_OPTION = 0,		/* stats: null_by_fields says (SPEC 4) */
	SPL_NULL_DROP,			/* tstats: the event is dropped */
	SPL_NULL_FILL			/* tstats fillnull_value=: takes fill */
};

struct spl_agg {
	enum spl_agg_func func;		/* what to compute */
	int		 field;		/* input field id, -1 for bare count */
	int		 as;		/* output field id ("count", "firstTime") */
};

struct spl_stats {
	size_t		 nagg;		/* number of aggregates */
	struct spl_agg	*agg;		/* in the order the search gives them */
	size_t		 nby;		/* number of by-fields */
	int		*by;		/* by-field ids, in order */
	int64_t		 span_ms;	/* by _time span=: _time floored to */
					/*   a multiple of it, 0: no span */
	enum spl_null	 null_by;	/* a null by-field */
	char		*fill;		/* SPL_NULL_FILL: the value, and */
	size_t		 fill_len;	/*   its length (> 0) */
};

struct spl_search {
	struct spl_expr	*filter;	/* pre-stats predicate, never NULL */
	struct spl_stats stats;		/* the stats command (required) */
	size_t		 npost;		/* post-stats commands */
	struct spl_post	**post;
	size_t		 ncolumns;	/* output columns after post commands */
	int		*columns;	/* field ids, in output order */
	int		 event_code;	/* EventCode the filter requires, or -1 */
	size_t		 nfields;	/* every event field the filter and */
	int		*fields;	/*   the stats read (for extractors) */
	char		*text;		/* the search after macro expansion */
	char		*window_why;	/* NULL: its rows merge, a short */
					/*   window gives Splunk's answer; */
					/*   else why it needs its schedule's */
					/*   period (spl_window.c) */
	size_t		 npre;		/* row-local commands between the */
	struct spl_post	**pre;		/*   filter and stats (rename, bin, */
					/*   fields, a search after them), */
					/*   on the detection's own copy of */
					/*   each event: spl_pre_apply() */
	char		*datamodel;	/* tstats: "Model.Dataset", or "Model" */
					/*   alone; NULL for a raw search */
	size_t		 nsubs;		/* join subsearches, in the order of */
	struct spl_search **subs;	/*   their joins (owned): each is a */
					/*   search of its own, run on the */
					/*   same events and window */
	bool		 optional;	/* a subsearch of join type=outer: */
					/*   the left rows need none of its */
					/*   rows */
	size_t		 nrowset;	/* post[0, nrowset) run over all the */
					/*   rows of a window at once */
					/*   (rowset.c): up to the last dedup, */
					/*   eventstats or second stats; */
					/*   spl_post_apply() runs the rest; */
					/*   0: none */
	char		*first_why;	/* NULL: the row right after a key's */
					/*   first event passes the commands */
					/*   after stats as the closed row */
					/*   will (first-seen alerts); else */
					/*   why not (spl_first.c) */
	bool		 first_drops;	/* first_why NULL and a command after */
					/*   stats can drop a row (search, */
					/*   where, regex): a key's first row */
					/*   decides all its rows (stats.c */
					/*   tombstones) */
};

struct spl_error {
	char		 origin[128];	/* "search" or "macro NAME" */
	int		 line;		/* 1-based, in the origin text */
	int		 column;	/* 1-based */
	char		 msg[256];	/* the reason */
};

/*
 * Macro lookup: returns the definition of macro name with nargs arguments
 * (Splunk's "name(N)" convention) and its argument names, or NULL when
 * there is none.  The strings are borrowed until spl_compile() returns.
 */
struct spl_macro_def {
	const char	*definition;
	size_t		 nargs;
	const char	**args;		/* argument names, nargs of them */
};
typedef bool	(*spl_macro_lookup_fn)(void *arg, const char *name,
		    size_t nargs, struct spl_macro_def *out);

/*
 * Lookup tables (lookup.h) for the lookup command: returns the table of
 * the lookup definition name, or NULL with the reason in why[whylen].
 * The table must outlive every search compiled with it.
 */
struct lookup_table;
typedef const struct lookup_table *(*spl_table_lookup_fn)(void *arg,
		    const char *name, char *why, size_t whylen);

/* What a search may refer to: macros and lookup tables. */
struct spl_env {
	spl_macro_lookup_fn macro;	/* NULL: no macros */
	void		*macro_arg;
	spl_table_lookup_fn table;	/* NULL: every lookup is refused */
	void		*table_arg;
};

/*
 * Compiles text.  Interns every field name it sees in the event field
 * registry (load time only).  Returns a new search the caller frees with
 * spl_search_free(), or NULL with err filled in.
 */
struct spl_search *spl_compile(const char *text, spl_macro_lookup_fn lookup,
		    void *lookup_arg, struct spl_error *err);
/* spl_compile() with lookup tables too. */
struct spl_search *spl_compile_env(const char *text,
		    const struct spl_env *env, struct spl_error *err);
void		 spl_search_free(struct spl_search *s);

/*
 * Evaluates a predicate with Splunk's semantics (SPEC 3): values compare
 * case-insensitively (ASCII letters only), '*' is a wildcard, numbers
 * compare numerically, a term on an absent field is false (so its NOT is
 * true, and f!=v is false).  Allocates nothing; safe on any thread.
 */
bool		 spl_match(const struct spl_expr *e, const struct event *ev);

#define SPL_NCODES	65536		/* EventCodes spl_search_codes() lists */

/*
 * The EventCodes an event matching s can have: when a top-level
 * conjunct of s's filter is "EventCode=N", "EventCode IN (N, ...)" or an
 * OR of such terms (N integers in 0..SPL_NCODES - 1), fills codes
 * (SPL_NCODES bits) with the bit of each N and returns true.
 * An event whose EventCode is plain digits (leading zeros allowed) of
 * another value then never matches: EventCode=N compares numerically.
 * Returns false, codes untouched, when the filter allows any EventCode.
 */
bool		 spl_search_codes(const struct spl_search *s,
		    uint64_t *codes);

/*
 * Whether a and b are the same search up to and including stats, as
 * compiled (spl_head.c): what runs before their rows differ, so that one
 * stats table may serve both.  False when either has row commands
 * before stats.  spl_head_hash() is equal when spl_head_same() is true.
 */
bool		 spl_head_same(const struct spl_search *a,
		    const struct spl_search *b);
uint64_t	 spl_head_hash(const struct spl_search *s);

#define SPL_NUM_MAX	64		/* longest text taken as a number */

/*
 * The one rule for "is this value a number", used by search comparisons
 * and by stats (min, max, sum, avg) alike: the whole of [s, s + len), at
 * most SPL_NUM_MAX - 1 bytes, is a decimal numeral: an optional sign,
 * digits with an optional point (at least one digit), an optional
 * exponent (e or E, optional sign, digits), and a finite value.  No
 * blanks, no hexadecimal, no "inf" or "nan": " 25", "0x1F" and "1e" are
 * text; "+5", "1e3", ".5" and "007" are numbers.  Returns true and *out.
 * Pure; allocates nothing.
 */
bool		 spl_parse_num(const char *s, size_t len, double *out);

/*
 * Applies the post-stats commands to a row, in place (convert rewrites
 * values, rename moves them; strings it makes live in row's arena), from
 * post[nrowset] on: those before ran over the window's rows (rowset.h).
 * Returns true to keep the row, false when a "search" command drops it.
 */
bool		 spl_post_apply(const struct spl_search *s, struct event *row);

/*
 * The field that holds field id's value once the post-stats commands ran
 * (a drilldown's filter at the end of the search): id followed through
 * each rename ("rename a as b" moves a to b); -1 when a rename replaced
 * it with another field's value.
 */
int		 spl_post_field(const struct spl_search *s, int id);

/*
 * The commands between the filter and stats, for one event that passed
 * the filter: copies ev into out (values by reference: ev must outlive
 * out's use; out's arena, event_init()ed by the caller, holds what the
 * commands make) and applies s->pre to the copy, so the shared event is
 * never changed.  Returns false when a command drops the event.  With no
 * such commands it copies nothing: test s->npre first.
 */
bool		 spl_pre_apply(const struct spl_search *s,
		    const struct event *ev, struct event *out);

/*
 * The rows of a join's right side in one window (spl_join.c): copies of
 * the subsearch's rows, after its own commands, in the order they were
 * added.  The runner (detect.c) fills one per subsearch as the
 * subsearch's window closes, before the main search's rows of that
 * window are emitted, and empties it for the next window.
 */
struct spl_rows;

struct spl_rows	*spl_rows_new(void);
void		 spl_rows_free(struct spl_rows *r);
/*
 * The by-values by[nby] of row (a row of the subsearch's stats, before
 * its own commands) in an encoding whose memcmp() order is Splunk's
 * stats row order; *len bytes.  Caller frees.
 */
char		*spl_rows_key(const struct event *row, const int *by,
		    size_t nby, size_t *len);
/*
 * Adds a copy of row (a row of the subsearch, after its own commands) to
 * r, ordered among r's rows by key (from spl_rows_key() on the row as
 * stats gave it; taken over), as Splunk's stats orders its rows.  The
 * copy holds only the fields row has, in one block.
 */
void		 spl_rows_add(struct spl_rows *r, const struct event *row,
		    char *key, size_t keylen);
void		 spl_rows_clear(struct spl_rows *r);
size_t		 spl_rows_count(const struct spl_rows *r);

/* Called once per row that comes out of spl_post_run(); borrowed. */
typedef void	(*spl_row_fn)(struct event *row, size_t nth, void *arg);

/*
 * spl_post_apply() with joins: runs the commands after stats on row;
 * the k-th join reads sides[k] (the right rows of s->subs[k] in row's
 * window; sides NULL or sides[k] NULL: no right rows).  A join may drop
 * row (type=inner, no match) or make several of it (max=0 or > 1): each
 * row that survives every command goes to fn with its rank nth (0, 1,
 * ...).  row is changed in place and may be the first one out.  Returns
 * the number of rows given to fn.
 */
size_t		 spl_post_run(const struct spl_search *s,
		    struct spl_rows *const *sides, struct event *row,
		    spl_row_fn fn, void *arg);

#endif /* HECSENTRY_SPL_H */
