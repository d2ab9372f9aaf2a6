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
  std::vector<Splat> splats;        // [S] visible splats, front to back
  std::vector<int> rank_of;         // [N] depth rank of Gaussian i, -1 if culled
  std::vector<int> tile_offsets;    // [tiles + 1]
  std::vector<int> tile_entries;    // [E] ranks, front to back within a tile
  std::vector<int> slot_offsets;    // [S + 1] see BackwardInput
  // Scratch.
  std::vector<Splat> by_index;           // [N] index < 0: culled
  std::vector<std::uint32_t> keys, keys_tmp;  // [S]
  std::vector<int> order, order_tmp;     // [S] model index by rank
  std::vector<int> cursor;               // [tiles]
};

inline gs::GaussianIn gaussian_in(const GaussianModel& model, std::size_t i) {
  const float* m = &model.means[3 * i];
  const float* q = &model.quats[4 * i];
  const float* s = &model.log_scales[3 * i];
  return {{m[0], m[1], m[2]},
          {q[0], q[1], q[2], q[3]},
          {s[0], s[1], s[2]},
          model.opacity_logits[i],
          model.sh.data() + i * 3 * model.sh_coeffs(),
          model.sh_degree};
}

// Projects, sorts and bins model for view into frame.
void build_splat_frame(const GaussianModel& model, const gs::View& view, int width, int height,
                       ThreadPool& pool, SplatFrame& frame);

}  // namespace splattrack::cpu
