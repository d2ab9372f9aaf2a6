// Per-frame quality (METHOD.md §6, ViSP-style failure detection): scores of a
// render against the frame's side of the observation model.
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "splattrack/render.hpp"
#include "splattrack/tracker/observation.hpp"

namespace splattrack {

namespace quality_defaults {
inline constexpr float kSilhouetteThreshold = 0.5f;  // alpha / mask above this is "object"
// The texture agreement's neighbourhood: (2 r + 1)² window pixels.
inline constexpr int kCorrelationRadiusPx = 4;
// A render neighbourhood flatter than this grey-level deviation predicts no
// texture and is not compared (the real cube's plain white faces).
inline constexpr float kMinTextureStd = 0.02f;
// Fewer compared pixels than this: the model shows too little texture to
// tell (an untextured CAD model), and there is no texture score.
inline constexpr int kMinTexturedPixels = 200;
}  // namespace quality_defaults

// IoU of the rendered silhouette (alpha) and the frame's mask; 0 without a
// mask. Both empty: 0, since an object out of view is not being tracked (and
// an optimiser facing an empty mask can always move the object out of view
// to match it).
double silhouette_iou(const RenderImage& render, const Observation& observation);

// The share of the rendered silhouette (alpha above the silhouette
// threshold) that an occluder hides (Observation::occluded); 0 for an empty
// silhouette.
double hidden_share(const RenderImage& render, const Observation& observation);

// Whether the render shows the object on the frame: alpha above the
// silhouette threshold at a window pixel inside the frame (valid, or hidden
// by an occluder: the object is there, behind it).
bool shows_object(const RenderImage& render, const Observation& observation);

// Without a mask: how much of the frame's difference from the plain
// background the render explains, 1 − L1(observed render, frame) /
// L1(background, frame), clamped to [0, 1]; the render as the observation
// sees it (colour-corrected, when that is on).
double explained_fraction(const RenderImage& render, Observation& observation);

// How well a render explains the frame, colour and silhouette together, for
// ranking poses (≤ 1, higher is better, not clamped so that poor candidates
// still rank). With a mask: 1 − (L1(rgb·alpha, object colour) + L1(alpha, mask)) /
// (L1(object colour) + L1(mask)); the silhouette term keeps a dark object
// scored. Without one: explained_fraction, unclamped.
double appearance_score(const RenderImage& render, Observation& observation);

// [H, W] the correlation of the grey levels of `a` and `b` (rgb [H, W, 3])
// over the (2 r + 1)² square about each pixel (clipped at the borders), and
// a's grey-level variance there into `a_variance` [H, W]. Where either side
// is flat, 0.
std::vector<float> local_correlation(const float* a, const float* b, int width, int height, int r,
                                     std::vector<float>& a_variance);

// Whether the frame shows the texture the render predicts: the median local
// correlation (kCorrelationRadiusPx) of render and frame over the valid
// pixels whose whole neighbourhood lies inside the rendered silhouette and
// where the render is textured (kMinTextureStd). Blind to gain and offset,
// so lighting and the colour model play no part: a pose that the colour
// model learnt at (a start 2 cm and 15° off on the real cube, every later
// frame "tracking" at 20 mm and 15-28° off) scores about 0, the right one
// 0.6-0.8 (real cube; the synthetic renders 0.95-0.99). It is sharp within
// about 2° and orders nothing beyond: first frames from such starts ended
// 4-25° off scoring 0.05-0.70 in no order with the error (BENCHMARKS.md).
// Empty when fewer than kMinTexturedPixels are compared.
std::optional<double> texture_agreement(const RenderImage& render, const Observation& observation);

}  // namespace splattrack
