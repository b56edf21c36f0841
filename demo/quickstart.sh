#!/bin/sh
# Quick start: install what is missing, build, and run the demo: the daemon
# on the shipped configuration (conf/hecsentry.conf, output to stdout), fed
# demo/sample-stream.log over TCP by util-linux logger (RFC 5424, RFC 6587
# octet counting).  Alerts are printed as they close.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh
exec sh demo/run-demo.sh
