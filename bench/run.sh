#!/bin/sh
#
# Copyright (c) 2026 The hecsentry developers
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS.
#
# The benchmark (SPEC 8, issue 4): what `make bench` runs, from the top of
# the tree, once ./hecsentry and bench/hecsentry-{gen,send,baseline} are
# built (it builds nothing).  It generates the default mix (Winlogbeat,
# RFC 5424, LF, 1% hits) and a mixed-shape, mixed-framing stream, then for
# each scenario and each of RUNS runs starts the subject (the baseline
# reader, then hecsentry with file:/dev/null output), waits until it
# listens, sends the stream REPEAT times, waits until the subject has
# counted every frame (SIGUSR1, "frames N" on stderr) or its CPU time stops
# growing, and reads its CPU time (/proc/PID/task/*/schedstat, else
# /proc/PID/stat) and peak RSS (VmHWM).  CPU is measured from "listening"
# to "consumed", so start-up is not counted.  Medians go into the results
# section of docs/PERFORMANCE.md.  Every wait is bounded; every process it
# starts is stopped on exit.
#
# Environment: RUNS (3), EVENTS (74000), REPEAT (3),
# PORT (30000 + PID % 20000), HECSENTRY (./hecsentry), BENCHBIN (bench),
# CONF (conf/hecsentry.conf),
# OUT (docs/PERFORMANCE.md), SCENARIOS ("tcp1 mix4 udp"), UDP_PPS (100000).

set -eu

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
EVENTS=${EVENTS:-74000}
REPEAT=${REPEAT:-3}
PORT=${PORT:-$((30000 + $$ % 20000))}
HECSENTRY=${HECSENTRY:-./hecsentry}
BENCHBIN=${BENCHBIN:-bench}
CONF=${CONF:-conf/hecsentry.conf}
OUT=${OUT:-docs/PERFORMANCE.md}
SCENARIOS=${SCENARIOS:-"tcp1 mix4 udp"}
UDP_PPS=${UDP_PPS:-100000}

for f in "$HECSENTRY" "$BENCHBIN/hecsentry-gen" "$BENCHBIN/hecsentry-send" \
    "$BENCHBIN/hecsentry-baseline"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f is missing: build it first" \
		    "(make; make bench)" >&2
		exit 1
	fi
