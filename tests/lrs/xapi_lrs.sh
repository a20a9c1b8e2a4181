#!/bin/sh
# xAPI against a real Learning Record Store (tests/lrs/lrs.js: Learning Locker's xapi-statements from the npm
# registry, installed by tests/lrs/install.sh) and a real validator (xapi-validation):
#   - every statement of sessions of every bundled scenario (passed, failed, cut short) validates;
#   - with the LRS down, `scrub xapi send` keeps the statements queued (exit 3); once it is up they are stored,
#     as built, and sending the same record again duplicates nothing;
#   - wrong credentials are refused (401) and nothing is lost;
#   - a server's queue in the records store (scrub xapi send --store DB --all) sends each statement once.
# Without node and npm the test is skipped (77), except in CI (CI=true), where it fails.
# usage: xapi_lrs.sh SCRUB ROOT
set -eu
scrub=$1
root=$2
fail() { echo "xapi_lrs.sh: $*" >&2; exit 1; }
missing() {
	if [ "${CI:-}" = true ]; then fail "$* (CI: tools/bootstrap.sh --test installs nodejs and npm)"; fi
	echo "xapi_lrs.sh: skipped: $*"
	exit 77
}
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing "node and npm are not installed"
"$root/tests/lrs/install.sh" || missing "tests/lrs/install.sh could not install the LRS from the npm registry"

tmp=$(mktemp -d)
lrs_pid=
cleanup() {
	[ -n "$lrs_pid" ] && kill "$lrs_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export XDG_STATE_HOME="$tmp/state"
unset SCRUB_SERVER SCRUB_TOKEN SCRUB_LRS SCRUB_LRS_USER SCRUB_LRS_PASSWORD SCRUB_XAPI_HOMEPAGE SCRUB_XAPI_BASE
queue="$XDG_STATE_HOME/scrub/xapi"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
lrs="http://127.0.0.1:$port/xAPI/"
get() { curl -sf -u scrub:s3cret -H 'X-Experience-API-Version: 1.0.3' "$lrs$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# 1. Sessions: one per bundled scenario (its scripted trainee), a failed one, and one cut short.
n=0
for f in "$root"/scenarios/*.yaml; do
	n=$((n + 1))
	"$scrub" run --headless "$f" --out "$tmp/run$n" --quiet --trainee "trainee \"$n\"" >/dev/null 2>&1 || fail "$f did not run"
done
"$scrub" run --headless "$root/scenarios/bls_aed_adult.yaml" --model-run "no compressions" --out "$tmp/failed" \
	--quiet --trainee "Zoë O'Brien" >/dev/null
grep -q '"passed": false' "$tmp/failed/report.json" || fail "the failing model run passed"
mkdir "$tmp/short"
grep -v '"type":"end"' "$tmp/failed/session.jsonl" | head -n 200 >"$tmp/short/session.jsonl"
for d in "$tmp"/run* "$tmp/failed" "$tmp/short"; do
	"$scrub" xapi statements "$d/session.jsonl" >"$d/statements.json" || fail "scrub xapi statements $d"
done
node "$root/tests/lrs/validate.js" "$tmp"/*/statements.json || fail "statements do not validate"
verbs() { json "' '.join(s['verb']['id'].rsplit('/',1)[1] for s in d[:3])" <"$1"; }
case "$(verbs "$tmp/run1/statements.json")" in "attempted completed passed") ;; *) fail "run1's verbs: $(verbs "$tmp/run1/statements.json")";; esac
case "$(verbs "$tmp/failed/statements.json")" in "attempted completed failed") ;; *) fail "failed's verbs: $(verbs "$tmp/failed/statements.json")";; esac
[ "$(json "d[0]['result']['completion'], d[1]['verb']['id'].endswith('attempted')" <"$tmp/short/statements.json")" = "False False" ] ||
	fail "a session cut short should say only 'attempted', not completed"
"$scrub" xapi statements "$tmp/failed/session.jsonl" | cmp -s - "$tmp/failed/statements.json" || fail "statements are not deterministic"

# 2. The LRS is down: statements wait in the queue.
set +e
"$scrub" xapi send "$tmp/failed/session.jsonl" --lrs "$lrs" --user scrub --password s3cret --tries 2 --backoff 0.05 \
	>"$tmp/down.out" 2>"$tmp/down.err"
rc=$?
set -e
[ $rc = 3 ] || fail "sending to an LRS that is down: exit $rc, expected 3"
want=$(json "len(d)" <"$tmp/failed/statements.json")
[ "$(ls "$queue" | grep -c '\.json$')" = "$want" ] || fail "the queue should hold $want statements: $(ls "$queue" | head)"

