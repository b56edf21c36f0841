/*
 * The SPL pipeline and its command table.  Each row of spl_cmds[] is a
 * command: its name, where it may stand (its phase), how it is parsed
 * and, for a command on the rows after stats, how it is applied
 * (spl_post.c) and what it does to the output columns.  The pipeline is
 * parsed by looking each command up in the table; adding a command is
 * adding its row and its functions.  The rows without functions are SPL
 * commands we know but refuse, with "unsupported command", so that they
 * may also open a search without a leading pipe.  Load time only.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl_int.h"
#include "detect/spl_value.h"
#include "detect/spl_re.h"
#include "xmalloc.h"

static int	spl_search_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static int	spl_stats_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static int	spl_convert_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static int	spl_rename_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static int	spl_fields_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static int	spl_table_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static int	spl_bin_parse(struct spl_ctx *, const struct spl_cmd *,
		    const struct spl_tok *, struct spl_search *);
static void	spl_convert_columns(const struct spl_post *, int **,
		    size_t *);
static void	spl_rename_columns(const struct spl_post *, int **, size_t *);
static void	spl_fields_columns(const struct spl_post *, int **, size_t *);

/* A command SPL has and we refuse. */
#define SPL_CMD_REFUSED(name)	{ (name), SPL_PHASE_NONE, NULL, NULL, NULL }

/* The command table; the first row is the implicit leading search. */
static const struct spl_cmd spl_cmds[] = {
	{ "search", SPL_PHASE_EVENT, spl_search_parse, spl_search_apply,
	    NULL },
	{ "stats", SPL_PHASE_STATS, spl_stats_parse, NULL, NULL },
	{ "convert", SPL_PHASE_ROW, spl_convert_parse, spl_convert_apply,
	    spl_convert_columns },
	{ "rename", SPL_PHASE_ANY, spl_rename_parse, spl_rename_apply,
	    spl_rename_columns },
	{ "fields", SPL_PHASE_ANY, spl_fields_parse, spl_fields_apply,
	    spl_fields_columns },
	{ "table", SPL_PHASE_ANY, spl_table_parse, spl_fields_apply,
	    spl_fields_columns },
	{ "bin", SPL_PHASE_ANY, spl_bin_parse, spl_bin_apply,
	    spl_convert_columns },
	{ "bucket", SPL_PHASE_ANY, spl_bin_parse, spl_bin_apply,
	    spl_convert_columns },
	{ "tstats", SPL_PHASE_STATS, spl_tstats_parse, NULL, NULL },
	{ "eval", SPL_PHASE_ANY, spl_eval_parse, spl_eval_apply,
	    spl_eval_columns },
	{ "where", SPL_PHASE_EVENT, spl_where_parse, spl_where_apply, NULL },
	{ "rex", SPL_PHASE_ANY, spl_rex_parse, spl_rex_apply,
	    spl_rex_columns },
	{ "regex", SPL_PHASE_EVENT, spl_regex_parse, spl_regex_apply, NULL },
	{ "lookup", SPL_PHASE_ANY, spl_lookup_parse, spl_lookup_apply,
	    spl_lookup_columns },
	{ "join", SPL_PHASE_ROW, spl_join_parse, spl_join_apply,
	    spl_join_columns },
	SPL_CMD_REFUSED("inputlookup"),
	{ "dedup", SPL_PHASE_ROWSET, spl_dedup_parse, NULL, NULL },
	SPL_CMD_REFUSED("sort"),
	SPL_CMD_REFUSED("head"), SPL_CMD_REFUSED("tail"),
	SPL_CMD_REFUSED("from"), SPL_CMD_REFUSED("datamodel"),
	SPL_CMD_REFUSED("append"),
	SPL_CMD_REFUSED("makeresults"), SPL_CMD_REFUSED("timechart"),
	SPL_CMD_REFUSED("chart"),
	{ "eventstats", SPL_PHASE_ROWSET, spl_eventstats_parse, NULL,
	    spl_eventstats_columns },
	SPL_CMD_REFUSED("streamstats"), SPL_CMD_REFUSED("transaction"),
	SPL_CMD_REFUSED("fillnull"), SPL_CMD_REFUSED("spath"),
	SPL_CMD_REFUSED("top"), SPL_CMD_REFUSED("rare"),
	SPL_CMD_REFUSED("mvexpand"), SPL_CMD_REFUSED("multisearch"),
	SPL_CMD_REFUSED("union"),
	SPL_CMD_REFUSED("rest")
};

