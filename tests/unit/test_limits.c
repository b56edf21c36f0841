/*
 * Each configurable limit on what a sender can make the daemon hold, hit
 * on purpose: the limit keys parse and are bounded, a stream with no
 * terminator keeps at most max_frame + 16 bytes buffered, a JSON document
 * longer than max_frame never reaches the decoder, JSON and XML depth,
 * XML size, no entity expansion beyond the predefined entities, keys per
 * detection and one stats byte budget shared by every table.  Connection
 * count, idle time and the EMFILE backoff are in test_listen.c.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include <criterion/criterion.h>

#include "daemon/config.h"
#include "daemon/options.h"
#include "decode/decode.h"
#include "decode/event.h"
#include "input/listen.h"
#include "detect/spl.h"
#include "detect/stats.h"
#include "testref.h"

static struct event_base *base;
static size_t		 nframes;	/* frames delivered */
static char		 last[64];	/* the last one, truncated */

static void
tl_frame_cb(const char *buf, size_t len, const struct listen_source *src,
    void *arg)
{
	(void)src;
	(void)arg;
	nframes++;
	snprintf(last, sizeof(last), "%.*s", (int)len, buf);
}

static void
tl_setup(void)
{
	event_fields_init();
	base = event_base_new();
	cr_assert_not_null(base);
	nframes = 0;
	last[0] = '\0';
}

static void
tl_teardown(void)
{
	event_base_free(base);
}

TestSuite(limits, .init = tl_setup, .fini = tl_teardown, .timeout = 30);

