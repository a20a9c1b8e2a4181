#!/bin/sh
# Surgical sessions: the same instrument inputs give the same report, byte for byte; the report
# rebuilt from the session record (whose derived tissue events are made again, not read) is that
# report again; tracked poses (one every 20 ms) from an action file score like a scripted move.
set -eu
scrub=$1; root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
lac="$root/scenarios/laceration_repair.yaml"
inc="$root/scenarios/skin_incision.yaml"
"$scrub" run --headless "$lac" --out "$tmp/a" --quiet 2> "$tmp/a.err"
"$scrub" run --headless "$lac" --out "$tmp/b" 2> "$tmp/b.err"
# --quiet: no log warnings; without it, an instrument held back is said once for the session
! grep -q '\[warn\]' "$tmp/a.err" || { cat "$tmp/a.err"; exit 1; }
[ "$(grep -c 'held back' "$tmp/b.err")" -le 1 ] || { cat "$tmp/b.err"; exit 1; }
cmp "$tmp/a/report.json" "$tmp/b/report.json"
"$scrub" report "$tmp/a/session.jsonl" --out "$tmp/rebuilt.json" --quiet
cmp "$tmp/a/report.json" "$tmp/rebuilt.json"
grep -q '"passed": true' "$tmp/a/report.json"
# five sutures (each with its site on the wound), five knots and one closure were derived, and
# recorded as derived
[ "$(grep -c '"action":"suture".*"derived":true' "$tmp/a/session.jsonl")" = 5 ]
[ "$(grep -c '"action":"suture_site".*"derived":true' "$tmp/a/session.jsonl")" = 5 ]
[ "$(grep -c '"action":"knot".*"derived":true' "$tmp/a/session.jsonl")" = 5 ]
[ "$(grep -c '"action":"closure".*"derived":true' "$tmp/a/session.jsonl")" = 1 ]
# a failing run fails for its named reason
"$scrub" run --headless "$lac" --model-run "sutures too close" --out "$tmp/c" --quiet
grep -q '"passed": false' "$tmp/c/report.json"
grep -A1 '"critical_failures"' "$tmp/c/report.json" | grep -q spacing
"$scrub" run --headless "$inc" --model-run "cut into muscle" --out "$tmp/d" --quiet
grep -A1 '"critical_failures"' "$tmp/d/report.json" | grep -q -e full_thickness -e no_muscle
grep -q 'layer=muscle' "$tmp/d/report.json"
# the scalpel put down: the whole incision on the skin
grep -q '"action": "incision_end"' "$tmp/d/report.json"
# tracked poses: kept in the record, left out of the report's timeline, and the cut is scored
"$scrub" run --headless "$inc" --actions "$root/scenarios/runs/incision_tracked.actions" --out "$tmp/e" --quiet
"$scrub" run --headless "$inc" --actions "$root/scenarios/runs/incision_tracked.actions" --out "$tmp/f" --quiet
cmp "$tmp/e/report.json" "$tmp/f/report.json"
"$scrub" report "$tmp/e/session.jsonl" --out "$tmp/rebuilt2.json" --quiet
cmp "$tmp/e/report.json" "$tmp/rebuilt2.json"
grep -q '"passed": true' "$tmp/e/report.json"
[ "$(grep -c '"action":"pose"' "$tmp/e/session.jsonl")" -gt 250 ]
! grep -q '"action": "pose"' "$tmp/e/report.json"
echo "surgery ok"
