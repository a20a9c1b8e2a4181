#!/bin/sh
# `scrub run --headless --screenshot --at` on a surgical scenario: the laceration repair's textbook run at 0:12
# (app/scene_tissue.c): the tissue block's render surface with the wound, the needle driver and the forceps
# at their coupled poses, the camera framing the operative field; compared with a golden on lavapipe.
# usage: surgical_screenshot.sh SCRUB SOURCE_ROOT OUT_DIR PNG_COMPARE
set -eu
scrub=$1; root=$2; out=$3; cmp_png=$4
d="$out/surgical_screenshot"
rm -rf "$d"
"$scrub" run --headless "$root/tests/data/laceration_frontend.yaml" --model-run textbook --out "$d" \
	--screenshot "$d/shot.png" --at 0:12 --width 640 --height 360 --quiet
grep -q '"passed": true' "$d/report.json"
"$cmp_png" "$d/shot.png" "$root/tests/desktop/golden/laceration_12s.png" "$d/shot.diff.png"
echo "surgical screenshot ok"
