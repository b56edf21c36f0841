#!/bin/sh
# `make install` puts everything where the build was configured to (under
# DESTDIR here): the daemon, its configuration with the detections and
# macros, the man pages and the systemd unit; the unit, the man pages and
# the installed hecsentry.conf name this build's $(sbindir) and
# $(sysconfdir)/hecsentry (generated in the build tree, issue 17), the man
# page's default detections directory is the daemon's own, and the
# installed daemon validates the installed configuration.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
need_tools install make sed

inst="$work/inst"
if ! make -s -C "$top_builddir" install DESTDIR="$inst" \
    >"$work/install.log" 2>&1; then
	cat "$work/install.log"
	not_ok "make install"
	summary install
	exit 1
fi
ok "make install DESTDIR=..."

# The configured directories, expanded by make itself (a --sysconfdir
# outside the prefix, as make distcheck gives, is checked as such).
cat >"$work/dirs.mk" <<'MK'
print-dirs:
	@echo "sbindir='$(sbindir)'"
	@echo "sysconfdir='$(sysconfdir)'"
	@echo "mandir='$(mandir)'"
	@echo "unitdir='$(systemdunitdir)'"
MK
make -s --no-print-directory -C "$top_builddir" -f Makefile \
    -f "$work/dirs.mk" print-dirs >"$work/dirs" 2>"$work/dirs.err" ||
    { cat "$work/dirs.err"; not_ok "make print-dirs"; summary install
      exit 1; }
. "$work/dirs"
echo "# sbindir=$sbindir sysconfdir=$sysconfdir unitdir=$unitdir"
sbin="$inst$sbindir/hecsentry"
etc="$inst$sysconfdir/hecsentry"
unit="$inst$unitdir/hecsentry.service"
man8="$inst$mandir/man8/hecsentry.8"
man5="$inst$mandir/man5/hecsentry.conf.5"

check_eval "daemon installed executable" '[ -x "$sbin" ]'
check_eval "config installed" '[ -f "$etc/hecsentry.conf" ]'
check "detections installed" 2 "$(ls "$etc/detections"/*.yml | wc -l)"
check "disabled 2026 detections installed" 2 \
    "$(ls "$etc/detections/disabled"/*.yml | wc -l)"
check "macros installed" 5 "$(ls "$etc/macros"/*.yml | wc -l)"
check_eval "CIM mapping installed" '[ -f "$etc/cim.conf" ]'
check_eval "cim(5) installed" '[ -f "$inst$mandir/man5/cim.5" ]' 
check_eval "hecsentry(8) installed" '[ -f "$man8" ]'
check_eval "hecsentry.conf(5) installed" '[ -f "$man5" ]'
check_eval "systemd unit installed" '[ -f "$unit" ]'
exec_start="$sbindir/hecsentry -c $sysconfdir/hecsentry/hecsentry.conf"
check_eval "unit runs the installed binary with the installed config" \
    'grep -q "^ExecStart=$exec_start" "$unit"'
check_eval "unit is Type=notify" 'grep -q "^Type=notify" "$unit"'

# stale FILE: how many times FILE names /etc/hecsentry or
# /usr/sbin/hecsentry other than as this build's directories.
stale() {
	sed -e "s|$sysconfdir/hecsentry|SYSCONFDIR|g" \
	    -e "s|$sbindir/hecsentry|SBINDIR|g" "$1" |
	    grep -cE '/etc/hecsentry|/usr/sbin/hecsentry'
}
"$sbin" --help >"$work/help" 2>&1
for f in "$unit" "$man8" "$man5" "$etc/hecsentry.conf" "$work/help"; do
	check "${f##*/} names only this build's paths" 0 "$(stale "$f")"
done
check_eval "--help names the installed config" \
    'grep -qF "$sysconfdir/hecsentry/hecsentry.conf" "$work/help"'
check_eval "hecsentry(8) names the installed config" \
    'grep -qF "$sysconfdir/hecsentry/hecsentry.conf" "$man8"'
det=$("$sbin" --help 2>&1 | sed -n 's/^  detections = \([^	]*\).*/\1/p')
check_eval "hecsentry(8) gives the daemon's default detections ($det)" \
    '[ -n "$det" ] && grep -qF "$det" "$man8"'

out=$("$sbin" -c "$etc/hecsentry.conf" --check-config 2>&1)
check_eval "installed daemon validates the installed config" \
    'printf "%s\n" "$out" | grep -q "detections: runnable 2 of 2"'
summary install || exit 1
exit 0
