// The annealing schedule against values worked out by hand from METHOD.md §5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "splattrack/losses.hpp"

namespace sl = splattrack::losses;

namespace {

double window(double x) { return (1 - std::cos(std::numbers::pi * std::clamp(x, 0.0, 1.0))) / 2; }

}  // namespace

// T = 100, K = 8, warm-up 0.25, hand-over 0.65: α = 1 up to t = 25, then
// 1 + 7·(t − 25)/40, reaching 8 at t = 65.
TEST(Annealing, DefaultScheduleValues) {
  const sl::AnnealingSchedule s(100);
  EXPECT_DOUBLE_EQ(s.warmup_end(), 25.0);
  EXPECT_DOUBLE_EQ(s.handover(), 65.0);

  for (int t : {0, 10, 25}) {
    const auto st = s.at(t);
    EXPECT_DOUBLE_EQ(st.alpha, 1.0) << t;
    EXPECT_DOUBLE_EQ(st.band_weights[0], 1.0) << "band 0 fully on from the first iteration";
    for (int b = 1; b < 8; ++b) EXPECT_DOUBLE_EQ(st.band_weights[b], 0.0);
    EXPECT_FALSE(st.spatial_phase);
  }

  const auto mid = s.at(45);  // α = 4.5
  EXPECT_DOUBLE_EQ(mid.alpha, 4.5);
  for (int b = 0; b < 4; ++b) EXPECT_DOUBLE_EQ(mid.band_weights[b], 1.0);
  EXPECT_NEAR(mid.band_weights[4], 0.5, 1e-12);
  for (int b = 5; b < 8; ++b) EXPECT_DOUBLE_EQ(mid.band_weights[b], 0.0);
  EXPECT_FALSE(mid.spatial_phase);

  const auto early = s.at(26);  // α = 1.175: band 1 just starting
  EXPECT_NEAR(early.alpha, 1.175, 1e-12);
  EXPECT_NEAR(early.band_weights[1], window(0.175), 1e-12);

  const auto before = s.at(64);
  EXPECT_NEAR(before.alpha, 1 + 7 * 39.0 / 40, 1e-12);
  EXPECT_FALSE(before.spatial_phase);

  for (int t : {65, 99, 250}) {
    const auto st = s.at(t);
    EXPECT_DOUBLE_EQ(st.alpha, 8.0);
    for (double w : st.band_weights) EXPECT_DOUBLE_EQ(w, 1.0);
    EXPECT_TRUE(st.spatial_phase) << t;
  }
}

TEST(Annealing, WeightsAreMonotoneInTime) {
  const sl::AnnealingSchedule s(57, {.band_count = 6, .warmup_fraction = 0.2, .handover_fraction = 0.7});
  auto prev = s.at(0).band_weights;
  for (int t = 1; t < 57; ++t) {
    const auto w = s.at(t).band_weights;
    for (int b = 0; b < 6; ++b) {
      EXPECT_GE(w[b], prev[b]);
      EXPECT_GE(w[b], 0.0);
      EXPECT_LE(w[b], 1.0);
      if (b > 0) {
        EXPECT_LE(w[b], w[b - 1]) << "a band never leads the one below it";
      }
    }
    prev = w;
  }
}

TEST(Annealing, ExternalAlpha) {
  const sl::AnnealingSchedule s(10);
  const auto st = s.at_alpha(2.25);
  EXPECT_DOUBLE_EQ(st.band_weights[0], 1.0);
  EXPECT_DOUBLE_EQ(st.band_weights[1], 1.0);
  EXPECT_NEAR(st.band_weights[2], (1 - std::cos(std::numbers::pi / 4)) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(st.band_weights[3], 0.0);
  EXPECT_FALSE(st.spatial_phase);
  // The literal window at α = 0 has band 0 off (METHOD.md: start at α = 1).
  EXPECT_DOUBLE_EQ(s.at_alpha(0.0).band_weights[0], 0.0);
  EXPECT_NEAR(s.at_alpha(0.5).band_weights[0], 0.5, 1e-12);
  for (double w : s.at_alpha(100.0).band_weights) EXPECT_DOUBLE_EQ(w, 1.0);
}

TEST(Annealing, EdgeCases) {
  // No warm-up: α starts rising at once.
  const sl::AnnealingSchedule no_warmup(10, {.warmup_fraction = 0.0});
  EXPECT_DOUBLE_EQ(no_warmup.at(0).alpha, 1.0);
  EXPECT_GT(no_warmup.at(1).alpha, 1.0);
  // Warm-up straight into the hand-over: a step from band 0 to everything.
  const sl::AnnealingSchedule step(10, {.warmup_fraction = 0.5, .handover_fraction = 0.5});
  EXPECT_DOUBLE_EQ(step.at(4).alpha, 1.0);
  EXPECT_DOUBLE_EQ(step.at(5).alpha, 8.0);
  EXPECT_TRUE(step.at(5).spatial_phase);
  // A single band: always fully on, α stays 1 until the hand-over.
  const sl::AnnealingSchedule one(20, {.band_count = 1});
  EXPECT_EQ(one.at(10).band_weights, std::vector<double>{1.0});
  EXPECT_DOUBLE_EQ(one.at(12).alpha, 1.0);
  EXPECT_FALSE(one.at(12).spatial_phase);
  EXPECT_TRUE(one.at(13).spatial_phase);
  // A single iteration with the hand-over at the end.
  const sl::AnnealingSchedule single(1, {.handover_fraction = 1.0});
  EXPECT_DOUBLE_EQ(single.at(0).alpha, 1.0);
  EXPECT_TRUE(single.at(1).spatial_phase);

  EXPECT_THROW(sl::AnnealingSchedule(0), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10, {.band_count = 0}), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10, {.band_count = sl::kMaxBandCount + 1}), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10, {.warmup_fraction = 0.7}), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10, {.warmup_fraction = -0.1}), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10, {.handover_fraction = 1.5}), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10, {.warmup_fraction = NAN}), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10).at(-1), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10).at_alpha(-0.5), std::invalid_argument);
  EXPECT_THROW(sl::AnnealingSchedule(10).at_alpha(NAN), std::invalid_argument);
}
