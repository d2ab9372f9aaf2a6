#include "splattrack/losses/spectral_loss.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "parallel.hpp"

namespace splattrack::losses {

// One input plane: element (u, v) at data[(v·W + u)·stride].
struct SpectralLoss::Plane {
  const float* data;
  int stride;
};

namespace {

void require_weight(double w, const std::string& what) {
  if (!std::isfinite(w) || w < 0.0)
    throw std::invalid_argument("SpectralLossOptions: " + what + " must be finite and >= 0, got " +
                                std::to_string(w));
}

}  // namespace

SpectralLoss::SpectralLoss(int width, int height, SpectralLossOptions options)
    : width_(width), height_(height), options_(std::move(options)),
      transform_(width, height, options_.band_count) {
  if (!std::isfinite(options_.epsilon) || options_.epsilon <= 0.0)
    throw std::invalid_argument("SpectralLossOptions: epsilon must be finite and > 0, got " +
                                std::to_string(options_.epsilon));
  require_weight(options_.mask_weight, "mask_weight");
  if (!options_.band_scales.empty() &&
      options_.band_scales.size() != static_cast<std::size_t>(options_.band_count))
    throw std::invalid_argument("SpectralLossOptions: band_scales has " +
                                std::to_string(options_.band_scales.size()) + " values, expected " +
                                std::to_string(options_.band_count));
  for (std::size_t b = 0; b < options_.band_scales.size(); ++b)
    require_weight(options_.band_scales[b], "band_scales[" + std::to_string(b) + "]");
  if (options_.threads < 1)
    throw std::invalid_argument("SpectralLossOptions: threads must be >= 1, got " +
                                std::to_string(options_.threads));
}

bool SpectralLoss::has_mask_term() const { return target_has_mask_ && options_.mask_weight > 0.0; }

void SpectralLoss::set_target(const ImageView& rgb, const ImageView& mask) {
  if (rgb.empty()) throw std::invalid_argument("SpectralLoss::set_target: empty colour image");
  require_shape(rgb, width_, height_, rgb.channels, "SpectralLoss::set_target colour");
  if (!mask.empty()) require_shape(mask, width_, height_, 1, "SpectralLoss::set_target mask");

  const int planes = rgb.channels + 1;
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  target_ = MomentGrid(transform_.radius(), planes);
  rendered_ = MomentGrid(transform_.radius(), planes);
  weights_ = MomentGrid(transform_.radius(), planes);
  valid_.assign(planes, {});
  scratch_.assign(planes, std::vector<float>(n));
  const BandSet all = BandSet::all(options_.band_count);
  const MomentPath path = transform_.resolve(MomentPath::kAuto, all);
  parallel_for(mask.empty() ? rgb.channels : planes, options_.threads, [&](int p) {
    const bool is_mask = p == rgb.channels;
    const float* data = is_mask ? mask.data : rgb.data + p;
    const int stride = is_mask ? 1 : rgb.channels;
    std::vector<float> plane(n);  // [H, W]
    std::vector<float> valid(n, 1.0f);
    bool all_valid = true;
    for (std::size_t i = 0; i < n; ++i) {
      plane[i] = data[i * stride];
      if (!std::isfinite(plane[i])) {
        plane[i] = 0.0f;
        valid[i] = 0.0f;
        all_valid = false;
      }
    }
    if (!all_valid) valid_[p] = std::move(valid);
    transform_.forward(plane.data(), all, path, target_.plane(p));
  });
  target_channels_ = rgb.channels;
  target_has_mask_ = !mask.empty();
}

std::vector<SpectralLoss::Plane> SpectralLoss::planes(const ImageView& rgb, const ImageView& alpha,
                                                      const char* what) const {
  if (!has_target()) throw std::invalid_argument(std::string(what) + ": set_target() was not called");
  require_shape(rgb, width_, height_, target_channels_, what);
  require_finite(rgb, what);
  std::vector<Plane> planes;
  for (int c = 0; c < target_channels_; ++c) planes.push_back({rgb.data + c, target_channels_});
  if (has_mask_term()) {
    require_shape(alpha, width_, height_, 1, what);
    require_finite(alpha, what);
    planes.push_back({alpha.data, 1});
  }
  return planes;
}

BandSet SpectralLoss::active_bands(std::span<const double> band_weights) const {
  if (band_weights.size() != static_cast<std::size_t>(options_.band_count))
    throw std::invalid_argument("SpectralLoss: " + std::to_string(band_weights.size()) +
                                " band weights, expected " + std::to_string(options_.band_count));
  return BandSet::from_weights(band_weights);
}

std::vector<double> SpectralLoss::plane_weights() const {
  std::vector<double> weights(target_channels_, 1.0);
  if (has_mask_term()) weights.push_back(options_.mask_weight);
  return weights;
}

void SpectralLoss::rendered_moments(const std::vector<Plane>& planes, BandSet active, MomentPath path) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  parallel_for(static_cast<int>(planes.size()), options_.threads, [&](int p) {
    std::vector<float>& plane = scratch_[p];
    for (std::size_t i = 0; i < n; ++i) plane[i] = planes[p].data[i * planes[p].stride];
    if (!valid_[p].empty())
      for (std::size_t i = 0; i < n; ++i) plane[i] *= valid_[p][i];
    transform_.forward(plane.data(), active, path, rendered_.plane(p));
  });
}

