/*
 * Inside the listeners: the state that listen.c (sockets, accepting,
 * TCP connections) shares with listen_udp.c (datagram sockets).  Not for
 * other modules: they use listen.h.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_LISTEN_INT_H
#define HECSENTRY_LISTEN_INT_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "input/listen.h"

struct ssl_ctx_st;
struct listen_conn;

struct listen_sock {
	struct listen		*l;	/* owner */
	bool			 udp;	/* datagram socket */
	bool			 tls;	/* TLS stream socket */
	int			 fd;	/* UDP socket, -1 once closed */
	int			 port;	/* bound port */
	size_t			 index;	/* among l's TCP or TLS sockets */
	struct evconnlistener	*evl;	/* TCP acceptor, NULL once closed */
	struct event		*ev;	/* UDP read, or TCP accept pause */
	uint32_t		 ovfl;	/* last SO_RXQ_OVFL drop count */
	struct listen_udp_counters *uc;	/* UDP: its entry of l->c.udp */
	char			*name;	/* "tcp/127.0.0.1:514" */
	struct listen_source	 src;	/* handed to the frame callback */
};

TAILQ_HEAD(listen_conns, listen_conn);

struct listen {
	struct event_base	*base;	/* borrowed */
	listen_frame_fn		 cb;	/* frame consumer */
	void			*arg;	/* its argument */
	size_t			 max_frame; /* bytes */
	size_t			 max_connections; /* 0: no limit */
	int			 idle_timeout_s; /* 0: none */
	size_t			 udp_rcvbuf; /* bytes asked, 0: none */
	bool			 reuseport; /* bind with SO_REUSEPORT */
	struct listen_sock	**tcp;	/* TCP listeners */
	size_t			 ntcp;
	struct listen_sock	**udp;	/* UDP sockets */
	size_t			 nudp;
	struct listen_sock	**tls;	/* TLS listeners */
	size_t			 ntls;
	struct ssl_ctx_st	*tls_ctx; /* SSL_CTX for new sessions;
					   refcounted */
	struct listen_conns	 conns;	/* open TCP connections */
	struct listen_counters	 c;	/* what listen_get_counters() reads */
	char			*dgram;	/* nbatch * (max_frame + 1) bytes */
	size_t			 nbatch; /* datagrams per recvmmsg call */
	struct mmsghdr		*mmsg;	/* nbatch headers */
	struct iovec		*iov;	/* their buffers in dgram */
	char			*cbuf;	/* their SO_RXQ_OVFL control data */
	char			*rbuf;	/* plain TCP reads, or NULL till one */
	size_t			 rcap;	/* max_frame + slack + a read */
	bool			 paused; /* TCP reading stopped */
	listen_accept_fn	 accept_fn; /* may take accepted sockets */
	void			*accept_arg;
};

/*
 * The event loop's cached time in ms since the epoch: read once for all
 * the frames of one read, which the loop would give each of them anyway.
 */
int64_t		 listen_now_ms(const struct listen *l);

/* Sizes and allocates l's recvmmsg(2) batch from l->max_frame. */
void		 listen_udp_init(struct listen *l);

/* Frees what listen_udp_init() allocated. */
void		 listen_udp_clear(struct listen *l);

/*
 * Starts reading the bound UDP socket fd as sock (named already): its
 * counters, receive buffer of l->udp_rcvbuf bytes, kernel
 * drop counts, read event.  Returns 0, or -1 (fd then still the
 * caller's unless sock->fd was set).
 */
int		 listen_udp_start(struct listen *l, struct listen_sock *sock,
		    int fd);

#endif /* HECSENTRY_LISTEN_INT_H */
