/*
 * The eval functions on numbers, times and addresses, and the
 * conversions (spl_func.c has the table and the rest): tonumber,
 * tostring, the mathematical functions, min and max, now, time,
 * strftime, strptime and cidrmatch, with Splunk's documented semantics.
 * Times are UTC.  Nothing allocates: results go to the scratch arena.
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <sys/socket.h>
#include <arpa/inet.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/event.h"
#include "detect/spl_eval.h"
#include "detect/spl_int.h"

#define SPL_FN_TIME_MAX		256	/* longest strftime() result */

/* Conversion functions. */

/* tonumber(X [, base]): null when X is no number in that base. */
void
spl_fn_tonumber(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s;
	size_t		 len;
	double		 base = 10, d;
	char		 buf[SPL_NUM_MAX], *end;
	long long	 ll;

	spl_fn_arg(x, 0, env, &v);
	spl_val_null(out);
	if (x->nargs > 1 && (!spl_fn_arg_num(x, 1, env, &base) || base < 2 ||
	    base > 36 || base != floor(base)))
		return;
	if (v.t == SPL_V_NUM && base == 10) {
		*out = v;
		return;
	}
	if (!spl_val_text(env, &v, &s, &len))
		return;
	if (base == 10) {
		if (spl_parse_num(s, len, &d))
			spl_val_numv(out, d);
		return;
	}
	if (len == 0 || len >= sizeof(buf))
		return;
	memcpy(buf, s, len);
	buf[len] = '\0';
	ll = strtoll(buf, &end, (int)base);
	if (*end == '\0' && buf[0] != ' ' && buf[0] != '\t')
		spl_val_numv(out, (double)ll);
}

/* Inserts commas every three digits of the integer part of buf. */
static int
spl_commas(double d, char *out, size_t size)
{
	char	 buf[64], *dot;
	size_t	 k, n, ilen, o = 0, start;

	if (snprintf(buf, sizeof(buf), d == floor(d) ? "%.0f" : "%.2f", d) <
	    0)
		return -1;
	n = strlen(buf);
	dot = strchr(buf, '.');
	ilen = dot != NULL ? (size_t)(dot - buf) : n;
	start = buf[0] == '-';
	if (n + n / 3 + 1 > size)
		return -1;
	for (k = 0; k < n; k++) {
		if (k > start && k < ilen && (ilen - k) % 3 == 0)
			out[o++] = ',';
		out[o++] = buf[k];
	}
	return (int)o;
}

/*
 * tostring(X [, "hex" | "commas" | "duration"]): a number formatted,
 * a boolean as "true" or "false", a string itself.
 */
void
spl_fn_tostring(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*f = NULL, *s;
	size_t		 flen = 0, len;
	char		 buf[96];
	double		 d;
	long long	 t;
	int		 n = -1;

	spl_fn_arg(x, 0, env, &v);
	spl_val_null(out);
	if (x->nargs > 1 && !spl_fn_arg_text(x, 1, env, &f, &flen))
		return;
	if (f == NULL || !spl_val_num(&v, &d)) {
		if (spl_val_text(env, &v, &s, &len))
			spl_val_str(out, s, len);
		return;
	}
	if (flen == 3 && memcmp(f, "hex", 3) == 0 && fabs(d) < 9e18)
		n = snprintf(buf, sizeof(buf), "0x%llX", (long long)d);
	else if (flen == 6 && memcmp(f, "commas", 6) == 0)
		n = spl_commas(d, buf, sizeof(buf));
	else if (flen == 8 && memcmp(f, "duration", 8) == 0 &&
	    fabs(d) < 1e15) {
		t = (long long)floor(d);
		if (t >= 86400)
			n = snprintf(buf, sizeof(buf), "%lld+%02lld:%02lld:"
			    "%02lld", t / 86400, t % 86400 / 3600,
			    t % 3600 / 60, t % 60);
		else if (t >= 0)
			n = snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld",
			    t / 3600, t % 3600 / 60, t % 60);
	} else
		n = spl_fmt_num(d, buf, sizeof(buf));
	if (n > 0 && (size_t)n < sizeof(buf))
		spl_fn_out_str(env, out, buf, (size_t)n, false);
}

