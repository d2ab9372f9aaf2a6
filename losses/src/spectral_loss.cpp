#include "splattrack/losses/spectral_loss.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels.hpp"

namespace splattrack::losses {

namespace {

void require_weight(double w, const std::string& what) {
  if (!std::isfinite(w) || w < 0.0)
    throw std::invalid_argument("SpectralLossOptions: " + what + " must be finite and >= 0, got " + std::to_string(w));
}

}  // namespace

SpectralLoss::~SpectralLoss() = default;
SpectralLoss::SpectralLoss(SpectralLoss&&) noexcept = default;
SpectralLoss& SpectralLoss::operator=(SpectralLoss&&) noexcept = default;

SpectralLoss::SpectralLoss(int width, int height, SpectralLossOptions options, ExecutionContext& context)
    : width_(width),
      height_(height),
      options_(std::move(options)),
      transform_(width, height, options_.band_count),
      context_(&context) {
  init();
  if (options_.cuda) gpu_ = std::make_unique<CudaMomentTransform>(width, height, options_.band_count);
}

void SpectralLoss::gpu_forward(int count, BandSet active, MomentGrid& grid) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  staging_.resize(n * static_cast<std::size_t>(count));
  for (int p = 0; p < count; ++p) std::copy(scratch_[p].begin(), scratch_[p].end(), staging_.begin() + p * n);
  gpu_->forward(staging_.data(), count, active, grid.plane(0));
}

void SpectralLoss::gpu_adjoint(int count, BandSet active) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  staging_.resize(n * static_cast<std::size_t>(count));
  gpu_->adjoint(weights_.plane(0), count, active, staging_.data());
  for (int p = 0; p < count; ++p)
    std::copy(staging_.begin() + p * n, staging_.begin() + (p + 1) * n, scratch_[p].begin());
}

void SpectralLoss::init() {
  if (!std::isfinite(options_.epsilon) || options_.epsilon <= 0.0)
    throw std::invalid_argument("SpectralLossOptions: epsilon must be finite and > 0, got " +
                                std::to_string(options_.epsilon));
  require_weight(options_.mask_weight, "mask_weight");
  if (!options_.band_scales.empty() && options_.band_scales.size() != static_cast<std::size_t>(options_.band_count))
    throw std::invalid_argument("SpectralLossOptions: band_scales has " + std::to_string(options_.band_scales.size()) +
                                " values, expected " + std::to_string(options_.band_count));
  for (std::size_t b = 0; b < options_.band_scales.size(); ++b)
    require_weight(options_.band_scales[b], "band_scales[" + std::to_string(b) + "]");
  finite_.resize(2 * static_cast<std::size_t>(context_->size()));
  buffers_.resize(context_->size());
  for (MomentBuffers& b : buffers_) transform_.reserve(b);
}

void SpectralLoss::set_mask_weight(double weight) {
  if (!(weight > 0.0) || !std::isfinite(weight))
    throw std::invalid_argument("SpectralLoss::set_mask_weight: the weight must be finite and > 0, got " +
                                std::to_string(weight));
  options_.mask_weight = weight;
}

bool SpectralLoss::has_mask_term() const { return target_has_mask_ && options_.mask_weight > 0.0; }

void SpectralLoss::load_target_plane(int p, const ImageView& rgb, const ImageView& mask) {
  const bool is_mask = p == rgb.channels;
  const float* data = is_mask ? mask.data : rgb.data + p;
  const std::size_t stride = is_mask ? 1 : rgb.channels;
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  float* plane = scratch_[p].data();
  bool all_finite = true;
  for (std::size_t i = 0; i < n; ++i) {
    plane[i] = data[i * stride];
    all_finite &= std::isfinite(plane[i]);
  }
  masked_[p] = !all_finite;
  if (all_finite) return;
  valid_[p].resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    valid_[p][i] = std::isfinite(plane[i]) ? 1.0f : 0.0f;
    if (valid_[p][i] == 0.0f) plane[i] = 0.0f;
  }
}

