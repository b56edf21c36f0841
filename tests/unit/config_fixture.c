/*
 * The fixture of the config.c tests: see config_fixture.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/stat.h>

#include <criterion/criterion.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "config_fixture.h"

char		 tmpdir[PATH_MAX];	/* per-test scratch directory */

void
config_fix_setup(void)
{
	char	 tmpl[] = "/tmp/test_config.XXXXXX", *real;

	cr_assert_not_null(mkdtemp(tmpl));
	real = realpath(tmpl, NULL);
	cr_assert_not_null(real);
	snprintf(tmpdir, sizeof(tmpdir), "%s", real);
	free(real);
	unsetenv("HECSENTRY_HEC_TOKEN");
}

void
config_fix_teardown(void)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", tmpdir);
}

/* Writes text to tmpdir/name with mode; returns the path (static). */
const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char	 path[PATH_MAX + 64];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	cr_assert_not_null(fp, "cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

/* Parses text as a config file on top of the defaults. */
int
parse_text(const char *text, struct config *cfg, char **err)
{
	const char	*path;

	path = write_file("t.conf", text, 0600);
	config_init(cfg);
	return config_parse_file(path, cfg, err);
}
