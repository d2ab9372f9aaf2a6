#include "splattrack/render/camera.hpp"

#include <Eigen/Geometry>

namespace splattrack {

Eigen::Vector3d Camera::center_in_world() const {
  const Eigen::Matrix3d r = cam_from_world.topLeftCorner<3, 3>();
  return -r.transpose() * cam_from_world.topRightCorner<3, 1>();
}

Camera Camera::scaled(int new_width, int new_height) const {
  // Pixel centres sit at integers, so the image edge is at -0.5: scale the
  // distance from the edge, not from pixel 0.
  const double sx = static_cast<double>(new_width) / width;
  const double sy = static_cast<double>(new_height) / height;
  Camera c = *this;
  c.width = new_width;
  c.height = new_height;
  c.fx = fx * sx;
  c.fy = fy * sy;
  c.cx = (cx + 0.5) * sx - 0.5;
  c.cy = (cy + 0.5) * sy - 0.5;
  return c;
}

Camera Camera::cropped(double left, double top, double scale, int new_width, int new_height) const {
  // A pixel centre x (integers at centres) is at edge coordinate x + 0.5; in
  // the window that edge coordinate is (x + 0.5 − left) / scale.
  Camera c = *this;
  c.width = new_width;
  c.height = new_height;
  c.fx = fx / scale;
  c.fy = fy / scale;
  c.cx = (cx + 0.5 - left) / scale - 0.5;
  c.cy = (cy + 0.5 - top) / scale - 0.5;
  return c;
}

}  // namespace splattrack
