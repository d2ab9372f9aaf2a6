#include "surface_colour.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace splattrack::datasets::detail {

namespace {

using Eigen::Vector3d;

int clamp_index(int i, int n) { return std::clamp(i, 0, n - 1); }

std::array<float, 3> bilinear(const cv::Mat& image, double u, double v) {
  // Coordinates wrap (a tiling texture repeats), texels clamp at the
  // border (an atlas does not continue on its opposite side). OBJ's v runs
  // up from the image's last row; texel (i, j) has its centre at
  // ((i + 0.5) / W, 1 - (j + 0.5) / H).
  const double x = (u - std::floor(u)) * image.cols - 0.5;
  const double y = (1 - (v - std::floor(v))) * image.rows - 0.5;
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  const double fx = x - x0, fy = y - y0;
  std::array<float, 3> rgb{0, 0, 0};
  for (int dy = 0; dy < 2; ++dy)
    for (int dx = 0; dx < 2; ++dx) {
      const double w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
      const cv::Vec3f& t = image.at<cv::Vec3f>(clamp_index(y0 + dy, image.rows), clamp_index(x0 + dx, image.cols));
      for (int c = 0; c < 3; ++c) rgb[c] += static_cast<float>(w * t[c]);
    }
  return rgb;
}

}  // namespace

SurfaceColour::SurfaceColour(const io::TriangleMesh& mesh) : mesh_(mesh) {
  for (const io::MeshTexture& texture : mesh.textures) {
    std::vector<cv::Mat> levels(1);
    const cv::Mat bytes(texture.height, texture.width, CV_8UC3, const_cast<std::uint8_t*>(texture.rgb.data()));
    bytes.convertTo(levels[0], CV_32FC3, 1.0 / 255);
    while (levels.back().cols > 1 && levels.back().rows > 1) {
      cv::Mat next;
      cv::pyrDown(levels.back(), next);
      levels.push_back(next);
    }
    pyramids_.push_back(std::move(levels));
  }
}

std::array<float, 3> SurfaceColour::at(std::uint32_t triangle, const Vector3d& bary, double footprint) const {
  const int material = mesh_.triangle_materials.empty() ? -1 : mesh_.triangle_materials[triangle];
  const io::MeshMaterial* m = material >= 0 ? &mesh_.materials[static_cast<std::size_t>(material)] : nullptr;
  const std::uint32_t* corner = &mesh_.triangles[3 * triangle];
  if (m && m->texture >= 0 && !mesh_.corner_uvs.empty()) {
    const std::vector<cv::Mat>& levels = pyramids_[static_cast<std::size_t>(m->texture)];
    const float* uv = &mesh_.corner_uvs[6 * triangle];
    const double u = bary[0] * uv[0] + bary[1] * uv[2] + bary[2] * uv[4];
    const double v = bary[0] * uv[1] + bary[1] * uv[3] + bary[2] * uv[5];
    // Texels per world unit from the triangle's areas in both spaces.
    const auto p = [&](int c) {
      return Vector3d(mesh_.positions[3 * corner[c]], mesh_.positions[3 * corner[c] + 1],
                      mesh_.positions[3 * corner[c] + 2]);
    };
    const double world_area = (p(1) - p(0)).cross(p(2) - p(0)).norm();
    const double texel_area = std::abs((uv[2] - uv[0]) * (uv[5] - uv[1]) - (uv[4] - uv[0]) * (uv[3] - uv[1])) *
                              levels[0].cols * levels[0].rows;
    const double texels = world_area > 0 ? footprint * std::sqrt(texel_area / world_area) : 1;
    const int level = std::clamp(static_cast<int>(std::floor(std::log2(std::max(texels, 1.0)))), 0,
                                 static_cast<int>(levels.size()) - 1);
    return bilinear(levels[static_cast<std::size_t>(level)], u, v);
  }
  if (!mesh_.vertex_colors.empty()) {
    std::array<float, 3> rgb{0, 0, 0};
    for (int k = 0; k < 3; ++k)
      for (int c = 0; c < 3; ++c) rgb[c] += static_cast<float>(bary[k] * mesh_.vertex_colors[3 * corner[k] + c]);
    return rgb;
  }
  if (m) return m->diffuse;
  return {io::kDefaultMeshGrey, io::kDefaultMeshGrey, io::kDefaultMeshGrey};
}

}  // namespace splattrack::datasets::detail
