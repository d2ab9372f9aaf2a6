// The spectral-moment loss of METHOD.md §4 and its exact gradient:
//   L = Σ_c Σ_b w_b·s_b Σ_{k∈b} ρ(M_k(I_rend,c) − M_k(I_gt,c))
//     + λ_mask Σ_b w_b·s_b Σ_{k∈b} ρ(M_k(O_rend) − M_k(O_gt)),
// c over the colour channels, w_b the annealing weights of the call, s_b the
// optional fixed per-band scales. The sums over full bands are evaluated on
// their half sets with doubled weights (bands.hpp): exactly equal for real
// images, which all of these are.
//
// Non-finite target values (NaN, ±inf) mark pixels to ignore: such an element
// is given weight 0 in BOTH images (the rendered plane is multiplied by the
// target's validity mask before its moments are taken), so it contributes
// nothing and receives zero gradient; everything else is unchanged. A
// non-finite rendered value is a bug upstream and throws.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "splattrack/losses/bands.hpp"
#include "splattrack/losses/cuda_moments.hpp"
#include "splattrack/losses/image.hpp"
#include "splattrack/losses/moments.hpp"
#include "splattrack/render/execution.hpp"

namespace splattrack::losses {

enum class SpectralNorm {
  kSmoothModulus,  // ρ(z) = sqrt(|z|² + ε²) − ε, the paper's |z| made differentiable at 0
  kLeastSquares,   // ρ(z) = ½|z|², the form Ceres minimises
};

// ε of the smoothed modulus. Moments are ≤ mean intensity ≤ 1 and computed
// in float to ~1e-7; residuals that carry signal at tracking resolutions are
// ≥ 1e-4 (8-bit quantisation noise alone gives ~1e-5 at 64² pixels). With
// ε = 1e-5 those are in the L1 regime of the paper, while the gradient
// z/sqrt(|z|² + ε²) stays continuous at 0 instead of flipping direction on
// float rounding noise once a moment is matched.
inline constexpr double kDefaultModulusEpsilon = 1e-5;
inline constexpr double kDefaultMaskWeight = 0.3;  // λ_mask; the paper uses 0.2–0.5

struct SpectralLossOptions {
  int band_count = kDefaultBandCount;
  SpectralNorm norm = SpectralNorm::kSmoothModulus;
  double epsilon = kDefaultModulusEpsilon;
  double mask_weight = kDefaultMaskWeight;
  std::vector<double> band_scales;  // s_b, empty = all 1, else band_count values >= 0
  MomentPath path = MomentPath::kAuto;
  // The moments and their adjoint through cuFFT (CudaMomentTransform), all
  // planes in one batch; the loss's own arithmetic stays on the CPU. The
  // constructor throws std::runtime_error where no device runs this build.
  bool cuda = false;
};

// One loss per image size: it keeps the size's moment tables, FFT plans and
// buffers. The intended use is one SpectralLoss per tracking resolution,
// kept for the whole video, and set_target() once per frame.
// Planes (colour channels + mask) are processed in parallel on the
// context's threads; results do not depend on how many there are.
class SpectralLoss {
 public:
  // Throws std::invalid_argument on a bad size or option. The context must
  // outlive the loss.
  SpectralLoss(int width, int height, SpectralLossOptions options, ExecutionContext& context);
  ~SpectralLoss();
  SpectralLoss(SpectralLoss&&) noexcept;
  SpectralLoss& operator=(SpectralLoss&&) noexcept;

  const SpectralLossOptions& options() const { return options_; }
  // The mask plane's weight from the next evaluation on (> 0 and finite, else
  // std::invalid_argument): the tracker weighs an estimated silhouette
  // differently from a given one. The target's moments stay.
  void set_mask_weight(double weight);
  int width() const { return width_; }
  int height() const { return height_; }
  const MomentTransform& transform() const { return transform_; }

  // The frame to match: colour [H, W, C] and, optionally, the foreground mask
  // [H, W, 1] (empty view = no mask term). Computes and keeps the moments of
  // all bands; every later call compares against them. Allocates nothing
  // after the first call with the same channel count and mask presence
  // (the first target with non-finite values in a plane adds that plane's
  // validity mask once).
  void set_target(const ImageView& rgb, const ImageView& mask = {});
  bool has_target() const { return target_channels_ > 0; }
  bool has_mask_term() const;

  // The loss for band weights w_b (band_count values >= 0; band b takes part
  // when w_b > 0). rgb: [H, W, C] as the target; alpha: [H, W, 1], may be
  // empty when there is no mask term. dl_drgb ([H, W, C]) and dl_dalpha
  // ([H, W]) receive ∂L/∂rgb and ∂L/∂alpha when not null (dl_dalpha is
  // zero-filled when there is no mask term).
  double evaluate(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                  float* dl_drgb = nullptr, float* dl_dalpha = nullptr);

