/*
 * Tests of the benchmark tools, run as programs (from $BENCHBIN, default
 * "bench"): the generator is deterministic, keeps frames within 0.6-1.9
 * KB, writes valid JSON/XML behind RFC 5424 headers in LF and octet
 * framing, and its hits are exactly the events the two shipped
 * detections match, over exactly --keys stats keys; the baseline counts
 * every frame that hecsentry-send sends over several TCP connections and
 * over UDP; hecsentry-send --wait returns only once the receiver has read
 * everything and closed, and fails when it does not close; and, the
 * premise of run.sh's fleet scenario, hecsentry with two workers gives
 * each of them half of 16 connections.  Network: 127.0.0.1 only, every
 * wait bounded.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <json-c/json.h>

static char	 tdir[64];		/* per-test scratch directory */

static const char *
bench_bin(void)
{
	const char	*d = getenv("BENCHBIN");

	return d != NULL ? d : "bench";
}

static void
bench_setup(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/hecsentry-bench-test.XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void
bench_teardown(void)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	(void)system(cmd);
}

TestSuite(bench, .init = bench_setup, .fini = bench_teardown, .timeout = 60);

/* Runs hecsentry-gen with args into path; returns its stderr summary. */
static char *
bench_gen(const char *args, const char *path)
{
	char	 cmd[512], *sum;
	FILE	*f;
	size_t	 n;

	snprintf(cmd, sizeof(cmd), "%s/hecsentry-gen %s -o %s 2>%s.sum",
	    bench_bin(), args, path, path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "%s.sum", path);
	cr_assert_not_null(f = fopen(cmd, "r"));
	sum = calloc(1, 4096);
	n = fread(sum, 1, 4095, f);
	sum[n] = '\0';
	fclose(f);
	return sum;
}

static char *
bench_slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 sz;

	cr_assert_not_null(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)sz + 1);
	cr_assert_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	buf[sz] = '\0';
	fclose(f);
	*len = (size_t)sz;
	return buf;
}

/*
 * Next frame of buf at *pos: sets *msg and *mlen to the syslog message and
 * returns 1 (octet), 0 (LF), or -1 at the end.
 */
static int
bench_next(const char *buf, size_t len, size_t *pos, const char **msg,
    size_t *mlen)
{
	const char	*p = buf + *pos, *lf;
	size_t		 n = 0, i = 0;

	if (*pos >= len)
		return -1;
	while (isdigit((unsigned char)p[i]))
		n = n * 10 + (size_t)(p[i++] - '0');
	if (i > 0 && p[i] == ' ') {
		*msg = p + i + 1;
		*mlen = n;
		*pos += i + 1 + n;
		return 1;
	}
	lf = memchr(p, '\n', len - *pos);
	cr_assert_not_null(lf, "last LF frame has no LF");
	*msg = p;
	*mlen = (size_t)(lf - p);
	*pos += *mlen + 1;
	return 0;
}

static const char *
bench_jstr(struct json_object *o, const char *a, const char *b)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b != NULL && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return json_object_get_string(v);
}

