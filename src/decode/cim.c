/*
 * The Sysmon-to-CIM mapping (cim.h): a parser for the mapping file and
 * the evaluator of its rules.  A rule is "field = expression", where the
 * expression is a list of alternatives separated by '|', the first that
 * is not null winning; an alternative is a field name, a "string", or a
 * function of expressions (basename, lower, map, ...; cim(5) lists them).
 * Sections: [sysmon] (every Sysmon event), [sysmon N ...] (those event
 * ids, overriding [sysmon] field by field), [dataset Model.Dataset]
 * (with "events = N ..." for membership; its fields are named
 * "Dataset.field").  Values are never copied when a substring will do;
 * lower() and dnsanswers() write into the event's arena.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/cim_int.h"
#include "xmalloc.h"

#define CIM_MAX_FILE	(1024 * 1024)		/* bytes of a mapping */

static const struct {
	const char	*name;
	size_t		 min, max;	/* arguments */
} cim_fns[CIM_FN_COUNT] = {
	{ "basename", 1, 1 }, { "dirname", 1, 1 }, { "user", 1, 1 },
	{ "lower", 1, 1 }, { "map", 2, 64 }, { "ifeq", 4, 4 },
	{ "unwrap", 1, 1 }, { "typeword", 1, 1 }, { "cmdname", 1, 1 },
	{ "prefixmap", 3, 64 }, { "nullif", 2, 2 }, { "num", 1, 1 },
	{ "dnsanswers", 1, 1 }, { "kv", 2, 2 }
};

struct cim_parse {
	const char	*name;		/* for errors */
	int		 line;
	const char	*p, *end;	/* the rest of the line */
	char		*err;
};

static void
cim_error(struct cim_parse *c, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	if (c->err != NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)xasprintf(&c->err, "%s:%d: %s", c->name, c->line, msg);
}

static void
cim_node_free(struct cim_node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkid; i++)
		cim_node_free(n->kid[i]);
	free(n->kid);
	free(n->lit);
	free(n);
}

static void
cim_rules_free(struct cim_rules *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		cim_node_free(r->v[i].expr);
	free(r->v);
}

void
cim_map_free(struct cim_map *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->naddon; i++)
		cim_rules_free(&m->addon[i].rules);
	free(m->addon);
	for (i = 0; i < m->nds; i++) {
		cim_rules_free(&m->ds[i].rules);
		free(m->ds[i].name);
		free(m->ds[i].object);
	}
	free(m->ds);
	for (i = 0; i < CIM_NCODES; i++)
		free(m->by_code[i]);
	for (i = 0; i < m->nraw; i++)
		free(m->raw[i]);
	free(m->raw);
	free(m);
}

