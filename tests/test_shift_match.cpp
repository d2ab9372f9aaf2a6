// The texture's shift match (tracker/shift_match.hpp) against shifts made in
// the test, and the real cube started 2 cm off (../shared/data; skipped when
// absent), which the first frame's alignment left 15-33 mm off before the
// start was matched.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "real_cube_test_util.hpp"
#include "splattrack/tracker/shift_match.hpp"

namespace splattrack {
namespace {

constexpr int kSize = 96;

// A random texture [H, W, 3] box-blurred over 5 x 5 (features a few pixels
// wide).
std::vector<float> texture(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float> noise(3 * kSize * kSize), out(noise.size(), 0.f);
  for (float& v : noise) v = u(rng);
  for (int y = 0; y < kSize; ++y)
    for (int x = 0; x < kSize; ++x)
      for (int c = 0; c < 3; ++c) {
        float sum = 0;
        int n = 0;
        for (int yy = std::max(0, y - 2); yy <= std::min(kSize - 1, y + 2); ++yy)
          for (int xx = std::max(0, x - 2); xx <= std::min(kSize - 1, x + 2); ++xx, ++n)
            sum += noise[static_cast<std::size_t>(3 * (yy * kSize + xx) + c)];
        out[static_cast<std::size_t>(3 * (y * kSize + x) + c)] = sum / static_cast<float>(n);
      }
  return out;
}

// A 40-px square silhouette about (cx, cy), and the render's colours there:
// the frame's texture at p + (dx, dy), under another gain and offset per
// channel (a render p shows what the frame shows at p + shift).
struct Render {
  std::vector<float> rgb, alpha;
  Render(const std::vector<float>& frame, int cx, int cy, int dx, int dy)
      : rgb(3 * kSize * kSize, 0.f), alpha(kSize * kSize, 0.f) {
    for (int y = cy - 20; y < cy + 20; ++y)
      for (int x = cx - 20; x < cx + 20; ++x) {
        const auto p = static_cast<std::size_t>(y * kSize + x);
        const auto q = static_cast<std::size_t>((y + dy) * kSize + (x + dx));
        alpha[p] = 1.f;
        for (std::size_t c = 0; c < 3; ++c) rgb[3 * p + c] = 0.6f * frame[3 * q + c] + 0.1f * static_cast<float>(c);
      }
  }
};

TEST(ShiftMatch, FindsTheShiftUnderAnotherLightingOnTheGridAndOff) {
  const std::vector<float> frame = texture(1);
  for (const auto& [dx, dy] : {std::pair{7, -5}, std::pair{-11, 13}, std::pair{0, 0}, std::pair{4, 1}}) {
    const Render r(frame, 48, 48, dx, dy);
    for (int stride : {1, 3, 4}) {
      const ShiftMatch m = best_shift(frame.data(), r.rgb.data(), r.alpha.data(), kSize, kSize, 16, stride);
      EXPECT_EQ(m.dx, dx) << "stride " << stride;
      EXPECT_EQ(m.dy, dy) << "stride " << stride;
      EXPECT_GT(m.score, 0.999);
    }
  }
}

TEST(ShiftMatch, StaysWithinItsRangeAndNeedsTexture) {
  const std::vector<float> frame = texture(2);
  // 12 px off, searched within 8: some shift, never the true one.
  const Render far(frame, 48, 48, 12, 0);
  const ShiftMatch m = best_shift(frame.data(), far.rgb.data(), far.alpha.data(), kSize, kSize, 8, 1);
  EXPECT_LE(std::abs(m.dx), 8);
  EXPECT_LE(std::abs(m.dy), 8);
  EXPECT_LT(m.score, 0.5);
  // A plain render has nothing to match.
  Render plain(frame, 48, 48, 0, 0);
  std::fill(plain.rgb.begin(), plain.rgb.end(), 0.4f);
  EXPECT_EQ(best_shift(frame.data(), plain.rgb.data(), plain.alpha.data(), kSize, kSize, 8, 1).score, -1);
}

TEST(ShiftMatch, PixelsShiftedOutOfTheWindowAreLeftOut) {
  const std::vector<float> frame = texture(3);
  // The square spans x 8..47; its left 4 columns show what lies 12 px to
  // their left, outside the window (grey here). Those pixels are not
  // compared: the shift is found and correlates fully.
  Render r(frame, 48, 48, 0, 0);
  std::fill(r.rgb.begin(), r.rgb.end(), 0.f);
  std::fill(r.alpha.begin(), r.alpha.end(), 0.f);
  for (int y = 28; y < 68; ++y)
    for (int x = 8; x < 48; ++x) {
      const auto p = static_cast<std::size_t>(y * kSize + x);
      r.alpha[p] = 1.f;
      for (std::size_t c = 0; c < 3; ++c)
        r.rgb[3 * p + c] = x - 12 < 0 ? 0.5f : frame[3 * static_cast<std::size_t>(y * kSize + x - 12) + c];
    }
  const ShiftMatch m = best_shift(frame.data(), r.rgb.data(), r.alpha.data(), kSize, kSize, 16, 2);
  EXPECT_EQ(m.dx, -12);
  EXPECT_EQ(m.dy, 0);
  EXPECT_GT(m.score, 0.999);
}

// Frame 0 of the real cube from its given pose moved 2 cm across the view,
// without recovery: the colour model learnt at such a start took the desk
// and the mug for the cube, and the alignment ended 15-33 mm and 5-19° off
// (3 directions); matched first, 1.4-2.7 mm and 1.2-2.1°. From the given
// pose itself the start stays where it is (the match gains too little).
TEST(ShiftMatch, TheRealCubeStartedTwoCentimetresOffIsFound) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  test::RealCube cube;
  io::Frame frame0;
  ASSERT_EQ(cube.frames->next(frame0), io::FrameStatus::ok);
  // Across the view (camera x and y; the camera is the world here) and in
  // depth, 2 cm each way.
  for (const Eigen::Vector3d& offset : {Eigen::Vector3d(0.02, 0, 0), Eigen::Vector3d(-0.012, 0.016, 0),
                                        Eigen::Vector3d(0.01, -0.012, 0.013)}) {
    RigidPose off = cube.given;
    off.translation += offset;
    // The shift alone (the texture features after it solve a pose whose tilt
    // is loose: test_feature_start.cpp).
    TrackerOptions options = test::first_frame_options();
    options.first_frame_features = false;
    RigidTracker tracker(cube.model, cube.camera, options);
    const FrameResult r = tracker.initialize(frame0.view(), off);
    EXPECT_LT(1000 * translation_error(r.pose, cube.given), 6) << offset.transpose();
    EXPECT_LT(rotation_error_deg(r.pose, cube.given), 3) << offset.transpose();
  }
  TrackerOptions unmatched = test::first_frame_options();
  unmatched.first_frame_shift_match = false;
  RigidTracker matched(cube.model, cube.camera, test::first_frame_options()), plain(cube.model, cube.camera, unmatched);
  const RigidPose a = matched.initialize(frame0.view(), cube.given).pose;
  const RigidPose b = plain.initialize(frame0.view(), cube.given).pose;
  EXPECT_EQ(a.translation, b.translation);
  EXPECT_TRUE(a.rotation.coeffs() == b.rotation.coeffs());
}

}  // namespace
}  // namespace splattrack
