/*
 * Configuration: the file syntax ("key = value" lines, '#' comments,
 * quoted values), the command line (getopt_long built from the key
 * table, --set KEY=VALUE) and the checks across keys once every source
 * is read (the HEC URLs and token, TLS files, retry bounds).  What each
 * key is and how its value parses is in config_keys.c.  This module only
 * parses and validates; it opens no socket and loads no detection.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/config_keys.h"
#include "log.h"
#include "output/hec_url.h"
#include "xmalloc.h"

#ifdef PACKAGE_VERSION
#define CONFIG_VERSION		PACKAGE_VERSION
#else
#define CONFIG_VERSION		"0.1.0"
#endif

#define CONFIG_LINE_MAX		8192
#define CONFIG_TOKEN_MAX	4096

/* getopt_long values of the options that are not keys */
enum {
	CONFIG_OPT_CHECK = 0x100,
	CONFIG_OPT_JSON,
	CONFIG_OPT_VERSION,
	CONFIG_OPT_HELP,
	CONFIG_OPT_SET,
	CONFIG_OPT_KEY		/* + index in config_keys[] */
};

/*
 * Splits one config line in place into key and value.  Returns 1 with
 * *key and *value set (both NUL-terminated inside line), 0 for a blank or
 * comment line, -1 with a reason in *why.
 */
static int
config_split_line(char *line, char **key, char **value, const char **why)
{
	char	*p = line, *q, *w, *end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	*key = p;
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
	    *p == '_')
		p++;
	if (p == *key) {
		*why = "expected a key";
		return -1;
	}
	q = p;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '=') {
		*why = "expected '=' after the key";
		return -1;
	}
	*q = '\0';
	p++;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		/* quoted: \" and \\ stand for the character */
		*value = w = ++p;
		for (;;) {
			if (*p == '\0') {
				*why = "unterminated quoted value";
				return -1;
			}
			if (*p == '"')
				break;
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*w++ = *p++;
		}
		*w = '\0';
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '\0' && *p != '#') {
			*why = "text after the quoted value";
			return -1;
		}
		return 1;
	}
	/* unquoted: a '#' after white space starts a comment */
	*value = p;
	for (end = p; *p != '\0'; p++) {
		if (*p == '#' && p > *value && isspace((unsigned char)p[-1]))
			break;
		if (!isspace((unsigned char)*p))
			end = p + 1;
	}
	*end = '\0';
	return 1;
}

/* Returns the directory of path (absolute when it exists); caller frees. */
static char *
config_dirname(const char *path)
{
	const char	*slash;
	char		*dir, *real;

	if ((slash = strrchr(path, '/')) == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	if ((real = realpath(dir, NULL)) != NULL) {
		free(dir);
		return real;
	}
	return dir;
}

int
config_parse_file(const char *path, struct config *cfg, char **errstr)
{
	struct config_src	 src;
	const struct config_key	*k;
	FILE			*fp;
	char			*line = NULL, *key, *value, *dir, *kerr;
	const char		*why;
	size_t			 linesz = 0;
	ssize_t			 n;
	int			 lineno = 0, rc = -1, r;

	*errstr = NULL;
	if ((fp = fopen(path, "r")) == NULL) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&src, 0, sizeof(src));
	dir = config_dirname(path);
	src.basedir = dir;
	while ((n = getline(&line, &linesz, fp)) != -1) {
		lineno++;
		if (n > CONFIG_LINE_MAX) {
			xasprintf(errstr, "%s:%d: line too long", path,
			    lineno);
			goto out;
		}
		if (memchr(line, '\0', (size_t)n) != NULL) {
			xasprintf(errstr, "%s:%d: NUL byte in line", path,
			    lineno);
			goto out;
		}
		r = config_split_line(line, &key, &value, &why);
		if (r == 0)
			continue;
		if (r == -1) {
			xasprintf(errstr, "%s:%d: %s", path, lineno, why);
			goto out;
		}
		if ((k = config_key_find(key, strlen(key))) == NULL) {
			xasprintf(errstr, "%s:%d: unknown key \"%s\"", path,
			    lineno, key);
			goto out;
		}
		if (config_key_set(cfg, k, value, &src, &why) == -1) {
			kerr = config_key_error(k, why);
			xasprintf(errstr, "%s:%d: %s", path, lineno, kerr);
			free(kerr);
			goto out;
		}
		if ((kerr = config_check_value(k, value)) != NULL) {
			xasprintf(errstr, "%s:%d: %s: %s", path, lineno,
			    k->name, kerr);
			free(kerr);
			goto out;
		}
	}
	if (ferror(fp)) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	free(dir);
	fclose(fp);
	return rc;
}

