#!/bin/sh
# Ending well in the window and the headset (run through xvfb-run -a): SIGTERM or Ctrl-C while a trainee is in a
# session ends it through the host. The report is written, marked incomplete and equal to `scrub report` of the
# record; the headset session goes through xrEndSession (the simulated runtime logs EXITING); exit 128 + signal.
set -eu
scrub=$1; root=$2; build=$3
[ -n "${DISPLAY:-}" ] || { echo "no display: skipped (run under xvfb-run -a)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
scn="$root/tests/data/bls_frontend.yaml"

check() { # folder, expected status, status, what
	[ "$3" = "$2" ] || { echo "$4: exit status $3, expected $2"; cat "$1.err"; exit 1; }
	grep -q '"complete": false' "$1/report.json" || { echo "$4: no report marked incomplete"; cat "$1.err"; exit 1; }
	grep -q 'stopped by' "$1.err" || { echo "$4: no word of the stop"; cat "$1.err"; exit 1; }
	"$scrub" report "$1/session.jsonl" --out "$1/replay.json" --quiet > /dev/null
	cmp "$1/report.json" "$1/replay.json" || { echo "$4: the report differs from the replay of its record"; exit 1; }
}

# the window, waiting for a trainee who does nothing: SIGTERM after 6 s
"$scrub" run "$scn" --out "$tmp/win" > "$tmp/win.out" 2> "$tmp/win.err" &
pid=$!
sleep 6
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
check "$tmp/win" 143 "$rc" "window"

# the headset on the simulated runtime: Ctrl-C after 4 s
export XR_RUNTIME_JSON="$build/simxr.json" LD_LIBRARY_PATH="$build/tools/simxr${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export SIMXR_FRAME_LOG="$tmp/frames.log"
# the OpenXR loader's own leaks, as for every simxr test (tests/xr/lsan.supp says why)
export LSAN_OPTIONS="suppressions=$root/tests/xr/lsan.supp:print_suppressions=0"
"$scrub" run --xr "$scn" --out "$tmp/xr" > "$tmp/xr.out" 2> "$tmp/xr.err" &
pid=$!
sleep 4
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
check "$tmp/xr" 130 "$rc" "headset"
grep -q 'state EXITING' "$tmp/frames.log" || { echo "headset: the OpenXR session did not end properly"; tail -5 "$tmp/frames.log"; exit 1; }
echo "window and headset signals ok"
