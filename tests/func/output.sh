#!/bin/sh
# The output side as a new user meets it (issue 14): the daemon on
# loopback, fed Sysmon network events that each make one mail-detection
# alert, delivering to the fake HEC receiver of the test tree.
#  - An HEC URL under a reverse proxy's path prefix is health-checked
#    under that prefix, a failed check is logged with its status, and an
#    endpoint whose health URL answers 404 comes back through a trial
#    POST (issue 14.1).
#  - An output that cannot write or drops alerts fails /health and
#    hecsentry_up until it delivers again (issue 14.2).
#  - The file output is reopened on SIGHUP, as logrotate expects: rename
#    the file, SIGHUP, new alerts go to a new file, none lost (issue 14.6).
#  - An empty hec_index or hec_sourcetype is not sent: the token's
#    default applies (issue 14.10).
#  - A URL that cannot work (the raw endpoint, a query string) is refused
#    by --check-config with the reason and what to do (issue 14.5).
# Every wait is bounded.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
TOKEN=output-test-token

need_tools output logger jq curl

# alerts FILE: the alerts FILE holds (0 when none).
alerts() { grep -c . "$1" 2>/dev/null || true; }

# send FROM TO: events FROM..TO-1, one distinct mail-detection row each.
send() { send_mail "$1" "$2" out; }

# launch [OPTION...]: for start_daemon: the daemon on 127.0.0.1:$PORT
# (TCP and UDP), 1 s windows, quick batches and retries, health checks
# every second, the admin port on $PORT + 1, OPTIONs last; its log in
# $work/daemon.log.
launch() {
	HECSENTRY_HEC_TOKEN=$TOKEN "$top_builddir/hecsentry" \
	    -c "$top_srcdir/conf/hecsentry.conf" \
	    --listen-tcp "127.0.0.1:$PORT" --listen-udp "127.0.0.1:$PORT" \
	    --admin-listen "127.0.0.1:$((PORT + 1))" --window 1 \
	    --set hec_batch_ms=50 --set hec_retry_min_ms=50 \
	    --set hec_retry_max_ms=200 --set hec_health_interval=1 \
	    "$@" 2>"$work/daemon.log" &
}

# ready: the daemon runs and its admin port answers.  The daemon only
# warns when that port is taken: it is killed then, so that start_daemon
# tries another pair at once.
ready() {
	if grep -q "without the admin port" "$work/daemon.log" 2>/dev/null
	then
		kill -9 "$DPID" 2>/dev/null
		return 1
	fi
	grep -q running "$work/daemon.log" 2>/dev/null &&
	    [ "$(http_get "http://127.0.0.1:$((PORT + 1))/health" \
	    /dev/null)" != 000 ]
}

# daemon [OPTION...]: starts it (bounded tries for a free port pair, 30 s
# each at most).
daemon() {
	: >"$work/daemon.log"
	if start_daemon 300 ready launch "$@"; then
		track "$DPID"
		return 0
	fi
	cat "$work/daemon.log"
	echo "output: the daemon did not start"
	exit 1
}

# --- issue 14.1: a path prefix, a failed health check, a trial POST ---
# eject NAME RECEIVER-OPTION...: a receiver under /splunk that answers the
# first 3 posts with 503, which eject the URL; one alert must still
# arrive.
eject() {
	name=$1
	shift
	start_receiver "$name" --prefix /splunk --fail 3:503 --log-requests \
	    "$@"
	daemon --output hec --hec-url \
	    "http://127.0.0.1:$HECPORT/splunk/services/collector/event"
	send 0 1
	wait_more "$work/$name.out" . 0 300 || true
	check "$name: the alert arrives after the ejection" 1 \
	    "$(alerts "$work/$name.out")"
	check_eval "$name: the log names the health URL, under the prefix" \
	    'grep -q "ejected after 3 failures.*re-checked through \
http://127.0.0.1:$HECPORT/splunk/services/collector/health" "$work/daemon.log"'
}

# The health check goes to the prefix's /splunk/services/collector/health,
# which answers 200.
eject prefix
check_eval "prefix: GET /splunk/services/collector/health answered 200" \
    'grep -q "^GET /splunk/services/collector/health 200" \
    "$work/prefix.log"'
check "prefix: no request outside the prefix" 0 \
    "$(grep -c " 404$" "$work/prefix.log")"
