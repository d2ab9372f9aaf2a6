// The buffers the CUDA stages pass each other, as plain structs (no CUDA
// types): what host code allocates (DeviceBuffer) and the launchers take.
#pragma once

#include <cstdint>

#include "splattrack/render/blend.hpp"
#include "splattrack/render/gaussian_math.hpp"

namespace splattrack::cuda {

using gs::kCulledKey;
inline constexpr int kMaxTangents = gs::kMaxTangentsPerWalk;

// A model's arrays on the device, GaussianModel's layout.
struct ModelArrays {
  const float* means;           // [N, 3]
  const float* quats;           // [N, 4] w x y z
  const float* log_scales;      // [N, 3]
  const float* opacity_logits;  // [N]
  const float* sh;              // [N, K, 3]
  int sh_degree;
  int count;                    // N
};

// dL w.r.t. the model's arrays, same layout.
struct ModelGradArrays {
  float* means;
  float* quats;
  float* log_scales;
  float* opacity_logits;
  float* sh;
};

// A splat as the pixel walk reads it (the CPU's TileSplat).
using Splat = gs::ScreenSplat;

// dL w.r.t. a splat's blending inputs, summed over its pixels.
using SplatGradSum = gs::ScreenSplatGrad;
inline constexpr int kSplatGradFields = 9;
static_assert(sizeof(SplatGradSum) == kSplatGradFields * sizeof(float), "summed field by field");

// One splat's tangent along one direction (gs::SplatTangent).
struct SplatTangent {
  gs::Vec2f mean2d;
  gs::Sym2f conic;
  gs::Vec3f color;
  float opacity;  // 0 for classic models
};

// What projection writes per Gaussian of the model.
struct Projected {
  Splat* splats;               // [N]
  std::uint32_t* depth_keys;   // [N] gs::depth_key, kCulledKey where culled
  gs::PixelRect<int>* rects;   // [N] pixels it is blended at (gs::splat_pixel_rect)
  int* tiles_touched;          // [N] tiles its rectangle covers, 0 where culled
};

// The tiles' depth-sorted lists, as the rasterize stages read them.
struct TileLists {
  const Splat* splats;       // [N] by model index
  const int* gaussians;      // [E] model index of each (tile, depth)-sorted entry
  const int* ranges;         // [tiles, 2] each tile's [begin, end) in gaussians
  int width, height, tiles_x, tiles_y;
  gs::Vec3f background;
};

}  // namespace splattrack::cuda
