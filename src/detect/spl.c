/*
 * The SPL compiler.  A search goes through three stages:
 *  1. macro expansion: `name` and `name(a, b)` are replaced by their
 *     definitions, textually and recursively, as Splunk does; every byte
 *     of the expanded text remembers where it came from (the search or a
 *     macro definition) so that errors point into the right text;
 *     backticks inside quoted strings are left alone;
 *  2. lexing into words, quoted strings, operators and pipes;
 *  3. parsing the pipeline (search, stats, convert, rename, fields,
 *     table) into a struct spl_search.
 * Everything else SPL offers is refused with a line, a column and a
 * reason.  Search expressions use Splunk's precedence: NOT binds
 * tightest, then OR, then AND (explicit or implicit), so "a b OR c" is
 * "a AND (b OR c)".
 *
 * Matching follows Splunk: values compare case-insensitively (ASCII only:
 * bytes outside ASCII compare exactly), "*" is a wildcard anywhere, and a
 * value that looks like a number compares numerically with a field value
 * that looks like a number.  Every value is compiled at load time, so
 * spl_match() allocates nothing.  This module does no I/O.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "decode/event.h"
#include "detect/spl.h"
#include "xmalloc.h"

#define SPL_MACRO_DEPTH		10	/* nested macro expansions */
#define SPL_NUM_MAX		64	/* longest text taken as a number */
#define SPL_TIME_MAX		256	/* longest formatted ctime() */

enum spl_node {
	SPL_N_TRUE = 0,			/* "*": every event */
	SPL_N_AND,
	SPL_N_OR,
	SPL_N_NOT,
	SPL_N_CMP			/* field OP value(s) */
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
	bool		 numeric;	/* looks like a number */
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
};

enum spl_post_type {
	SPL_P_CONVERT = 0,		/* convert ctime() */
	SPL_P_RENAME,
	SPL_P_FIELDS_KEEP,		/* fields [+] a b */
	SPL_P_FIELDS_DROP,		/* fields - a b */
	SPL_P_TABLE,
	SPL_P_SEARCH
};

struct spl_post {
	enum spl_post_type type;
	char		*timeformat;	/* CONVERT */
	size_t		 n;		/* pairs or fields */
	int		*from;		/* CONVERT, RENAME: source ids; */
	int		*to;		/*   and destination ids; others: */
					/*   the field list is in from */
	struct spl_expr	*expr;		/* SEARCH */
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
	SPL_T_GE
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
};

static void	spl_expr_free(struct spl_expr *);
static struct spl_expr *spl_parse_and(struct spl_ctx *);

/* Sets err at offset off of origin o (first error wins). */
static void
spl_error_at(struct spl_ctx *c, uint32_t o, size_t off, const char *fmt, ...)
{
	const char	*t;
	va_list		 ap;
	size_t		 k;
	int		 line = 1, col = 1;

	if (c->failed)
		return;
	c->failed = true;
	t = c->orig[o].text;
	for (k = 0; k < off && t[k] != '\0'; k++) {
		if (t[k] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	snprintf(c->err->origin, sizeof(c->err->origin), "%s",
	    c->orig[o].name);
	c->err->line = line;
	c->err->column = col;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
}

/* Sets err at offset pos of the expanded text. */
static void
spl_error_pos(struct spl_ctx *c, size_t pos, const char *fmt, ...)
{
	char		 msg[256];
	va_list		 ap;
	uint32_t	 o = 0;
	size_t		 off = 0;

	if (pos < c->len) {
		o = c->torig[pos];
		off = c->toff[pos];
	} else if (c->len > 0) {
		o = c->torig[c->len - 1];
		off = c->toff[c->len - 1] + 1;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	spl_error_at(c, o, off, "%s", msg);
}

static void
spl_text_add(struct spl_ctx *c, char ch, uint32_t o, uint32_t off)
{
	if (c->len + 1 >= c->cap) {
		c->cap = c->cap == 0 ? 256 : c->cap * 2;
		c->text = xreallocarray(c->text, c->cap, 1);
		c->torig = xreallocarray(c->torig, c->cap,
		    sizeof(*c->torig));
		c->toff = xreallocarray(c->toff, c->cap, sizeof(*c->toff));
	}
	c->text[c->len] = ch;
	c->torig[c->len] = o;
	c->toff[c->len] = off;
	c->len++;
	c->text[c->len] = '\0';
}

static uint32_t
spl_origin_add(struct spl_ctx *c, const char *name, const char *text)
{
	c->orig = xreallocarray(c->orig, c->norig + 1, sizeof(*c->orig));
	snprintf(c->orig[c->norig].name, sizeof(c->orig[0].name), "%s",
	    name);
	c->orig[c->norig].text = text;
	return (uint32_t)c->norig++;
}

static bool
spl_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\f' || ch == '\v';
}

/* Trims whitespace off [*s, *s + *len). */
static void
spl_trim(const char **s, size_t *len)
{
	while (*len > 0 && spl_is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && spl_is_space((*s)[*len - 1]))
		(*len)--;
}

/* Returns the offset just past the string that opens at s[i] ('"'). */
static size_t
spl_skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return len;
}

/*
 * Splits the arguments of a macro call "a, b" at top-level commas.
 * Fills at most max (start, length) pairs; returns how many there are.
 */
static size_t
spl_macro_split(const char *s, size_t len, const char **av, size_t *al,
    size_t max)
{
	size_t		 i, start = 0, n = 0;
	int		 depth = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] == '"') {
			i = spl_skip_string(s, len, i) - 1;
			continue;
		}
		if (i < len && s[i] == '(')
			depth++;
		else if (i < len && s[i] == ')')
			depth--;
		else if (i == len || (s[i] == ',' && depth == 0)) {
			if (n < max) {
				av[n] = s + start;
				al[n] = i - start;
				spl_trim(&av[n], &al[n]);
			}
			n++;
			start = i + 1;
		}
	}
	return n;
}

#define SPL_MACRO_MAXARGS	16

static void	spl_expand(struct spl_ctx *, const char *, size_t,
		    const uint32_t *, uint32_t, int);

/*
 * Expands the macro call "name" or "name(a, b)" (the clen bytes at call,
 * between backticks) whose opening backtick is at offset off of origin o.
 */
