// Spectral moments and the spectral loss against references written here:
// direct double-precision sums over pixels and central finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "render_test_util.hpp"
#include "splattrack/losses.hpp"

namespace sl = splattrack::losses;
using cd = std::complex<double>;

namespace {

std::vector<float> random_image(int w, int h, int c, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> img(static_cast<std::size_t>(w) * h * c);
  for (float& x : img) x = u(rng);
  return img;
}

// M(k) = (1/N) Σ_p I(p)·exp(−j·(π/2)·kᵀp̂), p̂ = (p − c)/(S/2), straight from METHOD.md §4.
cd reference_moment(const std::vector<float>& img, int w, int h, int channels, int channel, int kx, int ky) {
  const double s = std::max(w, h);
  const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  cd sum = 0;
  for (int v = 0; v < h; ++v)
    for (int u = 0; u < w; ++u) {
      const double px = (u - cx) / (s / 2), py = (v - cy) / (s / 2);
      const double phase = -std::numbers::pi / 2 * (kx * px + ky * py);
      sum += static_cast<double>(img[(static_cast<std::size_t>(v) * w + u) * channels + channel]) *
             std::polar(1.0, phase);
    }
  return sum / (static_cast<double>(w) * h);
}

double mean_abs(const std::vector<float>& p) {
  double s = 0;
  for (float x : p) s += std::abs(x);
  return s / p.size();
}

struct Size {
  int w, h;
};

}  // namespace

// Every grid entry of the active bands, both paths, against the direct sum;
// errors relative to mean|I|, the bound of every |M(k)|.
TEST(SpectralMoments, BothPathsMatchDirectSumOnOddNonSquareSizes) {
  const Size sizes[] = {{37, 23}, {20, 31}, {64, 48}, {9, 9}};
  const sl::BandSet sets[] = {{0b1}, {0b1111}, {0b11111}, {0b10100}};
  for (const Size sz : sizes) {
    const auto img = random_image(sz.w, sz.h, 1, 7 + sz.w);
    const sl::MomentTransform t(sz.w, sz.h, 5);
    for (const sl::BandSet active : sets) {
      for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft}) {
        sl::MomentGrid grid(t.radius(), 1);
        t.forward(img.data(), active, path, grid.plane(0));
        const double scale = mean_abs(img);
        for (int b = 0; b < 5; ++b) {
          if (!active.contains(b)) continue;
          sl::for_each_grid_frequency(b, [&](int kx, int ky) {
            const cd ref = reference_moment(img, sz.w, sz.h, 1, 0, kx, ky);
            const cd got(grid.at(0, kx, ky).real(), grid.at(0, kx, ky).imag());
            EXPECT_LT(std::abs(got - ref), 1e-5 * scale)
                << sl::to_string(path) << " " << sz.w << "x" << sz.h << " k=(" << kx << "," << ky << ")";
          });
        }
      }
    }
  }
}

// The adjoint of each path is the transpose of the forward map:
// <forward(x), g> = <x, adjoint(g)> with the real pairing Re(conj(g)·M).
TEST(SpectralMoments, AdjointIsTransposeOfForward) {
  for (const Size sz : {Size{37, 23}, Size{20, 31}}) {
    const sl::MomentTransform t(sz.w, sz.h, 5);
    const auto x = random_image(sz.w, sz.h, 1, 3);
    for (const sl::BandSet active : {sl::BandSet{0b1}, sl::BandSet{0b11111}, sl::BandSet{0b11010}}) {
      for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft}) {
        sl::MomentGrid m(t.radius(), 1), g(t.radius(), 1);
        const auto gr = random_image(static_cast<int>(g.plane_size()), 2, 1, 11);
        for (std::size_t i = 0; i < g.plane_size(); ++i) g.plane(0)[i] = {gr[2 * i] - 0.5f, gr[2 * i + 1] - 0.5f};
        t.forward(x.data(), active, path, m.plane(0));
        std::vector<float> xt(x.size());
        t.adjoint(g.plane(0), active, path, xt.data());
        double lhs = 0, rhs = 0;
        for (int b = 0; b < 5; ++b)
          if (active.contains(b))
            sl::for_each_grid_frequency(b, [&](int kx, int ky) {
              lhs += std::real(std::conj(std::complex<double>(g.at(0, kx, ky))) *
                               std::complex<double>(m.at(0, kx, ky)));
            });
        for (std::size_t i = 0; i < x.size(); ++i) rhs += static_cast<double>(x[i]) * xt[i];
        EXPECT_NEAR(lhs, rhs, 1e-5 * std::abs(lhs) + 1e-7) << sl::to_string(path);
      }
    }
  }
}

