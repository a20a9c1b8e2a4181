#!/bin/sh
# Team sessions from the command line: every action of a team run carries its author into the record
# ("by", "role") and the report (timeline, items, participants); `scrub report` of the record gives the
# same report byte for byte; a record with a bad author is refused with its line; a role-less record
# still reads (the golden reports cover those byte for byte).
# usage: team.sh SCRUB ROOT
set -u
scrub=$1; root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
scn="$root/scenarios/bls_team_adult.yaml"

"$scrub" run --headless "$scn" --actions "$root/scenarios/runs/bls_team_compressor_shocks.actions" --out "$tmp/a" \
	> "$tmp/a.txt" 2>&1
[ $? = 0 ] || bad "a team run that is not passed still exits 0"
grep -q '"action":"shock","params":{"energy":"200J"},"by":"cai","role":"compressor"' "$tmp/a/session.jsonl" ||
	bad "the record's shock at 3:00 does not name cai as the compressor"
grep -q '"action":"out_of_role".*"by":"cai","role":"compressor".*"derived":true' "$tmp/a/session.jsonl" ||
	bad "no derived out_of_role by cai in the record"
grep -q 'cai (compressor): 5 actions, 1 outside the role; done: resume_cpr, compressor_swap; violated: roles_kept' "$tmp/a.txt" ||
	{ bad "the summary does not score cai"; cat "$tmp/a.txt"; }
grep -q '"name": "ana",' "$tmp/a/report.json" || bad "report.json lists no participant ana"
grep -q '"by": "cai"' "$tmp/a/report.json" || bad "report.json's timeline has no author"

# replay: the same report, byte for byte
"$scrub" report "$tmp/a/session.jsonl" --out "$tmp/replayed.json" --quiet > /dev/null 2>&1
cmp -s "$tmp/a/report.json" "$tmp/replayed.json" || bad "scrub report of the team record differs from the run's report"

# a damaged author is refused, with the line
sed 's/"by":"cai"/"by":"c a i"/' "$tmp/a/session.jsonl" > "$tmp/bad.jsonl"
"$scrub" report "$tmp/bad.jsonl" --out "$tmp/bad.json" > "$tmp/bad.txt" 2>&1
[ $? = 1 ] || bad "a record with a bad 'by' should be refused (exit 1)"
grep -q "bad.jsonl:[0-9]*:1: error: bad 'by' of" "$tmp/bad.txt" || { bad "no located error for the bad 'by'"; cat "$tmp/bad.txt"; }

# an action script's role must be one of the scenario's
printf '0:05 check_responsiveness by=ana role=leeder\n' > "$tmp/bad.actions"
"$scrub" run --headless "$scn" --actions "$tmp/bad.actions" --out "$tmp/b" > "$tmp/b.txt" 2>&1
[ $? = 1 ] || bad "an unknown role in a script should stop the run (exit 1)"
grep -q "bad.actions:1:1: error: unknown role 'leeder' (did you mean 'leader'?)" "$tmp/b.txt" || { bad "no did-you-mean for the role"; cat "$tmp/b.txt"; }

# the textbook team passes; a single trainee without roles misses the team's items
"$scrub" run --headless "$scn" --model-run "team textbook" --out "$tmp/c" --quiet > "$tmp/c.txt" 2>&1 || bad "team textbook should pass"
"$scrub" run --headless "$scn" --actions "$root/scenarios/runs/bls_compressor_swap.actions" --out "$tmp/d" > "$tmp/d.txt" 2>&1
grep -q "NOT PASSED" "$tmp/d.txt" || bad "a solo trainee should not pass the team case"
grep -q 'MISS .*The compressors swap' "$tmp/d.txt" || { bad "solo: the swap item should be missed (no compressor)"; cat "$tmp/d.txt"; }
grep -q '^Team' "$tmp/d.txt" && bad "solo: no team section without participants"

[ $fail = 0 ] && echo "team ok"
exit $fail