static void
spl_expand_call(struct spl_ctx *c, const char *call, size_t clen,
    uint32_t o, size_t off, int depth)
{
	struct spl_macro_def def;
	const char	*av[SPL_MACRO_MAXARGS], *name = call, *p;
	const char	*deftext, *end;
	size_t		 al[SPL_MACRO_MAXARGS], nlen, nargs = 0, k, a, n;
	size_t		 maxal;
	char		 oname[128], key[128], label[128];
	char		*sub = NULL;
	uint32_t	*suboff = NULL, no;
	size_t		 sublen = 0, subcap;

	nlen = clen;
	spl_trim(&name, &nlen);
	if ((p = memchr(name, '(', nlen)) != NULL) {
		if (name[nlen - 1] != ')') {
			spl_error_at(c, o, off, "malformed macro call");
			return;
		}
		nargs = spl_macro_split(p + 1, (size_t)(name + nlen - 1 -
		    (p + 1)), av, al, SPL_MACRO_MAXARGS);
		if (nargs > SPL_MACRO_MAXARGS) {
			spl_error_at(c, o, off, "too many macro arguments");
			return;
		}
		nlen = (size_t)(p - name);
		spl_trim(&name, &nlen);
	}
	if (nlen == 0 || nlen > 100) {
		spl_error_at(c, o, off, "bad macro name");
		return;
	}
	if (depth >= SPL_MACRO_DEPTH) {
		spl_error_at(c, o, off, "macros nested deeper than %d levels",
		    SPL_MACRO_DEPTH);
		return;
	}
	if (nargs > 0)
		snprintf(oname, sizeof(oname), "%.*s(%zu)", (int)nlen, name,
		    nargs);
	else
		snprintf(oname, sizeof(oname), "%.*s", (int)nlen, name);
	memset(&def, 0, sizeof(def));
	snprintf(key, sizeof(key), "%.*s", (int)nlen, name);
	if (c->lookup == NULL || !c->lookup(c->lookup_arg, key, nargs, &def)) {
		/* Each detection's filter macro defaults to pass-all. */
		if (nargs == 0 && nlen > 7 &&
		    memcmp(name + nlen - 7, "_filter", 7) == 0)
			def.definition = "search *";
		else {
			spl_error_at(c, o, off, "unknown macro '%s'", oname);
			return;
		}
	}
	if (def.nargs != nargs) {
		spl_error_at(c, o, off, "macro '%s' takes %zu arguments",
		    oname, def.nargs);
		return;
	}
	deftext = def.definition;
	snprintf(label, sizeof(label), "macro %.110s", oname);
	no = spl_origin_add(c, label, deftext);

	/*
	 * Substitute $arg$; substituted bytes point at the '$'.  Each
	 * substitution consumes at least two bytes ("$x$" is three), which
	 * bounds the size.
	 */
	for (a = 0, maxal = 0; a < nargs; a++)
		if (al[a] > maxal)
			maxal = al[a];
	subcap = strlen(deftext) + (strlen(deftext) / 2 + 1) * maxal + 1;
	sub = xmalloc(subcap);
	suboff = xreallocarray(NULL, subcap, sizeof(*suboff));
	for (k = 0; deftext[k] != '\0'; k++) {
		if (deftext[k] == '$' && nargs > 0 &&
		    (end = strchr(deftext + k + 1, '$')) != NULL) {
			n = (size_t)(end - (deftext + k + 1));
			for (a = 0; a < nargs; a++)
				if (strlen(def.args[a]) == n && memcmp(
				    def.args[a], deftext + k + 1, n) == 0)
					break;
			if (a < nargs) {
				for (n = 0; n < al[a]; n++) {
					sub[sublen] = av[a][n];
					suboff[sublen++] = (uint32_t)k;
				}
				k = (size_t)(end - deftext);
				continue;
			}
		}
		sub[sublen] = deftext[k];
		suboff[sublen++] = (uint32_t)k;
	}
	spl_expand(c, sub, sublen, suboff, no, depth + 1);
	free(sub);
	free(suboff);
}

/*
 * Appends text (of origin o; offmap maps each byte to its offset in the
 * origin, NULL for the identity) to the expanded text, expanding macro
 * calls.
 */
static void
spl_expand(struct spl_ctx *c, const char *s, size_t len,
    const uint32_t *offmap, uint32_t o, int depth)
{
	size_t		 i, j, end;
	uint32_t	 off;

	for (i = 0; i < len && !c->failed; i++) {
		off = offmap != NULL ? offmap[i] : (uint32_t)i;

		if (s[i] == '"') {
			end = spl_skip_string(s, len, i);
			for (j = i; j < end; j++)
				spl_text_add(c, s[j], o, offmap != NULL ?
				    offmap[j] : (uint32_t)j);
			i = end - 1;
			continue;
		}
		if (s[i] != '`') {
			spl_text_add(c, s[i], o, off);
			continue;
		}
		for (j = i + 1; j < len && s[j] != '`'; j++)
			;
		if (j == len) {
			spl_error_at(c, o, off, "unterminated macro call");
			return;
		}
		/* Keep tokens on either side of the expansion apart. */
		spl_text_add(c, ' ', o, off);
		spl_expand_call(c, s + i + 1, j - i - 1, o, off, depth);
		spl_text_add(c, ' ', o, offmap != NULL ? offmap[j] :
		    (uint32_t)j);
		i = j;
	}
}

/* Lexer. */

static bool
spl_is_word_end(const char *s, size_t i)
{
	char	 ch = s[i];

	if (ch == '\0' || spl_is_space(ch))
		return true;
	if (strchr("()|,\"=<>", ch) != NULL)
		return true;
	return ch == '!' && s[i + 1] == '=';
}

static void
spl_tok_add(struct spl_ctx *c, enum spl_tok_type type, size_t pos,
    char *val, size_t len)
{
	c->toks = xreallocarray(c->toks, c->ntoks + 1, sizeof(*c->toks));
	c->toks[c->ntoks].type = type;
	c->toks[c->ntoks].pos = pos;
	c->toks[c->ntoks].val = val;
	c->toks[c->ntoks].len = len;
	c->ntoks++;
}

/* Unescapes the quoted string opening at text[i]; returns the end. */
static size_t
spl_lex_string(struct spl_ctx *c, size_t i)
{
	const char	*s = c->text;
	char		*v;
	size_t		 k, n = 0;

	v = xmalloc(c->len - i);
	for (k = i + 1; k < c->len; k++) {
		if (s[k] == '"') {
			v[n] = '\0';
			spl_tok_add(c, SPL_T_STRING, i, v, n);
			return k + 1;
		}
		if (s[k] == '\\' && k + 1 < c->len &&
		    strchr("\\\"()", s[k + 1]) != NULL) {
			v[n++] = s[++k];
			continue;
		}
		v[n++] = s[k];
	}
	free(v);
	spl_error_pos(c, i, "unterminated string");
	return c->len;
}

static void
spl_lex(struct spl_ctx *c)
{
	const char	*s = c->text;
	size_t		 i = 0, j;

	while (i < c->len && !c->failed) {
		if (spl_is_space(s[i])) {
			i++;
			continue;
		}
		switch (s[i]) {
		case '|':
			spl_tok_add(c, SPL_T_PIPE, i++, NULL, 0);
			continue;
		case '(':
			spl_tok_add(c, SPL_T_LPAREN, i++, NULL, 0);
			continue;
		case ')':
			spl_tok_add(c, SPL_T_RPAREN, i++, NULL, 0);
			continue;
		case ',':
			spl_tok_add(c, SPL_T_COMMA, i++, NULL, 0);
			continue;
		case '=':
			spl_tok_add(c, SPL_T_EQ, i++, NULL, 0);
			continue;
		case '"':
			i = spl_lex_string(c, i);
			continue;
		case '<':
		case '>':
			if (s[i + 1] == '=') {
				spl_tok_add(c, s[i] == '<' ? SPL_T_LE :
				    SPL_T_GE, i, NULL, 0);
				i += 2;
			} else {
				spl_tok_add(c, s[i] == '<' ? SPL_T_LT :
				    SPL_T_GT, i, NULL, 0);
				i++;
			}
			continue;
		case '!':
			if (s[i + 1] == '=') {
				spl_tok_add(c, SPL_T_NE, i, NULL, 0);
				i += 2;
				continue;
			}
			break;
		}
		for (j = i + 1; j < c->len && !spl_is_word_end(s, j); j++)
			;
		spl_tok_add(c, SPL_T_WORD, i, xstrndup(s + i, j - i), j - i);
		i = j;
	}
	spl_tok_add(c, SPL_T_EOF, c->len, NULL, 0);
}

