// Per-frame quality (METHOD.md §6, ViSP-style failure detection): scores of a
// render against the frame's side of the observation model.
#pragma once

#include <array>

#include "splattrack/render.hpp"
#include "splattrack/tracker/observation.hpp"

namespace splattrack {

namespace quality_defaults {
inline constexpr float kSilhouetteThreshold = 0.5f;  // alpha / mask above this is "object"
}

// IoU of the rendered silhouette (alpha) and the frame's mask; 0 without a
// mask. Both empty: 0, since an object out of view is not being tracked (and
// an optimiser facing an empty mask can always move the object out of view
// to match it).
double silhouette_iou(const RenderImage& render, const Observation& observation);

// The share of the rendered silhouette (alpha above the silhouette
// threshold) that an occluder hides (Observation::occluded); 0 for an empty
// silhouette.
double hidden_share(const RenderImage& render, const Observation& observation);

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

}  // namespace splattrack
