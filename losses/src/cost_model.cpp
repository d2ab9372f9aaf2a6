// The per-call choice between the FFT and the band-limited DFT path.
#include <cmath>

#include "moment_tables.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {

namespace {

// Fitted to the forward + adjoint time of one plane (min of 3 passes × 7
// timed runs of >= 15 ms, one calling thread, x86-64-v3 clones, on the
// shared 2-core dev machine under load 3–4) over sizes 32² .. 640×480
// including 96², 100×75, 160×120, 200×150, 257×131, 300² (FFT lengths with
// factors 3, 5 and 257), band sets {0..b} for b = 0..7, {3}, {5}, {7},
// {6, 7}, by least squares on relative error. Worst error of the fit: ×2.0
// (DFT), ×2.7 (FFT); its choice was the faster path in 150 of 156 cases, at
// worst 1.28× slower. Sample points, µs DFT / FFT: 256² {0}: 82 / 233,
// {0..3}: 234 / 299, {0..4}: 372 / 361, {0..5}: 851 / 576, {0..7}: 7485 /
// 933; 512² {0..3}: 910 / 1478, {0..7}: 19639 / 2861; 640×480 {0..7}:
// 28742 / 3994; 257×131 {0..7}: 5333 / 11708.
inline constexpr double kDftFixedUs = 2.87;
inline constexpr double kDftPerPixelUs = 1.06e-3;       // folds, unfolds, copies
inline constexpr double kDftPerRowMacUs = 1.306e-4;     // row-stage products
inline constexpr double kDftPerColumnMacUs = 3.181e-4;  // column-stage products
inline constexpr double kDftPerEntryUs = 1.241e-2;      // writing / reading moments
inline constexpr double kFftFixedUs = 1.91;
// Per unit of PrunedFft::Work of one direction; the other costs the same.
inline constexpr double kFftPerDenseFlopUs = 1.289e-3;   // radix-2..5 butterflies
inline constexpr double kFftPerGenericMacUs = 1.43e-3;   // generic butterflies
inline constexpr double kFftPerPixelUs = 1.439e-3;       // row-pass gathers and scatters
inline constexpr double kFftPerColumnValueUs = 2.11e-3;  // row-pass unpacking, column-pass copies
inline constexpr double kFftPerEntryUs = 9.374e-3;       // phases, reading / writing moments

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
  const MomentTables& t = *tables_;
  const double w = width_, h = height_;
  const int n = active.radius() + 1;
  if (path == MomentPath::kFft) {
    // Blocks of 2·kFftLanes image rows, then of kFftLanes columns kx, each
    // one pruned transform forward and one adjoint; the passes around them
    // touch every pixel, every row's kx < n, and the n·(2n − 1) square of ky.
    const PrunedFft::Work& rows = t.row_fft[active.highest()].work();
    const PrunedFft::Work& columns = t.column_fft[active.highest()].work();
    const double row_blocks = std::ceil(h / (2 * kFftLanes)), column_blocks = std::ceil(n / double(kFftLanes));
    const double dense = row_blocks * rows.dense + column_blocks * columns.dense;
    const double generic = row_blocks * rows.generic + column_blocks * columns.generic;
    return kFftFixedUs + kFftPerDenseFlopUs * dense + kFftPerGenericMacUs * generic + kFftPerPixelUs * w * h +
           kFftPerColumnValueUs * h * round_up(n, kFftLanes) + kFftPerEntryUs * n * (2.0 * n - 1);
  }
  // Forward + adjoint: the two row-stage table products over the folded
  // rows, then the column-stage block products.
  const double row_macs = 4.0 * h * t.pitch_x * n;
  double column_macs = 0.0;
  for (const FrequencyBlock& b : frequency_blocks(active))
    column_macs += 8.0 * (b.ky1 - b.ky0 + 1) * std::ceil(h / 2) * (b.kx1 - b.kx0 + 1);
  return kDftFixedUs + kDftPerPixelUs * w * h + kDftPerRowMacUs * row_macs + kDftPerColumnMacUs * column_macs +
         kDftPerEntryUs * grid_entries(active);
}

MomentPath MomentTransform::resolve(MomentPath path, BandSet active) const {
  if (path != MomentPath::kAuto) return path;
  return predicted_us(MomentPath::kFft, active) < predicted_us(MomentPath::kDft, active) ? MomentPath::kFft
                                                                                         : MomentPath::kDft;
}

}  // namespace splattrack::losses
