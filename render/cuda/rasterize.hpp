// Launchers of the rasterize stages (rasterize_fwd.cu, rasterize_bwd.cu,
// rasterize_jvp.cu): one 16 x 16 block per tile, one thread per pixel,
// walking the tile's splats front to back with the shared one-pixel step
// (gs::pixel_evaluate / pixel_blend), as the CPU's lanes do.
#pragma once

#include "layout.hpp"

namespace splattrack::cuda {

struct Images {
  float* rgb;            // [H, W, 3]
  float* alpha;          // [H, W]
  float* depth;          // [H, W]
  float* transmittance;  // [H, W] final T, for the backward
};

void rasterize_fwd(const TileLists& lists, const Images& out, void* stream);

struct ImageGrads {
  const float* rgb;            // [H, W, 3] forward output
  const float* transmittance;  // [H, W]
  const float* dl_drgb;        // [H, W, 3] or null
  const float* dl_dalpha;      // [H, W] or null
};

// Adds each splat's gradient, summed over its pixels, to sums[model index]
// (zeroed by the caller): a warp's pixels summed in registers, then one
// atomic add per warp and field.
void rasterize_bwd(const TileLists& lists, const ImageGrads& grads, SplatGradSum* sums, void* stream);

struct TangentImages {
  const SplatTangent* splats;  // [N, count] project_jvp's
  int count;                   // <= kMaxTangents
  bool opacity;                // the opacities have tangents (antialiased models)
  float* rgb[kMaxTangents];    // [H, W, 3] each
  float* alpha[kMaxTangents];  // [H, W] each
};

void rasterize_jvp(const TileLists& lists, const TangentImages& out, void* stream);

}  // namespace splattrack::cuda
