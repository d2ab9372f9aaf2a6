// Assess, for a partly hidden object: the optimiser's pose is pulled by
// what the occluder leaves (an edge of the object's colours, a silhouette
// cut short), and frame after frame the pull adds up (the real cube under
// the mug: 28 mm and 14° off in 40 frames, mostly in depth). A frame whose
// silhouette is partly hidden is reported between the optimiser's pose and
// a reference that does not follow it: the last pose seen whole, moved on at
// the velocity it had then. Its share of the way is (1 − hidden)^kHoldPower,
// so the drift it allows stays bounded (a reference that followed the
// estimate, as the constant-velocity prediction does, let the pull add up
// again). A velocity within its noise is taken as none: a still object's
// jitter, extrapolated over the frames under the occluder, would carry it off.
// So is the pose's change between frames whose image shows the object still
// (image_motion.hpp): the optimiser settling, not the object moving.
#pragma once

#include <deque>
#include <optional>

#include "splattrack/render/pose.hpp"

namespace splattrack {

namespace hold_defaults {
// A frame counts as seen whole when less than this share is hidden.
inline constexpr double kWholeBelow = 0.02;
// The optimiser's share of the way is (1 − hidden)^kHoldPower. Real cube
// 500-600 from the given pose, max / median drift: powers 1, 2, 3, 5 gave
// 10.5 / 3.0, 11.4 / 3.0, 8.8 / 3.7, 8.6 / 5.0 mm (BENCHMARKS.md).
inline constexpr double kHoldPower = 3;
// The velocity is fitted over this many consecutive frames seen whole ...
inline constexpr int kVelocityFrames = 10;
// ... and taken as none unless it exceeds its standard error this many times.
inline constexpr double kSignificance = 3;
// The hold yields to the frame when the visible part's texture agrees with
// the optimiser's pose by more than this over the held one's: the object
// moved while partly hidden. Real cube, texture agreement optimiser − held:
// the mug passing the still cube (500-600, where the hold is what keeps it:
// 106 mm / 19° max drift without) at most 0.06; the cube turning 60° behind
// the mug (690-745) and carried in the hand (866-890) 0.07-0.8.
inline constexpr double kYieldTextureGain = 0.1;
}  // namespace hold_defaults

// Whether a frame's own evidence overrules the hold: both texture
// agreements measured (texture_agreement, quality.hpp) and the optimiser's
// (`measured`) above the held pose's by more than kYieldTextureGain.
bool texture_overrules_hold(const std::optional<double>& measured, const std::optional<double>& held);

class OcclusionHold {
 public:
  void clear();
  // The frame just tracked: `pose` as reported, `hidden` its share, `still`
  // whether its image showed the object where the last frame did (then the
  // step from the last pose is none).
  void record(const CentredPose& pose, double hidden, bool still = false);
  // The pose a frame with `hidden` share is reported at, from the
  // optimiser's `measured`; nothing when it is not held (no frame seen
  // whole yet, or this one seen whole).
  std::optional<CentredPose> hold(const CentredPose& measured, double hidden) const;

 private:
  // Where the object is expected `frames_on` frames after the anchor.
  CentredPose reference(int frames_on) const;

  // The steps between the last frames seen whole (consecutive, at most
  // kVelocityFrames of them, so one step fewer), oldest first: translation
  // and world rotation vector.
  std::deque<Eigen::Vector3d> moves_, turns_;
  CentredPose anchor_;             // the last frame seen whole
  Eigen::Vector3d velocity_ = Eigen::Vector3d::Zero();  // translation per frame at the anchor
  Eigen::Vector3d spin_ = Eigen::Vector3d::Zero();      // world rotation vector per frame at the anchor
  int since_ = 0;                  // frames since the anchor
  bool held_ = false;              // an anchor is set
};

}  // namespace splattrack
