# The "first" scenario of `make bench` (issue 15, item 4), sourced by
# bench/run.sh, whose helpers it uses (listening, wait_listening,
# wait_consumed, stop_subject, median, the PIN_ variables): first-seen
# alerts under the bench's load.  hecsentry runs at default settings
# (the shipped configuration, one worker, 60 s windows, HEC batches of
# hec_batch_ms 1000) with emit = first+close and HEC output to the test
# HEC receiver (tests/func/hec_receiver, plain HTTP on 127.0.0.1); the
# default mix with 2 % hits over 1000 keys is sent REPEAT times at full
# speed over one connection.  Once the stream is consumed and every
# first-seen row has been accepted by HEC, the run reads
# hecsentry_alert_latency_seconds{emit_reason="first"} from /metrics (the
# time from the frame's arrival to HEC's acceptance) and keeps its p99
# (the upper bound of the bucket holding it) and its mean.  Medians of
# RUNS; the last run's histogram goes to $WORK/first.hist.
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

RECEIVER=${RECEIVER:-tests/func/hec_receiver}
FIRST_TOKEN=bench-first-token

# first_metrics FILE: /metrics of the subject (admin port $APORT) into
# FILE; false, FILE unchanged, when the admin port does not answer.
first_metrics() {
	curl -s --max-time 5 -o "$1.tmp" "http://127.0.0.1:$APORT/metrics" \
	    2>/dev/null && mv "$1.tmp" "$1"
}

# first_sample FILE NAME: the value of the sample NAME (with its labels)
# in FILE, 0 when absent.
first_sample() {
	[ -f "$1" ] || { echo 0; return 0; }
	awk -v m="$2" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }' \
	    "$1"
}

# first_p99 FILE: the upper bound (s) of the bucket holding the p99 of
# the first-seen alert latency in FILE, "+Inf" above every bound.
first_p99() {
	awk 'index($0, "hecsentry_alert_latency_seconds_bucket{le=\"") == 1 &&
	    index($0, "emit_reason=\"first\"") > 0 {
		split($0, a, "\""); le[++n] = a[2]; c[n] = $NF }
	    END { if (n == 0 || c[n] == 0) { print "nan"; exit }
		want = c[n] * 0.99
		for (i = 1; i <= n; i++) if (c[i] >= want) { print le[i]; exit } }' \
	    "$1"
}

