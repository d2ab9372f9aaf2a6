// Spectral moments of one image size (METHOD.md §4):
//   M(k; I) = (1/N) Σ_p I(p) · exp(−j·(π/2)·kᵀp̂),  p̂ = (p − c)/(S/2),
// pixel centres p = (u, v), c = ((W−1)/2, (H−1)/2), S = max(W, H), N = W·H.
// The phase step per pixel is π·k/S, so M(k) is, up to the phase of the
// centre offset, the DFT of the image zero-padded to 2S × 2S at bin k.
//
// Two exact ways to compute the moments of the active bands of one plane:
//  - kFft: row FFTs of length 2S (two real rows per complex transform),
//    then column FFTs of the columns kx <= R only, both pruned to the
//    non-zero inputs and the wanted outputs (losses/src/fft.hpp);
//  - kDft: the separable DFT restricted to the active frequencies: rows are
//    folded about the centre (cos is even, sin odd), multiplied by the
//    cos/sin tables of kx = 0..R, then the same per column, only for the
//    (kx, ky) blocks the active bands cover.
// kAuto picks the one the cost model (cost_model.cpp) predicts faster.
#pragma once

#include <complex>
#include <memory>

#include "splattrack/losses/bands.hpp"

namespace splattrack::losses {

enum class MomentPath { kAuto, kFft, kDft };
const char* to_string(MomentPath path);

struct MomentTables;
struct MomentScratch;

// The buffers forward() and adjoint() work in, for one thread at a time.
// They grow to what a call needs and are kept: a caller that keeps one per
// thread, sized by MomentTransform::reserve(), allocates nothing per call.
class MomentBuffers {
 public:
  MomentBuffers();
  ~MomentBuffers();
  MomentBuffers(MomentBuffers&&) noexcept;
  MomentBuffers& operator=(MomentBuffers&&) noexcept;

 private:
  friend class MomentTransform;
  std::unique_ptr<MomentScratch> scratch_;
};

// Throws std::invalid_argument, naming `who`, on a non-positive size or a
// band count outside [1, kMaxBandCount] (every moment transform's check).
void check_moment_size(int width, int height, int band_count, const char* who);

class MomentTransform {
 public:
  // Throws std::invalid_argument on a non-positive size or a band count
  // outside [1, kMaxBandCount].
  MomentTransform(int width, int height, int band_count = kDefaultBandCount);

  int width() const { return width_; }
  int height() const { return height_; }
  int band_count() const { return band_count_; }
  // Radius of the grids forward() writes: band_radius(band_count − 1).
  int radius() const;

  // kAuto -> the path the cost model predicts faster for these bands.
  MomentPath resolve(MomentPath path, BandSet active) const;
  // Predicted forward + adjoint time of one plane, microseconds.
  double predicted_us(MomentPath path, BandSet active) const;

  // Moments of `plane` ([H, W]) at every grid entry of the active bands
  // (including the redundant (0, ky < 0)); other entries are left untouched.
  // grid: [R + 1, 2R + 1] laid out as MomentGrid::plane. Without buffers it
  // works in buffers of the calling thread's own.
  void forward(const float* plane, BandSet active, MomentPath path, std::complex<float>* grid) const;
  void forward(const float* plane, BandSet active, MomentPath path, std::complex<float>* grid,
               MomentBuffers& buffers) const;

  // The transpose of forward() as a real linear map I -> (Re M, Im M):
  //   plane(p) = Σ_k Re(conj(g_k) · ∂M_k/∂I(p)) over the grid entries of the
  // active bands, i.e. the gradient of Σ_k (Re g_k · Re M_k + Im g_k · Im M_k).
  // Overwrites plane ([H, W]).
  void adjoint(const std::complex<float>* weights, BandSet active, MomentPath path, float* plane) const;
  void adjoint(const std::complex<float>* weights, BandSet active, MomentPath path, float* plane,
               MomentBuffers& buffers) const;

  // Sizes buffers for every band set and path of this transform.
  void reserve(MomentBuffers& buffers) const;

 private:
  int width_;
  int height_;
  int band_count_;
  std::shared_ptr<const MomentTables> tables_;
};

}  // namespace splattrack::losses
