/*
 * TLS for the listeners (RFC 5425): the server SSL_CTX of the TLS options
 * and the OpenSSL bufferevent of one accepted connection.  Only listen.c
 * uses it.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LISTEN_TLS_H
#define HECSENTRY_LISTEN_TLS_H

#include <event2/bufferevent.h>
#include <event2/event.h>

#include <openssl/ssl.h>

#include "input/listen.h"

/*
 * Builds the server SSL_CTX of t: certificate chain and key (checked
 * against each other), TLS 1.2 or later, no renegotiation, client
 * certificates asked (optional) or required (mutual TLS) and then
 * verified against t->ca_file.  Returns it (caller SSL_CTX_free()s) or
 * NULL with *errstr (caller frees).
 */
SSL_CTX		*listen_tls_ctx_new(const struct listen_tls_options *t,
		    char **errstr);

/*
 * Wraps fd, an accepted socket, in a server-side OpenSSL bufferevent on
 * base (the handshake runs as data arrives; a close without close_notify
 * still ends the stream).  name is for the log.  Returns it (it owns fd
 * and the SSL from then on), or NULL, fd still the caller's.
 */
struct bufferevent *listen_tls_bev_new(struct event_base *base,
		    SSL_CTX *ctx, const char *name, int fd);

/*
 * The error that ended a TLS bufferevent, as one line (the OpenSSL error
 * queue emptied); valid until the next call.
 */
const char	*listen_tls_bev_error(struct bufferevent *bev);

#endif /* HECSENTRY_LISTEN_TLS_H */