TEST(SpectralMoments, PathsAgreeOnLargerOddImageAllBands) {
  const int w = 97, h = 61;
  const auto img = random_image(w, h, 1, 5);
  const sl::MomentTransform t(w, h, 8);
  sl::MomentGrid dft(t.radius(), 1), fft(t.radius(), 1);
  const sl::BandSet all = sl::BandSet::all(8);
  t.forward(img.data(), all, sl::MomentPath::kDft, dft.plane(0));
  t.forward(img.data(), all, sl::MomentPath::kFft, fft.plane(0));
  double worst = 0;
  for (int b = 0; b < 8; ++b)
    sl::for_each_grid_frequency(b, [&](int kx, int ky) {
      worst = std::max(worst, static_cast<double>(std::abs(dft.at(0, kx, ky) - fft.at(0, kx, ky))));
    });
  EXPECT_LT(worst, 1e-5 * mean_abs(img));
}

// The sizes the tracker runs at, all bands (FFT lengths 512 = 2·4⁴,
// 600 = 2³·3·5², 514 = 2·257): both paths' forward grids and adjoint
// planes agree everywhere, and match the direct sum at sampled k.
TEST(SpectralMoments, PathsAgreeAtTrackingSizesAllBands) {
  for (const Size sz : {Size{256, 256}, Size{300, 200}, Size{257, 131}}) {
    const auto img = random_image(sz.w, sz.h, 1, 17);
    const sl::MomentTransform t(sz.w, sz.h, 8);
    const sl::BandSet all = sl::BandSet::all(8);
    sl::MomentGrid dft(t.radius(), 1), fft(t.radius(), 1);
    t.forward(img.data(), all, sl::MomentPath::kDft, dft.plane(0));
    t.forward(img.data(), all, sl::MomentPath::kFft, fft.plane(0));
    const double scale = mean_abs(img);
    double worst = 0;
    for (int b = 0; b < 8; ++b)
      sl::for_each_grid_frequency(b, [&](int kx, int ky) {
        worst = std::max(worst, static_cast<double>(std::abs(dft.at(0, kx, ky) - fft.at(0, kx, ky))));
      });
    EXPECT_LT(worst, 1e-5 * scale) << sz.w << "x" << sz.h;
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> kx_of(0, t.radius()), ky_of(-t.radius(), t.radius());
    for (int i = 0; i < 12; ++i) {
      const int kx = kx_of(rng), ky = ky_of(rng);
      const cd ref = reference_moment(img, sz.w, sz.h, 1, 0, kx, ky);
      EXPECT_LT(std::abs(cd(fft.at(0, kx, ky)) - ref), 1e-5 * scale) << "k=(" << kx << "," << ky << ")";
    }

    sl::MomentGrid g(t.radius(), 1);
    const auto gr = random_image(static_cast<int>(g.plane_size()), 2, 1, 19);
    for (std::size_t i = 0; i < g.plane_size(); ++i) g.plane(0)[i] = {gr[2 * i] - 0.5f, gr[2 * i + 1] - 0.5f};
    std::vector<float> a_dft(img.size()), a_fft(img.size());
    t.adjoint(g.plane(0), all, sl::MomentPath::kDft, a_dft.data());
    t.adjoint(g.plane(0), all, sl::MomentPath::kFft, a_fft.data());
    double a_max = 0, a_err = 0;
    for (std::size_t i = 0; i < img.size(); ++i) {
      a_max = std::max(a_max, static_cast<double>(std::abs(a_dft[i])));
      a_err = std::max(a_err, static_cast<double>(std::abs(a_dft[i] - a_fft[i])));
    }
    EXPECT_LT(a_err, 1e-4 * a_max) << sz.w << "x" << sz.h;
  }
}

