#!/bin/sh
# Worker threads (workers = 2): the e2e streams over several TCP
# connections and UDP give, once the rows of the workers are merged per
# key (sum of counts, as Splunk would and as e2e.sh does), exactly the
# rows e2e.sh expects; every alert carries its worker and a distinct id;
# /metrics sums the frames of both workers; SIGHUP swaps the detections
# in every worker; SIGTERM exits 0 after delivering every row.  Then a
# second daemon gets 3000 datagrams from one UDP socket (one flow, which
# the kernel's hash alone would give to one worker): each worker reads at
# least 30 % of them and together all of them.
# HECSENTRY_WRAPPER runs the daemon under a tool (see e2e.sh).
set -u
WRAPPER=${HECSENTRY_WRAPPER:-}
SLOW=1
[ -n "$WRAPPER" ] && SLOW=6
. "${top_srcdir:-.}/tests/func/lib.sh"
DATA="$top_srcdir/tests/data/e2e"
TOKEN=workers-test-token

need_tools workers logger jq split curl seq timeout
wait_built workers "$top_builddir/hecsentry"
wait_built workers "$top_builddir/bench/hecsentry-send"

start_receiver hec

ready='grep -q "running:.*admin port 127.0.0.1:$((PORT + 1))" \
    "$work/daemon.log" 2>/dev/null'
if ! start_daemon $((50 * SLOW)) "$ready" launch_hec --workers 2; then
	cat "$work/daemon.log"
	echo "workers: the daemon did not start"
	exit 1
fi
ok "daemon with 2 workers started on 127.0.0.1:$PORT"
check "2 workers running" 1 "$(grep -c '2 workers running' \
    "$work/daemon.log")"

# The octet-counted stream cut in 4, sent over 4 connections at once.
split -n l/4 "$DATA/tcp-octet.log" "$work/part."
senders=""
for f in "$work"/part.*; do
	logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$PORT" \
	    -S 65536 -t nxlog -f "$f" &
	track $!
	senders="$senders $!"
done
logger --tcp --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t winlogbeat -f "$DATA/tcp-lf.log" || not_ok "logger tcp LF"
logger --udp --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t splunk -f "$DATA/udp.log" || not_ok "logger udp"
for p in $senders; do
	wait "$p" || not_ok "logger tcp octet-count, part $p"
done
sleep $((2 * SLOW))

check_listener_frames $((PORT + 1)) 624 2 "both workers"

# SIGHUP: every worker swaps the (unchanged) set; input keeps flowing.
kill -HUP "$DPID"
if wait_for "$work/daemon.log" "reload done" $((50 * SLOW)); then
	ok "SIGHUP reload done with workers"
else
	not_ok "SIGHUP reload done with workers"
fi
logger --udp --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t splunk -f "$DATA/udp.log" || not_ok "logger udp after SIGHUP"
sleep 1
stop_daemon "daemon" $((150 * SLOW))

out="$work/hec.out"
touch "$out"
jq -e . "$out" >/dev/null 2>&1 || not_ok "every HEC event is valid JSON"
check "every alert names its worker (1 or 2)" 0 "$(jq -s \
    'map(select(.event.worker != 1 and .event.worker != 2)) | length' \
    "$out")"
check "alert ids are distinct" "$(jq -r .fields.alert_id "$out" | wc -l)" \
    "$(jq -r .fields.alert_id "$out" | sort -u | wc -l)"