/* Case-insensitive "does s contain needle". */
static int
bench_has(const char *s, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

static int
bench_ends(const char *s, const char *suffix)
{
	size_t	 a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

Test(bench, gen_is_deterministic_for_a_seed)
{
	char	 a[128], b[128], c[128], cmd[512];
	char	*s;

	snprintf(a, sizeof(a), "%s/a", tdir);
	snprintf(b, sizeof(b), "%s/b", tdir);
	snprintf(c, sizeof(c), "%s/c", tdir);
	free(bench_gen("-n 3000 --shape mix --framing mix --seed 7", a));
	free(bench_gen("-n 3000 --shape mix --framing mix --seed 7", b));
	s = bench_gen("-n 3000 --shape mix --framing mix --seed 8", c);
	free(s);
	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", a, b);
	cr_assert_eq(system(cmd), 0, "same seed, different output");
	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", a, c);
	cr_assert_neq(system(cmd), 0, "different seeds, same output");
}

/* Count of needle in the n bytes of buf. */
static size_t
bench_count(const char *buf, size_t n, const char *needle)
{
	const char	*p = buf, *e = buf + n;
	size_t		 k = 0, len = strlen(needle);

	while ((p = memmem(p, (size_t)(e - p), needle, len)) != NULL) {
		k++;
		p += len;
	}
	return k;
}

/*
 * --mix library, one seed: the same events in Winlogbeat JSON and in
 * XmlWinEventLog (the scenario compares their alerts).  An event too long
 * in XML is made shorter in every shape: a process creation's shortest
 * variant is one of a few short benign programs, SnippingTool.exe among
 * them, which no longer variant names (10x as many in XML as in JSON
 * before).
 */
Test(bench, gen_library_gives_the_same_events_in_every_shape)
{
	char	 a[128], b[128];
	char	*ja, *xa;
	size_t	 jn, xn;

	snprintf(a, sizeof(a), "%s/j", tdir);
	snprintf(b, sizeof(b), "%s/x", tdir);
	free(bench_gen("-n 3000 --mix library --shape winlogbeat "
	    "--framing lf --hits 0.01 --seed 4", a));
	free(bench_gen("-n 3000 --mix library --shape xml "
	    "--framing lf --hits 0.01 --seed 4", b));
	ja = bench_slurp(a, &jn);
	xa = bench_slurp(b, &xn);
	cr_assert_gt(bench_count(xa, xn, "SnippingTool.exe"), 0);
	cr_assert_eq(bench_count(ja, jn, "SnippingTool.exe"),
	    bench_count(xa, xn, "SnippingTool.exe"));
	free(ja);
	free(xa);
}

Test(bench, gen_frames_are_sized_framed_and_well_formed)
{
	static const char *const shapes[] = {
		"winlogbeat", "ecs", "nxlog", "flat", "xml"
	};
	struct json_tokener	*tok;
	struct json_object	*o;
	const char		*msg, *body;
	char			 path[128], args[128];
	char			*buf, *sum;
	size_t			 len, pos, mlen, i, frames, octet;
	int			 r;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tdir, shapes[i]);
		snprintf(args, sizeof(args),
		    "-n 2000 --shape %s --framing mix", shapes[i]);
		sum = bench_gen(args, path);
		cr_assert(strstr(sum, "outside 600..1900: 0") != NULL, "%s",
		    sum);
		free(sum);
		buf = bench_slurp(path, &len);
		tok = json_tokener_new();
		pos = frames = octet = 0;
		while ((r = bench_next(buf, len, &pos, &msg, &mlen)) != -1) {
			frames++;
			octet += (size_t)r;
			cr_assert(mlen >= 590 && mlen <= 1900, "size %zu",
			    mlen);
			cr_assert(strncmp(msg, "<14>1 2026-11-28T", 17) == 0);
			body = strstr(msg, " - - - ");
			cr_assert(body != NULL && body < msg + mlen);
			body += 7;
			cr_assert_null(memchr(msg, '\n', mlen));
			if (strcmp(shapes[i], "xml") == 0) {
				cr_assert(strncmp(body, "<Event xmlns=", 13) ==
				    0);
				cr_assert(strncmp(msg + mlen - 8, "</Event>",
				    8) == 0);
				continue;
			}
			json_tokener_reset(tok);
			o = json_tokener_parse_ex(tok, body,
			    (int)(msg + mlen - body));
			cr_assert_not_null(o, "%s frame %zu: bad JSON",
			    shapes[i], frames);
			json_object_put(o);
		}
		json_tokener_free(tok);
		free(buf);
		cr_assert_eq(frames, 2000);
		cr_assert(octet > 800 && octet < 1200, "octet %zu", octet);
	}
}

