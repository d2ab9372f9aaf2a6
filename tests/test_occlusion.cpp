// The occlusion map (tracker/occlusion.hpp): what is recorded as hidden, in
// which frame pixels, and what the next window sees of it; and the box mean
// it reads the target through, against a brute-force mean.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "splattrack/tracker/foreground.hpp"
#include "splattrack/tracker/observation.hpp"
#include "splattrack/tracker/occlusion.hpp"
#include "splattrack/tracker/quality.hpp"

using namespace splattrack;

namespace {

constexpr int kFrameW = 80, kFrameH = 60;

// A 40 x 30 window at (10, 8) of the frame, one frame pixel per window pixel.
ObservationWindow window_at(double left, double top, double scale = 1) {
  ObservationWindow w;
  w.left = left;
  w.top = top;
  w.scale = scale;
  w.width = 40;
  w.height = 30;
  return w;
}

// A window-sized image: `inside` within the rectangle [x0, x1) x [y0, y1), `outside` elsewhere.
std::vector<float> rect(int x0, int x1, int y0, int y1, float inside, float outside = 0.f) {
  std::vector<float> img(40 * 30, outside);
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) img[static_cast<std::size_t>(y * 40 + x)] = inside;
  return img;
}

// Brute force of what record() hides in a 40 x 30 window, when everything
// inside the silhouette was the object at the last record: silhouette
// pixels farther than the edge margin from any pixel outside it (Chebyshev,
// inside the window), whose clipped 5 x 5 mean of `target` is below the
// hidden threshold; then grown by `reach` (Chebyshev).
std::vector<float> expected_hidden(const std::vector<float>& alpha, const std::vector<float>& target, int reach) {
  const auto at = [](const std::vector<float>& img, int x, int y) { return img[static_cast<std::size_t>(y * 40 + x)]; };
  std::vector<float> hidden(40 * 30, 0.f), grown(40 * 30, 0.f);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) {
      if (at(alpha, x, y) < 0.5f) continue;
      bool near_edge = false;
      double sum = 0;
      int n = 0;
      for (int v = 0; v < 30; ++v)
        for (int u = 0; u < 40; ++u) {
          const int d = std::max(std::abs(u - x), std::abs(v - y));
          if (at(alpha, u, v) < 0.5f && d <= occlusion_defaults::kEdgeMarginPx) near_edge = true;
          if (d <= occlusion_defaults::kSmoothingPx) {
            sum += at(target, u, v);
            ++n;
          }
        }
      if (!near_edge && sum / n < occlusion_defaults::kHiddenBelow) hidden[static_cast<std::size_t>(y * 40 + x)] = 1.f;
    }
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x)
      for (int v = std::max(0, y - reach); v <= std::min(29, y + reach); ++v)
        for (int u = std::max(0, x - reach); u <= std::min(39, x + reach); ++u)
          if (at(hidden, u, v) > 0.f) grown[static_cast<std::size_t>(y * 40 + x)] = 1.f;
  return grown;
}

// A w x h render whose silhouette (alpha 1) is columns x0 .. x1 - 1.
RenderImage silhouette_columns(int w, int h, int x0, int x1) {
  RenderImage render;
  render.width = w;
  render.height = h;
  render.alpha.assign(static_cast<std::size_t>(w * h), 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = x0; x < x1; ++x) render.alpha[static_cast<std::size_t>(y * w + x)] = 1.f;
  return render;
}

}  // namespace

TEST(BoxMean, MatchesABruteForceMeanClippedAtTheBorders) {
  const int w = 13, h = 9, r = 2;
  std::vector<float> img(w * h);
  for (std::size_t i = 0; i < img.size(); ++i) img[i] = static_cast<float>((i * 37) % 11) / 10.f;
  const std::vector<float> m = box_mean(img, w, h, r);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double sum = 0;
      int n = 0;
      for (int v = std::max(0, y - r); v <= std::min(h - 1, y + r); ++v)
        for (int u = std::max(0, x - r); u <= std::min(w - 1, x + r); ++u) {
          sum += img[v * w + u];
          ++n;
        }
      EXPECT_NEAR(m[y * w + x], sum / n, 1e-6) << x << "," << y;
    }
}

