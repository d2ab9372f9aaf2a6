// The two moment paths (moment_tables.hpp) around their kernels: the
// buffers are the caller's MomentScratch, grown to what a call needs and
// kept (at 256² they are 100–300 kB each, and fresh ones cost page faults
// comparable to the band-0 work).
#include <algorithm>
#include <vector>

#include "kernels.hpp"

namespace splattrack::losses {

namespace {

float* at_least(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

// npad = round_up(n, kFftLanes) for the columns kx < n.
FftBuffers fft_buffers(const MomentTables& t, int npad, MomentScratch& s) {
  int max_radix = 2;
  for (std::size_t b = 0; b < t.row_fft.size(); ++b)
    max_radix = std::max({max_radix, t.row_fft[b].max_radix(), t.column_fft[b].max_radix()});
  return {at_least(s.block, static_cast<std::size_t>(2 * t.side) * kFftStride),
          at_least(s.stage_scratch, static_cast<std::size_t>(max_radix + 1) * kFftStride),
          at_least(s.columns, static_cast<std::size_t>(t.height) * 2 * npad), at_least(s.dummy, t.width)};
}

// pitch_j = round_up(2n, kDftLanes) for the columns kx < n.
DftBuffers dft_buffers(const MomentTables& t, int n, int pitch_j, MomentScratch& s) {
  const std::size_t folded = static_cast<std::size_t>(t.fold_y.pairs) * pitch_j;
  const std::size_t block = static_cast<std::size_t>(n) * pitch_j;
  return {at_least(s.even, t.pitch_x),    at_least(s.odd, t.pitch_x),
          at_least(s.rows, static_cast<std::size_t>(t.height) * pitch_j),
          at_least(s.rows_even, folded), at_least(s.rows_odd, folded),
          at_least(s.a, block),           at_least(s.c, block)};
}

int fft_pad(int n) { return round_up(n, kFftLanes); }
int dft_pitch(int n) { return round_up(2 * n, kDftLanes); }

void zero_plane(const MomentTables& t, float* plane) {
  std::fill(plane, plane + static_cast<std::size_t>(t.width) * t.height, 0.0f);
}

}  // namespace

void fft_forward(const MomentTables& t, const float* plane, BandSet active, std::complex<float>* grid,
                 MomentScratch& scratch) {
  if (active.empty()) return;
  const int n = active.radius() + 1;  // columns kx = 0..R_active
  kernels().fft_moments_forward(t, plane, active, n, fft_pad(n), fft_buffers(t, fft_pad(n), scratch), grid);
}

void fft_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, float* plane,
                 MomentScratch& scratch) {
  if (active.empty()) {
    zero_plane(t, plane);
    return;
  }
  const int n = active.radius() + 1;
  kernels().fft_moments_adjoint(t, weights, active, n, fft_pad(n), fft_buffers(t, fft_pad(n), scratch), plane);
}

void dft_forward(const MomentTables& t, const float* plane, BandSet active, std::complex<float>* grid,
                 MomentScratch& scratch) {
  if (active.empty()) return;
  const int n = active.radius() + 1;
  const FrequencyBlocks blocks = frequency_blocks(active);
  kernels().dft_moments_forward(t, plane, blocks.begin(), blocks.count, n, dft_pitch(n),
                                dft_buffers(t, n, dft_pitch(n), scratch), grid);
}

void dft_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, float* plane,
                 MomentScratch& scratch) {
  if (active.empty()) {
    zero_plane(t, plane);
    return;
  }
  const int n = active.radius() + 1;
  const FrequencyBlocks blocks = frequency_blocks(active);
  kernels().dft_moments_adjoint(t, weights, blocks.begin(), blocks.count, n, dft_pitch(n),
                                dft_buffers(t, n, dft_pitch(n), scratch), plane);
}

// The buffers grow with the number of columns n = R_active + 1, largest
// with every band.
void reserve_scratch(const MomentTables& t, MomentScratch& scratch) {
  const int n = t.radius + 1;
  fft_buffers(t, fft_pad(n), scratch);
  dft_buffers(t, n, dft_pitch(n), scratch);
}

}  // namespace splattrack::losses
