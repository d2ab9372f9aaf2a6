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
// Colour correction: the render's object colour C (premultiplied) becomes
// g ⊙ C + b·alpha, a per-channel gain g and offset b (identity by default),
// so that exposure and white balance do not bias the pose. fit_colour()
// fits them to the target inside a render's silhouette in closed form
// (matching the colours' spread and mean, with a ridge toward g = 1, then
// bounded). The tracker fits them at the tracked pose and holds them
// through the next frame: refitted at every render, they would let a wrong
// pose explain the colours too (measured: a search from a half-turn start
// ranked wrong poses first).
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

namespace colour_defaults {
// Bounds of the fit: a camera's exposure and white balance stay well within.
inline constexpr float kMinGain = 0.4f, kMaxGain = 2.5f, kMaxOffset = 0.4f;
// Ridge toward a gain of 1 (a colour variance): holds the gain where the
// object's colours vary less than about sqrt(kRidge) (a plain face), where
// gain and offset cannot be told apart; a textured object's gain it moves
// toward 1 by kRidge / (its colour variance + kRidge).
inline constexpr double kRidge = 0.002;
// Below this much pixel weight inside the silhouette, no fit (identity).
inline constexpr double kMinWeight = 16;
// The share of a tracked frame's fit in the correction the next frame uses:
// exposure drifts over a few frames; one frame's fit is noisier.
inline constexpr double kLearningRate = 0.5;
}  // namespace colour_defaults

// Where the target's silhouette comes from: masks or alpha that came with
// the frames, the colour model's estimate, that estimate limited to what
// differs from a static background (bgsub), or nothing (the whole frame).
enum class ForegroundSource { none, given, estimated, bgsub };
inline const char* to_string(ForegroundSource s) {
  switch (s) {
    case ForegroundSource::given: return "given";
    case ForegroundSource::estimated: return "estimated";
    case ForegroundSource::bgsub: return "bgsub";
    case ForegroundSource::none: break;
  }
  return "none";
}

// What renders compared with a mask (given or estimated) are made against.
inline constexpr std::array<float, 3> kMaskedBackground{0.f, 0.f, 0.f};

// What the loss sees of a render, a tangent or the frame: colour and, with a
// mask, the silhouette. Views into the Observation's buffers (or the render's).
struct Observed {
  losses::ImageView rgb;    // [H, W, 3]
  losses::ImageView alpha;  // [H, W]; empty without a mask
};

class Observation {
 public:
  // Validates the frame (std::invalid_argument) and prepares its side in
  // `window`; without a mask, `foreground` (may be null), once its colour
  // model is learnt, gives the silhouette. The frame's pixels are read here
  // and not kept.
  Observation(const FrameView& frame, const ObservationWindow& window, const ForegroundEstimate* foreground = nullptr,
              const ColourCorrection& correction = {});
  // The whole frame at its own resolution.
  explicit Observation(const FrameView& frame);

  int width() const { return width_; }
  int height() const { return height_; }
  bool has_mask() const { return has_mask_; }
  ForegroundSource foreground_source() const { return source_; }
  const ColourCorrection& colour_correction() const { return correction_; }
  void set_colour_correction(const ColourCorrection& correction) { correction_ = correction; }
  // The gain and offset that map the spread and mean of `img`'s object
  // colours onto the target's inside both silhouettes (identity with too few
  // pixels), over the pixels where `usable` [H, W] (null: all) is positive.
  ColourCorrection fit_colour(const RenderImage& img, const float* usable = nullptr) const;
  const ObservationWindow& window() const { return window_; }
  // Whether window pixel p takes part (false: outside the frame, or hidden
  // by an occluder: occluded()).
  bool valid(std::size_t p) const { return valid_.empty() || valid_[p] > 0.f; }
  // [H, W] 1 inside the frame, 0 outside; null when the window is all inside.
  const float* valid_map() const { return valid_.empty() ? nullptr : valid_.data(); }
  // Whether window pixel p is hidden by an occluder (ForegroundEstimate::
  // occluded); such a pixel is also not valid.
  bool occluded(std::size_t p) const { return !occluded_.empty() && occluded_[p] != 0; }
  // The background renders are made against (black with a mask).
  const std::array<float, 3>& background() const { return background_; }

  // The frame's side: the object's colour and mask, or the frame.
  Observed target() const;
  // The window's frame colours as resampled [H, W, 3], before any mask.
  const std::vector<float>& frame_rgb() const { return frame_rgb_; }

  // The render's side of `img`. Valid until the next apply().
  Observed apply(const RenderImage& img);
  // Back through the last apply() (its colour correction held constant):
  // from dL/d(observed rgb) [H, W, 3] and, with a mask, dL/d(observed alpha)
  // [H, W] (may be null: zero) to dL/d rgb and dL/d alpha of the render
  // (dl_dalpha may be null when the caller needs none).
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
  ColourCorrection correction_;
  std::vector<float> valid_;        // [H, W] 1 inside the frame and not occluded, 0 else; empty: all valid
  std::vector<unsigned char> occluded_;  // [H, W] 1 where an occluder hides the object; empty: nowhere
  std::array<float, 3> background_ = kMaskedBackground;
  std::vector<float> frame_rgb_;    // [H, W, 3] the window's frame colours
  std::vector<float> target_rgb_;   // [H, W, 3] object colour (masked) or the frame
  std::vector<float> target_mask_;  // [H, W] or empty
  std::vector<float> observed_;        // [H, W, 3] scratch of apply()
  std::vector<float> observed_alpha_;  // [H, W] scratch of apply() with invalid pixels
};

}  // namespace splattrack
