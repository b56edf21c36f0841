/*
 * The fixture of the listen.c tests (test_listen.c, test_listen_tcp.c):
 * an event base, a config, the frames received, loop helpers bounded in
 * count and time, and loopback clients.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef LISTEN_FIXTURE_H
#define LISTEN_FIXTURE_H

#include <sys/types.h>
#include <stdbool.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/options.h"
#include "input/listen.h"


#define MAXFRAMES	64

enum wait_what {
	WAIT_OPEN,			/* conns_open */
	WAIT_REFUSED			/* conns_refused */
};

struct got {
	char		*frame[MAXFRAMES];	/* copies */
	size_t		 len[MAXFRAMES];
	size_t		 n;
	char		 listener[64];		/* of the last frame */
	bool		 udp;			/* of the last frame */
	int64_t		 now_lo, now_hi;	/* of src->now_ms */
	struct listen	*pause_on_frame;	/* pause after each frame */
};

extern struct event_base	*base;
extern struct config		 cfg;
extern struct listen_options	 lopts;	/* from cfg, for listen_new() */
extern struct got		 got;

/* The mixed stream of the split tests and the frames it holds. */
extern const char *const mixed_want[];
extern const size_t	 mixed_len[];
#define MIXED_N	8

void		 listen_fix_setup(void);
void		 listen_fix_teardown(void);
void		 got_clear(void);
void		 got_cb(const char *, size_t, const struct listen_source *,
		    void *);
int64_t		 wall_ms(void);
void		 expect_arrival(int64_t, const char *);
void		 spin(void);
void		 run_for(int);
void		 run_until_frames(size_t);
void		 wait_counter(struct listen *, enum wait_what, uint64_t);
void		 expect_frames_len(const char *const *, const size_t *,
		    size_t, const char *);
void		 expect_frames(const char *const *, size_t, const char *);
size_t		 put_octet(char *, size_t, const char *, size_t);
size_t		 put_raw(char *, size_t, const char *, size_t);
size_t		 mixed_stream(char *);
struct listen	*pair_listen(struct bufferevent **);
void		 counters(struct listen *, struct listen_counters *);
int		 client(int, const char *, int, int);
void		 send_all(int, const char *, size_t);
struct listen	*sock_listen(const char *, const char *);

#endif
