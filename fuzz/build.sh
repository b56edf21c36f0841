#!/bin/sh
# Builds every libFuzzer target into fuzz/bin/ with clang, ASan and UBSan,
# straight from the src/*/*.c files each one needs (never libcore.a, which
# gcc builds without instrumentation).  Exits 0 with a message when clang
# is absent, so "make fuzz" is harmless on a machine without it.
#
# Usage: fuzz/build.sh [target...]   (default: every fuzz/fuzz_*.c)
# Environment: CC (default clang), FUZZ_CFLAGS (added to the flags).
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin="$here/bin"
CC=${CC:-clang}

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz/build.sh: $CC not found; fuzz targets not built" >&2
	exit 0
fi
if ! command -v pkg-config >/dev/null 2>&1; then
	echo "fuzz/build.sh: pkg-config not found" >&2
	exit 1
fi

pkgs="libevent json-c yaml-0.1 expat libpcre2-8"
# listen.c speaks TLS through libevent_openssl when it is there.
if pkg-config --exists libevent_openssl openssl; then
	pkgs="$pkgs libevent_openssl openssl"
fi
libs=$(pkg-config --libs $pkgs)
incs=$(pkg-config --cflags $pkgs)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall
    -Wextra -Wformat=2 -Wshadow -I$top/src -I$top/tests/lib $incs
    ${FUZZ_CFLAGS:-}"
# The modules are gcc-clean (CI); clang's extra warnings there are not ours.
werror="-Werror"

# The modules each target links, beside log.c and xmalloc.c; paths under
# src/, or under the top for the test-only library (tests/lib/testref.h).
testref="../tests/lib"
decode="decode/event.c decode/cim.c decode/cim_eval.c decode/decode.c
    decode/decode_json.c
    decode/decode_xml.c decode/decode_xml_scan.c"
spl="detect/spl.c detect/spl_expand.c detect/spl_lex.c detect/spl_parse.c
    detect/spl_cmd.c detect/spl_match.c detect/spl_post.c detect/spl_re.c
    detect/spl_rex.c detect/spl_lookup.c detect/lookup.c detect/spl_eval.c
    detect/spl_eval_run.c detect/spl_func.c detect/spl_func_num.c
    detect/spl_func_re.c detect/ht.c detect/detection_yaml.c
    detect/spl_tstats.c detect/spl_window.c detect/spl_rowset.c
    detect/spl_join.c detect/spl_value.c detect/spl_first.c
    detect/spl_head.c
    detect/lookup_index.c"
# (lookup.c indexes with ht.c and reads definitions with detection_yaml.c.)
detect="$decode $spl detect/stats.c detect/rowset.c detect/detect.c
    detect/rowq.c
    detect/dispatch.c detect/detection.c detect/match_set.c
    detect/detection_risk.c output/alert.c output/alert_field.c
    output/alert_risk.c output/alert_drill.c"
srcs_for() {
	case "$1" in
	fuzz_syslog)		echo "decode/event.c input/syslog.c" ;;
	fuzz_decode_json)	echo "$decode $testref/hooks_decode.c
			    $testref/decode_json_ref.c" ;;
	fuzz_decode_xml)	echo "$decode $testref/hooks_decode.c" ;;
	fuzz_spl)		echo "$detect" ;;
	fuzz_eval)		echo "$decode $spl" ;;
	fuzz_pipeline)		echo "$detect input/syslog.c detect/prefilter.c
			    detect/prefilter_avx2.c daemon/pipeline.c
			    output/suppress.c" ;;
	fuzz_framing)		echo "input/framing.c input/framing_avx2.c
			    input/listen.c input/listen_tls.c input/listen_udp.c" ;;
	fuzz_prefilter)		echo "$decode $spl detect/prefilter.c
			    detect/prefilter_avx2.c detect/dispatch.c
			    $testref/hooks_decode.c
			    $testref/hooks_prefilter.c" ;;
	*)			return 1 ;;
	esac
}

if [ $# -eq 0 ]; then
	set -- $(cd "$here" && ls fuzz_*.c | sed 's/\.c$//')
fi

mkdir -p "$bin/obj"
# Each module is compiled once and shared by the targets that need it.
status=0
for t in "$@"; do
	t=${t%.c}
	if ! s=$(srcs_for "$t"); then
		echo "fuzz/build.sh: unknown target $t" >&2
		exit 1
	fi
	objs=""
	ok=true
	for f in log.c xmalloc.c civil.c $s; do
		# A module that a newer tree folds away is simply not linked.
		[ -f "$top/src/$f" ] || continue
		o="$bin/obj/$(echo "${f%.c}" | sed 's|^\.\./||' | tr / _).o"
		if [ -f "$o" ] && [ "$o" -nt "$top/src/$f" ] &&
		    [ "$o" -nt "$here/build.sh" ] &&
		    [ -z "$(find "$top/src" "$top/tests/lib" -name '*.h' \
		    -newer "$o")" ]; then
			objs="$objs $o"
			continue
		fi
		if ! $CC $cflags $san -fsanitize=fuzzer-no-link \
		    -c "$top/src/$f" -o "$o"; then
			rm -f "$o"
			ok=false
		fi
		objs="$objs $o"
	done
	if ! $ok; then
		echo "fuzz/build.sh: $t not built: src/ does not compile" >&2
		status=1
		continue
	fi
	echo "  CCLD  fuzz/bin/$t"
	if ! $CC $cflags $werror $san -fsanitize=fuzzer "$here/$t.c" $objs $libs \
	    -lm -o "$bin/$t"; then
		echo "fuzz/build.sh: $t failed to build" >&2
		status=1
	fi
done
exit $status
