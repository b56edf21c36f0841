#!/bin/sh
# Writes the seed corpora of the fuzz targets, one directory per target,
# from tests/data and conf/: one file per OTRF record, the AgentTesla XML,
# tests/data/shapes/*, the searches of the shipped detections and the
# macro definitions, syslog header variants, and framed TCP streams.
#
# Usage: fuzz/make-corpus.sh [OUTDIR]   (default fuzz/corpus)
# Environment: TESTDATA (default tests/data), CONFDIR (default conf).
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-$here/corpus}
data=${TESTDATA:-$top/tests/data}
conf=${CONFDIR:-$top/conf}
otrf="$data/otrf_security_datasets_sysmon_eid3/otrf_sysmon_eid3_sample.ndjson"
xml="$data/splunk_security_content_agenttesla_ftp_eid3/agenttesla_ftp_sysmon_eid3.xml"

for t in syslog decode_json decode_xml spl eval pipeline framing prefilter; do
	rm -rf "$out/fuzz_$t"
	mkdir -p "$out/fuzz_$t"
done

# One file per OTRF line, named by line number.
split -l 1 -a 4 -d "$otrf" "$out/fuzz_decode_json/otrf-"
for f in "$data"/shapes/*.json; do
	cp "$f" "$out/fuzz_decode_json/shape-$(basename "$f")"
done
printf '{"EventCode":"3","a":{"b":{"c":[1,2,{"d":null}]}},"x":-1.5e+3}' \
    > "$out/fuzz_decode_json/nested"
printf '{"Image":"C:\\\\a\\u00e9\\ud83d\\ude00\\n","EventCode":3}' \
    > "$out/fuzz_decode_json/escapes"

cp "$xml" "$out/fuzz_decode_xml/agenttesla.xml"
cp "$data/shapes/xmlwineventlog.xml" "$out/fuzz_decode_xml/shape.xml"
printf '<Event><System><EventID>3</EventID></System><EventData><Data Name="Image">a&amp;b&#x41;</Data></EventData></Event>' \
    > "$out/fuzz_decode_xml/entities.xml"
# What decode_xml_scan() decodes itself and what it leaves to expat.
printf '<?xml version="1.0" encoding="utf-8" standalone=\047yes\047 ?>\r\n<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">\r\n <System><Provider Name="a&#x9;b\tc&quot;" Guid=\047g\047/><EventID>\r\n1&#13;</EventID><Computer>h<x a="1">y</x>&#233;\303\251</Computer></System><EventData><Data Name="Im&#97;ge">C:\\&lt;&gt;&apos;</Data><Data Name=\047User\047/></EventData></Event>\n' \
    > "$out/fuzz_decode_xml/scan.xml"
printf '<Event><!-- c --><System><EventID><![CDATA[3]]></EventID></System><e:x xmlns:e="u"/><?pi x?></Event>' \
    > "$out/fuzz_decode_xml/fallback.xml"

# Prefilter: the payloads of both decoders.
cp "$out"/fuzz_decode_json/* "$out"/fuzz_decode_xml/* "$out/fuzz_prefilter/"

# Syslog: header variants around a small payload and a few real ones.
n=0
payload='{"EventCode":3,"Computer":"ws1"}'
while IFS= read -r h; do
	n=$((n + 1))
	printf '%s%s' "$h" "$payload" > "$out/fuzz_syslog/hdr-$n"
done <<'HDRS'
<14>1 2026-11-28T08:00:00.123Z ws1 sysmon 4242 - - 
<14>1 2026-11-28T08:00:00+01:00 ws1 sysmon - ID47 [ex@32473 a="1" b="\]"] 
<14>1 - - - - - - 
<13>Nov 28 08:00:00 ws1 sysmon[4242]: 
<13>Nov  8 08:00:00 ws1 sysmon: 
<13>Nov 28 08:00:00 sysmon: 
<191>Dec 31 23:59:59 host tag 
<0>1 2026-02-29T00:00:00Z h a p m - ﻿
  
HDRS
printf '<999>1 bad' > "$out/fuzz_syslog/bad-pri"
printf '<14>1 2026-13-45T99:00:00Z h a - - - x' > "$out/fuzz_syslog/bad-ts"
printf '<13>Nov 28 08:00:00 ws1 MSWinEventLog: ' > "$out/fuzz_syslog/xml"
cat "$data/shapes/xmlwineventlog.xml" >> "$out/fuzz_syslog/xml"

# SPL: the search of every shipped detection (both generations) and
# every macro definition, plus a few hand-written searches.
n=0
for f in "$conf"/detections/*.yml "$conf"/detections/*/*.yml; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	awk '/^search:/ { on = 1; next }
	    on && /^[^ ]/ { exit }
	    on { sub(/^ +/, ""); print }' "$f" > "$out/fuzz_spl/det-$n"
