/*
 * RFC 6587 framing of one TCP stream into syslog messages, decided per
 * frame: octet counting ("MSG-LEN SP MSG", section 3.4.1) when a frame
 * starts with a digit, else non-transparent framing (section 3.4.2: up
 * to LF or NUL, a CR before it dropped).  Pure: no sockets, no libevent,
 * no allocation; listen.c and the fuzzer feed it bytes.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef HECSENTRY_FRAMING_H
#define HECSENTRY_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAMING_LEN_DIGITS	10	/* RFC 6587 MSG-LEN, at most */

/*
 * The framing state of one stream, the same for every path (plain TCP
 * frames in place, bufferevents pull up their input) and for the fuzzer.
 * Zero it and set max_frame to start a stream; oversize counts the
 * frames over max_frame skipped (the caller may reset it).
 */
struct framing {
	size_t		 max_frame;	/* bytes */
	size_t		 skip;		/* bytes left of an oversize frame */
	size_t		 scanned;	/* bytes known to hold no LF/NUL */
	bool		 discard;	/* oversize line: drop through LF */
	uint64_t	 oversize;	/* frames over max_frame, skipped */
};

/* Gets every non-empty frame, borrowed; nonzero stops the scan after it. */
typedef int	(*framing_fn)(const char *buf, size_t len, void *arg);

/*
 * Cuts the complete frames out of buf[0..len), the bytes of the stream
 * from where the previous call stopped: octet counting (at most
 * FRAMING_LEN_DIGITS digits) when a frame starts with a digit, else up
 * to LF or NUL with a CR before it dropped; frames over st->max_frame
 * are counted and skipped (octet counting: the whole frame; LF: through
 * the next LF).  Sets *used to the bytes consumed: the caller drops them
 * and appends new bytes to the rest (under max_frame + 12 bytes unless
 * cb stopped the scan) for the next call.  Returns 0, or -1 on a bad
 * length prefix (*used is where it starts; the stream cannot be
 * resynchronised).
 */
int		 framing_scan(struct framing *st, const char *buf, size_t len,
		    framing_fn cb, void *arg, size_t *used);

/*
 * At the end of the stream: hands on buf[0..len), what the last
 * framing_scan() left, when it is an unterminated LF frame (an
 * incomplete octet-counted frame is dropped).
 */
void		 framing_finish(struct framing *st, const char *buf,
		    size_t len, framing_fn cb, void *arg);

#endif /* HECSENTRY_FRAMING_H */
