// Control points ("nodes") of the deformation and the binding of every
// Gaussian to its K nearest (METHOD.md §3), computed once per model.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/render/skinning.hpp"

namespace splattrack {

namespace node_defaults {
inline constexpr int kNodeCount = 256;      // --num-nodes (SC-GS uses 512)
inline constexpr int kGraphNeighbours = 8;  // each node's neighbours in the regulariser's graph
}  // namespace node_defaults

struct ControlPoints {
  std::vector<Eigen::Vector3d> positions;  // p_k, in the coordinates of the model they were made for
  // σ_k of the skinning weights exp(−‖x − p_k‖² / (2 σ_k²)): the distance to
  // the node's K-th nearest other node (METHOD.md §3), unless given.
  std::vector<double> radii;
  // [M, graph_degree]: each node's nearest other nodes, nearest first.
  std::vector<int> neighbours;
  int graph_degree = 0;  // min(kGraphNeighbours, M − 1)

  int size() const { return static_cast<int>(positions.size()); }
  int neighbour(int node, int j) const { return neighbours[static_cast<std::size_t>(node * graph_degree + j)]; }
};

// `count` node positions by farthest-point sampling of the Gaussian centres
// weighted toward opaque Gaussians: each next node is the centre that
// maximises opacity × distance to the nodes already chosen (the first:
// × distance to the centroid), so that near-transparent haze gets few nodes.
// Fewer when the model has fewer Gaussians. Deterministic.
std::vector<Eigen::Vector3d> sample_node_positions(const GaussianModel& model, int count);

// The control points at `positions` (at least one; std::invalid_argument
// otherwise): radii as METHOD.md §3 says unless `radii` gives them (one per
// node, > 0), and the neighbour graph.
ControlPoints make_control_points(std::vector<Eigen::Vector3d> positions, std::vector<double> radii = {});

// Every Gaussian's K nearest nodes and normalised weights. With fewer than K
// nodes the missing entries repeat the nearest with weight 0.
struct SkinBinding {
  std::vector<int> nodes;      // [N, K]
  std::vector<float> weights;  // [N, K], each row sums to 1
};

// Brute force over all pairs (N · M distances: 13 M for 50k Gaussians and 256
// nodes, tens of milliseconds once per model; a k-d tree would pay off only
// for many more nodes).
SkinBinding bind_gaussians(const GaussianModel& model, const ControlPoints& nodes);

}  // namespace splattrack
