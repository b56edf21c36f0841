/*
 * The key table.  config_keys[] is the one declaration of every setting:
 * its name in the file, the long option that mirrors it, its type, what
 * a SIGHUP does with it (live or restart), bounds, default and help text.
 * Defaults, the config file, "--set KEY=VALUE" and the long options all
 * go through config_key_set(), so a value is checked the same way
 * wherever it comes from.  The same table gives --help, the defaults,
 * config_free() and the reload's config_diff() and config_apply_live().
 * File syntax, argv and the checks across keys are in config.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/config.h"
#include "daemon/config_keys.h"
#include "log.h"
#include "output/alert.h"
#include "output/hec_url.h"
#include "xmalloc.h"

#ifndef HECSENTRY_SYSCONFDIR
#define HECSENTRY_SYSCONFDIR	"/etc/hecsentry"
#endif

#define KIB			1024ULL
#define MIB			(1024ULL * 1024)
#define GIB			(1024ULL * 1024 * 1024)

#define OFF(f)		offsetof(struct config, f)
#define LIVE		CONFIG_APPLY_LIVE
#define RESTART		CONFIG_APPLY_RESTART

const struct config_key config_keys[] = {
	{ "listen_tcp", "listen-tcp", CONFIG_T_LIST, RESTART, OFF(listen_tcp),
	    OFF(nlisten_tcp), 0, 0, 0, NULL, "ADDR:PORT",
	    "syslog TCP listener (repeatable; [V6]:PORT for IPv6)" },
	{ "listen_udp", "listen-udp", CONFIG_T_LIST, RESTART, OFF(listen_udp),
	    OFF(nlisten_udp), 0, 0, 0, NULL, "ADDR:PORT",
	    "syslog UDP listener (repeatable)" },
	{ "max_connections", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(max_connections), 0, 1, 1000000, 0, "1024", "N",
	    "TCP connections at once, all listeners" },
	{ "max_frame", NULL, CONFIG_T_SIZE, RESTART, OFF(max_frame), 0,
	    512, 16 * MIB, 0, "65536", "SIZE",
	    "longest syslog frame; longer ones are counted and skipped" },
	{ "idle_timeout", NULL, CONFIG_T_DURATION, RESTART,
	    OFF(idle_timeout_s), 0, 0, 604800, 1, "300", "SECONDS",
	    "close idle TCP connections after this long (0 = never)" },
	{ "udp_rcvbuf", NULL, CONFIG_T_SIZE, RESTART, OFF(udp_rcvbuf), 0,
	    0, 1 * GIB, 0, "8M", "SIZE",
	    "SO_RCVBUF asked for UDP sockets (0 = system default)" },
	{ "workers", "workers", CONFIG_T_INT, RESTART, OFF(workers), 0,
	    1, 64, 0, "1", "N",
	    "worker threads, each with SO_REUSEPORT listeners (1: none)" },
	{ "max_json_depth", NULL, CONFIG_T_INT, RESTART, OFF(max_json_depth),
	    0, 1, 1024, 0, "64", "N",
	    "deepest JSON/XML nesting accepted" },
	{ "max_xml_depth", NULL, CONFIG_T_INT, RESTART, OFF(max_xml_depth), 0,
	    1, 1024, 0, "16", "N",
	    "deepest XML element nesting accepted" },
	{ "max_xml_bytes", NULL, CONFIG_T_SIZE, RESTART, OFF(max_xml_bytes), 0,
	    512, 16 * MIB, 0, "65536", "SIZE",
	    "longest XML payload parsed; longer ones are counted, skipped" },
	{ "xml_values", NULL, CONFIG_T_CHOICE, RESTART, OFF(xml_values_raw),
	    0, 0, 0, 0, "decoded", "decoded|raw",
	    "XML text: references decoded, or kept as written (Splunk)" },
	{ "time_source", NULL, CONFIG_T_CHOICE, RESTART, OFF(time_created),
	    0, 0, 0, 0, "utctime", "utctime|timecreated",
	    "_time from Sysmon's UtcTime, or the <System> TimeCreated" },
	{ "listen_tls", "listen-tls", CONFIG_T_LIST, RESTART, OFF(listen_tls),
	    OFF(nlisten_tls), 0, 0, 0, NULL, "ADDR:PORT",
	    "syslog over TLS listener, RFC 5425 (repeatable)" },
	{ "tls_cert_file", NULL, CONFIG_T_PATH, LIVE, OFF(tls_cert_file), 0,
	    0, 0, 0, NULL, "FILE",
	    "PEM certificate (chain) of the TLS listeners" },
	{ "tls_key_file", NULL, CONFIG_T_PATH, LIVE, OFF(tls_key_file), 0,
	    0, 0, 0, NULL, "FILE",
	    "PEM private key of the TLS listeners" },
	{ "tls_ca_file", NULL, CONFIG_T_PATH, LIVE, OFF(tls_ca_file), 0,
	    0, 0, 0, NULL, "FILE",
	    "PEM CAs that client certificates must chain to" },
	{ "tls_verify_client", NULL, CONFIG_T_TLSVERIFY, LIVE,
	    OFF(tls_verify_client), 0, 0, 0, 0, "no", "no|optional|require",
	    "ask TLS clients for a certificate (require: mutual TLS)" },
	{ "detections", "detections", CONFIG_T_PATH, LIVE, OFF(detections_dir),
	    0, 0, 0, 0, HECSENTRY_SYSCONFDIR "/detections", "DIR",
	    "detection YAML tree or security_content checkout" },
	{ "macros", "macros", CONFIG_T_PATH, LIVE, OFF(macros_dir), 0,
	    0, 0, 0, HECSENTRY_SYSCONFDIR "/macros", "DIR",
	    "directory of macro YAML files" },
	{ "lookups", "lookups", CONFIG_T_PATH, LIVE, OFF(lookups_dir), 0,
	    0, 0, 0, NULL, "DIR",
	    "lookup YAML and CSV files (default: a checkout's lookups/)" },
	{ "detection_status", NULL, CONFIG_T_LIST, LIVE, OFF(det_status),
	    OFF(ndet_status), 0, 0, 0, NULL, "STATUS",
	    "status a detection must have (repeatable; default production)" },
	{ "detection_types", NULL, CONFIG_T_LIST, LIVE, OFF(det_types),
	    OFF(ndet_types), 0, 0, 0, NULL, "TYPE",
	    "type a detection must have (repeatable; default all)" },
	{ "detections_enable", NULL, CONFIG_T_LIST, LIVE, OFF(det_enable),
	    OFF(ndet_enable), 0, 0, 0, NULL, "NAME|ID|GLOB",
	    "run past the status and type filters (repeatable)" },
	{ "detections_disable", NULL, CONFIG_T_LIST, LIVE, OFF(det_disable),
	    OFF(ndet_disable), 0, 0, 0, NULL, "NAME|ID|GLOB",
	    "never run (repeatable; wins over everything)" },
	{ "strict_detections", NULL, CONFIG_T_BOOL, LIVE,
	    OFF(strict_detections), 0, 0, 0, 0, "no", "yes|no",
	    "a detection that cannot run is an error" },
	{ "cim_map", NULL, CONFIG_T_PATH, LIVE, OFF(cim_map), 0,
	    0, 0, 0, HECSENTRY_SYSCONFDIR "/cim.conf", "FILE",
	    "the Sysmon-to-CIM mapping (cim(5))" },
	{ "window", "window", CONFIG_T_DURATION, LIVE, OFF(window_s), 0,
	    1, 86400, 1, "60", "SECONDS",
	    "stats window (tumbling)" },
	{ "max_keys", NULL, CONFIG_T_SIZE, LIVE, OFF(max_keys), 0,
	    1, 100000000, 0, "10000", "N",
	    "stats keys per detection; the oldest row is emitted early" },
	{ "stats_max_bytes", NULL, CONFIG_T_SIZE, LIVE, OFF(stats_max_bytes),
	    0, 64 * KIB, 1024 * GIB, 0, "64M", "SIZE",
	    "memory budget of all stats tables" },
	{ "null_by_fields", NULL, CONFIG_T_NULLBY, LIVE, OFF(null_by_drop), 0,
	    0, 0, 0, "keep", "keep|drop",
	    "null by-field: keep (JSON null) or drop (as Splunk does)" },
	{ "output", "output", CONFIG_T_OUTPUT, RESTART, OFF(output), 0,
	    0, 0, 0, "hec", "hec|stdout|file:PATH",
	    "where alerts go" },
	{ "hec_url", "hec-url", CONFIG_T_LIST, RESTART, OFF(hec_url),
	    OFF(nhec_url), 0, 0, 0, NULL, "URL",
	    "HEC URL (repeatable, round-robin); no path: "
	    HEC_URL_EVENT },
	{ "hec_token_file", "hec-token-file", CONFIG_T_PATH, RESTART,
	    OFF(hec_token_file), 0, 0, 0, 0, NULL, "FILE",
	    "file holding the HEC token (else env " CONFIG_TOKEN_ENV ")" },
	{ "hec_sourcetype", NULL, CONFIG_T_STRING, RESTART,
	    OFF(hec_sourcetype), 0, 0, 0, 0, ALERT_SOURCETYPE, "ST",
	    "sourcetype of alerts" },
	{ "hec_index", NULL, CONFIG_T_STRING, RESTART, OFF(hec_index), 0,
	    0, 0, 0, NULL, "INDEX",
	    "index of alerts (unset: the token's default index)" },
	{ "alert_format", NULL, CONFIG_T_CHOICE, RESTART, OFF(alert_risk), 0,
	    0, 0, 0, "row", "row|risk",
	    "an alert per row, or a risk event per risk object (ES)" },
	{ "alert_format_risk", NULL, CONFIG_T_LIST, RESTART,
	    OFF(alert_risk_list), OFF(nalert_risk_list), 0, 0, 0, NULL,
	    "NAME|ID|GLOB",
	    "send as risk events whatever alert_format says (repeatable)" },
	{ "alert_format_row", NULL, CONFIG_T_LIST, RESTART,
	    OFF(alert_row_list), OFF(nalert_row_list), 0, 0, 0, NULL,
	    "NAME|ID|GLOB",
	    "send as rows (repeatable; wins over alert_format_risk)" },
	{ "emit", NULL, CONFIG_T_CHOICE, RESTART, OFF(emit_first), 0,
	    0, 0, 0, "close", "close|first+close",
	    "rows at window close, or also a key's first event at once" },
	{ "emit_first", NULL, CONFIG_T_LIST, RESTART,
	    OFF(emit_first_list), OFF(nemit_first_list), 0, 0, 0, NULL,
	    "NAME|ID|GLOB",
	    "emit first+close whatever emit says (repeatable)" },
	{ "emit_close", NULL, CONFIG_T_LIST, RESTART,
	    OFF(emit_close_list), OFF(nemit_close_list), 0, 0, 0, NULL,
	    "NAME|ID|GLOB",
	    "emit close only (repeatable; wins over emit_first)" },
	{ "risk_sourcetype", NULL, CONFIG_T_STRING, RESTART,
	    OFF(risk_sourcetype), 0, 0, 0, 0, ALERT_RISK_SOURCETYPE, "ST",
	    "sourcetype of risk events" },
	{ "risk_index", NULL, CONFIG_T_STRING, RESTART, OFF(risk_index), 0,
	    0, 0, 0, NULL, "INDEX",
	    "index of risk events (unset: the token's default index)" },
	{ "risk_source", NULL, CONFIG_T_STRING, RESTART, OFF(risk_source), 0,
	    0, 0, 0, NULL, "SOURCE",
	    "source of risk events (unset: ESCU - <name> - Rule)" },
	{ "suppress", NULL, CONFIG_T_LIST, RESTART, OFF(suppress),
	    OFF(nsuppress), 0, 0, 0, NULL,
	    "NAME|ID|GLOB fields=F1,F2 period=N[smhd]",
	    "no alert for a row whose fields' values alerted within the "
	    "period (repeatable)" },
	{ "suppress_max_keys", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(suppress_max_keys), 0, 16, 100000000, 0, "100000", "N",
	    "suppression keys kept; the oldest goes first" },
	{ "hec_ca_file", NULL, CONFIG_T_PATH, RESTART, OFF(hec_ca_file), 0,
	    0, 0, 0, NULL, "FILE",
	    "CA bundle to verify HEC's certificate" },
	{ "hec_ca_path", NULL, CONFIG_T_PATH, RESTART, OFF(hec_ca_path), 0,
	    0, 0, 0, NULL, "DIR",
	    "CA directory (hashed) to verify HEC's certificate" },
	{ "hec_tls_verify", NULL, CONFIG_T_BOOL, RESTART, OFF(hec_tls_verify),
	    0, 0, 0, 0, "yes", "yes|no",
	    "verify HEC's TLS certificate and host name" },
	{ "hec_gzip", NULL, CONFIG_T_BOOL, RESTART, OFF(hec_gzip), 0,
	    0, 0, 0, "yes", "yes|no",
	    "gzip request bodies (Content-Encoding: gzip)" },
	{ "hec_batch_events", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(hec_batch_events), 0, 1, 100000, 0, "500", "N",
	    "alerts per request at most" },
	{ "hec_batch_bytes", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(hec_batch_bytes), 0, 1 * KIB, 512 * MIB, 0, "1M", "SIZE",
	    "uncompressed bytes per request at most" },
	{ "hec_batch_ms", NULL, CONFIG_T_INT, RESTART, OFF(hec_batch_ms), 0,
	    0, 600000, 0, "1000", "MS",
	    "longest an alert waits for its batch to fill" },
	{ "hec_timeout", NULL, CONFIG_T_DURATION, RESTART, OFF(hec_timeout_ms),
	    0, 1, 3600, 1000, "30", "SECONDS",
	    "whole-request timeout" },
	{ "hec_connect_timeout", NULL, CONFIG_T_DURATION, RESTART,
	    OFF(hec_connect_timeout_ms), 0, 1, 600, 1000, "10", "SECONDS",
	    "connect timeout (TCP and TLS)" },
	{ "hec_max_inflight", NULL, CONFIG_T_INT, RESTART,
	    OFF(hec_max_inflight), 0, 1, 256, 0, "4", "N",
	    "HEC requests in flight at once" },
	{ "hec_queue_bytes", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(hec_queue_bytes), 0, 64 * KIB, 1024 * GIB, 0, "64M", "SIZE",
	    "memory for undelivered alerts; past it the oldest are dropped" },
	{ "hec_retry_min_ms", NULL, CONFIG_T_INT, RESTART,
	    OFF(hec_retry_min_ms), 0, 1, 3600000, 0, "500", "MS",
	    "first retry backoff (doubles, full jitter)" },
	{ "hec_retry_max_ms", NULL, CONFIG_T_INT, RESTART,
	    OFF(hec_retry_max_ms), 0, 1, 3600000, 0, "30000", "MS",
	    "longest retry backoff" },
	{ "shutdown_timeout", NULL, CONFIG_T_DURATION, LIVE,
	    OFF(shutdown_timeout_s), 0, 0, 3600, 1, "10", "SECONDS",
	    "time to deliver queued alerts at SIGTERM" },
	{ "spool_dir", "spool-dir", CONFIG_T_PATH, RESTART, OFF(spool_dir), 0,
	    0, 0, 0, NULL, "DIR",
	    "on-disk spool directory (unset: no spool)" },
	{ "spool_max_bytes", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(spool_max_bytes), 0, 64 * KIB, 16384 * GIB, 0, "1G", "SIZE",
	    "spool size on disk; past it the oldest alerts are dropped" },
	{ "spool_segment_bytes", NULL, CONFIG_T_SIZE, RESTART,
	    OFF(spool_segment_bytes), 0, 4 * KIB, 256 * MIB, 0, "4M", "SIZE",
	    "spool segment file size (rotation)" },
	{ "spool_fsync", NULL, CONFIG_T_STRING, RESTART, OFF(spool_fsync), 0,
	    0, 0, 0, "batch", "always|batch|never",
	    "spool fsync: every write, every 200 ms, or never" },
	{ "hec_acks", NULL, CONFIG_T_BOOL, RESTART, OFF(hec_acks), 0,
	    0, 0, 0, "no", "yes|no",
	    "indexer acknowledgement (the token must have it on)" },
	{ "hec_ack_timeout", NULL, CONFIG_T_DURATION, RESTART,
	    OFF(hec_ack_timeout_ms), 0, 1, 86400, 1000, "60", "SECONDS",
	    "resend a batch not acknowledged within this time" },
	{ "hec_ack_poll_ms", NULL, CONFIG_T_INT, RESTART, OFF(hec_ack_poll_ms),
	    0, 10, 600000, 0, "1000", "MS",
	    "ack polling period, per endpoint" },
	{ "hec_dead_letter_file", NULL, CONFIG_T_PATH, RESTART,
	    OFF(hec_dead_letter_file), 0, 0, 0, 0, NULL, "FILE",
	    "alerts HEC refuses as invalid (default SPOOL_DIR/"
	    "dead-letter.jsonl)" },
	{ "hec_health_interval", NULL, CONFIG_T_DURATION, RESTART,
	    OFF(hec_health_interval_ms), 0, 1, 3600, 1000, "5", "SECONDS",
	    "re-check of an ejected HEC endpoint (/services/collector/health)"
	    },
	{ "admin_listen", "admin-listen", CONFIG_T_STRING, RESTART,
	    OFF(admin_listen), 0, 0, 0, 0, "127.0.0.1:9880", "ADDR:PORT",
	    "admin HTTP address (/metrics, /health)" },
};

#define CONFIG_NKEYS	(sizeof(config_keys) / sizeof(config_keys[0]))

_Static_assert(CONFIG_NKEYS <= CONFIG_KEYS_MAX, "raise CONFIG_KEYS_MAX");

const size_t	 config_nkeys = CONFIG_NKEYS;

const struct config_key *
config_key_find(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strlen(config_keys[i].name) == len &&
		    strncmp(config_keys[i].name, name, len) == 0)
			return &config_keys[i];
	return NULL;
}

/*
 * Parses an unsigned number with an optional suffix (mult[] maps suffix
 * letters to multipliers).  Returns 0 or -1 with a reason in *why.
 */
