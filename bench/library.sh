# The "library" scenario of `make bench` (issue 13, item 1), sourced by
# bench/run.sh, whose helpers it uses (cpu_ns, hwm_kib, listening,
# wait_consumed, frames_of, stop_subject, median, the PIN_ variables).
# Every detection of LIBRARY (default ../shared/escu beside the source
# tree, when present) that hecsentry runs (status production or
# experimental: whatever --check-config lists as "runs") is enabled on the
# library mix of hecsentry-gen (--mix library: the Sysmon event ids of the
# issue, 0.6-1.9 KB, 0.1% hits that library detections match), in
# Winlogbeat JSON and in XmlWinEventLog.  For 2, 100, 300 and all of them
# (the first N in file order; a size above the runnable count is left
# out), each run measures the same-run baseline reader, then hecsentry:
# CPU us per event on one core from listening to consumed, events/s per
# core, peak RSS, start-up (wall and CPU time from exec to listening:
# loading and compiling the library) and SIGHUP reload (wall time from the
# signal to "reload done", with the stream consumed).  Medians of RUNS.
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

# lib_setup: finds the library, lists its runnable detections in
# $WORK/lib.names and generates the streams; returns 1 without a library.
lib_setup() {
	LIBRARY=${LIBRARY:-}
	[ -n "$LIBRARY" ] || LIBRARY=../shared/escu
	if [ ! -d "$LIBRARY" ]; then
		echo "bench: library: no ../shared/escu; give LIBRARY=PATH" >&2
		return 1
	fi
	LIBRARY=$(cd "$LIBRARY" && pwd)
	confdir=$(cd "$(dirname "$CONF")" && pwd)
	{
		echo "detections = $LIBRARY"
		echo "macros = $confdir/macros"
		echo "cim_map = $confdir/cim.conf"
		echo "detection_status = production"
		echo "detection_status = experimental"
	} >"$WORK/lib-head.conf"
	"$HECSENTRY" -c "$WORK/lib-head.conf" --output file:/dev/null \
	    --check-config -v >"$WORK/lib.check" 2>/dev/null || true
	# "runs: FILE: NAME" or "runs: FILE: NAME: window HOW".
	sed -n 's/^runs: [^:]*\.yml: //p' "$WORK/lib.check" |
	    sed 's/: window .*//' >"$WORK/lib.names"
	LIB_ALL=$(wc -l <"$WORK/lib.names" | tr -d ' ')
	if [ "$LIB_ALL" -eq 0 ]; then
		echo "bench: library: nothing runs from $LIBRARY" >&2
		return 1
	fi
	LIB_SIZES=
	for n in 2 100 300; do
		[ "$n" -lt "$LIB_ALL" ] && LIB_SIZES="$LIB_SIZES $n"
	done
	LIB_SIZES="$LIB_SIZES $LIB_ALL"
	for n in $LIB_SIZES; do
		cp "$WORK/lib-head.conf" "$WORK/lib-$n.conf"
		awk -v n="$n" 'NR > n { print "detections_disable = " $0 }' \
		    "$WORK/lib.names" >>"$WORK/lib-$n.conf"
	done
	"$BENCHBIN/hecsentry-gen" -n "$EVENTS" --mix library \
	    --shape winlogbeat --framing lf --hits 0.001 --seed 4 \
	    -o "$WORK/lib-json.log" 2>"$WORK/lib-json.summary"
	"$BENCHBIN/hecsentry-gen" -n "$EVENTS" --mix library --shape xml \
	    --framing lf --hits 0.001 --seed 4 \
	    -o "$WORK/lib-xml.log" 2>"$WORK/lib-xml.summary"
	# A short stream for the memory target (peak RSS with about 10k
	# live keys spread over the detections): its first LIB_KEYS_EVENTS.
	"$BENCHBIN/hecsentry-gen" -n "${LIB_KEYS_EVENTS:-2200}" \
	    --mix library --shape winlogbeat --framing lf --hits 0.001 \
	    --seed 4 -o "$WORK/lib-json10k.log" 2>/dev/null
	cat "$WORK/lib-json.summary" >&2
	: >"$WORK/library"
	return 0
}

