#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
# Every loader under libFuzzer for a fixed 30 s each (scripts/fuzz.sh; longer runs: see the README).
bash scripts/fuzz.sh 30