static int
config_parse_number(const char *s, const char *suffixes,
    const unsigned long long *mult, unsigned long long *out,
    const char **why)
{
	unsigned long long	 v;
	const char		*p;
	char			*end;

	if (!isdigit((unsigned char)*s)) {
		*why = "not a number";
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE) {
		*why = "number too large";
		return -1;
	}
	if (*end != '\0') {
		if (suffixes == NULL || end[1] != '\0' ||
		    (p = strchr(suffixes, *end)) == NULL) {
			*why = "bad number or unit";
			return -1;
		}
		if (v > ULLONG_MAX / mult[p - suffixes]) {
			*why = "number too large";
			return -1;
		}
		v *= mult[p - suffixes];
	}
	*out = v;
	return 0;
}

static bool
config_is_absolute(const char *p)
{
	return p[0] == '/';
}

/* Returns a copy of value, prefixed by basedir when relative. */
static char *
config_resolve_path(const char *basedir, const char *value)
{
	char	*s;

	if (basedir == NULL || value[0] == '\0' || config_is_absolute(value))
		return xstrdup(value);
	xasprintf(&s, "%s/%s", basedir, value);
	return s;
}

static void
config_list_clear(char ***list, size_t *n)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

/*
 * A CONFIG_T_CHOICE value: the first word of k->arg ("decoded|raw") is
 * false, the second true.  0, or -1 with *why (static: the keys are set
 * by one thread).
 */
