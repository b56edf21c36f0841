#!/bin/sh
# Syslog over TLS (RFC 5425) with a real client, openssl s_client, against
# certificates made here with openssl req -x509: an event sent over TLS
# 1.2 alerts; TLS 1.1 is refused; with tls_verify_client = require a
# client without a certificate gets nothing through and one with a
# certificate of the CA does; SIGHUP re-reads the certificate.  Then the
# secrets: the HEC token never appears in stderr (even with -v -v -v) nor in
# /metrics, a token file readable by others and hec_tls_verify = no are
# warned about at start.  Every wait is bounded.
set -u
. "${top_srcdir:-.}/tests/func/lib.sh"
DATA="$top_srcdir/tests/data/e2e"
BIN="$top_builddir/hecsentry"

command -v openssl >/dev/null 2>&1 || { echo "tls: no openssl"; exit 77; }
command -v timeout >/dev/null 2>&1 || { echo "tls: no timeout"; exit 77; }


# cert NAME CN [SAN]: a key and a certificate signed by the test CA.
cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -subj "/CN=$2" -keyout "$work/$1.key" -out "$work/$1.csr" \
	    2>/dev/null &&
	printf "subjectAltName=%s\n" "${3:-DNS:$2}" >"$work/$1.ext" &&
	openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" \
	    -CAkey "$work/ca.key" -CAcreateserial -days 2 \
	    -extfile "$work/$1.ext" -out "$work/$1.pem" 2>/dev/null
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=hecsentry test CA" -days 2 -keyout "$work/ca.key" \
    -out "$work/ca.pem" 2>/dev/null || { echo "tls: CA"; exit 1; }
cert server localhost IP:127.0.0.1 && cert client client.example &&
    cert reloaded reloaded.example IP:127.0.0.1 ||
    { echo "tls: certificates"; exit 1; }
cp "$work/server.pem" "$work/cur.pem"
cp "$work/server.key" "$work/cur.key"
chmod 600 "$work"/*.key

# start LOG ARGS...: runs the daemon on a free port (PORT: TCP and UDP);
# sets DPID.  Bounded tries.
launch() {
	"$BIN" -c "$top_srcdir/conf/hecsentry.conf" \
	    --listen-tcp "127.0.0.1:$PORT" \
	    --listen-udp "127.0.0.1:$PORT" --window 1 "$@" 2>"$log" &
}
start() {
	log=$1
	shift
	start_daemon 300 'grep -q running "$log" 2>/dev/null' launch "$@" &&
	    return 0
	cat "$log"
	return 1
}

stop() { stop_quietly 150; }

# send FILE ARGS...: FILE over TLS to TPORT with s_client.
send() {
	f=$1
	shift
	timeout 10 openssl s_client -connect "127.0.0.1:$TPORT" -quiet \
	    -no_ign_eof -CAfile "$work/ca.pem" "$@" <"$f" \
	    >/dev/null 2>>"$work/client.err"
}

# tcp_frames LOG: the TCP/TLS frame count of a new SIGUSR1 summary (at
# most 5 s for it to appear).
tcp_frames() {
	n=$(grep -c "frames .*(tcp" "$1")
	kill -USR1 "$DPID"
	i=0
	while [ "$(grep -c "frames .*(tcp" "$1")" -le "$n" ] &&
	    [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sed -n 's/.*frames [0-9]* (tcp \([0-9]*\),.*/\1/p' "$1" | tail -n 1
}

# frames_reach LOG N: the TCP/TLS frame count once it reaches N (a
# client's exit does not mean the daemon has read its frames yet), or
# the count after 20 s of asking.
frames_reach() {
	j=0
	while f=$(tcp_frames "$1") && [ "${f:-0}" -lt "$2" ] &&
	    [ $j -lt 40 ]; do
		sleep 0.5
		j=$((j + 1))
	done
	echo "$f"
}

# tls_errors_more LOG N: until LOG holds more than N "TLS error" lines
# (-v: the daemon has handled a refused handshake), 20 s at most.
tls_errors_more() { wait_more "$1" "TLS error" "$2" 200; }

TLS="--set tls_cert_file=$work/cur.pem --set tls_key_file=$work/cur.key"

## 1. TLS 1.2 and 1.3 in, alerts out; TLS 1.1 refused
# shellcheck disable=SC2086
if start "$work/d1.log" --output "file:$work/alerts1.jsonl" \
    --listen-tls 127.0.0.1:0 $TLS -v &&
    TPORT=$(sed -n 's/.*listening on tls\/127.0.0.1:\([0-9]*\).*/\1/p' \
    "$work/d1.log" | head -n 1) && [ -n "$TPORT" ]; then
	ok "daemon listens on tls/127.0.0.1:$TPORT"
else
	not_ok "daemon starts with a TLS listener"
	cat "$work/d1.log"
	exit 1
fi
send "$DATA/tcp-lf.log" -tls1_2 || not_ok "s_client -tls1_2 sends"
send "$DATA/tcp-lf.log" -tls1_3 || not_ok "s_client -tls1_3 sends"
n=$(frames_reach "$work/d1.log" 4)
[ "$n" = 4 ] && ok "4 frames over TLS 1.2 and 1.3" ||
    not_ok "frames over TLS: expected 4, got [$n]"
e=$(grep -c "TLS error" "$work/d1.log")
send "$DATA/tcp-lf.log" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
tls_errors_more "$work/d1.log" "$e" ||
    not_ok "the TLS 1.1 handshake is refused and logged (-v)"
n=$(tcp_frames "$work/d1.log")
[ "$n" = 4 ] && ok "TLS 1.1 refused: no frame" ||
    not_ok "TLS 1.1: expected still 4 frames, got [$n]"

