#!/bin/sh
# The daemon under the sd_notify(3) protocol, without systemd: a fake
# notification socket (tests/func/notify_listen) records what the daemon
# sends.  Expected: READY=1 from the daemon's own pid once the listeners
# are bound (a TCP connection right after it succeeds); WATCHDOG=1 about
# every WATCHDOG_USEC/2 when WATCHDOG_USEC is set, none when WATCHDOG_PID
# names another process; at SIGHUP, RELOADING=1 (with MONOTONIC_USEC) and
# READY=1 again once the reload is done; STOPPING=1 at SIGTERM, after
# READY=1, then exit 0.
# Exit status: 0 pass, 1 fail, 77 skip (no daemon binary).
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
DAEMON="$top_builddir/hecsentry"
HELPER="$top_builddir/tests/func/notify_listen"
lpid=""

cleanup_hook() { [ -n "$lpid" ] && kill "$lpid" 2>/dev/null; }

# The daemon may still be building (make -j): wait a little for it.
wait_built systemd "$DAEMON"
if [ ! -x "$HELPER" ]; then
	HELPER="$work/notify_listen"
	${CC:-cc} -std=c11 -D_GNU_SOURCE -o "$HELPER" \
	    "$top_srcdir/tests/func/notify_listen.c" ||
	    { echo "systemd: cannot build notify_listen"; exit 1; }
fi

# start_listener NAME: a fresh fake manager socket $work/NAME.sock
# recording into $work/NAME.out.
start_listener() {
	rm -f "$work/$1.sock" "$work/$1.out"
	"$HELPER" --socket "$work/$1.sock" --out "$work/$1.out" \
	    --max-seconds 60 &
	lpid=$!
	i=0
	until [ -S "$work/$1.sock" ]; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "systemd: notify_listen failed"; exit 1; }
		sleep 0.1
	done
}

stop_listener() {
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	lpid=""
}

# start_daemon NAME [VAR=VALUE...]: the daemon on a free loopback port,
# NOTIFY_SOCKET=$work/NAME.sock, extra environment from the arguments.
start_daemon() {
	name=$1
	shift
	tries=0
	while :; do
		tries=$((tries + 1))
		PORT=$(random_port)
		env NOTIFY_SOCKET="$work/$name.sock" "$@" "$DAEMON" \
		    -c "$top_srcdir/conf/hecsentry.conf" --output stdout \
		    --listen-tcp "127.0.0.1:$PORT" \
		    --listen-udp "127.0.0.1:$PORT" \
		    >"$work/$name.alerts" 2>"$work/$name.log" &
		DPID=$!
		# READY=1 or an exit (port taken), whichever comes first.
		i=0
		while [ $i -lt 100 ] && kill -0 "$DPID" 2>/dev/null &&
		    ! grep -qx "READY=1" "$work/$name.out" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -0 "$DPID" 2>/dev/null && return 0
		wait "$DPID" 2>/dev/null
		DPID=""
		if [ $tries -ge 5 ]; then
			cat "$work/$name.log"
			echo "systemd: the daemon did not start"
			exit 1
		fi
	done
}


# pid_of NAME STATE: the sender pid of the first datagram holding STATE.
pid_of() {
	awk -v s="$2" '/^@pid=/ { p = substr($1, 6) } $0 == s { print p; exit }' \
	    "$work/$1.out"
}

# Run 1: watchdog on, every second (WATCHDOG_USEC = 2 s).
start_listener run1
start_daemon run1 WATCHDOG_USEC=2000000
if grep -qx "READY=1" "$work/run1.out"; then
	ok "run1: READY=1 sent"
	if logger --tcp --rfc5424 -n 127.0.0.1 -P "$PORT" -t test \
	    "listening" 2>/dev/null; then
		ok "run1: TCP listener accepts once READY=1 is sent"
	else
		not_ok "run1: TCP listener accepts once READY=1 is sent"
	fi
	p=$(pid_of run1 READY=1)
	[ "$p" = "$DPID" ] && ok "run1: READY=1 comes from the daemon's pid" ||
	    not_ok "run1: READY=1 from pid [$p], daemon is $DPID"
else
	not_ok "run1: READY=1 within 10 s (is notify wired into main.c?)"
fi
# Pings every 1 s: at least 2 within 3.5 s of READY.
i=0
while [ $i -lt 35 ] &&
    [ "$(grep -cx WATCHDOG=1 "$work/run1.out")" -lt 2 ]; do
	sleep 0.1
	i=$((i + 1))
done
n=$(grep -cx WATCHDOG=1 "$work/run1.out")
[ "$n" -ge 2 ] && ok "run1: WATCHDOG=1 every WATCHDOG_USEC/2 ($n)" ||
    not_ok "run1: WATCHDOG=1 at least twice in 3.5 s, got $n"
grep -qx "STOPPING=1" "$work/run1.out" &&
    not_ok "run1: STOPPING=1 before SIGTERM"
# SIGHUP: RELOADING=1, then READY=1 again.
kill -HUP "$DPID"
if wait_line "$work/run1.out" "RELOADING=1" 50; then
	ok "run1: RELOADING=1 at SIGHUP"
	grep -q "^MONOTONIC_USEC=[0-9][0-9]*$" "$work/run1.out" &&
	    ok "run1: MONOTONIC_USEC with RELOADING=1" ||
	    not_ok "run1: MONOTONIC_USEC with RELOADING=1"
	i=0
	while [ $i -lt 50 ] && ! awk '$0 == "RELOADING=1" { r = 1 }
	    r && $0 == "READY=1" { f = 1 } END { exit !f }' \
	    "$work/run1.out"; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 50 ] && ok "run1: READY=1 again after the reload" ||
	    not_ok "run1: READY=1 again after the reload"
else
	not_ok "run1: RELOADING=1 at SIGHUP"
fi
kill -0 "$DPID" 2>/dev/null && ok "run1: alive after SIGHUP" ||
    not_ok "run1: alive after SIGHUP"
stop_daemon run1 150
if wait_line "$work/run1.out" "STOPPING=1" 20; then
	ok "run1: STOPPING=1 at SIGTERM"
	r=$(grep -nx "READY=1" "$work/run1.out" | head -n 1 | cut -d: -f1)
	s=$(grep -nx "STOPPING=1" "$work/run1.out" | head -n 1 | cut -d: -f1)
	[ -n "$r" ] && [ "$s" -gt "$r" ] &&
	    ok "run1: STOPPING=1 after READY=1" ||
	    not_ok "run1: STOPPING=1 after READY=1"
else
	not_ok "run1: STOPPING=1 at SIGTERM"
fi
grep -q truncated "$work/run1.out" && not_ok "run1: a datagram was truncated"
stop_listener

# Run 2: WATCHDOG_PID names another process: READY=1 but no pings.
start_listener run2
start_daemon run2 WATCHDOG_USEC=1000000 WATCHDOG_PID=1
grep -qx "READY=1" "$work/run2.out" && ok "run2: READY=1 sent" ||
    not_ok "run2: READY=1 sent"
sleep 1.5
n=$(grep -cx WATCHDOG=1 "$work/run2.out")
[ "$n" -eq 0 ] && ok "run2: no WATCHDOG=1 for another process's watchdog" ||
    not_ok "run2: WATCHDOG=1 sent $n times though WATCHDOG_PID=1"
stop_daemon run2 150
stop_listener

if ! summary systemd; then
	for f in run1 run2; do
		echo "---- $f: notifications ----"; cat "$work/$f.out"
		echo "---- $f: daemon log ----"; cat "$work/$f.log"
	done
	exit 1
fi
exit 0
