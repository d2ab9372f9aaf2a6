// The separable DFT path: both axes folded about the centre, so each table
// product touches half the pixels, and only the active (kx, ky) blocks are
// formed. Row stage: R(kx, v) = Σ_u x(v, u)·exp(−jπ·kx·(u − cx)/S) for
// kx = 0..R_active; column stage per block: M(kx, ky) = (1/N)·Σ_v R(kx, v)·exp(−jπ·ky·(v − cy)/S).
#include <Eigen/Core>

#include "moment_tables.hpp"

namespace splattrack::losses {

namespace {

using StridedRows = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;
using ConstStridedRows = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;

// even/odd[r][i] = in[r][plus(i)] ± in[r][minus(i)]; the centre pixel of an
// odd length is its own mirror: even = in, odd = 0.
void fold(const AxisFold& f, const float* in, int rows, RowMatrix& even, RowMatrix& odd) {
  even.resize(rows, f.pairs);
  odd.resize(rows, f.pairs);
  const int first = f.length % 2;  // pairs before this one are the centre
  for (int r = 0; r < rows; ++r) {
    const float* plus = in + static_cast<std::size_t>(r) * f.length + f.plus(0);
    const float* minus = in + static_cast<std::size_t>(r) * f.length + f.minus(0);
    float* e = &even(r, 0);
    float* o = &odd(r, 0);
    if (first == 1) {
      e[0] = plus[0];
      o[0] = 0.0f;
    }
    for (int i = first; i < f.pairs; ++i) {
      e[i] = plus[i] + minus[-i];
      o[i] = plus[i] - minus[-i];
    }
  }
}

// The transpose of fold(): overwrites out ([rows, f.length]).
void unfold(const AxisFold& f, const RowMatrix& even, const RowMatrix& odd, float* out) {
  const int first = f.length % 2;
  for (Eigen::Index r = 0; r < even.rows(); ++r) {
    float* plus = out + static_cast<std::size_t>(r) * f.length + f.plus(0);
    float* minus = out + static_cast<std::size_t>(r) * f.length + f.minus(0);
    const float* e = &even(r, 0);
    const float* o = &odd(r, 0);
    if (first == 1) plus[0] = e[0];
    for (int i = first; i < f.pairs; ++i) {
      plus[i] = e[i] + o[i];
      minus[-i] = e[i] - o[i];
    }
  }
}

// Buffers of one thread, kept between calls: at 256² they are 100–300 kB
// each, and fresh ones cost page faults comparable to the band-0 work.
struct Workspace {
  RowMatrix even, odd;            // [H, pairs_x] folded image rows
  RowMatrix rows;                 // [2n, H] row-stage output
  RowMatrix rows_even, rows_odd;  // [2n, pairs_y] folded row-stage output
};

Workspace& workspace() {
  static thread_local Workspace ws;
  return ws;
}

int block_rows(const FrequencyBlock& b) { return b.ky1 - b.ky0 + 1; }
int block_cols(const FrequencyBlock& b) { return b.kx1 - b.kx0 + 1; }

}  // namespace

void dft_forward(const MomentTables& t, const float* plane, BandSet active, std::complex<float>* grid) {
  if (active.empty()) return;
  const int n = active.radius() + 1;  // columns kx = 0..R_active
  const int H = t.height;
  auto& [even, odd, rows, rows_even, rows_odd] = workspace();
  fold(t.fold_x, plane, H, even, odd);

  // [2n, H]: row 2kx = Re R(kx, ·), row 2kx + 1 = Im R(kx, ·).
  rows.resize(2 * n, H);
  StridedRows(rows.data(), n, H, Eigen::OuterStride<>(2 * H)).noalias() =
      t.cos_x.topRows(n) * even.transpose();
  StridedRows(rows.data() + H, n, H, Eigen::OuterStride<>(2 * H)).noalias() =
      -t.sin_x.topRows(n) * odd.transpose();

  fold(t.fold_y, rows.data(), 2 * n, rows_even, rows_odd);

  const int stride = 2 * t.radius + 1;
  for (const FrequencyBlock& b : frequency_blocks(active)) {
    // Splitting exp(−jθ) = cos θ − j·sin θ over the folded columns:
    // M(kx, ±ky) = A ∓ j·B with A = Σ cos·even(R), B = Σ sin·odd(R).
    const RowMatrix a = t.cos_y.middleRows(b.ky0, block_rows(b)) *
                        rows_even.middleRows(2 * b.kx0, 2 * block_cols(b)).transpose();
    const RowMatrix c = t.sin_y.middleRows(b.ky0, block_rows(b)) *
                        rows_odd.middleRows(2 * b.kx0, 2 * block_cols(b)).transpose();
    for (int kx = b.kx0; kx <= b.kx1; ++kx) {
      const int j = 2 * (kx - b.kx0);
      for (int ky = b.ky0; ky <= b.ky1; ++ky) {
        const int i = ky - b.ky0;
        const std::complex<float> ma(a(i, j), a(i, j + 1));
        const std::complex<float> mb(c(i, j), c(i, j + 1));
        std::complex<float>* column = grid + static_cast<std::size_t>(kx) * stride + t.radius;
        column[ky] = ma - std::complex<float>(0, 1) * mb;
        column[-ky] = ma + std::complex<float>(0, 1) * mb;
      }
    }
  }
}

void dft_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, float* plane) {
  const int W = t.width;
  const int H = t.height;
  if (active.empty()) {
    std::fill(plane, plane + static_cast<std::size_t>(W) * H, 0.0f);
    return;
  }
  const int n = active.radius() + 1;
  auto& [even, odd, rows, rows_even, rows_odd] = workspace();
  rows_even.setZero(2 * n, t.fold_y.pairs);
  rows_odd.setZero(2 * n, t.fold_y.pairs);

  const int stride = 2 * t.radius + 1;
  for (const FrequencyBlock& b : frequency_blocks(active)) {
    // Transpose of M(±ky) = A ∓ j·B: a weight g+ on M(+ky) and g− on M(−ky)
    // pull on A with g+ + g− and on B with j·(g+ − g−) (as real pairs).
    RowMatrix a(block_rows(b), 2 * block_cols(b));
    RowMatrix c(block_rows(b), 2 * block_cols(b));
    for (int kx = b.kx0; kx <= b.kx1; ++kx) {
      const int j = 2 * (kx - b.kx0);
      const std::complex<float>* column = weights + static_cast<std::size_t>(kx) * stride + t.radius;
      for (int ky = b.ky0; ky <= b.ky1; ++ky) {
        const int i = ky - b.ky0;
        const std::complex<float> gp = column[ky];
        const std::complex<float> gm = ky == 0 ? std::complex<float>{} : column[-ky];
        const std::complex<float> ga = gp + gm;
        const std::complex<float> gb = gp - gm;
        a(i, j) = ga.real();
        a(i, j + 1) = ga.imag();
        c(i, j) = -gb.imag();
        c(i, j + 1) = gb.real();
      }
    }
    rows_even.middleRows(2 * b.kx0, 2 * block_cols(b)).noalias() +=
        a.transpose() * t.cos_y.middleRows(b.ky0, block_rows(b));
    rows_odd.middleRows(2 * b.kx0, 2 * block_cols(b)).noalias() +=
        c.transpose() * t.sin_y.middleRows(b.ky0, block_rows(b));
  }

  rows.resize(2 * n, H);
  unfold(t.fold_y, rows_even, rows_odd, rows.data());

  even.resize(H, t.fold_x.pairs);
  odd.resize(H, t.fold_x.pairs);
  even.noalias() = ConstStridedRows(rows.data(), n, H, Eigen::OuterStride<>(2 * H)).transpose() *
                   t.cos_x.topRows(n);
  odd.noalias() = -ConstStridedRows(rows.data() + H, n, H, Eigen::OuterStride<>(2 * H)).transpose() *
                  t.sin_x.topRows(n);
  unfold(t.fold_x, even, odd, plane);
}

}  // namespace splattrack::losses
