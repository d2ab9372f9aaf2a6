// An independent renderer for the tests: a triangle mesh with vertex colours
// drawn by a z-buffer (no Gaussians, none of render/'s code), perspective-
// correct colours, Lambert shading under a fixed light, 3 x 3 samples per
// pixel; RGBA, alpha = the covered fraction (the mask). Slow and plain on
// purpose: it is the reference the Gaussian tracker is graded against.
#pragma once

#include <Eigen/Geometry>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <vector>

#include "splattrack/render/camera.hpp"

namespace splattrack::test {

struct ColouredMesh {
  std::vector<Eigen::Vector3d> positions;
  std::vector<Eigen::Vector3f> colours;                // per vertex, 0..1
  std::vector<std::array<std::uint32_t, 3>> triangles;  // counter-clockwise seen from outside
};

inline constexpr int kRasterSamples = 3;  // per pixel side

// 8-bit RGBA (OpenCV's BGRA order) over `background`.
inline cv::Mat rasterize(const ColouredMesh& mesh, const Camera& camera, const Eigen::Vector3f& background) {
  const int s = kRasterSamples, w = camera.width * s, h = camera.height * s;
  // Sample (i, j) of pixel (u, v) sits at u + (i + 0.5) / s - 0.5: pixel
  // centres at integers (METHOD.md's convention).
  const double fx = camera.fx * s, fy = camera.fy * s;
  const double cx = (camera.cx + 0.5) * s - 0.5, cy = (camera.cy + 0.5) * s - 0.5;
  const Eigen::Matrix3d R = camera.cam_from_world.topLeftCorner<3, 3>();
  const Eigen::Vector3d t = camera.cam_from_world.topRightCorner<3, 1>();
  const Eigen::Vector3d light = Eigen::Vector3d(-0.3, -0.6, -1).normalized();  // toward the light, camera axes
  std::vector<Eigen::Vector3d> cam(mesh.positions.size());
  for (std::size_t i = 0; i < cam.size(); ++i) cam[i] = R * mesh.positions[i] + t;
  std::vector<float> depth(static_cast<std::size_t>(w) * h, std::numeric_limits<float>::infinity());
  std::vector<Eigen::Vector3f> colour(depth.size(), background);
  std::vector<float> cover(depth.size(), 0.f);
  for (const auto& tri : mesh.triangles) {
    const Eigen::Vector3d p[3] = {cam[tri[0]], cam[tri[1]], cam[tri[2]]};
    if (p[0].z() <= 0.05 || p[1].z() <= 0.05 || p[2].z() <= 0.05) continue;
    const Eigen::Vector3d normal = (p[1] - p[0]).cross(p[2] - p[0]).normalized();
    if (normal.dot(p[0]) >= 0) continue;  // facing away
    const float shade = static_cast<float>(0.8 + 0.2 * std::max(0.0, normal.dot(light)));
    Eigen::Vector2d q[3];
    for (int k = 0; k < 3; ++k) q[k] = {fx * p[k].x() / p[k].z() + cx, fy * p[k].y() / p[k].z() + cy};
    const double area = (q[1] - q[0]).x() * (q[2] - q[0]).y() - (q[1] - q[0]).y() * (q[2] - q[0]).x();
    if (std::abs(area) < 1e-12) continue;
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min({q[0].x(), q[1].x(), q[2].x()}))));
    const int x1 = std::min(w - 1, static_cast<int>(std::ceil(std::max({q[0].x(), q[1].x(), q[2].x()}))));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min({q[0].y(), q[1].y(), q[2].y()}))));
    const int y1 = std::min(h - 1, static_cast<int>(std::ceil(std::max({q[0].y(), q[1].y(), q[2].y()}))));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        // Screen-space barycentrics, then perspective-corrected by 1/z.
        double b[3];
        for (int k = 0; k < 3; ++k) {
          const Eigen::Vector2d& a = q[(k + 1) % 3];
          const Eigen::Vector2d& c = q[(k + 2) % 3];
          b[k] = ((c - a).x() * (y - a.y()) - (c - a).y() * (x - a.x())) / area;
        }
        if (b[0] < 0 || b[1] < 0 || b[2] < 0) continue;
        double inv_z = 0;
        for (int k = 0; k < 3; ++k) inv_z += b[k] / p[k].z();
        const std::size_t i = static_cast<std::size_t>(y) * w + x;
        const float z = static_cast<float>(1 / inv_z);
        if (z >= depth[i]) continue;
        depth[i] = z;
        Eigen::Vector3f c = Eigen::Vector3f::Zero();
        for (int k = 0; k < 3; ++k) c += static_cast<float>(b[k] / p[k].z() / inv_z) * mesh.colours[tri[k]];
        colour[i] = shade * c;
        cover[i] = 1.f;
      }
  }
  cv::Mat out(camera.height, camera.width, CV_8UC4);
  for (int v = 0; v < camera.height; ++v)
    for (int u = 0; u < camera.width; ++u) {
      Eigen::Vector3f sum = Eigen::Vector3f::Zero();
      float alpha = 0;
      for (int j = 0; j < s; ++j)
        for (int i = 0; i < s; ++i) {
          const std::size_t k = static_cast<std::size_t>(v * s + j) * w + (u * s + i);
          sum += colour[k];
          alpha += cover[k];
        }
      const auto byte = [](float x) { return static_cast<unsigned char>(std::clamp(x, 0.f, 1.f) * 255 + 0.5f); };
      out.at<cv::Vec4b>(v, u) = {byte(sum.z() / (s * s)), byte(sum.y() / (s * s)), byte(sum.x() / (s * s)),
                                 byte(alpha / (s * s))};
    }
  return out;
}

}  // namespace splattrack::test
