#!/bin/sh
# Crash safety: a session killed with SIGKILL mid-run leaves a record whose flushed events are
# all readable; `scrub report` scores it up to its last event and marks it incomplete. A torn
# last line is ignored.
set -eu
scrub=$1; root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
scn="$root/scenarios/bls_aed_adult.yaml"
# paced at 40x real time, the textbook run (4:40 of scenario time) takes 7 s; kill it after 3 s
"$scrub" run --headless "$scn" --out "$tmp/s" --speed 40 --quiet > "$tmp/out.txt" 2>&1 &
pid=$!
sleep 3
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[ -s "$tmp/s/session.jsonl" ] || { echo "no record after the crash"; exit 1; }
[ ! -e "$tmp/s/report.json" ] || { echo "a report exists: the session was not killed mid-run"; exit 1; }
grep -q '"type":"session"' "$tmp/s/session.jsonl"
grep -q '"type":"action"' "$tmp/s/session.jsonl" || { echo "no action was flushed within 3 s"; cat "$tmp/s/session.jsonl"; exit 1; }
if grep -q '"type":"end"' "$tmp/s/session.jsonl"; then echo "the session ended before the kill"; exit 1; fi
"$scrub" report "$tmp/s/session.jsonl" --out "$tmp/partial.json" > "$tmp/report.txt"
grep -q '"complete": false' "$tmp/partial.json"
grep -q '"outcome": "incomplete"' "$tmp/partial.json"
grep -q 'record cut short' "$tmp/report.txt"
# a torn last line: cut a complete record in the middle of its last line
"$scrub" run --headless "$scn" --out "$tmp/full" --quiet > /dev/null
size=$(wc -c < "$tmp/full/session.jsonl")
head -c $((size - 20)) "$tmp/full/session.jsonl" > "$tmp/torn.jsonl"
"$scrub" report "$tmp/torn.jsonl" --out "$tmp/torn.json" > "$tmp/torn.txt" 2>&1
grep -q 'was cut off' "$tmp/torn.txt"
# damage in the middle is an error, not a silent partial result
{ head -n 3 "$tmp/full/session.jsonl"; echo '{"type": broken'; tail -n +4 "$tmp/full/session.jsonl"; } > "$tmp/damaged.jsonl"
if "$scrub" report "$tmp/damaged.jsonl" --out "$tmp/damaged.json" > "$tmp/damaged.txt" 2>&1; then
	echo "a damaged record was accepted"; exit 1
fi
grep -q 'damaged line' "$tmp/damaged.txt"
echo "crash safety ok"
