/*
 * Listeners: the sockets where syslog arrives, and the connections that
 * carry it.  Each listen_tcp address gets an evconnlistener; an accepted
 * connection is read by read(2) from an EV_READ event into one read
 * buffer per struct listen (max_frame + 16 KiB, shared by its
 * connections), after the few bytes it still held, and cut into RFC 6587
 * frames by framing.c in place: frames go out as pointers into it.  What
 * is left (the incomplete tail, or frames held back while the listener
 * is paused) is copied into the connection's own buffer, allocated to
 * fit and freed when it empties, so an idle connection costs what it
 * holds.  A connection holding more than LISTEN_TAIL_COPY bytes (a long
 * frame arriving) reads into its own buffer instead, grown up to the
 * same bound.  TLS streams (listen_tls.c) and listen_attach() keep a
 * bufferevent, whose input (at most about max_frame: the read watermark)
 * is pulled up and cut by the same framer.  UDP sockets are read by
 * listen_udp.c.
 * With workers > 1 every socket is bound with SO_REUSEPORT, so that each
 * worker thread binds the same addresses in its own struct listen and
 * the kernel spreads connections and datagram flows among them (a port
 * of 0 then gives each worker a port of its own: tests only); an accept
 * callback (listen_set_accept_cb()) may take an accepted socket away to
 * another struct listen, which frames it with listen_adopt().
 * Frames go to the caller's callback, borrowed; this module never
 * looks inside them (syslog.c does).  Limits: frame size, connections,
 * idle time; anything over a limit is counted, never logged per message.
 * If accept() runs out of descriptors, the listener pauses for a second.
 * The SSL_CTX is rebuilt by listen_reload_tls() so certificates can be
 * renewed on SIGHUP; open sessions keep the context they started with.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <openssl/ssl.h>

#include "input/framing.h"
#include "input/listen_int.h"
#include "input/listen_tls.h"
#include "log.h"
#include "xmalloc.h"

#define LISTEN_HDR_SLACK	16	/* read watermark room for "LEN " */
#define LISTEN_READ_MIN		16384	/* plain TCP: buffer room beyond a
					   frame, for the next read */
#define LISTEN_TAIL_COPY	4096	/* plain TCP: a held tail up to this
					   is copied into the shared buffer
					   for the next read */
#define LISTEN_TAIL_SLACK	2048	/* a tail's buffer: a multiple of
					   this, reused while it is at most
					   2 * len + this */
#define LISTEN_BACKLOG		128	/* listen(2) queue */
#define LISTEN_ACCEPT_PAUSE_S	1	/* after EMFILE/ENFILE */
#define LISTEN_DEFAULT_FRAME	65536	/* when max_frame is 0 */

struct listen_conn {
	TAILQ_ENTRY(listen_conn) entry;
	struct listen		*l;	/* owner */
	struct bufferevent	*bev;	/* owned, frees its socket; or NULL */
	int			 fd;	/* plain TCP (bev NULL): owned */
	struct event		*ev;	/* its reads and idle timeout */
	char			*buf;	/* its bytes not yet framed, or NULL */
	size_t			 len;
	size_t			 cap;	/* allocated, 0 with buf NULL; at
					   most max_frame + slack + a read */
	char			*name;	/* owned name of an attached stream */
	struct listen_source	 src;	/* handed to the frame callback */
	struct framing		 scan;	/* framing state */
	bool			 pending; /* buf may hold complete frames */
	bool			 eof;	/* the peer has finished */
};

static void	listen_conn_frames(struct listen_conn *);

static void
listen_conn_free(struct listen_conn *conn)
{
	struct listen	*l = conn->l;

	TAILQ_REMOVE(&l->conns, conn, entry);
	l->c.conns_open--;
	if (conn->bev != NULL)
		bufferevent_free(conn->bev);
	if (conn->ev != NULL)
		event_free(conn->ev);
	if (conn->fd != -1)
		close(conn->fd);
	free(conn->buf);
	free(conn->name);
	free(conn);
}