/* Values and matching. */

/* Parses a number (optional sign, digits, optional fraction). */
static bool
spl_parse_num(const char *s, size_t len, double *out)
{
	char		 buf[SPL_NUM_MAX];
	size_t		 i = 0, digits = 0;
	uint64_t	 v = 0;

	if (len == 0 || len >= sizeof(buf))
		return false;
	/* Up to 15 plain digits are exact in a double: no strtod(). */
	for (; i < len && i < 16 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == len && len <= 15) {
		*out = (double)v;
		return true;
	}
	i = 0;
	if (s[0] == '-' || s[0] == '+')
		i++;
	for (; i < len && isdigit((unsigned char)s[i]); i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			digits++;
	if (i != len || digits == 0)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* ASCII lowercase of every byte value, whatever the locale. */
#define SPL_LC1(x)	((x) + ((x) >= 'A' && (x) <= 'Z' ? 'a' - 'A' : 0))
#define SPL_LC4(x)	SPL_LC1(x), SPL_LC1((x) + 1), SPL_LC1((x) + 2), \
			SPL_LC1((x) + 3)
#define SPL_LC16(x)	SPL_LC4(x), SPL_LC4((x) + 4), SPL_LC4((x) + 8), \
			SPL_LC4((x) + 12)
#define SPL_LC64(x)	SPL_LC16(x), SPL_LC16((x) + 16), SPL_LC16((x) + 32), \
			SPL_LC16((x) + 48)
static const unsigned char spl_lc[256] = {
	SPL_LC64(0), SPL_LC64(64), SPL_LC64(128), SPL_LC64(192)
};

static char
spl_lower(char ch)
{
	return (char)spl_lc[(unsigned char)ch];
}

/*
 * How common a byte of a wildcard segment is in the paths, command lines
 * and host names detections look at; the segment is searched by its
 * least common byte.  Letters come last: they must be found in either
 * case.  Only the speed depends on this guess.
 */
static int
spl_byte_rank(unsigned char ch)
{
	if (spl_lc[ch] >= 'a' && spl_lc[ch] <= 'z')
		return 4;
	if (ch == '\\' || ch == '/')
		return 3;
	if (ch == '.' || ch == ':' || ch == '-' || ch == '_')
		return 2;
	return 1;
}

/*
 * Compiles the pattern text (lowercased, with at least one '*') into its
 * head (the bytes before the first '*'), its tail (after the last) and
 * the non-empty segments between, each with the byte it is searched by.
 */
static void
spl_value_segments(struct spl_value *v)
{
	const char	*p, *star, *last;
	struct spl_seg	*g;
	size_t		 k;

	star = memchr(v->text, '*', v->len);
	last = star;
	while ((p = memchr(last + 1, '*', v->text + v->len - last - 1)) !=
	    NULL)
		last = p;
	v->head = (size_t)(star - v->text);
	v->tail = (size_t)(v->text + v->len - last - 1);
	v->minlen = v->head + v->tail;
	for (p = star + 1; p < last; p = star + 1) {
		star = memchr(p, '*', (size_t)(last - p) + 1);
		if (star == p)
			continue;
		v->mid = xreallocarray(v->mid, v->nmid + 1, sizeof(*v->mid));
		g = &v->mid[v->nmid++];
		g->s = p;
		g->len = (size_t)(star - p);
		g->pin = 0;
		for (k = 1; k < g->len; k++)
			if (spl_byte_rank((unsigned char)p[k]) <
			    spl_byte_rank((unsigned char)p[g->pin]))
				g->pin = k;
		g->pinc = (unsigned char)p[g->pin];
		g->fold = spl_byte_rank(g->pinc) == 4;
		v->minlen += g->len;
	}
}

static void
spl_value_init(struct spl_value *v, const char *s, size_t len)
{
	size_t	 i;

	memset(v, 0, sizeof(*v));
	v->text = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		v->text[i] = spl_lower(s[i]);
	v->text[len] = '\0';
	v->len = len;
	v->wild = memchr(s, '*', len) != NULL;
	v->numeric = !v->wild && spl_parse_num(s, len, &v->num);
	if (v->wild)
		spl_value_segments(v);
}

#define SPL_BYTES(c)	((uint64_t)(c) * 0x0101010101010101ULL)

/*
 * Whether a equals the lowercased b over n bytes, ignoring ASCII case.
 * Eight bytes at a time: in each byte of a word, a bit 7 clear and the
 * low seven bits in 'A'..'Z' make an upper-case letter, which gets bit 5
 * (no sum carries from one byte into the next).
 */
static bool
spl_ieq(const char *a, const char *b, size_t n)
{
	uint64_t	 x, y, h, up;
	size_t		 i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		h = x & SPL_BYTES(0x7f);
		up = (h + SPL_BYTES(0x80 - 'A')) &
		    ~(h + SPL_BYTES(0x7f - 'Z')) & ~x & SPL_BYTES(0x80);
		if ((x | up >> 2) != y)
			return false;
	}
	for (; i < n; i++)
		if (spl_lc[(unsigned char)a[i]] != (unsigned char)b[i])
			return false;
	return true;
}

/*
 * The leftmost place of segment g in s (g->len <= slen), ignoring ASCII
 * case, or slen when there is none.  Candidates are the places of its
 * pin byte: memchr() finds them when it is no letter.
 */
static size_t
spl_seg_find(const struct spl_seg *g, const char *s, size_t slen)
{
	const char	*q, *p = s + g->pin;
	size_t		 k, last = slen - g->len;

	if (g->fold) {
		for (k = 0; k <= last; k++)
			if (spl_lc[(unsigned char)p[k]] == g->pinc &&
			    spl_ieq(s + k, g->s, g->len))
				return k;
		return slen;
	}
	for (k = 0; k <= last; k++) {
		if ((q = memchr(p + k, g->pinc, last + 1 - k)) == NULL)
			return slen;
		k = (size_t)(q - p);
		if (spl_ieq(s + k, g->s, g->len))
			return k;
	}
	return slen;
}

/*
 * Case-insensitive glob of s against a compiled pattern, where '*'
 * matches any run of bytes: the head is a prefix, the tail a suffix that
 * does not overlap it, and each segment between is taken at its leftmost
 * place after the one before, which is enough for '*'-only patterns.
 */
static __attribute__((noinline)) bool
spl_glob(const struct spl_value *v, const char *s, size_t slen)
{
	const struct spl_seg *g;
	size_t		 i, k, n;

	if (slen < v->minlen || !spl_ieq(s, v->text, v->head) ||
	    !spl_ieq(s + slen - v->tail, v->text + v->len - v->tail, v->tail))
		return false;
	s += v->head;
	n = slen - v->head - v->tail;
	for (i = 0; i < v->nmid; i++) {
		g = &v->mid[i];
		if (g->len > n || (k = spl_seg_find(g, s, n)) == n)
			return false;
		s += k + g->len;
		n -= k + g->len;
	}
	return true;
}

/* Whether s matches v, for every value that is not a numeric one. */
static bool
spl_value_eq_text(const struct spl_value *v, const char *s, size_t len)
{
	if (v->wild)
		return spl_glob(v, s, len);
	return len == v->len && spl_ieq(s, v->text, len);
}

/* A numeric v and an s that is not a run of up to 15 digits. */
static __attribute__((noinline)) bool
spl_value_eq_num(const struct spl_value *v, const char *s, size_t len)
{
	double	 d;

	if (spl_parse_num(s, len, &d))
		return d == v->num;
	return spl_value_eq_text(v, s, len);
}

/*
 * Whether the field value s matches v: numerically when both are
 * numbers, else as text (case-insensitive, '*' a wildcard).  Plain digit
 * runs, spl_parse_num()'s own first step, are taken here; the rest is
 * out of line so that this stays small.
 */
static bool
spl_value_eq(const struct spl_value *v, const char *s, size_t len)
{
	uint64_t	 u = 0;
	size_t		 i;

	if (!v->numeric)
		return spl_value_eq_text(v, s, len);
	for (i = 0; i < len && i < 16 && s[i] >= '0' && s[i] <= '9'; i++)
		u = u * 10 + (uint64_t)(s[i] - '0');
	if (i == len && len > 0 && len <= 15)
		return (double)u == v->num;
	return spl_value_eq_num(v, s, len);
}

/* A comparison node: false when the field is absent. */
static bool
spl_match_cmp(const struct spl_expr *e, const struct event *ev)
{
	const char	*s;
	size_t		 len, k;
	double		 d;

	if (!event_get(ev, e->field, &s, &len))
		return false;
	switch (e->op) {
	case SPL_OP_EQ:
		return spl_value_eq(&e->vals[0], s, len);
	case SPL_OP_NE:
		return !spl_value_eq(&e->vals[0], s, len);
	case SPL_OP_IN:
		for (k = 0; k < e->nvals; k++)
			if (spl_value_eq(&e->vals[k], s, len))
				return true;
		return false;
	default:
		break;
	}
	if (!spl_parse_num(s, len, &d))
		return false;
	switch (e->op) {
	case SPL_OP_LT:
		return d < e->vals[0].num;
	case SPL_OP_LE:
		return d <= e->vals[0].num;
	case SPL_OP_GT:
		return d > e->vals[0].num;
	default:
		return d >= e->vals[0].num;
	}
}

/* The terms of AND and OR that are comparisons are not a call away. */
#define SPL_MATCH_KID(e, ev)	((e)->type == SPL_N_CMP ? \
			    spl_match_cmp((e), (ev)) : spl_match((e), (ev)))

