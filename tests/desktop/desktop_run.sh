#!/bin/sh
# Desktop mode under Xvfb (run through xvfb-run -a), driven by an input script: the window goes through the BLS
# scenario to its end. The report must equal `scrub report` of the session record byte for byte, and a headless run
# of the actions the window wrote (actions.txt) but for the "input" line; the window's screenshot is compared with a
# golden. A second, shorter script quits early: the record then reads as cut short and replays to the same report.
# usage: desktop_run.sh SCRUB SOURCE_ROOT OUT_DIR PNG_COMPARE   (exit 77: no display, skipped)
set -eu
scrub=$1; root=$2; out=$3; cmp_png=$4
[ -n "${DISPLAY:-}" ] || { echo "no display: skipped (run under xvfb-run -a)"; exit 77; }
scn="$root/tests/data/bls_frontend.yaml"
d="$out/desktop_run"
rm -rf "$d"
mkdir -p "$d"

"$scrub" run "$scn" --out "$d/full" --input-script "$root/tests/desktop/bls_desktop.input" \
	--screenshot "$d/window.png" --at 1:30 --width 640 --height 360 --validation --quiet
grep -q '"input": "desktop"' "$d/full/report.json"
grep -q '"outcome": "rosc"' "$d/full/report.json"
grep -q '"passed": true' "$d/full/report.json"
# the keys reached the session: compressions on the space bar, CPR inferred from their rhythm, two shocks
[ "$(grep -c '"action":"compression"' "$d/full/session.jsonl")" -gt 400 ]
grep -q '"action":"start_cpr","params":{"rate":"10[0-9]/min","depth":"55mm"}' "$d/full/session.jsonl"
[ "$(grep -c '"action":"stop_cpr"' "$d/full/session.jsonl")" -eq 3 ]
[ "$(grep -c '"action":"shock","params"' "$d/full/session.jsonl")" -eq 2 ]

"$scrub" report "$d/full/session.jsonl" --out "$d/full/replay.json" --quiet
cmp "$d/full/report.json" "$d/full/replay.json"
"$scrub" run --headless "$scn" --actions "$d/full/actions.txt" --out "$d/headless" --quiet
grep -v '"input"' "$d/full/report.json" > "$d/a.json"
grep -v '"input"' "$d/headless/report.json" > "$d/b.json"
cmp "$d/a.json" "$d/b.json"

"$cmp_png" "$d/window.png" "$root/tests/desktop/golden/desktop_run.png" "$d/window.diff.png"

# quitting before the end: no "end" line, scored up to the last event, replayed to the same report
printf 'frame_dt 0.1\n0:05 key 1\n0:08 key 2\n0:20 cpr 110 10s\n0:40 key escape\n' > "$d/quit.input"
"$scrub" run "$scn" --out "$d/quit" --input-script "$d/quit.input" --width 320 --height 240 --quiet
grep -q '"complete": false' "$d/quit/report.json"
! grep -q '"type":"end"' "$d/quit/session.jsonl"
"$scrub" report "$d/quit/session.jsonl" --out "$d/quit/replay.json" --quiet
cmp "$d/quit/report.json" "$d/quit/replay.json"
echo "desktop run ok"
