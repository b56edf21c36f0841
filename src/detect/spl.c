/*
 * The SPL compiler's driver.  A search goes through three stages, each in
 * its own file (spl_int.h lists them):
 *  1. macro expansion (spl_expand.c): every byte of the expanded text
 *     remembers where it came from, so that errors point into the right
 *     text;
 *  2. lexing into words, quoted strings, operators and pipes (spl_lex.c);
 *  3. parsing the pipeline through the command table (spl_cmd.c), with
 *     search expressions parsed by spl_parse.c, into a struct spl_search.
 * Everything else SPL offers is refused with a line, a column and a
 * reason.  The compiled filter's terms are then ordered by cost, the
 * EventCode it requires first.  Matching (spl_match.c) and the commands
 * after stats (spl_post.c) run on what this builds.  No I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/spl.h"
#include "detect/spl_int.h"
#include "xmalloc.h"

/*
 * The event fields s reads: the filter's (already in s->fields), those
 * the commands before stats read, and those stats reads that no command
 * before it made (the targets of rename, bin, rex, lookup and eval are
 * not event fields).
 */
static void
spl_pre_fields(struct spl_search *s)
{
	const struct spl_post *p;
	size_t		 k, j, nmade = 0, nread;
	int		*made = NULL, *read, id;

	for (k = 0; k < s->npre; k++) {
		p = s->pre[k];
		if (p->expr != NULL) {
			read = NULL;
			nread = 0;
			spl_expr_fields(p->expr, &read, &nread);
			for (j = 0; j < nread; j++)
				if (!spl_has_id(made, nmade, read[j]))
					spl_ids_add_uniq(&s->fields,
					    &s->nfields, read[j]);
			free(read);
		}
		/* rex and regex read field, lookup from[]; rex makes to[], */
		/* lookup outid[]. */
		if (p->re != NULL && !spl_has_id(made, nmade, p->field))
			spl_ids_add_uniq(&s->fields, &s->nfields, p->field);
		for (j = 0; p->re != NULL &&
		    p->cmd->apply == spl_rex_apply && j < p->n; j++)
			spl_ids_add_uniq(&made, &nmade, p->to[j]);
		for (j = 0; p->table != NULL && j < p->n; j++)
			if (!spl_has_id(made, nmade, p->from[j]))
				spl_ids_add_uniq(&s->fields, &s->nfields,
				    p->from[j]);
		for (j = 0; p->table != NULL && j < p->nout; j++)
			spl_ids_add_uniq(&made, &nmade, p->outid[j]);
		/* eval and where read and make fields in their order. */
		if (p->eval != NULL)
			spl_eval_pre_fields(p->eval, &s->fields, &s->nfields,
			    &made, &nmade);
		/* rename and bin read from[] and make to[]. */
		if (p->cmd->apply != spl_rename_apply &&
		    p->cmd->apply != spl_bin_apply)
			continue;
		for (j = 0; j < p->n; j++) {
			if (!spl_has_id(made, nmade, p->from[j]))
				spl_ids_add_uniq(&s->fields, &s->nfields,
				    p->from[j]);
			spl_ids_add_uniq(&made, &nmade, p->to[j]);
		}
	}
	for (k = 0; k < s->stats.nby + s->stats.nagg; k++) {
		id = k < s->stats.nby ? s->stats.by[k] :
		    s->stats.agg[k - s->stats.nby].field;
		if (id != -1 && !spl_has_id(made, nmade, id))
			spl_ids_add_uniq(&s->fields, &s->nfields, id);
	}
	free(made);
}

void
spl_search_finish(struct spl_ctx *c, struct spl_search *s)
{
	size_t	 k;

	if (spl_join_check(c, s) == -1)
		return;
	spl_columns(s);
	spl_rowset_mark(s);
	spl_expr_order(s->filter);
	for (k = 0; k < s->npost; k++)
		if (s->post[k]->expr != NULL)
			spl_expr_order(s->post[k]->expr);
	for (k = 0; k < s->npre; k++)
		if (s->pre[k]->expr != NULL)
			spl_expr_order(s->pre[k]->expr);
	s->event_code = spl_expr_event_code(s->filter);
	spl_expr_code_first(s->filter, s->event_code);
	/* The prefilter may skip an event only when every side skips it. */
	for (k = 0; k < s->nsubs; k++)
		if (s->subs[k]->event_code != s->event_code)
			s->event_code = -1;
	spl_expr_fields(s->filter, &s->fields, &s->nfields);
	spl_pre_fields(s);
	spl_window_classify(s);
	spl_first_classify(s);
}

struct spl_search *
spl_compile(const char *text, spl_macro_lookup_fn lookup, void *lookup_arg,
    struct spl_error *err)
{
	struct spl_env	 env;

	memset(&env, 0, sizeof(env));
	env.macro = lookup;
	env.macro_arg = lookup_arg;
	return spl_compile_env(text, &env, err);
}

struct spl_search *
spl_compile_env(const char *text, const struct spl_env *env,
    struct spl_error *err)
{
	struct spl_ctx	 c;
	struct spl_search *s = NULL;
	size_t		 k;

	event_fields_init();
	memset(err, 0, sizeof(*err));
	memset(&c, 0, sizeof(c));
	c.lookup = env->macro;
	c.lookup_arg = env->macro_arg;
	c.table = env->table;
	c.table_arg = env->table_arg;
	c.err = err;
	spl_origin_add(&c, "search", text);
	spl_expand(&c, text, strlen(text), NULL, 0, 0);
	if (c.failed)
		goto out;
	if (c.text == NULL)
		spl_text_add(&c, ' ', 0, 0);
	spl_lex(&c);
	if (c.failed)
		goto out;
	s = xcalloc(1, sizeof(*s));
	if (spl_parse_pipeline(&c, s) == -1) {
		spl_search_free(s);
		s = NULL;
		goto out;
	}
	s->text = xstrdup(c.text);
	spl_search_finish(&c, s);
	if (c.failed) {
		spl_search_free(s);
		s = NULL;
	}
out:
	for (k = 0; k < c.ntoks; k++)
		free(c.toks[k].val);
	free(c.toks);
	free(c.text);
	free(c.torig);
	free(c.toff);
	free(c.orig);
	return s;
}

void
spl_search_free(struct spl_search *s)
{
	size_t	 k;

	if (s == NULL)
		return;
	spl_expr_free(s->filter);
	free(s->stats.agg);
	free(s->stats.by);
	free(s->stats.fill);
	free(s->datamodel);
	for (k = 0; k < s->npost; k++)
		spl_post_free(s->post[k]);
	free(s->post);
	for (k = 0; k < s->npre; k++)
		spl_post_free(s->pre[k]);
	free(s->pre);
	for (k = 0; k < s->nsubs; k++)
		spl_search_free(s->subs[k]);
	free(s->subs);
	free(s->window_why);
	free(s->first_why);
	free(s->columns);
	free(s->fields);
	free(s->text);
	free(s);
}
