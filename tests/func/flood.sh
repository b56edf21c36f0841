#!/bin/bash
# Flood (issue 5, point 3): the daemon on loopback with the shipped
# configuration, max_connections = 64, max_keys = 2000, max_frame = 16384,
# a file output and the admin port, is flooded for about 20 s, all at
# once, by:
#  - a stream of valid hits, each with a unique key (hecsentry-gen
#    --hits 1 --keys 100000): 8000 first, then 4000 every 3 s, over two
#    TCP connections (6000 and 3000 Mail keys: over max_keys in a window);
#  - 100 connections held open (more than max_connections: the rest are
#    refused) writing garbage lines, giant frames (100 KB, over
#    max_frame), deeply nested JSON, XML bombs (entity declarations) and
#    deeply nested XML;
#  - 40 more connections of garbage and giant frames (hecsentry-send);
#  - UDP datagrams of the same nasty documents and giant datagrams.
# Meanwhile VmRSS and VmHWM of the daemon are sampled from /proc and GET
# /health and /metrics must answer (curl --max-time).  Expected: the peak
# RSS (VmHWM) stays under FLOOD_RSS_MIB (default 64 MiB; about 20 MiB
# measured on x86-64), every stats table keeps at most max_keys keys,
# /health and /metrics answer during and after the flood, the flood is
# counted in /metrics (oversize frames, refused connections, json_depth,
# xml_limit, truncated UDP datagrams, early rows), the AgentTesla record
# sent afterwards still gives its FTP alert, a bad octet-count prefix
# then is counted, and SIGTERM still exits 0.  Loopback only; every loop and wait is bounded.
# bash for /dev/tcp.  Exit status: 0 pass, 1 fail, 77 skip, 99 error.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"

BIN="$top_builddir/hecsentry"
BENCH=${BENCHBIN:-$top_builddir/bench}
RSS_MIB=${FLOOD_RSS_MIB:-64}
AGENTTESLA="$top_srcdir/tests/data/splunk_security_content_agenttesla_ftp_eid3"
AGENTTESLA="$AGENTTESLA/agenttesla_ftp_sysmon_eid3.xml"
FTP="Windows File Transfer Protocol In Non-Common Process Path"

need_tools flood curl timeout jq
wait_built flood "$BIN"
wait_built flood "$BENCH/hecsentry-gen"
wait_built flood "$BENCH/hecsentry-send"

cleanup_hook() { touch "$work/stop"; }

## The ammunition.
"$BENCH/hecsentry-gen" -n 20000 --shape mix --framing lf --hits 1 \
    --keys 100000 --seed 14 -o "$work/hits.log" 2>/dev/null ||
    { echo "flood: hecsentry-gen failed"; exit 1; }
head -n 8000 "$work/hits.log" >"$work/hits.0"
tail -n +8001 "$work/hits.log" | split -l 4000 -a 1 - "$work/hits."
GIANT=$(head -c 100000 /dev/zero | tr '\0' 'G')
DEEPJSON="{\"EventCode\":3,\"d\":$(head -c 3000 /dev/zero | tr '\0' '[')$(
    head -c 3000 /dev/zero | tr '\0' ']')}"
LOLS='&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'
BOMB="<?xml version=\"1.0\"?><!DOCTYPE Event [<!ENTITY lol \"lol\">"
prev=lol
for n in 1 2 3 4 5 6 7 8 9; do
	BOMB="$BOMB<!ENTITY lol$n \"${LOLS//lol/$prev}\">"
	prev=lol$n
done
BOMB="$BOMB]><Event><System><EventID>3</EventID></System><EventData>"
BOMB="$BOMB<Data Name='Image'>&lol9;</Data></EventData></Event>"
DEEPXML="<Event><System><EventID>3</EventID></System>$(
    for i in $(seq 1 200); do printf '<a>'; done)x$(
    for i in $(seq 1 200); do printf '</a>'; done)</Event>"
