// Tile intersection: tiles_touched scanned into offsets (CUB), each visible
// splat's (tile << 32 | depth key, index) pairs written at its offset, the
// pairs radix-sorted (CUB; stable, so equal depths keep model order, the
// CPU's tie rule), then each tile's [begin, end) found where the tile id
// changes.
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include <cstdint>

#include "intersect.hpp"
#include "kernel_util.cuh"

namespace splattrack::cuda {
namespace {

constexpr int kTileShift = 4;  // log2(kTileSize)
static_assert(1 << kTileShift == gs::kTileSize);

__global__ void emit_pairs_kernel(Projected p, int count, int tiles_x, const int* offsets,
                                  std::uint64_t* keys, int* values) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count || p.tiles_touched[i] == 0) return;
  const gs::PixelRect<int> r = p.rects[i];
  int at = offsets[i] - p.tiles_touched[i];
  const std::uint64_t depth = p.depth_keys[i];
  for (int ty = r.y0 >> kTileShift; ty <= r.y1 >> kTileShift; ++ty)
    for (int tx = r.x0 >> kTileShift; tx <= r.x1 >> kTileShift; ++tx, ++at) {
      keys[at] = (static_cast<std::uint64_t>(ty * tiles_x + tx) << 32) | depth;
      values[at] = i;
    }
}

__global__ void tile_ranges_kernel(const std::uint64_t* keys, int entries, int* ranges) {
  const int e = blockIdx.x * blockDim.x + threadIdx.x;
  if (e >= entries) return;
  const int tile = static_cast<int>(keys[e] >> 32);
  if (e == 0 || static_cast<int>(keys[e - 1] >> 32) != tile) ranges[2 * tile] = e;
  if (e == entries - 1 || static_cast<int>(keys[e + 1] >> 32) != tile) ranges[2 * tile + 1] = e + 1;
}

// Bits needed for values up to n - 1.
int bits_for(int n) {
  int b = 1;
  while ((1ll << b) < n) ++b;
  return b;
}

}  // namespace

Intersected intersect(const Projected& projected, int count, int tiles_x, int tiles_y, IntersectBuffers& b,
                      void* stream_handle) {
  const cudaStream_t stream = as_stream(stream_handle);
  const int tiles = tiles_x * tiles_y;
  int* ranges = b.ranges.reserve_as<int>(2 * static_cast<std::size_t>(tiles));
  // Tiles no splat touches stay [0, 0).
  check(cudaMemsetAsync(ranges, 0, sizeof(int) * 2 * tiles, stream), "intersect: memset");
  Intersected out;
  out.ranges = ranges;
  if (count == 0) return out;

  int* offsets = b.offsets.reserve_as<int>(count);
  std::size_t scan_bytes = 0;
  check(cub::DeviceScan::InclusiveSum(nullptr, scan_bytes, projected.tiles_touched, offsets, count, stream),
        "intersect: scan size");
  check(cub::DeviceScan::InclusiveSum(b.scan_temp.reserve(scan_bytes), scan_bytes, projected.tiles_touched, offsets,
                                      count, stream),
        "intersect: scan");
  int entries = 0;
  check(cudaMemcpyAsync(&entries, offsets + count - 1, sizeof(int), cudaMemcpyDeviceToHost, stream),
        "intersect: entry count");
  check(cudaStreamSynchronize(stream), "intersect: entry count");
  out.entries = entries;
  if (entries == 0) return out;

  auto* keys = b.keys.reserve_as<std::uint64_t>(entries);
  auto* keys_sorted = b.keys_sorted.reserve_as<std::uint64_t>(entries);
  int* values = b.values.reserve_as<int>(entries);
  int* values_sorted = b.values_sorted.reserve_as<int>(entries);
  emit_pairs_kernel<<<blocks_for(count), kThreads, 0, stream>>>(projected, count, tiles_x, offsets, keys, values);
  check_last("intersect: emit");
  // The depth key's 32 bits and the tile id's.
  const int end_bit = 32 + bits_for(tiles);
  std::size_t sort_bytes = 0;
  check(cub::DeviceRadixSort::SortPairs(nullptr, sort_bytes, keys, keys_sorted, values, values_sorted, entries, 0,
                                        end_bit, stream),
        "intersect: sort size");
  check(cub::DeviceRadixSort::SortPairs(b.sort_temp.reserve(sort_bytes), sort_bytes, keys, keys_sorted, values,
                                        values_sorted, entries, 0, end_bit, stream),
        "intersect: sort");
  tile_ranges_kernel<<<blocks_for(entries), kThreads, 0, stream>>>(keys_sorted, entries, ranges);
  check_last("intersect: ranges");
  out.gaussians = values_sorted;
  return out;
}

}  // namespace splattrack::cuda
