#include "splattrack/datasets/motion_blur.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace splattrack::datasets {

std::vector<double> exposure_times(int frame, const MotionBlurOptions& o) {
  if (!(o.shutter >= 0 && o.shutter <= 1)) throw std::invalid_argument("motion blur: the shutter must be in [0, 1]");
  if (o.samples < 1) throw std::invalid_argument("motion blur: at least one sample per frame");
  std::vector<double> times;
  for (int k = 0; k < o.samples; ++k) times.push_back(frame + o.shutter * ((k + 0.5) / o.samples - 0.5));
  return times;
}

RigidPose pose_at(const std::vector<RigidPose>& poses, double t) {
  if (poses.empty()) throw std::invalid_argument("pose_at: no poses");
  const int last = static_cast<int>(poses.size()) - 1;
  if (last == 0) return poses.front();
  // The segment [k, k + 1] that holds t, or the end segment to extrapolate.
  const int k = std::clamp(static_cast<int>(std::floor(t)), 0, last - 1);
  const RigidPose& a = poses[static_cast<std::size_t>(k)];
  const RigidPose& b = poses[static_cast<std::size_t>(k) + 1];
  const double u = t - k;
  RigidPose out;
  out.rotation = a.rotation.slerp(u, b.rotation).normalized();
  out.translation = (1 - u) * a.translation + u * b.translation;
  return out;
}

}  // namespace splattrack::datasets
