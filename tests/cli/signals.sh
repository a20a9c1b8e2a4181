#!/bin/sh
# Ending well: Ctrl-C (SIGINT) or SIGTERM during `scrub run` ends the session through the host. The report
# is written, marked incomplete, and equals `scrub report` of the record; the exit status is 128 + the
# signal (130, 143), as a shell expects.
set -eu
scrub=$1; root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
scn="$root/scenarios/bls_aed_adult.yaml"
for sig in INT TERM; do
	# paced at 20x real time, the textbook run takes 14 s: stop it after 2 s
	"$scrub" run --headless "$scn" --out "$tmp/$sig" --speed 20 > "$tmp/$sig.out" 2> "$tmp/$sig.err" &
	pid=$!
	sleep 2
	kill -"$sig" "$pid"
	rc=0; wait "$pid" || rc=$?
	want=130; [ "$sig" = TERM ] && want=143
	[ "$rc" = "$want" ] || { echo "SIG$sig: exit status $rc, expected $want"; cat "$tmp/$sig.err"; exit 1; }
	[ -s "$tmp/$sig/report.json" ] || { echo "SIG$sig: no report"; exit 1; }
	grep -q '"complete": false' "$tmp/$sig/report.json" || { echo "SIG$sig: the report is not marked incomplete"; exit 1; }
	grep -q '"outcome": "incomplete"' "$tmp/$sig/report.json"
	grep -q 'stopped by' "$tmp/$sig.err" || { echo "SIG$sig: no word of the stop"; cat "$tmp/$sig.err"; exit 1; }
	grep -q 'NOT PASSED' "$tmp/$sig.out"
	if grep -q '"type":"end"' "$tmp/$sig/session.jsonl"; then echo "SIG$sig: the record says it ended"; exit 1; fi
	grep -q '"type":"action"' "$tmp/$sig/session.jsonl" || { echo "SIG$sig: stopped before the first action"; exit 1; }
	"$scrub" report "$tmp/$sig/session.jsonl" --out "$tmp/$sig/replay.json" --quiet > /dev/null
	cmp "$tmp/$sig/report.json" "$tmp/$sig/replay.json" || { echo "SIG$sig: the report differs from the replay of its record"; exit 1; }
done
echo "signals ok"
