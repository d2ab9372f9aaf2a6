#include "splattrack/tracker/image_motion.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>

namespace splattrack {
namespace {
double grey(const float* rgb, std::size_t i) { return (rgb[3 * i] + rgb[3 * i + 1] + rgb[3 * i + 2]) / 3.0; }
}  // namespace

std::optional<double> image_motion_px(const float* before, const float* after, const float* silhouette, int width,
                                      int height) {
  using namespace image_motion_defaults;
  // The field d(p) = A p + b about the window's centre, p in half window
  // sides (so that every parameter moves the rim alike) and d in pixels; the
  // linearised change after − before = −∇I · d(p) gives one row per pixel:
  // parameters (A00, A01, b0, A10, A11, b1).
  using Row = Eigen::Matrix<double, 6, 1>;
  Eigen::Matrix<double, 6, 6> normal = Eigen::Matrix<double, 6, 6>::Zero();
  Row rhs = Row::Zero();
  const double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0, unit = std::max(std::max(cx, cy), 1.0);
  double reach = 0;  // the farthest used pixel from the centre, in half sides
  double change = 0, gradient = 0;  // Σ|ΔI| and Σ|∇I| over the used pixels
  int used = 0;
  const auto at = [width](int x, int y) { return static_cast<std::size_t>(y) * width + x; };
  for (int y = 1; y + 1 < height; ++y)
    for (int x = 1; x + 1 < width; ++x) {
      const std::size_t i = at(x, y);
      if (!(silhouette[i] >= kInteriorAlpha)) continue;  // NaN too
      const double gx = (grey(before, at(x + 1, y)) - grey(before, at(x - 1, y))) / 2;
      const double gy = (grey(before, at(x, y + 1)) - grey(before, at(x, y - 1))) / 2;
      const double g = std::hypot(gx, gy);
      if (g < kMinGradient) continue;
      const double px = (x - cx) / unit, py = (y - cy) / unit;
      Row row;
      row << gx * px, gx * py, gx, gy * px, gy * py, gy;
      normal.selfadjointView<Eigen::Lower>().rankUpdate(row);
      const double difference = grey(after, i) - grey(before, i);
      rhs -= row * difference;
      change += std::abs(difference);
      gradient += g;
      reach = std::max(reach, std::hypot(px, py));
      ++used;
    }
  if (used < kMinPixels || !(change <= kMaxLinearShiftPx * gradient)) return std::nullopt;
  normal = normal.selfadjointView<Eigen::Lower>();
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 6, 6>> eig(normal);
  const Row lambda = eig.eigenvalues();  // ascending
  if (!(lambda[0] >= kMinConditioning * lambda[5])) return std::nullopt;
  const Row theta = eig.eigenvectors() * (eig.eigenvectors().transpose() * rhs).cwiseQuotient(lambda);
  // |A p + b| is largest at the rim of the used pixels: bounded by |b| plus
  // the matrix norm times the reach.
  Eigen::Matrix2d a;
  a << theta[0], theta[1], theta[3], theta[4];
  return Eigen::Vector2d(theta[2], theta[5]).norm() + a.operatorNorm() * reach;
}

}  // namespace splattrack