// A shift by d multiplies M(k) by exp(−j·(π/2)·kᵀd/(S/2)): exact for an
// impulse, and for a smooth blob that stays inside the image.
TEST(SpectralMoments, ShiftMultipliesByPhase) {
  const int w = 40, h = 27;
  const double s = std::max(w, h);
  const int dx = 5, dy = -3;
  const sl::MomentTransform t(w, h, 5);
  const auto make = [&](double x0, double y0, double sigma) {
    std::vector<float> img(static_cast<std::size_t>(w) * h, 0.0f);
    for (int v = 0; v < h; ++v)
      for (int u = 0; u < w; ++u) {
        const double r2 = (u - x0) * (u - x0) + (v - y0) * (v - y0);
        img[static_cast<std::size_t>(v) * w + u] =
            sigma == 0 ? (r2 == 0 ? 1.0f : 0.0f) : static_cast<float>(std::exp(-r2 / (2 * sigma * sigma)));
      }
    return img;
  };
  for (const double sigma : {0.0, 2.0}) {
    const auto a = make(17, 14, sigma), b = make(17 + dx, 14 + dy, sigma);
    for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft}) {
      sl::MomentGrid ma(t.radius(), 1), mb(t.radius(), 1);
      t.forward(a.data(), sl::BandSet::all(5), path, ma.plane(0));
      t.forward(b.data(), sl::BandSet::all(5), path, mb.plane(0));
      const double scale = std::abs(std::complex<double>(ma.at(0, 0, 0)));
      for (int b_ = 0; b_ < 5; ++b_)
        sl::for_each_grid_frequency(b_, [&](int kx, int ky) {
          const cd phase = std::polar(1.0, -std::numbers::pi / 2 * (kx * dx + ky * dy) / (s / 2));
          const cd expected = phase * cd(ma.at(0, kx, ky));
          EXPECT_LT(std::abs(cd(mb.at(0, kx, ky)) - expected), 2e-5 * scale)
              << "sigma " << sigma << " k=(" << kx << "," << ky << ")";
        });
    }
  }
}

namespace {

// The spectral loss straight from METHOD.md §4, over FULL band sets (not the
// half sets the library uses), double precision throughout.
struct ReferenceLoss {
  int w, h, channels, bands;
  std::vector<double> weights, scales;
  double mask_weight, eps;
  bool least_squares;
  std::vector<double> target, target_mask;  // NaN allowed: those elements are ignored

  double rho(cd z) const {
    return least_squares ? 0.5 * std::norm(z) : std::sqrt(std::norm(z) + eps * eps) - eps;
  }
  // Σ_b w_b·s_b Σ_{k∈b} ρ(M_k(valid·a) − M_k(valid·b)) for plane `c` of two images.
  double plane_loss(const std::vector<double>& a, const std::vector<double>& t, int stride, int c) const {
    const double s = std::max(w, h), cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    const int r = sl::band_radius(bands - 1);
    double loss = 0;
    for (int kx = -r; kx <= r; ++kx)
      for (int ky = -r; ky <= r; ++ky) {
        const int b = sl::band_of(kx, ky);
        if (b >= bands || weights[b] == 0) continue;
        cd z = 0;
        for (int v = 0; v < h; ++v)
          for (int u = 0; u < w; ++u) {
            const std::size_t i = (static_cast<std::size_t>(v) * w + u) * stride + c;
            if (!std::isfinite(t[i])) continue;
            const double phase = -std::numbers::pi / 2 * (kx * (u - cx) + ky * (v - cy)) / (s / 2);
            z += (a[i] - t[i]) * std::polar(1.0, phase);
          }
        loss += weights[b] * scales[b] * rho(z / (static_cast<double>(w) * h));
      }
    return loss;
  }
  double operator()(const std::vector<double>& rgb, const std::vector<double>& alpha) const {
    double loss = 0;
    for (int c = 0; c < channels; ++c) loss += plane_loss(rgb, target, channels, c);
    if (!target_mask.empty()) loss += mask_weight * plane_loss(alpha, target_mask, 1, 0);
    return loss;
  }
};

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }
std::vector<float> to_float(const std::vector<double>& v) { return {v.begin(), v.end()}; }

