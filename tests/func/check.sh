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

summary check || exit 1
exit 0
