// The model's features from all round (tracker/feature_atlas.hpp), on the
// real cube (../shared/data; skipped when absent): built about frame 0's
// given pose, they find the cube in the whole of frame 500, where it stands
// turned 172° from frame 0 (its pose from hand-picked corners), and find no
// pose in that frame with the cube painted out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

#include "real_cube_test_util.hpp"
#include "plain_view_test_util.hpp"
#include "render_test_util.hpp"
#include "splattrack/render/framing.hpp"
#include "splattrack/tracker/feature_atlas.hpp"

namespace splattrack {
namespace {

// The cube's model in the tracker's centred coordinates, its atlas built as
// RigidTracker::relocalise builds it, and frame 500 with its pose.
struct AtlasFixture {
  test::RealCube cube;
  ModelBounds bounds = model_bounds(cube.model);
  GaussianModel centred = recentred(cube.model, bounds.center);
  Pose<frames::Model, frames::Centred> model_from_centred;
  CentredPose start, truth;
  FeatureAtlas atlas;
  io::Frame frame;

  AtlasFixture() {
    model_from_centred.translation = bounds.center;
    start = cube.given * model_from_centred;
    truth = io::read_pose((test::kCubeDir / "pose_frame500.json").string()) * model_from_centred;
    std::vector<AtlasView> views;
    for (const CentredPose& view : atlas_views(cube.camera, start)) {
      const ObservationWindow w = atlas_window(cube.camera, view, bounds.radius);
      views.push_back({render(view, w), w, view});
    }
    ExecutionContext context(2);
    atlas = FeatureAtlas(views, cube.camera, context);
    for (int i = 0; i <= 500; ++i)
      if (cube.frames->next(frame) != io::FrameStatus::ok) throw std::runtime_error("cube clip too short");
  }
  RenderImage render(const CentredPose& pose, const ObservationWindow& w) const {
    RenderOptions options;
    options.dilation = window_dilation(w.scale);
    return test::render_image(transformed(centred, pose), w.camera(cube.camera), options);
  }
  // At `coarser` times the scale of the object's feature window, as
  // RigidTracker::relocalise looks.
  std::optional<SolvedPose> find(const FrameView& view, double coarser) const {
    const double scale = feature_window(window_around(cube.camera, start, bounds.radius, 0, {})).scale;
    const ObservationWindow whole = whole_frame_window(cube.camera, coarser * scale);
    const WindowedFrame seen = resample(view, whole);
    return pose_from_pairs(atlas.match(seen.image.rgb, whole), cube.camera, start);
  }
};

// The 26 views turn the object about its centre so that each of the 26
// directions (x, y, z in {-1, 0, 1}, in camera coordinates at the pose)
// faces the camera: no two within 35° (an edge's direction to a corner's),
// every direction on the sphere within 28° of one of them (27.6° at the
// centre of a face-edge-corner triangle).
TEST(FeatureAtlas, TheViewsFaceTheCameraFromAllRound) {
  Camera camera;
  camera.width = 64;
  camera.height = 48;
  camera.cam_from_world.topLeftCorner<3, 3>() =
      Eigen::AngleAxisd(0.4, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  CentredPose pose;
  pose.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(1.1, Eigen::Vector3d(-2, 1, 0.5).normalized()));
  pose.translation = {0.1, -0.2, 0.7};
  const std::vector<CentredPose> views = atlas_views(camera, pose);
  ASSERT_EQ(views.size(), 26u);
  const Eigen::Matrix3d cam_from_world = camera.cam_from_world.topLeftCorner<3, 3>();
  // Which object direction (centred coordinates) each view shows head-on.
  std::vector<Eigen::Vector3d> facing;
  for (const CentredPose& v : views) {
    EXPECT_EQ(v.translation, pose.translation);
    facing.push_back((cam_from_world * v.rotation.matrix()).transpose() * -Eigen::Vector3d::UnitZ());
  }
  for (std::size_t i = 0; i < facing.size(); ++i)
    for (std::size_t j = i + 1; j < facing.size(); ++j)
      EXPECT_LT(facing[i].dot(facing[j]), std::cos(35 * M_PI / 180)) << i << " " << j;
  // A direction from a fixed spiral over the sphere is never far from one.
  for (int k = 0; k < 500; ++k) {
    const double z = 1 - (k + 0.5) / 250.0, r = std::sqrt(1 - z * z), phi = k * 2.399963;
    const Eigen::Vector3d d(r * std::cos(phi), r * std::sin(phi), z);
    double nearest = -1;
    for (const Eigen::Vector3d& f : facing) nearest = std::max(nearest, f.dot(d));
    EXPECT_GT(nearest, std::cos(28 * M_PI / 180)) << d.transpose();
  }
}

TEST(FeatureAtlas, FindsTheRealCubeHalfATurnFromWhereItWasBuilt) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  const AtlasFixture f;
  EXPECT_GT(rotation_error_deg(f.start, f.truth), 170);
  EXPECT_GT(f.atlas.size(), 1000u);
  // At the frame's own resolution 9 pairs agree on a pose 42° off (the
  // tracker's rounds about a solved pose check it); at twice, 22 on one
  // 19° / 38 mm off: coarse (pairs mostly on the face seen head-on), a
  // start for the rounds (RigidTracker::relocalise).
  const std::optional<SolvedPose> solved = f.find(f.frame.view(), 1.0);
  ASSERT_TRUE(solved.has_value());
  EXPECT_GE(solved->agreeing, 15);
  EXPECT_LT(rotation_error_deg(solved->pose, f.truth), 30);
  EXPECT_LT(translation_error(solved->pose, f.truth), 0.06);
}

TEST(FeatureAtlas, FindsNoPoseWhereTheCubeIsPaintedOut) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  AtlasFixture f;
  // Every frame pixel within 8 px of the cube's silhouette at its pose
  // painted the frame's mean colour.
  const ObservationWindow native = native_window(f.cube.camera);
  const RenderImage img = f.render(f.truth, native);
  const int w = f.frame.width, h = f.frame.height, reach = 8;
  cv::Mat near(h, w, CV_8U);
  for (int p = 0; p < w * h; ++p) near.data[p] = img.alpha[static_cast<std::size_t>(p)] > 0.01f ? 255 : 0;
  cv::dilate(near, near, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * reach + 1, 2 * reach + 1)));
  std::vector<float> mean(3, 0.f);
  for (std::size_t p = 0; p < f.frame.rgb.size(); ++p) mean[p % 3] += f.frame.rgb[p] / static_cast<float>(w * h);
  std::vector<float> painted = f.frame.rgb;
  for (int p = 0; p < w * h; ++p)
    if (near.data[p])
      for (int c = 0; c < 3; ++c) painted[3 * static_cast<std::size_t>(p) + c] = mean[static_cast<std::size_t>(c)];
  f.frame.rgb = painted;
  for (const double coarser : feature_atlas_defaults::kFrameScaleFactors)
    EXPECT_FALSE(f.find(f.frame.view(), coarser).has_value()) << coarser;
}

