// The per-call choice between the FFT and the band-limited DFT path.
#include <cmath>

#include "moment_tables.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {

namespace {

// Provisional constants (single-thread medians on the 2-core dev machine);
// refitted at the end of the work.
inline constexpr double kDftFixedUs = 5.0;
inline constexpr double kDftPerPixelUs = 3.0e-3;
inline constexpr double kDftPerMacUs = 1.5e-4;
inline constexpr double kFftFixedUs = 10.0;
inline constexpr double kFftRowUnitUs = 1.5e-3;
inline constexpr double kFftColumnUnitUs = 3.0e-3;
inline constexpr double kPerEntryUs = 1.5e-2;

// Work of one OpenCV transform of length L, in units of L·log2(L) for
// lengths built from 2, 3 and 5: a larger prime factor p is handled by a
// generic O(p) butterfly (length 514 = 2·257 measured 14× slower than 512).
double fft_units(double length) {
  double units = 0.0;
  auto l = static_cast<long>(length);
  for (long p = 2; l > 1; ++p) {
    for (; l % p == 0; l /= p) units += p <= 5 ? std::log2(static_cast<double>(p)) : p / 2.0;
    if (p * p > l && l > 1) {
      units += l <= 5 ? std::log2(static_cast<double>(l)) : l / 2.0;
      break;
    }
  }
  return length * units;
}

// Grid entries (kx >= 0, any ky) of the active bands: band b holds the
// square of its outer radius less that of its inner one.
double grid_entries(BandSet active) {
  const auto square = [](double r) { return r < 0 ? 0.0 : (r + 1) * (2 * r + 1); };
  double entries = 0.0;
  for (int b = 0; b <= active.highest(); ++b)
    if (active.contains(b)) entries += square(band_radius(b)) - square(band_inner_radius(b));
  return entries;
}

}  // namespace

double MomentTransform::predicted_us(MomentPath path, BandSet active) const {
  if (active.empty()) return 0.0;
  const double w = width_, h = height_;
  const double n = active.radius() + 1;
  const double entries = grid_entries(active);
  if (path == MomentPath::kFft) {
    // Forward + adjoint: real row FFTs over H rows, complex ones over n columns.
    const double units = fft_units(2.0 * std::max(w, h));
    return kFftFixedUs + kFftRowUnitUs * h * units + kFftColumnUnitUs * n * units + kPerEntryUs * entries;
  }
  // Forward + adjoint: the two row-stage table products over the folded
  // rows, then the column-stage block products.
  double macs = 4.0 * h * std::ceil(w / 2) * n;
  for (const FrequencyBlock& b : frequency_blocks(active))
    macs += 8.0 * (b.ky1 - b.ky0 + 1) * std::ceil(h / 2) * (b.kx1 - b.kx0 + 1);
  return kDftFixedUs + kDftPerPixelUs * w * h + kDftPerMacUs * macs + 0.3 * kPerEntryUs * entries;
}

MomentPath MomentTransform::resolve(MomentPath path, BandSet active) const {
  if (path != MomentPath::kAuto) return path;
  return predicted_us(MomentPath::kFft, active) < predicted_us(MomentPath::kDft, active) ? MomentPath::kFft
                                                                                         : MomentPath::kDft;
}

}  // namespace splattrack::losses
