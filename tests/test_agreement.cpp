// The render's own colours as evidence for the foreground (agreement.hpp):
// the odds' shape, the weighing of a window's probabilities, and which
// disagreeing regions count as hidden, against expectations written here.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "splattrack/tracker/agreement.hpp"

namespace splattrack {
namespace {

constexpr int kW = 64, kH = 64;

// A disc of radius 20 about (32, 32) striped every 4 px in red / green, the
// render's prediction; the frame shows the same stripes over grey.
struct Scene {
  std::vector<float> expected = std::vector<float>(3 * kW * kH, -1.f);
  std::vector<float> frame = std::vector<float>(3 * kW * kH, 0.5f);

  static bool in_disc(int x, int y) { return (x - 32) * (x - 32) + (y - 32) * (y - 32) <= 20 * 20; }
  static std::array<float, 3> stripe(int x) {
    return (x / 4) % 2 ? std::array{0.9f, 0.1f, 0.1f} : std::array{0.1f, 0.8f, 0.1f};
  }

  // The object drawn in the frame `shift` pixels to the right of the
  // prediction.
  explicit Scene(int shift = 0) {
    for (int y = 0; y < kH; ++y)
      for (int x = 0; x < kW; ++x) {
        const std::size_t p = static_cast<std::size_t>(y * kW + x);
        if (in_disc(x, y))
          for (std::size_t c = 0; c < 3; ++c) expected[3 * p + c] = stripe(x)[c];
        if (in_disc(x - shift, y))
          for (std::size_t c = 0; c < 3; ++c) frame[3 * p + c] = stripe(x - shift)[c];
      }
  }
  std::vector<float> distances() const { return agreement_distances(frame.data(), expected, kW, kH); }
  void paint(int x0, int x1, int y0, int y1, std::array<float, 3> colour) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x)
        for (std::size_t c = 0; c < 3; ++c) frame[3 * static_cast<std::size_t>(y * kW + x) + c] = colour[c];
  }
};

std::size_t at(int x, int y) { return static_cast<std::size_t>(y * kW + x); }

TEST(Agreement, OddsAreBoundedAndNeutralAtTheNeutralDistance) {
  using agreement_defaults::kMaxOdds;
  using agreement_defaults::kNeutralDistance;
  EXPECT_NEAR(agreement_odds(0.f), kMaxOdds, 1e-4f * kMaxOdds);
  EXPECT_NEAR(agreement_odds(kNeutralDistance), 1.f, 1e-5f);
  EXPECT_NEAR(agreement_odds(std::sqrt(2.f) * kNeutralDistance), 1.f / kMaxOdds, 1e-5f);
  EXPECT_NEAR(agreement_odds(1.f), 1.f / kMaxOdds, 1e-6f);
  float last = agreement_odds(0.f);
  for (float d = 0.01f; d < 0.5f; d += 0.01f) {
    EXPECT_LE(agreement_odds(d), last) << d;
    last = agreement_odds(d);
  }
}

TEST(Agreement, ExpectedColoursUndoTheBackgroundAndApplyTheCorrection) {
  RenderImage img;
  img.width = 2;
  img.height = 1;
  // Pixel 0: colour (0.4, 0.2, 0.6) at alpha 0.8 over background (0.5, 0.5, 0.5); pixel 1: alpha 0.3.
  img.alpha = {0.8f, 0.3f};
  img.rgb = {0.8f * 0.4f + 0.2f * 0.5f, 0.8f * 0.2f + 0.2f * 0.5f, 0.8f * 0.6f + 0.2f * 0.5f, 0.3f, 0.3f, 0.3f};
  ColourCorrection correction;
  correction.gain = {1.5f, 1.f, 0.5f};
  correction.offset = {0.f, 0.1f, -0.05f};
  const std::vector<float> e = expected_colours(img, {0.5f, 0.5f, 0.5f}, correction);
  ASSERT_EQ(e.size(), 6u);
  EXPECT_NEAR(e[0], 1.5f * 0.4f, 1e-6f);
  EXPECT_NEAR(e[1], 0.2f + 0.1f, 1e-6f);
  EXPECT_NEAR(e[2], 0.5f * 0.6f - 0.05f, 1e-6f);
  EXPECT_EQ(e[3], -1.f);  // too transparent to predict the object's colour
}

TEST(Agreement, WeighsOnlyInsideThePredictionAndToleratesAPixelOfShift) {
  Scene scene(1);  // the frame's stripes one pixel right of the prediction
  scene.paint(36, 44, 28, 36, {0.2f, 0.2f, 0.9f});  // something blue in front, inside the disc
  std::vector<float> p(kW * kH, 0.5f);
  weigh_by_agreement(p, scene.distances());
  const float agree = agreement_defaults::kMaxOdds / (agreement_defaults::kMaxOdds + 1);
  // A stripe edge a pixel off still agrees with a neighbour's prediction.
  EXPECT_NEAR(p[at(24, 32)], agree, 1e-4f);
  EXPECT_NEAR(p[at(28, 32)], agree, 1e-4f);
  EXPECT_NEAR(p[at(40, 32)], 1 - agree, 1e-4f);  // the blue patch
  EXPECT_EQ(p[at(2, 2)], 0.5f);                  // no prediction: unchanged
  // Nothing predicted: nothing changes.
  std::vector<float> q(kW * kH, 0.3f);
  weigh_by_agreement(q, agreement_distances(scene.frame.data(), {}, kW, kH));
  for (float v : q) ASSERT_EQ(v, 0.3f);
}

TEST(Agreement, AnOccluderIsHiddenUpToTheEdgeAndAShiftedPoseIsNot) {
  // A blue patch covering the disc's right side beyond its edge: hidden,
  // its part in the edge band too (connected to the part deep inside).
  Scene occluded;
  occluded.paint(40, 64, 20, 44, {0.2f, 0.2f, 0.9f});
  const std::vector<float> hidden = occluded_by_disagreement(occluded.distances(), kW, kH, 3);
  ASSERT_EQ(hidden.size(), static_cast<std::size_t>(kW * kH));
  EXPECT_EQ(hidden[at(44, 32)], 1.f);
  EXPECT_EQ(hidden[at(51, 32)], 1.f);  // one pixel inside the disc's edge
  EXPECT_EQ(hidden[at(56, 32)], 0.f);  // outside the prediction
  EXPECT_EQ(hidden[at(30, 32)], 0.f);  // the visible stripes
  // The object drawn 3 px right of the prediction: disagreement only in a
  // band along the edge, never 3 px inside: nothing hidden.
  Scene shifted(3);
  const std::vector<float> none = occluded_by_disagreement(shifted.distances(), kW, kH, 3);
  double count = 0;
  for (float v : none) count += v;
  EXPECT_EQ(count, 0);
  EXPECT_TRUE(occluded_by_disagreement(agreement_distances(shifted.frame.data(), {}, kW, kH), kW, kH, 3).empty());
}

}  // namespace
}  // namespace splattrack
