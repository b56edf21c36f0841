#!/bin/sh
# Runs the demo on an already built tree (see demo/quickstart.sh).
set -eu
cd "$(dirname "$0")/.."
PORT=${DEMO_PORT:-5514}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

./hecsentry -c conf/hecsentry.conf --output stdout \
    --listen-tcp "127.0.0.1:$PORT" --listen-udp "127.0.0.1:$PORT" \
    >"$work/alerts.json" 2>"$work/daemon.log" &
pid=$!
i=0
until grep -q "running" "$work/daemon.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		cat "$work/daemon.log" >&2
		echo "demo: the daemon did not start" >&2
		exit 1
	fi
	sleep 0.1
done
n=$(wc -l <demo/sample-stream.log)
echo "demo: sending $n Sysmon events (NXLog, Winlogbeat and XmlWinEventLog" \
    "payloads) with: logger --tcp --octet-count --rfc5424"
logger --tcp --octet-count --rfc5424 -n 127.0.0.1 -P "$PORT" -S 65536 \
    -t winlogbeat -f demo/sample-stream.log
sleep 1
echo "demo: stopping the daemon (SIGTERM closes every window)"
kill -TERM "$pid"
wait "$pid" || { cat "$work/daemon.log" >&2; exit 1; }
echo
echo "== daemon log =="
cat "$work/daemon.log"
echo
echo "== $(wc -l <"$work/alerts.json") alerts (HEC events, one JSON a line) =="
if command -v jq >/dev/null 2>&1; then
	jq -c '{detection: .event.detection, host, count: .event.count,
	    Image: .event.Image, dest: .event.dest,
	    DestinationPort: .event.DestinationPort,
	    firstTime: .event.firstTime, alert_id: .fields.alert_id}' \
	    "$work/alerts.json"
	echo
	echo "== the first alert in full =="
	head -n 1 "$work/alerts.json" | jq .
else
	cat "$work/alerts.json"
fi
