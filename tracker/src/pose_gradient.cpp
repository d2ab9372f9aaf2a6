#include "splattrack/tracker/pose_gradient.hpp"

namespace splattrack {

PoseGradient pose_gradient(const GaussianModel& world, const Eigen::Vector3d& translation,
                           const GaussianGradients& grads) {
  PoseGradient out;
  const std::size_t n = world.size();
  const bool has_quat_grads = grads.quats.size() == 4 * n;
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d x(world.means[3 * i], world.means[3 * i + 1], world.means[3 * i + 2]);
    const Eigen::Vector3d g(grads.means[3 * i], grads.means[3 * i + 1], grads.means[3 * i + 2]);
    out.translation += g;
    out.rotation += (x - translation).cross(g);
    if (!has_quat_grads) continue;
    const double w = world.quats[4 * i];
    const Eigen::Vector3d u(world.quats[4 * i + 1], world.quats[4 * i + 2], world.quats[4 * i + 3]);
    const double hw = grads.quats[4 * i];
    const Eigen::Vector3d hv(grads.quats[4 * i + 1], grads.quats[4 * i + 2], grads.quats[4 * i + 3]);
    out.rotation += 0.5 * (-hw * u + w * hv + u.cross(hv));
  }
  return out;
}

void pose_tangents(const GaussianModel& world, const Eigen::Vector3d& translation,
                   std::vector<ModelTangent>& out) {
  const std::size_t n = world.size();
  out.resize(6);
  for (ModelTangent& t : out) {
    t.means.assign(3 * n, 0.f);
    t.quats.assign(4 * n, 0.f);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d x =
        Eigen::Vector3d(world.means[3 * i], world.means[3 * i + 1], world.means[3 * i + 2]) -
        translation;
    const Eigen::Quaterniond q(world.quats[4 * i], world.quats[4 * i + 1], world.quats[4 * i + 2],
                               world.quats[4 * i + 3]);
    for (int a = 0; a < 3; ++a) {
      const Eigen::Vector3d omega = Eigen::Vector3d::Unit(a);
      const Eigen::Vector3d dx = omega.cross(x);
      Eigen::Quaterniond half_omega(0, 0, 0, 0);
      half_omega.vec() = 0.5 * omega;
      const Eigen::Quaterniond dq = half_omega * q;
      ModelTangent& rotation = out[static_cast<std::size_t>(a)];
      for (int k = 0; k < 3; ++k) rotation.means[3 * i + k] = static_cast<float>(dx[k]);
      rotation.quats[4 * i] = static_cast<float>(dq.w());
      for (int k = 0; k < 3; ++k) rotation.quats[4 * i + 1 + k] = static_cast<float>(dq.vec()[k]);
      out[static_cast<std::size_t>(3 + a)].means[3 * i + a] = 1.f;
    }
  }
}

void unposed_gradients(const RigidTransform& pose, const GaussianGradients& posed, GaussianGradients& out) {
  RigidTransform unturn;  // the rotation's inverse: dL/dx' = Rᵀ dL/dx'', dL/dq' = r* ⊗ dL/dq''
  unturn.rotation = pose.rotation.normalized().conjugate();
  transform_arrays(unturn, posed.means, posed.quats, out.means, out.quats);
}

CentredPose perturbed(const CentredPose& pose, const Eigen::Vector3d& omega, const Eigen::Vector3d& delta) {
  CentredPose out = pose;
  if (omega.norm() > 0)
    out.rotation =
        (Eigen::Quaterniond(Eigen::AngleAxisd(omega.norm(), omega.normalized())) * pose.rotation).normalized();
  out.translation += delta;
  return out;
}

}  // namespace splattrack
