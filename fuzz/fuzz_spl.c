/*
 * libFuzzer target for spl.c: the input is a search text, compiled with
 * the shipped macros of conf/macros (read here by a small line reader:
 * they are one-line definitions) plus two of our own, one recursive and
 * one with arguments.  A search that compiles is matched against a few
 * fixed events and its post-stats commands are applied to a row made of
 * its by-fields and aggregates.  Checks that a failure has a message and
 * a position, and that a compiled search is well formed.  The input is
 * also read as a value by spl_parse_num(), which must not take blanks,
 * hexadecimal, "inf" or "nan", give a value that is not finite, or
 * disagree with strtod().  The lookup command reads the definitions of
 * tests/data/lookups (TESTDATA), by their names only, so that arbitrary
 * names do not grow the lookup set.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/event.h"
#include "detect/lookup.h"
#include "detect/spl.h"

#define FUZZ_MACROS_MAX	32

struct fuzz_macro {
	char		*name;		/* "name" or "name(N)" */
	char		*definition;
	size_t		 nargs;
	const char	*args[4];	/* argument names */
	char		*argbuf[4];
};

static struct fuzz_macro fuzz_macros[FUZZ_MACROS_MAX];
static size_t		 fuzz_nmacros;
static struct event	 fuzz_ev[3];	/* fixed events to match */
static struct event	 fuzz_row;	/* a stats row, rebuilt per input */
static struct lookup_set *fuzz_lookups;	/* tests/data/lookups */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
fuzz_strdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

static void
fuzz_macro_add(const char *name, const char *def, const char *arg)
{
	struct fuzz_macro	*m;

	if (fuzz_nmacros == FUZZ_MACROS_MAX)
		return;
	m = &fuzz_macros[fuzz_nmacros++];
	m->name = fuzz_strdup(name);
	m->definition = fuzz_strdup(def);
	if (arg != NULL) {
		m->argbuf[0] = fuzz_strdup(arg);
		m->args[0] = m->argbuf[0];
		m->nargs = 1;
	}
}

/* Reads the name:, definition: and first "- arg" lines of one file. */
static void
fuzz_macro_read(const char *path)
{
	FILE	*f;
	char	 line[4096], name[256] = "", def[4096] = "", arg[256] = "";
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (strncmp(line, "name: ", 6) == 0)
			snprintf(name, sizeof(name), "%s", line + 6);
		else if (strncmp(line, "definition: ", 12) == 0)
			snprintf(def, sizeof(def), "%s", line + 12);
		else if (strncmp(line, "- ", 2) == 0 && arg[0] == '\0')
			snprintf(arg, sizeof(arg), "%s", line + 2);
	}
	fclose(f);
	if (name[0] != '\0' && def[0] != '\0')
		fuzz_macro_add(name, def, strchr(name, '(') != NULL ?
		    arg : NULL);
}

static bool
fuzz_macro_lookup(void *arg, const char *name, size_t nargs,
    struct spl_macro_def *out)
{
	char	 key[256];
	size_t	 i;

	(void)arg;
	if (nargs > 0)
		snprintf(key, sizeof(key), "%s(%zu)", name, nargs);
	else
		snprintf(key, sizeof(key), "%s", name);
	for (i = 0; i < fuzz_nmacros; i++) {
		if (strcmp(fuzz_macros[i].name, key) != 0)
			continue;
		out->definition = fuzz_macros[i].definition;
		out->nargs = fuzz_macros[i].nargs;
		out->args = fuzz_macros[i].args;
		return true;
	}
	return false;
}

static void
fuzz_ev_set(struct event *ev, const char *name, const char *v)
{
	int	 id;

	if ((id = event_field_intern(name, strlen(name))) == -1 ||
	    event_set(ev, id, v, strlen(v)) == -1)
		abort();
}

