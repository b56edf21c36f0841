#!/bin/sh
# hecsentry --check-config on the small libraries of tests/data/library:
# the one-line summary and the reason table, -v listing every detection,
# --json parsing as JSON with the same counts, and the exit status: 0
# by default, 1 with strict_detections = yes when a detection is refused,
# 0 again under strict when every candidate runs (the checkout).
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
need_tools library jq curl

bin="$top_builddir/hecsentry"
lib="$TESTDATA/library"
run() {
	"$bin" --set output=stdout --set cim_map="$CONFDIR/cim.conf" \
	    --macros "$lib/macros" "$@"
}

out=$(run --detections "$lib/tree" --check-config 2>&1)
rc=$?
check "exit 0 with refusals, not strict" 0 "$rc"
check_eval "summary: runnable 3 of 8" \
    'printf "%s\n" "$out" |
    grep -q "^detections: runnable 3 of 8 (library "'
check_eval "the table counts the transaction refusal" \
    'printf "%s\n" "$out" |
    grep -qE "^ +1  skipped +unsupported command .transaction.$"'
check_eval "the table counts the unknown macro as broken" \
    'printf "%s\n" "$out" | grep -qE "^ +1  broken +unknown macro"'
check_eval "no per-detection list without -v" \
    '! printf "%s\n" "$out" | grep -q "^runs: "'

out=$(run --detections "$lib/tree" --check-config -v 2>/dev/null)
check_eval "-v lists the runnable ones" \
    '[ "$(printf "%s\n" "$out" | grep -c "^runs: ")" -eq 3 ]'
check_eval "-v gives file:line:col of a refusal" \
    'printf "%s\n" "$out" | grep -q "^skipped: .*unsupported\.yml:8:12: "'

out=$(run --detections "$lib/tree" --check-config --json 2>/dev/null)
check_eval "--json: runnable 3, candidates 8" \
    '[ "$(printf "%s\n" "$out" |
    jq -c "[.runnable, .candidates, (.detections | length)]")" = "[3,8,9]" ]'

run --detections "$lib/tree" --set strict_detections=yes --check-config \
    >/dev/null 2>&1
check "strict_detections = yes: exit 1 when refused" 1 "$?"
run --detections "$lib/checkout" --set strict_detections=yes \
    --check-config >/dev/null 2>&1
check "strict_detections = yes: exit 0 when all run" 0 "$?"

# The daemon starts with the runnable ones, and not under strict.
out=$(run --detections "$lib/tree" --set strict_detections=yes \
    --listen-tcp 127.0.0.1:0 2>&1)
check "strict: the daemon does not start" 1 "$?"
check_eval "strict: the refusal is named" \
    'printf "%s\n" "$out" | grep -q "strict_detections: 4 detections" &&
    printf "%s\n" "$out" | grep -q "refused, the first: .*broken\.yml:4:1: "'

# Not strict: the daemon starts with the runnable ones; /detections
# lists every candidate with its state and reason; /metrics counts them.
# The binary itself in the background, not run(): $! must be the
# daemon's pid, not a subshell's that a kill would leave it behind.
launch() {
	APORT=$(random_port)
	"$bin" --set output=stdout --set cim_map="$CONFDIR/cim.conf" \
	    --macros "$lib/macros" --detections "$lib/tree" \
	    --listen-tcp "127.0.0.1:$PORT" \
	    --admin-listen "127.0.0.1:$APORT" 2>"$work/daemon.log" &
}
admin_up() {
	grep -q "running" "$work/daemon.log" 2>/dev/null &&
	    [ "$(http_get "http://127.0.0.1:$APORT/health" /dev/null)" = 200 ]
}
if start_daemon 50 admin_up launch; then
	track "$DPID"
	ok "the daemon starts with the runnable detections"
	check_eval "it logs the summary" \
	    'grep -q "detections: runnable 3 of 8" "$work/daemon.log"'
	http_get "http://127.0.0.1:$APORT/detections" "$work/det.json" \
	    >/dev/null
	check "/detections: a state per candidate" \
	    "broken:2 filtered:1 never matches:1 runs:3 skipped:1" \
	    "$(jq -r '[.detections[].state] | group_by(.) |
	    map("\(.[0]):\(length)") | join(" ")' "$work/det.json")"
	check_eval "/detections: the reason with file:line:col" \
	    'jq -r ".detections[].reason // empty" "$work/det.json" |
	    grep -q "unsupported\.yml:8:12: unsupported command"'
	http_get "http://127.0.0.1:$APORT/metrics" "$work/metrics" >/dev/null
	check_eval "/metrics: hecsentry_detections by state" \
	    'grep -q "^hecsentry_detections{state=\"runs\"} 3$" \
	    "$work/metrics" && grep -q \
	    "^hecsentry_detections{state=\"broken\"} 2$" "$work/metrics"'
	kill "$DPID"
	wait "$DPID" 2>/dev/null
	check "no daemon left on the test's admin port" "" \
	    "$(pgrep -f -- "--admin-listen 127.0.0.1:$APORT\$")"
else
	not_ok "the daemon did not start"
	cat "$work/daemon.log"
fi

summary library
