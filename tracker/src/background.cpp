#include "splattrack/tracker/background.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace splattrack {

using namespace background_defaults;

void StaticBackground::clear() {
  width_ = height_ = 0;
  mean_.clear();
  variance_.clear();
  seen_.clear();
}

float StaticBackground::moving_at(const float* rgb, std::size_t p) const {
  if (seen_[p] == 0) return 1.f;
  float d2 = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    const float d = rgb[3 * p + c] - mean_[3 * p + c];
    d2 += d * d;
  }
  const float sigmas = std::sqrt(d2 / (3.f * variance_[p]));
  return std::clamp((sigmas - kStaticBelow) / (kMovingAt - kStaticBelow), 0.f, 1.f);
}

void StaticBackground::learn(const FrameView& frame, const std::vector<unsigned char>& keep_out) {
  const std::size_t n = frame.pixels();
  if (frame.width != width_ || frame.height != height_) {
    width_ = frame.width;
    height_ = frame.height;
    mean_.assign(3 * n, 0.f);
    variance_.assign(n, kInitialSigma * kInitialSigma);
    seen_.assign(n, 0);
  }
  const bool all = keep_out.size() != n;
  for (std::size_t p = 0; p < n; ++p) {
    if (!all && keep_out[p] != 0) continue;
    const float* x = frame.rgb.data() + 3 * p;
    if (seen_[p] == 0) {
      std::copy(x, x + 3, mean_.begin() + static_cast<std::ptrdiff_t>(3 * p));
      seen_[p] = 1;
      continue;
    }
    // A running mean at first, then an exponential window.
    float rate = std::max(1.f / static_cast<float>(seen_[p] + 1), kLearningRate);
    if (moving_at(frame.rgb.data(), p) >= 0.5f) rate *= kMovingRateFactor;
    float d2 = 0;
    for (std::size_t c = 0; c < 3; ++c) {
      const float d = x[c] - mean_[3 * p + c];
      mean_[3 * p + c] += rate * d;
      d2 += d * d;
    }
    variance_[p] = std::max((1 - rate) * variance_[p] + rate * d2 / 3.f, kMinSigma * kMinSigma);
    if (seen_[p] < std::numeric_limits<std::uint32_t>::max()) ++seen_[p];
  }
}

std::vector<float> StaticBackground::moving_within(const FrameView& frame, int x0, int x1, int y0, int y1) const {
  std::vector<float> out(frame.pixels(), 1.f);
  if (frame.width != width_ || frame.height != height_) return out;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const auto p = static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x);
      out[p] = moving_at(frame.rgb.data(), p);
    }
  return out;
}

std::vector<float> StaticBackground::moving(const FrameView& frame) const {
  return moving_within(frame, 0, frame.width, 0, frame.height);
}

std::vector<float> StaticBackground::moving_in(const FrameView& frame, const ObservationWindow& window) const {
  // The frame pixels the window's resampling reads (its span, a pixel more
  // each side), clipped to the frame.
  const auto span = [](double start, double side, int size) {
    const int lo = std::clamp(static_cast<int>(std::floor(start)) - 1, 0, size);
    return std::pair{lo, std::clamp(static_cast<int>(std::ceil(start + side)) + 1, lo, size)};
  };
  const auto [x0, x1] = span(window.left, window.width * window.scale, frame.width);
  const auto [y0, y1] = span(window.top, window.height * window.scale, frame.height);
  const std::vector<float> plane = moving_within(frame, x0, x1, y0, y1);
  return resample_plane(plane.data(), frame.width, frame.height, window);
}

}  // namespace splattrack
