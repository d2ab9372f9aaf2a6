#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "io_test_util.hpp"
#include "splattrack/io/camera_io.hpp"

using namespace splattrack;
using test::expect_input_error;
using test::write_file;

namespace {

// Values with long binary expansions, so that any rounding on the way shows.
Camera odd_camera() {
  Camera c;
  c.width = 641;
  c.height = 479;
  c.fx = 1000.0 / 3;
  c.fy = 2000.0 / 7;
  c.cx = 320.1234567890123;
  c.cy = -0.1;
  c.cam_from_world.topLeftCorner<3, 3>() =
      Eigen::AngleAxisd(0.7, Eigen::Vector3d(1, -2, 3).normalized()).toRotationMatrix();
  c.cam_from_world.topRightCorner<3, 1>() = Eigen::Vector3d(0.1, -1.0 / 3, 2.5e-7);
  c.distortion = {-0.2, 0.05, 1e-4, -3e-5, 1.0 / 9};
  return c;
}

void expect_same_camera(const Camera& a, const Camera& b) {
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.fx, b.fx);
  EXPECT_EQ(a.fy, b.fy);
  EXPECT_EQ(a.cx, b.cx);
  EXPECT_EQ(a.cy, b.cy);
  EXPECT_EQ(a.cam_from_world, b.cam_from_world);
  EXPECT_EQ(a.distortion, b.distortion);
}

// A camera with identity pose and no distortion.
Camera intrinsics(int width, int height, double fx, double fy, double cx, double cy) {
  Camera c;
  c.width = width;
  c.height = height;
  c.fx = fx;
  c.fy = fy;
  c.cx = cx;
  c.cy = cy;
  return c;
}

const std::string kIntrinsics = R"("width":640,"height":480,"fx":500,"fy":510,"cx":319.5,"cy":239.5)";

std::string camera_json(const std::string& extra) { return "{" + kIntrinsics + extra + "}"; }

void expect_camera_error(const std::string& name, const std::string& text, std::initializer_list<std::string> words) {
  const std::string path = write_file(name, text);
  expect_input_error([&] { io::read_camera(path); }, path, words);
  std::remove(path.c_str());
}

// An OpenCV calibration as cv::FileStorage writes it (calibration.cpp's keys).
std::string write_opencv(const std::string& name, const cv::Mat& k, const cv::Mat& d, const cv::Mat& t = {}) {
  const std::string path = test::scratch_path(name);
  cv::FileStorage fs(path, cv::FileStorage::WRITE);
  fs << "image_width" << 800 << "image_height" << 600 << "camera_matrix" << k;
  if (!d.empty()) fs << "distortion_coefficients" << d;
  if (!t.empty()) fs << "cam_from_world" << t;
  fs.release();
  return path;
}

const cv::Mat kK = (cv::Mat_<double>(3, 3) << 700.25, 0, 401.5, 0, 702.125, 299.75, 0, 0, 1);

}  // namespace

TEST(CameraIo, JsonRoundTripIsExact) {
  const std::string path = test::scratch_path("camera.json");
  const Camera c = odd_camera();
  io::write_camera_json(path, c);
  expect_same_camera(c, io::read_camera(path));
  Camera plain = c;
  plain.distortion.clear();
  plain.cam_from_world.setIdentity();
  io::write_camera_json(path, plain);
  expect_same_camera(plain, io::read_camera(path));
  std::remove(path.c_str());
}

TEST(CameraIo, JsonValuesAndDefaults) {
  const std::string path = write_file("values.JSON", camera_json(""));
  expect_same_camera(io::read_camera(path), intrinsics(640, 480, 500, 510, 319.5, 239.5));
  std::remove(path.c_str());

  const std::string pose = write_file("pose.json", camera_json(
      R"(,"cam_from_world":[0,-1,0,1, 1,0,0,2, 0,0,1,3, 0,0,0,1],"distortion":[0.1,0.2,0.3,0.4])"));
  const Camera p = io::read_camera(pose);
  Eigen::Matrix4d expected;
  expected << 0, -1, 0, 1, 1, 0, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1;
  EXPECT_EQ(p.cam_from_world, expected);
  EXPECT_EQ(p.distortion, (std::vector<double>{0.1, 0.2, 0.3, 0.4}));
  std::remove(pose.c_str());

  const std::string eight = write_file("eight.json", camera_json(R"(,"distortion":[1,2,3,4,5,6,7,8])"));
  EXPECT_EQ(io::read_camera(eight).distortion, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}));
  std::remove(eight.c_str());
}