void SpectralLoss::gradients(BandSet active, MomentPath path, float* dl_drgb, float* dl_dalpha) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  const int planes = static_cast<int>(plane_weights().size());
  parallel_for(planes, options_.threads, [&](int p) {
    const bool is_mask = p == target_channels_;
    float* out = is_mask ? dl_dalpha : dl_drgb;
    if (out == nullptr) return;
    std::vector<float>& plane = scratch_[p];
    transform_.adjoint(weights_.plane(p), active, path, plane.data());
    if (!valid_[p].empty())
      for (std::size_t i = 0; i < n; ++i) plane[i] *= valid_[p][i];
    if (is_mask) {
      std::copy(plane.begin(), plane.end(), out);
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i * target_channels_ + p] = plane[i];
    }
  });
  if (dl_dalpha != nullptr && !has_mask_term()) std::fill(dl_dalpha, dl_dalpha + n, 0.0f);
  // Restore the invariant that weights_ is zero outside the entries in use.
  for (int p = 0; p < planes; ++p)
    for (int b = 0; b <= active.highest(); ++b)
      if (active.contains(b)) for_each_half_set_frequency(b, [&](int kx, int ky) { weights_.at(p, kx, ky) = {}; });
}

// Calls f(plane, kx, ky, coefficient) for every residual entry in order;
// coefficient = λ_plane·w_b·s_b·m_k, the weight of ρ at that entry.
template <class F>
void SpectralLoss::for_each_residual(BandSet active, std::span<const double> band_weights, F&& f) const {
  const std::vector<double> lambdas = plane_weights();
  for (int p = 0; p < static_cast<int>(lambdas.size()); ++p)
    for (int b = 0; b <= active.highest(); ++b) {
      if (!active.contains(b)) continue;
      const double scale = options_.band_scales.empty() ? 1.0 : options_.band_scales[b];
      const double band = lambdas[p] * band_weights[b] * scale;
      for_each_half_set_frequency(b, [&](int kx, int ky) { f(p, kx, ky, band * half_set_multiplicity(kx, ky)); });
    }
}

double SpectralLoss::evaluate(const ImageView& rgb, const ImageView& alpha, std::span<const double> band_weights,
                              float* dl_drgb, float* dl_dalpha) {
  const BandSet active = active_bands(band_weights);
  const std::vector<Plane> input = planes(rgb, alpha, "SpectralLoss::evaluate");
  const MomentPath path = transform_.resolve(options_.path, active);
  rendered_moments(input, active, path);

  const bool least_squares = options_.norm == SpectralNorm::kLeastSquares;
  const double eps = options_.epsilon;
  double loss = 0.0;
  for_each_residual(active, band_weights, [&](int p, int kx, int ky, double c) {
    const std::complex<double> z = std::complex<double>(rendered_.at(p, kx, ky)) -
                                   std::complex<double>(target_.at(p, kx, ky));
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
  gradients(active, path, dl_drgb, dl_dalpha);
  return loss;
}

std::vector<double> SpectralLoss::weighted_moments(const ImageView& rgb, const ImageView& alpha,
                                                   std::span<const double> band_weights, bool minus_target,
                                                   const char* what) {
  const BandSet active = active_bands(band_weights);
  rendered_moments(planes(rgb, alpha, what), active, transform_.resolve(options_.path, active));
  std::vector<double> r;
  r.reserve(residual_count(band_weights));
  for_each_residual(active, band_weights, [&](int p, int kx, int ky, double c) {
    std::complex<double> z(rendered_.at(p, kx, ky));
    if (minus_target) z -= std::complex<double>(target_.at(p, kx, ky));
    r.push_back(std::sqrt(c) * z.real());
    r.push_back(std::sqrt(c) * z.imag());
  });
  return r;
}

std::vector<double> SpectralLoss::residuals(const ImageView& rgb, const ImageView& alpha,
                                            std::span<const double> band_weights) {
  return weighted_moments(rgb, alpha, band_weights, true, "SpectralLoss::residuals");
}

std::size_t SpectralLoss::residual_count(std::span<const double> band_weights) const {
  return 2 * plane_weights().size() * active_bands(band_weights).frequency_count();
}

std::vector<double> SpectralLoss::residual_jacobian_times(const ImageView& d_rgb, const ImageView& d_alpha,
                                                          std::span<const double> band_weights) {
  return weighted_moments(d_rgb, d_alpha, band_weights, false, "SpectralLoss::residual_jacobian_times");
}

void SpectralLoss::residual_jacobian_transpose_times(std::span<const double> dr,
                                                     std::span<const double> band_weights, float* dl_drgb,
                                                     float* dl_dalpha) {
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
  gradients(active, transform_.resolve(options_.path, active), dl_drgb, dl_dalpha);
}

}  // namespace splattrack::losses
