#include "splattrack/tracker/occlusion_hold.hpp"

#include <cmath>

#include "splattrack/tracker/pose_gradient.hpp"

namespace splattrack {

namespace {
// The rotation vector (axis times angle, the angle at most π) of q.
Eigen::Vector3d rotation_vector(const Eigen::Quaterniond& q) {
  const Eigen::AngleAxisd aa(q.normalized());
  return aa.angle() * aa.axis();
}
// The mean per-frame step of `steps`, or zero when within kSignificance
// standard errors of it.
Eigen::Vector3d significant_mean(const std::deque<Eigen::Vector3d>& steps) {
  const auto n = static_cast<double>(steps.size());
  if (steps.size() < 2) return Eigen::Vector3d::Zero();
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  for (const auto& s : steps) mean += s;
  mean /= n;
  double spread = 0;
  for (const auto& s : steps) spread += (s - mean).squaredNorm();
  const double standard_error = std::sqrt(spread / (n - 1) / n);
  return mean.norm() > hold_defaults::kSignificance * standard_error ? mean : Eigen::Vector3d::Zero();
}
}  // namespace

void OcclusionHold::clear() {
  moves_.clear();
  turns_.clear();
  velocity_ = spin_ = Eigen::Vector3d::Zero();
  since_ = 0;
  held_ = false;
}

void OcclusionHold::record(const CentredPose& pose, double hidden, bool still) {
  if (hidden >= hold_defaults::kWholeBelow) {
    ++since_;
    return;
  }
  if (since_ > 0) {
    // A run seen whole starts again after a hidden one.
    moves_.clear();
    turns_.clear();
  } else if (held_) {
    // The anchor is the frame before this one.
    moves_.push_back(still ? Eigen::Vector3d::Zero() : Eigen::Vector3d(pose.translation - anchor_.translation));
    turns_.push_back(still ? Eigen::Vector3d::Zero()
                           : rotation_vector(pose.rotation * anchor_.rotation.conjugate()));
    while (static_cast<int>(moves_.size()) >= hold_defaults::kVelocityFrames) {
      moves_.pop_front();
      turns_.pop_front();
    }
  }
  velocity_ = significant_mean(moves_);
  spin_ = significant_mean(turns_);
  anchor_ = pose;
  since_ = 0;
  held_ = true;
}

CentredPose OcclusionHold::reference(int frames_on) const {
  return perturbed(anchor_, frames_on * spin_, frames_on * velocity_);
}

std::optional<CentredPose> OcclusionHold::hold(const CentredPose& measured, double hidden) const {
  if (!held_ || hidden < hold_defaults::kWholeBelow) return std::nullopt;
  // since_ counts the frames after the anchor already reported; this one is the next.
  const CentredPose r = reference(since_ + 1);
  const double share = std::pow(std::max(0.0, 1.0 - hidden), hold_defaults::kHoldPower);
  CentredPose out = measured;
  out.translation = r.translation + share * (measured.translation - r.translation);
  out.rotation = r.rotation.slerp(share, measured.rotation).normalized();
  return out;
}

bool texture_overrules_hold(const std::optional<double>& measured, const std::optional<double>& held) {
  return measured && held && *measured - *held > hold_defaults::kYieldTextureGain;
}

}  // namespace splattrack
