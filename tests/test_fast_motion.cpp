// The frame after the first has no velocity to predict from: an object
// that moves fast from the start is as far from the first frame's pose as
// it moves, outside the top bands' LM basin (a few pixels). That frame is
// also annealed in a window as wide as the motion the options allow
// (TrackerOptions::unknown_motion_radii), so the track follows without
// recovery; from then on the constant-velocity prediction holds it.
#include <gtest/gtest.h>

#include "plain_view_test_util.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack {
namespace {

using View = test::PlainView;

// Frame k: the object `step` object sizes further along x and `turn_deg`
// further about a tilted axis, every frame the same.
RigidPose pose_at(int k, double step, double turn_deg) {
  RigidPose p;
  p.translation = {-0.5 + k * step * datasets::kObjectDiameter, 0.1, datasets::kDefaultDistance};
  p.rotation = Eigen::AngleAxisd(k * turn_deg * EIGEN_PI / 180, Eigen::Vector3d(0.3, 1, 0.2).normalized()) *
               Eigen::AngleAxisd(0.5, Eigen::Vector3d(1, 0, 0.3).normalized());
  return p;
}

// Without recovery: the tracking step itself must follow.
void follow(double step, double turn_deg) {
  const View v(320, 240, 0.3);
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  options.recover = false;
  RigidTracker tracker(v.model, v.camera, options);
  for (int k = 0; k < 5; ++k) {
    const RigidPose truth = pose_at(k, step, turn_deg);
    const FrameImage seen = v.at(truth);
    const FrameResult r = k == 0 ? tracker.initialize(seen.view(), truth) : tracker.track(seen.view());
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << k;
    EXPECT_LT(translation_error(r.pose, truth), 0.05 * datasets::kObjectDiameter) << "frame " << k;
    EXPECT_LT(rotation_error_deg(r.pose, truth), 5.0) << "frame " << k;
  }
}

// The fast motion: 0.3 object sizes a frame, here with a turn.
TEST(FastMotion, AnObjectMovingFastFromTheStartIsFollowed) { follow(0.3, 4.0); }

// 10° a frame (the fastest turn): the procedural object's turn
// stays within the LM's basin (this passed before the annealing on such
// frames too); it must still, now that the annealing's pose competes.
TEST(FastMotion, AnObjectTurningFastFromTheStartIsFollowed) { follow(0.1, 10.0); }

}  // namespace
}  // namespace splattrack
