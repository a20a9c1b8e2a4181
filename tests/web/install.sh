#!/bin/sh
# Installs the browser tests' one npm package (playwright-core, which downloads no browser: the tests drive
# Debian's chromium) into tests/web/node_modules (git-ignored). Run by tools/quickstart.sh test and .ci/run;
# by hand: sh tests/web/install.sh
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/playwright-core/package.json ] &&
   [ "$(node -p "require('./node_modules/playwright-core/package.json').version")" = \
     "$(node -p "require('./package.json').dependencies['playwright-core']")" ]; then
	echo "tests/web: playwright-core present"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "tests/web: npm is missing (tools/bootstrap.sh --test installs it)" >&2; exit 1; }
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --no-package-lock --ignore-scripts