# SIGHUP re-reads the certificate: every worker has its new context
# before "reload done" is logged (reload.c, worker_pool_reload_tls).
cp "$work/reloaded.pem" "$work/cur.pem"
cp "$work/reloaded.key" "$work/cur.key"
kill -HUP "$DPID"
if wait_for "$work/d1.log" "reload done" 300 &&
    grep -q "TLS: certificate" "$work/d1.log"; then
	subj=$(timeout 10 openssl s_client -connect "127.0.0.1:$TPORT" \
	    -CAfile "$work/ca.pem" </dev/null 2>/dev/null |
	    sed -n 's/^subject=.*CN *= *//p')
	[ "$subj" = reloaded.example ] && ok "SIGHUP re-reads the certificate" ||
	    not_ok "certificate after SIGHUP: got [$subj]"
else
	not_ok "SIGHUP: reload done with the certificate re-read in 30 s"
fi
stop
grep -q upd.exe "$work/alerts1.jsonl" 2>/dev/null &&
    ok "the event sent over TLS alerts" || not_ok "alert from the TLS event"

## 2. mutual TLS
cp "$work/server.pem" "$work/cur.pem"
cp "$work/server.key" "$work/cur.key"
# shellcheck disable=SC2086
start "$work/d2.log" --output "file:$work/alerts2.jsonl" \
    --set "listen_tls=127.0.0.1:0" $TLS \
    --set "tls_ca_file=$work/ca.pem" --set tls_verify_client=require -v ||
    { not_ok "daemon starts with tls_verify_client = require"; exit 1; }
TPORT=$(sed -n 's/.*listening on tls\/127.0.0.1:\([0-9]*\).*/\1/p' \
    "$work/d2.log" | head -n 1)
send "$DATA/tcp-lf.log"
tls_errors_more "$work/d2.log" 0 && ok "the refused handshake is logged" ||
    not_ok "TLS error logged at -v"
n=$(tcp_frames "$work/d2.log")
[ "$n" = 0 ] && ok "no client certificate: nothing gets through" ||
    not_ok "no client certificate: expected 0 frames, got [$n]"
send "$DATA/tcp-lf.log" -cert "$work/reloaded.pem" -key "$work/reloaded.key"
n=$(frames_reach "$work/d2.log" 2)
[ "$n" = 2 ] && ok "client certificate of the CA: frames get through" ||
    not_ok "client certificate: expected 2 frames, got [$n]"
stop

## 3. secrets
TOKEN="tok-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf "%s\n" "$TOKEN" >"$work/token"
chmod 644 "$work/token"
# the admin port is $PORT + 1, tried with each port start_daemon picks;
# the daemon only warns when it is taken: then the next pair is tried.
launch_admin() {
	APORT=$((PORT + 1))
	launch "$@" --admin-listen "127.0.0.1:$APORT"
}
admin_ready() {
	if grep -q "without the admin port" "$log" 2>/dev/null; then
		kill -9 "$DPID" 2>/dev/null
		return 1
	fi
	grep -q running "$log" 2>/dev/null
}
log="$work/d3.log"
start_daemon 300 admin_ready launch_admin -v -v -v --output hec \
    --hec-url "https://127.0.0.1:9/services/collector/event" \
    --hec-token-file "$work/token" --set hec_tls_verify=no \
    --set hec_retry_min_ms=50 --set shutdown_timeout=1 ||
    { cat "$log"; not_ok "daemon starts with output hec"; exit 1; }
i=0
while read -r line && [ $i -lt 5 ]; do
	printf "%s\n" "$line"
	i=$((i + 1))
done <"$DATA/tcp-lf.log" >"$work/ev"
logger --tcp -n 127.0.0.1 -P "$PORT" -f "$work/ev" 2>/dev/null ||
    not_ok "logger sends to the daemon"
# HEC is unreachable and alerts wait: /health says so (503, JSON reason);
# by then the daemon has tried HEC with the token.
if command -v curl >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	i=0
	while [ $i -lt 300 ] && [ "$(http_get \
	    "http://127.0.0.1:$APORT/health" "$work/health")" != 503 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	check "/health is 503 while HEC is unreachable" 503 \
	    "$(http_get "http://127.0.0.1:$APORT/health" "$work/health")"
	reason=$(jq -r .reason "$work/health" 2>/dev/null)
	case $reason in
	*failing*) ok "/health gives the reason: $reason" ;;
	*) not_ok "/health reason: [$reason]" ;;
	esac
fi
if ! command -v curl >/dev/null 2>&1; then
	skip "no curl to read /metrics with"
elif curl -sf --max-time 10 "http://127.0.0.1:$APORT/metrics" \
    >"$work/metrics"; then
	grep -q "$TOKEN" "$work/metrics" && not_ok "the token is in /metrics" ||
	    ok "the token is not in /metrics"
else
	not_ok "/metrics answers on the admin port"
fi
# the SIGUSR1 summary is in the log checked below
tcp_frames "$work/d3.log" >/dev/null
stop
grep -q "$TOKEN" "$work/d3.log" && not_ok "the token appears in stderr" ||
    ok "the token never appears in stderr (-v -v -v)"
grep -q "readable by group or others" "$work/d3.log" &&
    ok "a token file readable by others is warned about" ||
    not_ok "warning about the token file mode"
grep -q "hec_tls_verify = no" "$work/d3.log" &&
    ok "hec_tls_verify = no is warned about at start" ||
    not_ok "warning about hec_tls_verify = no"

if [ $fails -ne 0 ]; then
	for f in "$work"/d*.log "$work/client.err"; do
		echo "---- $f ----"
		tail -n 30 "$f"
	done
fi
summary tls
