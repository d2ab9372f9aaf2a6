#include "splattrack/tracker/target.hpp"

#include <algorithm>

namespace splattrack {

namespace {

// Mask values at or below this are background (8-bit masks: 0).
inline constexpr float kOutsideMask = 0.5f / 255.f;

// Per-channel median colour of the given pixels (zero when there are none).
std::array<float, 3> median_colour(const Frame& f, const std::vector<std::size_t>& pixels) {
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
std::array<float, 3> border_median(const Frame& f) {
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

void observed_colour(const RenderImage& img, bool masked, std::vector<float>& out) {
  out.resize(img.rgb.size());
  if (!masked) {
    std::copy(img.rgb.begin(), img.rgb.end(), out.begin());
    return;
  }
  for (std::size_t p = 0; p < img.alpha.size(); ++p)
    for (int c = 0; c < 3; ++c) out[3 * p + c] = img.rgb[3 * p + c] * img.alpha[p];
}

void observed_colour_tangent(const RenderImage& img, const RenderTangent& d, bool masked,
                             std::vector<float>& out) {
  out.resize(d.rgb.size());
  if (!masked) {
    std::copy(d.rgb.begin(), d.rgb.end(), out.begin());
    return;
  }
  for (std::size_t p = 0; p < img.alpha.size(); ++p)
    for (int c = 0; c < 3; ++c)
      out[3 * p + c] = d.rgb[3 * p + c] * img.alpha[p] + img.rgb[3 * p + c] * d.alpha[p];
}

void observed_colour_backward(const RenderImage& img, bool masked, const float* dl_dobserved, float* dl_drgb,
                              float* dl_dalpha) {
  if (!masked) {
    std::copy(dl_dobserved, dl_dobserved + img.rgb.size(), dl_drgb);
    return;
  }
  for (std::size_t p = 0; p < img.alpha.size(); ++p) {
    float da = 0.f;
    for (int c = 0; c < 3; ++c) {
      dl_drgb[3 * p + c] = dl_dobserved[3 * p + c] * img.alpha[p];
      da += dl_dobserved[3 * p + c] * img.rgb[3 * p + c];
    }
    dl_dalpha[p] += da;
  }
}

Frame matte_target(const Frame& frame) {
  std::vector<std::size_t> outside;
  for (std::size_t p = 0; p < frame.mask.size(); ++p)
    if (frame.mask[p] <= kOutsideMask) outside.push_back(p);
  const std::array<float, 3> behind = median_colour(frame, outside);
  Frame out = frame;
  for (std::size_t p = 0; p < frame.mask.size(); ++p) {
    const float m = frame.mask[p];
    for (int c = 0; c < 3; ++c)
      out.rgb[3 * p + c] = frame.rgb[3 * p + c] * m - (1.f - m) * m * behind[static_cast<std::size_t>(c)];
  }
  return out;
}

MatchTarget::MatchTarget(const Frame& frame, const Camera& camera,
                         const losses::SpectralLossOptions& spectral_options, int coarsest_size) {
  frame.validate();
  has_mask_ = frame.has_mask();
  Frame premultiplied = frame;
  if (has_mask_) premultiplied = matte_target(frame);
  else background_ = border_median(frame);

  const int longest = std::max(frame.width, frame.height);
  std::vector<int> sizes;
  sizes.push_back(longest);
  for (int s = longest / 2; coarsest_size > 0 && s >= coarsest_size; s /= 2) sizes.push_back(s);
  std::reverse(sizes.begin(), sizes.end());
  for (int s : sizes) {
    TargetLevel level;
    const int w = std::max(1, frame.width * s / longest);
    const int h = std::max(1, frame.height * s / longest);
    level.camera = s == longest ? camera : camera.scaled(w, h);
    level.frame = s == longest ? premultiplied : downsample(premultiplied, w, h);
    level.spectral = std::make_unique<losses::SpectralLoss>(w, h, spectral_options);
    const losses::ImageView rgb{level.frame.rgb.data(), w, h, 3};
    const losses::ImageView mask =
        has_mask_ ? losses::ImageView{level.frame.mask.data(), w, h, 1} : losses::ImageView{};
    level.spectral->set_target(rgb, mask);
    levels_.push_back(std::move(level));
  }
}

int MatchTarget::level_for_band(int highest_band) const {
  const int needed = tracker_defaults::kPixelsPerBandScale << std::max(0, highest_band);
  for (int i = 0; i < level_count(); ++i) {
    const TargetLevel& l = levels_[static_cast<std::size_t>(i)];
    if (std::max(l.frame.width, l.frame.height) >= needed) return i;
  }
  return level_count() - 1;
}

}  // namespace splattrack