struct LossCase {
  int w = 13, h = 9, bands = 4;
  std::vector<double> weights{1.0, 0.7, 0.3, 0.0};
  std::vector<double> scales{1.0, 2.0, 0.5, 1.0};
  double mask_weight = 0.4;
  double eps = 1e-5;
};

// Library loss and gradient against the reference value and its central
// differences at random pixels. The reference is double, so h can be small;
// the library is float: tolerances are relative to the largest gradient.
void check_loss_and_gradient(const LossCase& lc, sl::SpectralNorm norm, sl::MomentPath path, bool nan_target) {
  auto target = to_double(random_image(lc.w, lc.h, 3, 21));
  auto target_mask = to_double(random_image(lc.w, lc.h, 1, 22));
  if (nan_target) {
    target[3 * 7 + 1] = std::nan("");
    target_mask[20] = std::numeric_limits<double>::infinity();
  }
  auto rgb = to_double(random_image(lc.w, lc.h, 3, 23));
  auto alpha = to_double(random_image(lc.w, lc.h, 1, 24));
  const ReferenceLoss ref{lc.w, lc.h, 3, lc.bands, lc.weights, lc.scales, lc.mask_weight, lc.eps,
                          norm == sl::SpectralNorm::kLeastSquares, target, target_mask};

  sl::SpectralLossOptions options;
  options.band_count = lc.bands;
  options.norm = norm;
  options.epsilon = lc.eps;
  options.mask_weight = lc.mask_weight;
  options.band_scales = lc.scales;
  options.path = path;
  sl::SpectralLoss loss(lc.w, lc.h, options, splattrack::test::test_context());
  const auto tf = to_float(target), tmf = to_float(target_mask);
  loss.set_target({tf.data(), lc.w, lc.h, 3}, {tmf.data(), lc.w, lc.h, 1});

  const auto rf = to_float(rgb), af = to_float(alpha);
  std::vector<float> g_rgb(rf.size()), g_alpha(af.size());
  const double value = loss.evaluate({rf.data(), lc.w, lc.h, 3}, {af.data(), lc.w, lc.h, 1}, lc.weights,
                                     g_rgb.data(), g_alpha.data());
  const double expected = ref(rgb, alpha);
  ASSERT_TRUE(std::isfinite(value));
  EXPECT_NEAR(value, expected, 1e-4 * expected);

  float g_max = 0;
  for (float g : g_rgb) g_max = std::max(g_max, std::abs(g));
  for (float g : g_alpha) g_max = std::max(g_max, std::abs(g));
  std::mt19937 rng(5);
  const double step = 1e-4;
  for (int trial = 0; trial < 12; ++trial) {
    const bool on_alpha = trial % 3 == 2;
    auto& image = on_alpha ? alpha : rgb;
    const std::size_t i = std::uniform_int_distribution<std::size_t>(0, image.size() - 1)(rng);
    const double keep = image[i];
    image[i] = keep + step;
    const double up = ref(rgb, alpha);
    image[i] = keep - step;
    const double down = ref(rgb, alpha);
    image[i] = keep;
    const double fd = (up - down) / (2 * step);
    const double got = on_alpha ? g_alpha[i] : g_rgb[i];
    EXPECT_NEAR(got, fd, 2e-3 * g_max) << (on_alpha ? "alpha" : "rgb") << " element " << i;
  }
  if (nan_target) {
    EXPECT_EQ(g_rgb[3 * 7 + 1], 0.0f);
    EXPECT_EQ(g_alpha[20], 0.0f);
  }
}

}  // namespace

