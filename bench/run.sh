#!/bin/sh
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
# to "consumed", so start-up is not counted.  The "fleet" scenario runs
# hecsentry with workers = 1 and workers = 2 in turn on the default mix
# over FLEET_CONNS connections, and reads the CPU time of each thread
# (hs-worker-N) and the wall-clock time of the stream (hecsentry-send
# --wait: until the daemon has closed every connection).  The "library"
# scenario (bench/library.sh) runs every detection of a library.  The
# "first" scenario (bench/first.sh) measures first-seen alerts through
# HEC (issue 15.4).  Medians go into
# the results section of docs/PERFORMANCE.md.  Every wait is bounded;
# every process it starts is stopped on exit.
#
# Environment: RUNS (3), EVENTS (74000), REPEAT (3),
# PORT (30000 + PID % 20000), HECSENTRY (./hecsentry), BENCHBIN (bench),
# CONF (conf/hecsentry.conf), OUT (docs/PERFORMANCE.md),
# SCENARIOS ("tcp1 mix4 udp fleet keys library first"), UDP_PPS (100000),
# FLEET_CONNS (16), FLEET_REPEAT (5), KEYS (10000), LIBRARY (../shared/escu),
# RECEIVER (tests/func/hec_receiver).
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

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
SCENARIOS=${SCENARIOS:-"tcp1 mix4 udp fleet keys library first"}
UDP_PPS=${UDP_PPS:-100000}
FLEET_CONNS=${FLEET_CONNS:-16}
FLEET_REPEAT=${FLEET_REPEAT:-5}
KEYS=${KEYS:-10000}

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
# The fleet scenario gives one worker the same: a core of its own and
# the sender on the other, its best case, so that the 2-worker ratio is
# not flattered; two workers share the two cores (2 workers on 2 cores,
# as issue 4 says) with the sender, none pinned to one.
PIN_SUBJ=
PIN_SEND=
PIN_FLEET=
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	PIN_SUBJ="taskset -c 0"
	PIN_SEND="taskset -c 1"
	PIN_FLEET="taskset -c 0,1"
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

