// Whether the object's image moved between two frames, read from the frames
// themselves: an affine motion field fitted to the grey-level change over
// the textured pixels inside the object's silhouette (one linearised
// Lucas-Kanade step: shifts, turns in the image plane and changes of scale
// alike, and the change averaged over thousands of pixels, below the
// sensor's noise). A still object's pose still changes from frame to frame
// as the optimiser settles (a start 15° off turned 0.56° a frame while
// converging on the still real cube); that change is the tracker's, and the
// occlusion hold must not extrapolate it (occlusion_hold.hpp).
#pragma once

#include <optional>

namespace splattrack {

namespace image_motion_defaults {
// Pixels whose silhouette alpha is below this are not the object's interior.
inline constexpr float kInteriorAlpha = 0.9f;
// Grey-level gradient (per pixel, 0..1 levels) below which a pixel has no
// texture to tell motion by.
inline constexpr float kMinGradient = 0.02f;
// Fewer textured interior pixels than this: no verdict.
inline constexpr int kMinPixels = 50;
// The texture must fix every parameter of the field: the normal matrix's
// smallest eigenvalue at least this share of its largest (stripes alone do
// not tell a shift along them).
inline constexpr double kMinConditioning = 1e-3;
// A field that moves no textured pixel this many frame pixels is a still
// object. Real cube, a box about the tracked centre, frame to frame: still
// at 1-80 at most 0.022 px, at 420-540 0.013 px median (0.06 at the 90th
// percentile); turned in the hand, carried, turned behind the mug: 0.7-9.6 px.
inline constexpr double kStillBelowPx = 0.1;
// One linearised step reads a shift only up to about a texture's
// correlation length; beyond it the fit falls to a noise floor that can
// pass for still. The grey levels' change over the gradient's, Σ|ΔI| / Σ|∇I|
// (the mean shift along the gradients they imply, pixels), tells that
// regime without the fit: above this, no verdict. Real cube (the box as
// above): still 0.002-0.05 px at 1-80, at most 0.24 px at 420-540; turned,
// carried 0.25-4.2 px; the fit reads shifts below it well.
inline constexpr double kMaxLinearShiftPx = 0.5;
}  // namespace image_motion_defaults

// An upper bound (|b| + ‖A‖ times the farthest pixel's distance; at most
// twice the true value, so it errs toward "moved") on the largest
// displacement, in pixels of these images, that the affine field fitted from
// `before` to `after` (both [H, W, 3], 0..1, the same window of two frames)
// gives a pixel where `silhouette` [H, W] is at least kInteriorAlpha and the
// grey gradient of `before` (central differences; the border rows and
// columns left out) at least kMinGradient; nothing with fewer than
// kMinPixels such pixels, a texture that leaves the field undetermined
// (kMinConditioning) or a change beyond one linearised step
// (kMaxLinearShiftPx).
std::optional<double> image_motion_px(const float* before, const float* after, const float* silhouette, int width,
                                      int height);

}  // namespace splattrack
