// The one switch that lets a formula serve both back ends: under nvcc the
// shared math is compiled for host and device, everywhere else it is plain C++.
#pragma once

#if defined(__CUDACC__)
#define ST_HD __host__ __device__
#else
#define ST_HD
#endif

// In the per-instruction-set kernel builds (render/cmake/isa.cmake defines
// ST_ISA) the shared formulas are compiled into each kernel and never
// emitted on their own: an out-of-line copy built for x86-64-v3 could be
// the one the linker keeps for the portable build too. (GCC inlines them
// anyway; clang 14 keeps some out of line.)
#if defined(ST_ISA) && (defined(__GNUC__) || defined(__clang__))
#define ST_HDI ST_HD inline __attribute__((always_inline))
#else
#define ST_HDI ST_HD inline
#endif