// A cut in the video: the cube followed over frames 0-2 from its given pose,
// then frames 500-507, where it stands turned 172° and 15 mm away. Its
// silhouette fits the pose before the cut: the frames after it are degraded
// (the texture disagrees) until the fifth makes recovery look (as
// RecoveryRealCube's turn does), and the features find the cube there
// within 2° / 5 mm of its pose from hand-picked corners (0.7° / 2.5 mm
// here); the tracking after it stays within 8° / 1 cm (the clip's frames
// 500-600 followed from that pose: at most 7.3° / 6.3 mm). Without them
// (Ceres, the annealing and the search under the same budget in renders)
// no frame comes within 5° (22° on the last three).
TEST(Relocalise, FindsTheRealCubeAfterACutToHalfATurn) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  test::RealCube cube;
  std::vector<io::Frame> frames;
  for (int i = 0; i <= 507; ++i) {
    io::Frame f;
    ASSERT_EQ(cube.frames->next(f), io::FrameStatus::ok);
    if (i <= 2 || i >= 500) frames.push_back(std::move(f));
  }
  const RigidPose truth = io::read_pose((test::kCubeDir / "pose_frame500.json").string());
  TrackerOptions options = test::first_frame_options();
  options.recover = true;
  options.recovery_budget_renders = 400;
  const auto track = [&](const TrackerOptions& o) {
    RigidTracker tracker(cube.model, cube.camera, o);
    std::vector<FrameResult> after_cut;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const FrameResult r = i == 0 ? tracker.initialize(frames[0].view(), cube.given) : tracker.track(frames[i].view());
      if (i >= 3) after_cut.push_back(r);
    }
    return after_cut;
  };
  const std::vector<FrameResult> with = track(options);
  const auto found = std::find_if(with.begin(), with.end(),
                                  [](const FrameResult& r) { return r.status == TrackStatus::recovered; });
  ASSERT_NE(found, with.end());
  EXPECT_LE(found - with.begin(), 4);
  EXPECT_GT(found->timings.features_ms, 0.0);
  EXPECT_LT(rotation_error_deg(found->pose, truth), 2);
  EXPECT_LT(translation_error(found->pose, truth), 0.005);
  for (auto r = found + 1; r != with.end(); ++r) {
    EXPECT_NE(r->status, TrackStatus::lost) << "frame " << r->frame;
    EXPECT_LT(rotation_error_deg(r->pose, truth), 8) << "frame " << r->frame;
    EXPECT_LT(translation_error(r->pose, truth), 0.01) << "frame " << r->frame;
  }
  options.relocalise_features = false;
  for (const FrameResult& r : track(options)) EXPECT_GT(rotation_error_deg(r.pose, truth), 5) << "frame " << r.frame;
}

// Built by the first recovery, the atlas (26 renders and their SIFT) took
// that frame 2.1-3.3 s on the real cube, over its 1 s budget; it is built
// with the first frame instead, and changes nothing there but the count of
// renders.
TEST(Relocalise, TheAtlasIsBuiltWithTheFirstFrame) {
  const test::PlainView v(320, 240, 0.3);
  const RigidPose truth = test::pose_in_view(0.1, 0.05, 0.6, {1, 1, 0});
  const FrameImage seen = v.at(truth);
  const auto first = [&](bool features) {
    TrackerOptions options;
    options.threads = 2;
    options.first_frame_refines = true;
    options.relocalise_features = features;
    RigidTracker tracker(v.model, v.camera, options);
    return tracker.initialize(seen.view(), truth);
  };
  const FrameResult with = first(true), without = first(false);
  // The 26 views (a cube's faces, edges and corners), one render each, and
  // at most one more: the render they displaced from the aligner's cache of
  // the last one.
  EXPECT_GE(with.renders - without.renders, 26);
  EXPECT_LE(with.renders - without.renders, 27);
  EXPECT_GT(with.timings.features_ms, 0.0);
  EXPECT_EQ(without.timings.features_ms, 0.0);
  EXPECT_EQ(with.pose.rotation.coeffs(), without.pose.rotation.coeffs());
  EXPECT_EQ(with.pose.translation, without.pose.translation);
  EXPECT_EQ(with.status, without.status);
}

}  // namespace
}  // namespace splattrack