TEST(SpectralLoss, SmoothModulusMatchesReferenceAndFiniteDifferences) {
  for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft})
    check_loss_and_gradient(LossCase{}, sl::SpectralNorm::kSmoothModulus, path, false);
}

TEST(SpectralLoss, LeastSquaresMatchesReferenceAndFiniteDifferences) {
  for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft})
    check_loss_and_gradient(LossCase{}, sl::SpectralNorm::kLeastSquares, path, false);
}

TEST(SpectralLoss, NonFiniteTargetElementsAreIgnoredInBothImages) {
  for (const auto norm : {sl::SpectralNorm::kSmoothModulus, sl::SpectralNorm::kLeastSquares})
    check_loss_and_gradient(LossCase{}, norm, sl::MomentPath::kAuto, true);
}

TEST(SpectralLoss, RingOfHigherBandsOnNonSquareImage) {
  LossCase lc;
  lc.w = 10;
  lc.h = 15;
  lc.weights = {0.0, 0.0, 1.0, 0.5};
  for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft})
    check_loss_and_gradient(lc, sl::SpectralNorm::kSmoothModulus, path, false);
}

namespace {

struct Frame {
  int w = 21, h = 16;
  std::vector<float> target = random_image(21, 16, 3, 31), mask = random_image(21, 16, 1, 32);
  std::vector<float> rgb = random_image(21, 16, 3, 33), alpha = random_image(21, 16, 1, 34);
  sl::ImageView view(const std::vector<float>& v, int c) const { return {v.data(), w, h, c}; }
};

sl::SpectralLoss make_loss(const Frame& f, sl::SpectralNorm norm) {
  sl::SpectralLossOptions o;
  o.band_count = 5;
  o.norm = norm;
  o.band_scales = {1, 1, 2, 1, 1};
  sl::SpectralLoss loss(f.w, f.h, o, splattrack::test::test_context());
  loss.set_target(f.view(f.target, 3), f.view(f.mask, 1));
  return loss;
}

}  // namespace

// ½‖r‖² is the least-squares loss, Jᵀr its gradient, and the two Jacobian
// products are transposes of each other.
TEST(SpectralLoss, ResidualsAndJacobianProductsMatchLeastSquaresForm) {
  const Frame f;
  const std::vector<double> weights{1.0, 1.0, 0.5, 0.0, 0.25};
  auto loss = make_loss(f, sl::SpectralNorm::kSmoothModulus);  // residuals ignore the norm
  auto ls = make_loss(f, sl::SpectralNorm::kLeastSquares);

  const auto r = loss.residuals(f.view(f.rgb, 3), f.view(f.alpha, 1), weights);
  ASSERT_EQ(r.size(), loss.residual_count(weights));
  std::vector<float> g_rgb(f.rgb.size()), g_alpha(f.alpha.size());
  const double value = ls.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), weights, g_rgb.data(), g_alpha.data());
  double half_r2 = 0;
  for (double x : r) half_r2 += 0.5 * x * x;
  EXPECT_NEAR(half_r2, value, 1e-9 + 1e-6 * value);

  std::vector<float> jt_rgb(f.rgb.size()), jt_alpha(f.alpha.size());
  loss.residual_jacobian_transpose_times(r, weights, jt_rgb.data(), jt_alpha.data());
  float g_max = 0;
  for (float g : g_rgb) g_max = std::max(g_max, std::abs(g));
  for (std::size_t i = 0; i < g_rgb.size(); ++i) EXPECT_NEAR(jt_rgb[i], g_rgb[i], 1e-5 * g_max);
  for (std::size_t i = 0; i < g_alpha.size(); ++i) EXPECT_NEAR(jt_alpha[i], g_alpha[i], 1e-5 * g_max);

  // <J·v, r> == <v, Jᵀ·r> for a random direction v.
  const auto v_rgb = random_image(f.w, f.h, 3, 40), v_alpha = random_image(f.w, f.h, 1, 41);
  const auto jv = loss.residual_jacobian_times(f.view(v_rgb, 3), f.view(v_alpha, 1), weights);
  double lhs = 0, rhs = 0;
  for (std::size_t i = 0; i < r.size(); ++i) lhs += jv[i] * r[i];
  for (std::size_t i = 0; i < v_rgb.size(); ++i) rhs += static_cast<double>(v_rgb[i]) * jt_rgb[i];
  for (std::size_t i = 0; i < v_alpha.size(); ++i) rhs += static_cast<double>(v_alpha[i]) * jt_alpha[i];
  EXPECT_NEAR(lhs, rhs, 1e-5 * std::abs(lhs));

  // The residuals are affine in the image: r(I + v) − r(I) = J·v.
  std::vector<float> rgb2(f.rgb), alpha2(f.alpha);
  for (std::size_t i = 0; i < rgb2.size(); ++i) rgb2[i] += v_rgb[i];
  for (std::size_t i = 0; i < alpha2.size(); ++i) alpha2[i] += v_alpha[i];
  const auto r2 = loss.residuals(f.view(rgb2, 3), f.view(alpha2, 1), weights);
  double jv_max = 0;
  for (double x : jv) jv_max = std::max(jv_max, std::abs(x));
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_NEAR(r2[i] - r[i], jv[i], 1e-5 * jv_max);
}

