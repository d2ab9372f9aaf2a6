#include "splattrack/datasets/trajectory.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "random.hpp"
#include "wave.hpp"

namespace splattrack::datasets {

namespace {

using Eigen::Vector3d;
using detail::Random;
using detail::Wave;

inline constexpr double kNearMargin = 0.5;  // the sphere's front stays this far beyond the near plane
inline constexpr double kNearPlane = 0.2;   // METHOD.md §2
// Angular-velocity modulation, radians per frame: slow against the motion.
inline constexpr double kAxisDriftMin = 0.01, kAxisDriftMax = 0.03;
inline constexpr double kRateWobbleMin = 0.02, kRateWobbleMax = 0.06;

// The largest |offset| along one image axis for which a sphere of `radius` at
// depth >= z_min stays between the two side planes through the image edges
// (pixel edges at -0.5 and size - 0.5, less the margin). A plane x = t z has
// unit normal (1, -t)/sqrt(1 + t²); the sphere is inside when its centre is at
// least `radius` from it.
double lateral_amplitude(double focal, double principal, int size, double margin_px, double z_min, double radius) {
  double amplitude = INFINITY;
  for (const double edge_px : {principal + 0.5 - margin_px, size - 0.5 - principal - margin_px}) {
    const double t = edge_px / focal;
    amplitude = std::min(amplitude, t * z_min - radius * std::sqrt(1 + t * t));
  }
  return amplitude;
}

}  // namespace

std::vector<RigidPose> make_trajectory(const Camera& camera, const TrajectoryOptions& o) {
  if (o.frames < 0 || !(o.translation_speed >= 0) || !(o.rotation_speed_deg >= 0) || !(o.object_size > 0) ||
      !(o.distance > 0) || !(o.depth_range >= 0 && o.depth_range < 1) || !(o.margin_px >= 0))
    throw std::invalid_argument("make_trajectory: frames, speeds, sizes and margins must be non-negative, "
                                "depth_range in [0, 1)");
  if (camera.width <= 0 || camera.height <= 0 || !(camera.fx > 0) || !(camera.fy > 0))
    throw std::invalid_argument("make_trajectory: the camera needs a size and positive focal lengths");
  const double radius = 0.5 * o.object_size;
  const double depth_amplitude = o.depth_range * o.distance;
  const double z_min = o.distance - depth_amplitude;
  const Vector3d amplitude(lateral_amplitude(camera.fx, camera.cx, camera.width, o.margin_px, z_min, radius),
                           lateral_amplitude(camera.fy, camera.cy, camera.height, o.margin_px, z_min, radius),
                           depth_amplitude);
  if (amplitude.x() < 0 || amplitude.y() < 0 || z_min - radius < kNearPlane + kNearMargin)
    throw std::invalid_argument("make_trajectory: an object of size " + std::to_string(o.object_size) +
                                " does not fit in the view at distance " + std::to_string(z_min) +
                                "; move it further away or make it smaller");

  Random rng(o.seed, detail::kTrajectoryStream);
  std::array<Wave, 3> waves;
  for (int a = 0; a < 3; ++a) waves[a] = detail::random_wave(rng, amplitude[a]);
  const double bound = Vector3d(waves[0].speed_bound(), waves[1].speed_bound(), waves[2].speed_bound()).norm();
  const double time_scale = bound > 0 ? o.translation_speed * o.object_size / bound : 0.0;
  for (auto& w : waves)
    for (double& omega : w.omega) omega *= time_scale;

  const double max_rate = o.rotation_speed_deg * std::numbers::pi / 180.0;
  const Vector3d drift_axis = rng.unit_vector();
  const Vector3d spin_axis = rng.unit_vector();
  const double drift = rng.uniform(kAxisDriftMin, kAxisDriftMax);
  const double wobble = rng.uniform(kRateWobbleMin, kRateWobbleMax);
  const double wobble_phase = rng.uniform(0, 2 * std::numbers::pi);
  const auto angular_velocity = [&](double t) -> Vector3d {  // radians per frame, in camera space
    const double rate = max_rate * (0.75 + 0.25 * std::sin(wobble * t + wobble_phase));
    return rate * (Eigen::AngleAxisd(drift * t, drift_axis) * spin_axis);
  };

  const CameraPose world_from_camera = world_from_cam(camera);
  Pose<frames::Camera, frames::Model> cam_from_model;
  cam_from_model.rotation = rng.rotation();
  std::vector<RigidPose> poses;
  poses.reserve(static_cast<std::size_t>(o.frames));
  for (int k = 0; k < o.frames; ++k) {
    if (k > 0) {  // midpoint rule: the step turns by exactly |ω(k - 1/2)| <= max_rate
      const Vector3d w = angular_velocity(k - 0.5);
      const double angle = w.norm();
      if (angle > 0)
        cam_from_model.rotation = (Eigen::Quaterniond(Eigen::AngleAxisd(angle, w / angle)) * cam_from_model.rotation)
                                      .normalized();
    }
    cam_from_model.translation = Vector3d(waves[0].value(k), waves[1].value(k), o.distance + waves[2].value(k));
    poses.push_back(world_from_camera * cam_from_model);
  }
  return poses;
}

}  // namespace splattrack::datasets
