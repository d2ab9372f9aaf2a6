// The one switch that lets a formula serve both back ends: under nvcc the
// shared math is compiled for host and device, everywhere else it is plain C++.
#pragma once

#if defined(__CUDACC__)
#define ST_HD __host__ __device__
#else
#define ST_HD
#endif

#define ST_HDI ST_HD inline
