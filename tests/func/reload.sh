#!/bin/bash
# SIGHUP reload (SPEC 6): the daemon runs on a temporary copy of conf/
# with a one-day window, so rows only leave at a reload or at exit.  One
# TCP connection, opened first, carries every event.
#  1. a mail hit and an FTP hit; the mail filter macro is edited to
#     exclude that process; SIGHUP: the mail row (count 1) is emitted at
#     the reload, the FTP detection is unchanged and keeps its window;
#     a restart key and a live key changed in the file: only the restart
#     key is logged as not applied;
#  2. the same two hits again on the same connection: the mail one is
#     now filtered out, the FTP one joins the kept window;
#  3. a broken detection YAML, SIGHUP: the reload is refused with
#     file:line:col and the old set keeps running (a third FTP hit counts);
#  4. SIGTERM: exit 0; in all, one mail row (count 1) and one FTP row
#     (count 3).
# bash for /dev/tcp.  Exit status: 0 pass, 1 fail, 77 skip.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
DAEMON="$top_builddir/hecsentry"

cleanup_hook() { exec 3>&- 2>/dev/null; }

# rows NAME_PREFIX: the counts of that detection's rows, one a line.
rows() {
	grep "\"source\":\"$1" "$work/alerts.json" |
	    grep -o '"count":"\?[0-9]*' | grep -o '[0-9]*$'
}

wait_built reload "$DAEMON"

cp -R "${CONFDIR:-$top_srcdir/conf}" "$work/conf"
MAILF="$work/conf/macros/windows_mail_protocol_in_non_common_process_path_filter.yml"
HIT='{"EventCode":3,"Computer":"ws-100.corp.example","source":"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational","sourcetype":"XmlWinEventLog","UtcTime":"2026-11-28 08:10:00.250","Image":"C:\\Users\\carol\\AppData\\Local\\Temp\\upd.exe","DestinationPort":"PORT","DestinationHostname":"mx.evil.example","DestinationIp":"192.0.2.77","SourceHostname":"ws-099.corp.example","SourcePort":"49999","SourcePortName":"-","Protocol":"tcp","User":"CORP\\bob","Initiated":"true","SourceIp":"10.9.9.9","SourceIsIpv6":"false","DestinationIsIpv6":"false"}'
MAIL=${HIT/PORT/587}
FTP=${HIT/PORT/21}

launch() {
	"$DAEMON" -c "$work/conf/hecsentry.conf" --listen-tcp "127.0.0.1:$PORT" \
	    --listen-udp "127.0.0.1:$PORT" --output "file:$work/alerts.json" --window 86400 \
	    --admin-listen "" 2>"$work/log" &
}
ready='grep -q "running:" "$work/log" 2>/dev/null && kill -0 "$DPID"'
if ! start_daemon 100 "$ready" launch; then
	cat "$work/log"
	echo "reload: the daemon did not start"
	exit 1
fi

exec 3<>"/dev/tcp/127.0.0.1/$PORT" ||
    { echo "reload: cannot connect"; exit 1; }

# 1. first hits, then the filter macro excludes upd.exe, then SIGHUP.
printf '%s\n%s\n' "$MAIL" "$FTP" >&3
check_eval "two hits counted before the reload" \
    'matches "Windows Mail" 1 && matches "Windows File Transfer" 1'
sed -i 's/^definition: .*/definition: search NOT Image="*\\\\upd.exe"/' \
    "$MAILF"
grep -q 'NOT Image' "$MAILF" || not_ok "the filter macro was edited"
printf 'max_connections = 512\nshutdown_timeout = 5\n' \
    >>"$work/conf/hecsentry.conf"
kill -HUP "$DPID"
check_eval "reload done, one detection kept its window" \
    'wait_log "reload done: 2 detections, 1 unchanged"'
check_eval "the changed restart key is named, the live one is not" \
    'grep -Eq "changed but not applied until a restart: max_connections$" \
    "$work/log"'
check_eval "the changed detection is named" \
    'grep -q "Windows Mail.*changed" "$work/log"'
check_eval "the mail row was emitted at the reload, count 1" \
    '[ "$(rows "Windows Mail")" = "1" ]'
check_eval "the unchanged FTP detection emitted nothing at the reload" \
    '[ -z "$(rows "Windows File Transfer")" ]'

# 2. the same hits on the same connection.
printf '%s\n%s\n' "$MAIL" "$FTP" >&3
check_eval "the connection opened before the reload still delivers" \
    'matches "Windows Mail" 1 && matches "Windows File Transfer" 2'

# 3. a broken detection file: skipped with file:line:col, the rest reload.
printf 'name: Broken\nid: x\nsearch: [unclosed\n' \
    >"$work/conf/detections/broken.yml"
from=$(($(wc -l <"$work/log") + 1))
kill -HUP "$DPID"
check_eval "a broken YAML is skipped with file:line:col" \
    'wait_log "detection broken: .*broken\.yml:[0-9]+:[0-9]+" "$from"'
check_eval "the reload goes through with the others" \
    'wait_log "reload done: 2 detections, 2 unchanged" "$from"'
printf '%s\n' "$FTP" >&3
check_eval "the unchanged set still runs after the reload" \
    'matches "Windows File Transfer" 3'
check_eval "the daemon is still alive" 'kill -0 "$DPID"'

# 4. stop.
exec 3>&-
stop_daemon reload 150
check_eval "the filtered mail hit gave no second row" \
    '[ "$(rows "Windows Mail" | wc -l)" -eq 1 ]'
check_eval "one FTP row with count 3: its window survived the reloads" \
    '[ "$(rows "Windows File Transfer")" = "3" ]'

if ! summary reload; then
	echo "---- daemon log ----"; cat "$work/log"
	echo "---- alerts ----"; cat "$work/alerts.json"
	exit 1
fi
exit 0
