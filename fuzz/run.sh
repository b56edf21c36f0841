#!/bin/sh
# Runs every fuzz target built in fuzz/bin/ for SECONDS each, on a copy
# of its seed corpus in a temporary directory (the seeds stay as they
# are), with -max_len=65536.  Prints the executions of each target from
# libFuzzer's final stats, and fails if any target crashed; the crashing
# input is kept in fuzz/crashes/ and its log beside it.
#
# Usage: fuzz/run.sh SECONDS [target...]
# Environment: FUZZ_JOBS (1 or 2 targets at a time, default 1),
# CONFDIR (default conf), TESTDATA (default tests/data).
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
secs=${1:-}
jobs=${FUZZ_JOBS:-1}

case "$secs" in
''|*[!0-9]*)
	echo "usage: fuzz/run.sh SECONDS [target...]" >&2
	exit 2 ;;
esac
shift
if [ $# -eq 0 ]; then
	set -- $(cd "$here/bin" 2>/dev/null && ls fuzz_* 2>/dev/null)
fi
if [ $# -eq 0 ]; then
	echo "fuzz/run.sh: no targets in fuzz/bin (run fuzz/build.sh;" \
	    "it needs clang)"
	exit 0
fi

export CONFDIR=${CONFDIR:-$top/conf}
export TESTDATA=${TESTDATA:-$top/tests/data}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hecsentry-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
"$here/make-corpus.sh" "$tmp/seeds" >/dev/null || exit 1
mkdir -p "$here/crashes"

# Runs one target; writes its log to $tmp/$t.log and status to $tmp/$t.rc.
run_one() {
	t=$1
	mkdir -p "$tmp/corpus/$t"
	cp -R "$tmp/seeds/$t/." "$tmp/corpus/$t/" 2>/dev/null
	(cd "$top" && "$here/bin/$t" -max_total_time="$secs" \
	    -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
	    -print_final_stats=1 -artifact_prefix="$here/crashes/$t-" \
	    "$tmp/corpus/$t") > "$tmp/$t.log" 2>&1
	echo $? > "$tmp/$t.rc"
}

# Prints one line for a finished target; returns 1 when it crashed.
report() {
	t=$1
	rc=$(cat "$tmp/$t.rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$tmp/$t.log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		cp "$tmp/$t.log" "$here/crashes/$t.log"
		echo "$t: CRASHED (exit $rc) after ${execs:-?} executions;" \
		    "see fuzz/crashes/$t.log and fuzz/crashes/$t-*"
		grep -m 3 -E 'ERROR|SUMMARY|differ|abort' "$tmp/$t.log" |
		    sed 's/^/    /'
		return 1
	fi
	echo "$t: ${execs:-?} executions in ${secs}s, no crash"
	return 0
}

status=0
while [ $# -gt 0 ]; do
	if [ ! -x "$here/bin/$1" ]; then
		echo "fuzz/run.sh: fuzz/bin/$1 not built" >&2
		status=1
		shift
		continue
	fi
	if [ "$jobs" -ge 2 ] && [ $# -ge 2 ] && [ -x "$here/bin/$2" ]; then
		run_one "$1" &
		run_one "$2" &
		wait
		report "$1" || status=1
		report "$2" || status=1
		shift 2
		continue
	fi
	run_one "$1"
	report "$1" || status=1
	shift
done
exit $status
