// Internal: the SIMD kernels of the losses, built once per instruction set
// (losses/src/isa/, render/cmake/isa.cmake) and picked at run time, the
// build of active_isa() as for the renderer. Within a build every sum runs
// in an order fixed by the code, so results do not depend on the thread
// that computes them; the builds may round differently (x86-64-v3 has FMA).
// The kernels allocate nothing: callers hand them their buffers.
#pragma once

#include <complex>
#include <cstddef>

#include "fft.hpp"
#include "moment_tables.hpp"
#include "splattrack/losses/spatial.hpp"

namespace splattrack::losses {

// Buffers of one thread for one plane of the FFT path (moment_paths.cpp).
struct FftBuffers {
  float* block;          // [2S, 2, kFftLanes]: one PrunedFft block
  float* stage_scratch;  // [max radix + 1, kFftStride]: see PrunedFft::max_radix
  float* columns;        // [H, 2, npad]: the row pass's bins kx < npad of every row, re then im
  float* dummy;          // [W]: stands in for rows past the image
};

// Buffers of one thread for one plane of the DFT path, J = round_up(2n, kDftLanes).
struct DftBuffers {
  float* even;       // [pitch_x] one folded image row: x(plus) + x(minus)
  float* odd;        // [pitch_x] x(plus) − x(minus)
  float* rows;       // [H, J] row-stage output
  float* rows_even;  // [pairs_y, J] rows folded over v
  float* rows_odd;   // [pairs_y, J]
  float* a;          // [n, J] column-stage scratch of the adjoint
  float* c;          // [n, J]
};

// D-SSIM: taps of the window, and the partial sums per row lane_sums keeps.
inline constexpr int kSsimTaps = 2 * kSsimRadius + 1;
inline constexpr int kSsimSumLanes = 8;

struct LossKernels {
  // PrunedFft::forward / adjoint of one block (fft.hpp).
  void (*fft_block_forward)(const PrunedFft& fft, float* block, float* stage_scratch);
  void (*fft_block_adjoint)(const PrunedFft& fft, float* block, float* stage_scratch);
  // The moment paths (moment_tables.hpp) for the columns kx < n =
  // R_active + 1, the FFT path with npad = round_up(n, kFftLanes), the DFT
  // path over the active bands' frequency blocks with row pitch pitch_j.
  void (*fft_moments_forward)(const MomentTables& t, const float* plane, BandSet active, int n, int npad,
                              const FftBuffers& ws, std::complex<float>* grid);
  void (*fft_moments_adjoint)(const MomentTables& t, const std::complex<float>* weights, BandSet active, int n,
                              int npad, const FftBuffers& ws, float* plane);
  void (*dft_moments_forward)(const MomentTables& t, const float* plane, const FrequencyBlock* blocks, int block_count,
                              int n, int pitch_j, const DftBuffers& ws, std::complex<float>* grid);
  void (*dft_moments_adjoint)(const MomentTables& t, const std::complex<float>* weights, const FrequencyBlock* blocks,
                              int block_count, int n, int pitch_j, const DftBuffers& ws, float* plane);
  // Image planes (spectral_loss.cpp): planes[c][i] = src[i·channels + c]
  // over the pixels [begin, end), false when a value is NaN or infinite;
  // x[i] *= factor[i]; and out[i·channels + c] = planes[c][i].
  bool (*deinterleave)(const float* src, int channels, std::size_t begin, std::size_t end, float* const* planes);
  void (*multiply)(const float* factor, std::size_t n, float* x);
  void (*interleave)(const float* const* planes, int channels, std::size_t begin, std::size_t end, float* out);
  // D-SSIM rows (isa/ssim_rows.cpp), taps: [kSsimTaps], sums: [kSsimSumLanes].
  void (*filter_across)(const float* in, int length, int stride, const float* taps, float* out);
  void (*filter_down)(const float* const* rows, int length, const float* taps, float* out);
  void (*ssim_terms)(const float* mu_r, const float* mu_t, const float* e_rr, const float* e_tt, const float* e_rt,
                     int length, float dl_ds, float* ssim, float* d_mu, float* d_err, float* d_ert);
  void (*lane_sums)(const float* ssim, int length, double* sums);
  void (*chain_products)(const float* g_mu, const float* g_err, const float* g_ert, const float* r, const float* t,
                         int length, float* grad);
};

// The build of active_isa().
const LossKernels& kernels();

}  // namespace splattrack::losses