static int
config_choice_set(const struct config_key *k, const char *value, bool *b,
    const char **why)
{
	static char	 msg[80];
	const char	*bar = strchr(k->arg, '|');
	size_t		 n = (size_t)(bar - k->arg);

	if (strlen(value) == n && strncmp(value, k->arg, n) == 0)
		*b = false;
	else if (strcmp(value, bar + 1) == 0)
		*b = true;
	else {
		(void)snprintf(msg, sizeof(msg), "expected %.*s or %s",
		    (int)n, k->arg, bar + 1);
		*why = msg;
		return -1;
	}
	return 0;
}

int
config_key_set(struct config *cfg, const struct config_key *k,
    const char *value, struct config_src *src, const char **why)
{
	static const unsigned long long	 sizemult[] = {
		KIB, KIB, MIB, MIB, GIB, GIB
	};
	static const unsigned long long	 durmult[] = { 1, 60, 3600 };
	char			*base = (char *)cfg;
	char			**sp = (char **)(base + k->off);
	char			***lp;
	size_t			*np;
	unsigned long long	 v;
	bool			 b;

	switch (k->type) {
	case CONFIG_T_STRING:
	case CONFIG_T_PATH:
		free(*sp);
		*sp = NULL;
		if (k->type == CONFIG_T_PATH && value[0] == '\0') {
			*why = "empty path";
			return -1;
		}
		*sp = k->type == CONFIG_T_PATH ?
		    config_resolve_path(src ? src->basedir : NULL, value) :
		    xstrdup(value);
		return 0;
	case CONFIG_T_LIST:
		lp = (char ***)(base + k->off);
		np = (size_t *)(base + k->countoff);
		if (src != NULL && !src->seen[k - config_keys]) {
			config_list_clear(lp, np);
			src->seen[k - config_keys] = true;
		}
		if (value[0] == '\0') {
			/* an empty value clears the list */
			config_list_clear(lp, np);
			return 0;
		}
		*lp = xreallocarray(*lp, *np + 1, sizeof(**lp));
		(*lp)[(*np)++] = xstrdup(value);
		return 0;
	case CONFIG_T_BOOL:
		if (strcasecmp(value, "yes") == 0 ||
		    strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0)
			b = true;
		else if (strcasecmp(value, "no") == 0 ||
		    strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "off") == 0 || strcmp(value, "0") == 0)
			b = false;
		else {
			*why = "expected yes or no";
			return -1;
		}
		*(bool *)(base + k->off) = b;
		return 0;
	case CONFIG_T_NULLBY:
		if (strcmp(value, "keep") == 0)
			b = false;
		else if (strcmp(value, "drop") == 0)
			b = true;
		else {
			*why = "expected keep or drop";
			return -1;
		}
		*(bool *)(base + k->off) = b;
		return 0;
	case CONFIG_T_OUTPUT:
		if (strcmp(value, "hec") == 0)
			cfg->output = CONFIG_OUTPUT_HEC;
		else if (strcmp(value, "stdout") == 0)
			cfg->output = CONFIG_OUTPUT_STDOUT;
		else if (strncmp(value, "file:", 5) == 0 &&
		    value[5] != '\0') {
			cfg->output = CONFIG_OUTPUT_FILE;
			free(cfg->output_path);
			cfg->output_path = config_resolve_path(
			    src ? src->basedir : NULL, value + 5);
			return 0;
		} else {
			*why = "expected hec, stdout or file:PATH";
			return -1;
		}
		free(cfg->output_path);
		cfg->output_path = NULL;
		return 0;
	case CONFIG_T_TLSVERIFY:
		if (strcmp(value, "no") == 0)
			cfg->tls_verify_client = CONFIG_TLS_VERIFY_NO;
		else if (strcmp(value, "optional") == 0)
			cfg->tls_verify_client = CONFIG_TLS_VERIFY_OPTIONAL;
		else if (strcmp(value, "require") == 0)
			cfg->tls_verify_client = CONFIG_TLS_VERIFY_REQUIRE;
		else {
			*why = "expected no, optional or require";
			return -1;
		}
		return 0;
	case CONFIG_T_CHOICE:
		return config_choice_set(k, value, (bool *)(base + k->off),
		    why);
	case CONFIG_T_INT:
		if (config_parse_number(value, NULL, NULL, &v, why) == -1)
			return -1;
		break;
	case CONFIG_T_SIZE:
		if (config_parse_number(value, "kKmMgG", sizemult, &v,
		    why) == -1)
			return -1;
		break;
	case CONFIG_T_DURATION:
		if (config_parse_number(value, "smh", durmult, &v, why) == -1)
			return -1;
		break;
	}
	if (v < k->min || v > k->max) {
		*why = "value out of range";
		return -1;
	}
	if (k->type == CONFIG_T_SIZE)
		*(size_t *)(base + k->off) = (size_t)v;
	else
		*(int *)(base + k->off) = (int)v * (k->scale ? k->scale : 1);
	return 0;
}

