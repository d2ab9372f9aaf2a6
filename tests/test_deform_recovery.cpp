// Deformation tracking through a cut (issue 11, item 6): a bending object
// followed for ten frames jumps across the frame. While it is lost, or found
// again but not judged right, it keeps the last followed frame's node
// transforms (not a shape bent to explain a wrong pose); the rigid recovery
// finds it again within three frames, and the shape is followed after it.
// Measured: lost on the cut (found 3.6° off, not yet judged right), degraded
// 4.6° off, then tracking; mean Gaussian error 5.0 % before the cut (rigid
// 6.2 %), 5.9-6.7 % after.
#include <gtest/gtest.h>

#include "deform_test_util.hpp"
#include "render_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/deformation_field.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/tracker/deformable_tracker.hpp"

namespace splattrack {
namespace {

inline constexpr int kCutFrame = 10;
inline constexpr int kFrames = 18;
inline constexpr int kRecoveryFrames = 3;  // the bar: found again within this many frames

using test::mean_gaussian_error;

// Slow drift and turn left of the centre; from the cut on, 1.2 object sizes
// (a quarter of the frame) to the right and turned 10° more, drifting on.
RigidPose pose_at(int k) {
  RigidPose p;
  const bool cut = k >= kCutFrame;
  p.translation = {(cut ? 0.6 : -0.6) + 0.01 * k, 0.005 * k, datasets::kDefaultDistance};
  const double angle = (cut ? 10.0 : 0.0) * EIGEN_PI / 180 + 0.01 * k;
  p.rotation = Eigen::AngleAxisd(angle, Eigen::Vector3d(0.2, 1, 0.1).normalized());
  return p;
}

bool same(const NodeTransforms& a, const NodeTransforms& b) {
  for (int k = 0; k < a.size(); ++k)
    if (a.rotations[k].coeffs() != b.rotations[k].coeffs() || a.translations[k] != b.translations[k])
      return false;
  return true;
}

datasets::DeformationField bending(const GaussianModel& model, double period_frames) {
  datasets::DeformFieldOptions fo;
  fo.scene = datasets::DeformScene::bend;
  fo.period_frames = period_frames;
  return datasets::DeformationField(model, fo);
}

// Two threads, the first frame's pose given (refined like a tracked frame).
TrackerOptions given_start() {
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  return options;
}

TEST(DeformRecovery, ACutIsFoundAgainWithinThreeFramesFromTheLastFollowedShape) {
  const GaussianModel model = datasets::make_object_model({4000, 3});
  datasets::CameraPlacement placement;
  placement.width = 480;
  placement.height = 360;
  placement.coverage = 0.4;
  const Camera camera = datasets::place_camera(placement);
  const datasets::DeformationField field = bending(model, 60);
  TrackerOptions options = given_start();
  options.recovery_budget_ms = 0;  // the same (default) search on any machine
  DeformableTracker tracker(model, camera, options, make_control_points(sample_node_positions(model, 64)));
  RenderOptions over;
  over.background = {0.45f, 0.45f, 0.5f};

  NodeTransforms last_followed = NodeTransforms::identity(64);
  int found_on = -1;
  for (int k = 0; k < kFrames; ++k) {
    const GaussianModel truth = transformed(field.deformed(k), pose_at(k));
    const FrameImage f = frame_from_render(test::render_image(truth, camera, over));
    const FrameResult r = k == 0 ? tracker.initialize(f.view(), pose_at(0)) : tracker.track(f.view());
    const double error = mean_gaussian_error(tracker.world_model(r.pose), truth);
    if (k < kCutFrame) {
      ASSERT_EQ(r.status, TrackStatus::tracking) << "frame " << k;
      EXPECT_LT(error, 0.06) << "frame " << k;
      last_followed = tracker.transforms();
      continue;
    }
    const bool found = r.status == TrackStatus::tracking || r.status == TrackStatus::recovered;
    if (found_on < 0 && !found) {
      // Lost, or re-found but not judged right: the shape stays the last
      // followed one (fitted there, it bent to explain a pose 175° off).
      ASSERT_LT(k, kCutFrame + kRecoveryFrames - 1) << "not found again";
      EXPECT_TRUE(same(tracker.transforms(), last_followed)) << "frame " << k;
      continue;
    }
    if (found_on < 0) found_on = k;
    EXPECT_TRUE(found) << "frame " << k << " after the object was found again on " << found_on;
    EXPECT_LT(error, 0.08) << "frame " << k;
  }
  EXPECT_GE(found_on, kCutFrame);
}

// --resume after a lost frame: the lost frame's node poses, as written
// (the last followed shape at the lost pose), are where the next frame
// starts. (The lost frame's end once put the shape back to the replay's,
// which held the rest shape.)
TEST(DeformRecovery, AResumeAfterALostFrameStartsFromTheLastFollowedShape) {
  const GaussianModel model = datasets::make_object_model({2000, 3});
  const Camera camera = datasets::place_camera();
  const datasets::DeformationField field = bending(model, 20);
  const TrackerOptions options = given_start();
  const ControlPoints nodes = make_control_points(sample_node_positions(model, 16));
  DeformableTracker tracked(model, camera, options, nodes);
  std::vector<FrameImage> frames;
  std::vector<FrameResult> results;
  std::vector<std::vector<RigidTransform>> written;  // each frame's node poses, as track --deform writes them
  RigidPose start;
  start.translation = {0, 0, datasets::kDefaultDistance};
  start.rotation = Eigen::AngleAxisd(0.4, Eigen::Vector3d(0.2, 1, 0.1).normalized());
  for (int k = 0; k < 5; ++k) {
    frames.push_back(frame_from_render(test::render_image(transformed(field.deformed(k), start), camera, {})));
    results.push_back(k == 0 ? tracked.initialize(frames.back().view(), start) : tracked.track(frames.back().view()));
    ASSERT_EQ(results.back().status, TrackStatus::tracking) << "frame " << k;
    written.push_back(tracked.world_nodes(results.back().pose));
  }
  const NodeTransforms followed = tracked.transforms();
  ASSERT_GT(followed.translations[0].norm() + followed.rotations[0].vec().norm(), 0) << "no shape was fitted";
  RigidPose lost_pose = results.back().pose;
  lost_pose.translation.x() += 0.3;
  written.push_back(tracked.world_nodes(lost_pose));

  DeformableTracker resumed(model, camera, options, nodes);
  for (int k = 0; k < 5; ++k) resumed.replay(frames[k].view(), start, results[k].pose, results[k].status, written[k]);
  resumed.replay(frames[4].view(), start, lost_pose, TrackStatus::lost, written.back());
  double worst = 0;
  for (int k = 0; k < nodes.size(); ++k)
    worst = std::max({worst, (resumed.transforms().translations[k] - followed.translations[k]).norm(),
                      resumed.transforms().rotations[k].angularDistance(followed.rotations[k])});
  EXPECT_LT(worst, 1e-9);
}

}  // namespace
}  // namespace splattrack
