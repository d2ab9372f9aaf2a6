// The spectral moments on the GPU with cuFFT (issue 12): MomentTransform's
// forward and adjoint (moments.hpp), batched over several planes at once
// (RGB and the foreground), the cuFFT plans made once per size and plane
// count and kept. No CUDA types here.
//
// forward: each plane zero-padded to 2S x 2S (S = max(W, H)), one batched
// real-to-complex FFT, then the active bands' bins gathered with the phase of
// the centre offset and 1/N. adjoint: the weights scattered (with the
// conjugate phase) into a 2S x 2S complex grid, one batched inverse FFT, the
// real part of the image's pixels times 1/N.
#pragma once

#include <complex>
#include <memory>

#include "splattrack/losses/bands.hpp"

namespace splattrack {
// splattrack/render/cuda.hpp's, not included: nvcc compiles this header,
// and that one brings Eigen, whose headers nvcc warns about.
struct CudaCheck;
}  // namespace splattrack

namespace splattrack::losses {

class CudaMomentTransform {
 public:
  // Throws std::runtime_error (the reason) where no device can run this
  // build, std::invalid_argument as MomentTransform does.
  CudaMomentTransform(int width, int height, int band_count = kDefaultBandCount);
  ~CudaMomentTransform();
  CudaMomentTransform(const CudaMomentTransform&) = delete;
  CudaMomentTransform& operator=(const CudaMomentTransform&) = delete;

  int radius() const;  // of the grids: band_radius(band_count - 1)

  // planes [P, H, W] (host) -> grids [P, R + 1, 2R + 1] (host, MomentGrid's
  // layout): the active bands' entries, the others zero.
  void forward(const float* planes, int plane_count, BandSet active, std::complex<float>* grids);
  // MomentTransform::adjoint of each plane's weights [P, R + 1, 2R + 1]
  // (entries of inactive bands ignored) into planes [P, H, W] (host, overwritten).
  void adjoint(const std::complex<float>* weights, int plane_count, BandSet active, float* planes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// cuda_self_check()'s twin for the moments: random planes through both
// transforms, forward and adjoint within 1e-3 of their scale. Run once per
// process; `--device auto` takes the GPU only when both pass.
const CudaCheck& cuda_moments_check();

}  // namespace splattrack::losses