# 3. The LRS is up: the queue empties and the LRS has every statement, as built.
node "$root/tests/lrs/lrs.js" "$port" scrub s3cret "$tmp" >"$tmp/lrs.log" 2>&1 &
lrs_pid=$!
i=0
until get about >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "the LRS did not start: $(cat "$tmp/lrs.log")"
	kill -0 $lrs_pid 2>/dev/null || fail "the LRS exited: $(cat "$tmp/lrs.log")"
	sleep 0.1
done
SCRUB_LRS=$lrs SCRUB_LRS_USER=scrub SCRUB_LRS_PASSWORD=s3cret "$scrub" xapi send --quiet >"$tmp/up.out" ||
	fail "sending the queue: $(cat "$tmp/up.out")"
grep -q "$want sent to" "$tmp/up.out" || fail "sending the queue: $(cat "$tmp/up.out")"
[ "$(ls "$queue" | grep -c '\.json$')" = 0 ] || fail "the queue did not empty"
reg=$(json "d[0]['context']['registration']" <"$tmp/failed/statements.json")
[ "$(get "statements?registration=$reg&limit=500" | json "len(d['statements'])")" = "$want" ] ||
	fail "the LRS does not have the $want statements of the registration"
id=$(json "d[2]['id']" <"$tmp/failed/statements.json")
get "statements?statementId=$id" >"$tmp/one.json" || fail "GET statement $id"
python3 - "$tmp/one.json" "$tmp/failed/statements.json" <<'PY' || fail "the stored statement differs from the one sent"
import json, sys
got = json.load(open(sys.argv[1]))
sent = [s for s in json.load(open(sys.argv[2])) if s['id'] == got['id']][0]
for k in ('actor', 'verb', 'result', 'context', 'timestamp'):
    a, b = got[k], sent[k]
    if k == 'actor':
        a = {x: a[x] for x in ('account', 'name')}
        b = {x: b[x] for x in ('account', 'name')}
    if k == 'timestamp':
        a, b = a.replace('Z', ''), b.replace('Z', '')
    assert a == b, (k, a, b)
assert got['object']['id'] == sent['object']['id']
assert got['actor']['name'] == "Zoë O'Brien", got['actor']
PY

# 4. Sending the same record again, and more sessions: no statement is stored twice.
"$scrub" xapi send "$tmp/failed/session.jsonl" "$tmp/run1/session.jsonl" "$tmp/short/session.jsonl" --lrs "$lrs" \
	--user scrub --password s3cret --quiet >/dev/null || fail "sending again"
total=0
for d in failed run1 short; do total=$((total + $(json "len(d)" <"$tmp/$d/statements.json"))); done
[ "$(get "statements?limit=1000" | json "len(d['statements'])")" = "$total" ] || fail "the LRS should hold $total statements"

# 5. Wrong credentials: refused, nothing lost (exit 3, the statements stay queued).
set +e
"$scrub" xapi send "$tmp/run2/session.jsonl" --lrs "$lrs" --user scrub --password wrong --tries 2 --backoff 0.05 \
	>/dev/null 2>"$tmp/auth.err"
rc=$?
set -e
[ $rc = 3 ] || fail "wrong credentials: exit $rc, expected 3"
grep -q "401" "$tmp/auth.err" || fail "wrong credentials: $(cat "$tmp/auth.err")"
[ "$(ls "$queue" | grep -c '\.json$')" = "$(json "len(d)" <"$tmp/run2/statements.json")" ] || fail "refused statements left the queue"
# 6. A school's server: the queue in the records store (SQLite). Queued from the store's sessions and sent; queuing
#    and sending again changes nothing.
db="$tmp/records.db"
"$scrub" import --store "$db" "$tmp/run3" "$tmp/run4" >/dev/null || fail "scrub import"
"$scrub" xapi send --store "$db" --all --lrs "$lrs" --user scrub --password s3cret --quiet >"$tmp/store.out" ||
	fail "sending the store's queue: $(cat "$tmp/store.out")"
stored=$(( $(json "len(d)" <"$tmp/run3/statements.json") + $(json "len(d)" <"$tmp/run4/statements.json") ))
grep -q "^scrub xapi: $stored sent to" "$tmp/store.out" || fail "the store's queue: $(cat "$tmp/store.out"), expected $stored sent"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM xapi_queue WHERE done = 1')" = "$stored" ] || fail "the store's queue is not all done"
"$scrub" xapi send --store "$db" --all --lrs "$lrs" --user scrub --password s3cret --quiet >"$tmp/store2.out" ||
	fail "sending the store's queue again"
grep -q "^scrub xapi: 0 sent to" "$tmp/store2.out" || fail "queuing the store again sent something: $(cat "$tmp/store2.out")"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM xapi_queue')" = "$stored" ] || fail "queuing the store again added statements"
total=$((total + stored))
[ "$(get "statements?limit=1000" | json "len(d['statements'])")" = "$total" ] || fail "the LRS should hold $total statements"

echo "xapi_lrs ok: $(cat "$tmp"/*/statements.json | grep -c '"id"') statements validated, $total stored once"
