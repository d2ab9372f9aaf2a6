#include "splattrack/render/frame.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "splattrack/render.hpp"

namespace splattrack {

void FrameView::validate() const {
  const std::size_t n = pixels();
  if (width <= 0 || height <= 0) throw std::invalid_argument("frame: empty image");
  if (rgb.size() != 3 * n)
    throw std::invalid_argument("frame: rgb holds " + std::to_string(rgb.size()) + " values, expected " +
                                std::to_string(3 * n));
  if (!mask.empty() && mask.size() != n)
    throw std::invalid_argument("frame: mask holds " + std::to_string(mask.size()) + " values, expected " +
                                std::to_string(n));
  for (const float m : mask)
    if (!std::isfinite(m)) throw std::invalid_argument("frame: mask has a non-finite value");
}

FrameImage frame_from_render(const RenderImage& image) {
  return {image.width, image.height, image.rgb, image.alpha};
}

}  // namespace splattrack