/* spl_table_lookup_fn: the test definitions, by name. */
static const struct lookup_table *
fuzz_table(void *arg, const char *name, char *why, size_t whylen)
{
	static const char *names[] = { "wild", "exact", "kv", "nocsv",
	    "cidr", "badtype" };
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return lookup_set_get(arg, name, why, whylen);
	snprintf(why, whylen, "not a test lookup");
	return NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*conf;
	char		 dir[1024], path[2048];
	struct dirent	*de;
	DIR		*d;
	size_t		 i;

	(void)argc;
	(void)argv;
	event_fields_init();
	conf = getenv("CONFDIR") != NULL ? getenv("CONFDIR") : "conf";
	snprintf(dir, sizeof(dir), "%s/macros", conf);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strstr(de->d_name, ".yml") == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			fuzz_macro_read(path);
		}
		closedir(d);
	}
	if (fuzz_nmacros == 0)
		fprintf(stderr, "fuzz_spl: no macros in %s\n", dir);
	snprintf(dir, sizeof(dir), "%s/lookups", getenv("TESTDATA") != NULL ?
	    getenv("TESTDATA") : "tests/data");
	fuzz_lookups = lookup_set_new(dir);
	fuzz_macro_add("loop", "EventCode=1 OR `loop`", NULL);
	fuzz_macro_add("eq(1)", "$f$=\"$f$\" | search $f$", "f");

	for (i = 0; i < 3; i++)
		event_init(&fuzz_ev[i], 4096);
	event_init(&fuzz_row, 1 << 16);
	/* The AgentTesla connection, as normalisation leaves it. */
	fuzz_ev_set(&fuzz_ev[0], "EventCode", "3");
	fuzz_ev_set(&fuzz_ev[0], "sourcetype",
	    "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational");
	fuzz_ev_set(&fuzz_ev[0], "Image",
	    "C:\\Users\\admin\\AppData\\Local\\Temp\\HdcQxs.exe");
	fuzz_ev_set(&fuzz_ev[0], "DestinationPort", "21");
	fuzz_ev_set(&fuzz_ev[0], "DestinationPortName", "ftp");
	fuzz_ev_set(&fuzz_ev[0], "DestinationIp", "192.0.2.10");
	fuzz_ev_set(&fuzz_ev[0], "dest", "ws-1.corp");
	fuzz_ev_set(&fuzz_ev[0], "user", "CORP\\admin");
	fuzz_ev_set(&fuzz_ev[0], "_time", "1663246582.958");
	/* Odd values: wildcards, signs, huge numbers, non-ASCII. */
	fuzz_ev_set(&fuzz_ev[1], "EventCode", "-0003");
	fuzz_ev_set(&fuzz_ev[1], "Image", "*\\\xc3\xa9*\"");
	fuzz_ev_set(&fuzz_ev[1], "DestinationPort",
	    "1e308000000000000000000000000000000000");
	fuzz_ev_set(&fuzz_ev[1], "count", "NaN");
	fuzz_ev_set(&fuzz_ev[1], "_time", "-1");
	/* fuzz_ev[2] stays empty: every field absent. */
	return 0;
}

/* A row as stats.c emits it: by-fields and aggregates as text. */
static void
fuzz_row_fill(const struct spl_search *s)
{
	static const char *vals[] = { "1795852800", "ws-1", "*", "-2.5",
	    "C:\\Temp\\x.exe", "99999999999999999999" };
	size_t	 i;

	event_reset(&fuzz_row);
	for (i = 0; i < s->stats.nby; i++)
		(void)event_set(&fuzz_row, s->stats.by[i], vals[i % 6],
		    strlen(vals[i % 6]));
	for (i = 0; i < s->stats.nagg; i++)
		(void)event_set(&fuzz_row, s->stats.agg[i].as,
		    vals[(i + 3) % 6], strlen(vals[(i + 3) % 6]));
}

/* The number rule on the input as a value (text holds size bytes + NUL). */
static void
fuzz_number(const char *text, size_t size)
{
	double	 d, ref;
	char	*end;

	if (!spl_parse_num(text, size, &d))
		return;
	if (size == 0 || size >= SPL_NUM_MAX || !isfinite(d) ||
	    memchr(text, '\0', size) != NULL ||
	    strpbrk(text, " \t\n\r\f\vxXiInN") != NULL)
		abort();
	ref = strtod(text, &end);
	if (end != text + size || ref != d)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spl_search	*s;
	struct spl_error	 err;
	struct spl_env		 env;
	char			*text;
	size_t			 i;
	int			 n = event_field_count();

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_number(text, size);
	memset(&err, 0, sizeof(err));
	memset(&env, 0, sizeof(env));
	env.macro = fuzz_macro_lookup;
	env.table = fuzz_table;
	env.table_arg = fuzz_lookups;
	s = spl_compile_env(text, &env, &err);
	if (s == NULL) {
		if (err.msg[0] == '\0' || err.line < 1 || err.column < 1 ||
		    memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    memchr(err.origin, '\0', sizeof(err.origin)) == NULL) {
			fprintf(stderr, "spl: bad error \"%.256s\" %d:%d\n",
			    err.msg, err.line, err.column);
			abort();
		}
		goto out;
	}
	n = event_field_count();
	if (s->filter == NULL || s->text == NULL)
		abort();
	for (i = 0; i < s->stats.nby; i++)
		if (s->stats.by[i] < 0 || s->stats.by[i] >= n)
			abort();
	for (i = 0; i < s->stats.nagg; i++)
		if (s->stats.agg[i].as < 0 || s->stats.agg[i].as >= n ||
		    s->stats.agg[i].field < -1 || s->stats.agg[i].field >= n)
			abort();
	for (i = 0; i < s->ncolumns; i++)
		if (s->columns[i] < 0 || s->columns[i] >= n)
			abort();
	for (i = 0; i < s->nfields; i++)
		if (s->fields[i] < 0 || s->fields[i] >= n)
			abort();
	for (i = 0; i < 3; i++)
		(void)spl_match(s->filter, &fuzz_ev[i]);
	fuzz_row_fill(s);
	(void)spl_post_apply(s, &fuzz_row);
	spl_search_free(s);
out:
	free(text);
	return 0;
}
