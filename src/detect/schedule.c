/*
 * Deployments (security_content's deployments/NAME.yml) read into
 * schedules, and the choice of each detection's window from its
 * compiled search and its schedule.  Load time only.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "detect/detection.h"
#include "detect/detection_int.h"
#include "detect/schedule.h"
#include "xmalloc.h"

/* security_content's default for TTP, Anomaly and Hunting. */
static const struct schedule schedule_default = {
	"security_content default", NULL, "0 * * * *", "-70m@m", "-10m@m",
	3600, 3000
};

/* A cron field: "*" (-1), or a number in [0, max]. */
static int
schedule_cron_field(const char *s, size_t len, int max, int *out)
{
	int	 v = 0;
	size_t	 k;

	if (len == 1 && s[0] == '*') {
		*out = -1;
		return 0;
	}
	if (len == 0 || len > 2)
		return -1;
	for (k = 0; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* The run period and the first run's offset in it, from a cron line. */
static int
schedule_cron(const char *cron, int *period, int *run)
{
	const char	*f[5], *p = cron;
	size_t		 len[5], k;
	int		 min, hour, n;

	for (k = 0; k < 5; k++) {
		while (*p == ' ' || *p == '\t')
			p++;
		f[k] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		len[k] = (size_t)(p - f[k]);
		if (len[k] == 0)
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	for (k = 2; k < 5; k++)
		if (len[k] != 1 || f[k][0] != '*')
			return -1;
	if (len[0] > 2 && strncmp(f[0], "*/", 2) == 0) {
		if (len[1] != 1 || f[1][0] != '*' ||
		    schedule_cron_field(f[0] + 2, len[0] - 2, 60, &n) == -1 ||
		    n <= 0 || 60 % n != 0)
			return -1;
		*period = n * 60;
		*run = 0;
		return 0;
	}
	if (schedule_cron_field(f[0], len[0], 59, &min) == -1 ||
	    schedule_cron_field(f[1], len[1], 23, &hour) == -1)
		return -1;
	if (min == -1 && hour != -1)
		return -1;
	if (min == -1) {
		*period = 60;
		*run = 0;
	} else if (hour == -1) {
		*period = 3600;
		*run = min * 60;
	} else {
		*period = 86400;
		*run = hour * 3600 + min * 60;
	}
	return 0;
}

/* A relative time: "now", or [+-]N(s|m|h|d)[@s|@m], in seconds. */
static int
schedule_time(const char *s, int *out)
{
	long	 n = 0, unit;
	int	 sign = 1;
	bool	 digits = false;

	if (strcmp(s, "now") == 0 || strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (*s == '-' || *s == '+')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > 1000000)
			return -1;
		n = n * 10 + (*s - '0');
		digits = true;
	}
	if (!digits)
		return -1;
	switch (*s++) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return -1;
	}
	if (*s != '\0' && strcmp(s, "@m") != 0 && strcmp(s, "@s") != 0)
		return -1;
	*out = (int)(sign * n * unit);
	return 0;
}

int
schedule_parse(struct schedule *sc, char **errstr)
{
	int	 period, run, e, l;

	if (sc->cron == NULL || schedule_cron(sc->cron, &period, &run) == -1) {
		xasprintf(errstr, "cron_schedule '%s' is not supported",
		    sc->cron != NULL ? sc->cron : "");
		return -1;
	}
	if (sc->earliest == NULL || schedule_time(sc->earliest, &e) == -1 ||
	    sc->latest == NULL || schedule_time(sc->latest, &l) == -1 ||
	    l <= e) {
		xasprintf(errstr, "earliest_time '%s', latest_time '%s' are "
		    "not supported", sc->earliest != NULL ? sc->earliest : "",
		    sc->latest != NULL ? sc->latest : "");
		return -1;
	}
	sc->period_s = period;
	sc->offset_s = ((run + l) % period + period) % period;
	return 0;
}

static void
schedule_free_one(struct schedule *sc)
{
	free(sc->name);
	free(sc->type);
	free(sc->cron);
	free(sc->earliest);
	free(sc->latest);
}

/* Reads one deployment file into sc.  0, or -1 with *errstr. */
static int
schedule_load_file(struct schedule *sc, const char *path, char **errstr)
{
	struct detection_yaml y;
	yaml_node_t	*root, *m;
	int		 rc = -1;

	memset(sc, 0, sizeof(*sc));
	if ((root = detection_yaml_load(&y, path, errstr)) == NULL)
		goto out;
	if (detection_get_str(&y, root, "name", &sc->name, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, root, "type", &sc->type, NULL,
	    errstr) == -1)
		goto out;
	if ((m = detection_yaml_get(&y.doc, root, "scheduling")) == NULL ||
	    m->type != YAML_MAPPING_NODE || sc->type == NULL) {
		xasprintf(errstr, "%s: no type or scheduling", path);
		goto out;
	}
	if (detection_get_str(&y, m, "cron_schedule", &sc->cron, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, m, "earliest_time", &sc->earliest, NULL,
	    errstr) == -1 ||
	    detection_get_str(&y, m, "latest_time", &sc->latest, NULL,
	    errstr) == -1)
		goto out;
	if (schedule_parse(sc, errstr) == -1) {
		char	*e = *errstr;

		xasprintf(errstr, "%s: %s", path, e);
		free(e);
		goto out;
	}
	rc = 0;
out:
	detection_yaml_clear(&y);
	if (rc == -1)
		schedule_free_one(sc);
	return rc;
}

void
schedule_set_load_dir(struct schedule_set *ss, const char *dir)
{
	char	**files = NULL, *err = NULL;
	size_t	  n = 0, k;

	if (detection_list_dir(dir, &files, &n, &err) == -1) {
		if (ss->error == NULL)
			ss->error = err;
		else
			free(err);
		return;
	}
	for (k = 0; k < n; k++) {
		ss->v = xreallocarray(ss->v, ss->n + 1, sizeof(*ss->v));
		if (schedule_load_file(&ss->v[ss->n], files[k], &err) == 0)
			ss->n++;
		else if (ss->error == NULL)
			ss->error = err;
		else
			free(err);
		err = NULL;
	}
	detection_strv_free(files, n);
}

void
schedule_set_clear(struct schedule_set *ss)
{
	size_t	 k;

	for (k = 0; k < ss->n; k++)
		schedule_free_one(&ss->v[k]);
	free(ss->v);
	free(ss->error);
	memset(ss, 0, sizeof(*ss));
}

void
schedule_choose(struct detection *d, const struct schedule_set *ss)
{
	const struct schedule *sc = &schedule_default;
	size_t		 k;

	free(d->window);
	d->window = NULL;
	d->window_s = 0;
	d->window_offset_s = 0;
	if (d->search == NULL)
		return;
	if (d->search->window_why == NULL) {
		d->window = xstrdup("short: its rows merge");
		return;
	}
	for (k = 0; ss != NULL && k < ss->n && d->type != NULL; k++)
		if (strcasecmp(ss->v[k].type, d->type) == 0) {
			sc = &ss->v[k];
			break;
		}
	d->window_s = sc->period_s;
	d->window_offset_s = sc->offset_s;
	xasprintf(&d->window, "schedule %d s (%s: %s, %s to %s): %s",
	    sc->period_s, sc->name, sc->cron, sc->earliest, sc->latest,
	    d->search->window_why);
}