int64_t
listen_now_ms(const struct listen *l)
{
	struct timeval	 tv;

	if (event_base_gettimeofday_cached(l->base, &tv) == -1)
		gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/*
 * Hands one frame to the consumer (a framing_fn); asks the scan to
 * stop when the consumer paused the listener.
 */
static int
listen_conn_deliver(const char *p, size_t len, void *arg)
{
	struct listen_conn	*conn = arg;
	struct listen		*l = conn->l;

	l->c.frames_tcp++;
	l->c.bytes += len;
	l->cb(p, len, &conn->src, l->arg);
	return l->paused;
}

/* Frames buf[0..len) of conn; returns the bytes used, or -1 (freed). */
static long
listen_conn_scan(struct listen_conn *conn, const char *buf, size_t len)
{
	struct listen	*l = conn->l;
	size_t		 used;
	int		 rc;

	conn->src.now_ms = listen_now_ms(l);
	rc = framing_scan(&conn->scan, buf, len, listen_conn_deliver,
	    conn, &used);
	l->c.oversize += conn->scan.oversize;
	conn->scan.oversize = 0;
	if (rc == -1) {
		l->c.bad_length++;
		log_debug("%s: bad octet-count prefix, closing",
		    conn->src.listener);
		listen_conn_free(conn);
		return -1;
	}
	return used;
}

/* Delivers what is left when the peer has finished, then closes. */
static void
listen_conn_finish(struct listen_conn *conn, const char *buf, size_t len)
{
	struct listen	*l = conn->l;

	conn->src.now_ms = listen_now_ms(l);
	framing_finish(&conn->scan, buf, len, listen_conn_deliver, conn);
	l->c.oversize += conn->scan.oversize;
	listen_conn_free(conn);
}

/*
 * A bufferevent connection (TLS, listen_attach()): cuts every complete
 * frame out of its input buffer (at most about max_frame bytes: the read
 * watermark) and hands it on; stops when more bytes are needed or the
 * listener is paused.  May free conn (bad length prefix, or EOF).
 */
static void
listen_conn_frames(struct listen_conn *conn)
{
	struct listen	*l = conn->l;
	struct evbuffer	*in = bufferevent_get_input(conn->bev);
	const char	*p = NULL;
	size_t		 avail;
	long		 used;

	if (l->paused)
		return;
	if ((avail = evbuffer_get_length(in)) > 0) {
		if ((p = (const char *)evbuffer_pullup(in, -1)) == NULL)
			fatalx("%s: evbuffer_pullup failed", __func__);
		if ((used = listen_conn_scan(conn, p, avail)) == -1)
			return;
		evbuffer_drain(in, used);
		p += used;
		avail -= used;
	}
	if (conn->eof && !l->paused)
		listen_conn_finish(conn, p, avail);
}

static void
listen_conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	listen_conn_frames(arg);
}

static void
listen_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct listen_conn	*conn = arg;

	(void)bev;
	if (what == BEV_EVENT_CONNECTED)	/* TLS handshake done */
		return;
	if (what & BEV_EVENT_EOF) {
		conn->eof = true;
		listen_conn_frames(conn);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		conn->l->c.conns_idle++;
		log_debug("%s: idle connection closed", conn->src.listener);
	} else if ((what & BEV_EVENT_ERROR) && conn->src.tls) {
		conn->l->c.tls_errors++;
		log_debug("%s: TLS error: %s", conn->src.listener,
		    listen_tls_bev_error(bev));
	} else if (what & BEV_EVENT_ERROR)
		log_debug("%s: connection error: %s", conn->src.listener,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	listen_conn_free(conn);
}

/*
 * Makes conn's own buffer hold p[0..len) (p may point into it): none
 * when len is 0, else the buffer it has when that fits and is not much
 * larger, or a new one of len bytes rounded up to LISTEN_TAIL_SLACK.
 */
static void
listen_raw_keep(struct listen_conn *conn, const char *p, size_t len)
{
	char	*nb;
	size_t	 cap;

	if (len == 0) {
		free(conn->buf);
		conn->buf = NULL;
		conn->cap = conn->len = 0;
		return;
	}
	if (len > conn->cap || conn->cap > 2 * len + LISTEN_TAIL_SLACK) {
		cap = (len + LISTEN_TAIL_SLACK - 1) / LISTEN_TAIL_SLACK *
		    LISTEN_TAIL_SLACK;
		nb = xmalloc(cap);
		memcpy(nb, p, len);
		free(conn->buf);
		conn->buf = nb;
		conn->cap = cap;
	} else if (p != conn->buf)
		memmove(conn->buf, p, len);
	conn->len = len;
}

