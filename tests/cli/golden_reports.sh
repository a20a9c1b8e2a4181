#!/bin/sh
# Every model run of every bundled scenario gives the committed report, byte for byte:
#   scrub run --headless SCENARIO --model-run NAME --out TMP --quiet
# and TMP/report.json is compared with tests/reports/<scenario file stem>/<run name slug>.json.
# A golden that is missing, changed or left over (no such run any more) fails the test, with a diff.
# SCRUB_UPDATE_GOLDEN=1 writes the goldens instead (review the diff before committing them).
# usage: golden_reports.sh SCRUB ROOT
set -u
scrub=$1; root=$2
golden_root="$root/tests/reports"
update=${SCRUB_UPDATE_GOLDEN:-0}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0

# "Late first shock" -> "late-first-shock"
slug() {
	printf '%s' "$1" | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9]\{1,\}/-/g' -e 's/^-//' -e 's/-$//'
}

for scn in "$root"/scenarios/*.yaml; do
	stem=$(basename "$scn" .yaml)
	dir="$golden_root/$stem"
	# the run names (scrub list runs: "NAME<tab>expectation"); whether the runs give their expected
	# outcomes is the bundled_scenarios test's job
	if ! "$scrub" list runs "$scn" > "$tmp/list.txt" 2>&1; then
		echo "FAIL: $stem: the scenario does not load"; cat "$tmp/list.txt"; fail=1; continue
	fi
	cut -f1 "$tmp/list.txt" > "$tmp/runs.txt"
	if [ ! -s "$tmp/runs.txt" ]; then
		echo "FAIL: $stem: no model runs found in the output of scrub validate"; fail=1; continue
	fi
	: > "$tmp/expected.txt"
	while IFS= read -r run; do
		s=$(slug "$run")
		if grep -qxF "$s.json" "$tmp/expected.txt"; then
			echo "FAIL: $stem / $run: another model run has the same file name $s.json"; fail=1; continue
		fi
		echo "$s.json" >> "$tmp/expected.txt"
		out="$tmp/out-$stem-$s"
		n=$((n + 1))
		if ! "$scrub" run --headless "$scn" --model-run "$run" --out "$out" --quiet > "$tmp/run.txt" 2>&1; then
			echo "FAIL: $stem / $run: scrub run failed"; cat "$tmp/run.txt"; fail=1; continue
		fi
		golden="$dir/$s.json"
		if [ "$update" = 1 ]; then
			mkdir -p "$dir"
			if ! cmp -s "$out/report.json" "$golden"; then
				cp "$out/report.json" "$golden"; echo "updated $golden"
			fi
		elif [ ! -f "$golden" ]; then
			echo "FAIL: $stem / $run: no golden report $golden (SCRUB_UPDATE_GOLDEN=1 writes it)"; fail=1
		elif ! cmp -s "$golden" "$out/report.json"; then
			echo "FAIL: $stem / $run: report.json differs from $golden:"
			diff -u "$golden" "$out/report.json" | head -n 80
			fail=1
		fi
	done < "$tmp/runs.txt"
	# goldens of runs that no longer exist
	if [ -d "$dir" ]; then
		for g in "$dir"/*.json; do
			[ -e "$g" ] || continue
			if ! grep -qxF "$(basename "$g")" "$tmp/expected.txt"; then
				if [ "$update" = 1 ]; then
					rm -f "$g"; echo "removed $g (no such model run)"
				else
					echo "FAIL: $g: no model run of $stem has this name"; fail=1
				fi
			fi
		done
	fi
done
# goldens of scenarios that no longer exist
for d in "$golden_root"/*/; do
	[ -d "$d" ] || continue
	if [ ! -f "$root/scenarios/$(basename "$d").yaml" ]; then
		echo "FAIL: $d: no scenarios/$(basename "$d").yaml"; fail=1
	fi
done
[ "$n" -gt 0 ] || { echo "FAIL: no model runs found"; fail=1; }
if [ "$fail" = 0 ]; then echo "golden reports ok ($n model runs)"; fi
exit $fail
