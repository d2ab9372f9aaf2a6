// Launchers of the projection stages (project_fwd.cu, project_bwd.cu,
// project_jvp.cu): per Gaussian, the shared math of gaussian_math.hpp.
#pragma once

#include "layout.hpp"

namespace splattrack::cuda {

// Every Gaussian projected through view into a width x height image.
void project_fwd(const ModelArrays& model, const gs::View& view, int width, int height, const Projected& out,
                 void* stream);

// dL/d(model) from the splats' summed gradients; culled Gaussians get zeros,
// and without `appearance` so do log_scales, opacity_logits and sh.
void project_bwd(const ModelArrays& model, const gs::View& view, const std::uint32_t* depth_keys,
                 const SplatGradSum* sums, bool appearance, const ModelGradArrays& out, void* stream);

// Directions of the model's means [N, 3] and quaternions [N, 4] (count <=
// kMaxTangents, device pointers).
struct ModelTangents {
  const float* means[kMaxTangents];
  const float* quats[kMaxTangents];
  int count;
};

// The splats' tangents along each direction: out[i * count + k]; culled
// Gaussians' are left as they are (never read).
void project_jvp(const ModelArrays& model, const gs::View& view, const std::uint32_t* depth_keys,
                 const ModelTangents& tangents, SplatTangent* out, void* stream);

}  // namespace splattrack::cuda
