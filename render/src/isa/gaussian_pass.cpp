#include "isa_kernels.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

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

// lane l = p[offset[l]]. Built in registers: writing lanes one by one into
// a vector in memory and loading it whole would stall store forwarding.
ST_SIMD f8 lanes(const float* p, const std::size_t (&offset)[kLanes]) {
  return f8{p[offset[0]], p[offset[1]], p[offset[2]], p[offset[3]],
            p[offset[4]], p[offset[5]], p[offset[6]], p[offset[7]]};
}

// p[stride i + k] for the 8 Gaussians i of the group.
struct Strided {
  std::size_t index[kLanes];
  ST_SIMD f8 operator()(const std::vector<float>& v, std::size_t stride, std::size_t k) const {
    std::size_t offset[kLanes];
    for (int l = 0; l < kLanes; ++l) offset[l] = stride * index[l] + k;
    return lanes(v.data(), offset);
  }
};

ST_SIMD Strided group_at(std::size_t first, int count) {
  Strided s;
  for (int l = 0; l < kLanes; ++l) s.index[l] = first + std::min(l, count - 1);
  return s;
}

ST_SIMD void gather(const GaussianModel& m, std::size_t first, std::size_t end,
                    GaussianLanes& g) {
  const std::size_t k3 = 3 * m.sh_coeffs();
  g.count = static_cast<int>(std::min<std::size_t>(kLanes, end - first));
  g.in.sh = g.sh;
  g.in.sh_degree = m.sh_degree;
  if (g.count == kLanes) {  // a full group: transpose whole records
    load_aos3(&m.means[3 * first], g.in.mean.x, g.in.mean.y, g.in.mean.z);
    load_aos4(&m.quats[4 * first], g.in.quat.w, g.in.quat.x, g.in.quat.y, g.in.quat.z);
    load_aos3(&m.log_scales[3 * first], g.in.log_scale.x, g.in.log_scale.y, g.in.log_scale.z);
    g.in.opacity_logit = load8(&m.opacity_logits[first]);
    if (k3 == 3) {
      load_aos3(&m.sh[3 * first], g.sh[0], g.sh[1], g.sh[2]);
      return;
    }
  }
  const Strided at = group_at(first, g.count);
  if (g.count < kLanes) {
    g.in.mean = {at(m.means, 3, 0), at(m.means, 3, 1), at(m.means, 3, 2)};
    g.in.quat = {at(m.quats, 4, 0), at(m.quats, 4, 1), at(m.quats, 4, 2), at(m.quats, 4, 3)};
    g.in.log_scale = {at(m.log_scales, 3, 0), at(m.log_scales, 3, 1), at(m.log_scales, 3, 2)};
    g.in.opacity_logit = at(m.opacity_logits, 1, 0);
  }
  for (std::size_t k = 0; k < k3; ++k) g.sh[k] = at(m.sh, k3, k);
  g.in.sh_degree = m.sh_degree;
}

constexpr std::size_t kSlotPrefetch = 2 * kLanes;

SplatGrad sum_slots(const SlotSums& sums, int rank) {
  SplatGrad s{};
  for (int k = sums.slot_offsets[rank]; k < sums.slot_offsets[rank + 1]; ++k) {
    const SplatGrad& t = sums.slots[k];
    s = {s.mean_x + t.mean_x, s.mean_y + t.mean_y, s.conic_a + t.conic_a, s.conic_b + t.conic_b,
         s.conic_c + t.conic_c, s.opacity + t.opacity, s.r + t.r, s.g + t.g, s.b + t.b};
  }
  return s;
}

// Writes the gradients of 8 Gaussians from first on; culled ones (their
// lanes hold meaningless values) get zeros.
ST_SIMD void write_full_group(const gs::GaussianGrad<f8>& r, const f8* d_sh, const int* rank_of,
                              bool appearance, std::size_t first, GaussianGradients& grads) {
  i8 ranks;
  std::memcpy(&ranks, rank_of, sizeof ranks);
  const i8 on = ranks >= 0;
  const i8 look = appearance ? on : i8{};
  const auto keep = [](i8 m, f8 v) { return select(m, v, f8{}); };
  store_aos3(&grads.means[3 * first], keep(on, r.mean.x), keep(on, r.mean.y), keep(on, r.mean.z));
  store_aos4(&grads.quats[4 * first], keep(on, r.quat.w), keep(on, r.quat.x), keep(on, r.quat.y),
             keep(on, r.quat.z));
  store_aos3(&grads.log_scales[3 * first], keep(look, r.log_scale.x), keep(look, r.log_scale.y),
             keep(look, r.log_scale.z));
  store8(&grads.opacity_logits[first], keep(look, r.opacity_logit));
  const std::size_t k3 = grads.sh.size() / grads.opacity_logits.size();
  if (k3 == 3) {
    store_aos3(&grads.sh[3 * first], keep(look, d_sh[0]), keep(look, d_sh[1]), keep(look, d_sh[2]));
    return;
  }
  for (int l = 0; l < kLanes; ++l)
    for (std::size_t k = 0; k < k3; ++k) grads.sh[(first + l) * k3 + k] = look[l] ? d_sh[k][l] : 0.f;
}

}  // namespace

