// Internal: precomputed tables of one MomentTransform and the two paths.
#pragma once

#include <algorithm>
#include <array>
#include <complex>
#include <vector>

#include "fft.hpp"
#include "splattrack/losses/bands.hpp"

namespace splattrack::losses {

// Lanes of the DFT kernels' vectors, and how many frequencies (rows of the
// row tables) or lane groups (of their columns) a kernel takes at a time;
// the row tables are zero-padded to multiples of both.
inline constexpr int kDftLanes = 8;
inline constexpr int kDftGroup = 4;

inline int round_up(int n, int m) { return (n + m - 1) / m * m; }

// Pixels of one axis paired by their mirror image about the centre: the
// offset from the centre is d = plus − c = c − minus >= 0. For an odd length
// the first pair is the centre pixel itself (plus == minus).
struct AxisFold {
  int length = 0;
  int pairs = 0;  // (length + 1) / 2
  int plus(int i) const { return length / 2 + i; }
  int minus(int i) const { return length - 1 - plus(i); }
  double offset(int i) const { return plus(i) - (length - 1) / 2.0; }
};

struct MomentTables {
  int width = 0;
  int height = 0;
  int side = 0;    // S = max(W, H)
  int radius = 0;  // R: largest |kx|, |ky| of any band
  AxisFold fold_x;
  AxisFold fold_y;
  // cos / sin(π·k·d/S) for k = 0..R and the fold offsets d. The row tables
  // are zero-padded to pitch_x = round_up(pairs_x, kDftGroup·kDftLanes)
  // columns and a multiple of kDftGroup rows; the column tables carry the
  // 1/N of the moments.
  int pitch_x = 0;
  std::vector<float> cos_x, sin_x;  // [round_up(R + 1, kDftGroup), pitch_x]
  std::vector<float> cos_y, sin_y;  // [R + 1, fold_y.pairs]
  // exp(j·π·k·c/S): the FFT puts the origin at pixel 0, the moments at c;
  // the x factors carry the 1/N.
  std::vector<std::complex<float>> centre_phase_x;  // [R + 1]
  std::vector<std::complex<float>> centre_phase_y;  // [2R + 1], ky = −R..R
  std::vector<int> band_at;                         // [R + 1]: the band of max(|kx|,|ky|) = r
  // FFT plans of length 2S whose wanted bins are those of bands 0..b.
  std::vector<PrunedFft> row_fft;     // [band_count]: along u, prefix W
  std::vector<PrunedFft> column_fft;  // [band_count]: along v, prefix H

  MomentTables(int width, int height, int band_count);

  bool in_bands(BandSet active, int kx, int ky) const {
    return active.contains(band_at[std::max(kx < 0 ? -kx : kx, ky < 0 ? -ky : ky)]);
  }
};

// A rectangle of the half-plane grid that a run of contiguous active bands
// covers: kx in [kx0, kx1] and both signs of ky for |ky| in [ky0, ky1].
struct FrequencyBlock {
  int kx0, kx1, ky0, ky1;
};

// At most two blocks per run of active bands, runs at least one band apart.
inline constexpr int kMaxFrequencyBlocks = 2 * ((kMaxBandCount + 1) / 2);

// The blocks of a band set, in a fixed-size array (computed per call, so
// it must not allocate).
struct FrequencyBlocks {
  std::array<FrequencyBlock, kMaxFrequencyBlocks> block;
  int count = 0;
  const FrequencyBlock* begin() const { return block.data(); }
  const FrequencyBlock* end() const { return block.data() + count; }
};
FrequencyBlocks frequency_blocks(BandSet active);

// The buffers of both paths for one thread (moments.hpp's MomentBuffers).
struct MomentScratch {
  // FFT path.
  std::vector<float> block;          // [2S, 2, kFftLanes]: one PrunedFft block
  std::vector<float> stage_scratch;  // [max radix + 1, kFftStride]
  std::vector<float> columns;        // [H, 2, npad]: the row pass's bins kx < npad, re then im
  std::vector<float> dummy;          // [W]: stands in for rows past the image
  // DFT path, J = round_up(2n, kDftLanes).
  std::vector<float> even, odd;            // [pitch_x] one folded image row
  std::vector<float> rows;                 // [H, J] row-stage output
  std::vector<float> rows_even, rows_odd;  // [pairs_y, J] folded over v
  std::vector<float> a, c;                 // [n, J] column-stage scratch of the adjoint
};

// The two paths (moment_paths.cpp).
void dft_forward(const MomentTables& t, const float* plane, BandSet active, std::complex<float>* grid,
                 MomentScratch& scratch);
void dft_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, float* plane,
                 MomentScratch& scratch);
void fft_forward(const MomentTables& t, const float* plane, BandSet active, std::complex<float>* grid,
                 MomentScratch& scratch);
void fft_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, float* plane,
                 MomentScratch& scratch);
// Sizes scratch for every band set of t.
void reserve_scratch(const MomentTables& t, MomentScratch& scratch);

}  // namespace splattrack::losses
