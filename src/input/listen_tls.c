/*
 * TLS listeners (RFC 5425): the OpenSSL server context built from the
 * tls_* keys, and the server-side bufferevent wrapped around an accepted
 * socket; the framing above it is listen.c's, the same as plain TCP.
 * The one place where OpenSSL errors become text.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <stdio.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "input/listen_tls.h"
#include "log.h"
#include "xmalloc.h"

/*
 * The reasons of OpenSSL's error queue as one line (emptying the queue),
 * or "unknown error".  The one place where OpenSSL errors become text;
 * the result is valid until the next call.
 */
static const char *
listen_tls_error(void)
{
	static char	 msg[512];
	char		 one[256];
	unsigned long	 e;
	size_t		 len = 0;

	msg[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, one, sizeof(one));
		if (len < sizeof(msg) - 1)
			len += snprintf(msg + len, sizeof(msg) - len, "%s%s",
			    len > 0 ? "; " : "", one);
	}
	return msg[0] != '\0' ? msg : "unknown error";
}

const char *
listen_tls_bev_error(struct bufferevent *bev)
{
	static char	 msg[512];
	char		 one[256];
	unsigned long	 e;
	size_t		 len = 0;

	msg[0] = '\0';
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		ERR_error_string_n(e, one, sizeof(one));
		if (len < sizeof(msg) - 1)
			len += snprintf(msg + len, sizeof(msg) - len, "%s%s",
			    len > 0 ? "; " : "", one);
	}
	if (msg[0] != '\0')
		return msg;
	if (EVUTIL_SOCKET_ERROR() != 0)
		return evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR());
	return listen_tls_error();
}

SSL_CTX *
listen_tls_ctx_new(const struct listen_tls_options *t, char **errstr)
{
	static const unsigned char	 sid[] = "hecsentry";
	STACK_OF(X509_NAME)		*names;
	SSL_CTX				*ctx;
	int				 mode;

	ERR_clear_error();
	if (t->cert_file == NULL || t->key_file == NULL) {
		xasprintf(errstr, "TLS: tls_cert_file and tls_key_file are "
		    "needed");
		return NULL;
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		xasprintf(errstr, "TLS: %s", listen_tls_error());
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		xasprintf(errstr, "TLS: cannot require TLS 1.2: %s",
		    listen_tls_error());
		goto out_free;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1) {
		xasprintf(errstr, "tls_cert_file %s: %s", t->cert_file,
		    listen_tls_error());
		goto out_free;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, t->key_file,
	    SSL_FILETYPE_PEM) != 1) {
		xasprintf(errstr, "tls_key_file %s: %s", t->key_file,
		    listen_tls_error());
		goto out_free;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		xasprintf(errstr, "tls_key_file %s does not match "
		    "tls_cert_file %s", t->key_file, t->cert_file);
		goto out_free;
	}
	if (SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1) != 1) {
		xasprintf(errstr, "TLS: %s", listen_tls_error());
		goto out_free;
	}
	if (t->verify_client == LISTEN_TLS_VERIFY_NO)
		return ctx;
	if (t->ca_file == NULL) {
		xasprintf(errstr, "tls_verify_client needs tls_ca_file");
		goto out_free;
	}
	if (SSL_CTX_load_verify_locations(ctx, t->ca_file, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(t->ca_file)) == NULL) {
		xasprintf(errstr, "tls_ca_file %s: %s", t->ca_file,
		    listen_tls_error());
		goto out_free;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;
	if (t->verify_client == LISTEN_TLS_VERIFY_REQUIRE)
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	return ctx;

out_free:
	SSL_CTX_free(ctx);
	return NULL;
}

struct bufferevent *
listen_tls_bev_new(struct event_base *base, SSL_CTX *ctx, const char *name,
    int fd)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(ctx)) == NULL) {
		log_warnx("%s: SSL_new: %s", name, listen_tls_error());
		return NULL;
	}
	bev = bufferevent_openssl_socket_new(base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* a sender that closes without close_notify still ends a frame */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