/* Mathematical functions. */

void
spl_fn_math(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	const char	*fn = x->fn->name;
	double		 d, e = 0, p;

	spl_val_null(out);
	if (strcmp(fn, "pi") == 0) {
		spl_val_numv(out, M_PI);
		return;
	}
	if (!spl_fn_arg_num(x, 0, env, &d) ||
	    (x->nargs > 1 && !spl_fn_arg_num(x, 1, env, &e)))
		return;
	if (strcmp(fn, "abs") == 0)
		spl_val_numv(out, fabs(d));
	else if (strcmp(fn, "floor") == 0)
		spl_val_numv(out, floor(d));
	else if (strcmp(fn, "ceil") == 0 || strcmp(fn, "ceiling") == 0)
		spl_val_numv(out, ceil(d));
	else if (strcmp(fn, "round") == 0) {
		/* Half away from zero on the decimal digits: 2.555 is */
		/* 2.55499999... in binary, yet rounds to 2.56. */
		p = pow(10, floor(e));
		d *= p;
		e = fabs(d - trunc(d));
		d = fabs(e - 0.5) < 1e-9 ? trunc(d) + copysign(1, d) :
		    round(d);
		spl_val_numv(out, d / p);
	} else if (strcmp(fn, "sqrt") == 0 && d >= 0)
		spl_val_numv(out, sqrt(d));
	else if (strcmp(fn, "exp") == 0)
		spl_val_numv(out, exp(d));
	else if (strcmp(fn, "ln") == 0 && d > 0)
		spl_val_numv(out, log(d));
	else if (strcmp(fn, "log") == 0 && d > 0)
		spl_val_numv(out, x->nargs > 1 ? (e > 0 && e != 1 ?
		    log(d) / log(e) : NAN) : log10(d));
	else if (strcmp(fn, "pow") == 0)
		spl_val_numv(out, pow(d, e));
}

/*
 * Orders two values for min() and max(): numbers numerically and below
 * strings, strings by their bytes.
 */
static int
spl_minmax_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	double	 da, db;
	bool	 na = spl_parse_num(a, la, &da), nb = spl_parse_num(b, lb,
		    &db);
	int	 r;

	if (na && nb)
		return da < db ? -1 : da > db;
	if (na != nb)
		return na ? -1 : 1;
	r = memcmp(a, b, la < lb ? la : lb);
	return r != 0 ? r : la < lb ? -1 : la > lb;
}

/* min(X, ...) and max(X, ...) over every value of every argument. */
void
spl_fn_minmax(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*s, *best = NULL;
	size_t		 len, blen = 0, k, pos;
	bool		 max = x->fn->name[1] == 'a';
	int		 r;

	spl_val_null(out);
	for (k = 0; k < x->nargs; k++) {
		spl_fn_arg(x, k, env, &v);
		if (v.t != SPL_V_STR) {
			if (!spl_val_text(env, &v, &s, &len))
				continue;
			spl_val_str(&v, s, len);
		}
		pos = 0;
		while (spl_mv_next(&v, &pos, &s, &len)) {
			r = best == NULL ? 0 : spl_minmax_cmp(s, len, best,
			    blen);
			if (best == NULL || (max ? r > 0 : r < 0)) {
				best = s;
				blen = len;
			}
		}
	}
	if (best == NULL)
		return;
	if (spl_parse_num(best, blen, &out->n))
		spl_val_numv(out, out->n);
	else
		spl_val_str(out, best, blen);
}

/* Date and time functions (UTC). */

void
spl_fn_now(const struct spl_ex *x, struct spl_eenv *env, struct spl_val *out)
{
	struct timespec	 ts;

	(void)x;
	(void)env;
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		spl_val_null(out);
	else if (strcmp(x->fn->name, "now") == 0)
		spl_val_numv(out, (double)ts.tv_sec);
	else
		spl_val_numv(out, (double)ts.tv_sec + ts.tv_nsec / 1e9);
}

