// CPU tile kernels: blending of the depth-sorted splats of one 16x16 tile
// (forward) and its exact backward to per-entry splat gradients.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "splattrack/render/blend.hpp"

namespace splattrack::cpu {

// A splat as the pixel loop reads it.
using TileSplat = gs::ScreenSplat;

// Tiles are 16 x 16 pixels in 4 x 8 SIMD batches of 4 x 2 pixels.
inline constexpr int kBlockW = 4, kBlockH = 2;
inline constexpr int kBlocksX = gs::kTileSize / kBlockW, kBlocksY = gs::kTileSize / kBlockH;
inline constexpr int kBatches = kBlocksX * kBlocksY;
static_assert(kBlocksX == 4 && kBatches == 32, "batch masks are 32 bits, 4 per block row");
// Batch lists are padded to a multiple of this (see isa/raster.cpp).
inline constexpr int kBatchUnroll = 4;

// What projection writes for each Gaussian i of the model.
using gs::kCulledKey;
struct ProjectedSplats {
  std::uint32_t* depth_keys;   // [N] depth bits in unsigned order, kCulledKey if culled
  gs::PixelRect<int>* rects;   // [N] pixels it is blended at (gs::splat_pixel_rect)
  TileSplat* splats;           // [N]
  float* reach;                // [N] gs::alpha_reach
};

// One (splat, tile) pair. Each tile's entries are its splats front to back,
// then one transparent entry (gaussian -1) that pads the batch lists.
struct TileEntry {
  int gaussian;           // model index of the splat
  std::uint32_t batches;  // bit b: the splat's rectangle covers batch b
  int slot;               // where the backward writes its gradient
};

// The batches (blocks bx0..bx1, by0..by1) of the tile at (x0, y0) that a
// rectangle overlapping that tile covers.
struct BlockSpan {
  int bx0, bx1, by0, by1;
};

inline BlockSpan block_span(const gs::PixelRect<int>& rect, int x0, int y0) {
  constexpr int last = gs::kTileSize - 1;
  return {std::max(rect.x0 - x0, 0) / kBlockW, std::min(rect.x1 - x0, last) / kBlockW,
          std::max(rect.y0 - y0, 0) / kBlockH, std::min(rect.y1 - y0, last) / kBlockH};
}

inline int batch_count(const BlockSpan& s) { return (s.bx1 - s.bx0 + 1) * (s.by1 - s.by0 + 1); }

// Bit by * 4 + bx for every block of the span.
inline std::uint32_t batch_mask(const BlockSpan& s) {
  std::uint32_t rows = (2u << s.by1) - (1u << s.by0);  // bit by, spread to bit 4 by:
  rows = (rows | rows << 12) & 0x000F000Fu;
  rows = (rows | rows << 6) & 0x03030303u;
  rows = (rows | rows << 3) & 0x11111111u;
  return rows * ((2u << s.bx1) - (1u << s.bx0));  // columns < 16: no carries
}

// The tile kernels (kernels.hpp) also include build_batch_lists: for the tile
// at (x0, y0) with entries [begin, end), it copies each entry's splat (from
// splats [N], by model index) to tile_splats[entry], narrows its batch mask
// to the blocks whose pixels may reach alpha 1/255 (gs::splat_row_span, so
// exact), and sorts the (entry, batch) pairs by batch, front to back within
// each batch: batch b walks items[offsets[b] .. offsets[b + 1]), padded
// with the tile's transparent entry to a multiple of kBatchUnroll.
// offsets[0] = first; items needs room for sum of popcount(batches) +
// kBatches * (kBatchUnroll - 1).

// What every tile kernel reads.
struct RasterInput {
  const TileEntry* entries;     // [E] by tile
  const TileSplat* splats;      // [E] the splat of each entry
  const int* tile_offsets;      // [tiles + 1] into entries
  const int* batch_offsets;   // [tiles * (kBatches + 1)] into items
  const int* items;           // entry indices
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
using SplatGrad = gs::ScreenSplatGrad;

struct BackwardInput {
  const float* rgb;            // [H, W, 3] forward output
  const float* transmittance;  // [H, W]
  const float* dl_drgb;        // [H, W, 3] or null
  const float* dl_dalpha;      // [H, W] or null
};

// Forward-mode products (RenderPass::jvp): up to kMaxTangentsPerPass
// directions per walk over a tile's splats.
inline constexpr int kMaxTangentsPerPass = gs::kMaxTangentsPerWalk;
// One splat's tangent along one direction as the walk reads it: gs::
// SplatTangent but its opacity's, which only antialiased models have and
// which is kept apart (TangentPass::opacity), so that the classic walk
// reads 32 bytes a splat and direction.
struct SplatTangent {
  gs::Vec2f mean2d;
  gs::Sym2f conic;
  gs::Vec3f color;
};
static_assert(sizeof(SplatTangent) == 32);

struct TangentPass {
  const SplatTangent* splats;  // [N, stride] by model index: direction k at [i stride + k]
  int stride;
  int count;  // directions, <= kMaxTangentsPerPass
  const float* opacity;  // [N, stride] like splats: their opacities' tangents; null without (classic render)
  float* rgb[kMaxTangentsPerPass] = {};    // [H, W, 3] each
  float* alpha[kMaxTangentsPerPass] = {};  // [H, W] each
};

// The tile kernels (kernels.hpp): rasterize_tile_forward writes the tile's
// pixels; rasterize_tile_backward writes one SplatGrad per entry of the tile
// (zero for entries no pixel reached) at slots[entry.slot], using scratch,
// a per-thread buffer whose capacity holds the tile's entries (so that it
// never allocates); appearance = false
// leaves the opacity and colour parts at zero (and saves their work);
// rasterize_tile_tangent writes the tile's pixels of the pass's tangent
// images.

}  // namespace splattrack::cpu
