#include "crease_inset.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace splattrack::datasets::detail {

namespace {

using Eigen::Matrix2d;
using Eigen::Vector2d;
using Eigen::Vector3d;

// The rule, in units of the lattice spacing h, for a Gaussian whose centre
// is at distance d from a crease edge: its std-dev across the edge is at
// most (d - kEdgeMargin·h) / kEdgeSharpness, and d is at least
// kMinEdgeDistance·h (closer centres are moved in). The renderer widens
// every splat by its 0.3 px² low-pass without lowering its opacity, so a
// row of Gaussians right at the edge would spill half a pixel past it: the
// outer row sits a whole cell in, as a narrow band (σ ≤ h/6) whose alpha
// 0.5 falls about 0.75 h inside the edge before the low-pass. Measured on a
// box at ~2 px a cell (test_mesh2gs): under 0.05 % of the silhouette's
// pixels spill in oblique views, and everything 1 px inside is covered;
// rows at 0.5 h with σ ≤ 0.22 h spilled 1.7 %.
inline constexpr double kEdgeSharpness = 3.0;
inline constexpr double kEdgeMargin = 0.5;
inline constexpr double kMinEdgeDistance = 1.0;
// How far a crease edge can constrain a Gaussian, in h: kEdgeSharpness · σ
// + margin, with σ at most ~1.1 h (a stretched cell), is below 4 h.
inline constexpr double kReach = 4.0;
// Moving a centre away from one edge can bring it nearer another (a corner):
// a few rounds settle it, or show that it does not fit.
inline constexpr int kPushRounds = 4;

}  // namespace

CreaseInset::CreaseInset(const std::vector<CreaseEdge>& creases, double h, double crease_angle_deg)
    : creases_(creases), h_(h), cell_(2 * kReach * h), side_cos_(std::cos(crease_angle_deg * std::numbers::pi / 180)) {
  // Each edge goes into the cells of points sampled along it at a quarter
  // cell; a query then looks at the 27 cells around its own, which hold
  // every edge within kReach·h of it.
  for (std::size_t k = 0; k < creases_.size(); ++k) {
    const Vector3d a = creases_[k].a, b = creases_[k].b;
    const int steps = 1 + static_cast<int>((b - a).norm() / (0.25 * cell_));
    long long last = 0;
    for (int s = 0; s <= steps; ++s) {
      const long long key = cell_key(a + (b - a) * (static_cast<double>(s) / steps));
      if (s > 0 && key == last) continue;
      auto& list = grid_[key];
      if (list.empty() || list.back() != k) list.push_back(k);
      last = key;
    }
  }
}

long long CreaseInset::cell_key(const Vector3d& x) const {
  constexpr long long kHalf = 1 << 20;  // 21 bits a coordinate
  long long key = 0;
  for (int c = 0; c < 3; ++c) {
    const double i = std::clamp(std::floor(x[c] / cell_), -static_cast<double>(kHalf), static_cast<double>(kHalf - 1));
    key = (key << 21) | (static_cast<long long>(i) + kHalf);
  }
  return key;
}

// The crease edges beside which x lies, on the same side of the surface as
// its face: the edge's face whose normal is closest to x's own must be
// within the crease angle of it (an edge of a face turned away, such as a
// step rising from this face, is not this face's border). Only points whose
// foot falls within the edge count: a convex corner is covered by its two
// edges' half-planes.
std::vector<CreaseInset::Constraint> CreaseInset::constraints(const Vector3d& x, const Vector3d& normal) const {
  std::vector<std::size_t> near;
  const long long step = 1LL << 21;
  const long long centre = cell_key(x);
  for (long long dz = -1; dz <= 1; ++dz)
    for (long long dy = -1; dy <= 1; ++dy)
      for (long long dx = -1; dx <= 1; ++dx) {
        const auto it = grid_.find(centre + dx * step * step + dy * step + dz);
        if (it != grid_.end()) near.insert(near.end(), it->second.begin(), it->second.end());
      }
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());

  std::vector<Constraint> out;
  for (const std::size_t k : near) {
    const CreaseEdge& edge = creases_[k];
    const Vector3d e = edge.b - edge.a;
    const double t = (x - edge.a).dot(e) / e.squaredNorm();
    if (t < 0 || t > 1) continue;
    const CreaseEdge::Side* side = nullptr;
    for (const CreaseEdge::Side& s : edge.sides)
      if (!side || std::abs(s.normal.dot(normal)) > std::abs(side->normal.dot(normal))) side = &s;
    if (std::abs(side->normal.dot(normal)) < side_cos_) continue;
    Vector3d inward = side->inward - side->inward.dot(normal) * normal;
    if (inward.norm() < 1e-6) continue;
    inward.normalize();
    const double d = (x - edge.a).dot(inward);
    // Behind the edge's line (d < 0) is another part of the surface, and a
    // line out of reach constrains nothing.
    if (d < -kMinEdgeDistance * h_ || d > kReach * h_) continue;
    out.push_back({d, -inward});
  }
  std::sort(out.begin(), out.end(), [](const Constraint& a, const Constraint& b) { return a.distance < b.distance; });
  return out;
}

std::optional<Footprint> CreaseInset::fit(const Vector3d& position, const Vector3d& normal, double sigma) const {
  Vector3d x = position;
  std::vector<Constraint> near = constraints(x, normal);
  for (int round = 0; round < kPushRounds; ++round) {
    bool moved = false;
    for (const Constraint& c : near)
      if (c.distance < kMinEdgeDistance * h_ - 1e-9 * h_) {
        x -= (kMinEdgeDistance * h_ - c.distance) * c.outward;
        moved = true;
        break;  // distances change: measure again
      }
    if (!moved) break;
    near = constraints(x, normal);
  }
  for (const Constraint& c : near)
    if (c.distance < 0.5 * kMinEdgeDistance * h_) return std::nullopt;

  // Tangent basis and the covariance in it, narrowed along each edge's
  // outward direction o to var(o) <= s², s = (d - margin) / sharpness, by
  // Σ <- A Σ A with A = I + (f - 1) o oᵀ (which scales var(o) by f² and
  // leaves the direction across o alone); a last uniform scale covers what
  // a later narrowing undid of an earlier one.
  const Vector3d t1 = normal.unitOrthogonal(), t2 = normal.cross(t1);
  Matrix2d cov = sigma * sigma * Matrix2d::Identity();
  const auto limit = [&](const Constraint& c) { return (c.distance - kEdgeMargin * h_) / kEdgeSharpness; };
  for (const Constraint& c : near) {
    const Vector2d o(c.outward.dot(t1), c.outward.dot(t2));
    const double var = o.dot(cov * o), s = limit(c);
    if (var <= s * s) continue;
    const Matrix2d a = Matrix2d::Identity() + (s / std::sqrt(var) - 1) * o * o.transpose();
    cov = a * cov * a;
  }
  double shrink = 1;
  for (const Constraint& c : near) {
    const Vector2d o(c.outward.dot(t1), c.outward.dot(t2));
    shrink = std::min(shrink, limit(c) * limit(c) / o.dot(cov * o));
  }
  cov *= shrink;

  const Eigen::SelfAdjointEigenSolver<Matrix2d> eig(cov);  // ascending eigenvalues
  const Vector2d major = eig.eigenvectors().col(1);
  return Footprint{x, (major.x() * t1 + major.y() * t2).normalized(), std::sqrt(std::max(eig.eigenvalues()[1], 0.0)),
                   std::sqrt(std::max(eig.eigenvalues()[0], 0.0))};
}

}  // namespace splattrack::datasets::detail
