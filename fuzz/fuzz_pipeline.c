/*
 * libFuzzer target for the whole pure pipeline (src/daemon/pipeline.h) with the
 * shipped detections of conf/: the input is split into frames on '\n',
 * each frame goes through pipeline_frame() (the clock advancing 20 s a
 * frame, so windows close on the way), then pipeline_flush() emits what
 * is left.  Checks that every alert is valid JSON of the length given,
 * and that the counters account for every frame.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "detect/detection.h"
#include "decode/event.h"
#include "daemon/pipeline.h"

#define FUZZ_NOW_MS	1795852800000LL	/* 2026-11-28T08:00:00Z */
#define FUZZ_STEP_MS	20000		/* between frames */

static struct detection_set	*fuzz_set;	/* shipped detections */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*conf;
	char		 det[1024], mac[1024];
	char		*err = NULL;
	struct cim_map	*cim;

	(void)argc;
	(void)argv;
	event_fields_init();
	conf = getenv("CONFDIR") != NULL ? getenv("CONFDIR") : "conf";
	snprintf(det, sizeof(det), "%s/detections", conf);
	snprintf(mac, sizeof(mac), "%s/macros", conf);
	if ((fuzz_set = detection_set_load(det, mac, &err)) == NULL) {
		fprintf(stderr, "fuzz_pipeline: %s (set CONFDIR)\n",
		    err != NULL ? err : "?");
		exit(1);
	}
	snprintf(det, sizeof(det), "%s/cim.conf", conf);
	if ((cim = cim_map_load(det, &err)) == NULL) {
		fprintf(stderr, "fuzz_pipeline: %s (set CONFDIR)\n", err);
		exit(1);
	}
	detection_set_use_cim(fuzz_set, cim);
	return 0;
}

static void
fuzz_alert_cb(const char *json, size_t len, const struct detection *d,
    void *arg)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	size_t			*nalerts = arg;

	(void)d;
	if (strlen(json) != len)
		abort();
	if ((tok = json_tokener_new()) == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, json, (int)len);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object)) {
		fprintf(stderr, "alert is not a JSON object: %s\n", json);
		abort();
	}
	json_object_put(o);
	json_tokener_free(tok);
	(*nalerts)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline_opts	 po;
	struct pipeline_counters c;
	struct pipeline		*p;
	const uint8_t		*s, *nl, *end = data + size;
	char			*frame;
	size_t			 nframes = 0, nalerts = 0, len;
	int64_t			 now = FUZZ_NOW_MS;

	memset(&po, 0, sizeof(po));
	po.stats.window_s = 60;
	po.stats.max_keys = 16;
	po.stats.max_bytes = 1 << 16;
	po.stats.drop_null = size > 0 && (data[0] & 1);
	po.decode.max_depth = 64;
	po.max_frame = 65536;
	p = pipeline_new(fuzz_set, &po, fuzz_alert_cb, &nalerts);
	for (s = data; s < end; s = nl + 1) {
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		len = nl - s;
		/* An exact-size copy, so that ASan sees reads past its end. */
		if ((frame = malloc(len > 0 ? len : 1)) == NULL)
			abort();
		memcpy(frame, s, len);
		pipeline_frame(p, frame, len, now);
		free(frame);
		nframes++;
		now += FUZZ_STEP_MS;
		pipeline_tick(p, now);
	}
	pipeline_flush(p);
	pipeline_get_counters(p, &c);
	if (c.frames != nframes || c.alerts != nalerts ||
	    c.events > c.frames || c.alerts + c.rows_filtered +
	    c.alert_errors != c.rows) {
		fprintf(stderr, "counters: frames %llu/%zu events %llu "
		    "rows %llu alerts %llu/%zu\n",
		    (unsigned long long)c.frames, nframes,
		    (unsigned long long)c.events, (unsigned long long)c.rows,
		    (unsigned long long)c.alerts, nalerts);
		abort();
	}
	pipeline_free(p);
	return 0;
}