bool
spl_match(const struct spl_expr *e, const struct event *ev)
{
	size_t		 k;

	switch (e->type) {
	case SPL_N_TRUE:
		return true;
	case SPL_N_AND:
		for (k = 0; k < e->nkids; k++)
			if (!SPL_MATCH_KID(e->kids[k], ev))
				return false;
		return true;
	case SPL_N_OR:
		for (k = 0; k < e->nkids; k++)
			if (SPL_MATCH_KID(e->kids[k], ev))
				return true;
		return false;
	case SPL_N_NOT:
		return !spl_match(e->kids[0], ev);
	case SPL_N_CMP:
		break;
	}
	return spl_match_cmp(e, ev);
}

/* Expression trees. */

static struct spl_expr *
spl_expr_new(enum spl_node type)
{
	struct spl_expr	*e;

	e = xcalloc(1, sizeof(*e));
	e->type = type;
	e->field = -1;
	return e;
}

/*
 * Adds kid to e, flattening a kid of the same type into an AND or an OR
 * (never a NOT into a NOT: "NOT NOT a" is a).
 */
static void
spl_expr_add(struct spl_expr *e, struct spl_expr *kid)
{
	size_t	 k;

	if (kid->type == e->type && e->type != SPL_N_NOT) {
		for (k = 0; k < kid->nkids; k++)
			spl_expr_add(e, kid->kids[k]);
		kid->nkids = 0;
		spl_expr_free(kid);
		return;
	}
	e->kids = xreallocarray(e->kids, e->nkids + 1, sizeof(*e->kids));
	e->kids[e->nkids++] = kid;
}

/*
 * Returns "e TYPE kid" (TYPE is AND or OR, both associative): e itself
 * when it already is a TYPE node, else a new node.  Takes both.
 */
static struct spl_expr *
spl_expr_join(enum spl_node type, struct spl_expr *e, struct spl_expr *kid)
{
	struct spl_expr	*n = e;

	if (e->type != type) {
		n = spl_expr_new(type);
		spl_expr_add(n, e);
	}
	spl_expr_add(n, kid);
	return n;
}

static void
spl_expr_free(struct spl_expr *e)
{
	size_t	 k;

	if (e == NULL)
		return;
	for (k = 0; k < e->nkids; k++)
		spl_expr_free(e->kids[k]);
	free(e->kids);
	for (k = 0; k < e->nvals; k++) {
		free(e->vals[k].text);
		free(e->vals[k].mid);
	}
	free(e->vals);
	free(e);
}

/* Parser. */

static struct spl_tok *
spl_tok_cur(struct spl_ctx *c)
{
	return &c->toks[c->i];
}

static struct spl_tok *
spl_tok_next(struct spl_ctx *c)
{
	struct spl_tok	*t = &c->toks[c->i];

	if (t->type != SPL_T_EOF)
		c->i++;
	return t;
}

static bool
spl_tok_is(const struct spl_tok *t, const char *word)
{
	return t->type == SPL_T_WORD && strcmp(t->val, word) == 0;
}

static bool
spl_tok_is_ci(const struct spl_tok *t, const char *word)
{
	return t->type == SPL_T_WORD && strcasecmp(t->val, word) == 0;
}

static const char *
spl_tok_text(const struct spl_tok *t)
{
	switch (t->type) {
	case SPL_T_EOF:
		return "end of search";
	case SPL_T_WORD:
	case SPL_T_STRING:
		return t->val;
	case SPL_T_PIPE:
		return "|";
	case SPL_T_LPAREN:
		return "(";
	case SPL_T_RPAREN:
		return ")";
	case SPL_T_COMMA:
		return ",";
	case SPL_T_EQ:
		return "=";
	case SPL_T_NE:
		return "!=";
	case SPL_T_LT:
		return "<";
	case SPL_T_LE:
		return "<=";
	case SPL_T_GT:
		return ">";
	case SPL_T_GE:
		return ">=";
	}
	return "?";
}

