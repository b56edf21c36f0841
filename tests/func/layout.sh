#!/bin/sh
# The source tree keeps the shape of docs (README "Source layout", STYLE
# section 0): one folder a stage, input -> decode -> detect -> output,
# with daemon/ above them all.
#  - no file in src/ is over 1000 lines;
#  - a module includes headers of its own folder, of the stages before
#    it, and of src/ itself (log, xmalloc, civil); only daemon/ includes
#    daemon/ headers, so no module reads the global configuration;
#  - no circle between headers (a header that includes, through others,
#    itself).
# Exit status: 0 pass, 1 fail.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
src="$top_srcdir/src"

long=$(find "$src" -name '*.[ch]' -exec wc -l {} + | awk '
	$2 != "total" && $1 > 1000 { sub(".*/src/", "src/", $2);
	    printf "%s (%d) ", $2, $1 }')
check "no file in src/ is over 1000 lines" "" "$long"

# allowed STAGE: the folders a module of STAGE may include.
allowed() {
	case "$1" in
	input)	echo "input" ;;
	decode)	echo "decode" ;;
	detect)	echo "decode detect" ;;
	output)	echo "decode detect output" ;;
	daemon)	echo "input decode detect output daemon" ;;
	esac
}
bad=""
for dir in "$src"/*/; do
	stage=$(basename "$dir")
	ok_dirs=$(allowed "$stage")
	for f in "$dir"*.[ch]; do
		for inc in $(sed -n 's/^#include "\([a-z_]*\)\/[a-z_0-9]*\.h".*/\1/p' \
		    "$f" | sort -u); do
			case " $ok_dirs " in
			*" $inc "*) ;;
			*) bad="$bad ${f#"$top_srcdir/"}->$inc/" ;;
			esac
		done
	done
done
check "every stage includes only itself and the stages before it" "" \
    "${bad# }"

# The header graph, "a b" when header a includes header b; tsort reports
# a cycle on stderr.
graph=$(cd "$src" && for h in *.h */*.h; do
	sed -n 's/^#include "\([a-z_/0-9]*\.h\)".*/\1/p' "$h" |
	    while read -r inc; do echo "$h $inc"; done
	echo "$h $h"
done)
cycle=$(printf '%s\n' "$graph" | tsort 2>&1 >/dev/null | head -n 3 |
    tr '\n' ' ')
check "no circle between headers" "" "$cycle"

summary layout || exit 1
exit 0