__attribute__((flatten)) void project_gaussians(const GaussianModel& model,
                                                const gs::View& view, int width, int height,
                                                std::size_t begin, std::size_t end,
                                                const ProjectedSplats& out) {
  GaussianLanes g;
  for (std::size_t first = begin; first < end; first += kLanes) {
    gather(model, first, end, g);
    gs::ProjectedGaussian<f8> p;
    const i8 visible = gs::project_gaussian(g.in, view, p);
    const gs::PixelRect<i8> r = gs::splat_pixel_rect(p, width, height);
    const f8 reach = gs::alpha_reach(p.opacity, p.cov2d);
    for (int l = 0; l < g.count; ++l) {
      const std::size_t i = first + l;
      if (!visible[l] || r.x0[l] > r.x1[l] || r.y0[l] > r.y1[l]) {
        out.depth_keys[i] = kCulledKey;
        continue;
      }
      out.depth_keys[i] = gs::depth_key(p.depth[l]);
      out.rects[i] = {r.x0[l], r.y0[l], r.x1[l], r.y1[l]};
      out.splats[i] = {{p.mean2d.x[l], p.mean2d.y[l]},
                       {p.conic.a[l], p.conic.b[l], p.conic.c[l]},
                       p.opacity[l],
                       {p.color.x[l], p.color.y[l], p.color.z[l]},
                       p.depth[l]};
      out.reach[i] = reach[l];
    }
  }
}

__attribute__((flatten)) void backpropagate_gaussians(
    const GaussianModel& model, const gs::View& view, const SlotSums& sums, bool appearance,
    std::size_t begin, std::size_t end, GaussianGradients& grads) {
  const int k3 = 3 * model.sh_coeffs();
  GaussianLanes g;
  f8 d_sh[gs::kMaxShCoeffs * 3] = {};  // stays zero without appearance
  for (std::size_t first = begin; first < end; first += kLanes) {
    // Slots are in depth order, Gaussians in model order: fetch ahead.
    for (std::size_t i = first + kSlotPrefetch; i < std::min(end, first + kSlotPrefetch + kLanes); ++i)
      if (sums.rank_of[i] >= 0) __builtin_prefetch(&sums.slots[sums.slot_offsets[sums.rank_of[i]]]);
    gather(model, first, end, g);
    SplatGrad lane_sums[kLanes] = {};
    for (int l = 0; l < g.count; ++l) {
      const int rank = sums.rank_of[first + l];
      if (rank >= 0) lane_sums[l] = sum_slots(sums, rank);
    }
    const auto field = [&](float SplatGrad::*f) {
      return f8{lane_sums[0].*f, lane_sums[1].*f, lane_sums[2].*f, lane_sums[3].*f,
                lane_sums[4].*f, lane_sums[5].*f, lane_sums[6].*f, lane_sums[7].*f};
    };
    const gs::ProjectedGaussianGrad<f8> d{{field(&SplatGrad::mean_x), field(&SplatGrad::mean_y)},
                                          {field(&SplatGrad::conic_a), field(&SplatGrad::conic_b),
                                           field(&SplatGrad::conic_c)},
                                          field(&SplatGrad::opacity),
                                          {field(&SplatGrad::r), field(&SplatGrad::g),
                                           field(&SplatGrad::b)}};
    const gs::GaussianGrad<f8> r =
        gs::project_gaussian_vjp(g.in, view, d, appearance ? d_sh : nullptr);
    if (g.count == kLanes) {
      write_full_group(r, d_sh, sums.rank_of + first, appearance, first, grads);
      continue;
    }
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

__attribute__((flatten)) void project_tangents(const GaussianModel& model, const gs::View& view,
                                               const int* rank_of, const ModelTangent* tangents,
                                               int count, std::size_t begin, std::size_t end,
                                               SplatTangent* out, float* opacity_out) {
  GaussianLanes g;
  for (std::size_t first = begin; first < end; first += kLanes) {
    const std::size_t last = std::min(end, first + kLanes);
    if (std::all_of(rank_of + first, rank_of + last, [](int rank) { return rank < 0; })) continue;
    gather(model, first, end, g);
    const gs::BlendInputJacobian<f8> jac = gs::blend_input_jacobian(g.in, view);
    const Strided at = group_at(first, g.count);
    for (int k = 0; k < count; ++k) {
      const ModelTangent& t = tangents[k];
      const gs::SplatTangent<f8> d = gs::splat_tangent(
          jac, {at(t.means, 3, 0), at(t.means, 3, 1), at(t.means, 3, 2)},
          {at(t.quats, 4, 0), at(t.quats, 4, 1), at(t.quats, 4, 2), at(t.quats, 4, 3)}, opacity_out != nullptr);
      for (int l = 0; l < g.count; ++l) {
        if (rank_of[first + l] < 0) continue;
        out[(first + l) * count + k] = {{d.mean2d.x[l], d.mean2d.y[l]},
                                        {d.conic.a[l], d.conic.b[l], d.conic.c[l]},
                                        {d.color.x[l], d.color.y[l], d.color.z[l]}};
        if (opacity_out) opacity_out[(first + l) * count + k] = d.opacity[l];
      }
    }
  }
}

}  // namespace splattrack::cpu::ST_ISA
