#include "splattrack/tracker/observation.hpp"

#include <algorithm>
#include <cmath>

#include "splattrack/tracker/agreement.hpp"
#include "splattrack/tracker/occlusion.hpp"

namespace splattrack {

namespace {

// Mask values at or below this are background (8-bit masks: 0); estimated
// probabilities are never exactly 0, so their background is the colours the
// colour model calls at least 90 % background.
inline constexpr float kOutsideMask = 0.5f / 255.f;
inline constexpr float kOutsideEstimate = 0.1f;

// Per-channel median colour of the given pixels of an [H, W, 3] image (zero
// when there are none).
std::array<float, 3> median_colour(const std::vector<float>& rgb, const std::vector<std::size_t>& pixels) {
  std::array<float, 3> out{};
  if (pixels.empty()) return out;
  std::vector<float> v(pixels.size());
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < pixels.size(); ++i) v[i] = rgb[3 * pixels[i] + c];
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    out[c] = v[v.size() / 2];
  }
  return out;
}

}  // namespace

Observation::Observation(const FrameView& frame)
    : Observation(frame, ObservationWindow{0, 0, 1, frame.width, frame.height, false}) {}

Observation::Observation(const FrameView& frame, const ObservationWindow& window,
                         const ForegroundEstimate* foreground, const ColourCorrection& correction)
    : window_(window),
      width_(window.width),
      height_(window.height),
      has_mask_(frame.has_mask() || (foreground && foreground->colours && foreground->colours->ready())),
      source_(frame.has_mask() ? ForegroundSource::given
              : !has_mask_     ? ForegroundSource::none
              : foreground->moving.empty() ? ForegroundSource::estimated
                                           : ForegroundSource::bgsub),
      correction_(correction) {
  frame.validate();
  WindowedFrame windowed = resample(frame, window);
  if (!windowed.all_valid) valid_ = std::move(windowed.valid);
  frame_rgb_ = std::move(windowed.image.rgb);
  target_rgb_ = frame_rgb_;
  const auto w = static_cast<std::size_t>(width_), h = static_cast<std::size_t>(height_);
  if (!has_mask_) {
    // The median colour of the window's border (inside the frame): the
    // background a maskless frame is rendered against.
    std::vector<std::size_t> border;
    for_each_border_pixel(w, h, [&](std::size_t p) {
      if (valid(p)) border.push_back(p);
    });
    background_ = median_colour(target_rgb_, border);
    return;
  }
  if (source_ == ForegroundSource::given) target_mask_ = std::move(windowed.image.mask);
  else
    foreground->colours->probability(undo_lighting(target_rgb_.data(), w * h, foreground->lighting).data(), width_,
                                     height_, foreground->centre.value_or(SectorCentre{width_ / 2.0, height_ / 2.0}),
                                     target_mask_);
  // How far each pixel's colour is from the render's prediction there
  // (agreement.hpp; empty without one), for the estimate and the hidden.
  const std::vector<float> distances =
      foreground ? agreement_distances(frame_rgb_.data(), foreground->expected, width_, height_)
                 : std::vector<float>{};
  if (source_ != ForegroundSource::given) {
    weigh_by_agreement(target_mask_, distances);
    if (foreground->prior.size() == target_mask_.size())
      for (std::size_t p = 0; p < target_mask_.size(); ++p)
        target_mask_[p] = with_prior(target_mask_[p], foreground->prior[p]);
    if (foreground->support.size() == target_mask_.size())
      for (std::size_t p = 0; p < target_mask_.size(); ++p) target_mask_[p] *= foreground->support[p];
    if (foreground->moving.size() == target_mask_.size())
      for (std::size_t p = 0; p < target_mask_.size(); ++p) target_mask_[p] *= foreground->moving[p];
    fill_enclosed(target_mask_, width_, height_, foreground->inside);
  }
  // Hidden: where the last frame saw an occluder, and where this frame's
  // colours disagree with the render's deep inside its silhouette; either
  // only where the target says "not object".
  const std::vector<float> disagreeing =
      occluded_by_disagreement(distances, width_, height_, occlusion_defaults::kEdgeMarginPx);
  const bool carried = foreground && foreground->occluded.size() == target_mask_.size();
  if (carried || !disagreeing.empty()) {
    for (std::size_t p = 0; p < target_mask_.size(); ++p) {
      const bool hidden =
          (carried && foreground->occluded[p] != 0.f) || (!disagreeing.empty() && disagreeing[p] != 0.f);
      if (!hidden || target_mask_[p] >= 0.5f) continue;
      if (valid_.empty()) valid_.assign(target_mask_.size(), 1.f);
      if (occluded_.empty()) occluded_.assign(target_mask_.size(), 0);
      valid_[p] = 0.f;
      occluded_[p] = 1;
    }
  }
  const float outside_at = source_ == ForegroundSource::given ? kOutsideMask : kOutsideEstimate;
  std::vector<std::size_t> outside;
  for (std::size_t p = 0; p < target_mask_.size(); ++p)
    if (target_mask_[p] <= outside_at && valid(p)) outside.push_back(p);
  const std::array<float, 3> behind = median_colour(target_rgb_, outside);
  for (std::size_t p = 0; p < target_mask_.size(); ++p) {
    const float m = target_mask_[p];
    for (std::size_t c = 0; c < 3; ++c) target_rgb_[3 * p + c] = target_rgb_[3 * p + c] * m - (1.f - m) * m * behind[c];
  }
}