/* strftime(X, F): the epoch seconds X formatted with F, in UTC. */
void
spl_fn_strftime(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	const char	*f;
	size_t		 flen, n;
	char		 fmt[SPL_FN_TIME_MAX], buf[SPL_FN_TIME_MAX];
	struct tm	 tm;
	double		 d;
	time_t		 t;

	spl_val_null(out);
	if (!spl_fn_arg_num(x, 0, env, &d) || !spl_fn_arg_text(x, 1, env, &f,
	    &flen) || flen >= sizeof(fmt) || fabs(d) > 1e15)
		return;
	memcpy(fmt, f, flen);
	fmt[flen] = '\0';
	t = (time_t)floor(d);
	if (gmtime_r(&t, &tm) == NULL)
		return;
	/* The format comes from the detection: strftime() cannot overflow. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(buf, sizeof(buf), fmt, &tm);
#pragma GCC diagnostic pop
	if (n > 0)
		spl_fn_out_str(env, out, buf, n, false);
}

/* strptime(S, F): the epoch seconds of S read with F, UTC unless %z. */
void
spl_fn_strptime(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	const char	*s, *f;
	size_t		 len, flen;
	char		 sb[SPL_FN_TIME_MAX], fb[SPL_FN_TIME_MAX];
	struct tm	 tm;
	time_t		 t;

	spl_val_null(out);
	if (!spl_fn_arg_text(x, 0, env, &s, &len) ||
	    !spl_fn_arg_text(x, 1, env, &f, &flen) || len >= sizeof(sb) ||
	    flen >= sizeof(fb))
		return;
	memcpy(sb, s, len);
	sb[len] = '\0';
	memcpy(fb, f, flen);
	fb[flen] = '\0';
	memset(&tm, 0, sizeof(tm));
	tm.tm_mday = 1;
	tm.tm_year = 70;
	if (strptime(sb, fb, &tm) == NULL)
		return;
	t = timegm(&tm);
	spl_val_numv(out, (double)t - (double)tm.tm_gmtoff);
}

/* Network functions. */

/* cidrmatch(CIDR, IP): whether IP (any of its values) is in CIDR. */
void
spl_fn_cidrmatch(const struct spl_ex *x, struct spl_eenv *env,
    struct spl_val *out)
{
	struct spl_val	 v;
	const char	*c, *s, *slash;
	size_t		 clen, len, pos = 0, k;
	unsigned char	 net[16], ip[16];
	char		 buf[64];
	long		 bits;
	int		 af;

	spl_val_null(out);
	if (!spl_fn_arg_text(x, 0, env, &c, &clen) || clen >= sizeof(buf))
		return;
	spl_fn_arg(x, 1, env, &v);
	if (v.t != SPL_V_STR)
		return;
	memcpy(buf, c, clen);
	buf[clen] = '\0';
	af = memchr(buf, ':', clen) != NULL ? AF_INET6 : AF_INET;
	bits = af == AF_INET6 ? 128 : 32;
	if ((slash = strchr(buf, '/')) != NULL) {
		bits = strtol(slash + 1, NULL, 10);
		buf[slash - buf] = '\0';
	}
	if (bits < 0 || bits > (af == AF_INET6 ? 128 : 32) ||
	    inet_pton(af, buf, net) != 1)
		return;
	spl_val_bool(out, false);
	while (spl_mv_next(&v, &pos, &s, &len)) {
		if (len >= sizeof(buf))
			continue;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (inet_pton(af, buf, ip) != 1)
			continue;
		for (k = 0; k < (size_t)bits / 8; k++)
			if (ip[k] != net[k])
				break;
		if (k < (size_t)bits / 8)
			continue;
		if (bits % 8 != 0 && ((ip[k] ^ net[k]) &
		    (0xff << (8 - bits % 8)) & 0xff) != 0)
			continue;
		out->b = true;
		return;
	}
}