/*
 * A plain TCP connection frames in place: buf[0..len), its bytes not yet
 * framed, is either conn's own buffer or l->rbuf (then conn->len is 0).
 * The frames go out as pointers into it; what is left moves to the front
 * of conn's own buffer (copied, from l->rbuf), which shrinks to fit when
 * frames went out.  Frames the consumer could not take because it paused
 * the listener stay there (pending) until listen_resume().  Returns -1
 * when conn was freed (bad length prefix, or EOF).
 */
static int
listen_raw_frames(struct listen_conn *conn, const char *buf, size_t len)
{
	struct listen	*l = conn->l;
	long		 used;

	if (buf == NULL)	/* conn holds nothing */
		buf = "";
	if ((used = listen_conn_scan(conn, buf, len)) == -1)
		return -1;
	len -= used;
	conn->pending = l->paused;
	if (conn->eof && !l->paused) {
		listen_conn_finish(conn, buf + used, len);
		return -1;
	}
	if (buf != conn->buf || used > 0)
		listen_raw_keep(conn, buf + used, len);
	return 0;
}

/*
 * Reads what fd has for conn and frames it: into l->rbuf after a copy of
 * the few bytes conn holds, or into conn's own buffer (grown) when it
 * holds more than LISTEN_TAIL_COPY.  Returns -1 when conn was freed.
 */
static int
listen_raw_read(struct listen_conn *conn, int fd)
{
	struct listen	*l = conn->l;
	size_t		 bound = l->max_frame + LISTEN_HDR_SLACK +
			    LISTEN_READ_MIN, want, off;
	char		*buf;
	ssize_t		 n;

	if (conn->len <= LISTEN_TAIL_COPY) {
		if (l->rbuf == NULL) {
			l->rcap = bound;
			l->rbuf = xmalloc(l->rcap);
		}
		off = conn->len;
		if (off > 0)
			memcpy(l->rbuf, conn->buf, off);
		n = read(fd, l->rbuf + off, l->rcap - off);
		if (n >= 0)
			conn->len = 0;	/* now in l->rbuf */
		buf = l->rbuf;
	} else {
		if (conn->len == bound)
			return 0;
		want = conn->len + LISTEN_READ_MIN;
		if (want > bound)
			want = bound;
		if (conn->cap < want) {
			if (want < 2 * conn->cap && 2 * conn->cap <= bound)
				want = 2 * conn->cap;
			conn->buf = xreallocarray(conn->buf, want, 1);
			conn->cap = want;
		}
		off = conn->len;
		n = read(fd, conn->buf + off, conn->cap - off);
		if (n > 0)
			conn->len += n;
		buf = conn->buf;
	}
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		log_debug("%s: connection error: %s", conn->src.listener,
		    strerror(errno));
		listen_conn_free(conn);
		return -1;
	}
	if (n == 0) {
		conn->eof = true;
		event_del(conn->ev);
	}
	return listen_raw_frames(conn, buf, off + n);
}

static void
listen_raw_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_conn	*conn = arg;
	struct listen		*l = conn->l;

	if (conn->pending || conn->eof) {
		if (l->paused)
			return;
		if (listen_raw_frames(conn, conn->buf, conn->len) == -1 ||
		    l->paused)
			return;
	}
	if ((what & (EV_READ | EV_TIMEOUT)) == EV_TIMEOUT) {
		l->c.conns_idle++;
		log_debug("%s: idle connection closed", conn->src.listener);
		listen_conn_free(conn);
		return;
	}
	if (l->paused)
		return;
	(void)listen_raw_read(conn, fd);
}

/*
 * Counts a new connection, or refuses it when max_connections are open
 * (returns NULL).  src is copied (its listener string must outlive the
 * connection); name, when not NULL, is copied and used instead.
 */
static struct listen_conn *
listen_conn_new(struct listen *l, const struct listen_source *src,
    const char *name)
{
	struct listen_conn	*conn;
	size_t			 max = l->max_connections;

	if (max > 0 && l->c.conns_open >= max) {
		l->c.conns_refused++;
		return NULL;
	}
	conn = xcalloc(1, sizeof(*conn));
	conn->l = l;
	conn->fd = -1;
	conn->scan.max_frame = l->max_frame;
	if (name != NULL) {
		conn->name = xstrdup(name);
		conn->src.listener = conn->name;
		conn->src.udp = false;
	} else
		conn->src = *src;
	TAILQ_INSERT_TAIL(&l->conns, conn, entry);
	l->c.conns_open++;
	l->c.conns_accepted++;
	return conn;
}

