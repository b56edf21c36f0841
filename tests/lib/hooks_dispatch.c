/*
 * Test switch of detect.c (testref.h): the dispatch by event code, which
 * the daemon never switches off, so that the differential tests compare
 * it with every detection run on every event.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>

#include "detect/detect.h"
#include "testref.h"

void
dispatch_set_enabled(bool on)
{
	detect_dispatch = on;
}
