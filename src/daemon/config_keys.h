/*
 * The key table, shared by the parts of the configuration: config_keys.c
 * declares every key (name, mirroring option, type, reload class, bounds,
 * default, help) and checks a value the same way wherever it comes from;
 * config.c reads files and argv through it and validates the whole.
 * Private to src/daemon/config*.c: everyone else includes config.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_CONFIG_KEYS_H
#define HECSENTRY_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/config.h"

#define CONFIG_TOKEN_ENV	"HECSENTRY_HEC_TOKEN"
#define CONFIG_KEYS_MAX		128	/* bound of config_nkeys */

enum config_type {
	CONFIG_T_STRING,	/* char * */
	CONFIG_T_PATH,		/* char *, relative to the config file */
	CONFIG_T_LIST,		/* char ** + size_t count, repeatable */
	CONFIG_T_BOOL,		/* bool: yes/no, true/false, on/off, 1/0 */
	CONFIG_T_INT,		/* int */
	CONFIG_T_SIZE,		/* size_t, k/M/G suffixes (powers of 1024) */
	CONFIG_T_DURATION,	/* int, seconds (s/m/h suffixes) * scale */
	CONFIG_T_NULLBY,	/* null_by_fields: keep|drop */
	CONFIG_T_OUTPUT,	/* output: hec|stdout|file:PATH */
	CONFIG_T_TLSVERIFY,	/* tls_verify_client: no|optional|require */
	CONFIG_T_CHOICE		/* bool: arg is "FALSE|TRUE", two words */
};

struct config_key {
	const char		*name;		/* key in the file */
	const char		*longopt;	/* mirroring option, or NULL */
	enum config_type	 type;
	enum config_apply	 apply;		/* live on SIGHUP or restart */
	size_t			 off;		/* field in struct config */
	size_t			 countoff;	/* CONFIG_T_LIST: the count */
	unsigned long long	 min, max;	/* bounds, numeric types */
	int			 scale;		/* CONFIG_T_DURATION unit */
	const char		*def;		/* default, NULL = unset */
	const char		*arg;		/* placeholder in --help */
	const char		*help;
};

/* One source of settings (a file, the command line): lists it sets
 * replace what earlier sources gave. */
struct config_src {
	bool		 seen[CONFIG_KEYS_MAX];	/* list key already set here */
	const char	*basedir;		/* relative paths, or NULL */
};

extern const struct config_key	config_keys[];	/* the table */
extern const size_t		config_nkeys;	/* its length */

/* The key named by the len bytes at name, or NULL. */
const struct config_key *config_key_find(const char *name, size_t len);

/*
 * Sets key k of cfg from the text value (already unquoted).  src says
 * where it comes from (NULL for defaults).  Returns 0, or -1 with a
 * static reason in *why.
 */
int		 config_key_set(struct config *cfg, const struct config_key *k,
		    const char *value, struct config_src *src,
		    const char **why);

/*
 * What is wrong with value of key k beyond its type (config_check.c):
 * an address, an HEC URL, spool_fsync.  Returns NULL when it is fine,
 * else "what is wrong (what to do)" (caller frees).
 */
char		*config_check_value(const struct config_key *k,
		    const char *value);

/* "KEY: reason", plus the bounds when out of range; caller frees. */
char		*config_key_error(const struct config_key *k, const char *why);

#endif /* HECSENTRY_CONFIG_KEYS_H */
