#!/bin/sh
# Installs the Debian 12 packages hecsentry needs to build, test and run its
# demo; a no-op when they are all present.  Run as root.
set -eu
PKGS="build-essential autoconf automake pkg-config libevent-dev libjson-c-dev
libcurl4-openssl-dev libyaml-dev libexpat1-dev zlib1g-dev libcriterion-dev
libpcre2-dev
bsdutils jq procps haproxy libssl-dev openssl curl clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
