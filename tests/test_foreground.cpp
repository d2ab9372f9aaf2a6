// The colour foreground model: what it learns from a silhouette, how the
// posterior separates the object's colours from the surroundings', and how
// later frames blend in.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "splattrack/tracker/foreground.hpp"

using namespace splattrack;

namespace {

// A window of n pixels: the first `inside` are the object (colour a), the
// rest background (colour b); alpha 1 / 0 accordingly.
struct Window {
  std::vector<float> rgb, alpha;
  Window(std::size_t n, std::size_t inside, std::array<float, 3> a, std::array<float, 3> b) {
    for (std::size_t p = 0; p < n; ++p) {
      const auto& c = p < inside ? a : b;
      rgb.insert(rgb.end(), c.begin(), c.end());
      alpha.push_back(p < inside ? 1.f : 0.f);
    }
  }
};

}  // namespace

TEST(ColourForeground, SeparatesTheObjectsColoursFromTheSurroundings) {
  ColourForeground fg;
  std::vector<float> p;
  const std::vector<float> red{0.9f, 0.1f, 0.1f}, green{0.1f, 0.8f, 0.1f}, blue{0.1f, 0.1f, 0.9f};
  fg.probability(red.data(), 1, p);
  EXPECT_EQ(p[0], 0.5f);  // nothing learnt yet
  EXPECT_FALSE(fg.ready());
  const Window w(100, 40, {0.9f, 0.1f, 0.1f}, {0.1f, 0.8f, 0.1f});
  fg.learn(w.rgb.data(), w.alpha.data(), nullptr, 100, 1, 0.2);
  ASSERT_TRUE(fg.ready());
  fg.probability(red.data(), 1, p);
  EXPECT_EQ(p[0], 1.f);
  fg.probability(green.data(), 1, p);
  EXPECT_EQ(p[0], 0.f);
  fg.probability(blue.data(), 1, p);
  EXPECT_EQ(p[0], 0.5f);  // a colour neither model has seen

  // Pixels within the margins of the silhouette's edge teach neither model.
  Window edged(100, 40, {0.9f, 0.1f, 0.1f}, {0.1f, 0.8f, 0.1f});
  for (std::size_t q = 40 - object_edge_margin(40); q < 40 + foreground_defaults::kEdgeMargin; ++q)
    for (std::size_t c = 0; c < 3; ++c) edged.rgb[3 * q + c] = blue[c];
  ColourForeground margin;
  margin.learn(edged.rgb.data(), edged.alpha.data(), nullptr, 100, 1, 1.0);
  margin.probability(blue.data(), 1, p);
  EXPECT_EQ(p[0], 0.5f);
}

// The object's margin scales with the silhouette's side: a small object's
// rim teaches the object model (a fixed 3 px left a third of a 50-px
// silhouette out, and the estimate eroded there), a large one keeps 3 px.
TEST(ColourForeground, TheObjectsMarginScalesWithItsSize) {
  EXPECT_EQ(object_edge_margin(0), 1);
  EXPECT_EQ(object_edge_margin(50.0 * 50.0), 1);
  EXPECT_EQ(object_edge_margin(70.0 * 70.0), 2);
  EXPECT_EQ(object_edge_margin(120.0 * 120.0), foreground_defaults::kEdgeMargin);
  EXPECT_EQ(object_edge_margin(1e6), foreground_defaults::kEdgeMargin);
  // A square object, red with a blue rim 2 px wide, over green.
  const auto learnt_rim = [](int side) {
    const int w = side + 40;
    std::vector<float> rgb, alpha;
    for (int y = 0; y < w; ++y)
      for (int x = 0; x < w; ++x) {
        const int d = std::min({x - 20, y - 20, side + 19 - x, side + 19 - y});  // pixels inside the edge, 0 first
        const bool inside = d >= 0;
        const std::array<float, 3> c = !inside ? std::array{0.1f, 0.8f, 0.1f}
                                       : d < 2 ? std::array{0.1f, 0.1f, 0.9f}
                                               : std::array{0.9f, 0.1f, 0.1f};
        rgb.insert(rgb.end(), c.begin(), c.end());
        alpha.push_back(inside ? 1.f : 0.f);
      }
    ColourForeground fg;
    fg.learn(rgb.data(), alpha.data(), nullptr, w, w, 1.0);
    const std::vector<float> blue{0.1f, 0.1f, 0.9f};
    std::vector<float> p;
    fg.probability(blue.data(), 1, p);
    return p[0];
  };
  EXPECT_EQ(learnt_rim(50), 1.f);     // margin 1: the rim's inner pixel row is object
  EXPECT_EQ(learnt_rim(160), 0.5f);  // margin 3: the rim taught nothing
}

