#!/bin/sh
# More than one machine (issue 13, item 5): the real HAProxy in TCP mode
# with `balance source` in front of two hecsentry instances, each sending
# its rows to a HEC receiver of its own.  A generated stream (hecsentry-gen,
# hits on 8 hosts) is cut by sending host into 8 parts, each sent from its
# own client address 127.0.0.10..17 (hecsentry-send --bind), as 8
# forwarders would.  HAProxy keeps every address on one instance, and every
# key of the shipped detections holds the sending host (SourceHostname),
# so each key's events reach one instance: the keys of the two instances
# are disjoint and both get some.  The rows of both, merged as the README's
# search does (dedup alert_id, then per detection and by-fields the sum of
# count, min firstTime, max lastTime), equal the rows of one instance that
# got the whole stream, merged the same way; the counts add up to the hits
# hecsentry-gen reports.  haproxy is a hard requirement (scripts/deps.sh
# installs it): the test fails, not skips, without it.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
TOKEN=balance-test-token
NPART=8

need_tools balance haproxy jq awk curl
for b in hecsentry bench/hecsentry-gen bench/hecsentry-send \
    tests/func/hec_receiver; do
	wait_built balance "$top_builddir/$b"
done

"$top_builddir/bench/hecsentry-gen" -n 6000 --hits 0.05 --keys 40 \
    --hit-hosts "$NPART" --shape mix -o "$work/stream" 2>"$work/gen.log" ||
    { cat "$work/gen.log"; exit 1; }
hits=$(sed -n 's/^hits \([0-9]*\) .*/\1/p' "$work/gen.log")
# Part i holds the frames of the hosts ws-N with N % 8 == i (the RFC 5424
# header's HOSTNAME, field 3 of an LF frame).
awk -v n="$NPART" -v d="$work" '{ h = $3; sub(/^ws-0*/, "", h);
    print > (d "/part." (h % n)) }' "$work/stream"

