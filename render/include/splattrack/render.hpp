// Public interface of the differentiable Gaussian renderer.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/execution.hpp"
#include "splattrack/render/model.hpp"

namespace splattrack {

struct RenderOptions {
  std::array<float, 3> background{0.f, 0.f, 0.f};
  float near_plane = 0.2f;  // must be > 0
  // Screen-space dilation added to every Gaussian's covariance (px², >= 0):
  // 3DGS's 0.3 by default.
  float dilation = 0.3f;
  // true: backward() computes only the gradients of means and quats (what
  // pose tracking needs) and leaves log_scales, opacity_logits and sh at zero.
  bool pose_gradients_only = false;
  // Passes run on the CUDA back end (CudaRenderer, splattrack/render/cuda.hpp):
  // the same image, gradients and forward mode, the CPU's buffers unused.
  // Renderer's constructor throws when no device can run this build.
  bool cuda = false;
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

// A direction in the space of the model's stored values for Renderer::jvp.
// Only means and quaternions move (what a pose change moves); the tangents
// of log_scales, opacity_logits and sh are zero.
struct ModelTangent {
  std::vector<float> means;  // [N, 3]
  std::vector<float> quats;  // [N, 4]
};

// The image's derivative along one ModelTangent.
struct RenderTangent {
  std::vector<float> rgb;    // [H, W, 3] d rgb
  std::vector<float> alpha;  // [H, W] d alpha
};

class Renderer;
struct RenderPassState;

// One forward() and what its backward and jvp need: the splat setup, the
// tile lists, the images, and the identity of what was rendered.
// Lifetime: the model given to forward() must outlive the pass and stay
// unchanged while it lives (backward and jvp read it again; a change of its
// size is caught, other changes are not); the renderer must outlive the
// pass (its context runs them, and it takes the pass's buffers back when the
// pass ends, so that the next forward() allocates nothing).
class RenderPass {
 public:
  RenderPass(RenderPass&& other) noexcept;
  RenderPass& operator=(RenderPass&& other) noexcept;
  RenderPass(const RenderPass&) = delete;
  RenderPass& operator=(const RenderPass&) = delete;
  ~RenderPass();  // hands the buffers back to the renderer

  const RenderImage& image() const;
  const GaussianModel& model() const;
  std::size_t gaussian_count() const;  // N at forward()
  const Camera& camera() const;

  // Gradients of a loss given dL/d rgb [H, W, 3] and dL/d alpha [H, W]
  // (either may be null). Valid until this pass's next backward() or end.
  const GaussianGradients& backward(const float* dl_drgb, const float* dl_dalpha);

  // Forward mode: the derivative of the image along each tangent, exact for
  // the function computed in the same sense as backward() (and its
  // transpose: for any u, <u, jvp(v)> = <backward(u), v>). Up to six
  // directions cost one walk over the splats. Valid until this pass's next
  // jvp() or end.
  const std::vector<RenderTangent>& jvp(const std::vector<ModelTangent>& tangents);

 private:
  friend class Renderer;
  RenderPass(Renderer& renderer, std::unique_ptr<RenderPassState> state);
  RenderPassState& state(const char* what) const;  // throws on a moved-from pass

  Renderer* renderer_;
  std::unique_ptr<RenderPassState> state_;
};

// Tile-based rasterizer (METHOD.md §2, the original 3DGS conventions) with an
// exact backward pass. The formulas are in render/gaussian_math.hpp, sh.hpp
// and blend.hpp; the points where 3DGS leaves room for choice:
//  - tan(half fov) := W / (2 fx) and H / (2 fy) for the 1.3 clamp of the EWA
//    Jacobian, whatever the principal point (as in the 3DGS code);
//  - a Gaussian is blended at every pixel of each 16x16 tile that holds a
//    pixel centre within mean2d +- radius (gs::splat_pixel_rect), and nowhere
//    else; per pixel the splats go front to back by camera z, ties by index;
//  - culled: z <= near_plane, zero quaternion, singular screen covariance.
// Gradients are exact for the function computed (skipped and stopped splats
// pass none, nor does a 0.99-clamped alpha or a clamped colour channel); at
// the 1.3 frustum clamp the clamped x/z passes none, but the z-dependence of
// the clamped offset is kept, which the 3DGS code drops.
// Deterministic: same input gives bit-identical images and gradients for any
// thread count. Camera lens distortion must be removed beforehand: a camera
// with non-zero distortion coefficients is rejected.
class Renderer {
 public:
  // Runs its loops on `context`, which must outlive the renderer.
  Renderer(ExecutionContext& context, RenderOptions options = {});
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  const RenderOptions& options() const;
  // For later forward() calls; a live pass keeps the options it was made with.
  void set_options(const RenderOptions& options);

  // Renders model through camera. The pass owns what backward() and jvp()
  // need (RenderPass says how long model must live); it reuses the buffers
  // of the last pass that ended.
  [[nodiscard]] RenderPass forward(const GaussianModel& model, const Camera& camera);

  // Rendering a temporary does not compile: the pass would outlive it.
  RenderPass forward(const GaussianModel&& model, const Camera& camera) = delete;

 private:
  friend class RenderPass;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splattrack
