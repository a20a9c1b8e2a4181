#!/bin/sh
# Golden test for a scenario file: runs `scrub validate FILE` from the source root and compares
# everything it prints, and its exit status, with FILE's .expected twin.
# SCRUB_UPDATE_GOLDEN=1 rewrites the .expected file instead (review the diff before committing).
set -u
scrub=$1
src_root=$2
file=$3
expected="${file%.yaml}.expected"
cd "$src_root" || exit 1
actual=$("$scrub" validate "$file" 2>&1; echo "exit status: $?")
if [ "${SCRUB_UPDATE_GOLDEN:-0}" = 1 ]; then
	printf '%s\n' "$actual" > "$expected"
	echo "updated $expected"
	exit 0
fi
if [ ! -f "$expected" ]; then
	echo "missing $expected (run with SCRUB_UPDATE_GOLDEN=1 to create it)"
	printf '%s\n' "$actual"
	exit 1
fi
if printf '%s\n' "$actual" | diff -u "$expected" - ; then
	exit 0
fi
echo "FAIL: the output of 'scrub validate $file' differs from $expected"
exit 1
