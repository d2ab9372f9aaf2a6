#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, ASan and UBSan into
# ./build-fuzz and runs each one for a fixed time, starting from a copy of its
# seed corpus (tests/fuzz/corpus/<target>/).
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]    (default: 30, every target)
#
# Exits 1 when any target finds a crash, leak, timeout or oracle failure,
# naming the target and its reproducer (build-fuzz/findings/<target>/); to
# replay one: build-fuzz/tests/fuzz/<target> <reproducer>. Skips (exit 0)
# when clang with libFuzzer is missing: scripts/setup.sh installs it.
# FUZZ_JOBS targets run side by side (default: the number of cores, at most 2).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]" >&2; exit 2; }
cores="$(nproc)"
jobs="${FUZZ_JOBS:-$(( cores < 2 ? cores : 2 ))}"

source scripts/sanitizer_build.sh
sanitizer_build_configure fuzz || exit 0
cmake --build "$build" --target fuzz_targets --parallel "$cores" >"$build/fuzz-build.log" 2>&1 ||
  { tail -n 40 "$build/fuzz-build.log"; echo "fuzz: build failed (log: $build/fuzz-build.log)"; exit 1; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
runs="$build/fuzz-run"
mkdir -p "$runs" "$build/findings"

# One target: a fresh copy of its seeds, the dictionary when there is one.
run_target() {
  local t="$1" dir="$runs/$1"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$build/findings/$t"
  [ -d "tests/fuzz/corpus/$t" ] && cp -r "tests/fuzz/corpus/$t/." "$dir/corpus/"
  local args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
              -artifact_prefix="$build/findings/$t/")
  [ -f "tests/fuzz/$t.dict" ] && args+=(-dict="tests/fuzz/$t.dict")
  local rc=0
  # Formats whose declared size splattrack does not read itself (WebP, EXR,
  # ...): OpenCV's own cap, lowered so that a crafted header cannot reach the
  # 2 GB limit. OpenCV reads it when it loads, so it must be in the
  # environment, not set by the target.
  OPENCV_IO_MAX_IMAGE_PIXELS=4194304 timeout -k 10 "$(( seconds + 120 ))" "$build/tests/fuzz/$t" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
  echo "$rc" >"$dir/rc"
}

echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $jobs at a time"
for t in "${targets[@]}"; do
  [ -x "$build/tests/fuzz/$t" ] || { echo "fuzz: no target $t" >&2; exit 2; }
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait

failed=0
for t in "${targets[@]}"; do
  dir="$runs/$t"
  rc="$(cat "$dir/rc" 2>/dev/null || echo 1)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)"
  if [ "$rc" = 0 ]; then
    echo "fuzz: ok    $t (${execs:-?} inputs)"
    continue
  fi
  failed=1
  pattern='ORACLE FAILURE|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|ERROR: libFuzzer|runtime error:|SUMMARY:'
  what="$(grep -m1 -E "$pattern" "$dir/log" || true)"
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && what="${what:-the run itself hung (killed after $(( seconds + 120 )) s)}"
  artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$dir/log" | tail -n 1)"
  echo "fuzz: FAIL  $t (exit $rc): ${what:-see the log}"
  echo "      reproducer: ${artifact:-none written}   log: $dir/log"
  [ -n "$artifact" ] && echo "      replay:     $build/tests/fuzz/$t $artifact"
done
exit "$failed"
