#include "splattrack/tracker/quality.hpp"

#include <algorithm>
#include <cmath>

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
  return any == 0 ? 1.0 : static_cast<double>(both) / static_cast<double>(any);
}

double explained_fraction(const RenderImage& render, const Frame& frame, const std::array<float, 3>& background) {
  double err = 0, base = 0;
  for (std::size_t i = 0; i < frame.rgb.size(); ++i) {
    err += std::abs(render.rgb[i] - frame.rgb[i]);
    base += std::abs(background[i % 3] - frame.rgb[i]);
  }
  if (base <= 0) return err <= 0 ? 1.0 : 0.0;
  return std::clamp(1.0 - err / base, 0.0, 1.0);
}

}  // namespace splattrack
