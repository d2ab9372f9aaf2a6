// Smooth random signals: a sum of a few sinusoids, for anything in a
// synthetic sequence that drifts (the trajectory, the lighting).
#pragma once

#include <array>
#include <cmath>
#include <numbers>

#include "random.hpp"

namespace splattrack::datasets::detail {

inline constexpr int kHarmonics = 3;

// a(t) = A Σ_j c_j sin(ω_j t + φ_j) with Σ c_j = 1, so |a| <= A and |a'| <= A Σ c_j ω_j.
struct Wave {
  double amplitude = 0;
  std::array<double, kHarmonics> weight{}, omega{}, phase{};

  double value(double t) const {
    double v = 0;
    for (int j = 0; j < kHarmonics; ++j) v += weight[j] * std::sin(omega[j] * t + phase[j]);
    return amplitude * v;
  }
  double speed_bound() const {
    double s = 0;
    for (int j = 0; j < kHarmonics; ++j) s += weight[j] * omega[j];
    return amplitude * s;
  }
};

// Harmonic j has a frequency of about 2^j: the caller rescales the omegas to
// the time scale it needs.
inline Wave random_wave(Random& rng, double amplitude) {
  Wave w;
  w.amplitude = amplitude;
  double total = 0;
  for (int j = 0; j < kHarmonics; ++j) {
    w.weight[j] = rng.uniform(0.2, 1.0);
    w.omega[j] = rng.uniform(0.5, 1.5) * (1 << j);
    w.phase[j] = rng.uniform(0, 2 * std::numbers::pi);
    total += w.weight[j];
  }
  for (double& c : w.weight) c /= total;
  return w;
}

}  // namespace splattrack::datasets::detail
