// Motion blur: a frame exposed over part of the frame interval is the mean of
// renders at poses spread over the exposure, centred on the frame's time, so
// that the frame's ground-truth pose stays the pose at mid-exposure.
#pragma once

#include <vector>

#include "splattrack/render/pose.hpp"

namespace splattrack::datasets {

// Five renders over a half-open shutter keep an object moving a few pixels a
// frame smooth; the middle one is at the frame's own pose.
inline constexpr int kMotionBlurSamples = 5;

struct MotionBlurOptions {
  double shutter = 0.0;  // exposure as a fraction of the frame interval, 0..1; 0: sharp frames
  int samples = kMotionBlurSamples;
};

// The times (in frames) of the sub-frame renders of `frame`:
// frame + shutter · ((k + 0.5) / samples - 0.5), k = 0 .. samples - 1. Throws
// std::invalid_argument for a shutter outside [0, 1] or fewer than 1 sample.
std::vector<double> exposure_times(int frame, const MotionBlurOptions& options);

// The pose at time t (in frames) of a sequence of per-frame poses: the
// rotation slerped and the translation interpolated linearly between the two
// frames around t, extrapolated from the first or last two beyond the ends
// (a constant motion). Throws std::invalid_argument for no poses.
RigidPose pose_at(const std::vector<RigidPose>& poses, double t);

}  // namespace splattrack::datasets
