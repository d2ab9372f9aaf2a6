#include "splattrack/tracker/control_points.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace splattrack {
namespace {

constexpr int K = gs::kNodesPerGaussian;

Eigen::Vector3d centre_of(const GaussianModel& model, std::size_t i) {
  return {model.means[3 * i], model.means[3 * i + 1], model.means[3 * i + 2]};
}

// Indices of the `count` smallest of `d` (all but `skip`), nearest first, ties by index.
std::vector<int> nearest(const std::vector<double>& d, int count, int skip) {
  std::vector<int> order(d.size());
  std::iota(order.begin(), order.end(), 0);
  if (skip >= 0) order.erase(order.begin() + skip);
  count = std::min(count, static_cast<int>(order.size()));
  std::partial_sort(order.begin(), order.begin() + count, order.end(),
                    [&](int a, int b) { return d[a] < d[b] || (d[a] == d[b] && a < b); });
  order.resize(static_cast<std::size_t>(count));
  return order;
}

}  // namespace

std::vector<Eigen::Vector3d> sample_node_positions(const GaussianModel& model, int count) {
  const std::size_t n = model.size();
  std::vector<Eigen::Vector3d> out;
  if (n == 0 || count <= 0) return out;
  std::vector<double> opacity(n);
  Eigen::Vector3d centroid = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    opacity[i] = 1.0 / (1.0 + std::exp(-static_cast<double>(model.opacity_logits[i])));
    centroid += centre_of(model, i);
  }
  centroid /= static_cast<double>(n);
  // distance[i]: to the nearest node chosen so far (to the centroid before any).
  std::vector<double> distance(n);
  for (std::size_t i = 0; i < n; ++i) distance[i] = (centre_of(model, i) - centroid).norm();
  const std::size_t wanted = std::min(n, static_cast<std::size_t>(count));
  while (out.size() < wanted) {
    std::size_t best = 0;
    double best_score = -1;
    for (std::size_t i = 0; i < n; ++i) {
      const double score = opacity[i] * distance[i];
      if (score > best_score) best_score = score, best = i;
    }
    if (best_score <= 0 && !out.empty()) break;  // every centre already a node
    const Eigen::Vector3d p = centre_of(model, best);
    out.push_back(p);
    for (std::size_t i = 0; i < n; ++i) {
      const double d = (centre_of(model, i) - p).norm();
      distance[i] = out.size() == 1 ? d : std::min(distance[i], d);
    }
  }
  return out;
}

ControlPoints make_control_points(std::vector<Eigen::Vector3d> positions, std::vector<double> radii) {
  const int m = static_cast<int>(positions.size());
  if (m == 0) throw std::invalid_argument("control points: none given");
  if (!radii.empty() && radii.size() != positions.size())
    throw std::invalid_argument("control points: " + std::to_string(radii.size()) + " radii for " + std::to_string(m) +
                                " nodes");
  for (double r : radii)
    if (!(r > 0) || !std::isfinite(r)) throw std::invalid_argument("control points: a radius is not > 0");
  ControlPoints cp;
  cp.positions = std::move(positions);
  cp.graph_degree = std::min(node_defaults::kGraphNeighbours, m - 1);
  cp.neighbours.reserve(static_cast<std::size_t>(m * cp.graph_degree));
  cp.radii.resize(static_cast<std::size_t>(m));
  std::vector<double> d(static_cast<std::size_t>(m));
  for (int k = 0; k < m; ++k) {
    for (int j = 0; j < m; ++j) d[j] = (cp.positions[j] - cp.positions[k]).norm();
    const std::vector<int> near = nearest(d, std::max(cp.graph_degree, K), k);
    cp.neighbours.insert(cp.neighbours.end(), near.begin(), near.begin() + cp.graph_degree);
    // The K-th nearest other node, or the farthest when there are fewer; a
    // lone node's σ only scales weights that normalise to 1 anyway.
    const double sigma = near.empty() ? 1.0 : d[near[std::min<std::size_t>(K, near.size()) - 1]];
    cp.radii[k] = radii.empty() ? (sigma > 0 ? sigma : 1.0) : radii[k];
  }
  return cp;
}

SkinBinding bind_gaussians(const GaussianModel& model, const ControlPoints& nodes) {
  const std::size_t n = model.size();
  const int m = nodes.size();
  SkinBinding b;
  b.nodes.resize(n * K);
  b.weights.resize(n * K);
  std::vector<double> d2(static_cast<std::size_t>(m));
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d x = centre_of(model, i);
    for (int k = 0; k < m; ++k) d2[k] = (nodes.positions[k] - x).squaredNorm();
    const std::vector<int> near = nearest(d2, K, -1);
    // log ŵ_k = −d² / (2σ²), normalised from the largest so that a Gaussian
    // far from every node still gets weights that sum to 1.
    double logw[K], top = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < near.size(); ++j) {
      const double sigma = nodes.radii[near[j]];
      logw[j] = -d2[near[j]] / (2 * sigma * sigma);
      top = std::max(top, logw[j]);
    }
    double total = 0;
    for (std::size_t j = 0; j < near.size(); ++j) total += logw[j] = std::exp(logw[j] - top);
    for (int j = 0; j < K; ++j) {
      const bool real = j < static_cast<int>(near.size());
      b.nodes[i * K + j] = near[real ? j : 0];
      b.weights[i * K + j] = real ? static_cast<float>(logw[j] / total) : 0.f;
    }
  }
  return b;
}

}  // namespace splattrack