/* The idle timeout, or NULL for none. */
static const struct timeval *
listen_idle_tv(const struct listen *l, struct timeval *tv)
{
	if (l->idle_timeout_s <= 0)
		return NULL;
	tv->tv_sec = l->idle_timeout_s;
	tv->tv_usec = 0;
	return tv;
}

/*
 * Starts framing a plain TCP socket fd (non-blocking) in place.  Takes
 * ownership of fd: on -1 (over max_connections) it has been closed.
 */
static int
listen_raw_add(struct listen *l, int fd, const struct listen_source *src)
{
	struct listen_conn	*conn;
	struct timeval		 tv;

	if ((conn = listen_conn_new(l, src, NULL)) == NULL) {
		close(fd);
		return -1;
	}
	conn->fd = fd;
	conn->ev = event_new(l->base, fd, EV_READ | EV_PERSIST,
	    listen_raw_read_cb, conn);
	if (conn->ev == NULL || (!l->paused &&
	    event_add(conn->ev, listen_idle_tv(l, &tv)) == -1)) {
		log_warnx("%s: cannot read from the connection",
		    conn->src.listener);
		listen_conn_free(conn);
		return -1;
	}
	return 0;
}

/*
 * Starts framing bev.  src and name as for listen_conn_new().  Takes
 * ownership of bev: on -1 (over max_connections) it has been freed.
 */
static int
listen_conn_add(struct listen *l, struct bufferevent *bev,
    const struct listen_source *src, const char *name)
{
	struct listen_conn	*conn;
	struct timeval		 tv;

	if ((conn = listen_conn_new(l, src, name)) == NULL) {
		bufferevent_free(bev);
		return -1;
	}
	conn->bev = bev;
	bufferevent_setcb(bev, listen_conn_read_cb, NULL, listen_conn_event_cb,
	    conn);
	bufferevent_setwatermark(bev, EV_READ, 0,
	    l->max_frame + LISTEN_HDR_SLACK);
	if (listen_idle_tv(l, &tv) != NULL &&
	    bufferevent_set_timeouts(bev, &tv, NULL) == -1)
		log_warnx("%s: cannot set the idle timeout",
		    conn->src.listener);
	if (l->paused)
		bufferevent_disable(bev, EV_READ);
	else {
		if (bufferevent_enable(bev, EV_READ) == -1) {
			log_warnx("%s: cannot read from the connection",
			    conn->src.listener);
			listen_conn_free(conn);
			return -1;
		}
		if (evbuffer_get_length(bufferevent_get_input(bev)) > 0)
			bufferevent_trigger(bev, EV_READ,
			    BEV_TRIG_DEFER_CALLBACKS);
	}
	return 0;
}

/*
 * Frames fd, a connection accepted on sock's address (plain or TLS as
 * sock is).  Takes ownership of fd.  Returns 0, or -1 when it was
 * refused (max_connections) or could not be set up, fd closed.
 */
static int
listen_sock_add(struct listen_sock *sock, int fd)
{
	struct listen		*l = sock->l;
	struct bufferevent	*bev;

	if (!sock->tls)
		return listen_raw_add(l, fd, &sock->src);
	if ((bev = listen_tls_bev_new(l->base, l->tls_ctx, sock->name,
	    fd)) == NULL) {
		log_warnx("%s: cannot create a bufferevent", sock->name);
		close(fd);
		return -1;
	}
	return listen_conn_add(l, bev, &sock->src, NULL);
}

