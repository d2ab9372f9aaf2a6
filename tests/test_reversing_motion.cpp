// A fast object that turns back, over real footage: it moves 0.3 of its size
// a frame to the right, then as fast to the left, so the constant-velocity
// prediction of the first frame after the reversal is 0.6 sizes from the
// object (outside the top bands' basin). Where the model's texture is
// trusted, the predicted start is moved across the image to where the
// texture matches best (TrackerOptions::predicted_shift_match). Without
// that, the frames after the reversal were judged lost and searched for; with
// it each is found where it is. The procedural object over the cube clip
// (../shared/data; skipped when absent).
#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <filesystem>

#include "footage_test_util.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"

namespace splattrack {
namespace {

inline constexpr int kWidth = 640, kHeight = 480;
inline constexpr std::uint64_t kSeed = 3;
// The fast motion: 0.3 sizes a frame, turning 4° a frame all along.
inline constexpr double kStepSizes = 0.3, kTurnDeg = 4;
inline constexpr int kFrames = 9, kReversal = 5;  // frames 0-4 go right, 5-8 come back
// The realistic bench's bar.
inline constexpr double kMaxRotationDeg = 5, kMaxTranslationSizes = 0.05;

// world_from_model at frame f: the first pose moved along the camera's x axis
// and turned about a fixed axis.
std::vector<RigidPose> reversing_poses(const Camera& camera, const RigidPose& first, double size) {
  const Eigen::Vector3d right = camera.cam_from_world.topLeftCorner<3, 3>().row(0).transpose();
  const Eigen::Vector3d axis = Eigen::Vector3d(0.3, 1, 0.2).normalized();
  std::vector<RigidPose> poses;
  double x = -0.6 * size;  // so that the object stays in view
  for (int f = 0; f < kFrames; ++f) {
    RigidPose p = first;
    p.translation += x * right;
    p.rotation = (Eigen::AngleAxisd(kTurnDeg * f * EIGEN_PI / 180, axis) * first.rotation).normalized();
    poses.push_back(p);
    x += (f + 1 < kReversal ? kStepSizes : -kStepSizes) * size;
  }
  return poses;
}

TEST(ReversingMotion, TheFrameAfterTheObjectTurnsBackIsFound) {
  if (!std::filesystem::is_regular_file(test::cube_footage())) GTEST_SKIP() << test::cube_footage() << " not found";
  const GaussianModel model = datasets::make_object_model({.seed = kSeed});
  const double size = datasets::kObjectDiameter;
  const Camera camera = datasets::place_camera(
      {.width = kWidth, .height = kHeight, .object_size = size, .distance = 5 * size, .coverage = 0.25});
  const RigidPose first = datasets::make_trajectory(
      camera, {.frames = 1, .seed = kSeed, .object_size = size, .distance = 5 * size})[0];
  const std::vector<RigidPose> poses = reversing_poses(camera, first, size);
  test::FootageFrames frames(model, camera, poses, size, kSeed, false);
  RigidTracker tracker(model, camera, test::footage_tracker_options());
  for (int f = 0; f < kFrames; ++f) {
    const std::vector<float> rgb = frames.make(f);
    const FrameView view{kWidth, kHeight, rgb, {}};
    const FrameResult r = f == 0 ? tracker.initialize(view, poses[0]) : tracker.track(view);
    const RigidPose& truth = poses[static_cast<std::size_t>(f)];
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
    EXPECT_LT(rotation_error_deg(r.pose, truth), kMaxRotationDeg) << "frame " << f;
    EXPECT_LT(translation_error(r.pose, truth), kMaxTranslationSizes * size) << "frame " << f;
  }
}

}  // namespace
}  // namespace splattrack
