#!/bin/sh
# make coverage: the detections' coverage report on a library.
# Runs `hecsentry --check-config` on COVERAGE_LIBRARY (default
# ../shared/escu beside the source tree, when present) with a throwaway
# config (the shipped macros and cim.conf, output to stdout), prints the
# report and writes it to docs/COVERAGE.md with the date and the
# library's commit (git HEAD, or the one its README names); then runs
# the SPL differential test (tests/diff/spl-diff) on the library and
# fails on a mismatch.  Not part of make check.
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC
set -eu

src=${top_srcdir:-.}
bin=${top_builddir:-.}/hecsentry
lib=${COVERAGE_LIBRARY:-}
if [ -z "$lib" ]; then
	lib="$src/../shared/escu"
	[ -d "$lib" ] || {
		echo "coverage: no ../shared/escu; give COVERAGE_LIBRARY=PATH" >&2
		exit 1
	}
fi
lib=$(cd "$lib" && pwd)
src=$(cd "$src" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/hecsentry.conf" <<CONF
detections = $lib
macros = $src/conf/macros
cim_map = $src/conf/cim.conf
output = stdout
CONF
"$bin" -c "$tmp/hecsentry.conf" --check-config >"$tmp/report" 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; exit 1; }
cat "$tmp/report"
# A git checkout's HEAD, else a commit its README names (a snapshot).
commit=$(git -C "$lib" rev-parse HEAD 2>/dev/null ||
    grep -oE 'commit [0-9a-f]{40}' "$lib/README.md" 2>/dev/null |
    head -n 1 | sed 's/^commit //' || true)
[ -n "$commit" ] || commit=unknown
{
	echo "# Detection coverage"
	echo
	echo "Written by \`make coverage\` (scripts/coverage.sh): \`hecsentry"
	echo "--check-config\` on a library with the shipped conf/macros and"
	echo "conf/cim.conf.  Regenerate it after changing what hecsentry runs."
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "- library: $(basename "$lib") (commit: $commit)"
	echo "- hecsentry: $(git -C "$src" rev-parse --short HEAD 2>/dev/null ||
	    echo unknown)"
	echo
	echo "States: runs; skipped (an SPL command, function or syntax not"
	echo "supported yet); never matches (a field no event carries, see"
	echo "cim(5)); broken (YAML, a missing key or macro); filtered (status,"
	echo "type, detections_disable); not for Sysmon (not counted in M)."
	echo
	echo '```'
	cat "$tmp/report"
	echo '```'
} >"$src/docs/COVERAGE.md"
echo "coverage: wrote $src/docs/COVERAGE.md"
# The compiled matcher and stats against the plain interpreter.
"${top_builddir:-.}/tests/diff/spl-diff" -m "$src/conf/macros" \
    -c "$src/conf/cim.conf" "$lib"
