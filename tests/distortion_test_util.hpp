// Lens distortion written out for the tests (OpenCV's five-coefficient
// model, k1 k2 p1 p2 k3, independently of OpenCV): what a camera with
// distortion records of an ideal pinhole image.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "splattrack/render/camera.hpp"

namespace splattrack::test {

// Normalised pinhole coordinates (x, y) to where the lens puts them.
inline cv::Point2d distort(const std::vector<double>& k, double x, double y) {
  const double r2 = x * x + y * y;
  const double radial = 1 + k[0] * r2 + k[1] * r2 * r2 + k[4] * r2 * r2 * r2;
  return {x * radial + 2 * k[2] * x * y + k[3] * (r2 + 2 * x * x),
          y * radial + k[2] * (r2 + 2 * y * y) + 2 * k[3] * x * y};
}

// The pinhole coordinates the lens moved to (xd, yd): fixed-point iteration,
// converged far below a pixel for the mild lenses of the tests.
inline cv::Point2d undistort(const std::vector<double>& k, double xd, double yd) {
  double x = xd, y = yd;
  for (int i = 0; i < 50; ++i) {
    const cv::Point2d d = distort(k, x, y);
    x += xd - d.x;
    y += yd - d.y;
  }
  return {x, y};
}

// What `camera` (with its distortion) records where the ideal pinhole image
// `ideal` ([H, W], any type) shows the scene: each recorded pixel samples
// the ideal image where its ray falls (bilinear).
inline cv::Mat record_with_distortion(const cv::Mat& ideal, const Camera& camera) {
  cv::Mat map_x(ideal.size(), CV_32FC1), map_y(ideal.size(), CV_32FC1);
  for (int v = 0; v < ideal.rows; ++v)
    for (int u = 0; u < ideal.cols; ++u) {
      const cv::Point2d p =
          undistort(camera.distortion, (u - camera.cx) / camera.fx, (v - camera.cy) / camera.fy);
      map_x.at<float>(v, u) = static_cast<float>(p.x * camera.fx + camera.cx);
      map_y.at<float>(v, u) = static_cast<float>(p.y * camera.fy + camera.cy);
    }
  cv::Mat out;
  cv::remap(ideal, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

}  // namespace splattrack::test
