#include "splattrack/tracker/prediction.hpp"

#include <algorithm>
#include <cmath>

namespace splattrack {

CentredPose predict_constant_velocity(const CentredPose& before_previous, const CentredPose& previous) {
  const WorldMotion motion = previous * before_previous.inverse();
  return motion * previous;
}

namespace {

// Band b's top frequency 2^b has phase π·2^b·d/S per pixel shift d.
double band_holding(double shift_px, int image_size) { return std::log2(image_size / shift_px) - 1.0; }

}  // namespace

double safe_start_alpha(double shift_px, int image_size, int band_count) {
  return std::clamp(band_holding(std::max(kMinExpectedShiftPx, shift_px), image_size), 1.0, band_count - 2.0);
}

int lm_first_band(double motion_px, int image_size, int band_count, int top_bands) {
  const int top = std::max(0, band_count - top_bands);
  if (!(motion_px > 0)) return top;
  const double band = std::floor(band_holding(kLmPredictionErrorShare * motion_px, image_size));
  return static_cast<int>(std::clamp(band, 0.0, static_cast<double>(top)));
}

}  // namespace splattrack
