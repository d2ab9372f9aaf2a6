#include "splattrack/tracker/prediction.hpp"

#include <algorithm>
#include <cmath>

namespace splattrack {

CentredPose predict_constant_velocity(const CentredPose& before_previous, const CentredPose& previous) {
  const WorldMotion motion = previous * before_previous.inverse();
  return motion * previous;
}

double safe_start_alpha(double shift_px, int image_size, int band_count) {
  // Band b's top frequency 2^b has phase π·2^b·d/S per pixel shift d.
  const double ratio = image_size / std::max(kMinExpectedShiftPx, shift_px);
  return std::clamp(std::log2(ratio) - 1.0, 1.0, band_count - 2.0);
}

}  // namespace splattrack
