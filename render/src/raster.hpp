// CPU tile kernels: blending of the depth-sorted splats of one 16x16 tile
// (forward) and its exact backward to per-entry splat gradients.
#pragma once

#include <cstdint>
#include <vector>

#include "splattrack/render/blend.hpp"

namespace splattrack::cpu {

// One projected Gaussian as the kernels read it, stored in depth order.
struct alignas(64) Splat {
  gs::Vec2f mean2d;
  gs::Sym2f conic;
  float opacity;
  gs::Vec3f color;
  float depth;
  gs::PixelRect rect;  // pixels it is blended at (gs::splat_pixel_rect)
  int index;           // in the model
};

// What every tile kernel reads.
struct RasterInput {
  const Splat* splats;        // [S] depth order
  const int* tile_offsets;    // [tiles + 1] into tile_entries
  const int* tile_entries;    // [E] splat ranks, front to back per tile
  int width, height, tiles_x;
  gs::Vec3f background;
};

struct ForwardOutput {
  float* rgb;             // [H, W, 3]
  float* alpha;           // [H, W]
  float* depth;           // [H, W]
  float* transmittance;   // [H, W] final T, kept for the backward
};

// dL w.r.t. a splat's blending inputs, summed over the pixels of one tile.
struct SplatGrad {
  float mean_x, mean_y;
  float conic_a, conic_b, conic_c;
  float opacity;
  float r, g, b;
};

struct BackwardInput {
  const float* rgb;            // [H, W, 3] forward output
  const float* transmittance;  // [H, W]
  const float* dl_drgb;        // [H, W, 3] or null
  const float* dl_dalpha;      // [H, W] or null
  // Slot of splat s in tile (tx, ty): slot_offsets[s] + its row-major index
  // among the tiles of its rectangle.
  const int* slot_offsets;  // [S + 1]
};

// A splat as the pixel loop reads it.
struct TileSplat {
  gs::Vec2f mean2d;
  gs::Sym2f conic;
  float opacity;
  gs::Vec3f color;
  float depth;
};

// Per-thread scratch of the tile kernels, kept across tiles and frames so
// that the hot path does not allocate once it has grown.
struct TileScratch {
  std::vector<TileSplat> splats;  // [n] the tile's splats, front to back
  std::vector<int> ranks;         // [n] their depth ranks
  std::vector<std::uint32_t> masks;  // [n] bit b: the splat covers batch b
  std::vector<int> batch_offsets;    // [batches + 1] into items
  std::vector<int> items;            // per batch, local splat indices front to back
  std::vector<SplatGrad> grads;      // [n] backward sums
};

void rasterize_tile_forward(const RasterInput& in, int tile, const ForwardOutput& out,
                            TileScratch& scratch);
// Writes one SplatGrad per entry of the tile (zero for entries no pixel
// reached), at the slots described in BackwardInput. appearance = false
// leaves the opacity and colour parts at zero (and saves their work).
void rasterize_tile_backward(const RasterInput& in, const BackwardInput& grad_in, int tile,
                             bool appearance, SplatGrad* slots, TileScratch& scratch);

}  // namespace splattrack::cpu