/* The row of the command named by word t, or NULL. */
static const struct spl_cmd *
spl_cmd_find(const struct spl_tok *t)
{
	size_t	 k;

	if (t->type != SPL_T_WORD)
		return NULL;
	for (k = 0; k < sizeof(spl_cmds) / sizeof(spl_cmds[0]); k++)
		if (strcmp(t->val, spl_cmds[k].name) == 0)
			return &spl_cmds[k];
	return NULL;
}

/* Field id lists. */

static void
spl_ids_add(int **ids, size_t *n, int id)
{
	*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
	(*ids)[(*n)++] = id;
}

/* Whether id is one of ids[n]. */
bool
spl_has_id(const int *ids, size_t n, int id)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		if (ids[k] == id)
			return true;
	return false;
}

/* Takes id out of ids[*n] (the order is not kept). */
void
spl_ids_remove(int *ids, size_t *n, int id)
{
	size_t	 k;

	for (k = 0; k < *n; k++)
		if (ids[k] == id) {
			ids[k] = ids[--(*n)];
			return;
		}
}

/* Appends id to *ids unless it is there already. */
void
spl_ids_add_uniq(int **ids, size_t *n, int id)
{
	if (!spl_has_id(*ids, *n, id))
		spl_ids_add(ids, n, id);
}

/* Row commands. */

struct spl_post *
spl_post_new(const struct spl_cmd *cmd)
{
	struct spl_post	*p;

	p = xcalloc(1, sizeof(*p));
	p->cmd = cmd;
	return p;
}

/* Appends p to the row commands of s, which takes it. */
void
spl_post_add(struct spl_search *s, struct spl_post *p)
{
	s->post = xreallocarray(s->post, s->npost + 1, sizeof(*s->post));
	s->post[s->npost++] = p;
}

/* Appends the pair (from, to) to a convert or rename command. */
static void
spl_post_pair_add(struct spl_post *p, int from, int to)
{
	p->from = xreallocarray(p->from, p->n + 1, sizeof(*p->from));
	p->to = xreallocarray(p->to, p->n + 1, sizeof(*p->to));
	p->from[p->n] = from;
	p->to[p->n++] = to;
}

/* Frees p; NULL does nothing. */
void
spl_post_free(struct spl_post *p)
{
	if (p == NULL)
		return;
	free(p->timeformat);
	free(p->from);
	free(p->to);
	spl_expr_free(p->expr);
	spl_re_free(p->re);
	free(p->sed);
	free(p->incol);
	free(p->outcol);
	free(p->outid);
	spl_eval_free(p->eval);
	spl_rowset_free(p);
	free(p);
}

/* search: before stats into the filter, after it a row command. */
static int
spl_search_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_expr	*e;
	struct spl_post	*p;

	(void)name;
	if ((e = spl_parse_search(c)) == NULL)
		return -1;
	/* After a row-local command before stats it reads the copy. */
	if (!c->after_stats && s->npre == 0) {
		spl_expr_add(s->filter, e);
		return 0;
	}
	if (e->type == SPL_N_TRUE) {
		spl_expr_free(e);
		return 0;
	}
	p = spl_post_new(cmd);
	p->expr = e;
	spl_post_add(s, p);
	return 0;
}

/* The aggregate functions by name; distinct_count is dc. */
static const struct {
	const char	*name;
	enum spl_agg_func func;
} spl_agg_names[] = {
	{ "count", SPL_AGG_COUNT }, { "min", SPL_AGG_MIN },
	{ "max", SPL_AGG_MAX }, { "sum", SPL_AGG_SUM },
	{ "avg", SPL_AGG_AVG }, { "values", SPL_AGG_VALUES },
	{ "dc", SPL_AGG_DC }, { "distinct_count", SPL_AGG_DC },
	{ "latest", SPL_AGG_LATEST }, { "earliest", SPL_AGG_EARLIEST },
	{ "stdev", SPL_AGG_STDEV }, { "stdevp", SPL_AGG_STDEVP }
};

