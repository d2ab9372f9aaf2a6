// Spectral moments and the spectral loss against references written here:
// direct double-precision sums over pixels and central finite differences.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

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

std::vector<float> plane_of(const std::vector<float>& img, int w, int h, int channels, int channel) {
  std::vector<float> p(static_cast<std::size_t>(w) * h);
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = img[i * channels + channel];
  return p;
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