char *
config_key_error(const struct config_key *k, const char *why)
{
	char	*s;

	if (strcmp(why, "value out of range") == 0)
		xasprintf(&s, "%s: value out of range (%llu..%llu%s)",
		    k->name, k->min, k->max,
		    k->type == CONFIG_T_DURATION ? " seconds" : "");
	else
		xasprintf(&s, "%s: %s", k->name, why);
	return s;
}

void
config_init(struct config *cfg)
{
	const char	*why;
	size_t		 i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (config_keys[i].def == NULL)
			continue;
		if (config_key_set(cfg, &config_keys[i], config_keys[i].def,
		    NULL, &why) == -1)
			fatalx("config default of %s: %s",
			    config_keys[i].name, why);
	}
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->config_file);
	config_list_clear(&cfg->listen_tcp, &cfg->nlisten_tcp);
	config_list_clear(&cfg->listen_udp, &cfg->nlisten_udp);
	config_list_clear(&cfg->listen_tls, &cfg->nlisten_tls);
	free(cfg->tls_cert_file);
	free(cfg->tls_key_file);
	free(cfg->tls_ca_file);
	free(cfg->detections_dir);
	free(cfg->macros_dir);
	free(cfg->cim_map);
	free(cfg->lookups_dir);
	config_list_clear(&cfg->det_status, &cfg->ndet_status);
	config_list_clear(&cfg->det_types, &cfg->ndet_types);
	config_list_clear(&cfg->det_enable, &cfg->ndet_enable);
	config_list_clear(&cfg->det_disable, &cfg->ndet_disable);
	free(cfg->output_path);
	config_list_clear(&cfg->hec_url, &cfg->nhec_url);
	free(cfg->hec_token_file);
	if (cfg->hec_token != NULL) {
		explicit_bzero(cfg->hec_token, strlen(cfg->hec_token));
		free(cfg->hec_token);
	}
	free(cfg->hec_sourcetype);
	free(cfg->hec_index);
	config_list_clear(&cfg->alert_risk_list, &cfg->nalert_risk_list);
	config_list_clear(&cfg->alert_row_list, &cfg->nalert_row_list);
	config_list_clear(&cfg->suppress, &cfg->nsuppress);
	config_list_clear(&cfg->emit_first_list, &cfg->nemit_first_list);
	config_list_clear(&cfg->emit_close_list, &cfg->nemit_close_list);
	free(cfg->risk_sourcetype);
	free(cfg->risk_index);
	free(cfg->risk_source);
	free(cfg->hec_ca_file);
	free(cfg->hec_ca_path);
	free(cfg->spool_dir);
	free(cfg->spool_fsync);
	free(cfg->hec_dead_letter_file);
	free(cfg->admin_listen);
	memset(cfg, 0, sizeof(*cfg));
}

