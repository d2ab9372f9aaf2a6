#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <chrono>
#include <cmath>
#include <opencv2/core.hpp>
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
  expect_camera_error("broken.yml", "%YAML:1.0\ncamera_matrix: [1, 2\n",
                      {"not a valid OpenCV YAML", "line 3", "end of sequence flow not found"});
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

// ---- Hostile files (issue #8, C1–C5): each an InputError naming the file, at once.

namespace {

// Reads `text` as a camera file and expects an InputError holding `words`,
// well within a second (the reproducers crashed, spun or took gigabytes).
void expect_quick_camera_error(const std::string& name, const std::string& text,
                               std::initializer_list<std::string> words) {
  const auto start = std::chrono::steady_clock::now();
  expect_camera_error(name, text, words);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << name;
}

std::string with_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

std::string repeated(const std::string& piece, int times) {
  std::string text;
  for (int i = 0; i < times; ++i) text += piece;
  return text;
}

// The calibration as cv::FileStorage writes it, with `extra` lines at the end.
const std::string kYamlHeader = "%YAML:1.0\n---\nimage_width: 640\nimage_height: 480\n";
const std::string kYamlK =
    "camera_matrix: !!opencv-matrix\n   rows: 3\n   cols: 3\n   dt: d\n"
    "   data: [ 500., 0., 320., 0., 500., 240., 0., 0., 1. ]\n";

}  // namespace

TEST(CameraIoHostile, C1DeepJsonIsRefused) {
  const int depth = 100000;
  expect_quick_camera_error("c1.json", "{\"width\":" + std::string(depth, '[') + std::string(depth, ']') + "}",
                            {"nested deeper than 64 levels"});
  expect_quick_camera_error("c1_value.json", "{\"width\":" + std::string(65, '[') + std::string(65, ']') + "}",
                            {"nested deeper than 64 levels"});
  // Brackets inside strings are not nesting, and 64 levels are allowed.
  for (const std::string& extra : {R"(,"note":"\")" + std::string(1000, '[') + "\"",
                                   R"(,"note":)" + std::string(63, '[') + std::string(63, ']')}) {
    const std::string path = write_file("c1_ok.json", camera_json(extra));
    expect_same_camera(io::read_camera(path), intrinsics(640, 480, 500, 510, 319.5, 239.5));
    std::remove(path.c_str());
  }
}

TEST(CameraIoHostile, C2BrokenXmlDeclarationIsRefused) {
  expect_quick_camera_error("c2.xml", "<?xml i=", {"not a valid OpenCV XML calibration", "line 1"});
  // OpenCV's extensions let the content pick the syntax, as FileStorage did.
  expect_quick_camera_error("c2.yml", "<?xml i=", {"not a valid OpenCV XML calibration"});
}

TEST(CameraIoHostile, C3ControlCharactersAreRefused) {
  std::string text = kYamlHeader + "camera_matrix: !!opencv-matrix\n  rows: 3\n  cols: 3\n  dt: d\n  data: [";
  text += std::string("1\0\0\0\0, 2", 9) + "]\n";
  expect_quick_camera_error("c3.yml", text, {"control character 0x00", "line 9"});
  expect_quick_camera_error("c3.xml", std::string("<opencv_storage>\x01</opencv_storage>"), {"control character 0x01"});
  expect_quick_camera_error("c3.json", camera_json(std::string(",\"a\":\x7f")), {"control character 0x7F"});
  // Tab, CR and LF are text.
  Camera expected = intrinsics(640, 480, 500, 500, 320, 240);
  const std::string crlf = write_file("crlf.yml", "%YAML:1.0\r\n---\r\nimage_width:\t640\r\nimage_height: 480\r\n" +
                                                      with_crlf(kYamlK));
  expect_same_camera(io::read_camera(crlf), expected);
  std::remove(crlf.c_str());
}

