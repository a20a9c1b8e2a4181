#!/bin/sh
# Runs a command against a real PostgreSQL server of its own: initdb in a temporary folder, the server on a unix
# socket in that folder (no TCP port), a database `scrub`; the command gets its URL in SCRUB_TEST_PG_URL. The
# server is stopped and the folder removed at the end, whatever happens.
#   usage: with_pg.sh COMMAND [ARGS...]
# initdb refuses to run as root: as root (CI), the server runs as the unprivileged user `postgres` (made by
# Debian's postgresql package) through runuser, in a folder that user owns.
# Without the PostgreSQL binaries: fails under CI (CI=true), skips (exit 77) otherwise.
# PG_FSYNC=on keeps fsync on (benchmarks); tests run with it off.
set -u
bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
	for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir=$d; done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
	echo "with_pg.sh: no PostgreSQL server binaries (initdb, pg_ctl: Debian package postgresql)" >&2
	[ "${CI:-}" = "true" ] && exit 1
	exit 77
fi
dir=$(mktemp -d /tmp/scrub-pg-XXXXXX) || exit 1
as=""
if [ "$(id -u)" = 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "with_pg.sh: running as root and there is no user 'postgres' to run the server as" >&2
		rm -rf "$dir"; exit 1
	fi
	chown postgres "$dir"
	as="runuser -u postgres --"
fi
stop() {
	$as "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fsync=off
[ "${PG_FSYNC:-off}" = on ] && fsync=on
if ! $as "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
	echo "with_pg.sh: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1
fi
if ! $as "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" \
	-o "-k $dir -c listen_addresses= -c fsync=$fsync -c max_connections=20" start >/dev/null 2>&1; then
	echo "with_pg.sh: the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
fi
if ! "$bindir/createdb" -h "$dir" -U postgres scrub >"$dir/createdb.log" 2>&1; then
	echo "with_pg.sh: createdb failed:" >&2; cat "$dir/createdb.log" >&2; exit 1
fi
export SCRUB_TEST_PG_URL="postgresql:///scrub?host=$dir&user=postgres"
export PGHOST="$dir" PGUSER=postgres PGDATABASE=scrub
"$@"
status=$?
exit $status