  // The least-squares residuals r of the active bands, such that ½‖r‖² is the
  // kLeastSquares loss whatever options().norm says: for each plane (colour
  // channels, then the mask), each active band ascending, each k of its half
  // set (for_each_half_set_frequency order), the pair
  //   sqrt(λ_plane·w_b·s_b·m_k) · (Re, Im)(M_k(rendered) − M_k(target)),
  // m_k = half_set_multiplicity, λ_plane = 1 for colour, mask_weight for the mask.
  std::vector<double> residuals(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights);
  // The same into `out` (resized; its memory reused across calls).
  void residuals(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                 std::vector<double>& out);
  std::size_t residual_count(std::span<const double> band_weights) const;
  // Colour channels, plus the mask when there is a mask term: the residuals'
  // planes, residual_count / plane_count each.
  int plane_count() const;

  // The Jacobian of residuals() with respect to the images, which it is
  // linear in: J·(d_rgb, d_alpha) (e.g. a renderer's tangent images) and
  // Jᵀ·dr written as images (then fed to the renderer's backward pass).
  std::vector<double> residual_jacobian_times(const ImageView& d_rgb, const ImageView& d_alpha,
                                              std::span<const double> band_weights);
  void residual_jacobian_times(const ImageView& d_rgb, const ImageView& d_alpha, std::span<const double> band_weights,
                               std::vector<double>& out);
  void residual_jacobian_transpose_times(std::span<const double> dr, std::span<const double> band_weights,
                                         float* dl_drgb, float* dl_dalpha);

 private:
  // Throws std::invalid_argument on a bad option; sizes the buffers of the
  // context's threads.
  void init();
  // Throws naming `what` unless there is a target and the images have its
  // shape (alpha only when there is a mask term).
  void require_inputs(const ImageView& rgb, const ImageView& alpha, const char* what) const;
  BandSet active_bands(std::span<const double> band_weights) const;
  // λ_plane: 1 for colour, mask_weight for the mask.
  double plane_weight(int p) const;
  // Copies plane p of the target into scratch_[p], zero where it is not
  // finite, and records its validity in valid_[p] / masked_[p].
  void load_target_plane(int p, const ImageView& rgb, const ImageView& mask);
  // The input planes into scratch_ (colour channels, then alpha), the
  // target's validity applied; throws naming `what` on a non-finite value.
  void load_planes(const ImageView& rgb, const ImageView& alpha, const char* what);
  // Moments of every plane's active bands into rendered_ (validity applied).
  void rendered_moments(const ImageView& rgb, const ImageView& alpha, BandSet active, MomentPath path,
                        const char* what);
  // The loss of plane p from rendered_, its ∂L/∂M into weights_.
  double plane_loss(int p, BandSet active, std::span<const double> band_weights, double plane_weight);
  // The adjoint of plane p's weights into scratch_[p] (with gpu_, done
  // before for all planes by gpu_adjoint), validity applied, then clear_weights.
  void plane_gradient(int p, BandSet active, MomentPath path, MomentBuffers& buffers);
  // With options_.cuda: the moments of scratch_'s first `count` planes into
  // grid's, and the adjoint of weights_'s first `count` planes into scratch_
  // (validity not applied), each one batched transform.
  void gpu_forward(int count, BandSet active, MomentGrid& grid);
  void gpu_adjoint(int count, BandSet active);
  // Restores the invariant that weights_ is zero outside the entries in use.
  void clear_weights(int p, BandSet active);
  // The gradient planes in scratch_ into the caller's layouts.
  void write_gradients(float* dl_drgb, float* dl_dalpha);
  bool wants_gradient(int p, const float* dl_drgb, const float* dl_dalpha) const;
  // The residual vector layout filled with sqrt(coefficient)·M_k(rgb, alpha),
  // less the target's moments when minus_target.
  void weighted_moments(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                        bool minus_target, const char* what, std::vector<double>& out);
  // f(kx, ky, coefficient) for every residual entry of one plane in order.
  template <class F>
  void for_each_plane_residual(BandSet active, std::span<const double> band_weights, double plane_weight,
                               F&& f) const;
  template <class F>
  void for_each_residual(BandSet active, std::span<const double> band_weights, F&& f) const;

  int width_;
  int height_;
  SpectralLossOptions options_;
  MomentTransform transform_;
  ExecutionContext* context_ = nullptr;
  int target_channels_ = 0;
  bool target_has_mask_ = false;
  MomentGrid target_;                        // moments of all bands, [colour channels + mask]
  std::vector<std::vector<float>> valid_;    // per plane [H, W] 0/1 where masked_[p]
  std::vector<char> masked_;                 // per plane: the target has non-finite values there
  MomentGrid rendered_;                      // scratch: moments of the last evaluated images
  MomentGrid weights_;                       // scratch: ∂L/∂M, zero outside the entries in use
  std::vector<std::vector<float>> scratch_;  // per plane [H, W]: the plane, then its gradient
  std::vector<float*> colour_planes_;        // [C] scratch_'s colour planes
  std::vector<double> plane_losses_;         // per plane, summed in plane order
  std::vector<char> finite_;                 // [threads, 2] of load_planes: colour, alpha
  std::vector<MomentBuffers> buffers_;       // [threads] of the moment transforms
  std::unique_ptr<CudaMomentTransform> gpu_;  // with options_.cuda
  std::vector<float> staging_;               // [planes, H, W] for gpu_
};

}  // namespace splattrack::losses
