// Public interface of the differentiable Gaussian renderer.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack {

struct RenderOptions {
  std::array<float, 3> background{0.f, 0.f, 0.f};
  float near_plane = 0.2f;
  int threads = 0;  // 0: std::thread::hardware_concurrency()
};

struct RenderImage {
  int width = 0;
  int height = 0;
  std::vector<float> rgb;    // [H, W, 3] row-major, channel fastest
  std::vector<float> alpha;  // [H, W] 1 - final transmittance
  std::vector<float> depth;  // [H, W] expected camera-space z (sum of w_i z_i)
};

// Gradients of a scalar loss w.r.t. the model's stored (pre-activation) values,
// same shapes and layout as GaussianModel.
struct GaussianGradients {
  std::vector<float> means;           // [N, 3]
  std::vector<float> quats;           // [N, 4]
  std::vector<float> log_scales;      // [N, 3]
  std::vector<float> opacity_logits;  // [N]
  std::vector<float> sh;              // [N, K, 3]
};

// Tile-based rasterizer (METHOD.md §2) with an exact backward pass.
// Deterministic: same input gives bit-identical images and gradients for any
// thread count.
class Renderer {
 public:
  explicit Renderer(RenderOptions options = {});
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  const RenderOptions& options() const;
  void set_options(const RenderOptions& options);

  // Renders; keeps what backward() needs until the next forward().
  const RenderImage& forward(const GaussianModel& model, const Camera& camera);

  // Gradients of a loss given dL/d rgb [H, W, 3] and dL/d alpha [H, W] (either
  // may be null) at the last forward(), whose model must be unchanged.
  const GaussianGradients& backward(const float* dl_drgb, const float* dl_dalpha);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splattrack
