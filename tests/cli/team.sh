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

# the instructor's controls are actions in the record, so the session replays to the same report:
# the rhythm set to asystole, a marker with a note, and a trend of a scenario's own variable
grep -E '^([0-2]:|3:[0-3])' "$root/scenarios/runs/bls_team_textbook.actions" > "$tmp/instr.actions" # up to 3:39
printf '%s\n' '3:40 instructor_mark note="leader lost the count" by=pat' '3:41 instructor_set var=rhythm value=asystole' >> "$tmp/instr.actions"
"$scrub" run --headless "$scn" --actions "$tmp/instr.actions" --out "$tmp/e" --quiet > "$tmp/e.txt" 2>&1 || { bad "instructor run"; cat "$tmp/e.txt"; }
grep -q '"action":"instructor_mark","params":{"note":"leader lost the count"},"by":"pat"' "$tmp/e/session.jsonl" || bad "no marker in the record"
grep -q '"type":"state","t":221.01,"from":"rosc","to":"asystole","cause":"condition' "$tmp/e/session.jsonl" ||
	{ bad "setting the rhythm to asystole should take the case to state asystole"; grep '"state"' "$tmp/e/session.jsonl"; }
"$scrub" report "$tmp/e/session.jsonl" --out "$tmp/e2.json" --quiet > /dev/null 2>&1
cmp -s "$tmp/e/report.json" "$tmp/e2.json" || bad "the instructor's session does not replay to the same report"
cat > "$tmp/trend.yaml" <<'YAML'
scrub: 1
id: trend
title: Trend
version: "1"
duration: 2 min
variables:
  bp: {value: 120, unit: mmHg, min: 0, max: 300}
states:
  a:
    transitions:
      - {when: bp < 80, to: low}
  low:
    end: hypotension
checklist:
  pass: {score: 0}
  items:
    - {id: x, text: X, reach: low}
model_runs:
  - name: t
    expect: pass
    actions: ["0:10 instructor_set var=bp value=60 over=30s"]
YAML
"$scrub" run --headless "$tmp/trend.yaml" --out "$tmp/f" --quiet > "$tmp/f.txt" 2>&1 || { bad "trend run"; cat "$tmp/f.txt"; }
# 120 -> 60 mmHg over 30 s from 0:10 passes 80 at 0:30
grep -q '"type":"end","t":30\.0[0-9]*,"outcome":"hypotension"' "$tmp/f/session.jsonl" ||
	{ bad "the trend should bring bp under 80 at 0:30"; grep '"end"' "$tmp/f/session.jsonl"; }
printf '0:10 instructor_set var=hr value=40\n0:11 instructor_set var=bp value=low\n' > "$tmp/badset.actions"
"$scrub" run --headless "$tmp/trend.yaml" --actions "$tmp/badset.actions" --out "$tmp/g" > "$tmp/g.txt" 2>&1
grep -q "badset.actions:1:1: error: instructor_set: unknown variable 'hr'" "$tmp/g.txt" &&
	grep -q "badset.actions:2:1: error: instructor_set: 'bp' needs a number in mmHg from 0 to 300" "$tmp/g.txt" ||
	{ bad "bad instructor_set not refused with its line"; cat "$tmp/g.txt"; }

[ $fail = 0 ] && echo "team ok"
exit $fail
