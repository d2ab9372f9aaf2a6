// D-SSIM with the 3DGS window. Forward: the window moments μ_r, E[r²], E[rt]
// (μ_t and E[t²] once per target); backward: the chain rule per pixel, then
// the filter's adjoint, which is the filter itself (symmetric kernel, zero
// padding on both sides), applied to the three maps r depends through.
//
// The filter is separable. Rows stream through a ring of horizontally
// filtered rows, and a vertical output row is formed as soon as the 2R + 1
// rows it needs are in, so the filtered maps never exist at full size; only
// the target's moments and the three per-pixel derivatives do. Rows are
// split between threads, each recomputing the R-row halo it needs, so every
// output is computed the same way whatever the split.
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "simd.hpp"
#include "splattrack/losses/spatial.hpp"
#include "thread_pool.hpp"

namespace splattrack::losses {

namespace {

constexpr int kTaps = 2 * kSsimRadius + 1;
constexpr int kSumLanes = 8;  // partial sums of SSIM, for a vectorised and fixed-order total

const std::array<float, kTaps>& taps() {
  static const std::array<float, kTaps> taps = [] {
    std::array<double, kTaps> g{};
    double sum = 0.0;
    for (int i = 0; i < kTaps; ++i) {
      const double x = i - kSsimRadius;
      g[i] = std::exp(-x * x / (2.0 * kSsimSigma * kSsimSigma));
      sum += g[i];
    }
    std::array<float, kTaps> out{};
    for (int i = 0; i < kTaps; ++i) out[i] = static_cast<float>(g[i] / sum);
    return out;
  }();
  return taps;
}

// out[i] = Σ_t g[t]·in[i + (t − R)·stride], i < length; `in` is readable
// (zeros) R·stride before and after.
ST_MULTIVERSION void filter_across(const float* __restrict in, int length, int stride, const float* __restrict g,
                                   float* __restrict out) {
  float w[kTaps];
  for (int t = 0; t < kTaps; ++t) w[t] = g[t];
  for (int i = 0; i < length; ++i) {
    float acc = w[kSsimRadius] * in[i];
    for (int t = 1; t <= kSsimRadius; ++t) acc += w[kSsimRadius - t] * (in[i - t * stride] + in[i + t * stride]);
    out[i] = acc;
  }
}

// out[i] = Σ_t g[t]·rows[t][i], i < length.
ST_MULTIVERSION void filter_down(const float* const* rows, int length, const float* __restrict g,
                                 float* __restrict out) {
  const float* __restrict r[kTaps];
  float w[kTaps];
  for (int t = 0; t < kTaps; ++t) {
    r[t] = rows[t];
    w[t] = g[t];
  }
  for (int i = 0; i < length; ++i) {
    float acc = w[kSsimRadius] * r[kSsimRadius][i];
    for (int t = 1; t <= kSsimRadius; ++t) acc += w[kSsimRadius - t] * (r[kSsimRadius - t][i] + r[kSsimRadius + t][i]);
    out[i] = acc;
  }
}

// One row of the per-element SSIM terms: S into ssim, and with d_mu not
// null its partials. S = A·B / (Cs·D); the loss is (1 − mean S)/2, so each
// S enters with dl_ds = −1/(2N) and its partials go to the three maps r
// feeds: μ_r, E[r²] (through σ_r²) and E[rt] (through σ_rt). Float, as in
// 3DGS, so that the loop vectorises.
template <bool Gradient>
ST_ALWAYS_INLINE void ssim_row(const float* __restrict mu_r, const float* __restrict mu_t, const float* __restrict e_rr,
                               const float* __restrict e_tt, const float* __restrict e_rt, int length, float dl_ds,
                               float* __restrict ssim, float* __restrict d_mu, float* __restrict d_err,
                               float* __restrict d_ert) {
  const float c1 = static_cast<float>(kSsimC1), c2 = static_cast<float>(kSsimC2);
  for (int i = 0; i < length; ++i) {
    const float mr = mu_r[i], mt = mu_t[i];
    const float a = 2.0f * mr * mt + c1;
    const float b = 2.0f * (e_rt[i] - mr * mt) + c2;
    const float cs = mr * mr + mt * mt + c1;
    const float d = (e_rr[i] - mr * mr) + (e_tt[i] - mt * mt) + c2;
    const float inv = 1.0f / (cs * d);
    const float s = a * b * inv;
    ssim[i] = s;
    if constexpr (Gradient) {
      const float ds_da = b * inv, ds_db = a * inv, ds_dcs = -s / cs, ds_dd = -s / d;
      d_mu[i] = dl_ds * (2.0f * mt * (ds_da - ds_db) + 2.0f * mr * (ds_dcs - ds_dd));
      d_err[i] = dl_ds * ds_dd;
      d_ert[i] = dl_ds * 2.0f * ds_db;
    }
  }
}

ST_MULTIVERSION void ssim_terms(const float* mu_r, const float* mu_t, const float* e_rr, const float* e_tt,
                                const float* e_rt, int length, float dl_ds, float* ssim, float* d_mu, float* d_err,
                                float* d_ert) {
  if (d_mu != nullptr)
    ssim_row<true>(mu_r, mu_t, e_rr, e_tt, e_rt, length, dl_ds, ssim, d_mu, d_err, d_ert);
  else
    ssim_row<false>(mu_r, mu_t, e_rr, e_tt, e_rt, length, dl_ds, ssim, d_mu, d_err, d_ert);
}

// sums[c] = Σ_i ssim[i·kSumLanes + c] (and the tail): a fixed order that vectorises.
ST_MULTIVERSION void lane_sums(const float* __restrict ssim, int length, double* __restrict sums) {
  int i0 = 0;
  for (; i0 + kSumLanes <= length; i0 += kSumLanes)
    for (int c = 0; c < kSumLanes; ++c) sums[c] += ssim[i0 + c];
  for (int i = i0; i < length; ++i) sums[i - i0] += ssim[i];
}

// grad[i] = g_mu[i] + 2·r[i]·g_err[i] + t[i]·g_ert[i]: back through the
// products r, r², r·t the maps were formed from.
ST_MULTIVERSION void chain_products(const float* __restrict g_mu, const float* __restrict g_err,
                                    const float* __restrict g_ert, const float* __restrict r, const float* __restrict t,
                                    int length, float* __restrict grad) {
  for (int i = 0; i < length; ++i) grad[i] = g_mu[i] + 2.0f * r[i] * g_err[i] + t[i] * g_ert[i];
}

// The window filter of up to kMaxMaps maps, streamed over rows [v0, v1):
// each input row is filtered across into a ring of the last kTaps rows, and
// an output row is filtered down from the ring as soon as its rows are in.
constexpr int kMaxMaps = 3;

struct RowStream {
  int length = 0;             // floats per row, W·C
  int stride = 0;             // C
  std::vector<float> padded;  // [kMaxMaps, R·C + length + R·C]
  std::vector<float> ring;    // [kMaxMaps, kTaps, length]
  std::vector<float> zeros;   // [length]
  std::vector<float> down;    // [kMaxMaps, length]: the output row
  std::vector<float> ssim;    // [length]: SSIM of the output row

