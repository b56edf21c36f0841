/*
 * Listeners: UDP and TCP sockets (IPv4 and IPv6, several at once), one
 * read buffer per TCP connection, RFC 6587 framing detected per frame
 * (octet counting "LEN SP MSG", else LF or NUL with a trailing CR
 * stripped: framing.h).  Each complete frame is handed to the frame callback as
 * (const char *, size_t), borrowed until the callback returns.  Caps:
 * connections, frame size (which also bounds each connection's input
 * buffer), idle time.  TLS listeners (RFC 5425) frame the same way.
 * listen_pause() stops reading from every TCP and TLS connection
 * (back-pressure); UDP keeps reading, and counts its drops by socket and
 * reason (struct listen_udp_counters).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LISTEN_H
#define HECSENTRY_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

struct listen_source {
	const char	*listener;	/* "tcp/127.0.0.1:514", for metrics */
	bool		 udp;		/* datagram or stream */
	bool		 tls;		/* stream over TLS (RFC 5425) */
	int64_t		 now_ms;	/* when the bytes were read (the
					   loop's cached time), ms */
};

/* Called for every frame; buf is borrowed until it returns. */
typedef void	(*listen_frame_fn)(const char *buf, size_t len,
		    const struct listen_source *src, void *arg);

/*
 * Why a datagram was lost (SPEC 2, 7).  UDP is never paused: while the
 * TCP listeners are paused for back-pressure, datagrams are still read
 * and processed (the pipeline drops nothing for a backlogged sink; the
 * sink's own queue and spool limits count what it loses).
 */
enum listen_udp_drop {
	LISTEN_UDP_DROP_TRUNCATED,	/* longer than max_frame */
	LISTEN_UDP_DROP_KERNEL,		/* receive buffer full: SO_RXQ_OVFL */
	LISTEN_UDP_DROP_EMPTY,		/* nothing left once trimmed */
	LISTEN_UDP_DROP_ERROR,		/* recvmsg failed (not EAGAIN) */
	LISTEN_UDP_NDROPS
};

#define LISTEN_UDP_NCOUNTED	8	/* UDP sockets counted one by one */
#define LISTEN_UDP_NAME_MAX	64	/* "udp/[v6 address]:port" */

/*
 * One UDP socket's datagrams and drops.  The name is a copy so that the
 * counters outlive listen_free().  Sockets past LISTEN_UDP_NCOUNTED - 1
 * share the last entry, named "udp/other".
 */
struct listen_udp_counters {
	char		 listener[LISTEN_UDP_NAME_MAX]; /* "udp/127.0.0.1:514" */
	uint64_t	 datagrams;	/* handed to the frame callback */
	uint64_t	 drops[LISTEN_UDP_NDROPS]; /* by enum listen_udp_drop */
};

struct listen_counters {
	uint64_t	 frames_tcp;	/* frames out of TCP streams */
	uint64_t	 frames_udp;	/* datagrams */
	uint64_t	 bytes;		/* payload bytes read */
	uint64_t	 oversize;	/* frames over max_frame, skipped */
	uint64_t	 bad_length;	/* bad octet count: connection closed */
	uint64_t	 conns_accepted;
	uint64_t	 conns_refused;	/* over max_connections */
	uint64_t	 conns_idle;	/* closed for idleness */
	uint64_t	 udp_truncated;	/* datagrams over max_frame */
	uint64_t	 udp_kernel_drops; /* SO_RXQ_OVFL, where available */
	uint64_t	 tls_errors;	/* TLS handshakes or sessions failed */
	size_t		 conns_open;	/* now */
	struct listen_udp_counters udp[LISTEN_UDP_NCOUNTED]; /* by socket */
	size_t		 nudp;		/* entries of udp[] in use */
};

/* "truncated", "kernel", "empty", "error": a metric label value. */
const char	*listen_udp_drop_name(enum listen_udp_drop d);

/* Client certificates on TLS listeners. */
enum listen_tls_verify {
	LISTEN_TLS_VERIFY_NO = 0,	/* none asked */
	LISTEN_TLS_VERIFY_OPTIONAL,	/* asked, verified when sent */
	LISTEN_TLS_VERIFY_REQUIRE	/* mutual TLS */
};

/* The certificates of the TLS listeners (PEM files), re-read on SIGHUP. */
struct listen_tls_options {
	const char	*cert_file;	/* chain; needed with TLS listeners */
	const char	*key_file;	/* private key; the same */
	const char	*ca_file;	/* CAs of client certificates; needed
					   unless verify_client is NO */
	enum listen_tls_verify verify_client;
};

/*
 * What the listeners bind and their limits (daemon/options.c fills it
 * from the configuration).  Addresses are "ADDR:PORT", "[V6]:PORT",
 * "*:PORT" or ":PORT".
 */
