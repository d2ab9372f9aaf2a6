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

void transform_arrays(const RigidTransform& pose, const std::vector<float>& means, const std::vector<float>& quats,
                      std::vector<float>& means_out, std::vector<float>& quats_out) {
  const std::size_t n = means.size() / 3;
  means_out.resize(3 * n);
  quats_out.resize(4 * n);
  const Eigen::Quaterniond rq = pose.rotation.normalized();
  const Eigen::Matrix3d r = rq.toRotationMatrix();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector3d x(means[3 * i], means[3 * i + 1], means[3 * i + 2]);
    const Eigen::Vector3d y = r * x + pose.translation;
    for (int k = 0; k < 3; ++k) means_out[3 * i + k] = static_cast<float>(y[k]);
    const Eigen::Quaterniond qo = rq * Eigen::Quaterniond(quats[4 * i], quats[4 * i + 1], quats[4 * i + 2],
                                                          quats[4 * i + 3]);
    quats_out[4 * i + 0] = static_cast<float>(qo.w());
    quats_out[4 * i + 1] = static_cast<float>(qo.x());
    quats_out[4 * i + 2] = static_cast<float>(qo.y());
    quats_out[4 * i + 3] = static_cast<float>(qo.z());
  }
}

void apply_pose(const GaussianModel& model, const RigidTransform& pose, GaussianModel& out) {
  if (out.size() != model.size() || out.sh_degree != model.sh_degree) out = model;
  transform_arrays(pose, model.means, model.quats, out.means, out.quats);
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

CameraPose world_from_cam(const Camera& camera) {
  const Eigen::Matrix3d r = camera.cam_from_world.topLeftCorner<3, 3>();
  Pose<frames::Camera, frames::World> cam_from_world;
  cam_from_world.rotation = Eigen::Quaterniond(r).normalized();
  cam_from_world.translation = camera.cam_from_world.topRightCorner<3, 1>();
  return cam_from_world.inverse();
}

double rotation_error_deg(const RigidTransform& a, const RigidTransform& b) {
  const double d = std::abs(a.rotation.normalized().dot(b.rotation.normalized()));
  return 2.0 * std::acos(std::min(1.0, d)) * 180.0 / std::numbers::pi;
}

double translation_error(const RigidTransform& a, const RigidTransform& b) {
  return (a.translation - b.translation).norm();
}

}  // namespace splattrack