/* The bytes of a scalar key's field in struct config (0: not scalar). */
static size_t
config_key_size(const struct config_key *k)
{
	switch (k->type) {
	case CONFIG_T_BOOL:
	case CONFIG_T_NULLBY:
	case CONFIG_T_CHOICE:
		return sizeof(bool);
	case CONFIG_T_INT:
	case CONFIG_T_DURATION:
		return sizeof(int);
	case CONFIG_T_SIZE:
		return sizeof(size_t);
	case CONFIG_T_OUTPUT:
		return sizeof(enum config_output);
	case CONFIG_T_TLSVERIFY:
		return sizeof(enum config_tls_verify);
	default:
		return 0;
	}
}

static bool
config_str_differ(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* Whether key k has a different value in a and b. */
static bool
config_key_differ(const struct config_key *k, const struct config *a,
    const struct config *b)
{
	const char	*pa = (const char *)a + k->off;
	const char	*pb = (const char *)b + k->off;
	char * const	*la, * const *lb;
	size_t		 na, nb, i;

	switch (k->type) {
	case CONFIG_T_STRING:
	case CONFIG_T_PATH:
		if (k->off == OFF(hec_token_file) &&
		    config_str_differ(a->hec_token, b->hec_token))
			return true;
		return config_str_differ(*(char * const *)pa,
		    *(char * const *)pb);
	case CONFIG_T_LIST:
		la = *(char ** const *)pa;
		lb = *(char ** const *)pb;
		na = *(const size_t *)((const char *)a + k->countoff);
		nb = *(const size_t *)((const char *)b + k->countoff);
		if (na != nb)
			return true;
		for (i = 0; i < na; i++)
			if (config_str_differ(la[i], lb[i]))
				return true;
		return false;
	case CONFIG_T_OUTPUT:
		if (config_str_differ(a->output_path, b->output_path))
			return true;
		/* FALLTHROUGH */
	default:
		return memcmp(pa, pb, config_key_size(k)) != 0;
	}
}

size_t
config_diff(const struct config *old, const struct config *new,
    config_diff_fn cb, void *arg)
{
	size_t	 i, n = 0;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (!config_key_differ(&config_keys[i], old, new))
			continue;
		n++;
		if (cb != NULL)
			cb(config_keys[i].name, config_keys[i].apply, arg);
	}
	return n;
}

