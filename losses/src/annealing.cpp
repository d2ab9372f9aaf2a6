#include "splattrack/losses/annealing.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace splattrack::losses {

std::vector<double> band_weights_for_alpha(double alpha, int band_count) {
  if (!std::isfinite(alpha) || alpha < 0.0)
    throw std::invalid_argument("annealing: alpha must be finite and >= 0, got " + std::to_string(alpha));
  std::vector<double> weights(band_count);
  for (int b = 0; b < band_count; ++b) {
    const double x = std::clamp(alpha - b, 0.0, 1.0);
    weights[b] = (1.0 - std::cos(std::numbers::pi * x)) / 2.0;
  }
  return weights;
}

AnnealingSchedule::AnnealingSchedule(int total_iterations, AnnealingOptions options) : options_(options) {
  if (total_iterations < 1)
    throw std::invalid_argument("AnnealingSchedule: total_iterations must be >= 1, got " +
                                std::to_string(total_iterations));
  if (options.band_count < 1 || options.band_count > kMaxBandCount)
    throw std::invalid_argument("AnnealingSchedule: band_count must be in [1, " + std::to_string(kMaxBandCount) +
                                "], got " + std::to_string(options.band_count));
  if (!(options.warmup_fraction >= 0.0 && options.warmup_fraction <= options.handover_fraction &&
        options.handover_fraction <= 1.0))
    throw std::invalid_argument("AnnealingSchedule: need 0 <= warmup_fraction <= handover_fraction <= 1, got " +
                                std::to_string(options.warmup_fraction) + " and " +
                                std::to_string(options.handover_fraction));
  warmup_end_ = options.warmup_fraction * total_iterations;
  handover_ = options.handover_fraction * total_iterations;
}

AnnealingState AnnealingSchedule::at(int iteration) const {
  if (iteration < 0)
    throw std::invalid_argument("AnnealingSchedule::at: iteration must be >= 0, got " + std::to_string(iteration));
  const double t = iteration;
  const double k = options_.band_count;
  double alpha = 1.0;
  if (t >= handover_)
    alpha = k;
  else if (t > warmup_end_)
    alpha = 1.0 + (k - 1.0) * (t - warmup_end_) / (handover_ - warmup_end_);
  AnnealingState state = at_alpha(alpha);
  state.spatial_phase = t >= handover_;
  return state;
}

AnnealingState AnnealingSchedule::at_alpha(double alpha) const {
  AnnealingState state;
  state.band_weights = band_weights_for_alpha(alpha, options_.band_count);
  state.alpha = alpha;
  state.spatial_phase = false;
  return state;
}

}  // namespace splattrack::losses
