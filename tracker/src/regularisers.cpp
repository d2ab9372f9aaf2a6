#include "splattrack/tracker/regularisers.hpp"

#include <stdexcept>

namespace splattrack {
namespace {

gs::Quat<double> to_gs(const Eigen::Quaterniond& q) { return {q.w(), q.x(), q.y(), q.z()}; }

void check(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}

}  // namespace

double arap_energy(const ControlPoints& nodes, const NodeTransforms& transforms, double object_radius,
                   NodeGradients* grad) {
  const int m = nodes.size();
  check(transforms.size() == m, "arap_energy: transforms for other nodes");
  check(!grad || grad->size() == m, "arap_energy: gradient for other nodes");
  if (nodes.graph_degree == 0) return 0;
  const double c = 1.0 / (nodes.graph_degree * object_radius * object_radius);
  double energy = 0;
  for (int k = 0; k < m; ++k) {
    const Eigen::Matrix3d r = transforms.rotations[k].toRotationMatrix();
    Eigen::Matrix3d d_r = Eigen::Matrix3d::Zero();
    for (int n = 0; n < nodes.graph_degree; ++n) {
      const int j = nodes.neighbour(k, n);
      const Eigen::Vector3d rest = nodes.positions[j] - nodes.positions[k];
      const Eigen::Vector3d e = rest + transforms.translations[j] - transforms.translations[k] - r * rest;
      energy += c * e.squaredNorm();
      if (!grad) continue;
      grad->translations[j] += 2 * c * e;
      grad->translations[k] -= 2 * c * e;
      d_r -= 2 * c * e * rest.transpose();
    }
    if (!grad) continue;
    gs::Mat3<double> g;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) g.m[a][b] = d_r(a, b);
    const gs::Quat<double> d_q = gs::quat_to_rotation_vjp(to_gs(transforms.rotations[k]), g);
    grad->rotations[k] += Eigen::Vector4d(d_q.w, d_q.x, d_q.y, d_q.z);
  }
  return energy;
}

double temporal_energy(const NodeTransforms& transforms, const NodeTransforms& reference, double object_radius,
                       NodeGradients* grad) {
  const int m = transforms.size();
  check(reference.size() == m, "temporal_energy: a reference for other nodes");
  check(!grad || grad->size() == m, "temporal_energy: gradient for other nodes");
  if (m == 0) return 0;
  const double c = 1.0 / m, ct = c / (object_radius * object_radius);
  double energy = 0;
  for (int k = 0; k < m; ++k) {
    const Eigen::Vector3d dt = transforms.translations[k] - reference.translations[k];
    const Eigen::Quaterniond &q = transforms.rotations[k], &ref = reference.rotations[k];
    const double dot = q.coeffs().dot(ref.coeffs());
    energy += ct * dt.squaredNorm() + 4 * c * (1 - dot * dot);
    if (!grad) continue;
    grad->translations[k] += 2 * ct * dt;
    grad->rotations[k] -= 8 * c * dot * Eigen::Vector4d(ref.w(), ref.x(), ref.y(), ref.z());
  }
  return energy;
}

}  // namespace splattrack
