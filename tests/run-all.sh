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
# One closing line over every test case: Criterion's synthesis lines and
# the "N passed, M failed" lines of the shell tests, plus any test program
# that failed without printing either.
cat tests/unit/*.log tests/func/*.log 2>/dev/null | awk '
/Synthesis: Tested:/ {
	for (i = 1; i <= NF; i++) {
		if ($i == "Passing:") p += $(i + 1)
		if ($i == "Failing:") f += $(i + 1)
		if ($i == "Crashing:") f += $(i + 1)
	}
}
/^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
END { printf "%d passed, %d failed\n", p, f }' >check.summary
hard=$(sed -n 's/^# ERROR: *//p' check.out | tail -n 1)
read -r p _ f _ <check.summary
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=$(( ${hard:-0} > 0 ? ${hard:-0} : 1 ))
echo "$p passed, $f failed"
exit $rc