TEST(CameraIo, JsonErrors) {
  const std::string missing = test::scratch_path("missing.json");
  expect_input_error([&] { io::read_camera(missing); }, missing, {"not found"});
  expect_camera_error("bad.json", "{\"width\": 640,", {"not valid JSON"});
  expect_camera_error("array.json", "[1, 2]", {"JSON object"});
  expect_camera_error("nofx.json", R"({"width":640,"height":480,"fy":1,"cx":0,"cy":0})", {"missing \"fx\""});
  expect_camera_error("w0.json", R"({"width":0,"height":480,"fx":1,"fy":1,"cx":0,"cy":0})", {"\"width\"", "positive integer"});
  expect_camera_error("wfrac.json", R"({"width":640.5,"height":480,"fx":1,"fy":1,"cx":0,"cy":0})", {"\"width\""});
  expect_camera_error("wstr.json", R"({"width":"640","height":480,"fx":1,"fy":1,"cx":0,"cy":0})", {"\"width\""});
  expect_camera_error("hneg.json", R"({"width":640,"height":-2,"fx":1,"fy":1,"cx":0,"cy":0})", {"\"height\""});
  expect_camera_error("fxneg.json", R"({"width":640,"height":480,"fx":-5,"fy":1,"cx":0,"cy":0})", {"fx must be positive", "-5"});
  expect_camera_error("fy0.json", R"({"width":640,"height":480,"fx":5,"fy":0,"cx":0,"cy":0})", {"fy must be positive"});
  expect_camera_error("fyinf.json", R"({"width":640,"height":480,"fx":5,"fy":1e999,"cx":0,"cy":0})", {"not valid JSON", "overflow"});
  expect_camera_error("cxstr.json", R"({"width":640,"height":480,"fx":5,"fy":5,"cx":"a","cy":0})", {"\"cx\" must be a number"});
  expect_camera_error("m15.json", camera_json(R"(,"cam_from_world":[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0])"),
                      {"16 numbers", "got 15"});
  expect_camera_error("mstr.json", camera_json(R"(,"cam_from_world":"identity")"), {"cam_from_world", "array"});
  expect_camera_error("lastrow.json", camera_json(R"(,"cam_from_world":[1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,1,1])"),
                      {"last row"});
  expect_camera_error("scaled.json", camera_json(R"(,"cam_from_world":[1.01,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1])"),
                      {"not orthonormal"});
  expect_camera_error("mirror.json", camera_json(R"(,"cam_from_world":[-1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1])"),
                      {"reflection"});
  expect_camera_error("d3.json", camera_json(R"(,"distortion":[0.1,0.2,0.3])"), {"3 coefficients"});
  expect_camera_error("dstr.json", camera_json(R"(,"distortion":[0.1,"x",0.3,0.4])"), {"distortion", "non-number"});
  expect_camera_error("cam.txt", camera_json(""), {"'.txt'"});
}

TEST(CameraIo, RotationToleranceIsOneInAMillion) {
  Camera c = odd_camera();
  c.cam_from_world(0, 0) += 4e-7;  // |RᵀR − I| ≈ 2·4e-7: accepted
  const std::string path = test::scratch_path("tolerance.json");
  io::write_camera_json(path, c);
  EXPECT_EQ(io::read_camera(path).cam_from_world, c.cam_from_world);
  c.cam_from_world(0, 0) += 2e-6;
  EXPECT_THROW(io::write_camera_json(path, c), std::invalid_argument);
  std::remove(path.c_str());
}

TEST(CameraIo, WriterRejectsInvalidCameras) {
  const std::string path = test::scratch_path("invalid.json");
  Camera c = odd_camera();
  c.fx = std::nan("");
  EXPECT_THROW(io::write_camera_json(path, c), std::invalid_argument);
  c = odd_camera();
  c.width = 0;
  EXPECT_THROW(io::write_camera_json(path, c), std::invalid_argument);
}

