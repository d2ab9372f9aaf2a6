// Frames of a camera with lens distortion made pinhole (io/undistort.hpp):
// an ideal pinhole image, recorded through a barrel lens (the distortion
// written out in distortion_test_util.hpp) into an RGBA PNG, comes back as
// the ideal image, its alpha (the frame's mask) too.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <vector>

#include "distortion_test_util.hpp"
#include "io_test_util.hpp"
#include "splattrack/io/undistort.hpp"

namespace splattrack {
namespace {

Camera lens_camera() {
  Camera camera;
  camera.width = 200;
  camera.height = 150;
  camera.fx = camera.fy = 180;
  camera.cx = 101.5;
  camera.cy = 73.0;
  camera.distortion = {-0.25, 0.08, 0.001, -0.0015, 0.01};
  return camera;
}

// A smooth pattern over the pinhole image (BGRA floats), a disc as alpha.
cv::Mat ideal_image(const Camera& camera) {
  cv::Mat image(camera.height, camera.width, CV_32FC4);
  for (int v = 0; v < camera.height; ++v)
    for (int u = 0; u < camera.width; ++u) {
      const double x = (u - camera.cx) / camera.fx, y = (v - camera.cy) / camera.fy;
      const double a = 0.5 + 0.4 * std::sin(40 * x) * std::cos(30 * y);
      const double disc = std::hypot(x + 0.1, y - 0.05) < 0.3 ? 1.0 : 0.0;
      image.at<cv::Vec4f>(v, u) = cv::Vec4f(static_cast<float>(0.3 + 0.2 * y), static_cast<float>(1 - a),
                                            static_cast<float>(a), static_cast<float>(disc));
    }
  return image;
}

// Mean absolute difference of RGB and of alpha between `frame` and `ideal`
// (BGRA) over the pixels more than `margin` from the image's edge.
std::pair<double, double> differences(const io::Frame& frame, const cv::Mat& ideal, int margin) {
  double rgb = 0, alpha = 0;
  int n = 0;
  for (int v = margin; v < ideal.rows - margin; ++v)
    for (int u = margin; u < ideal.cols - margin; ++u) {
      const std::size_t p = static_cast<std::size_t>(v) * static_cast<std::size_t>(ideal.cols) +
                            static_cast<std::size_t>(u);
      const cv::Vec4f& want = ideal.at<cv::Vec4f>(v, u);
      for (int c = 0; c < 3; ++c) rgb += std::abs(frame.rgb[3 * p + static_cast<std::size_t>(c)] - want[2 - c]);
      alpha += std::abs(frame.mask[p] - want[3]);
      ++n;
    }
  return {rgb / (3.0 * n), alpha / n};
}

TEST(Undistort, AFrameThroughALensComesBackPinhole) {
  const Camera camera = lens_camera();
  ASSERT_TRUE(io::has_distortion(camera));
  EXPECT_FALSE(io::has_distortion(io::pinhole(camera)));
  const cv::Mat ideal = ideal_image(camera);
  cv::Mat recorded8;
  test::record_with_distortion(ideal, camera).convertTo(recorded8, CV_8UC4, 255.0, 0.5);
  const std::string path = test::scratch_path("recorded.png");
  ASSERT_TRUE(cv::imwrite(path, recorded8));

  io::VideoOptions options;
  options.expected_width = camera.width;
  options.expected_height = camera.height;
  io::Frame as_recorded, made_pinhole;
  ASSERT_EQ(io::open_frames(path, options)->next(as_recorded), io::FrameStatus::ok);
  const auto source = io::undistorted(io::open_frames(path, options), camera);
  ASSERT_EQ(source->next(made_pinhole), io::FrameStatus::ok);
  ASSERT_EQ(made_pinhole.rgb.size(), as_recorded.rgb.size());
  ASSERT_EQ(made_pinhole.mask.size(), as_recorded.mask.size());
  EXPECT_EQ(source->next(made_pinhole), io::FrameStatus::end);

  // The lens moves the image's rim by up to ~10 px: the recording's outer
  // 12 px, whose rays fall outside the ideal image (black there), are left
  // out.
  const auto [rgb_before, alpha_before] = differences(as_recorded, ideal, 12);
  const auto [rgb_after, alpha_after] = differences(made_pinhole, ideal, 12);
  // Measured: 0.053 and 0.022 as recorded, 0.0025 and 0.0064 made pinhole
  // (8-bit rounding and two bilinear resamplings; the disc's edge).
  EXPECT_GT(rgb_before, 0.03);
  EXPECT_GT(alpha_before, 0.015);
  EXPECT_LT(rgb_after, 0.006);
  EXPECT_LT(alpha_after, 0.01);
}

// The other way (`render` with a lens camera): a pinhole image bent as the
// lens bends it matches the recording written out in the test.
TEST(Undistort, APinholeImageBentAsTheLensRecordsIt) {
  const Camera camera = lens_camera();
  const cv::Mat ideal = ideal_image(camera);
  const cv::Mat recorded = test::record_with_distortion(ideal, camera);
  std::vector<float> rgb, alpha;
  for (int v = 0; v < ideal.rows; ++v)
    for (int u = 0; u < ideal.cols; ++u) {
      const cv::Vec4f& p = ideal.at<cv::Vec4f>(v, u);
      rgb.insert(rgb.end(), {p[2], p[1], p[0]});
      alpha.push_back(p[3]);
    }
  io::distort_images({{&rgb, 3, {}}, {&alpha, 1, {}}}, camera);
  double rgb_error = 0, alpha_error = 0;
  int n = 0;
  for (int v = 12; v < ideal.rows - 12; ++v)
    for (int u = 12; u < ideal.cols - 12; ++u) {
      const std::size_t p = static_cast<std::size_t>(v * ideal.cols + u);
      const cv::Vec4f& want = recorded.at<cv::Vec4f>(v, u);
      for (int c = 0; c < 3; ++c) rgb_error += std::abs(rgb[3 * p + static_cast<std::size_t>(c)] - want[2 - c]);
      alpha_error += std::abs(alpha[p] - want[3]);
      ++n;
    }
  EXPECT_LT(rgb_error / (3.0 * n), 0.003);
  EXPECT_LT(alpha_error / n, 0.005);
}

// Where the pinhole image does not reach (a barrel lens's rim), each image
// takes its own value: a render's background, not black.
TEST(Undistort, TheRimTakesEachImagesOwnOutsideValue) {
  const Camera camera = lens_camera();
  const std::size_t n = static_cast<std::size_t>(camera.width) * static_cast<std::size_t>(camera.height);
  std::vector<float> grey(3 * n, 0.7f), alpha(n, 1.f);
  io::distort_images({{&grey, 3, {0.7f, 0.7f, 0.7f, 0}}, {&alpha, 1, {}}}, camera);
  for (const float v : grey) ASSERT_NEAR(v, 0.7f, 1e-6f);
  EXPECT_EQ(alpha[0], 0.f);  // the corner: outside the pinhole image
  EXPECT_EQ(alpha[n / 2 + static_cast<std::size_t>(camera.width) / 2], 1.f);
}

}  // namespace
}  // namespace splattrack
