/*
 * Schedules and windows (SPEC 9, "Windows and schedules").  Splunk runs a
 * security_content detection on the schedule of its deployment (the one
 * whose type is the detection's type: deployments/NAME.yml, cron_schedule
 * with earliest_time and latest_time); hecsentry gives each detection the
 * window whose rows are Splunk's answer: the short `window` when its rows
 * merge (spl_window.c), else its schedule's period, aligned so that each
 * window is the time range one scheduled run searches.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_SCHEDULE_H
#define HECSENTRY_SCHEDULE_H

#include <stddef.h>

#include "detect/detection.h"

struct schedule {
	char		*name;		/* the deployment's name */
	char		*type;		/* the detection type it is for */
	char		*cron;		/* cron_schedule */
	char		*earliest;	/* earliest_time, e.g. -70m@m */
	char		*latest;	/* latest_time, e.g. -10m@m */
	int		 period_s;	/* how often it runs: the window */
	int		 offset_s;	/* windows start at offset_s modulo */
					/*   period_s (seconds, UTC) */
};

struct schedule_set {
	struct schedule	*v;
	size_t		 n;
	char		*error;		/* the first deployment not read */
};

/*
 * Computes sc->period_s and sc->offset_s from its cron, earliest and
 * latest: cron "M * * * *" (hourly), "M H * * *" (daily), "*\/N * * * *"
 * (N minutes, N dividing 60) or "* * * * *"; times "now" or [+-]N with
 * a unit s, m, h or d and an optional snap @s or @m (the runs start on
 * whole minutes, where those snaps change nothing).  A run at time t
 * searches [t + earliest, t + latest); the window is the run's period,
 * ending where a run's range ends.  Returns 0, or -1 with *errstr.
 */
int		 schedule_parse(struct schedule *sc, char **errstr);

/*
 * Adds every NAME.yml of dir (a deployments directory) to ss (name,
 * type, scheduling); a file that cannot be read or parsed is skipped, the first such error
 * kept in ss->error.
 */
void		 schedule_set_load_dir(struct schedule_set *ss,
		    const char *dir);
void		 schedule_set_clear(struct schedule_set *ss);

/*
 * Chooses d's window (d compiled): 0, the `window` key, when its rows
 * merge; else the period of the schedule for its type in ss (or
 * security_content's default, hourly over -70m@m to -10m@m, when ss has
 * none), and says why in d->window.
 */
void		 schedule_choose(struct detection *d,
		    const struct schedule_set *ss);

#endif /* HECSENTRY_SCHEDULE_H */
