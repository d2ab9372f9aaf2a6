// Helpers of the .cu files only (CUDA types allowed here).
#pragma once

#include <cuda_runtime.h>

#include "device.hpp"
#include "layout.hpp"

namespace splattrack::cuda {

inline constexpr int kThreads = 256;  // per block of the per-Gaussian kernels

inline unsigned blocks_for(long long n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

// Throws std::runtime_error "<what>: <CUDA's error string>" unless e is cudaSuccess.
void check(cudaError_t e, const char* what);

inline cudaStream_t as_stream(void* s) { return static_cast<cudaStream_t>(s); }

__host__ __device__ inline int sh_coeffs(int degree) { return (degree + 1) * (degree + 1); }

// Gaussian i of the model as the shared math takes it.
__device__ inline gs::GaussianIn<float> gaussian_at(const ModelArrays& m, int i) {
  const int k3 = 3 * sh_coeffs(m.sh_degree);
  return {{m.means[3 * i], m.means[3 * i + 1], m.means[3 * i + 2]},
          {m.quats[4 * i], m.quats[4 * i + 1], m.quats[4 * i + 2], m.quats[4 * i + 3]},
          {m.log_scales[3 * i], m.log_scales[3 * i + 1], m.log_scales[3 * i + 2]},
          m.opacity_logits[i],
          m.sh + static_cast<long long>(i) * k3,
          m.sh_degree};
}

}  // namespace splattrack::cuda
