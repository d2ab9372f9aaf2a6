// A frame prepared for matching: the pyramid of resolutions the coarse-to-fine
// renderer uses, each with its camera, its images and its spectral loss
// (target moments computed once per frame and level).
#pragma once

#include <memory>
#include <vector>

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "splattrack/tracker/frame.hpp"

namespace splattrack {

namespace tracker_defaults {
// Pixels across the image needed for band b (METHOD.md §5): 2^(b+2), which
// samples its highest frequency at 8 pixels per period.
inline constexpr int kPixelsPerBandScale = 4;
}  // namespace tracker_defaults

struct TargetLevel {
  Camera camera;
  Frame frame;   // with a mask: the object's colour (matte_target), else the frame
  std::unique_ptr<losses::SpectralLoss> spectral;
};

// What the target's colour is compared with. The render's side is rgb·alpha
// (rgb rendered on black, so already premultiplied by alpha: the weighting
// keeps soft edges soft). A masked frame I = F + (1 − m)·B (F the object's
// premultiplied colour, m its alpha, B the background) gives the target
// I·m − (1 − m)·m·B̂ (matte_target), equal to F·m, the render's side at the
// true pose, when the background estimate B̂ is right. Without the correction
// the soft edges keep (1 − m)·m·B, which the optimiser matches by growing or
// shrinking the object: measured 2–5 % of the object's size in depth on a
// 96² sequence over a grey background, 0.01 % over black. Without a mask the
// render (on the estimated background) is compared as it is.
void observed_colour(const RenderImage& img, bool masked, std::vector<float>& out);  // [H, W, 3]
// The chain rule back through observed_colour: writes dL/drgb and, when
// masked, adds the colour's share to dL/dalpha.
void observed_colour_backward(const RenderImage& img, bool masked, const float* dl_dobserved, float* dl_drgb,
                              float* dl_dalpha);
// Forward mode through observed_colour: its derivative along the image
// tangent `d` of `img`.
void observed_colour_tangent(const RenderImage& img, const RenderTangent& d, bool masked,
                             std::vector<float>& out);  // [H, W, 3]

// The masked frame's object colour, I·m − (1 − m)·m·B̂ per channel, with B̂
// the median colour of the pixels the mask leaves out (exact for a plain
// background, its typical colour for a cluttered one; 0 if the mask covers
// everything).
Frame matte_target(const Frame& masked_frame);

class MatchTarget {
 public:
  // With a mask the colour target is rgb·mask and renders use a black
  // background, so that only the object is compared; without one the whole
  // frame is the target and renders use `background`.
  // Levels halve the resolution down to `coarsest_size` pixels along the
  // longer side; 0 (the default) keeps the frame's resolution only. Coarse
  // levels are biased: the renderer's fixed 0.3 px² dilation is larger,
  // relative to the object, at low resolution (measured: a 4000-Gaussian
  // object rendered at 64² covers 21 % more area than the 128² frame reduced
  // to 64²), and that bias pulls the pose in depth; they are a speed option.
  MatchTarget(const Frame& frame, const Camera& camera, const losses::SpectralLossOptions& spectral_options,
              int coarsest_size = 0);

  int level_count() const { return static_cast<int>(levels_.size()); }
  TargetLevel& level(int i) { return levels_[static_cast<std::size_t>(i)]; }
  TargetLevel& full() { return levels_.back(); }
  // The coarsest level that resolves band `highest_band`.
  int level_for_band(int highest_band) const;
  bool has_mask() const { return has_mask_; }
  const std::array<float, 3>& background() const { return background_; }

 private:
  std::vector<TargetLevel> levels_;  // coarse to fine; the last is the frame itself
  bool has_mask_ = false;
  std::array<float, 3> background_{0.f, 0.f, 0.f};
};

}  // namespace splattrack
