# Helpers shared by the functional tests (tests/func/*.sh), sourced with
#   . "$top_srcdir/tests/func/lib.sh"
# POSIX sh.  It sets top_srcdir and top_builddir (default: the current
# directory, the repository root when a test is run by hand), a fresh
# $work directory removed at exit, and the pass/fail counters.  At exit
# every process named in $pids (see track) is killed with SIGKILL, the
# daemon ($DPID) first; a test that needs more cleaning defines
# cleanup_hook.  Every wait here is bounded.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
work=$(mktemp -d)
DPID=""
pids=""
fails=0
passes=0
skips=0

cleanup_hook() { :; }

lib_cleanup() {
	cleanup_hook
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap lib_cleanup EXIT

# track PID: kill it at exit.
track() { pids="$pids $1"; }

ok() { passes=$((passes + 1)); printf "ok - %s\n" "$1"; }
not_ok() { fails=$((fails + 1)); printf "not ok - %s\n" "$1"; }
skip() { skips=$((skips + 1)); printf "ok - # SKIP %s\n" "$1"; }

# check DESCRIPTION EXPECTED ACTUAL: passes when the two strings are equal.
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1: expected [$2], got [$3]"; fi
}

# check_eval DESCRIPTION COMMANDS: passes when COMMANDS (eval'd) succeed.
check_eval() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

