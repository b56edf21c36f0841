/*
 * Listeners: the sockets where syslog arrives and the framing of TCP
 * streams into messages.  Each listen_tcp address gets an evconnlistener;
 * an accepted connection is read by read(2) from an EV_READ event into
 * one read buffer per struct listen (max_frame + 16 KiB, shared by its
 * connections), after the few bytes it still held, and cut into RFC 6587
 * frames (octet counting or LF/NUL terminated, decided per frame) in
 * place: frames go out as pointers into it.  What is left (the incomplete
 * tail, or frames held back while the listener is paused) is copied into
 * the connection's own buffer, allocated to fit and freed when it
 * empties, so an idle connection costs what it holds.  A connection
 * holding more than LISTEN_TAIL_COPY bytes (a long frame arriving) reads
 * into its own buffer instead, grown up to the same bound.  TLS streams
 * and listen_attach() keep a bufferevent, whose input (at most about
 * max_frame: the read watermark) is pulled up and cut by the same
 * listen_frame_scan().  Each listen_udp address gets a non-blocking
 * datagram socket read with recvmmsg(2), up to 32 datagrams a call (fewer
 * when max_frame is large: about 4 MiB of buffers), until EAGAIN or 256
 * datagrams a callback.
 * With workers > 1 every socket is bound with SO_REUSEPORT, so that each
 * worker thread binds the same addresses in its own struct listen and
 * the kernel spreads connections and datagram flows among them (a port
 * of 0 then gives each worker a port of its own: tests only); an accept
 * callback (listen_set_accept_cb()) may take an accepted socket away to
 * another struct listen, which frames it with listen_adopt().  The
 * kernel's hash sends all the datagrams of one flow (a sender's socket)
 * to one of those sockets; listen_spread_udp() attaches a classic BPF
 * program to each UDP group that picks a socket at random per datagram.
 * Frames go to the caller's callback, borrowed; this module never
 * looks inside them (syslog.c does).  Limits: frame size, connections,
 * idle time; anything over a limit is counted, never logged per message.
 * Each listen_tls address (RFC 5425) accepts like TCP but wraps the
 * socket in a libevent OpenSSL bufferevent (TLS 1.2 or later, optional or
 * required client certificates); the framing is the same.  The SSL_CTX is
 * rebuilt by listen_reload_tls() so certificates can be renewed on SIGHUP;
 * open sessions keep the context they started with.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <netinet/in.h>

#ifdef __linux__
#include <linux/filter.h>
#endif

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "input/listen.h"
#include "log.h"
#include "xmalloc.h"

#define LISTEN_LEN_DIGITS	10	/* RFC 6587 MSG-LEN, at most */
#define LISTEN_HDR_SLACK	16	/* read watermark room for "LEN " */
#define LISTEN_READ_MIN		16384	/* plain TCP: buffer room beyond a
					   frame, for the next read */
#define LISTEN_TAIL_COPY	4096	/* plain TCP: a held tail up to this
					   is copied into the shared buffer
					   for the next read */
#define LISTEN_TAIL_SLACK	2048	/* a tail's buffer: a multiple of
					   this, reused while it is at most
					   2 * len + this */
#define LISTEN_UDP_BUDGET	256	/* datagrams per read callback */
#define LISTEN_UDP_BATCH	32	/* datagrams per recvmmsg(2) call */
#define LISTEN_UDP_BATCH_BYTES	(4 * 1024 * 1024) /* fewer when frames
					   are long: max_frame + 1 each */
#define LISTEN_BACKLOG		128	/* listen(2) queue */
#define LISTEN_ACCEPT_PAUSE_S	1	/* after EMFILE/ENFILE */
#define LISTEN_DEFAULT_FRAME	65536	/* when cfg->max_frame is 0 */

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
	struct listen_scan	 scan;	/* framing state */
	bool			 pending; /* buf may hold complete frames */
	bool			 eof;	/* the peer has finished */
};

TAILQ_HEAD(listen_conns, listen_conn);

