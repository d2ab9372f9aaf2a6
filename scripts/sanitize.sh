#!/usr/bin/env bash
# Builds the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (clang, ./build-fuzz, shared with scripts/fuzz.sh) and runs them.
#
#   bash scripts/sanitize.sh [LABEL_REGEX]     (a label is a test executable name)
#
# The default subset: the tests of the loaders and writers (io), the
# execution context, the renderer's forward, backward, forward-mode and
# passes, the spectral and spatial losses, the annealing, the pose maths and
# the tracker's steps, and (this build has no CUDA) the CUDA tests' no-device
# paths. Left out for time: the end-to-end tracking, basin and
# real-model tests, and the command-line tests (their binary is the plain
# build's). Skips (exit 0) when clang is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/sanitizer_build.sh
sanitizer_build_configure sanitize || exit 0

tests=(test_ply_io test_ply_errors test_splat_io test_camera_io test_pose_file test_poses_resume test_video test_overlay
       test_output_files test_eval test_pose test_execution test_render_pass test_render_forward
       test_render_backward test_render_jvp test_fft
       test_spectral test_spatial_losses test_annealing test_pose_gradient test_tracker_steps
       test_window test_foreground test_occlusion test_background test_mesh2gs test_texture_agreement test_pixel_refine
       test_agreement test_shift_match test_cuda_parity test_cuda_moments test_mesh_cao test_pose_from_points
       test_colour_from_view test_undistort)
existing=()
for t in "${tests[@]}"; do [ -f "tests/$t.cpp" ] && existing+=("$t"); done
labels="^($(IFS='|'; echo "${existing[*]}"))$"
cmake --build "$build" --target "${existing[@]}" --parallel "$(nproc)" >"$build/sanitize-build.log" 2>&1 ||
  { tail -n 40 "$build/sanitize-build.log"; echo "sanitize: build failed (log: $build/sanitize-build.log)"; exit 1; }
# The slow unwinder: allocations made inside libraries built without frame
# pointers still get the stacks the suppressions match on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:fast_unwind_on_malloc=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Each test carries its executable's name as a label (tests/CMakeLists.txt).
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)" --timeout 900 -L "${1:-$labels}"