static void
tl_run_for(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Writes text to a temporary config file and parses it into cfg. */
static int
tl_parse(const char *text, struct config *cfg, char **errstr)
{
	char	 path[] = "/tmp/test_limits.XXXXXX";
	int	 fd, rc;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config_init(cfg);
	rc = config_parse_file(path, cfg, errstr);
	unlink(path);
	return rc;
}

Test(limits, keys_parse_and_are_bounded)
{
	struct config	 cfg;
	char		*errstr = NULL;

	cr_assert_eq(tl_parse("max_connections = 3\nmax_frame = 1k\n"
	    "idle_timeout = 2s\nmax_json_depth = 5\nmax_xml_depth = 4\n"
	    "max_xml_bytes = 2k\nmax_keys = 7\nstats_max_bytes = 128k\n",
	    &cfg, &errstr), 0, "%s", errstr);
	cr_expect_eq(cfg.max_connections, 3);
	cr_expect_eq(cfg.max_frame, 1024);
	cr_expect_eq(cfg.idle_timeout_s, 2);
	cr_expect_eq(cfg.max_json_depth, 5);
	cr_expect_eq(cfg.max_xml_depth, 4);
	cr_expect_eq(cfg.max_xml_bytes, 2048);
	cr_expect_eq(cfg.max_keys, 7);
	cr_expect_eq(cfg.stats_max_bytes, 128 * 1024);
	config_free(&cfg);

	cr_expect_eq(tl_parse("max_xml_depth = 0\n", &cfg, &errstr), -1);
	cr_expect_not_null(strstr(errstr, "max_xml_depth"), "%s", errstr);
	free(errstr);
	config_free(&cfg);
	cr_expect_eq(tl_parse("max_xml_bytes = 100\n", &cfg, &errstr), -1);
	free(errstr);
	config_free(&cfg);
	cr_expect_eq(tl_parse("max_frame = 17M\n", &cfg, &errstr), -1);
	free(errstr);
	config_free(&cfg);
}

/* Connects a blocking TCP client to 127.0.0.1:port. */
static int
tl_client(int port)
{
	struct sockaddr_in	 sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_neq(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static struct listen *
tl_listen(struct config *cfg, char *addr)
{
	struct listen_options	 lo;
	struct listen		*l;
	char			*errstr = NULL;
	static char		*tcp[1];

	memset(cfg, 0, sizeof(*cfg));
	tcp[0] = addr;
	cfg->listen_tcp = tcp;
	cfg->nlisten_tcp = 1;
	cfg->max_frame = 512;
	cfg->max_connections = 4;
	l = listen_new(base, options_listen(cfg, &lo), tl_frame_cb, NULL,
	    &errstr);
	cr_assert_not_null(l, "listen_new: %s", errstr);
	return l;
}

Test(limits, connection_buffer_is_bounded_by_max_frame)
{
	struct listen_counters	 c;
	struct config		 cfg;
	struct listen		*l;
	char			 chunk[4096], addr[] = "127.0.0.1:0";
	size_t			 most = 0, b;
	int			 fd, i;

	l = tl_listen(&cfg, addr);
	fd = tl_client(listen_port(l, false, 0));
	cr_assert_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	memset(chunk, 'x', sizeof(chunk));
	/* 256 KiB without a terminator, in bounded steps */
	for (i = 0; i < 64; i++) {
		if (send(fd, chunk, sizeof(chunk), 0) == -1)
			cr_assert(errno == EAGAIN, "send: %s",
			    strerror(errno));
		tl_run_for(5);
		if ((b = listen_buffered(l)) > most)
			most = b;
	}
	cr_assert_eq(fcntl(fd, F_SETFL, 0), 0);
	cr_assert_eq(send(fd, "\nafter\n", 7, 0), 7);
	for (i = 0; i < 100 && nframes == 0; i++) {
		tl_run_for(20);
		if ((b = listen_buffered(l)) > most)
			most = b;
	}
	listen_get_counters(l, &c);
	cr_expect_leq(most, 512 + 16, "buffered %zu bytes", most);
	cr_expect_geq(c.oversize, 1);
	cr_expect_eq(nframes, 1);
	cr_expect_str_eq(last, "after");
	cr_expect_eq(c.conns_open, 1, "the sender stays connected");
	close(fd);
	listen_free(l);
}

Test(limits, json_longer_than_max_frame_is_skipped)
{
	struct listen_counters	 c;
	struct config		 cfg;
	struct listen		*l;
	char			 doc[700], addr[] = "127.0.0.1:0";
	int			 fd, n, i;

	l = tl_listen(&cfg, addr);
	fd = tl_client(listen_port(l, false, 0));
	n = snprintf(doc, sizeof(doc), "600 {\"EventID\":3,\"Image\":\"");
	while (n < 4 + 600 - 2)
		doc[n++] = 'a';
	doc[n++] = '"';
	doc[n++] = '}';
	cr_assert_eq(send(fd, doc, n, 0), n);
	cr_assert_eq(send(fd, "5 {\"a\"}", 7, 0), 7);
	for (i = 0; i < 100 && nframes == 0; i++)
		tl_run_for(20);
	listen_get_counters(l, &c);
	cr_expect_eq(c.oversize, 1);
	cr_expect_eq(nframes, 1, "only the short document");
	cr_expect_str_eq(last, "{\"a\"}");
	close(fd);
	listen_free(l);
}

/* A string of depth nested arrays around a value. */
static char *
tl_nested_json(int depth)
{
	char	*s;
	int	 i, n = 0;

	s = malloc(2 * depth + 64);
	cr_assert_not_null(s);
	n += sprintf(s, "{\"EventID\":3,\"x\":");
	for (i = 1; i < depth; i++)
		s[n++] = '[';
	s[n++] = '1';
	for (i = 1; i < depth; i++)
		s[n++] = ']';
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

Test(limits, json_depth)
{
	struct decode_limits	 lim = { .max_depth = 8 };
	struct event		 ev;
	char			*deep, *ok;

	event_init(&ev, 8192);
	deep = tl_nested_json(9);
	ok = tl_nested_json(8);
	cr_expect_eq(decode_payload(testref_dc(), deep, strlen(deep), &lim,
	    &ev),
	    DECODE_ERR_JSON_DEPTH);
	event_reset(&ev);
	cr_expect_neq(decode_payload(testref_dc(), ok, strlen(ok), &lim, &ev),
	    DECODE_ERR_JSON_DEPTH);
	free(deep);
	free(ok);
	event_clear(&ev);
}

#define TL_XML_HEAD "<Event><System><Provider Name='Microsoft-Windows-Sysmon'/>" \
	"<EventID>3</EventID><Computer>ws1</Computer></System><EventData>"
#define TL_XML_TAIL "</EventData></Event>"

Test(limits, xml_depth)
{
	struct decode_limits	 lim = { .max_depth = 64, .max_xml_depth = 4 };
	struct event		 ev;
	static const char	 deep[] = TL_XML_HEAD
	    "<Data Name='Image'><a><b>x</b></a></Data>" TL_XML_TAIL;
	static const char	 flat[] = TL_XML_HEAD
	    "<Data Name='Image'>x</Data>" TL_XML_TAIL;

	event_init(&ev, 8192);
	cr_expect_eq(decode_payload(testref_dc(), deep, strlen(deep), &lim,
	    &ev),
	    DECODE_ERR_XML_LIMIT);
	event_reset(&ev);
	cr_expect_eq(decode_payload(testref_dc(), flat, strlen(flat), &lim,
	    &ev),
	    DECODE_OK);
	/* 0 falls back to max_depth */
	lim.max_xml_depth = 0;
	lim.max_depth = 2;
	event_reset(&ev);
	cr_expect_eq(decode_payload(testref_dc(), flat, strlen(flat), &lim,
	    &ev),
	    DECODE_ERR_XML_LIMIT);
	event_clear(&ev);
}

Test(limits, xml_size)
{
	struct decode_limits	 lim = { .max_depth = 64 };
	struct event		 ev;
	char			 doc[2048];
	int			 n;

	n = snprintf(doc, sizeof(doc), "%s<Data Name='Image'>%0600d</Data>%s",
	    TL_XML_HEAD, 7, TL_XML_TAIL);
	event_init(&ev, 8192);
	lim.max_xml_bytes = (size_t)n - 1;
	cr_expect_eq(decode_payload(testref_dc(), doc, n, &lim, &ev),
	    DECODE_ERR_XML_LIMIT);
	lim.max_xml_bytes = (size_t)n;
	event_reset(&ev);
	cr_expect_eq(decode_payload(testref_dc(), doc, n, &lim, &ev),
	    DECODE_OK);
	event_clear(&ev);
}

Test(limits, xml_expands_only_predefined_entities)
{
	struct decode_limits	 lim = { .max_depth = 64, .max_xml_bytes = 4096 };
	struct event		 ev;
	const char		*v;
	size_t			 len;
	static const char	 laughs[] =
	    "<?xml version='1.0'?><!DOCTYPE Event [<!ENTITY a 'aaaaaaaaaa'>"
	    "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
	    "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>" TL_XML_HEAD
	    "<Data Name='Image'>&c;&c;&c;</Data>" TL_XML_TAIL;
	static const char	 external[] =
	    "<!DOCTYPE Event [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
	    TL_XML_HEAD "<Data Name='Image'>&x;</Data>" TL_XML_TAIL;
	static const char	 undeclared[] = TL_XML_HEAD
	    "<Data Name='Image'>&x;</Data>" TL_XML_TAIL;
	static const char	 predefined[] = TL_XML_HEAD
	    "<Data Name='Image'>C:\\a&lt;&amp;&#65;&#x42;.exe</Data>"
	    TL_XML_TAIL;

	event_init(&ev, 8192);
	cr_expect_eq(decode_payload(testref_dc(), laughs, strlen(laughs), &lim,
	    &ev),
	    DECODE_ERR_XML_LIMIT);
	event_reset(&ev);
	cr_expect_eq(decode_payload(testref_dc(), external, strlen(external),
	    &lim, &ev),
	    DECODE_ERR_XML_LIMIT);
	event_reset(&ev);
	cr_expect_neq(decode_payload(testref_dc(), undeclared,
	    strlen(undeclared), &lim,
	    &ev), DECODE_OK);
	event_reset(&ev);
	cr_assert_eq(decode_payload(testref_dc(), predefined,
	    strlen(predefined), &lim,
	    &ev), DECODE_OK);
	cr_assert(event_get(&ev, EVENT_F_IMAGE, &v, &len));
	cr_expect(len == 12 && memcmp(v, "C:\\a<&AB.exe", len) == 0,
	    "Image is %.*s", (int)len, v);
	event_clear(&ev);
}

/* stats: count by Image, unique key per event. */
static struct spl_agg	 tl_aggs[1];
static int		 tl_by[1];
static struct spl_stats	 tl_spec;
static size_t		 tl_rows;

static void
tl_row_cb(const struct stats_row *row, void *arg)
{
	(void)row;
	(void)arg;
	tl_rows++;
}

static void
tl_stats_init(struct stats_opts *o, size_t max_keys, size_t max_bytes)
{
	tl_aggs[0] = (struct spl_agg){ SPL_AGG_COUNT, -1,
	    event_field_intern("count", 5) };
	tl_by[0] = EVENT_F_IMAGE;
	tl_spec.nagg = 1;
	tl_spec.agg = tl_aggs;
	tl_spec.nby = 1;
	tl_spec.by = tl_by;
	memset(o, 0, sizeof(*o));
	o->window_s = 60;
	o->max_keys = max_keys;
	o->max_bytes = max_bytes;
	o->seed[0] = 1;
	o->seed[1] = 2;
	tl_rows = 0;
}

static void
tl_unique_event(struct event *ev, int i)
{
	char	 img[64];
	int	 n;

	n = snprintf(img, sizeof(img), "C:\\Temp\\flood-%08d.exe", i);
	event_reset(ev);
	event_set(ev, EVENT_F_IMAGE, img, n);
	ev->time_ms = 1000;
}

Test(limits, keys_per_detection)
{
	struct stats_counters	 c;
	struct stats_opts	 o;
	struct stats_table	*t;
	struct event		 ev;
	int			 i;

	tl_stats_init(&o, 10, 1 << 20);
	t = stats_new(&tl_spec, &o, tl_row_cb, NULL);
	event_init(&ev, 1024);
	for (i = 0; i < 1000; i++) {
		tl_unique_event(&ev, i);
		stats_add(t, &ev, 1000);
		stats_get_counters(t, &c);
		cr_assert_leq(c.keys, 10);
	}
	cr_expect_eq(c.early, 990);
	cr_expect_eq(tl_rows, 990);
	stats_free(t);
	event_clear(&ev);
}

Test(limits, one_stats_budget_over_all_tables)
{
	struct stats_counters	 ca, cb;
	struct stats_opts	 o;
	struct stats_table	*a, *b;
	struct event		 ev;
	size_t			 shared = 0, row;
	int			 i;

	/* each row: its key, 1 + 4 + 26 bytes (no host, no value) */
	row = 31;
	tl_stats_init(&o, 100000, 20 * row);
	o.shared_bytes = &shared;
	a = stats_new(&tl_spec, &o, tl_row_cb, NULL);
	b = stats_new(&tl_spec, &o, tl_row_cb, NULL);
	event_init(&ev, 1024);
	for (i = 0; i < 1000; i++) {
		tl_unique_event(&ev, i);
		stats_add(a, &ev, 1000);
		stats_get_counters(a, &ca);
		stats_get_counters(b, &cb);
		cr_assert_eq(shared, ca.bytes + cb.bytes);
		cr_assert_leq(shared, 20 * row);
	}
	cr_expect_eq(ca.keys, 20, "a fills the whole budget");
	/* b gets its rows even though a holds the budget: a yields */
	for (i = 0; i < 10; i++) {
		tl_unique_event(&ev, 5000 + i);
		stats_add(b, &ev, 1000);
		tl_unique_event(&ev, 9000 + i);
		stats_add(a, &ev, 1000);
		stats_get_counters(a, &ca);
		stats_get_counters(b, &cb);
		cr_assert_eq(shared, ca.bytes + cb.bytes);
		cr_assert_leq(shared, 20 * row + row, "one row over at most");
	}
	cr_expect_geq(cb.keys, 1);
	cr_expect_eq(ca.keys + cb.keys, 20);
	stats_free(a);
	stats_get_counters(b, &cb);
	cr_expect_eq(shared, cb.bytes, "a's bytes are released");
	stats_free(b);
	cr_expect_eq(shared, 0);
	event_clear(&ev);
}
