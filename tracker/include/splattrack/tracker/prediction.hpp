// Predict, the first step of each frame: where the object will be (constant
// velocity) and how far the prediction may be off, which sets the band the
// adaptive annealing starts at.
#pragma once

#include "splattrack/render/pose.hpp"

namespace splattrack {

// Repeats the last inter-frame motion: (previous ∘ before⁻¹) ∘ previous.
CentredPose predict_constant_velocity(const CentredPose& before_previous, const CentredPose& previous);

// The prediction error assumed at least, in pixels: the first tracked frame has
// no motion estimate yet, and a prediction is never exact.
inline constexpr double kMinExpectedShiftPx = 8.0;

// Highest band whose basin (|ωᵀd| < π, METHOD.md §5) holds an image shift of
// `shift_px` pixels, as the start α of adaptive annealing, in [1, K − 2].
double safe_start_alpha(double shift_px, int image_size, int band_count);

}  // namespace splattrack