check_eval "prefix: the endpoint is healthy again" \
    'grep -q "is healthy again" "$work/daemon.log"'
stop_daemon "prefix" 200
kill "$RPID" 2>/dev/null

# A proxy that passes only the event endpoint: the health URL answers
# 404, which is logged with its status, and a trial POST re-admits it.
eject nohealth --no-health
check_eval "nohealth: the failed check is logged with its status" \
    'grep -q "health check .*/splunk/services/collector/health: HTTP 404" \
    "$work/daemon.log"'
check_eval "nohealth: the trial POST is logged" \
    'grep -q "is back: a trial POST got HTTP 200" "$work/daemon.log"'
stop_daemon "nohealth" 200
kill "$RPID" 2>/dev/null

# Trial POSTs that keep failing (every POST 503): the endpoint goes back
# and forth between ejected and on trial; the failed health check is
# logged once, not at every round (hecsentry.conf(5),
# hec_health_interval: again when it changes, else once a minute).
start_receiver trials --prefix /splunk --no-health --fail-rate 1:503 \
    --log-requests
daemon --output hec --hec-url \
    "http://127.0.0.1:$HECPORT/splunk/services/collector/event"
send 0 1
wait_more "$work/trials.log" "^GET .*/health 404" 2 300 || true
check_eval "trials: several health checks and trial rounds in 30 s" \
    '[ "$(grep -c "^GET .*/health 404" "$work/trials.log")" -ge 3 ]'
check "trials: the 404 check is logged once" 1 \
    "$(grep -c "health check .*: HTTP 404" "$work/daemon.log")"
stop_daemon "trials" 200
kill "$RPID" 2>/dev/null

# --- issue 14.2: /health and hecsentry_up when alerts are lost ---
# health NAME: /health's status and hecsentry_up, as "STATUS UP"; the
# answers in $work/NAME.health and $work/NAME.metrics.
health() {
	h=$(http_get "http://127.0.0.1:$((PORT + 1))/health" \
	    "$work/$1.health")
	http_get "http://127.0.0.1:$((PORT + 1))/metrics" \
	    "$work/$1.metrics" >/dev/null
	echo "$h $(metric "$work/$1.metrics" hecsentry_up)"
}

# wait_health NAME WANT TENTHS: until health NAME prints WANT.
wait_health() {
	i=0
	while [ $i -lt "$3" ]; do
		[ "$(health "$1")" = "$2" ] && return 0
		sleep 0.2
		i=$((i + 2))
	done
	return 1
}

# Every write fails (ENOSPC): the alert is dropped, counted, and the
# daemon says so (hecsentry(8), ADMIN PORT, /health).
daemon --output file:/dev/full
check "file:/dev/full: healthy before any alert" "200 1" "$(health full0)"
send 0 1
wait_health full "503 0" 300 || true
check "file:/dev/full: /health 503 and hecsentry_up 0" "503 0" \
    "$(health full)"
check_eval "file:/dev/full: the reason names the file" \
    'jq -e ".reason | test(\"/dev/full\")" "$work/full.health" >/dev/null'
check_eval "file:/dev/full: hecsentry_alerts_dropped_total counts it" \
    '[ "$(metric "$work/full.metrics" hecsentry_alerts_dropped_total)" -ge 1 ]'
stop_daemon "file:/dev/full" 200

# HEC away (the receiver down on SIGUSR1) and a 64k queue (the least
# hec_queue_bytes takes): alerts are dropped, /health fails; once HEC is
# back (SIGUSR1 again, only after the drops were seen, however slow the
# machine) and alerts are delivered, /health is 200 and hecsentry_up 1.
# Backoff at most 1 s and a health probe every second: with the defaults
# (30 s, 5 s) the URL could stay ejected for longer than the wait below
# when the drops took long to see (it failed so under a load of 12).
start_receiver drops
kill -USR1 "$RPID"
wait_line "$work/drops.log" "hec_receiver: down" 100 ||
    not_ok "drops: the receiver goes down on SIGUSR1"
daemon --output hec --hec-url "http://127.0.0.1:$HECPORT" \
    --set hec_queue_bytes=64k --set hec_retry_max_ms=1000 \
    --set hec_health_interval=1
send 0 300
wait_health drops "503 0" 300 || true
check "drops: /health 503 and hecsentry_up 0 while alerts are lost" \
    "503 0" "$(health drops)"