/*
 * --mix library: the shares of issue 13 item 1 by event id (1 25%, 3 20%,
 * 7 15%, 10 10%, 11 10%, 12/13 10%, 22 5%, the rest 5%), frames of
 * 0.6-1.9 KB, 0.1% hits spread over the templates, and no benign process
 * access or remote thread targeting lsass.exe: only the lsass hits do.
 */
/* Within 1.5 percentage points. */
static int
bench_near(double got, double want)
{
	return got - want < 1.5 && want - got < 1.5;
}

Test(bench, gen_library_mix_has_the_shares_of_issue_13)
{
	static const struct {
		int	 lo, hi;	/* event ids */
		double	 want;		/* percent */
	} share[] = {
		{ 1, 1, 25 }, { 3, 3, 20 }, { 7, 7, 15 }, { 10, 10, 10 },
		{ 11, 11, 10 }, { 12, 13, 10 }, { 22, 22, 5 }
	};
	const char	*msg, *p;
	char		 path[128];
	char		*buf, *sum;
	size_t		 len, pos, mlen, i, frames = 0, lsass = 0;
	size_t		 n[32] = { 0 }, in = 0;
	int		 id;

	snprintf(path, sizeof(path), "%s/lib", tdir);
	sum = bench_gen("-n 20000 --mix library --shape winlogbeat "
	    "--hits 0.001", path);
	cr_assert(strstr(sum, "outside 600..1900: 0") != NULL, "%s", sum);
	cr_assert(strstr(sum, "hits 20 (library)") != NULL, "%s", sum);
	free(sum);
	buf = bench_slurp(path, &len);
	pos = 0;
	while (bench_next(buf, len, &pos, &msg, &mlen) != -1) {
		frames++;
		p = strstr(msg, "\"event_id\":\"");
		cr_assert(p != NULL && p < msg + mlen);
		id = atoi(p + 12);
		cr_assert(id > 0 && id < 32, "event id %d", id);
		n[id]++;
		p = strstr(msg, "\"TargetImage\":"
		    "\"C:\\\\Windows\\\\system32\\\\lsass.exe\"");
		if (p != NULL && p < msg + mlen)
			lsass++;
	}
	free(buf);
	cr_assert_eq(frames, 20000);
	for (i = 0; i < sizeof(share) / sizeof(share[0]); i++) {
		size_t	 c = 0;

		for (id = share[i].lo; id <= share[i].hi; id++)
			c += n[id];
		in += c;
		cr_assert(bench_near(100.0 * (double)c / 20000,
		    share[i].want), "ids %d-%d: %zu of 20000, want %.0f%%", share[i].lo,
		    share[i].hi, c, share[i].want);
	}
	cr_assert(bench_near(100.0 * (double)(20000 - in) / 20000, 5),
	    "the rest: %zu", 20000 - in);
	/* 20 hits over 10 templates: 2 reach lsass by process access
	 * and 2 by a remote thread. */
	cr_assert_eq(lsass, 4, "%zu events target lsass.exe", lsass);
}

/*
 * The generator's hits are the events the two shipped detections match
 * (SPEC 1, evaluated here on the Winlogbeat fields), and they use
 * exactly --keys distinct by-field tuples.
 */
