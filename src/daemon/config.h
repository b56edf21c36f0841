/*
 * Configuration: one table declares every key (name, type, bounds,
 * default, help); the config file and the command line share it, so
 * "--listen-tcp ADDR" and "listen_tcp = ADDR" are the same setting.
 * File syntax: "key = value" lines, '#' comments, repeatable keys for
 * lists.  Unknown keys are errors.  config_parse_*() build a complete new
 * struct config, so a failed reload leaves the running one untouched.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_CONFIG_H
#define HECSENTRY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum config_output {
	CONFIG_OUTPUT_HEC = 0,
	CONFIG_OUTPUT_STDOUT,
	CONFIG_OUTPUT_FILE
};

enum config_tls_verify {
	CONFIG_TLS_VERIFY_NO = 0,	/* no client certificate asked */
	CONFIG_TLS_VERIFY_OPTIONAL,	/* asked, verified when sent */
	CONFIG_TLS_VERIFY_REQUIRE	/* mutual TLS */
};

/*
 * What a SIGHUP does with a changed key (the key table's column): LIVE
 * keys take the new value (config_apply_live()), RESTART keys keep the
 * running one until the daemon restarts.  0 is no class, so that a key
 * without one is caught.
 */
enum config_apply {
	CONFIG_APPLY_LIVE = 1,
	CONFIG_APPLY_RESTART
};

struct config {
	char		*config_file;	/* -c FILE, NULL when none */
	bool		 foreground;	/* -f (we never fork; kept for rc) */
	int		 verbose;	/* -v, repeatable */
	bool		 check_only;	/* --check-config */
	bool		 check_json;	/* --json: its report as JSON */

	char		**listen_tcp;	/* "ADDR:PORT" / "[V6]:PORT" */
	size_t		 nlisten_tcp;
	char		**listen_udp;
	size_t		 nlisten_udp;
	size_t		 max_connections; /* TCP connections, all listeners */
	size_t		 max_frame;	/* bytes, default 64 KiB */
	int		 idle_timeout_s;/* TCP idle timeout, 0 = none */
	size_t		 udp_rcvbuf;	/* SO_RCVBUF asked, default 8 MiB */
	int		 max_json_depth;/* JSON/XML nesting */
	int		 max_xml_depth;	/* XML element nesting */
	size_t		 max_xml_bytes;	/* longest XML payload */
	bool		 xml_values_raw; /* xml_values = raw */
	bool		 time_created;	/* time_source = timecreated */
	char		**listen_tls;	/* RFC 5425 listeners */
	size_t		 nlisten_tls;
	int		 workers;	/* threads with their own listeners
					   and pipeline, 1..64 (1: none) */
	char		*tls_cert_file;	/* PEM chain, re-read on SIGHUP */
	char		*tls_key_file;	/* PEM private key */
	char		*tls_ca_file;	/* CAs of client certificates */
	enum config_tls_verify tls_verify_client;

	char		*detections_dir;/* conf/detections */
	char		*macros_dir;	/* conf/macros */
	char		*cim_map;	/* conf/cim.conf */
	char		*lookups_dir;	/* NULL: a checkout's lookups/ */
	char		**det_status;	/* detection_status (none: */
	size_t		 ndet_status;	/*   production) */
	char		**det_types;	/* detection_types (none: all) */
	size_t		 ndet_types;
	char		**det_enable;	/* detections_enable */
	size_t		 ndet_enable;
	char		**det_disable;	/* detections_disable */
	size_t		 ndet_disable;
	bool		 strict_detections;
	int		 window_s;	/* stats window, 1..86400 */
	size_t		 max_keys;	/* per detection */
	size_t		 stats_max_bytes; /* global byte budget */
	bool		 null_by_drop;	/* null_by_fields = drop */