static void
listen_accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listen_sock	*sock = arg;
	struct listen		*l = sock->l;
	char			 host[NI_MAXHOST];

	(void)evl;
	if (getnameinfo(sa, salen, host, sizeof(host), NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(host, sizeof(host), "?");
	if (l->accept_fn != NULL &&
	    l->accept_fn(fd, sock->tls, sock->index, l->accept_arg)) {
		log_debug("%s: connection from %s handed on", sock->name,
		    host);
		return;
	}
	if (listen_sock_add(sock, fd) == -1)
		log_debug("%s: refused connection from %s", sock->name, host);
	else
		log_debug("%s: connection from %s", sock->name, host);
}

void
listen_set_accept_cb(struct listen *l, listen_accept_fn fn, void *arg)
{
	l->accept_fn = fn;
	l->accept_arg = arg;
}

int
listen_adopt(struct listen *l, int fd, bool tls, size_t i)
{
	struct listen_sock	*sock;

	if (i >= (tls ? l->ntls : l->ntcp)) {
		close(fd);
		return -1;
	}
	sock = tls ? l->tls[i] : l->tcp[i];
	if (sock->evl == NULL) {		/* listen_close() */
		close(fd);
		return -1;
	}
	return listen_sock_add(sock, fd);
}

static void
listen_accept_error_cb(struct evconnlistener *evl, void *arg)
{
	struct listen_sock	*sock = arg;
	struct timeval		 tv = { LISTEN_ACCEPT_PAUSE_S, 0 };
	int			 err = EVUTIL_SOCKET_ERROR();

	if (err == EMFILE || err == ENFILE) {
		log_warnx("%s: accept: %s; pausing for %d s", sock->name,
		    strerror(err), LISTEN_ACCEPT_PAUSE_S);
		if (evconnlistener_disable(evl) == -1 ||
		    evtimer_add(sock->ev, &tv) == -1)
			log_warnx("%s: cannot pause accepting", sock->name);
		return;
	}
	log_warnx("%s: accept: %s", sock->name, strerror(err));
}

static void
listen_accept_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_sock	*sock = arg;

	(void)fd;
	(void)what;
	if (sock->evl != NULL && evconnlistener_enable(sock->evl) == -1)
		log_warnx("%s: cannot resume accepting", sock->name);
}

/*
 * Splits "ADDR:PORT", "[V6]:PORT", "*:PORT" or ":PORT" into host (NULL for
 * all addresses) and port.  Returns 0, or -1 when malformed.
 */
static int
listen_parse_addr(const char *spec, char *host, size_t hostsz, bool *any,
    char *port, size_t portsz)
{
	const char	*colon, *end;
	size_t		 hlen;
	char		*ep;
	long		 v;

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL || end[1] != ':')
			return -1;
		colon = end + 1;
		spec++;
		hlen = end - spec;
	} else {
		if ((colon = strrchr(spec, ':')) == NULL)
			return -1;
		hlen = colon - spec;
	}
	if (hlen >= hostsz || strlen(colon + 1) >= portsz ||
	    colon[1] == '\0')
		return -1;
	errno = 0;
	v = strtol(colon + 1, &ep, 10);
	if (*ep != '\0' || errno != 0 || v < 0 || v > 65535 ||
	    colon[1] < '0' || colon[1] > '9')
		return -1;
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	*any = hlen == 0 || strcmp(host, "*") == 0;
	snprintf(port, portsz, "%ld", v);
	return 0;
}

/* Names sock after its bound address: "udp/[::1]:514". */
static int
listen_sock_name(struct listen_sock *sock, int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 host[NI_MAXHOST], serv[NI_MAXSERV];
	const char		*proto;

	proto = sock->udp ? "udp" : sock->tls ? "tls" : "tcp";
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return -1;
	if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return -1;
	sock->port = atoi(serv);
	if (ss.ss_family == AF_INET6)
		xasprintf(&sock->name, "%s/[%s]:%s", proto, host, serv);
	else
		xasprintf(&sock->name, "%s/%s:%s", proto, host, serv);
	sock->src.listener = sock->name;
	sock->src.udp = sock->udp;
	sock->src.tls = sock->tls;
	return 0;
}

/*
 * Creates, binds and (for TCP) listens on one socket for ai.  Returns the
 * descriptor, or -1 with errno set.
 */
