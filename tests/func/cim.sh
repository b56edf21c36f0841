#!/bin/bash
# The Sysmon-to-CIM mapping is data (cim(5)), re-read on SIGHUP: the
# daemon runs on a temporary copy of conf/ with a one-day window, so rows
# only leave at exit.  One TCP connection carries every event.
#  1. an FTP hit with DestinationIp and no DestinationHostname: dest is
#     the IP (the shipped rule: DestinationHostname | DestinationIp);
#  2. the mapping now says dest = Computer; SIGHUP: both detections are
#     unchanged, so they keep their windows and nothing is emitted;
#  3. the same hit again: dest is now the reporting host;
#  4. a broken mapping, SIGHUP: refused with cim.conf:LINE, the running
#     mapping stays (a third hit keeps dest = Computer);
#  5. SIGTERM: two FTP rows, dest 192.0.2.77 (count 1) and the host
#     (count 2).
# bash for /dev/tcp.  Exit status: 0 pass, 1 fail, 77 skip.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
DAEMON="$top_builddir/hecsentry"

cleanup_hook() { exec 3>&- 2>/dev/null; }

# row_count DEST: the count of the FTP row whose dest is DEST.
row_count() {
	grep '"source":"Windows File Transfer' "$work/alerts.json" |
	    grep -F "\"dest\":\"$1\"" | grep -o '"count":"\?[0-9]*' |
	    grep -o '[0-9]*$'
}

wait_built cim "$DAEMON"

cp -R "${CONFDIR:-$top_srcdir/conf}" "$work/conf"
# Only the listener given below: the file's port 514 stays free.
sed -i '/^listen_/d' "$work/conf/hecsentry.conf"
MAP="$work/conf/cim.conf"
FTP='{"EventCode":3,"Computer":"ws-100.corp.example","source":"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational","sourcetype":"XmlWinEventLog","UtcTime":"2026-11-28 08:10:00.250","Image":"C:\\Users\\carol\\AppData\\Local\\Temp\\upd.exe","DestinationPort":"21","DestinationIp":"192.0.2.77","SourceHostname":"ws-099.corp.example","SourcePort":"49999","SourcePortName":"-","Protocol":"tcp","User":"CORP\\bob","Initiated":"true","SourceIp":"10.9.9.9","SourceIsIpv6":"false","DestinationIsIpv6":"false"}'

launch() {
	"$DAEMON" -c "$work/conf/hecsentry.conf" --listen-tcp "127.0.0.1:$PORT" \
	    --output "file:$work/alerts.json" --window 86400 \
	    --admin-listen "" 2>"$work/log" &
}
ready='grep -q "running:" "$work/log" 2>/dev/null && kill -0 "$DPID"'
if ! start_daemon 100 "$ready" launch; then
	cat "$work/log"
	echo "cim: the daemon did not start"
	exit 1
fi
exec 3<>"/dev/tcp/127.0.0.1/$PORT" || { echo "cim: cannot connect"; exit 1; }

# 1. dest from DestinationIp.
printf '%s\n' "$FTP" >&3
check_eval "the first hit is counted" 'matches "Windows File Transfer" 1'

# 2. dest = Computer for event 3, then SIGHUP.
grep -q '^dest = DestinationHostname | DestinationIp' "$MAP" ||
    not_ok "the shipped mapping has the event 3 dest rule"
sed -i 's/^dest = DestinationHostname | DestinationIp/dest = Computer/' \
    "$MAP"
from=$(($(wc -l <"$work/log") + 1))
kill -HUP "$DPID"
check_eval "reload done, both detections kept their windows" \
    'wait_log "reload done: 2 detections, 2 unchanged" "$from"'
check_eval "nothing was emitted at the reload" '[ ! -s "$work/alerts.json" ]'

# 3. the same hit: dest is the reporting host now.
printf '%s\n' "$FTP" >&3
check_eval "the second hit is counted" 'matches "Windows File Transfer" 2'

# 4. a broken mapping is refused; the running one stays.
printf 'dest = frob(Computer)\n' >>"$MAP"
from=$(($(wc -l <"$work/log") + 1))
kill -HUP "$DPID"
check_eval "a broken mapping is refused with its file and line" \
    'wait_log "reload failed.*cim\.conf:[0-9]+: unknown function .frob." "$from"'
printf '%s\n' "$FTP" >&3
check_eval "the third hit is counted" 'matches "Windows File Transfer" 3'

# 5. stop: the rows of the kept window.
exec 3>&-
stop_daemon cim 150
check "the row before the change has dest = DestinationIp" 1 \
    "$(row_count 192.0.2.77)"
check "the rows after it have dest = Computer" 2 \
    "$(row_count ws-100.corp.example)"

if ! summary cim; then
	echo "---- daemon log ----"; cat "$work/log"
	echo "---- alerts ----"; cat "$work/alerts.json" 2>/dev/null
	exit 1
fi
exit 0
