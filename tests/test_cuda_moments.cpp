// The spectral moments through cuFFT (CudaMomentTransform) against the CPU's
// MomentTransform, the reference: forward grids and adjoint planes of random
// planes, all bands and the top ones alone, on an odd-sized window, a square
// one and one smaller than the top band, batched over four planes; and the
// spectral loss with its moments on the GPU against the CPU's. Skipped, with the reason, without a
// device that runs this build; the argument checks run everywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <stdexcept>
#include <vector>

#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/losses/moments.hpp"
#include "splattrack/losses/spectral_loss.hpp"
#include "splattrack/render/cuda.hpp"

using namespace splattrack;
using namespace splattrack::losses;

namespace {

constexpr int kPlanes = 4;  // RGB and the foreground

TEST(CudaMoments, BadSizesAndBandsAreRejectedBeforeTheDevice) {
  EXPECT_THROW(CudaMomentTransform(0, 10, 4), std::invalid_argument);
  EXPECT_THROW(CudaMomentTransform(64, 64, 0), std::invalid_argument);
}

TEST(CudaMoments, WithoutADeviceConstructionSaysWhy) {
  if (cuda_device().available) GTEST_SKIP() << "a device is present: " << cuda_device().name;
  try {
    CudaMomentTransform t(64, 48, 5);
    FAIL() << "made a CudaMomentTransform without a device";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), cuda_device().reason);
  }
}

TEST(CudaMoments, ForwardAndAdjointMatchTheCpuTransform) {
  if (!cuda_device().available) GTEST_SKIP() << cuda_device().reason;
  std::mt19937 rng(8);
  std::normal_distribution<float> n01;
  struct Case {
    int width, height, bands;
  };
  // The last: bands finer than the image (radius 64 > 40), whose bins wrap.
  for (const Case c : {Case{83, 61, 6}, Case{256, 256, 8}, Case{40, 30, 7}}) {
    const MomentTransform cpu(c.width, c.height, c.bands);
    CudaMomentTransform gpu(c.width, c.height, c.bands);
    ASSERT_EQ(gpu.radius(), cpu.radius());
    const std::size_t pixels = static_cast<std::size_t>(c.width) * c.height;
    const std::size_t grid = static_cast<std::size_t>(cpu.radius() + 1) * (2 * cpu.radius() + 1);
    std::vector<float> planes(kPlanes * pixels);
    for (float& v : planes) v = n01(rng);
    std::vector<std::complex<float>> weights(kPlanes * grid);
    for (auto& w : weights) w = {n01(rng), n01(rng)};
    for (const BandSet active : {BandSet::all(c.bands), BandSet{0b111u << (c.bands - 3)}}) {
      std::vector<std::complex<float>> got(kPlanes * grid), expected(kPlanes * grid);
      gpu.forward(planes.data(), kPlanes, active, got.data());
      std::vector<float> adjoint_got(kPlanes * pixels), adjoint_expected(kPlanes * pixels);
      gpu.adjoint(weights.data(), kPlanes, active, adjoint_got.data());
      for (int p = 0; p < kPlanes; ++p) {
        cpu.forward(planes.data() + p * pixels, active, MomentPath::kFft, expected.data() + p * grid);
        cpu.adjoint(weights.data() + p * grid, active, MomentPath::kFft, adjoint_expected.data() + p * pixels);
      }
      double diff = 0, scale = 0;
      const int r = cpu.radius();
      for (int p = 0; p < kPlanes; ++p)
        for (int kx = 0; kx <= r; ++kx)
          for (int ky = -r; ky <= r; ++ky) {
            if (!active.contains(band_of(kx, ky))) continue;
            const std::size_t i = p * grid + static_cast<std::size_t>(kx) * (2 * r + 1) + (ky + r);
            diff = std::max(diff, static_cast<double>(std::abs(got[i] - expected[i])));
            scale = std::max(scale, static_cast<double>(std::abs(expected[i])));
          }
      EXPECT_LT(diff, 1e-4 * scale) << c.width << "x" << c.height << " bands " << active.bits;
      double adiff = 0, ascale = 0;
      for (std::size_t i = 0; i < adjoint_got.size(); ++i) {
        adiff = std::max(adiff, static_cast<double>(std::abs(adjoint_got[i] - adjoint_expected[i])));
        ascale = std::max(ascale, static_cast<double>(std::abs(adjoint_expected[i])));
      }
      EXPECT_LT(adiff, 1e-4 * ascale) << c.width << "x" << c.height << " bands " << active.bits;
    }
  }
}

double relative(const std::vector<float>& got, const std::vector<float>& expected) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::abs(got[i] - expected[i])));
    scale = std::max(scale, static_cast<double>(std::abs(expected[i])));
  }
  return diff / std::max(scale, 1e-30);
}

TEST(CudaMoments, TheSpectralLossOnTheGpuMatchesTheCpus) {
  SpectralLossOptions cuda_options;
  cuda_options.cuda = true;
  ExecutionContext context(2);
  if (!cuda_device().available) {
    EXPECT_THROW(SpectralLoss(64, 48, cuda_options, context), std::runtime_error);
    GTEST_SKIP() << cuda_device().reason;
  }
  constexpr int W = 96, H = 80;
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u01(0.f, 1.f);
  std::vector<float> target(3 * W * H), mask(W * H), rgb(3 * W * H), alpha(W * H);
  for (auto* v : {&target, &mask, &rgb, &alpha})
    for (float& x : *v) x = u01(rng);
  SpectralLoss cpu(W, H, SpectralLossOptions{}, context);
  SpectralLoss gpu(W, H, cuda_options, context);
  for (SpectralLoss* loss : {&cpu, &gpu}) loss->set_target({target.data(), W, H, 3}, {mask.data(), W, H, 1});
  const ImageView image{rgb.data(), W, H, 3}, silhouette{alpha.data(), W, H, 1};
  const std::vector<double> bands = {0, 0, 0, 0.5, 1, 1, 1, 1};
  std::vector<float> g_rgb[2], g_alpha[2];
  double value[2];
  std::vector<double> residuals[2];
  int i = 0;
  for (SpectralLoss* loss : {&cpu, &gpu}) {
    g_rgb[i].resize(3 * W * H);
    g_alpha[i].resize(W * H);
    value[i] = loss->evaluate(image, silhouette, bands, g_rgb[i].data(), g_alpha[i].data());
    residuals[i] = loss->residuals(image, silhouette, bands);
    ++i;
  }
  EXPECT_NEAR(value[1], value[0], 1e-4 * std::abs(value[0]));
  EXPECT_LT(relative(g_rgb[1], g_rgb[0]), 1e-4);
  EXPECT_LT(relative(g_alpha[1], g_alpha[0]), 1e-4);
  ASSERT_EQ(residuals[1].size(), residuals[0].size());
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < residuals[0].size(); ++k) {
    diff = std::max(diff, std::abs(residuals[1][k] - residuals[0][k]));
    scale = std::max(scale, std::abs(residuals[0][k]));
  }
  EXPECT_LT(diff, 1e-4 * scale);
  // The transpose on the same residual vector.
  for (int k = 0; k < 2; ++k) {
    SpectralLoss& loss = k == 0 ? cpu : gpu;
    loss.residual_jacobian_transpose_times(residuals[0], bands, g_rgb[k].data(), g_alpha[k].data());
  }
  EXPECT_LT(relative(g_rgb[1], g_rgb[0]), 1e-4);
  EXPECT_LT(relative(g_alpha[1], g_alpha[0]), 1e-4);
}

}  // namespace
