#!/bin/sh
# The upload outbox end to end with the real server (`scrub serve`, SQLite store): records of sessions ended while
# the server was down arrive once it is up; `kill -9` of the server in the middle of an upload loses nothing and
# stores nothing twice; a wrong token is refused and loses nothing. usage: upload_serve.sh SCRUB ROOT
set -eu
scrub=$1
root=$2
tmp=$(mktemp -d)
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill -9 "$srv_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export XDG_STATE_HOME="$tmp/state" XDG_DATA_HOME="$tmp/data"
unset SCRUB_SERVER SCRUB_TOKEN SCRUB_LRS SCRUB_STORE
outbox="$XDG_STATE_HOME/scrub/outbox"
db="$tmp/records.db"
fail() { echo "upload_serve.sh: $*" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
start_server() {
	"$scrub" serve --store "$db" --listen "127.0.0.1:$port" >>"$tmp/serve.log" 2>&1 &
	srv_pid=$!
	i=0
	until curl -s -o /dev/null "$url/"; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "scrub serve did not start: $(cat "$tmp/serve.log")"
		kill -0 $srv_pid 2>/dev/null || fail "scrub serve exited: $(cat "$tmp/serve.log")"
		sleep 0.1
	done
}
in_store() { sqlite3 "$db" "SELECT count(*) FROM sessions WHERE sha256 = '$1'"; }

echo "pw-alice-12345" | "$scrub" serve users add alice --role trainee --store "$db" >/dev/null
token=$("$scrub" serve token add alice --store "$db")

# 1. Six sessions end while the server is down: their records wait in the outbox.
i=0
for mr in textbook "late first shock" "no compressions" "pause for the pads" "compressor swap" "leaning"; do
	i=$((i + 1))
	"$scrub" run --headless "$root/scenarios/bls_aed_adult.yaml" --model-run "$mr" --trainee alice --out "$tmp/s$i" \
		--quiet --server "$url" --token "$token" >/dev/null 2>"$tmp/run$i.err" || fail "run $i: $(cat "$tmp/run$i.err")"
done
[ "$(ls "$outbox" | grep -c '\.jsonl$')" = 6 ] || fail "the outbox should hold 6 records: $(ls "$outbox")"

# 2. The server comes up and is killed (-9) in the middle of the upload, then comes back: the upload, retrying,
#    ends with every record in the store exactly once and the outbox empty.
start_server
"$scrub" upload --server "$url" --token "$token" --tries 40 --backoff 0.2 --max-backoff 0.5 >"$tmp/up.out" 2>"$tmp/up.err" &
up=$!
sleep 0.3
kill -9 $srv_pid
wait $srv_pid 2>/dev/null || true
srv_pid=
sleep 1
start_server
wait $up || fail "upload across a server crash: exit $?: $(cat "$tmp/up.out" "$tmp/up.err")"
[ "$(ls "$outbox" | grep -c '\.jsonl$')" = 0 ] || fail "the outbox is not empty: $(ls "$outbox")"
for i in 1 2 3 4 5 6; do
	h=$(sha256sum "$tmp/s$i/session.jsonl" | cut -d' ' -f1)
	[ "$(in_store "$h")" = 1 ] || fail "record $i is in the store $(in_store "$h") times"
done
[ "$(sqlite3 "$db" 'SELECT count(*) FROM sessions')" = 6 ] || fail "the store should hold 6 sessions"

# 3. A session ended while the server is up is uploaded at once, and sending it again is "same".
"$scrub" run --headless "$root/scenarios/opioid_overdose.yaml" --trainee alice --out "$tmp/s7" --server "$url" \
	--token "$token" >"$tmp/run7.out" 2>"$tmp/run7.err" || fail "run 7: $(cat "$tmp/run7.err")"
grep -q "sent: new" "$tmp/run7.err" || fail "run 7 was not uploaded as new: $(cat "$tmp/run7.out" "$tmp/run7.err")"
h=$(sha256sum "$tmp/s7/session.jsonl" | cut -d' ' -f1)
cp "$tmp/s7/session.jsonl" "$outbox/$h.jsonl"
"$scrub" upload --server "$url" --token "$token" 2>"$tmp/again.err" >/dev/null || fail "again: $(cat "$tmp/again.err")"
grep -q "sent: same" "$tmp/again.err" || fail "sending again: $(cat "$tmp/again.err")"

# 4. A wrong token: 401, the record stays.
cp "$tmp/s7/session.jsonl" "$outbox/$h.jsonl"
set +e
"$scrub" upload --server "$url" --token nottoken --quiet >/dev/null 2>&1
rc=$?
set -e
[ $rc = 3 ] || fail "a wrong token: exit $rc, expected 3"
[ -f "$outbox/$h.jsonl" ] || fail "a wrong token lost the record"
echo "upload_serve ok: across the crash, $(grep -c "sent:" "$tmp/up.err") records sent by the upload, $(grep -c "will retry" "$tmp/up.err") attempts to retry"
