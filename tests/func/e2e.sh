#!/bin/sh
# End to end: the daemon on loopback with the shipped configuration and
# detections, fed by util-linux logger over TCP (octet counting and LF
# framing) and UDP, delivering to the fake HEC receiver of the test tree.
# Every expected row must arrive with the right content, and nothing else.
# HECSENTRY_WRAPPER runs the daemon under a tool, e.g.
#   HECSENTRY_WRAPPER="valgrind --error-exitcode=99 --leak-check=full"
# (a memcheck error then fails the exit status check).
set -u
WRAPPER=${HECSENTRY_WRAPPER:-}
SLOW=1
[ -n "$WRAPPER" ] && SLOW=6
. "${top_srcdir:-.}/tests/func/lib.sh"
DATA="$top_srcdir/tests/data/e2e"
REAL="$top_srcdir/tests/data/splunk_security_content_agenttesla_ftp_eid3"
TOKEN=e2e-test-token

need_tools e2e logger jq

start_receiver hec

# The daemon on a free port pair (bounded tries).
ready='grep -q "running:.*admin port 127.0.0.1:$((PORT + 1))" \
    "$work/daemon.log" 2>/dev/null'
if ! start_daemon $((50 * SLOW)) "$ready" launch_hec; then
	cat "$work/daemon.log"
	echo "e2e: the daemon did not start"
	exit 1
fi
ok "daemon started on 127.0.0.1:$PORT, HEC receiver on $HECPORT"

logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t nxlog -f "$DATA/tcp-octet.log" || not_ok "logger tcp octet-count"
logger --tcp --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t winlogbeat -f "$DATA/tcp-lf.log" || not_ok "logger tcp LF"
logger --udp --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t splunk -f "$DATA/udp.log" || not_ok "logger udp"

# Windows are 1 s: give them time to close, then stop the daemon, which
# flushes whatever is still open.
sleep $((2 * SLOW))

# Per-listener counters on the admin port (which only warns when its port
# is taken: then skip).  Every listener has its own count.
check_listener_frames $((PORT + 1)) 624 2
stop_daemon "daemon" $((150 * SLOW))

out="$work/hec.out"
touch "$out"
jq -e . "$out" >/dev/null 2>&1 || not_ok "every HEC event is valid JSON"

# Merge the windowed rows per (detection, key) as Splunk would:
# sum(count), min(firstTime), max(lastTime).
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

check "merged rows" 5 "$(printf "%s\n" "$merged" | jq length)"
check "FTP rows" 2 "$(printf "%s\n" "$merged" | jq --arg d "$ftp" \
    'map(select(.detection == $d)) | length')"
check "mail rows" 3 "$(printf "%s\n" "$merged" | jq --arg d "$mail" \
    'map(select(.detection == $d)) | length')"

# The real AgentTesla record: exactly one row of the FTP detection.
at=$(jq -c --arg d "$ftp" 'select(.event.detection == $d and
    .event.Image == "C:\\Temp\\agent_tesla-deob.exe")' "$out")
check "AgentTesla rows" 1 "$(printf '%s\n' "$at" | grep -c .)"
field() { printf '%s\n' "$at" | jq -r "$1"; }
check "AgentTesla DestinationPort" 21 "$(field .event.DestinationPort)"
check "AgentTesla DestinationPortName" ftp \
    "$(field .event.DestinationPortName)"
check "AgentTesla DestinationHostname" youssef5.genious.net \
    "$(field .event.DestinationHostname)"
check "AgentTesla DestinationIp" 41.77.117.236 "$(field .event.DestinationIp)"
check "AgentTesla SourceHostname" \
    win-dc-ctus-attack-range-403.attackrange.local \
    "$(field .event.SourceHostname)"
check "AgentTesla SourcePort" 61722 "$(field .event.SourcePort)"
check "AgentTesla SourcePortName" - "$(field .event.SourcePortName)"
check "AgentTesla Protocol" tcp "$(field .event.Protocol)"
check "AgentTesla dest" youssef5.genious.net "$(field .event.dest)"
check "AgentTesla user" 'ATTACKRANGE\Administrator' "$(field .event.user)"
check "AgentTesla count" 1 "$(field .event.count)"
check "AgentTesla firstTime" 2022-09-15T12:56:19 "$(field .event.firstTime)"
check "AgentTesla lastTime" 2022-09-15T12:56:19 "$(field .event.lastTime)"
check "AgentTesla HEC time" 1663246579.679 "$(field .time)"
check "AgentTesla host" win-dc-ctus-attack-range-403.attackrange.local \
    "$(field .host)"
check "AgentTesla source" "$ftp" "$(field .source)"
check "AgentTesla sourcetype" hecsentry:alert "$(field .sourcetype)"
check "AgentTesla detection id" 0f43758f-1fe9-470a-a9e4-780acc4d5407 \
    "$(field .event.detection_id)"
check "AgentTesla risk score" 9 "$(field .event.risk_score)"
check "AgentTesla risk message" \
    'a process C:\Temp\agent_tesla-deob.exe is having a FTP connection to youssef5.genious.net in youssef5.genious.net' \
    "$(field .event.risk_message)"
check "AgentTesla alert id is 32 hex digits" 32 \
    "$(field .fields.alert_id | tr -cd 0-9a-f | wc -c)"

# The dropper's connection sent three times over octet-counted TCP (the
# same key at two event times): count 3 once merged, over the two times.
check "svchost32 merged count" 3 "$(printf "%s\n" "$merged" | jq \
    'map(select(.Image == "C:\\Users\\Public\\Libraries\\svchost32.exe"))
    | .[0].count')"
check "svchost32 merged firstTime" 2026-11-28T08:00:01 "$(printf "%s\n" \
    "$merged" | jq -r 'map(select(.Image ==
    "C:\\Users\\Public\\Libraries\\svchost32.exe")) | .[0].firstTime')"
check "svchost32 merged lastTime" 2026-11-28T08:00:09 "$(printf "%s\n" \
    "$merged" | jq -r 'map(select(.Image ==
    "C:\\Users\\Public\\Libraries\\svchost32.exe")) | .[0].lastTime')"
# Over UDP (flat Splunk JSON, numeric port) and LF-framed TCP (no
# DestinationPortName: kept, as null, by default).
check "UDP mailpv row" 1 "$(jq -s 'map(select(.event.Image ==
    "C:\\Users\\bob\\AppData\\Roaming\\mailpv.exe")) | length' "$out")"
check "LF TCP row with null DestinationPortName" null "$(jq -s -r \
    'map(select(.event.Image ==
    "C:\\Users\\carol\\AppData\\Local\\Temp\\upd.exe"))
    | .[0].event.DestinationPortName' "$out")"
check "NXLog ftpsync row" 1 "$(jq -s 'map(select(.event.Image ==
    "C:\\ProgramData\\Updater\\ftpsync.exe")) | length' "$out")"
# Negatives: Program Files, System32, a non-Sysmon source, OTRF Exchange.
check "no row from Program Files, System32 or Security log" 0 \
    "$(jq -s 'map(select((.event.Image | ascii_downcase |
    test("program files|system32|evil2")))) | length' "$out")"

grep -q "bad payload [1-9]" "$work/daemon.log" &&
    ok "malformed input counted in the summary" ||
    not_ok "malformed input counted in the summary"

if ! summary e2e; then
	echo "---- daemon log ----"; cat "$work/daemon.log"
	echo "---- HEC received ----"; cat "$out"
	exit 1
fi
exit 0
