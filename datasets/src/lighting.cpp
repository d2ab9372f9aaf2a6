#include "splattrack/datasets/lighting.hpp"

#include <algorithm>
#include <numbers>
#include <stdexcept>

#include "random.hpp"
#include "wave.hpp"

namespace splattrack::datasets {

namespace {

// One wave per drifting quantity: gain and offset of each channel, then the
// temperature. random_wave's lowest harmonic has ω ∈ [0.5, 1.5]: scaled so
// that 1 means one period in kLightingPeriodFrames.
std::array<detail::Wave, 7> lighting_waves(std::uint64_t seed) {
  detail::Random rng(seed, detail::kLightingStream);
  std::array<detail::Wave, 7> waves;
  for (detail::Wave& w : waves) {
    w = detail::random_wave(rng, 1.0);
    for (double& omega : w.omega) omega *= 2 * std::numbers::pi / kLightingPeriodFrames;
  }
  return waves;
}

}  // namespace

double Lighting::scale(int channel) const {
  const double tint = channel == 0 ? 1 + temperature : channel == 2 ? 1 - temperature : 1.0;
  return gain[static_cast<std::size_t>(channel)] * tint;
}

Lighting lighting_at(const LightingOptions& o, int frame) {
  if (!(o.amount >= 0 && o.amount <= 1)) throw std::invalid_argument("lighting: the amount must be in [0, 1]");
  Lighting l;
  if (o.amount == 0) return l;
  const auto waves = lighting_waves(o.seed);
  for (std::size_t c = 0; c < 3; ++c) {
    l.gain[c] = 1 + o.amount * kLightingGainRange * waves[c].value(frame);
    l.offset[c] = o.amount * kLightingOffsetRange * waves[3 + c].value(frame);
  }
  l.temperature = o.amount * kLightingTintRange * waves[6].value(frame);
  return l;
}

void apply_lighting(std::vector<float>& rgb, const Lighting& l) {
  if (rgb.size() % 3 != 0) throw std::invalid_argument("apply_lighting: the image is not RGB");
  const std::array<float, 3> scale{static_cast<float>(l.scale(0)), static_cast<float>(l.scale(1)),
                                   static_cast<float>(l.scale(2))};
  const std::array<float, 3> offset{static_cast<float>(l.offset[0]), static_cast<float>(l.offset[1]),
                                    static_cast<float>(l.offset[2])};
  for (std::size_t i = 0; i < rgb.size(); i += 3)
    for (std::size_t c = 0; c < 3; ++c) rgb[i + c] = std::clamp(scale[c] * rgb[i + c] + offset[c], 0.f, 1.f);
}

}  // namespace splattrack::datasets
