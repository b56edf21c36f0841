/*
 * The HEC URL layout, in one place: a configured hec_url is the event
 * endpoint (https://HOST:PORT/services/collector/event when it names no
 * path); the acknowledgement and health endpoints sit beside it on the
 * same host.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_HEC_URL_H
#define HECSENTRY_HEC_URL_H

#define HEC_URL_EVENT		"/services/collector/event"
#define HEC_URL_ACK		"/services/collector/ack"
#define HEC_URL_HEALTH		"/services/collector/health"

/*
 * Checks a configured HEC URL (http:// or https://, a host, printable
 * ASCII) and adds /services/collector/event when it has no path.
 * Returns the URL to use (caller frees), or NULL with *errstr (caller
 * frees).
 */
char		*hec_url_event(const char *url, char **errstr);

/* POST URL of the acks of channel, beside the event URL url.  Caller frees. */
char		*hec_url_ack(const char *url, const char *channel);

/* GET URL of the health check beside the event URL url.  Caller frees. */
char		*hec_url_health(const char *url);

#endif /* HECSENTRY_HEC_URL_H */
