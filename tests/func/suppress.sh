#!/bin/sh
# Suppression (issue 15.3) through the daemon to the fake HEC receiver,
# with a spool directory (the suppression state lives beside the spool):
# with "suppress = windows mail protocol* fields=Image period=1h" the
# mail detection's row for an Image that already alerted is not sent and
# is counted in /metrics, in the risk format too (none of its risk events
# go out); that still holds after a restart and after kill -9 (a key
# recorded just before the kill included); a row of a new Image is sent.
# With period=2s the same row is sent again once the key expired.  A bad
# rule is refused by --check-config; a rule naming no detection is
# logged.  Expected values: README "Using
# hecsentry with Splunk Enterprise Security" and hecsentry.conf(5).
# Every wait is on a condition, bounded.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
TOKEN=suppress-test-token
WRAPPER=""
RECEIVER_SECONDS=600
RULE="windows mail protocol* fields=Image period=1h"

need_tools suppress logger jq curl

# images FILE: the Image of each alert received, sorted, one a line.
images() {
	jq -r '.event.Image' "$1" 2>/dev/null | sed 's/.*\\//' | sort
}

daemon() {
	: >"$work/daemon.log"
	if start_daemon 300 'grep -q running "$work/daemon.log" 2>/dev/null &&
	    [ "$(http_get "http://127.0.0.1:$((PORT + 1))/health" \
	    /dev/null)" != 000 ]' launch_hec --spool-dir "$work/spool" \
	    --set shutdown_timeout=15 "$@"; then
		track "$DPID"
		return 0
	fi
	cat "$work/daemon.log"
	echo "suppress: the daemon did not start"
	exit 1
}

# wait_metric NAME MIN TENTHS: until /metrics shows NAME >= MIN; the
# answer is left in $work/metrics.
wait_metric() {
	i=0
	while [ $i -lt "$3" ]; do
		http_get "http://127.0.0.1:$((PORT + 1))/metrics" \
		    "$work/metrics" >/dev/null
		[ "$(metric "$work/metrics" "$1")" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# round FROM TO WANT SUPPRESSED: sends mail rows FROM..TO-1 and waits
# until the receiver's $OUT holds WANT alerts and /metrics counts
# SUPPRESSED suppressed rows (both bounded, 30 s each).
round() {
	send_mail "$1" "$2" sup
	wait_more "$OUT" . $(($3 - 1)) 300 || true
	wait_metric hecsentry_alerts_suppressed_total "$4" 300 || true
}

# --- a bad rule stops the daemon before it starts ---
HECSENTRY_HEC_TOKEN=$TOKEN "$top_builddir/hecsentry" \
    -c "$top_srcdir/conf/hecsentry.conf" --output hec \
    --hec-url http://127.0.0.1:9 --set "suppress=x fields=a" \
    --check-config >"$work/check.out" 2>&1
check "check-config: a rule without period= is refused" 1 $?
check_eval "check-config: says what a rule looks like" \
    'grep -q "period=DURATION" "$work/check.out"'

# --- period 1 h, risk format: suppressed, across restart and kill -9 ---
start_receiver sup
OUT=$work/sup.out
daemon --set alert_format=risk --set "suppress=$RULE"
round 0 2 2 0
check "first rows: sent" "m0.exe m1.exe" "$(images "$work/sup.out" |
    tr '\n' ' ' | sed 's/ $//')"
# m0 and m1 again, and a new m2: only m2 is sent.
round 0 3 3 2
check "same rows again: not sent" "m0.exe m1.exe m2.exe" \
    "$(images "$work/sup.out" | tr '\n' ' ' | sed 's/ $//')"
check "same rows again: counted" 2 \
    "$(metric "$work/metrics" hecsentry_alerts_suppressed_total)"
check "same rows again: counted for the detection" 2 \
    "$(metric "$work/metrics" 'hecsentry_detection_suppressed_total{detection="Windows Mail Protocol In Non-Common Process Path"')"
check "same rows again: no risk event of theirs" 3 \
    "$(metric "$work/metrics" hecsentry_risk_events_total)"
check "keys held" 3 "$(metric "$work/metrics" hecsentry_suppress_keys)"
kill -USR1 "$DPID"
check_eval "SIGUSR1 logs the suppressed rows and keys" \
    'wait_for "$work/daemon.log" "suppressed rows 2; suppression keys 3 " 100'
check_eval "the state file is in the spool directory" \
    '[ -s "$work/spool/suppress.state" ]'
stop_daemon "first run" 200

# After a restart: m0..m2 still suppressed, m3 sent.
daemon --set alert_format=risk --set "suppress=$RULE"
check_eval "restart: the keys are read back" \
    'grep -q "suppression: 1 rule, 3 keys read back" "$work/daemon.log"'
round 0 4 4 3
check "restart: only the new row is sent" \
    "m0.exe m1.exe m2.exe m3.exe" \
    "$(images "$work/sup.out" | tr '\n' ' ' | sed 's/ $//')"
check "restart: the others counted" 3 \
    "$(metric "$work/metrics" hecsentry_alerts_suppressed_total)"
# m4 alerts, then kill -9: no clean close, no final sync.
round 4 5 5 0
check "before kill -9: m4 sent" 5 "$(grep -c . "$work/sup.out")"
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=""

daemon --set alert_format=risk --set "suppress=$RULE"
round 0 6 6 5
check "after kill -9: only the new row is sent" \
    "m0.exe m1.exe m2.exe m3.exe m4.exe m5.exe" \
    "$(images "$work/sup.out" | tr '\n' ' ' | sed 's/ $//')"
check "after kill -9: the others counted, m4 too" 5 \
    "$(metric "$work/metrics" hecsentry_alerts_suppressed_total)"
stop_daemon "after kill -9" 200
kill "$RPID" 2>/dev/null

# --- period 2 s, row format: sent again once the key expired ---
rm -rf "$work/spool"
start_receiver sup2
OUT=$work/sup2.out
daemon --set "suppress=windows mail protocol* fields=Image period=2s" \
    --set "suppress=no such detection fields=Image period=1h"
check_eval "a rule naming no detection is logged" \
    'grep -q "suppress no such detection: names no loaded detection" \
    "$work/daemon.log"'
check "no warning about a field that is a column" 0 \
    "$(grep -c "is not a column" "$work/daemon.log")"
round 0 1 1 0
check "short period: first row sent" 1 "$(grep -c . "$work/sup2.out")"
# The key's period ends 2 s after the row; the sweep then drops it.
wait_metric hecsentry_suppress_expired_total 1 300 ||
    not_ok "short period: the key expired within 30 s"
check "short period: no key held once expired" 0 \
    "$(metric "$work/metrics" hecsentry_suppress_keys)"
round 0 1 2 0
check "short period: the same row is sent again" "m0.exe m0.exe" \
    "$(images "$work/sup2.out" | tr '\n' ' ' | sed 's/ $//')"
check "short period: the row format" "hecsentry:alert" \
    "$(jq -r .sourcetype "$work/sup2.out" | sort -u)"
stop_daemon "short period" 200
kill "$RPID" 2>/dev/null

if ! summary suppress; then
	echo "---- daemon log ----"; cat "$work/daemon.log"
	exit 1
fi
exit 0
