// ViSP's camera files (camera_checks.hpp): vpXmlParserCamera's XML, the
// model-based tracker's settings, vpCameraParameters' JSON.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/calib3d.hpp>
#include <string>
#include <vector>

#include "camera_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/camera_io.hpp"

using namespace splattrack;
using test::expect_input_error;
using test::expect_same_camera;
using test::intrinsics;
using test::write_file;

namespace {

// vpXmlParserCamera's documented example: both projections of one lens.
const std::string kCalibration = R"(<?xml version="1.0"?>
<root>
  <camera>
    <name>myCamera</name>
    <image_width>640</image_width>
    <image_height>480</image_height>
    <model>
      <type>perspectiveProjWithoutDistortion</type>
      <px>1129.0</px>
      <py>1130.6</py>
      <u0>317.9</u0>
      <v0>229.1</v0>
    </model>
    <model>
      <type>perspectiveProjWithDistortion</type>
      <px>1089.9</px>
      <py>1090.1</py>
      <u0>326.1</u0>
      <v0>230.5</v0>
      <kud>-0.196</kud>
      <kdu>0.204</kdu>
    </model>
  </camera>
</root>
)";

// The model-based tracker's settings, as ViSP's teabox tutorial has them.
const std::string kTrackerSettings = R"(<?xml version="1.0"?>
<conf>
  <ecm><sample><step>4</step></sample></ecm>
  <camera>
    <u0>325.66776</u0>
    <v0>243.69727</v0>
    <px>839.21470</px>
    <py>839.44555</py>
  </camera>
</conf>
)";

Camera read(const std::string& name, const std::string& text, std::optional<io::ImageSize> frames = std::nullopt) {
  return io::read_camera(write_file(name, text), frames);
}

void expect_error(const std::string& name, const std::string& text, std::initializer_list<std::string> words,
                  std::optional<io::ImageSize> frames = std::nullopt) {
  const std::string path = write_file(name, text);
  expect_input_error([&] { io::read_camera(path, frames); }, path, words);
}

}  // namespace

TEST(CameraVisp, ACalibrationTakesItsModelWithDistortion) {
  Camera expected = intrinsics(640, 480, 1089.9, 1090.1, 326.1, 230.5);
  expected.distortion = {-0.196, 0, 0, 0};
  expect_same_camera(read("calib.xml", kCalibration), expected);
}

// ViSP's projection with distortion, written out here (vpMeterPixelConversion:
// u = u0 + px·x·(1 + kud·r²)), against OpenCV's projection of the camera read.
TEST(CameraVisp, ItsDistortionProjectsAsViSPs) {
  const Camera c = read("calib.xml", kCalibration);
  const double px = 1089.9, py = 1090.1, u0 = 326.1, v0 = 230.5, kud = -0.196;
  const cv::Matx33d k(c.fx, 0, c.cx, 0, c.fy, c.cy, 0, 0, 1);
  for (const cv::Point3d p : {cv::Point3d(0.1, -0.05, 1), cv::Point3d(-0.2, 0.15, 0.8), cv::Point3d(0.3, 0.2, 1.1)}) {
    const double x = p.x / p.z, y = p.y / p.z, r2 = 1 + kud * (x * x + y * y);
    std::vector<cv::Point2d> projected;
    cv::projectPoints(std::vector<cv::Point3d>{p}, cv::Vec3d(0, 0, 0), cv::Vec3d(0, 0, 0), k, c.distortion, projected);
    EXPECT_NEAR(projected[0].x, u0 + px * x * r2, 1e-9);
    EXPECT_NEAR(projected[0].y, v0 + py * y * r2, 1e-9);
  }
}

TEST(CameraVisp, OfSeveralCamerasTheFramesSizeChooses) {
  std::string two = kCalibration;
  const std::string second = R"(<camera><name>hd</name><image_width>1280</image_width><image_height>720</image_height>
      <model><type>perspectiveProjWithoutDistortion</type><px>900</px><py>901</py><u0>640</u0><v0>360</v0></model>
    </camera>
</root>)";
  two.replace(two.find("</root>"), std::string("</root>").size(), second);
  expect_same_camera(read("two.xml", two, io::ImageSize{1280, 720}), intrinsics(1280, 720, 900, 901, 640, 360));
  EXPECT_EQ(read("two.xml", two, io::ImageSize{640, 480}).fx, 1089.9);
  // None of the frames' size, or no frames: no guess (vpXmlParserCamera
  // would pick by name, which the command line does not give).
  expect_error("two.xml", two, {"2 cameras", "'myCamera' 640x480", "'hd' 1280x720", "320x240"},
               io::ImageSize{320, 240});
  expect_error("two.xml", two, {"2 cameras", "no frames"});
  EXPECT_THROW(io::read_camera(write_file("two.xml", two)), io::CameraNeedsFrames);
  std::string twins = two;
  twins.replace(twins.find("1280"), 4, "640").replace(twins.find(">720<"), 5, ">480<");
  expect_error("twins.xml", twins, {"2 cameras"}, io::ImageSize{640, 480});
}

// A camera saved without a size (vpXmlParserCamera then leaves both out).
TEST(CameraVisp, ACalibrationWithoutASizeTakesTheFrames) {
  std::string unsized = kCalibration;
  for (const std::string line : {"    <image_width>640</image_width>\n", "    <image_height>480</image_height>\n"})
    unsized.erase(unsized.find(line), line.size());
  const std::string path = write_file("unsized.xml", unsized);
  EXPECT_THROW(io::read_camera(path), io::CameraNeedsFrames);
  const Camera c = io::read_camera(path, io::ImageSize{800, 600});
  EXPECT_EQ(c.width, 800);
  EXPECT_EQ(c.fx, 1089.9);
  std::string half = kCalibration;
  const std::string height = "    <image_height>480</image_height>\n";
  half.erase(half.find(height), height.size());
  expect_error("half.xml", half, {"go together"});
}

