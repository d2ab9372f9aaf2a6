// Everything before the tile kernels: projection of every Gaussian, the depth
// sort and the per-tile lists. Buffers live here so that they are reused from
// one frame to the next.
#pragma once

#include <cstdint>
#include <vector>

#include "raster.hpp"
#include "splattrack/render/gaussian_math.hpp"
#include "splattrack/render/model.hpp"
#include "thread_pool.hpp"

namespace splattrack::cpu {

struct SplatFrame {
  int width = 0, height = 0, tiles_x = 0, tiles_y = 0;
  std::vector<Splat> splats;         // [S] visible splats, front to back
  std::vector<int> rank_of;          // [N] depth rank of Gaussian i, -1 if culled
  std::vector<int> slot_offsets;     // [S + 1] gradient slots of rank s
  std::vector<int> tile_offsets;     // [tiles + 1] into entries
  std::vector<TileEntry> entries;    // [E] per tile: front to back, then transparent
  std::vector<TileSplat> tile_splats;  // [E] the splat of each entry
  std::vector<int> item_offsets;     // [tiles + 1] room for each tile's batch lists
  std::vector<int> batch_offsets;    // [tiles * (kBatches + 1)] into items
  std::vector<int> items;            // batch lists (build_batch_lists)
  // Scratch.
  std::vector<Splat> by_index;                // [N] index < 0: culled
  std::vector<std::uint32_t> keys, keys_tmp;  // [S]
  std::vector<int> order, order_tmp;          // [S] model index by rank
  std::vector<int> chunk_counts;              // [chunks, 2, tiles] see bin_tiles

  int tile_count() const { return tiles_x * tiles_y; }
};

// Projects, sorts and bins model for view into frame.
void build_splat_frame(const GaussianModel& model, const gs::View& view, int width, int height,
                       ThreadPool& pool, SplatFrame& frame);

}  // namespace splattrack::cpu