/* The name of an aggregate function, or NULL. */
const char *
spl_agg_name(enum spl_agg_func f)
{
	size_t	 k;

	for (k = 0; k < sizeof(spl_agg_names) / sizeof(spl_agg_names[0]); k++)
		if (spl_agg_names[k].func == f)
			return spl_agg_names[k].name;
	return NULL;
}

int
spl_parse_agg(struct spl_ctx *c, struct spl_stats *st, const char *unknown)
{
	struct spl_tok	*t, *f, *as;
	struct spl_agg	*a;
	char		 name[512];
	size_t		 k;

	t = spl_tok_cur(c);
	for (k = 0; k < sizeof(spl_agg_names) / sizeof(spl_agg_names[0]);
	    k++)
		if (strcmp(t->val, spl_agg_names[k].name) == 0)
			break;
	if (k == sizeof(spl_agg_names) / sizeof(spl_agg_names[0])) {
		spl_error_pos(c, t->pos, "%s '%s'", unknown, t->val);
		return -1;
	}
	spl_tok_next(c);
	st->agg = xreallocarray(st->agg, st->nagg + 1, sizeof(*st->agg));
	a = &st->agg[st->nagg++];
	a->func = spl_agg_names[k].func;
	a->field = -1;
	a->as = -1;
	if (spl_tok_cur(c)->type == SPL_T_LPAREN) {
		spl_tok_next(c);
		f = spl_tok_next(c);
		if (f->type != SPL_T_WORD) {
			spl_error_pos(c, f->pos, "expected a field name in "
			    "%s()", t->val);
			return -1;
		}
		if (spl_tok_cur(c)->type != SPL_T_RPAREN) {
			spl_error_pos(c, spl_tok_cur(c)->pos,
			    "expected ')' after %s(%s", t->val, f->val);
			return -1;
		}
		spl_tok_next(c);
		if ((a->field = spl_intern(c, f)) == -1)
			return -1;
		snprintf(name, sizeof(name), "%s(%s)", t->val, f->val);
	} else if (a->func != SPL_AGG_COUNT) {
		spl_error_pos(c, spl_tok_cur(c)->pos,
		    "expected '(' after '%s'", t->val);
		return -1;
	} else
		snprintf(name, sizeof(name), "count");
	if (spl_tok_is_ci(spl_tok_cur(c), "as")) {
		spl_tok_next(c);
		as = spl_tok_next(c);
		if (!spl_is_value(as)) {
			spl_error_pos(c, as->pos,
			    "expected a field name after 'as'");
			return -1;
		}
		snprintf(name, sizeof(name), "%s", as->val);
	}
	if ((a->as = event_field_intern(name, strlen(name))) == -1) {
		spl_error_pos(c, t->pos, "too many field names");
		return -1;
	}
	return 0;
}

int
spl_parse_aggs(struct spl_ctx *c, struct spl_stats *st, const char *cmd,
    const char *unknown, int (*opt)(struct spl_ctx *, struct spl_stats *))
{
	struct spl_tok	*t;

	for (;;) {
		if ((t = spl_tok_arg(c)) == NULL ||
		    t->type != SPL_T_WORD || spl_tok_is_ci(t, "by") ||
		    spl_tok_is_ci(t, "from") || spl_tok_is_ci(t, "where"))
			break;
		if (opt != NULL && c->toks[c->i + 1].type == SPL_T_EQ) {
			if (opt(c, st) == -1)
				return -1;
			continue;
		}
		if (spl_parse_agg(c, st, unknown) == -1)
			return -1;
	}
	if (st->nagg == 0) {
		/* t is NULL at the end of the search: the current token. */
		spl_error_pos(c, spl_tok_cur(c)->pos, "%s needs an aggregate "
		    "such as count", cmd);
		return -1;
	}
	return 0;
}

int
spl_parse_stats(struct spl_ctx *c, struct spl_stats *st)
{
	struct spl_tok	*t;
	int		 id;

	if (spl_parse_aggs(c, st, "stats", "unknown stats function",
	    NULL) == -1)
		return -1;
	t = spl_tok_cur(c);
	if (!spl_tok_is_ci(t, "by"))
		return 0;
	spl_tok_next(c);
	while ((t = spl_tok_arg(c)) != NULL && t->type == SPL_T_WORD) {
		spl_tok_next(c);
		if ((id = spl_intern(c, t)) == -1)
			return -1;
		spl_ids_add(&st->by, &st->nby, id);
	}
	if (st->nby == 0) {
		spl_error_pos(c, spl_tok_cur(c)->pos,
		    "expected a field after 'by'");
		return -1;
	}
	return 0;
}


