#!/bin/sh
# The same scenario and the same actions give the same report, byte for byte; rebuilding the
# report from the session record gives that report again.
set -eu
scrub=$1; root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
scn="$root/scenarios/bls_aed_adult.yaml"
"$scrub" run --headless "$scn" --out "$tmp/a" --quiet
"$scrub" run --headless "$scn" --out "$tmp/b" --quiet
cmp "$tmp/a/report.json" "$tmp/b/report.json"
"$scrub" report "$tmp/a/session.jsonl" --out "$tmp/rebuilt.json" --quiet
cmp "$tmp/a/report.json" "$tmp/rebuilt.json"
# an action file as input, and another model run
"$scrub" run --headless "$scn" --actions "$root/scenarios/runs/bls_no_cpr_after_shock.actions" --out "$tmp/c" --trainee t1 --quiet
"$scrub" run --headless "$scn" --actions "$root/scenarios/runs/bls_no_cpr_after_shock.actions" --out "$tmp/d" --trainee t1 --quiet
cmp "$tmp/c/report.json" "$tmp/d/report.json"
"$scrub" report "$tmp/c/session.jsonl" --out "$tmp/rebuilt2.json" --quiet
cmp "$tmp/c/report.json" "$tmp/rebuilt2.json"
# the failing run must fail for its named reason
grep -q '"passed": false' "$tmp/c/report.json"
grep -q '"critical_failures": \[\s*$' "$tmp/c/report.json" || true
grep -A1 '"critical_failures"' "$tmp/c/report.json" | grep -q resume_cpr
# a scenario's own actions (its actions: section): the record names them, scrub report reads them back
decl="$root/tests/scenarios/good/declared_actions.yaml"
"$scrub" run --headless "$decl" --model-run "the registrar" --out "$tmp/e" --quiet || true
grep -q '"action":"call_cath_lab"' "$tmp/e/session.jsonl"
"$scrub" report "$tmp/e/session.jsonl" --out "$tmp/rebuilt3.json" --quiet || true
cmp "$tmp/e/report.json" "$tmp/rebuilt3.json"
grep -q '"passed": false' "$tmp/e/report.json"
# and the record is append-only JSON Lines: every line is one object
n=$(wc -l < "$tmp/a/session.jsonl")
[ "$n" -gt 20 ]
echo "determinism ok ($n record lines)"