static void
cim_skip_space(struct cim_parse *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool
cim_is_name(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' ||
	    ch == '@' || ch == '-' || ch == ':';
}

/* A field or function name at c->p; its length, 0 when there is none. */
static size_t
cim_name(struct cim_parse *c, const char **s)
{
	const char	*q = c->p;

	while (q < c->end && cim_is_name(*q))
		q++;
	*s = c->p;
	return (size_t)(q - c->p);
}

static struct cim_node *cim_parse_expr(struct cim_parse *);

static struct cim_node *
cim_node_new(enum cim_node_type type)
{
	struct cim_node	*n;

	n = xcalloc(1, sizeof(*n));
	n->type = type;
	return n;
}

static void
cim_node_add(struct cim_node *n, struct cim_node *kid)
{
	n->kid = xreallocarray(n->kid, n->nkid + 1, sizeof(*n->kid));
	n->kid[n->nkid++] = kid;
}

/* "text" with \\ and \" as the characters themselves. */
static struct cim_node *
cim_parse_string(struct cim_parse *c)
{
	struct cim_node	*n;
	char		*buf;
	size_t		 len = 0;

	buf = xmalloc((size_t)(c->end - c->p) + 1);
	for (c->p++; c->p < c->end && *c->p != '"'; c->p++) {
		if (*c->p == '\\' && c->p + 1 < c->end &&
		    (c->p[1] == '\\' || c->p[1] == '"'))
			c->p++;
		buf[len++] = *c->p;
	}
	if (c->p >= c->end) {
		free(buf);
		cim_error(c, "unterminated string");
		return NULL;
	}
	c->p++;
	buf[len] = '\0';
	n = cim_node_new(CIM_NODE_LIT);
	n->lit = buf;
	n->litlen = len;
	return n;
}

static struct cim_node *
cim_parse_call(struct cim_parse *c, const char *s, size_t len)
{
	struct cim_node	*n, *kid;
	size_t		 i;

	for (i = 0; i < CIM_FN_COUNT; i++)
		if (strlen(cim_fns[i].name) == len &&
		    memcmp(cim_fns[i].name, s, len) == 0)
			break;
	if (i == CIM_FN_COUNT) {
		cim_error(c, "unknown function '%.*s'", (int)len, s);
		return NULL;
	}
	n = cim_node_new(CIM_NODE_CALL);
	n->fn = (enum cim_fn)i;
	c->p++;				/* ( */
	cim_skip_space(c);
	while (c->p < c->end && *c->p != ')') {
		if ((kid = cim_parse_expr(c)) == NULL)
			goto fail;
		cim_node_add(n, kid);
		cim_skip_space(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			cim_skip_space(c);
		} else if (c->p < c->end && *c->p != ')') {
			cim_error(c, "expected ',' or ')' in %s()",
			    cim_fns[i].name);
			goto fail;
		}
	}
	if (c->p >= c->end) {
		cim_error(c, "missing ')' after %s(", cim_fns[i].name);
		goto fail;
	}
	c->p++;
	if (n->nkid < cim_fns[i].min || n->nkid > cim_fns[i].max) {
		cim_error(c, "%s() takes %zu to %zu arguments, not %zu",
		    cim_fns[i].name, cim_fns[i].min, cim_fns[i].max,
		    n->nkid);
		goto fail;
	}
	return n;
fail:
	cim_node_free(n);
	return NULL;
}

static struct cim_node *
cim_parse_term(struct cim_parse *c)
{
	struct cim_node	*n;
	const char	*s;
	size_t		 len;
	int		 id;

	cim_skip_space(c);
	if (c->p < c->end && *c->p == '"')
		return cim_parse_string(c);
	if ((len = cim_name(c, &s)) == 0) {
		cim_error(c, "expected a field, a \"string\" or a function");
		return NULL;
	}
	c->p += len;
	if (c->p < c->end && *c->p == '(')
		return cim_parse_call(c, s, len);
	if ((id = event_field_intern(s, len)) == -1) {
		cim_error(c, "too many field names");
		return NULL;
	}
	n = cim_node_new(CIM_NODE_FIELD);
	n->id = id;
	return n;
}

static struct cim_node *
cim_parse_expr(struct cim_parse *c)
{
	struct cim_node	*n, *alt = NULL;

	if ((n = cim_parse_term(c)) == NULL)
		return NULL;
	for (;;) {
		cim_skip_space(c);
		if (c->p >= c->end || *c->p != '|')
			break;
		c->p++;
		if (alt == NULL) {
			alt = cim_node_new(CIM_NODE_ALT);
			cim_node_add(alt, n);
		}
		if ((n = cim_parse_term(c)) == NULL) {
			cim_node_free(alt);
			return NULL;
		}
		cim_node_add(alt, n);
	}
	return alt != NULL ? alt : n;
}

/* "1 7 23" into a bit set; false with an error on anything else. */
static bool
cim_parse_codes(struct cim_parse *c, uint64_t codes[4])
{
	char		*q;
	unsigned long	 v;
	bool		 any = false;

	for (;;) {
		cim_skip_space(c);
		if (c->p >= c->end || *c->p == ']')
			break;
		if (!isdigit((unsigned char)*c->p)) {
			cim_error(c, "expected an event id, not '%.*s'",
			    (int)(c->end - c->p), c->p);
			return false;
		}
		errno = 0;
		v = strtoul(c->p, &q, 10);
		if (errno != 0 || v > CIM_MAX_EVENT_CODE || q > c->end) {
			cim_error(c, "event id out of range (0-%d)",
			    CIM_MAX_EVENT_CODE);
			return false;
		}
		codes[v >> 6] |= (uint64_t)1 << (v & 63);
		c->p = q;
		any = true;
		if (c->p < c->end && *c->p == ',')
			c->p++;
	}
	return any;
}

static struct cim_rules *
cim_parse_section(struct cim_parse *c, struct cim_map *m)
{
	struct cim_addon	*a;
	struct cim_dataset	*ds;
	const char		*s, *dot;
	size_t			 len;
	bool			 is_ds = false;

	c->p++;				/* [ */
	cim_skip_space(c);
	len = cim_name(c, &s);
	c->p += len;
	if (len == 6 && memcmp(s, "sysmon", 6) == 0) {
		m->addon = xreallocarray(m->addon, m->naddon + 1,
		    sizeof(*m->addon));
		a = &m->addon[m->naddon++];
		memset(a, 0, sizeof(*a));
		a->general = !cim_parse_codes(c, a->codes);
		if (c->err != NULL)
			return NULL;
		goto close;
	}
	if (len == 7 && memcmp(s, "dataset", 7) == 0) {
		cim_skip_space(c);
		len = cim_name(c, &s);
		c->p += len;
		if ((dot = memchr(s, '.', len)) == NULL || dot == s ||
		    dot + 1 == s + len) {
			cim_error(c, "a dataset is named Model.Dataset");
			return NULL;
		}
		if (cim_dataset_find(m, s, len) != NULL) {
			cim_error(c, "dataset %.*s defined twice", (int)len, s);
			return NULL;
		}
		m->ds = xreallocarray(m->ds, m->nds + 1, sizeof(*m->ds));
		ds = &m->ds[m->nds++];
		memset(ds, 0, sizeof(*ds));
		ds->name = xstrndup(s, len);
		ds->object = xstrndup(dot + 1, (size_t)(s + len - dot - 1));
		is_ds = true;
		goto close;
	}
	cim_error(c, "unknown section '%.*s' (sysmon or dataset)", (int)len,
	    s);
	return NULL;
close:
	cim_skip_space(c);
	if (c->p >= c->end || *c->p != ']') {
		cim_error(c, "expected ']'");
		return NULL;
	}
	c->p++;
	cim_skip_space(c);
	if (c->p < c->end) {
		cim_error(c, "text after ']'");
		return NULL;
	}
	return is_ds ? &m->ds[m->nds - 1].rules :
	    &m->addon[m->naddon - 1].rules;
}

/*
 * "fields = A B ...": names of raw fields some events carry, kept as
 * names (cim_map_produces() reads them; sorted by cim_map_parse()).
 */
static void
cim_parse_fields(struct cim_parse *c, struct cim_map *m)
{
	const char	*s;
	size_t		 len;

	for (;;) {
		cim_skip_space(c);
		if (c->p >= c->end)
			return;
		if ((len = cim_name(c, &s)) == 0) {
			cim_error(c, "expected a field name, not '%.*s'",
			    (int)(c->end - c->p), c->p);
			return;
		}
		c->p += len;
		m->raw = xreallocarray(m->raw, m->nraw + 1,
		    sizeof(*m->raw));
		m->raw[m->nraw++] = xstrndup(s, len);
	}
}

static int
cim_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * "name = expr", "fields = ..." in a [sysmon] section, "events = N ..."
 * in a dataset.
 */
static void
cim_parse_rule(struct cim_parse *c, struct cim_map *m, struct cim_rules *r,
    struct cim_dataset *ds)
{
	struct cim_rule	*rule;
	struct cim_node	*expr;
	const char	*s;
	char		 full[256];
	size_t		 len, i;
	int		 id;

	len = cim_name(c, &s);
	c->p += len;
	cim_skip_space(c);
	if (len == 0 || c->p >= c->end || *c->p != '=') {
		cim_error(c, "expected 'field = expression'");
		return;
	}
	c->p++;
	if (ds == NULL && len == 6 && memcmp(s, "fields", 6) == 0) {
		cim_parse_fields(c, m);
		return;
	}
	if (ds != NULL && len == 6 && memcmp(s, "events", 6) == 0) {
		memset(ds->codes, 0, sizeof(ds->codes));
		if (!cim_parse_codes(c, ds->codes) && c->err == NULL)
			cim_error(c, "events = needs at least one event id");
		if (c->err == NULL && c->p < c->end)
			cim_error(c, "unexpected ']'");
		return;
	}
	if (ds != NULL) {
		if (snprintf(full, sizeof(full), "%s.%.*s", ds->object,
		    (int)len, s) >= (int)sizeof(full)) {
			cim_error(c, "field name too long");
			return;
		}
		id = event_field_intern(full, strlen(full));
	} else
		id = event_field_intern(s, len);
	if (id == -1) {
		cim_error(c, "too many field names");
		return;
	}
	if ((expr = cim_parse_expr(c)) == NULL)
		return;
	cim_skip_space(c);
	if (c->p < c->end) {
		cim_error(c, "unexpected '%.*s'", (int)(c->end - c->p), c->p);
		cim_node_free(expr);
		return;
	}
	for (i = 0; i < r->n; i++)
		if (r->v[i].target == id) {
			cim_error(c, "%.*s set twice in one section (line %d)",
			    (int)len, s, r->v[i].line);
			cim_node_free(expr);
			return;
		}
	(void)m;
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	rule = &r->v[r->n++];
	rule->target = id;
	rule->expr = expr;
	rule->line = c->line;
	rule->live = true;
}

/*
 * Per event id, the live [sysmon] rules not overridden, then the live
 * specific ones (again after cim_map_prepare()).
 */
static void
cim_map_index(struct cim_map *m)
{
	const struct cim_rule	**v;
	size_t			 code, i, j, k, n;
	bool			 over;

	for (code = 0; code < CIM_NCODES; code++) {
		n = 0;
		for (i = 0; i < m->naddon; i++)
			n += m->addon[i].rules.n;
		v = xcalloc(n + 1, sizeof(*v));
		n = 0;
		for (i = 0; i < m->naddon; i++) {
			if (!m->addon[i].general)
				continue;
			for (j = 0; j < m->addon[i].rules.n; j++) {
				over = false;
				for (k = 0; code != CIM_OTHER &&
				    k < m->naddon && !over; k++)
					over = !m->addon[k].general &&
					    cim_code_in(m->addon[k].codes,
					    code) &&
					    cim_rules_sets(&m->addon[k].rules,
					    m->addon[i].rules.v[j].target);
				if (!over && m->addon[i].rules.v[j].live)
					v[n++] = &m->addon[i].rules.v[j];
			}
		}
		for (i = 0; code != CIM_OTHER && i < m->naddon; i++) {
			if (m->addon[i].general ||
			    !cim_code_in(m->addon[i].codes, code))
				continue;
			for (j = 0; j < m->addon[i].rules.n; j++)
				if (m->addon[i].rules.v[j].live)
					v[n++] = &m->addon[i].rules.v[j];
		}
		free(m->by_code[code]);
		m->by_code[code] = v;
		m->nby_code[code] = n;
	}
}

struct cim_map *
cim_map_parse(const char *text, size_t len, const char *name, char **errstr)
{
	struct cim_parse	 c;
	struct cim_map		*m;
	struct cim_rules	*cur = NULL;
	struct cim_dataset	*ds = NULL;
	const char		*p = text, *end = text + len, *eol, *hash;
	size_t			 i;

	event_fields_init();
	m = xcalloc(1, sizeof(*m));
	memset(&c, 0, sizeof(c));
	c.name = name;
	for (; p < end && c.err == NULL; p = eol + (eol < end)) {
		c.line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		c.p = p;
		c.end = eol;
		/* A '#' outside a string starts a comment. */
		for (hash = p; hash < eol; hash++) {
			if (*hash == '"')
				while (++hash < eol && *hash != '"')
					if (*hash == '\\' && hash + 1 < eol)
						hash++;
			if (hash < eol && *hash == '#')
				break;
		}
		c.end = hash < eol ? hash : eol;
		while (c.end > c.p && isspace((unsigned char)c.end[-1]))
			c.end--;
		cim_skip_space(&c);
		if (c.p >= c.end)
			continue;
		if (*c.p == '[') {
			cur = cim_parse_section(&c, m);
			ds = cur != NULL && m->nds > 0 &&
			    cur == &m->ds[m->nds - 1].rules ?
			    &m->ds[m->nds - 1] : NULL;
			continue;
		}
		if (cur == NULL) {
			cim_error(&c, "a rule before the first [section]");
			break;
		}
		cim_parse_rule(&c, m, cur, ds);
	}
	for (i = 0; c.err == NULL && i < m->nds; i++)
		if (m->ds[i].codes[0] == 0 && m->ds[i].codes[1] == 0 &&
		    m->ds[i].codes[2] == 0 && m->ds[i].codes[3] == 0) {
			c.line = 0;
			(void)xasprintf(&c.err, "%s: dataset %s has no "
			    "'events =' line", name, m->ds[i].name);
		}
	if (c.err != NULL) {
		*errstr = c.err;
		cim_map_free(m);
		return NULL;
	}
	if (m->nraw > 0)		/* qsort(NULL, 0, ...) is undefined */
		qsort(m->raw, m->nraw, sizeof(*m->raw), cim_name_cmp);
	cim_map_index(m);
	return m;
}

struct cim_map *
cim_map_load(const char *path, char **errstr)
{
	struct cim_map	*m;
	FILE		*fp;
	char		*buf;
	size_t		 n;

	if ((fp = fopen(path, "r")) == NULL) {
		(void)xasprintf(errstr, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(CIM_MAX_FILE + 1);
	n = fread(buf, 1, CIM_MAX_FILE + 1, fp);
	if (ferror(fp) || n > CIM_MAX_FILE) {
		(void)xasprintf(errstr, "%s: %s", path, ferror(fp) ?
		    strerror(errno) : "larger than 1 MiB");
		(void)fclose(fp);
		free(buf);
		return NULL;
	}
	(void)fclose(fp);
	m = cim_map_parse(buf, n, path, errstr);
	free(buf);
	return m;
}

static bool
cim_need_has(const uint64_t *need, int id)
{
	return (need[(unsigned)id >> 6] >> ((unsigned)id & 63)) & 1;
}

/* Adds the fields expression n reads to need; true when one was new. */
static bool
cim_node_needs(const struct cim_node *n, uint64_t *need)
{
	size_t	 i;
	bool	 added = false;

	if (n->type == CIM_NODE_FIELD && !cim_need_has(need, n->id)) {
		need[(unsigned)n->id >> 6] |= (uint64_t)1 << (n->id & 63);
		added = true;
	}
	for (i = 0; i < n->nkid; i++)
		added |= cim_node_needs(n->kid[i], need);
	return added;
}

static bool
cim_rules_prepare(struct cim_rules *r, uint64_t *need)
{
	size_t	 i;
	bool	 added = false;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].live || !cim_need_has(need, r->v[i].target))
			continue;
		r->v[i].live = true;
		added = true;
		(void)cim_node_needs(r->v[i].expr, need);
	}
	return added;
}

