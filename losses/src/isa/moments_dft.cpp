// The separable DFT path: both axes folded about the centre, so each table
// product touches half the pixels, and only the active (kx, ky) blocks are
// formed. Row stage: R(kx, v) = Σ_u x(v, u)·exp(−jπ·kx·(u − cx)/S) for
// kx = 0..R_active; column stage per block:
//   M(kx, ky) = (1/N)·Σ_v R(kx, v)·exp(−jπ·ky·(v − cy)/S).
// The products run on Float8 lanes of contiguous values with accumulators
// in registers (built per instruction set: AVX2 + FMA where present); every
// sum runs in an order fixed by the code, so results do not depend on the
// thread that computes them.
#include <algorithm>

#include "isa_kernels.hpp"
#include "simd.hpp"

namespace splattrack::losses::ST_ISA {

namespace {

constexpr int L = kDftLanes;
static_assert(L == kFloat8Lanes);

// e[i] = x[plus(i)] + x[minus(i)], o[i] = x[plus(i)] − x[minus(i)]; the
// centre pixel of an odd length is its own mirror (e = x, o = 0). The tail
// up to the table pitch is zero.
ST_ALWAYS_INLINE void fold_row(const AxisFold& f, int pitch, const float* row, float* __restrict e,
                               float* __restrict o) {
  const int first = f.length % 2;
  const float* plus = row + f.plus(0);
  const float* minus = row + f.minus(0);
  if (first == 1) {
    e[0] = plus[0];
    o[0] = 0.0f;
  }
  for (int i = first; i < f.pairs; ++i) {
    e[i] = plus[i] + minus[-i];
    o[i] = plus[i] - minus[-i];
  }
  for (int i = f.pairs; i < pitch; ++i) e[i] = o[i] = 0.0f;
}

// The transpose of fold_row: overwrites row.
ST_ALWAYS_INLINE void unfold_row(const AxisFold& f, const float* __restrict e, const float* __restrict o,
                                 float* __restrict row) {
  const int first = f.length % 2;
  float* plus = row + f.plus(0);
  float* minus = row + f.minus(0);
  if (first == 1) plus[0] = e[0];
  for (int i = first; i < f.pairs; ++i) {
    plus[i] = e[i] + o[i];
    minus[-i] = e[i] - o[i];
  }
}

// Row stage of kDftGroup frequencies of one folded row: out[2q] =
// Σ_i cos[q][i]·e[i], out[2q + 1] = −Σ_i sin[q][i]·o[i], the tables' rows
// `pitch` apart; only the first `count` are written (the others may be the
// tables' zero padding).
void row_products(const float* cos, const float* sin, int pitch, int count, const float* e,
                  const float* o, float* out) {
  Float8 cs[kDftGroup] = {}, sn[kDftGroup] = {};
  for (int i = 0; i < pitch; i += L) {
    const Float8 ev = *ptr8(e + i), ov = *ptr8(o + i);
    for (int q = 0; q < kDftGroup; ++q) {
      cs[q] += *ptr8(cos + q * pitch + i) * ev;
      sn[q] += *ptr8(sin + q * pitch + i) * ov;
    }
  }
  for (int q = 0; q < count; ++q) {
    out[2 * q] = sum8(cs[q]);
    out[2 * q + 1] = -sum8(sn[q]);
  }
}

void row_stage_forward(const MomentTables& t, const float* plane, int n, int pitch_j, const DftBuffers& ws) {
  for (int v = 0; v < t.height; ++v) {
    fold_row(t.fold_x, t.pitch_x, plane + static_cast<std::size_t>(v) * t.width, ws.even, ws.odd);
    float* out = ws.rows + static_cast<std::size_t>(v) * pitch_j;
    for (int kx = 0; kx < n; kx += kDftGroup) {
      const std::size_t table = static_cast<std::size_t>(kx) * t.pitch_x;
      row_products(t.cos_x.data() + table, t.sin_x.data() + table, t.pitch_x, std::min(kDftGroup, n - kx),
                   ws.even, ws.odd, out + 2 * kx);
    }
    std::fill(out + 2 * n, out + pitch_j, 0.0f);  // lanes the column stage reads past the last kx
  }
}

// Transpose of the row stage for kDftGroup lane groups of pairs of one row:
// e[i] = Σ_kx in[2kx]·cos[kx][i], o[i] = −Σ_kx in[2kx + 1]·sin[kx][i].
void row_products_adjoint(const float* cos, const float* sin, int pitch, int n, const float* in,
                          float* e, float* o) {
  Float8 es[kDftGroup] = {}, os[kDftGroup] = {};
  for (int kx = 0; kx < n; ++kx) {
    const float re = in[2 * kx], im = -in[2 * kx + 1];
    for (int g = 0; g < kDftGroup; ++g) {
      es[g] += re * *ptr8(cos + kx * pitch + g * L);
      os[g] += im * *ptr8(sin + kx * pitch + g * L);
    }
  }
  for (int g = 0; g < kDftGroup; ++g) {
    *ptr8(e + g * L) = es[g];
    *ptr8(o + g * L) = os[g];
  }
}

void row_stage_adjoint(const MomentTables& t, float* plane, int n, int pitch_j, const DftBuffers& ws) {
  for (int v = 0; v < t.height; ++v) {
    const float* in = ws.rows + static_cast<std::size_t>(v) * pitch_j;
    for (int i = 0; i < t.pitch_x; i += kDftGroup * L)
      row_products_adjoint(t.cos_x.data() + i, t.sin_x.data() + i, t.pitch_x, n, in, ws.even + i,
                           ws.odd + i);
    unfold_row(t.fold_x, ws.even, ws.odd, plane + static_cast<std::size_t>(v) * t.width);
  }
}

// Fold the row-stage output over v: rows_even / rows_odd [pairs_y, J].
void fold_columns(const AxisFold& f, int pitch_j, const DftBuffers& ws) {
  const int first = f.length % 2;
  for (int i = 0; i < f.pairs; ++i) {
    const float* __restrict plus = ws.rows + static_cast<std::size_t>(f.plus(i)) * pitch_j;
    const float* __restrict minus = ws.rows + static_cast<std::size_t>(f.minus(i)) * pitch_j;
    float* __restrict e = ws.rows_even + static_cast<std::size_t>(i) * pitch_j;
    float* __restrict o = ws.rows_odd + static_cast<std::size_t>(i) * pitch_j;
    if (i < first) {
      std::copy_n(plus, pitch_j, e);
      std::fill_n(o, pitch_j, 0.0f);
      continue;
    }
    for (int j = 0; j < pitch_j; ++j) {
      e[j] = plus[j] + minus[j];
      o[j] = plus[j] - minus[j];
    }
  }
}

void unfold_columns(const AxisFold& f, int pitch_j, const DftBuffers& ws) {
  const int first = f.length % 2;
  for (int i = 0; i < f.pairs; ++i) {
    float* __restrict plus = ws.rows + static_cast<std::size_t>(f.plus(i)) * pitch_j;
    float* __restrict minus = ws.rows + static_cast<std::size_t>(f.minus(i)) * pitch_j;
    const float* __restrict e = ws.rows_even + static_cast<std::size_t>(i) * pitch_j;
    const float* __restrict o = ws.rows_odd + static_cast<std::size_t>(i) * pitch_j;
    if (i < first) {
      std::copy_n(e, pitch_j, plus);
      continue;
    }
    for (int j = 0; j < pitch_j; ++j) {
      plus[j] = e[j] + o[j];
      minus[j] = e[j] - o[j];
    }
  }
}

// Column stage of one block: for each ky, the lane groups of j in the
// block's columns: A = Σ_v cos_y·rows_even, B = Σ_v sin_y·rows_odd, then
// M(kx, ±ky) = A ∓ j·B.
void column_block_forward(const MomentTables& t, const FrequencyBlock& b, int pitch_j,
                          const DftBuffers& ws, std::complex<float>* grid) {
  const int pairs = t.fold_y.pairs;
  const int stride = 2 * t.radius + 1;
  const int j0 = 2 * b.kx0 / L * L, j1 = 2 * (b.kx1 + 1);
  for (int ky = b.ky0; ky <= b.ky1; ++ky) {
    const float* cos = t.cos_y.data() + static_cast<std::size_t>(ky) * pairs;
    const float* sin = t.sin_y.data() + static_cast<std::size_t>(ky) * pairs;
    for (int j = j0; j < j1; j += L) {
      Float8 a = {}, c = {};
      for (int v = 0; v < pairs; ++v) {
        a += cos[v] * *ptr8(ws.rows_even + static_cast<std::size_t>(v) * pitch_j + j);
        c += sin[v] * *ptr8(ws.rows_odd + static_cast<std::size_t>(v) * pitch_j + j);
      }
      for (int l = 0; l < L; l += 2) {
        const int kx = (j + l) / 2;
        if (kx < b.kx0 || kx > b.kx1) continue;
        std::complex<float>* column = grid + static_cast<std::size_t>(kx) * stride + t.radius;
        column[ky] = {a[l] + c[l + 1], a[l + 1] - c[l]};
        column[-ky] = {a[l] - c[l + 1], a[l + 1] + c[l]};
      }
    }
  }
}

// Transpose of column_block_forward: a weight g+ on M(+ky) and g− on
// M(−ky) pull on A with g+ + g− and on B with j·(g+ − g−) (as real pairs);
// they accumulate into rows_even / rows_odd.
void column_block_adjoint(const MomentTables& t, const FrequencyBlock& b, int pitch_j,
                          const std::complex<float>* weights, const DftBuffers& ws) {
  const int pairs = t.fold_y.pairs;
  const int stride = 2 * t.radius + 1;
  const int rows = b.ky1 - b.ky0 + 1;
  const int j0 = 2 * b.kx0 / L * L, j1 = round_up(2 * (b.kx1 + 1), L);
  float* a = ws.a;  // [rows, J]
  float* c = ws.c;
  for (int i = 0; i < rows; ++i) {
    std::fill_n(a + static_cast<std::size_t>(i) * pitch_j + j0, j1 - j0, 0.0f);
    std::fill_n(c + static_cast<std::size_t>(i) * pitch_j + j0, j1 - j0, 0.0f);
  }
  for (int kx = b.kx0; kx <= b.kx1; ++kx) {
    const std::complex<float>* column = weights + static_cast<std::size_t>(kx) * stride + t.radius;
    for (int ky = b.ky0; ky <= b.ky1; ++ky) {
      const std::complex<float> gp = column[ky];
      const std::complex<float> gm = ky == 0 ? std::complex<float>{} : column[-ky];
      const std::size_t at = static_cast<std::size_t>(ky - b.ky0) * pitch_j + 2 * kx;
      a[at] = gp.real() + gm.real();
      a[at + 1] = gp.imag() + gm.imag();
      c[at] = gm.imag() - gp.imag();
      c[at + 1] = gp.real() - gm.real();
    }
  }
  for (int v = 0; v < pairs; ++v) {
    float* __restrict e = ws.rows_even + static_cast<std::size_t>(v) * pitch_j;
    float* __restrict o = ws.rows_odd + static_cast<std::size_t>(v) * pitch_j;
    for (int j = j0; j < j1; j += L) {
      Float8 se = *ptr8(e + j), so = *ptr8(o + j);
      for (int i = 0; i < rows; ++i) {
        se += t.cos_y[static_cast<std::size_t>(b.ky0 + i) * pairs + v] *
              *ptr8(a + static_cast<std::size_t>(i) * pitch_j + j);
        so += t.sin_y[static_cast<std::size_t>(b.ky0 + i) * pairs + v] *
              *ptr8(c + static_cast<std::size_t>(i) * pitch_j + j);
      }
      *ptr8(e + j) = se;
      *ptr8(o + j) = so;
    }
  }
}

}  // namespace

void dft_moments_forward(const MomentTables& t, const float* plane, const FrequencyBlock* blocks, int block_count,
                         int n, int pitch_j, const DftBuffers& ws, std::complex<float>* grid) {
  row_stage_forward(t, plane, n, pitch_j, ws);
  fold_columns(t.fold_y, pitch_j, ws);
  for (int i = 0; i < block_count; ++i) column_block_forward(t, blocks[i], pitch_j, ws, grid);
}

void dft_moments_adjoint(const MomentTables& t, const std::complex<float>* weights, const FrequencyBlock* blocks,
                         int block_count, int n, int pitch_j, const DftBuffers& ws, float* plane) {
  const std::size_t folded = static_cast<std::size_t>(t.fold_y.pairs) * pitch_j;
  std::fill_n(ws.rows_even, folded, 0.0f);
  std::fill_n(ws.rows_odd, folded, 0.0f);
  for (int i = 0; i < block_count; ++i) column_block_adjoint(t, blocks[i], pitch_j, weights, ws);
  unfold_columns(t.fold_y, pitch_j, ws);
  row_stage_adjoint(t, plane, n, pitch_j, ws);
}

}  // namespace splattrack::losses::ST_ISA
