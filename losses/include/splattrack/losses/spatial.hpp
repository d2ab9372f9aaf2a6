// The spatial losses of the final phase (METHOD.md §5: L1 + D-SSIM on colour,
// BCE or L1 on alpha vs mask). Each returns the loss and, when `grad` is not
// null, writes the exact ∂L/∂rendered in the layout of `rendered`. Means are
// over all pixels × channels. Images must have the same shape and hold only
// finite values (std::invalid_argument otherwise: the spatial losses have no
// masked-out pixels, unlike the spectral loss).
#pragma once

#include <memory>

#include "splattrack/losses/image.hpp"
#include "splattrack/render/execution.hpp"

namespace splattrack::losses {

// mean |r − t|; the gradient at r == t is 0 (the subgradient at the kink).
double l1_loss(const ImageView& rendered, const ImageView& target, float* grad);
// mean (r − t)²
double l2_loss(const ImageView& rendered, const ImageView& target, float* grad);

// The 3DGS SSIM window: 11 × 11 Gaussian, σ = 1.5, normalised to sum 1, used
// as their conv2d(padding = 5): output the size of the input, pixels outside
// the image count as 0 (so the window's mass shrinks at the border).
inline constexpr int kSsimRadius = 5;
inline constexpr double kSsimSigma = 1.5;
inline constexpr double kSsimC1 = 0.01 * 0.01;
inline constexpr double kSsimC2 = 0.03 * 0.03;

// D-SSIM = (1 − SSIM)/2, SSIM the mean over pixels and channels of
//   ((2μ_rμ_t + C1)(2σ_rt + C2)) / ((μ_r² + μ_t² + C1)(σ_r² + σ_t² + C2))
// with μ, σ², σ_rt the windowed moments of each channel (σ² = E[x²] − μ²).
// Keeps a DssimLoss per calling thread (re-made when the shape changes), so
// repeated calls allocate nothing; for one target against many images, or
// rows on several threads, use DssimLoss.
// Runs on the calling thread.
double dssim_loss(const ImageView& rendered, const ImageView& target, float* grad);

// D-SSIM against one target over many rendered images, as an optimiser
// calls it: the target's window moments are filtered once by set_target(),
// and the buffers are kept between calls. Rows are split between the
// context's threads; results do not depend on how many there are.
class DssimLoss {
 public:
  // Throws std::invalid_argument on a non-positive size. The context must
  // outlive the loss.
  DssimLoss(int width, int height, int channels, ExecutionContext& context);
  ~DssimLoss();
  DssimLoss(DssimLoss&&) noexcept;
  DssimLoss& operator=(DssimLoss&&) noexcept;

  // Copies the target ([H, W, C], finite) and filters its moments; allocates
  // nothing (one DssimLoss per image size, a new target per frame).
  void set_target(const ImageView& target);
  // The loss of `rendered` ([H, W, C], finite) against the target and, when
  // grad is not null, ∂L/∂rendered in its layout.
  double evaluate(const ImageView& rendered, float* grad);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Values of alpha are clamped to [kBceClamp, 1 − kBceClamp] so that no log
// is infinite; the gradient is that of the clamped loss (0 where the clamp
// is active). The renderer skips contributions below 1/255, so alpha is
// either 0 there (no Gaussian covers the pixel: nothing to push anyway) or
// far inside the clamp.
inline constexpr double kBceClamp = 1e-6;
// mean −[m·log a + (1 − m)·log(1 − a)] of alpha [H, W, 1] against mask [H, W, 1]
// (soft masks in [0, 1] allowed). L1 on alpha vs mask is l1_loss.
double bce_loss(const ImageView& alpha, const ImageView& mask, float* grad);

}  // namespace splattrack::losses
