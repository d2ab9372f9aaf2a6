// The colour of a mesh at a point of a triangle: its material's texture
// through the corner texture coordinates, else its vertex colours, else the
// material's Kd (io::kDefaultMeshGrey without a material).
#pragma once

#include <Eigen/Core>
#include <array>
#include <opencv2/core.hpp>
#include <vector>

#include "splattrack/io/mesh_io.hpp"

namespace splattrack::datasets::detail {

class SurfaceColour {
 public:
  explicit SurfaceColour(const io::TriangleMesh& mesh);

  // RGB 0..1 at barycentric coordinates `bary` of triangle `triangle`,
  // averaged over a footprint about `footprint` wide (world units): the
  // texture is sampled bilinearly at the pyramid level whose texels are
  // closest to that size from below. Texture coordinates outside 0..1 wrap.
  std::array<float, 3> at(std::uint32_t triangle, const Eigen::Vector3d& bary, double footprint) const;

 private:
  const io::TriangleMesh& mesh_;
  std::vector<std::vector<cv::Mat>> pyramids_;  // per texture, CV_32FC3 RGB 0..1, level 0 first
};

}  // namespace splattrack::datasets::detail
