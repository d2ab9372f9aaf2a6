#include "splattrack/tracker/frame.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "splattrack/render.hpp"

namespace splattrack {

void Frame::validate() const {
  const std::size_t n = static_cast<std::size_t>(width) * height;
  if (width <= 0 || height <= 0) throw std::invalid_argument("frame: empty image");
  if (rgb.size() != 3 * n)
    throw std::invalid_argument("frame: rgb holds " + std::to_string(rgb.size()) + " values, expected " +
                                std::to_string(3 * n));
  if (!mask.empty() && mask.size() != n)
    throw std::invalid_argument("frame: mask holds " + std::to_string(mask.size()) + " values, expected " +
                                std::to_string(n));
  for (float m : mask)
    if (!std::isfinite(m)) throw std::invalid_argument("frame: mask has a non-finite value");
}

Frame frame_from_render(const RenderImage& image) {
  Frame f;
  f.width = image.width;
  f.height = image.height;
  f.rgb = image.rgb;
  f.mask = image.alpha;
  return f;
}

namespace {

// Weights of source cells [s0, s1) that fall in destination cell d when the
// destination is `scale` source cells wide: exact box filter for any ratio.
template <class F>
void for_each_overlap(int d, double scale, int source_size, F&& f) {
  const double lo = d * scale;
  const double hi = std::min<double>((d + 1) * scale, source_size);
  for (int s = static_cast<int>(lo); s < hi; ++s) {
    const double w = std::min<double>(s + 1, hi) - std::max<double>(s, lo);
    if (w > 0) f(s, w / scale);
  }
}

void downsample_plane(const std::vector<float>& src, int sw, int sh, int channels, int dw, int dh,
                      std::vector<float>& dst) {
  const double sx = static_cast<double>(sw) / dw;
  const double sy = static_cast<double>(sh) / dh;
  dst.assign(static_cast<std::size_t>(dw) * dh * channels, 0.f);
  std::vector<double> acc(static_cast<std::size_t>(dw) * channels);
  for (int y = 0; y < dh; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for_each_overlap(y, sy, sh, [&](int ys, double wy) {
      const float* row = &src[static_cast<std::size_t>(ys) * sw * channels];
      for (int x = 0; x < dw; ++x)
        for_each_overlap(x, sx, sw, [&](int xs, double wx) {
          for (int c = 0; c < channels; ++c) acc[x * channels + c] += wy * wx * row[xs * channels + c];
        });
    });
    for (std::size_t i = 0; i < acc.size(); ++i)
      dst[static_cast<std::size_t>(y) * dw * channels + i] = static_cast<float>(acc[i]);
  }
}

}  // namespace

Frame downsample(const Frame& frame, int width, int height) {
  if (width == frame.width && height == frame.height) return frame;
  Frame out;
  out.width = width;
  out.height = height;
  downsample_plane(frame.rgb, frame.width, frame.height, 3, width, height, out.rgb);
  if (frame.has_mask()) downsample_plane(frame.mask, frame.width, frame.height, 1, width, height, out.mask);
  return out;
}

}  // namespace splattrack
