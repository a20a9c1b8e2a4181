#!/bin/sh
# Installs the Debian 12 packages Scrub needs, only those missing (fast when all are present).
#   tools/bootstrap.sh          what building and running needs
#   tools/bootstrap.sh --test   also what the test suite needs (clang for the fuzzer, Xvfb...)
# Run as root (or with sudo available).
set -eu

run_pkgs="gcc g++ meson ninja-build pkg-config python3 libcurl4-openssl-dev
libfyaml-dev libmd-dev libbullet-dev
libvulkan-dev mesa-vulkan-drivers glslc libglfw3-dev libcglm-dev libstb-dev fonts-dejavu-core
libopenxr-dev libopenxr-loader1
libsqlite3-dev libpq-dev libcivetweb-dev libsodium-dev"
test_pkgs="clang libclang-rt-14-dev vulkan-validationlayers xvfb xauth libopenxr-utils python3-jsonschema python3-yaml
postgresql sqlite3 chromium nodejs npm curl"

pkgs=$run_pkgs
[ "${1:-}" = "--test" ] && pkgs="$pkgs $test_pkgs"

missing=""
for p in $pkgs; do
	# Node.js from another source (NodeSource's nodejs bundles npm and conflicts with Debian's npm package):
	# node and npm on the PATH are enough.
	case "$p" in
	nodejs) command -v node >/dev/null 2>&1 && continue;;
	npm) command -v npm >/dev/null 2>&1 && continue;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "bootstrap: all packages present"
	exit 0
fi
echo "bootstrap: installing$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "bootstrap: run as root (or install sudo) to install:$missing" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