/* True when t can start a search term. */
static bool
spl_term_start(const struct spl_tok *t)
{
	if (t->type == SPL_T_LPAREN || t->type == SPL_T_STRING)
		return true;
	return t->type == SPL_T_WORD && !spl_tok_is(t, "AND") &&
	    !spl_tok_is(t, "OR");
}

static int
spl_intern(struct spl_ctx *c, const struct spl_tok *t)
{
	int	 id;

	if ((id = event_field_intern(t->val, t->len)) == -1)
		spl_error_pos(c, t->pos, "too many field names");
	return id;
}

static bool
spl_is_value(const struct spl_tok *t)
{
	return t->type == SPL_T_WORD || t->type == SPL_T_STRING;
}

/* field=value, field IN (...), "*", or an error. */
static struct spl_expr *
spl_parse_term(struct spl_ctx *c)
{
	struct spl_tok	*f, *op, *lp, *v;
	struct spl_expr	*e;
	enum spl_op	 o;

	f = spl_tok_next(c);
	if (f->type == SPL_T_STRING) {
		spl_error_pos(c, f->pos, "free-text search term \"%s\" is "
		    "not supported", f->val);
		return NULL;
	}
	op = spl_tok_cur(c);
	if (spl_tok_is(op, "IN")) {
		spl_tok_next(c);
		lp = spl_tok_next(c);
		if (lp->type != SPL_T_LPAREN) {
			spl_error_pos(c, lp->pos, "expected '(' after 'IN'");
			return NULL;
		}
		e = spl_expr_new(SPL_N_CMP);
		e->op = SPL_OP_IN;
		if ((e->field = spl_intern(c, f)) == -1)
			goto fail;
		for (;;) {
			v = spl_tok_next(c);
			if (v->type == SPL_T_RPAREN)
				break;
			if (v->type == SPL_T_COMMA)
				continue;
			if (v->type == SPL_T_EOF || v->type == SPL_T_PIPE) {
				spl_error_pos(c, lp->pos,
				    "unbalanced parenthesis");
				goto fail;
			}
			if (!spl_is_value(v)) {
				spl_error_pos(c, v->pos, "expected a value in "
				    "the IN list, not '%s'", spl_tok_text(v));
				goto fail;
			}
			e->vals = xreallocarray(e->vals, e->nvals + 1,
			    sizeof(*e->vals));
			spl_value_init(&e->vals[e->nvals++], v->val, v->len);
		}
		if (e->nvals == 0) {
			spl_error_pos(c, lp->pos, "empty IN list");
			goto fail;
		}
		return e;
	}
	switch (op->type) {
	case SPL_T_EQ:
		o = SPL_OP_EQ;
		break;
	case SPL_T_NE:
		o = SPL_OP_NE;
		break;
	case SPL_T_LT:
		o = SPL_OP_LT;
		break;
	case SPL_T_LE:
		o = SPL_OP_LE;
		break;
	case SPL_T_GT:
		o = SPL_OP_GT;
		break;
	case SPL_T_GE:
		o = SPL_OP_GE;
		break;
	default:
		if (strcmp(f->val, "*") == 0)
			return spl_expr_new(SPL_N_TRUE);
		spl_error_pos(c, f->pos, "free-text search term '%s' is not "
		    "supported", f->val);
		return NULL;
	}
	spl_tok_next(c);
	v = spl_tok_next(c);
	if (!spl_is_value(v)) {
		spl_error_pos(c, op->pos, "expected a value after '%s'",
		    spl_tok_text(op));
		return NULL;
	}
	e = spl_expr_new(SPL_N_CMP);
	e->op = o;
	if ((e->field = spl_intern(c, f)) == -1)
		goto fail;
	e->vals = xcalloc(1, sizeof(*e->vals));
	e->nvals = 1;
	spl_value_init(&e->vals[0], v->val, v->len);
	if (o >= SPL_OP_LT && !e->vals[0].numeric) {
		spl_error_pos(c, v->pos, "expected a number after '%s'",
		    spl_tok_text(op));
		goto fail;
	}
	return e;
fail:
	spl_expr_free(e);
	return NULL;
}

static struct spl_expr *
spl_parse_primary(struct spl_ctx *c)
{
	struct spl_tok	*t = spl_tok_cur(c), *lp;
	struct spl_expr	*e;

	if (t->type == SPL_T_LPAREN) {
		lp = spl_tok_next(c);
		if (spl_tok_cur(c)->type == SPL_T_RPAREN) {
			spl_error_pos(c, lp->pos, "empty parentheses");
			return NULL;
		}
		if ((e = spl_parse_and(c)) == NULL)
			return NULL;
		if (spl_tok_cur(c)->type != SPL_T_RPAREN) {
			spl_error_pos(c, lp->pos, "unbalanced parenthesis");
			spl_expr_free(e);
			return NULL;
		}
		spl_tok_next(c);
		return e;
	}
	if (spl_is_value(t))
		return spl_parse_term(c);
	if (t->type == SPL_T_RPAREN)
		spl_error_pos(c, t->pos, "unbalanced parenthesis");
	else
		spl_error_pos(c, t->pos, "expected a search term, not '%s'",
		    spl_tok_text(t));
	return NULL;
}

static struct spl_expr *
spl_parse_not(struct spl_ctx *c)
{
	struct spl_tok	*t = spl_tok_cur(c);
	struct spl_expr	*e, *kid;

	if (!spl_tok_is(t, "NOT"))
		return spl_parse_primary(c);
	spl_tok_next(c);
	if (!spl_term_start(spl_tok_cur(c))) {
		spl_error_pos(c, t->pos, "expected a search term after 'NOT'");
		return NULL;
	}
	if ((kid = spl_parse_not(c)) == NULL)
		return NULL;
	e = spl_expr_new(SPL_N_NOT);
	spl_expr_add(e, kid);
	return e;
}

static struct spl_expr *
spl_parse_or(struct spl_ctx *c)
{
	struct spl_tok	*t;
	struct spl_expr	*e, *kid;

	if ((e = spl_parse_not(c)) == NULL)
		return NULL;
	while (spl_tok_is(t = spl_tok_cur(c), "OR")) {
		spl_tok_next(c);
		if (!spl_term_start(spl_tok_cur(c))) {
			spl_error_pos(c, t->pos,
			    "expected a search term after 'OR'");
			goto fail;
		}
		if ((kid = spl_parse_not(c)) == NULL)
			goto fail;
		e = spl_expr_join(SPL_N_OR, e, kid);
	}
	return e;
fail:
	spl_expr_free(e);
	return NULL;
}

