// Spatial losses against references written here (double precision, direct
// 11 × 11 window sums for SSIM) and central differences of those references.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "splattrack/losses.hpp"

namespace sl = splattrack::losses;

namespace {

constexpr int kW = 17, kH = 13, kC = 3;

std::vector<double> random_values(std::size_t n, unsigned seed, double lo = 0.0, double hi = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (double& x : v) x = u(rng);
  return v;
}

std::vector<float> to_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

// 3DGS SSIM: 11×11 Gaussian σ = 1.5 normalised to 1, zero padding 'same'.
double reference_dssim(const std::vector<double>& x, const std::vector<double>& y, int w, int h, int c) {
  double g[11], sum = 0;
  for (int i = 0; i < 11; ++i) sum += g[i] = std::exp(-(i - 5.0) * (i - 5.0) / (2 * 1.5 * 1.5));
  for (double& v : g) v /= sum;
  const double c1 = 1e-4, c2 = 9e-4;
  double total = 0;
  for (int v = 0; v < h; ++v)
    for (int u = 0; u < w; ++u)
      for (int ch = 0; ch < c; ++ch) {
        double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
        for (int dv = -5; dv <= 5; ++dv)
          for (int du = -5; du <= 5; ++du) {
            const int uu = u + du, vv = v + dv;
            if (uu < 0 || vv < 0 || uu >= w || vv >= h) continue;
            const double wt = g[du + 5] * g[dv + 5];
            const double a = x[(static_cast<std::size_t>(vv) * w + uu) * c + ch];
            const double b = y[(static_cast<std::size_t>(vv) * w + uu) * c + ch];
            mx += wt * a, my += wt * b, xx += wt * a * a, yy += wt * b * b, xy += wt * a * b;
          }
        const double sx = xx - mx * mx, sy = yy - my * my, sxy = xy - mx * my;
        total += (2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sx + sy + c2));
      }
  return 0.5 * (1 - total / (static_cast<double>(w) * h * c));
}

using LossFn = std::function<double(const sl::ImageView&, const sl::ImageView&, float*)>;
using RefFn = std::function<double(const std::vector<double>&)>;

// Library value vs reference, library gradient vs central differences of the
// reference at random elements (tolerance relative to the largest gradient).
void check(const LossFn& loss, const RefFn& reference, std::vector<double> x, const std::vector<double>& y,
           int w, int h, int c, double step, double tol) {
  const auto xf = to_float(x), yf = to_float(y);
  std::vector<float> grad(xf.size());
  const double value = loss({xf.data(), w, h, c}, {yf.data(), w, h, c}, grad.data());
  const double expected = reference(x);
  EXPECT_NEAR(value, expected, 1e-5 * std::abs(expected) + 1e-7);
  EXPECT_EQ(loss({xf.data(), w, h, c}, {yf.data(), w, h, c}, nullptr), value);
  float g_max = 0;
  for (float g : grad) g_max = std::max(g_max, std::abs(g));
  std::mt19937 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t i = std::uniform_int_distribution<std::size_t>(0, x.size() - 1)(rng);
    const double keep = x[i];
    x[i] = keep + step;
    const double up = reference(x);
    x[i] = keep - step;
    const double down = reference(x);
    x[i] = keep;
    EXPECT_NEAR(grad[i], (up - down) / (2 * step), tol * g_max) << "element " << i;
  }
}

}  // namespace

TEST(SpatialLosses, L1AwayFromKinks) {
  const auto x = random_values(kW * kH * kC, 1), y = random_values(kW * kH * kC, 2);
  const RefFn ref = [&](const std::vector<double>& v) {
    double s = 0;
    for (std::size_t i = 0; i < v.size(); ++i) s += std::abs(v[i] - y[i]);
    return s / v.size();
  };
  // Elements closer than the step to their target would straddle the kink.
  auto xs = x;
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (std::abs(xs[i] - y[i]) < 1e-3) xs[i] = y[i] + 1e-2;
  check(sl::l1_loss, ref, xs, y, kW, kH, kC, 1e-5, 1e-4);
}