TEST(OcclusionMap, AChangeFromObjectToBackgroundIsHiddenAndGrownByTheReach) {
  // The silhouette is the window's x 5-34, y 5-24. First record: the target
  // sees the object everywhere in it; nothing is hidden yet. Second: a
  // 6 x 6 bite at x 14-19, y 12-17 turns to background.
  const ObservationWindow w = window_at(10, 8);
  const std::vector<float> alpha = rect(5, 35, 5, 25, 1.f);
  OcclusionMap map;
  map.record(w, alpha, rect(5, 35, 5, 25, 1.f).data(), 2, kFrameW, kFrameH);
  EXPECT_TRUE(map.empty());
  std::vector<float> target = rect(5, 35, 5, 25, 1.f);
  for (int y = 12; y < 18; ++y)
    for (int x = 14; x < 20; ++x) target[static_cast<std::size_t>(y * 40 + x)] = 0.f;
  map.record(w, alpha, target.data(), 2, kFrameW, kFrameH);
  ASSERT_FALSE(map.empty());
  // Read back through a window shifted by (+3, -2) frame pixels: window
  // pixel (x, y) is frame pixel (13 + x, 6 + y), the first window's
  // (x + 3, y - 2).
  const std::vector<float> expected = expected_hidden(alpha, target, 2);
  const std::vector<float> seen = map.in(window_at(13, 6));
  int hidden_pixels = 0;
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) {
      const int u = x + 3, v = y - 2;
      const bool inside = u < 40 && v >= 0;
      const float want = inside ? expected[static_cast<std::size_t>(v * 40 + u)] : 0.f;
      EXPECT_EQ(seen[static_cast<std::size_t>(y * 40 + x)], want) << x << "," << y;
      hidden_pixels += want > 0.f;
    }
  EXPECT_GT(hidden_pixels, 36);  // the bite and more: the reach grows it
}

TEST(OcclusionMap, WhatWasNeverTheObjectOrIsNearTheEdgeIsNotHidden) {
  const ObservationWindow w = window_at(10, 8);
  const std::vector<float> alpha = rect(5, 35, 5, 25, 1.f);
  // An ambiguous patch (0.5, the colour model cannot tell) inside, then
  // background there: it never was the object.
  OcclusionMap map;
  std::vector<float> first = rect(5, 35, 5, 25, 1.f), second = rect(5, 35, 5, 25, 1.f);
  for (int y = 10; y < 20; ++y)
    for (int x = 10; x < 20; ++x) {
      first[static_cast<std::size_t>(y * 40 + x)] = 0.5f;
      second[static_cast<std::size_t>(y * 40 + x)] = 0.f;
    }
  map.record(w, alpha, first.data(), 1, kFrameW, kFrameH);
  map.record(w, alpha, second.data(), 1, kFrameW, kFrameH);
  EXPECT_TRUE(map.empty());
  // A strip along the silhouette's edge (3 px deep: within the edge
  // margin) turns to background: not hidden.
  OcclusionMap edge;
  edge.record(w, alpha, rect(5, 35, 5, 25, 1.f).data(), 1, kFrameW, kFrameH);
  edge.record(w, alpha, rect(8, 35, 5, 25, 1.f).data(), 1, kFrameW, kFrameH);
  EXPECT_TRUE(edge.empty());
}

TEST(OcclusionMap, MostOfTheSilhouetteGoneIsAMisfitNotAnOccluder) {
  const ObservationWindow w = window_at(10, 8);
  const std::vector<float> alpha = rect(5, 35, 5, 25, 1.f);
  OcclusionMap map;
  map.record(w, alpha, rect(5, 35, 5, 25, 1.f).data(), 1, kFrameW, kFrameH);
  map.record(w, alpha, rect(5, 35, 5, 25, 0.f).data(), 1, kFrameW, kFrameH);
  EXPECT_TRUE(map.empty());
  EXPECT_TRUE(map.in(w).empty());
}

