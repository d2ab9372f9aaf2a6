// Pinhole camera with OpenCV conventions (METHOD.md §2): x right, y down,
// z forward; a camera-space point projects to (fx x/z + cx, fy y/z + cy) and
// pixel (u, v) has its centre at (u, v).
#pragma once

#include <Eigen/Core>
#include <vector>

namespace splattrack {

struct Camera {
  int width = 0;
  int height = 0;
  double fx = 0, fy = 0, cx = 0, cy = 0;
  Eigen::Matrix4d cam_from_world = Eigen::Matrix4d::Identity();
  std::vector<double> distortion;  // k1 k2 p1 p2 k3 (OpenCV order); empty = none

  // The camera centre in world coordinates (for SH view directions).
  Eigen::Vector3d center_in_world() const;
  // The same camera at another resolution, intrinsics scaled so that the
  // image covers the same field of view (for coarse-to-fine rendering).
  Camera scaled(int new_width, int new_height) const;
  // The camera that renders a window of this camera's image: the window's
  // top-left corner at (left, top) in pixel-edge coordinates (pixel (0, 0)
  // covers [0, 1)²), `scale` image pixels per window pixel, width × height
  // window pixels. Pose and distortion are kept.
  Camera cropped(double left, double top, double scale, int new_width, int new_height) const;
};

}  // namespace splattrack
