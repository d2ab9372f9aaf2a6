// Projection stage, backward: per Gaussian, gs::project_gaussian_vjp from the
// summed gradients of its splat (rasterize_bwd.cu). One thread per Gaussian.
#include "kernel_util.cuh"
#include "project.hpp"

namespace splattrack::cuda {
namespace {

__global__ void project_bwd_kernel(ModelArrays model, gs::View view, const std::uint32_t* depth_keys,
                                   const SplatGradSum* sums, bool appearance, ModelGradArrays out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= model.count) return;
  const int k3 = 3 * sh_coeffs(model.sh_degree);
  float* d_sh = out.sh + static_cast<long long>(i) * k3;
  gs::GaussianGrad<float> g{};
  for (int k = 0; k < k3; ++k) d_sh[k] = 0.f;
  if (depth_keys[i] != kCulledKey) {
    const SplatGradSum& s = sums[i];
    // The opacity's and colour's parts reach the means too (the view
    // direction, the antialiased factor); without appearance only the
    // model's other arrays are left at zero, as on the CPU.
    const gs::ProjectedGaussianGrad<float> d{
        {s.mean_x, s.mean_y}, {s.conic_a, s.conic_b, s.conic_c}, s.opacity, {s.r, s.g, s.b}};
    g = gs::project_gaussian_vjp(gaussian_at(model, i), view, d, appearance ? d_sh : nullptr);
  }
  if (!appearance) {
    g.log_scale = {0.f, 0.f, 0.f};
    g.opacity_logit = 0.f;
  }
  out.means[3 * i] = g.mean.x;
  out.means[3 * i + 1] = g.mean.y;
  out.means[3 * i + 2] = g.mean.z;
  out.quats[4 * i] = g.quat.w;
  out.quats[4 * i + 1] = g.quat.x;
  out.quats[4 * i + 2] = g.quat.y;
  out.quats[4 * i + 3] = g.quat.z;
  out.log_scales[3 * i] = g.log_scale.x;
  out.log_scales[3 * i + 1] = g.log_scale.y;
  out.log_scales[3 * i + 2] = g.log_scale.z;
  out.opacity_logits[i] = g.opacity_logit;
}

}  // namespace

void project_bwd(const ModelArrays& model, const gs::View& view, const std::uint32_t* depth_keys,
                 const SplatGradSum* sums, bool appearance, const ModelGradArrays& out, void* stream) {
  if (model.count == 0) return;
  project_bwd_kernel<<<blocks_for(model.count), kThreads, 0, as_stream(stream)>>>(model, view, depth_keys, sums,
                                                                                 appearance, out);
  check_last("project_bwd");
}

}  // namespace splattrack::cuda