TEST(OcclusionMap, AShrunkWindowMarksEveryFramePixelItsPixelsCover) {
  // Scale 2: window pixel (u, v) covers frame pixels [2u + 1, 2u + 3) x
  // [2v, 2v + 2) for a window at (1, 0); every frame pixel under a hidden
  // window pixel is hidden.
  const ObservationWindow w = window_at(1, 0, 2);
  const std::vector<float> alpha = rect(5, 35, 5, 25, 1.f);
  OcclusionMap map;
  map.record(w, alpha, rect(5, 35, 5, 25, 1.f).data(), 0, kFrameW, kFrameH);
  std::vector<float> target = rect(5, 35, 5, 25, 1.f);
  for (int y = 10; y < 20; ++y)
    for (int x = 10; x < 20; ++x) target[static_cast<std::size_t>(y * 40 + x)] = 0.f;
  map.record(w, alpha, target.data(), 0, kFrameW, kFrameH);
  const std::vector<float> expected = expected_hidden(alpha, target, 0);
  const std::vector<float> seen = map.in(window_at(0, 0));
  int hidden_pixels = 0;
  // Read back at scale 1 from (0, 0): frame pixel (x, y) lies under window
  // pixel (floor((x - 1) / 2), floor(y / 2)) of the recorded window.
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) {
      const int u = x >= 1 ? (x - 1) / 2 : -1, v = y / 2;
      const float want = u >= 0 ? expected[static_cast<std::size_t>(v * 40 + u)] : 0.f;
      EXPECT_EQ(seen[static_cast<std::size_t>(y * 40 + x)], want) << x << "," << y;
      hidden_pixels += want > 0.f;
    }
  EXPECT_GT(hidden_pixels, 4 * 16);  // at least 16 window pixels, 4 frame pixels each, in view
}

TEST(OcclusionMap, ObservationDropsOccludedPixelsTheMaskCallsBackgroundAndCountsThem) {
  // A 10 x 8 frame, mask 1 in columns 2-7, except a 2 x 2 bite at x 6-7,
  // y 3-4. The occlusion map covers x 5-9, y 2-5: of it, only the bite
  // (mask 0 inside the silhouette) and the mask's 0 columns 8-9 become
  // invalid; x 5 and the bite's mask-1 neighbours stay.
  const int w = 10, h = 8;
  std::vector<float> rgb(3 * w * h, 0.5f), mask(w * h, 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = 2; x < 8; ++x) mask[y * w + x] = (x >= 6 && y >= 3 && y < 5) ? 0.f : 1.f;
  ForegroundEstimate estimate;
  estimate.occluded.assign(w * h, 0.f);
  for (int y = 2; y < 6; ++y)
    for (int x = 5; x < 10; ++x) estimate.occluded[y * w + x] = 1.f;
  ObservationWindow window;
  window.width = w;
  window.height = h;
  const Observation o(FrameView{w, h, rgb, mask}, window, &estimate);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t p = static_cast<std::size_t>(y * w + x);
      const bool dropped = estimate.occluded[p] > 0.f && mask[p] < 0.5f;
      EXPECT_EQ(o.valid(p), !dropped) << x << "," << y;
      EXPECT_EQ(o.occluded(p), dropped) << x << "," << y;
    }
  // The rendered silhouette, columns 2-7 (48 pixels): the bite hides 4.
  const RenderImage render = silhouette_columns(w, h, 2, 8);
  EXPECT_DOUBLE_EQ(hidden_share(render, o), 4.0 / 48.0);
  // The object is on the frame where the occluder hides it too
  // (PoseScores::in_view): a silhouette only in the bite is in view.
  EXPECT_TRUE(shows_object(render, o));
  RenderImage bitten = render;
  bitten.alpha.assign(w * h, 0.f);
  EXPECT_FALSE(shows_object(bitten, o));
  bitten.alpha[3 * w + 6] = 1.f;
  EXPECT_TRUE(shows_object(bitten, o));
}

TEST(ShowsObject, OnlyASilhouetteOnTheFrameIsInView) {
  // A 10 x 8 window whose left 4 columns lie left of the 6 x 8 frame.
  const int w = 10, h = 8;
  const std::vector<float> rgb(3 * 6 * h, 0.5f);
  ObservationWindow window;
  window.left = -4;
  window.width = w;
  window.height = h;
  const Observation o(FrameView{6, h, rgb, {}}, window);
  RenderImage render = silhouette_columns(w, h, 0, 4);
  EXPECT_FALSE(shows_object(render, o));  // all of it left of the frame
  render.alpha[2 * w + 4] = 0.5f;         // at the threshold: not "object"
  EXPECT_FALSE(shows_object(render, o));
  render.alpha[2 * w + 4] = 0.51f;
  EXPECT_TRUE(shows_object(render, o));
}