// Grids and planes are kept from one target to the next (same planes: no
// allocation); the target's moments are the only work.
void SpectralLoss::set_target(const ImageView& rgb, const ImageView& mask) {
  if (rgb.empty()) throw std::invalid_argument("SpectralLoss::set_target: empty colour image");
  require_shape(rgb, width_, height_, rgb.channels, "SpectralLoss::set_target colour");
  if (!mask.empty()) require_shape(mask, width_, height_, 1, "SpectralLoss::set_target mask");

  const int planes = rgb.channels + 1;
  if (target_.planes() != planes) {
    const std::size_t n = static_cast<std::size_t>(width_) * height_;
    target_ = MomentGrid(transform_.radius(), planes);
    rendered_ = MomentGrid(transform_.radius(), planes);
    weights_ = MomentGrid(transform_.radius(), planes);
    valid_.resize(planes);
    masked_.resize(planes);
    scratch_.resize(planes);
    for (std::vector<float>& plane : scratch_) plane.resize(n);
    colour_planes_.resize(rgb.channels);
    for (int c = 0; c < rgb.channels; ++c) colour_planes_[c] = scratch_[c].data();
    plane_losses_.resize(planes);
  }
  target_channels_ = 0;  // no target until its moments are in
  std::fill(masked_.begin(), masked_.end(), 0);
  const BandSet all = BandSet::all(options_.band_count);
  const MomentPath path = transform_.resolve(MomentPath::kAuto, all);
  const int loaded = mask.empty() ? rgb.channels : planes;
  if (gpu_) {
    context_->run(loaded, [&](int p, int) { load_target_plane(p, rgb, mask); });
    gpu_forward(loaded, all, target_);
  } else {
    context_->run(loaded, [&](int p, int thread) {
      load_target_plane(p, rgb, mask);
      transform_.forward(scratch_[p].data(), all, path, target_.plane(p), buffers_[thread]);
    });
  }
  target_channels_ = rgb.channels;
  target_has_mask_ = !mask.empty();
}

void SpectralLoss::require_inputs(const ImageView& rgb, const ImageView& alpha, const char* what) const {
  if (!has_target()) throw std::invalid_argument(std::string(what) + ": set_target() was not called");
  require_shape(rgb, width_, height_, target_channels_, what);
  if (has_mask_term()) require_shape(alpha, width_, height_, 1, what);
}

int SpectralLoss::plane_count() const { return target_channels_ + (has_mask_term() ? 1 : 0); }

BandSet SpectralLoss::active_bands(std::span<const double> band_weights) const {
  if (band_weights.size() != static_cast<std::size_t>(options_.band_count))
    throw std::invalid_argument("SpectralLoss: " + std::to_string(band_weights.size()) + " band weights, expected " +
                                std::to_string(options_.band_count));
  return BandSet::from_weights(band_weights);
}

double SpectralLoss::plane_weight(int p) const { return p < target_channels_ ? 1.0 : options_.mask_weight; }

void SpectralLoss::load_planes(const ImageView& rgb, const ImageView& alpha, const char* what) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  const int parts = context_->size();
  std::fill(finite_.begin(), finite_.end(), 1);
  context_->run(parts, [&](int part, int) {
    const std::size_t begin = n * part / parts, end = n * (part + 1) / parts;
    const LossKernels& k = kernels();
    finite_[2 * part] = k.deinterleave(rgb.data, target_channels_, begin, end, colour_planes_.data());
    if (has_mask_term()) {
      float* mask = scratch_[target_channels_].data();
      finite_[2 * part + 1] = k.deinterleave(alpha.data, 1, begin, end, &mask);
    }
    for (int p = 0; p < plane_count(); ++p)
      if (masked_[p]) k.multiply(valid_[p].data() + begin, end - begin, scratch_[p].data() + begin);
  });
  if (std::find(finite_.begin(), finite_.end(), 0) == finite_.end()) return;
  require_finite(rgb, what);  // throws, naming the first offending element
  require_finite(alpha, what);
}

void SpectralLoss::rendered_moments(const ImageView& rgb, const ImageView& alpha, BandSet active, MomentPath path,
                                    const char* what) {
  load_planes(rgb, alpha, what);
  if (gpu_) return gpu_forward(plane_count(), active, rendered_);
  context_->run(plane_count(), [&](int p, int thread) {
    transform_.forward(scratch_[p].data(), active, path, rendered_.plane(p), buffers_[thread]);
  });
}

bool SpectralLoss::wants_gradient(int p, const float* dl_drgb, const float* dl_dalpha) const {
  return (p == target_channels_ ? dl_dalpha : dl_drgb) != nullptr;
}

