#!/bin/sh
# Delivery under faults: the daemon on loopback, fed a steady stream of
# Sysmon network events over TCP (each one a distinct mail-detection row),
# delivering to the fault-injecting HEC receiver of the test tree, with a
# spool.  Scenarios: 30% 503 and 10% cut connections; HEC down for 20 s in
# the middle of the stream; kill -9 three times during the stream and
# restarts on the same spool; indexer acks with 10% of ack ids never true;
# two HEC URLs, one of which dies; a spool truncated mid-record and one
# with a flipped byte; a token refused for a while; 413s and a 400 with
# invalid-event-number.  In each, every alert id must arrive (at least
# once) and, duplicates removed by alert id, the merged rows must be the
# expected ones.  Each prints its duplicate rate.  Every wait is bounded.
set -u
RECEIVER_SECONDS=170
. "${top_srcdir:-.}/tests/func/lib.sh"
TOKEN=faults-test-token

need_tools faults logger jq

# ids FILE...: distinct alert ids received.
ids() {
	cat "$@" 2>/dev/null | jq -r '.fields.alert_id' | sort -u | grep -c .
}

# wait_ids N TENTHS FILE...: until N distinct alert ids arrived, bounded.
wait_ids() {
	n=$1
	t=$2
	shift 2
	i=0
	while [ $i -lt "$t" ]; do
		[ "$(ids "$@")" -ge "$n" ] && return 0
		sleep 0.5
		i=$((i + 5))
	done
	return 1
}

# receiver NAME [OPTIONS...]: starts a receiver, sets RPID and HECPORT.
receiver() { start_receiver "$@"; }

# daemon LOG [OPTIONS...]: starts hecsentry with a spool, quick retries
# and 1 s windows; sets DPID and PORT.  Bounded tries for a free port,
# each given 30 s to say it runs (start-up under ASan and load is slow).
launch() {
	HECSENTRY_HEC_TOKEN=$TOKEN "$top_builddir/hecsentry" \
	    -c "$top_srcdir/conf/hecsentry.conf" \
	    --listen-tcp "127.0.0.1:$PORT" \
	    --listen-udp "127.0.0.1:$PORT" --admin-listen "" \
	    --output hec --window 1 --spool-dir "$work/spool" \
	    --set hec_batch_ms=100 --set hec_retry_min_ms=50 \
	    --set hec_retry_max_ms=1000 --set hec_batch_events=20 \
	    --set hec_health_interval=1 --set hec_timeout=3 \
	    --set shutdown_timeout=15 "$@" 2>>"$log" &
}
daemon() {
	log=$1
	shift
	started=$(grep -c "running" "$log" 2>/dev/null)
	started=${started:-0}
	if start_daemon 300 \
	    '[ "$(grep -c running "$log" 2>/dev/null)" -gt "$started" ]' \
	    launch "$@"; then
		track "$DPID"
		return 0
	fi
	cat "$log"
	echo "faults: the daemon did not start"
	exit 1
}

# send FROM TO: events FROM..TO-1, one distinct mail-detection row each.
send() { send_mail "$1" "$2" fault; }

# stream FROM TO STEP PAUSE: send in chunks of STEP, PAUSE s apart.
stream() {
	s=$1
	while [ "$s" -lt "$2" ]; do
		e=$((s + $3))
		[ $e -gt "$2" ] && e=$2
		send "$s" "$e"
		s=$e
		sleep "$4"
	done
}

# verify NAME N FILE...: every one of N rows arrived; with duplicates
# removed by alert id, the merged rows are m0..m(N-1), count 1 each.
verify() {
	name=$1
	n=$2
	shift 2
	cat "$@" >"$work/all.out" 2>/dev/null
	lines=$(grep -c . "$work/all.out")
	distinct=$(ids "$work/all.out")
	check "$name: distinct alert ids" "$n" "$distinct"
	merged=$(jq -s -c 'unique_by(.fields.alert_id)
	    | group_by(.event.Image)
	    | map({n: (.[0].event.Image | ltrimstr("C:\\Users\\fault\\m")
	        | rtrimstr(".exe") | tonumber),
	        count: (map(.event.count) | add),
	        detection: .[0].event.detection})
	    | sort_by(.n)' "$work/all.out")
	want=$(jq -n -c --argjson n "$n" '[range(0; $n) | {n: ., count: 1,
	    detection: "Windows Mail Protocol In Non-Common Process Path"}]')
	if [ "$merged" = "$want" ]; then
		ok "$name: merged rows are the expected $n"
	else
		not_ok "$name: merged rows differ from the expected $n"
		printf "%s\n" "$merged" | head -c 2000
		echo
	fi
	if [ "$distinct" -gt 0 ]; then
		awk -v l="$lines" -v d="$distinct" -v s="$name" 'BEGIN {
		    f = "# %s: %d events for %d alerts, duplicate rate %.1f%%\n"
		    printf(f, s, l, d, (l - d) * 100 / d) }'
	fi
}

