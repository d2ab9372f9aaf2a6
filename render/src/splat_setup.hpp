// Everything before the tile kernels: projection of every Gaussian, the depth
// sort and the per-tile lists. Buffers live here so that they are reused from
// one frame to the next.
#pragma once

#include <cstdint>
#include <vector>

#include "raster.hpp"
#include "splattrack/render/execution.hpp"
#include "splattrack/render/gaussian_math.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack::cpu {

struct SplatFrame {
  int width = 0, height = 0, tiles_x = 0, tiles_y = 0;
  // Per Gaussian i of the model, from projection.
  std::vector<std::uint32_t> keys;         // [N] depth keys (sorted in place)
  std::vector<gs::PixelRect<int>> rects;   // [N]
  std::vector<TileSplat> splats;           // [N]
  std::vector<float> reach;                // [N] gs::alpha_reach
  // Depth order.
  std::size_t visible = 0;                 // S, the Gaussians not culled
  std::vector<int> order;                  // [N] model index by depth rank, culled last
  std::vector<int> rank_of;                // [N] depth rank of Gaussian i, -1 if culled
  std::vector<gs::PixelRect<int>> sorted_rects;  // [S] rects by rank
  std::vector<int> slot_offsets;           // [S + 1] gradient slots of rank s
  // Tiles.
  std::vector<int> tile_offsets;           // [tiles + 1] into entries
  std::vector<TileEntry> entries;          // [E] per tile: front to back, then transparent
  std::vector<TileSplat> tile_splats;      // [E] the splat of each entry
  std::vector<int> item_offsets;           // [tiles + 1] room for each tile's batch lists
  std::vector<int> batch_offsets;          // [tiles * (kBatches + 1)] into items
  std::vector<int> items;                  // batch lists (build_batch_lists)
  // Scratch.
  std::vector<std::uint32_t> keys_tmp;
  std::vector<int> order_tmp;
  std::vector<int> chunk_counts;           // [chunks, 2, tiles] see bin_tiles

  int tile_count() const { return tiles_x * tiles_y; }
};

// Projects, sorts and bins model for view into frame.
void build_splat_frame(const GaussianModel& model, const gs::View& view, int width, int height,
                       ExecutionContext& context, SplatFrame& frame);

// Builds the batch lists of one tile (kernels().build_batch_lists). Called
// right before the tile is rasterized, so that its splat copies are still in
// cache; the backward reuses them.
void build_tile_lists(SplatFrame& frame, int tile);

}  // namespace splattrack::cpu