# wait_log PATTERN [SINCE_LINE]: an extended regexp in $work/log, 10 s max.
wait_log() {
	i=0
	while [ $i -lt 100 ]; do
		tail -n +"${2:-1}" "$work/log" | grep -Eq "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# matches NAME_PREFIX N: SIGUSR1 makes the daemon ($DPID) log "matches N"
# for that detection in $work/log.
matches() {
	from=$(($(wc -l <"$work/log") + 1))
	kill -USR1 "$DPID"
	wait_log "detection $1.*: matches $2," "$from"
}

# summary NAME: the closing "NAME: N passed, M failed" line (run-all.sh
# adds these up); returns 1 when something failed.
summary() {
	echo "$1: $passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}

# need_tools NAME TOOL...: exit 99 (hard error) when a tool is missing.
need_tools() {
	name=$1
	shift
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || {
			echo "$name: $tool is missing (scripts/deps.sh" \
			    "installs it)"
			exit 99
		}
	done
}

# wait_built NAME FILE: wait up to 30 s for FILE to be built (make -j
# may still be linking it), else exit 77 (skip).
wait_built() {
	i=0
	until [ -x "$2" ]; do
		i=$((i + 1))
		if [ $i -gt 300 ]; then
			echo "$1: $2 not built: skipped"
			exit 77
		fi
		sleep 0.1
	done
}

# wait_for FILE PATTERN TENTHS: until grep finds PATTERN in FILE.
wait_for() {
	i=0
	while [ $i -lt "$3" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_line FILE LINE TENTHS: until FILE holds LINE as a whole line.
wait_line() {
	i=0
	while [ $i -lt "$3" ]; do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_more FILE PATTERN COUNT TENTHS: until more than COUNT lines of
# FILE match PATTERN.
wait_more() {
	i=0
	while [ $i -lt "$4" ]; do
		cnt=$(grep -c "$2" "$1" 2>/dev/null)
		[ "${cnt:-0}" -gt "$3" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# random_port: a port in 20000..59999 to try; start_daemon retries when
# it is taken.
random_port() {
	echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
}

# start_receiver NAME [OPTIONS...]: the fake HEC receiver of the test
# tree on 127.0.0.1 (port 0), token $TOKEN, writing $work/NAME.out, for
# at most ${RECEIVER_SECONDS:-120} s; sets RPID and HECPORT.  Exits 1
# when it does not start within 5 s.
start_receiver() {
	name=$1
	shift
	"$top_builddir/tests/func/hec_receiver" --listen 127.0.0.1 --port 0 \
	    --port-file "$work/$name.port" --token "$TOKEN" \
	    --out "$work/$name.out" --max-seconds "${RECEIVER_SECONDS:-120}" \
	    "$@" 2>"$work/$name.log" &
	RPID=$!
	track "$RPID"
	wait_for "$work/$name.port" "[0-9]" 50 || {
		cat "$work/$name.log"; exit 1; }
	HECPORT=$(cat "$work/$name.port")
}

# start_daemon TENTHS READY LAUNCH [ARGS...]: up to 5 times, picks PORT
# with random_port, runs LAUNCH ARGS (a function that starts the daemon
# in the background, using $PORT) and polls the command READY (eval'd)
# for TENTHS tenths of a second while the daemon lives.  Sets DPID and
# PORT and returns 0 once READY succeeds; returns 1 after 5 failures
# (the daemon killed).
start_daemon() {
	tenths=$1
	ready=$2
	shift 2
	tries=0
	while [ $tries -lt 5 ]; do
		tries=$((tries + 1))
		PORT=$(random_port)
		"$@"
		DPID=$!
		i=0
		while [ $i -lt "$tenths" ]; do
			eval "$ready" && return 0
			kill -0 "$DPID" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=""
	done
	return 1
}

# launch_hec [OPTION...]: for start_daemon: the daemon with the shipped
# configuration and OPTIONs on 127.0.0.1:$PORT (TCP and UDP), HEC output
# to the receiver on $HECPORT with token $TOKEN, $WINDOW s windows (1 by
# default), fast
# batches and retries, the admin port on $PORT + 1, $WRAPPER (valgrind)
# when set; its log in $work/daemon.log.
launch_hec() {
	# shellcheck disable=SC2086
	HECSENTRY_HEC_TOKEN=$TOKEN $WRAPPER "$top_builddir/hecsentry" \
	    -c "$top_srcdir/conf/hecsentry.conf" "$@" \
	    --listen-tcp "127.0.0.1:$PORT" --listen-udp "127.0.0.1:$PORT" \
	    --output hec --hec-url "http://127.0.0.1:$HECPORT" \
	    --window "${WINDOW:-1}" \
	    --set hec_batch_ms=100 --set hec_retry_min_ms=100 \
	    --admin-listen "127.0.0.1:$((PORT + 1))" \
	    2>"$work/daemon.log" &
}

# hec_daemon NAME [OPTION...]: start_daemon with launch_hec OPTIONs,
# ready once it logs "running" and its admin port answers; tracked.
# Exits 1 (with the daemon log) when it does not start.
hec_daemon() {
	hd_name=$1
	shift
	: >"$work/daemon.log"
	if start_daemon 50 'grep -q running "$work/daemon.log" 2>/dev/null &&
	    [ "$(http_get "http://127.0.0.1:$((PORT + 1))/health" \
	    /dev/null)" != 000 ]' launch_hec "$@"; then
		track "$DPID"
		return 0
	fi
	cat "$work/daemon.log"
	echo "$hd_name: the daemon did not start"
	exit 1
}

# term_wait TENTHS: SIGTERM to $DPID, then waits up to TENTHS tenths of
# a second for it.  Returns 0 with its exit status in RC and DPID
# cleared, or 1 when it still runs.
term_wait() {
	kill -TERM "$DPID" 2>/dev/null
	i=0
	while kill -0 "$DPID" 2>/dev/null && [ $i -lt "$1" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$DPID" 2>/dev/null && return 1
	wait "$DPID"
	RC=$?
	DPID=""
	return 0
}

# stop_daemon NAME TENTHS: SIGTERM; checks that the daemon exits within
# TENTHS tenths of a second (else SIGKILL) and with status 0.
stop_daemon() {
	if term_wait "$2"; then
		check "$1: exit status after SIGTERM" 0 "$RC"
	else
		not_ok "$1: daemon exits within $(($2 / 10)) s of SIGTERM"
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
		DPID=""
	fi
}

# stop_quietly TENTHS: SIGTERM, at most TENTHS, then SIGKILL; no check.
stop_quietly() {
	[ -n "$DPID" ] || return 0
	term_wait "$1" && return 0
	kill -9 "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=""
}

# http_get URL FILE [SECONDS]: the body of GET URL into FILE (SECONDS, 5
# by default, at most); prints the HTTP status ("000" when there was no
# answer).
http_get() {
	curl -s --max-time "${3:-5}" -o "$2" -w "%{http_code}" "$1" \
	    2>/dev/null || true
}

# metric FILE NAME: the sum of the samples of NAME (a name, or a name
# with the start of its label list, e.g. 'x_total{reason="y"') in a
# /metrics answer saved in FILE; 0 when there are none.
metric() {
	awk -v m="$2" 'index($0, m) == 1 { n = substr($0, length(m) + 1,
	    1); if (n == " " || n == "{" || n == "," || n == "}" ||
	    substr(m, length(m)) == "\"") s += $NF } END { printf "%d\n", s }' \
	    "$1"
}

# check_listener_frames APORT TCP UDP [NOTE]: the per-listener frame counts
# on the admin port 127.0.0.1:APORT for tcp/ and udp/127.0.0.1:$PORT must
# be TCP and UDP; a skip when the admin port could not be bound (the
# daemon only warns then).
check_listener_frames() {
	lf_metrics=$(curl -fsS --max-time 5 "http://127.0.0.1:$1/metrics" \
	    2>/dev/null)
	if [ -z "$lf_metrics" ]; then
		skip "metrics: admin port 127.0.0.1:$1 was taken"
		return
	fi
	check "metrics: frames on tcp/127.0.0.1:$PORT${4:+, $4}" "$2" \
	    "$(printf '%s\n' "$lf_metrics" | sed -n \
	    "s|^hecsentry_frames_total{listener=\"tcp/127.0.0.1:$PORT\"} ||p")"
	check "metrics: frames on udp/127.0.0.1:$PORT" "$3" \
	    "$(printf '%s\n' "$lf_metrics" | sed -n \
	    "s|^hecsentry_frames_total{listener=\"udp/127.0.0.1:$PORT\"} ||p")"
}

# send_mail FROM TO NAME: Sysmon network events FROM..TO-1 to the daemon's
# TCP port $PORT, octet-counted, tagged NAME; each is one distinct row of
# the mail detection (its Image is C:\Users\NAME\mN.exe).
send_mail() {
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { for (i = a; i < b; i++)
	    printf("{\"EventCode\":3,\"Computer\":\"ws-7.corp.example\"," \
	    "\"source\":" \
	    "\"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational\"," \
	    "\"sourcetype\":\"XmlWinEventLog\"," \
	    "\"UtcTime\":\"2026-11-28 08:10:00.250\"," \
	    "\"Image\":\"C:\\\\Users\\\\%s\\\\m%d.exe\"," \
	    "\"DestinationPort\":25,\"DestinationPortName\":\"smtp\"," \
	    "\"DestinationHostname\":\"mx.example\"," \
	    "\"DestinationIp\":\"192.0.2.7\",\"SourceHostname\":\"ws-7\"," \
	    "\"SourcePort\":\"50000\",\"SourcePortName\":\"-\"," \
	    "\"Protocol\":\"tcp\",\"User\":\"CORP\\\\eve\"," \
	    "\"Initiated\":\"true\",\"SourceIp\":\"10.0.0.7\"}\n", n, i) }' \
	    >"$work/send_mail.chunk"
	logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$PORT" \
	    -S 65536 -t "$3" -f "$work/send_mail.chunk" ||
	    not_ok "logger $1..$2"
}
