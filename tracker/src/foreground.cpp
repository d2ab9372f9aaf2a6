#include "splattrack/tracker/foreground.hpp"

#include <algorithm>
#include <stdexcept>

namespace splattrack {

namespace {

// A histogram entry this small is "never seen" (one pixel among a million).
inline constexpr float kUnseen = 1e-6f;

}  // namespace

ColourForeground::ColourForeground(int bins_per_channel) : bins_(bins_per_channel) {
  if (bins_ < 2 || bins_ > 256) throw std::invalid_argument("ColourForeground: bins per channel must be in 2..256");
}

int ColourForeground::bin(const float* rgb) const {
  int index = 0;
  for (int c = 0; c < 3; ++c) {
    const int b = std::clamp(static_cast<int>(rgb[c] * static_cast<float>(bins_)), 0, bins_ - 1);
    index = index * bins_ + b;
  }
  return index;
}

void ColourForeground::learn(const float* rgb, const float* alpha, const float* valid, std::size_t pixels,
                             double rate) {
  const std::size_t n = pixels;
  // The pixels `take` selects, as a normalised histogram; false when none.
  const auto count = [&](auto take, std::vector<float>& out) {
    out.assign(static_cast<std::size_t>(bins_) * bins_ * bins_, 0.f);
    double total = 0;
    for (std::size_t p = 0; p < n; ++p) {
      if ((valid && valid[p] <= 0.f) || !take(alpha[p])) continue;
      out[static_cast<std::size_t>(bin(&rgb[3 * p]))] += 1.f;
      total += 1;
    }
    for (float& h : out) h = static_cast<float>(h / std::max(total, 1.0));
    return total > 0;
  };
  std::vector<float> object, background;
  const bool has_object = count([](float a) { return a >= foreground_defaults::kInside; }, object);
  const bool has_background = count([](float a) { return a <= foreground_defaults::kOutside; }, background);
  if (!has_object || !has_background) return;
  const auto blend = [](std::vector<float>& model, const std::vector<float>& frame, double r) {
    if (model.empty()) {
      model = frame;
      return;
    }
    for (std::size_t i = 0; i < model.size(); ++i)
      model[i] = static_cast<float>((1 - r) * model[i] + r * frame[i]);
  };
  const double r = ready_ ? std::clamp(rate, 0.0, 1.0) : 1.0;
  blend(object_, object, r);
  blend(background_, background, r);
  ready_ = true;
}

void ColourForeground::probability(const float* rgb, std::size_t pixels, std::vector<float>& out) const {
  const std::size_t n = pixels;
  out.resize(n);
  for (std::size_t p = 0; p < n; ++p) {
    if (!ready_) {
      out[p] = 0.5f;
      continue;
    }
    const auto b = static_cast<std::size_t>(bin(&rgb[3 * p]));
    const float o = object_[b], g = background_[b];
    out[p] = o + g < kUnseen ? 0.5f : o / (o + g);
  }
}

}  // namespace splattrack
