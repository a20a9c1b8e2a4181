#!/bin/sh
# The debrief (scrub report --html): pages of several bundled scenarios' runs, checked against their records and
# reports by check_debrief.py (well-formed, self-contained, every item with its status, the vital signs plotted,
# the events marked, text from the record escaped), a record cut short, determinism, and a damaged record.
# usage: debrief.sh SCRUB ROOT
set -eu
scrub=$1; root=$2
check="python3 $root/tests/cli/check_debrief.py"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
acls="$root/scenarios/acls_vf_arrest.yaml"
evil='<script>alert(1)</script>'

# name  scenario  model run  (trainee)
page() {
	"$scrub" run --headless "$2" --model-run "$3" --trainee "$4" --out "$tmp/$1" --quiet > /dev/null
	"$scrub" report "$tmp/$1/session.jsonl" --html "$tmp/$1.html" --out "$tmp/$1.json" --quiet > /dev/null
	cmp -s "$tmp/$1/report.json" "$tmp/$1.json" || { echo "FAIL: $1: the rebuilt report differs from the run's"; exit 1; }
	[ ! -e "$tmp/$1/report.json.tmp" ] || { echo "FAIL: a temporary file was left"; exit 1; }
}
page textbook "$acls" textbook "$evil"
$check "$tmp/textbook.html" "$tmp/textbook/session.jsonl" "$tmp/textbook.json" --raw "$evil"
page nodefib "$acls" "no defibrillation" 'O'"'"'Brien & "Sons"'
$check "$tmp/nodefib.html" "$tmp/nodefib/session.jsonl" "$tmp/nodefib.json" --raw 'O'"'"'Brien & "Sons"'
grep -q 'Not passed' "$tmp/nodefib.html" || { echo "FAIL: a failed run does not say Not passed"; exit 1; }
page anaphylaxis "$root/scenarios/anaphylaxis_adult.yaml" textbook trainee-1
$check "$tmp/anaphylaxis.html" "$tmp/anaphylaxis/session.jsonl" "$tmp/anaphylaxis.json"
if grep -q 'id="dbf-cpr"' "$tmp/anaphylaxis.html"; then echo "FAIL: CPR quality in a scenario without CPR"; exit 1; fi
page incision "$root/scenarios/skin_incision.yaml" textbook trainee-2
$check "$tmp/incision.html" "$tmp/incision/session.jsonl" "$tmp/incision.json"

# the same record gives the same page, byte for byte
"$scrub" report "$tmp/textbook/session.jsonl" --html "$tmp/again.html" --quiet > /dev/null
cmp "$tmp/textbook.html" "$tmp/again.html" || { echo "FAIL: two pages of one record differ"; exit 1; }
# --html alone writes no report.json beside the record
rm "$tmp/textbook/report.json"
"$scrub" report "$tmp/textbook/session.jsonl" --html "$tmp/again.html" > "$tmp/out.txt"
[ ! -e "$tmp/textbook/report.json" ] || { echo "FAIL: --html alone wrote report.json"; exit 1; }
grep -q "Debrief: $tmp/again.html" "$tmp/out.txt" || { echo "FAIL: no 'Debrief:' line"; cat "$tmp/out.txt"; exit 1; }

# a record cut short (a crash at 4 minutes) and torn in its last line
awk '/"type":"session"/ || match($0, /"t":[0-9.]+/) && substr($0, RSTART + 4, RLENGTH - 4) + 0 < 240' \
	"$tmp/nodefib/session.jsonl" > "$tmp/cut.jsonl"
printf '{"type":"waves","t":240,"hz":25,"fi' >> "$tmp/cut.jsonl"
"$scrub" report "$tmp/cut.jsonl" --html "$tmp/cut.html" --out "$tmp/cut.json" --quiet > /dev/null 2>&1
$check "$tmp/cut.html" "$tmp/cut.jsonl" "$tmp/cut.json" --incomplete
grep -q 'cut short at 3:5' "$tmp/cut.html" || { echo "FAIL: the cut-short record does not say when it stopped"; exit 1; }

# a damaged record is refused and leaves no page
{ head -n 3 "$tmp/textbook/session.jsonl"; echo '{"type": broken'; tail -n +4 "$tmp/textbook/session.jsonl"; } > "$tmp/damaged.jsonl"
if "$scrub" report "$tmp/damaged.jsonl" --html "$tmp/damaged.html" > "$tmp/damaged.txt" 2>&1; then
	echo "FAIL: a damaged record was accepted"; exit 1
fi
[ ! -e "$tmp/damaged.html" ] || { echo "FAIL: a page was written for a damaged record"; exit 1; }
echo "debrief ok"
