// The per-call choice between the FFT and the band-limited DFT path.
#include <cmath>

#include "moment_tables.hpp"
#include "splattrack/losses/moments.hpp"

namespace splattrack::losses {

namespace {

// Fitted to the forward + adjoint time of one plane (min of 3 passes × 7
// timed runs of >= 15 ms, one calling thread, x86-64-v3 clones, on the
// shared 2-core dev machine under load ~3) over sizes 32² .. 640×480
// including 96², 100×75, 160×120, 200×150, 257×131, 300² (FFT lengths with
// factors 3, 5 and 257), band sets {0..b} for b = 0..7, {3}, {5}, {7},
// {6, 7}, by least squares on relative error. Worst error of the fit: ×1.6
// (DFT), ×3.2 (FFT); its choice was the faster path in 145 of 156 cases, at
// worst 1.76× slower (64², where both take < 60 µs). Sample points, µs
// DFT / FFT: 256² {0}: 96 / 329, {0..3}: 235 / 444, {0..4}: 384 / 504,
// {0..5}: 871 / 401, {0..7}: 5791 / 870; 512² {0..3}: 863 / 2064, {0..7}:
// 10735 / 3128; 640×480 {0..7}: 11355 / 3529; 257×131 {0..7}: 3328 / 18759.
inline constexpr double kDftFixedUs = 5.59;
inline constexpr double kDftPerPixelUs = 8.27e-4;       // folds, unfolds, copies
inline constexpr double kDftPerRowMacUs = 6.59e-5;      // row-stage products
inline constexpr double kDftPerColumnMacUs = 1.958e-4;  // column-stage products
inline constexpr double kDftPerEntryUs = 1.335e-3;      // writing / reading moments
inline constexpr double kFftFixedUs = 3.0;
// Per unit of PrunedFft::Work of one direction; the other costs the same.
inline constexpr double kFftPerDenseFlopUs = 1.27e-3;     // radix-2..5 butterflies
inline constexpr double kFftPerGenericMacUs = 1.611e-3;   // generic butterflies
inline constexpr double kFftPerPixelUs = 6.02e-4;         // row-pass transposes
inline constexpr double kFftPerColumnValueUs = 2.531e-3;  // row-pass unpacking, column-pass copies
inline constexpr double kFftPerEntryUs = 4.521e-3;        // phases, reading / writing moments

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
  // rows (kDftGroup frequencies at a time), then the column-stage block
  // products.
  const double row_macs = 4.0 * h * t.pitch_x * round_up(n, kDftGroup);
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
