/*
 * The HEC URL layout, in one place: a configured hec_url is the event
 * endpoint (https://HOST:PORT/services/collector/event when it names no
 * path), possibly under a reverse proxy's path prefix; the
 * acknowledgement and health endpoints sit beside it, under the same
 * prefix on the same host.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_HEC_URL_H
#define HECSENTRY_HEC_URL_H

#define HEC_URL_BASE		"/services/collector"
#define HEC_URL_EVENT		"/services/collector/event"
#define HEC_URL_RAW		"/services/collector/raw"
#define HEC_URL_ACK		"/services/collector/ack"
#define HEC_URL_HEALTH		"/services/collector/health"

/*
 * Checks a configured HEC URL (http:// or https://, a host, printable
 * ASCII, no query string nor fragment, a path that is empty or ends in
 * one of HEC's event endpoints: /services/collector/event, .../event/1.0
 * or /services/collector) and adds /services/collector/event when it has
 * no path.  Returns the URL to use (caller frees), or NULL with *errstr
 * (caller frees): "hec_url URL: what is wrong (what to do)".
 */
char		*hec_url_event(const char *url, char **errstr);

/* POST URL of the acks of channel, beside the event URL url (as
 * hec_url_event() returns), under its prefix.  Caller frees. */
char		*hec_url_ack(const char *url, const char *channel);

/* GET URL of the health check beside the event URL url (as
 * hec_url_event() returns), under its prefix.  Caller frees. */
char		*hec_url_health(const char *url);

#endif /* HECSENTRY_HEC_URL_H */