TEST(SpectralLoss, NoMaskTermWithoutTargetMask) {
  const Frame f;
  sl::SpectralLossOptions o;
  o.band_count = 3;
  sl::SpectralLoss loss(f.w, f.h, o, splattrack::test::test_context());
  loss.set_target(f.view(f.target, 3));
  EXPECT_FALSE(loss.has_mask_term());
  std::vector<float> g_rgb(f.rgb.size()), g_alpha(f.alpha.size(), 7.0f);
  const std::vector<double> w{1, 1, 1};
  const double with_alpha = loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), w, g_rgb.data(), g_alpha.data());
  const double without = loss.evaluate(f.view(f.rgb, 3), {}, w);
  EXPECT_EQ(with_alpha, without);
  for (float g : g_alpha) EXPECT_EQ(g, 0.0f);
  EXPECT_EQ(loss.residual_count(w), 2u * 3u * sl::BandSet::all(3).frequency_count());
}

TEST(SpectralLoss, MaskWeightScalesTheMaskTermOnly) {
  // L = L_colour + λ L_mask: evaluated at λ = 1 and λ = 4 against colour-only
  // and mask-only evaluations (least squares: the planes' terms add).
  const Frame f;
  sl::SpectralLossOptions o;
  o.band_count = 4;
  o.norm = sl::SpectralNorm::kLeastSquares;
  o.mask_weight = 1.0;
  sl::SpectralLoss loss(f.w, f.h, o, splattrack::test::test_context());
  loss.set_target(f.view(f.target, 3), f.view(f.mask, 1));
  const std::vector<double> w(4, 1.0);
  const double at_one = loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), w);
  loss.set_mask_weight(4.0);
  const double at_four = loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), w);
  const double mask_term = (at_four - at_one) / 3.0;
  EXPECT_GT(mask_term, 0.0);
  sl::SpectralLoss colour_only(f.w, f.h, o, splattrack::test::test_context());
  colour_only.set_target(f.view(f.target, 3));
  EXPECT_NEAR(at_one - mask_term, colour_only.evaluate(f.view(f.rgb, 3), {}, w), 1e-6 * at_one);
  EXPECT_THROW(loss.set_mask_weight(0.0), std::invalid_argument);
  EXPECT_THROW(loss.set_mask_weight(std::nan("")), std::invalid_argument);
}

TEST(SpectralLoss, MatchedImagesGiveZeroLossAndGradient) {
  const Frame f;
  auto loss = make_loss(f, sl::SpectralNorm::kSmoothModulus);
  std::vector<float> g_rgb(f.rgb.size()), g_alpha(f.alpha.size());
  const double value = loss.evaluate(f.view(f.target, 3), f.view(f.mask, 1), std::vector<double>(5, 1.0),
                                     g_rgb.data(), g_alpha.data());
  EXPECT_EQ(value, 0.0);
  for (float g : g_rgb) EXPECT_EQ(g, 0.0f);
}