TEST(SpatialLosses, L2) {
  const auto x = random_values(kW * kH * kC, 3), y = random_values(kW * kH * kC, 4);
  const RefFn ref = [&](const std::vector<double>& v) {
    double s = 0;
    for (std::size_t i = 0; i < v.size(); ++i) s += (v[i] - y[i]) * (v[i] - y[i]);
    return s / v.size();
  };
  check(sl::l2_loss, ref, x, y, kW, kH, kC, 1e-4, 1e-4);
}

TEST(SpatialLosses, DssimMatchesDirectWindowSumsAndFiniteDifferences) {
  const auto x = random_values(kW * kH * kC, 5), y = random_values(kW * kH * kC, 6);
  const RefFn ref = [&](const std::vector<double>& v) { return reference_dssim(v, y, kW, kH, kC); };
  for (int threads : {1, 2}) {
    splattrack::ExecutionContext context(threads);
    const LossFn loss = [&](const sl::ImageView& a, const sl::ImageView& b, float* g) {
      sl::DssimLoss dssim(a.width, a.height, a.channels, context);
      dssim.set_target(b);
      return dssim.evaluate(a, g);
    };
    check(loss, ref, x, y, kW, kH, kC, 1e-4, 2e-3);
  }
  // Also a single-channel image smaller than the window, and a smooth pair
  // (high SSIM: the regime where the tracker ends).
  const auto a = random_values(4 * 7, 7), b = random_values(4 * 7, 8);
  check(
      [](const sl::ImageView& p, const sl::ImageView& q, float* g) { return sl::dssim_loss(p, q, g); },
      [&](const std::vector<double>& v) { return reference_dssim(v, b, 4, 7, 1); }, a, b, 4, 7, 1, 1e-4, 2e-3);
  std::vector<double> smooth(kW * kH * kC), near(kW * kH * kC);
  for (std::size_t i = 0; i < smooth.size(); ++i) {
    smooth[i] = 0.5 + 0.3 * std::sin(0.05 * i);
    near[i] = smooth[i] + 0.02 * std::cos(0.11 * i);
  }
  check([](const sl::ImageView& p, const sl::ImageView& q, float* g) { return sl::dssim_loss(p, q, g); },
        [&](const std::vector<double>& v) { return reference_dssim(v, near, kW, kH, kC); },
        smooth, near, kW, kH, kC, 1e-4, 2e-3);
}

TEST(SpatialLosses, DssimOfIdenticalImagesIsZero) {
  const auto x = to_float(random_values(kW * kH * kC, 9));
  std::vector<float> grad(x.size());
  EXPECT_NEAR(sl::dssim_loss({x.data(), kW, kH, kC}, {x.data(), kW, kH, kC}, grad.data()), 0.0, 1e-6);
  for (float g : grad) EXPECT_NEAR(g, 0.0f, 1e-6f);
}

