#!/bin/sh
# Builds the hecsentry container image with buildah and no registry, then
# checks that the image turns a sample stream into alerts.  Run by hand, as
# root, from anywhere in the tree:
#     sh docker/build-test.sh
# Steps:
#  1. a Debian 12 root file system from "debootstrap --variant=minbase
#     bookworm", cached as a tarball under $ROOTFS_CACHE (delete it, or set
#     REBUILD_BASE=1, to make a fresh one);
#  2. the image localhost/debian:12-slim from it ("buildah from scratch",
#     "buildah add", "buildah commit");
#  3. "buildah bud --isolation chroot" of docker/Dockerfile (which runs
#     make check; CHECK=no skips it) into localhost/hecsentry, from the
#     committed tree (git archive HEAD; HECSENTRY_CONTEXT=worktree uses
#     the working tree, HECSENTRY_CONTEXT=DIR that directory);
#  4. "buildah run" of the image: non-root, libraries present,
#     --check-config passes, and demo/sample-stream.log sent over TCP
#     (RFC 5424, octet counting) gives the three expected alerts.
# The Dockerfile's apt-get needs a Debian mirror ($DEBIAN_MIRROR).
# Storage: buildah's vfs driver, so it works without overlay support.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

ROOTFS_CACHE=${ROOTFS_CACHE:-/var/cache/hecsentry-rootfs}
# The Debian mirror: DEBIAN_MIRROR, else the one this machine's apt uses.
apt_mirror() {
	{ sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources
	  sed -n 's/^deb  *\(\[[^]]*\] *\)\{0,1\}\([^ ]*\) .*/\2/p' \
	    /etc/apt/sources.list /etc/apt/sources.list.d/*.list
	} 2>/dev/null | tr ' ' '\n' | grep -E '/debian/?$' | head -n 1
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(apt_mirror)}
BASE=localhost/debian:12-slim
IMAGE=${IMAGE:-localhost/hecsentry}
PORT=${TEST_PORT:-5514}
BUILDAH="buildah --storage-driver vfs"

start=$(date +%s)
work=$(mktemp -d)
ctr=""
cleanup() {
	[ -n "$ctr" ] && $BUILDAH rm "$ctr" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "build-test: [$(($(date +%s) - start)) s] $*"; }
die() { echo "build-test: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and buildah need it)"
for tool in buildah debootstrap tar; do
	command -v $tool >/dev/null 2>&1 ||
	    die "$tool is missing (apt-get install -y buildah debootstrap)"
done

# 1. The root file system, made once.
if [ "${REBUILD_BASE:-0}" = 1 ] || [ ! -s "$ROOTFS_CACHE/rootfs.tar" ]; then
	[ -n "$DEBIAN_MIRROR" ] ||
	    die "no Debian mirror found in /etc/apt: set DEBIAN_MIRROR"
	say "debootstrap --variant=minbase bookworm (slow the first time)"
	mkdir -p "$ROOTFS_CACHE"
	rootfs="$work/rootfs"
	debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" \
	    >"$work/debootstrap.log" 2>&1 ||
	    { tail -n 30 "$work/debootstrap.log"
	      echo "build-test: debootstrap failed: no base image" >&2
	      exit 77; }
	# What makes the official image "slim": no docs, man pages or
	# locales installed by later apt-get runs, and no apt caches.
	cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
	echo 'APT::Install-Recommends "false";' \
	    >"$rootfs/etc/apt/apt.conf.d/99no-recommends"
	rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
	    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
	tar --numeric-owner -C "$rootfs" -cf "$ROOTFS_CACHE/rootfs.tar.tmp" .
	mv "$ROOTFS_CACHE/rootfs.tar.tmp" "$ROOTFS_CACHE/rootfs.tar"
	rm -rf "$rootfs"
	REBUILD_BASE=1
fi

# 2. The base image.
if [ "${REBUILD_BASE:-0}" = 1 ] ||
    ! $BUILDAH inspect --type image "$BASE" >/dev/null 2>&1; then
	say "committing $BASE from $ROOTFS_CACHE/rootfs.tar"
	ctr=$($BUILDAH from scratch)
	$BUILDAH add "$ctr" "$ROOTFS_CACHE/rootfs.tar" / >/dev/null
	$BUILDAH config --cmd /bin/bash \
	    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    "$ctr"
	$BUILDAH commit --rm "$ctr" "$BASE" >/dev/null
	ctr=""
fi

# 3. The image.
case ${HECSENTRY_CONTEXT:-git} in
/*)	context=$HECSENTRY_CONTEXT ;;
worktree)
	context=$top ;;
*)	context="" ;;
esac
if [ -n "$context" ]; then
	say "context: $context"
elif ! git -C "$top" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	context=$top
else
	context="$work/context"
	mkdir -p "$context"
	git -C "$top" archive --format=tar HEAD | tar -C "$context" -xf -
	say "context: git archive of $(git -C "$top" rev-parse --short HEAD)"
fi
say "buildah bud -f docker/Dockerfile -t $IMAGE (CHECK=${CHECK:-yes})"
$BUILDAH bud --isolation chroot --pull-never --layers --force-rm \
    --build-arg DEBIAN_IMAGE="$BASE" --build-arg CHECK="${CHECK:-yes}" \
    -f "$top/docker/Dockerfile" \
    -t "$IMAGE" "$context" >"$work/bud.log" 2>&1 ||
    { tail -n 60 "$work/bud.log"; die "buildah bud failed"; }
grep -E '^[a-z]+: [0-9]+ passed|^# (PASS|FAIL|ERROR):' "$work/bud.log" || :
say "built $IMAGE"

# 4. Run it.  chroot isolation shares the host's network: the daemon
# listens on 127.0.0.1:$PORT only.
ctr=$($BUILDAH from --pull-never "$IMAGE")
# The image's user must read the sample and the script.
chmod 0755 "$work"
cp "$top/demo/sample-stream.log" "$work/sample.log"
cat >"$work/run.sh" <<'RUN'
set -u
port=$1
uid=$(id -u)
[ "$uid" -ne 0 ] || { echo "FAIL: runs as root"; exit 1; }
echo "ok - runs as uid $uid"
if ldd /usr/sbin/hecsentry | grep 'not found'; then
	echo "FAIL: missing libraries"; exit 1
fi
echo "ok - every library present"
curl --version >/dev/null || { echo "FAIL: no curl"; exit 1; }
/usr/sbin/hecsentry -c /etc/hecsentry/hecsentry.conf --check-config ||
    { echo "FAIL: --check-config"; exit 1; }
echo "ok - --check-config"
/usr/sbin/hecsentry -c /etc/hecsentry/hecsentry.conf --output stdout \
    --listen-tcp 127.0.0.1:$port --listen-udp 127.0.0.1:$port \
    >/tmp/alerts.json 2>/tmp/daemon.log &
pid=$!
i=0
until grep -q running /tmp/daemon.log; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $pid 2>/dev/null; then
		cat /tmp/daemon.log; echo "FAIL: the daemon did not start"
		exit 1
	fi
	sleep 0.1
done
logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P $port -S 65536 \
    -t winlogbeat -f /sample/sample.log || { echo "FAIL: logger"; exit 1; }
sleep 1
kill -TERM $pid
wait $pid
rc=$?
cat /tmp/daemon.log
[ $rc -eq 0 ] || { echo "FAIL: exit status $rc after SIGTERM"; exit 1; }
echo "ok - exit 0 after SIGTERM"
n=$(grep -c '"detection"' /tmp/alerts.json)
ftp=$(grep -c '"source":"Windows File Transfer Protocol' /tmp/alerts.json)
mail=$(grep -c '"source":"Windows Mail Protocol' /tmp/alerts.json)
at=$(grep -c 'agent_tesla-deob.exe' /tmp/alerts.json)
echo "alerts: $n (FTP $ftp, mail $mail, AgentTesla $at)"
[ "$n" -eq 3 ] && [ "$ftp" -eq 2 ] && [ "$mail" -eq 1 ] && [ "$at" -eq 1 ] ||
    { cat /tmp/alerts.json; echo "FAIL: expected 3 alerts"; exit 1; }
echo "ok - the sample stream gives the 3 expected alerts"
RUN
say "buildah run: the daemon on the demo stream"
$BUILDAH run --isolation chroot -v "$work:/sample:ro" "$ctr" -- \
    sh /sample/run.sh "$PORT" || die "the image failed its run test"
say "PASS ($IMAGE)"
