// The per-call choice between the FFT and the band-limited DFT path.
#include <cmath>

#include "moment_tables.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {

namespace {

// Fitted to the forward + adjoint time of one plane (best of 7–15 runs, one
// calling thread, on the 2-core shared dev machine under load ~4, OpenCV 4.6
// with its own TBB threads, Eigen without AVX) over sizes 32² .. 640×480
// including 257×131, band sets {0}, {0..b}, {b} for b = 0..7, by least
// squares on relative error; the timed call is MomentTransform::forward then
// ::adjoint on a random plane, per path. Worst error of the fit: ×2.0 (both
// paths). Sample points, µs DFT / FFT: 256² {0}: 156 / 2652, {0..3}: 327 /
// 2634, {0..7}: 5451 / 11713; 512² {0..7}: 29180 / 31138; 257×131 {0}: 96 /
// 25871. An earlier run (before the DFT buffers were reused) had the FFT
// within 10 % of the DFT for all bands at 256²–512²: the FFT only ever
// competes for the full band set of large images.
inline constexpr double kDftFixedUs = 3.7;
inline constexpr double kDftPerPixelUs = 2.0e-3;   // folds, unfolds, copies
inline constexpr double kDftPerMacUs = 1.45e-4;    // table products (Eigen, SSE2)
inline constexpr double kDftPerEntryUs = 1.8e-2;   // writing / reading moments
inline constexpr double kFftFixedUs = 8.9;
inline constexpr double kFftRowUnitUs = 2.46e-3;   // per H·units(2S): real row FFTs
inline constexpr double kFftColumnUnitUs = 5.13e-3;  // per n·units(2S): complex column FFTs
inline constexpr double kFftPerEntryUs = 4.4e-2;   // gathers, phase factors, scatters

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
    return kFftFixedUs + kFftRowUnitUs * h * units + kFftColumnUnitUs * n * units + kFftPerEntryUs * entries;
  }
  // Forward + adjoint: the two row-stage table products over the folded
  // rows, then the column-stage block products.
  double macs = 4.0 * h * std::ceil(w / 2) * n;
  for (const FrequencyBlock& b : frequency_blocks(active))
    macs += 8.0 * (b.ky1 - b.ky0 + 1) * std::ceil(h / 2) * (b.kx1 - b.kx0 + 1);
  return kDftFixedUs + kDftPerPixelUs * w * h + kDftPerMacUs * macs + kDftPerEntryUs * entries;
}

MomentPath MomentTransform::resolve(MomentPath path, BandSet active) const {
  if (path != MomentPath::kAuto) return path;
  return predicted_us(MomentPath::kFft, active) < predicted_us(MomentPath::kDft, active) ? MomentPath::kFft
                                                                                         : MomentPath::kDft;
}

}  // namespace splattrack::losses