TEST(CameraIoHostile, C4DeepYamlAndXmlAreRefused) {
  const int depth = 40000;
  expect_quick_camera_error("c4_flow.yml", "%YAML:1.0\nimage_width: " + std::string(depth, '[') + std::string(depth, ']'),
                            {"nested deeper than 64 levels", "line 2"});
  expect_quick_camera_error("c4_map.yml", "image_width: " + repeated("{a: ", depth) + "1" + std::string(depth, '}'),
                            {"nested deeper than 64 levels"});
  expect_quick_camera_error("c4_dashes.yml", "image_width:\n" + repeated("- ", depth) + "1\n",
                            {"nested deeper than 64 levels", "line 2"});
  std::string indented = "image_width:\n";
  for (int i = 1; i < 100; ++i) indented += std::string(i, ' ') + "a:\n";
  expect_quick_camera_error("c4_indent.yml", indented, {"nested deeper than 64 levels"});
  expect_quick_camera_error("c4.xml", "<opencv_storage>" + repeated("<a>", depth), {"nested deeper than 100"});
  // Brackets in comments, quoted and block scalars are not nesting.
  const std::string text = std::string(200, '[');
  const std::string path = write_file("c4_text.yml", kYamlHeader + "# " + text + "\nnote: \"" + text + "\"\nother: '" +
                                                         text + "'\nblock: |\n  " + text + "\n  " + text + "\n" + kYamlK);
  expect_same_camera(io::read_camera(path), intrinsics(640, 480, 500, 500, 320, 240));
  std::remove(path.c_str());
}

TEST(CameraIoHostile, C5HugeDeclaredMatrixIsRefused) {
  expect_quick_camera_error(
      "c5.yml", kYamlHeader + "camera_matrix: !!opencv-matrix {rows: 100000, cols: 100000, dt: d, data: [1]}\n",
      {"'camera_matrix' must have 1 to 16 rows", "'100000'"});
  expect_quick_camera_error("c5.xml",
                            "<opencv_storage><image_width>640</image_width><image_height>480</image_height>"
                            "<camera_matrix type_id=\"opencv-matrix\"><rows>3</rows><cols>100000</cols><dt>d</dt>"
                            "<data>1</data></camera_matrix></opencv_storage>",
                            {"'camera_matrix' must have 1 to 16 cols", "'100000'"});
  expect_quick_camera_error("c5_count.yml",
                            kYamlHeader + "camera_matrix: {rows: 3, cols: 3, dt: d, data: [1, 0, 0, 0, 1, 0, 0, 0]}\n",
                            {"'camera_matrix' is 3x3 but holds 8 values"});
  expect_quick_camera_error("c5_negative.yml", kYamlHeader + "camera_matrix: {rows: -3, cols: 3, dt: d, data: []}\n",
                            {"1 to 16 rows", "'-3'"});
  expect_quick_camera_error("c5_channels.yml",
                            kYamlHeader + "camera_matrix: {rows: 3, cols: 1, dt: 3d, data: [1, 2, 3]}\n",
                            {"single-channel", "'3d'"});
  expect_quick_camera_error("c5_value.yml", kYamlHeader + "camera_matrix: {rows: 1, cols: 1, dt: d, data: [abc]}\n",
                            {"'camera_matrix' holds a non-number: 'abc'"});
}

