#!/bin/sh
# Installs the real xAPI implementations the xAPI tests run against, from the npm registry, into
# tests/lrs/node_modules (git-ignored): Learning Locker's statements service (xapi-statements, an LRS that runs with
# its in-memory repository: no MongoDB or Redis needed) and its validator (xapi-validation). Needs node and npm
# (Debian: nodejs npm, tools/bootstrap.sh --test). Fast when already installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if [ -f node_modules/xapi-statements/package.json ] && [ -f node_modules/xapi-validation/package.json ] &&
	[ node_modules/.scrub-installed -nt package.json ]; then
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install.sh: npm is missing (Debian: apt-get install nodejs npm)" >&2; exit 3; }
# no lock file is kept: package.json pins the two packages' versions
npm install --no-audit --no-fund --no-package-lock --omit=dev --loglevel=error >&2
touch node_modules/.scrub-installed
