// A build without CUDA: a CudaMomentTransform cannot be made, so its other
// members are never reached.
#include <stdexcept>

#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/losses/moments.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack::losses {

struct CudaMomentTransform::Impl {};

CudaMomentTransform::CudaMomentTransform(int width, int height, int band_count) {
  check_moment_size(width, height, band_count, "CudaMomentTransform");
  throw std::runtime_error(cuda_device().reason);
}
CudaMomentTransform::~CudaMomentTransform() = default;
int CudaMomentTransform::radius() const { throw std::runtime_error(cuda_device().reason); }
void CudaMomentTransform::forward(const float*, int, BandSet, std::complex<float>*) {
  throw std::runtime_error(cuda_device().reason);
}
void CudaMomentTransform::adjoint(const std::complex<float>*, int, BandSet, float*) {
  throw std::runtime_error(cuda_device().reason);
}

}  // namespace splattrack::losses
