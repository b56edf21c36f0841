/*
 * Module options from the configuration: daemon/ is the only place that
 * reads struct config; each module gets its own options struct, filled
 * here, and never includes daemon/config.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_OPTIONS_H
#define HECSENTRY_OPTIONS_H

#include "daemon/config.h"

/* input: listen */

/* output: sink, hec, spool */

/* daemon: admin */

#endif /* HECSENTRY_OPTIONS_H */
