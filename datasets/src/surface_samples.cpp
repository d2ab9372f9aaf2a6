#include "surface_samples.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>

#include "random.hpp"

namespace splattrack::datasets::detail {

namespace {

using Eigen::Vector2d;
using Eigen::Vector3d;

// Regions smaller than this many cells get random points: a lattice over a
// sliver would hold 0 or 2 points by the accident of its offset.
inline constexpr double kLatticeMinCells = 16;
// A cell centre on an edge shared by two faces of a region belongs to the
// first: the tolerance only admits centres that rounding puts just outside.
inline constexpr double kInsideTolerance = 1e-9;

Vector3d corner(const io::TriangleMesh& mesh, std::uint32_t t, int c) {
  const std::uint32_t v = mesh.triangles[3 * t + c];
  return {mesh.positions[3 * v], mesh.positions[3 * v + 1], mesh.positions[3 * v + 2]};
}

// Barycentric coordinates of p in the 2D triangle (a, b, c).
Vector3d barycentric_2d(const Vector2d& a, const Vector2d& b, const Vector2d& c, const Vector2d& p) {
  const auto cross = [](const Vector2d& x, const Vector2d& y) { return x.x() * y.y() - x.y() * y.x(); };
  const double area = cross(b - a, c - a);
  const double wb = cross(p - a, c - a) / area, wc = cross(b - a, p - a) / area;
  return {1 - wb - wc, wb, wc};
}

void lattice(const io::TriangleMesh& mesh, const Topology& topo, const Region& region, double h,
             std::vector<SurfaceSample>& out) {
  const Vector3d u = region.axis, v = region.normal.cross(u);
  const Vector3d origin = corner(mesh, topo.faces[region.faces[0]].triangle, 0);
  std::vector<std::array<Vector2d, 3>> flat;
  Eigen::AlignedBox2d box;
  for (const std::size_t f : region.faces) {
    std::array<Vector2d, 3> p;
    for (int c = 0; c < 3; ++c) {
      const Vector3d d = corner(mesh, topo.faces[f].triangle, c) - origin;
      box.extend(p[c] = Vector2d(d.dot(u), d.dot(v)));
    }
    flat.push_back(p);
  }
  // Whole cells across the extent, so that a rectangle's outer rows sit at
  // half a cell from its edges on all four sides.
  const Vector2d size = box.sizes();
  const int nu = std::max(1, static_cast<int>(std::lround(size.x() / h)));
  const int nv = std::max(1, static_cast<int>(std::lround(size.y() / h)));
  const Vector2d cell(size.x() / nu, size.y() / nv);
  const double spacing = std::sqrt(cell.x() * cell.y());
  std::vector<char> taken(static_cast<std::size_t>(nu) * static_cast<std::size_t>(nv), 0);
  const auto index_range = [&](double lo, double hi, double step, int n) {
    return std::pair(std::max(0, static_cast<int>(std::ceil(lo / step - 0.5 - kInsideTolerance))),
                     std::min(n - 1, static_cast<int>(std::floor(hi / step - 0.5 + kInsideTolerance))));
  };
  for (std::size_t k = 0; k < flat.size(); ++k) {
    const auto& p = flat[k];
    Eigen::AlignedBox2d tri;
    for (const Vector2d& q : p) tri.extend(q - box.min());
    const auto [i0, i1] = index_range(tri.min().x(), tri.max().x(), cell.x(), nu);
    const auto [j0, j1] = index_range(tri.min().y(), tri.max().y(), cell.y(), nv);
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i) {
        char& t = taken[static_cast<std::size_t>(j) * static_cast<std::size_t>(nu) + static_cast<std::size_t>(i)];
        if (t) continue;
        const Vector2d centre = box.min() + Vector2d((i + 0.5) * cell.x(), (j + 0.5) * cell.y());
        const Vector3d bary = barycentric_2d(p[0], p[1], p[2], centre);
        if (bary.minCoeff() < -kInsideTolerance) continue;
        t = 1;
        out.push_back({region.faces[k], bary, spacing});
      }
  }
}

void scatter(const Topology& topo, const Region& region, double h, double& carry, Random& rng,
             std::vector<SurfaceSample>& out) {
  carry += region.area / (h * h);
  const auto count = static_cast<int>(std::floor(carry));
  carry -= count;
  for (int j = 0; j < count; ++j) {
    double pick = (j + rng.uniform()) / count * region.area;  // stratified over the region's area
    std::size_t k = 0;
    while (k + 1 < region.faces.size() && pick >= topo.faces[region.faces[k]].area)
      pick -= topo.faces[region.faces[k++]].area;
    const double r = std::sqrt(rng.uniform()), s = rng.uniform();  // uniform over the triangle
    out.push_back({region.faces[k], Vector3d(1 - r, r * (1 - s), r * s), h});
  }
}

}  // namespace

std::vector<SurfaceSample> surface_samples(const io::TriangleMesh& mesh, const Topology& topo, double h) {
  std::vector<SurfaceSample> out;
  Random rng(0, kMeshSampleStream);
  double carry = 0.5;  // rounds the first region's count to nearest
  for (const Region& region : topo.regions) {
    if (region.area >= kLatticeMinCells * h * h)
      lattice(mesh, topo, region, h, out);
    else
      scatter(topo, region, h, carry, rng, out);
  }
  return out;
}

Vector3d triangle_point(const io::TriangleMesh& mesh, std::uint32_t t, const Vector3d& bary) {
  return bary[0] * corner(mesh, t, 0) + bary[1] * corner(mesh, t, 1) + bary[2] * corner(mesh, t, 2);
}

Vector3d barycentric(const io::TriangleMesh& mesh, std::uint32_t t, const Vector3d& x) {
  const Vector3d a = corner(mesh, t, 0), e1 = corner(mesh, t, 1) - a, e2 = corner(mesh, t, 2) - a, d = x - a;
  const double d11 = e1.dot(e1), d12 = e1.dot(e2), d22 = e2.dot(e2), p1 = d.dot(e1), p2 = d.dot(e2);
  const double det = d11 * d22 - d12 * d12;
  const double wb = (d22 * p1 - d12 * p2) / det, wc = (d11 * p2 - d12 * p1) / det;
  return {1 - wb - wc, wb, wc};
}

}  // namespace splattrack::datasets::detail
