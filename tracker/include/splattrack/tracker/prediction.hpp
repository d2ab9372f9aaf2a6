// Predict, the first step of each frame: where the object will be (constant
// velocity) and how far the prediction may be off, which sets the band the
// adaptive annealing and the top bands' Levenberg-Marquardt start at.
#pragma once

#include "splattrack/render/pose.hpp"

namespace splattrack {

// Repeats the last inter-frame motion: (previous ∘ before⁻¹) ∘ previous.
CentredPose predict_constant_velocity(const CentredPose& before_previous, const CentredPose& previous);

// How far off a constant-velocity prediction is taken to be, as a share of
// the last frame's motion, when choosing the LM's first band. 1 took the
// realistic bench's fox-moderate, gliding 4.1 window px a frame, to band 4
// and its 300 frames within 5° / 5 % from 99.7 to 98.3 % (one frame of the
// disc test 10° off); 2/3 leaves such smooth motion at the top bands and
// still starts the real cube's hand-turned frames, taken every second one,
// lower (BENCHMARKS.md).
inline constexpr double kLmPredictionErrorShare = 2.0 / 3.0;

// The prediction error assumed at least, in pixels: the first tracked frame has
// no motion estimate yet, and a prediction is never exact.
inline constexpr double kMinExpectedShiftPx = 8.0;

// Highest band whose basin (|ωᵀd| < π, METHOD.md §5) holds an image shift of
// `shift_px` pixels, as the start α of adaptive annealing, in [1, K − 2].
double safe_start_alpha(double shift_px, int image_size, int band_count);

// The first band of the later frames' Levenberg-Marquardt (TrackerOptions::
// lm_top_bands): the top `top_bands` bands, from lower down when the object
// moved `motion_px` window pixels since the frame before, as far down as the
// band whose basin (as safe_start_alpha, without its floor: a still object
// keeps the top bands) holds kLmPredictionErrorShare of that motion. In
// [0, K − top_bands].
int lm_first_band(double motion_px, int image_size, int band_count, int top_bands);

}  // namespace splattrack
