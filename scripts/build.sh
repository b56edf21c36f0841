#!/bin/sh
# Builds hecsentry in the source tree.  Extra arguments go to configure
# (e.g. --enable-werror, --enable-sanitizers).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
if [ ! -f Makefile ] || [ -n "${*:-}" ] || [ configure -nt Makefile ]; then
	./configure -q "$@"
fi
make -s -j"$(nproc)"