merged=$(jq -s -c '
    map(.event) | group_by([.detection, .Image, .DestinationPort,
        .DestinationPortName, .DestinationHostname, .DestinationIp, .user,
        .SourceHostname, .SourcePort, .dest])
    | map({detection: .[0].detection, Image: .[0].Image,
        count: (map(.count) | add), firstTime: (map(.firstTime) | min),
        lastTime: (map(.lastTime) | max)})
    | sort_by(.detection, .Image)' "$out")
ftp="Windows File Transfer Protocol In Non-Common Process Path"
mail="Windows Mail Protocol In Non-Common Process Path"
img() {
	printf "%s\n" "$merged" | jq -r --arg i "$1" \
	    "map(select(.Image == \$i)) | .[0].$2"
}

check "merged rows" 5 "$(printf "%s\n" "$merged" | jq length)"
check "FTP rows" 2 "$(printf "%s\n" "$merged" | jq --arg d "$ftp" \
    'map(select(.detection == $d)) | length')"
check "mail rows" 3 "$(printf "%s\n" "$merged" | jq --arg d "$mail" \
    'map(select(.detection == $d)) | length')"
check "AgentTesla merged count" 1 "$(img 'C:\Temp\agent_tesla-deob.exe' \
    count)"
check "AgentTesla firstTime" 2022-09-15T12:56:19 \
    "$(img 'C:\Temp\agent_tesla-deob.exe' firstTime)"
check "svchost32 merged count" 3 \
    "$(img 'C:\Users\Public\Libraries\svchost32.exe' count)"
check "svchost32 merged firstTime" 2026-11-28T08:00:01 \
    "$(img 'C:\Users\Public\Libraries\svchost32.exe' firstTime)"
check "svchost32 merged lastTime" 2026-11-28T08:00:09 \
    "$(img 'C:\Users\Public\Libraries\svchost32.exe' lastTime)"
check "ftpsync merged count" 1 \
    "$(img 'C:\ProgramData\Updater\ftpsync.exe' count)"
check "upd.exe merged count" 1 \
    "$(img 'C:\Users\carol\AppData\Local\Temp\upd.exe' count)"
check "mailpv merged count (UDP, before and after SIGHUP)" 2 \
    "$(img 'C:\Users\bob\AppData\Roaming\mailpv.exe' count)"
check "no row from Program Files, System32 or Security log" 0 \
    "$(jq -s 'map(select((.event.Image | ascii_downcase |
    test("program files|system32|evil2")))) | length' "$out")"

# One UDP flow, paced (no kernel drops), spread over the 2 workers.
NUDP=3000
seq "$NUDP" | sed 's/.*/<13>1 2026-11-28T08:00:00Z h app - - - datagram &/' \
    >"$work/udp-flow.log"
launch_udp() {
	# shellcheck disable=SC2086
	$WRAPPER "$top_builddir/hecsentry" \
	    -c "$top_srcdir/conf/hecsentry.conf" --workers 2 --listen-udp "127.0.0.1:$PORT" \
	    --output "file:$work/udp-flow.out" \
	    --admin-listen "127.0.0.1:$((PORT + 1))" \
	    2>"$work/daemon-udp.log" &
}
ready='grep -q "running:.*admin port 127.0.0.1:$((PORT + 1))" \
    "$work/daemon-udp.log" 2>/dev/null'
if start_daemon $((50 * SLOW)) "$ready" launch_udp; then
	ok "daemon with 2 workers started on udp/127.0.0.1:$PORT"
	timeout $((20 * SLOW)) "$top_builddir/bench/hecsentry-send" -u \
	    --pps $((5000 / SLOW)) -p "$PORT" "$work/udp-flow.log" \
	    >/dev/null || not_ok "hecsentry-send -u"
	i=0
	while [ $i -lt $((50 * SLOW)) ]; do
		: >"$work/udp-flow.metrics"
		http_get "http://127.0.0.1:$((PORT + 1))/metrics" \
		    "$work/udp-flow.metrics" >/dev/null
		[ "$(metric "$work/udp-flow.metrics" \
		    hecsentry_frames_total)" -ge "$NUDP" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	stop_daemon "daemon (one UDP flow)" $((150 * SLOW))
	w1=$(sed -n 's/.*worker 1: frames \([0-9]*\),.*/\1/p' \
	    "$work/daemon-udp.log")
	w2=$(sed -n 's/.*worker 2: frames \([0-9]*\),.*/\1/p' \
	    "$work/daemon-udp.log")
	check "one UDP flow: every datagram read once (worker 1 + 2)" \
	    "$NUDP" "$((${w1:-0} + ${w2:-0}))"
	if grep -q "UDP datagrams spread at random over the 2 workers" \
	    "$work/daemon-udp.log"; then
		check_eval "one UDP flow: worker 1 read $w1 (>= 30 %)" \
		    "[ ${w1:-0} -ge $((NUDP * 3 / 10)) ]"
		check_eval "one UDP flow: worker 2 read $w2 (>= 30 %)" \
		    "[ ${w2:-0} -ge $((NUDP * 3 / 10)) ]"
	else
		skip "one UDP flow: no random spreading on this system:\
 $(grep -m1 'UDP: no random' "$work/daemon-udp.log")"
	fi
else
	cat "$work/daemon-udp.log"
	not_ok "workers: the daemon (one UDP flow) did not start"
fi

if ! summary workers; then
	echo "---- daemon log ----"; cat "$work/daemon.log"
	[ -f "$work/daemon-udp.log" ] && {
		echo "---- daemon log (one UDP flow) ----"
		cat "$work/daemon-udp.log"; }
	echo "---- HEC received ----"; cat "$out"
	exit 1
fi
exit 0
