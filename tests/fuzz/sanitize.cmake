# Included from the top-level CMakeLists.txt when SPLATTRACK_FUZZ is on,
# before any library is defined: every project library is then compiled with
# AddressSanitizer, UndefinedBehaviorSanitizer (fatal) and libFuzzer's
# coverage instrumentation. The fuzz targets themselves (tests/fuzz/) add
# libFuzzer's main at link time.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "SPLATTRACK_FUZZ needs clang (libFuzzer), but the C++ compiler is ${CMAKE_CXX_COMPILER_ID} "
    "(${CMAKE_CXX_COMPILER}). Configure a separate build folder with clang, e.g.\n"
    "  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSPLATTRACK_FUZZ=ON "
    "-DSPLATTRACK_TESTS=OFF -DSPLATTRACK_CUDA=OFF\n"
    "or simply run scripts/fuzz.sh.")
endif()
if(SPLATTRACK_CUDA)
  message(STATUS "splattrack: SPLATTRACK_FUZZ turns CUDA off")
  set(SPLATTRACK_CUDA OFF)
endif()
set(SPLATTRACK_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_compile_options(${SPLATTRACK_SANITIZERS} -fsanitize=fuzzer-no-link)
add_link_options(-fsanitize=address,undefined)
