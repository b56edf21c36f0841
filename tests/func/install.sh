#!/bin/sh
# `make install` puts everything where Debian expects it (under DESTDIR
# here): the daemon, its configuration with the detections and macros,
# the man pages and the systemd unit pointing at the installed paths; and
# the installed daemon validates the installed configuration.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
need_tools install make

inst="$work/inst"
if ! make -s -C "$top_builddir" install DESTDIR="$inst" \
    >"$work/install.log" 2>&1; then
	cat "$work/install.log"
	not_ok "make install"
	summary install
	exit 1
fi
ok "make install DESTDIR=..."
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
sysconfdir=$(sed -n 's/^sysconfdir = //p' "$top_builddir/Makefile" |
    sed "s|\${prefix}|$prefix|")
sbin="$inst$prefix/sbin/hecsentry"
etc="$inst$sysconfdir/hecsentry"
unit="$inst$prefix/lib/systemd/system/hecsentry.service"

check_eval "daemon installed executable" '[ -x "$sbin" ]'
check_eval "config installed" '[ -f "$etc/hecsentry.conf" ]'
check "detections installed" 2 "$(ls "$etc/detections"/*.yml | wc -l)"
check "disabled 2026 detections installed" 2 \
    "$(ls "$etc/detections/disabled"/*.yml | wc -l)"
check "macros installed" 4 "$(ls "$etc/macros"/*.yml | wc -l)"
check_eval "hecsentry(8) installed" \
    '[ -f "$inst$prefix/share/man/man8/hecsentry.8" ]'
check_eval "hecsentry.conf(5) installed" \
    '[ -f "$inst$prefix/share/man/man5/hecsentry.conf.5" ]'
check_eval "systemd unit installed" '[ -f "$unit" ]'
check_eval "unit runs the installed binary with the installed config" \
    'grep -q "^ExecStart=$prefix/sbin/hecsentry -c $sysconfdir/hecsentry/hecsentry.conf" "$unit"'
check_eval "unit is Type=notify" 'grep -q "^Type=notify" "$unit"'

out=$("$sbin" -c "$etc/hecsentry.conf" --check-config 2>&1)
check_eval "installed daemon validates the installed config" \
    'printf "%s\n" "$out" | grep -q "configuration OK: 2 detections"'
summary install || exit 1
exit 0