# printable garbage, 2000 lines of up to 1 KB
head -c 1500000 /dev/urandom | tr -c 'A-Za-z0-9 {}<>":,=' '\n' |
    cut -c 1-1024 | head -n 2000 >"$work/garbage.log"
{
	cat "$work/garbage.log"
	for i in 1 2 3 4 5; do printf '%s\n' "$GIANT"; done
} >"$work/garbage-giant.log"
{
	for i in 1 2 3 4 5; do
		printf '%s\n%s\n%s\n' "$DEEPJSON" "$BOMB" "$DEEPXML"
		head -c 30000 /dev/zero | tr '\0' 'U'
		echo
	done
} >"$work/nasty-udp.log"

## The daemon.
launch() {
	APORT=$(random_port)
	"$BIN" -c "$top_srcdir/conf/hecsentry.conf" \
	    --listen-tcp "127.0.0.1:$PORT" --listen-udp "127.0.0.1:$PORT" \
	    --output "file:$work/alerts.jsonl" --window 10 \
	    --admin-listen "127.0.0.1:$APORT" \
	    --set max_connections=64 --set max_keys=2000 \
	    --set max_frame=16384 2>"$work/daemon.log" &
}
ADMIN=""
# admin_up: running with its admin port answering; when that port was
# taken (the daemon only warns) it is killed, so another pair is tried.
admin_up() {
	if grep -q "without the admin port" "$work/daemon.log" 2>/dev/null
	then
		kill -9 "$DPID" 2>/dev/null
		return 1
	fi
	grep -q "running" "$work/daemon.log" 2>/dev/null &&
	    [ "$(http_get "http://127.0.0.1:$APORT/health" /dev/null)" = 200 ]
}
if ! start_daemon 300 admin_up launch; then
	cat "$work/daemon.log"
	echo "flood: the daemon did not start with its admin port"
	exit 1
fi
ADMIN="http://127.0.0.1:$APORT"
ok "daemon on 127.0.0.1:$PORT, admin port $APORT"

## Samplers: RSS every 0.2 s, the admin port every second, bounded.
# The admin port gets 30 s to answer, not 5: under ASan at load 25 an
# answer took over 5 s 1 to 2 times in 7 to 11 (000); an admin port
# starved or dead still fails.
(
	i=0
	while [ $i -lt 400 ] && [ ! -e "$work/stop" ]; do
		awk '/^VmRSS:|^VmHWM:/ { printf "%s %s ", $1, $2 }
		    END { print "" }' "/proc/$DPID/status" 2>/dev/null
		sleep 0.2
		i=$((i + 1))
	done
) >"$work/rss.log" &
rss_pid=$!
track $rss_pid
(
	i=0
	while [ $i -lt 60 ] && [ ! -e "$work/stop" ]; do
		printf 'health %s metrics %s\n' \
		    "$(http_get "$ADMIN/health" "$work/h.json" 30)" \
		    "$(http_get "$ADMIN/metrics" "$work/m.txt" 30)"
		# the largest stats table now
		awk '/^hecsentry_detection_keys\{/ { if ($NF > m) m = $NF }
		    END { print "keys", m + 0 }' "$work/m.txt" >&3
		sleep 1
		i=$((i + 1))
	done
) >"$work/admin.log" 3>"$work/keys.log" &
admin_pid=$!
track $admin_pid

## The flood, all at once, each part bounded by timeout.
# hits: a chunk of 8000, then three of 4000, 3 s apart (the later ones
# may be refused while the connections below are held).  The first chunk
# is read before those connections open; it holds 6000 keys of the Mail
# detection, so even split over two 10 s windows one of them passes
# max_keys and gives early rows (with 3000, one run in several at load
# 5-8 had only the first chunk through, split 1900/1100 over two
# windows: no early rows, 0 in hecsentry_detection_early_rows_total).  With
# 2000 a chunk (1500 keys), two chunks had to meet in one 2 s window,
# which a loaded machine made rare (0 early rows 5 times out of 5 at
# load 6 on 2 cores, at 61b3c49 too).  The window is 10 s, not 2: a
# loaded machine spreads one chunk over seconds (at load 13 on 2 cores,
# 7496 Mail keys arrived and no 2 s window held 2000 of them, 1 run in 5).
(
	for f in "$work"/hits.?; do
		timeout 20 "$BENCH/hecsentry-send" -c 2 -p "$PORT" "$f"
		sleep 3
	done
) >/dev/null 2>&1 &
hits_pid=$!
track $hits_pid
# the rest of the flood starts once the first chunk is being read: its
# connections hold their slots then (a loaded machine could otherwise
# see every chunk refused: 0 hits, 1 ASan run in 5 at load 20)
i=0
while [ $i -lt 300 ]; do
	http_get "$ADMIN/metrics" "$work/metrics.hits" >/dev/null
	[ "$(metric "$work/metrics.hits" hecsentry_events_total)" -gt 0 ] &&
	    break
	sleep 0.1
	i=$((i + 1))
done

# hold CONNS ROUNDS: opens CONNS connections at once and writes every
# kind of bad input on each, ROUNDS times; refused ones fail quietly.
hold() {
	trap '' PIPE
	fds=""
	for i in $(seq 1 "$1"); do
		exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null &&
		    fds="$fds $fd"
	done
	sleep 1
	for r in $(seq 1 "$2"); do
		for fd in $fds; do
			printf '%s\n%s\n%s\n%s\n%s\n' "$(sed -n "${r}p" \
			    "$work/garbage.log")" "$GIANT" "$DEEPJSON" \
			    "$BOMB" "$DEEPXML" >&"$fd" 2>/dev/null
		done
	done
	sleep 2
	for fd in $fds; do exec {fd}>&-; done
}
export -f hold
export work PORT GIANT DEEPJSON BOMB DEEPXML
timeout 40 bash -c 'hold 100 3' >/dev/null 2>&1 &
hold_pid=$!
track $hold_pid
sleep 0.5
timeout 40 "$BENCH/hecsentry-send" -c 40 --repeat 2 -p "$PORT" \
    "$work/garbage-giant.log" >/dev/null 2>&1 &
garbage_pid=$!
track $garbage_pid
timeout 40 "$BENCH/hecsentry-send" -u --repeat 40 --pps 2000 -p "$PORT" \
    "$work/nasty-udp.log" >/dev/null 2>&1 &
udp_pid=$!
track $udp_pid

for p in $hits_pid $hold_pid $garbage_pid $udp_pid; do
	wait "$p" 2>/dev/null
done
kill -0 "$DPID" 2>/dev/null && ok "the daemon survived the flood" ||
    { not_ok "the daemon survived the flood"; tail -n 30 \
    "$work/daemon.log"; exit 1; }

## During the flood.
touch "$work/stop"
wait "$rss_pid" "$admin_pid" 2>/dev/null
n=$(grep -c . "$work/admin.log")
bad=$(grep -vc "^health 200 metrics 200$" "$work/admin.log")
[ "$n" -ge 3 ] && [ "$bad" -eq 0 ] &&
    ok "/health and /metrics answered 200 during the flood ($n times)" ||
    not_ok "/health and /metrics during the flood: $bad of $n failed"

## After it: the flood is counted.
check "/metrics answers after the flood" 200 \
    "$(http_get "$ADMIN/metrics" "$work/metrics")"
check "/health answers 200 after the flood" 200 \
    "$(http_get "$ADMIN/health" "$work/health")"
positive() {	# positive DESCRIPTION METRIC
	v=$(metric "$work/metrics" "$2")
	[ "$v" -gt 0 ] && ok "$1 ($v)" || not_ok "$1: $2 is $v"
}
positive "refused connections counted" \
    'hecsentry_drops_total{reason="connection_refused"'
positive "deep JSON counted as json_depth" \
    'hecsentry_parse_errors_total{stage="decode",reason="json_depth"'
positive "XML bombs and deep XML counted as xml_limit" \
    'hecsentry_parse_errors_total{stage="decode",reason="xml_limit"'
UDPL="udp/127.0.0.1:$PORT"
positive "giant datagrams counted as truncated" \
    "hecsentry_udp_drops_total{listener=\"$UDPL\",reason=\"truncated\""
positive "early emissions at the key limit" \
    hecsentry_detection_early_rows_total
positive "accepted connections counted" hecsentry_connections_accepted_total
maxkeys=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$work/keys.log")
[ "$maxkeys" -le 2000 ] &&
    ok "no stats table above max_keys during the flood (at most $maxkeys)" ||
    not_ok "a stats table held $maxkeys keys, max_keys is 2000"

## Memory.
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DPID/status")
rss=$(awk '{ for (i = 1; i < NF; i++) if ($i == "VmRSS:" &&
    $(i + 1) > m) m = $(i + 1) } END { print m + 0 }' "$work/rss.log")
