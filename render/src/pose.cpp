#include "splattrack/render/pose.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace splattrack {

Eigen::Matrix4d RigidTransform::matrix() const {
  Eigen::Matrix4d m = Eigen::Matrix4d::Identity();
  m.topLeftCorner<3, 3>() = rotation.normalized().toRotationMatrix();
  m.topRightCorner<3, 1>() = translation;
  return m;
}

void apply_pose(const GaussianModel& model, const RigidTransform& pose, GaussianModel& out) {
  if (out.size() != model.size() || out.sh_degree != model.sh_degree) out = model;
  const Eigen::Quaterniond rq = pose.rotation.normalized();
  const Eigen::Matrix3d r = rq.toRotationMatrix();
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Eigen::Vector3d x(model.means[3 * i], model.means[3 * i + 1], model.means[3 * i + 2]);
    const Eigen::Vector3d y = r * x + pose.translation;
    for (int k = 0; k < 3; ++k) out.means[3 * i + k] = static_cast<float>(y[k]);
    const float* q = &model.quats[4 * i];
    const Eigen::Quaterniond qo = rq * Eigen::Quaterniond(q[0], q[1], q[2], q[3]);
    out.quats[4 * i + 0] = static_cast<float>(qo.w());
    out.quats[4 * i + 1] = static_cast<float>(qo.x());
    out.quats[4 * i + 2] = static_cast<float>(qo.y());
    out.quats[4 * i + 3] = static_cast<float>(qo.z());
  }
}

GaussianModel transformed(const GaussianModel& model, const RigidTransform& pose) {
  GaussianModel out = model;
  apply_pose(model, pose, out);
  return out;
}

GaussianModel recentred(const GaussianModel& model, const Eigen::Vector3d& center) {
  RigidTransform shift;
  shift.translation = -center;
  return transformed(model, shift);
}

double rotation_error_deg(const RigidTransform& a, const RigidTransform& b) {
  const double d = std::abs(a.rotation.normalized().dot(b.rotation.normalized()));
  return 2.0 * std::acos(std::min(1.0, d)) * 180.0 / std::numbers::pi;
}

double translation_error(const RigidTransform& a, const RigidTransform& b) {
  return (a.translation - b.translation).norm();
}

}  // namespace splattrack