# CPU time of each thread of process $1: lines "name ns" (schedstat, else
# utime + stime); the workers are named hs-worker-N by worker.c.
thread_cpu() {
	for t in /proc/"$1"/task/*; do
		tn=$(cat "$t/comm" 2>/dev/null) || continue
		ns=$(cut -d ' ' -f 1 "$t/schedstat" 2>/dev/null) || ns=
		if [ -n "$ns" ]; then
			echo "$tn $ns"
		else
			sed 's/.*) //' "$t/stat" | awk -v n="$tn" \
			    -v hz="$(getconf CLK_TCK)" \
			    '{ printf "%s %.0f\n", n, ($12 + $13) * 1e9 / hz }'
		fi
	done
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

# Waits (at most ~10 s) until the subject (named $1, log $2) listens on
# TCP $PORT; exits with its log if it does not.
wait_listening() {
	i=0
	until listening "$PORT"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SUBJ_PID" 2>/dev/null; then
			echo "bench: $1 did not start listening:" >&2
			cat "$2" >&2
			exit 1
		fi
		sleep 0.1
	done
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
	wait_listening "$subj" "$log"
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

# settle LABEL SNAPSHOT: waits until the subject ($SUBJ_PID, log $log) has
# counted $sent frames, runs SNAPSHOT (its CPU time: snap_process sets
# $cpu1, snap_threads writes $WORK/cpu1), reads its peak RSS into $hwm and
# its count into $got, and stops it.
snap_process() {
	cpu1=$(cpu_ns "$SUBJ_PID")
}
snap_threads() {
	thread_cpu "$SUBJ_PID" >"$WORK/cpu1"
}
settle() {
	wait_consumed "$SUBJ_PID" "$log" "$sent" || true
	$2
	hwm=$(hwm_kib "$SUBJ_PID")
	got=$(frames_of "$SUBJ_PID" "$log")
	stop_subject
	[ -n "$got" ] || got=0
	[ "$got" -ge "$sent" ] ||
	    echo "bench: $1: counted $got of $sent frames" >&2
}

# run_fleet WORKERS FILE: one run of hecsentry with that many workers on
# the default mix over FLEET_CONNS connections; appends "fleet W got sent
# wall_s send_cpu_us cpu_us busiest_us main_us split hwm_kib" to
# $WORK/fleet, where busiest_us is the CPU of the busiest worker thread
# (with one worker: of the whole process) and split the frames of each
# worker, "a/b".
run_fleet() {
	nw=$1
	file=$2
	log="$WORK/fleet$nw.log"
	pd=$PIN_FLEET
	ps=$PIN_FLEET
	if [ "$nw" -eq 1 ]; then
		pd=$PIN_SUBJ
		ps=$PIN_SEND
	fi
	# shellcheck disable=SC2086 # pd and ps are words
	$pd "$HECSENTRY" -c "$CONF" --output file:/dev/null \
	    --listen-tcp 127.0.0.1:"$PORT" --listen-udp 127.0.0.1:"$PORT" \
	    --window 60 --workers "$nw" \
	    2>"$log" &
	SUBJ_PID=$!
	wait_listening "hecsentry --workers $nw" "$log"
	sleep 0.2	# the worker threads start after the binds
	thread_cpu "$SUBJ_PID" >"$WORK/cpu0"
	# shellcheck disable=SC2086 # pd and ps are words
	nice -n 19 $ps "$BENCHBIN/hecsentry-send" -p "$PORT" \
	    -c "$FLEET_CONNS" --repeat "$FLEET_REPEAT" --wait 120 "$file" \
	    >"$WORK/send.out" || echo "bench: hecsentry-send failed" >&2
	sent=$(awk '{ print $4 }' "$WORK/send.out")
	wall=$(awk '{ print $6 }' "$WORK/send.out")
	scpu=$(awk '{ print $11 }' "$WORK/send.out")
	settle "fleet $nw" snap_threads
	# Per thread: the CPU it used during the stream, in us.
	awk 'NR == FNR { a[$1] = $2; next }
	    { printf "%s %.0f\n", $1, ($2 - a[$1]) / 1000 }' \
	    "$WORK/cpu0" "$WORK/cpu1" >"$WORK/cpud"
	cpu=$(awk '{ s += $2 } END { print s }' "$WORK/cpud")
	main=$(awk '$1 !~ /^hs-worker-/ { s += $2 } END { print s + 0 }' \
	    "$WORK/cpud")
	if [ "$nw" -gt 1 ]; then
		busy=$(awk '$1 ~ /^hs-worker-/ && $2 > m { m = $2 }
		    END { print m + 0 }' "$WORK/cpud")
		split=$(sed -n 's/.*worker [0-9]*: frames \([0-9]*\),.*/\1/p' \
		    "$log" | paste -sd/ -)
	else
		busy=$cpu
		split=$got
	fi
	echo "fleet $nw $got $sent $wall $scpu $cpu $busy $main ${split:-?}" \
	    "$hwm" >>"$WORK/fleet"
	echo "  hecsentry --workers $nw, $FLEET_CONNS connections:" \
	    "frames $got/$sent (by worker ${split:-?}), wall $wall s," \
	    "cpu $cpu us, busiest thread $busy us, sender $scpu us" >&2
}

# run_keys FILE: one run of hecsentry (one worker, a window of an hour, so
# every key stays live) on a stream that makes KEYS stats keys; appends
# "keys got sent cpu_us hwm_kib" to $WORK/keys.
run_keys() {
	file=$1
	log="$WORK/keys.log"
	$PIN_SUBJ "$HECSENTRY" -c "$CONF" --output file:/dev/null \
	    --listen-tcp 127.0.0.1:"$PORT" --listen-udp 127.0.0.1:"$PORT" \
	    --window 3600 2>"$log" &
	SUBJ_PID=$!
	wait_listening hecsentry "$log"
	cpu0=$(cpu_ns "$SUBJ_PID")
	$PIN_SEND "$BENCHBIN/hecsentry-send" -p "$PORT" -c 1 "$file" \
	    >"$WORK/send.out"
	sent=$(awk '{ print $4 }' "$WORK/send.out")
	settle keys snap_process
	echo "keys $got $sent $(((cpu1 - cpu0) / 1000)) $hwm" >>"$WORK/keys"
	echo "  hecsentry, $KEYS keys: frames $got/$sent," \
	    "cpu $(((cpu1 - cpu0) / 1000)) us, rss $hwm KiB" >&2
}

