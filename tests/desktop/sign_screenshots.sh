#!/bin/sh
# Golden images of the clinical signs on the body (docs/patient-signs.md): `scrub run --headless` screenshots of the
# textbook runs of the front-end fixtures (tests/data, frozen) at known times, from named views, compared with tests/desktop/golden/sign_*.png.
# With DOCS_DIR set, writes the same pictures at 640 x 360 into DOCS_DIR instead (docs/images/signs/).
# usage: sign_screenshots.sh SCRUB SOURCE_ROOT OUT_DIR PNG_COMPARE
set -eu
scrub=$1; root=$2; out=$3; cmp_png=$4
d="$out/sign_screenshots"
rm -rf "$d"
mkdir -p "$d"
w=400; h=225
[ -n "${DOCS_DIR:-}" ] && { w=640; h=360; mkdir -p "$DOCS_DIR"; }
fail=0
# name                     scenario              time     view   [actions file instead of the textbook run]
while read -r name scn at view acts; do
	case "$name" in ''|'#'*) continue ;; esac
	png="$d/$name.png"
	[ -n "${DOCS_DIR:-}" ] && png="$DOCS_DIR/$name.png"
	if [ -n "$acts" ]; then set -- --actions "$root/$acts"; else set -- --model-run textbook; fi
	"$scrub" run --headless "$root/$scn.yaml" "$@" --out "$d/$name" --quiet \
		--screenshot "$png" --at "$at" --view "$view" --no-hud --width $w --height $h >/dev/null
	[ -n "${DOCS_DIR:-}" ] && continue
	"$cmp_png" "$png" "$root/tests/desktop/golden/sign_$name.png" "$d/$name.diff.png" || fail=1
done <<'LIST'
# anaphylaxis: flushing and wheals on the face, neck and arms; sweat; fast shallow breathing
anaphylaxis_face      tests/data/anaphylaxis_frontend 0:30     face
anaphylaxis_arms      tests/data/anaphylaxis_frontend 0:30     chest
# tension pneumothorax (right): the trachea pushed left, the neck veins full; after the drain, both gone
tension_neck          tests/data/tension_frontend 0:40     neck
tension_neck_drained  tests/data/tension_frontend 5:00     neck
tension_chest         tests/data/tension_frontend 0:40.18  chest
# awake and pink at first; drowsy and cyanosed (SpO2 77 %) at 0:40
tension_face_awake    tests/data/tension_frontend 0:05     face
tension_face_hypoxic  tests/data/tension_frontend 0:40     face
# cardiac arrest: eyes closed, grey and mottled, an agonal gasp; a compression; the jolt of a shock; pads
arrest_face           tests/data/acls_frontend 0:04     face
arrest_gasp           tests/data/acls_frontend 0:02.35  chest
arrest_compression    tests/data/acls_frontend 0:16.91  chest
arrest_shock          tests/data/acls_frontend 1:05.05  chest
arrest_after_shock    tests/data/acls_frontend 1:05.80  chest
bls_pads              tests/data/bls_frontend 1:10     chest
# posture: the legs raised on a wedge (anaphylaxis, from 0:40); sat up against the backrest
anaphylaxis_legs      tests/data/anaphylaxis_frontend 1:00 body
tension_sat_up        tests/data/tension_frontend 0:15 body tests/desktop/tension_sat_up.actions
LIST
[ -n "${DOCS_DIR:-}" ] && { echo "sign pictures written to $DOCS_DIR"; exit 0; }
# each sign shows: the pictures with and without it differ by more than the goldens' tolerance
differ() {
	s=0; SCRUB_UPDATE_GOLDEN= "$cmp_png" "$d/$1.png" "$d/$2.png" >/dev/null 2>&1 || s=$?
	[ $s -eq 1 ] || { echo "$1 and $2 should differ (the sign should show)"; fail=1; }
}
differ tension_neck tension_neck_drained
differ tension_face_awake tension_face_hypoxic
differ arrest_compression arrest_gasp
differ arrest_shock arrest_after_shock
[ $fail -eq 0 ] || { echo "sign screenshots differ from their goldens (SCRUB_UPDATE_GOLDEN=1 rewrites them)"; exit 1; }
echo "sign screenshots ok"
