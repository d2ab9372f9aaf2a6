// The walk of one batch of a tile over its splats, shared by the tile kernels
// (forward, backward, forward-mode tangents) so that they take bit-identical
// skip and stop decisions. Included by the ISA builds only (ST_ISA).
#pragma once

#include "../raster.hpp"
#include "../simd.hpp"

// A tile is 4 x 8 batches of 4 x 2 pixels (one lane each). Each batch walks
// its own list of the splats that cover it, front to back, with T, colour
// and the stop mask in registers; lists are built once per forward from each
// splat's rectangle. Walking pixels (not splats) keeps the loops long and
// their branches predictable, and lets a batch stop as soon as its pixels
// are done. 4 x 2 blocks waste fewer lanes on small splats than 8 x 1 rows.

namespace splattrack::cpu::ST_ISA {

inline constexpr int kTile = gs::kTileSize;
static_assert(kBlockW * kBlockH == kLanes, "one lane per pixel of a block");

inline const f8 kLaneX = {0.f, 1.f, 2.f, 3.f, 0.f, 1.f, 2.f, 3.f};
inline const f8 kLaneY = {0.f, 0.f, 0.f, 0.f, 1.f, 1.f, 1.f, 1.f};

ST_SIMD int lane_x(int l) { return l % kBlockW; }
ST_SIMD int lane_y(int l) { return l / kBlockW; }

// Pixel coordinates of one batch; lanes outside the image start done.
struct Batch {
  int x, y;  // top-left pixel
  f8 px, py;
  i8 outside;
};

ST_SIMD Batch batch_at(int b, int x0, int y0, int width, int height) {
  Batch bt;
  bt.x = x0 + (b % kBlocksX) * kBlockW;
  bt.y = y0 + (b / kBlocksX) * kBlockH;
  bt.px = broadcast(static_cast<float>(bt.x)) + kLaneX;
  bt.py = broadcast(static_cast<float>(bt.y)) + kLaneY;
  bt.outside = (bt.px >= static_cast<float>(width)) | (bt.py >= static_cast<float>(height));
  return bt;
}

// Image pixel index of lane l, or -1 outside the image.
ST_SIMD int lane_pixel(const Batch& bt, int l, int width, int height) {
  const int x = bt.x + lane_x(l), y = bt.y + lane_y(l);
  return x < width && y < height ? y * width + x : -1;
}

// One splat at one batch: the shared one-pixel step (blend.hpp), one pixel
// per lane.
using Eval = gs::PixelEval<f8>;
using Blend = gs::PixelBlend<f8>;

struct ExpNonpositive {
  ST_SIMD f8 operator()(f8 x) const { return exp_nonpositive(x); }
};

struct Fma8 {
  ST_SIMD f8 operator()(f8 a, f8 b, f8 c) const { return fma8(a, b, c); }
};

ST_SIMD Eval evaluate(const TileSplat& s, const Batch& bt) {
  return gs::pixel_evaluate(s.mean2d, s.conic, s.opacity, bt.px, bt.py, ExpNonpositive{});
}

ST_SIMD Blend blend(const Eval& e, f8 trans, i8& done) { return gs::pixel_blend(e, trans, done); }

// Walks batch b's splats front to back until all its pixels are done,
// calling visit(local index, splat, eval, blend, T) for each (T before the
// splat). T and the stop mask live here, so that forward and backward take
// the same decisions. Returns the final T.
template <class Visit>
ST_SIMD f8 walk_batch(const RasterInput& in, const int* offsets, int b, const Batch& bt,
                      Visit&& visit) {
  f8 trans = broadcast(1.f);
  i8 done = bt.outside;
  const int* const end = in.items + offsets[b + 1];
  for (const int* it = in.items + offsets[b]; it != end; it += kBatchUnroll) {
    // The alphas of kBatchUnroll splats are independent: computed together,
    // their long exp chains interleave instead of leaving the core waiting.
    Eval ev[kBatchUnroll];
#pragma GCC unroll 4
    for (int u = 0; u < kBatchUnroll; ++u) ev[u] = evaluate(in.splats[it[u]], bt);
#pragma GCC unroll 4
    for (int u = 0; u < kBatchUnroll; ++u) {
      const Blend bl = blend(ev[u], trans, done);
      visit(it[u], in.splats[it[u]], ev[u], bl, trans);
      trans = select(bl.take, bl.next_trans, trans);
    }
    if (all(done)) break;
  }
  return trans;
}

}  // namespace splattrack::cpu::ST_ISA
