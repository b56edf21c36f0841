/*
 * Module options from the configuration (options.h): one function per
 * module, each filling that module's options struct from a struct config.
 * The options borrow the config's strings: they live as long as it does.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/random.h>

#include <string.h>

#include "daemon/options.h"
#include "log.h"

/* input: listen */

struct listen_tls_options *
options_listen_tls(const struct config *cfg, struct listen_tls_options *t)
{
	memset(t, 0, sizeof(*t));
	t->cert_file = cfg->tls_cert_file;
	t->key_file = cfg->tls_key_file;
	t->ca_file = cfg->tls_ca_file;
	switch (cfg->tls_verify_client) {
	case CONFIG_TLS_VERIFY_NO:
		t->verify_client = LISTEN_TLS_VERIFY_NO;
		break;
	case CONFIG_TLS_VERIFY_OPTIONAL:
		t->verify_client = LISTEN_TLS_VERIFY_OPTIONAL;
		break;
	case CONFIG_TLS_VERIFY_REQUIRE:
		t->verify_client = LISTEN_TLS_VERIFY_REQUIRE;
		break;
	}
	return t;
}

struct listen_options *
options_listen(const struct config *cfg, struct listen_options *o)
{
	memset(o, 0, sizeof(*o));
	o->tcp = cfg->listen_tcp;
	o->ntcp = cfg->nlisten_tcp;
	o->udp = cfg->listen_udp;
	o->nudp = cfg->nlisten_udp;
	o->tls = cfg->listen_tls;
	o->ntls = cfg->nlisten_tls;
	o->max_connections = cfg->max_connections;
	o->max_frame = cfg->max_frame;
	o->idle_timeout_s = cfg->idle_timeout_s;
	o->udp_rcvbuf = cfg->udp_rcvbuf;
	o->reuseport = cfg->workers > 1;
	options_listen_tls(cfg, &o->tls_opts);
	return o;
}

/* output: sink, hec, spool */

static void
options_hec(const struct config *cfg, struct hec_options *o)
{
	o->urls = (const char *const *)cfg->hec_url;
	o->nurls = cfg->nhec_url;
	o->token = cfg->hec_token;
	o->ca_file = cfg->hec_ca_file;
	o->ca_path = cfg->hec_ca_path;
	o->tls_verify = cfg->hec_tls_verify;
	o->gzip = cfg->hec_gzip;
	o->batch_events = cfg->hec_batch_events;
	o->batch_bytes = cfg->hec_batch_bytes;
	o->batch_ms = cfg->hec_batch_ms;
	o->timeout_ms = cfg->hec_timeout_ms;
	o->connect_timeout_ms = cfg->hec_connect_timeout_ms;
	o->max_inflight = cfg->hec_max_inflight;
	o->queue_bytes = cfg->hec_queue_bytes;
	o->retry_min_ms = cfg->hec_retry_min_ms;
	o->retry_max_ms = cfg->hec_retry_max_ms;
	o->acks = cfg->hec_acks;
	o->ack_timeout_ms = cfg->hec_ack_timeout_ms;
	o->ack_poll_ms = cfg->hec_ack_poll_ms;
	o->dead_letter_file = cfg->hec_dead_letter_file;
	o->dead_letter_dir = cfg->spool_dir;
	o->health_interval_ms = cfg->hec_health_interval_ms;
}

void
options_sink(const struct config *cfg, struct sink_options *o)
{
	memset(o, 0, sizeof(*o));
	switch (cfg->output) {
	case CONFIG_OUTPUT_HEC:
		o->type = SINK_HEC;
		break;
	case CONFIG_OUTPUT_STDOUT:
		o->type = SINK_STDOUT;
		break;
	case CONFIG_OUTPUT_FILE:
		o->type = SINK_FILE;
		break;
	}
	o->path = cfg->output_path;
	o->queue_bytes = cfg->hec_queue_bytes;
	o->spool_dir = cfg->spool_dir;
	o->spool.max_bytes = cfg->spool_max_bytes;
	o->spool.segment_bytes = (uint32_t)cfg->spool_segment_bytes;
	if (spool_parse_fsync(cfg->spool_fsync, &o->spool.fsync) == -1)
		fatalx("%s: spool_fsync %s not checked", __func__,
		    cfg->spool_fsync);
	options_hec(cfg, &o->hec);
}

void
options_suppress(const struct config *cfg, struct suppress_options *o)
{
	memset(o, 0, sizeof(*o));
	o->dir = cfg->spool_dir;
	o->max_keys = cfg->suppress_max_keys;
	if (spool_parse_fsync(cfg->spool_fsync, &o->fsync) == -1)
		fatalx("%s: spool_fsync %s not checked", __func__,
		    cfg->spool_fsync);
	o->rules = cfg->suppress;
	o->nrules = cfg->nsuppress;
}

/* detect: library */

struct library_opts *
options_library(const struct config *cfg, const struct cim_map *cim,
    struct library_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->detections = cfg->detections_dir;
	o->macros = cfg->macros_dir;
	o->lookups = cfg->lookups_dir;
	o->status = cfg->det_status;
	o->nstatus = cfg->ndet_status;
	o->types = cfg->det_types;
	o->ntypes = cfg->ndet_types;
	o->enable = cfg->det_enable;
	o->nenable = cfg->ndet_enable;
	o->disable = cfg->det_disable;
	o->ndisable = cfg->ndet_disable;
	o->cim = cim;
	return o;
}

/* daemon: pipeline and stats, admin */

void
options_stats(const struct config *cfg, struct stats_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->window_s = cfg->window_s;
	o->max_keys = cfg->max_keys;
	o->max_bytes = cfg->stats_max_bytes;
	o->drop_null = cfg->null_by_drop;
	if (getrandom(o->seed, sizeof(o->seed), 0) !=
	    (ssize_t)sizeof(o->seed))
		fatal("getrandom");
}

void
options_pipeline(const struct config *cfg, struct pipeline_opts *o)
{
	memset(o, 0, sizeof(*o));
	options_stats(cfg, &o->stats);
	o->decode.max_depth = cfg->max_json_depth;
	o->decode.max_xml_depth = cfg->max_xml_depth;
	o->decode.max_xml_bytes = cfg->max_xml_bytes;
	o->decode.xml_raw = cfg->xml_values_raw;
	o->time_source = cfg->time_created ? EVENT_TIME_TIMECREATED :
	    EVENT_TIME_UTCTIME;
	o->max_frame = cfg->max_frame;
	o->alert.sourcetype = cfg->hec_sourcetype;
	o->alert.index = cfg->hec_index;
	o->alert.format = cfg->alert_risk ? ALERT_FORMAT_RISK :
	    ALERT_FORMAT_ROW;
	o->alert.risk_list = cfg->alert_risk_list;
	o->alert.nrisk_list = cfg->nalert_risk_list;
	o->alert.row_list = cfg->alert_row_list;
	o->alert.nrow_list = cfg->nalert_row_list;
	o->alert.risk_sourcetype = cfg->risk_sourcetype;
	o->alert.risk_index = cfg->risk_index;
	o->alert.risk_source = cfg->risk_source;
	o->first.all = cfg->emit_first;
	o->first.first = cfg->emit_first_list;
	o->first.nfirst = cfg->nemit_first_list;
	o->first.close = cfg->emit_close_list;
	o->first.nclose = cfg->nemit_close_list;
}

void
options_admin(const struct config *cfg, struct admin_options *o)
{
	memset(o, 0, sizeof(*o));
	if (cfg->admin_listen != NULL && cfg->admin_listen[0] != '\0')
		o->listen = cfg->admin_listen;
}