# lib_wait_log PATTERN COUNT: until more than COUNT lines of the
# subject's log match PATTERN, polled every 10 ms, 30 s at most.
lib_wait_log() {
	i=0
	while [ $i -lt 3000 ]; do
		[ "$(grep -c "$1" "$log")" -gt "$2" ] && return 0
		sleep 0.01
		i=$((i + 1))
	done
	return 1
}

# lib_run SHAPE N: one baseline run and one hecsentry run with the first
# N detections on the SHAPE stream; appends to $WORK/library
# "lib SHAPE N got sent cpu_us hwm_kib start_ms start_cpu_us reload_ms
# matches/alerts live_keys" and "base SHAPE N got sent cpu_us hwm_kib".
lib_run() {
	file="$WORK/lib-$1.log"
	log="$WORK/lib-base.log"
	: >"$log"
	$PIN_SUBJ "$BENCHBIN/hecsentry-baseline" -t 127.0.0.1:"$PORT" \
	    --idle 0 >"$WORK/baseline.out" 2>"$log" &
	SUBJ_PID=$!
	wait_listening baseline "$log"
	cpu0=$(cpu_ns "$SUBJ_PID")
	$PIN_SEND "$BENCHBIN/hecsentry-send" -p "$PORT" --repeat "$REPEAT" \
	    "$file" >"$WORK/send.out"
	sent=$(awk '{ print $4 }' "$WORK/send.out")
	settle "library baseline" snap_process
	echo "base $1 $2 $got $sent $(((cpu1 - cpu0) / 1000)) $hwm" \
	    >>"$WORK/library"

	log="$WORK/lib-hs.log"
	: >"$log"
	t0=$(now_ns)
	$PIN_SUBJ "$HECSENTRY" -c "$WORK/lib-$2.conf" \
	    --output file:/dev/null --listen-tcp 127.0.0.1:"$PORT" \
	    --window 60 2>"$log" &
	SUBJ_PID=$!
	i=0
	until listening "$PORT"; do
		i=$((i + 1))
		if [ $i -gt 3000 ] || ! kill -0 "$SUBJ_PID" 2>/dev/null; then
			echo "bench: hecsentry (library) did not start:" >&2
			tail -n 20 "$log" >&2
			exit 1
		fi
		sleep 0.01
	done
	t1=$(now_ns)
	cpu0=$(cpu_ns "$SUBJ_PID")
	$PIN_SEND "$BENCHBIN/hecsentry-send" -p "$PORT" --repeat "$REPEAT" \
	    "$file" >"$WORK/send.out"
	sent=$(awk '{ print $4 }' "$WORK/send.out")
	wait_consumed "$SUBJ_PID" "$log" "$sent" || true
	cpu1=$(cpu_ns "$SUBJ_PID")
	hwm=$(hwm_kib "$SUBJ_PID")
	got=$(frames_of "$SUBJ_PID" "$log")
	# SIGHUP with the same detections: loading and compiling them again
	# and swapping them in.
	n0=$(grep -c "reload done" "$log" || true)
	r0=$(now_ns)
	kill -HUP "$SUBJ_PID"
	if lib_wait_log "reload done" "$n0"; then
		r1=$(now_ns)
		reload=$(((r1 - r0) / 1000000))
	else
		reload=nan
	fi
	stop_subject
	# The counters of the exit: the events each detection's search
	# matched (before stats and any threshold after it), summed over
	# the detections, and the alerts (rows that passed the whole SPL).
	matches=$(awk '/ exiting$/ { exit }
	    /frames [0-9]+ \(tcp/ { m = 0; a = $0
		sub(/.* alerts /, "", a); sub(/,.*/, "", a) }
	    /: matches [0-9]+, rows [0-9]+,/ {
		sub(/.*: matches /, ""); sub(/,.*/, ""); m += $0 }
	    END { printf "%d/%d\n", m, a }' "$log")
	# The live stats keys when the stream was consumed: those of the
	# last SIGUSR1 summary, the one before the exit's (which comes
	# after the flush), summed over the detections' tables (not their
	# join subsearches'); what the peak RSS holds.
	keys=$(awk '/ exiting$/ { exit }
	    /frames [0-9]+ \(tcp/ { p = k; k = 0 }
	    /: matches [0-9]+, rows [0-9]+, live keys [0-9]+/ {
		sub(/.*, live keys /, ""); sub(/,.*/, ""); k += $0 }
	    END { printf "%d\n", p }' "$log")
	[ -n "$got" ] || got=0
	echo "lib $1 $2 $got $sent $(((cpu1 - cpu0) / 1000)) $hwm" \
	    "$(((t1 - t0) / 1000000)) $((cpu0 / 1000)) $reload $matches" \
	    "$keys" >>"$WORK/library"
	echo "  library $1, $2 detections: frames $got/$sent, cpu" \
	    "$(((cpu1 - cpu0) / 1000)) us, rss $hwm KiB, keys $keys, start" \
	    "$(((t1 - t0) / 1000000)) ms, reload $reload ms," \
	    "matches $matches" >&2
}

# lib_runs: every size on the JSON stream, all and 2 detections on the
# XML one, all on the short JSON one (json10k: LIB_KEYS_EVENTS events,
# 2200 by default, which leave about 10,000 live keys: the issue's memory
# target is peak RSS with 10k live keys), RUNS times.
lib_runs() {
	lib_setup || return 0
	r=1
	while [ $r -le "$RUNS" ]; do
		echo "bench: library run $r of $RUNS" \
		    "($LIB_ALL detections runnable)" >&2
		for n in $LIB_SIZES; do
			lib_run json "$n"
		done
		lib_run xml "$LIB_ALL"
		# The XML target of issue 13 is given with two detections.
		[ "$LIB_ALL" -le 2 ] || lib_run xml 2
		lib_run json10k "$LIB_ALL"
		r=$((r + 1))
	done
}

# lib_table: the medians, one row per stream and size.
lib_table() {
	echo "Library (every detection hecsentry runs from" \
	    "$(basename "$LIBRARY"), $LIB_ALL of them, on the library mix:" \
	    "$(sed -n 's/^by id: //p' "$WORK/lib-json.summary" | head -n 1);" \
	    "0.1 % hits; one worker, one core; the baseline reader in the" \
	    "same run; json10k: the stream's first ${LIB_KEYS_EVENTS:-2200}" \
	    "events, for the peak RSS with about 10k live keys):"
	echo
	echo "| stream | detections | CPU us/event | baseline us/event |" \
	    "events/s per core | peak RSS MiB | live keys |" \
	    "start-up ms (CPU ms) | reload ms |" \
	    "search matches / alerts per run |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for shape in json xml json10k; do
		for n in $LIB_SIZES; do
			awk -v s="$shape" -v n="$n" '$1 == "lib" && $2 == s &&
			    $3 == n' "$WORK/library" >"$WORK/sel"
			[ -s "$WORK/sel" ] || continue
			awk -v s="$shape" -v n="$n" '$1 == "base" &&
			    $2 == s && $3 == n' "$WORK/library" >"$WORK/selb"
			us=$(awk '{ print $6 / $4 }' "$WORK/sel" | median)
			bus=$(awk '{ print $6 / $4 }' "$WORK/selb" | median)
			eps=$(awk '{ print $4 / ($6 / 1e6) }' "$WORK/sel" |
			    median)
			rss=$(awk '{ print $7 / 1024 }' "$WORK/sel" | median)
			keys=$(awk '{ print $12 + 0 }' "$WORK/sel" | median)
			st=$(awk '{ print $8 }' "$WORK/sel" | median)
			stc=$(awk '{ print $9 / 1000 }' "$WORK/sel" | median)
			rl=$(awk '{ print $10 }' "$WORK/sel" | median)
			m=$(awk '{ split($11, f, "/"); print f[1] }' \
			    "$WORK/sel" | median)
			rw=$(awk '{ split($11, f, "/"); print f[2] }' \
			    "$WORK/sel" | median)
			printf '| %s | %s | %.3f | %.3f | %.0f | %.1f | %.0f |' \
			    "$shape" "$n" "$us" "$bus" "$eps" "$rss" "$keys"
			printf ' %.0f (%.0f) | %s | %s / %s |\n' "$st" \
			    "$stc" "$rl" "$m" "$rw"
		done
	done
}
