#!/bin/sh
# Runs every test: installs what is missing, builds with warnings as
# errors, runs `make check` (Criterion unit tests and the end-to-end test),
# then the sanitizer, fuzzing, Docker and release passes below, and prints
# a one-line summary.  Exit status is 0 when every pass passed.  Needs no
# git: it runs from the unpacked release tarball too (docs/RELEASE.md).
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
# Second pass: ASan and UBSan over the whole suite.  An in-tree build and a
# VPATH build cannot share a source directory, so the pass builds a copy
# of the distributed files (make distdir: what the release tarball holds,
# so no git is needed) in build-san/, updating only what changed
# (HECSENTRY_SANITIZERS=no skips it).  Criterion ignores a leak report in
# a passing test, so any sanitizer report in a log is a failure too.  The
# benchmark's tests are left out: they time out under ASan and test no
# daemon code.
if [ "${HECSENTRY_SANITIZERS:-yes}" != no ]; then
	mkdir -p build-san
	rm -rf build-san.src
	make -s distdir distdir=build-san.src >check-san.out 2>&1 &&
	    tar -C build-san.src -cf - . | tar -C build-san -xf - &&
	    rm -rf build-san.src &&
	( cd build-san && rm -f tests/unit/*.log tests/func/*.log &&
	    { [ -x configure ] && [ ! configure.ac -nt configure ] &&
	    [ ! Makefile.am -nt Makefile.in ] ||
	    autoreconf -fi >/dev/null 2>&1; } &&
	    { [ -f Makefile ] && [ ! configure -nt Makefile ] ||
	    ./configure -q --enable-sanitizers --enable-werror; } &&
	    make -s -j"$(nproc)" >/dev/null &&
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    make -s -j"$(nproc)" check \
	    TESTS='$(UNIT_TESTS) $(FUNC_TESTS)' ) >>check-san.out 2>&1
	src=$?
	reports=$(grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
	    build-san/tests/unit/*.log build-san/tests/func/*.log 2>/dev/null)
	sp=$(grep -c '^PASS:' check-san.out)
	sf=$(grep -cE '^(FAIL|ERROR):' check-san.out)
	for r in $reports; do
		echo "==== sanitizers: $r ===="
		grep -E -A 20 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
		    "$r" | head -n 60
	done
	[ -n "$reports" ] && sf=$((sf + $(echo "$reports" | wc -l)))
	[ "$src" -ne 0 ] && [ "$sf" -eq 0 ] && sf=1
	[ "$src" -ne 0 ] && tail -n 40 check-san.out
	echo "sanitizers (ASan+UBSan): $sp programs passed, $sf failed"
	[ "$sf" -ne 0 ] && [ "$rc" -eq 0 ] && rc=1
	f=$((f + sf))
fi
# Third pass: every libFuzzer target for HECSENTRY_FUZZ_SECONDS (default
# 60; 0 skips), two at a time, from the seed corpora of tests/data.  A
# crash fails the run; its input is kept in fuzz/crashes/.
fsecs=${HECSENTRY_FUZZ_SECONDS:-60}
if [ "$fsecs" -gt 0 ]; then
	if make -s fuzz >check-fuzz.out 2>&1 && [ -n "$(ls fuzz/bin 2>/dev/null)" ]
	then
		FUZZ_JOBS=2 sh fuzz/run.sh "$fsecs" >>check-fuzz.out 2>&1
		frc=$?
		grep -E "executions|crash|CRASH|ERROR" check-fuzz.out | head -n 40
		nt=$(ls fuzz/bin | grep -c "^fuzz_")
		if [ "$frc" -ne 0 ]; then
			tail -n 40 check-fuzz.out
			echo "fuzzing: $nt targets for $fsecs s each, FAILED"
			f=$((f + 1))
			[ "$rc" -eq 0 ] && rc=1
		else
			echo "fuzzing: $nt targets for $fsecs s each, no crash"
			p=$((p + nt))
		fi
	else
		tail -n 20 check-fuzz.out
		echo "fuzzing: skipped (clang with libFuzzer is not installed)"
	fi
fi
# Fourth pass: the Docker image, built with Debian's buildah from a local
# debootstrap base (no Docker engine runs here), then run: non-root, its
# config valid, the demo stream turned into its alerts.  make check ran on
# this very tree above, so the image's own make check is skipped (CHECK=no).
# HECSENTRY_DOCKER=no skips the pass; a machine that cannot get buildah or
# a base system (exit 77) skips it too, saying so.
if [ "${HECSENTRY_DOCKER:-yes}" != no ] && [ "$(id -u)" -eq 0 ]; then
	if ! command -v buildah >/dev/null 2>&1 ||
	    ! command -v debootstrap >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    buildah debootstrap >/dev/null 2>&1
	fi
	if command -v buildah >/dev/null 2>&1; then
		CHECK=no sh docker/build-test.sh >check-docker.out 2>&1
		drc=$?
		grep -E "^(ok|not ok)|PASS|FAIL" check-docker.out | tail -n 12
		if [ "$drc" -eq 0 ]; then
			echo "docker image: built and checked"
			p=$((p + 1))
		elif [ "$drc" -eq 77 ]; then
			echo "docker image: skipped (no base system)"
		else
			tail -n 40 check-docker.out
			echo "docker image: FAILED"
			f=$((f + 1))
			[ "$rc" -eq 0 ] && rc=1
		fi
	else
		echo "docker image: skipped (buildah cannot be installed)"
	fi
fi
# Fifth pass: the release path (scripts/release-check.sh): make distcheck,
# whose make check runs from the tarball with a non-default prefix and
# sysconfdir, and the tarball's contents.  HECSENTRY_DISTCHECK=no skips it.
if [ "${HECSENTRY_DISTCHECK:-yes}" != no ]; then
	if sh scripts/release-check.sh; then
		p=$((p + 1))
	else
		f=$((f + 1))
		[ "$rc" -eq 0 ] && rc=1
	fi
fi
# The failures of every pass again, last, so that the end of the output
# (all a CI page may show) names them and their failing checks.
if [ "$rc" -ne 0 ]; then
	echo "==== failures ===="
	for out in check.out check-san.out check-dist.out; do
		[ -f "$out" ] || continue
		grep -E '^(FAIL|ERROR): ' "$out" | sed "s|^|$out: |"
	done
	for t in $(grep -lE '^:test-result: (FAIL|ERROR)' \
	    tests/unit/*.trs tests/func/*.trs build-san/tests/unit/*.trs \
	    build-san/tests/func/*.trs hecsentry-*/_build/sub/tests/*/*.trs \
	    2>/dev/null); do
		echo "-- ${t%.trs}.log:"
		grep -E '^not ok|[Ff]ailed|FAIL' "${t%.trs}.log" | head -n 8
	done
fi
echo "$p passed, $f failed"
exit $rc
