// CudaSkinning on the skinning stage (skinning.cu): host code, no CUDA types.
#include <stdexcept>
#include <string>

#include "device.hpp"
#include "skinning.hpp"
#include "splattrack/render/cuda.hpp"

namespace splattrack {

struct CudaSkinning::Impl {
  cuda::Stream stream;
  cuda::DeviceBuffer rest_means, rest_quats, binding_nodes, binding_weights;
  cuda::DeviceBuffer node_rest, node_rotation, node_translation;
  cuda::DeviceBuffer means, quats, d_means, d_quats, node_grads, node_tangents;
  cuda::SkinInputs in{};
  int node_count = 0;
  bool nodes_set = false;

  template <class T>
  T* upload(cuda::DeviceBuffer& buffer, const T* host, std::size_t count) {
    T* device = buffer.reserve_as<T>(count);
    stream.upload(device, host, count * sizeof(T));
    return device;
  }

  void require_nodes(const char* who) const {
    if (!nodes_set) throw std::logic_error(std::string("CudaSkinning::") + who + " before set_nodes()");
  }
};

CudaSkinning::CudaSkinning(const float* rest_means, const float* rest_quats, const int* binding_nodes,
                           const float* binding_weights, int gaussians, int node_count, gs::SkinMethod method) {
  if (!cuda_device().available) throw std::runtime_error(cuda_device().reason);
  impl_ = std::make_unique<Impl>();
  Impl& s = *impl_;
  const std::size_t n = static_cast<std::size_t>(gaussians), k = gs::kNodesPerGaussian;
  s.node_count = node_count;
  s.in.rest_means = s.upload(s.rest_means, rest_means, 3 * n);
  s.in.rest_quats = s.upload(s.rest_quats, rest_quats, 4 * n);
  s.in.binding_nodes = s.upload(s.binding_nodes, binding_nodes, k * n);
  s.in.binding_weights = s.upload(s.binding_weights, binding_weights, k * n);
  s.in.count = gaussians;
  s.in.method = method;
  s.stream.synchronize();  // the host arrays may go
}

CudaSkinning::~CudaSkinning() = default;

void CudaSkinning::set_nodes(const float* rest, const float* rotation, const float* translation) {
  Impl& s = *impl_;
  const std::size_t m = static_cast<std::size_t>(s.node_count);
  s.in.node_rest = s.upload(s.node_rest, rest, 3 * m);
  s.in.node_rotation = s.upload(s.node_rotation, rotation, 4 * m);
  s.in.node_translation = s.upload(s.node_translation, translation, 3 * m);
  s.nodes_set = true;
}

void CudaSkinning::apply(float* means, float* quats) {
  Impl& s = *impl_;
  s.require_nodes("apply");
  const std::size_t n = static_cast<std::size_t>(s.in.count);
  float* d_means = s.means.reserve_as<float>(3 * n);
  float* d_quats = s.quats.reserve_as<float>(4 * n);
  cuda::skin_fwd(s.in, d_means, d_quats, s.stream.handle());
  s.stream.download(means, d_means, 3 * n * sizeof(float));
  s.stream.download(quats, d_quats, 4 * n * sizeof(float));
  s.stream.synchronize();
}

void CudaSkinning::backward(const float* d_means, const float* d_quats, double* node_grads) {
  Impl& s = *impl_;
  s.require_nodes("backward");
  const std::size_t n = static_cast<std::size_t>(s.in.count), m = static_cast<std::size_t>(s.node_count);
  double* grads = s.node_grads.reserve_as<double>(7 * m);
  s.stream.zero(grads, 7 * m * sizeof(double));
  cuda::skin_bwd(s.in, s.upload(s.d_means, d_means, 3 * n), s.upload(s.d_quats, d_quats, 4 * n), grads,
                 s.stream.handle());
  s.stream.download(node_grads, grads, 7 * m * sizeof(double));
  s.stream.synchronize();
}

void CudaSkinning::jvp(const float* node_tangents, float* d_means, float* d_quats) {
  Impl& s = *impl_;
  s.require_nodes("jvp");
  const std::size_t n = static_cast<std::size_t>(s.in.count), m = static_cast<std::size_t>(s.node_count);
  float* out_means = s.means.reserve_as<float>(3 * n);
  float* out_quats = s.quats.reserve_as<float>(4 * n);
  cuda::skin_jvp(s.in, s.upload(s.node_tangents, node_tangents, 7 * m), out_means, out_quats, s.stream.handle());
  s.stream.download(d_means, out_means, 3 * n * sizeof(float));
  s.stream.download(d_quats, out_quats, 4 * n * sizeof(float));
  s.stream.synchronize();
}

}  // namespace splattrack
