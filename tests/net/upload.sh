#!/bin/sh
# The upload outbox (docs/uploads.md) against a peer that drops connections, answers 503, hangs, refuses a bad
# token and a bad record (tests/net/peer.py): no session is lost, none is sent twice into the store, and what the
# server refused for good is kept. usage: upload.sh SCRUB ROOT
set -eu
scrub=$1
root=$2
tmp=$(mktemp -d)
peer_pid=
cleanup() {
	[ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export XDG_STATE_HOME="$tmp/state"
unset SCRUB_SERVER SCRUB_TOKEN SCRUB_LRS
outbox="$XDG_STATE_HOME/scrub/outbox"
fail() { echo "upload.sh: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
start_peer() { # start_peer STORE [peer options]
	store=$1
	shift
	mkdir -p "$store"
	rm -f "$tmp/port"
	python3 "$root/tests/net/peer.py" "$tmp/port" "$store" secret "$@" &
	peer_pid=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the peer did not start"
		sleep 0.1
	done
	url="http://127.0.0.1:$(cat "$tmp/port")"
}
stop_peer() { kill "$peer_pid"; wait "$peer_pid" 2>/dev/null || true; peer_pid=; }
# a port nothing listens on: the network is down
dead="http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

# 1. Sessions end while the server cannot be reached: the runs succeed and their records wait in the outbox, whole.
"$scrub" run --headless "$root/scenarios/bls_aed_adult.yaml" --out "$tmp/s1" --quiet --server "$dead" --token secret \
	>"$tmp/run1.out" 2>"$tmp/run1.err" || fail "run 1 failed: $(cat "$tmp/run1.err")"
grep -q "not uploaded yet" "$tmp/run1.err" || fail "run 1 did not say the record waits: $(cat "$tmp/run1.err")"
SCRUB_SERVER=$dead SCRUB_TOKEN=secret "$scrub" run --headless "$root/scenarios/opioid_overdose.yaml" --out "$tmp/s2" \
	--quiet >/dev/null 2>"$tmp/run2.err" || fail "run 2 failed: $(cat "$tmp/run2.err")"
for s in s1 s2; do
	h=$(sha "$tmp/$s/session.jsonl")
	[ -f "$outbox/$h.jsonl" ] || fail "$s: its record is not in the outbox as $h.jsonl"
	cmp -s "$tmp/$s/session.jsonl" "$outbox/$h.jsonl" || fail "$s: the outbox's copy differs from the record"
done
[ "$(ls "$outbox" | grep -c '\.jsonl$')" = 2 ] || fail "the outbox should hold 2 records: $(ls "$outbox")"
# each session's end tries the outbox, oldest first, three rounds; a round stops at the first item that gets no
# answer (the server cannot be reached): s1's record was tried three times at each end, s2's never
grep -q "^6 " "$outbox/$(sha "$tmp/s1/session.jsonl").jsonl.try" || fail "s1's attempts: $(cat "$outbox/$(sha "$tmp/s1/session.jsonl").jsonl.try")"
grep -q "Couldn't connect" "$outbox/$(sha "$tmp/s1/session.jsonl").jsonl.try" || fail "s1's last error was not kept"
[ ! -f "$outbox/$(sha "$tmp/s2/session.jsonl").jsonl.try" ] || fail "s2 was tried after the server did not answer: $(cat "$outbox/$(sha "$tmp/s2/session.jsonl").jsonl.try")"
"$scrub" upload --list >"$tmp/list.out"
grep -q "^2 records waiting" "$tmp/list.out" || fail "upload --list: $(cat "$tmp/list.out")"

# 2. A wrong token: nothing is lost, nothing more is tried after the first refusal, exit 3.
start_peer "$tmp/store"
set +e
"$scrub" upload --server "$url" --token wrong --tries 3 --backoff 0.05 >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
[ $rc = 3 ] || fail "a refused token: exit $rc, expected 3"
grep -q "refused the token" "$tmp/bad.err" || fail "a refused token: $(cat "$tmp/bad.err")"
[ "$(cat "$tmp/store/requests")" = 1 ] || fail "after a refused token nothing more should be sent ($(cat "$tmp/store/requests") requests)"
[ "$(ls "$outbox" | grep -c '\.jsonl$')" = 2 ] || fail "a refused token lost records"
stop_peer

# 3. The network drops the first 3 connections, then the server answers 503 twice: with retries (backoff capped)
#    every record arrives, byte for byte, and the outbox empties.
start_peer "$tmp/store2" --drop 3 --unavailable 2
"$scrub" upload --server "$url" --token secret --tries 8 --backoff 0.05 --max-backoff 0.2 >"$tmp/up.out" 2>"$tmp/up.err" ||
	fail "upload after drops: exit $?: $(cat "$tmp/up.err")"
grep -q "2 sent to" "$tmp/up.out" || fail "upload after drops: $(cat "$tmp/up.out")"
grep -q "not sent" "$tmp/up.err" || fail "the drops were not reported: $(cat "$tmp/up.err")"
grep -q "503" "$tmp/up.err" || fail "the 503s were not reported: $(cat "$tmp/up.err")"
for s in s1 s2; do
	h=$(sha "$tmp/$s/session.jsonl")
	cmp -s "$tmp/$s/session.jsonl" "$tmp/store2/$h.jsonl" || fail "$s did not arrive whole"
done
[ "$(ls "$outbox" | grep -c '\.jsonl')" = 0 ] || fail "the outbox is not empty after the upload: $(ls "$outbox")"
# rounds 1-3: the first record's connection dropped (the round stops there); round 4: two 503; round 5: both taken
[ "$(cat "$tmp/store2/requests")" = 7 ] || fail "expected 7 requests (3 dropped, 2 refused, 2 taken), got $(cat "$tmp/store2/requests")"

# 4. A session ends while the server is up: uploaded at once; running it again (the same record) is "same".
"$scrub" run --headless "$root/scenarios/bls_aed_adult.yaml" --out "$tmp/s3" --server "$url" --token secret \
	>"$tmp/run3.out" 2>"$tmp/run3.err" || fail "run 3 failed: $(cat "$tmp/run3.err")"
grep -q "^Uploaded to $url" "$tmp/run3.out" || fail "run 3 was not uploaded: $(cat "$tmp/run3.out" "$tmp/run3.err")"
grep -q "sent: new" "$tmp/run3.err" || fail "run 3: the server's outcome is not shown: $(cat "$tmp/run3.err")"
cmp -s "$tmp/s3/session.jsonl" "$tmp/store2/$(sha "$tmp/s3/session.jsonl").jsonl" || fail "run 3 did not arrive whole"
cp "$tmp/s3/session.jsonl" "$outbox/$(sha "$tmp/s3/session.jsonl").jsonl"
"$scrub" upload --server "$url" --token secret 2>"$tmp/again.err" >/dev/null || fail "upload again: $(cat "$tmp/again.err")"
grep -q "sent: same" "$tmp/again.err" || fail "sending a record again: $(cat "$tmp/again.err")"

# 5. Something the server refuses for good (400) is kept in rejected/, with the reason, and the exit says so.
printf 'not a record\n' >"$outbox/0000000000000000000000000000000000000000000000000000000000000000.jsonl"
set +e
"$scrub" upload --server "$url" --token secret --quiet >/dev/null 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "a refused record: exit $rc, expected 1"
[ -f "$outbox/rejected/0000000000000000000000000000000000000000000000000000000000000000.jsonl" ] || fail "the refused record is not in rejected/"
grep -q "not a session record" "$outbox/rejected/0000000000000000000000000000000000000000000000000000000000000000.jsonl.why" || fail "the reason was not kept"
stop_peer

# 6. Killed (kill -9) while the server hangs mid-request: the record stays in the outbox, whole.
cp "$tmp/s1/session.jsonl" "$outbox/$(sha "$tmp/s1/session.jsonl").jsonl"
start_peer "$tmp/store3" --hang
"$scrub" upload --server "$url" --token secret >/dev/null 2>&1 &
up=$!
sleep 1
kill -9 $up
wait $up 2>/dev/null || true
cmp -s "$tmp/s1/session.jsonl" "$outbox/$(sha "$tmp/s1/session.jsonl").jsonl" || fail "killed mid-upload: the record is not whole in the outbox"
ls "$outbox" | grep -q 'tmp' && fail "killed mid-upload: a temporary file was left"
stop_peer

# 7. Bad command lines.
set +e
"$scrub" upload >/dev/null 2>&1; [ $? = 2 ] || fail "upload without a server should exit 2"
"$scrub" run --headless "$root/scenarios/bls_aed_adult.yaml" --server "$url" --out "$tmp/s4" >/dev/null 2>&1
[ $? = 2 ] || fail "run --server without a token should exit 2"
"$scrub" upload --server "$url" --token t --tries 0 >/dev/null 2>&1; [ $? = 2 ] || fail "--tries 0 should exit 2"
set -e
echo "upload ok"
