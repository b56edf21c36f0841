/*
 * The fixture of the HEC sink's delivery tests (test_delivery.c,
 * test_delivery_status.c): up to two HEC stand-ins (evhttp on
 * 127.0.0.1, on the sink's event_base) counting each alert they store by
 * its number, a spool directory per test, and loop helpers bounded by
 * event_base_loopexit().
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef DELIVERY_FIXTURE_H
#define DELIVERY_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>

#include "daemon/config.h"
#include "output/sink.h"

#define TOKEN		"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define NALERTS		2000		/* alert numbers we track */
#define NACKS		4096

/* One HEC stand-in. */
struct hec_stub {
	struct evhttp	*http;
	unsigned short	 port;
	size_t		 max_bytes;	/* 413 above, 0 = none */
	long		 invalid_at;	/* global event number refused */
	bool		 acks;		/* answer with ackId */
	int		 ack_never;	/* this ack id never turns true */
	int		 posts, polls, probes;
	size_t		 biggest;	/* largest accepted body */
	char		 channel[64];	/* of the last post */
	bool		 poll_channel_ok; /* every poll named our channel */
	int		 nacks;
};

extern struct event_base *base;
extern struct config	 cfg;
extern struct hec_stub	 stub[2];
extern int		 got[NALERTS];	/* stores per alert number */
extern long		 seen_events;	/* events parsed, all stubs */
extern char		 spooldir[64];
extern bool		 drained;	/* drain_and_wait()'s drain ended */

void		 delivery_fix_init(void);
void		 delivery_fix_fini(void);
void		 stub_reply(struct evhttp_request *, int, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));
void		 stub_cb(struct evhttp_request *, void *);
unsigned short	 stub_start(int, unsigned short);
void		 stub_stop(int);
unsigned short	 dead_port(void);
void		 use_hec(int, const unsigned short *);
void		 use_spool(void);
struct sink	*sink_new_cfg(char **);
struct sink	*new_sink(void);
void		 submit_range(struct sink *, int, int);
void		 drain_and_wait(struct sink *, int, int);
void		 run_for_ms(int);
void		 run_until_got(int, int, int);
void		 expect_got(int, int, int, int);
int		 count_lines(const char *);
void		 expect_latency_count(const struct sink_counters *,
		    uint64_t);

#endif
