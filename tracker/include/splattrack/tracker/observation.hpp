// The observation model (METHOD.md §4): what the loss compares, written once.
// The frame's side is fixed per frame; the render's side is applied to every
// render, with its exact vector-Jacobian product (for Adam's backward pass)
// and Jacobian-vector product (for the Ceres Jacobian's tangent images).
//
// With a mask, the render's side is rgb·alpha (rgb rendered on black, so
// premultiplied by alpha: soft edges stay soft) plus alpha, compared with the
// mask. The frame's side is the object's own colour: a masked frame
// I = F + (1 − m)·B (F the object's premultiplied colour, m its alpha, B the
// background) gives I·m − (1 − m)·m·B̂, equal to F·m, the render's side at the
// true pose, when the background estimate B̂ is right (the median colour of
// the pixels the mask leaves out). Without the correction the soft edges keep
// (1 − m)·m·B, which the optimiser matches by growing or shrinking the
// object: measured 2–5 % of the object's size in depth on a 96² sequence over
// a grey background, 0.01 % over black.
// Without a mask, renders use the window's border median colour as their
// background and are compared with the frame as they are; there is no alpha
// term.
//
// Without a mask, a colour model of the object and its surroundings
// (foreground.hpp), when it has been learnt, gives each window pixel its
// probability of being the object, which then takes the mask's place.
//
// The frame's side is a window of the frame (window.hpp), resampled to the
// working size the renderer renders at. Window pixels outside the frame carry
// no information: there the render's side is replaced by the target (its
// derivatives are zero), so they add nothing to any loss or score.
#pragma once

#include <array>
#include <vector>

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/frame.hpp"
#include "splattrack/tracker/foreground.hpp"
#include "splattrack/tracker/window.hpp"

namespace splattrack {

// Where the target's silhouette comes from.
enum class ForegroundSource { none, given, estimated };

// What the loss sees of a render, a tangent or the frame: colour and, with a
// mask, the silhouette. Views into the Observation's buffers (or the render's).
struct Observed {
  losses::ImageView rgb;    // [H, W, 3]
  losses::ImageView alpha;  // [H, W]; empty without a mask
};

class Observation {
 public:
  // Validates the frame (std::invalid_argument) and prepares its side in
  // `window`; without a mask, `foreground` (may be null), once learnt, gives
  // the silhouette. The frame's pixels are read here and not kept.
  Observation(const FrameView& frame, const ObservationWindow& window, const ColourForeground* foreground = nullptr);
  // The whole frame at its own resolution.
  explicit Observation(const FrameView& frame);

  int width() const { return width_; }
  int height() const { return height_; }
  bool has_mask() const { return has_mask_; }
  ForegroundSource foreground_source() const { return source_; }
  const ObservationWindow& window() const { return window_; }
  // Whether window pixel p shows the frame (false: outside it).
  bool valid(std::size_t p) const { return valid_.empty() || valid_[p] > 0.f; }
  // [H, W] 1 inside the frame, 0 outside; null when the window is all inside.
  const float* valid_map() const { return valid_.empty() ? nullptr : valid_.data(); }
  // The background renders are made against (black with a mask).
  const std::array<float, 3>& background() const { return background_; }

  // The frame's side: the object's colour and mask, or the frame.
  Observed target() const;

  // The render's side of `img`. Valid until the next apply().
  Observed apply(const RenderImage& img);
  // Back through apply: from dL/d(observed rgb) [H, W, 3] and, with a mask,
  // dL/d(observed alpha) [H, W] (may be null: zero) to dL/d rgb and dL/d alpha
  // of the render (dl_dalpha untouched without a mask).
  void vjp(const RenderImage& img, const float* dl_dobserved_rgb, const float* dl_dobserved_alpha, float* dl_drgb,
           float* dl_dalpha) const;
  // Forward through apply along the render tangent `d` of `img`, into
  // `scratch` (reused across calls). Valid while `d` and `scratch` live.
  Observed jvp(const RenderImage& img, const RenderTangent& d, std::vector<float>& scratch) const;

 private:
  // Replaces the render's side by the target outside the frame.
  void fill_invalid(float* rgb, float* alpha) const;

  ObservationWindow window_;
  int width_ = 0;
  int height_ = 0;
  bool has_mask_ = false;
  ForegroundSource source_ = ForegroundSource::none;
  std::vector<float> valid_;        // [H, W] 1 inside the frame, 0 outside; empty: all inside
  std::array<float, 3> background_{0.f, 0.f, 0.f};
  std::vector<float> target_rgb_;   // [H, W, 3] object colour (masked) or the frame
  std::vector<float> target_mask_;  // [H, W] or empty
  std::vector<float> observed_;        // [H, W, 3] scratch of apply()
  std::vector<float> observed_alpha_;  // [H, W] scratch of apply() with invalid pixels
};

}  // namespace splattrack