TEST(SpectralLoss, BadInputsThrowAndNoNanLossReachesTheCaller) {
  const Frame f;
  auto loss = make_loss(f, sl::SpectralNorm::kSmoothModulus);
  const std::vector<double> w(5, 1.0);
  // Wrong sizes, channels, empty images, band weights.
  EXPECT_THROW(loss.evaluate({f.rgb.data(), f.w - 1, f.h, 3}, f.view(f.alpha, 1), w), std::invalid_argument);
  EXPECT_THROW(loss.evaluate({f.rgb.data(), f.w, f.h, 1}, f.view(f.alpha, 1), w), std::invalid_argument);
  EXPECT_THROW(loss.evaluate(f.view(f.rgb, 3), {}, w), std::invalid_argument);
  EXPECT_THROW(loss.evaluate({}, f.view(f.alpha, 1), w), std::invalid_argument);
  EXPECT_THROW(loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), std::vector<double>(4, 1.0)),
               std::invalid_argument);
  EXPECT_THROW(loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), std::vector<double>{1, -1, 0, 0, 0}),
               std::invalid_argument);
  EXPECT_THROW(loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), std::vector<double>{1, NAN, 0, 0, 0}),
               std::invalid_argument);
  EXPECT_THROW(loss.set_target({}, {}), std::invalid_argument);
  EXPECT_THROW(loss.set_target(f.view(f.target, 3), f.view(f.target, 3)), std::invalid_argument);
  EXPECT_THROW(loss.residual_jacobian_transpose_times(std::vector<double>(3), w, nullptr, nullptr),
               std::invalid_argument);
  splattrack::ExecutionContext& context = splattrack::test::test_context();
  EXPECT_THROW(sl::SpectralLoss(0, 5, {}, context), std::invalid_argument);
  EXPECT_THROW(sl::SpectralLoss(5, 5, {.band_count = 0}, context), std::invalid_argument);
  EXPECT_THROW(sl::SpectralLoss(5, 5, {.epsilon = 0.0}, context), std::invalid_argument);
  EXPECT_THROW(sl::SpectralLoss(5, 5, {.band_scales = {1.0}}, context), std::invalid_argument);
  sl::SpectralLoss no_target(f.w, f.h, {}, context);
  EXPECT_THROW(no_target.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), std::vector<double>(8, 1.0)),
               std::invalid_argument);

  // NaN in the rendered image is an error, never a NaN loss.
  std::vector<float> bad(f.rgb);
  bad[17] = NAN;
  EXPECT_THROW(loss.evaluate(f.view(bad, 3), f.view(f.alpha, 1), w), std::invalid_argument);
  std::vector<float> bad_alpha(f.alpha);
  bad_alpha[3] = INFINITY;
  EXPECT_THROW(loss.evaluate(f.view(f.rgb, 3), f.view(bad_alpha, 1), w), std::invalid_argument);

  // A target that is all NaN: every element ignored, the loss is 0, not NaN.
  std::vector<float> nan_target(f.target.size(), NAN), nan_mask(f.mask.size(), NAN);
  loss.set_target(f.view(nan_target, 3), f.view(nan_mask, 1));
  std::vector<float> g(f.rgb.size());
  const double value = loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), w, g.data(), nullptr);
  EXPECT_EQ(value, 0.0);
  for (float x : g) EXPECT_EQ(x, 0.0f);
}

