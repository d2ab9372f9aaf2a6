// The per-call choice between the FFT and the band-limited DFT path.
#include <cmath>

#include "moment_tables.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {

namespace {

// Fitted to the forward + adjoint time of one plane (best of 7–15 runs, one
// thread, 2-core shared dev machine under load ~4, OpenCV 4.6 with its own
// TBB threads, Eigen without AVX) over sizes 32² .. 640×480 including
// 257×131, band sets {0}, {0..b}, {b} for b = 0..7, by least squares on
// relative error; the timed call is MomentTransform::forward then ::adjoint
// on a random plane, per path.
// Worst relative error of the fit: ×1.75 (DFT), ×3.4 (FFT, noisy). Sample
// points, µs DFT / FFT: 256² {0}: 282 / 2396, {0..3}: 246 / 1530,
// {0..7}: 6375 / 8621; 512² {0..7}: 23743 / 26742; 257×131 {0}: 84 / 12525.
inline constexpr double kDftFixedUs = 1.5;
inline constexpr double kDftPerPixelUs = 2.56e-3;  // folds, unfolds, copies
inline constexpr double kDftPerMacUs = 1.51e-4;    // table products (Eigen, SSE2)
inline constexpr double kDftPerEntryUs = 4.7e-3;   // writing / reading moments
inline constexpr double kFftRowUnitUs = 1.88e-3;   // per H·units(2S): real row FFTs
inline constexpr double kFftColumnUnitUs = 4.13e-3;  // per n·units(2S): complex column FFTs
inline constexpr double kFftPerEntryUs = 2.36e-2;  // gathers, phase factors, scatters

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
    return kFftRowUnitUs * h * units + kFftColumnUnitUs * n * units + kFftPerEntryUs * entries;
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