TEST(CameraVisp, TrackerSettingsTakeTheFramesSize) {
  expect_error("conf.xml", kTrackerSettings, {"no image size", "ViSP"});
  expect_same_camera(read("conf.xml", kTrackerSettings, io::ImageSize{640, 480}),
                     intrinsics(640, 480, 839.21470, 839.44555, 325.66776, 243.69727));
}

TEST(CameraVisp, JsonParametersAndSettings) {
  const std::string parameters =
      R"({"model": "perspectiveWithDistortion", "px": 600, "py": 601, "u0": 320, "v0": 240,
          "kud": 0.05, "kdu": -0.05})";
  expect_error("cam.json", parameters, {"no image size"});
  Camera expected = intrinsics(640, 480, 600, 601, 320, 240);
  expected.distortion = {0.05, 0, 0, 0};
  expect_same_camera(read("cam.json", parameters, io::ImageSize{640, 480}), expected);
  // A ViSP application's settings (the MegaPose tutorial's): the size beside
  // the camera, which the frames' does not replace.
  const Camera s = read("settings.json", R"({"height": 480, "width": 640, "object": "cube", "camera":
      {"model": "perspectiveWithoutDistortion", "px": 605.146728515625, "py": 604.79150390625,
       "u0": 325.53253173828125, "v0": 244.95083618164063}})",
                        io::ImageSize{1280, 960});
  expect_same_camera(s, intrinsics(640, 480, 605.146728515625, 604.79150390625, 325.53253173828125,
                                   244.95083618164063));
}

TEST(CameraVisp, TrackerJsonSettingsGiveTheReferenceCamera) {
  // vpMbGenericTracker::saveConfigFile's layout, two cameras.
  const std::string settings = R"({"version": "1.0", "referenceCameraName": "Camera2", "trackers": {
      "Camera1": {"camera": {"model": "perspectiveWithoutDistortion", "px": 500, "py": 500, "u0": 320, "v0": 240}},
      "Camera2": {"angleAppear": 89.0, "camera": {"model": "perspectiveWithoutDistortion",
                  "px": 600.0, "py": 601.0, "u0": 192.0, "v0": 144.0}}}})";
  expect_same_camera(read("mbt.json", settings, io::ImageSize{384, 288}), intrinsics(384, 288, 600, 601, 192, 144));
  std::string wrong = settings;
  wrong.replace(wrong.find("\"Camera2\","), 10, "\"Camera3\",");
  expect_error("wrong.json", wrong, {"\"referenceCameraName\"", "Camera3", "names no tracker"}, io::ImageSize{4, 4});
  std::string unnamed = settings;
  const std::string reference = "\"referenceCameraName\": \"Camera2\", ";
  unnamed.erase(unnamed.find(reference), reference.size());
  expect_error("unnamed.json", unnamed, {"several trackers"}, io::ImageSize{4, 4});
}

TEST(CameraVisp, WhatIsRefusedIsNamed) {
  std::string fisheye = kCalibration;
  for (const std::string t : {"perspectiveProjWithoutDistortion", "perspectiveProjWithDistortion"})
    fisheye.replace(fisheye.find(t), t.size(), "ProjWithKannalaBrandtDistortion");
  expect_error("fisheye.xml", fisheye, {"Kannala-Brandt"});
  expect_error("fisheye.json", R"({"model": "kannalaBrandtDistortion", "px": 1, "py": 1, "u0": 0, "v0": 0})",
               {"Kannala-Brandt"}, io::ImageSize{4, 4});
  expect_error("odd.json", R"({"model": "orthographic", "px": 1, "py": 1, "u0": 0, "v0": 0})",
               {"unknown ViSP projection model", "orthographic"}, io::ImageSize{4, 4});
  expect_error("nokud.json", R"({"model": "perspectiveWithDistortion", "px": 1, "py": 1, "u0": 0, "v0": 0})",
               {"\"kud\""}, io::ImageSize{4, 4});
  expect_error("empty.xml", "<root><name>x</name></root>", {"without a <camera>"});
  expect_error("nomodel.xml",
               "<root><camera><image_width>4</image_width><image_height>4</image_height></camera></root>",
               {"no <model>"});
  std::string no_px = kTrackerSettings;
  no_px.erase(no_px.find("<px>"), std::string("<px>839.21470</px>").size());
  expect_error("nopx.xml", no_px, {"missing <px>"}, io::ImageSize{640, 480});
  std::string half = kCalibration;
  half.replace(half.find("640"), 3, "640.5");
  expect_error("half.xml", half, {"image_width", "positive integer"});
  std::string negative = kCalibration;
  negative.replace(negative.find("1089.9"), 6, "-1089.9");
  expect_error("negative.xml", negative, {"fx"});
}

// The sample teabox clip's ViSP settings give the camera.json made from them.
TEST(CameraVisp, TheTeaboxSettingsAreItsCamera) {
  const std::filesystem::path dir = std::filesystem::path(SPLATTRACK_SHARED_DATA) / "video" / "teabox";
  if (!std::filesystem::exists(dir / "teabox.xml")) GTEST_SKIP() << "no sample data at " << dir;
  const Camera made = io::read_camera((dir / "camera.json").string());
  expect_same_camera(io::read_camera((dir / "teabox.xml").string(), io::ImageSize{made.width, made.height}), made);
}
