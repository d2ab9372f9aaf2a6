// Gaussian-parallel passes over the model, eight Gaussians per SIMD vector:
// projection to splats (forward) and the per-Gaussian backward.
#pragma once

#include <cstddef>

#include "raster.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/gaussian_math.hpp"

namespace splattrack::cpu {

// Gaussians per task of the Gaussian-parallel loops: a multiple of the SIMD
// width, so that lanes group the same way for any thread count.
inline constexpr int kGaussiansPerTask = 1024;

// The passes themselves are in kernels.hpp:
// project_gaussians projects Gaussians [begin, end) into out (depth key
// kCulledKey where a Gaussian is culled or reaches no pixel);
// backpropagate_gaussians, for Gaussians [begin, end), sums each one's
// slots in order and carries the sum back to the model parameters, writing
// grads at [begin, end); appearance = false leaves log_scales,
// opacity_logits and sh at zero; project_tangents writes, for Gaussians
// [begin, end) not culled (rank_of >= 0), out[i count + k]: the tangent of
// their blending inputs along tangents[k], k < count, and with opacity_out
// (antialiased models) their opacities' at opacity_out[i count + k].
struct SlotSums {
  const int* rank_of;       // [N] depth rank, -1 if culled
  const int* slot_offsets;  // [S + 1] slots of rank s
  const SplatGrad* slots;   // [E]
};

}  // namespace splattrack::cpu
