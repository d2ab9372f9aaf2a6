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

#include "kernels.hpp"
#include "splattrack/losses/spatial.hpp"

namespace splattrack::losses {

namespace {

const std::array<float, kSsimTaps>& taps() {
  static const std::array<float, kSsimTaps> taps = [] {
    std::array<double, kSsimTaps> g{};
    double sum = 0.0;
    for (int i = 0; i < kSsimTaps; ++i) {
      const double x = i - kSsimRadius;
      g[i] = std::exp(-x * x / (2.0 * kSsimSigma * kSsimSigma));
      sum += g[i];
    }
    std::array<float, kSsimTaps> out{};
    for (int i = 0; i < kSsimTaps; ++i) out[i] = static_cast<float>(g[i] / sum);
    return out;
  }();
  return taps;
}

// The window filter of up to kMaxMaps maps, streamed over rows [v0, v1):
// each input row is filtered across into a ring of the last kSsimTaps rows, and
// an output row is filtered down from the ring as soon as its rows are in.
constexpr int kMaxMaps = 3;

struct RowStream {
  int length = 0;             // floats per row, W·C
  int stride = 0;             // C
  std::vector<float> padded;  // [kMaxMaps, R·C + length + R·C]
  std::vector<float> ring;    // [kMaxMaps, kSsimTaps, length]
  std::vector<float> zeros;   // [length]
  std::vector<float> down;    // [kMaxMaps, length]: the output row
  std::vector<float> ssim;    // [length]: SSIM of the output row

  RowStream(int width, int channels)
      : length(width * channels),
        stride(channels),
        padded(kMaxMaps * static_cast<std::size_t>(length + 2 * kSsimRadius * channels), 0.0f),
        ring(static_cast<std::size_t>(kMaxMaps) * kSsimTaps * length),
        zeros(length, 0.0f),
        down(static_cast<std::size_t>(kMaxMaps) * length),
        ssim(length) {}

  float* padded_row(int map) {
    return padded.data() + map * static_cast<std::size_t>(length + 2 * kSsimRadius * stride) + kSsimRadius * stride;
  }
  float* ring_row(int map, int y) { return ring.data() + (static_cast<std::size_t>(map) * kSsimTaps + y % kSsimTaps) * length; }
  float* down_row(int map) { return down.data() + static_cast<std::size_t>(map) * length; }

  // For v in [v0, v1): fill(y, padded rows) writes the maps' input rows y
  // into the padded rows; then row(v, down rows) gets the filtered rows v.
  template <class Fill, class Row>
  void run(int maps, int height, int v0, int v1, Fill&& fill, Row&& row) {
    int next = std::max(0, v0 - kSsimRadius);  // next input row to filter across
    for (int v = v0; v < v1; ++v) {
      for (; next <= std::min(height - 1, v + kSsimRadius); ++next) {
        fill(next);
        for (int m = 0; m < maps; ++m) kernels().filter_across(padded_row(m), length, stride, taps().data(), ring_row(m, next));
      }
      for (int m = 0; m < maps; ++m) {
        const float* rows[kSsimTaps];
        for (int t = 0; t < kSsimTaps; ++t) {
          const int y = v + t - kSsimRadius;
          rows[t] = y < 0 || y >= height ? zeros.data() : ring_row(m, y);
        }
        kernels().filter_down(rows, length, taps().data(), down_row(m));
      }
      row(v);
    }
  }
};

}  // namespace

struct DssimLoss::Impl {
  int width, height, channels;
  std::size_t length;  // W·C
  ExecutionContext* context;
  std::vector<float> target;                             // [H, W, C]
  std::vector<float> mu_t, e_tt;                         // [H, W, C] window moments of the target
  std::vector<float> d_mu, d_err, d_ert;                 // [H, W, C] ∂L/∂μ_r, ∂L/∂E[r²], ∂L/∂E[rt]
  std::vector<RowStream> streams;                        // [threads]
  std::vector<std::array<double, kSsimSumLanes>> sums;  // [H] SSIM partial sums per row
  bool has_target = false;

  Impl(int w, int h, int c, ExecutionContext& ctx)
      : width(w), height(h), channels(c), length(static_cast<std::size_t>(w) * c), context(&ctx) {
    const std::size_t n = length * h;
    for (auto* map : {&target, &mu_t, &e_tt, &d_mu, &d_err, &d_ert}) map->resize(n);
    for (int i = 0; i < ctx.size(); ++i) streams.emplace_back(w, c);
    sums.resize(h);
  }

  const float* row_of(const std::vector<float>& map, int v) const { return map.data() + length * v; }
  float* row_of(std::vector<float>& map, int v) { return map.data() + length * v; }

  // Runs band(stream, v0, v1) over one row band per thread.
  template <class Band>
  void bands(Band&& band) {
    const int parts = static_cast<int>(streams.size());
    context->run(parts, [&](int part, int thread) {
      band(streams[thread], height * part / parts, height * (part + 1) / parts);
    });
  }
};

namespace {

void check_shape(int width, int height, int channels) {
  if (width <= 0 || height <= 0 || channels <= 0)
    throw std::invalid_argument("DssimLoss: size must be positive, got " + std::to_string(width) + "x" +
                                std::to_string(height) + "x" + std::to_string(channels));
}

}  // namespace

DssimLoss::DssimLoss(int width, int height, int channels, ExecutionContext& context) {
  check_shape(width, height, channels);
  impl_ = std::make_unique<Impl>(width, height, channels, context);
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
          kernels().ssim_terms(s.down_row(0), m.row_of(m.mu_t, v), s.down_row(1), m.row_of(m.e_tt, v), s.down_row(2),
                     static_cast<int>(m.length), dl_ds, s.ssim.data(), grad ? m.row_of(m.d_mu, v) : nullptr,
                     m.row_of(m.d_err, v), m.row_of(m.d_ert, v));
          m.sums[v].fill(0.0);
          kernels().lane_sums(s.ssim.data(), static_cast<int>(m.length), m.sums[v].data());
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
            kernels().chain_products(s.down_row(0), s.down_row(1), s.down_row(2), r + m.length * v, m.row_of(m.target, v),
                           static_cast<int>(m.length), grad + m.length * v);
          });
    });
  }
  return 0.5 * (1.0 - ssim_sum / (static_cast<double>(m.length) * m.height));
}

double dssim_loss(const ImageView& rendered, const ImageView& target, float* grad) {
  require_same_shape(rendered, target, "dssim_loss");
  require_finite(rendered, "dssim_loss");
  require_finite(target, "dssim_loss");
  struct Cached {
    int width = 0, height = 0, channels = 0;
    ExecutionContext context{1};
    std::unique_ptr<DssimLoss> loss;
  };
  static thread_local Cached cached;
  if (!cached.loss || cached.width != rendered.width || cached.height != rendered.height ||
      cached.channels != rendered.channels) {
    cached.loss = std::make_unique<DssimLoss>(rendered.width, rendered.height, rendered.channels, cached.context);
    cached.width = rendered.width;
    cached.height = rendered.height;
    cached.channels = rendered.channels;
  }
  cached.loss->set_target(target);
  return cached.loss->evaluate(rendered, grad);
}

}  // namespace splattrack::losses
