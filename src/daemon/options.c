/*
 * Module options from the configuration (options.h): one function per
 * module, each filling that module's options struct from a struct config.
 * The options borrow the config's strings: they live as long as it does.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include "daemon/options.h"

/* input: listen */

/* output: sink, hec, spool */

/* daemon: admin */
