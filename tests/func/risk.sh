#!/bin/sh
# The risk format (issue 15.1) through the daemon to the fake HEC
# receiver: with alert_format = risk, each mail-detection row arrives as
# one risk event (its one risk object, dest, a Victim Hostname of the
# 2024 file) with ES's risk fields, sourcetype stash, source and
# search_name "ESCU - <name> - Rule", risk_index as its index, and the
# risk fields as HEC indexed fields; /metrics counts the risk events.
# alert_format_row puts a detection back in the row format.  Every alert
# carries a drilldown (issue 15.2).  Expected
# values: README "Using hecsentry with Splunk Enterprise Security" and
# hecsentry.conf(5).  Every wait is bounded.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
TOKEN=risk-test-token
WRAPPER=""
SN="ESCU - Windows Mail Protocol In Non-Common Process Path - Rule"

need_tools risk logger jq curl

alerts() { grep -c . "$1" 2>/dev/null || true; }

daemon() { hec_daemon risk "$@"; }

# --- alert_format = risk ---
start_receiver risk
daemon --set alert_format=risk --set risk_index=risk_staging
send_mail 0 2 risk
wait_more "$work/risk.out" . 1 150 || true
check "risk: one risk event per row" 2 "$(alerts "$work/risk.out")"
check "risk: envelope" "stash|$SN|risk_staging" \
    "$(jq -r '"\(.sourcetype)|\(.source)|\(.index)"' "$work/risk.out" |
    sort -u)"
check "risk: risk fields" "$SN|mx.example|system|dest|9" \
    "$(jq -r '.event | [.search_name, .risk_object, .risk_object_type,
    .risk_object_field, .risk_score] | map(tostring) | join("|")' \
    "$work/risk.out" | sort -u)"
check "risk: message filled from the row" \
    "a process C:\\Users\\risk\\m0.exe is having a SMTP connection to mx.example in mx.example" \
    "$(jq -r 'select(.event.Image | test("m0")) | .event.risk_message' \
    "$work/risk.out")"
check "risk: indexed fields" "mx.example|system|9|$SN" \
    "$(jq -r '.fields | [.risk_object, .risk_object_type, .risk_score,
    .search_name] | join("|")' "$work/risk.out" | sort -u)"
check "risk: annotations" "T1071.003 T1071|AgentTesla" \
    "$(jq -r '.event.annotations | [(.mitre_attack | join(" ")),
    (.analytic_story | join(" "))] | join("|")' "$work/risk.out" |
    sort -u)"
# issue 15.2: the drilldown narrows the detection's search to the row.
check "risk: drilldown search of the row" "2 2" \
    "$(jq -r 'select(.event.drilldown_search | startswith("`sysmon`") and
    contains("_filter` | search Image=\"C:\\\\Users\\\\risk\\\\m")) |
    .event.drilldown_earliest < .event.drilldown_latest' "$work/risk.out" |
    grep -c true) $(alerts "$work/risk.out")"
# The counters are published, not read live: poll, bounded.
i=0
while [ $i -lt 50 ]; do
	http_get "http://127.0.0.1:$((PORT + 1))/metrics" "$work/metrics" \
	    >/dev/null
	[ "$(metric "$work/metrics" hecsentry_risk_events_total)" -ge 2 ] &&
	    break
	sleep 0.1
	i=$((i + 1))
done
check "risk: metrics count the risk events" 2 \
    "$(metric "$work/metrics" hecsentry_risk_events_total)"
check "risk: no row went out without a risk object" 0 \
    "$(metric "$work/metrics" hecsentry_risk_rows_without_object_total)"
stop_daemon "risk" 100
kill "$RPID" 2>/dev/null

# --- alert_format_row wins over alert_format = risk ---
start_receiver row
daemon --set alert_format=risk \
    --set "alert_format_row=windows mail protocol*"
send_mail 0 1 row
wait_more "$work/row.out" . 0 150 || true
check "row override: one alert" 1 "$(alerts "$work/row.out")"
check "row override: the row format" \
    "hecsentry:alert|Windows Mail Protocol In Non-Common Process Path|null" \
    "$(jq -r '"\(.sourcetype)|\(.event.detection)|\(.event.risk_object)"' \
    "$work/row.out")"
check "row override: the drilldown too" true \
    "$(jq -r '.event.drilldown_search | contains(" | search Image=")' \
    "$work/row.out")"
stop_daemon "row override" 100
kill "$RPID" 2>/dev/null

if ! summary risk; then
	echo "---- daemon log ----"; cat "$work/daemon.log"
	exit 1
fi
exit 0