	enum config_output output;	/* --output */
	char		*output_path;	/* for CONFIG_OUTPUT_FILE */
	char		**hec_url;	/* repeatable */
	size_t		 nhec_url;
	char		*hec_token_file;
	char		*hec_token;	/* resolved: file, else env */
	char		*hec_sourcetype;/* default hecsentry:alert */
	char		*hec_index;	/* NULL = token default */
	bool		 alert_risk;	/* alert_format = risk */
	char		**alert_risk_list; /* alert_format_risk */
	size_t		 nalert_risk_list;
	char		**alert_row_list; /* alert_format_row */
	size_t		 nalert_row_list;
	bool		 emit_first;	/* emit = first+close */
	char		**emit_first_list; /* emit_first */
	size_t		 nemit_first_list;
	char		**emit_close_list; /* emit_close */
	size_t		 nemit_close_list;
	char		*risk_sourcetype; /* default stash */
	char		*risk_index;	/* NULL = token default */
	char		*risk_source;	/* NULL = the search name */
	char		**suppress;	/* suppress rules, repeatable */
	size_t		 nsuppress;
	size_t		 suppress_max_keys;
	char		*hec_ca_file;
	char		*hec_ca_path;
	bool		 hec_tls_verify;
	bool		 hec_gzip;
	size_t		 hec_batch_events;
	size_t		 hec_batch_bytes;	/* default 1 MB */
	int		 hec_batch_ms;		/* default 1000 */
	int		 hec_timeout_ms;	/* whole request */
	int		 hec_connect_timeout_ms;
	int		 hec_max_inflight;	/* requests at once */
	size_t		 hec_queue_bytes;	/* in-memory queue bound */
	int		 hec_retry_min_ms;	/* backoff start */
	int		 hec_retry_max_ms;	/* backoff cap */
	int		 shutdown_timeout_s;	/* delivery time at SIGTERM */

	char		*spool_dir;
	size_t		 spool_max_bytes;	/* bound on disk, default 1G */
	size_t		 spool_segment_bytes;	/* rotate past this */
	char		*spool_fsync;		/* always|batch|never */
	bool		 hec_acks;		/* indexer acknowledgement */
	int		 hec_ack_timeout_ms;	/* resend when not acked */
	int		 hec_ack_poll_ms;	/* ack polling period */
	char		*hec_dead_letter_file;	/* NULL: see hec.c */
	int		 hec_health_interval_ms; /* ejected endpoint probes */
	char		*admin_listen;
};

/* Fills cfg with the defaults of the key table (caller config_free()s). */
void		 config_init(struct config *cfg);
void		 config_free(struct config *cfg);

/*
 * Builds cfg from argv: defaults, then the file named by -c (if any),
 * then the other options, which override the file.  Also resolves the HEC
 * token (hec_token_file, else env HECSENTRY_HEC_TOKEN) and validates the
 * whole (e.g. output hec needs a URL and a token).  Handles --help and
 * --version itself (prints, returns 1).  Returns 0, 1 when the program
 * should exit 0 (help/version), or -1 with *errstr (caller frees).
 */
int		 config_from_args(int argc, char **argv, struct config *cfg,
		    char **errstr);

/*
 * Parses one file into cfg (on top of what cfg holds).  Errors name the
 * file and line.  Returns 0 or -1 with *errstr.
 */
int		 config_parse_file(const char *path, struct config *cfg,
		    char **errstr);

/* Validates and resolves (token); returns 0 or -1 with *errstr. */
int		 config_finish(struct config *cfg, char **errstr);

/*
 * Checks the paths the daemon opens at start, as far as it can without
 * opening them: detections and macros are directories it may read, the
 * output file (file:PATH) and spool_dir can be created or written.
 * Returns 0, or -1 with *errstr ("key: what is wrong (what to do)").
 */
int		 config_check_paths(const struct config *cfg, char **errstr);

/* Called by config_diff() for each key whose value differs. */
typedef void	(*config_diff_fn)(const char *key, enum config_apply apply,
		    void *arg);

/*
 * Compares every key of the table between old and new (the HEC token
 * counts as part of hec_token_file, whose content it is) and calls cb, if
 * not NULL, for each key that differs, in table order.  Returns how many
 * keys differ.
 */
size_t		 config_diff(const struct config *old,
		    const struct config *new, config_diff_fn cb, void *arg);

/*
 * Swaps the values of every LIVE key between running and new, so that
 * running holds the new ones and new the old ones (which config_free()
 * then frees): a module must not borrow a LIVE key's string beyond the
 * call it was given to.  RESTART keys are left alone.
 */
void		 config_apply_live(struct config *running, struct config *new);

/*
 * The i-th key of the table: its name and apply class.  Returns false
 * when i is past the last key.
 */
bool		 config_key_info(size_t i, const char **name,
		    enum config_apply *apply);

/* Writes the usage text to fp. */
void		 config_usage(FILE *fp);

#endif /* HECSENTRY_CONFIG_H */
