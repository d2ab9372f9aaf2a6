// A first pose from picked points (tracker/pose_from_points.hpp, the point
// file of io/pose_io.hpp): exact points give the pose back through a camera
// that is not at the world's origin, noisy ones a pose whose reported
// reprojection error is the one measured here, and what no pose explains is
// refused.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "io_test_util.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/tracker/pose_from_points.hpp"

namespace splattrack {
namespace {

Camera test_camera() {
  Camera camera;
  camera.width = 640;
  camera.height = 480;
  camera.fx = 839.2;
  camera.fy = 839.4;
  camera.cx = 325.7;
  camera.cy = 243.7;
  camera.cam_from_world.topLeftCorner<3, 3>() =
      Eigen::AngleAxisd(0.3, Eigen::Vector3d(1, -2, 0.5).normalized()).toRotationMatrix();
  camera.cam_from_world.topRightCorner<3, 1>() = Eigen::Vector3d(0.05, -0.02, 0.1);
  return camera;
}

// Pinhole projection written out here: x_cam = cam_from_world · world_from_model · x.
Eigen::Vector2d project(const Camera& camera, const RigidPose& pose, const Eigen::Vector3d& x) {
  const Eigen::Vector3d world = pose.apply(x);
  const Eigen::Vector3d c =
      camera.cam_from_world.topLeftCorner<3, 3>() * world + camera.cam_from_world.topRightCorner<3, 1>();
  return {camera.fx * c.x() / c.z() + camera.cx, camera.fy * c.y() / c.z() + camera.cy};
}

// The teabox's five points (frame0_points.json) and a pose that shows them.
const std::vector<Eigen::Vector3d> kModel = {
    {0, 0, 0}, {0.165, 0, 0}, {0.165, 0, -0.08}, {0.165, 0.068, -0.08}, {0.165, 0.068, 0}};

RigidPose seen_pose(const Camera& camera) {
  // The box 0.45 m in front of the camera, turned to show three faces.
  const Eigen::Isometry3d world_from_cam = Eigen::Isometry3d(camera.cam_from_world).inverse();
  RigidPose cam_from_model;
  cam_from_model.rotation = Eigen::Quaterniond(0.48, 0.72, 0.45, -0.23).normalized();
  cam_from_model.translation = {-0.07, -0.085, 0.45};
  RigidPose pose;
  pose.rotation = Eigen::Quaterniond(world_from_cam.linear()) * cam_from_model.rotation;
  pose.translation = world_from_cam * cam_from_model.translation;
  return pose;
}

TEST(PoseFromPoints, ExactPixelsGiveThePoseBack) {
  const Camera camera = test_camera();
  const RigidPose truth = seen_pose(camera);
  std::vector<Eigen::Vector2d> pixels;
  for (const auto& x : kModel) pixels.push_back(project(camera, truth, x));
  const PointPose solved = pose_from_points(camera, kModel, pixels);
  EXPECT_LT(rotation_error_deg(solved.pose, truth), 1e-6);
  EXPECT_LT(translation_error(solved.pose, truth), 1e-8);
  EXPECT_LT(solved.rms_px, 1e-6);
}

TEST(PoseFromPoints, ReportsTheReprojectionErrorOfNoisyPixels) {
  const Camera camera = test_camera();
  const RigidPose truth = seen_pose(camera);
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 2.0);
  std::vector<Eigen::Vector2d> pixels;
  for (const auto& x : kModel) pixels.push_back(project(camera, truth, x) + Eigen::Vector2d(noise(rng), noise(rng)));
  const PointPose solved = pose_from_points(camera, kModel, pixels);
  double sum = 0, largest = 0;
  for (std::size_t i = 0; i < kModel.size(); ++i) {
    const double e = (project(camera, solved.pose, kModel[i]) - pixels[i]).norm();
    sum += e * e;
    largest = std::max(largest, e);
  }
  EXPECT_NEAR(solved.rms_px, std::sqrt(sum / static_cast<double>(kModel.size())), 1e-6);
  EXPECT_NEAR(solved.largest_px, largest, 1e-6);
  EXPECT_GT(solved.rms_px, 0.1);
  // Least squares: no worse at its minimum than at the truth.
  double at_truth = 0;
  for (std::size_t i = 0; i < kModel.size(); ++i)
    at_truth += (project(camera, truth, kModel[i]) - pixels[i]).squaredNorm();
  EXPECT_LE(sum, at_truth + 1e-9);
  EXPECT_LT(rotation_error_deg(solved.pose, truth), 3.0);
  EXPECT_LT(translation_error(solved.pose, truth), 0.02);
}

TEST(PoseFromPoints, RefusesWhatNoPoseExplains) {
  const Camera camera = test_camera();
  const std::vector<Eigen::Vector2d> four(4, Eigen::Vector2d(100, 100));
  EXPECT_THROW(pose_from_points(camera, {kModel.begin(), kModel.begin() + 3}, {four.begin(), four.begin() + 3}),
               std::invalid_argument);
  EXPECT_THROW(pose_from_points(camera, kModel, four), std::invalid_argument);  // sizes differ
  // Four points on one line, seen spread over the image.
  const std::vector<Eigen::Vector3d> line = {{0, 0, 0}, {0.1, 0, 0}, {0.2, 0, 0}, {0.3, 0, 0}};
  const std::vector<Eigen::Vector2d> spread = {{100, 100}, {500, 120}, {300, 400}, {50, 300}};
  EXPECT_THROW(pose_from_points(camera, line, spread), std::invalid_argument);
}

TEST(PointPairsFile, ReadsTheSampleLayoutAndRefusesBadFiles) {
  const std::string good = test::write_file(
      "good.json", R"({"comment": "frame 0", "model": [[0,0,0],[1,0,0],[1,1,0],[0,1,0.5]],
                      "pixels": [[1,2],[3,4],[5,6],[7,8.5]]})");
  const io::PointPairs pairs = io::read_point_pairs(good);
  ASSERT_EQ(pairs.model.size(), 4u);
  EXPECT_EQ(pairs.model[3], Eigen::Vector3d(0, 1, 0.5));
  EXPECT_EQ(pairs.pixels[3], Eigen::Vector2d(7, 8.5));
  const auto refused = [](const std::string& name, const std::string& text, const std::string& words) {
    const std::string path = test::write_file(name, text);
    try {
      io::read_point_pairs(path);
      ADD_FAILURE() << name << " was read";
    } catch (const io::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused("three.json", R"({"model": [[0,0,0],[1,0,0],[1,1,0]], "pixels": [[1,2],[3,4],[5,6]]})",
          "at least 4 points");
  refused("unpaired.json", R"({"model": [[0,0,0],[1,0,0],[1,1,0],[0,1,0]], "pixels": [[1,2],[3,4],[5,6]]})",
          "they must pair up");
  refused("flat.json", R"({"model": [[0,0,0],[1,0,0],[1,1],[0,1,0]], "pixels": [[1,2],[3,4],[5,6],[7,8]]})",
          "\"model[2]\" must be an array of 3 numbers");
  refused("nopixels.json", R"({"model": []})", "missing the array \"pixels\"");
  refused("text.json", "model", "not valid JSON");
}

}  // namespace
}  // namespace splattrack
