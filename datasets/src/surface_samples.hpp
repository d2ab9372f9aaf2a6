// Where the Gaussians of a mesh go: a regular lattice of spacing about h over
// each planar region (rows along the region's longest boundary edge, cells
// fitted to its extent), and, on regions too small for a lattice (the
// triangles of a tessellated curve), random points whose count follows
// area / h² with the rounding error carried from region to region.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "mesh_topology.hpp"

namespace splattrack::datasets::detail {

struct SurfaceSample {
  std::size_t face;    // index into Topology::faces
  Eigen::Vector3d bary;  // barycentric coordinates in that face's triangle
  double spacing;      // the local lattice spacing (h, or the geometric mean of a stretched cell)
};

std::vector<SurfaceSample> surface_samples(const io::TriangleMesh& mesh, const Topology& topo, double h);

// The point of triangle t at barycentric coordinates `bary`.
Eigen::Vector3d triangle_point(const io::TriangleMesh& mesh, std::uint32_t t, const Eigen::Vector3d& bary);

// Barycentric coordinates of `x` (in the triangle's plane) in triangle t;
// outside the triangle some are negative.
Eigen::Vector3d barycentric(const io::TriangleMesh& mesh, std::uint32_t t, const Eigen::Vector3d& x);

}  // namespace splattrack::datasets::detail
