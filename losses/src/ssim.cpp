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
// Each output sums its 11 taps in a register and the loop over the (u, c)
// axis vectorises; rows outside the image are read from a row of zeros.
void window_filter(const float* in, int w, int h, int c, float* out) {
  static const std::array<float, kTaps> g = gaussian_taps();
  const std::size_t row = static_cast<std::size_t>(w) * c;
  std::vector<float> padded(row + 2 * kSsimRadius * static_cast<std::size_t>(c), 0.0f);
  std::vector<float> across(row * h);  // [H, W, C] after the horizontal pass
  for (int v = 0; v < h; ++v) {
    std::copy(in + v * row, in + (v + 1) * row, padded.begin() + kSsimRadius * c);
    float* dst = across.data() + v * row;
    for (std::size_t i = 0; i < row; ++i) {
      float acc = 0.0f;
      for (int t = 0; t < kTaps; ++t) acc += g[t] * padded[i + static_cast<std::size_t>(t) * c];
      dst[i] = acc;
    }
  }
  const std::vector<float> zeros(row, 0.0f);
  std::array<const float*, kTaps> src{};
  for (int v = 0; v < h; ++v) {
    for (int t = 0; t < kTaps; ++t) {
      const int y = v + t - kSsimRadius;
      src[t] = y < 0 || y >= h ? zeros.data() : across.data() + y * row;
    }
    float* dst = out + v * row;
    for (std::size_t i = 0; i < row; ++i) {
      float acc = 0.0f;
      for (int t = 0; t < kTaps; ++t) acc += g[t] * src[t][i];
      dst[i] = acc;
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
  // E[r²] (through σ_r²) and E[rt] (through σ_rt). Float, as in 3DGS, so
  // the loop vectorises; S is summed in double afterwards.
  const float dl_ds = static_cast<float>(-0.5 / static_cast<double>(n));
  const float c1 = static_cast<float>(kSsimC1), c2 = static_cast<float>(kSsimC2);
  std::vector<float> ssim(n), d_mu(n), d_err(n), d_ert(n);  // S, ∂L/∂μ_r, ∂L/∂E[r²], ∂L/∂E[rt]
  for (std::size_t i = 0; i < n; ++i) {
    const float mr = mu_r[i], mt = mu_t[i];
    const float a = 2.0f * mr * mt + c1;
    const float b = 2.0f * (e_rt[i] - mr * mt) + c2;
    const float cs = mr * mr + mt * mt + c1;
    const float d = (e_rr[i] - mr * mr) + (e_tt[i] - mt * mt) + c2;
    const float inv = 1.0f / (cs * d);
    const float sv = a * b * inv;
    ssim[i] = sv;
    const float ds_da = b * inv, ds_db = a * inv, ds_dcs = -sv / cs, ds_dd = -sv / d;
    d_mu[i] = dl_ds * (2.0f * mt * (ds_da - ds_db) + 2.0f * mr * (ds_dcs - ds_dd));
    d_err[i] = dl_ds * ds_dd;
    d_ert[i] = dl_ds * 2.0f * ds_db;
  }
  double ssim_sum = 0.0;
  for (const float sv : ssim) ssim_sum += sv;
  if (grad != nullptr) {
    std::vector<float> g_mu(n), g_err(n), g_ert(n);
    filter_all({d_mu.data(), d_err.data(), d_ert.data()}, {g_mu.data(), g_err.data(), g_ert.data()}, rendered,
               threads);
    for (std::size_t i = 0; i < n; ++i) grad[i] = g_mu[i] + 2.0f * r[i] * g_err[i] + t[i] * g_ert[i];
  }
  return 0.5 * (1.0 - ssim_sum / static_cast<double>(n));
}

}  // namespace splattrack::losses
