// D-SSIM with the 3DGS window. Forward: five window filters (μ_r, μ_t,
// E[r²], E[t²], E[rt]); backward: the chain rule per pixel, then the filter's
// adjoint, which is the filter itself (symmetric kernel, zero padding on
// both sides), applied to the three maps r depends through.
#include <array>
#include <cmath>
#include <vector>

#include "parallel.hpp"
#include "splattrack/losses/spatial.hpp"

namespace splattrack::losses {

namespace {

constexpr int kTaps = 2 * kSsimRadius + 1;

std::array<float, kTaps> gaussian_taps() {
  std::array<double, kTaps> g{};
  double sum = 0.0;
  for (int i = 0; i < kTaps; ++i) {
    const double x = i - kSsimRadius;
    g[i] = std::exp(-x * x / (2.0 * kSsimSigma * kSsimSigma));
    sum += g[i];
  }
  std::array<float, kTaps> taps{};
  for (int i = 0; i < kTaps; ++i) taps[i] = static_cast<float>(g[i] / sum);
  return taps;
}

// Separable 'same' Gaussian filter with zero padding of an [H, W, C] image.
// Both passes are written as shifted multiply-adds over whole rows so that
// the compiler vectorises them along the (u, c) axis.
void window_filter(const float* in, int w, int h, int c, float* out) {
  static const std::array<float, kTaps> g = gaussian_taps();
  const std::size_t row = static_cast<std::size_t>(w) * c;
  std::vector<float> padded((w + 2 * kSsimRadius) * static_cast<std::size_t>(c), 0.0f);
  std::vector<float> across(row * h);  // [H, W, C] after the horizontal pass
  for (int v = 0; v < h; ++v) {
    std::copy(in + v * row, in + (v + 1) * row, padded.begin() + kSsimRadius * c);
    float* dst = across.data() + v * row;
    std::fill(dst, dst + row, 0.0f);
    for (int t = 0; t < kTaps; ++t) {
      const float* src = padded.data() + static_cast<std::size_t>(t) * c;
      for (std::size_t i = 0; i < row; ++i) dst[i] += g[t] * src[i];
    }
  }
  for (int v = 0; v < h; ++v) {
    float* dst = out + v * row;
    std::fill(dst, dst + row, 0.0f);
    for (int t = std::max(0, kSsimRadius - v); t < std::min(kTaps, h + kSsimRadius - v); ++t) {
      const float* src = across.data() + (v + t - kSsimRadius) * row;
      for (std::size_t i = 0; i < row; ++i) dst[i] += g[t] * src[i];
    }
  }
}

// Runs the filter on several maps of one size side by side.
void filter_all(const std::vector<const float*>& in, const std::vector<float*>& out, const ImageView& shape,
                int threads) {
  parallel_for(static_cast<int>(in.size()), threads,
               [&](int i) { window_filter(in[i], shape.width, shape.height, shape.channels, out[i]); });
}

}  // namespace

double dssim_loss(const ImageView& rendered, const ImageView& target, float* grad, int threads) {
  require_same_shape(rendered, target, "dssim_loss");
  require_finite(rendered, "dssim_loss");
  require_finite(target, "dssim_loss");
  const std::size_t n = rendered.size();
  const float* r = rendered.data;
  const float* t = target.data;

  std::vector<float> rr(n), tt(n), rt(n);
  for (std::size_t i = 0; i < n; ++i) {
    rr[i] = r[i] * r[i];
    tt[i] = t[i] * t[i];
    rt[i] = r[i] * t[i];
  }
  std::vector<float> mu_r(n), mu_t(n), e_rr(n), e_tt(n), e_rt(n);
  filter_all({r, t, rr.data(), tt.data(), rt.data()},
             {mu_r.data(), mu_t.data(), e_rr.data(), e_tt.data(), e_rt.data()}, rendered, threads);

  // Per element: S = A·B / (Cs·D). The loss is (1 − mean S)/2, so each S
  // enters with −1/(2N); its partials go to the three maps r feeds: μ_r,
  // E[r²] (through σ_r²) and E[rt] (through σ_rt).
  const double dl_ds = -0.5 / static_cast<double>(n);
  double ssim_sum = 0.0;
  std::vector<float> d_mu(n), d_err(n), d_ert(n);  // ∂L/∂μ_r, ∂L/∂E[r²], ∂L/∂E[rt]
  for (std::size_t i = 0; i < n; ++i) {
    const double mr = mu_r[i], mt = mu_t[i];
    const double a = 2.0 * mr * mt + kSsimC1;
    const double b = 2.0 * (e_rt[i] - mr * mt) + kSsimC2;
    const double cs = mr * mr + mt * mt + kSsimC1;
    const double d = (e_rr[i] - mr * mr) + (e_tt[i] - mt * mt) + kSsimC2;
    const double s = a * b / (cs * d);
    ssim_sum += s;
    const double ds_da = b / (cs * d), ds_db = a / (cs * d), ds_dcs = -s / cs, ds_dd = -s / d;
    d_mu[i] = static_cast<float>(dl_ds * (2.0 * mt * (ds_da - ds_db) + 2.0 * mr * (ds_dcs - ds_dd)));
    d_err[i] = static_cast<float>(dl_ds * ds_dd);
    d_ert[i] = static_cast<float>(dl_ds * 2.0 * ds_db);
  }
  if (grad != nullptr) {
    std::vector<float> g_mu(n), g_err(n), g_ert(n);
    filter_all({d_mu.data(), d_err.data(), d_ert.data()}, {g_mu.data(), g_err.data(), g_ert.data()}, rendered,
               threads);
    for (std::size_t i = 0; i < n; ++i) grad[i] = g_mu[i] + 2.0f * r[i] * g_err[i] + t[i] * g_ert[i];
  }
  return 0.5 * (1.0 - ssim_sum / static_cast<double>(n));
}

}  // namespace splattrack::losses
