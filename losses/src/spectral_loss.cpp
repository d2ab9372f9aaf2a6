#include "splattrack/losses/spectral_loss.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>

#include "simd.hpp"
#include "thread_pool.hpp"

namespace splattrack::losses {

namespace {

void require_weight(double w, const std::string& what) {
  if (!std::isfinite(w) || w < 0.0)
    throw std::invalid_argument("SpectralLossOptions: " + what + " must be finite and >= 0, got " + std::to_string(w));
}

// planes[c][i] = src[i·channels + c] over the pixels [begin, end); false
// when some value is NaN or infinite (|x| <= FLT_MAX fails exactly for
// those, and OR-ing it vectorises). The renderer's RGB has a loop of its own
// that vectorises.
ST_MULTIVERSION bool deinterleave(const float* __restrict src, int channels, std::size_t begin, std::size_t end,
                                  float* const* planes) {
  int bad = 0;
  if (channels == 3) {
    float* __restrict r = planes[0];
    float* __restrict g = planes[1];
    float* __restrict b = planes[2];
    for (std::size_t i = begin; i < end; ++i) {
      const float x = src[3 * i], y = src[3 * i + 1], z = src[3 * i + 2];
      bad |= (std::abs(x) <= FLT_MAX ? 0 : 1) | (std::abs(y) <= FLT_MAX ? 0 : 1) | (std::abs(z) <= FLT_MAX ? 0 : 1);
      r[i] = x;
      g[i] = y;
      b[i] = z;
    }
    return bad == 0;
  }
  for (int c = 0; c < channels; ++c)
    for (std::size_t i = begin; i < end; ++i) {
      const float x = src[i * channels + c];
      bad |= std::abs(x) <= FLT_MAX ? 0 : 1;
      planes[c][i] = x;
    }
  return bad == 0;
}

ST_MULTIVERSION void multiply(const float* __restrict factor, std::size_t n, float* __restrict x) {
  for (std::size_t i = 0; i < n; ++i) x[i] *= factor[i];
}

// out[i·3 + c] = planes[c][i] over the pixels [begin, end), channel by
// channel for other counts.
ST_MULTIVERSION void interleave_planes(const std::vector<std::vector<float>>& planes, int channels, std::size_t begin,
                                       std::size_t end, float* __restrict out) {
  if (channels == 3) {
    const float* __restrict r = planes[0].data();
    const float* __restrict g = planes[1].data();
    const float* __restrict b = planes[2].data();
    for (std::size_t i = begin; i < end; ++i) {
      out[3 * i] = r[i];
      out[3 * i + 1] = g[i];
      out[3 * i + 2] = b[i];
    }
    return;
  }
  for (int c = 0; c < channels; ++c)
    for (std::size_t i = begin; i < end; ++i) out[i * channels + c] = planes[c][i];
}

}  // namespace

SpectralLoss::~SpectralLoss() = default;
SpectralLoss::SpectralLoss(SpectralLoss&&) noexcept = default;
SpectralLoss& SpectralLoss::operator=(SpectralLoss&&) noexcept = default;

SpectralLoss::SpectralLoss(int width, int height, SpectralLossOptions options)
    : width_(width), height_(height), options_(std::move(options)), transform_(width, height, options_.band_count) {
  if (!std::isfinite(options_.epsilon) || options_.epsilon <= 0.0)
    throw std::invalid_argument("SpectralLossOptions: epsilon must be finite and > 0, got " +
                                std::to_string(options_.epsilon));
  require_weight(options_.mask_weight, "mask_weight");
  if (!options_.band_scales.empty() && options_.band_scales.size() != static_cast<std::size_t>(options_.band_count))
    throw std::invalid_argument("SpectralLossOptions: band_scales has " + std::to_string(options_.band_scales.size()) +
                                " values, expected " + std::to_string(options_.band_count));
  for (std::size_t b = 0; b < options_.band_scales.size(); ++b)
    require_weight(options_.band_scales[b], "band_scales[" + std::to_string(b) + "]");
  if (options_.threads < 1)
    throw std::invalid_argument("SpectralLossOptions: threads must be >= 1, got " + std::to_string(options_.threads));
  pool_ = std::make_unique<ThreadPool>(options_.threads);
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
  pool_->run(mask.empty() ? rgb.channels : planes, [&](int p) {
    const bool is_mask = p == rgb.channels;
    const float* data = is_mask ? mask.data : rgb.data + p;
    const int stride = is_mask ? 1 : rgb.channels;
    std::vector<float>& plane = scratch_[p];
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

std::vector<double> SpectralLoss::plane_weights() const {
  std::vector<double> weights(target_channels_, 1.0);
  if (has_mask_term()) weights.push_back(options_.mask_weight);
  return weights;
}

void SpectralLoss::load_planes(const ImageView& rgb, const ImageView& alpha, const char* what) {
  const std::size_t n = static_cast<std::size_t>(width_) * height_;
  const int parts = pool_->threads();
  std::vector<float*> colour;
  for (int c = 0; c < target_channels_; ++c) colour.push_back(scratch_[c].data());
  std::vector<char> finite(2 * parts, 1);
  pool_->run(parts, [&](int part) {
    const std::size_t begin = n * part / parts, end = n * (part + 1) / parts;
    finite[2 * part] = deinterleave(rgb.data, target_channels_, begin, end, colour.data());
    if (has_mask_term()) {
      float* mask = scratch_[target_channels_].data();
      finite[2 * part + 1] = deinterleave(alpha.data, 1, begin, end, &mask);
    }
    for (int p = 0; p < plane_count(); ++p)
      if (!valid_[p].empty()) multiply(valid_[p].data() + begin, end - begin, scratch_[p].data() + begin);
  });
  if (std::find(finite.begin(), finite.end(), 0) == finite.end()) return;
  require_finite(rgb, what);  // throws, naming the first offending element
  require_finite(alpha, what);
}

void SpectralLoss::rendered_moments(const ImageView& rgb, const ImageView& alpha, BandSet active, MomentPath path,
                                    const char* what) {
  load_planes(rgb, alpha, what);
  pool_->run(plane_count(), [&](int p) { transform_.forward(scratch_[p].data(), active, path, rendered_.plane(p)); });
}

bool SpectralLoss::wants_gradient(int p, const float* dl_drgb, const float* dl_dalpha) const {
  return (p == target_channels_ ? dl_dalpha : dl_drgb) != nullptr;
}

void SpectralLoss::plane_gradient(int p, BandSet active, MomentPath path) {
  std::vector<float>& plane = scratch_[p];
  transform_.adjoint(weights_.plane(p), active, path, plane.data());
  if (!valid_[p].empty()) multiply(valid_[p].data(), plane.size(), plane.data());
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
    const int parts = pool_->threads();
    pool_->run(parts, [&](int part) {
      const std::size_t begin = n * part / parts, end = n * (part + 1) / parts;
      interleave_planes(scratch_, target_channels_, begin, end, dl_drgb);
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
  const std::vector<double> lambdas = plane_weights();
  for (int p = 0; p < static_cast<int>(lambdas.size()); ++p)
    for_each_plane_residual(active, band_weights, lambdas[p], [&](int kx, int ky, double c) { f(p, kx, ky, c); });
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
  const std::vector<double> lambdas = plane_weights();
  std::vector<double> losses(lambdas.size(), 0.0);
  load_planes(rgb, alpha, what);
  pool_->run(plane_count(), [&](int p) {
    transform_.forward(scratch_[p].data(), active, path, rendered_.plane(p));
    losses[p] = plane_loss(p, active, band_weights, lambdas[p]);
    if (wants_gradient(p, dl_drgb, dl_dalpha))
      plane_gradient(p, active, path);
    else
      clear_weights(p, active);
  });
  write_gradients(dl_drgb, dl_dalpha);
  double loss = 0.0;
  for (const double l : losses) loss += l;
  return loss;
}

std::vector<double> SpectralLoss::weighted_moments(const ImageView& rgb, const ImageView& alpha,
                                                   std::span<const double> band_weights, bool minus_target,
                                                   const char* what) {
  const BandSet active = active_bands(band_weights);
  require_inputs(rgb, alpha, what);
  rendered_moments(rgb, alpha, active, transform_.resolve(options_.path, active), what);
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
  pool_->run(plane_count(), [&](int p) {
    if (wants_gradient(p, dl_drgb, dl_dalpha))
      plane_gradient(p, active, path);
    else
      clear_weights(p, active);
  });
  write_gradients(dl_drgb, dl_dalpha);
}

}  // namespace splattrack::losses
