#!/bin/sh
# First-seen alerts (issue 15.4) through the daemon to the fake HEC
# receiver: with emit = first+close and 10 s windows, one mail event
# makes a first-seen alert (emit_reason "first", count 1) that reaches
# HEC before its window closes, then the row at window close
# (emit_reason "window") with the same alert_id; /metrics has the alert
# latency histogram for both, which this test prints.  emit_close
# takes a detection back to close only.  Expected values: README
# "First-seen alerts" and hecsentry.conf(5).  Every wait is bounded and
# waits on a condition.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
TOKEN=first-test-token
WRAPPER=""
WIN=10
WINDOW=$WIN

need_tools first logger jq curl

daemon() { hec_daemon first "$@"; }

# Waits (at most one window) until at least 6 s of the current window
# are left, so that the first-seen alert has them to arrive in.
window_start_wait() {
	i=0
	while [ $(($(date +%s) % WIN)) -gt $((WIN - 6)) ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

reason_lines() { grep -c "\"emit_reason\":\"$1\"" "$2" 2>/dev/null || true; }

# --- emit = first+close ---
start_receiver first
daemon --set emit=first+close
check "first: the load logs the first-seen count" 1 \
    "$(grep -c 'first-seen alerts: [0-9]* detection' "$work/daemon.log")"
window_start_wait
send_mail 0 1 first
if wait_more "$work/first.out" '"emit_reason":"first"' 0 50; then
	seen=$(date +%s)
	nf=$(reason_lines first "$work/first.out")
	nw=$(reason_lines window "$work/first.out")
	check "first: the first-seen alert came alone (no closed row yet)" \
	    "1 0" "$nf $nw"
	wend=$(jq -r 'select(.event.emit_reason == "first") |
	    .event.window_end' "$work/first.out")
	wend_s=$(date -u -d "$wend" +%s 2>/dev/null || echo 0)
	check_eval "first: it arrived before its window closed ($seen < $wend_s)" \
	    '[ "$seen" -lt "$wend_s" ]'
else
	not_ok "first: no first-seen alert within 5 s"
fi
check "first: the row after its one event" "1|first|ws-7.corp.example" \
    "$(jq -r 'select(.event.emit_reason == "first") |
    "\(.event.count)|\(.event.emit_reason)|\(.host)"' "$work/first.out")"
wait_more "$work/first.out" '"emit_reason":"window"' 0 $((WIN * 10 + 50)) ||
    not_ok "first: no closed row within $((WIN + 5)) s"
ids=$(jq -rs 'map(.event.alert_id, .fields.alert_id) | unique | length' \
    "$work/first.out")
order=$(jq -rs 'map(.event.emit_reason) | join(" ")' "$work/first.out")
check "first: the closed row follows, linked by alert_id" "1 first window" \
    "$ids $order"
# The counters are published, not read live: poll, bounded.
i=0
while [ $i -lt 50 ]; do
	http_get "http://127.0.0.1:$((PORT + 1))/metrics" "$work/metrics" \
	    >/dev/null
	[ "$(metric "$work/metrics" \
	    'hecsentry_alert_latency_seconds_count{emit_reason="close"')" \
	    -ge 1 ] && break
	sleep 0.1
	i=$((i + 1))
done
for k in first close; do
	n=$(metric "$work/metrics" \
	    "hecsentry_alert_latency_seconds_count{emit_reason=\"$k\"")
	inf=$(metric "$work/metrics" \
	    "hecsentry_alert_latency_seconds_bucket{le=\"+Inf\",emit_reason=\"$k\"")
	check "first: latency histogram counts the $k alert" "1 1" "$n $inf"
done
check "first: metrics count the first-seen row" 1 \
    "$(metric "$work/metrics" hecsentry_first_rows_total)"
echo "# alert latency (arrival to HEC acceptance) of this run:"
grep '^hecsentry_alert_latency_seconds' "$work/metrics" | sed 's/^/# /'
stop_daemon "first" 100
kill "$RPID" 2>/dev/null

# --- emit_close wins over emit = first+close ---
start_receiver close
daemon --set emit=first+close \
    --set "emit_close=windows mail protocol*"
send_mail 0 1 close
wait_more "$work/close.out" . 0 $((WIN * 10 + 50)) ||
    not_ok "emit_close: no row within $((WIN + 5)) s"
check "emit_close: the closed row only" "window" \
    "$(jq -r '.event.emit_reason' "$work/close.out")"
stop_daemon "emit_close" 100
kill "$RPID" 2>/dev/null

if ! summary first; then
	echo "---- daemon log ----"; cat "$work/daemon.log"
	exit 1
fi
exit 0