/* stats: the aggregates and by-fields, into s->stats. */
static int
spl_stats_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	(void)cmd;
	(void)name;
	if (c->after_stats)
		return spl_stats_rows_parse(c, s);
	return spl_parse_stats(c, &s->stats);
}

/* convert [timeformat=F] ctime(f) [as g] ... */
static int
spl_convert_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_tok	*t, *f, *v;
	int		 id, idto;

	p = spl_post_new(cmd);
	while ((t = spl_tok_arg(c)) != NULL) {
		if (t->type != SPL_T_WORD) {
			spl_error_pos(c, t->pos, "unexpected '%s'",
			    spl_tok_text(t));
			goto fail;
		}
		spl_tok_next(c);
		if (strcmp(t->val, "timeformat") == 0) {
			if (spl_tok_cur(c)->type != SPL_T_EQ) {
				spl_error_pos(c, spl_tok_cur(c)->pos,
				    "expected '=' after 'timeformat'");
				goto fail;
			}
			v = spl_tok_next(c);
			if (!spl_is_value(spl_tok_cur(c))) {
				spl_error_pos(c, v->pos,
				    "expected a value after '='");
				goto fail;
			}
			free(p->timeformat);
			p->timeformat = xstrdup(spl_tok_next(c)->val);
			continue;
		}
		if (strcmp(t->val, "ctime") != 0) {
			spl_error_pos(c, t->pos,
			    "unsupported convert function '%s'", t->val);
			goto fail;
		}
		if (spl_tok_next(c)->type != SPL_T_LPAREN ||
		    (f = spl_tok_next(c))->type != SPL_T_WORD ||
		    spl_tok_next(c)->type != SPL_T_RPAREN) {
			spl_error_pos(c, t->pos, "expected ctime(FIELD)");
			goto fail;
		}
		if ((id = spl_intern(c, f)) == -1)
			goto fail;
		idto = id;
		if (spl_tok_is_ci(spl_tok_cur(c), "as")) {
			spl_tok_next(c);
			f = spl_tok_next(c);
			if (!spl_is_value(f)) {
				spl_error_pos(c, f->pos,
				    "expected a field name after 'as'");
				goto fail;
			}
			if ((idto = spl_intern(c, f)) == -1)
				goto fail;
		}
		spl_post_pair_add(p, id, idto);
	}
	if (p->n == 0) {
		spl_error_pos(c, name->pos, "convert needs ctime(FIELD)");
		goto fail;
	}
	if (p->timeformat == NULL)
		p->timeformat = xstrdup("%m/%d/%Y %H:%M:%S");
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/*
 * A field name at the current token, as rename reads it: a word or a
 * quoted string, joined with a word written right after the string's
 * closing quote ("All_Traffic".* is All_Traffic.*, as a macro argument
 * in quotes gives it).  Returns a copy (caller frees), or NULL when the
 * token is no name.
 */
static char *
spl_rename_name(struct spl_ctx *c)
{
	struct spl_tok	*t, *n;
	char		*name;

	t = spl_tok_cur(c);
	if (!spl_is_value(t))
		return NULL;
	spl_tok_next(c);
	n = spl_tok_cur(c);
	if (t->type == SPL_T_STRING && n->type == SPL_T_WORD &&
	    n->pos > 0 && c->text[n->pos - 1] == '"') {
		spl_tok_next(c);
		xasprintf(&name, "%s%s", t->val, n->val);
		return name;
	}
	return xstrdup(t->val);
}

/*
 * rename with wildcards, "A*B as C*D" (one '*' each): every column the
 * row has at this point (spl_columns_get()) whose name is A, anything,
 * B is renamed to C, the same thing, D.  Splunk's rename; resolved now,
 * since field names are interned at load time only.  Returns 0, or -1
 * with the error set.
 */
