// A textured triangle mesh becomes a 3DGS model whose rendered silhouette
// stays inside the mesh's: flat Gaussians on a regular lattice over each
// planar region, coloured from the texture (or vertex colours, or the
// material's Kd), narrowed across the mesh's crease edges so that nothing
// spills past them. What each constant does and why is in the .cpp files.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "splattrack/io/mesh_io.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack::datasets {

// The tracker renders the whole model every iteration, on two cores at
// about 150 ms a frame, in an observation window of 128-192 px where an
// object spans some 50-100 px: 20 000 Gaussians already put a lattice point
// every 1-2 px there (the cube of the sample data: 1.5 mm, 2.4 px at frame
// 0's full resolution), and render cost grows with the count once splats are
// pixel-sized. The synthetic object has the same count.
inline constexpr int kDefaultMeshGaussians = 20000;
// Faces meeting at a larger angle (convex side) have a crease between them:
// a box's 90° edges, not a finely tessellated curve's few degrees.
inline constexpr double kCreaseAngleDeg = 25.0;

struct MeshToGaussiansOptions {
  int gaussians = kDefaultMeshGaussians;  // the target; the result is within a few percent
  double crease_angle_deg = kCreaseAngleDeg;
  // The model marked for rendering with its opacities compensated for the
  // screen dilation (GaussianModel::antialiased). Off by default: the crease
  // inset is sized for the classic render. Measured (BENCHMARKS.md, issue 11,
  // 2026-12-06 fourth): a box's rendered area against the mesh's, at 1 / 2 /
  // 4 px a lattice cell, 1.041 / 1.005 / 0.996 classic, 1.003 / 0.990 / 0.993
  // compensated; but the real cube tracked with it ends 3 mm further from
  // the clicked first pose (0-88 median 2.5 -> 6.0 mm, 500-600 rotation
  // median 1.4 -> 3.2°).
  bool antialiased = false;
};

struct MeshConversion {
  GaussianModel model;
  std::vector<std::string> warnings;  // skipped triangles and the like
  double spacing = 0;                 // lattice spacing h, in the mesh's units
  std::size_t crease_edges = 0;       // welded edges the Gaussians are kept inside of
  std::size_t regions = 0;            // planar regions
};

// Deterministic: the same mesh and options give the same model, bit for
// bit. Throws std::invalid_argument when fewer than one Gaussian is asked
// for or no triangle has an area.
MeshConversion mesh_to_gaussians(const io::TriangleMesh& mesh, const MeshToGaussiansOptions& options = {});

}  // namespace splattrack::datasets
