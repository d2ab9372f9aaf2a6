// The FFT path: M(k) = (1/N)·exp(jπ·kᵀc/S)·X(k mod 2S), X the DFT of the
// plane zero-padded to 2S × 2S. Real row FFTs of length 2S first, then
// complex FFTs of length 2S only along the columns kx = 0..R_active.
#include <opencv2/core.hpp>

#include "moment_tables.hpp"

namespace splattrack::losses {

namespace {

// Bin k (any integer) of a real row transformed by cv::dft into its packed
// CCS layout (Re0, Re1, Im1, ..., Re(L/2)) for even L.
std::complex<float> packed_bin(const float* row, int length, int k) {
  const int r = ((k % length) + length) % length;
  const int half = length / 2;
  if (r == 0) return {row[0], 0.0f};
  if (r == half) return {row[length - 1], 0.0f};
  if (r < half) return {row[2 * r - 1], row[2 * r]};
  return {row[2 * (length - r) - 1], -row[2 * (length - r)]};
}

// Adds z to bin k of a packed Hermitian row so that the inverse real DFT
// gains Re(z·exp(j2π·k·u/L)): the Hermitian pair of bin r carries half each.
void add_packed_bin(float* row, int length, int k, std::complex<float> z) {
  const int r = ((k % length) + length) % length;
  const int half = length / 2;
  if (r == 0) {
    row[0] += z.real();
  } else if (r == half) {
    row[length - 1] += z.real();
  } else {
    const std::complex<float> h = r < half ? 0.5f * z : 0.5f * std::conj(z);
    const int q = r < half ? r : length - r;
    row[2 * q - 1] += h.real();
    row[2 * q] += h.imag();
  }
}

int wrap(int k, int length) { return ((k % length) + length) % length; }

template <class F>
void for_each_active_entry(BandSet active, F&& f) {
  for (int b = 0; b <= active.highest(); ++b)
    if (active.contains(b)) for_each_grid_frequency(b, f);
}

}  // namespace

void fft_forward(const MomentTables& t, const float* plane, BandSet active, std::complex<float>* grid) {
  if (active.empty()) return;
  const int L = 2 * t.side;
  const int n = active.radius() + 1;
  cv::Mat rows(t.height, L, CV_32F, cv::Scalar(0));
  cv::Mat(t.height, t.width, CV_32F, const_cast<float*>(plane)).copyTo(rows.colRange(0, t.width));
  cv::dft(rows, rows, cv::DFT_ROWS);

  cv::Mat columns(n, L, CV_32FC2, cv::Scalar::all(0));  // row kx: bin kx of every image row
  for (int v = 0; v < t.height; ++v) {
    const float* row = rows.ptr<float>(v);
    for (int kx = 0; kx < n; ++kx) columns.at<std::complex<float>>(kx, v) = packed_bin(row, L, kx);
  }
  cv::dft(columns, columns, cv::DFT_ROWS);

  const int stride = 2 * t.radius + 1;
  const float inv_n = 1.0f / (static_cast<float>(t.width) * t.height);
  for_each_active_entry(active, [&](int kx, int ky) {
    const std::complex<float> x = columns.at<std::complex<float>>(kx, wrap(ky, L));
    grid[static_cast<std::size_t>(kx) * stride + t.radius + ky] =
        inv_n * t.centre_phase_x[kx] * t.centre_phase_y[ky + t.radius] * x;
  });
}

void fft_adjoint(const MomentTables& t, const std::complex<float>* weights, BandSet active, float* plane) {
  const int L = 2 * t.side;
  if (active.empty()) {
    std::fill(plane, plane + static_cast<std::size_t>(t.width) * t.height, 0.0f);
    return;
  }
  const int n = active.radius() + 1;
  // Σ_k Re(conj(g_k)·a_k(p)) with a_k(p) = (1/N)·exp(jπkᵀc/S)·exp(−j2πkᵀp/L):
  // the column pass is a forward DFT of d_k = conj(g_k)·exp(jπkᵀc/S)/N ...
  const int stride = 2 * t.radius + 1;
  const float inv_n = 1.0f / (static_cast<float>(t.width) * t.height);
  cv::Mat columns(n, L, CV_32FC2, cv::Scalar::all(0));
  for_each_active_entry(active, [&](int kx, int ky) {
    const std::complex<float> g = weights[static_cast<std::size_t>(kx) * stride + t.radius + ky];
    columns.at<std::complex<float>>(kx, wrap(ky, L)) +=
        inv_n * std::conj(g) * t.centre_phase_x[kx] * t.centre_phase_y[ky + t.radius];
  });
  cv::dft(columns, columns, cv::DFT_ROWS);

  // ... and the row pass Re Σ_kx T(kx, v)·exp(−j2π·kx·u/L) an inverse real
  // DFT of the Hermitian row holding conj(T).
  cv::Mat rows(t.height, L, CV_32F, cv::Scalar(0));
  for (int v = 0; v < t.height; ++v) {
    float* row = rows.ptr<float>(v);
    for (int kx = 0; kx < n; ++kx) add_packed_bin(row, L, kx, std::conj(columns.at<std::complex<float>>(kx, v)));
  }
  cv::dft(rows, rows, cv::DFT_ROWS | cv::DFT_INVERSE);
  rows.colRange(0, t.width).copyTo(cv::Mat(t.height, t.width, CV_32F, plane));
}

}  // namespace splattrack::losses