static int
listen_socket(const struct addrinfo *ai, bool udp, bool reuseport)
{
	int		 fd, on = 1, saved;

	fd = socket(ai->ai_family, (udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (!udp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == -1)
		goto out_close;
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
	    sizeof(on)) == -1)
		goto out_close;
	if (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)
		goto out_close;
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		goto out_close;
	if (!udp && listen(fd, LISTEN_BACKLOG) == -1)
		goto out_close;
	return fd;

out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* Sets up the event side of a bound socket; returns 0 or -1. */
static int
listen_sock_start(struct listen *l, struct listen_sock *sock, int fd)
{
	if (sock->udp)
		return listen_udp_start(l, sock, fd);
	sock->evl = evconnlistener_new(l->base, listen_accept_cb, sock,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (sock->evl == NULL)
		return -1;
	evconnlistener_set_error_cb(sock->evl, listen_accept_error_cb);
	if ((sock->ev = evtimer_new(l->base, listen_accept_resume_cb,
	    sock)) == NULL)
		return -1;
	return 0;
}

/*
 * Binds every address spec resolves to, as UDP, TCP or (tls) TLS over
 * TCP.  Returns 0, or -1 with *errstr.
 */
static int
listen_bind(struct listen *l, const char *spec, bool udp, bool tls,
    char **errstr)
{
	struct addrinfo		 hints, *res, *ai;
	struct listen_sock	*sock, ***arr;
	const char		*proto = udp ? "udp" : tls ? "tls" : "tcp";
	char			 host[NI_MAXHOST], port[8];
	size_t			*narr, nbound = 0;
	bool			 any;
	int			 rc, fd;

	if (listen_parse_addr(spec, host, sizeof(host), &any, port,
	    sizeof(port)) == -1) {
		xasprintf(errstr, "%s/%s: bad address (want ADDR:PORT)",
		    proto, spec);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(any ? NULL : host, port, &hints, &res)) != 0) {
		xasprintf(errstr, "%s/%s: %s", proto, spec, gai_strerror(rc));
		return -1;
	}
	arr = udp ? &l->udp : tls ? &l->tls : &l->tcp;
	narr = udp ? &l->nudp : tls ? &l->ntls : &l->ntcp;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = listen_socket(ai, udp, l->reuseport)) == -1) {
			if (any && errno == EAFNOSUPPORT)
				continue;	/* no IPv6 on this host */
			xasprintf(errstr, "%s/%s: %s", proto, spec,
			    strerror(errno));
			goto out_free;
		}
		sock = xcalloc(1, sizeof(*sock));
		sock->l = l;
		sock->udp = udp;
		sock->tls = tls;
		sock->fd = -1;
		sock->index = *narr;
		*arr = xreallocarray(*arr, *narr + 1, sizeof(**arr));
		(*arr)[(*narr)++] = sock;
		if (listen_sock_name(sock, fd) == -1 ||
		    listen_sock_start(l, sock, fd) == -1) {
			if (sock->fd == -1 && sock->evl == NULL)
				close(fd);
			xasprintf(errstr, "%s/%s: cannot set up the listener",
			    proto, spec);
			goto out_free;
		}
		log_info("listening on %s", sock->name);
		nbound++;
	}
	freeaddrinfo(res);
	if (nbound == 0) {
		xasprintf(errstr, "%s/%s: no usable address", proto, spec);
		return -1;
	}
	return 0;

out_free:
	freeaddrinfo(res);
	return -1;
}

struct listen *
listen_new(struct event_base *base, const struct listen_options *o,
    listen_frame_fn cb, void *arg, char **errstr)
{
	struct listen	*l;
	size_t		 i;

	*errstr = NULL;
	l = xcalloc(1, sizeof(*l));
	l->base = base;
	l->cb = cb;
	l->arg = arg;
	l->max_frame = o->max_frame > 0 ? o->max_frame : LISTEN_DEFAULT_FRAME;
	l->max_connections = o->max_connections;
	l->idle_timeout_s = o->idle_timeout_s;
	l->udp_rcvbuf = o->udp_rcvbuf;
	l->reuseport = o->reuseport;
	TAILQ_INIT(&l->conns);
	listen_udp_init(l);

	for (i = 0; i < o->ntcp; i++)
		if (listen_bind(l, o->tcp[i], false, false, errstr) == -1)
			goto out_free;
	for (i = 0; i < o->nudp; i++)
		if (listen_bind(l, o->udp[i], true, false, errstr) == -1)
			goto out_free;
	if (o->ntls > 0 &&
	    (l->tls_ctx = listen_tls_ctx_new(&o->tls_opts, errstr)) == NULL)
		goto out_free;
	for (i = 0; i < o->ntls; i++)
		if (listen_bind(l, o->tls[i], false, true, errstr) == -1)
			goto out_free;
	return l;

out_free:
	listen_free(l);
	return NULL;
}

/* Frees the acceptors of n stream listeners. */
static void
listen_close_streams(struct listen_sock **socks, size_t n)
{
	struct listen_sock	*sock;
	size_t			 i;

	for (i = 0; i < n; i++) {
		sock = socks[i];
		if (sock->evl != NULL)
			evconnlistener_free(sock->evl);
		sock->evl = NULL;
		if (sock->ev != NULL)
			event_free(sock->ev);
		sock->ev = NULL;
	}
}