/* Swaps the n bytes at a and b. */
static void
config_swap(void *a, void *b, size_t n)
{
	unsigned char	 t, *pa = a, *pb = b;
	size_t		 i;

	for (i = 0; i < n; i++) {
		t = pa[i];
		pa[i] = pb[i];
		pb[i] = t;
	}
}

void
config_apply_live(struct config *running, struct config *new)
{
	const struct config_key	*k;
	size_t			 i, n;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		k = &config_keys[i];
		if (k->apply != CONFIG_APPLY_LIVE)
			continue;
		if ((n = config_key_size(k)) == 0)
			n = sizeof(char *);
		config_swap((char *)running + k->off, (char *)new + k->off, n);
		if (k->type == CONFIG_T_LIST)
			config_swap((char *)running + k->countoff,
			    (char *)new + k->countoff, sizeof(size_t));
		if (k->type == CONFIG_T_OUTPUT)
			config_swap(&running->output_path, &new->output_path,
			    sizeof(running->output_path));
	}
}

bool
config_key_info(size_t i, const char **name, enum config_apply *apply)
{
	if (i >= CONFIG_NKEYS)
		return false;
	*name = config_keys[i].name;
	*apply = config_keys[i].apply;
	return true;
}

static const char *
config_type_arg(const struct config_key *k)
{
	return k->arg != NULL ? k->arg : "VALUE";
}

