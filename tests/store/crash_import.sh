#!/bin/sh
# kill -9 of `scrub import` in the middle of many records, then the same import again: every record is in the
# store exactly once, with all its checklist items, and the store is sound (SQLite: PRAGMA integrity_check).
#   crash_import.sh SCRUB ROOT sqlite|postgresql     (postgresql: under with_pg.sh)
set -u
scrub=$1; root=$2; kind=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
N=${CRASH_RECORDS:-60}

case $kind in
sqlite) url="$tmp/records.db"; sql() { sqlite3 "$url" "$1"; } ;;
postgresql) url=$SCRUB_TEST_PG_URL; sql() { psql -X -A -t -q -c "$1"; } ;;
*) exit 2 ;;
esac

# N sessions: one record, each copy with its own trainee in the header (a valid record of a session of its own)
"$scrub" run --headless "$root/scenarios/opioid_overdose.yaml" --trainee model --out "$tmp/one" --quiet >/dev/null || exit 1
i=0
while [ $i -lt $N ]; do
	mkdir -p "$tmp/recs/$i"
	sed "1s/\"trainee\":\"model\"/\"trainee\":\"t$i\"/" "$tmp/one/session.jsonl" > "$tmp/recs/$i/session.jsonl"
	i=$((i + 1))
done

"$scrub" import --quiet --store "$url" "$tmp/recs" 2>"$tmp/err1.txt" &
pid=$!
# wait until some are in, then kill -9
k=0; have=0
while [ $k -lt 600 ]; do
	have=$(sql "SELECT COUNT(*) FROM sessions" 2>/dev/null || echo 0)
	[ "${have:-0}" -ge 8 ] && break
	sleep 0.05; k=$((k + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
st=$?
[ $st = 137 ] || bad "the import was not killed mid-way (exit $st, $have sessions in)"
before=$(sql "SELECT COUNT(*) FROM sessions")
[ "$before" -lt "$N" ] || bad "all $N sessions were in before the kill"

out=$("$scrub" import --store "$url" "$tmp/recs" 2>"$tmp/err2.txt"); st=$?
[ $st = 0 ] || { bad "the second import: exit $st"; cat "$tmp/err2.txt"; }
new=$(echo "$out" | sed -n 's/^\([0-9]*\) new, \([0-9]*\) same, 0 longer, 0 shorter, 0 invalid$/\1/p')
same=$(echo "$out" | sed -n 's/^\([0-9]*\) new, \([0-9]*\) same, 0 longer, 0 shorter, 0 invalid$/\2/p')
[ -n "$new" ] && [ $((new + same)) = "$N" ] && [ "$same" = "$before" ] || bad "second import: '$out' (before: $before)"
[ "$(sql "SELECT COUNT(*) FROM sessions")" = "$N" ] || bad "not $N sessions"
[ "$(sql "SELECT COUNT(DISTINCT trainee) FROM sessions")" = "$N" ] || bad "not $N distinct sessions"
per=$(sql "SELECT COUNT(*) FROM items WHERE session_id = (SELECT MIN(id) FROM sessions)")
[ "$per" -gt 0 ] && [ "$(sql "SELECT COUNT(*) FROM items")" = $((per * N)) ] || bad "items missing or doubled"
if [ "$kind" = sqlite ]; then
	[ "$(sql "PRAGMA integrity_check")" = ok ] || bad "integrity_check: $(sql "PRAGMA integrity_check")"
	[ -z "$(sql "PRAGMA foreign_key_check")" ] || bad "foreign_key_check"
fi
[ $fail = 0 ] && echo "ok: $kind: killed with $before of $N in, then all $N once"
exit $fail
