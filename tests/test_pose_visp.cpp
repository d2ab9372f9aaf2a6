// ViSP's pose vector files (`.pos`, io/pose_io.hpp) as --init-pose / --pose.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <opencv2/calib3d.hpp>
#include <opencv2/core/eigen.hpp>
#include <string>

#include "io_test_util.hpp"
#include "splattrack/io/pose_io.hpp"

using namespace splattrack;
using test::expect_input_error;
using test::write_file;

namespace {

// A pose vector as vpPoseVector writes it (one value a line).
const std::string kPoseVector = "-0.070\n-0.084\n0.44\n1.9\n0.6\n-0.8\n";

// cMo from the vector by OpenCV's Rodrigues, independently of the reader.
Eigen::Matrix4d cam_from_model_reference() {
  cv::Mat r;
  cv::Rodrigues(cv::Vec3d(1.9, 0.6, -0.8), r);
  Eigen::Matrix3d rotation;
  cv::cv2eigen(r, rotation);
  Eigen::Matrix4d m = Eigen::Matrix4d::Identity();
  m.topLeftCorner<3, 3>() = rotation;
  m.topRightCorner<3, 1>() = Eigen::Vector3d(-0.070, -0.084, 0.44);
  return m;
}

}  // namespace

TEST(PoseVisp, APoseVectorIsTheObjectInTheCamerasFrame) {
  const std::string path = write_file("teabox.0.pos", kPoseVector);
  // ViSP's cameras have no world: cam_from_world is the identity.
  EXPECT_TRUE(io::read_pose(path).matrix().isApprox(cam_from_model_reference(), 1e-14));
  // A camera placed in a world: the pose read is world_from_model, so that
  // cam_from_world · world_from_model is the file's cMo.
  Camera posed;
  posed.cam_from_world.topLeftCorner<3, 3>() =
      Eigen::AngleAxisd(0.4, Eigen::Vector3d(0.2, 1, -0.3).normalized()).toRotationMatrix();
  posed.cam_from_world.topRightCorner<3, 1>() = Eigen::Vector3d(0.5, -1, 2);
  const RigidPose world_from_model = io::read_pose(path, posed);
  EXPECT_TRUE((posed.cam_from_world * world_from_model.matrix()).isApprox(cam_from_model_reference(), 1e-14));
  // One line, any white space; no rotation at all.
  EXPECT_TRUE(io::read_pose(write_file("flat.pos", " -0.070 -0.084\t0.44 1.9 0.6 -0.8")).matrix().isApprox(
      cam_from_model_reference(), 1e-14));
  // Windows line ends and signs as a hand might write them.
  EXPECT_TRUE(io::read_pose(write_file("crlf.pos", "-0.070\r\n-0.084\r\n+0.44\r\n1.9\r\n+0.6\r\n-0.8\r\n"))
                  .matrix()
                  .isApprox(cam_from_model_reference(), 1e-14));
  const RigidPose still = io::read_pose(write_file("still.pos", "1 2 3 0 0 0\n"));
  EXPECT_EQ(still.rotation.coeffs(), Eigen::Quaterniond::Identity().coeffs());
  EXPECT_EQ(still.translation, Eigen::Vector3d(1, 2, 3));
}

TEST(PoseVisp, WhatIsNotAPoseVectorIsNamed) {
  for (const auto& [name, text, word] : std::initializer_list<std::tuple<const char*, const char*, const char*>>{
           {"five.pos", "1 2 3 4 5", "got 5"},
           {"seven.pos", "1 2 3 4 5 6 7", "got more"},
           {"empty.pos", "", "got 0"},
           {"nan.pos", "1 2 3 nan 0 0", "'nan'"},
           {"comma.pos", "1,2 3 4 5 6", "'1,2'"},
           {"huge.pos", "1 2 3 1e999 0 0", "'1e999'"},
           {"plus.pos", "1 2 3 + 0 0", "'+'"},
           {"long.pos", "1 2 3 1.5e308 1.5e308 1.5e308", "too long"}}) {
    SCOPED_TRACE(name);
    const std::string path = write_file(name, text);
    expect_input_error([&] { io::read_pose(path); }, path, {"ViSP pose vector", word});
  }
  const std::string control = write_file("control.pos", std::string("1 2 3 0 0 0\x01", 12));
  expect_input_error([&] { io::read_pose(control); }, control, {"control character"});
}