// The reusable DssimLoss: its value and gradient are those of the
// reference, bit-identical for any context (rows split between threads
// recompute their halo), across set_target changes and repeated calls, and
// equal to the free function's.
TEST(SpatialLosses, DssimLossClassMatchesReferenceForAnyThreadCount) {
  const int w = 23, h = 31, c = 3;
  const auto x = random_values(w * h * c, 13), y = random_values(w * h * c, 14), z = random_values(w * h * c, 15);
  const auto xf = to_float(x), yf = to_float(y), zf = to_float(z);
  std::vector<float> ref_grad;
  double ref_value = 0;
  for (const int threads : {1, 2, 0}) {  // 0: all cores (more are capped to them)
    splattrack::ExecutionContext context(threads);
    sl::DssimLoss loss(w, h, c, context);
    loss.set_target({zf.data(), w, h, c});
    loss.evaluate({xf.data(), w, h, c}, nullptr);  // a different target first: nothing of it may remain
    loss.set_target({yf.data(), w, h, c});
    std::vector<float> grad(xf.size());
    const double value = loss.evaluate({xf.data(), w, h, c}, grad.data());
    EXPECT_EQ(loss.evaluate({xf.data(), w, h, c}, nullptr), value);
    if (threads == 1) {
      ref_value = value;
      ref_grad = grad;
      EXPECT_NEAR(value, reference_dssim(x, y, w, h, c), 1e-5 * value);
      std::vector<float> free_grad(xf.size());
      EXPECT_EQ(sl::dssim_loss({xf.data(), w, h, c}, {yf.data(), w, h, c}, free_grad.data()), value);
      EXPECT_EQ(free_grad, grad);
      continue;
    }
    EXPECT_EQ(value, ref_value) << threads << " threads";
    EXPECT_EQ(grad, ref_grad) << threads << " threads";
  }
  // The gradient itself is checked against the reference's differences by
  // DssimMatchesDirectWindowSumsAndFiniteDifferences (same code path).
  splattrack::ExecutionContext context(2);
  sl::DssimLoss loss(w, h, c, context);
  EXPECT_THROW(loss.evaluate({xf.data(), w, h, c}, nullptr), std::invalid_argument);  // no target yet
  EXPECT_THROW(loss.set_target({yf.data(), w, h - 1, c}), std::invalid_argument);
  auto bad = yf;
  bad[11] = INFINITY;
  EXPECT_THROW(loss.set_target({bad.data(), w, h, c}), std::invalid_argument);
  loss.set_target({yf.data(), w, h, c});
  EXPECT_THROW(loss.evaluate({bad.data(), w, h, c}, nullptr), std::invalid_argument);
  EXPECT_THROW(loss.evaluate({xf.data(), w, h, 1}, nullptr), std::invalid_argument);
  EXPECT_THROW(sl::DssimLoss(0, h, c, context), std::invalid_argument);
  EXPECT_THROW(sl::DssimLoss(w, 0, c, context), std::invalid_argument);
}

TEST(SpatialLosses, BceWithClampedLog) {
  auto a = random_values(kW * kH, 10, 0.05, 0.95);
  const auto m = random_values(kW * kH, 11);
  const RefFn ref = [&](const std::vector<double>& v) {
    double s = 0;
    for (std::size_t i = 0; i < v.size(); ++i) s -= m[i] * std::log(v[i]) + (1 - m[i]) * std::log(1 - v[i]);
    return s / v.size();
  };
  check(sl::bce_loss, ref, a, m, kW, kH, 1, 1e-6, 1e-4);

  // Alpha exactly 0 and 1 against the opposite mask: finite loss, log clamped.
  const std::vector<float> alpha{0.0f, 1.0f}, mask{1.0f, 0.0f};
  std::vector<float> grad(2, 5.0f);
  const double value = sl::bce_loss({alpha.data(), 2, 1, 1}, {mask.data(), 2, 1, 1}, grad.data());
  EXPECT_NEAR(value, -std::log(sl::kBceClamp), 1e-3);
  EXPECT_EQ(grad[0], 0.0f);
  EXPECT_EQ(grad[1], 0.0f);
}

TEST(SpatialLosses, BadInputs) {
  const auto x = to_float(random_values(kW * kH * kC, 12));
  const sl::ImageView ok{x.data(), kW, kH, kC};
  for (const LossFn& f : {LossFn(sl::l1_loss), LossFn(sl::l2_loss), LossFn([](auto& a, auto& b, float* g) {
                            return sl::dssim_loss(a, b, g);
                          })}) {
    EXPECT_THROW(f(ok, {x.data(), kW - 1, kH, kC}, nullptr), std::invalid_argument);
    EXPECT_THROW(f(ok, {x.data(), kW, kH, 1}, nullptr), std::invalid_argument);
    EXPECT_THROW(f({}, ok, nullptr), std::invalid_argument);
    auto bad = x;
    bad[5] = NAN;
    EXPECT_THROW(f(ok, {bad.data(), kW, kH, kC}, nullptr), std::invalid_argument);
    EXPECT_THROW(f({bad.data(), kW, kH, kC}, ok, nullptr), std::invalid_argument);
  }
  EXPECT_THROW(sl::bce_loss(ok, ok, nullptr), std::invalid_argument);  // 3 channels
}
