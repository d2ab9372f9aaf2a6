// The first frame's start corrected by texture features (tracker/
// feature_start.hpp), on frame 0 of the real cube (../shared/data; skipped
// when absent): the pairs lifted from a render 15° off land where the frame
// shows them under the given pose, a start that far is not confirmed and the
// given one is, and the first frames from starts 2 cm / 15° off, which the
// colour model learnt there held 10-12° off, end within 5°.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <vector>

#include "real_cube_test_util.hpp"
#include "render_test_util.hpp"
#include "splattrack/render/framing.hpp"
#include "splattrack/tracker/feature_start.hpp"

namespace splattrack {
namespace {

// The given pose turned by `degrees` about the world axis `axis` and moved
// `metres` along `direction`.
RigidPose turned_off(const RigidPose& given, const Eigen::Vector3d& axis, double degrees,
                     const Eigen::Vector3d& direction, double metres) {
  RigidPose off = given;
  off.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(degrees * M_PI / 180, axis.normalized())) * given.rotation;
  off.translation += metres * direction.normalized();
  return off;
}

// Starts 2 cm / 15° off (world axes and directions of two of the eight
// starts measured in BENCHMARKS.md). From the first the first frame alone
// ended 9.9° off, held there by the colour model learnt at the start; the
// features bring it within 5°. From the second (its axis and direction
// rounded to two decimals here) it still ends 8.7° off with them and stays
// ~10° off, where the start made with the unrounded ones is followed within
// 5°: the outcome turns on small changes of the start. Over 32 such starts
// the features raised the frames within 5° / 2 cm from 57 % to 83 %.
struct Start {
  Eigen::Vector3d axis, direction;
};
const Start kFound{{-0.36, -0.10, 0.93}, {0.37, -0.93, 0.0}};
const Start kStarts[] = {kFound, {{0.0, 0.74, -0.68}, {-0.63, -0.32, -0.70}}};

TEST(FeatureStart, PairsFromARenderTurnedOffLieWhereTheFrameShowsThem) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  test::RealCube cube;
  io::Frame frame0;
  ASSERT_EQ(cube.frames->next(frame0), io::FrameStatus::ok);
  // The tracker's centred coordinates: the model moved to its bounds' centre.
  const ModelBounds bounds = model_bounds(cube.model);
  Pose<frames::Model, frames::Centred> model_from_centred;
  model_from_centred.translation = bounds.center;
  const GaussianModel centred = recentred(cube.model, bounds.center);
  const CentredPose truth = cube.given * model_from_centred;
  for (const Start& s : kStarts) {
    const CentredPose start = turned_off(cube.given, s.axis, 15, s.direction, 0.02) * model_from_centred;
    const ObservationWindow window = feature_window(window_around(cube.camera, start, bounds.radius, 0, {}));
    RenderOptions options;
    options.dilation = window_dilation(window.scale);
    const RenderImage img = test::render_image(transformed(centred, start), window.camera(cube.camera), options);
    const WindowedFrame seen = resample(frame0.view(), window);
    const FeaturePairs pairs = match_features(seen.image.rgb, img, window, cube.camera, start);
    ASSERT_GE(pairs.size(), 12u);
    // Where the truth (PnP from hand-picked corners, ~2 px) puts them: most
    // pairs within 3 px, whatever pose they were lifted at.
    const int at_truth = agreeing_pairs(pairs, cube.camera, truth);
    const int at_start = agreeing_pairs(pairs, cube.camera, start);
    EXPECT_GE(at_truth, 0.45 * static_cast<double>(pairs.size())) << s.axis.transpose();
    EXPECT_TRUE(confirms(pairs, at_truth));
    EXPECT_FALSE(confirms(pairs, at_start)) << at_start << " of " << pairs.size();
    const std::optional<SolvedPose> solved = pose_from_pairs(pairs, cube.camera, start);
    ASSERT_TRUE(solved.has_value());
    EXPECT_GT(solved->agreeing, at_start);
  }
}

// 640 x 480, a focal length of 600 px, at the world origin.
Camera plain_camera() { return Camera{640, 480, 600, 600, 320, 240}; }

