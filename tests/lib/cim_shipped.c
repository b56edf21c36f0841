/*
 * The shipped Sysmon-to-CIM mapping for tests (testref.h): conf/cim.conf
 * under $CONFDIR (make check sets it), loaded once per process, and
 * event_normalise() followed by its add-on fields, which is what the
 * pipeline does to every event.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>

#include "decode/cim.h"
#include "testref.h"

static struct cim_map	*testref_map;	/* loaded once, never freed */

struct cim_map *
testref_cim_load(void)
{
	const char	*dir;
	char		 path[1024];
	char		*err = NULL;
	struct cim_map	*m;

	if ((dir = getenv("CONFDIR")) == NULL)
		dir = "conf";
	(void)snprintf(path, sizeof(path), "%s/cim.conf", dir);
	if ((m = cim_map_load(path, &err)) == NULL) {
		fprintf(stderr, "testref: %s (set CONFDIR)\n",
		    err != NULL ? err : path);
		exit(2);
	}
	return m;
}

int
testref_normalise(struct event *ev, int64_t header_ms, int64_t now_ms)
{
	if (testref_map == NULL)
		testref_map = testref_cim_load();
	if (event_normalise(ev, header_ms, now_ms) == -1)
		return -1;
	return cim_addon_apply(testref_map, ev);
}
