#!/bin/sh
# make mutate: plants each single bug of tests/mutants.txt, one at a time,
# in a scratch copy of the tree, runs the suites the line names, and says
# whether the suites caught it ("killed") or not ("SURVIVED").  A mutant
# whose pattern no longer occurs exactly once in its file is "stale" (the
# list must follow the code); one that does not compile is "stillborn"
# (it proves nothing).  Prints a line a mutant, the ratio and the time;
# exits 1 when a mutant survived, is stale or stillborn.
#
# tests/mutants.txt: one mutant a line, six fields separated by one tab
# each: id, file, pattern (a literal that must occur exactly once in the
# file, no tab), replacement (literal, may be empty), the suites (make
# check TESTS=..., space-separated), a note.  '#' starts a comment line.
#
# Usage: sh scripts/mutate.sh [ID...]   (default: every line)
# Environment: MUTATE_DIR (the scratch copy, default a new temporary
# directory, removed at the end unless MUTATE_KEEP=yes or MUTATE_DIR is
# given), MUTATE_TIMEOUT (seconds a mutant's suites may take, default
# 600: a mutant that hangs them is killed), MUTATE_JOBS (make -j,
# default nproc).
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
list="$top/tests/mutants.txt"
scratch=${MUTATE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/hecsentry-mutate.XXXXXX")}
log="$scratch/mutate.log"
limit=${MUTATE_TIMEOUT:-600}
jobs=${MUTATE_JOBS:-$(nproc 2>/dev/null || echo 2)}
start=$(date +%s)

cleanup() {
	[ "${MUTATE_KEEP:-no}" = yes ] || [ -n "${MUTATE_DIR:-}" ] ||
	    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -f "$list" ] || { echo "mutate: no $list"; exit 1; }
# Runs "$@" bounded by $limit seconds when timeout(1) is there.
bounded() {
	if command -v timeout >/dev/null 2>&1; then
		timeout "$limit" "$@"
	else
		"$@"
	fi
}

# The tree as it is (tracked and untracked files that exist, without
# what .gitignore names: no build products), built once without
# --enable-werror (a mutant may warn); each mutant then rebuilds only
# what it touches.
rm -rf "$scratch/tree"
mkdir -p "$scratch/tree"
if command -v git >/dev/null 2>&1 && { [ -d "$top/.git" ] ||
    [ -f "$top/.git" ]; }; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	    xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f";
	    done' sh | tar -cf - --null -T -) | (cd "$scratch/tree" &&
	    tar -xf -)
else
	(cd "$top" && tar -cf - --exclude=./build-san --exclude='*.o' \
	    --exclude='*.a' .) | (cd "$scratch/tree" && tar -xf -)
fi
cd "$scratch/tree" || exit 1
echo "mutate: building the scratch copy in $scratch/tree"
{ autoreconf -fi && ./configure -q && make -s -j"$jobs" &&
    make -s -j"$jobs" check TESTS=; } >"$log" 2>&1 </dev/null || {
	tail -n 30 "$log"
	echo "mutate: the unmutated tree does not build"
	exit 1
}

killed=0 survived=0 stale=0 stillborn=0 total=0
tab=$(printf '\t')
field() {
	printf '%s\n' "$line" | cut -d "$tab" -f "$1"
}
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	id=$(field 1) file=$(field 2) pat=$(field 3) rep=$(field 4)
	suites=$(field 5) note=$(field 6)
	if [ $# -gt 0 ]; then
		want=no
		for a in "$@"; do [ "$a" = "$id" ] && want=yes; done
		[ "$want" = yes ] || continue
	fi
	total=$((total + 1))
	if [ ! -f "$file" ] || [ -z "$pat" ] || [ -z "$suites" ]; then
		echo "stale     $id: bad line (file, pattern or suites)"
		stale=$((stale + 1))
		continue
	fi
	n=$(PAT="$pat" perl -0777 -ne \
	    'my $p = $ENV{PAT}; my $c = () = /\Q$p\E/g; print $c' "$file")
	if [ "$n" != 1 ]; then
		echo "stale     $id: '$pat' occurs $n times in $file"
		stale=$((stale + 1))
		continue
	fi
	cp -p "$file" "$file.orig"
	PAT="$pat" REP="$rep" perl -0777 -pi -e \
	    'my ($p, $r) = ($ENV{PAT}, $ENV{REP}); s/\Q$p\E/$r/' "$file"
	# Only what the suites need: the programs named, or every program
	# for a functional script.
	build="make -s -j$jobs hecsentry"
	for s in $suites; do
		case "$s" in
		*.sh) build="make -s -j$jobs all check TESTS=" ;;
		esac
	done
	case "$build" in
	*TESTS=) ;;
	*) build="$build $suites" ;;
	esac
	echo "=== $id: $file" >>"$log"
	t0=$(date +%s)
	if ! sh -c "$build" >>"$log" 2>&1 </dev/null; then
		echo "stillborn $id: does not compile ($file)"
		stillborn=$((stillborn + 1))
	elif bounded make -s check TESTS="$suites" >>"$log" 2>&1 \
	    </dev/null; then
		echo "SURVIVED  $id: $file: $note"
		survived=$((survived + 1))
	else
		by=$(for s in $suites; do cat "$s.log"; done 2>/dev/null |
		    sed -n 's/^\[FAIL\] \([^:]*::[^:]*\):.*/\1/p
		    s/^not ok \(.*\)/\1/p' | sort -u | head -n 3 |
		    tr '\n' ' ')
		echo "killed    $id ($(($(date +%s) - t0)) s) by ${by:-$suites}"
		killed=$((killed + 1))
	fi
	# The original, newer than every object built from the mutant.
	mv "$file.orig" "$file"
	touch "$file"
done <"$list"
scored=$((killed + survived))
ratio=0
[ "$scored" -gt 0 ] && ratio=$((100 * killed / scored))
echo "mutate: $killed of $scored killed ($ratio%), $survived survived," \
    "$stale stale, $stillborn stillborn ($total mutants," \
    "$(($(date +%s) - start)) s)"
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ] && [ "$stillborn" -eq 0 ]
