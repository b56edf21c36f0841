#!/bin/sh
# The release path as a packager takes it, from a configured tree (after
# scripts/build.sh; tests/run-all.sh runs it last, CI with it):
#  1. make distcheck: the tarball unpacked read-only, built out of tree
#     with --prefix and --sysconfdir that are not the defaults, make
#     check there on the tests below (tests/func/install.sh checks the
#     installed unit, man pages and config for those paths), install,
#     uninstall, a DESTDIR install and distclean, each leaving nothing
#     behind;
#  2. what the tarball holds: nothing built (objects, Makefiles, generated
#     files), and in a git work tree every tracked file except CI's own
#     and .gitignore files, and no file git does not know.
# Prints a summary of the tarball by top folder and the time taken.
# Exit status: 0 pass, 1 fail.  The log is check-dist.out.
set -u
cd "$(dirname "$0")/.."
start=$(date +%s)
[ -f Makefile ] ||
    { echo "release: no Makefile (run scripts/build.sh first)"; exit 1; }
pkg=$(sed -n 's/^PACKAGE = //p' Makefile)-$(sed -n 's/^VERSION = //p' Makefile)
tarball=$pkg.tar.gz
fail=0

# The make check inside distcheck runs the unit tests and the functional
# tests of what the tarball and its paths decide (docs, install, the
# end-to-end and demo streams, systemd unit, CIM, layout, library, config
# check, verbosity, the SPL differential test).  The delivery and load
# tests (TLS, reload, faults, flood, workers, bench, output, balance) test
# timing, not the tarball: passes 1 and 2 of tests/run-all.sh ran them on
# the same files (pass 2 from `make distdir`, the tarball's contents), and
# a third run under distcheck's load only added chances of a flake.
# RELEASE_TESTS=all runs the whole make check here too.
release_tests='$(UNIT_TESTS) bench/test_bench tests/func/docs.sh
    tests/func/install.sh tests/func/e2e.sh tests/func/systemd.sh
    tests/func/cim.sh tests/func/layout.sh tests/func/library.sh
    tests/func/check.sh tests/func/verbose.sh tests/func/spl_diff.sh'
# Without Criterion (CRITERION_LIBS empty) the unit tests are not built.
grep -q '^CRITERION_LIBS = -' Makefile ||
    release_tests=$(echo $release_tests | sed 's/^.*test_bench //')
if [ "${RELEASE_TESTS:-}" = all ]; then
	make -s -j"$(nproc)" distcheck >check-dist.out 2>&1
else
	make -s -j"$(nproc)" distcheck TESTS="$(echo $release_tests)" \
	    >check-dist.out 2>&1
fi
rc=$?
secs=$(($(date +%s) - start))
if [ "$rc" -ne 0 ]; then
	fail=1
	tail -n 30 check-dist.out
	# The failing tests' logs, left in the unpacked tarball's build tree,
	# last so that a short excerpt of the output shows them.
	for t in $(grep -lE '^:test-result: (FAIL|ERROR)' \
	    $(find "$pkg/_build" -name '*.trs' 2>/dev/null) 2>/dev/null); do
		echo "==== release: ${t%.trs}.log ===="
		grep -v '^ok ' "${t%.trs}.log" | tail -n 40
	done
	echo "release: make distcheck FAILED after $secs s (check-dist.out)"
else
	echo "release: make distcheck passed in $secs s"
fi
# distcheck leaves its tarball; without one (it failed early), make one.
[ -f "$tarball" ] || make -s dist >>check-dist.out 2>&1 ||
    { echo "release: make dist FAILED"; exit 1; }

tar -tzf "$tarball" | sed -e "s|^$pkg/||" -e '/\/$/d' -e '/^$/d' |
    LC_ALL=C sort >check-dist.files
built=$(grep -E \
    -e '(^|/)(Makefile|config\.(status|log)|.*\.(o|a|trs)|\.dirstamp)$' \
    -e '(^|/)\.deps/|^(gen|build-san|fuzz/bin|fuzz/corpus)/' \
    -e '^(test-suite\.log|check[-.a-z]*)$|\.service\.out$' check-dist.files)
if [ -n "$built" ]; then
	echo "release: built files in the tarball:" $built
	fail=1
fi
if command -v git >/dev/null 2>&1 &&
    git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Files the tarball adds on purpose: what autoreconf makes.
	autotools='^(configure|Makefile\.in|aclocal\.m4|build-aux/.*)$'
	git ls-files --cached | grep -vE '^\.ci/|(^|/)\.gitignore$' |
	    LC_ALL=C sort >check-dist.git
	git ls-files --cached --others --exclude-standard |
	    LC_ALL=C sort >check-dist.known
	missing=$(LC_ALL=C comm -23 check-dist.git check-dist.files)
	extra=$(LC_ALL=C comm -13 check-dist.known check-dist.files |
	    grep -vE "$autotools")
	if [ -n "$missing" ]; then
		echo "release: tracked but not in the tarball" \
		    "(add to EXTRA_DIST in Makefile.am):" $missing
		fail=1
	fi
	if [ -n "$extra" ]; then
		echo "release: in the tarball but unknown to git:" $extra
		fail=1
	fi
	[ -z "$missing$extra" ] &&
	    echo "release: the tarball holds every tracked file, nothing built"
	rm -f check-dist.git check-dist.known
else
	echo "release: not a git work tree: tarball against git not compared"
fi
echo "release: $tarball, $(($(wc -c <"$tarball") / 1024)) KiB," \
    "$(grep -c . check-dist.files) files:" \
    "$(awk -F/ '{ n[NF > 1 ? $1 "/" : "(top)"]++ }
    END { for (d in n) printf "%s %d\n", d, n[d] }' check-dist.files |
    LC_ALL=C sort | paste -sd, - | sed 's/,/, /g')"
echo "release: $(($(date +%s) - start)) s in all"
exit "$fail"