// Where `pose` shows each of `points` (centred coordinates), exactly.
FeaturePairs projected(const Camera& camera, const CentredPose& pose, const std::vector<Eigen::Vector3d>& points) {
  FeaturePairs pairs;
  for (const Eigen::Vector3d& p : points) {
    const Eigen::Vector3d c = pose.rotation * p + pose.translation;
    pairs.centred.push_back(p);
    pairs.frame_px.emplace_back(camera.fx * c.x() / c.z() + camera.cx, camera.fy * c.y() / c.z() + camera.cy);
  }
  return pairs;
}

// A 5 x 5 grid over a cube's face 8.45 cm across (z = +4.2 cm), its rows
// sheared a little so that no two points share a column.
std::vector<Eigen::Vector3d> face_points() {
  std::vector<Eigen::Vector3d> out;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) out.emplace_back(-0.035 + 0.0175 * i, -0.035 + 0.0175 * j + 0.003 * i, 0.042);
  return out;
}

CentredPose turned_about_y(double degrees, double depth) {
  CentredPose pose;
  pose.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(degrees * M_PI / 180, Eigen::Vector3d::UnitY()));
  pose.translation = Eigen::Vector3d(0, 0, depth);
  return pose;
}

// The face turned 20° from the line of sight at 0.6 m: its mirror pose, turned
// about twice that from the true one, reprojects every point within the
// pairs' 3 px (1.35 px at most, measured with OpenCV's IPPE independently),
// and the mirror's own twin is the true pose again.
TEST(PlanarTwin, AFaceSeenObliquelyHasAMirrorPoseThatProjectsItAlike) {
  const Camera camera = plain_camera();
  const CentredPose truth = turned_about_y(20, 0.6);
  const FeaturePairs pairs = projected(camera, truth, face_points());
  const std::optional<CentredPose> twin = planar_twin(pairs, camera, truth);
  ASSERT_TRUE(twin.has_value());
  EXPECT_GT(rotation_error_deg(*twin, truth), 30);
  EXPECT_LT(rotation_error_deg(*twin, truth), 45);
  EXPECT_EQ(agreeing_pairs(pairs, camera, *twin), static_cast<int>(pairs.size()));
  const std::optional<CentredPose> back = planar_twin(pairs, camera, *twin);
  ASSERT_TRUE(back.has_value());
  EXPECT_LT(rotation_error_deg(*back, truth), 0.5);
  EXPECT_LT(1000 * translation_error(*back, truth), 1);
}

// The points lifted by a render's depth lie up to a millimetre or two off
// the face (the real cube: 0.7 mm median, 1.2 mm 90th percentile): the twin
// is found all the same (OpenCV's IPPE alone takes points within 1 mm of a
// plane, in the model's units: it found none here before they were put on
// their least-squares plane).
TEST(PlanarTwin, PointsAMillimetreOffTheFaceHaveTheirTwin) {
  const Camera camera = plain_camera();
  const CentredPose truth = turned_about_y(20, 0.6);
  std::vector<Eigen::Vector3d> points = face_points();
  for (std::size_t i = 0; i < points.size(); ++i) points[i].z() += (i % 2 ? 1.0 : -1.0) * 0.0015 * ((i % 3) / 2.0);
  const FeaturePairs pairs = projected(camera, truth, points);
  const std::optional<CentredPose> twin = planar_twin(pairs, camera, truth);
  ASSERT_TRUE(twin.has_value());
  EXPECT_GT(rotation_error_deg(*twin, truth), 30);
}

