#!/bin/sh
# The configuration as a new user meets it (issue 14): an empty value
# clears a list the config file set (hecsentry.conf(5), "Lists"), and
# --check-config refuses what would stop the daemon, with the message
# shapes of hecsentry.conf(5), "ERRORS".
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
need_tools check ss
wait_built check "$top_builddir/hecsentry"
conf="$top_srcdir/conf/hecsentry.conf"

# Item 9: the shipped file listens on udp/0.0.0.0:514; --listen-udp ''
# clears that list, so the daemon binds no UDP socket at all.
launch_noudp() {
	"$top_builddir/hecsentry" -c "$conf" --listen-tcp "127.0.0.1:$PORT" \
	    --listen-udp '' --admin-listen '' 2>"$work/noudp.log" &
}
if start_daemon 100 'grep -q "running" "$work/noudp.log"' launch_noudp
then
	ok "daemon starts with --listen-udp ''"
	udp=$(ss -Huanp 2>/dev/null | grep -c "pid=$DPID,")
	check "--listen-udp '' binds no UDP socket" 0 "$udp"
	check_eval "--listen-tcp replaces the file's TCP list" \
	    "ss -Htlnp | grep 'pid=$DPID,' | grep -q '127.0.0.1:$PORT'"
	check "the file's :514 is not bound" 0 \
	    "$(ss -Htuanp | grep "pid=$DPID," | grep -c ':514 ')"
	stop_daemon "--listen-udp ''" 100
else
	cat "$work/noudp.log"
	not_ok "daemon starts with --listen-udp ''"
fi

# Item 4 and 7: --check-config refuses what would stop the daemon, with
# exit status 1 and "hecsentry: --option: what is wrong (what to do)".
# check_refused DESCRIPTION EXPECTED-MESSAGE OPTION...
check_refused() {
	d=$1
	want=$2
	shift 2
	out=$("$top_builddir/hecsentry" -c "$conf" --check-config \
	    "$@" 2>&1)
	rc=$?
	check "$d: exit status" 1 "$rc"
	check "$d: message" "hecsentry: $want" \
	    "$(printf '%s\n' "$out" | head -1)"
}
hint="(write ADDR:PORT, or [V6ADDR]:PORT for IPv6)"
check_refused "--listen-tcp without a port" "--listen-tcp: no port $hint" \
    --listen-tcp 127.0.0.1
check_refused "--listen-tcp port 70000" \
    "--listen-tcp: port \"70000\" out of range (use 0..65535)" \
    --listen-tcp 127.0.0.1:70000
check_refused "--hec-url port 99999" \
    "--hec-url: port \"99999\" out of range (use 1..65535)" \
    --output hec --hec-url http://127.0.0.1:99999
check_refused "--admin-listen garbage" "--admin-listen: no port $hint" \
    --admin-listen garbage
check_refused "--output into a missing directory" \
    "output: /nonexistent/dir: No such file or directory (give file:PATH in a directory the daemon can write)" \
    --output file:/nonexistent/dir/a.json
check_refused "--detections missing" \
    "detections: $work/missing: No such file or directory (give the directory of the detection YAML files)" \
    --detections "$work/missing"
check_refused "--spool-dir under a missing directory" \
    "spool_dir: /nonexistent/dir: No such file or directory (create it, writable by the daemon's user, or name another)" \
    --spool-dir /nonexistent/dir/spool
printf 'spool_fsync = sometimes\n' >"$work/bad.conf"
out=$("$top_builddir/hecsentry" -c "$work/bad.conf" --check-config 2>&1)
check "spool_fsync in a file: FILE:LINE: key" \
    "hecsentry: $work/bad.conf:1: spool_fsync: expected always, batch or never" \
    "$(printf '%s\n' "$out" | head -1)"
out=$("$top_builddir/hecsentry" -c "$conf" --check-config \
    --listen-udp '' --output "file:$work/a.json" 2>&1)
check "a good configuration passes: exit status" 0 "$?"

summary check || exit 1
exit 0
