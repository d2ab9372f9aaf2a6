#include "splattrack/tracker/observation.hpp"

#include <algorithm>

namespace splattrack {

namespace {

// Mask values at or below this are background (8-bit masks: 0).
inline constexpr float kOutsideMask = 0.5f / 255.f;

// Per-channel median colour of the given pixels (zero when there are none).
std::array<float, 3> median_colour(const FrameView& f, const std::vector<std::size_t>& pixels) {
  std::array<float, 3> out{};
  if (pixels.empty()) return out;
  std::vector<float> v(pixels.size());
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t i = 0; i < pixels.size(); ++i) v[i] = f.rgb[3 * pixels[i] + c];
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    out[c] = v[v.size() / 2];
  }
  return out;
}

// Median colour of the border pixels: the background a maskless frame is
// rendered against.
std::array<float, 3> border_median(const FrameView& f) {
  const auto w = static_cast<std::size_t>(f.width), h = static_cast<std::size_t>(f.height);
  std::vector<std::size_t> border;
  for (std::size_t x = 0; x < w; ++x) {
    border.push_back(x);
    border.push_back((h - 1) * w + x);
  }
  for (std::size_t y = 0; y < h; ++y) {
    border.push_back(y * w);
    border.push_back(y * w + w - 1);
  }
  return median_colour(f, border);
}

}  // namespace

Observation::Observation(const FrameView& frame)
    : width_(frame.width), height_(frame.height), has_mask_(frame.has_mask()) {
  frame.validate();
  target_rgb_.assign(frame.rgb.begin(), frame.rgb.end());
  if (!has_mask_) {
    background_ = border_median(frame);
    return;
  }
  target_mask_.assign(frame.mask.begin(), frame.mask.end());
  std::vector<std::size_t> outside;
  for (std::size_t p = 0; p < frame.mask.size(); ++p)
    if (frame.mask[p] <= kOutsideMask) outside.push_back(p);
  const std::array<float, 3> behind = median_colour(frame, outside);
  for (std::size_t p = 0; p < frame.mask.size(); ++p) {
    const float m = frame.mask[p];
    for (std::size_t c = 0; c < 3; ++c) target_rgb_[3 * p + c] = frame.rgb[3 * p + c] * m - (1.f - m) * m * behind[c];
  }
}

Observed Observation::target() const {
  return {{target_rgb_.data(), width_, height_, 3},
          has_mask_ ? losses::ImageView{target_mask_.data(), width_, height_, 1} : losses::ImageView{}};
}

Observed Observation::apply(const RenderImage& img) {
  const losses::ImageView alpha =
      has_mask_ ? losses::ImageView{img.alpha.data(), img.width, img.height, 1} : losses::ImageView{};
  if (!has_mask_) return {{img.rgb.data(), img.width, img.height, 3}, alpha};
  observed_.resize(img.rgb.size());
  for (std::size_t p = 0; p < img.alpha.size(); ++p)
    for (std::size_t c = 0; c < 3; ++c) observed_[3 * p + c] = img.rgb[3 * p + c] * img.alpha[p];
  return {{observed_.data(), img.width, img.height, 3}, alpha};
}

void Observation::vjp(const RenderImage& img, const float* dl_dobserved_rgb, const float* dl_dobserved_alpha,
                      float* dl_drgb, float* dl_dalpha) const {
  if (!has_mask_) {
    std::copy(dl_dobserved_rgb, dl_dobserved_rgb + img.rgb.size(), dl_drgb);
    return;
  }
  for (std::size_t p = 0; p < img.alpha.size(); ++p) {
    float da = dl_dobserved_alpha ? dl_dobserved_alpha[p] : 0.f;
    for (std::size_t c = 0; c < 3; ++c) {
      dl_drgb[3 * p + c] = dl_dobserved_rgb[3 * p + c] * img.alpha[p];
      da += dl_dobserved_rgb[3 * p + c] * img.rgb[3 * p + c];
    }
    dl_dalpha[p] = da;
  }
}

Observed Observation::jvp(const RenderImage& img, const RenderTangent& d, std::vector<float>& scratch) const {
  if (!has_mask_) return {{d.rgb.data(), img.width, img.height, 3}, {}};
  scratch.resize(d.rgb.size());
  for (std::size_t p = 0; p < img.alpha.size(); ++p)
    for (std::size_t c = 0; c < 3; ++c)
      scratch[3 * p + c] = d.rgb[3 * p + c] * img.alpha[p] + img.rgb[3 * p + c] * d.alpha[p];
  return {{scratch.data(), img.width, img.height, 3}, {d.alpha.data(), img.width, img.height, 1}};
}

}  // namespace splattrack