Test(bench, gen_hits_match_the_detections_over_keys)
{
	struct json_object	*o, *ed;
	const char		*msg, *body, *img, *port, *pname, *code;
	char			 path[128], key[1024];
	char			*buf, *sum, **keys;
	size_t			 len, pos = 0, mlen, nkeys = 0, k;
	int			 mail, ftp, hits = 0, ids3 = 0, n = 0;

	snprintf(path, sizeof(path), "%s/w", tdir);
	sum = bench_gen("-n 20000 --hits 0.01 --keys 37 --seed 3", path);
	cr_assert(strstr(sum, "hits 200 ") != NULL, "%s", sum);
	cr_assert(strstr(sum, "distinct keys 37") != NULL, "%s", sum);
	free(sum);
	keys = calloc(1000, sizeof(*keys));
	buf = bench_slurp(path, &len);
	while (bench_next(buf, len, &pos, &msg, &mlen) != -1) {
		n++;
		body = strstr(msg, " - - - ") + 7;
		o = json_tokener_parse(body);
		cr_assert_not_null(o);
		code = bench_jstr(o, "winlog", "event_id");
		cr_assert_not_null(code);
		cr_assert(json_object_object_get_ex(o, "winlog", &ed));
		cr_assert(json_object_object_get_ex(ed, "event_data", &ed));
		if (strcmp(code, "3") != 0) {
			json_object_put(o);
			continue;
		}
		ids3++;
		img = bench_jstr(ed, "Image", NULL);
		port = bench_jstr(ed, "DestinationPort", NULL);
		pname = bench_jstr(ed, "DestinationPortName", NULL);
		cr_assert(img != NULL && port != NULL && pname != NULL);
		mail = !bench_has(img, "\\program files") &&
		    !bench_ends(img, "\\thunderbird.exe") &&
		    !bench_ends(img, "\\outlook.exe") &&
		    (strcasecmp(pname, "smtp") == 0 ||
		    strcmp(port, "25") == 0 || strcmp(port, "587") == 0);
		ftp = !bench_has(img, "\\program files") &&
		    !bench_has(img, "\\windows\\system32\\") &&
		    !bench_has(img, "\\windows\\syswow64\\") &&
		    (strcasecmp(pname, "ftp") == 0 || strcmp(port, "21") == 0);
		if (mail || ftp) {
			hits++;
			snprintf(key, sizeof(key), "%s|%s|%s|%s|%s|%s|%s",
			    img, port, pname,
			    bench_jstr(ed, "DestinationHostname", NULL),
			    bench_jstr(ed, "SourcePort", NULL),
			    bench_jstr(ed, "DestinationIp", NULL),
			    bench_jstr(ed, "User", NULL));
			for (k = 0; k < nkeys; k++)
				if (strcmp(keys[k], key) == 0)
					break;
			if (k == nkeys) {
				cr_assert_lt(nkeys, 1000);
				keys[nkeys++] = strdup(key);
			}
		}
		json_object_put(o);
	}
	cr_assert_eq(n, 20000);
	cr_assert_eq(hits, 200, "detections match %d events", hits);
	cr_assert_eq(nkeys, 37);
	/* 26% network events as issue 4 measured, give or take. */
	cr_assert(ids3 > 20000 * 24 / 100 && ids3 < 20000 * 29 / 100,
	    "id 3: %d", ids3);
	for (k = 0; k < nkeys; k++)
		free(keys[k]);
	free(keys);
	free(buf);
}

/* Starts the baseline on an ephemeral port; returns its pid and port. */
static pid_t
bench_start_baseline(const char *extra, const char *out, const char *err,
    int *port)
{
	char		 cmd[512], line[256];
	FILE		*f;
	pid_t		 pid;
	int		 i;

	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		snprintf(cmd, sizeof(cmd), "exec %s/hecsentry-baseline "
		    "-t 127.0.0.1:0 --idle 10000 %s >%s 2>%s", bench_bin(),
		    extra, out, err);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	*port = 0;
	for (i = 0; i < 200 && *port == 0; i++) {
		usleep(20000);
		if ((f = fopen(err, "r")) == NULL)
			continue;
		if (fgets(line, sizeof(line), f) != NULL)
			(void)sscanf(line, "hecsentry-baseline: listening tcp "
			    "127.0.0.1:%d", port);
		fclose(f);
	}
	cr_assert_gt(*port, 0, "baseline did not start");
	return pid;
}

