// The static background model (tracker/background.hpp, --masks bgsub):
// what it calls background and moving on a noisy static scene with a
// moving square, that what is kept out of the learning stays unknown (a
// standing object does not fade in, as it does when it is learnt), and its
// per-pixel statistics against a running Gaussian written out here.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "splattrack/tracker/background.hpp"

using namespace splattrack;

namespace {

constexpr int kW = 48, kH = 32;

// A static textured scene with sensor noise, and a square of side 8 (a
// colour unlike the scene's) at `left`, `top` when left >= 0.
struct Scene {
  std::vector<float> texture = std::vector<float>(3 * kW * kH);
  std::mt19937 rng{11};
  Scene() {
    std::uniform_real_distribution<float> u(0.2f, 0.8f);
    for (float& v : texture) v = u(rng);
  }
  FrameImage frame(int left, int top, float noise = 0.005f) {
    std::normal_distribution<float> n(0.f, noise);
    FrameImage f;
    f.width = kW;
    f.height = kH;
    f.rgb = texture;
    for (float& v : f.rgb) v += n(rng);
    if (left >= 0)
      for (int y = top; y < top + 8; ++y)
        for (int x = left; x < left + 8; ++x)
          for (std::size_t c = 0; c < 3; ++c) f.rgb[3 * static_cast<std::size_t>(y * kW + x) + c] = c == 0 ? 1.f : 0.f;
    return f;
  }
};

std::vector<unsigned char> square_mask(int left, int top, int grow) {
  std::vector<unsigned char> m(kW * kH, 0);
  for (int y = std::max(top - grow, 0); y < std::min(top + 8 + grow, kH); ++y)
    for (int x = std::max(left - grow, 0); x < std::min(left + 8 + grow, kW); ++x)
      m[static_cast<std::size_t>(y * kW + x)] = 1;
  return m;
}

}  // namespace

TEST(StaticBackground, TellsAMovingSquareFromTheNoisyScene) {
  Scene scene;
  StaticBackground bg;
  EXPECT_FALSE(bg.ready());
  // The square moves right 2 px a frame; each frame is learnt with it kept out.
  for (int f = 0; f < 12; ++f) bg.learn(scene.frame(2 * f, 4).view(), square_mask(2 * f, 4, 2));
  ASSERT_TRUE(bg.ready());
  // Now the square stands where the scene has been seen (it has moved on).
  const FrameImage now = scene.frame(4, 20);
  const std::vector<float> p = bg.moving(now.view());
  const std::vector<unsigned char> square = square_mask(4, 20, 0);
  int wrong_background = 0, background = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (square[i]) {
      EXPECT_EQ(p[i], 1.f) << "square pixel " << i;
    } else {
      ++background;
      wrong_background += p[i] > 0.f;
    }
  }
  // 3 sigma RMS over three channels: about 1 pixel in 10^4 of pure noise.
  EXPECT_LE(wrong_background, background / 200);
}

TEST(StaticBackground, WhatIsKeptOutStaysUnknownAndAStandingObjectDoesNotFadeIn) {
  Scene scene;
  StaticBackground kept, learnt_everywhere;
  for (int f = 0; f < 100; ++f) {
    const FrameImage frame = scene.frame(20, 10);
    kept.learn(frame.view(), square_mask(20, 10, 1));
    learnt_everywhere.learn(frame.view(), {});
  }
  const FrameImage frame = scene.frame(20, 10);
  const std::vector<float> p = kept.moving(frame.view()), q = learnt_everywhere.moving(frame.view());
  const std::vector<unsigned char> square = square_mask(20, 10, 1);
  int faded = 0, squares = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!square[i]) continue;
    ++squares;
    EXPECT_EQ(p[i], 1.f) << "never seen: " << i;
    faded += q[i] == 0.f;
  }
  EXPECT_EQ(faded, squares);  // why the tracked object must be kept out
}

