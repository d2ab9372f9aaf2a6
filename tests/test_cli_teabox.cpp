// The real teabox clip (../shared/data/video/teabox; skipped when absent) as
// a ViSP user has it: an untextured CAD model (.cao), the camera, and five
// corners picked on frame 0. `mesh2gs --colour-from` makes the model (the
// box's print taken from frame 0 at the pose PnP gives the corners) and
// `track` follows the box through the 39 frames, the camera moving about
// it, from the picked corners and from a start 15° and 2 cm off them.
// Checked against the picked corners' pose at frame 0 and, at frame 38,
// against the pose of the same corners followed through the clip by
// pyramidal Lucas-Kanade (OpenCV, forward-backward error under 0.35 px;
// looked at by eye on 6x zooms), written below.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/io/poses_csv.hpp"
#include "splattrack/tracker/pose_from_points.hpp"

namespace splattrack {
namespace {

namespace fs = std::filesystem;

const fs::path kTeabox = fs::path(SPLATTRACK_SHARED_DATA) / "video" / "teabox";

// frame0_points.json's five corners where frame 38 shows them.
const std::vector<Eigen::Vector2d> kFrame38Pixels = {
    {238.2, 89.3}, {401.8, 218.6}, {375.1, 385.2}, {502.8, 366.1}, {536.4, 198.9}};

// The bar of issue 10 for a real clip kept aside: within 5° and 2 cm. The
// reference poses are good to a few pixels (PnP's own error is 3.4 px RMS at
// frame 0: the real box is not quite its CAD model), so the bar is used as
// it stands, on every frame that is compared.
constexpr double kMaxDeg = 5.0;
constexpr double kMaxMetres = 0.02;

struct Teabox {
  fs::path dir = test::scratch_dir("teabox");
  Camera camera = io::read_camera((kTeabox / "camera.json").string());
  io::PointPairs frame0 = io::read_point_pairs((kTeabox / "frame0_points.json").string());
  std::string model = (dir / "teabox.ply").string();