TEST(ColourForeground, SharedColoursAndBlendingFollowTheCounts) {
  // Object: red, then grey from pixel 50; background: all grey. Object pixels
  // are those the object's margin inside the edge at 100: 50 red, 50 − margin
  // grey. P(grey) = h_o / (h_o + h_b) with h_b(grey) = 1.
  const int m = object_edge_margin(100);
  const double grey_share = (50.0 - m) / (100.0 - m);
  ColourForeground fg;
  Window w(200, 100, {0.9f, 0.1f, 0.1f}, {0.5f, 0.5f, 0.5f});
  for (std::size_t p = 50; p < 100; ++p)
    for (std::size_t c = 0; c < 3; ++c) w.rgb[3 * p + c] = 0.5f;
  fg.learn(w.rgb.data(), w.alpha.data(), nullptr, 200, 1, 1.0);
  const std::vector<float> grey{0.5f, 0.5f, 0.5f};
  std::vector<float> p;
  fg.probability(grey.data(), 1, p);
  EXPECT_NEAR(p[0], grey_share / (grey_share + 1), 1e-6);
  // A second frame, all-red object, at rate 0.2: h_o(grey) = 0.8 · share.
  const Window red(200, 100, {0.9f, 0.1f, 0.1f}, {0.5f, 0.5f, 0.5f});
  fg.learn(red.rgb.data(), red.alpha.data(), nullptr, 200, 1, 0.2);
  fg.probability(grey.data(), 1, p);
  EXPECT_NEAR(p[0], 0.8 * grey_share / (0.8 * grey_share + 1), 1e-6);
  // Pixels outside the frame and on the silhouette's edge teach nothing.
  Window edge(10, 5, {0.1f, 0.1f, 0.9f}, {0.5f, 0.5f, 0.5f});
  std::vector<float> valid(10, 1.f);
  for (std::size_t q = 0; q < 5; ++q) valid[q] = 0.f;
  ColourForeground fresh;
  fresh.learn(edge.rgb.data(), edge.alpha.data(), valid.data(), 10, 1, 1.0);
  EXPECT_FALSE(fresh.ready());  // no object pixel inside the frame
  for (float& a : edge.alpha) a = 0.5f;
  fresh.learn(edge.rgb.data(), edge.alpha.data(), nullptr, 10, 1, 1.0);
  EXPECT_FALSE(fresh.ready());
}

TEST(ColourForeground, SupportGrowsTheSilhouetteByItsReach) {
  // A 3 x 2 silhouette in a 12 x 9 window, grown by 2: a 7 x 6 block,
  // clipped at the window's edge; against a brute-force Chebyshev distance.
  const int w = 12, h = 9;
  std::vector<float> alpha(w * h, 0.f);
  for (int y = 1; y < 3; ++y)
    for (int x = 4; x < 7; ++x) alpha[y * w + x] = 1.f;
  const std::vector<float> s = support_near(alpha, w, h, 2);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      int d = 1 << 20;
      for (int v = 0; v < h; ++v)
        for (int u = 0; u < w; ++u)
          if (alpha[v * w + u] >= 0.5f) d = std::min(d, std::max(std::abs(u - x), std::abs(v - y)));
      EXPECT_EQ(s[y * w + x], d <= 2 ? 1.f : 0.f) << x << "," << y;
    }
  EXPECT_EQ(support_near(std::vector<float>(w * h, 0.f), w, h, 3), std::vector<float>(w * h, 0.f));
}