struct listen_options {
	char *const	*tcp;		/* plain TCP addresses */
	size_t		 ntcp;
	char *const	*udp;		/* UDP addresses */
	size_t		 nudp;
	char *const	*tls;		/* TLS (RFC 5425) addresses */
	size_t		 ntls;
	size_t		 max_connections; /* TCP and TLS, all listeners;
					   0: no limit */
	size_t		 max_frame;	/* bytes; 0: 64 KiB */
	int		 idle_timeout_s; /* TCP and TLS; 0: none */
	size_t		 udp_rcvbuf;	/* SO_RCVBUF asked; 0: the system's */
	bool		 reuseport;	/* SO_REUSEPORT: several struct
					   listen bind the same addresses */
	struct listen_tls_options tls_opts; /* with TLS addresses */
};

struct listen;

/*
 * Binds every address of o on base (TLS: loads o->tls_opts).  o and its
 * strings are only read during the call.  Returns NULL with *errstr
 * (caller frees) when any address cannot be bound or a TLS file is bad.
 */
struct listen	*listen_new(struct event_base *base,
		    const struct listen_options *o, listen_frame_fn cb,
		    void *arg, char **errstr);
void		 listen_free(struct listen *l);

/* Stops accepting new connections and closes the listening sockets. */
void		 listen_close(struct listen *l);

/* Back-pressure: stop / restart reading from all TCP connections. */
void		 listen_pause(struct listen *l);
void		 listen_resume(struct listen *l);

/*
 * Takes ownership of a connected bufferevent (a socket, a TLS stream or,
 * in tests, one end of a bufferevent pair) and frames what it reads.
 */
int		 listen_attach(struct listen *l, struct bufferevent *bev,
		    const char *name);

/*
 * Called on the accepting thread for every connection a TCP or TLS
 * listener accepts, before anything is read from it: i is the
 * listener's index among l's TCP (tls false) or TLS listeners, in the
 * order of listen_port().  Returns true when it took fd (to hand it to
 * another struct listen bound to the same addresses, with
 * listen_adopt()), false to let this one frame it.
 */
typedef bool	(*listen_accept_fn)(int fd, bool tls, size_t i, void *arg);

/* Sets (fn NULL: clears) the accept callback; arg is borrowed. */
void		 listen_set_accept_cb(struct listen *l, listen_accept_fn fn,
		    void *arg);

/*
 * Frames fd, a connection that the i-th TCP (tls false) or TLS listener
 * of another struct listen on the same addresses accepted, as if l's own
 * i-th listener had (its name in the metrics, its TLS context, l's
 * max_connections).  Takes ownership of fd.  Returns 0, or -1 with fd
 * closed: no such listener, listen_close() was called, over
 * max_connections (counted as refused), or TLS could not be set up.
 */
int		 listen_adopt(struct listen *l, int fd, bool tls, size_t i);

/*
 * The port the i-th TCP (udp false) or UDP listener is bound to, in the
 * order of o's addresses (an address may yield several listeners), or
 * -1 when there is no such listener.  For tests that bind port 0.
 */
int		 listen_port(const struct listen *l, bool udp, size_t i);

/*
 * workers = n > 1: each worker's struct listen binds the same UDP
 * addresses with SO_REUSEPORT, and the kernel hashes each flow (the
 * sender's address and port) to one socket of the address's group, so
 * one sender feeds one worker.  This attaches to the group of each of
 * l's UDP sockets a classic BPF program (SO_ATTACH_REUSEPORT_CBPF, Linux
 * 4.5 and later) that gives each datagram to the socket at a random
 * index in 0..n-1.  The kernel numbers a group's sockets in the order
 * they were bound (a closed socket's place goes to the last one), and
 * an index past the end falls back to the hash, so call it once the n
 * struct listen were made one after the other, e.g. on the last one:
 * the program applies to the whole group, sockets bound later included.
 * Returns 0 (also for n < 2), or -1 with errno (ENOPROTOOPT where the
 * system has no such option) when a program could not be attached: the
 * groups without one keep the hash.
 */
int		 listen_spread_udp(struct listen *l, size_t n);

void		 listen_get_counters(const struct listen *l,
		    struct listen_counters *c);

/*
 * SIGHUP: re-reads the TLS certificate, key and CA files of t, only read
 * during the call (listeners are not re-bound).  New sessions use them;
 * open ones keep theirs.  Returns 0 (also when there is no TLS
 * listener), or -1 with *errstr (caller frees), the old certificates
 * still in use.
 */
int		 listen_reload_tls(struct listen *l,
		    const struct listen_tls_options *t, char **errstr);

/* The port of the i-th TLS listener, or -1 (see listen_port()). */
int		 listen_port_tls(const struct listen *l, size_t i);

/* Bytes read and not yet framed, all connections: at most about
 * max_frame per connection. */
size_t		 listen_buffered(const struct listen *l);

#endif /* HECSENTRY_LISTEN_H */