/*
 * Reads the token file: first line, white space trimmed.  Warns when
 * group or others may read it.  Returns the token (caller frees) or NULL
 * with *errstr.  The token itself never appears in a message.
 */
static char *
config_read_token(const char *path, char **errstr)
{
	struct stat	 st;
	char		 buf[CONFIG_TOKEN_MAX + 1], *p, *end, *tok;
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		xasprintf(errstr, "hec_token_file: %s: %s (give the file "
		    "holding the HEC token)", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode)) {
		xasprintf(errstr, "hec_token_file: %s is not a regular file "
		    "(give the file holding the HEC token)", path);
		fclose(fp);
		return NULL;
	}
	if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		log_warnx("hec_token_file %s is readable by group or "
		    "others; chmod 600 it", path);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	for (p = buf; isspace((unsigned char)*p); p++)
		;
	for (end = p + strlen(p); end > p &&
	    isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	tok = (*p == '\0') ? NULL : xstrdup(p);
	explicit_bzero(buf, sizeof(buf));
	if (tok == NULL)
		xasprintf(errstr, "hec_token_file: %s is empty (write the "
		    "HEC token on its first line)", path);
	return tok;
}

/* A token goes into an HTTP header: printable ASCII, no space. */
static bool
config_token_ok(const char *tok)
{
	for (; *tok != '\0'; tok++)
		if (*tok <= ' ' || *tok >= 0x7f)
			return false;
	return true;
}

int
config_finish(struct config *cfg, char **errstr)
{
	const char	*env;
	char		*u;
	size_t		 i;

	*errstr = NULL;
	for (i = 0; i < cfg->nhec_url; i++) {
		if ((u = hec_url_event(cfg->hec_url[i], errstr)) == NULL)
			return -1;
		free(cfg->hec_url[i]);
		cfg->hec_url[i] = u;
	}
	if (cfg->nlisten_tls > 0 && (cfg->tls_cert_file == NULL ||
	    cfg->tls_key_file == NULL)) {
		xasprintf(errstr, "listen_tls needs tls_cert_file and "
		    "tls_key_file");
		return -1;
	}
	if (cfg->nlisten_tls > 0 &&
	    cfg->tls_verify_client != CONFIG_TLS_VERIFY_NO &&
	    cfg->tls_ca_file == NULL) {
		xasprintf(errstr, "tls_verify_client needs tls_ca_file");
		return -1;
	}
	if (cfg->hec_retry_min_ms > cfg->hec_retry_max_ms) {
		xasprintf(errstr, "hec_retry_min_ms (%d) is above "
		    "hec_retry_max_ms (%d)", cfg->hec_retry_min_ms,
		    cfg->hec_retry_max_ms);
		return -1;
	}
	if (cfg->output != CONFIG_OUTPUT_HEC)
		return 0;
	if (cfg->nhec_url == 0) {
		xasprintf(errstr, "output hec needs at least one hec_url "
		    "(--hec-url URL)");
		return -1;
	}
	if (cfg->hec_token != NULL) {
		explicit_bzero(cfg->hec_token, strlen(cfg->hec_token));
		free(cfg->hec_token);
		cfg->hec_token = NULL;
	}
	if (cfg->hec_token_file != NULL) {
		cfg->hec_token = config_read_token(cfg->hec_token_file,
		    errstr);
		if (cfg->hec_token == NULL)
			return -1;
	} else if ((env = getenv(CONFIG_TOKEN_ENV)) != NULL &&
	    *env != '\0')
		cfg->hec_token = xstrdup(env);
	else {
		xasprintf(errstr, "output hec needs a token: set "
		    "hec_token_file (--hec-token-file FILE) or the "
		    "environment variable " CONFIG_TOKEN_ENV);
		return -1;
	}
	if (!config_token_ok(cfg->hec_token)) {
		xasprintf(errstr, "the HEC token holds white space or "
		    "control characters");
		return -1;
	}
	return 0;
}

/* One long option or --set given on the command line, applied after the
 * file. */
struct config_pending {
	const struct config_key	*key;
	const char		*value;		/* borrowed from argv */
	const char		*opt;		/* for messages */
};

