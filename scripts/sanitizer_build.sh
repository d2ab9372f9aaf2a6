# Sourced by scripts/fuzz.sh and scripts/sanitize.sh: the one clang build with
# AddressSanitizer and UndefinedBehaviorSanitizer (./build-fuzz) that serves
# both the fuzz targets and the sanitized unit tests. Sets `build`; returns 1
# (after saying why) when clang with libFuzzer and the sanitizers is missing.
build=build-fuzz

sanitizer_build_configure() {
  local probe
  probe="$(mktemp -d)"
  echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cpp"
  if ! command -v clang++ >/dev/null ||
     ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
    rm -rf "$probe"
    echo "$1: skipped: clang++ with libFuzzer not found (scripts/setup.sh installs clang and libclang-rt-14-dev)"
    return 1
  fi
  rm -rf "$probe"
  # The generator and compiler only when the folder is new; the options every
  # time, so that a folder configured by an older script gets them too.
  local first=()
  if [ ! -f "$build/CMakeCache.txt" ]; then
    command -v ninja >/dev/null && first=(-G Ninja)
    first+=(-DCMAKE_CXX_COMPILER=clang++)
  fi
  cmake -S . -B "$build" "${first[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSPLATTRACK_FUZZ=ON -DSPLATTRACK_TESTS=ON -DSPLATTRACK_CUDA=OFF >/dev/null
}