done
"$HECSENTRY" --version >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hecsentry-bench.XXXXXX")
SUBJ_PID=
cleanup() {
	if [ -n "$SUBJ_PID" ] && kill -0 "$SUBJ_PID" 2>/dev/null; then
		kill -TERM "$SUBJ_PID" 2>/dev/null || true
		sleep 0.5
		kill -KILL "$SUBJ_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One core for the subject, another for the sender, when there are two.
PIN_SUBJ=
PIN_SEND=
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	PIN_SUBJ="taskset -c 0"
	PIN_SEND="taskset -c 1"
fi

now_ns() {
	date +%s%N
}

# CPU time of a process, in ns: all its threads' run time if the kernel
# keeps schedstat, else utime + stime in clock ticks.
cpu_ns() {
	if cat /proc/"$1"/task/*/schedstat >"$WORK/sched" 2>/dev/null &&
	    [ -s "$WORK/sched" ]; then
		awk '{ s += $1 } END { printf "%.0f\n", s }' "$WORK/sched"
	else
		sed 's/.*) //' /proc/"$1"/stat |
		    awk -v hz="$(getconf CLK_TCK)" \
		    '{ printf "%.0f\n", ($12 + $13) * 1e9 / hz }'
	fi
}

hwm_kib() {
	awk '/^VmHWM:/ { print $2 }' /proc/"$1"/status
}

# Is something listening on 127.0.0.1 TCP port $1?
listening() {
	hex=$(printf '%04X' "$1")
	awk -v p=":$hex" 'NR > 1 && $4 == "0A" &&
	    substr($2, length($2) - 4) == p { found = 1 }
	    END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Frames the subject has counted so far: asks with SIGUSR1, reads the log.
frames_of() {
	kill -USR1 "$1" 2>/dev/null || return 0
	sleep 0.05
	sed -n 's/.*frames \([0-9][0-9]*\) (tcp.*/\1/p' "$2" | tail -n 1
}

# Waits (at most ~60 s) until pid $1 (log $2) has counted $3 frames, or
# its CPU time has not grown for 300 ms (UDP loses datagrams).
wait_consumed() {
	i=0
	stable=0
	last=$(cpu_ns "$1")
	while [ $i -lt 1200 ]; do
		n=$(frames_of "$1" "$2")
		[ -n "$n" ] && [ "$n" -ge "$3" ] && return 0
		c=$(cpu_ns "$1")
		# Each SIGUSR1 costs a little CPU: "stable" allows for it.
		if [ $((c - last)) -lt 2000000 ]; then
			stable=$((stable + 1))
			[ $stable -ge 6 ] && return 0
		else
			stable=0
		fi
		last=$c
		i=$((i + 1))
	done
	echo "bench: subject still busy after 60 s" >&2
	return 1
}

stop_subject() {
	kill -TERM "$SUBJ_PID" 2>/dev/null || true
	i=0
	while kill -0 "$SUBJ_PID" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$SUBJ_PID" 2>/dev/null || true
	wait "$SUBJ_PID" 2>/dev/null || true
	SUBJ_PID=
}

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_one SUBJECT FILE SENDARGS: one measured run; appends a line
# "subject scenario events bytes cpu_us hwm_kib wall_s" to $WORK/results.
run_one() {
	subj=$1
	file=$2
	scen=$3
	shift 3
	log="$WORK/$subj.log"
	: >"$log"
	case $subj in
	baseline)
		$PIN_SUBJ "$BENCHBIN/hecsentry-baseline" \
		    -t 127.0.0.1:"$PORT" --idle 0 >"$WORK/baseline.out" \
		    2>"$log" &
		;;
	hecsentry)
		$PIN_SUBJ "$HECSENTRY" -c "$CONF" --output file:/dev/null \
		    --listen-tcp 127.0.0.1:"$PORT" \
		    --listen-udp 127.0.0.1:"$PORT" --window 60 2>"$log" &
		;;
	esac
	SUBJ_PID=$!
	i=0
	until listening "$PORT"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SUBJ_PID" 2>/dev/null; then
			echo "bench: $subj did not start listening:" >&2
			cat "$log" >&2
			exit 1
		fi
		sleep 0.1
	done
	sleep 0.2	# the UDP socket is bound after TCP
	cpu0=$(cpu_ns "$SUBJ_PID")
	t0=$(now_ns)
	$PIN_SEND "$BENCHBIN/hecsentry-send" -p "$PORT" --repeat "$REPEAT" \
	    "$@" "$file" >"$WORK/send.out"
	sent=$(awk '{ print $4 }' "$WORK/send.out")
	bytes=$(awk '{ print $2 }' "$WORK/send.out")
	wait_consumed "$SUBJ_PID" "$log" "$sent" || true
	t1=$(now_ns)
	cpu1=$(cpu_ns "$SUBJ_PID")
	hwm=$(hwm_kib "$SUBJ_PID")
	got=$(frames_of "$SUBJ_PID" "$log")
	stop_subject
	[ -n "$got" ] || got=0
	if [ "$got" -lt "$sent" ]; then
		echo "bench: $subj $scen: counted $got of $sent frames" >&2
		# UDP drops: charge only the bytes of what arrived.
		bytes=$(awk -v b="$bytes" -v g="$got" -v s="$sent" \
		    'BEGIN { printf "%.0f\n", b * g / s }')
	fi
	echo "$subj $scen $got $sent $bytes $(((cpu1 - cpu0) / 1000)) $hwm" \
	    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" \
	    >>"$WORK/results"
	echo "  $subj $scen: frames $got/$sent," \
	    "cpu $(((cpu1 - cpu0) / 1000)) us, rss $hwm KiB" >&2
}

scenario_desc() {
	case $1 in
	tcp1)	echo "default mix, TCP, 1 connection" ;;
	mix4)	echo "all shapes, LF+octet, TCP, 4 connections" ;;
	udp)	echo "default mix, UDP, ${UDP_PPS} datagrams/s" ;;
	esac
}

echo "bench: generating streams in $WORK" >&2
"$BENCHBIN/hecsentry-gen" -n "$EVENTS" --shape winlogbeat --framing lf \
    --hits 0.01 --keys 100 --seed 1 -o "$WORK/default.log" \
    2>"$WORK/default.summary"
"$BENCHBIN/hecsentry-gen" -n "$EVENTS" --shape mix --framing mix \
    --hits 0.01 --keys 100 --seed 2 -o "$WORK/mix.log" \
    2>"$WORK/mix.summary"
cat "$WORK/default.summary" "$WORK/mix.summary" >&2