done
for f in "$conf"/macros/*.yml; do
	n=$((n + 1))
	sed -n 's/^definition: //p' "$f" > "$out/fuzz_spl/macro-$n"
done
n=0
while IFS= read -r s; do
	n=$((n + 1))
	printf '%s' "$s" > "$out/fuzz_spl/hand-$n"
done <<'SPL'
EventCode=3 (Image="*\\x.exe" OR NOT DestinationPort IN (25, 587)) | stats count by dest
search Image!=*foo* | stats dc(Image) as n values(user) avg(DestinationPort) sum(SourcePort) by host | where n>1
`sysmon` EventCode=3 | stats count min(_time) as firstTime by dest | `security_content_ctime(firstTime)` | rename dest as d | fields d count | table d count
EventCode=3 | stats count by Image | convert ctime(count) | search count>0 | rename Image as "Process Image"
EventCode=17 | regex PipeName="^\\\{[0-9a-fA-F]{8}-" | stats count by Image | rex field=Image max_match=0 "(?<dir>[^\\\\]+)\\\\" | regex dir!="(?i)^windows$"
EventCode=3 | stats values(Image) as i by dest | rex field=i "(?P<n>\\d+)|(?<x>\\x{202E})" max_match=3
EventCode=1 | stats count by Image, user | lookup local=true wild name AS Image path AS user OUTPUTNEW isbad AS bad desc | lookup exact user | search bad=TRUE
EventCode=1 | rex field=Image mode=sed "s/(\\w+)x*/<\\1>/g" | stats values(Image) as i by dest | rex field=i mode=sed "s|a||2" | lookup exact user AS i
EventCode=1 | stats count by g, dest | join type=outer max=0 overwrite=f g dest [search EventCode=11 | rename x as g | stats count as n by g dest | where n > 1] | join g [| tstats count from datamodel=Endpoint.Processes by Processes.process_guid | rename Processes.process_guid as g]
SPL

# Eval: the expressions security_content's eval and where commands use.
n=0
while IFS= read -r s; do
	n=$((n + 1))
	printf '%s' "$s" > "$out/fuzz_eval/hand-$n"
done <<'EVAL'
isnotnull(registry_value_data)
if(unique_accounts > 10 and unique_accounts >= upperBound, 1, 0)
CASE(unique_count > upperBound_unique, 1, true(), 0)
mvindex(split(path, "\\"), -1) . "x"
NOT LIKE(first_cmdline,"%\\windows\\system32\\%") AND mvcount(mv) == 1
coalesce(missing, n) + round(f / 3, 2) % 7
mvfilter(mv != "b") IN ("a", 'n')
tostring(strptime("2020-04-15", "%Y-%m-%d"), "duration")
cidrmatch("10.0.0.0/8", ip) XOR len(u) > 3
replace(a, "(" . n, "x") . mvfind(mv, "" . "b") . replace(mv, "^", "\\0-")
EVAL

# Pipeline: frames separated by LF, as the TCP listener would hand them.
split -l 40 -a 3 -d "$otrf" "$out/fuzz_pipeline/otrf-"
cp "$data"/e2e/*.log "$out/fuzz_pipeline/"
{ printf '<13>Nov 28 08:00:00 ws1 MSWinEventLog: '; cat "$xml"; echo; } \
    > "$out/fuzz_pipeline/agenttesla"
for f in "$data"/shapes/*; do
	{ printf '<14>1 2026-11-28T08:00:00Z ws1 sysmon - - - '; cat "$f";
	    echo; } > "$out/fuzz_pipeline/shape-$(basename "$f")"
done

# Framing: the first 8 bytes choose the read chunks (fuzz_framing.c).
for f in "$data"/e2e/*.log; do
	{ printf '\005\007\040\377\003\011\100\002'; head -c 20000 "$f"; } \
	    > "$out/fuzz_framing/$(basename "$f")"
done
printf '\002\001\001\001\001\001\001\00111 hello world5 abcde\nline\r\nnul\000x' \
    > "$out/fuzz_framing/mixed"
printf '\004\004\004\004\004\004\004\00499999999999 x\n' \
    > "$out/fuzz_framing/badlen"

for t in syslog decode_json decode_xml spl eval pipeline framing prefilter; do
	echo "fuzz/make-corpus.sh: fuzz_$t: $(ls "$out/fuzz_$t" | wc -l) seeds"
done
