// image_motion_px (tracker/image_motion.hpp): whether an object's image moved
// between two frames, against textures moved by known amounts.
#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <optional>
#include <random>
#include <vector>

#include "splattrack/tracker/image_motion.hpp"

namespace splattrack {
namespace {

constexpr int kW = 64, kH = 48;
constexpr double kCx = (kW - 1) / 2.0, kCy = (kH - 1) / 2.0;

// A grey texture with gradients every way.
double texture(double x, double y) {
  const double tau = 2 * std::numbers::pi;
  return 0.5 + 0.15 * std::sin(tau * x / 11) + 0.15 * std::sin(tau * y / 13) + 0.1 * std::sin(tau * (x + y) / 17);
}

// The image [H, W, 3] whose pixel p shows texture(source(p)).
std::vector<float> image(const std::function<Eigen::Vector2d(double, double)>& source) {
  std::vector<float> rgb(3 * kW * kH);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const Eigen::Vector2d s = source(x, y);
      for (int c = 0; c < 3; ++c) rgb[3 * (y * kW + x) + c] = static_cast<float>(texture(s.x(), s.y()));
    }
  return rgb;
}

std::vector<float> unmoved() {
  return image([](double x, double y) { return Eigen::Vector2d(x, y); });
}
std::vector<float> shifted(double dx, double dy) {
  return image([=](double x, double y) { return Eigen::Vector2d(x - dx, y - dy); });
}
// Turned by `angle` about the image's centre.
std::vector<float> turned(double angle) {
  return image([=](double x, double y) {
    const Eigen::Vector2d p = Eigen::Rotation2Dd(-angle) * Eigen::Vector2d(x - kCx, y - kCy);
    return Eigen::Vector2d(p.x() + kCx, p.y() + kCy);
  });
}

const std::vector<float> kWhole(kW* kH, 1.f);

std::optional<double> motion(const std::vector<float>& before, const std::vector<float>& after,
                             const std::vector<float>& silhouette = kWhole) {
  return image_motion_px(before.data(), after.data(), silhouette.data(), kW, kH);
}

TEST(ImageMotion, TheSameImageDidNotMove) {
  const std::optional<double> m = motion(unmoved(), unmoved());
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 0.0);
}

TEST(ImageMotion, AShiftReadsItsLength) {
  for (const auto& [dx, dy] : {std::pair{0.05, 0.0}, {0.0, 0.05}, {0.2, -0.1}, {0.4, 0.3}}) {
    const std::optional<double> m = motion(unmoved(), shifted(dx, dy));
    ASSERT_TRUE(m) << dx << ", " << dy;
    EXPECT_NEAR(*m, std::hypot(dx, dy), 0.2 * std::hypot(dx, dy)) << dx << ", " << dy;
  }
  EXPECT_LT(*motion(unmoved(), shifted(0.03, 0.0)), image_motion_defaults::kStillBelowPx);
  EXPECT_GT(*motion(unmoved(), shifted(0.2, 0.0)), image_motion_defaults::kStillBelowPx);
}

TEST(ImageMotion, ATurnInTheImageIsMotionThoughNothingShifts) {
  // Turned 0.5° about the centre: no mean shift, the rim moves 0.5° times
  // its distance (the border rows and columns are left out).
  const double angle = 0.5 * std::numbers::pi / 180;
  const double rim = std::hypot(kCx - 1, kCy - 1) * angle;
  const std::optional<double> m = motion(unmoved(), turned(angle));
  ASSERT_TRUE(m);
  EXPECT_NEAR(*m, rim, 0.2 * rim);
  EXPECT_GT(*m, image_motion_defaults::kStillBelowPx);
}

TEST(ImageMotion, SensorNoiseOnAStillObjectIsStill) {
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.f, 0.01f);
  std::vector<float> before = unmoved(), after = unmoved();
  for (float& v : before) v += noise(rng);
  for (float& v : after) v += noise(rng);
  const std::optional<double> m = motion(before, after);
  ASSERT_TRUE(m);
  EXPECT_LT(*m, image_motion_defaults::kStillBelowPx);
}

TEST(ImageMotion, OnlyTheSilhouettesInteriorCounts) {
  // The right half moved; only the left half is the object.
  std::vector<float> after = unmoved(), left(kW * kH, 0.f);
  const std::vector<float> moved = shifted(0.5, 0.5);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const int i = y * kW + x;
      if (x < kW / 2) {
        left[i] = 1.f;
      } else {
        for (int c = 0; c < 3; ++c) after[3 * i + c] = moved[3 * i + c];
      }
    }
  // The left half's columns next to the right half see it through their
  // central differences only in `before`, which is the same everywhere.
  const std::optional<double> m = motion(unmoved(), after, left);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 0.0);
}

TEST(ImageMotion, WhatTheTextureCannotTellHasNoVerdict) {
  // Stripes across x alone: a shift along them changes nothing.
  const auto stripes = image([](double x, double) { return Eigen::Vector2d(x, 0.0); });
  EXPECT_FALSE(motion(stripes, stripes));
  const std::vector<float> flat(3 * kW * kH, 0.5f), none(kW * kH, 0.f);
  EXPECT_FALSE(motion(flat, flat));
  EXPECT_FALSE(motion(unmoved(), unmoved(), none));
  // Nor a shift of half the texture's period: beyond one linearised step.
  EXPECT_FALSE(motion(unmoved(), shifted(6.0, 0.0)));
  // Nor a silhouette that is not a number (a failed render).
  const std::vector<float> nan(kW * kH, std::numeric_limits<float>::quiet_NaN());
  EXPECT_FALSE(motion(unmoved(), unmoved(), nan));
}

}  // namespace
}  // namespace splattrack