struct listen {
	struct event_base	*base;	/* borrowed */
	const struct config	*cfg;	/* borrowed */
	listen_frame_fn		 cb;	/* frame consumer */
	void			*arg;	/* its argument */
	size_t			 max_frame; /* bytes */
	struct listen_sock	**tcp;	/* TCP listeners */
	size_t			 ntcp;
	struct listen_sock	**udp;	/* UDP sockets */
	size_t			 nudp;
	struct listen_sock	**tls;	/* TLS listeners */
	size_t			 ntls;
	SSL_CTX			*tls_ctx; /* for new sessions; refcounted */
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

static void	listen_conn_frames(struct listen_conn *);

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

/* The error that ended a TLS bufferevent; see listen_tls_error(). */
static const char *
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

/*
 * Builds the server SSL_CTX of cfg's tls_* keys: certificate chain and
 * key (checked against each other), TLS 1.2 or later, no renegotiation,
 * client certificates asked (optional) or required (mutual TLS) and then
 * verified against tls_ca_file.  Returns it (caller SSL_CTX_free()s) or
 * NULL with *errstr.
 */
static SSL_CTX *
listen_tls_ctx_new(const struct config *cfg, char **errstr)
{
	static const unsigned char	 sid[] = "hecsentry";
	STACK_OF(X509_NAME)		*names;
	SSL_CTX				*ctx;
	int				 mode;

	ERR_clear_error();
	if (cfg->tls_cert_file == NULL || cfg->tls_key_file == NULL) {
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
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert_file) != 1) {
		xasprintf(errstr, "tls_cert_file %s: %s", cfg->tls_cert_file,
		    listen_tls_error());
		goto out_free;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key_file,
	    SSL_FILETYPE_PEM) != 1) {
		xasprintf(errstr, "tls_key_file %s: %s", cfg->tls_key_file,
		    listen_tls_error());
		goto out_free;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		xasprintf(errstr, "tls_key_file %s does not match "
		    "tls_cert_file %s", cfg->tls_key_file, cfg->tls_cert_file);
		goto out_free;
	}
	if (SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1) != 1) {
		xasprintf(errstr, "TLS: %s", listen_tls_error());
		goto out_free;
	}
	if (cfg->tls_verify_client == CONFIG_TLS_VERIFY_NO)
		return ctx;
	if (cfg->tls_ca_file == NULL) {
		xasprintf(errstr, "tls_verify_client needs tls_ca_file");
		goto out_free;
	}
	if (SSL_CTX_load_verify_locations(ctx, cfg->tls_ca_file, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(cfg->tls_ca_file)) == NULL) {
		xasprintf(errstr, "tls_ca_file %s: %s", cfg->tls_ca_file,
		    listen_tls_error());
		goto out_free;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;
	if (cfg->tls_verify_client == CONFIG_TLS_VERIFY_REQUIRE)
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	return ctx;

out_free:
	SSL_CTX_free(ctx);
	return NULL;
}

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

/*
 * RFC 6587 section 3.4.1 octet counting: "MSG-LEN SP SYSLOG-MSG" at p,
 * with MSG-LEN at most LISTEN_LEN_DIGITS digits.  Returns the bytes
 * consumed (a frame, or the prefix of an oversize one, whose body is
 * then skipped), 0 when more bytes are needed, -1 on a bad prefix.
 */
static long
listen_scan_octet(struct listen_scan *st, const char *p, size_t avail,
    listen_scan_fn cb, void *arg, bool *stop)
{
	size_t		 i, n;
	uint64_t	 len = 0;

	n = avail < LISTEN_LEN_DIGITS + 1 ? avail : LISTEN_LEN_DIGITS + 1;
	for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		len = len * 10 + (p[i] - '0');
	if (i == n)
		return n < LISTEN_LEN_DIGITS + 1 ? 0 : -1;
	if (p[i] != ' ')
		return -1;
	if (len > st->max_frame) {
		st->oversize++;
		st->skip = len;
		return i + 1;
	}
	if (avail < i + 1 + len)
		return 0;
	if (len > 0)
		*stop = cb(p + i + 1, len, arg) != 0;
	return i + 1 + len;
}

/*
 * The first LF or NUL in [p, end), or NULL: one pass where two memchr()
 * calls used to be.  Eight bytes at a time: (x - 0x01..) & ~x & 0x80..
 * flags exactly the zero bytes of x, plus possibly bytes above a flagged
 * one, so the lowest flag of x and of x ^ 0x0a.. is the byte wanted.
 * With AVX2, 128 and then 32 bytes a step before that.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define LISTEN_EOL_AVX2
/* Whether listen_find_eol() may use AVX2 (the tests turn it off). */
static bool	listen_simd = true;

