// Tracking without masks over real footage: the procedural object composited
// over the cube clip (../shared/data; skipped when absent) under drifting
// lighting, started from its true first pose. The tracker estimates the
// object's silhouette from colour alone; the truth is the composited pose.
#include <gtest/gtest.h>

#include <filesystem>

#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/footage.hpp"
#include "splattrack/datasets/frame_maker.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack {
namespace {

// A regression test for estimated silhouettes with holes. Under this
// lighting (gain 0.9-1.2 and offset ±0.05 per channel) the object's black
// stripes and the black keyboard behind it fall into the same colour bins
// once the lighting is undone, so the estimate had holes inside the object;
// its moments read a smaller object and the pose drifted away from the
// camera by ~0.05-0.1 object sizes per frame (1.2 sizes by frame 11).
// Filling the enclosed holes (fill_enclosed) keeps it within 8.3 % (frames
// 2-8, while the colour model learns the lighting) and brings it back to
// 3 % by frame 11.
TEST(TrackingOverFootage, LightingDriftDoesNotPushTheObjectAway) {
  const std::string footage = std::string(SPLATTRACK_SHARED_DATA) + "/video/cube/cube_video.mp4";
  if (!std::filesystem::is_regular_file(footage)) GTEST_SKIP() << footage << " not found";
  constexpr int kFrames = 12, kWidth = 640, kHeight = 480;
  // As `synth --size 640,480 --seed 1 --speed 0.05 --rot-speed 3 --lighting 1
  // --background cube_video.mp4` makes it.
  const GaussianModel model = datasets::make_object_model({.seed = 1});
  const double size = datasets::kObjectDiameter;
  const Camera camera = datasets::place_camera({.width = kWidth, .height = kHeight});
  const std::vector<RigidPose> poses = datasets::make_trajectory(
      camera, {.frames = kFrames, .seed = 1, .translation_speed = 0.05, .rotation_speed_deg = 3});
  datasets::FrameEffects effects;
  effects.lighting = {1.0, 1};
  ExecutionContext context(2);
  datasets::FrameMaker maker(model, camera, poses, size, effects, context);
  datasets::FootageBackground background(footage, kWidth, kHeight, datasets::footage_offset(1));

  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  RigidTracker tracker(model, camera, options);
  for (int f = 0; f < kFrames; ++f) {
    const datasets::MadeFrame made = maker.make(f, background.next());
    const FrameView view{kWidth, kHeight, made.rgb, {}};
    const RigidPose& truth = poses[static_cast<std::size_t>(f)];
    const FrameResult r = f == 0 ? tracker.initialize(view, truth) : tracker.track(view);
    const double error = (r.pose.translation - truth.translation).norm() / size;
    EXPECT_LT(error, 0.12) << "frame " << f;
    if (f == kFrames - 1) {
      EXPECT_LT(error, 0.05);
    }
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
  }
}

}  // namespace
}  // namespace splattrack