TEST(CameraIoHostile, LimitsAndEchoes) {
  // Over 1 MiB: refused before it is parsed.
  expect_quick_camera_error("big.yml", kYamlHeader + "# " + std::string(1 << 20, 'x') + "\n", {"more than the 1048576"});
  // A value echoed in a message is cut to 40 characters.
  const std::string long_value(100000, '7');
  const std::string path = write_file("echo.json", R"({"width":")" + long_value + R"(","height":1,"fx":1,"fy":1,"cx":0,"cy":0})");
  try {
    io::read_camera(path);
    ADD_FAILURE() << "expected InputError";
  } catch (const io::InputError& e) {
    EXPECT_LT(std::string(e.what()).size(), path.size() + 100) << e.what();
    EXPECT_NE(std::string(e.what()).find(std::string(39, '7') + "...'"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
  expect_quick_camera_error("echo_syntax.json", "{\"width\": t" + std::string(100000, 'r') + "}", {"not valid JSON"});
  expect_quick_camera_error("echo.yml", kYamlHeader + "camera_matrix: {rows: 1, cols: 1, dt: d, data: [" +
                                            long_value + "x]}\n", {"non-number: '" + std::string(40, '7') + "...'"});
}

// Files written by OpenCV's own FileStorage read back to the camera they hold.
TEST(CameraIoCompat, OpenCvWrittenFilesReadBack) {
  const cv::Mat kf = (cv::Mat_<float>(3, 3) << 700.1f, 0, 401.3f, 0, 702.7f, 299.9f, 0, 0, 1);
  const cv::Mat df = (cv::Mat_<float>(5, 1) << -0.21f, 0.13f, 1e-3f, -2e-3f, 0.031f);
  const cv::Mat dd = (cv::Mat_<double>(1, 8) << -0.2, 0.1, 1e-3, -2e-3, 1.0 / 3, 0.01, 0.02, 0.03);
  cv::Mat t = cv::Mat::eye(4, 4, CV_64F);
  const Eigen::Matrix3d r = Eigen::AngleAxisd(0.3, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) t.at<double>(i, j) = r(i, j);
  t.at<double>(0, 3) = 0.1;
  t.at<double>(2, 3) = -1.0 / 7;
  cv::Mat tf;
  t.convertTo(tf, CV_32F);
  const auto expected = [](const cv::Mat& k, const cv::Mat& d, const cv::Mat& pose) {
    cv::Mat k64, d64, t64;
    k.convertTo(k64, CV_64F);
    Camera c = intrinsics(800, 600, k64.at<double>(0, 0), k64.at<double>(1, 1), k64.at<double>(0, 2), k64.at<double>(1, 2));
    if (!d.empty()) {
      d.reshape(1, 1).convertTo(d64, CV_64F);
      c.distortion.assign(d64.begin<double>(), d64.end<double>());
    }
    if (!pose.empty()) {
      pose.convertTo(t64, CV_64F);
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) c.cam_from_world(i, j) = t64.at<double>(i, j);
    }
    return c;
  };
  struct Case {
    const char* name;
    cv::Mat k, d, t;
  };
  const std::vector<Case> cases = {
      {"double", kK, {}, {}},         {"double_d", kK, dd, {}},     {"double_d_t", kK, dd, t},
      {"float", kf, {}, {}},          {"float_d", kf, df, {}},      {"float_d_t", kf, df, tf},
      {"mixed", kf, dd, t},
  };
  for (const Case& c : cases)
    for (const std::string ext : {".yml", ".xml", ".yaml"}) {
      SCOPED_TRACE(c.name + ext);
      const std::string path = write_opencv(c.name + ext, c.k, c.d, c.t);
      expect_same_camera(io::read_camera(path), expected(c.k, c.d, c.t));
      std::remove(path.c_str());
    }
}

TEST(CameraIoCompat, FlowStyleAndRosStyleYaml) {
  const std::string flow = write_file("flow.yml", R"(%YAML:1.0
image_width: 640
image_height: 480
camera_matrix: !!opencv-matrix {rows: 3, cols: 3, dt: d, data: [500, 0, 320.5, 0, 501, 240.25, 0, 0, 1]}
distortion_coefficients: !!opencv-matrix
  rows: 4
  cols: 1
  dt: f
  data:
    - 0.1
    - -0.2
    - 0
    - 0.003
)");
  Camera expected = intrinsics(640, 480, 500, 501, 320.5, 240.25);
  expected.distortion = {static_cast<double>(0.1f), static_cast<double>(-0.2f), 0, static_cast<double>(0.003f)};
  expect_same_camera(io::read_camera(flow), expected);
  std::remove(flow.c_str());

  // ROS camera_info files: the same keys, matrices without dt or tag.
  const std::string ros = write_file("ros.yaml", R"(image_width: 640
image_height: 480
camera_name: narrow_stereo
camera_matrix:
  rows: 3
  cols: 3
  data: [500, 0, 320.5, 0, 501, 240.25, 0, 0, 1]
distortion_model: plumb_bob
distortion_coefficients:
  rows: 1
  cols: 5
  data: [0.1, -0.2, 0, 0.003, 0]
)");
  expected.distortion = {0.1, -0.2, 0, 0.003, 0};
  expect_same_camera(io::read_camera(ros), expected);
  std::remove(ros.c_str());
}

TEST(CameraIoCompat, SpecialValuesAreNamed) {
  expect_camera_error("inf.yml",
                      kYamlHeader + "camera_matrix: {rows: 3, cols: 3, dt: d, data: [.Inf, 0, 1, 0, 1, 1, 0, 0, 1]}\n",
                      {"fx must be positive and finite", "inf"});
  expect_camera_error("nan.xml",
                      "<opencv_storage><image_width>640</image_width><image_height>480</image_height>"
                      "<camera_matrix><rows>3</rows><cols>3</cols><dt>d</dt>"
                      "<data>1 0 1 0 1 1 0 0 1</data></camera_matrix>"
                      "<distortion_coefficients><rows>1</rows><cols>4</cols><dt>d</dt>"
                      "<data>0 .Nan 0 0</data></distortion_coefficients></opencv_storage>",
                      {"distortion holds a non-finite value"});
  expect_camera_error("range.yml",
                      kYamlHeader + "camera_matrix: {rows: 3, cols: 3, dt: d, data: [1e999, 0, 1, 0, 1, 1, 0, 0, 1]}\n",
                      {"out of range", "'1e999'"});
  expect_camera_error("root.xml", "<other><image_width>640</image_width></other>", {"<opencv_storage>"});
  expect_camera_error("list.yml", "- 1\n- 2\n", {"expected a map"});
}