Observed Observation::target() const {
  return {{target_rgb_.data(), width_, height_, 3},
          has_mask_ ? losses::ImageView{target_mask_.data(), width_, height_, 1} : losses::ImageView{}};
}

void Observation::fill_invalid(float* rgb, float* alpha) const {
  for (std::size_t p = 0; p < valid_.size(); ++p) {
    if (valid_[p] > 0.f) continue;
    for (std::size_t c = 0; c < 3; ++c) rgb[3 * p + c] = target_rgb_[3 * p + c];
    if (alpha) alpha[p] = target_mask_[p];
  }
}

ColourCorrection Observation::fit_colour(const RenderImage& img, const float* usable) const {
  // Per channel, over window pixels inside the silhouette (render alpha and,
  // with a mask, the target's at least a half): weights w, render colour c
  // (unpremultiplied), target colour f. The gain matches the spread of the
  // colours, not their regression: g = (σ_c σ_f + λ) / (σ_c² + λ), b =
  // mean f − g mean c (λ: the ridge toward g = 1 of a plain face). Least
  // squares' gain is that times the correlation of c and f, which a pose a
  // few pixels off or a blurred frame lowers: on the real cube clip its
  // gain fell to 0.45 with the offset at its bound while the pose was right
  // (correlation 0.5-0.7), and the render compared at half the frame's
  // contrast pulled later alignments 0.2 m off.
  constexpr float kInside = 0.5f;
  double sw = 0;
  std::array<double, 3> swc{}, swcc{}, swf{}, swff{};
  for (std::size_t p = 0; p < img.alpha.size(); ++p) {
    const float a = img.alpha[p];
    const float m = has_mask_ ? target_mask_[p] : 1.f;
    if (a < kInside || m < kInside || !valid(p) || (usable && usable[p] <= 0.f)) continue;
    const double w = static_cast<double>(a) * m;
    sw += w;
    for (std::size_t c = 0; c < 3; ++c) {
      const double premultiplied = has_mask_ ? img.rgb[3 * p + c] : img.rgb[3 * p + c] - (1 - a) * background_[c];
      const double colour = premultiplied / a;
      const double target = target_rgb_[3 * p + c] / m;
      swc[c] += w * colour;
      swcc[c] += w * colour * colour;
      swf[c] += w * target;
      swff[c] += w * target * target;
    }
  }
  ColourCorrection fit;
  if (sw < colour_defaults::kMinWeight) return fit;
  for (std::size_t c = 0; c < 3; ++c) {
    const double mean_c = swc[c] / sw, mean_f = swf[c] / sw;
    const double var_c = std::max(swcc[c] / sw - mean_c * mean_c, 0.0);
    const double var_f = std::max(swff[c] / sw - mean_f * mean_f, 0.0);
    const double g = (std::sqrt(var_c * var_f) + colour_defaults::kRidge) / (var_c + colour_defaults::kRidge);
    const float gain = std::clamp(static_cast<float>(g), colour_defaults::kMinGain, colour_defaults::kMaxGain);
    fit.gain[c] = gain;
    fit.offset[c] = std::clamp(static_cast<float>(mean_f - gain * mean_c), -colour_defaults::kMaxOffset,
                               colour_defaults::kMaxOffset);
  }
  return fit;
}

