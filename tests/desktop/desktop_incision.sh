#!/bin/sh
# Desktop mode under Xvfb (run through xvfb-run -a) on a surgical scenario: an input script picks the scalpel and
# makes a 40 mm skin incision with mouse drags (instrument_input.c, docs/desktop.md). The window writes `pose`
# actions when the hand moved and the derived `incision` event follows from the physics; the report must equal
# `scrub report` of the record byte for byte, and a headless run of the window's actions.txt but for the "input"
# line. usage: desktop_incision.sh SCRUB SOURCE_ROOT OUT_DIR   (exit 77: no display, skipped)
set -eu
scrub=$1; root=$2; out=$3
[ -n "${DISPLAY:-}" ] || { echo "no display: skipped (run under xvfb-run -a)"; exit 77; }
scn="$root/tests/data/skin_incision_frontend.yaml"
d="$out/desktop_incision"
rm -rf "$d"
mkdir -p "$d"
"$scrub" run "$scn" --out "$d/win" --input-script "$root/tests/desktop/incision_desktop.input" \
	--width 480 --height 270 --validation --quiet
grep -q '"input": "desktop"' "$d/win/report.json"
grep -q '"outcome": "done"' "$d/win/report.json"
grep -q '"passed": true' "$d/win/report.json"
# the mouse reached the physics: poses every frame the hand moved, one incision through the skin into the fat
[ "$(grep -c '"action":"pose"' "$d/win/session.jsonl")" -gt 300 ]
grep -q '"action":"pick","params":{"hand":"right","instrument":"scalpel"}' "$d/win/session.jsonl"
[ "$(grep -c '"action":"incision".*"layer":"fat".*"derived":true' "$d/win/session.jsonl")" -eq 1 ]
"$scrub" report "$d/win/session.jsonl" --out "$d/win/replay.json" --quiet
cmp "$d/win/report.json" "$d/win/replay.json"
"$scrub" run --headless "$scn" --actions "$d/win/actions.txt" --out "$d/headless" --quiet
grep -v '"input"' "$d/win/report.json" > "$d/a.json"
grep -v '"input"' "$d/headless/report.json" > "$d/b.json"
cmp "$d/a.json" "$d/b.json"
# `I` reaches every instrument of the pick action, the scissors included, in the vocabulary's order
"$scrub" run "$scn" --out "$d/instr" --input-script "$root/tests/desktop/instruments_desktop.input" \
	--width 320 --height 180 --quiet
picks=$(grep -o '"action":"pick","params":{"hand":"right","instrument":"[a-z_]*"}' "$d/instr/session.jsonl" |
	sed 's/.*"instrument":"\([a-z_]*\)".*/\1/' | tr '\n' ' ')
[ "$picks" = "scalpel forceps needle_driver scissors none " ] || { echo "picks: $picks"; exit 1; }
# a script error names its line
printf 'frame_dt 0.02\n0:01 drag 10 x\n' > "$d/bad.input"
s=0; "$scrub" run "$scn" --out "$d/bad" --input-script "$d/bad.input" --quiet 2> "$d/bad.err" || s=$?
[ "$s" -eq 1 ] && grep -q 'bad.input:2: error: drag needs DX and DY' "$d/bad.err"
echo "desktop incision ok"