TEST(ColourForeground, LightingUndoneKeepsColoursInTheirBins) {
  // Learnt under one lighting, looked up under another: with the lighting
  // undone, the object's colour is still the object's.
  ColourForeground fg;
  const Window w(100, 40, {0.5f, 0.3f, 0.2f}, {0.2f, 0.3f, 0.5f});
  fg.learn(w.rgb.data(), w.alpha.data(), nullptr, 100, 1, 1.0);
  ColourCorrection brighter;
  brighter.gain = {1.4f, 1.3f, 1.2f};
  brighter.offset = {0.05f, 0.05f, 0.05f};
  std::vector<float> seen(3);
  for (std::size_t c = 0; c < 3; ++c) seen[c] = brighter.gain[c] * std::array{0.5f, 0.3f, 0.2f}[c] + brighter.offset[c];
  std::vector<float> p;
  fg.probability(seen.data(), 1, p);
  EXPECT_EQ(p[0], 0.5f);  // unseen as it is
  fg.probability(undo_lighting(seen.data(), 1, brighter).data(), 1, p);
  EXPECT_EQ(p[0], 1.f);
  // Undone colours are clamped to 0..1.
  const std::vector<float> dark{0.0f, 0.02f, 1.0f};
  const std::vector<float> undone = undo_lighting(dark.data(), 1, brighter);
  for (float v : undone) {
    EXPECT_GE(v, 0.f);
    EXPECT_LE(v, 1.f);
  }
}

TEST(ColourForeground, FillEnclosedFillsOnlyHolesInsideThePredictedSilhouette) {
  // A 20 x 12 window, the estimate a 14 x 8 block (x 3-16, y 2-9) with
  //  - a 2 x 2 hole at x 5-6, y 4-5: enclosed, inside the prediction: filled;
  //  - a 2 x 2 hole at x 12-13, y 4-5: enclosed, outside it (the model's own
  //    hole): stays;
  //  - a notch at x 9-10 from y 6 down through the block's edge: joined to
  //    the border (an occluder over the edge): stays.
  // Soft values >= 0.5 are left as they are.
  const int w = 20, h = 12;
  std::vector<float> p(w * h, 0.1f), inside(w * h, 0.f);
  for (int y = 2; y < 10; ++y)
    for (int x = 3; x < 17; ++x) {
      p[y * w + x] = x == 4 ? 0.6f : 0.9f;
      inside[y * w + x] = 1.f;
    }
  const auto square = [&](int x0, int y0, float v, std::vector<float>& img) {
    for (int y = y0; y < y0 + 2; ++y)
      for (int x = x0; x < x0 + 2; ++x) img[y * w + x] = v;
  };
  square(5, 4, 0.2f, p);
  square(12, 4, 0.2f, p);
  square(12, 4, 0.f, inside);
  for (int y = 6; y < 10; ++y)
    for (int x = 9; x < 11; ++x) p[y * w + x] = 0.05f;
  std::vector<float> filled = p;
  fill_enclosed(filled, w, h, inside);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool first_hole = x >= 5 && x < 7 && y >= 4 && y < 6;
      EXPECT_EQ(filled[y * w + x], first_hole ? 1.f : p[y * w + x]) << x << "," << y;
    }
  // Sizes that do not match leave the estimate as it is.
  std::vector<float> untouched = p;
  fill_enclosed(untouched, w, h, {});
  EXPECT_EQ(untouched, p);
}

