#!/bin/sh
# `make bench` keeps working: a small run of bench/run.sh with every
# scenario (tcp1, mix4, udp, fleet, keys) on a copy of
# docs/PERFORMANCE.md.  It must exit 0, keep the page above the results
# marker as it was, count every frame it sent over TCP, give a row for
# each scenario and subject, and state the three targets of issue 4.
# Then the library scenario on the one-detection checkout of
# tests/data/library: a row per stream with every column filled; then the
# first scenario: a row, the target line and the histogram.
# Whether a target is met is not checked: a run this small on a shared
# CI machine says nothing about speed (make bench is the measurement).
# About 15 s; every wait inside run.sh is bounded.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
need_tools bench.sh taskset awk sed
for t in hecsentry bench/hecsentry-gen bench/hecsentry-send \
    bench/hecsentry-baseline bench/hecsentry-pipe; do
	wait_built bench.sh "$top_builddir/$t"
done

src=$(cd "$top_srcdir" && pwd)
bld=$(cd "$top_builddir" && pwd)
cp "$src/docs/PERFORMANCE.md" "$work/perf.md"
sed '/^<!-- bench results -->/,$d' "$work/perf.md" >"$work/above.md"

EVENTS=3000 RUNS=1 REPEAT=1 FLEET_REPEAT=1 KEYS=400 UDP_PPS=20000 \
    SCENARIOS="tcp1 mix4 udp fleet keys" PORT=$(random_port) \
    HECSENTRY="$bld/hecsentry" BENCHBIN="$bld/bench" \
    CONF="$src/conf/hecsentry.conf" OUT="$work/perf.md" \
    TMPDIR="$work" sh "$src/bench/run.sh" >"$work/run.out" 2>&1
check "bench/run.sh exits 0" 0 "$?"

sed '/^<!-- bench results -->/,$d' "$work/perf.md" >"$work/above2.md"
check_eval "the page above the results marker is unchanged" \
    'cmp -s "$work/above.md" "$work/above2.md"'
check "one results section" 1 "$(grep -c '^## Results$' "$work/perf.md")"

# row SCENARIO SUBJECT: the "frames counted" cell of that table row.
row() {
	awk -F ' *[|] *' -v s="$1" -v j="$2" \
	    '$2 == s && $3 == j { print $8 }' "$work/perf.md"
}
for s in "default mix, TCP, 1 connection" \
    "all shapes, LF+octet, TCP, 4 connections"; do
	for j in baseline hecsentry; do
		check "$s, $j: every frame counted" "3000 of 3000" \
		    "$(row "$s" "$j")"
	done
done
udp=$(row "default mix, UDP, 20000 datagrams/s" hecsentry)
check_eval "a UDP row ($udp)" '[ -n "$udp" ]'
nfleet=$(grep -c '^| default mix, TCP, 16 connections | [12] |' \
    "$work/perf.md")
check "a fleet row for 1 and for 2 workers" 2 "$nfleet"
check_eval "the keys row says the heap per live key" \
    'grep -q "^| 400 live keys | .* | 3000 of 3000 | 400 keys, [0-9]* bytes of heap per key |$" "$work/perf.md"'
for t in "at most 1.5 CPU us per event" "with 2 workers on 2 cores" \
    "peak RSS at most 32 MiB"; do
	check_eval "a target line: $t" \
	    'grep -q "^Target (issue 4): $t.*: \(met\|NOT met\|not measured\)" "$work/perf.md"'
done

# The library scenario, on a copy of the page with the rows above.
EVENTS=2000 RUNS=1 REPEAT=1 SCENARIOS=library \
    LIBRARY="$src/tests/data/library/checkout" PORT=$(random_port) \
    HECSENTRY="$bld/hecsentry" BENCHBIN="$bld/bench" \
    CONF="$src/conf/hecsentry.conf" OUT="$work/perf.md" \
    TMPDIR="$work" sh "$src/bench/run.sh" >"$work/run2.out" 2>&1
check "bench/run.sh (library) exits 0" 0 "$?"
for s in json xml; do
	check_eval "a library row for $s with 1 detection" \
	    'grep -qE "^[|] $s [|] 1 [|]( [0-9.]+ [|]){4} [1-9][0-9]* [|] [0-9]+ [(][0-9]+[)] [|] [0-9]+ [|] [0-9]+ / [0-9]+ [|]$" "$work/perf.md"'
done

# The first scenario (issue 15.4), through the test HEC receiver.
wait_built bench.sh "$top_builddir/tests/func/hec_receiver"
EVENTS=2000 RUNS=1 REPEAT=1 SCENARIOS=first PORT=$(random_port) \
    HECSENTRY="$bld/hecsentry" BENCHBIN="$bld/bench" \
    RECEIVER="$bld/tests/func/hec_receiver" \
    CONF="$src/conf/hecsentry.conf" OUT="$work/perf.md" \
    TMPDIR="$work" sh "$src/bench/run.sh" >"$work/run3.out" 2>&1
check "bench/run.sh (first) exits 0" 0 "$?"
check_eval "a first-seen row with its count, p99 and mean" \
    'grep -qE "^[|] first[+]close [|] [1-9][0-9]* [|] [0-9.+Inf]+ [|] [0-9.+Inf]+ [|] [0-9.]+ [|]$" "$work/perf.md"'
check_eval "a target line: first-seen alerts within 1 s" \
    'grep -q "^Target (issue 15.4): first-seen alerts reach HEC within 1 s at p99: \(met\|NOT met\)" "$work/perf.md"'
check "the histogram of the last run" 1 \
    "$(grep -c '^hecsentry_alert_latency_seconds_count{emit_reason="first"} [1-9]' \
    "$work/perf.md")"

if ! summary bench; then
	echo "---- run.sh ----"
	cat "$work/run.out" "$work/run2.out" "$work/run3.out"
	echo "---- results ----"; sed -n '/^## Results/,$p' "$work/perf.md"
	exit 1
fi
exit 0
