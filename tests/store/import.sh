#!/bin/sh
# `scrub import` and `scrub run --store` as an admin uses them, on one back end:
#   import.sh SCRUB ROOT sqlite        stores in a temporary folder
#   import.sh SCRUB ROOT postgresql    under with_pg.sh: $SCRUB_TEST_PG_URL, and a second database made here;
#                                      the PostgreSQL store must also dump the same as an SQLite one
# The record set: every model run of three bundled scenarios (their reports are the golden ones). Checks: the
# summary line and exit status; importing again changes nothing; the same records imported in the reverse order
# give the same store; --rebuild gives the same store; invalid records are named (PATH:LINE:COL: error: ...)
# and do not stop the import; a record cut short comes in incomplete and is replaced by its whole copy.
set -u
scrub=$1; root=$2; kind=$3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

case $kind in
sqlite) A="sqlite:$tmp/a.db"; B="$tmp/b.db" ;;
postgresql)
	A=$SCRUB_TEST_PG_URL
	createdb scrub_b || { echo "FAIL: createdb"; exit 1; }
	B=$(printf '%s' "$SCRUB_TEST_PG_URL" | sed 's|///scrub?|///scrub_b?|') ;;
*) echo "usage: import.sh SCRUB ROOT sqlite|postgresql"; exit 2 ;;
esac

# the record set
n=0
for stem in bls_aed_adult opioid_overdose hypoglycaemia; do
	"$scrub" list runs "$root/scenarios/$stem.yaml" | cut -f1 > "$tmp/runs.txt" || bad "list runs $stem"
	i=0
	while IFS= read -r run; do
		i=$((i + 1)); n=$((n + 1))
		"$scrub" run --headless "$root/scenarios/$stem.yaml" --model-run "$run" --trainee "trainee-$((i % 4))" \
			--out "$tmp/recs/$stem/$i" --quiet >/dev/null || bad "scrub run $stem / $run"
	done < "$tmp/runs.txt"
done
[ "$n" -ge 40 ] || bad "only $n records made"

expect() { # expect STATUS "SUMMARY" COMMAND...
	want_status=$1; want=$2; shift 2
	out=$("$@" 2>"$tmp/err.txt"); st=$?
	[ "$st" = "$want_status" ] || { bad "$*: exit $st, expected $want_status"; cat "$tmp/err.txt"; }
	[ "$out" = "$want" ] || bad "$*: printed '$out', expected '$want'"
}
expect 0 "$n new, 0 same, 0 longer, 0 shorter, 0 invalid" "$scrub" import --store "$A" "$tmp/recs"
[ -s "$tmp/err.txt" ] && bad "import printed on stderr (not a terminal): $(cat "$tmp/err.txt")"
expect 0 "0 new, $n same, 0 longer, 0 shorter, 0 invalid" "$scrub" import --store "$A" "$tmp/recs"
"$scrub" import --store "$A" --dump > "$tmp/a.dump" || bad "dump a"
[ "$(grep -c '^session ' "$tmp/a.dump")" = "$n" ] || bad "the dump has not $n sessions"

# the same records, one by one in the reverse order, into another store
find "$tmp/recs" -name session.jsonl | sort -r > "$tmp/files.txt"
# shellcheck disable=SC2046
expect 0 "$n new, 0 same, 0 longer, 0 shorter, 0 invalid" "$scrub" import --store "$B" $(cat "$tmp/files.txt")
"$scrub" import --store "$B" --dump > "$tmp/b.dump" || bad "dump b"
cmp -s "$tmp/a.dump" "$tmp/b.dump" || { bad "the reverse import gives another store"; diff "$tmp/a.dump" "$tmp/b.dump" | head; }

# rebuilt from the records alone
expect 0 "$n sessions rebuilt from their records" "$scrub" import --store "$A" --rebuild
"$scrub" import --store "$A" --dump > "$tmp/a2.dump" || bad "dump a2"
cmp -s "$tmp/a.dump" "$tmp/a2.dump" || { bad "the rebuilt store differs"; diff "$tmp/a.dump" "$tmp/a2.dump" | head; }

