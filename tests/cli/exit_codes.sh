#!/bin/sh
# The CLI's exit status: 0 done; 1 invalid input; 2 usage error; 3 runtime failure (missing file).
set -u
scrub=$1; root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {
	want=$1; shift
	"$@" > "$tmp/out" 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: exit $got, expected $want: $*"; cat "$tmp/out"; fail=1
	fi
}
scn="$root/scenarios/bls_aed_adult.yaml"
expect 2 "$scrub"
expect 2 "$scrub" frobnicate
expect 0 "$scrub" --help
expect 0 "$scrub" --version
for c in run validate list report bench; do expect 0 "$scrub" $c --help; done
expect 0 "$scrub" bench scenario --help
expect 0 "$scrub" bench tissue --help
expect 2 "$scrub" run
expect 2 "$scrub" run --headless "$scn" --no-such-option
expect 2 "$scrub" run --headless "$scn" --speed fast
expect 2 "$scrub" run --headless "$scn" --model-run nonexistent --out "$tmp/x"
expect 3 "$scrub" run --headless "$tmp/missing.yaml"
expect 3 "$scrub" validate "$tmp/missing.yaml"
expect 1 "$scrub" validate "$root/tests/scenarios/bad/units.yaml"
expect 1 "$scrub" run --headless "$root/tests/scenarios/bad/units.yaml"
printf '0:05 check_responsiveness\n0:03 shok energy=200J\n' > "$tmp/bad.actions"
expect 1 "$scrub" run --headless "$scn" --actions "$tmp/bad.actions" --out "$tmp/y"
[ ! -e "$tmp/y/session.jsonl" ] || { echo "FAIL: a record was written for invalid actions"; fail=1; }
expect 0 "$scrub" run --headless "$scn" --out "$tmp/z" --quiet
expect 3 "$scrub" run --headless "$scn" --out "$tmp/z" --quiet
expect 0 "$scrub" run --headless "$scn" --out "$tmp/z" --quiet --force
expect 1 "$scrub" report "$scn"
expect 3 "$scrub" report "$tmp/missing.jsonl"
expect 0 "$scrub" list
expect 0 "$scrub" list actions
expect 0 "$scrub" list units
expect 0 "$scrub" list drugs
expect 1 "$scrub" list actions "$root/tests/scenarios/bad/declared_actions.yaml"
"$scrub" list drugs > "$tmp/drugs" 2>&1
grep -q "^epinephrine (also accepted: adrenaline): " "$tmp/drugs" && grep -q "^morphine: " "$tmp/drugs" &&
	grep -q "patient model: not simulated" "$tmp/drugs" ||
	{ echo "FAIL: scrub list drugs does not show the drugs, their aliases and the model"; cat "$tmp/drugs"; fail=1; }
"$scrub" list actions "$root/tests/scenarios/good/declared_actions.yaml" > "$tmp/decl" 2>&1
sed -n '/^declared by/,$p' "$tmp/decl" | grep -q "call_cath_lab" && ! sed -n '/^declared by/q;p' "$tmp/decl" | grep -q "call_cath_lab" ||
	{ echo "FAIL: scrub list actions FILE does not list the scenario's own actions apart"; cat "$tmp/decl"; fail=1; }
expect 2 "$scrub" list colours
grep -q "bls-aed-adult\|bls_aed_adult" "$tmp/out" || true
"$scrub" list > "$tmp/list" 2>&1
grep -q "BLS with an AED" "$tmp/list" || { echo "FAIL: scrub list does not show the bundled scenario"; cat "$tmp/list"; fail=1; }
# the columns line up whatever the durations (an hour or more: 1:30:00.00) and names
mkdir -p "$tmp/cols"
sed -e 's/^duration: .*/duration: 90 min/' "$scn" > "$tmp/cols/long_case.yaml"
cp "$scn" "$tmp/cols/a_scenario_file_with_a_name_much_longer_than_the_usual_column.yaml"
cp "$scn" "$tmp/cols/short.yaml"
"$scrub" list scenarios "$tmp/cols" > "$tmp/cols.txt" 2>&1
grep -q "1:30:00.00" "$tmp/cols.txt" ||
	{ echo "FAIL: scrub list does not show the 90 min duration"; cat "$tmp/cols.txt"; fail=1; }
# every line's title column (the header's "title") starts at the same character
cols=$(awk 'NR == 1 { c = index($0, "title"); print c; next } { print index($0, "Adult cardiac arrest") }' "$tmp/cols.txt" | sort -u | wc -l)
[ "$cols" = 1 ] && [ "$(wc -l < "$tmp/cols.txt")" = 4 ] ||
	{ echo "FAIL: scrub list scenarios: the columns do not line up"; cat "$tmp/cols.txt"; fail=1; }
exit $fail
