// Where in a window the model's texture sits: the image shift that best
// matches a render to the frame by normalised cross-correlation, per colour
// channel under the render's silhouette (template matching with a mask).
// A first-frame pose given a few centimetres and ~15° off (the real cube:
// half its projected radius) taught the colour model the desk and the mug
// as object, and the silhouette estimate then held the wrong pose in place
// (3 starts 2 cm / 15° off: all 89 frames lost, 18-25° off after the first
// frame's alignment). The texture's correlation does not depend on what was
// learnt at the start, and each channel's is blind to a gain and offset
// (exposure, white balance, a texture photographed elsewhere).
#pragma once

namespace splattrack {

namespace shift_match_defaults {
// A render pixel is part of the template where its alpha is at least this:
// the soft rim, blended with black, is not the object's colour.
inline constexpr float kTemplateAlpha = 0.9f;
// At least this share of the template must overlap the window for a shift
// to count.
inline constexpr double kMinOverlap = 0.6;
// A channel whose template varies less than this (standard deviation, 0..1)
// has no texture to match and is left out.
inline constexpr double kMinTemplateStd = 0.02;
}  // namespace shift_match_defaults

struct ShiftMatch {
  int dx = 0, dy = 0;    // window pixels: the render at p matches the frame at p + (dx, dy)
  double score = -1;     // mean over the textured channels of the correlation, -1..1; -1: none
};

// The best shift, |dx|, |dy| <= range, of the render `rgb` [H, W, 3] under its
// silhouette `alpha` [H, W] against `frame` [H, W, 3] (the same window):
// searched on a grid of `stride` pixels (template pixels and shifts), then at
// every pixel within a stride of the best.
ShiftMatch best_shift(const float* frame, const float* rgb, const float* alpha, int width, int height, int range,
                      int stride);

}  // namespace splattrack
