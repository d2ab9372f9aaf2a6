// Lighting that changes over a sequence, as a camera's auto-exposure and
// white balance change it: a gain and an offset per channel and a colour
// temperature, each drifting smoothly, applied to the whole frame (object,
// background and occluder alike).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace splattrack::datasets {

// At amount 1 the gains span [1 - kLightingGainRange, 1 + kLightingGainRange],
// the offsets ±kLightingOffsetRange and the temperature ±kLightingTintRange;
// an amount scales all three.
inline constexpr double kLightingGainRange = 0.3;
inline constexpr double kLightingOffsetRange = 0.1;
inline constexpr double kLightingTintRange = 0.1;
// The slowest drift repeats about every this many frames, the fastest about
// four times as often: slow against the motion, as exposure drifts.
inline constexpr double kLightingPeriodFrames = 240;

struct LightingOptions {
  double amount = 0.0;  // 0: unchanged frames; 1: the full ranges above
  std::uint64_t seed = 0;
};

// One frame's lighting. A pixel's channel c becomes
//   clamp(gain[c] · tint(c) · value + offset[c], 0, 1)
// with tint = (1 + temperature, 1, 1 - temperature): warm (red up, blue
// down) when the temperature is positive, cold when negative.
struct Lighting {
  std::array<double, 3> gain{1.0, 1.0, 1.0};
  std::array<double, 3> offset{0.0, 0.0, 0.0};
  double temperature = 0.0;

  double scale(int channel) const;  // gain · tint of that channel
};

// Smooth in `frame`, the same for the same seed and frame. Throws
// std::invalid_argument for an amount outside [0, 1].
Lighting lighting_at(const LightingOptions& options, int frame);

// Applies `lighting` to an [H, W, 3] image in place.
void apply_lighting(std::vector<float>& rgb, const Lighting& lighting);

}  // namespace splattrack::datasets
