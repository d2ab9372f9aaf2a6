// Projection stage, forward mode: per Gaussian, the blending inputs'
// Jacobian (gs::blend_input_jacobian, rows of the backward's formulas) and
// its product with each direction. One thread per Gaussian.
#include "kernel_util.cuh"
#include "project.hpp"

namespace splattrack::cuda {
namespace {

__global__ void project_jvp_kernel(ModelArrays model, gs::View view, const std::uint32_t* depth_keys,
                                   ModelTangents tangents, SplatTangent* out) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= model.count || depth_keys[i] == kCulledKey) return;
  const gs::BlendInputJacobian<float> jac = gs::blend_input_jacobian(gaussian_at(model, i), view);
  for (int k = 0; k < tangents.count; ++k) {
    const float* m = tangents.means[k] + 3 * i;
    const float* q = tangents.quats[k] + 4 * i;
    const gs::SplatTangent<float> d =
        gs::splat_tangent(jac, gs::Vec3f{m[0], m[1], m[2]}, gs::Quatf{q[0], q[1], q[2], q[3]}, view.antialiased);
    out[i * tangents.count + k] = {d.mean2d, d.conic, d.color, d.opacity};
  }
}

}  // namespace

void project_jvp(const ModelArrays& model, const gs::View& view, const std::uint32_t* depth_keys,
                 const ModelTangents& tangents, SplatTangent* out, void* stream) {
  if (model.count == 0 || tangents.count == 0) return;
  project_jvp_kernel<<<blocks_for(model.count), kThreads, 0, as_stream(stream)>>>(model, view, depth_keys, tangents,
                                                                                 out);
  check_last("project_jvp");
}

}  // namespace splattrack::cuda