// A pair or two off the plane (a mismatch on another face) leaves the twin;
// as many points on a second face as on the first (a corner seen between
// two faces), or a face seen nearly straight on (its twin is the pose
// itself), leave none.
TEST(PlanarTwin, OnlyAPoseSolvedFromOnePlaneHasATwin) {
  const Camera camera = plain_camera();
  const CentredPose truth = turned_about_y(20, 0.6);
  std::vector<Eigen::Vector3d> points = face_points();
  points.emplace_back(-0.042, 0.01, 0.0);
  EXPECT_TRUE(planar_twin(projected(camera, truth, points), camera, truth).has_value());
  for (const Eigen::Vector3d& p : face_points()) points.emplace_back(p.z(), p.y(), -p.x());  // the face at x = +4.2 cm
  EXPECT_FALSE(planar_twin(projected(camera, truth, points), camera, truth).has_value());
  const CentredPose straight = turned_about_y(2, 0.6);
  EXPECT_FALSE(planar_twin(projected(camera, straight, face_points()), camera, straight).has_value());
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// From the given pose the pairs confirm it: the first frame is what it was
// without features. From a start 2 cm / 15° off, the first frame within 5°
// and the median over the first 30 frames (the cube stands still) within 5°
// and 8 mm with the features; without, the first frame 9.9° off. A start
// only moved 2 cm pays for them on its first frame (4.2° off, 1° without:
// the solved pose's tilt is loose), not over the frames after it. Both it and
// one more start check the choice between a solved pose and its planar twin.
TEST(FeatureStart, TheRealCubeStartedFifteenDegreesOffIsFound) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  constexpr int kFrames = 30;
  std::vector<io::Frame> frames(kFrames);
  {
    test::RealCube cube;
    for (io::Frame& f : frames) ASSERT_EQ(cube.frames->next(f), io::FrameStatus::ok);
  }
  test::RealCube cube;
  TrackerOptions options = test::first_frame_options();
  options.recover = true;
  TrackerOptions plain = options;
  plain.first_frame_features = false;
  const auto track = [&](const TrackerOptions& o, const RigidPose& start, int n, std::vector<double>& degrees,
                          std::vector<double>& mm) {
    RigidTracker tracker(cube.model, cube.camera, o);
    for (int i = 0; i < n; ++i) {
      const FrameResult r = i == 0 ? tracker.initialize(frames[0].view(), start) : tracker.track(frames[i].view());
      degrees.push_back(rotation_error_deg(r.pose, cube.given));
      mm.push_back(1000 * translation_error(r.pose, cube.given));
    }
  };
  const RigidPose off = turned_off(cube.given, kFound.axis, 15, kFound.direction, 0.02);
  std::vector<double> degrees, mm, held_degrees, held_mm;
  track(options, off, kFrames, degrees, mm);
  track(plain, off, 1, held_degrees, held_mm);
  EXPECT_LT(degrees[0], 5);
  EXPECT_LT(median(degrees), 5);
  EXPECT_LT(median(mm), 8);
  EXPECT_GT(held_degrees[0], 8);

  RigidPose moved = cube.given;
  moved.translation += Eigen::Vector3d(-0.012, 0.016, 0);
  std::vector<double> moved_degrees, moved_mm;
  // Its solved pose's twin ends 11° off, judged better, but too near the
  // solved pose's end to be a second answer (kTwinDistinctDeg): taken
  // anyway, it held the first 30 frames 11° / 16 mm off.
  track(options, moved, kFrames, moved_degrees, moved_mm);
  EXPECT_LT(moved_degrees[0], 8);  // 4.2° here; the solved tilt moves with the last bits
  EXPECT_LT(median(moved_degrees), 2);
  EXPECT_LT(median(moved_mm), 5);

  // A start whose features solve the front face's mirror pose (seed 1 of the
  // 32 in BENCHMARKS.md: 34° off, agreeing with 22 pairs against the right
  // one's 21) ended 32.5° off, the left face's place taken by the mug behind;
  // its twin's alignment is judged better and ends 3-5° off.
  const RigidPose mirrored = turned_off(cube.given, {0.3635, 0.8643, 0.3476}, 15, {-0.7906, 0.5492, 0.2708}, 0.02);
  std::vector<double> mirrored_degrees, mirrored_mm;
  track(options, mirrored, 1, mirrored_degrees, mirrored_mm);
  EXPECT_LT(mirrored_degrees[0], 8);

  RigidTracker with(cube.model, cube.camera, options), without(cube.model, cube.camera, plain);
  const RigidPose a = with.initialize(frames[0].view(), cube.given).pose;
  const RigidPose b = without.initialize(frames[0].view(), cube.given).pose;
  EXPECT_EQ(a.translation, b.translation);
  EXPECT_TRUE(a.rotation.coeffs() == b.rotation.coeffs());
}

}  // namespace
}  // namespace splattrack