  static std::string camera_arg() { return "--camera " + (kTeabox / "camera.json").string() + " --threads 2"; }
  // The box's centre moved by `pose`: errors are measured there, not at the
  // CAD model's origin (a corner).
  static Eigen::Vector3d centre(const RigidPose& pose) { return pose.apply({0.0825, 0.034, -0.04}); }
};

void expect_near(const RigidPose& tracked, const RigidPose& reference, int frame) {
  EXPECT_LT(rotation_error_deg(tracked, reference), kMaxDeg) << "frame " << frame;
  EXPECT_LT((Teabox::centre(tracked) - Teabox::centre(reference)).norm(), kMaxMetres) << "frame " << frame;
}

// Follows the clip from `start` (track's options), checks every frame is
// followed and frames 0 and 38 against the references.
void track_and_check(const Teabox& box, const std::string& start, const std::string& name) {
  const fs::path out = box.dir / name;
  ASSERT_EQ(test::run_cli("track --model " + box.model + " --video " + (kTeabox / "teabox.mp4").string() + " " +
                              start + " --out " + out.string() + " " + Teabox::camera_arg() +
                              " --quiet --recovery-budget-renders 60",
                          box.dir / (name + ".log")),
            0)
      << test::read_text(box.dir / (name + ".log"));
  const std::vector<io::PoseRow> rows = io::read_poses_csv((out / "poses.csv").string());
  ASSERT_EQ(rows.size(), 39u);
  int followed = 0;
  for (const io::PoseRow& row : rows) followed += row.status != TrackStatus::lost ? 1 : 0;
  EXPECT_EQ(followed, 39) << name;
  expect_near(rows.front().world_from_model, pose_from_points(box.camera, box.frame0.model, box.frame0.pixels).pose, 0);
  expect_near(rows.back().world_from_model, pose_from_points(box.camera, box.frame0.model, kFrame38Pixels).pose, 38);
}

TEST(CliTeabox, AColouredCadModelFollowsTheRealBox) {
  if (!fs::exists(kTeabox / "teabox.cao")) GTEST_SKIP() << "no sample data at " << kTeabox;
  const Teabox box;
  const std::string points = (kTeabox / "frame0_points.json").string();
  ASSERT_EQ(test::run_cli("mesh2gs " + (kTeabox / "teabox.cao").string() + " --out " + box.model +
                              " --colour-from " + (kTeabox / "teabox.mp4").string() + " --points " +
                              points + " " + Teabox::camera_arg(),
                          box.dir / "mesh2gs.log"),
            0)
      << test::read_text(box.dir / "mesh2gs.log");
  const std::string log = test::read_text(box.dir / "mesh2gs.log");
  EXPECT_NE(log.find("pose from 5 points"), std::string::npos) << log;
  EXPECT_NE(log.find("coloured "), std::string::npos) << log;

  track_and_check(box, "--init-points " + points, "picked");

  // 15° about an axis through the box's centre and 2 cm aside (the axis and
  // direction of the perturbed starts in BENCHMARKS.md, seed 2), where the
  // grey CAD model, without the frame's colours, ends 140° off.
  RigidPose start = pose_from_points(box.camera, box.frame0.model, box.frame0.pixels).pose;
  const Eigen::Vector3d centre = Teabox::centre(start);
  const Eigen::Vector3d axis = Eigen::Vector3d(0.273, -0.755, -0.596).normalized();
  const Eigen::Vector3d aside = Eigen::Vector3d(-0.753, 0.555, 0.353).normalized();
  start.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(15.0 * M_PI / 180.0, axis)) * start.rotation;
  start.translation = Eigen::Vector3d::Zero();
  start.translation = centre + 0.02 * aside - Teabox::centre(start);
  io::write_pose((box.dir / "off.json").string(), start);
  track_and_check(box, "--init-pose " + (box.dir / "off.json").string(), "off");
}


// A ViSP user's own camera file (the tutorial's tracker settings, which name
// no image size: the frames give it) in place of the camera.json made from
// it: the same model and the same track.
TEST(CliTeabox, ViSPsTrackerSettingsServeAsTheCamera) {
  if (!fs::exists(kTeabox / "teabox.xml")) GTEST_SKIP() << "no sample data at " << kTeabox;
  const Teabox box;
  const std::string points = (kTeabox / "frame0_points.json").string();
  const auto run = [&](const std::string& camera, const std::string& name) {
    const fs::path model = box.dir / (name + ".ply"), out = box.dir / name;
    const std::string common = " --camera " + (kTeabox / camera).string() + " --threads 2";
    EXPECT_EQ(test::run_cli("mesh2gs " + (kTeabox / "teabox.cao").string() + " --out " + model.string() +
                                " --colour-from " + (kTeabox / "teabox.mp4").string() + " --points " + points + common,
                            box.dir / (name + "_mesh2gs.log")),
              0)
        << test::read_text(box.dir / (name + "_mesh2gs.log"));
    EXPECT_EQ(test::run_cli("track --model " + model.string() + " --video " + (kTeabox / "teabox.mp4").string() +
                                " --init-points " + points + " --out " + out.string() + common +
                                " --quiet --max-frames 2",
                            box.dir / (name + ".log")),
              0)
        << test::read_text(box.dir / (name + ".log"));
    return io::read_poses_csv((out / "poses.csv").string());
  };
  const std::vector<io::PoseRow> made = run("camera.json", "made"), visp = run("teabox.xml", "visp");
  ASSERT_EQ(made.size(), 2u);
  ASSERT_EQ(visp.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(visp[i].world_from_model.translation, made[i].world_from_model.translation) << "frame " << i;
    EXPECT_EQ(visp[i].world_from_model.rotation.coeffs(), made[i].world_from_model.rotation.coeffs()) << "frame " << i;
    EXPECT_EQ(visp[i].status, made[i].status) << "frame " << i;
  }
}

}  // namespace
}  // namespace splattrack
