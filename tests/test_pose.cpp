#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "splattrack/io/error.hpp"
#include "splattrack/io/pose_io.hpp"
#include "splattrack/render/pose.hpp"

using namespace splattrack;

TEST(Pose, TransformedMovesMeansAndRotatesQuats) {
  GaussianModel m;
  m.resize(1);
  m.means = {1.f, 0.f, 0.f};
  m.quats = {1.f, 0.f, 0.f, 0.f};
  RigidPose p;
  p.rotation = Eigen::AngleAxisd(M_PI / 2, Eigen::Vector3d::UnitZ());
  p.translation = {0, 0, 2};
  const GaussianModel t = transformed(m, p);
  EXPECT_NEAR(t.means[0], 0.f, 1e-6);
  EXPECT_NEAR(t.means[1], 1.f, 1e-6);
  EXPECT_NEAR(t.means[2], 2.f, 1e-6);
  EXPECT_NEAR(t.quats[0], std::cos(M_PI / 4), 1e-6);
  EXPECT_NEAR(t.quats[3], std::sin(M_PI / 4), 1e-6);
}

TEST(Pose, InverseAndComposition) {
  RigidPose p;
  p.rotation = Eigen::Quaterniond(Eigen::AngleAxisd(0.7, Eigen::Vector3d(1, 2, 3).normalized()));
  p.translation = {0.3, -1, 2};
  const WorldMotion id = p * p.inverse();
  EXPECT_LT(rotation_error_deg(id, WorldMotion{}), 1e-6);
  EXPECT_LT(id.translation.norm(), 1e-12);
  RigidPose q = p;
  q.rotation = q.rotation * Eigen::Quaterniond(Eigen::AngleAxisd(0.1, Eigen::Vector3d::UnitX()));
  EXPECT_NEAR(rotation_error_deg(p, q), 0.1 * 180 / M_PI, 1e-9);
}

TEST(PoseIo, RoundTripAndErrors) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string path = (dir / "splattrack_pose_test.json").string();
  RigidPose p;
  p.rotation = Eigen::Quaterniond(0.5, 0.5, -0.5, 0.5);
  p.translation = {1.25, -2, 3};
  io::write_pose(path, p);
  const RigidPose r = io::read_pose(path);
  EXPECT_LT(rotation_error_deg(p, r), 1e-9);
  EXPECT_LT(translation_error(p, r), 1e-12);

  std::ofstream(path) << R"({"rotation_wxyz":[1,0,0],"translation":[0,0,0]})";
  try {
    io::read_pose(path);
    FAIL() << "expected InputError";
  } catch (const io::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("rotation_wxyz"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  std::ofstream(path) << "{not json";
  EXPECT_THROW(io::read_pose(path), io::InputError);
  std::remove(path.c_str());
}
