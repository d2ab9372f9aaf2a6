#include "splat_setup.hpp"

#include <array>
#include <cstring>
#include <utility>

#include "simd.hpp"
#include "splattrack/render/blend.hpp"

namespace splattrack::cpu {
namespace {

constexpr int kGaussiansPerTask = 1024;

int task_count(std::size_t n, int per_task) {
  return static_cast<int>((n + per_task - 1) / per_task);
}

// Float bits mapped so that unsigned order is numeric order.
std::uint32_t sortable_bits(float z) {
  std::uint32_t b;
  std::memcpy(&b, &z, sizeof b);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

ST_KERNEL __attribute__((flatten)) void project_range(const GaussianModel& model, const gs::View& view, std::size_t begin,
                             std::size_t end, SplatFrame& f) {
  for (std::size_t i = begin; i < end; ++i) {
    Splat& s = f.by_index[i];
    s.index = -1;
    f.rank_of[i] = -1;
    gs::ProjectedGaussian pg;
    if (!gs::project_gaussian(gaussian_in(model, i), view, pg)) continue;
    const gs::PixelRect rect = gs::splat_pixel_rect(pg, f.width, f.height);
    if (rect.x0 > rect.x1 || rect.y0 > rect.y1) continue;
    s = {pg.mean2d, pg.conic, pg.opacity, pg.color, pg.depth, rect, static_cast<int>(i)};
  }
}

void project_all(const GaussianModel& model, const gs::View& view, ThreadPool& pool,
                 SplatFrame& f) {
  const std::size_t n = model.size();
  f.by_index.resize(n);
  f.rank_of.resize(n);
  pool.run(task_count(n, kGaussiansPerTask), [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * kGaussiansPerTask;
    project_range(model, view, begin, std::min(n, begin + kGaussiansPerTask), f);
  });
}

// Stable LSD radix sort of values by keys, 8 bits a pass. Passes in which all
// keys share the digit are skipped (depths of one object often share the
// high bits).
void radix_sort(std::vector<std::uint32_t>& keys, std::vector<int>& values,
                std::vector<std::uint32_t>& keys_tmp, std::vector<int>& values_tmp) {
  const std::size_t n = keys.size();
  keys_tmp.resize(n);
  values_tmp.resize(n);
  std::array<std::array<int, 256>, 4> hist{};
  for (const std::uint32_t k : keys)
    for (int d = 0; d < 4; ++d) ++hist[d][(k >> (8 * d)) & 255u];
  for (int d = 0; d < 4; ++d) {
    const int shift = 8 * d;
    if (n == 0 || hist[d][(keys[0] >> shift) & 255u] == static_cast<int>(n)) continue;
    std::array<int, 256> start;
    int sum = 0;
    for (int b = 0; b < 256; ++b) {
      start[b] = sum;
      sum += hist[d][b];
    }
    for (std::size_t i = 0; i < n; ++i) {
      const int dst = start[(keys[i] >> shift) & 255u]++;
      keys_tmp[dst] = keys[i];
      values_tmp[dst] = values[i];
    }
    std::swap(keys, keys_tmp);
    std::swap(values, values_tmp);
  }
}

// Visible splats front to back; ties keep model order (the sort is stable).
void sort_by_depth(ThreadPool& pool, SplatFrame& f) {
  f.keys.clear();
  f.order.clear();
  for (const Splat& s : f.by_index)
    if (s.index >= 0) {
      f.keys.push_back(sortable_bits(s.depth));
      f.order.push_back(s.index);
    }
  radix_sort(f.keys, f.order, f.keys_tmp, f.order_tmp);
  const std::size_t count = f.order.size();
  f.splats.resize(count);
  pool.run(task_count(count, kGaussiansPerTask), [&](int task, int) {
    const std::size_t end = std::min(count, static_cast<std::size_t>(task + 1) * kGaussiansPerTask);
    for (std::size_t r = static_cast<std::size_t>(task) * kGaussiansPerTask; r < end; ++r) {
      f.splats[r] = f.by_index[f.order[r]];
      f.rank_of[f.order[r]] = static_cast<int>(r);
    }
  });
}

struct TileSpan {
  int tx0, tx1, ty0, ty1;
};

TileSpan tile_span(const Splat& s) {
  return {s.rect.x0 / gs::kTileSize, s.rect.x1 / gs::kTileSize, s.rect.y0 / gs::kTileSize,
          s.rect.y1 / gs::kTileSize};
}

// Counting sort of (tile, rank) entries by tile; ranks are visited in order,
// so every tile's list comes out front to back.
void bin_tiles(SplatFrame& f) {
  const int tiles = f.tiles_x * f.tiles_y;
  const std::size_t count = f.splats.size();
  f.tile_offsets.assign(tiles + 1, 0);
  f.slot_offsets.resize(count + 1);
  f.slot_offsets[0] = 0;
  for (std::size_t r = 0; r < count; ++r) {
    const TileSpan t = tile_span(f.splats[r]);
    for (int ty = t.ty0; ty <= t.ty1; ++ty)
      for (int tx = t.tx0; tx <= t.tx1; ++tx) ++f.tile_offsets[ty * f.tiles_x + tx + 1];
    f.slot_offsets[r + 1] = f.slot_offsets[r] + (t.tx1 - t.tx0 + 1) * (t.ty1 - t.ty0 + 1);
  }
  for (int t = 0; t < tiles; ++t) f.tile_offsets[t + 1] += f.tile_offsets[t];
  f.tile_entries.resize(f.tile_offsets[tiles]);
  f.cursor.assign(f.tile_offsets.begin(), f.tile_offsets.end() - 1);
  for (std::size_t r = 0; r < count; ++r) {
    const TileSpan t = tile_span(f.splats[r]);
    for (int ty = t.ty0; ty <= t.ty1; ++ty)
      for (int tx = t.tx0; tx <= t.tx1; ++tx)
        f.tile_entries[f.cursor[ty * f.tiles_x + tx]++] = static_cast<int>(r);
  }
}

}  // namespace

void build_splat_frame(const GaussianModel& model, const gs::View& view, int width, int height,
                       ThreadPool& pool, SplatFrame& frame) {
  frame.width = width;
  frame.height = height;
  frame.tiles_x = (width + gs::kTileSize - 1) / gs::kTileSize;
  frame.tiles_y = (height + gs::kTileSize - 1) / gs::kTileSize;
  project_all(model, view, pool, frame);
  sort_by_depth(pool, frame);
  bin_tiles(frame);
}

}  // namespace splattrack::cpu
