// Launcher of the tile intersection (intersect.cu): every (splat, tile) pair
// of the projected splats, sorted by tile then depth (ties by model index,
// as the CPU's order) with a device radix sort, and each tile's range.
#pragma once

#include "device.hpp"
#include "layout.hpp"

namespace splattrack::cuda {

// The stage's buffers, kept from one call to the next.
struct IntersectBuffers {
  DeviceBuffer offsets;        // [N] inclusive sums of tiles_touched
  DeviceBuffer keys, keys_sorted;          // [E] tile << 32 | depth key
  DeviceBuffer values, values_sorted;      // [E] model index
  DeviceBuffer ranges;         // [tiles, 2]
  DeviceBuffer scan_temp, sort_temp;       // CUB's temporary storage
};

struct Intersected {
  int entries = 0;              // E
  const int* gaussians = nullptr;  // [E] sorted
  const int* ranges = nullptr;     // [tiles, 2]
};

// Waits for the stream once (the entry count sizes the sort).
Intersected intersect(const Projected& projected, int count, int tiles_x, int tiles_y, IntersectBuffers& buffers,
                      void* stream);

}  // namespace splattrack::cuda
