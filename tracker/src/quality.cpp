#include "splattrack/tracker/quality.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "splattrack/tracker/target.hpp"

namespace splattrack {

double silhouette_iou(const RenderImage& render, const Frame& frame) {
  std::size_t both = 0, any = 0;
  const float t = quality_defaults::kSilhouetteThreshold;
  for (std::size_t p = 0; p < frame.mask.size(); ++p) {
    const bool a = render.alpha[p] > t;
    const bool m = frame.mask[p] > t;
    both += a && m;
    any += a || m;
  }
  return any == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(any);
}

namespace {

double unclamped_explained_fraction(const RenderImage& render, const Frame& frame,
                                    const std::array<float, 3>& background) {
  double err = 0, base = 0;
  for (std::size_t i = 0; i < frame.rgb.size(); ++i) {
    err += std::abs(render.rgb[i] - frame.rgb[i]);
    base += std::abs(background[i % 3] - frame.rgb[i]);
  }
  if (base <= 0) return err <= 0 ? 1.0 : 0.0;
  return 1.0 - err / base;
}

}  // namespace

double explained_fraction(const RenderImage& render, const Frame& frame, const std::array<float, 3>& background) {
  return std::clamp(unclamped_explained_fraction(render, frame, background), 0.0, 1.0);
}

double appearance_score(const RenderImage& render, const Frame& frame, const std::array<float, 3>& background) {
  if (!frame.has_mask()) return unclamped_explained_fraction(render, frame, background);
  std::vector<float> observed;  // [H, W, 3]
  observed_colour(render, true, observed);
  double err = 0, base = 0;
  for (std::size_t p = 0; p < frame.mask.size(); ++p) {
    for (int c = 0; c < 3; ++c) {
      err += std::abs(observed[3 * p + c] - frame.rgb[3 * p + c]);
      base += std::abs(frame.rgb[3 * p + c]);
    }
    err += std::abs(render.alpha[p] - frame.mask[p]);
    base += std::abs(frame.mask[p]);
  }
  if (base <= 0) return err <= 0 ? 1.0 : 0.0;
  return 1.0 - err / base;
}

}  // namespace splattrack