static int
bench_wait(pid_t pid)
{
	int	 status, i;

	for (i = 0; i < 1000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static unsigned long long
bench_out_frames(const char *out)
{
	unsigned long long	 n = 0;
	FILE			*f;

	cr_assert_not_null(f = fopen(out, "r"));
	cr_assert_eq(fscanf(f, "frames %llu", &n), 1);
	fclose(f);
	return n;
}

Test(bench, baseline_counts_every_frame_sent_over_tcp)
{
	char		 path[128], out[128], err[128], cmd[512];
	pid_t		 pid;
	int		 port;

	snprintf(path, sizeof(path), "%s/m", tdir);
	snprintf(out, sizeof(out), "%s/out", tdir);
	snprintf(err, sizeof(err), "%s/err", tdir);
	free(bench_gen("-n 5000 --shape mix --framing mix", path));
	pid = bench_start_baseline("", out, err, &port);
	/* --expect is not given: SIGTERM ends it after the send. */
	snprintf(cmd, sizeof(cmd), "%s/hecsentry-send -p %d -c 3 --repeat 2 "
	    "%s >%s.send", bench_bin(), port, path, path);
	cr_assert_eq(system(cmd), 0);
	usleep(300000);
	kill(pid, SIGTERM);
	cr_assert_eq(bench_wait(pid), 0);
	cr_assert_eq(bench_out_frames(out), 10000);
}

Test(bench, baseline_stops_at_expect_and_counts_udp_datagrams)
{
	char		 path[128], out[128], err[128], cmd[512];
	pid_t		 pid;
	int		 port;
	unsigned long long n;

	snprintf(path, sizeof(path), "%s/u", tdir);
	snprintf(out, sizeof(out), "%s/out", tdir);
	snprintf(err, sizeof(err), "%s/err", tdir);
	free(bench_gen("-n 1000 --framing octet", path));
	pid = bench_start_baseline("--expect 1000", out, err, &port);
	snprintf(cmd, sizeof(cmd), "%s/hecsentry-send -u --pps 20000 -p %d "
	    "%s >%s.send", bench_bin(), port, path, path);
	cr_assert_eq(system(cmd), 0);
	/* It exits by itself at 1000 frames (0), not by idleness (1). */
	cr_assert_eq(bench_wait(pid), 0);
	n = bench_out_frames(out);
	/* Paced and local: a loss would be a bug in the sender. */
	cr_assert_eq(n, 1000, "udp frames %llu", n);
}

/* The "key N" number in the first line of a tool's output, or -1. */
static double
bench_field(const char *path, const char *key)
{
	char	 line[512], *p;
	double	 v = -1;
	FILE	*f;

	cr_assert_not_null(f = fopen(path, "r"));
	if (fgets(line, sizeof(line), f) != NULL &&
	    (p = strstr(line, key)) != NULL)
		v = strtod(p + strlen(key), NULL);
	fclose(f);
	return v;
}

/*
 * With --wait the sender returns once the receiver has closed every
 * connection, i.e. has read every byte: the baseline, stopped at once
 * afterwards, has counted every frame and byte.  The line ends with the
 * sender's own CPU time.
 */
Test(bench, send_wait_returns_once_everything_is_read)
{
	char		 path[128], out[128], err[128], cmd[512];
	pid_t		 pid;
	int		 port;

	snprintf(path, sizeof(path), "%s/w", tdir);
	snprintf(out, sizeof(out), "%s/out", tdir);
	snprintf(err, sizeof(err), "%s/err", tdir);
	free(bench_gen("-n 4000 --shape mix --framing mix", path));
	pid = bench_start_baseline("", out, err, &port);
	snprintf(cmd, sizeof(cmd), "%s/hecsentry-send -p %d -c 4 --repeat 3 "
	    "--wait 30 %s >%s.send", bench_bin(), port, path, path);
	cr_assert_eq(system(cmd), 0);
	kill(pid, SIGTERM);		/* no pause: all was read */
	cr_assert_eq(bench_wait(pid), 0);
	cr_assert_eq(bench_out_frames(out), 12000);
	snprintf(cmd, sizeof(cmd), "%s.send", path);
	cr_expect_eq(bench_field(cmd, "frames "), 12000);
	cr_expect_gt(bench_field(cmd, "bytes "), 0);
	cr_expect_eq(bench_field(out, " bytes "), bench_field(cmd, "bytes "),
	    "the baseline read every byte");
	cr_expect_geq(bench_field(cmd, " cpu_us "), 0);
}

/* A listening TCP socket on 127.0.0.1 that never accepts; sets *port. */
static int
bench_mute_listener(int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	int			 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_neq(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(fd, 16), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A receiver that never closes: --wait 1 gives up after about 1 s. */
Test(bench, send_wait_fails_when_the_receiver_never_closes)
{
	struct timespec	 t0, t1;
	char		 path[128], cmd[512];
	double		 secs;
	int		 fd, port;

	snprintf(path, sizeof(path), "%s/s", tdir);
	free(bench_gen("-n 20", path));
	fd = bench_mute_listener(&port);
	snprintf(cmd, sizeof(cmd), "%s/hecsentry-send -p %d --wait 1 %s "
	    ">/dev/null 2>&1", bench_bin(), port, path);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_expect_neq(system(cmd), 0, "a timeout must fail");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect(secs >= 0.9 && secs < 10, "gave up after %.2f s", secs);
	close(fd);
}

/* Frames and connections of hecsentry's worker w, from its stop log. */
static void
bench_worker_log(const char *log, int w, unsigned long long *frames,
    unsigned long long *conns)
{
	char	 line[512], want[32];
	FILE	*f;

	*frames = *conns = 0;
	snprintf(want, sizeof(want), "worker %d: frames ", w);
	cr_assert_not_null(f = fopen(log, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, want) != NULL)
			(void)sscanf(strstr(line, want) + strlen(want),
			    "%llu, connections %llu", frames, conns);
	fclose(f);
}

/*
 * run.sh's fleet scenario compares 2 workers with 1 over 16 connections;
 * that only measures the workers when each gets half of them.  The
 * kernel's SO_REUSEPORT hash does not do that (a port of 0 even gives
 * each worker a port of its own, so all 16 reach worker 1 here); the
 * daemon must hand 8 of them on.  Each connection sends one frame and
 * stays open until all 16 are connected.
 */
Test(bench, two_workers_get_half_of_16_connections_each)
{
	const char		*conf = getenv("CONFDIR");
	char			 log[128], cmd[1024], line[256];
	unsigned long long	 f1, c1, f2, c2;
	struct sockaddr_in	 sin;
	FILE			*f;
	pid_t			 pid;
	int			 fd[16], i, port = 0;

	snprintf(log, sizeof(log), "%s/daemon.log", tdir);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		snprintf(cmd, sizeof(cmd), "exec %s/../hecsentry -c "
		    "%s/hecsentry.conf --output file:/dev/null --listen-tcp "
		    "127.0.0.1:0 --workers 2 2>%s", bench_bin(),
		    conf != NULL ? conf : "conf", log);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && port == 0; i++) {
		usleep(20000);
		if ((f = fopen(log, "r")) == NULL)
			continue;
		while (port == 0 && fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, "listening on tcp/127.0.0.1:") !=
			    NULL)
				port = atoi(strrchr(line, ':') + 1);
		fclose(f);
	}
	cr_assert_gt(port, 0, "hecsentry did not start");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 16; i++) {
		cr_assert_neq(fd[i] = socket(AF_INET, SOCK_STREAM, 0), -1);
		cr_assert_eq(connect(fd[i], (struct sockaddr *)&sin,
		    sizeof(sin)), 0);
		cr_assert_eq(write(fd[i], "<14>1 - h a - - - x\n", 20), 20);
	}
	usleep(600000);			/* past a 250 ms worker tick */
	for (i = 0; i < 16; i++)
		close(fd[i]);
	usleep(300000);
	kill(pid, SIGTERM);
	cr_assert_eq(bench_wait(pid), 0);
	bench_worker_log(log, 1, &f1, &c1);
	bench_worker_log(log, 2, &f2, &c2);
	cr_expect(c1 == 8 && c2 == 8, "connections %llu and %llu", c1, c2);
	cr_expect(f1 == 8 && f2 == 8, "frames %llu and %llu", f1, f2);
}