scenario_desc() {
	case $1 in
	tcp1)	echo "default mix, TCP, 1 connection" ;;
	mix4)	echo "all shapes, LF+octet, TCP, 4 connections" ;;
	udp)	echo "default mix, UDP, ${UDP_PPS} datagrams/s" ;;
	fleet)	echo "default mix, TCP, $FLEET_CONNS connections" ;;
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
: >"$WORK/fleet"
: >"$WORK/keys"
: >"$WORK/library"
: >"$WORK/first"
. bench/library.sh
. bench/first.sh
for scen in $SCENARIOS; do
	if [ "$scen" = library ]; then
		lib_runs
		continue
	fi
	if [ "$scen" = first ]; then
		first_runs
		continue
	fi
	if [ "$scen" = keys ]; then
		"$BENCHBIN/hecsentry-gen" -n "$EVENTS" --shape winlogbeat \
		    --framing lf --hits 0.3 --keys "$KEYS" --seed 3 \
		    -o "$WORK/keys.stream" 2>"$WORK/keys.summary"
		r=1
		while [ $r -le "$RUNS" ]; do
			echo "bench: keys run $r of $RUNS" >&2
			run_keys "$WORK/keys.stream"
			r=$((r + 1))
		done
		# Heap per live key, counted by malloc (no sockets, no
		# allocator slack): hecsentry-pipe, where it was built.
		if [ -x "$BENCHBIN/hecsentry-pipe" ]; then
			"$BENCHBIN/hecsentry-pipe" -w 86400 \
			    -d "$(dirname "$CONF")" "$WORK/keys.stream" \
			    >"$WORK/keys.pipe" 2>&1 || true
		fi
		continue
	fi
	if [ "$scen" = fleet ]; then
		r=1
		while [ $r -le "$RUNS" ]; do
			# alternate the order: a drift in the machine's load
			# then weighs on both
			echo "bench: fleet run $r of $RUNS" >&2
			if [ $((r % 2)) -eq 1 ]; then
				run_fleet 1 "$WORK/default.log"
				run_fleet 2 "$WORK/default.log"
			else
				run_fleet 2 "$WORK/default.log"
				run_fleet 1 "$WORK/default.log"
			fi
			r=$((r + 1))
		done
		continue
	fi
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

# The fleet scenario: one row per worker count (medians of the runs).
FLEETFMT='| %s | %s | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f | %s | %.1f |\n'
fleet_table() {
	printf '| scenario | workers | events/s wall clock | events/s '
	printf 'capacity | CPU us/event, all threads | busiest worker '
	printf 'us/event | main thread us/event | sender us/event | '
	printf 'frames per worker (most uneven run) | peak RSS MiB |\n'
	printf '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n'
	for nw in 1 2; do
		awk -v w="$nw" '$2 == w' "$WORK/fleet" >"$WORK/sel"
		[ -s "$WORK/sel" ] || continue
		wall=$(awk '{ print $3 / $5 }' "$WORK/sel" | median)
		cap=$(awk '{ print $3 / ($8 / 1e6) }' "$WORK/sel" | median)
		us=$(awk '{ print $7 / $3 }' "$WORK/sel" | median)
		busy=$(awk '{ print $8 / $3 }' "$WORK/sel" | median)
		main=$(awk '{ print $9 / $3 }' "$WORK/sel" | median)
		snd=$(awk '{ print $6 / $3 }' "$WORK/sel" | median)
		rss=$(awk '{ print $11 / 1024 }' "$WORK/sel" | median)
		# the split whose largest share is largest
		split=$(awk '{ n = split($10, f, "/"); m = 0; t = 0
		    for (i = 1; i <= n; i++) { t += f[i]
			if (f[i] > m) m = f[i] }
		    s = t > 0 ? m / t : 0
		    if (NR == 1 || s > best) { best = s; out = ""
			for (i = 1; i <= n; i++)
			    out = out (i > 1 ? " / " : "") \
				sprintf("%.1f %%", 100 * f[i] / t) }
		    } END { print out }' "$WORK/sel")
		# shellcheck disable=SC2059 # FLEETFMT is ours
		printf "$FLEETFMT" "$(scenario_desc fleet)" "$nw" "$wall" \
		    "$cap" "$us" "$busy" "$main" "$snd" "$split" "$rss"
	done
}