samples=$(grep -c VmRSS "$work/rss.log")
echo "# peak RSS (VmHWM) $((hwm / 1024)) MiB, largest sampled VmRSS" \
    "$((rss / 1024)) MiB over $samples samples; bound $RSS_MIB MiB"
[ "$samples" -ge 10 ] && ok "RSS sampled during the flood ($samples)" ||
    not_ok "RSS sampled during the flood: only $samples samples"
if ldd "$BIN" 2>/dev/null | grep -q libasan; then
	# shadow memory and the quarantine: the bound means nothing here
	skip "peak RSS bound under AddressSanitizer"
elif [ "${hwm:-0}" -gt 0 ] && [ "$hwm" -lt $((RSS_MIB * 1024)) ]; then
	ok "peak RSS $((hwm / 1024)) MiB under $RSS_MIB MiB"
else
	not_ok "peak RSS ${hwm:-?} KiB, bound $RSS_MIB MiB"
fi

## Valid events afterwards still alert, even right behind a giant frame on
## the same connection (the flood's own giant frames may all have met
## full connection slots: this one is certain to be read once the daemon
## has closed the flood's connections, which a loaded machine delays).
i=0
while [ $i -lt 300 ]; do
	http_get "$ADMIN/metrics" "$work/metrics.open" >/dev/null
	open=$(metric "$work/metrics.open" hecsentry_connections_open)
	[ "$open" -eq 0 ] && break
	sleep 0.1
	i=$((i + 1))
