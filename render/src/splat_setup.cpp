#include "splat_setup.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "gaussian_pass.hpp"
#include "kernels.hpp"
#include "splattrack/render/blend.hpp"

namespace splattrack::cpu {
namespace {

int task_count(std::size_t n, int per_task) {
  return static_cast<int>((n + per_task - 1) / per_task);
}

void project_all(const GaussianModel& model, const gs::View& view, ExecutionContext& context,
                 SplatFrame& f) {
  const std::size_t n = model.size();
  f.keys.resize(n);
  f.rects.resize(n);
  f.splats.resize(n);
  f.reach.resize(n);
  const ProjectedSplats out{f.keys.data(), f.rects.data(), f.splats.data(), f.reach.data()};
  context.run(task_count(n, kGaussiansPerTask), [&](int task, int) {
    const std::size_t begin = static_cast<std::size_t>(task) * kGaussiansPerTask;
    kernels().project_gaussians(model, view, f.width, f.height, begin,
                                std::min(n, begin + kGaussiansPerTask), out);
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

// Gaussians front to back, culled ones last; ties keep model order (the sort
// is stable).
void sort_by_depth(ExecutionContext& context, SplatFrame& f) {
  const std::size_t n = f.keys.size();
  f.order.resize(n);
  for (std::size_t i = 0; i < n; ++i) f.order[i] = static_cast<int>(i);
  radix_sort(f.keys, f.order, f.keys_tmp, f.order_tmp);
  f.visible = static_cast<std::size_t>(
      std::lower_bound(f.keys.begin(), f.keys.end(), kCulledKey) - f.keys.begin());
  f.rank_of.resize(n);
  f.sorted_rects.resize(f.visible);
  context.run(task_count(n, kGaussiansPerTask), [&](int task, int) {
    const std::size_t end = std::min(n, static_cast<std::size_t>(task + 1) * kGaussiansPerTask);
    for (std::size_t r = static_cast<std::size_t>(task) * kGaussiansPerTask; r < end; ++r) {
      const int i = f.order[r];
      f.rank_of[i] = r < f.visible ? static_cast<int>(r) : -1;
      if (r < f.visible) f.sorted_rects[r] = f.rects[i];
    }
  });
}

struct TileSpan {
  int tx0, tx1, ty0, ty1;
};

TileSpan tile_span(const gs::PixelRect<int>& r) {
  return {r.x0 / gs::kTileSize, r.x1 / gs::kTileSize, r.y0 / gs::kTileSize,
          r.y1 / gs::kTileSize};
}

// Calls visit(tile, x0, y0) for the tiles of a splat's rectangle,
// row-major: the order of its gradient slots.
template <class F>
void for_each_tile(const SplatFrame& f, const gs::PixelRect<int>& rect, F&& visit) {
  const TileSpan t = tile_span(rect);
  for (int ty = t.ty0; ty <= t.ty1; ++ty)
    for (int tx = t.tx0; tx <= t.tx1; ++tx)
      visit(ty * f.tiles_x + tx, tx * gs::kTileSize, ty * gs::kTileSize);
}

// Counting sort of (splat, tile) entries by tile, in parallel over chunks of
// ranks: a tile's entries are its chunks' entries in chunk order, each chunk
// in rank order, so they come out front to back for any chunking. Each tile
// gets one more, transparent, entry at its end.
void bin_tiles(ExecutionContext& context, SplatFrame& f) {
  const int tiles = f.tile_count();
  const std::size_t count = f.visible;
  const int chunks = static_cast<int>(std::min<std::size_t>(8 * context.size(), count / 256 + 1));
  const std::size_t per_chunk = (count + chunks - 1) / chunks;
  const auto chunk_range = [&](int c) {
    const std::size_t begin = std::min(count, c * per_chunk);
    return std::pair{begin, std::min(count, begin + per_chunk)};
  };
  // Per chunk and tile: entries, then batch-list items.
  f.chunk_counts.assign(2 * static_cast<std::size_t>(chunks) * tiles, 0);
  f.slot_offsets.resize(count + 1);
  f.slot_offsets[0] = 0;
  context.run(chunks, [&](int c, int) {
    int* entries = &f.chunk_counts[2 * static_cast<std::size_t>(c) * tiles];
    int* items = entries + tiles;
    const auto [begin, end] = chunk_range(c);
    for (std::size_t r = begin; r < end; ++r) {
      const gs::PixelRect<int>& rect = f.sorted_rects[r];
      int slots = 0;
      for_each_tile(f, rect, [&](int tile, int x0, int y0) {
        ++entries[tile];
        items[tile] += batch_count(block_span(rect, x0, y0));
        ++slots;
      });
      f.slot_offsets[r + 1] = slots;
    }
  });
  for (std::size_t r = 0; r < count; ++r) f.slot_offsets[r + 1] += f.slot_offsets[r];

  // Chunk c of tile t starts at tile_offsets[t] + the entries of chunks < c;
  // chunk_counts turns into those starts.
  f.tile_offsets.assign(tiles + 1, 0);
  f.item_offsets.assign(tiles + 1, 0);
  for (int t = 0; t < tiles; ++t) {
    int entries = f.tile_offsets[t], items = 0;
    for (int c = 0; c < chunks; ++c) {
      int* counts = &f.chunk_counts[2 * static_cast<std::size_t>(c) * tiles];
      const int n = counts[t];
      counts[t] = entries;
      entries += n;
      items += counts[tiles + t];
    }
    f.tile_offsets[t + 1] = entries + 1;
    f.item_offsets[t + 1] = f.item_offsets[t] + items + kBatches * (kBatchUnroll - 1);
  }
  f.entries.resize(f.tile_offsets[tiles]);
  context.run(chunks, [&](int c, int) {
    int* cursor = &f.chunk_counts[2 * static_cast<std::size_t>(c) * tiles];
    const auto [begin, end] = chunk_range(c);
    for (std::size_t r = begin; r < end; ++r) {
      const int gaussian = f.order[r];
      const gs::PixelRect<int>& rect = f.sorted_rects[r];
      int slot = f.slot_offsets[r];
      for_each_tile(f, rect, [&](int tile, int x0, int y0) {
        f.entries[cursor[tile]++] = {gaussian, batch_mask(block_span(rect, x0, y0)), slot++};
      });
    }
  });
  for (int t = 0; t < tiles; ++t) f.entries[f.tile_offsets[t + 1] - 1] = {-1, 0u, -1};
}

}  // namespace

void build_splat_frame(const GaussianModel& model, const gs::View& view, int width, int height,
                       ExecutionContext& context, SplatFrame& frame) {
  frame.width = width;
  frame.height = height;
  frame.tiles_x = (width + gs::kTileSize - 1) / gs::kTileSize;
  frame.tiles_y = (height + gs::kTileSize - 1) / gs::kTileSize;
  project_all(model, view, context, frame);
  sort_by_depth(context, frame);
  bin_tiles(context, frame);
  const std::size_t tiles = frame.tile_count();
  frame.batch_offsets.resize(tiles * (kBatches + 1));
  frame.items.resize(frame.item_offsets[tiles]);
  frame.tile_splats.resize(frame.entries.size());
}

void build_tile_lists(SplatFrame& f, int tile) {
  kernels().build_batch_lists(f.entries.data(), f.tile_offsets[tile], f.tile_offsets[tile + 1],
                              f.splats.data(), f.reach.data(), (tile % f.tiles_x) * gs::kTileSize,
                              (tile / f.tiles_x) * gs::kTileSize, f.tile_splats.data(),
                              f.item_offsets[tile],
                              &f.batch_offsets[static_cast<std::size_t>(tile) * (kBatches + 1)],
                              f.items.data());
}

}  // namespace splattrack::cpu