reset() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	pids=""
	rm -rf "$work/spool" "$work"/*.out "$work"/*.port "$work"/*.log
}

# 1. 30% 503 and 10% cut connections during a steady stream.
scenario_flaky() {
	reset
	receiver flaky --fail-rate 0.3:503 --cut-rate 0.1 --seed 7
	daemon "$work/d1.log" --hec-url "http://127.0.0.1:$HECPORT"
	stream 0 300 50 0.4
	wait_ids 300 400 "$work/flaky.out" || not_ok "flaky: all ids in 40 s"
	stop_daemon flaky 200
	verify flaky 300 "$work/flaky.out"
	grep -q "HTTP 503" "$work/d1.log" && ok "flaky: 503s were retried" ||
	    not_ok "flaky: 503s were retried"
}

# 2. HEC down for 20 s in the middle of the stream.
scenario_outage() {
	reset
	receiver outage --down 3:23
	daemon "$work/d2.log" --hec-url "http://127.0.0.1:$HECPORT"
	stream 0 260 10 1
	wait_ids 260 300 "$work/outage.out" || not_ok "outage: all ids in 30 s"
	stop_daemon outage 200
	verify outage 260 "$work/outage.out"
	grep -q "ejected" "$work/d2.log" && grep -q "healthy again" "$work/d2.log" &&
	    ok "outage: endpoint ejected and probed back" ||
	    not_ok "outage: endpoint ejected and probed back"
}

# spooled_or_sent: distinct alert ids in the spool's segments or received
# (the spool keeps each alert's HEC JSON as it is, so its ids can be read).
spooled_or_sent() {
	{ cat "$work/spool"/*.seg 2>/dev/null |
	    grep -a -o '"alert_id":"[^"]*"' | sed 's/^"alert_id":"//; s/"$//'
	  jq -r '.fields.alert_id' "$work/slow.out" 2>/dev/null
	} | sort -u | grep -c .
}

# 3. kill -9 three times during the stream, restarted on the same spool;
# slow answers keep alerts in the spool at each kill.  Each kill waits,
# bounded, until every alert of its run is in the spool (a fixed sleep
# lost the race under load: an alert still in an open window when the
# process is killed was never an alert), and notes whether at least two
# batches (1 s of the slow receiver) were still undelivered: each such
# kill must be followed by a replay at the next start (a kill with less
# undelivered may or may not be).
scenario_kill9() {
	reset
	receiver slow --delay-ms 500
	held=0
	for run in 1 2 3; do
		daemon "$work/d3.log" --hec-url "http://127.0.0.1:$HECPORT" \
		    --set hec_max_inflight=1 --set hec_batch_events=10
		stream $(((run - 1) * 80)) $((run * 80)) 40 0.2
		i=0
		while [ "$(spooled_or_sent)" -lt $((run * 80)) ] &&
		    [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ "$(ids "$work/slow.out")" -le $((run * 80 - 20)) ] &&
		    held=$((held + 1))
		kill -9 "$DPID"
		wait "$DPID" 2>/dev/null
		check "kill9: run $run's alerts were spooled before the kill" \
		    $((run * 80)) "$(spooled_or_sent)"
	done
	daemon "$work/d3.log" --hec-url "http://127.0.0.1:$HECPORT" \
	    --set hec_max_inflight=1 --set hec_batch_events=10
	# At least one replay line per kill that held alerts; more when a
	# start was tried again (a port taken, or not running within the
	# bounded wait): each try opens the spool and says what it holds.
	replays=$(grep -c "alerts to send again" "$work/d3.log")
	[ "$replays" -ge "$held" ] &&
	    ok "kill9: each restart replays what the spool held" ||
	    not_ok "kill9: $replays replays for $held kills holding alerts"
	[ "$held" -gt 0 ] && ok "kill9: a kill found undelivered alerts" ||
	    not_ok "kill9: a kill found undelivered alerts"
	stream 240 320 40 0.2
	wait_ids 320 450 "$work/slow.out" || not_ok "kill9: all ids in 45 s"
	stop_daemon kill9 200
	verify kill9 320 "$work/slow.out"
}

# 4. Indexer acks, 10% of ack ids never true: resent after the timeout.
scenario_acks() {
	reset
	receiver acks --acks --ack-never-rate 0.1 --ack-delay-ms 100 --seed 3
	daemon "$work/d4.log" --hec-url "http://127.0.0.1:$HECPORT" \
	    --set hec_acks=yes --set hec_ack_timeout=1 --set hec_ack_poll_ms=100 \
	    --set hec_batch_events=5
	stream 0 200 50 0.4
	wait_ids 200 200 "$work/acks.out" || not_ok "acks: all ids in 20 s"
	stop_daemon acks 200
	verify acks 200 "$work/acks.out"
	grep -q "no ack for ackId" "$work/d4.log" &&
	    ok "acks: unacknowledged batches were sent again" ||
	    not_ok "acks: unacknowledged batches were sent again"
}

# 5. Two HEC URLs, one of which dies during the stream.
scenario_failover() {
	reset
	receiver a
	APORT=$HECPORT
	APID=$RPID
	receiver b
	daemon "$work/d5.log" --hec-url "http://127.0.0.1:$APORT" \
	    --hec-url "http://127.0.0.1:$HECPORT"
	stream 0 120 40 0.4
	kill -9 "$APID"
	stream 120 300 40 0.4
	wait_ids 300 300 "$work/a.out" "$work/b.out" ||
	    not_ok "failover: all ids in 30 s"
	stop_daemon failover 200
	verify failover 300 "$work/a.out" "$work/b.out"
	[ "$(grep -c . "$work/a.out")" -gt 0 ] && [ "$(grep -c . "$work/b.out")" \
	    -gt 0 ] && ok "failover: both URLs took traffic" ||
	    not_ok "failover: both URLs took traffic"
	grep -q "ejected" "$work/d5.log" && ok "failover: the dead URL is ejected" ||
	    not_ok "failover: the dead URL is ejected"
}

# 6. A spool whose newest segment is truncated mid-record, then one with
# a flipped byte: the damage is skipped, counted and logged, the rest is
# delivered.  Alerts are spooled with HEC unreachable first.
scenario_spool() {
	for damage in truncated flipped; do
		reset
		receiver dead
		DEADPORT=$HECPORT
		kill -9 "$RPID"
		daemon "$work/d6.log" --hec-url "http://127.0.0.1:$DEADPORT" \
		    --set shutdown_timeout=1
		stream 0 100 50 0.2
		sleep 2.5
		stop_daemon "$damage spool: first run" 200
		seg=$(ls "$work/spool"/*.seg 2>/dev/null | tail -n 1)
		if [ -z "$seg" ]; then
			not_ok "$damage spool: a segment was written"
			continue
		fi
		size=$(wc -c <"$seg")
		if [ $damage = truncated ]; then
			truncate -s $((size - 30)) "$seg"
		else
			printf '\377' | dd of="$seg" bs=1 seek=$((size / 2)) \
			    conv=notrunc 2>/dev/null
		fi
		receiver good
		daemon "$work/d6.log" --hec-url "http://127.0.0.1:$HECPORT"
		wait_ids 99 150 "$work/good.out" ||
		    not_ok "$damage spool: 99 ids in 15 s"
		stop_daemon "$damage spool: second run" 200
		check "$damage spool: intact alerts delivered" 99 \
		    "$(ids "$work/good.out")"
		grep -qi "damaged\|corrupt" "$work/d6.log" &&
		    ok "$damage spool: the damage is logged" ||
		    not_ok "$damage spool: the damage is logged"
	done
}

# 7. A token refused (403) for the first 4 s, then right: data stays
# queued and goes out once the token works.
scenario_token() {
	reset
	receiver token --token-ok-after 4
	daemon "$work/d7.log" --hec-url "http://127.0.0.1:$HECPORT"
	stream 0 100 50 0.5
	wait_ids 100 150 "$work/token.out" || not_ok "token: all ids in 15 s"
	stop_daemon token 200
	verify token 100 "$work/token.out"
	grep -q "REFUSES THE TOKEN" "$work/d7.log" &&
	    ok "token: the refused token is logged loudly" ||
	    not_ok "token: the refused token is logged loudly"
}

# 8. 413 above 3000 bytes and one event refused with invalid-event-number:
# batches are split, the invalid alert goes to the dead-letter file and
# the events before it in its batch are not sent twice.
scenario_refused() {
	reset
	receiver refused --max-bytes 3000 --invalid-at 50
	daemon "$work/d8.log" --hec-url "http://127.0.0.1:$HECPORT" \
	    --set hec_gzip=no
	stream 0 120 60 0.5
	wait_ids 119 150 "$work/refused.out" ||
	    not_ok "refused: 119 ids in 15 s"
	stop_daemon refused 200
	check "refused: one alert dead-lettered" 1 \
	    "$(grep -c . "$work/spool/dead-letter.jsonl" 2>/dev/null)"
	cat "$work/spool/dead-letter.jsonl" >>"$work/refused.out" 2>/dev/null
	verify refused 120 "$work/refused.out"
	check "refused: no duplicates" "$(grep -c . "$work/refused.out")" \
	    "$(ids "$work/refused.out")"
}

# FAULTS_ONLY="kill9 acks" runs some scenarios only.
for sc in flaky outage kill9 acks failover spool token refused; do
	case " ${FAULTS_ONLY:-$sc} " in
	*" $sc "*) "scenario_$sc" ;;
	esac
done

if ! summary faults; then
	for f in "$work"/d*.log; do
		echo "---- $f ----"; tail -n 30 "$f"
	done
	exit 1
fi
exit 0
