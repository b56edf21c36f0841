/*
 * The checks of a value beyond its type, so that --check-config refuses
 * what would stop the daemon: listen and admin addresses (ADDR:PORT,
 * [V6ADDR]:PORT, port 0..65535), HEC URLs (hec_url_event() for the
 * layout, then the port), spool_fsync, suppress rules
 * (suppress_rule_parse()); and, apart, the paths the daemon opens
 * (detections, macros, cim_map, the output file, spool_dir).  No socket
 * is opened; messages say what is wrong and what to do.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/config_keys.h"
#include "output/hec_url.h"
#include "output/suppress.h"
#include "xmalloc.h"

#define CONFIG_ADDR_HINT	"write ADDR:PORT, or [V6ADDR]:PORT for IPv6"

/*
 * Checks a port: digits, lo..65535.  Returns NULL, or what is wrong
 * (caller frees).
 */
static char *
config_check_port(const char *port, size_t len, unsigned long lo)
{
	unsigned long	 v = 0;
	size_t		 i;
	char		*s;

	for (i = 0; i < len; i++) {
		if (port[i] < '0' || port[i] > '9') {
			xasprintf(&s, "port \"%.*s\" is not a number "
			    "(use %lu..65535)", (int)len, port, lo);
			return s;
		}
		if (v <= 65535)
			v = v * 10 + (unsigned long)(port[i] - '0');
	}
	if (len == 0 || v < lo || v > 65535) {
		xasprintf(&s, "port \"%.*s\" out of range (use %lu..65535)",
		    (int)len, port, lo);
		return s;
	}
	return NULL;
}

/* A host name or IPv4 address: letters, digits, '.', '-'. */
static bool
config_host_ok(const char *h, size_t len)
{
	struct in_addr	 a;
	char		 buf[256];
	bool		 numeric = true;
	size_t		 i;

	if (len == 0 || len >= sizeof(buf))
		return false;
	for (i = 0; i < len; i++) {
		if (!(h[i] >= '0' && h[i] <= '9') && h[i] != '.')
			numeric = false;
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '.' ||
		    h[i] == '-'))
			return false;
	}
	memcpy(buf, h, len);
	buf[len] = '\0';
	return !numeric || inet_pton(AF_INET, buf, &a) == 1;
}

/*
 * Checks "HOST:PORT", "[V6]:PORT" (and "*:PORT", ":PORT" when any is
 * true); the port may be missing when portlo is -1 (a URL's authority).
 * Returns NULL, or what is wrong (caller frees).
 */
static char *
config_check_hostport(const char *spec, size_t len, bool any, int portlo)
{
	struct in6_addr	 a6;
	const char	*end = spec + len, *colon, *rb;
	char		 buf[INET6_ADDRSTRLEN + 1], *s;

	if (spec[0] == '[') {
		if ((rb = memchr(spec, ']', len)) == NULL ||
		    (size_t)(rb - spec - 1) >= sizeof(buf)) {
			xasprintf(&s, "bad IPv6 address (" CONFIG_ADDR_HINT
			    ")");
			return s;
		}
		memcpy(buf, spec + 1, (size_t)(rb - spec - 1));
		buf[rb - spec - 1] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1) {
			xasprintf(&s, "bad IPv6 address \"%s\" ("
			    CONFIG_ADDR_HINT ")", buf);
			return s;
		}
		colon = rb + 1 < end ? rb + 1 : NULL;
		if (colon != NULL && *colon != ':') {
			xasprintf(&s, "text after \"]\" (" CONFIG_ADDR_HINT
			    ")");
			return s;
		}
	} else {
		colon = memchr(spec, ':', len);
		if (colon != NULL && memchr(colon + 1, ':',
		    (size_t)(end - colon - 1)) != NULL) {
			xasprintf(&s, "an IPv6 address needs brackets ("
			    CONFIG_ADDR_HINT ")");
			return s;
		}
		rb = colon != NULL ? colon : end;
		if (!(any && (rb == spec || (rb - spec == 1 &&
		    *spec == '*'))) && !config_host_ok(spec,
		    (size_t)(rb - spec))) {
			xasprintf(&s, "bad host \"%.*s\" (" CONFIG_ADDR_HINT
			    ")", (int)(rb - spec), spec);
			return s;
		}
	}
	if (colon == NULL) {
		if (portlo == -1)
			return NULL;
		xasprintf(&s, "no port (" CONFIG_ADDR_HINT ")");
		return s;
	}
	return config_check_port(colon + 1, (size_t)(end - colon - 1),
	    portlo == -1 ? 1 : (unsigned long)portlo);
}