TEST(ColourForeground, TheSurroundingsAreLocalToTheirSector) {
  // A 64² window: a disc of radius 12 at the centre, its left half red and
  // its right half white; the surroundings white above y = 16, blue below.
  constexpr int kSide = 64;
  const std::array<float, 3> red{0.9f, 0.1f, 0.1f}, white{0.95f, 0.95f, 0.95f}, blue{0.1f, 0.1f, 0.9f};
  std::vector<float> rgb, alpha;
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x) {
      const double dx = x + 0.5 - 32, dy = y + 0.5 - 32;
      const bool inside = dx * dx + dy * dy <= 144;
      const auto& c = inside ? (dx < 0 ? red : white) : (y < 16 ? white : blue);
      rgb.insert(rgb.end(), c.begin(), c.end());
      alpha.push_back(inside ? 1.f : 0.f);
    }
  ColourForeground fg;
  fg.learn(rgb.data(), alpha.data(), nullptr, kSide, kSide, 1.0);
  // Every pixel white, looked up about the disc's centre.
  std::vector<float> all_white;
  for (int p = 0; p < kSide * kSide; ++p) all_white.insert(all_white.end(), white.begin(), white.end());
  std::vector<float> local, global;
  fg.probability(all_white.data(), kSide, kSide, sector_centre(alpha.data(), kSide, kSide), local);
  fg.probability(all_white.data(), kSide * kSide, global);
  const auto at = [&](const std::vector<float>& p, int x, int y) { return p[static_cast<std::size_t>(y * kSide + x)]; };
  // Above the object the surroundings are white: there white is background.
  // (Half the object is white, so P = 0.5 / (0.5 + h) >= 1/3 at most local.)
  EXPECT_LT(at(local, 32, 4), 0.4f);
  // Below, white was never seen around the object: it is the object's.
  EXPECT_EQ(at(local, 32, 60), 1.f);
  // One histogram for the whole window says the same everywhere.
  EXPECT_EQ(at(global, 32, 4), at(global, 32, 60));
  EXPECT_GT(at(global, 32, 4), 0.55f);  // white is a quarter of the whole surroundings
  // The sectors are interpolated by angle: around a circle the posterior
  // changes by a bounded step between neighbouring samples, never jumps.
  float largest_step = 0;
  float last = at(local, 32 + 28, 32);
  for (int i = 1; i <= 360; ++i) {
    const double a = i * 3.14159265358979 / 180;
    const float now = at(local, 32 + static_cast<int>(std::lround(28 * std::cos(a))),
                         32 + static_cast<int>(std::lround(28 * std::sin(a))));
    largest_step = std::max(largest_step, std::abs(now - last));
    last = now;
  }
  EXPECT_LT(largest_step, 0.25f);
}

// Bayes' rule against counts: a colour seen `o` times among `no` object
// pixels and `b` times among `nb` surrounding ones has the flat-prior
// posterior (o/no) / (o/no + b/nb); with a prior π the posterior is
// π (o/no) / (π (o/no) + (1 − π)(b/nb)), computed here from the counts.
TEST(ColourForeground, APriorCombinesWithTheColourByBayesRule) {
  for (const auto& [o, b] : {std::pair{3.0, 50.0}, {40.0, 5.0}, {7.0, 7.0}, {1.0, 300.0}})
    for (const double prior : {0.25, 0.5, 0.6, 0.75}) {
      const double lo = o / 200, lb = b / 1000;  // likelihoods: 200 object, 1000 surrounding pixels
      const double expected = prior * lo / (prior * lo + (1 - prior) * lb);
      const auto flat = static_cast<float>(lo / (lo + lb));
      EXPECT_NEAR(with_prior(flat, static_cast<float>(prior)), expected, 1e-6) << o << " " << b << " " << prior;
    }
  // A colour that says nothing takes the prior; a flat prior changes nothing.
  EXPECT_FLOAT_EQ(with_prior(0.5f, 0.7f), 0.7f);
  EXPECT_FLOAT_EQ(with_prior(0.2f, 0.5f), 0.2f);
  // Certain colours stay certain.
  EXPECT_FLOAT_EQ(with_prior(0.f, 0.75f), 0.f);
  EXPECT_FLOAT_EQ(with_prior(1.f, 0.25f), 1.f);
}

// The prior from a predicted silhouette: 0.5 ± span / 2 well inside and well
// outside, in between across its blurred edge, and the same on both sides
// of it (a step's box mean is symmetric about the edge).
TEST(ColourForeground, ThePriorFollowsThePredictedSilhouetteWithABlurredEdge) {
  constexpr int w = 40, h = 20, edge = 20;  // object: x < 20
  std::vector<float> alpha(static_cast<std::size_t>(w * h), 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < edge; ++x) alpha[static_cast<std::size_t>(y * w + x)] = 1.f;
  const std::vector<float> prior = silhouette_prior(alpha, w, h);
  const auto at = [&](int x) { return prior[static_cast<std::size_t>(10 * w + x)]; };
  const double half = foreground_defaults::kPriorSpan / 2;
  EXPECT_NEAR(at(2), 0.5 + half, 1e-6);
  EXPECT_NEAR(at(w - 3), 0.5 - half, 1e-6);
  for (int d = 0; d < foreground_defaults::kPriorBlurPx; ++d) EXPECT_NEAR(at(edge - 1 - d) + at(edge + d), 1.0, 1e-6);
  EXPECT_GT(at(edge - 1), 0.5f);
  EXPECT_LT(at(edge), 0.5f);
  EXPECT_GT(at(edge - foreground_defaults::kPriorBlurPx - 1), at(edge - 1));
}
