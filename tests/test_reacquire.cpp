// Re-acquisition without masks: an object that jumps across the frame (a
// cut) is lost, and the frames after are looked at where the colour model
// says the object is (RigidTracker::redetect), not around the pose the lost
// frame was left at.
#include <gtest/gtest.h>

#include "plain_view_test_util.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack {
namespace {

using View = test::PlainView;

using test::pose_in_view;

TrackerOptions short_search() {
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  // Unbounded (the same search on any machine), and short.
  options.recovery_budget_ms = 0;
  options.search.hypotheses = 6;
  options.search.screen_iterations = 40;
  options.search.refine_best = 1;
  return options;
}

// Tracks `from` twice, then `to` until it is no longer lost or degraded
// (at most 4 frames), then `to` three times more; each of those last frames
// must be right.
void jump(const View& v, const RigidPose& from, const RigidPose& to) {
  const FrameImage seen_from = v.at(from), seen_to = v.at(to);
  RigidTracker tracker(v.model, v.camera, short_search());
  ASSERT_EQ(tracker.initialize(seen_from.view(), from).status, TrackStatus::tracking);
  ASSERT_EQ(tracker.track(seen_from.view()).status, TrackStatus::tracking);
  FrameResult r = tracker.track(seen_to.view());
  for (int f = 0; f < 3 && (r.status == TrackStatus::lost || r.status == TrackStatus::degraded); ++f)
    r = tracker.track(seen_to.view());
  for (int f = 0; f < 4; ++f) {
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
    EXPECT_LT(translation_error(r.pose, to), 0.05 * datasets::kObjectDiameter) << "frame " << f;
    EXPECT_LT(rotation_error_deg(r.pose, to), 5.0) << "frame " << f;
    if (f < 3) r = tracker.track(seen_to.view());
  }
}

// 640 x 480: recovery's wide window is the whole frame. Once found, the
// object is held: the motion model took the jump from the lost frame's pose
// as velocity and threw the next frames 57-158° off.
TEST(Reacquire, AnObjectFoundAfterACutIsHeldOnTheFramesAfter) {
  const View v(640, 480, 0.15);
  jump(v, pose_in_view(-1.5, -0.3, 0.4, {0.2, 1, 0.1}), pose_in_view(1.6, 0.5, 0.6, {0.1, 1, 0.1}));
}

// 1280 x 960, the same object size in pixels: the cut takes it beyond the
// wide window around where it was; it is found where its colours are.
TEST(Reacquire, AnObjectThatJumpedBeyondTheWideWindowIsFoundWhereItsColoursAre) {
  const View v(1280, 960, 0.075);
  jump(v, pose_in_view(-3.6, -2.4, 0.4, {0.2, 1, 0.1}), pose_in_view(3.4, 2.5, 0.6, {0.1, 1, 0.1}));
}

}  // namespace
}  // namespace splattrack
