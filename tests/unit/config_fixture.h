/*
 * The fixture of the config.c tests (test_config.c, test_config_keys.c):
 * a fresh temporary directory per test, files written into it, a config
 * parsed from text on top of the defaults.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef CONFIG_FIXTURE_H
#define CONFIG_FIXTURE_H

#include <sys/types.h>
#include <limits.h>

#include "daemon/config.h"

extern char	 tmpdir[PATH_MAX];	/* per-test scratch directory */

void		 config_fix_setup(void);
void		 config_fix_teardown(void);
const char	*write_file(const char *, const char *, mode_t);
int		 parse_text(const char *, struct config *, char **);

#endif
