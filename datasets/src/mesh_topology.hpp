// What mesh_to_gaussians needs to know about a mesh's shape: triangles with
// their normals and areas, vertices welded by position (OBJ splits a vertex
// wherever its texture coordinates change), the crease edges and the planar
// regions between them.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "splattrack/io/mesh_io.hpp"

namespace splattrack::datasets::detail {

struct Face {
  std::uint32_t triangle;  // index into the mesh's triangles
  Eigen::Vector3d normal;  // unit, from the winding
  double area;
};

// A crease edge of the welded mesh, with the inward direction of each face
// beside it: in that face's plane, perpendicular to the edge, into the face.
struct CreaseEdge {
  Eigen::Vector3d a, b;
  struct Side {
    Eigen::Vector3d normal;  // the face's
    Eigen::Vector3d inward;
  };
  std::vector<Side> sides;
};

struct Region {
  std::vector<std::size_t> faces;  // indices into Topology::faces, the seed first
  Eigen::Vector3d normal;          // the seed's
  Eigen::Vector3d axis;            // in-plane direction of the region's longest boundary edge
  double area = 0;
};

struct Topology {
  std::vector<Face> faces;  // triangles with an area; skipped ones are counted
  std::size_t skipped = 0;
  std::vector<CreaseEdge> creases;
  std::vector<Region> regions;  // in the order of their seeds' triangles
};

// Edges of one face (boundary), of three or more (non-manifold), or between
// two faces whose normals differ by more than `crease_angle_deg` and that
// meet convexly or with opposite windings are creases. Concave edges are not:
// they never bound a silhouette, and insetting there would open a seam.
Topology mesh_topology(const io::TriangleMesh& mesh, double crease_angle_deg);

}  // namespace splattrack::datasets::detail
