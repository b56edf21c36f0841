/*
 * UDP listeners: one datagram is one message (RFC 5426).  Each socket is
 * read with recvmmsg(2), up to 32 datagrams a call (fewer when max_frame
 * is large: about 4 MiB of buffers), until EAGAIN or 256 datagrams a
 * callback; truncated, empty and kernel-dropped datagrams are counted by
 * socket and reason.  With workers > 1 every worker binds the same
 * addresses with SO_REUSEPORT, and listen_spread_udp() attaches a
 * classic BPF program to each group that picks a socket at random per
 * datagram.  Binding is listen.c's.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifdef __linux__
#include <linux/filter.h>
#endif

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "input/listen_int.h"
#include "log.h"
#include "xmalloc.h"

#define LISTEN_UDP_BUDGET	256	/* datagrams per read callback */
#define LISTEN_UDP_BATCH	32	/* datagrams per recvmmsg(2) call */
#define LISTEN_UDP_BATCH_BYTES	(4 * 1024 * 1024) /* fewer when frames
					   are long: max_frame + 1 each */

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

/* Asks for want bytes of receive buffer and logs what came. */
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

void
listen_udp_init(struct listen *l)
{
	l->nbatch = LISTEN_UDP_BATCH_BYTES / (l->max_frame + 1);
	if (l->nbatch > LISTEN_UDP_BATCH)
		l->nbatch = LISTEN_UDP_BATCH;
	if (l->nbatch == 0)
		l->nbatch = 1;
	l->dgram = xreallocarray(NULL, l->nbatch, l->max_frame + 1);
	l->mmsg = xcalloc(l->nbatch, sizeof(*l->mmsg));
	l->iov = xcalloc(l->nbatch, sizeof(*l->iov));
	l->cbuf = xcalloc(l->nbatch, CMSG_SPACE(sizeof(uint32_t)));
}

void
listen_udp_clear(struct listen *l)
{
	free(l->dgram);
	free(l->mmsg);
	free(l->iov);
	free(l->cbuf);
}

int
listen_udp_start(struct listen *l, struct listen_sock *sock, int fd)
{
	int		 on = 1;

	sock->fd = fd;
	listen_udp_slot(l, sock);
	listen_udp_rcvbuf(sock, l->udp_rcvbuf);
#ifdef SO_RXQ_OVFL
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) == -1)
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
