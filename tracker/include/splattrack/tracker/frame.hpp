// One video frame as the tracker sees it: float RGB and an optional mask.
#pragma once

#include <vector>

namespace splattrack {

struct RenderImage;

struct Frame {
  int width = 0;
  int height = 0;
  std::vector<float> rgb;   // [H, W, 3] 0..1
  std::vector<float> mask;  // [H, W] 0..1 (1 = object), empty = no mask

  bool has_mask() const { return !mask.empty(); }
  // Throws std::invalid_argument naming what is wrong (sizes, non-finite mask).
  void validate() const;
};

// A render as a camera would record it over a black background, with its
// alpha as the mask: the frames of synthetic tests and benchmarks.
Frame frame_from_render(const RenderImage& image);

// Area-average downsampling to (width, height) (integer or fractional
// factors); the tracker compares coarse renders with frames reduced this way.
Frame downsample(const Frame& frame, int width, int height);

}  // namespace splattrack