void SpectralLoss::plane_gradient(int p, BandSet active, MomentPath path, MomentBuffers& buffers) {
  std::vector<float>& plane = scratch_[p];
  if (!gpu_) transform_.adjoint(weights_.plane(p), active, path, plane.data(), buffers);
  if (masked_[p]) kernels().multiply(valid_[p].data(), plane.size(), plane.data());
  clear_weights(p, active);
}

void SpectralLoss::clear_weights(int p, BandSet active) {
  for (int b = 0; b <= active.highest(); ++b)
    if (active.contains(b)) for_each_half_set_frequency(b, [&](int kx, int ky) { weights_.at(p, kx, ky) = {}; });
}

void SpectralLoss::write_gradients(float* dl_drgb, float* dl_dalpha) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  if (dl_drgb != nullptr) {
    // In row bands, so that no two threads write the same cache lines.
    const int parts = context_->size();
    context_->run(parts, [&](int part, int) {
      const std::size_t begin = n * part / parts, end = n * (part + 1) / parts;
      kernels().interleave(colour_planes_.data(), target_channels_, begin, end, dl_drgb);
    });
  }
  if (dl_dalpha != nullptr) {
    if (has_mask_term())
      std::copy(scratch_[target_channels_].begin(), scratch_[target_channels_].end(), dl_dalpha);
    else
      std::fill(dl_dalpha, dl_dalpha + n, 0.0f);
  }
}

// Calls f(kx, ky, coefficient) for every residual entry of a plane in
// order; coefficient = λ_plane·w_b·s_b·m_k, the weight of ρ at that entry.
template <class F>
void SpectralLoss::for_each_plane_residual(BandSet active, std::span<const double> band_weights, double plane_weight,
                                           F&& f) const {
  for (int b = 0; b <= active.highest(); ++b) {
    if (!active.contains(b)) continue;
    const double scale = options_.band_scales.empty() ? 1.0 : options_.band_scales[b];
    const double band = plane_weight * band_weights[b] * scale;
    for_each_half_set_frequency(b, [&](int kx, int ky) { f(kx, ky, band * half_set_multiplicity(kx, ky)); });
  }
}

// Calls f(plane, kx, ky, coefficient) for every residual entry in order.
template <class F>
void SpectralLoss::for_each_residual(BandSet active, std::span<const double> band_weights, F&& f) const {
  for (int p = 0; p < plane_count(); ++p)
    for_each_plane_residual(active, band_weights, plane_weight(p), [&](int kx, int ky, double c) { f(p, kx, ky, c); });
}

double SpectralLoss::plane_loss(int p, BandSet active, std::span<const double> band_weights, double plane_weight) {
  const bool least_squares = options_.norm == SpectralNorm::kLeastSquares;
  const double eps = options_.epsilon;
  double loss = 0.0;
  for_each_plane_residual(active, band_weights, plane_weight, [&](int kx, int ky, double c) {
    const std::complex<double> z =
        std::complex<double>(rendered_.at(p, kx, ky)) - std::complex<double>(target_.at(p, kx, ky));
    const double z2 = std::norm(z);
    if (least_squares) {
      loss += 0.5 * c * z2;
      weights_.at(p, kx, ky) = std::complex<float>(c * z);
    } else {
      const double modulus = std::sqrt(z2 + eps * eps);
      loss += c * z2 / (modulus + eps);  // = c·(modulus − ε) without cancellation
      weights_.at(p, kx, ky) = std::complex<float>(c / modulus * z);
    }
  });
  return loss;
}

// One task per plane from the input to its gradient: the planes need each
// other only for the total, summed here in plane order, so the result is the
// same for any thread count.
double SpectralLoss::evaluate(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                              float* dl_drgb, float* dl_dalpha) {
  const char* what = "SpectralLoss::evaluate";
  const BandSet active = active_bands(band_weights);
  require_inputs(rgb, alpha, what);
  const MomentPath path = transform_.resolve(options_.path, active);
  load_planes(rgb, alpha, what);
  if (gpu_) {
    // One batched transform each way; the per-plane work between them here.
    gpu_forward(plane_count(), active, rendered_);
    context_->run(plane_count(),
                  [&](int p, int) { plane_losses_[p] = plane_loss(p, active, band_weights, plane_weight(p)); });
    gpu_adjoint(plane_count(), active);
  }
  context_->run(plane_count(), [&](int p, int thread) {
    if (!gpu_) {
      transform_.forward(scratch_[p].data(), active, path, rendered_.plane(p), buffers_[thread]);
      plane_losses_[p] = plane_loss(p, active, band_weights, plane_weight(p));
    }
    if (wants_gradient(p, dl_drgb, dl_dalpha))
      plane_gradient(p, active, path, buffers_[thread]);
    else
      clear_weights(p, active);
  });
  write_gradients(dl_drgb, dl_dalpha);
  double loss = 0.0;
  for (int p = 0; p < plane_count(); ++p) loss += plane_losses_[p];
  return loss;
}

