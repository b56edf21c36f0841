#!/bin/sh
# -v, repeated (hecsentry(8), issue 14.8): the daemon runs four times,
# with no -v up to -v -v -v, on the shipped detections with stdout
# output; one TCP connection carries a payload that is no document.
# Without -v no debug line; -v adds the connection ("connection from")
# but not the refused message; -v -v adds "payload refused: not_document"
# with the payload's first bytes; only -v -v -v adds trace lines, such as
# the references left on the detection set at exit.
# Exit status: 0 pass, 1 fail, 77 skip, 99 missing tool.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
DAEMON="$top_builddir/hecsentry"
need_tools verbose logger
wait_built verbose "$DAEMON"

launch() {
	"$DAEMON" --detections "$top_srcdir/conf/detections" \
	    --macros "$top_srcdir/conf/macros" \
	    --set "cim_map=$top_srcdir/conf/cim.conf" --set admin_listen= \
	    --output stdout --listen-tcp "127.0.0.1:$PORT" $vflags \
	    >/dev/null 2>"$work/log" &
}

for v in 0 1 2 3; do
	case $v in
	0) vflags= ;;
	1) vflags=-v ;;
	2) vflags="-v -v" ;;
	3) vflags="-v -v -v" ;;
	esac
	: >"$work/log"
	if ! start_daemon 100 'grep -q "listening on" "$work/log"' launch
	then
		not_ok "-v x $v: the daemon starts"
		continue
	fi
	logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$PORT" \
	    -t vtest "not a document" || not_ok "-v x $v: logger"
	# The frame is counted (SIGUSR1 logs "frames N") before SIGTERM.
	i=0
	until grep -q "frames 1 " "$work/log" || [ $i -ge 50 ]; do
		kill -USR1 "$DPID"
		sleep 0.2
		i=$((i + 1))
	done
	stop_daemon "-v x $v" 100
	cp "$work/log" "$work/v$v.log"
done

has() { grep -Eq "$2" "$work/v$1.log"; }
for v in 0 1 2 3; do
	check_eval "-v x $v: the frame was read" "has $v 'frames 1 '"
done
check_eval "no -v: no debug or trace line" '! has 0 "debug:|trace:"'
check_eval "-v: the connection is logged" 'has 1 "debug: .*connection from"'
check_eval "-v: no refused message, no trace" \
    '! has 1 "refused:|trace:"'
check_eval "-v -v: why the payload was refused, with its bytes" \
    'has 2 "debug: payload refused: not_document .*not a document"'
check_eval "-v -v: no trace" '! has 2 "trace:"'
check_eval "-v -v -v: the refused payload still logged" \
    'has 3 "payload refused: not_document"'
check_eval "-v -v -v: internal trace (detection set references)" \
    'has 3 "trace: .*detection set 0x[0-9a-f]*: [0-9]* references left"'
check_eval "the internal lines are trace lines only" \
    '! grep -h "references left" "$work/v0.log" "$work/v1.log" \
    "$work/v2.log" | grep -q .'
summary verbose || exit 1
exit 0
