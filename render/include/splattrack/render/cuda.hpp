// The CUDA back end as CPU code sees it (issue 12): whether a device can run
// this build's kernels, and the renderer on it. No CUDA types here: the
// kernels live in render/cuda, one stage per file.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/render/skinning.hpp"

namespace splattrack {

struct CudaDevice {
  bool available = false;
  std::string name;    // the device's, when there is one
  std::string reason;  // why it is not available (built without CUDA, no device, ...)
};

// Device 0, queried once per process.
const CudaDevice& cuda_device();

// Whether the CUDA back end renders as the CPU one does on this machine: a
// small fixed scene rendered, differentiated and tangent-mapped on both,
// compared as the parity tests compare real models (images within 1e-4 on
// all but 0.1 % of the entries and 0.02 on those, gradients and tangents
// within 1e-2 of each array's scale). Run once per process (tens of
// milliseconds); `--device auto` takes the GPU only when it passes.
struct CudaCheck {
  bool passed = false;
  std::string detail;  // what failed, or the device's reason
};
const CudaCheck& cuda_self_check();

// How the self-checks compare a back end's array with the CPU's: max |got -
// expected| over max |expected|, in double (0 when both are zero, infinite
// where a difference is not finite or the CPU's are all zero and got is not).
template <class T>
double relative_max_difference(const std::vector<T>& got, const std::vector<T>& expected) {
  const auto widen = [](const T& v) {
    if constexpr (std::is_same_v<T, float>)
      return static_cast<double>(v);
    else
      return std::complex<double>(v);
  };
  double diff = got.size() == expected.size() ? 0 : INFINITY, scale = 0;
  for (std::size_t i = 0; i < std::min(got.size(), expected.size()); ++i) {
    const double d = std::abs(widen(got[i]) - widen(expected[i]));
    diff = std::max(diff, std::isfinite(d) ? d : INFINITY);
    scale = std::max(scale, std::abs(widen(expected[i])));
  }
  return diff == 0 ? 0 : scale > 0 ? diff / scale : INFINITY;
}

// Renderer's image model on the GPU: forward, backward and forward mode, with
// Renderer's checks and conventions (the CPU renderer is the reference; the
// parity tests compare the two). Device buffers are kept and only grow, so
// that a warm call allocates nothing. Not thread-safe.
class CudaRenderer {
 public:
  // Throws std::runtime_error with cuda_device().reason without a usable device.
  explicit CudaRenderer(RenderOptions options = {});
  ~CudaRenderer();
  CudaRenderer(const CudaRenderer&) = delete;
  CudaRenderer& operator=(const CudaRenderer&) = delete;

  const RenderOptions& options() const;
  void set_options(const RenderOptions& options);

  // The model is uploaded: backward() and jvp() use that copy until the next forward().
  const RenderImage& forward(const GaussianModel& model, const Camera& camera);
  // Gradients of a loss given dL/d rgb [H, W, 3] and dL/d alpha [H, W] (either may be null).
  const GaussianGradients& backward(const float* dl_drgb, const float* dl_dalpha);
  // The image's derivative along each tangent (RenderPass::jvp).
  const std::vector<RenderTangent>& jvp(const std::vector<ModelTangent>& tangents);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Skinning (skinning.hpp's per-Gaussian math) on the GPU: the rest means and
// quaternions and each Gaussian's K nodes and weights uploaded once, the
// nodes' state (float, as Deformation feeds the math) per call. Node
// gradients are summed in double, in no fixed order. Not thread-safe.
class CudaSkinning {
 public:
  // rest_means [N, 3], rest_quats [N, 4], binding_nodes / binding_weights
  // [N, K] (host). Throws std::runtime_error without a usable device.
  CudaSkinning(const float* rest_means, const float* rest_quats, const int* binding_nodes,
               const float* binding_weights, int gaussians, int node_count, gs::SkinMethod method);
  ~CudaSkinning();
  CudaSkinning(const CudaSkinning&) = delete;
  CudaSkinning& operator=(const CudaSkinning&) = delete;

  // The nodes for the calls that follow: rest [M, 3], rotation [M, 4]
  // (w x y z), translation [M, 3].
  void set_nodes(const float* rest, const float* rotation, const float* translation);
  // Skinned means [N, 3] and quaternions [N, 4].
  void apply(float* means, float* quats);
  // dL/d(r_k, T_k) [M, 7] (overwritten) from dL/d(means, quats).
  void backward(const float* d_means, const float* d_quats, double* node_grads);
  // The skinned Gaussians' tangent along node tangents [M, 7].
  void jvp(const float* node_tangents, float* d_means, float* d_quats);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splattrack