void
cim_map_prepare(struct cim_map *m, const uint64_t *need)
{
	uint64_t	 want[EVENT_MAX_FIELDS / 64];
	size_t		 i, j;
	bool		 more;

	for (i = 0; i < m->naddon; i++)
		for (j = 0; j < m->addon[i].rules.n; j++)
			m->addon[i].rules.v[j].live = need == NULL;
	for (i = 0; i < m->nds; i++)
		for (j = 0; j < m->ds[i].rules.n; j++)
			m->ds[i].rules.v[j].live = need == NULL;
	if (need == NULL) {
		cim_map_index(m);
		return;
	}
	memcpy(want, need, sizeof(want));
	do {
		more = false;
		for (i = 0; i < m->nds; i++)
			more |= cim_rules_prepare(&m->ds[i].rules, want);
		for (i = 0; i < m->naddon; i++)
			more |= cim_rules_prepare(&m->addon[i].rules, want);
	} while (more);
	cim_map_index(m);
}

/* The fields the live rules of r read, into want. */
static void
cim_rules_reads(const struct cim_rules *r, uint64_t *want)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].live)
			(void)cim_node_needs(r->v[i].expr, want);
}

void
cim_map_reads(const struct cim_map *m, uint64_t *want)
{
	size_t	 i;

	for (i = 0; i < m->naddon; i++)
		cim_rules_reads(&m->addon[i].rules, want);
	for (i = 0; i < m->nds; i++)
		cim_rules_reads(&m->ds[i].rules, want);
}

