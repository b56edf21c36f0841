/*
 * hecsentry-gen's shared parts: the event being built and the random
 * source of gen.c, the field helpers and event builder of gen_event.c,
 * the renderers of gen_render.c, and the library mix of gen_library.c
 * (--mix library: the event ids and the hits of issue 13).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#define GEN_MAX_KV	40		/* EventData fields per event */
#define GEN_STORE	8192		/* bytes of values per event */
#define GEN_NHOSTS	200		/* workstations sending non-hits */

#define GEN_PICK(a)	((a)[gen_below(sizeof(a) / sizeof((a)[0]))])
#define GEN_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define GEN_HIT_LIBRARY	3		/* gen_event.hit of a library hit */

/* One Sysmon event before it is rendered in a shape. */
struct gen_event {
	int		 id;		/* Sysmon event id */
	int		 hit;		/* 0, 1 mail, 2 ftp, GEN_HIT_LIBRARY */
	int64_t		 ms;		/* event time, epoch ms */
	unsigned	 record;	/* EventRecordID */
	unsigned	 exec_pid;	/* Sysmon's own process id */
	unsigned	 exec_tid;	/* and thread id */
	char		 computer[64];	/* FQDN */
	char		 host[32];	/* short name, for the header */
	unsigned	 hostno;	/* ws-NNNN */
	int		 nkv;
	const char	*k[GEN_MAX_KV];	/* EventData names, static */
	char		*v[GEN_MAX_KV];	/* values, in store */
	char		 store[GEN_STORE];
	size_t		 used;		/* bytes of store in use */
};

/* The payload shapes of SPEC 2 (gen_render.c writes each). */
enum gen_shape {
	GEN_SHAPE_WINLOGBEAT = 0,
	GEN_SHAPE_ECS,
	GEN_SHAPE_NXLOG,
	GEN_SHAPE_FLAT,
	GEN_SHAPE_XML,
	GEN_NSHAPES,
	GEN_SHAPE_MIX = GEN_NSHAPES
};

/* A growable byte buffer. */
struct gen_buf {
	char		*p;
	size_t		 len;
	size_t		 cap;
};

/* An event id and its weight in a mix. */
struct gen_weight {
	int	 id;
	int	 weight;
};

/* gen.c: the stream's random numbers (splitmix64, seeded by --seed). */
uint64_t	 gen_rand(void);
unsigned	 gen_below(unsigned n);
/* gen.c: an id of mix[0..n-1], whose weights add up to total. */
int		 gen_pick_weighted(const struct gen_weight *mix, size_t n,
		    unsigned total);

/* gen.c: retrying an event that came out too long (shorter values). */
extern int	 gen_short;
/* gen.c: how many hosts the hit keys are spread over (--hit-hosts). */
extern unsigned	 gen_hit_hosts;

/* gen_event.c: appends field k (a static string) with a formatted value. */
void		 ev_add(struct gen_event *ev, const char *k, const char *fmt,
		    ...) __attribute__((__format__ (printf, 3, 4)));
/* gen_event.c: "2026-11-28 08:00:00.123", or ISO 8601 with Z when iso. */
void		 gen_time(int64_t ms, int iso, char *out, size_t outsz);
void		 gen_guid(char *out, size_t outsz);
void		 gen_hashes(struct gen_event *ev);
/* gen_event.c: a benign image path, %USERPROFILE% expanded for user. */
void		 gen_image(const char *user, char *out, size_t outsz);
void		 gen_public_ip(char *out, size_t outsz);
/* gen_event.c: RuleName, UtcTime, ProcessGuid, ProcessId and Image. */
void		 gen_common(struct gen_event *ev, const char *image,
		    const char *user, char *pguid, size_t pguidsz,
		    unsigned *pid);
/*
 * gen_event.c: fills ev as an event of id, a hit (1 mail, 2 ftp) or not
 * (0); hitno counts hits so far, nkeys bounds their keys; shorter asks
 * for the shortest variants (after a too-long rendering).
 */
void		 gen_event_fill(struct gen_event *ev, int id, int hit,
		    unsigned long nkeys, unsigned long hitno, int shorter);

/* gen_render.c: appends n bytes of s, or formatted text, to b. */
void		 buf_add(struct gen_buf *b, const char *s, size_t n);
void		 buf_addf(struct gen_buf *b, const char *fmt, ...)
		    __attribute__((__format__ (printf, 2, 3)));
/*
 * gen_render.c: ev in shape behind an RFC 5424 header, framed (octet
 * counting when octet, else LF), into b; msg is scratch.  Both cleared
 * first.
 */
void		 render_frame(struct gen_buf *b, struct gen_buf *msg,
		    const struct gen_event *ev, enum gen_shape shape,
		    int octet);

/* gen_library.c: non-zero with --mix library. */
extern int	 gen_library;
void		 gen_lib_net_image(char *, size_t, unsigned);

/* An event id of the library mix (issue 13, item 1). */
int		 gen_lib_pick_id(void);
/* The GrantedAccess of a benign process access (id 10). */
const char	*gen_lib_access_rights(void);
/* A process of the Windows directory (ids 7 and 8). */
const char	*gen_lib_system_image(void);
/* Fills the events only the library mix has: 8, 17, 18. */
void		 gen_lib_fill(struct gen_event *ev, const char *domuser,
		    const char *user);
/* The TargetImage of a benign process access (id 10). */
const char	*gen_lib_access_target(void);
/* The hit templates: how many, the event id and name of number t. */
size_t		 gen_lib_nhits(void);
int		 gen_lib_hit_id(size_t t);
const char	*gen_lib_hit_name(size_t t);
/* Turns ev (filled as a benign event of gen_lib_hit_id(t)) into hit t. */
void		 gen_lib_hit(struct gen_event *ev, size_t t);

#endif /* BENCH_GEN_H */
