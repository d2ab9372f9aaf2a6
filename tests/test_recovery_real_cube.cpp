// Recovery on real footage: the cube clip's hand turns the cube at frames
// 221-236 and the pose ends on another face that fits the outline (texture
// agreement about 0, the silhouette's IoU 0.84-0.93). The verdict disowns
// it after five such frames; recovery then looks for it where its
// silhouette is, in the tracking window. Looked for in a wide window
// instead (the whole frame, where the hand, the mug and the desk count as
// object too), within `track`'s default budget (1 s a frame) the cube was
// never found again: lost from frame 150 to the end of the clip. Unbounded,
// the wide window finds it too, only later and at twice the time, so what
// is checked here, deterministically, is where recovery looks and that the
// track comes back; the budgeted run is in BENCHMARKS.md. (The turn at
// frames 143-146 this test used before no longer leaves a wrong face since
// the colour correction matches the colours' spread.) Recovery's texture
// features (feature_atlas.hpp) find the cube before that search runs: the
// search is checked without them, and with them the same frames come back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "real_cube_test_util.hpp"

namespace splattrack {
namespace {

inline constexpr int kStart = 205, kLast = 265;
// Frames kCheckFrom-kLast: the cube in the hand, after the turn.
inline constexpr int kCheckFrom = 245;

// Frame 205 as a run from pose_frame000.json tracked it (status tracking,
// the outline on the cube in the overlay): the hand turns it from 221.
RigidPose tracked_at_205() {
  RigidPose p;
  p.rotation = Eigen::Quaterniond(0.016367499579291307, -0.9998513385670021, -0.002184572035318114,
                                  0.0049632014182893);
  p.translation = {0.05071113196114492, 0.026500307470014306, 0.4121777375290653};
  return p;
}

// Default tracking (recovery on) on 2 threads, but for the LM's first band
// (below), with recovery unbounded (the
// same search on any machine: a time budget makes the outcome depend on the
// machine's load) and kept short by counts instead.
TrackerOptions recovering() {
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  options.recovery_budget_ms = 0;
  options.search.hypotheses = 0;
  options.search.refine_best = 1;
  options.first_frame.iterations = 60;
  options.ceres.iterations_per_stage = 2;
  // The LM from the top bands alone, as when this test was written: started
  // lower for a moving cube (lm_bands_from_motion) it follows the hand's turn
  // with 4 degraded frames and leaves no wrong face to recover from.
  options.lm_bands_from_motion = false;
  return options;
}

struct Counts {
  int found = 0, lost = 0, wide = 0, disagreeing = 0;
};

Counts track_the_turn(const TrackerOptions& options) {
  test::RealCube cube;
  io::Frame frame;
  for (int f = 0; f < kStart; ++f) {
    EXPECT_EQ(cube.frames->next(frame), io::FrameStatus::ok);
  }
  RigidTracker tracker(cube.model, cube.camera, options);
  Counts c;
  for (int f = kStart; f <= kLast; ++f) {
    EXPECT_EQ(cube.frames->next(frame), io::FrameStatus::ok);
    const FrameResult r =
        f == kStart ? tracker.initialize(frame.view(), tracked_at_205()) : tracker.track(frame.view());
    if (f == kStart) {
      EXPECT_EQ(r.status, TrackStatus::tracking);
    }
    c.wide += r.window.wide;
    c.disagreeing += r.status == TrackStatus::degraded;
    if (f < kCheckFrom) continue;
    c.found += r.status == TrackStatus::tracking || r.status == TrackStatus::recovered;
    c.lost += r.status == TrackStatus::lost;
  }
  std::printf("frames %d-%d: %d of %d tracking or recovered, %d lost; %d degraded, %d in a wide window over %d-%d\n",
              kCheckFrom, kLast, c.found, kLast - kCheckFrom + 1, c.lost, c.disagreeing, c.wide, kStart, kLast);
  return c;
}

TEST(RecoveryRealCube, ACubeTurnedToAnotherFaceIsFoundAgainWhereItsSilhouetteIs) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  const int checked = kLast - kCheckFrom + 1;
  TrackerOptions search = recovering();
  search.relocalise_features = false;
  const Counts c = track_the_turn(search);
  EXPECT_GE(c.disagreeing, 5) << "the hand's turn no longer leaves the pose on a wrong face: the test shows nothing";
  EXPECT_EQ(c.wide, 0);
  EXPECT_GE(c.found, checked * 3 / 4);
  EXPECT_EQ(c.lost, 0);
  // The features, first: the fifth disagreeing frame is found by them (4
  // degraded frames instead of 12).
  const Counts f = track_the_turn(recovering());
  EXPECT_GE(f.found, checked * 3 / 4);
  EXPECT_EQ(f.lost, 0);
  EXPECT_LT(f.disagreeing, c.disagreeing);
}

}  // namespace
}  // namespace splattrack
