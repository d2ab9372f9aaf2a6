#include "splattrack/render/framing.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace splattrack {

namespace {
inline constexpr double kRadiusQuantile = 0.98;

double quantile(std::vector<double> v, double q) {
  const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}
}  // namespace

ModelBounds model_bounds(const GaussianModel& model) {
  ModelBounds b;
  const std::size_t n = model.size();
  if (n == 0) return b;
  std::vector<double> coord(n);
  for (int a = 0; a < 3; ++a) {
    for (std::size_t i = 0; i < n; ++i) coord[i] = model.means[3 * i + a];
    b.center[a] = quantile(coord, 0.5);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d x(model.means[3 * i], model.means[3 * i + 1], model.means[3 * i + 2]);
    coord[i] = (x - b.center).norm();
  }
  b.radius = quantile(coord, kRadiusQuantile);
  return b;
}

Camera framing_camera(const ModelBounds& bounds, int width, int height, const Eigen::Vector3d& view_dir,
                      const Eigen::Vector3d& up, double fill, double fov_deg) {
  Camera cam;
  cam.width = width;
  cam.height = height;
  const double half_fov = 0.5 * fov_deg * std::numbers::pi / 180.0;
  cam.fx = cam.fy = 0.5 * std::min(width, height) / std::tan(half_fov);
  cam.cx = 0.5 * (width - 1);
  cam.cy = 0.5 * (height - 1);
  // The sphere's angular radius is asin(r / d); make it `fill` of the half fov.
  const double angle = std::atan(fill * std::tan(half_fov));
  const double distance = bounds.radius / std::sin(angle);

  const Eigen::Vector3d z = view_dir.normalized();
  const Eigen::Vector3d x = z.cross(up).normalized();  // image right; y = z × x points down
  const Eigen::Vector3d y = z.cross(x);
  Eigen::Matrix3d world_from_cam_r;
  world_from_cam_r << x, y, z;
  const Eigen::Vector3d center = bounds.center - distance * z;
  cam.cam_from_world.setIdentity();
  cam.cam_from_world.topLeftCorner<3, 3>() = world_from_cam_r.transpose();
  cam.cam_from_world.topRightCorner<3, 1>() = -world_from_cam_r.transpose() * center;
  return cam;
}

}  // namespace splattrack
