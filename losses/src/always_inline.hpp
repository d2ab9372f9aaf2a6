// Internal: ST_ALWAYS_INLINE marks helpers that the per-ISA kernels
// (losses/src/isa/) call. They must be compiled into each caller and never
// emitted on their own: an out-of-line copy built for x86-64-v3 could be the
// copy the linker keeps for the portable build too (render/cmake/isa.cmake).
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define ST_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ST_ALWAYS_INLINE inline
#endif