/* Builds the getopt_long table: fixed options, then one per mirrored key. */
static void
config_build_options(struct option *opts)
{
	static const struct option fixed[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check-config", no_argument, NULL, CONFIG_OPT_CHECK },
		{ "json", no_argument, NULL, CONFIG_OPT_JSON },
		{ "version", no_argument, NULL, CONFIG_OPT_VERSION },
		{ "help", no_argument, NULL, CONFIG_OPT_HELP },
		{ "set", required_argument, NULL, CONFIG_OPT_SET },
	};
	size_t	 i, n;

	n = sizeof(fixed) / sizeof(fixed[0]);
	memcpy(opts, fixed, sizeof(fixed));
	for (i = 0; i < config_nkeys; i++) {
		if (config_keys[i].longopt == NULL)
			continue;
		opts[n].name = config_keys[i].longopt;
		opts[n].has_arg = required_argument;
		opts[n].flag = NULL;
		opts[n].val = CONFIG_OPT_KEY + (int)i;
		n++;
	}
	memset(&opts[n], 0, sizeof(opts[n]));
}

int
config_from_args(int argc, char **argv, struct config *cfg, char **errstr)
{
	struct option		 opts[CONFIG_KEYS_MAX + 8];
	struct config_pending	*pend;
	struct config_src	 src;
	const struct config_key	*k;
	const char		*why, *eq;
	char			*kerr, *msg;
	size_t			 npend = 0, i;
	int			 ch;

	*errstr = NULL;
	config_init(cfg);
	config_build_options(opts);
	pend = xcalloc((size_t)argc + 1, sizeof(*pend));
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:fvh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			free(cfg->config_file);
			cfg->config_file = xstrdup(optarg);
			break;
		case 'f':
			cfg->foreground = true;
			break;
		case 'v':
			cfg->verbose++;
			break;
		case CONFIG_OPT_CHECK:
			cfg->check_only = true;
			break;
		case CONFIG_OPT_JSON:
			cfg->check_json = true;
			break;
		case CONFIG_OPT_VERSION:
			printf("hecsentry %s\n", CONFIG_VERSION);
			free(pend);
			return 1;
		case 'h':
		case CONFIG_OPT_HELP:
			config_usage(stdout);
			free(pend);
			return 1;
		case CONFIG_OPT_SET:
			if ((eq = strchr(optarg, '=')) == NULL) {
				xasprintf(errstr, "--set %s: expected "
				    "KEY=VALUE", optarg);
				goto fail;
			}
			if ((k = config_key_find(optarg,
			    (size_t)(eq - optarg))) == NULL) {
				xasprintf(errstr, "--set: unknown key "
				    "\"%.*s\"", (int)(eq - optarg), optarg);
				goto fail;
			}
			pend[npend].key = k;
			pend[npend].value = eq + 1;
			pend[npend++].opt = "--set";
			break;
		case ':':
			xasprintf(errstr, "option %s needs an argument",
			    argv[optind - 1]);
			goto fail;
		case '?':
			if (optopt != 0)
				xasprintf(errstr, "unknown option -%c",
				    optopt);
			else
				xasprintf(errstr, "unknown option %s",
				    argv[optind - 1]);
			goto fail;
		default:
			if (ch < CONFIG_OPT_KEY ||
			    ch >= CONFIG_OPT_KEY + (int)config_nkeys)
				fatalx("%s: getopt returned %d", __func__,
				    ch);
			pend[npend].key = &config_keys[ch - CONFIG_OPT_KEY];
			pend[npend].value = optarg;
			pend[npend++].opt = "option";
			break;
		}
	}
	if (optind < argc) {
		xasprintf(errstr, "unexpected argument \"%s\" (see --help)",
		    argv[optind]);
		goto fail;
	}
	if (cfg->config_file != NULL &&
	    config_parse_file(cfg->config_file, cfg, errstr) == -1)
		goto fail;
	memset(&src, 0, sizeof(src));
	for (i = 0; i < npend; i++) {
		k = pend[i].key;
		kerr = NULL;
		if (config_key_set(cfg, k, pend[i].value, &src, &why) == -1)
			kerr = config_key_error(k, why);
		else if ((msg = config_check_value(k, pend[i].value)) !=
		    NULL) {
			xasprintf(&kerr, "%s: %s", k->name, msg);
			free(msg);
		}
		if (kerr != NULL) {
			/* kerr is "key: what is wrong" */
			if (k->longopt != NULL && pend[i].opt[0] == 'o')
				xasprintf(errstr, "--%s: %s", k->longopt,
				    kerr + strlen(k->name) + 2);
			else
				xasprintf(errstr, "--set %s", kerr);
			free(kerr);
			goto fail;
		}
	}
	free(pend);
	if (config_finish(cfg, errstr) == -1) {
		config_free(cfg);
		return -1;
	}
	return 0;
fail:
	free(pend);
	config_free(cfg);
	return -1;
}

