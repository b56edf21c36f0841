/*
 * Calendar arithmetic shared by input/ and decode/ (civil.c).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_CIVIL_H
#define HECSENTRY_CIVIL_H

#include <stdint.h>

/*
 * Days since 1970-01-01 of the proleptic Gregorian date y-m-d (month
 * 1-12, day valid for the month); negative before 1970.
 */
int64_t		 civil_days(int y, int m, int d);

#endif /* HECSENTRY_CIVIL_H */
