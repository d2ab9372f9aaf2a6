#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
# The buffer-indexing tests again under ASan + UBSan (clang), then every loader
# under libFuzzer for a fixed 30 s each (longer runs: see the README). Both use
# one sanitizer build, ./build-fuzz.
bash scripts/sanitize.sh
bash scripts/fuzz.sh 30