static struct spl_expr *
spl_parse_and(struct spl_ctx *c)
{
	struct spl_tok	*t;
	struct spl_expr	*e, *kid;

	if ((e = spl_parse_or(c)) == NULL)
		return NULL;
	for (;;) {
		t = spl_tok_cur(c);
		if (spl_tok_is(t, "AND")) {
			spl_tok_next(c);
			if (!spl_term_start(spl_tok_cur(c))) {
				spl_error_pos(c, t->pos,
				    "expected a search term after 'AND'");
				goto fail;
			}
		} else if (!spl_term_start(t))
			break;
		if ((kid = spl_parse_or(c)) == NULL)
			goto fail;
		e = spl_expr_join(SPL_N_AND, e, kid);
	}
	return e;
fail:
	spl_expr_free(e);
	return NULL;
}

/* The body of a search command: an expression up to '|' or the end. */
static struct spl_expr *
spl_parse_search(struct spl_ctx *c)
{
	struct spl_tok	*t = spl_tok_cur(c);
	struct spl_expr	*e;

	if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
		return spl_expr_new(SPL_N_TRUE);
	if ((e = spl_parse_and(c)) == NULL)
		return NULL;
	t = spl_tok_cur(c);
	if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
		return e;
	if (t->type == SPL_T_RPAREN)
		spl_error_pos(c, t->pos, "unbalanced parenthesis");
	else if (spl_tok_is(t, "OR") || spl_tok_is(t, "AND"))
		spl_error_pos(c, t->pos, "expected a search term after '%s'",
		    t->val);
	else
		spl_error_pos(c, t->pos, "unexpected '%s'", spl_tok_text(t));
	spl_expr_free(e);
	return NULL;
}

static void
spl_ids_add(int **ids, size_t *n, int id)
{
	*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
	(*ids)[(*n)++] = id;
}

static const char *spl_agg_names[] = {
	"count", "min", "max", "sum", "avg", "values", "dc"
};

static int
spl_parse_stats(struct spl_ctx *c, struct spl_stats *st)
{
	struct spl_tok	*t, *f, *as;
	struct spl_agg	*a;
	char		 name[512];
	size_t		 k;
	int		 id;

	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_COMMA) {
			spl_tok_next(c);
			continue;
		}
		if (t->type != SPL_T_WORD || spl_tok_is_ci(t, "by"))
			break;
		for (k = 0; k < sizeof(spl_agg_names) /
		    sizeof(spl_agg_names[0]); k++)
			if (strcmp(t->val, spl_agg_names[k]) == 0)
				break;
		if (k == sizeof(spl_agg_names) / sizeof(spl_agg_names[0])) {
			spl_error_pos(c, t->pos,
			    "unknown stats function '%s'", t->val);
			return -1;
		}
		spl_tok_next(c);
		st->agg = xreallocarray(st->agg, st->nagg + 1,
		    sizeof(*st->agg));
		a = &st->agg[st->nagg++];
		a->func = (enum spl_agg_func)k;
		a->field = -1;
		a->as = -1;
		if (spl_tok_cur(c)->type == SPL_T_LPAREN) {
			spl_tok_next(c);
			f = spl_tok_next(c);
			if (f->type != SPL_T_WORD) {
				spl_error_pos(c, f->pos, "expected a field "
				    "name in %s()", t->val);
				return -1;
			}
			if (spl_tok_cur(c)->type != SPL_T_RPAREN) {
				spl_error_pos(c, spl_tok_cur(c)->pos,
				    "expected ')' after %s(%s", t->val,
				    f->val);
				return -1;
			}
			spl_tok_next(c);
			if ((a->field = spl_intern(c, f)) == -1)
				return -1;
			snprintf(name, sizeof(name), "%s(%s)", t->val,
			    f->val);
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
	}
	if (st->nagg == 0) {
		spl_error_pos(c, t->pos, "stats needs an aggregate such as "
		    "count");
		return -1;
	}
	if (!spl_tok_is_ci(t, "by"))
		return 0;
	spl_tok_next(c);
	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_COMMA) {
			spl_tok_next(c);
			continue;
		}
		if (t->type != SPL_T_WORD)
			break;
		spl_tok_next(c);
		if ((id = spl_intern(c, t)) == -1)
			return -1;
		spl_ids_add(&st->by, &st->nby, id);
	}
	if (st->nby == 0) {
		spl_error_pos(c, t->pos, "expected a field after 'by'");
		return -1;
	}
	return 0;
}

static struct spl_post *
spl_post_new(enum spl_post_type type)
{
	struct spl_post	*p;

	p = xcalloc(1, sizeof(*p));
	p->type = type;
	return p;
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

static void
spl_post_free(struct spl_post *p)
{
	if (p == NULL)
		return;
	free(p->timeformat);
	free(p->from);
	free(p->to);
	spl_expr_free(p->expr);
	free(p);
}

/* convert [timeformat=F] ctime(f) [as g] ... */
static struct spl_post *
spl_parse_convert(struct spl_ctx *c, const struct spl_tok *cmd)
{
	struct spl_post	*p;
	struct spl_tok	*t, *f, *v;
	int		 id, idto;

	p = spl_post_new(SPL_P_CONVERT);
	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
			break;
		if (t->type == SPL_T_COMMA) {
			spl_tok_next(c);
			continue;
		}
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
		spl_error_pos(c, cmd->pos, "convert needs ctime(FIELD)");
		goto fail;
	}
	if (p->timeformat == NULL)
		p->timeformat = xstrdup("%m/%d/%Y %H:%M:%S");
	return p;
fail:
	spl_post_free(p);
	return NULL;
}

/* rename a as b [, c as d] ... */
static struct spl_post *
spl_parse_rename(struct spl_ctx *c, const struct spl_tok *cmd)
{
	struct spl_post	*p;
	struct spl_tok	*a, *b;
	int		 ida, idb;

	p = spl_post_new(SPL_P_RENAME);
	for (;;) {
		a = spl_tok_cur(c);
		if (a->type == SPL_T_PIPE || a->type == SPL_T_EOF)
			break;
		if (a->type == SPL_T_COMMA) {
			spl_tok_next(c);
			continue;
		}
		spl_tok_next(c);
		if (!spl_is_value(a) || !spl_tok_is_ci(spl_tok_cur(c), "as")) {
			spl_error_pos(c, a->pos, "expected 'FIELD as NAME'");
			goto fail;
		}
		spl_tok_next(c);
		b = spl_tok_next(c);
		if (!spl_is_value(b)) {
			spl_error_pos(c, b->pos,
			    "expected a field name after 'as'");
			goto fail;
		}
		if (strchr(a->val, '*') != NULL ||
		    strchr(b->val, '*') != NULL) {
			spl_error_pos(c, a->pos,
			    "wildcards in rename are not supported");
			goto fail;
		}
		if ((ida = spl_intern(c, a)) == -1 ||
		    (idb = spl_intern(c, b)) == -1)
			goto fail;
		spl_post_pair_add(p, ida, idb);
	}
	if (p->n == 0) {
		spl_error_pos(c, cmd->pos, "rename needs 'FIELD as NAME'");
		goto fail;
	}
	return p;
fail:
	spl_post_free(p);
	return NULL;
}

