#!/bin/sh
# The SPL differential test (tests/diff/spl-diff, issue 12) on the small
# libraries of tests/data: every runnable detection's compiled filter
# and stats against the plain interpreter of tests/lib/splref.c, on
# generated events; identical rows, and some rows at all (a generator
# that makes no match would compare nothing).  make coverage runs the
# same program on ../shared/escu.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"

bin="$top_builddir/tests/diff/spl-diff"
wait_built spl_diff "$bin"
conf="$top_srcdir/conf"
data="$top_srcdir/tests/data"

# diff NAME MACROS LIBRARY: runs it and checks the summary.
diff_lib() {
	out=$("$bin" -n 60 -m "$2" -c "$conf/cim.conf" "$3" 2>&1)
	rc=$?
	printf "%s\n" "$out" | grep -v "^diff: " | head -n 20
	check "$1: exit 0 (no mismatch)" 0 "$rc"
	check_eval "$1: summary with 0 mismatches" \
	    'printf "%s\n" "$out" |
	    grep -qE "^diff: [1-9][0-9]* detections, [0-9]+ events, 0 mismatches$"'
	check_eval "$1: rows were compared" \
	    'printf "%s\n" "$out" | grep -qE "^diff: [1-9][0-9]* rows compared"'
}

diff_lib tree "$data/library/macros" "$data/library/tree"
diff_lib checkout "$data/library/macros" "$data/library/checkout"
diff_lib join "$data/library/macros" "$data/library/join"
diff_lib tstats "$conf/macros" "$data/splunk_security_content_tstats"
diff_lib rowset "$data/library/macros" "$data/library/rowset"

summary spl_diff
