// One frame's matching problem: the camera to render with, the observation
// model (what a render is compared with), and the spectral loss holding the
// frame's moments. The loss is per image size and outlives frames (its
// tables, FFT plans and buffers are built once): the target only sets its
// frame side.
#pragma once

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/frame.hpp"
#include "splattrack/tracker/observation.hpp"

namespace splattrack {

class MatchTarget {
 public:
  // `spectral` must have the camera's size; its target becomes this frame's.
  // Throws std::invalid_argument when the frame's size is not the camera's.
  MatchTarget(const FrameView& frame, const Camera& camera, losses::SpectralLoss& spectral);

  const Camera& camera() const { return camera_; }
  Observation& observation() { return observation_; }
  const Observation& observation() const { return observation_; }
  losses::SpectralLoss& spectral() { return spectral_; }
  bool has_mask() const { return observation_.has_mask(); }
  int band_count() const { return spectral_.options().band_count; }

 private:
  Camera camera_;
  Observation observation_;
  losses::SpectralLoss& spectral_;
};

}  // namespace splattrack