static int
spl_rename_wild(struct spl_ctx *c, struct spl_search *s, struct spl_post *p,
    const struct spl_tok *at, const char *from, const char *to)
{
	const char	*fs, *ts, *name;
	char		*nn;
	size_t		 k, n = 0, nlen, flen = strlen(from);
	int		*cols = NULL, id;

	fs = strchr(from, '*');
	ts = strchr(to, '*');
	if (fs == NULL || ts == NULL || strchr(fs + 1, '*') != NULL ||
	    strchr(ts + 1, '*') != NULL) {
		spl_error_pos(c, at->pos, "unsupported rename '%s as %s': "
		    "wildcards need one '*' on each side", from, to);
		return -1;
	}
	spl_columns_get(s, &cols, &n);
	for (k = 0; k < n; k++) {
		if ((name = event_field_name(cols[k])) == NULL)
			continue;
		nlen = strlen(name);
		if (nlen < flen - 1 || strncmp(name, from, (size_t)(fs -
		    from)) != 0 || strcmp(name + nlen - (flen - 1 - (size_t)(fs -
		    from)), fs + 1) != 0)
			continue;
		xasprintf(&nn, "%.*s%.*s%s", (int)(ts - to), to,
		    (int)(nlen - (flen - 1)), name + (fs - from), ts + 1);
		id = event_field_intern(nn, strlen(nn));
		free(nn);
		if (id == -1) {
			spl_error_pos(c, at->pos, "too many field names");
			free(cols);
			return -1;
		}
		spl_post_pair_add(p, cols[k], id);
	}
	free(cols);
	return 0;
}

/* rename a as b [, c as d] ...; a and b may have one '*' each. */
static int
spl_rename_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_tok	*a, *b;
	char		*from = NULL, *to = NULL;
	size_t		 nclauses = 0;
	int		 ida, idb;

	p = spl_post_new(cmd);
	while ((a = spl_tok_arg(c)) != NULL) {
		if ((from = spl_rename_name(c)) == NULL) {
			spl_tok_next(c);
			spl_error_pos(c, a->pos, "expected 'FIELD as NAME'");
			goto fail;
		}
		if (!spl_tok_is_ci(spl_tok_cur(c), "as")) {
			spl_error_pos(c, a->pos, "expected 'FIELD as NAME'");
			goto fail;
		}
		spl_tok_next(c);
		b = spl_tok_cur(c);
		if ((to = spl_rename_name(c)) == NULL) {
			spl_error_pos(c, b->pos,
			    "expected a field name after 'as'");
			goto fail;
		}
		nclauses++;
		if ((strchr(from, '*') != NULL || strchr(to, '*') != NULL) &&
		    !c->after_stats) {
			spl_error_pos(c, a->pos, "wildcards in rename before "
			    "stats are not supported");
			goto fail;
		}
		if (strchr(from, '*') != NULL || strchr(to, '*') != NULL) {
			if (spl_rename_wild(c, s, p, a, from, to) == -1)
				goto fail;
		} else {
			if ((ida = event_field_intern(from,
			    strlen(from))) == -1 ||
			    (idb = event_field_intern(to, strlen(to))) == -1) {
				spl_error_pos(c, a->pos,
				    "too many field names");
				goto fail;
			}
			spl_post_pair_add(p, ida, idb);
		}
		free(from);
		free(to);
		from = to = NULL;
	}
	if (nclauses == 0) {
		spl_error_pos(c, name->pos, "rename needs 'FIELD as NAME'");
		goto fail;
	}
	spl_post_add(s, p);
	return 0;
fail:
	free(from);
	free(to);
	spl_post_free(p);
	return -1;
}

/*
 * bin|bucket [span=N[smhd]] _time [as NAME], the options in any order:
 * the time floored to a multiple of the span (from the epoch, UTC).
 * Only _time and span= are supported: bins=, minspan=, start=, end= and
 * aligntime= are refused, as is a field other than _time (Splunk makes
 * ranges such as "10-20" of those).
 */