/*
 * The first LF or NUL in [p, end) found 32 bytes a step, or where the
 * steps stopped (fewer than 32 bytes left).  The unsigned minimum of x
 * and x ^ '\n' is zero exactly where x is LF or NUL, so four vectors
 * fold into one minimum and one compare per 128 bytes.  (256 bytes a
 * step, with the block searched again when it holds a terminator,
 * counted more instructions per frame.)
 */
__attribute__((target("avx2")))
static const char *
listen_find_eol_avx2(const char *p, const char *end)
{
	const __m256i	 lf = _mm256_set1_epi8('\n');
	const __m256i	 zero = _mm256_setzero_si256();
	const char	*last;
	__m256i		 a, b, c, d, m;
	uint32_t	 bits;

	if (end - p >= 128) {
		last = end - 128;
		do {
			a = _mm256_loadu_si256((const __m256i *)
			    (const void *)p);
			b = _mm256_loadu_si256((const __m256i *)
			    (const void *)(p + 32));
			c = _mm256_loadu_si256((const __m256i *)
			    (const void *)(p + 64));
			d = _mm256_loadu_si256((const __m256i *)
			    (const void *)(p + 96));
			a = _mm256_min_epu8(a, _mm256_xor_si256(a, lf));
			b = _mm256_min_epu8(b, _mm256_xor_si256(b, lf));
			c = _mm256_min_epu8(c, _mm256_xor_si256(c, lf));
			d = _mm256_min_epu8(d, _mm256_xor_si256(d, lf));
			m = _mm256_cmpeq_epi8(_mm256_min_epu8(
			    _mm256_min_epu8(a, b), _mm256_min_epu8(c, d)),
			    zero);
			if (!_mm256_testz_si256(m, m))
				break;
			p += 128;
		} while (p <= last);
	}
	while (end - p >= 32) {
		a = _mm256_loadu_si256((const __m256i *)(const void *)p);
		a = _mm256_min_epu8(a, _mm256_xor_si256(a, lf));
		bits = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a,
		    zero));
		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	return p;
}
#endif

void
listen_set_simd(bool on)
{
#ifdef LISTEN_EOL_AVX2
	listen_simd = on;
#else
	(void)on;
#endif
}

static const char *
listen_find_eol(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 x, y, r;
#endif

#ifdef LISTEN_EOL_AVX2
	if (end - p >= 32 && listen_simd && __builtin_cpu_supports("avx2")) {
		p = listen_find_eol_avx2(p, end);
		if (p < end && (*p == '\n' || *p == '\0'))
			return p;
	}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		memcpy(&x, p, 8);
		y = x ^ (ones * '\n');
		r = (((x - ones) & ~x) | ((y - ones) & ~y)) & high;
		if (r != 0)
			return p + (__builtin_ctzll(r) >> 3);
		p += 8;
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' || *p == '\0')
			return p;
	return NULL;
}

/*
 * RFC 6587 section 3.4.2 non-transparent framing: the frame at p ends at
 * LF or NUL, a CR before the terminator is dropped.  A frame longer than
 * max_frame is counted and dropped through the next LF.  Returns the
 * bytes consumed, 0 when more are needed.
 */
static size_t
listen_scan_line(struct listen_scan *st, const char *p, size_t avail,
    listen_scan_fn cb, void *arg, bool *stop)
{
	const char	*lf;
	size_t		 limit, end, pos, flen;

	limit = st->max_frame + 2;	/* frame, CR, terminator */
	end = avail < limit ? avail : limit;
	lf = NULL;
	if (st->scanned < end)
		lf = listen_find_eol(p + st->scanned, p + end);
	if (lf == NULL) {
		if (avail < limit) {
			st->scanned = avail;
			return 0;
		}
		/* bytes past limit may hold the LF that ends this frame */
		st->oversize++;
		st->scanned = 0;
		st->discard = true;
		return limit;
	}
	st->scanned = 0;
	pos = lf - p;
	flen = pos;
	if (flen > 0 && p[flen - 1] == '\r')
		flen--;
	if (flen > st->max_frame)
		st->oversize++;
	else if (flen > 0)
		*stop = cb(p, flen, arg) != 0;
	return pos + 1;
}

