// Keeps a Gaussian's footprint inside the crease edges near it, so that the
// rendered silhouette of the model is no larger than the mesh's: the centre
// is kept at least kMinEdgeDistance·h inside each crease edge, and the 2D
// covariance is narrowed across each edge (long along it, narrow across) so
// that the accumulated alpha of the whole lattice reaches 0.5 slightly
// inside the edge instead of past it.
#pragma once

#include <Eigen/Core>
#include <optional>
#include <unordered_map>
#include <vector>

#include "mesh_topology.hpp"

namespace splattrack::datasets::detail {

struct Footprint {
  Eigen::Vector3d position;
  Eigen::Vector3d major;  // unit, in the tangent plane; the minor axis is normal × major
  double sigma_major = 0, sigma_minor = 0;
};

class CreaseInset {
 public:
  // `creases` must outlive this. `h` is the lattice spacing.
  CreaseInset(const std::vector<CreaseEdge>& creases, double h, double crease_angle_deg);

  // The footprint of an isotropic Gaussian of std-dev `sigma` centred at
  // `position` on a face with unit `normal`; nullopt when no position near it
  // is far enough inside its creases (the tip of an acute corner).
  std::optional<Footprint> fit(const Eigen::Vector3d& position, const Eigen::Vector3d& normal, double sigma) const;

 private:
  struct Constraint {
    double distance;          // from the centre to the edge, in the tangent plane
    Eigen::Vector3d outward;  // unit, tangent, towards the edge
  };
  std::vector<Constraint> constraints(const Eigen::Vector3d& x, const Eigen::Vector3d& normal) const;
  long long cell_key(const Eigen::Vector3d& x) const;

  const std::vector<CreaseEdge>& creases_;
  double h_;
  double cell_;
  double side_cos_;
  std::unordered_map<long long, std::vector<std::size_t>> grid_;  // cell -> crease indices
};

}  // namespace splattrack::datasets::detail
