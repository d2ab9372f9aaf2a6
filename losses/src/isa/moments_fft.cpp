// The FFT path: M(k) = (1/N)·exp(jπ·kᵀc/S)·X(k mod 2S), X the DFT of the
// plane zero-padded to 2S × 2S. Row pass: the image rows, two real rows per
// complex lane (real and imaginary part), kFftLanes lanes per transform,
// keeping the bins ±kx <= R_active; column pass: the columns kx = 0..R_active,
// kFftLanes per transform, keeping ky in [−R_active, R_active]. The adjoint
// runs the transposes in reverse order.
#include <algorithm>

#include "isa_kernels.hpp"
#include "simd.hpp"

namespace splattrack::losses::ST_ISA {

namespace {

constexpr int B = kFftLanes;
constexpr int S = kFftStride;
constexpr int kRowsPerBlock = 2 * B;  // real rows packed into one block
static_assert(B == kFloat8Lanes);

// The 2B image rows of block v0 (the dummy row past the image).
template <class Row>
ST_ALWAYS_INLINE void block_rows(const MomentTables& t, int v0, Row* base, Row* dummy, Row* rows[kRowsPerBlock]) {
  for (int c = 0; c < kRowsPerBlock; ++c)
    rows[c] = v0 + c < t.height ? base + static_cast<std::size_t>(v0 + c) * t.width : dummy;
}

// block[u][c] = rows[c][u] (IntoBlock: the 2B rows become the lanes, real
// parts then imaginary parts) or back, for u < width, in 8 × 8 tiles.
template <bool IntoBlock, class Row>
ST_ALWAYS_INLINE void move_rows(Row* const* rows, int width, float* block) {
  int u0 = 0;
  for (; u0 + B <= width; u0 += B)
    for (int g = 0; g < kRowsPerBlock; g += B) {
      Row* row_side[B];
      float* lane_side[B];
      for (int i = 0; i < B; ++i) {
        row_side[i] = rows[g + i] + u0;
        lane_side[i] = block + static_cast<std::size_t>(u0 + i) * S + g;
      }
      if constexpr (IntoBlock)
        transpose8(row_side, lane_side);
      else
        transpose8(lane_side, row_side);
    }
  for (int c = 0; c < kRowsPerBlock; ++c)
    for (int u = u0; u < width; ++u) {
      float& lane = block[static_cast<std::size_t>(u) * S + c];
      if constexpr (IntoBlock)
        lane = rows[c][u];
      else
        rows[c][u] = lane;
    }
}

// Rows of the row-pass output of block v0; nullptr past the image.
ST_ALWAYS_INLINE float* column_row(const MomentTables& t, int v, int npad, float* columns) {
  return v < t.height ? columns + static_cast<std::size_t>(v) * 2 * npad : nullptr;
}

void row_pass_forward(const MomentTables& t, const PrunedFft& fft, const float* plane, int n, int npad,
                      const FftBuffers& ws) {
  float* block = ws.block;
  const int* at = fft.wanted_positions().data() + (n - 1);  // at[k], k = −R_active..R_active
  std::fill_n(ws.dummy, t.width, 0.0f);
  for (int v0 = 0; v0 < t.height; v0 += kRowsPerBlock) {
    const float* rows[kRowsPerBlock];
    block_rows<const float>(t, v0, plane, ws.dummy, rows);
    move_rows<true>(rows, t.width, block);
    fft_block_forward(fft, block, ws.stage_scratch);
    // z = a + j·b for the rows a (lane c) and b (lane c + B), so
    // A(k) = (Z(k) + conj Z(−k))/2 and B(k) = (Z(k) − conj Z(−k))/(2j).
    float* out[kRowsPerBlock];
    for (int c = 0; c < kRowsPerBlock; ++c) out[c] = column_row(t, v0 + c, npad, ws.columns);
    for (int kx = 0; kx < n; ++kx) {
      const float* z = block + static_cast<std::size_t>(at[kx]) * S;
      const float* zm = block + static_cast<std::size_t>(at[-kx]) * S;
      const Float8 zr = *ptr8(z), zi = *ptr8(z + B), mr = *ptr8(zm), mi = *ptr8(zm + B);
      float re[kRowsPerBlock], im[kRowsPerBlock];
      *ptr8(re) = 0.5f * (zr + mr);
      *ptr8(im) = 0.5f * (zi - mi);
      *ptr8(re + B) = 0.5f * (zi + mi);
      *ptr8(im + B) = 0.5f * (mr - zr);
      for (int c = 0; c < kRowsPerBlock; ++c)
        if (out[c] != nullptr) {
          out[c][kx] = re[c];
          out[c][npad + kx] = im[c];
        }
    }
    for (float* row : out)
      if (row != nullptr) {
        std::fill(row + n, row + npad, 0.0f);  // lanes the column pass transforms past the last kx
        std::fill(row + npad + n, row + 2 * npad, 0.0f);
      }
  }
}

// The phases exp(jπ·kx·cx/S)/N of the lanes kx0 + c (0 past R_active).
ST_ALWAYS_INLINE void lane_phases(const MomentTables& t, int kx0, int ra, Float8& re, Float8& im) {
  for (int c = 0; c < B; ++c) {
    const bool in = kx0 + c <= ra;
    re[c] = in ? t.centre_phase_x[kx0 + c].real() : 0.0f;
    im[c] = in ? t.centre_phase_x[kx0 + c].imag() : 0.0f;
  }
}

// Bands 0..highest all active: every grid entry within R_active is wanted.
ST_ALWAYS_INLINE bool dense_bands(BandSet active) { return active.bits == BandSet::all(active.highest() + 1).bits; }

void column_pass_forward(const MomentTables& t, const PrunedFft& fft, BandSet active, int n, int npad,
                         const FftBuffers& ws, std::complex<float>* grid) {
  float* block = ws.block;
  const int ra = n - 1;
  const int* at = fft.wanted_positions().data() + ra;
  const int stride = 2 * t.radius + 1;
  const bool all = dense_bands(active);
  for (int kx0 = 0; kx0 < n; kx0 += B) {
    for (int v = 0; v < t.height; ++v) {
      const float* row = ws.columns + static_cast<std::size_t>(v) * 2 * npad;
      float* to = block + static_cast<std::size_t>(v) * S;
      for (int c = 0; c < B; ++c) {
        to[c] = row[kx0 + c];
        to[c + B] = row[npad + kx0 + c];
      }
    }
    fft_block_forward(fft, block, ws.stage_scratch);
    Float8 px, qx;
    lane_phases(t, kx0, ra, px, qx);
    const int lanes = std::min(B, n - kx0);
    for (int ky = -ra; ky <= ra; ++ky) {
      const float* x = block + static_cast<std::size_t>(at[ky]) * S;
      const float py = t.centre_phase_y[ky + t.radius].real(), qy = t.centre_phase_y[ky + t.radius].imag();
      const Float8 pr = px * py - qx * qy, pi = px * qy + qx * py;  // phase_x·phase_y
      const Float8 xr = *ptr8(x), xi = *ptr8(x + B);
      float re[B], im[B];
      *ptr8(re) = pr * xr - pi * xi;
      *ptr8(im) = pr * xi + pi * xr;
      std::complex<float>* out = grid + static_cast<std::size_t>(kx0) * stride + t.radius + ky;
      for (int c = 0; c < lanes; ++c)
        if (all || t.in_bands(active, kx0 + c, ky)) out[static_cast<std::size_t>(c) * stride] = {re[c], im[c]};
    }
  }
}

// Transpose of column_pass_forward: the conjugated phases and 1/N, an
// adjoint column FFT per group of kx, into ws.columns.
void column_pass_adjoint(const MomentTables& t, const PrunedFft& fft, BandSet active, int n, int npad,
                         const std::complex<float>* weights, const FftBuffers& ws) {
  float* block = ws.block;
  const int ra = n - 1;
  const int* at = fft.wanted_positions().data() + ra;
  const int stride = 2 * t.radius + 1;
  const bool all = dense_bands(active);
  for (int kx0 = 0; kx0 < n; kx0 += B) {
    for (int ky = -ra; ky <= ra; ++ky) std::fill_n(block + static_cast<std::size_t>(at[ky]) * S, S, 0.0f);
    Float8 px, qx;
    lane_phases(t, kx0, ra, px, qx);
    const int lanes = std::min(B, n - kx0);
    for (int ky = -ra; ky <= ra; ++ky) {
      const std::complex<float>* g = weights + static_cast<std::size_t>(kx0) * stride + t.radius + ky;
      float gr[B] = {}, gi[B] = {};
      for (int c = 0; c < lanes; ++c)
        if (all || t.in_bands(active, kx0 + c, ky)) {
          gr[c] = g[static_cast<std::size_t>(c) * stride].real();
          gi[c] = g[static_cast<std::size_t>(c) * stride].imag();
        }
      float* x = block + static_cast<std::size_t>(at[ky]) * S;
      const float py = t.centre_phase_y[ky + t.radius].real(), qy = t.centre_phase_y[ky + t.radius].imag();
      const Float8 pr = px * py - qx * qy, pi = px * qy + qx * py;
      const Float8 wr = *ptr8(gr), wi = *ptr8(gi);
      // conj(phase_x·phase_y)·g; several ky share a bin when 2R_active >= 2S
      *ptr8(x) = *ptr8(x) + pr * wr + pi * wi;
      *ptr8(x + B) = *ptr8(x + B) + pr * wi - pi * wr;
    }
    fft_block_adjoint(fft, block, ws.stage_scratch);
    for (int v = 0; v < t.height; ++v) {
      float* row = ws.columns + static_cast<std::size_t>(v) * 2 * npad;
      const float* from = block + static_cast<std::size_t>(v) * S;
      for (int c = 0; c < B; ++c) {
        row[kx0 + c] = from[c];
        row[npad + kx0 + c] = from[c + B];
      }
    }
  }
}

// Transpose of row_pass_forward: row a gets Re Σ_kx A(kx)·exp(2πj·kx·u/L),
// the inverse transform of the Hermitian spectrum A(kx)/2 at kx,
// conj A(kx)/2 at −kx; row b rides in the imaginary part.
void row_pass_adjoint(const MomentTables& t, const PrunedFft& fft, int n, int npad, const FftBuffers& ws,
                      float* plane) {
  float* block = ws.block;
  const int ra = n - 1;
  const int* at = fft.wanted_positions().data() + ra;
  for (int v0 = 0; v0 < t.height; v0 += kRowsPerBlock) {
    for (int kx = -ra; kx <= ra; ++kx) std::fill_n(block + static_cast<std::size_t>(at[kx]) * S, S, 0.0f);
    const float* in[kRowsPerBlock];
    for (int c = 0; c < kRowsPerBlock; ++c) in[c] = column_row(t, v0 + c, npad, ws.columns);
    for (int kx = 0; kx < n; ++kx) {
      float re[kRowsPerBlock], im[kRowsPerBlock];
      for (int c = 0; c < kRowsPerBlock; ++c) {
        re[c] = in[c] != nullptr ? in[c][kx] : 0.0f;
        im[c] = in[c] != nullptr ? in[c][npad + kx] : 0.0f;
      }
      float* z = block + static_cast<std::size_t>(at[kx]) * S;
      float* zm = block + static_cast<std::size_t>(at[-kx]) * S;
      const Float8 ar = *ptr8(re), ai = *ptr8(im), br = *ptr8(re + B), bi = *ptr8(im + B);
      *ptr8(z) = *ptr8(z) + 0.5f * (ar - bi);  // (A + j·B)/2
      *ptr8(z + B) = *ptr8(z + B) + 0.5f * (ai + br);
      *ptr8(zm) = *ptr8(zm) + 0.5f * (ar + bi);  // (conj A + j·conj B)/2
      *ptr8(zm + B) = *ptr8(zm + B) + 0.5f * (br - ai);
    }
    fft_block_adjoint(fft, block, ws.stage_scratch);
    float* rows[kRowsPerBlock];
    block_rows(t, v0, plane, ws.dummy, rows);
    move_rows<false>(rows, t.width, block);
  }
}

}  // namespace

void fft_moments_forward(const MomentTables& t, const float* plane, BandSet active, int n, int npad,
                         const FftBuffers& ws, std::complex<float>* grid) {
  row_pass_forward(t, t.row_fft[active.highest()], plane, n, npad, ws);
  column_pass_forward(t, t.column_fft[active.highest()], active, n, npad, ws, grid);
}

void fft_moments_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, int n, int npad,
                         const FftBuffers& ws, float* plane) {
  column_pass_adjoint(t, t.column_fft[active.highest()], active, n, npad, weights, ws);
  row_pass_adjoint(t, t.row_fft[active.highest()], n, npad, ws, plane);
}

}  // namespace splattrack::losses::ST_ISA