int
listen_frame_scan(struct listen_scan *st, const char *buf, size_t len,
    listen_scan_fn cb, void *arg, size_t *used)
{
	const char	*lf;
	size_t		 off = 0, n;
	long		 rc;
	bool		 stop = false;

	while (!stop && off < len) {
		if (st->skip > 0) {
			n = len - off < st->skip ? len - off : st->skip;
			off += n;
			st->skip -= n;
			continue;
		}
		if (st->discard) {
			if ((lf = memchr(buf + off, '\n', len - off)) == NULL) {
				off = len;
				break;
			}
			off = lf - buf + 1;
			st->discard = false;
			continue;
		}
		if (buf[off] >= '0' && buf[off] <= '9') {
			rc = listen_scan_octet(st, buf + off, len - off, cb,
			    arg, &stop);
			if (rc == -1) {
				*used = off;
				return -1;
			}
			n = rc;
		} else
			n = listen_scan_line(st, buf + off, len - off, cb, arg,
			    &stop);
		if (n == 0)
			break;
		off += n;
	}
	*used = off;
	return 0;
}

void
listen_frame_finish(struct listen_scan *st, const char *buf, size_t len,
    listen_scan_fn cb, void *arg)
{
	if (len == 0 || st->skip > 0 || st->discard)
		return;
	if (buf[0] >= '0' && buf[0] <= '9') {
		log_debug("%zu bytes of a truncated octet-counted frame at EOF",
		    len);
		return;
	}
	if (buf[len - 1] == '\r')
		len--;
	if (len > st->max_frame)
		st->oversize++;
	else if (len > 0)
		(void)cb(buf, len, arg);
}

/*
 * The event loop's cached time in ms since the epoch: read once for all
 * the frames of one read, which the loop would give each of them anyway.
 */
static int64_t
listen_now_ms(const struct listen *l)
{
	struct timeval	 tv;

	if (event_base_gettimeofday_cached(l->base, &tv) == -1)
		gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/*
 * Hands one frame to the consumer (a listen_scan_fn); asks the scan to
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
	rc = listen_frame_scan(&conn->scan, buf, len, listen_conn_deliver,
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
	listen_frame_finish(&conn->scan, buf, len, listen_conn_deliver, conn);
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
	size_t			 max = l->cfg->max_connections;

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
	if (l->cfg->idle_timeout_s <= 0)
		return NULL;
	tv->tv_sec = l->cfg->idle_timeout_s;
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
 * Wraps an accepted socket in a server-side OpenSSL bufferevent (the
 * handshake runs as data arrives).  Returns it (it owns fd and the SSL
 * from then on), or NULL, fd still the caller's.
 */
static struct bufferevent *
listen_tls_bev_new(struct listen *l, struct listen_sock *sock, int fd)
{
	struct bufferevent	*bev;
	SSL			*ssl;

	if ((ssl = SSL_new(l->tls_ctx)) == NULL) {
		log_warnx("%s: SSL_new: %s", sock->name, listen_tls_error());
		return NULL;
	}
	bev = bufferevent_openssl_socket_new(l->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* a sender that closes without close_notify still ends a frame */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
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
	if ((bev = listen_tls_bev_new(l, sock, fd)) == NULL) {
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

/* Strips the terminators a sender may leave on a datagram. */
static size_t
listen_dgram_trim(const char *p, size_t len)
{
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\0' ||
	    p[len - 1] == '\r'))
		len--;
	return len;
}

/* The SO_RXQ_OVFL count of one received datagram, when it has one. */
static void
listen_udp_ovfl(struct listen_sock *sock, struct msghdr *msg)
{
#ifdef SO_RXQ_OVFL
	struct cmsghdr		*cm;
	uint32_t		 drops;

	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SO_RXQ_OVFL)
			continue;
		memcpy(&drops, CMSG_DATA(cm), sizeof(drops));
		sock->l->c.udp_kernel_drops += (uint32_t)(drops - sock->ovfl);
		sock->uc->drops[LISTEN_UDP_DROP_KERNEL] +=
		    (uint32_t)(drops - sock->ovfl);
		sock->ovfl = drops;
	}
#else
	(void)sock;
	(void)msg;
#endif
}

/*
 * Reads up to LISTEN_UDP_BUDGET datagrams, l->nbatch per recvmmsg(2)
 * call, and hands each to the frame callback; each loss is counted by
 * reason.  The socket may be closed by the callback (sock->fd -1).
 */
