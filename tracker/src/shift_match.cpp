#include "splattrack/tracker/shift_match.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

namespace splattrack {

namespace {

struct TemplatePixel {
  int x, y;
  std::array<float, 3> rgb;
};

// The mean correlation over textured channels of the template pixels moved
// by (dx, dy) with the frame; -1 when too little of it overlaps.
double correlation(const float* frame, const std::vector<TemplatePixel>& pixels, int width, int height, int dx,
                   int dy) {
  std::array<double, 3> st{}, sf{}, stt{}, sff{}, stf{};
  double n = 0, total = 0;
  for (const TemplatePixel& t : pixels) {
    total += 1;
    const int x = t.x + dx, y = t.y + dy;
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    const float* f = frame + 3 * (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                                  static_cast<std::size_t>(x));
    for (std::size_t c = 0; c < 3; ++c) {
      st[c] += t.rgb[c];
      sf[c] += f[c];
      stt[c] += static_cast<double>(t.rgb[c]) * t.rgb[c];
      sff[c] += static_cast<double>(f[c]) * f[c];
      stf[c] += static_cast<double>(t.rgb[c]) * f[c];
    }
    n += 1;
  }
  if (n < shift_match_defaults::kMinOverlap * total || n < 2) return -1;
  double sum = 0;
  int channels = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    const double vt = stt[c] / n - (st[c] / n) * (st[c] / n);
    const double vf = sff[c] / n - (sf[c] / n) * (sf[c] / n);
    if (vt < shift_match_defaults::kMinTemplateStd * shift_match_defaults::kMinTemplateStd) continue;
    ++channels;
    if (vf <= 1e-12) continue;  // a flat frame patch correlates with nothing
    sum += (stf[c] / n - (st[c] / n) * (sf[c] / n)) / std::sqrt(vt * vf);
  }
  return channels > 0 ? sum / channels : -1;
}

}  // namespace

ShiftMatch best_shift(const float* frame, const float* rgb, const float* alpha, int width, int height, int range,
                      int stride) {
  stride = std::max(stride, 1);
  range = std::max(range, 0);
  // The template: every pixel, and those on the coarse grid.
  std::vector<TemplatePixel> all, coarse;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const std::size_t p = static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
      if (alpha[p] < shift_match_defaults::kTemplateAlpha) continue;
      const TemplatePixel t{x, y, {rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]}};
      all.push_back(t);
      if (x % stride == 0 && y % stride == 0) coarse.push_back(t);
    }
  ShiftMatch best;
  if (coarse.size() < 2) return best;
  const auto consider = [&](const std::vector<TemplatePixel>& pixels, int dx, int dy) {
    const double s = correlation(frame, pixels, width, height, dx, dy);
    if (s > best.score) best = {dx, dy, s};
  };
  for (int dy = -range; dy <= range; dy += stride)
    for (int dx = -range; dx <= range; dx += stride) consider(coarse, dx, dy);
  if (best.score <= -1 || stride == 1) return best;
  const ShiftMatch c = best;
  best = {};
  for (int dy = c.dy - stride + 1; dy < c.dy + stride; ++dy)
    for (int dx = c.dx - stride + 1; dx < c.dx + stride; ++dx) consider(all, dx, dy);
  return best;
}

}  // namespace splattrack
