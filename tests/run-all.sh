#!/bin/sh
# Runs every test: installs what is missing, builds with warnings as
# errors, runs `make check` (Criterion unit tests and the end-to-end test)
# and prints a one-line summary.  Exit status is make check's.
set -u
cd "$(dirname "$0")/.."
sh scripts/build.sh --enable-werror || exit 1
make -s -j"$(nproc)" check >check.out 2>&1
rc=$?
cat check.out
for f in tests/unit/*.log tests/func/*.log; do
	[ -f "$f" ] || continue
	if grep -qE "^(FAIL|ERROR)" "${f%.log}.trs" 2>/dev/null; then
		echo "==== $f ===="
		tail -n 60 "$f"
	fi
done
pass=$(sed -n 's/^# PASS: *//p' check.out | tail -n 1)
fail=$(sed -n 's/^# FAIL: *//p' check.out | tail -n 1)
err=$(sed -n 's/^# ERROR: *//p' check.out | tail -n 1)
echo "${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed"
exit $rc
