#!/bin/sh
# The browser test of scrub serve (serve_browser.mjs): run.sh SCRUB SRCROOT.
# Needs node, Debian's chromium ($CHROMIUM or /usr/bin/chromium) and playwright-core in tests/web/node_modules
# (sh tests/web/install.sh). When one is missing it skips (exit 77), except in CI (CI=true), where it fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing=""
command -v node >/dev/null 2>&1 || missing="$missing node"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -f "$here/node_modules/playwright-core/package.json" ] || missing="$missing playwright-core(sh tests/web/install.sh)"
if [ -n "$missing" ]; then
	if [ "${CI:-}" = true ]; then
		echo "browser test: missing$missing (CI=true: this is a failure)" >&2
		exit 1
	fi
	echo "browser test: skipped, missing$missing"
	exit 77
fi
exec node "$here/serve_browser.mjs" "$@"
