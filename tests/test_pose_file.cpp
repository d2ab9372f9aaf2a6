// Pose files (--init-pose, --pose) under hostile bytes, and the in-memory
// parsers fuzzers call; the round trip and field errors are in test_pose.cpp.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "../io/src/camera_checks.hpp"
#include "../io/src/pose_parse.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/pose_io.hpp"

using namespace splattrack;
using test::expect_input_error;
using test::write_file;

namespace {

const std::string kPose = R"({"rotation_wxyz":[1,0,0,0],"translation":[1,2,3]})";

// Expects read_pose to refuse `text` with an InputError holding `words`, well
// within a second.
void expect_pose_error(const std::string& name, const std::string& text, std::initializer_list<std::string> words) {
  const std::string path = write_file(name, text);
  const auto start = std::chrono::steady_clock::now();
  expect_input_error([&] { io::read_pose(path); }, path, words);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << name;
  std::remove(path.c_str());
}

}  // namespace

TEST(PoseFile, DeepNestingIsRefused) {
  const int depth = 100000;
  expect_pose_error("deep.json", R"({"rotation_wxyz":)" + std::string(depth, '[') + std::string(depth, ']') + "}",
                    {"nested deeper than 64 levels"});
  expect_pose_error("deep_object.json", std::string(depth, '{'), {"nested deeper than 64 levels"});
}

TEST(PoseFile, ControlCharactersAndSizeAreRefused) {
  expect_pose_error("nul.json", std::string(R"({"rotation_wxyz":[1,0,0,0],)") + '\0' + R"("translation":[0,0,0]})",
                    {"control character 0x00", "line 1"});
  expect_pose_error("big.json", kPose + std::string((1 << 20) + 1, ' '), {"more than the 1048576"});
  // Tab, CR and LF are whitespace.
  const std::string path =
      write_file("crlf.json", "{\r\n\t\"rotation_wxyz\": [1, 0, 0, 0],\r\n\t\"translation\": [1, 2, 3]\r\n}\r\n");
  EXPECT_EQ(io::read_pose(path).translation, Eigen::Vector3d(1, 2, 3));
  std::remove(path.c_str());
}

TEST(PoseFile, NotARegularFileIsRefused) {
  const std::string missing = test::scratch_path("missing.json");
  expect_input_error([&] { io::read_pose(missing); }, missing, {"not found"});
  const std::string fifo = test::scratch_path("fifo.json");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_input_error([&] { io::read_pose(fifo); }, fifo, {"not a regular file"});
  std::remove(fifo.c_str());
  const std::string folder = test::scratch_path("folder.json");
  std::filesystem::create_directory(folder);
  expect_input_error([&] { io::read_pose(folder); }, folder, {"directory"});
  std::filesystem::remove(folder);
}

TEST(PoseFile, SyntaxErrorsQuoteLittleOfTheFile) {
  const std::string path = write_file("long.json", R"({"rotation_wxyz":[1)" + std::string(100000, '1') + "x]}");
  try {
    io::read_pose(path);
    ADD_FAILURE() << "expected InputError";
  } catch (const io::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
    EXPECT_LT(std::string(e.what()).size(), path.size() + 160) << e.what();
  }
  std::remove(path.c_str());
}

TEST(PoseFile, HugeQuaternionNormalises) {
  const std::string path = write_file("huge.json", R"({"rotation_wxyz":[1e300,1e300,0,0],"translation":[0,0,0]})");
  const RigidPose p = io::read_pose(path);
  EXPECT_NEAR(p.rotation.w(), std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(p.rotation.x(), std::sqrt(0.5), 1e-15);
  std::remove(path.c_str());
}

TEST(PoseFile, WriteReplacesTheFileWhole) {
  const std::string folder = test::scratch_path("poses");
  std::filesystem::create_directory(folder);
  const std::string path = folder + "/pose.json";
  RigidPose p;
  p.translation = {1.0 / 3, -2, 1e-300};
  io::write_pose(path, p);
  p.translation.x() = 0.25;
  io::write_pose(path, p);
  EXPECT_EQ(io::read_pose(path).translation, p.translation);
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator()), 1);
  const std::string nowhere = folder + "/missing/pose.json";
  expect_input_error([&] { io::write_pose(nowhere, p); }, nowhere, {});
  std::filesystem::remove_all(folder);
}

// The parsers read text from memory, so a fuzzer can call them without files;
// they apply the same guard as the readers.
TEST(PoseFile, ParsersWorkOnMemory) {
  EXPECT_EQ(io::parse_pose_json(kPose, "mem.json").translation, Eigen::Vector3d(1, 2, 3));
  expect_input_error([] { io::parse_pose_json(std::string(1000, '['), "mem.json"); }, "mem.json", {"nested"});

  const Camera json = io::parse_camera_json(R"({"width":4,"height":3,"fx":2,"fy":2,"cx":1.5,"cy":1})", "mem.json");
  EXPECT_EQ(json.width, 4);
  const std::string k = "camera_matrix: {rows: 3, cols: 3, dt: d, data: [2, 0, 1.5, 0, 2, 1, 0, 0, 1]}\n";
  const Camera yaml = io::parse_camera_yaml("%YAML:1.0\nimage_width: 4\nimage_height: 3\n" + k, "mem.yml");
  EXPECT_EQ(yaml.cx, 1.5);
  const Camera xml = io::parse_camera_xml(
      "<opencv_storage><image_width>4</image_width><image_height>3</image_height><camera_matrix><rows>3</rows>"
      "<cols>3</cols><dt>d</dt><data>2 0 1.5 0 2 1 0 0 1</data></camera_matrix></opencv_storage>",
      "mem.xml");
  EXPECT_EQ(xml.cy, 1);
  expect_input_error([] { io::parse_camera_yaml(std::string("a: \0", 4), "mem.yml"); }, "mem.yml", {"control"});
  expect_input_error([] { io::parse_camera_xml(std::string(2 << 20, ' '), "mem.xml"); }, "mem.xml", {"more than"});
}
