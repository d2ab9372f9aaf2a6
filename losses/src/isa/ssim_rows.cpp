// The row kernels of D-SSIM (ssim.cpp, which describes the method), built
// per instruction set.
#include "../always_inline.hpp"
#include "isa_kernels.hpp"

namespace splattrack::losses::ST_ISA {

namespace {

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

}  // namespace

// out[i] = Σ_t g[t]·in[i + (t − R)·stride], i < length; `in` is readable
// (zeros) R·stride before and after.
void filter_across(const float* __restrict in, int length, int stride, const float* __restrict g,
                   float* __restrict out) {
  float w[kSsimTaps];
  for (int t = 0; t < kSsimTaps; ++t) w[t] = g[t];
  for (int i = 0; i < length; ++i) {
    float acc = w[kSsimRadius] * in[i];
    for (int t = 1; t <= kSsimRadius; ++t) acc += w[kSsimRadius - t] * (in[i - t * stride] + in[i + t * stride]);
    out[i] = acc;
  }
}

// out[i] = Σ_t g[t]·rows[t][i], i < length.
void filter_down(const float* const* rows, int length, const float* __restrict g,
                 float* __restrict out) {
  const float* __restrict r[kSsimTaps];
  float w[kSsimTaps];
  for (int t = 0; t < kSsimTaps; ++t) {
    r[t] = rows[t];
    w[t] = g[t];
  }
  for (int i = 0; i < length; ++i) {
    float acc = w[kSsimRadius] * r[kSsimRadius][i];
    for (int t = 1; t <= kSsimRadius; ++t) acc += w[kSsimRadius - t] * (r[kSsimRadius - t][i] + r[kSsimRadius + t][i]);
    out[i] = acc;
  }
}

void ssim_terms(const float* mu_r, const float* mu_t, const float* e_rr, const float* e_tt,
                const float* e_rt, int length, float dl_ds, float* ssim, float* d_mu, float* d_err,
                float* d_ert) {
  if (d_mu != nullptr)
    ssim_row<true>(mu_r, mu_t, e_rr, e_tt, e_rt, length, dl_ds, ssim, d_mu, d_err, d_ert);
  else
    ssim_row<false>(mu_r, mu_t, e_rr, e_tt, e_rt, length, dl_ds, ssim, d_mu, d_err, d_ert);
}

// sums[c] = Σ_i ssim[i·kSsimSumLanes + c] (and the tail): a fixed order that vectorises.
void lane_sums(const float* __restrict ssim, int length, double* __restrict sums) {
  int i0 = 0;
  for (; i0 + kSsimSumLanes <= length; i0 += kSsimSumLanes)
    for (int c = 0; c < kSsimSumLanes; ++c) sums[c] += ssim[i0 + c];
  for (int i = i0; i < length; ++i) sums[i - i0] += ssim[i];
}

// grad[i] = g_mu[i] + 2·r[i]·g_err[i] + t[i]·g_ert[i]: back through the
// products r, r², r·t the maps were formed from.
void chain_products(const float* __restrict g_mu, const float* __restrict g_err,
                    const float* __restrict g_ert, const float* __restrict r, const float* __restrict t,
                    int length, float* __restrict grad) {
  for (int i = 0; i < length; ++i) grad[i] = g_mu[i] + 2.0f * r[i] * g_err[i] + t[i] * g_ert[i];
}

}  // namespace splattrack::losses::ST_ISA
