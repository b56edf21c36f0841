/*
 * The HEC URL layout (hec_url.h): the event, acknowledgement and health
 * endpoints of Splunk's HTTP Event Collector, derived from hec_url.
 * Pure: no I/O, config.c calls it to validate, hec_ep.c to build the
 * endpoints' URLs.
 *
 * A URL's path is an optional prefix (a reverse proxy's, such as
 * /splunk) followed by one of the event endpoints of HEC_URL_EVENTS; the
 * ack and health endpoints are the prefix followed by HEC_URL_ACK and
 * HEC_URL_HEALTH.  What cannot work is refused: the raw endpoint (it
 * would index the JSON envelope as text), a query string or a fragment
 * (the ack and health URLs could not keep them), any other path.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/hec_url.h"
#include "xmalloc.h"

/* The event endpoints hecsentry can post to, after the prefix. */
static const char *const hec_url_events[] = {
	HEC_URL_EVENT,
	HEC_URL_EVENT "/1.0",
	HEC_URL_BASE,
};

/* True when s ends with suffix. */
static bool
hec_url_ends(const char *s, size_t len, const char *suffix)
{
	size_t	 n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/*
 * The start of url's path ("/..." or "" when there is none), or NULL
 * when url is not http:// or https:// with a host.
 */
static const char *
hec_url_path(const char *url)
{
	const char	*host, *path;

	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return NULL;
	path = host + strcspn(host, "/?#");
	return path == host ? NULL : path;
}

/*
 * The length of url up to its HEC prefix's end: "https://host:port" and
 * the proxy prefix, if any.  url is as hec_url_event() returns.
 */
static int
hec_url_prefix_len(const char *url)
{
	const char	*path;
	size_t		 len, i;

	if ((path = hec_url_path(url)) == NULL)
		return (int)strlen(url);
	len = strcspn(path, "?#");
	for (i = 0; i < sizeof(hec_url_events) / sizeof(hec_url_events[0]);
	    i++)
		if (hec_url_ends(path, len, hec_url_events[i]))
			return (int)(path - url + len -
			    strlen(hec_url_events[i]));
	return (int)(path - url);
}

char *
hec_url_event(const char *url, char **errstr)
{
	const char	*path;
	char		*s;
	size_t		 i, len;

	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' ||
		    (unsigned char)url[i] >= 0x7f) {
			xasprintf(errstr, "hec_url %s: bad character at "
			    "offset %zu (write spaces and other bytes as "
			    "%%XX)", url, i);
			return NULL;
		}
	if (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0) {
		xasprintf(errstr, "hec_url %s: must start with http:// or "
		    "https:// (for example https://splunk:8088)", url);
		return NULL;
	}
	if ((path = hec_url_path(url)) == NULL) {
		xasprintf(errstr, "hec_url %s: no host (for example "
		    "https://splunk:8088)", url);
		return NULL;
	}
	len = strcspn(path, "?#");
	if (path[len] != '\0') {
		xasprintf(errstr, "hec_url %s: a %s cannot be used (hecsentry "
		    "builds the ack and health URLs and sets the channel "
		    "itself; set hec_index and hec_sourcetype for the "
		    "metadata)", url, path[len] == '?' ? "query string" :
		    "fragment");
		return NULL;
	}
	if (len == 0 || strcmp(path, "/") == 0) {
		xasprintf(&s, "%.*s%s", (int)(path - url), url,
		    HEC_URL_EVENT);
		return s;
	}
	for (i = 0; i < sizeof(hec_url_events) / sizeof(hec_url_events[0]);
	    i++)
		if (hec_url_ends(path, len, hec_url_events[i]))
			return xstrdup(url);
	if (hec_url_ends(path, len, HEC_URL_RAW) ||
	    hec_url_ends(path, len, HEC_URL_RAW "/1.0")) {
		xasprintf(errstr, "hec_url %s: the raw endpoint takes raw "
		    "text, and hecsentry posts JSON events (use the event "
		    "endpoint: .../services/collector/event)", url);
		return NULL;
	}
	xasprintf(errstr, "hec_url %s: the path must end in "
	    "/services/collector/event, /services/collector/event/1.0 or "
	    "/services/collector, after a proxy's prefix if any (or give "
	    "no path)", url);
	return NULL;
}

char *
hec_url_ack(const char *url, const char *channel)
{
	char	*s;

	xasprintf(&s, "%.*s%s?channel=%s", hec_url_prefix_len(url), url,
	    HEC_URL_ACK, channel);
	return s;
}

char *
hec_url_health(const char *url)
{
	char	*s;

	xasprintf(&s, "%.*s%s", hec_url_prefix_len(url), url,
	    HEC_URL_HEALTH);
	return s;
}