// Planes are split between threads, never the work inside one: loss,
// gradients and Jacobian products are bit-identical for any thread count,
// and a non-finite input throws from any of them.
TEST(SpectralLoss, SameBitsForAnyThreadCount) {
  const Frame f;
  const std::vector<double> weights{1.0, 0.5, 1.0, 0.25, 1.0};
  for (const auto path : {sl::MomentPath::kDft, sl::MomentPath::kFft}) {
    double ref_value = 0;
    std::vector<float> ref_rgb, ref_alpha, ref_jt;
    for (const int threads : {1, 2, 0}) {  // 0: all cores (more are capped to them)
      sl::SpectralLossOptions o;
      o.band_count = 5;
      o.path = path;
      splattrack::ExecutionContext context(threads);
      sl::SpectralLoss loss(f.w, f.h, o, context);
      loss.set_target(f.view(f.target, 3), f.view(f.mask, 1));
      std::vector<float> g_rgb(f.rgb.size()), g_alpha(f.alpha.size());
      const double value = loss.evaluate(f.view(f.rgb, 3), f.view(f.alpha, 1), weights, g_rgb.data(), g_alpha.data());
      const auto r = loss.residuals(f.view(f.rgb, 3), f.view(f.alpha, 1), weights);
      std::vector<float> jt(f.rgb.size()), jt_alpha(f.alpha.size());
      loss.residual_jacobian_transpose_times(r, weights, jt.data(), jt_alpha.data());
      if (threads == 1) {
        ref_value = value, ref_rgb = g_rgb, ref_alpha = g_alpha, ref_jt = jt;
        continue;
      }
      EXPECT_EQ(value, ref_value) << sl::to_string(path) << ", " << threads << " threads";
      EXPECT_EQ(g_rgb, ref_rgb) << sl::to_string(path) << ", " << threads << " threads";
      EXPECT_EQ(g_alpha, ref_alpha) << sl::to_string(path) << ", " << threads << " threads";
      EXPECT_EQ(jt, ref_jt) << sl::to_string(path) << ", " << threads << " threads";

      std::vector<float> bad(f.alpha);
      bad[7] = NAN;
      EXPECT_THROW(loss.evaluate(f.view(f.rgb, 3), f.view(bad, 1), weights, g_rgb.data(), nullptr),
                   std::invalid_argument);
    }
  }
}

// The cost model's choices where the measurements behind it
// (cost_model.cpp) are far apart: the band-limited DFT for few bands and for
// an FFT length with a large prime factor (2·257), the FFT for the full band
// set at 256² and 512² (7× and 3× faster measured); kAuto takes the cheaper
// predicted path, and more bands never predict less DFT work.
TEST(SpectralMoments, CostModelChoices) {
  const sl::MomentTransform square(256, 256), prime(257, 131), large(512, 512);
  EXPECT_EQ(square.resolve(sl::MomentPath::kAuto, sl::BandSet::all(1)), sl::MomentPath::kDft);
  EXPECT_EQ(square.resolve(sl::MomentPath::kAuto, sl::BandSet::all(4)), sl::MomentPath::kDft);
  EXPECT_EQ(square.resolve(sl::MomentPath::kAuto, sl::BandSet::all(8)), sl::MomentPath::kFft);
  EXPECT_EQ(large.resolve(sl::MomentPath::kAuto, sl::BandSet::all(8)), sl::MomentPath::kFft);
  EXPECT_EQ(prime.resolve(sl::MomentPath::kAuto, sl::BandSet::all(8)), sl::MomentPath::kDft);
  EXPECT_EQ(square.resolve(sl::MomentPath::kFft, sl::BandSet::all(1)), sl::MomentPath::kFft);
  EXPECT_EQ(square.resolve(sl::MomentPath::kDft, sl::BandSet::all(8)), sl::MomentPath::kDft);
  for (int k = 1; k <= 8; ++k) {
    const sl::BandSet a = sl::BandSet::all(k);
    const bool fft_cheaper =
        large.predicted_us(sl::MomentPath::kFft, a) < large.predicted_us(sl::MomentPath::kDft, a);
    EXPECT_EQ(large.resolve(sl::MomentPath::kAuto, a), fft_cheaper ? sl::MomentPath::kFft : sl::MomentPath::kDft);
    if (k > 1) {
      EXPECT_LT(large.predicted_us(sl::MomentPath::kDft, sl::BandSet::all(k - 1)),
                large.predicted_us(sl::MomentPath::kDft, a));
    }
  }
}
