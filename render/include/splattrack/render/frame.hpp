// Video frames as the tracker reads them. `FrameImage` owns its pixels (a
// decoded frame, a synthetic render); `FrameView` only looks at them, so that
// a decoded frame reaches the tracker without a copy. Both in render, the
// lowest library, because io decodes them and the tracker reads them.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace splattrack {

struct RenderImage;

struct FrameView {
  int width = 0;
  int height = 0;
  std::span<const float> rgb;   // [H, W, 3] 0..1, row-major, channel fastest
  std::span<const float> mask;  // [H, W] 0..1 (1 = object); empty: no mask (the whole frame is the target)

  bool has_mask() const { return !mask.empty(); }
  std::size_t pixels() const { return static_cast<std::size_t>(width) * static_cast<std::size_t>(height); }
  // Throws std::invalid_argument naming what is wrong (sizes, non-finite mask).
  void validate() const;
};

struct FrameImage {
  int width = 0;
  int height = 0;
  std::vector<float> rgb;   // [H, W, 3] 0..1
  std::vector<float> mask;  // [H, W] 0..1, empty = no mask

  bool has_mask() const { return !mask.empty(); }
  FrameView view() const { return {width, height, rgb, mask}; }
};

// A render as a camera would record it over the render's background, with
// its alpha as the mask: the frames of synthetic tests and benchmarks.
FrameImage frame_from_render(const RenderImage& image);

}  // namespace splattrack