  RowStream(int width, int channels)
      : length(width * channels),
        stride(channels),
        padded(kMaxMaps * static_cast<std::size_t>(length + 2 * kSsimRadius * channels), 0.0f),
        ring(static_cast<std::size_t>(kMaxMaps) * kTaps * length),
        zeros(length, 0.0f),
        down(static_cast<std::size_t>(kMaxMaps) * length),
        ssim(length) {}

  float* padded_row(int map) {
    return padded.data() + map * static_cast<std::size_t>(length + 2 * kSsimRadius * stride) + kSsimRadius * stride;
  }
  float* ring_row(int map, int y) { return ring.data() + (static_cast<std::size_t>(map) * kTaps + y % kTaps) * length; }
  float* down_row(int map) { return down.data() + static_cast<std::size_t>(map) * length; }

  // For v in [v0, v1): fill(y, padded rows) writes the maps' input rows y
  // into the padded rows; then row(v, down rows) gets the filtered rows v.
  template <class Fill, class Row>
  void run(int maps, int height, int v0, int v1, Fill&& fill, Row&& row) {
    int next = std::max(0, v0 - kSsimRadius);  // next input row to filter across
    for (int v = v0; v < v1; ++v) {
      for (; next <= std::min(height - 1, v + kSsimRadius); ++next) {
        fill(next);
        for (int m = 0; m < maps; ++m) filter_across(padded_row(m), length, stride, taps().data(), ring_row(m, next));
      }
      for (int m = 0; m < maps; ++m) {
        const float* rows[kTaps];
        for (int t = 0; t < kTaps; ++t) {
          const int y = v + t - kSsimRadius;
          rows[t] = y < 0 || y >= height ? zeros.data() : ring_row(m, y);
        }
        filter_down(rows, length, taps().data(), down_row(m));
      }
      row(v);
    }
  }
};

}  // namespace

struct DssimLoss::Impl {
  int width, height, channels;
  std::size_t length;  // W·C
  ThreadPool pool;
  std::vector<float> target;                        // [H, W, C]
  std::vector<float> mu_t, e_tt;                    // [H, W, C] window moments of the target
  std::vector<float> d_mu, d_err, d_ert;            // [H, W, C] ∂L/∂μ_r, ∂L/∂E[r²], ∂L/∂E[rt]
  std::vector<RowStream> streams;                   // one per row band
  std::vector<std::array<double, kSumLanes>> sums;  // [H] SSIM partial sums per row
  bool has_target = false;