# first_run FILE: one run; appends "alerts p99_s mean_ms frames" to
# $WORK/first.
first_run() {
	file=$1
	log="$WORK/first.log"
	"$RECEIVER" --listen 127.0.0.1 --port 0 \
	    --port-file "$WORK/first.port" --token "$FIRST_TOKEN" \
	    --out /dev/null --max-seconds 600 2>"$WORK/first.rx" &
	rx=$!
	i=0
	until [ -s "$WORK/first.port" ] || [ $i -gt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# The admin port: $PORT + 1, or another when that one is taken (the
	# daemon then runs without it); up to 5 tries.
	t=0
	rm -f "$WORK/first.metrics"
	while :; do
		APORT=$((PORT + 1 + t * 11))
		HECSENTRY_HEC_TOKEN=$FIRST_TOKEN $PIN_SUBJ "$HECSENTRY" \
		    -c "$CONF" --set emit=first+close --output hec \
		    --hec-url "http://127.0.0.1:$(cat "$WORK/first.port")" \
		    --listen-tcp 127.0.0.1:"$PORT" \
		    --listen-udp 127.0.0.1:"$PORT" \
		    --admin-listen 127.0.0.1:"$APORT" 2>"$log" &
		SUBJ_PID=$!
		wait_listening hecsentry "$log"
		i=0
		until first_metrics "$WORK/first.metrics" || [ $i -ge 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -f "$WORK/first.metrics" ] && break
		stop_subject
		t=$((t + 1))
		if [ $t -ge 5 ]; then
			echo "bench: first: no admin port answered" >&2
			exit 1
		fi
	done
	$PIN_SEND "$BENCHBIN/hecsentry-send" -p "$PORT" --repeat "$REPEAT" \
	    -c 1 "$file" >"$WORK/send.out" ||
	    echo "bench: hecsentry-send failed" >&2
	sent=$(awk '{ print $4 }' "$WORK/send.out")
	wait_consumed "$SUBJ_PID" "$log" "$sent" || true
	# Every first-seen row accepted (bounded: 30 s).
	i=0
	while [ $i -lt 300 ]; do
		first_metrics "$WORK/first.metrics" || true
		rows=$(first_sample "$WORK/first.metrics" \
		    hecsentry_first_rows_total)
		acc=$(first_sample "$WORK/first.metrics" \
		    'hecsentry_alert_latency_seconds_count{emit_reason="first"}')
		[ "$rows" -gt 0 ] && [ "$acc" -ge "$rows" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ "$acc" -ge "$rows" ] ||
	    echo "bench: first: $acc of $rows first-seen alerts accepted" >&2
	sum=$(first_sample "$WORK/first.metrics" \
	    'hecsentry_alert_latency_seconds_sum{emit_reason="first"}')
	p99=$(first_p99 "$WORK/first.metrics")
	got=$(frames_of "$SUBJ_PID" "$log")
	grep '^hecsentry_alert_latency_seconds' "$WORK/first.metrics" \
	    >"$WORK/first.hist"
	stop_subject
	kill -TERM "$rx" 2>/dev/null || true
	wait "$rx" 2>/dev/null || true
	rm -f "$WORK/first.port"
	mean=$(awk -v s="$sum" -v n="$acc" 'BEGIN {
	    printf "%.1f\n", (n > 0 ? 1000 * s / n : 0) }')
	echo "$acc $p99 $mean ${got:-0}/$sent" >>"$WORK/first"
	echo "  hecsentry, emit first+close: $acc first-seen alerts," \
	    "p99 <= $p99 s, frames ${got:-0}/$sent" >&2
}

# first_runs: RUNS runs, or nothing (with a note) without the receiver.
first_runs() {
	if [ ! -x "$RECEIVER" ] || ! command -v curl >/dev/null 2>&1; then
		echo "bench: first: no $RECEIVER (make check builds it) or" \
		    "no curl: skipped" >&2
		return 0
	fi
	"$BENCHBIN/hecsentry-gen" -n "$EVENTS" --shape winlogbeat \
	    --framing lf --hits 0.02 --keys 1000 --seed 5 \
	    -o "$WORK/first.stream" 2>"$WORK/first.summary"
	r=1
	while [ $r -le "$RUNS" ]; do
		echo "bench: first run $r of $RUNS" >&2
		first_run "$WORK/first.stream"
		r=$((r + 1))
	done
}

# first_table: the results section's lines, from $WORK/first.
first_table() {
	n=$(awk '{ print $1 }' "$WORK/first" | median)
	p99=$(awk '$2 != "nan" && $2 != "+Inf" { print $2 }' "$WORK/first" |
	    median)
	worst=$(awk '$2 == "+Inf" { w = "+Inf" } $2 != "nan" && $2 != "+Inf" &&
	    $2 + 0 > m { m = $2 + 0 } END { print w != "" ? w : m }' \
	    "$WORK/first")
	mean=$(awk '{ print $3 }' "$WORK/first" | median)
	echo "First-seen alerts (emit = first+close, otherwise default" \
	    "settings, HEC to the test receiver on 127.0.0.1; default mix" \
	    "with 2 % hits over 1000 keys, sent $REPEAT times over one" \
	    "connection): $(head -n 1 "$WORK/first.summary")."
	echo
	echo "| scenario | first-seen alerts | p99 arrival to HEC s" \
	    "(bucket bound) | worst run p99 s | mean ms |"
	echo "|---|---:|---:|---:|---:|"
	printf '| first+close | %.0f | %s | %s | %.1f |\n' "$n" "$p99" \
	    "$worst" "$mean"
	echo
	awk -v w="$worst" 'BEGIN {
	    printf "Target (issue 15.4): first-seen alerts reach HEC within "
	    printf "1 s at p99: "
	    if (w == "+Inf" || w + 0 > 1) printf "NOT met (%s s).\n", w
	    else printf "met (p99 <= %s s in every run).\n", w }'
	echo
	echo "The last run's histogram:"
	echo
	echo '```'
	cat "$WORK/first.hist"
	echo '```'
}