# listening PORT: 127.0.0.1:PORT is in LISTEN state (/proc/net/tcp).
listening() {
	awk -v p="$(printf '0100007F:%04X' "$1")" \
	    '$2 == p && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

# launch_inst: hecsentry (shipped configuration) on 127.0.0.1:$PORT,
# its rows to the receiver on $HECPORT, log in $work/$INST.log.
launch_inst() {
	HECSENTRY_HEC_TOKEN=$TOKEN "$top_builddir/hecsentry" \
	    -c "$top_srcdir/conf/hecsentry.conf" \
	    --listen-tcp "127.0.0.1:$PORT" --listen-udp "127.0.0.1:$PORT" \
	    --output hec --hec-url "http://127.0.0.1:$HECPORT" --window 1 \
	    --set hec_batch_ms=100 --set hec_retry_min_ms=100 \
	    --admin-listen "127.0.0.1:$((PORT + 1))" \
	    2>"$work/$INST.log" &
}
# Ready once it runs with its own admin port: when PORT + 1 is taken the
# daemon runs without one ("running without the admin port"), /metrics
# then read 0 frames for it (seen once under load), and start_daemon
# tries another port.
ready='grep -q "running:.*admin port 127.0.0.1:$((PORT + 1))" \
    "$work/$INST.log" 2>/dev/null'

# start_inst NAME: a receiver NAME.out and an instance NAME; sets
# NAME_PID and NAME_PORT.
start_inst() {
	start_receiver "rx-$1"
	INST=$1
	DPID=""
	if ! start_daemon 100 "$ready" launch_inst; then
		cat "$work/$1.log"
		echo "balance: instance $1 did not start"
		exit 1
	fi
	track "$DPID"
	eval "$1_PID=$DPID $1_PORT=$PORT"
	DPID=""
}

# stop_inst NAME: SIGTERM (the windows are flushed and delivered), at
# most 15 s.
stop_inst() {
	DPID=$(eval echo "\$$1_PID")
	stop_daemon "instance $1" 150
}

launch_haproxy() {
	sed "s/@PORT@/$PORT/; s/@A@/$a_PORT/; s/@B@/$b_PORT/" \
	    "$work/haproxy.cfg.in" >"$work/haproxy.cfg"
	haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
}

start_inst a
start_inst b
cat >"$work/haproxy.cfg.in" <<'EOF'
global
	maxconn 256
defaults
	mode tcp
	timeout connect 5s
	timeout client 60s
	timeout server 60s
frontend syslog
	bind 127.0.0.1:@PORT@
	default_backend hecsentry
backend hecsentry
	balance source
	hash-type consistent
	server a 127.0.0.1:@A@ check
	server b 127.0.0.1:@B@ check
EOF
if ! start_daemon 50 'listening $PORT' launch_haproxy; then
	cat "$work/haproxy.log"
	echo "balance: haproxy did not start"
	exit 1
fi
track "$DPID"
HAPID=$DPID
HAPORT=$PORT
DPID=""
ok "haproxy (balance source) on 127.0.0.1:$HAPORT before 2 instances"

i=0
while [ $i -lt "$NPART" ]; do
	"$top_builddir/bench/hecsentry-send" --bind "127.0.0.$((10 + i))" \
	    -p "$HAPORT" --wait 30 "$work/part.$i" >/dev/null ||
	    not_ok "send part $i from 127.0.0.$((10 + i))"
	i=$((i + 1))
done

frames() {
	curl -fsS --max-time 5 "http://127.0.0.1:$(($1 + 1))/metrics" \
	    2>/dev/null | awk '/^hecsentry_frames_total/ { s += $NF }
	    END { printf "%d\n", s }'
}
fa=$(frames "$a_PORT")
fb=$(frames "$b_PORT")
check "frames of both instances add up to the stream" \
    "$(wc -l <"$work/stream" | tr -d ' ')" "$((fa + fb))"
check_eval "both instances got frames (a $fa, b $fb)" \
    '[ "$fa" -gt 0 ] && [ "$fb" -gt 0 ]'
stop_inst a
stop_inst b
kill -TERM "$HAPID" 2>/dev/null

# The reference: one instance, the whole stream on one connection.
start_inst one
"$top_builddir/bench/hecsentry-send" -p "$one_PORT" --wait 30 \
    "$work/stream" >/dev/null || not_ok "send the stream to one instance"
stop_inst one

# merge FILE...: the README's merge search over the HEC events of FILEs.
merge() {
	jq -s -S -c 'unique_by(.fields.alert_id) | map(.event)
	    | group_by([.detection, (del(.count, .firstTime, .lastTime,
	        .window_start, .window_end, .emit_reason, .alert_id,
	        .drilldown_earliest, .drilldown_latest, .arrival_time)
	        | tostring)])
	    | map(.[0] + {count: (map(.count) | add),
	        firstTime: (map(.firstTime) | min),
	        lastTime: (map(.lastTime) | max)}
	        | del(.window_start, .window_end, .emit_reason, .alert_id,
	        .drilldown_earliest, .drilldown_latest, .arrival_time))
	    | sort_by(tostring)' "$@"
}
# keys FILE: the sorted keys (detection and by-fields) of FILE's rows.
keys() {
	jq -r '.event | del(.count, .firstTime, .lastTime, .window_start,
	    .window_end, .emit_reason, .alert_id, .drilldown_earliest,
	    .drilldown_latest, .arrival_time) | tostring' "$1" | sort -u
}
touch "$work/rx-a.out" "$work/rx-b.out" "$work/rx-one.out"
merge "$work/rx-a.out" "$work/rx-b.out" >"$work/pair.json"
merge "$work/rx-one.out" >"$work/one.json"
na=$(keys "$work/rx-a.out" | wc -l | tr -d ' ')
nb=$(keys "$work/rx-b.out" | wc -l | tr -d ' ')
check_eval "both instances emitted rows (a $na keys, b $nb keys)" \
    '[ "$na" -gt 0 ] && [ "$nb" -gt 0 ]'
check "no key on both instances (balance source keeps each host on one)" \
    "" "$(keys "$work/rx-a.out" >"$work/ka"; keys "$work/rx-b.out" \
    >"$work/kb"; comm -12 "$work/ka" "$work/kb")"
# 40 keys (--keys 40); a shape without DestinationPortName gives some of
# them a second row with null there (README, Stats and alerts).
check_eval "one instance: at least 40 rows (hecsentry-gen --keys 40)" \
    '[ "$(jq length "$work/one.json")" -ge 40 ]'
check "one instance: the counts add up to the hits" "$hits" \
    "$(jq 'map(.count) | add' "$work/one.json")"
if cmp -s "$work/pair.json" "$work/one.json"; then
	ok "merged rows of the 2 instances equal the rows of one"
else
	not_ok "merged rows of the 2 instances equal the rows of one"
	jq -c '.[]' "$work/pair.json" >"$work/pair.rows"
	jq -c '.[]' "$work/one.json" >"$work/one.rows"
	diff "$work/pair.rows" "$work/one.rows" | cut -c 1-300 | head -n 20
fi
summary balance