void
config_usage(FILE *fp)
{
	const struct config_key	*k;
	char			 opt[64];
	size_t			 i;

	fprintf(fp,
"usage: hecsentry [-fv] [-c FILE] [--check-config [--json]] [--version]\n"
"                 [--help] [--set KEY=VALUE] [OPTION VALUE]...\n"
"\n"
"Runs Splunk security_content detections on Windows Sysmon events received\n"
"as syslog, and sends their results to Splunk HEC (or stdout, or a file).\n"
"\n"
"Options:\n"
"  -c, --config FILE        read this config file (default: none)\n"
"  -f, --foreground         stay in the foreground (hecsentry never forks)\n"
"  -v, --verbose            debug logging (connections, HEC requests);\n"
"                           -v -v: also why each message was refused;\n"
"                           -v -v -v: also internal trace\n"
"      --check-config       check the config, print the detections'\n"
"                           coverage report (-v: each one), then exit\n"
"      --json               with --check-config: the report as JSON\n"
"      --version            print the version and exit\n"
"  -h, --help               print this help and exit\n"
"      --set KEY=VALUE      set any config key, like a config file line\n"
"                           (repeatable)\n");
	for (i = 0; i < CONFIG_NKEYS; i++) {
		k = &config_keys[i];
		if (k->longopt == NULL)
			continue;
		snprintf(opt, sizeof(opt), "--%s %s", k->longopt,
		    config_type_arg(k));
		fprintf(fp, "      %-30s same as %s%s\n", opt, k->name,
		    k->type == CONFIG_T_LIST ? " (repeatable)" : "");
	}
	fprintf(fp,
"\n"
"The config file is read first; options override it, and a list option\n"
"given on the command line replaces the file's list; an empty value\n"
"clears a list (--listen-udp '', or listen_udp = \"\" in the file).\n"
"Relative paths in the file are relative to the file's directory.\n"
"\n"
"Config file keys (\"key = value\", '#' comments, lists repeat the key;\n"
"sizes take k, M, G suffixes, durations s, m, h; SIGHUP applies a changed\n"
"key at once, except those marked [restart]):\n");
	for (i = 0; i < CONFIG_NKEYS; i++) {
		k = &config_keys[i];
		if (k->def != NULL)
			fprintf(fp, "  %s = %s\t(%s)\n", k->name, k->def,
			    config_type_arg(k));
		else
			fprintf(fp, "  %s = %s\t(unset by default)\n",
			    k->name, config_type_arg(k));
		fprintf(fp, "\t%s%s\n", k->help,
		    k->apply == CONFIG_APPLY_RESTART ? " [restart]" : "");
	}
	fprintf(fp,
"\n"
"Environment:\n"
"  " CONFIG_TOKEN_ENV "     the HEC token, when hec_token_file is not set\n"
"\n"
"Example:\n"
"  " CONFIG_TOKEN_ENV "=... hecsentry \\\n"
"      -c " HECSENTRY_SYSCONFDIR "/hecsentry.conf \\\n"
"      --listen-tcp 0.0.0.0:5514 --hec-url https://splunk.example:8088\n"
"  hecsentry --output stdout --listen-udp 127.0.0.1:5514 \\\n"
"      --detections conf/detections --macros conf/macros\n");
}

