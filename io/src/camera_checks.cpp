#include "camera_checks.hpp"

#include <Eigen/Core>
#include <Eigen/LU>
#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace splattrack::io {

namespace {

// The coefficient counts OpenCV's distortion models use (k1 k2 p1 p2 [k3
// [k4 k5 k6 [s1..s4 [τx τy]]]]); 0 means no distortion.
inline constexpr std::array<std::size_t, 6> kDistortionCounts{0, 4, 5, 8, 12, 14};

std::string number_text(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

std::optional<std::string> camera_problem(const Camera& camera) {
  if (camera.width <= 0 || camera.height <= 0)
    return "image size " + std::to_string(camera.width) + "x" + std::to_string(camera.height) + " is not positive";
  if (!(std::isfinite(camera.fx) && camera.fx > 0)) return "fx must be positive and finite, got " + number_text(camera.fx);
  if (!(std::isfinite(camera.fy) && camera.fy > 0)) return "fy must be positive and finite, got " + number_text(camera.fy);
  if (!std::isfinite(camera.cx)) return "cx must be finite, got " + number_text(camera.cx);
  if (!std::isfinite(camera.cy)) return "cy must be finite, got " + number_text(camera.cy);

  const Eigen::Matrix4d& t = camera.cam_from_world;
  if (!t.allFinite()) return "cam_from_world holds a non-finite value";
  if (t.row(3) != Eigen::RowVector4d(0, 0, 0, 1)) return "cam_from_world's last row must be 0 0 0 1";
  const Eigen::Matrix3d r = t.topLeftCorner<3, 3>();
  const double error = (r.transpose() * r - Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff();
  if (error > kRotationTolerance)
    return "cam_from_world's rotation is not orthonormal (|RᵀR − I| = " + number_text(error) + ")";
  if (r.determinant() < 0) return "cam_from_world's rotation is a reflection (determinant −1)";

  const std::size_t n = camera.distortion.size();
  if (std::find(kDistortionCounts.begin(), kDistortionCounts.end(), n) == kDistortionCounts.end())
    return "distortion has " + std::to_string(n) + " coefficients; expected 4, 5, 8, 12 or 14 (OpenCV order)";
  for (double d : camera.distortion)
    if (!std::isfinite(d)) return "distortion holds a non-finite value";
  return std::nullopt;
}

}  // namespace splattrack::io
