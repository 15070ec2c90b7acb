#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang + ASan/UBSan) and runs each one for a time budget
# over the committed seed corpus. `make test` runs it; a crash, a sanitizer report, a leak or a
# broken property fails the run and leaves the reproducer in build/fuzz/artifacts/.
#
#   FUZZ_SECONDS   seconds per target (default 20)
#   FUZZ_TARGETS   targets to run (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
TARGETS=${FUZZ_TARGETS:-"resp_parser rdb_payload rdb_file aof http_request"}
BUILD=build/fuzz
CXX=${FUZZ_CXX:-clang++-14}
JOBS=${JOBS:-$(nproc)}

export CCACHE_BASEDIR=$PWD
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S fuzz -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" >/dev/null
fi
cmake --build "$BUILD" -j"$JOBS" >/dev/null

mkdir -p "$BUILD/artifacts"
export TMPDIR=${TMPDIR:-/tmp}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in $TARGETS; do
  # New units found in this run go to build/fuzz/corpus-$t (not into the committed seeds).
  mkdir -p "$BUILD/corpus-$t"
  log="$BUILD/fuzz-$t.log"
  if ! "$BUILD/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t-" \
      "$BUILD/corpus-$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    echo "fuzz: $t FAILED (log: $log)"
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20
    exit 1
  fi
  echo "fuzz: $t ok: $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$') runs in ${SECONDS_PER_TARGET}s, $(grep -Eo 'cov: [0-9]+' "$log" | tail -1)"
done
