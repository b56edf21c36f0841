/*
 * The SPL lexer: the expanded text becomes words, quoted strings (with
 * their escapes undone), operators and pipes, each with its offset in
 * the expanded text for error positions; and the parser's view of the
 * token stream.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/spl_int.h"
#include "xmalloc.h"

static bool
spl_is_word_end(const char *s, size_t i)
{
	char	 ch = s[i];

	if (ch == '\0' || spl_is_space(ch))
		return true;
	if (strchr("()|,\"=<>[]", ch) != NULL)
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

/*
 * The word text[i, j): "\\" in it is one backslash, as in a quoted
 * string (Splunk's Search Manual, "Search command primer": the path
 * D:\Digital\RTFM is searched as D:\\Digital\\RTFM, unquoted); any
 * other backslash stays, so "\*" is a backslash and a wildcard.
 */
static void
spl_lex_word(struct spl_ctx *c, size_t i, size_t j)
{
	const char	*s = c->text;
	char		*v;
	size_t		 k, n = 0;

	v = xmalloc(j - i + 1);
	for (k = i; k < j; k++) {
		if (s[k] == '\\' && k + 1 < j && s[k + 1] == '\\')
			k++;
		v[n++] = s[k];
	}
	v[n] = '\0';
	spl_tok_add(c, SPL_T_WORD, i, v, n);
}

/* Splits c->text into c->toks, ending with SPL_T_EOF. */
void
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
		case '[':
			spl_tok_add(c, SPL_T_LBRACKET, i++, NULL, 0);
			continue;
		case ']':
			spl_tok_add(c, SPL_T_RBRACKET, i++, NULL, 0);
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
		spl_lex_word(c, i, j);
		i = j;
	}
	spl_tok_add(c, SPL_T_EOF, c->len, NULL, 0);
}

/* The parser's view of the tokens. */

/* The token at the parser's position (borrowed). */
struct spl_tok *
spl_tok_cur(struct spl_ctx *c)
{
	return &c->toks[c->i];
}

/* Returns the current token and moves past it, never past SPL_T_EOF. */
struct spl_tok *
spl_tok_next(struct spl_ctx *c)
{
	struct spl_tok	*t = &c->toks[c->i];

	if (t->type != SPL_T_EOF)
		c->i++;
	return t;
}

/*
 * The next argument of the command being parsed (borrowed, not consumed):
 * commas between arguments are skipped, NULL at '|' or the end of the
 * search.  For the loops of the command parsers.
 */
struct spl_tok *
spl_tok_arg(struct spl_ctx *c)
{
	struct spl_tok	*t;

	while ((t = spl_tok_cur(c))->type == SPL_T_COMMA)
		spl_tok_next(c);
	return t->type == SPL_T_PIPE || t->type == SPL_T_EOF ? NULL : t;
}

/* Whether t is the word word (case-sensitive: AND, OR, NOT, IN). */
bool
spl_tok_is(const struct spl_tok *t, const char *word)
{
	return t->type == SPL_T_WORD && strcmp(t->val, word) == 0;
}

/* Whether t is the word word, ignoring case (by, as). */
bool
spl_tok_is_ci(const struct spl_tok *t, const char *word)
{
	return t->type == SPL_T_WORD && strcasecmp(t->val, word) == 0;
}

/* The text of t for error messages. */
const char *
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
	case SPL_T_LBRACKET:
		return "[";
	case SPL_T_RBRACKET:
		return "]";
	}
	return "?";
}

/* Whether t can be a value: a word or a quoted string. */
bool
spl_is_value(const struct spl_tok *t)
{
	return t->type == SPL_T_WORD || t->type == SPL_T_STRING;
}
