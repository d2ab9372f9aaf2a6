#include "isa_kernels.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../simd.hpp"
#include "batch_walk.hpp"

namespace splattrack::cpu::ST_ISA {
namespace {

// The eight lane sums of v[0..7], in a fixed order.
ST_SIMD f8 lane_sums(f8 v0, f8 v1, f8 v2, f8 v3, f8 v4, f8 v5, f8 v6, f8 v7) {
  const auto pairs = [](f8 a, f8 b) {
    return __builtin_shufflevector(a, b, 0, 2, 8, 10, 4, 6, 12, 14) +
           __builtin_shufflevector(a, b, 1, 3, 9, 11, 5, 7, 13, 15);
  };
  const f8 q0 = pairs(pairs(v0, v1), pairs(v2, v3));
  const f8 q1 = pairs(pairs(v4, v5), pairs(v6, v7));
  return __builtin_shufflevector(q0, q1, 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(q0, q1, 4, 5, 6, 7, 12, 13, 14, 15);
}

// Adds v to the first eight fields of g (all but b).
ST_SIMD void add_head(SplatGrad& g, f8 v) {
  static_assert(sizeof(SplatGrad) == 9 * sizeof(float) && offsetof(SplatGrad, g) == 7 * sizeof(float));
  f8 head;
  std::memcpy(&head, &g, sizeof head);
  head += v;
  std::memcpy(&g, &head, sizeof head);
}

// Accumulates each entry's gradient over the tile's pixels into grads[entry
// - begin].
template <bool kAppearance>
ST_SIMD void backward_batches(const RasterInput& in, const BackwardInput& gin, int tile, int x0,
                              int y0, SplatGrad* grads) {
  const int* offsets = in.batch_offsets + tile * (kBatches + 1);
  const int begin = in.tile_offsets[tile];
  for (int b = 0; b < kBatches; ++b) {
    if (offsets[b] == offsets[b + 1]) continue;
    const Batch bt = batch_at(b, x0, y0, in.width, in.height);
    // dL/dC per lane and rest0 = sum_ch dL/dC_ch C_ch - dL/dA T_final, from
    // which the running prefix is subtracted (gs::blend_alpha_grad).
    alignas(32) float gr[kLanes] = {}, gg[kLanes] = {}, gb[kLanes] = {}, rest0[kLanes] = {};
    for (int l = 0; l < kLanes; ++l) {
      const int p = lane_pixel(bt, l, in.width, in.height);
      if (p < 0) continue;
      if (gin.dl_drgb) {
        gr[l] = gin.dl_drgb[3 * p];
        gg[l] = gin.dl_drgb[3 * p + 1];
        gb[l] = gin.dl_drgb[3 * p + 2];
        rest0[l] = gr[l] * gin.rgb[3 * p] + gg[l] * gin.rgb[3 * p + 1] + gb[l] * gin.rgb[3 * p + 2];
      }
      if (gin.dl_dalpha) rest0[l] -= gin.dl_dalpha[p] * gin.transmittance[p];
    }
    const f8 g_r = load8(gr), g_g = load8(gg), g_b = load8(gb), rest = load8(rest0);
    f8 prefix{};
    walk_batch(in, offsets, b, bt,
               [&](int entry, const TileSplat& s, const Eval& e, const Blend& bl, f8 trans)
                   __attribute__((always_inline)) {
                     const f8 color_grad =
                         fma8(g_r, broadcast(s.color.x),
                              fma8(g_g, broadcast(s.color.y), g_b * s.color.z));
                     const gs::PixelGrad<f8> pg =
                         gs::pixel_backward(e, bl, s.conic, trans, color_grad, rest, prefix, Fma8{});
                     SplatGrad& acc = grads[entry - begin];
                     f8 sums;
                     if constexpr (kAppearance) {
                       sums = lane_sums(pg.power.mean_x, pg.power.mean_y, pg.power.conic_a, pg.power.conic_b,
                                        pg.power.conic_c, pg.opacity, g_r * pg.w, g_g * pg.w);
                       acc.b += hsum(g_b * pg.w);
                     } else {
                       sums = lane_sums(pg.power.mean_x, pg.power.mean_y, pg.power.conic_a, pg.power.conic_b,
                                        pg.power.conic_c, f8{}, f8{}, f8{});
                     }
                     add_head(acc, sums);
                   });
  }
}

// The blocks of `mask` (bit by * 4 + bx, tile at (x0, y0)) with a pixel
// where the splat's alpha may reach 1/255 (gs::splat_row_span, row by row).
ST_SIMD std::uint32_t reachable_blocks(const TileSplat& s, float reach, int x0, int y0,
                                       std::uint32_t mask) {
  const f8 row = broadcast(static_cast<float>(y0)) + f8{0.f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f};
  const f8 my = broadcast(s.mean2d.y), left = broadcast(static_cast<float>(x0));
  i8 bits[2] = {};
  for (int half = 0; half < 2; ++half) {  // rows 0-7 (mask bits 0-15), rows 8-15
    if (((mask >> (16 * half)) & 0xFFFFu) == 0) continue;
    f8 lo, hi;
    gs::splat_row_span(s.mean2d.x, s.conic, reach, my - (row + 8.f * half), lo, hi);
    // Pixel columns of the tile: [ceil(lo) - x0, floor(hi) - x0] within [0, 15]
    // (clamped in float first: lo and hi may be +-1e30).
    using gs::max_v, gs::min_v;
    const f8 first = max_v(min_v(gs::Ops<f8>::ceil(max_v(lo, left - 1.f) - left), broadcast(16.f)),
                           broadcast(0.f));
    const f8 last = min_v(max_v(gs::Ops<f8>::floor(min_v(hi, left + 17.f) - left), broadcast(-1.f)),
                          broadcast(15.f));
    const i8 c0 = gs::Ops<f8>::to_int(first) >> 2, c1 = gs::Ops<f8>::to_int(last) >> 2;
    const i8 cols = ((i8{} + 2) << c1) - ((i8{} + 1) << c0);
    bits[half] = (first <= last) & cols;
  }
  // Row r's 4 column bits go to bits 4 (r / 2) .. 4 (r / 2) + 3.
  const i8 shifted = (bits[0] << i8{0, 0, 4, 4, 8, 8, 12, 12}) |
                     (bits[1] << i8{16, 16, 20, 20, 24, 24, 28, 28});
  const i8 q = shifted | __builtin_shufflevector(shifted, shifted, 4, 5, 6, 7, 0, 1, 2, 3);
  const i8 p = q | __builtin_shufflevector(q, q, 2, 3, 0, 1, 6, 7, 4, 5);
  return mask & static_cast<std::uint32_t>(p[0] | p[1]);
}

}  // namespace

void build_batch_lists(TileEntry* entries, int begin, int end, const TileSplat* splats,
                       const float* reach, int x0, int y0, TileSplat* tile_splats, int first,
                       int* offsets, int* items) {
  constexpr int kPrefetchDistance = 8;  // a tile's splats are scattered over the model
  const int transparent = end - 1;
  int count[kBatches] = {};
  for (int e = begin; e < transparent; ++e) {
    if (e + kPrefetchDistance < transparent) {
      const int ahead = entries[e + kPrefetchDistance].gaussian;
      __builtin_prefetch(&splats[ahead]);
      __builtin_prefetch(&reach[ahead]);
    }
    const int g = entries[e].gaussian;
    tile_splats[e] = splats[g];
    // Small footprints have no corner blocks worth the test.
    if (__builtin_popcount(entries[e].batches) > 2)
      entries[e].batches = reachable_blocks(splats[g], reach[g], x0, y0, entries[e].batches);
    for (std::uint32_t m = entries[e].batches; m != 0; m &= m - 1) ++count[__builtin_ctz(m)];
  }
  tile_splats[transparent] = TileSplat{};  // opacity 0: always skipped
  offsets[0] = first;
  for (int b = 0; b < kBatches; ++b)
    offsets[b + 1] = offsets[b] + (count[b] + kBatchUnroll - 1) / kBatchUnroll * kBatchUnroll;
  int cursor[kBatches];
  for (int b = 0; b < kBatches; ++b) {
    cursor[b] = offsets[b];
    std::fill(items + offsets[b] + count[b], items + offsets[b + 1], transparent);
  }
  for (int e = begin; e < transparent; ++e)
    for (std::uint32_t m = entries[e].batches; m != 0; m &= m - 1) items[cursor[__builtin_ctz(m)]++] = e;
}

void rasterize_tile_forward(const RasterInput& in, int tile, const ForwardOutput& out) {
  const int x0 = (tile % in.tiles_x) * kTile;
  const int y0 = (tile / in.tiles_x) * kTile;
  const int* offsets = in.batch_offsets + tile * (kBatches + 1);
  for (int b = 0; b < kBatches; ++b) {
    const Batch bt = batch_at(b, x0, y0, in.width, in.height);
    if (all(bt.outside)) continue;
    f8 cr{}, cg{}, cb{}, dep{};
    const f8 trans = walk_batch(
        in, offsets, b, bt,
        [&](int, const TileSplat& s, const Eval& e, const Blend& bl, f8 t)
            __attribute__((always_inline)) {
              const f8 w = select(bl.take, e.alpha * t, f8{});
              cr = fma8(w, broadcast(s.color.x), cr);
              cg = fma8(w, broadcast(s.color.y), cg);
              cb = fma8(w, broadcast(s.color.z), cb);
              dep = fma8(w, broadcast(s.depth), dep);
            });
    for (int l = 0; l < kLanes; ++l) {
      const int p = lane_pixel(bt, l, in.width, in.height);
      if (p < 0) continue;
      const float t = trans[l];
      out.rgb[3 * p] = cr[l] + t * in.background.x;
      out.rgb[3 * p + 1] = cg[l] + t * in.background.y;
      out.rgb[3 * p + 2] = cb[l] + t * in.background.z;
      out.alpha[p] = 1.f - t;
      out.depth[p] = dep[l];
      out.transmittance[p] = t;
    }
  }
}

void rasterize_tile_backward(const RasterInput& in, const BackwardInput& gin, int tile,
                             bool appearance, SplatGrad* slots, std::vector<SplatGrad>& scratch) {
  const int x0 = (tile % in.tiles_x) * kTile, y0 = (tile / in.tiles_x) * kTile;
  const int begin = in.tile_offsets[tile], end = in.tile_offsets[tile + 1];
  // The last entry is the transparent one. (assign on the vector, not a fill
  // through a pointer: with the latter GCC 12 allocates the registers of the
  // walk below worse, +7-15 % instructions, measured with callgrind.)
  scratch.assign(end - begin, SplatGrad{});
  if (appearance)
    backward_batches<true>(in, gin, tile, x0, y0, scratch.data());
  else
    backward_batches<false>(in, gin, tile, x0, y0, scratch.data());
  for (int e = begin; e < end - 1; ++e) slots[in.entries[e].slot] = scratch[e - begin];
}

}  // namespace splattrack::cpu::ST_ISA
