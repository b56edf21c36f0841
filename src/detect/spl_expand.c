/*
 * SPL macro expansion, the first stage of the compiler: `name` and
 * `name(a, b)` are replaced by their definitions, textually and
 * recursively, as Splunk does; every byte of the expanded text remembers
 * where it came from (the search or a macro definition, and the offset
 * in it) so that errors point into the right text, which detection.c then
 * maps to the YAML file's line and column.  Backticks inside quoted
 * strings are left alone.  Also the error setters every stage uses.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/spl_int.h"
#include "xmalloc.h"

#define SPL_MACRO_DEPTH		10	/* nested macro expansions */
#define SPL_MACRO_MAXARGS	16	/* arguments of one macro call */

/* Sets err at offset off of origin o (first error wins). */
void
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
void
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

/* Appends ch, from offset off of origin o, to the expanded text. */
void
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

/* Adds an origin (text is borrowed); returns its index. */
uint32_t
spl_origin_add(struct spl_ctx *c, const char *name, const char *text)
{
	c->orig = xreallocarray(c->orig, c->norig + 1, sizeof(*c->orig));
	snprintf(c->orig[c->norig].name, sizeof(c->orig[0].name), "%s",
	    name);
	c->orig[c->norig].text = text;
	return (uint32_t)c->norig++;
}

bool
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
void
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
