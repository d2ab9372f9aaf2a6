#include "splattrack/losses/image.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <string>

namespace splattrack::losses {

namespace {
std::string shape(const ImageView& v) {
  return std::to_string(v.width) + "x" + std::to_string(v.height) + "x" + std::to_string(v.channels);
}
}  // namespace

void require_same_shape(const ImageView& a, const ImageView& b, const char* what) {
  if (a.empty() || b.empty())
    throw std::invalid_argument(std::string(what) + ": empty image (" + shape(a) + " vs " + shape(b) + ")");
  if (a.width != b.width || a.height != b.height || a.channels != b.channels)
    throw std::invalid_argument(std::string(what) + ": image shapes differ (" + shape(a) + " vs " + shape(b) + ")");
}

void require_shape(const ImageView& v, int width, int height, int channels, const char* what) {
  const std::string expected =
      std::to_string(width) + "x" + std::to_string(height) + "x" + std::to_string(channels);
  if (v.empty()) throw std::invalid_argument(std::string(what) + ": empty image, expected " + expected);
  if (v.width != width || v.height != height || v.channels != channels)
    throw std::invalid_argument(std::string(what) + ": image is " + shape(v) + ", expected " + expected);
}

void require_finite(const ImageView& v, const char* what) {
  // |x| <= FLT_MAX is false exactly for NaN and ±inf; OR-ing it over a
  // block vectorises, and only a block that fails is searched for the spot.
  constexpr std::size_t kBlock = 4096;
  for (std::size_t start = 0; start < v.size(); start += kBlock) {
    const std::size_t end = std::min(v.size(), start + kBlock);
    int bad = 0;
    for (std::size_t i = start; i < end; ++i) bad |= std::abs(v.data[i]) <= FLT_MAX ? 0 : 1;
    if (!bad) continue;
    for (std::size_t i = start; i < end; ++i) {
      if (std::isfinite(v.data[i])) continue;
      const std::size_t pixel = i / v.channels;
      throw std::invalid_argument(std::string(what) + ": non-finite value at (u=" +
                                  std::to_string(pixel % v.width) + ", v=" + std::to_string(pixel / v.width) +
                                  ", channel=" + std::to_string(i % v.channels) + ")");
    }
  }
}

}  // namespace splattrack::losses
