#include "isa_kernels.hpp"

#include <algorithm>

#include "../simd.hpp"
#include "splattrack/render/blend.hpp"

namespace splattrack::cpu::ST_ISA {
namespace {

// Eight consecutive Gaussians of the model in SIMD form; lanes past the end
// repeat the last Gaussian (lanes never mix, and their results are dropped).
struct GaussianLanes {
  gs::GaussianIn<f8> in;
  f8 sh[gs::kMaxShCoeffs * 3];  // [K, 3]
  int count;
};

ST_SIMD void gather(const GaussianModel& m, std::size_t first, std::size_t end,
                    GaussianLanes& g) {
  const int k3 = 3 * m.sh_coeffs();
  g.count = static_cast<int>(std::min<std::size_t>(kLanes, end - first));
  for (int l = 0; l < kLanes; ++l) {
    const std::size_t i = first + std::min(l, g.count - 1);
    g.in.mean.x[l] = m.means[3 * i];
    g.in.mean.y[l] = m.means[3 * i + 1];
    g.in.mean.z[l] = m.means[3 * i + 2];
    g.in.quat.w[l] = m.quats[4 * i];
    g.in.quat.x[l] = m.quats[4 * i + 1];
    g.in.quat.y[l] = m.quats[4 * i + 2];
    g.in.quat.z[l] = m.quats[4 * i + 3];
    g.in.log_scale.x[l] = m.log_scales[3 * i];
    g.in.log_scale.y[l] = m.log_scales[3 * i + 1];
    g.in.log_scale.z[l] = m.log_scales[3 * i + 2];
    g.in.opacity_logit[l] = m.opacity_logits[i];
    for (int k = 0; k < k3; ++k) g.sh[k][l] = m.sh[i * k3 + k];
  }
  g.in.sh = g.sh;
  g.in.sh_degree = m.sh_degree;
}

SplatGrad sum_slots(const SlotSums& sums, int rank) {
  SplatGrad s{};
  for (int k = sums.slot_offsets[rank]; k < sums.slot_offsets[rank + 1]; ++k) {
    const SplatGrad& t = sums.slots[k];
    s = {s.mean_x + t.mean_x, s.mean_y + t.mean_y, s.conic_a + t.conic_a, s.conic_b + t.conic_b,
         s.conic_c + t.conic_c, s.opacity + t.opacity, s.r + t.r, s.g + t.g, s.b + t.b};
  }
  return s;
}

}  // namespace

__attribute__((flatten)) void project_gaussians(const GaussianModel& model,
                                                          const gs::View& view, int width,
                                                          int height, std::size_t begin,
                                                          std::size_t end, Splat* out) {
  GaussianLanes g;
  for (std::size_t first = begin; first < end; first += kLanes) {
    gather(model, first, end, g);
    gs::ProjectedGaussian<f8> p;
    const i8 visible = gs::project_gaussian(g.in, view, p);
    const gs::PixelRect<i8> r = gs::splat_pixel_rect(p, width, height);
    for (int l = 0; l < g.count; ++l) {
      Splat& s = out[first + l];
      if (!visible[l] || r.x0[l] > r.x1[l] || r.y0[l] > r.y1[l]) {
        s.index = -1;
        continue;
      }
      s = {{p.mean2d.x[l], p.mean2d.y[l]},
           {p.conic.a[l], p.conic.b[l], p.conic.c[l]},
           p.opacity[l],
           {p.color.x[l], p.color.y[l], p.color.z[l]},
           p.depth[l],
           {r.x0[l], r.y0[l], r.x1[l], r.y1[l]},
           static_cast<int>(first + l)};
    }
  }
}

__attribute__((flatten)) void backpropagate_gaussians(
    const GaussianModel& model, const gs::View& view, const SlotSums& sums, bool appearance,
    std::size_t begin, std::size_t end, GaussianGradients& grads) {
  const int k3 = 3 * model.sh_coeffs();
  GaussianLanes g;
  f8 d_sh[gs::kMaxShCoeffs * 3];
  for (std::size_t first = begin; first < end; first += kLanes) {
    gather(model, first, end, g);
    gs::ProjectedGaussianGrad<f8> d{};
    for (int l = 0; l < g.count; ++l) {
      const int rank = sums.rank_of[first + l];
      if (rank < 0) continue;
      const SplatGrad s = sum_slots(sums, rank);
      d.mean2d.x[l] = s.mean_x;
      d.mean2d.y[l] = s.mean_y;
      d.conic.a[l] = s.conic_a;
      d.conic.b[l] = s.conic_b;
      d.conic.c[l] = s.conic_c;
      d.opacity[l] = s.opacity;
      d.color.x[l] = s.r;
      d.color.y[l] = s.g;
      d.color.z[l] = s.b;
    }
    const gs::GaussianGrad<f8> r =
        gs::project_gaussian_vjp(g.in, view, d, appearance ? d_sh : nullptr);
    for (int l = 0; l < g.count; ++l) {
      const std::size_t i = first + l;
      // Culled Gaussians get zeros (their lanes hold meaningless values).
      const bool on = sums.rank_of[i] >= 0;
      const bool look = on && appearance;
      const auto lane = [&](f8 v, bool keep) { return keep ? v[l] : 0.f; };
      grads.means[3 * i] = lane(r.mean.x, on);
      grads.means[3 * i + 1] = lane(r.mean.y, on);
      grads.means[3 * i + 2] = lane(r.mean.z, on);
      grads.quats[4 * i] = lane(r.quat.w, on);
      grads.quats[4 * i + 1] = lane(r.quat.x, on);
      grads.quats[4 * i + 2] = lane(r.quat.y, on);
      grads.quats[4 * i + 3] = lane(r.quat.z, on);
      grads.log_scales[3 * i] = lane(r.log_scale.x, look);
      grads.log_scales[3 * i + 1] = lane(r.log_scale.y, look);
      grads.log_scales[3 * i + 2] = lane(r.log_scale.z, look);
      grads.opacity_logits[i] = lane(r.opacity_logit, look);
      for (int k = 0; k < k3; ++k) grads.sh[i * k3 + k] = lane(d_sh[k], look);
    }
  }
}

}  // namespace splattrack::cpu::ST_ISA
