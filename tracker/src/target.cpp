#include "splattrack/tracker/target.hpp"

#include <algorithm>

namespace splattrack {

namespace {

// Mask values at or below this are background (8-bit masks: 0).
inline constexpr float kOutsideMask = 0.5f / 255.f;

// Median colour of the border pixels: the background a maskless frame is
// rendered against.
std::array<float, 3> border_median(const Frame& f) {
  std::array<float, 3> out{};
  for (int c = 0; c < 3; ++c) {
    std::vector<float> v;
    for (int x = 0; x < f.width; ++x) {
      v.push_back(f.rgb[3 * static_cast<std::size_t>(x) + c]);
      v.push_back(f.rgb[3 * (static_cast<std::size_t>(f.height - 1) * f.width + x) + c]);
    }
    for (int y = 0; y < f.height; ++y) {
      v.push_back(f.rgb[3 * (static_cast<std::size_t>(y) * f.width) + c]);
      v.push_back(f.rgb[3 * (static_cast<std::size_t>(y) * f.width + f.width - 1) + c]);
    }
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    out[c] = v[v.size() / 2];
  }
  return out;
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
  std::array<float, 3> behind{0.f, 0.f, 0.f};
  for (int c = 0; c < 3; ++c) {
    std::vector<float> v;
    for (std::size_t p = 0; p < frame.mask.size(); ++p)
      if (frame.mask[p] <= kOutsideMask) v.push_back(frame.rgb[3 * p + c]);
    if (v.empty()) break;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    behind[static_cast<std::size_t>(c)] = v[v.size() / 2];
  }
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
