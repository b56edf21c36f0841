/*
 * Calendar arithmetic shared by the stages that read dates (syslog
 * headers in input/, event times in decode/): days since 1970-01-01 of a
 * proleptic Gregorian date, with the last answer kept per thread.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include "civil.h"

/* The last date asked for and its day number, per thread. */
static _Thread_local int64_t	 civil_days_key = -1;
static _Thread_local int64_t	 civil_days_val;

/*
 * Days since 1970-01-01 of a proleptic Gregorian date.  Every event asks
 * for the date of the events before it, so the last answer is kept.
 */
int64_t
civil_days(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe, key;

	key = -1;	/* never the key of a valid date */
	if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		key = ((int64_t)y * 16 + m) * 32 + d;
		if (key == civil_days_key)
			return civil_days_val;
	}
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	civil_days_key = key;
	civil_days_val = era * 146097 + doe - 719468;
	return civil_days_val;
}
