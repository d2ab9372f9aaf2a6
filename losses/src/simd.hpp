// Internal: function multiversioning for the hot loops. The build carries no
// -march flag, so the library runs on any x86-64 (or other) CPU; on x86-64
// GCC and clang emit each marked function twice, for x86-64-v3 (AVX2 + FMA)
// and the baseline, and pick one at load time. Marked functions must not use
// Eigen or other inline library code whose instances would differ per clone;
// helpers they call are ST_ALWAYS_INLINE so they are compiled into each clone.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define ST_MULTIVERSION __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define ST_MULTIVERSION
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ST_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ST_ALWAYS_INLINE inline
#endif