/* fields [+|-] a, b ... and table a b ... */
static struct spl_post *
spl_parse_fields(struct spl_ctx *c, const struct spl_tok *cmd, bool table)
{
	struct spl_post	*p;
	struct spl_tok	*t;
	int		 id;

	p = spl_post_new(table ? SPL_P_TABLE : SPL_P_FIELDS_KEEP);
	t = spl_tok_cur(c);
	if (!table && (spl_tok_is(t, "+") || spl_tok_is(t, "-"))) {
		if (t->val[0] == '-')
			p->type = SPL_P_FIELDS_DROP;
		spl_tok_next(c);
	}
	for (;;) {
		t = spl_tok_cur(c);
		if (t->type == SPL_T_PIPE || t->type == SPL_T_EOF)
			break;
		spl_tok_next(c);
		if (t->type == SPL_T_COMMA)
			continue;
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
		spl_error_pos(c, cmd->pos, "%s needs a field name",
		    cmd->val);
		goto fail;
	}
	return p;
fail:
	spl_post_free(p);
	return NULL;
}

/* SPL commands that may open a search without a leading pipe. */
static const char *spl_commands[] = {
	"search", "stats", "eval", "where", "rex", "lookup", "inputlookup",
	"tstats", "dedup", "table", "fields", "rename", "convert", "sort",
	"head", "tail", "from", "datamodel", "join", "append", "makeresults",
	"bin", "bucket", "timechart", "chart", "eventstats", "streamstats",
	"transaction", "fillnull", "spath", "top", "rare", "mvexpand",
	"multisearch", "union", "regex", "rest", NULL
};

static bool
spl_is_command(const struct spl_tok *t)
{
	size_t	 k;

	if (t->type != SPL_T_WORD)
		return false;
	for (k = 0; spl_commands[k] != NULL; k++)
		if (strcmp(t->val, spl_commands[k]) == 0)
			return true;
	return false;
}

static bool
spl_has_id(const int *ids, size_t n, int id)
{
	size_t	 k;

	for (k = 0; k < n; k++)
		if (ids[k] == id)
			return true;
	return false;
}

static void
spl_ids_add_uniq(int **ids, size_t *n, int id)
{
	if (!spl_has_id(*ids, *n, id))
		spl_ids_add(ids, n, id);
}

/* Collects the fields an expression reads. */
static void
spl_expr_fields(const struct spl_expr *e, int **ids, size_t *n)
{
	size_t	 k;

	if (e->type == SPL_N_CMP)
		spl_ids_add_uniq(ids, n, e->field);
	for (k = 0; k < e->nkids; k++)
		spl_expr_fields(e->kids[k], ids, n);
}

/* The EventCode every match must have, or -1. */
static int
spl_expr_event_code(const struct spl_expr *e)
{
	const struct spl_expr *t;
	size_t		 k, n = 1;
	const struct spl_expr *const *kids = &e;

	if (e->type == SPL_N_AND) {
		n = e->nkids;
		kids = (const struct spl_expr *const *)e->kids;
	}
	for (k = 0; k < n; k++) {
		t = kids[k];
		if (t->type == SPL_N_CMP && t->field == EVENT_F_EVENTCODE &&
		    t->op == SPL_OP_EQ && t->vals[0].numeric &&
		    t->vals[0].num >= 0 && t->vals[0].num <= 65535 &&
		    t->vals[0].num == floor(t->vals[0].num))
			return (int)t->vals[0].num;
	}
	return -1;
}

/*
 * A rough cost of evaluating e on an event: a few units per plain value,
 * more per wildcard pattern and per segment to be searched for.
 */
static size_t
spl_expr_cost(const struct spl_expr *e)
{
	size_t		 k, c = 0;

	if (e->type == SPL_N_CMP) {
		for (k = 0; k < e->nvals; k++)
			c += e->vals[k].wild ? 8 + 8 * e->vals[k].nmid : 2;
		return c;
	}
	for (k = 0; k < e->nkids; k++)
		c += spl_expr_cost(e->kids[k]);
	return c;
}

/*
 * Orders the terms of every AND and OR in e by their cost, cheapest
 * first, keeping the order of equal ones.  A term only yields true or
 * false (an absent field makes a comparison false, whatever the order),
 * and AND and OR stop at the first term that decides them, so the
 * order changes nothing but the time taken.
 */
static void
spl_expr_order(struct spl_expr *e)
{
	struct spl_expr	*t;
	size_t		 i, j, c, *cost;

	for (i = 0; i < e->nkids; i++)
		spl_expr_order(e->kids[i]);
	if ((e->type != SPL_N_AND && e->type != SPL_N_OR) || e->nkids < 2)
		return;
	cost = xcalloc(e->nkids, sizeof(*cost));
	for (i = 0; i < e->nkids; i++) {
		t = e->kids[i];
		c = spl_expr_cost(t);
		for (j = i; j > 0 && cost[j - 1] > c; j--) {
			e->kids[j] = e->kids[j - 1];
			cost[j] = cost[j - 1];
		}
		e->kids[j] = t;
		cost[j] = c;
	}
	free(cost);
}

/*
 * Moves the conjunct "EventCode=code" of a top-level AND first: it is
 * the cheapest test and fails on most events.  AND has no side effects,
 * so the order changes nothing but the time taken.
 */
static void
spl_expr_code_first(struct spl_expr *e, int code)
{
	struct spl_expr	*t;
	size_t		 k;

	if (code == -1 || e->type != SPL_N_AND)
		return;
	for (k = 0; k < e->nkids; k++) {
		t = e->kids[k];
		if (t->type == SPL_N_CMP && t->field == EVENT_F_EVENTCODE &&
		    t->op == SPL_OP_EQ && t->vals[0].numeric &&
		    t->vals[0].num == code) {
			memmove(e->kids + 1, e->kids, k * sizeof(*e->kids));
			e->kids[0] = t;
			return;
		}
	}
}

/* Output columns: by-fields, aggregates, then each post command. */
static void
spl_columns(struct spl_search *s)
{
	struct spl_post	*p;
	size_t		 k, j, m, n = 0;
	int		*cols = NULL, *keep;

	for (k = 0; k < s->stats.nby; k++)
		spl_ids_add_uniq(&cols, &n, s->stats.by[k]);
	for (k = 0; k < s->stats.nagg; k++)
		spl_ids_add_uniq(&cols, &n, s->stats.agg[k].as);
	for (j = 0; j < s->npost; j++) {
		p = s->post[j];
		switch (p->type) {
		case SPL_P_CONVERT:
			for (k = 0; k < p->n; k++)
				spl_ids_add_uniq(&cols, &n, p->to[k]);
			break;
		case SPL_P_RENAME:
			for (k = 0; k < p->n; k++) {
				if (p->from[k] == p->to[k])
					continue;
				for (m = 0; m < n; m++)
					if (cols[m] == p->to[k]) {
						memmove(cols + m, cols + m + 1,
						    (n - m - 1) *
						    sizeof(*cols));
						n--;
						break;
					}
				for (m = 0; m < n; m++)
					if (cols[m] == p->from[k])
						cols[m] = p->to[k];
			}
			break;
		case SPL_P_FIELDS_DROP:
			for (m = 0, k = 0; k < n; k++)
				if (!spl_has_id(p->from, p->n, cols[k]))
					cols[m++] = cols[k];
			n = m;
			break;
		case SPL_P_FIELDS_KEEP:
		case SPL_P_TABLE:
			keep = NULL;
			m = 0;
			for (k = 0; k < p->n; k++)
				spl_ids_add_uniq(&keep, &m, p->from[k]);
			free(cols);
			cols = keep;
			n = m;
			break;
		case SPL_P_SEARCH:
			break;
		}
	}
	s->columns = cols;
	s->ncolumns = n;
}

