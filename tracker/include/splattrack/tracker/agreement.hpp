// Evidence for the foreground estimate from the render itself: inside the
// predicted silhouette the model says which colour the object shows at each
// pixel, and the frame either shows it there or not. A colour histogram of a
// many-coloured object cannot tell it from a colourful background (the
// realistic benchmark's striped object before a patterned mug: speckle all
// over the mug, holes in the object, a purple occluder at P ≈ 0.3-0.5), so
// the silhouette moments saw a smaller object and the pose receded from the
// camera frame after frame under the occluder. The colour the render predicts
// at that very pixel is local: a stripe agrees where it is, an occluder or
// the desk behind a trailing edge does not. Used only where the model's
// texture predicts the frame's pixel by pixel (TrackerOptions::
// pixel_min_texture): the real cube's texture, photographed elsewhere,
// disagrees with the clip (frames 500-600: median rotation drift 3.4° -> 13.5°
// with the odds, 21.7 mm median with the occluded regions).
#pragma once

#include <array>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/tracker/foreground.hpp"

namespace splattrack {

namespace agreement_defaults {
// The colour distance (RGB, 0..1 per channel) at which a pixel's agreement
// says nothing: the frame's noise, blur and shading the colour correction
// leaves stay well below it, an occluder's colour well above.
inline constexpr float kNeutralDistance = 0.15f;
// The most one pixel's agreement multiplies or divides the odds of P(object)
// (the prior's counterpart, foreground.hpp). 9 left the disc grey (P ≈ 0.3:
// its purple is one of the object's stripes, so the histogram calls it
// object) and the pose still receded (om frames 44-47, +7 to +31 %).
inline constexpr float kMaxOdds = 50.f;
// A pixel is compared with the predicted colours within this many window
// pixels: the predicted pose is that far off by the motion model's error.
inline constexpr int kReachPx = 1;
// A hidden region starts where a pixel and all within this many window
// pixels disagree: texture finer than the pose's error (stripes a pixel or
// two wide) disagrees in thin lines, which stay in the comparison.
inline constexpr int kSeedRadiusPx = 2;
// Only where the render is this opaque does it predict the object's colour.
inline constexpr float kOpaqueAt = 0.5f;
}  // namespace agreement_defaults

// [H, W, 3] the object's colour `img` predicts (rendered over `background`),
// in the frame's lighting (`correction` applied), where its alpha is at least
// kOpaqueAt; −1 elsewhere.
std::vector<float> expected_colours(const RenderImage& img, const std::array<float, 3>& background,
                                    const ColourCorrection& correction);

// The likelihood ratio P(colour | object) / P(colour | not object) of a frame
// colour `distance` from the nearest predicted one: kMaxOdds^(1 − (d/d0)²)
// with d0 = kNeutralDistance, bounded to [1/kMaxOdds, kMaxOdds].
float agreement_odds(float distance);

// [H, W] the squared RGB distance from each pixel's frame colour `rgb`
// [H, W, 3] to the nearest of the `expected` colours [H, W, 3] within
// kReachPx, where the pixel's own expectation is present; −1 where it is
// missing (outside the predicted silhouette). Empty when `expected` is. Both
// uses below read it, so the neighbourhood is searched once per window.
std::vector<float> agreement_distances(const float* rgb, const std::vector<float>& expected, int width, int height);

// Multiplies the odds of each pixel's `probability` [H, W] by agreement_odds
// of its distance in `distances` [H, W] (agreement_distances); pixels
// without one keep theirs. Does nothing when `distances` is empty.
void weigh_by_agreement(std::vector<float>& probability, const std::vector<float>& distances);

// [H, W] 1 where the object is hidden by something the model does not
// predict, 0 elsewhere: connected regions of the predicted silhouette (where
// `distances` [H, W], from agreement_distances, are present) whose colours
// disagree beyond the odds' bound (distance >= sqrt(2) kNeutralDistance),
// each holding a pixel at least `margin` window pixels inside it whose
// kSeedRadiusPx neighbourhood disagrees throughout. Disagreement along the
// silhouette's edge alone is the pose being off, and stays; an occluder
// reaches inside, and its region then runs on to the edge (the rim and the
// thin parts under it, which without it pulled the pose away: om frames
// 44-49, true masks given, 0.04-0.13 object sizes in depth; with it
// <= 0.02). Empty when `distances` is.
std::vector<float> occluded_by_disagreement(const std::vector<float>& distances, int width, int height, int margin);

}  // namespace splattrack
