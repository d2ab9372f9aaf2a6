// io::draw_overlay (track --overlay's picture) on a synthetic frame: the
// render blends in by its formula, the silhouette's outline takes the
// status colour, the label is drawn in its corner, the rest stays as it was.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "splattrack/io/overlay.hpp"

using namespace splattrack;

namespace {

inline constexpr int kW = 160;
inline constexpr int kH = 120;
// A hard-edged disc (alpha 1) and a faint square (alpha 0.3, below the
// outline level) in the lower half, away from the label's corner.
inline constexpr int kDiscX = 60, kDiscY = 80, kDiscR = 20;
inline constexpr int kFaintX0 = 110, kFaintY0 = 70, kFaintSize = 20;
inline constexpr float kFaintAlpha = 0.3f;
inline constexpr std::array<float, 3> kModelColour = {0.9f, 0.2f, 0.6f};

float frame_value(int x, int y, int c) { return static_cast<float>((x * 7 + y * 13 + c * 29) % 97) / 96.f; }

float alpha_at(int x, int y) {
  if ((x - kDiscX) * (x - kDiscX) + (y - kDiscY) * (y - kDiscY) <= kDiscR * kDiscR) return 1.f;
  if (x >= kFaintX0 && x < kFaintX0 + kFaintSize && y >= kFaintY0 && y < kFaintY0 + kFaintSize) return kFaintAlpha;
  return 0.f;
}

struct Scene {
  std::vector<float> frame;
  RenderImage render;
};

Scene make_scene() {
  Scene s;
  s.frame.resize(3 * kW * kH);
  s.render.width = kW;
  s.render.height = kH;
  s.render.rgb.resize(3 * kW * kH);
  s.render.alpha.resize(kW * kH);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * kW + x;
      s.render.alpha[i] = alpha_at(x, y);
      for (int c = 0; c < 3; ++c) {
        s.frame[3 * i + c] = frame_value(x, y, c);
        s.render.rgb[3 * i + c] = kModelColour[c] * s.render.alpha[i];  // over black, as Renderer draws
      }
    }
  return s;
}

bool on_outline(int x, int y) {
  const auto in = [](int u, int v) { return alpha_at(u, v) >= io::overlay::kOutlineAlpha; };
  return in(x - 1, y) != in(x, y) || in(x + 1, y) != in(x, y) || in(x, y - 1) != in(x, y) || in(x, y + 1) != in(x, y);
}

const float* pixel(const std::vector<float>& rgb, int x, int y) { return &rgb[3 * (static_cast<std::size_t>(y) * kW + x)]; }

}  // namespace

TEST(Overlay, BlendsOutlinesAndLeavesTheRestAlone) {
  Scene s = make_scene();
  std::vector<float> out = s.frame;
  io::draw_overlay(out, s.render, {17, TrackStatus::degraded, 0.875});
  const std::array<float, 3> colour = io::status_colour(TrackStatus::degraded);

  int blended = 0, outlined = 0, untouched = 0;
  for (int y = kH / 2; y < kH; ++y)  // the label's corner is in the top half
    for (int x = 0; x < kW; ++x) {
      const float a = alpha_at(x, y);
      const float* got = pixel(out, x, y);
      const float* was = pixel(s.frame, x, y);
      for (int c = 0; c < 3; ++c) {
        float expected = was[c] * (1.f - io::overlay::kOpacity * a) + io::overlay::kOpacity * kModelColour[c] * a;
        if (on_outline(x, y)) expected = colour[c];
        ASSERT_NEAR(got[c], expected, 1e-6f) << "pixel " << x << "," << y << " channel " << c << " alpha " << a;
      }
      if (on_outline(x, y))
        ++outlined;
      else if (a > 0)
        ++blended;
      else
        ++untouched;
    }
  // A line on both sides of the disc's edge (a digital circle's 4-connected
  // boundary is about 0.9 of its perimeter on each side); none around the
  // faint square.
  EXPECT_GT(outlined, static_cast<int>(1.5 * 2 * M_PI * kDiscR));
  EXPECT_LT(outlined, static_cast<int>(2.5 * 2 * M_PI * kDiscR));
  EXPECT_GT(blended, kFaintSize * kFaintSize);
  EXPECT_GT(untouched, kW * kH / 4);
}

TEST(Overlay, LabelIsDrawnInTheStatusColourInTheTopLeftCorner) {
  for (const TrackStatus status : {TrackStatus::tracking, TrackStatus::lost}) {
    Scene s = make_scene();
    std::vector<float> out = s.frame;
    io::draw_overlay(out, s.render, {3, status, std::nullopt});
    const std::array<float, 3> colour = io::status_colour(status);
    // Ink: pixels nearer the status colour than the frame they cover (the
    // small text is antialiased, so few pixels are the exact colour).
    int ink = 0, top_right_changed = 0;
    for (int y = 0; y < kH / 4; ++y)
      for (int x = 0; x < kW; ++x) {
        const float* p = pixel(out, x, y);
        const float* was = pixel(s.frame, x, y);
        float to_colour = 0, to_frame = 0;
        for (int c = 0; c < 3; ++c) {
          to_colour += std::abs(p[c] - colour[c]);
          to_frame += std::abs(p[c] - was[c]);
        }
        if (x < kW / 2) ink += to_colour < to_frame;
        if (x >= kW - 8) top_right_changed += to_frame > 0;
      }
    EXPECT_GT(ink, 40) << to_string(status);
    // "frame 3  tracking" at this size ends well before the right edge.
    EXPECT_EQ(top_right_changed, 0) << to_string(status);
  }
  EXPECT_NE(io::status_colour(TrackStatus::tracking), io::status_colour(TrackStatus::lost));
  EXPECT_NE(io::status_colour(TrackStatus::degraded), io::status_colour(TrackStatus::recovered));
}

TEST(Overlay, SizeMismatchIsRefused) {
  Scene s = make_scene();
  std::vector<float> small(3 * 10 * 10, 0.f);
  EXPECT_THROW(io::draw_overlay(small, s.render, {}), std::invalid_argument);
}
