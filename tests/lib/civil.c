/*
 * An independent oracle for calendar arithmetic (testref.h): days since
 * 1970-01-01 of a proleptic Gregorian date, counted from the leap years
 * before it, not with event.c's era and day-of-era algorithm, so that a
 * bug of that one cannot hide in a test that compares the two.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdint.h>

#include "testref.h"

/* a / b rounded toward minus infinity (b > 0). */
static int64_t
civil_floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && a < 0);
}

/* Gregorian leap years y' with 0 <= y' < y (negative for y < 0). */
static int64_t
civil_leaps_before(int64_t y)
{
	return civil_floor_div(y + 3, 4) - civil_floor_div(y + 99, 100) +
	    civil_floor_div(y + 399, 400);
}

static bool
civil_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 0000-01-01 to the date. */
static int64_t
civil_days_from_year0(int y, int m, int d)
{
	static const int before[12] = {	/* days before each month */
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};

	return (int64_t)y * 365 + civil_leaps_before(y) + before[m - 1] +
	    (m > 2 && civil_is_leap(y)) + d - 1;
}

int64_t
testref_days(int y, int m, int d)
{
	return civil_days_from_year0(y, m, d) -
	    civil_days_from_year0(1970, 1, 1);
}