Observed Observation::apply(const RenderImage& img) {
  const bool identity = correction_.gain == std::array<float, 3>{1.f, 1.f, 1.f} &&
                        correction_.offset == std::array<float, 3>{0.f, 0.f, 0.f};
  if (!has_mask_ && valid_.empty() && identity) return {{img.rgb.data(), img.width, img.height, 3}, {}};
  const auto& g = correction_.gain;
  const auto& b = correction_.offset;
  observed_.resize(img.rgb.size());
  // With a mask: g ⊙ (rgb·alpha) + b·alpha (rendered on black, rgb is the
  // object's colour). Without: g ⊙ C + b·alpha + (1 − alpha)·bg with
  // C = rgb − (1 − alpha)·bg, i.e. g ⊙ rgb + (1 − alpha)(1 − g) ⊙ bg + b·alpha.
  for (std::size_t p = 0; p < img.alpha.size(); ++p) {
    const float a = img.alpha[p];
    for (std::size_t c = 0; c < 3; ++c) {
      const float v = img.rgb[3 * p + c];
      observed_[3 * p + c] = has_mask_ ? g[c] * v * a + b[c] * a
                                       : g[c] * v + (1.f - a) * (1.f - g[c]) * background_[c] + b[c] * a;
    }
  }
  const float* alpha = has_mask_ ? img.alpha.data() : nullptr;
  if (!valid_.empty()) {
    if (has_mask_) {
      observed_alpha_.assign(img.alpha.begin(), img.alpha.end());
      alpha = observed_alpha_.data();
    }
    fill_invalid(observed_.data(), has_mask_ ? observed_alpha_.data() : nullptr);
  }
  return {{observed_.data(), img.width, img.height, 3},
          has_mask_ ? losses::ImageView{alpha, img.width, img.height, 1} : losses::ImageView{}};
}

void Observation::vjp(const RenderImage& img, const float* dl_dobserved_rgb, const float* dl_dobserved_alpha,
                      float* dl_drgb, float* dl_dalpha) const {
  const auto& g = correction_.gain;
  const auto& b = correction_.offset;
  for (std::size_t p = 0; p < img.alpha.size(); ++p) {
    const float a = img.alpha[p];
    float da = has_mask_ && dl_dobserved_alpha ? dl_dobserved_alpha[p] : 0.f;
    for (std::size_t c = 0; c < 3; ++c) {
      const float d = dl_dobserved_rgb[3 * p + c];
      if (has_mask_) {
        dl_drgb[3 * p + c] = d * g[c] * a;
        da += d * (g[c] * img.rgb[3 * p + c] + b[c]);
      } else {
        dl_drgb[3 * p + c] = d * g[c];
        da += d * ((g[c] - 1.f) * background_[c] + b[c]);
      }
    }
    if (dl_dalpha) dl_dalpha[p] = da;
  }
  for (std::size_t p = 0; p < valid_.size(); ++p) {
    if (valid_[p] > 0.f) continue;
    for (std::size_t c = 0; c < 3; ++c) dl_drgb[3 * p + c] = 0.f;
    if (dl_dalpha) dl_dalpha[p] = 0.f;
  }
}

Observed Observation::jvp(const RenderImage& img, const RenderTangent& d, std::vector<float>& scratch) const {
  const auto& g = correction_.gain;
  const auto& b = correction_.offset;
  const std::size_t n = img.alpha.size();
  // [H, W, 3] colour tangent, then with a mask [H, W] alpha tangent.
  scratch.resize(has_mask_ ? 4 * n : 3 * n);
  for (std::size_t p = 0; p < n; ++p)
    for (std::size_t c = 0; c < 3; ++c)
      scratch[3 * p + c] = has_mask_ ? g[c] * (d.rgb[3 * p + c] * img.alpha[p] + img.rgb[3 * p + c] * d.alpha[p]) +
                                           b[c] * d.alpha[p]
                                     : g[c] * d.rgb[3 * p + c] + ((g[c] - 1.f) * background_[c] + b[c]) * d.alpha[p];
  if (has_mask_) std::copy(d.alpha.begin(), d.alpha.end(), scratch.begin() + static_cast<std::ptrdiff_t>(3 * n));
  for (std::size_t p = 0; p < valid_.size(); ++p) {
    if (valid_[p] > 0.f) continue;
    for (std::size_t c = 0; c < 3; ++c) scratch[3 * p + c] = 0.f;
    if (has_mask_) scratch[3 * n + p] = 0.f;
  }
  return {{scratch.data(), img.width, img.height, 3},
          has_mask_ ? losses::ImageView{scratch.data() + 3 * n, img.width, img.height, 1} : losses::ImageView{}};
}

}  // namespace splattrack
