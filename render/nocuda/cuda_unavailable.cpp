// A build without the CUDA toolkit (or with -DSPLATTRACK_CUDA=OFF): no device,
// and a CudaRenderer or CudaSkinning cannot be made, so their other members
// are never reached.
#include <stdexcept>

#include "splattrack/render/cuda.hpp"

namespace splattrack {

const CudaDevice& cuda_device() {
  static const CudaDevice none{false, "",
                               "this splattrack was built without CUDA (no CUDA toolkit at build time, or "
                               "-DSPLATTRACK_CUDA=OFF)"};
  return none;
}

struct CudaRenderer::Impl {
  RenderOptions options;
};

CudaRenderer::CudaRenderer(RenderOptions) { throw std::runtime_error(cuda_device().reason); }
CudaRenderer::~CudaRenderer() = default;
const RenderOptions& CudaRenderer::options() const { return impl_->options; }
void CudaRenderer::set_options(const RenderOptions& options) { impl_->options = options; }
const RenderImage& CudaRenderer::forward(const GaussianModel&, const Camera&) {
  throw std::runtime_error(cuda_device().reason);
}
const GaussianGradients& CudaRenderer::backward(const float*, const float*) {
  throw std::runtime_error(cuda_device().reason);
}
const std::vector<RenderTangent>& CudaRenderer::jvp(const std::vector<ModelTangent>&) {
  throw std::runtime_error(cuda_device().reason);
}

struct CudaSkinning::Impl {};

CudaSkinning::CudaSkinning(const float*, const float*, const int*, const float*, int, int, gs::SkinMethod) {
  throw std::runtime_error(cuda_device().reason);
}
CudaSkinning::~CudaSkinning() = default;
void CudaSkinning::set_nodes(const float*, const float*, const float*) {
  throw std::runtime_error(cuda_device().reason);
}
void CudaSkinning::apply(float*, float*) { throw std::runtime_error(cuda_device().reason); }
void CudaSkinning::backward(const float*, const float*, double*) { throw std::runtime_error(cuda_device().reason); }
void CudaSkinning::jvp(const float*, float*, float*) { throw std::runtime_error(cuda_device().reason); }

}  // namespace splattrack
