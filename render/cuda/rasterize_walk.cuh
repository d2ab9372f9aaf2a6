// The per-pixel walk of the rasterize kernels: a tile's splats loaded into
// shared memory a block at a time, each thread stepping its pixel through
// them with the shared one-pixel step, so that the forward, backward and
// forward-mode kernels take the same skip and stop decisions (and the CPU's).
#pragma once

#include "kernel_util.cuh"

namespace splattrack::cuda {

inline constexpr int kTilePixels = gs::kTileSize * gs::kTileSize;  // threads per block

struct DeviceExp {
  __device__ float operator()(float x) const { return expf(x); }
};

struct DeviceFma {
  __device__ float operator()(float a, float b, float c) const { return fmaf(a, b, c); }
};

struct Pixel {
  int x, y, index;  // index: y W + x, or -1 outside the image
  int rank;         // thread within the block
};

__device__ inline Pixel this_pixel(const TileLists& t) {
  Pixel p;
  p.x = blockIdx.x * gs::kTileSize + threadIdx.x;
  p.y = blockIdx.y * gs::kTileSize + threadIdx.y;
  p.rank = threadIdx.y * gs::kTileSize + threadIdx.x;
  p.index = p.x < t.width && p.y < t.height ? p.y * t.width + p.x : -1;
  return p;
}

// Walks this block's tile front to back, calling visit(model index, splat,
// eval, blend, T before the splat) for every splat while any pixel of the
// block is not done (with `done` and T kept here; a thread whose pixel is
// done still visits, with blend.take false, so that warps stay converged for
// the backward's shuffles). Returns the final T.
template <class Visit>
__device__ float walk_tile(const TileLists& t, const Pixel& px, Visit&& visit) {
  __shared__ Splat batch[kTilePixels];
  __shared__ int ids[kTilePixels];
  const int tile = blockIdx.y * t.tiles_x + blockIdx.x;
  const int begin = t.ranges[2 * tile], end = t.ranges[2 * tile + 1];
  const float fx = static_cast<float>(px.x), fy = static_cast<float>(px.y);
  float trans = 1.f;
  bool done = px.index < 0;
  for (int first = begin; first < end; first += kTilePixels) {
    // Every thread reaches this barrier: it also guards the batch's reuse.
    if (__syncthreads_count(done) == kTilePixels) break;
    const int e = first + px.rank;
    if (e < end) {
      ids[px.rank] = t.gaussians[e];
      batch[px.rank] = t.splats[ids[px.rank]];
    }
    __syncthreads();
    const int count = min(kTilePixels, end - first);
    for (int j = 0; j < count; ++j) {
      if (__all_sync(0xFFFFFFFFu, done)) break;  // the whole warp: it stays converged
      const Splat& s = batch[j];
      const gs::PixelEval<float> ev = gs::pixel_evaluate(s.mean2d, s.conic, s.opacity, fx, fy, DeviceExp{});
      const gs::PixelBlend<float> bl = gs::pixel_blend(ev, trans, done);
      visit(ids[j], s, ev, bl, trans);
      if (bl.take) trans = bl.next_trans;
    }
  }
  return trans;
}

}  // namespace splattrack::cuda
