/*
 * The HEC URL layout (hec_url.h): the event, acknowledgement and health
 * endpoints of Splunk's HTTP Event Collector, derived from hec_url.
 * Pure: no I/O, config.c calls it to validate, hec_ep.c to build the
 * endpoints' URLs.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/hec_url.h"
#include "xmalloc.h"

char *
hec_url_event(const char *url, char **errstr)
{
	const char	*host, *path;
	char		*s;
	size_t		 i;

	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= ' ' ||
		    (unsigned char)url[i] >= 0x7f) {
			xasprintf(errstr, "hec_url %s: bad character", url);
			return NULL;
		}
	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else {
		xasprintf(errstr, "hec_url %s: must start with http:// or "
		    "https://", url);
		return NULL;
	}
	path = host + strcspn(host, "/?#");
	if (path == host) {
		xasprintf(errstr, "hec_url %s: no host", url);
		return NULL;
	}
	if (*path == '\0' || strcmp(path, "/") == 0) {
		xasprintf(&s, "%.*s%s", (int)(path - url), url,
		    HEC_URL_EVENT);
		return s;
	}
	return xstrdup(url);
}

/* The length of url's part before its path: "https://host:port". */
static int
hec_url_base_len(const char *url)
{
	const char	*p;

	p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/?#");
	return (int)(p - url);
}

char *
hec_url_ack(const char *url, const char *channel)
{
	char	*s;

	xasprintf(&s, "%.*s%s?channel=%s", hec_url_base_len(url), url,
	    HEC_URL_ACK, channel);
	return s;
}

char *
hec_url_health(const char *url)
{
	char	*s;

	xasprintf(&s, "%.*s%s", hec_url_base_len(url), url, HEC_URL_HEALTH);
	return s;
}