/* Parses the token stream into s. */
static int
spl_parse_pipeline(struct spl_ctx *c, struct spl_search *s)
{
	struct spl_expr	*filter, *e;
	struct spl_post	*p;
	struct spl_tok	*cmd, *t;
	bool		 first = true, seen_stats = false;
	size_t		 k;

	filter = spl_expr_new(SPL_N_AND);
	s->filter = filter;
	for (;;) {
		t = spl_tok_cur(c);
		cmd = NULL;
		if (t->type == SPL_T_EOF)
			break;
		if (t->type == SPL_T_PIPE) {
			spl_tok_next(c);
			cmd = spl_tok_next(c);
			if (cmd->type != SPL_T_WORD) {
				spl_error_pos(c, t->pos,
				    "expected a command after '|'");
				return -1;
			}
		} else if (first && spl_is_command(t))
			cmd = spl_tok_next(c);
		else if (!first) {
			spl_error_pos(c, t->pos, "unexpected '%s'",
			    spl_tok_text(t));
			return -1;
		}
		first = false;
		if (cmd == NULL || strcmp(cmd->val, "search") == 0) {
			if ((e = spl_parse_search(c)) == NULL)
				return -1;
			if (!seen_stats) {
				spl_expr_add(filter, e);
				continue;
			}
			if (e->type == SPL_N_TRUE) {
				spl_expr_free(e);
				continue;
			}
			p = spl_post_new(SPL_P_SEARCH);
			p->expr = e;
		} else if (strcmp(cmd->val, "stats") == 0) {
			if (seen_stats) {
				spl_error_pos(c, cmd->pos,
				    "only one stats command is supported");
				return -1;
			}
			seen_stats = true;
			if (spl_parse_stats(c, &s->stats) == -1)
				return -1;
			continue;
		} else if (strcmp(cmd->val, "convert") == 0 ||
		    strcmp(cmd->val, "rename") == 0 ||
		    strcmp(cmd->val, "fields") == 0 ||
		    strcmp(cmd->val, "table") == 0) {
			if (!seen_stats) {
				spl_error_pos(c, cmd->pos, "'%s' before stats "
				    "is not supported", cmd->val);
				return -1;
			}
			if (cmd->val[0] == 'c')
				p = spl_parse_convert(c, cmd);
			else if (cmd->val[0] == 'r')
				p = spl_parse_rename(c, cmd);
			else
				p = spl_parse_fields(c, cmd,
				    cmd->val[0] == 't');
			if (p == NULL)
				return -1;
		} else {
			spl_error_pos(c, cmd->pos, "unsupported command '%s'",
			    cmd->val);
			return -1;
		}
		s->post = xreallocarray(s->post, s->npost + 1,
		    sizeof(*s->post));
		s->post[s->npost++] = p;
	}
	if (!seen_stats) {
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

struct spl_search *
spl_compile(const char *text, spl_macro_lookup_fn lookup, void *lookup_arg,
    struct spl_error *err)
{
	struct spl_ctx	 c;
	struct spl_search *s = NULL;
	size_t		 k;

	event_fields_init();
	memset(err, 0, sizeof(*err));
	memset(&c, 0, sizeof(c));
	c.lookup = lookup;
	c.lookup_arg = lookup_arg;
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
	spl_columns(s);
	spl_expr_order(s->filter);
	for (k = 0; k < s->npost; k++)
		if (s->post[k]->expr != NULL)
			spl_expr_order(s->post[k]->expr);
	s->event_code = spl_expr_event_code(s->filter);
	spl_expr_code_first(s->filter, s->event_code);
	spl_expr_fields(s->filter, &s->fields, &s->nfields);
	for (k = 0; k < s->stats.nby; k++)
		spl_ids_add_uniq(&s->fields, &s->nfields, s->stats.by[k]);
	for (k = 0; k < s->stats.nagg; k++)
		if (s->stats.agg[k].field != -1)
			spl_ids_add_uniq(&s->fields, &s->nfields,
			    s->stats.agg[k].field);
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
	for (k = 0; k < s->npost; k++)
		spl_post_free(s->post[k]);
	free(s->post);
	free(s->columns);
	free(s->fields);
	free(s);
}

/*
 * Formats the epoch seconds in [v, v + len) with strftime() in UTC into
 * the row's arena.  Returns false when v is not a number or the arena is
 * full; the value is then left alone.
 */
static bool
spl_ctime(struct event *row, int to, const char *fmt, const char *v,
    size_t len)
{
	char		 buf[SPL_TIME_MAX];
	struct tm	 tm;
	double		 d;
	time_t		 t;
	size_t		 n;
	char		*p;

	if (!spl_parse_num(v, len, &d) || !isfinite(d) || d < -1e15 ||
	    d > 1e15)
		return false;
	t = (time_t)floor(d);
	if (gmtime_r(&t, &tm) == NULL)
		return false;
	/* The format comes from the detection: strftime() cannot overflow. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(buf, sizeof(buf), fmt, &tm);
#pragma GCC diagnostic pop
	if (n == 0)
		return false;
	if ((p = event_alloc(row, n)) == NULL)
		return false;
	memcpy(p, buf, n);
	return event_set_ref(row, to, p, n) == 0;
}

bool
spl_post_apply(const struct spl_search *s, struct event *row)
{
	const struct spl_post *p;
	const char	*v;
	size_t		 j, k, len;
	int		 id;

	for (j = 0; j < s->npost; j++) {
		p = s->post[j];
		switch (p->type) {
		case SPL_P_CONVERT:
			for (k = 0; k < p->n; k++)
				if (event_get(row, p->from[k], &v, &len))
					(void)spl_ctime(row, p->to[k],
					    p->timeformat, v, len);
			break;
		case SPL_P_RENAME:
			for (k = 0; k < p->n; k++) {
				if (p->from[k] == p->to[k] ||
				    !event_get(row, p->from[k], &v, &len))
					continue;
				(void)event_set_ref(row, p->to[k], v, len);
				event_unset(row, p->from[k]);
			}
			break;
		case SPL_P_FIELDS_DROP:
			for (k = 0; k < p->n; k++)
				event_unset(row, p->from[k]);
			break;
		case SPL_P_FIELDS_KEEP:
		case SPL_P_TABLE:
			for (id = 0; id < EVENT_MAX_FIELDS; id++)
				if (event_has(row, id) &&
				    !spl_has_id(p->from, p->n, id))
					event_unset(row, id);
			break;
		case SPL_P_SEARCH:
			if (!spl_match(p->expr, row))
				return false;
			break;
		}
	}
	return true;
}