  Impl(int w, int h, int c, int threads)
      : width(w), height(h), channels(c), length(static_cast<std::size_t>(w) * c), pool(threads) {
    const std::size_t n = length * h;
    for (auto* map : {&target, &mu_t, &e_tt, &d_mu, &d_err, &d_ert}) map->resize(n);
    for (int i = 0; i < threads; ++i) streams.emplace_back(w, c);
    sums.resize(h);
  }

  const float* row_of(const std::vector<float>& map, int v) const { return map.data() + length * v; }
  float* row_of(std::vector<float>& map, int v) { return map.data() + length * v; }

  // Runs band(part, v0, v1) over row bands, one per thread.
  template <class Band>
  void bands(Band&& band) {
    const int parts = static_cast<int>(streams.size());
    pool.run(parts, [&](int part) { band(streams[part], height * part / parts, height * (part + 1) / parts); });
  }
};

DssimLoss::DssimLoss(int width, int height, int channels, int threads) {
  if (width <= 0 || height <= 0 || channels <= 0 || threads < 1)
    throw std::invalid_argument("DssimLoss: size must be positive and threads >= 1, got " + std::to_string(width) +
                                "x" + std::to_string(height) + "x" + std::to_string(channels) + ", " +
                                std::to_string(threads) + " threads");
  impl_ = std::make_unique<Impl>(width, height, channels, threads);
}

DssimLoss::~DssimLoss() = default;
DssimLoss::DssimLoss(DssimLoss&&) noexcept = default;
DssimLoss& DssimLoss::operator=(DssimLoss&&) noexcept = default;

void DssimLoss::set_target(const ImageView& target) {
  Impl& m = *impl_;
  require_shape(target, m.width, m.height, m.channels, "DssimLoss::set_target");
  require_finite(target, "DssimLoss::set_target");
  std::copy(target.data, target.data + target.size(), m.target.begin());
  m.bands([&](RowStream& s, int v0, int v1) {
    s.run(
        2, m.height, v0, v1,
        [&](int y) {
          const float* t = m.row_of(m.target, y);
          float* t1 = s.padded_row(0);
          float* t2 = s.padded_row(1);
          for (std::size_t i = 0; i < m.length; ++i) {
            t1[i] = t[i];
            t2[i] = t[i] * t[i];
          }
        },
        [&](int v) {
          std::copy_n(s.down_row(0), m.length, m.row_of(m.mu_t, v));
          std::copy_n(s.down_row(1), m.length, m.row_of(m.e_tt, v));
        });
  });
  m.has_target = true;
}

double DssimLoss::evaluate(const ImageView& rendered, float* grad) {
  Impl& m = *impl_;
  if (!m.has_target) throw std::invalid_argument("DssimLoss::evaluate: set_target() was not called");
  require_shape(rendered, m.width, m.height, m.channels, "DssimLoss::evaluate");
  require_finite(rendered, "DssimLoss::evaluate");
  const float dl_ds = static_cast<float>(-0.5 / (static_cast<double>(m.length) * m.height));
  const float* r = rendered.data;

  m.bands([&](RowStream& s, int v0, int v1) {
    s.run(
        3, m.height, v0, v1,
        [&](int y) {
          const float* ry = r + m.length * y;
          const float* ty = m.row_of(m.target, y);
          float* p0 = s.padded_row(0);
          float* p1 = s.padded_row(1);
          float* p2 = s.padded_row(2);
          for (std::size_t i = 0; i < m.length; ++i) {
            p0[i] = ry[i];
            p1[i] = ry[i] * ry[i];
            p2[i] = ry[i] * ty[i];
          }
        },
        [&](int v) {
          ssim_terms(s.down_row(0), m.row_of(m.mu_t, v), s.down_row(1), m.row_of(m.e_tt, v), s.down_row(2),
                     static_cast<int>(m.length), dl_ds, s.ssim.data(), grad ? m.row_of(m.d_mu, v) : nullptr,
                     m.row_of(m.d_err, v), m.row_of(m.d_ert, v));
          m.sums[v].fill(0.0);
          lane_sums(s.ssim.data(), static_cast<int>(m.length), m.sums[v].data());
        });
  });
  double ssim_sum = 0.0;
  for (const auto& row : m.sums)
    for (const double s : row) ssim_sum += s;

  if (grad != nullptr) {
    m.bands([&](RowStream& s, int v0, int v1) {
      s.run(
          3, m.height, v0, v1,
          [&](int y) {
            std::copy_n(m.row_of(m.d_mu, y), m.length, s.padded_row(0));
            std::copy_n(m.row_of(m.d_err, y), m.length, s.padded_row(1));
            std::copy_n(m.row_of(m.d_ert, y), m.length, s.padded_row(2));
          },
          [&](int v) {
            chain_products(s.down_row(0), s.down_row(1), s.down_row(2), r + m.length * v, m.row_of(m.target, v),
                           static_cast<int>(m.length), grad + m.length * v);
          });
    });
  }
  return 0.5 * (1.0 - ssim_sum / (static_cast<double>(m.length) * m.height));
}

double dssim_loss(const ImageView& rendered, const ImageView& target, float* grad, int threads) {
  require_same_shape(rendered, target, "dssim_loss");
  require_finite(rendered, "dssim_loss");
  require_finite(target, "dssim_loss");
  struct Cached {
    int width = 0, height = 0, channels = 0, threads = 0;
    std::unique_ptr<DssimLoss> loss;
  };
  static thread_local Cached cached;
  if (!cached.loss || cached.width != rendered.width || cached.height != rendered.height ||
      cached.channels != rendered.channels || cached.threads != threads) {
    cached.loss = std::make_unique<DssimLoss>(rendered.width, rendered.height, rendered.channels, threads);
    cached.width = rendered.width;
    cached.height = rendered.height;
    cached.channels = rendered.channels;
    cached.threads = threads;
  }
  cached.loss->set_target(target);
  return cached.loss->evaluate(rendered, grad);
}

}  // namespace splattrack::losses