if [ "$kind" = postgresql ]; then
	"$scrub" import --quiet --store "$tmp/sq.db" "$tmp/recs" || bad "sqlite import"
	"$scrub" import --store "$tmp/sq.db" --dump > "$tmp/sq.dump"
	cmp -s "$tmp/a.dump" "$tmp/sq.dump" || { bad "PostgreSQL and SQLite stores differ"; diff "$tmp/a.dump" "$tmp/sq.dump" | head; }
fi

# invalid records are named and do not stop the others; a cut-short record, then its whole copy
mkdir -p "$tmp/more/garbage" "$tmp/more/damaged" "$tmp/more/cut" "$tmp/more/new"
echo "not a record" > "$tmp/more/garbage/session.jsonl"
src="$tmp/recs/bls_aed_adult/1/session.jsonl"
{ head -n 1 "$src"; echo '{"type":"action","t":'; tail -n +2 "$src"; } > "$tmp/more/damaged/session.jsonl"
"$scrub" run --headless "$root/scenarios/bls_aed_adult.yaml" --trainee late --out "$tmp/whole" --quiet >/dev/null
size=$(wc -c < "$tmp/whole/session.jsonl")
head -c $((size / 2)) "$tmp/whole/session.jsonl" > "$tmp/more/cut/session.jsonl"
"$scrub" run --headless "$root/scenarios/opioid_overdose.yaml" --trainee new --out "$tmp/more/new" --quiet >/dev/null
expect 1 "2 new, 0 same, 0 longer, 0 shorter, 2 invalid" "$scrub" import --store "$A" "$tmp/more"
grep -qx "$tmp/more/garbage/session.jsonl:1:1: error: this is not a Scrub session record (expected a JSON line with \"type\":\"session\")" "$tmp/err.txt" \
	|| { bad "no message for the garbage record"; cat "$tmp/err.txt"; }
grep -q "^$tmp/more/damaged/session.jsonl:2:1: error: damaged line in the session record" "$tmp/err.txt" \
	|| { bad "no message for the damaged record"; cat "$tmp/err.txt"; }
"$scrub" import --store "$A" --dump | grep ' trainee late ' | grep -q ' complete 0 ' || bad "the cut record is not incomplete"
expect 0 "0 new, 0 same, 1 longer, 0 shorter, 0 invalid" "$scrub" import --store "$A" "$tmp/whole"
"$scrub" import --store "$A" --dump | grep ' trainee late ' | grep -q ' complete 1 ' || bad "the whole record did not replace the cut one"
expect 0 "0 new, 0 same, 0 longer, 1 shorter, 0 invalid" "$scrub" import --store "$A" "$tmp/more/cut"

# scrub run --store, and SCRUB_STORE
"$scrub" run --headless "$root/scenarios/hypoglycaemia.yaml" --trainee runner --out "$tmp/run1" --quiet --store "$A" >/dev/null \
	|| bad "scrub run --store"
# (another trainee: two runs of one trainee in the same second are the same record, byte for byte, kept once)
SCRUB_STORE=$A "$scrub" run --headless "$root/scenarios/hypoglycaemia.yaml" --trainee runner2 --out "$tmp/run2" --quiet >/dev/null \
	|| bad "scrub run with SCRUB_STORE"
[ "$("$scrub" import --store "$A" --dump | grep -c ' trainee runner2\? ')" = 2 ] || bad "scrub run did not put its sessions"
expect 0 "0 new, 2 same, 0 longer, 0 shorter, 0 invalid" "$scrub" import --store "$A" "$tmp/run1" "$tmp/run2"

# usage errors
expect 2 "" "$scrub" import --store "$A"
expect 2 "" "$scrub" import --store "$A" --rebuild "$tmp/recs"
expect 1 "0 new, 0 same, 0 longer, 0 shorter, 1 invalid" "$scrub" import --store "$A" "$tmp/no-such-folder"

[ $fail = 0 ] && echo "ok: $kind, $n records"
exit $fail