void
listen_close(struct listen *l)
{
	struct listen_sock	*sock;
	size_t			 i;

	listen_close_streams(l->tcp, l->ntcp);
	listen_close_streams(l->tls, l->ntls);
	for (i = 0; i < l->nudp; i++) {
		sock = l->udp[i];
		if (sock->ev != NULL)
			event_free(sock->ev);
		sock->ev = NULL;
		if (sock->fd != -1)
			close(sock->fd);
		sock->fd = -1;
	}
}

void
listen_free(struct listen *l)
{
	struct listen_conn	*conn;
	size_t			 i;

	if (l == NULL)
		return;
	listen_close(l);
	while ((conn = TAILQ_FIRST(&l->conns)) != NULL)
		listen_conn_free(conn);
	for (i = 0; i < l->ntcp; i++) {
		free(l->tcp[i]->name);
		free(l->tcp[i]);
	}
	for (i = 0; i < l->nudp; i++) {
		free(l->udp[i]->name);
		free(l->udp[i]);
	}
	for (i = 0; i < l->ntls; i++) {
		free(l->tls[i]->name);
		free(l->tls[i]);
	}
	free(l->tcp);
	free(l->udp);
	free(l->tls);
	SSL_CTX_free(l->tls_ctx);
	listen_udp_clear(l);
	free(l->rbuf);
	free(l);
}

void
listen_pause(struct listen *l)
{
	struct listen_conn	*conn;

	if (l->paused)
		return;
	l->paused = true;
	TAILQ_FOREACH(conn, &l->conns, entry) {
		if (conn->bev != NULL)
			bufferevent_disable(conn->bev, EV_READ);
		else
			event_del(conn->ev);
	}
}

/*
 * Restarts reading; frames already buffered (and EOFs already seen) are
 * handled from the loop, not from inside this call.
 */
void
listen_resume(struct listen *l)
{
	struct listen_conn	*conn;
	struct timeval		 tv;

	if (!l->paused)
		return;
	l->paused = false;
	TAILQ_FOREACH(conn, &l->conns, entry) {
		if (conn->bev == NULL) {
			if (!conn->eof && event_add(conn->ev,
			    listen_idle_tv(l, &tv)) == -1)
				log_warnx("%s: cannot resume reading",
				    conn->src.listener);
			if (conn->eof || conn->pending)
				event_active(conn->ev, EV_READ, 1);
			continue;
		}
		if (!conn->eof && bufferevent_enable(conn->bev, EV_READ) == -1)
			log_warnx("%s: cannot resume reading",
			    conn->src.listener);
		if (conn->eof ||
		    evbuffer_get_length(bufferevent_get_input(conn->bev)) > 0)
			bufferevent_trigger(conn->bev, EV_READ,
			    BEV_TRIG_DEFER_CALLBACKS |
			    BEV_TRIG_IGNORE_WATERMARKS);
	}
}

int
listen_attach(struct listen *l, struct bufferevent *bev, const char *name)
{
	return listen_conn_add(l, bev, NULL, name != NULL ? name :
	    "attached");
}

int
listen_reload_tls(struct listen *l, const struct listen_tls_options *t,
    char **errstr)
{
	SSL_CTX	*ctx;

	*errstr = NULL;
	if (l->ntls == 0)
		return 0;
	if ((ctx = listen_tls_ctx_new(t, errstr)) == NULL)
		return -1;
	SSL_CTX_free(l->tls_ctx);
	l->tls_ctx = ctx;
	log_info("TLS: certificate %s and key %s loaded", t->cert_file,
	    t->key_file);
	return 0;
}

int
listen_port_tls(const struct listen *l, size_t i)
{
	return i < l->ntls ? l->tls[i]->port : -1;
}

size_t
listen_buffered(const struct listen *l)
{
	const struct listen_conn	*conn;
	size_t				 n = 0;

	TAILQ_FOREACH(conn, &l->conns, entry)
		n += conn->bev == NULL ? conn->len :
		    evbuffer_get_length(bufferevent_get_input(conn->bev));
	return n;
}

int
listen_port(const struct listen *l, bool udp, size_t i)
{
	if (udp)
		return i < l->nudp ? l->udp[i]->port : -1;
	return i < l->ntcp ? l->tcp[i]->port : -1;
}

void
listen_get_counters(const struct listen *l, struct listen_counters *c)
{
	*c = l->c;
}
