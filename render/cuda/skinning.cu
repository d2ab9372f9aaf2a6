// Skinning stage: per Gaussian, its K nodes gathered, then the shared
// gs::skin / skin_vjp / skin_jvp. The backward adds each Gaussian's K node
// gradients atomically, in double (a node's Gaussians are spread over the
// model, so a warp rarely shares one).
#include "kernel_util.cuh"
#include "skinning.hpp"

namespace splattrack::cuda {
namespace {

constexpr int K = gs::kNodesPerGaussian;

__device__ void gather(const SkinInputs& in, int i, gs::SkinNodes<float>& nodes) {
  for (int j = 0; j < K; ++j) {
    const int k = in.binding_nodes[i * K + j];
    nodes[j] = {{in.node_rest[3 * k], in.node_rest[3 * k + 1], in.node_rest[3 * k + 2]},
                {in.node_rotation[4 * k], in.node_rotation[4 * k + 1], in.node_rotation[4 * k + 2],
                 in.node_rotation[4 * k + 3]},
                {in.node_translation[3 * k], in.node_translation[3 * k + 1], in.node_translation[3 * k + 2]},
                in.binding_weights[i * K + j]};
  }
}

__device__ gs::Vec3f vec3_at(const float* a, int i) { return {a[3 * i], a[3 * i + 1], a[3 * i + 2]}; }
__device__ gs::Quatf quat_at(const float* a, int i) { return {a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]}; }

__device__ void store(const gs::SkinnedGaussian<float>& s, int i, float* means, float* quats) {
  means[3 * i] = s.mean.x;
  means[3 * i + 1] = s.mean.y;
  means[3 * i + 2] = s.mean.z;
  quats[4 * i] = s.quat.w;
  quats[4 * i + 1] = s.quat.x;
  quats[4 * i + 2] = s.quat.y;
  quats[4 * i + 3] = s.quat.z;
}

__global__ void skin_fwd_kernel(SkinInputs in, float* means, float* quats) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= in.count) return;
  gs::SkinNodes<float> nodes;
  gather(in, i, nodes);
  store(gs::skin(in.method, nodes, vec3_at(in.rest_means, i), quat_at(in.rest_quats, i)), i, means, quats);
}

__global__ void skin_bwd_kernel(SkinInputs in, const float* d_means, const float* d_quats, double* node_grads) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= in.count) return;
  gs::SkinNodes<float> nodes;
  gather(in, i, nodes);
  gs::SkinNodeGrads<float> d;
  gs::skin_vjp(in.method, nodes, vec3_at(in.rest_means, i), quat_at(in.rest_quats, i),
               {vec3_at(d_means, i), quat_at(d_quats, i)}, d);
  for (int j = 0; j < K; ++j) {
    double* g = node_grads + 7 * in.binding_nodes[i * K + j];
    const float v[7] = {d[j].rotation.w,    d[j].rotation.x,    d[j].rotation.y,   d[j].rotation.z,
                        d[j].translation.x, d[j].translation.y, d[j].translation.z};
    for (int c = 0; c < 7; ++c) atomicAdd(g + c, static_cast<double>(v[c]));
  }
}

__global__ void skin_jvp_kernel(SkinInputs in, const float* node_tangents, float* d_means, float* d_quats) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= in.count) return;
  gs::SkinNodes<float> nodes;
  gather(in, i, nodes);
  gs::SkinNodeGrads<float> dn;
  for (int j = 0; j < K; ++j) {
    const float* t = node_tangents + 7 * in.binding_nodes[i * K + j];
    dn[j] = {{t[0], t[1], t[2], t[3]}, {t[4], t[5], t[6]}};
  }
  store(gs::skin_jvp(in.method, nodes, dn, vec3_at(in.rest_means, i), quat_at(in.rest_quats, i)), i, d_means,
        d_quats);
}

}  // namespace

void skin_fwd(const SkinInputs& in, float* means, float* quats, void* stream) {
  if (in.count == 0) return;
  skin_fwd_kernel<<<blocks_for(in.count), kThreads, 0, as_stream(stream)>>>(in, means, quats);
  check_last("skin_fwd");
}

void skin_bwd(const SkinInputs& in, const float* d_means, const float* d_quats, double* node_grads, void* stream) {
  if (in.count == 0) return;
  skin_bwd_kernel<<<blocks_for(in.count), kThreads, 0, as_stream(stream)>>>(in, d_means, d_quats, node_grads);
  check_last("skin_bwd");
}

void skin_jvp(const SkinInputs& in, const float* node_tangents, float* d_means, float* d_quats, void* stream) {
  if (in.count == 0) return;
  skin_jvp_kernel<<<blocks_for(in.count), kThreads, 0, as_stream(stream)>>>(in, node_tangents, d_means, d_quats);
  check_last("skin_jvp");
}

}  // namespace splattrack::cuda