: >"$WORK/results"
for scen in $SCENARIOS; do
	case $scen in
	tcp1)	file="$WORK/default.log"; set -- -c 1 ;;
	mix4)	file="$WORK/mix.log"; set -- -c 4 ;;
	udp)	file="$WORK/default.log"; set -- -u --pps "$UDP_PPS" ;;
	*)	echo "bench: unknown scenario $scen" >&2; exit 1 ;;
	esac
	r=1
	while [ $r -le "$RUNS" ]; do
		echo "bench: $scen run $r of $RUNS" >&2
		run_one baseline "$file" "$scen" "$@"
		run_one hecsentry "$file" "$scen" "$@"
		r=$((r + 1))
	done
done

# Medians per (subject, scenario) of the derived per-run figures.
ROWFMT='| %s | %s | %.0f | %.1f | %.3f | %.1f | %s | %s |\n'
table() {
	printf '| scenario | subject | events/s per core | MB/s per core '
	printf '| CPU us/event | peak RSS MiB | frames counted (worst run) | '
	printf 'hecsentry/baseline CPU |\n'
	printf '|---|---|---:|---:|---:|---:|---:|---:|\n'
	for scen in $SCENARIOS; do
		for subj in baseline hecsentry; do
			awk -v s="$subj" -v c="$scen" '$1 == s && $2 == c' \
			    "$WORK/results" >"$WORK/sel"
			[ -s "$WORK/sel" ] || continue
			eps=$(awk '{ print $3 / ($6 / 1e6) }' "$WORK/sel" |
			    median)
			mbs=$(awk '{ print $5 / ($6 / 1e6) / 1e6 }' \
			    "$WORK/sel" | median)
			us=$(awk '{ print $6 / $3 }' "$WORK/sel" | median)
			rss=$(awk '{ print $7 / 1024 }' "$WORK/sel" | median)
			got=$(awk 'NR == 1 || $3 < m { m = $3; s = $4 }
			    END { print m " of " s }' "$WORK/sel")
			if [ "$subj" = baseline ]; then
				base_us=$us
				ratio="1"
			else
				ratio=$(awk -v a="$us" -v b="$base_us" \
				    'BEGIN { printf "%.1f", a / b }')
				[ "$scen" = tcp1 ] && target_us=$us
			fi
			# shellcheck disable=SC2059 # ROWFMT is ours
			printf "$ROWFMT" \
			    "$(scenario_desc "$scen")" "$subj" "$eps" "$mbs" \
			    "$us" "$rss" "$got" "$ratio"
		done
	done
}

target_us=
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
[ -n "$cpu_model" ] || cpu_model=unknown
{
	echo "Measured $(date -u +%Y-%m-%dT%H:%M:%SZ) by \`sh bench/run.sh\`" \
	    "(RUNS=$RUNS EVENTS=$EVENTS REPEAT=$REPEAT), hecsentry" \
	    "$("$HECSENTRY" --version | awk '{ print $2 }')," \
	    "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
	echo
	echo "Machine: $(nproc) CPUs, $cpu_model; Linux $(uname -r);" \
	    "pinning: ${PIN_SUBJ:-none} (subject), ${PIN_SEND:-none} (sender)."
	echo
	echo "Streams:"
	echo
	echo '```'
	echo "default: $(head -n 1 "$WORK/default.summary")"
	echo "mixed:   $(head -n 1 "$WORK/mix.summary")"
	echo '```'
	echo
	table
	echo
	echo "Target (issue 4): at most 1.5 CPU us per event on the default" \
	    "mix, TCP, one worker: $(awk -v u="${target_us:-nan}" 'BEGIN {
		if (u == "nan") print "not measured (no tcp1 scenario).";
		else if (u + 0 <= 1.5) printf "met (%.3f us).\n", u;
		else printf "NOT met (%.3f us).\n", u }')"
} >"$WORK/results.md"

if [ -f "$OUT" ] && grep -q '^<!-- bench results -->' "$OUT"; then
	sed '/^<!-- bench results -->/,$d' "$OUT" >"$WORK/perf.md"
else
	printf '# Performance\n\n' >"$WORK/perf.md"
fi
{
	cat "$WORK/perf.md"
	echo '<!-- bench results -->'
	echo '## Results'
	echo
	cat "$WORK/results.md"
} >"$OUT"
cat "$WORK/results.md"
echo "bench: wrote $OUT" >&2