/* The HEC URL: hec_url_event()'s layout, then the authority's port. */
static char *
config_check_url(const char *url)
{
	const char	*auth, *aend, *at;
	char		*u, *err = NULL;

	if ((u = hec_url_event(url, &err)) == NULL)
		return err;
	free(u);
	auth = strstr(url, "://") + 3;
	aend = auth + strcspn(auth, "/?#");
	while ((at = memchr(auth, '@', (size_t)(aend - auth))) != NULL)
		auth = at + 1;
	return config_check_hostport(auth, (size_t)(aend - auth), false, -1);
}

char *
config_check_value(const struct config_key *k, const char *value)
{
	struct suppress_rule	 rule;
	char			*s;

	if (k->type == CONFIG_T_LIST && value[0] == '\0')
		return NULL;
	if (k->type == CONFIG_T_LIST && strcmp(k->name, "hec_url") == 0)
		return config_check_url(value);
	if (k->type == CONFIG_T_LIST && strcmp(k->name, "suppress") == 0) {
		if (suppress_rule_parse(value, &rule, &s) == -1)
			return s;
		suppress_rule_clear(&rule);
		return NULL;
	}
	if (strncmp(k->name, "listen_", 7) == 0 ||
	    (strcmp(k->name, "admin_listen") == 0 && value[0] != '\0'))
		return config_check_hostport(value, strlen(value), true, 0);
	if (strcmp(k->name, "spool_fsync") == 0 &&
	    strcmp(value, "always") != 0 && strcmp(value, "batch") != 0 &&
	    strcmp(value, "never") != 0) {
		xasprintf(&s, "expected always, batch or never");
		return s;
	}
	return NULL;
}

/*
 * Checks that dir exists as a directory the daemon may write (mode:
 * the access(2) bits).  Returns NULL, or what is wrong (caller frees).
 */
static char *
config_check_dir(const char *dir, int mode)
{
	struct stat	 st;
	char		*s;

	if (stat(dir, &st) == -1) {
		xasprintf(&s, "%s: %s", dir, strerror(errno));
		return s;
	}
	if (!S_ISDIR(st.st_mode)) {
		xasprintf(&s, "%s is not a directory", dir);
		return s;
	}
	if (access(dir, mode) == -1) {
		xasprintf(&s, "%s: %s", dir, strerror(errno));
		return s;
	}
	return NULL;
}

/* The directory part of path (caller frees). */
static char *
config_check_parent(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
config_check_paths(const struct config *cfg, char **errstr)
{
	struct stat	 st;
	char		*why = NULL, *dir;

	*errstr = NULL;
	if ((why = config_check_dir(cfg->detections_dir, R_OK | X_OK)) !=
	    NULL) {
		xasprintf(errstr, "detections: %s (give the directory of "
		    "the detection YAML files)", why);
		goto out;
	}
	if ((why = config_check_dir(cfg->macros_dir, R_OK | X_OK)) != NULL) {
		xasprintf(errstr, "macros: %s (give the directory of the "
		    "macro YAML files)", why);
		goto out;
	}
	if (cfg->output == CONFIG_OUTPUT_FILE) {
		if (stat(cfg->output_path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				xasprintf(&why, "%s is a directory",
				    cfg->output_path);
			else if (access(cfg->output_path, W_OK) == -1)
				xasprintf(&why, "%s: %s", cfg->output_path,
				    strerror(errno));
		} else {
			dir = config_check_parent(cfg->output_path);
			why = config_check_dir(dir, W_OK | X_OK);
			free(dir);
		}
		if (why != NULL) {
			xasprintf(errstr, "output: %s (give file:PATH in a "
			    "directory the daemon can write)", why);
			goto out;
		}
	}
	if (cfg->spool_dir != NULL) {
		if (stat(cfg->spool_dir, &st) == 0)
			why = config_check_dir(cfg->spool_dir,
			    R_OK | W_OK | X_OK);
		else {
			dir = config_check_parent(cfg->spool_dir);
			why = config_check_dir(dir, W_OK | X_OK);
			free(dir);
		}
		if (why != NULL) {
			xasprintf(errstr, "spool_dir: %s (create it, writable "
			    "by the daemon's user, or name another)", why);
			goto out;
		}
	}
out:
	free(why);
	return *errstr == NULL ? 0 : -1;
}
