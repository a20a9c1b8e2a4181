#!/bin/sh
# The layers of docs/architecture.md that include paths alone cannot enforce (system headers are always on the
# path): GLFW only in engine/desktop, OpenXR only in engine/xr and tools/simxr, Vulkan never in sim/ or app code
# outside the renderer's own interface, SQLite and libpq each in its back end of the records store alone, libcurl
# only in app/net, and sim_session_step called from the host alone; the shared Vulkan setup (engine/vk) sees base
# and Vulkan only, and tools/simxr sees base and engine/vk, never the renderer.
set -eu
root=$1
cd "$root"
fail=0
bad() { echo "layering: $*"; fail=1; }
for f in $(git ls-files '*.c' '*.h' '*.cpp' 2>/dev/null || find . -name '*.[ch]' -o -name '*.cpp'); do
	case "$f" in
	engine/desktop/*) ;;
	*) grep -q '#include <GLFW/' "$f" && bad "$f includes GLFW (only engine/desktop may)";;
	esac
	case "$f" in
	engine/xr/*|tools/simxr/*|tests/xr/*) ;;
	*) grep -q '#include <openxr/' "$f" && bad "$f includes OpenXR (only engine/xr and tools/simxr may)";;
	esac
	case "$f" in
	sim/*) grep -q '#include <vulkan/\|#include <GLFW/\|#include <openxr/' "$f" && bad "$f: sim/ is headless";;
	esac
	case "$f" in
	app/store/store_sqlite.c) ;;
	*) grep -q '#include <sqlite3.h>' "$f" && bad "$f includes SQLite (only app/store/store_sqlite.c may)";;
	esac
	case "$f" in
	app/store/store_pg.c) ;;
	*) grep -q '#include <libpq-fe.h>' "$f" && bad "$f includes libpq (only app/store/store_pg.c may)";;
	esac
	case "$f" in
	app/serve/*) ;;
	*) grep -q '#include <civetweb.h>' "$f" && bad "$f includes civetweb (only app/serve may: the HTTP server)";;
	esac
	case "$f" in
	app/net/*) ;;
	*) grep -q '#include <curl/' "$f" && bad "$f includes libcurl (only app/net sends over the network)";;
	esac
	case "$f" in
	engine/vk/*|tools/simxr/*)
		grep -q '#include "scrub_render\|#include "scrub_desktop\|#include "scrub_xr\|#include "scrub_body' "$f" &&
			bad "$f includes the engine (engine/vk and tools/simxr see base and engine/vk only)";;
	esac
	case "$f" in
	engine/vk/*) grep -q '#include <openxr/\|#include <GLFW/' "$f" && bad "$f: engine/vk is Vulkan alone";;
	esac
	case "$f" in
	sim/host.c|sim/session.c|sim/session.h) ;;
	*) grep -q 'sim_session_step(' "$f" && bad "$f steps a session itself (only the host may: sim/host.h)";;
	esac
done
[ $fail = 0 ] && echo "layering ok"
exit $fail