check_eval "drops: the reason says alerts were dropped" \
    'jq -e ".reason | test(\"dropped\")" "$work/drops.health" >/dev/null'
check_eval "drops: hecsentry_alerts_dropped_total counts them" \
    '[ "$(metric "$work/drops.metrics" hecsentry_alerts_dropped_total)" \
    -ge 1 ]'
kill -USR1 "$RPID"
wait_for "$work/drops.log" "hec_receiver: up again" 100 ||
    not_ok "drops: the receiver comes back on SIGUSR1"
wait_health drops "200 1" 300 || true
check "drops: /health 200 and hecsentry_up 1 once HEC takes alerts" \
    "200 1" "$(health drops)"
check_eval "drops: alerts arrived" '[ "$(alerts "$work/drops.out")" -ge 1 ]'
stop_daemon "drops" 200
kill "$RPID" 2>/dev/null

# --- issue 14.6: file: reopened on SIGHUP (logrotate) ---
# images FILE: the numbers of the alerts' Images in FILE, sorted, on one
# line.
images() {
	jq -r '.event.Image' "$1" 2>/dev/null |
	    sed 's/.*m\([0-9]*\)\.exe/\1/' | sort -n | tr '\n' ' '
}
daemon --output "file:$work/alerts.json"
send 0 5
wait_more "$work/alerts.json" . 4 300 || true
mv "$work/alerts.json" "$work/alerts.json.1"
send 5 10
wait_more "$work/alerts.json.1" . 9 300 || true
kill -HUP "$DPID"
wait_for "$work/daemon.log" "reload done" 300 || true
check_eval "SIGHUP: the log says the file was reopened" \
    'grep -q "output file:$work/alerts.json: reopened" "$work/daemon.log"'
send 10 15
wait_more "$work/alerts.json" . 4 300 || true
check "SIGHUP: alerts before it went to the renamed file" \
    "0 1 2 3 4 5 6 7 8 9 " "$(images "$work/alerts.json.1")"
check "SIGHUP: alerts after it go to a new file at the path" \
    "10 11 12 13 14 " "$(images "$work/alerts.json")"
stop_daemon "SIGHUP reopen" 200
check "SIGHUP: none lost, none twice, after the stop" \
    "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 " \
    "$(cat "$work/alerts.json.1" "$work/alerts.json" >"$work/all.json";
    images "$work/all.json")"

# --- issue 14.10: empty hec_index and hec_sourcetype are not sent ---
# (hecsentry.conf(5): an empty value means the HEC token's default)
start_receiver empty
daemon --output hec --hec-url "http://127.0.0.1:$HECPORT" \
    --set hec_index= --set hec_sourcetype=
send 0 1
wait_more "$work/empty.out" . 0 300 || true
check "empty values: the alert arrives" 1 "$(alerts "$work/empty.out")"
check "empty values: neither index nor sourcetype is sent" "false false" \
    "$(jq -r '[has("index"), has("sourcetype")] | map(tostring) | join(" ")' \
    "$work/empty.out")"
stop_daemon "empty values" 200
kill "$RPID" 2>/dev/null
start_receiver set
daemon --output hec --hec-url "http://127.0.0.1:$HECPORT" \
    --set hec_index=security
send 0 1
wait_more "$work/set.out" . 0 300 || true
check "set values: index and the default sourcetype are sent" \
    "security hecsentry:alert" \
    "$(jq -r '"\(.index) \(.sourcetype)"' "$work/set.out")"
stop_daemon "set values" 200
kill "$RPID" 2>/dev/null

# --- issue 14.5: what cannot work is refused at config check time ---
# (the expected reasons: hecsentry.conf(5), hec_url)
for u in "http://h:8088/services/collector/raw" \
    "http://h:8088/services/collector/raw/1.0" \
    "http://h:8088/services/collector/event?index=x"; do
	HECSENTRY_HEC_TOKEN=$TOKEN "$top_builddir/hecsentry" --check-config \
	    -c "$top_srcdir/conf/hecsentry.conf" --output hec --hec-url "$u" \
	    >/dev/null 2>"$work/check.err"
	check "--check-config refuses $u" 1 "$?"
	check_eval "the error names the URL, the reason and what to do" \
	    'grep -q "hec_url $u: .*\(raw text\|query string\).*(.*)" \
	    "$work/check.err"'
done

if ! summary output; then
	echo "---- daemon log ----"; cat "$work/daemon.log"
	exit 1
fi
exit 0