static int
spl_bin_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	struct spl_post	*p;
	struct spl_tok	*t, *v;
	int		 id = -1, to = -1;

	p = spl_post_new(cmd);
	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
			break;
		if (t->type != SPL_T_WORD) {
			spl_error_pos(c, t->pos, "unexpected '%s'",
			    spl_tok_text(t));
			goto fail;
		}
		spl_tok_next(c);
		if (spl_tok_cur(c)->type == SPL_T_EQ) {
			spl_tok_next(c);
			v = spl_tok_next(c);
			if (strcmp(t->val, "span") != 0) {
				spl_error_pos(c, t->pos, "%s option '%s' is "
				    "not supported", name->val, t->val);
				goto fail;
			}
			if (!spl_is_value(v) ||
			    spl_parse_span(v->val, &p->span_ms) == -1) {
				spl_error_pos(c, v->pos, "unsupported span "
				    "'%s'", spl_tok_text(v));
				goto fail;
			}
			continue;
		}
		if (spl_tok_is_ci(t, "as")) {
			v = spl_tok_next(c);
			if (id == -1 || !spl_is_value(v) ||
			    (to = spl_intern(c, v)) == -1) {
				spl_error_pos(c, t->pos,
				    "expected 'FIELD as NAME'");
				goto fail;
			}
			continue;
		}
		if (id != -1) {
			spl_error_pos(c, t->pos, "%s takes one field",
			    name->val);
			goto fail;
		}
		if (strcmp(t->val, "_time") != 0) {
			spl_error_pos(c, t->pos, "%s on a field other than "
			    "_time is not supported", name->val);
			goto fail;
		}
		id = EVENT_F_TIME;
	}
	if (id == -1 || p->span_ms == 0) {
		spl_error_pos(c, name->pos, "%s needs span= and _time",
		    name->val);
		goto fail;
	}
	spl_post_pair_add(p, id, to == -1 ? id : to);
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/* fields [+|-] a, b ... and table a b ... */
static int
spl_parse_fields(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s, bool table)
{
	struct spl_post	*p;
	struct spl_tok	*t;
	int		 id;

	p = spl_post_new(cmd);
	t = spl_tok_cur(c);
	if (!table && (spl_tok_is(t, "+") || spl_tok_is(t, "-"))) {
		p->drop = t->val[0] == '-';
		spl_tok_next(c);
	}
	while ((t = spl_tok_arg(c)) != NULL) {
		spl_tok_next(c);
		if (!spl_is_value(t)) {
			spl_error_pos(c, t->pos, "expected a field name, not "
			    "'%s'", spl_tok_text(t));
			goto fail;
		}
		if (strchr(t->val, '*') != NULL) {
			spl_error_pos(c, t->pos,
			    "wildcard field names are not supported");
			goto fail;
		}
		if ((id = spl_intern(c, t)) == -1)
			goto fail;
		spl_ids_add(&p->from, &p->n, id);
	}
	if (p->n == 0) {
		spl_error_pos(c, name->pos, "%s needs a field name",
		    name->val);
		goto fail;
	}
	spl_post_add(s, p);
	return 0;
fail:
	spl_post_free(p);
	return -1;
}

/* fields [+|-] a, b ... */
static int
spl_fields_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	return spl_parse_fields(c, cmd, name, s, false);
}

/* table a b ... */
static int
spl_table_parse(struct spl_ctx *c, const struct spl_cmd *cmd,
    const struct spl_tok *name, struct spl_search *s)
{
	return spl_parse_fields(c, cmd, name, s, true);
}

static void
spl_convert_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k;

	for (k = 0; k < p->n; k++)
		spl_ids_add_uniq(cols, n, p->to[k]);
}

static void
spl_rename_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k, m;

	for (k = 0; k < p->n; k++) {
		if (p->from[k] == p->to[k])
			continue;
		for (m = 0; m < *n; m++)
			if ((*cols)[m] == p->to[k]) {
				memmove(*cols + m, *cols + m + 1,
				    (*n - m - 1) * sizeof(**cols));
				(*n)--;
				break;
			}
		for (m = 0; m < *n; m++)
			if ((*cols)[m] == p->from[k])
				(*cols)[m] = p->to[k];
	}
}

/* fields - drops its list; fields [+] and table keep only theirs. */
static void
spl_fields_columns(const struct spl_post *p, int **cols, size_t *n)
{
	size_t	 k, m;
	int	*keep = NULL;

	if (p->drop) {
		for (m = 0, k = 0; k < *n; k++)
			if (!spl_has_id(p->from, p->n, (*cols)[k]))
				(*cols)[m++] = (*cols)[k];
		*n = m;
		return;
	}
	m = 0;
	for (k = 0; k < p->n; k++)
		spl_ids_add_uniq(&keep, &m, p->from[k]);
	free(*cols);
	*cols = keep;
	*n = m;
}

