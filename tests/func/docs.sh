#!/bin/sh
# The documentation stays true to the program: every config key that
# `hecsentry --help` lists is described in hecsentry.conf(5) and present
# (set or commented out) in conf/hecsentry.conf, and every command-line
# option is in hecsentry(8).  Each key's reload class (live or restart)
# is the same in --help and hecsentry.conf(5).  The man pages render
# without warnings.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"

help=$("$top_builddir/hecsentry" --help 2>&1)
keys=$(printf '%s\n' "$help" | sed -n 's/^  \([a-z_][a-z_]*\) = .*/\1/p')
opts=$(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
nk=$(printf '%s\n' "$keys" | grep -c .)
[ "$nk" -ge 40 ] && ok "--help lists $nk config keys" ||
    not_ok "--help lists only $nk config keys"

for k in $keys; do
	grep -q -- "$k" "$top_srcdir/docs/hecsentry.conf.5" ||
	    not_ok "key $k is not in docs/hecsentry.conf.5"
	grep -qE "^#? ?$k *=" "$top_srcdir/conf/hecsentry.conf" ||
	    not_ok "key $k is not in conf/hecsentry.conf"
done
[ "$fails" -eq 0 ] && ok "every key is in hecsentry.conf(5) and the conf"

# Live or restart: --help marks the restart keys "[restart]" on the line
# after the key; hecsentry.conf(5) lists the live keys in RELOAD before
# its .Pp and the restart keys after it.  The two must agree on every key.
before=$fails
help_restart=$(printf '%s\n' "$help" | awk '
	/^  [a-z_]+ = / { k = $1; next }
	k != "" { if ($0 ~ /\[restart\]$/) print k; k = "" }')
reload=$(sed -n '/^\.Sh RELOAD/,/^\.Sh [^R]/p' \
    "$top_srcdir/docs/hecsentry.conf.5")
man_live=$(printf '%s\n' "$reload" | sed '/^\.Pp/q' |
    sed -n 's/^\.Ic \([a-z_]*\).*/\1/p')
man_restart=$(printf '%s\n' "$reload" | sed '1,/^\.Pp/d' |
    sed -n 's/^\.Ic \([a-z_]*\).*/\1/p')
for k in $keys; do
	inlist() { printf '%s\n' "$2" | grep -qx "$1"; }
	if inlist "$k" "$help_restart"; then
		inlist "$k" "$man_restart" ||
		    not_ok "key $k: --help says restart, hecsentry.conf(5) not"
	else
		inlist "$k" "$man_live" ||
		    not_ok "key $k: --help says live, hecsentry.conf(5) not"
	fi
done
n=$(printf '%s\n' "$help_restart" | grep -c .)
[ "$n" -ge 1 ] || not_ok "--help marks no key [restart]"
[ "$fails" -eq "$before" ] &&
    ok "--help and hecsentry.conf(5) agree on the $n restart keys"
before=$fails
for o in $opts; do
	# mdoc writes "--x" as "Fl \-x" or "\-\-x".
	name=${o#--}
	grep -qE -- "(Fl -?\\\\?-|\\\\-\\\\-|--)$name" \
	    "$top_srcdir/docs/hecsentry.8" ||
	    not_ok "option $o is not in docs/hecsentry.8"
done
[ "$fails" -eq "$before" ] && ok "every option is in hecsentry(8)"

if command -v groff >/dev/null 2>&1; then
	for m in hecsentry.8 hecsentry.conf.5; do
		w=$(groff -ww -z -mandoc "$top_srcdir/docs/$m" 2>&1)
		check "$m renders without warnings" "" "$w"
	done
else
	skip "groff is not installed"
fi
summary docs || exit 1
exit 0
