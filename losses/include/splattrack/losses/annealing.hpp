// Frequency annealing (METHOD.md §5): the cosine window of BARF/Nerfies over
// the spectral bands,
//   w_b = (1 − cos(π·clamp(α − b, 0, 1))) / 2,
// with α held at 1 during the warm-up (band 0 fully on from the first
// iteration), then rising linearly to K at the hand-over, where the tracker
// switches to the spatial losses. What the optimiser moves in each stage is
// the tracker's policy (tracker/aligner.hpp), not the schedule's.
#pragma once

#include <vector>

#include "splattrack/losses/bands.hpp"

namespace splattrack::losses {

inline constexpr double kDefaultWarmupFraction = 0.25;
inline constexpr double kDefaultHandoverFraction = 0.65;

struct AnnealingOptions {
  int band_count = kDefaultBandCount;                // K
  double warmup_fraction = kDefaultWarmupFraction;   // of the iterations, band 0 only
  double handover_fraction = kDefaultHandoverFraction;  // α reaches K here; spatial loss after
};

struct AnnealingState {
  double alpha = 1.0;
  std::vector<double> band_weights;  // [K], feed to SpectralLoss::evaluate
  bool spatial_phase = false;        // past the hand-over: use the spatial losses
};

// The window weights for any α >= 0 (band b fully on once α >= b + 1).
std::vector<double> band_weights_for_alpha(double alpha, int band_count);

class AnnealingSchedule {
 public:
  // Throws std::invalid_argument unless total_iterations >= 1, band_count is
  // in [1, kMaxBandCount] and 0 <= warmup_fraction <= handover_fraction <= 1.
  explicit AnnealingSchedule(int total_iterations, AnnealingOptions options = {});

  // State at iteration t >= 0 (t >= total_iterations stays in the spatial phase).
  AnnealingState at(int iteration) const;
  // State for an externally driven α >= 0 (adaptive annealing): the caller
  // decides the hand-over, so spatial_phase is false.
  AnnealingState at_alpha(double alpha) const;

  double warmup_end() const { return warmup_end_; }      // iteration where α starts to rise
  double handover() const { return handover_; }          // iteration where α reaches K

 private:
  AnnealingOptions options_;
  double warmup_end_;
  double handover_;
};

}  // namespace splattrack::losses
