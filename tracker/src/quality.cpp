#include "splattrack/tracker/quality.hpp"

#include <algorithm>
#include <cmath>

namespace splattrack {

double silhouette_iou(const RenderImage& render, const Observation& observation) {
  const losses::ImageView mask = observation.target().alpha;
  std::size_t both = 0, any = 0;
  const float t = quality_defaults::kSilhouetteThreshold;
  for (std::size_t p = 0; p < (mask.empty() ? 0 : mask.pixels()); ++p) {
    if (!observation.valid(p)) continue;
    const bool a = render.alpha[p] > t;
    const bool m = mask.data[p] > t;
    both += a && m;
    any += a || m;
  }
  return any == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(any);
}

double hidden_share(const RenderImage& render, const Observation& observation) {
  std::size_t silhouette = 0, hidden = 0;
  for (std::size_t p = 0; p < render.alpha.size(); ++p) {
    if (render.alpha[p] <= quality_defaults::kSilhouetteThreshold) continue;
    ++silhouette;
    hidden += observation.occluded(p);
  }
  return silhouette == 0 ? 0.0 : static_cast<double>(hidden) / static_cast<double>(silhouette);
}

namespace {

double unclamped_explained_fraction(const RenderImage& render, Observation& observation) {
  const losses::ImageView frame = observation.target().rgb;
  const losses::ImageView observed = observation.apply(render).rgb;
  const std::array<float, 3>& background = observation.background();
  double err = 0, base = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (!observation.valid(i / 3)) continue;
    err += std::abs(observed.data[i] - frame.data[i]);
    base += std::abs(background[i % 3] - frame.data[i]);
  }
  if (base <= 0) return err <= 0 ? 1.0 : 0.0;
  return 1.0 - err / base;
}

}  // namespace

double explained_fraction(const RenderImage& render, Observation& observation) {
  return std::clamp(unclamped_explained_fraction(render, observation), 0.0, 1.0);
}

double appearance_score(const RenderImage& render, Observation& observation) {
  if (!observation.has_mask()) return unclamped_explained_fraction(render, observation);
  const Observed target = observation.target();
  const Observed observed = observation.apply(render);
  double err = 0, base = 0;
  for (std::size_t p = 0; p < target.alpha.pixels(); ++p) {
    if (!observation.valid(p)) continue;
    for (std::size_t c = 0; c < 3; ++c) {
      err += std::abs(observed.rgb.data[3 * p + c] - target.rgb.data[3 * p + c]);
      base += std::abs(target.rgb.data[3 * p + c]);
    }
    err += std::abs(render.alpha[p] - target.alpha.data[p]);
    base += std::abs(target.alpha.data[p]);
  }
  if (base <= 0) return err <= 0 ? 1.0 : 0.0;
  return 1.0 - err / base;
}

}  // namespace splattrack