static void
listen_udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_sock	*sock = arg;
	struct listen		*l = sock->l;
	struct msghdr		*msg;
	size_t			 len, want, done = 0, cspace;
	int			 i, n;

	(void)what;
	cspace = CMSG_SPACE(sizeof(uint32_t));
	while (done < LISTEN_UDP_BUDGET && sock->fd != -1) {
		want = LISTEN_UDP_BUDGET - done;
		if (want > l->nbatch)
			want = l->nbatch;
		for (i = 0; i < (int)want; i++) {
			msg = &l->mmsg[i].msg_hdr;
			memset(msg, 0, sizeof(*msg));
			l->iov[i].iov_base = l->dgram + i * (l->max_frame + 1);
			l->iov[i].iov_len = l->max_frame + 1;
			msg->msg_iov = &l->iov[i];
			msg->msg_iovlen = 1;
			msg->msg_control = l->cbuf + i * cspace;
			msg->msg_controllen = cspace;
			l->mmsg[i].msg_len = 0;
		}
		if ((n = recvmmsg(fd, l->mmsg, (unsigned)want, MSG_TRUNC,
		    NULL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				sock->uc->drops[LISTEN_UDP_DROP_ERROR]++;
				log_warn("%s: recvmmsg", sock->name);
			}
			break;
		}
		done += (size_t)n;
		sock->src.now_ms = listen_now_ms(l);
		for (i = 0; i < n && sock->fd != -1; i++) {
			msg = &l->mmsg[i].msg_hdr;
			listen_udp_ovfl(sock, msg);
			len = l->mmsg[i].msg_len;
			if (len > l->max_frame ||
			    (msg->msg_flags & MSG_TRUNC)) {
				l->c.udp_truncated++;
				sock->uc->drops[LISTEN_UDP_DROP_TRUNCATED]++;
				continue;
			}
			if ((len = listen_dgram_trim(l->iov[i].iov_base,
			    len)) == 0) {
				sock->uc->drops[LISTEN_UDP_DROP_EMPTY]++;
				continue;
			}
			sock->uc->datagrams++;
			l->c.frames_udp++;
			l->c.bytes += len;
			l->cb(l->iov[i].iov_base, len, &sock->src, l->arg);
		}
		if ((size_t)n < want)
			break;		/* the socket is empty */
	}
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

/* Asks for cfg->udp_rcvbuf bytes of receive buffer and logs what came. */
static void
listen_udp_rcvbuf(struct listen_sock *sock, size_t want)
{
	socklen_t	 sl;
	int		 sz, got;

	if (want == 0)
		return;
	sz = want > INT_MAX ? INT_MAX : (int)want;
#ifdef SO_RCVBUFFORCE
	if (setsockopt(sock->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
	    sizeof(sz)) == -1)
#endif
		if (setsockopt(sock->fd, SOL_SOCKET, SO_RCVBUF, &sz,
		    sizeof(sz)) == -1)
			log_warn("%s: SO_RCVBUF %d", sock->name, sz);
	sl = sizeof(got);
	if (getsockopt(sock->fd, SOL_SOCKET, SO_RCVBUF, &got, &sl) == 0)
		log_info("%s: receive buffer %d bytes (asked %zu)",
		    sock->name, got, want);
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
 * Gives the newest UDP socket (named already) its entry of l->c.udp: its
 * own while there is room, else the last one, shared as "udp/other".
 */
static void
listen_udp_slot(struct listen *l, struct listen_sock *sock)
{
	size_t		 i = l->nudp - 1;	/* sock is l->udp[i] */
	const char	*name = sock->name;

	if (i >= LISTEN_UDP_NCOUNTED - 1 && l->nudp > LISTEN_UDP_NCOUNTED) {
		i = LISTEN_UDP_NCOUNTED - 1;
		name = "udp/other";
	}
	sock->uc = &l->c.udp[i];
	if (i + 1 > l->c.nudp)
		l->c.nudp = i + 1;
	if ((size_t)snprintf(sock->uc->listener, sizeof(sock->uc->listener),
	    "%s", name) >= sizeof(sock->uc->listener))
		log_warnx("%s: name cut short in the metrics", name);
}

const char *
listen_udp_drop_name(enum listen_udp_drop d)
{
	static const char	*names[LISTEN_UDP_NDROPS] = {
		"truncated", "kernel", "empty", "error"
	};

	return d < LISTEN_UDP_NDROPS ? names[d] : "unknown";
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
	int		 on = 1;

	if (sock->udp) {
		sock->fd = fd;
		listen_udp_slot(l, sock);
		listen_udp_rcvbuf(sock, l->cfg->udp_rcvbuf);
#ifdef SO_RXQ_OVFL
		if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on,
		    sizeof(on)) == -1)
			log_warn("%s: SO_RXQ_OVFL", sock->name);
#else
		(void)on;
#endif
		sock->ev = event_new(l->base, fd, EV_READ | EV_PERSIST,
		    listen_udp_read_cb, sock);
		if (sock->ev == NULL || event_add(sock->ev, NULL) == -1)
			return -1;
		return 0;
	}
	(void)on;
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
		if ((fd = listen_socket(ai, udp, l->cfg->workers > 1)) ==
		    -1) {
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
listen_new(struct event_base *base, const struct config *cfg,
    listen_frame_fn cb, void *arg, char **errstr)
{
	struct listen	*l;
	size_t		 i;

	*errstr = NULL;
	l = xcalloc(1, sizeof(*l));
	l->base = base;
	l->cfg = cfg;
	l->cb = cb;
	l->arg = arg;
	l->max_frame = cfg->max_frame > 0 ? cfg->max_frame :
	    LISTEN_DEFAULT_FRAME;
	TAILQ_INIT(&l->conns);
	l->nbatch = LISTEN_UDP_BATCH_BYTES / (l->max_frame + 1);
	if (l->nbatch > LISTEN_UDP_BATCH)
		l->nbatch = LISTEN_UDP_BATCH;
	if (l->nbatch == 0)
		l->nbatch = 1;
	l->dgram = xreallocarray(NULL, l->nbatch, l->max_frame + 1);
	l->mmsg = xcalloc(l->nbatch, sizeof(*l->mmsg));
	l->iov = xcalloc(l->nbatch, sizeof(*l->iov));
	l->cbuf = xcalloc(l->nbatch, CMSG_SPACE(sizeof(uint32_t)));

	for (i = 0; i < cfg->nlisten_tcp; i++)
		if (listen_bind(l, cfg->listen_tcp[i], false, false,
		    errstr) == -1)
			goto out_free;
	for (i = 0; i < cfg->nlisten_udp; i++)
		if (listen_bind(l, cfg->listen_udp[i], true, false,
		    errstr) == -1)
			goto out_free;
	if (cfg->nlisten_tls > 0 &&
	    (l->tls_ctx = listen_tls_ctx_new(cfg, errstr)) == NULL)
		goto out_free;
	for (i = 0; i < cfg->nlisten_tls; i++)
		if (listen_bind(l, cfg->listen_tls[i], false, true,
		    errstr) == -1)
			goto out_free;
	return l;

out_free:
	listen_free(l);
	return NULL;
}

int
listen_spread_udp(struct listen *l, size_t n)
{
#if defined(__linux__) && defined(SO_ATTACH_REUSEPORT_CBPF) && \
    defined(SKF_AD_RANDOM)
	struct sock_filter	 code[] = {
		/* A = a pseudo-random 32-bit number, new for each datagram */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM)),
		/* A = A % n: the index of a socket in the group */
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, (uint32_t)n),
		BPF_STMT(BPF_RET | BPF_A, 0)
	};
	struct sock_fprog	 prog;
	size_t			 i;
	int			 rc = 0, saved = 0;

	if (n < 2)
		return 0;
	memset(&prog, 0, sizeof(prog));
	prog.len = sizeof(code) / sizeof(code[0]);
	prog.filter = code;
	for (i = 0; i < l->nudp; i++) {
		if (l->udp[i]->fd == -1)
			continue;
		if (setsockopt(l->udp[i]->fd, SOL_SOCKET,
		    SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)) == -1 &&
		    rc == 0) {
			saved = errno;
			rc = -1;
		}
	}
	errno = saved;
	return rc;
#else
	(void)l;
	if (n < 2)
		return 0;
	errno = ENOPROTOOPT;
	return -1;
#endif
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
	free(l->dgram);
	free(l->mmsg);
	free(l->iov);
	free(l->cbuf);
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
listen_reload_tls(struct listen *l, const struct config *cfg, char **errstr)
{
	SSL_CTX	*ctx;

	*errstr = NULL;
	if (l->ntls == 0)
		return 0;
	if ((ctx = listen_tls_ctx_new(cfg, errstr)) == NULL)
		return -1;
	SSL_CTX_free(l->tls_ctx);
	l->tls_ctx = ctx;
	log_info("TLS: certificate %s and key %s loaded", cfg->tls_cert_file,
	    cfg->tls_key_file);
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
