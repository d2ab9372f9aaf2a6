#include "splattrack/tracker/occlusion.hpp"

#include <algorithm>
#include <cmath>

#include "splattrack/tracker/foreground.hpp"

namespace splattrack {

namespace {

// The frame pixel under window pixel i's centre along one axis.
int centre(double start, std::size_t i, double scale) {
  return static_cast<int>(std::floor(start + (static_cast<double>(i) + 0.5) * scale));
}

}  // namespace

void OcclusionMap::record(const ObservationWindow& window, const std::vector<float>& alpha, const float* target,
                          int reach_px, int frame_width, int frame_height) {
  const auto w = static_cast<std::size_t>(window.width), h = static_cast<std::size_t>(window.height);
  if (!target || alpha.size() != w * h || frame_width <= 0 || frame_height <= 0) {
    clear();
    return;
  }
  if (frame_width != width_ || frame_height != height_) object_.clear();
  // What the last record saw at a window pixel's centre.
  const auto was_object = [&](std::size_t x, std::size_t y) {
    const int fx = centre(window.left, x, window.scale), fy = centre(window.top, y, window.scale);
    if (object_.empty() || fx < 0 || fy < 0 || fx >= width_ || fy >= height_) return false;
    return object_[static_cast<std::size_t>(fy) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(fx)] != 0;
  };
  // The silhouette less its edge band: the complement grown by the margin.
  std::vector<float> outside(alpha.size());
  for (std::size_t p = 0; p < alpha.size(); ++p) outside[p] = alpha[p] >= 0.5f ? 0.f : 1.f;
  const std::vector<float> near_outside =
      support_near(outside, window.width, window.height, occlusion_defaults::kEdgeMarginPx);
  const std::vector<float> seen = box_mean(std::vector<float>(target, target + alpha.size()), window.width,
                                          window.height, occlusion_defaults::kSmoothingPx);
  std::vector<float> hidden(alpha.size(), 0.f), object(alpha.size(), 0.f);
  std::size_t silhouette = 0, hidden_count = 0;
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      const std::size_t p = y * w + x;
      if (alpha[p] < 0.5f) continue;
      ++silhouette;
      if (near_outside[p] != 0.f) continue;
      if (seen[p] >= occlusion_defaults::kObjectAt) {
        object[p] = 1.f;
      } else if (seen[p] < occlusion_defaults::kHiddenBelow && was_object(x, y)) {
        hidden[p] = object[p] = 1.f;
        ++hidden_count;
      }
    }
  if (static_cast<double>(hidden_count) > occlusion_defaults::kMaxHiddenShare * static_cast<double>(silhouette)) {
    std::fill(hidden.begin(), hidden.end(), 0.f);
    hidden_count = 0;
  }
  width_ = frame_width;
  height_ = frame_height;
  object_ = frame_pixels_under(window, object, width_, height_);
  if (hidden_count == 0) {
    hidden_.clear();
    return;
  }
  hidden_ = frame_pixels_under(window, support_near(hidden, window.width, window.height, std::max(reach_px, 0)), width_,
                               height_);
}

std::vector<float> OcclusionMap::in(const ObservationWindow& window) const {
  if (hidden_.empty()) return {};
  const auto w = static_cast<std::size_t>(window.width), h = static_cast<std::size_t>(window.height);
  std::vector<float> out(w * h, 0.f);
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      const int fx = centre(window.left, x, window.scale), fy = centre(window.top, y, window.scale);
      if (fx < 0 || fy < 0 || fx >= width_ || fy >= height_) continue;
      out[y * w + x] =
          hidden_[static_cast<std::size_t>(fy) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(fx)];
    }
  return out;
}

}  // namespace splattrack
