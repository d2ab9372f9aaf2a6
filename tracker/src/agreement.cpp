#include "splattrack/tracker/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "splattrack/tracker/foreground.hpp"

namespace splattrack {

std::vector<float> expected_colours(const RenderImage& img, const std::array<float, 3>& background,
                                    const ColourCorrection& correction) {
  std::vector<float> out(img.rgb.size(), -1.f);
  for (std::size_t p = 0; p < img.alpha.size(); ++p) {
    const float a = img.alpha[p];
    if (a < agreement_defaults::kOpaqueAt) continue;
    // Over `background`: rgb = C + (1 − a)·background, C premultiplied.
    for (std::size_t c = 0; c < 3; ++c) {
      const float colour = (img.rgb[3 * p + c] - (1.f - a) * background[c]) / a;
      out[3 * p + c] = std::clamp(correction.gain[c] * colour + correction.offset[c], 0.f, 1.f);
    }
  }
  return out;
}

float agreement_odds(float distance) {
  const float d = distance / agreement_defaults::kNeutralDistance;
  const float log_odds = std::log(agreement_defaults::kMaxOdds) * std::max(1.f - d * d, -1.f);
  return std::exp(log_odds);
}

std::vector<float> agreement_distances(const float* rgb, const std::vector<float>& expected, int width, int height) {
  const auto w = static_cast<std::ptrdiff_t>(width), h = static_cast<std::ptrdiff_t>(height);
  if (expected.size() != static_cast<std::size_t>(3 * w * h)) return {};
  constexpr std::ptrdiff_t r = agreement_defaults::kReachPx;
  std::vector<float> out(static_cast<std::size_t>(w * h), -1.f);
  for (std::ptrdiff_t y = 0; y < h; ++y)
    for (std::ptrdiff_t x = 0; x < w; ++x) {
      const auto p = static_cast<std::size_t>(y * w + x);
      if (expected[3 * p] < 0.f) continue;
      float nearest = std::numeric_limits<float>::max();
      for (std::ptrdiff_t qy = std::max<std::ptrdiff_t>(y - r, 0); qy <= std::min(y + r, h - 1); ++qy)
        for (std::ptrdiff_t qx = std::max<std::ptrdiff_t>(x - r, 0); qx <= std::min(x + r, w - 1); ++qx) {
          const auto q = static_cast<std::size_t>(qy * w + qx);
          if (expected[3 * q] < 0.f) continue;
          float d2 = 0;
          for (std::size_t c = 0; c < 3; ++c) {
            const float d = rgb[3 * p + c] - expected[3 * q + c];
            d2 += d * d;
          }
          nearest = std::min(nearest, d2);
        }
      out[p] = nearest;
    }
  return out;
}

std::vector<float> occluded_by_disagreement(const std::vector<float>& distances, int width, int height, int margin) {
  const auto w = static_cast<std::ptrdiff_t>(width), h = static_cast<std::ptrdiff_t>(height);
  if (distances.size() != static_cast<std::size_t>(w * h)) return {};
  std::vector<float> outside(distances.size());
  for (std::size_t p = 0; p < outside.size(); ++p) outside[p] = distances[p] < 0.f ? 1.f : 0.f;
  const std::vector<float> near_outside = support_near(outside, width, height, margin);
  const float bound = 2.f * agreement_defaults::kNeutralDistance * agreement_defaults::kNeutralDistance;
  // Disagreeing pixels of the predicted silhouette; those in its interior
  // whose whole neighbourhood disagrees seed the regions, which grow through
  // disagreeing pixels to its edge.
  std::vector<unsigned char> disagrees(outside.size(), 0);
  std::vector<float> agrees(outside.size(), 1.f);
  for (std::size_t p = 0; p < distances.size(); ++p) {
    if (distances[p] < bound) continue;  // agrees, or outside (−1)
    disagrees[p] = 1;
    agrees[p] = 0.f;
  }
  const std::vector<float> near_agreeing = support_near(agrees, width, height, agreement_defaults::kSeedRadiusPx);
  std::vector<float> out(outside.size(), 0.f);
  std::vector<std::size_t> stack;
  for (std::size_t p = 0; p < out.size(); ++p)
    if (near_outside[p] == 0.f && near_agreeing[p] == 0.f) {
      out[p] = 1.f;
      stack.push_back(p);
    }
  while (!stack.empty()) {
    const std::size_t p = stack.back();
    stack.pop_back();
    const auto x = static_cast<std::ptrdiff_t>(p) % w, y = static_cast<std::ptrdiff_t>(p) / w;
    for (const auto& [dx, dy] : {std::pair{-1, 0}, std::pair{1, 0}, std::pair{0, -1}, std::pair{0, 1}}) {
      const std::ptrdiff_t nx = x + dx, ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
      const auto q = static_cast<std::size_t>(ny * w + nx);
      if (disagrees[q] == 0 || out[q] != 0.f) continue;
      out[q] = 1.f;
      stack.push_back(q);
    }
  }
  return out;
}

void weigh_by_agreement(std::vector<float>& probability, const std::vector<float>& distances) {
  if (distances.size() != probability.size()) return;
  for (std::size_t p = 0; p < probability.size(); ++p) {
    if (distances[p] < 0.f) continue;
    const float odds = agreement_odds(std::sqrt(distances[p]));
    const float m = probability[p];
    const float object = m * odds, background = 1.f - m;
    probability[p] = object + background > 0.f ? object / (object + background) : m;
  }
}

}  // namespace splattrack
