#include "mesh_topology.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <tuple>

namespace splattrack::datasets::detail {

namespace {

using Eigen::Vector3d;

// A triangle whose area is below this fraction of the squared bounding-box
// diagonal has no direction worth a normal (collinear or repeated corners).
inline constexpr double kMinAreaFraction = 1e-12;
// Faces joined by a smooth edge share a region (and one lattice) while their
// normals stay within this of the region's first face: flat faces of a CAD
// model or a subdivided cube, not a tessellated curve.
inline constexpr double kCoplanarDeg = 1.0;

Vector3d position(const io::TriangleMesh& mesh, std::uint32_t v) {
  return {mesh.positions[3 * v], mesh.positions[3 * v + 1], mesh.positions[3 * v + 2]};
}

// The smallest vertex index with the same position, for every vertex.
std::vector<std::uint32_t> weld(const io::TriangleMesh& mesh) {
  const auto n = static_cast<std::uint32_t>(mesh.vertex_count());
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t v = 0; v < n; ++v) order[v] = v;
  const auto key = [&](std::uint32_t v) {
    return std::tie(mesh.positions[3 * v], mesh.positions[3 * v + 1], mesh.positions[3 * v + 2]);
  };
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return key(a) != key(b) ? key(a) < key(b) : a < b; });
  std::vector<std::uint32_t> welded(n);
  for (std::size_t i = 0; i < order.size(); ++i)
    welded[order[i]] = i > 0 && key(order[i]) == key(order[i - 1]) ? welded[order[i - 1]] : order[i];
  return welded;
}

// One side of an edge: welded endpoints lo < hi, the face, and whether the
// face's winding runs lo -> hi.
struct EdgeUse {
  std::uint32_t lo, hi;
  std::size_t face;
  int corner;  // the edge runs from corner to corner + 1 (mod 3)
  bool forward;
};

}  // namespace

Topology mesh_topology(const io::TriangleMesh& mesh, double crease_angle_deg) {
  Topology topo;
  const std::vector<std::uint32_t> welded = weld(mesh);
  Eigen::AlignedBox3d box;
  for (std::size_t v = 0; v < mesh.vertex_count(); ++v) box.extend(position(mesh, static_cast<std::uint32_t>(v)));
  const double min_area = kMinAreaFraction * box.diagonal().squaredNorm();

  std::vector<std::array<std::uint32_t, 3>> corners;  // welded, per face
  for (std::uint32_t t = 0; t < mesh.triangle_count(); ++t) {
    const std::array<std::uint32_t, 3> w = {welded[mesh.triangles[3 * t]], welded[mesh.triangles[3 * t + 1]],
                                            welded[mesh.triangles[3 * t + 2]]};
    const Vector3d cross = (position(mesh, w[1]) - position(mesh, w[0])).cross(position(mesh, w[2]) - position(mesh, w[0]));
    if (w[0] == w[1] || w[1] == w[2] || w[0] == w[2] || 0.5 * cross.norm() <= min_area) {
      ++topo.skipped;
      continue;
    }
    topo.faces.push_back({t, cross.normalized(), 0.5 * cross.norm()});
    corners.push_back(w);
  }

  std::vector<EdgeUse> uses;
  for (std::size_t f = 0; f < corners.size(); ++f)
    for (int c = 0; c < 3; ++c) {
      const std::uint32_t a = corners[f][c], b = corners[f][(c + 1) % 3];
      uses.push_back({std::min(a, b), std::max(a, b), f, c, a < b});
    }
  std::sort(uses.begin(), uses.end(), [](const EdgeUse& x, const EdgeUse& y) {
    return std::tie(x.lo, x.hi, x.face, x.corner) < std::tie(y.lo, y.hi, y.face, y.corner);
  });

  const double crease_cos = std::cos(crease_angle_deg * std::numbers::pi / 180);
  // neighbour[f][c]: the face across edge c when the edge is smooth, else -1.
  std::vector<std::array<long, 3>> neighbour(corners.size(), {-1, -1, -1});
  const auto opposite = [&](const EdgeUse& u) { return position(mesh, corners[u.face][(u.corner + 2) % 3]); };
  for (std::size_t begin = 0, end = 0; begin < uses.size(); begin = end) {
    while (end < uses.size() && uses[end].lo == uses[begin].lo && uses[end].hi == uses[begin].hi) ++end;
    const Vector3d a = position(mesh, uses[begin].lo), b = position(mesh, uses[begin].hi);
    bool crease = end - begin != 2;
    if (!crease) {
      const EdgeUse &u = uses[begin], &v = uses[begin + 1];
      const Vector3d &n1 = topo.faces[u.face].normal, &n2 = topo.faces[v.face].normal;
      const bool consistent = u.forward != v.forward;
      const double cos_angle = consistent ? n1.dot(n2) : -n1.dot(n2);
      const bool convex = n1.dot(opposite(v) - a) < 0;
      crease = cos_angle < crease_cos && (convex || !consistent);
      if (!crease) {
        neighbour[u.face][u.corner] = static_cast<long>(v.face);
        neighbour[v.face][v.corner] = static_cast<long>(u.face);
      }
    }
    if (!crease) continue;
    CreaseEdge edge{a, b, {}};
    const Vector3d along = (b - a).normalized();
    for (std::size_t i = begin; i < end; ++i) {
      const Vector3d to_opposite = opposite(uses[i]) - a;
      edge.sides.push_back({topo.faces[uses[i].face].normal,
                            (to_opposite - to_opposite.dot(along) * along).normalized()});
    }
    topo.creases.push_back(std::move(edge));
  }

  // Regions: breadth-first over smooth edges from each face not yet taken.
  const double coplanar_cos = std::cos(kCoplanarDeg * std::numbers::pi / 180);
  std::vector<long> region_of(corners.size(), -1);
  for (std::size_t seed = 0; seed < corners.size(); ++seed) {
    if (region_of[seed] >= 0) continue;
    const long r = static_cast<long>(topo.regions.size());
    Region region{{seed}, topo.faces[seed].normal, {}, 0};
    region_of[seed] = r;
    for (std::size_t i = 0; i < region.faces.size(); ++i)
      for (const long nb : neighbour[region.faces[i]])
        if (nb >= 0 && region_of[nb] < 0 && std::abs(topo.faces[nb].normal.dot(region.normal)) >= coplanar_cos) {
          region_of[nb] = r;
          region.faces.push_back(static_cast<std::size_t>(nb));
        }
    // The lattice's rows run along the longest boundary edge, so that a
    // box's rows are parallel to its edges and all sit at the same inset.
    double longest = -1;
    for (const std::size_t f : region.faces) {
      region.area += topo.faces[f].area;
      for (int c = 0; c < 3; ++c) {
        const long nb = neighbour[f][c];
        if (nb >= 0 && region_of[nb] == r) continue;
        const Vector3d e = position(mesh, corners[f][(c + 1) % 3]) - position(mesh, corners[f][c]);
        if (e.norm() > longest) {
          longest = e.norm();
          region.axis = (e - e.dot(region.normal) * region.normal).normalized();
        }
      }
    }
    topo.regions.push_back(std::move(region));
  }
  return topo;
}

}  // namespace splattrack::datasets::detail
