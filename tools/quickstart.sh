#!/bin/sh
# The README's two commands.
#   tools/quickstart.sh run    install what is missing, build, run the bundled BLS scenario
#                              (a window when a display exists, else headless with the scripted
#                              trainee, printing the score)
#   tools/quickstart.sh test   install what is missing, build with AddressSanitizer and
#                              UndefinedBehaviorSanitizer, run the whole test suite and the fuzzer,
#                              and print "N passed, N failed"
set -eu
cd "$(dirname "$0")/.."
jobs=${SCRUB_JOBS:-$(nproc 2>/dev/null || echo 2)}

case "${1:-}" in
run)
	sh tools/bootstrap.sh
	[ -f build/build.ninja ] || meson setup build --buildtype=release
	ninja -C build -j "$jobs" scrub
	build/scrub run scenarios/bls_aed_adult.yaml
	;;
test)
	sh tools/bootstrap.sh --test
	# the browser test's npm package (playwright-core; it drives Debian's chromium) into tests/web/node_modules
	# (without network outside CI the browser test is skipped; in CI it fails)
	if ! sh tests/web/install.sh && [ "${CI:-}" = true ]; then
		exit 1
	fi
	werror=false
	[ "${CI:-}" = true ] && werror=true
	if [ ! -f build-test/build.ninja ]; then
		meson setup build-test -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=$werror
	fi
	ninja -C build-test -j "$jobs"
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
	status=0
	# AddressSanitizer makes the physics two to three times slower than a release build
	meson test -C build-test --print-errorlogs --num-processes "$jobs" --timeout-multiplier 3 || status=1
	# The scenario loader under libFuzzer, for a bounded time (60 s in CI).
	fuzz_s=${SCRUB_FUZZ_SECONDS:-20}
	[ "${CI:-}" = true ] && fuzz_s=${SCRUB_FUZZ_SECONDS:-60}
	fuzz_result=skipped
	if [ "$fuzz_s" -gt 0 ]; then
		if [ ! -f build-fuzz/build.ninja ]; then
			CC=clang CXX=clang++ meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
				-Dtests=true -Dwerror=$werror
		fi
		ninja -C build-fuzz -j "$jobs" tests/fuzz/fuzz_scenario tests/fuzz/fuzz_record tests/fuzz/fuzz_script \
			tests/fuzz/fuzz_live_msg
		fuzz_result=ok
		# the scenario loader for the whole time; session records, action scripts and live messages for half of it each
		half=$(( (fuzz_s + 1) / 2 ))
		for target in scenario:"$fuzz_s":8192:"tests/fuzz/corpus scenarios" \
		              record:"$half":32768:tests/fuzz/corpus_record \
		              script:"$half":8192:tests/fuzz/corpus_script \
		              live_msg:"$half":8192:tests/fuzz/corpus_live; do
			name=${target%%:*}; rest=${target#*:}; secs=${rest%%:*}; rest=${rest#*:}; maxlen=${rest%%:*}; seeds=${rest#*:}
			mkdir -p "build-fuzz/corpus_$name"
			# shellcheck disable=SC2086 # the seed folders are words
			if build-fuzz/tests/fuzz/fuzz_$name -max_total_time="$secs" -max_len="$maxlen" -timeout=10 \
				-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/$name-" "build-fuzz/corpus_$name" \
				$seeds > "build-fuzz/fuzz_$name.log" 2>&1; then
				:
			else
				fuzz_result=failed
				status=1
				tail -n 40 "build-fuzz/fuzz_$name.log"
			fi
			printf 'fuzz_%s: ' "$name"
			grep -E 'stat::number_of_executed_units' "build-fuzz/fuzz_$name.log" | tr '\n' ' ' || true
			echo
		done
		echo "fuzz: $fuzz_result after ${fuzz_s}s + 2 x ${half}s (logs: build-fuzz/fuzz_*.log)"
	fi
	python3 tools/test_summary.py build-test/meson-logs/testlog.json "$fuzz_result"
	exit $status
	;;
*)
	echo "usage: tools/quickstart.sh run|test" >&2
	exit 2
	;;
esac
