/*
 * Golden files of the alert formats: real detections (the two shipped
 * seeds, 2024 generation; the seed of the later, rba generation shipped
 * disabled; three security_content library detections) run through the
 * whole pure pipeline on real example events, in the row and in the risk
 * format, each alert compared byte for byte with
 * tests/data/alert_golden/<case>.<format>.ndjson (one alert a line).
 * Those files were read and checked by hand against what the risk event
 * fields mean (README there); HECSENTRY_GOLDEN_WRITE=1 rewrites them.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "detect/detection.h"
#include "decode/event.h"
#include "daemon/pipeline.h"
#include "testref.h"

#define NOW	1795852800000LL		/* 2026-11-28T08:00:00Z */

/* The alerts of one run, one a line. */
static char	*tg_out;
static size_t	 tg_len;

static const char *
tg_env(const char *name, const char *def)
{
	const char	*v = getenv(name);

	return v != NULL ? v : def;
}

static void
tg_collect_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	(void)d;
	(void)arg;
	tg_out = realloc(tg_out, tg_len + len + 2);
	cr_assert_not_null(tg_out);
	memcpy(tg_out + tg_len, json, len);
	tg_len += len;
	tg_out[tg_len++] = '\n';
	tg_out[tg_len] = '\0';
}

/* Reads a file (trailing line ends cut); the caller frees it. */
static char *
tg_read(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Feeds a test data file as one frame. */
static void
tg_feed(struct pipeline *pl, const char *rel)
{
	char	 path[512];
	char	*buf;
	size_t	 len;

	snprintf(path, sizeof(path), "%s/%s", tg_env("TESTDATA",
	    "tests/data"), rel);
	cr_assert_not_null(buf = tg_read(path, &len), "%s", path);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	pipeline_frame(pl, buf, len, NOW);
	free(buf);
}

/*
 * Runs the detections of det (macros mac; both under base) on the
 * files, NULL-terminated, in format fmt, and compares with the golden
 * file <name>.<fmt>.ndjson.
 */
static void
tg_run(const char *base, const char *det, const char *mac,
    const char *name, enum alert_format_kind fmt, const char *const *files)
{
	struct detection_set	*set;
	struct pipeline_opts	 po;
	struct pipeline		*pl;
	char			 d[512], m[512], golden[512];
	char			*err = NULL, *want;
	const char		*f;
	size_t			 wlen, i;
	FILE			*fp;

	f = fmt == ALERT_FORMAT_RISK ? "risk" : "row";
	event_fields_init();
	snprintf(d, sizeof(d), "%s/%s", base, det);
	snprintf(m, sizeof(m), "%s/%s", base, mac);
	set = detection_set_load(d, m, &err);
	cr_assert_not_null(set, "%s", err != NULL ? err : "?");
	detection_set_use_cim(set, testref_cim_load());
	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 1000;
	po.stats.max_bytes = 1 << 20;
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	po.alert.format = fmt;
	pl = pipeline_new(set, &po, tg_collect_cb, NULL);
	tg_out = NULL;
	tg_len = 0;
	for (i = 0; files[i] != NULL; i++)
		tg_feed(pl, files[i]);
	pipeline_flush(pl);
	cr_assert_not_null(tg_out, "%s: no alert", name);

	snprintf(golden, sizeof(golden), "%s/alert_golden/%s.%s.ndjson",
	    tg_env("TESTDATA", "tests/data"), name, f);
	if (getenv("HECSENTRY_GOLDEN_WRITE") != NULL) {
		cr_assert_not_null(fp = fopen(golden, "wb"), "%s", golden);
		cr_assert_eq(fwrite(tg_out, 1, tg_len, fp), tg_len);
		fclose(fp);
	}
	want = tg_read(golden, &wlen);
	cr_assert_not_null(want, "no golden file %s", golden);
	cr_expect(wlen == tg_len && memcmp(want, tg_out, wlen) == 0,
	    "%s differs:\n--- want\n%s--- got\n%s", golden, want, tg_out);
	free(want);
	free(tg_out);
	tg_out = NULL;
	pipeline_free(pl);
	detection_set_unref(set, __func__);
}

/* AgentTesla's FTP connection and the shapes' SMTP connection. */
static const char *const tg_conn[] = {
	"splunk_security_content_agenttesla_ftp_eid3/"
	    "agenttesla_ftp_sysmon_eid3.xml",
	"shapes/splunk_flat.json",
	NULL
};

/* security_content's example events: EID 1 (reg save) and EID 11. */
static const char *const tg_examples[] = {
	"splunk_security_content_data_sources/sysmon_eventid_1.xml",
	"splunk_security_content_data_sources/sysmon_eventid_11.xml",
	NULL
};

Test(alert_golden, seeds_2024)
{
	const char	*conf = tg_env("CONFDIR", "conf");

	tg_run(conf, "detections", "macros", "seeds", ALERT_FORMAT_ROW,
	    tg_conn);
	tg_run(conf, "detections", "macros", "seeds", ALERT_FORMAT_RISK,
	    tg_conn);
}

Test(alert_golden, seeds_rba)
{
	const char	*conf = tg_env("CONFDIR", "conf");

	tg_run(conf, "detections/disabled", "macros", "seeds_rba",
	    ALERT_FORMAT_ROW, tg_conn);
	tg_run(conf, "detections/disabled", "macros", "seeds_rba",
	    ALERT_FORMAT_RISK, tg_conn);
}

Test(alert_golden, library)
{
	const char	*data = tg_env("TESTDATA", "tests/data");

	tg_run(data, "splunk_security_content_tstats/detections",
	    "splunk_security_content_tstats/macros", "library",
	    ALERT_FORMAT_ROW, tg_examples);
	tg_run(data, "splunk_security_content_tstats/detections",
	    "splunk_security_content_tstats/macros", "library",
	    ALERT_FORMAT_RISK, tg_examples);
	tg_run(data, "splunk_security_content_risk/detections",
	    "splunk_security_content_tstats/macros", "library_threat",
	    ALERT_FORMAT_ROW, tg_examples);
	tg_run(data, "splunk_security_content_risk/detections",
	    "splunk_security_content_tstats/macros", "library_threat",
	    ALERT_FORMAT_RISK, tg_examples);
}