const struct cim_dataset *
cim_dataset_find(const struct cim_map *m, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < m->nds; i++)
		if ((strlen(m->ds[i].name) == len &&
		    memcmp(m->ds[i].name, name, len) == 0) ||
		    (strlen(m->ds[i].object) == len &&
		    memcmp(m->ds[i].object, name, len) == 0))
			return &m->ds[i];
	return NULL;
}

const char *
cim_dataset_name(const struct cim_dataset *ds)
{
	return ds->name;
}

const char *
cim_dataset_object(const struct cim_dataset *ds)
{
	return ds->object;
}



int
cim_dataset_field(const struct cim_dataset *ds, const char *field,
    size_t len)
{
	int	 id;

	if ((id = event_field_lookup(field, len)) == -1)
		return -1;
	return cim_rules_sets(&ds->rules, id) ? id : -1;
}

size_t
cim_map_ndatasets(const struct cim_map *m)
{
	return m->nds;
}

const struct cim_dataset *
cim_map_dataset(const struct cim_map *m, size_t i)
{
	return i < m->nds ? &m->ds[i] : NULL;
}

bool
cim_map_produces(const struct cim_map *m, int id)
{
	const char	*name;
	size_t		 i;

	if ((name = event_field_name(id)) == NULL)
		return false;
	if (m->nraw > 0 && bsearch(&name, m->raw, m->nraw, sizeof(*m->raw),
	    cim_name_cmp) != NULL)
		return true;
	for (i = 0; i < m->naddon; i++)
		if (cim_rules_sets(&m->addon[i].rules, id))
			return true;
	for (i = 0; i < m->nds; i++)
		if (cim_rules_sets(&m->ds[i].rules, id))
			return true;
	return false;
}