void SpectralLoss::weighted_moments(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                                    bool minus_target, const char* what, std::vector<double>& out) {
  const BandSet active = active_bands(band_weights);
  require_inputs(rgb, alpha, what);
  rendered_moments(rgb, alpha, active, transform_.resolve(options_.path, active), what);
  // Every plane has the same frequencies: plane p's entries start at p times
  // their count, so the planes are filled in parallel.
  const std::size_t per_plane = 2 * static_cast<std::size_t>(active.frequency_count());
  out.resize(per_plane * static_cast<std::size_t>(plane_count()));
  context_->run(plane_count(), [&](int p, int) {
    double* r = out.data() + per_plane * static_cast<std::size_t>(p);
    // c takes two values per band (the multiplicity is 1 or 2): one square
    // root per run of equal coefficients, not one per entry.
    double last = -1, root = 0;
    for_each_plane_residual(active, band_weights, plane_weight(p), [&](int kx, int ky, double c) {
      std::complex<double> z(rendered_.at(p, kx, ky));
      if (minus_target) z -= std::complex<double>(target_.at(p, kx, ky));
      if (c != last) {
        last = c;
        root = std::sqrt(c);
      }
      *r++ = root * z.real();
      *r++ = root * z.imag();
    });
  });
}

std::vector<double> SpectralLoss::residuals(const ImageView& rgb, const ImageView& alpha,
                                            std::span<const double> band_weights) {
  std::vector<double> r;
  residuals(rgb, alpha, band_weights, r);
  return r;
}

void SpectralLoss::residuals(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                             std::vector<double>& out) {
  weighted_moments(rgb, alpha, band_weights, true, "SpectralLoss::residuals", out);
}

std::size_t SpectralLoss::residual_count(std::span<const double> band_weights) const {
  return 2 * static_cast<std::size_t>(plane_count()) * active_bands(band_weights).frequency_count();
}

std::vector<double> SpectralLoss::residual_jacobian_times(const ImageView& d_rgb, const ImageView& d_alpha,
                                                          std::span<const double> band_weights) {
  std::vector<double> r;
  residual_jacobian_times(d_rgb, d_alpha, band_weights, r);
  return r;
}

void SpectralLoss::residual_jacobian_times(const ImageView& d_rgb, const ImageView& d_alpha,
                                           std::span<const double> band_weights, std::vector<double>& out) {
  weighted_moments(d_rgb, d_alpha, band_weights, false, "SpectralLoss::residual_jacobian_times", out);
}

void SpectralLoss::residual_jacobian_transpose_times(std::span<const double> dr, std::span<const double> band_weights,
                                                     float* dl_drgb, float* dl_dalpha) {
  const BandSet active = active_bands(band_weights);
  if (!has_target())
    throw std::invalid_argument("SpectralLoss::residual_jacobian_transpose_times: set_target() was not called");
  if (dr.size() != residual_count(band_weights))
    throw std::invalid_argument("SpectralLoss::residual_jacobian_transpose_times: " + std::to_string(dr.size()) +
                                " residual values, expected " + std::to_string(residual_count(band_weights)));
  std::size_t i = 0;
  for_each_residual(active, band_weights, [&](int p, int kx, int ky, double c) {
    weights_.at(p, kx, ky) = std::complex<float>(std::sqrt(c) * std::complex<double>(dr[i], dr[i + 1]));
    i += 2;
  });
  const MomentPath path = transform_.resolve(options_.path, active);
  if (gpu_) gpu_adjoint(plane_count(), active);
  context_->run(plane_count(), [&](int p, int thread) {
    if (wants_gradient(p, dl_drgb, dl_dalpha))
      plane_gradient(p, active, path, buffers_[thread]);
    else
      clear_weights(p, active);
  });
  write_gradients(dl_drgb, dl_dalpha);
}

}  // namespace splattrack::losses
