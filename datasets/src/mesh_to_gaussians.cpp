#include "splattrack/datasets/mesh_to_gaussians.hpp"

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "crease_inset.hpp"
#include "mesh_topology.hpp"
#include "surface_colour.hpp"
#include "surface_samples.hpp"
#include "splattrack/render/sh.hpp"

namespace splattrack::datasets {

namespace {

using Eigen::Vector3d;

// Tangential std-dev over the lattice spacing: neighbours overlap so that
// the accumulated alpha between four of them is above 0.99 (no lattice
// shows through), without blurring the texture much more than the spacing.
inline constexpr double kTangentSigma = 0.75;
// Std-dev along the normal over the spacing: flat, yet a finite log-scale.
inline constexpr double kThinSigma = 0.01;
// The renderer caps alpha at 0.99 anyway; this is that cap.
inline constexpr double kOpacity = 0.99;

}  // namespace

MeshConversion mesh_to_gaussians(const io::TriangleMesh& mesh, const MeshToGaussiansOptions& options) {
  if (options.gaussians < 1)
    throw std::invalid_argument("mesh_to_gaussians: at least one Gaussian, asked for " +
                                std::to_string(options.gaussians));
  const detail::Topology topo = detail::mesh_topology(mesh, options.crease_angle_deg);
  if (topo.faces.empty()) throw std::invalid_argument("no triangle of the mesh has an area");
  double area = 0;
  for (const detail::Region& r : topo.regions) area += r.area;

  MeshConversion out;
  out.spacing = std::sqrt(area / options.gaussians);
  out.crease_edges = topo.creases.size();
  out.regions = topo.regions.size();
  if (topo.skipped > 0)
    out.warnings.push_back(std::to_string(topo.skipped) + " triangles without an area (repeated or collinear corners) skipped");

  const std::vector<detail::SurfaceSample> samples = detail::surface_samples(mesh, topo, out.spacing);
  const detail::CreaseInset inset(topo.creases, out.spacing, options.crease_angle_deg);
  const detail::SurfaceColour colour(mesh);
  GaussianModel& model = out.model;
  model.sh_degree = 0;
  model.antialiased = options.antialiased;
  model.resize(samples.size());
  const auto opacity_logit = static_cast<float>(std::log(kOpacity / (1 - kOpacity)));
  std::size_t kept = 0, dropped = 0;
  for (const detail::SurfaceSample& s : samples) {
    const detail::Face& face = topo.faces[s.face];
    const double sigma = kTangentSigma * s.spacing;
    const auto fit = inset.fit(detail::triangle_point(mesh, face.triangle, s.bary), face.normal, sigma);
    if (!fit) {
      ++dropped;
      continue;
    }
    // A centre moved in from an edge stays in its face's plane; its colour
    // is read there (extrapolating the face's texture mapping, which is
    // continuous across a planar region).
    const Vector3d bary = detail::barycentric(mesh, face.triangle, fit->position);
    const std::array<float, 3> rgb = colour.at(face.triangle, bary, sigma);
    Eigen::Matrix3d frame;
    frame << fit->major, face.normal.cross(fit->major), face.normal;
    const Eigen::Quaterniond q(frame);
    const double scales[3] = {fit->sigma_major, fit->sigma_minor, kThinSigma * s.spacing};
    const double wxyz[4] = {q.w(), q.x(), q.y(), q.z()};
    for (int c = 0; c < 3; ++c) {
      model.means[3 * kept + c] = static_cast<float>(fit->position[c]);
      model.log_scales[3 * kept + c] = static_cast<float>(std::log(scales[c]));
      model.sh[3 * kept + c] = static_cast<float>(gs::sh_dc_from_colour<double>(std::clamp(rgb[c], 0.f, 1.f)));
    }
    for (int c = 0; c < 4; ++c) model.quats[4 * kept + c] = static_cast<float>(wxyz[c]);
    model.opacity_logits[kept] = opacity_logit;
    ++kept;
  }
  model.resize(kept);
  if (dropped > 0)
    out.warnings.push_back(std::to_string(dropped) + " Gaussians left out at corners too acute to hold them");
  if (kept == 0) throw std::invalid_argument("the mesh is too small or too thin for any Gaussian to fit inside it");
  return out;
}

}  // namespace splattrack::datasets