done
check "the flood's connections are closed" 0 \
    "$(metric "$work/metrics.open" hecsentry_connections_open)"
exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" ||
    { not_ok "connect after the flood"; exit 1; }
printf '%s\n' "$GIANT" >&"$fd"
tr -d '\r\n' <"$AGENTTESLA" >&"$fd"
printf '\n' >&"$fd"
exec {fd}>&-
# a bad octet count closes its connection, counted (the flood's own may
# all have met full connection slots: twice 0 under make -j2 check at
# load 13 to 17, 3 times in 5 under ASan at load 19)
exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" ||
    { not_ok "connect after the flood"; exit 1; }
printf '99999999999 x\n' >&"$fd"
exec {fd}>&-
# the generator imitates AgentTesla too: the real record's own row
at() {
	grep -F '"2022-09-15T12:56:19"' "$work/alerts.jsonl" 2>/dev/null |
	    jq -c --arg d "$FTP" 'select(.source == $d and
	    .event.Image == "C:\\Temp\\agent_tesla-deob.exe" and
	    .event.SourcePort == "61722" and
	    .event.firstTime == "2022-09-15T12:56:19")' 2>/dev/null |
	    grep -c .
}
i=0
while [ $i -lt 300 ] && [ "$(at)" -eq 0 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the AgentTesla record sent after the flood alerts" 1 "$(at)"
i=0
while [ $i -lt 300 ]; do
	http_get "$ADMIN/metrics" "$work/metrics" >/dev/null
	[ "$(metric "$work/metrics" \
	    'hecsentry_drops_total{reason="bad_length_prefix"')" -gt 0 ] &&
	    break
	sleep 0.1
	i=$((i + 1))
done
positive "oversize frames counted" \
    'hecsentry_drops_total{reason="oversize_frame"'
positive "the bad length prefix counted" \
    'hecsentry_drops_total{reason="bad_length_prefix"'

stop_daemon flood 300
grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
    "$work/daemon.log" && not_ok "sanitizer report in the daemon's log"
summary flood || {
	echo "---- daemon log ----"; tail -n 40 "$work/daemon.log"
	echo "---- admin samples ----"; cat "$work/admin.log"
	echo "---- metrics ----"; grep -v "^#" "$work/metrics" | grep -v " 0$"
	exit 1
}