# Median over the runs of the 2-worker/1-worker ratio of the rate
# frames / column $1 (busiest_us: capacity; wall_s: wall clock), each
# 2-worker run paired with the 1-worker run next to it.
fleet_ratio() {
	awk -v c="$1" '$2 == 1 { one[++n1] = $3 / $c }
	    $2 == 2 { two[++n2] = $3 / $c }
	    END { for (i = 1; i <= n1 && i <= n2; i++)
		print two[i] / one[i] }' "$WORK/fleet" | median
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
	    "pinning: ${PIN_SUBJ:-none} (subject), ${PIN_SEND:-none}" \
	    "(sender); fleet: one worker pinned like that, two workers and" \
	    "the sender on ${PIN_FLEET:-any CPU}, sender at nice 19."
	echo
	echo "Streams:"
	echo
	echo '```'
	echo "default: $(head -n 1 "$WORK/default.summary")"
	echo "mixed:   $(head -n 1 "$WORK/mix.summary")"
	echo '```'
	echo
	if [ -s "$WORK/results" ]; then
		table
		echo
		echo "Target (issue 4): at most 1.5 CPU us per event on the" \
		    "default mix, TCP, one worker: $(awk \
		    -v u="${target_us:-nan}" 'BEGIN {
		    if (u == "nan") print "not measured (no tcp1 scenario).";
		    else if (u + 0 <= 1.5) printf "met (%.3f us).\n", u;
		    else printf "NOT met (%.3f us).\n", u }')"
	fi
	if [ -s "$WORK/fleet" ]; then
		echo
		echo "Workers (default mix, TCP, $FLEET_CONNS connections," \
		    "the stream sent $FLEET_REPEAT times; daemon and sender" \
		    "on the same cores):"
		echo
		fleet_table
		echo
		awk -v c="$(fleet_ratio 8)" -v w="$(fleet_ratio 5)" 'BEGIN {
		    printf "Target (issue 4): with 2 workers on 2 cores, at "
		    printf "least 1.7x the one-worker throughput: "
		    if (c == "nan") {
			print "not measured (no 2-worker run)."
			exit
		    }
		    printf "%s (%.2fx, ", (c + 0 >= 1.7 ? "met" : "NOT met"), c
		    printf "capacity from the CPU time of the busiest "
		    printf "worker thread); wall clock, with the sender on "
		    printf "the same 2 cores: %.2fx.\n", w }'
	fi
	if [ -s "$WORK/keys" ]; then
		kcpu=$(awk '{ print $4 / $2 }' "$WORK/keys" | median)
		krss=$(awk '{ print $5 / 1024 }' "$WORK/keys" | median)
		kgot=$(awk 'NR == 1 || $2 < m { m = $2; s = $3 }
		    END { print m " of " s }' "$WORK/keys")
		kheap=$(sed -n 's/^live keys \([0-9]*\) heap \([0-9]*\) bytes (\([0-9]*\) per key)$/\1 keys, \3 bytes of heap per key/p' \
		    "$WORK/keys.pipe" 2>/dev/null)
		echo
		echo "Live keys (default mix with 30 % hits spread over $KEYS" \
		    "keys, one worker, --window 3600 so that every key stays" \
		    "live; one connection): $(head -n 1 "$WORK/keys.summary")."
		echo
		echo "| scenario | CPU us/event | peak RSS MiB | frames counted (worst run) | heap per live key (hecsentry-pipe) |"
		echo "|---|---:|---:|---:|---|"
		printf '| %s live keys | %.3f | %.1f | %s | %s |\n' "$KEYS" \
		    "$kcpu" "$krss" "$kgot" "${kheap:-not measured}"
		echo
		awk -v r="$krss" -v k="$KEYS" 'BEGIN {
		    printf "Target (issue 4): peak RSS at most 32 MiB at "
		    printf "steady state with 10k live keys: "
		    if (k + 0 < 10000)
			printf "not measured (KEYS=%s).\n", k
		    else if (r + 0 <= 32)
			printf "met (%.1f MiB with %s keys).\n", r, k
		    else
			printf "NOT met (%.1f MiB with %s keys).\n", r, k }'
	fi
	if [ -s "$WORK/library" ]; then
		echo
		lib_table
	fi
	if [ -s "$WORK/first" ]; then
		echo
		first_table
	fi
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
