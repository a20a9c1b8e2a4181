#!/bin/sh
# Care by hand in the window under Xvfb (run through xvfb-run -a): tests/desktop/bls_hands.input plays the BLS
# scenario to ROSC with the mouse on the patient and the defibrillator (head tilt, pulse checks, compressions from
# the mouse's motion, pads carried from the cart, the AED's buttons); tests/desktop/acls_hands.input does the other
# gestures and quits early. The records hold the actions the hands made; each report equals `scrub report` of its
# record byte for byte, and the full run's a headless run of the window's actions.txt but for the "input" line; the
# window is compared with a golden.
# usage: desktop_hands.sh SCRUB SOURCE_ROOT OUT_DIR PNG_COMPARE   (exit 77: no display, skipped)
set -eu
scrub=$1; root=$2; out=$3; cmp_png=$4
[ -n "${DISPLAY:-}" ] || { echo "no display: skipped (run under xvfb-run -a)"; exit 77; }
d="$out/desktop_hands"
rm -rf "$d"
mkdir -p "$d"

replays() { # DIR SCENARIO [cut]: the report is the record's and (played to its end) the actions'
	"$scrub" report "$1/session.jsonl" --out "$1/replay.json" --quiet
	cmp "$1/report.json" "$1/replay.json"
	[ "${3:-}" = cut ] && return 0
	"$scrub" run --headless "$2" --actions "$1/actions.txt" --out "$1.headless" --quiet
	grep -v '"input"' "$1/report.json" > "$1/a.json"
	grep -v '"input"' "$1.headless/report.json" > "$1/b.json"
	cmp "$1/a.json" "$1/b.json"
}
has() { grep -q "$2" "$1/session.jsonl" || { echo "not in $1/session.jsonl: $2"; exit 1; }; }
count() { grep -c "$2" "$1/session.jsonl" || true; }

# BLS by hand: passes, and every action but the call for help came from the hands
bls="$root/tests/data/bls_frontend.yaml"
"$scrub" run "$bls" --out "$d/bls" --input-script "$root/tests/desktop/bls_hands.input" \
	--screenshot "$d/window.png" --at 1:01.5 --width 640 --height 360 --validation --quiet
grep -q '"passed": true' "$d/bls/report.json"
grep -q '"outcome": "rosc"' "$d/bls/report.json"
[ "$(count "$d/bls" '"action":"check_responsiveness"')" -eq 1 ]
has "$d/bls" '"action":"open_airway","params":{"method":"head_tilt_chin_lift"}'
has "$d/bls" '"action":"check_pulse","params":{"site":"carotid","duration":"8s"}'
has "$d/bls" '"action":"check_pulse","params":{"site":"carotid","duration":"6s"}'
[ "$(count "$d/bls" '"action":"compression","params":{"depth":"55mm","recoil":"100%"}')" -gt 350 ]
[ "$(count "$d/bls" '"action":"compression"')" -eq "$(count "$d/bls" '"depth":"55mm","recoil":"100%"')" ]
has "$d/bls" '"action":"start_cpr","params":{"rate":"10[0-9]/min","depth":"55mm"}'
[ "$(count "$d/bls" '"action":"stop_cpr"')" -eq 4 ]
has "$d/bls" '"action":"attach_pads","params":{"position":"anterolateral"}'
has "$d/bls" '"action":"power_on_aed"'
[ "$(count "$d/bls" '"action":"analyse_rhythm"')" -eq 2 ]
[ "$(count "$d/bls" '"action":"shock","params":{"energy":"200J"}')" -eq 2 ]
replays "$d/bls" "$bls"
"$cmp_png" "$d/window.png" "$root/tests/desktop/golden/desktop_hands.png" "$d/window.diff.png"

# leaning on the chest, the bag, misplaced pads, a touch too short for a pulse, the energy selector
acls="$root/tests/data/acls_frontend.yaml"
"$scrub" run "$acls" --out "$d/acls" --input-script "$root/tests/desktop/acls_hands.input" \
	--width 640 --height 360 --validation --quiet
[ "$(count "$d/acls" '"action":"compression","params":{"depth":"50mm","recoil":"60%"}')" -eq 7 ]
has "$d/acls" '"action":"start_cpr","params":{"rate":"1[01][0-9]/min","depth":"50mm"}'
has "$d/acls" '"action":"give_breaths","params":{"count":"2","device":"bvm"}'
has "$d/acls" '"action":"charge","params":{"energy":"360J"}'
[ "$(count "$d/acls" '"action":"check_pulse"')" -eq 0 ]
has "$d/acls" '"action":"attach_pads","params":{"position":"misplaced"}'
[ "$(count "$d/acls" '"action":"attach_pads"')" -eq 1 ]
grep -q '"complete": false' "$d/acls/report.json"
replays "$d/acls" "$acls" cut
echo "desktop hands ok"