TEST(CameraIo, OpenCvYamlAndXml) {
  const cv::Mat d = (cv::Mat_<double>(1, 5) << -0.25, 0.125, 0.001, -0.002, 0.03);
  cv::Mat t = cv::Mat::eye(4, 4, CV_64F);
  t.at<double>(0, 3) = 1.5;
  t.at<double>(0, 1) = -1;
  t.at<double>(1, 0) = 1;
  t.at<double>(0, 0) = t.at<double>(1, 1) = 0;
  for (const std::string ext : {".yml", ".yaml", ".xml"}) {
    SCOPED_TRACE(ext);
    const std::string path = write_opencv("calib" + ext, kK, d);
    Camera expected = intrinsics(800, 600, 700.25, 702.125, 401.5, 299.75);
    expected.distortion = {-0.25, 0.125, 0.001, -0.002, 0.03};
    expect_same_camera(io::read_camera(path), expected);
    std::remove(path.c_str());

    const std::string posed = write_opencv("posed" + ext, kK, d.t(), t);
    const Camera p = io::read_camera(posed);
    EXPECT_EQ(p.distortion.size(), 5u);
    EXPECT_EQ(p.cam_from_world(0, 3), 1.5);
    EXPECT_EQ(p.cam_from_world(1, 0), 1);
    EXPECT_EQ(p.cam_from_world(0, 1), -1);
    std::remove(posed.c_str());
  }
}

TEST(CameraIo, OpenCvHandWrittenYaml) {
  const std::string path = write_file("hand.yaml", R"(%YAML:1.0
---
image_width: 1280
image_height: 720
camera_matrix: !!opencv-matrix
   rows: 3
   cols: 3
   dt: d
   data: [ 900., 0., 640., 0., 901., 360., 0., 0., 1. ]
distortion_coefficients: !!opencv-matrix
   rows: 1
   cols: 4
   dt: d
   data: [ 0.1, -0.2, 0., 0.003 ]
)");
  Camera expected = intrinsics(1280, 720, 900, 901, 640, 360);
  expected.distortion = {0.1, -0.2, 0, 0.003};
  expect_same_camera(io::read_camera(path), expected);
  std::remove(path.c_str());
}

TEST(CameraIo, OpenCvErrors) {
  const std::string missing = test::scratch_path("missing.yml");
  expect_input_error([&] { io::read_camera(missing); }, missing, {"not found"});
  expect_camera_error("broken.yml", "%YAML:1.0\ncamera_matrix: [1, 2\n", {"not a valid OpenCV", "line 2", "Missing"});
  expect_camera_error("broken.xml", "<?xml version=\"1.0\"?>\n<opencv_storage><image_width>3</opencv", {"OpenCV", "line 2"});

  const cv::Mat d = (cv::Mat_<double>(1, 5) << 0, 0, 0, 0, 0);
  const auto expect_calib_error = [](const std::string& path, std::initializer_list<std::string> words) {
    expect_input_error([&] { io::read_camera(path); }, path, words);
    std::remove(path.c_str());
  };
  expect_calib_error(write_opencv("k23.yml", cv::Mat::eye(2, 3, CV_64F), d), {"'camera_matrix' must be 3x3", "2x3"});
  cv::Mat skew = kK.clone();
  skew.at<double>(0, 1) = 0.5;
  expect_calib_error(write_opencv("skew.yml", skew, d), {"no skew"});
  cv::Mat negative = kK.clone();
  negative.at<double>(1, 1) = -3;
  expect_calib_error(write_opencv("fyneg.xml", negative, d), {"fy must be positive"});
  expect_calib_error(write_opencv("d3.yml", kK, cv::Mat::zeros(1, 3, CV_64F)), {"3 coefficients"});
  expect_calib_error(write_opencv("d22.yml", kK, cv::Mat::zeros(2, 2, CV_64F)), {"row or a column"});
  expect_calib_error(write_opencv("t33.yml", kK, d, cv::Mat::eye(3, 3, CV_64F)), {"'cam_from_world' must be 4x4"});
  cv::Mat scaled = cv::Mat::eye(4, 4, CV_64F) * 2;
  scaled.at<double>(3, 3) = 1;
  expect_calib_error(write_opencv("t2.xml", kK, d, scaled), {"not orthonormal"});

  expect_camera_error("nok.yml", "%YAML:1.0\nimage_width: 640\nimage_height: 480\n", {"missing 'camera_matrix'"});
  expect_camera_error("now.yml", "%YAML:1.0\nimage_height: 480\n", {"missing 'image_width'"});
  expect_camera_error("wreal.yml", "%YAML:1.0\nimage_width: 640.5\nimage_height: 480\n", {"'image_width' must be an integer"});
  expect_camera_error("kscalar.yml", "%YAML:1.0\nimage_width: 640\nimage_height: 480\ncamera_matrix: 3\n",
                      {"'camera_matrix' is not an OpenCV matrix"});
}