/*
 * The output columns of s as parsed so far into *cols[*n] (caller
 * frees): by-fields, aggregates, then each row command's.
 */
void
spl_columns_get(const struct spl_search *s, int **cols, size_t *n)
{
	const struct spl_post *p;
	size_t		 k;

	*cols = NULL;
	*n = 0;
	for (k = 0; k < s->stats.nby; k++)
		spl_ids_add_uniq(cols, n, s->stats.by[k]);
	for (k = 0; k < s->stats.nagg; k++)
		spl_ids_add_uniq(cols, n, s->stats.agg[k].as);
	for (k = 0; k < s->npost; k++) {
		p = s->post[k];
		if (p->cmd->columns != NULL)
			p->cmd->columns(p, cols, n);
	}
}

void
spl_columns(struct spl_search *s)
{
	spl_columns_get(s, &s->columns, &s->ncolumns);
}

/*
 * Parses the token stream into s: each command is looked up in the
 * table and checked against its phase.  Returns 0, or -1 with the error
 * set.
 */
int
spl_parse_pipeline(struct spl_ctx *c, struct spl_search *s)
{
	const struct spl_cmd *cmd;
	struct spl_expr	*filter;
	struct spl_tok	*name, *t;
	bool		 first = true;
	size_t		 k, k0;

	filter = spl_expr_new(SPL_N_AND);
	s->filter = filter;
	for (;;) {
		t = spl_tok_cur(c);
		name = NULL;
		if (t->type == SPL_T_EOF)
			break;
		if (t->type == SPL_T_PIPE) {
			spl_tok_next(c);
			name = spl_tok_next(c);
			if (name->type != SPL_T_WORD) {
				spl_error_pos(c, t->pos,
				    "expected a command after '|'");
				return -1;
			}
		} else if (first && spl_cmd_find(t) != NULL)
			name = spl_tok_next(c);
		else if (!first) {
			spl_error_pos(c, t->pos, "unexpected '%s'",
			    spl_tok_text(t));
			return -1;
		}
		first = false;
		if (name == NULL) {
			cmd = &spl_cmds[0];
			name = t;
		} else if ((cmd = spl_cmd_find(name)) == NULL ||
		    cmd->phase == SPL_PHASE_NONE) {
			spl_error_pos(c, name->pos, "unsupported command '%s'",
			    name->val);
			return -1;
		}
		if ((cmd->phase == SPL_PHASE_ROW ||
		    cmd->phase == SPL_PHASE_ROWSET) && !c->after_stats) {
			spl_error_pos(c, name->pos, "'%s' before stats is not "
			    "supported", name->val);
			return -1;
		}
		if (cmd->phase == SPL_PHASE_STATS && c->after_stats &&
		    cmd->parse != spl_stats_parse) {
			spl_error_pos(c, name->pos,
			    "only one %s command is supported", name->val);
			return -1;
		}
		k0 = s->npost;
		if (cmd->parse(c, cmd, name, s) == -1)
			return -1;
		/* A row command before stats works on the event's copy. */
		if (!c->after_stats && s->npost > k0) {
			s->pre = xreallocarray(s->pre, s->npre + s->npost - k0,
			    sizeof(*s->pre));
			for (k = k0; k < s->npost; k++)
				s->pre[s->npre++] = s->post[k];
			s->npost = k0;
		}
		if (cmd->phase == SPL_PHASE_STATS)
			c->after_stats = true;
	}
	if (!c->after_stats) {
		spl_error_at(c, 0, 0, "the search has no stats command");
		return -1;
	}
	/* Drop "*" terms from the filter; collapse a single term. */
	for (k = 0; k < filter->nkids; k++)
		if (filter->kids[k]->type == SPL_N_TRUE) {
			spl_expr_free(filter->kids[k]);
			memmove(filter->kids + k, filter->kids + k + 1,
			    (filter->nkids - k - 1) * sizeof(*filter->kids));
			filter->nkids--;
			k--;
		}
	if (filter->nkids == 0)
		filter->type = SPL_N_TRUE;
	else if (filter->nkids == 1) {
		s->filter = filter->kids[0];
		filter->nkids = 0;
		spl_expr_free(filter);
	}
	return 0;
}