TEST(StaticBackground, FollowsARunningGaussianPerPixel) {
  // Reference, written out for one pixel: a running mean (weight 1 / n) until
  // the learning rate is larger, then an exponential window; the variance
  // likewise of |x - mean|² / 3 before the mean moves, floored; moving is
  // linear in RMS sigmas from kStaticBelow to kMovingAt. Frames stay within
  // 0.5 moving so that the full rate applies.
  using namespace background_defaults;
  std::mt19937 rng(4);
  std::normal_distribution<float> n(0.f, 0.02f);
  StaticBackground bg;
  double mean[3] = {0, 0, 0}, var = kInitialSigma * kInitialSigma;
  const float base[3] = {0.3f, 0.5f, 0.7f};
  for (int f = 0; f < 60; ++f) {
    FrameImage im;
    im.width = im.height = 1;
    im.rgb = {base[0] + n(rng), base[1] + n(rng), base[2] + n(rng)};
    const std::vector<float> p = bg.moving(im.view());
    if (f > 0) {
      double d2 = 0;
      for (std::size_t c = 0; c < 3; ++c) d2 += (im.rgb[c] - mean[c]) * (im.rgb[c] - mean[c]);
      const double sigmas = std::sqrt(d2 / (3 * var));
      EXPECT_NEAR(p[0], std::clamp((sigmas - kStaticBelow) / (kMovingAt - kStaticBelow), 0.0, 1.0), 1e-4)
          << "frame " << f;
      ASSERT_LT(p[0], 0.5f) << "frame " << f;
    } else {
      EXPECT_EQ(p[0], 1.f);
    }
    bg.learn(im.view(), {});
    if (f == 0) {
      for (std::size_t c = 0; c < 3; ++c) mean[c] = im.rgb[c];
      continue;
    }
    const double rate = std::max(1.0 / (f + 1), static_cast<double>(kLearningRate));
    double d2 = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      const double d = im.rgb[c] - mean[c];
      mean[c] += rate * d;
      d2 += d * d;
    }
    var = std::max((1 - rate) * var + rate * d2 / 3, static_cast<double>(kMinSigma * kMinSigma));
  }
}

TEST(StaticBackground, AFrameOfAnotherSizeKnowsNothingAndStartsAgain) {
  Scene scene;
  StaticBackground bg;
  bg.learn(scene.frame(-1, 0).view(), {});
  FrameImage other;
  other.width = 10;
  other.height = 7;
  other.rgb.assign(3 * 70, 0.5f);
  for (const float p : bg.moving(other.view())) EXPECT_EQ(p, 1.f);
  bg.learn(other.view(), {});
  for (const float p : bg.moving(other.view())) EXPECT_EQ(p, 0.f);
  bg.clear();
  EXPECT_FALSE(bg.ready());
}

// moving_in computes only the frame pixels a window covers: the same as the
// whole frame's map resampled into the window (windows inside the frame,
// across its edge, and of a frame of another size).
TEST(StaticBackground, AWindowsMapIsTheWholeFramesResampled) {
  Scene scene;
  StaticBackground bg;
  for (int f = 0; f < 6; ++f) bg.learn(scene.frame(2 * f, 4).view(), square_mask(2 * f, 4, 2));
  const FrameImage now = scene.frame(30, 12);
  const std::vector<float> whole = bg.moving(now.view());
  for (const ObservationWindow& w : {ObservationWindow{10.3, 5.7, 0.61, 20, 20, false},
                                     ObservationWindow{-6.2, 20.5, 1.37, 16, 16, false},
                                     ObservationWindow{0, 0, 2.0, 24, 16, true}}) {
    const std::vector<float> expected = resample_plane(whole.data(), kW, kH, w);
    const std::vector<float> got = bg.moving_in(now.view(), w);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t p = 0; p < got.size(); ++p) EXPECT_FLOAT_EQ(got[p], expected[p]) << "pixel " << p;
  }
  FrameImage other;
  other.width = 10;
  other.height = 7;
  other.rgb.assign(3 * 70, 0.5f);
  for (const float p : bg.moving_in(other.view(), ObservationWindow{0, 0, 1, 10, 7, false})) EXPECT_EQ(p, 1.f);
}
