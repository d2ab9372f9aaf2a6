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

}  // namespace splattrack
