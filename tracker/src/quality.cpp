#include "splattrack/tracker/quality.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "splattrack/tracker/foreground.hpp"

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

bool shows_object(const RenderImage& render, const Observation& observation) {
  for (std::size_t p = 0; p < render.alpha.size(); ++p)
    if (render.alpha[p] > quality_defaults::kSilhouetteThreshold && (observation.valid(p) || observation.occluded(p)))
      return true;
  return false;
}

namespace {

// Rec. 601 luma.
std::vector<float> grey(const float* rgb, std::size_t pixels) {
  std::vector<float> out(pixels);
  for (std::size_t p = 0; p < pixels; ++p)
    out[p] = 0.299f * rgb[3 * p] + 0.587f * rgb[3 * p + 1] + 0.114f * rgb[3 * p + 2];
  return out;
}

std::vector<float> product(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> out(a.size());
  for (std::size_t p = 0; p < a.size(); ++p) out[p] = a[p] * b[p];
  return out;
}

// Grey-level variances below this are flat: 8-bit quantisation alone gives
// about 1e-6.
inline constexpr float kFlatVariance = 1e-6f;

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

std::vector<float> local_correlation(const float* a, const float* b, int width, int height, int r,
                                     std::vector<float>& a_variance) {
  const std::size_t n = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  const std::vector<float> ga = grey(a, n), gb = grey(b, n);
  const std::vector<float> ma = box_mean(ga, width, height, r), mb = box_mean(gb, width, height, r);
  const std::vector<float> maa = box_mean(product(ga, ga), width, height, r);
  const std::vector<float> mbb = box_mean(product(gb, gb), width, height, r);
  const std::vector<float> mab = box_mean(product(ga, gb), width, height, r);
  std::vector<float> out(n);
  a_variance.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    const float va = std::max(maa[p] - ma[p] * ma[p], 0.f), vb = std::max(mbb[p] - mb[p] * mb[p], 0.f);
    a_variance[p] = va;
    out[p] = va < kFlatVariance || vb < kFlatVariance ? 0.f : (mab[p] - ma[p] * mb[p]) / std::sqrt(va * vb);
  }
  return out;
}

std::optional<double> texture_agreement(const RenderImage& render, const Observation& observation) {
  namespace d = quality_defaults;
  const std::size_t n = render.alpha.size();
  if (render.rgb.size() != 3 * n || observation.frame_rgb().size() != 3 * n) return std::nullopt;
  std::vector<float> variance;
  const std::vector<float> correlation = local_correlation(render.rgb.data(), observation.frame_rgb().data(),
                                                           render.width, render.height, d::kCorrelationRadiusPx,
                                                           variance);
  // Pixels whose neighbourhood reaches outside the silhouette compare the
  // render's background too.
  std::vector<float> outside(n);
  for (std::size_t p = 0; p < n; ++p) outside[p] = render.alpha[p] > d::kSilhouetteThreshold ? 0.f : 1.f;
  const std::vector<float> near_outside =
      support_near(outside, render.width, render.height, d::kCorrelationRadiusPx);
  std::vector<float> compared;
  for (std::size_t p = 0; p < n; ++p)
    if (near_outside[p] == 0.f && observation.valid(p) && variance[p] >= d::kMinTextureStd * d::kMinTextureStd)
      compared.push_back(correlation[p]);
  if (compared.size() < static_cast<std::size_t>(d::kMinTexturedPixels)) return std::nullopt;
  const auto mid = compared.begin() + static_cast<std::ptrdiff_t>(compared.size() / 2);
  std::nth_element(compared.begin(), mid, compared.end());
  return static_cast<double>(*mid);
}

}  // namespace splattrack
