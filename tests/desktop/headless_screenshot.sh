#!/bin/sh
# `scrub run --headless --screenshot --at`: the scene rendered offscreen at 1:30 of the BLS scenario's textbook run
# (VF, CPR after the first shock), compared with a golden; the record and report are written as usual.
# usage: headless_screenshot.sh SCRUB SOURCE_ROOT OUT_DIR PNG_COMPARE
set -eu
scrub=$1; root=$2; out=$3; cmp_png=$4
d="$out/headless_screenshot"
rm -rf "$d"
"$scrub" run --headless "$root/tests/data/bls_frontend.yaml" --model-run textbook --out "$d" \
	--screenshot "$d/shot.png" --at 1:30 --width 640 --height 360 --quiet
[ -s "$d/report.json" ] && [ -s "$d/session.jsonl" ]
"$cmp_png" "$d/shot.png" "$root/tests/desktop/golden/headless_1m30.png" "$d/shot.diff.png"
# a bad --at is a usage error
s=0; "$scrub" run --headless "$root/tests/data/bls_frontend.yaml" --out "$d/bad" --screenshot "$d/x.png" --at soon --quiet 2>/dev/null || s=$?
[ "$s" -eq 2 ]
echo "headless screenshot ok"
