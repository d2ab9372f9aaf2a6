// One frame's matching problem in one window of the frame: the camera to
// render that window with, the observation model (what a render is compared
// with), and the spectral loss holding the window's moments. The loss is per image size and outlives frames (its
// tables, FFT plans and buffers are built once): the target only sets its
// frame side.
#pragma once

#include "splattrack/losses.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/frame.hpp"
#include "splattrack/tracker/observation.hpp"

namespace splattrack {

// `frame`, checked to be `camera`'s size (std::invalid_argument naming both).
const FrameView& checked(const FrameView& frame, const Camera& camera);

class MatchTarget {
 public:
  // `camera` is the frame's; `spectral` must have the window's size, and its
  // target becomes this window's. Throws std::invalid_argument when the
  // frame's size is not the camera's or the loss's size not the window's.
  // Without a mask, `foreground` (may be null) gives the silhouette once learnt.
  MatchTarget(const FrameView& frame, const Camera& camera, const ObservationWindow& window,
              losses::SpectralLoss& spectral, const ForegroundEstimate* foreground = nullptr,
              const ColourCorrection& correction = {});
  // The whole frame at its own resolution.
  MatchTarget(const FrameView& frame, const Camera& camera, losses::SpectralLoss& spectral);

  // The window's camera: what the renderer renders with.
  const Camera& camera() const { return camera_; }
  const ObservationWindow& window() const { return observation_.window(); }
  // The renderer's screen-space dilation for this window (window_dilation).
  float dilation() const { return dilation_; }
  Observation& observation() { return observation_; }
  const Observation& observation() const { return observation_; }
  losses::SpectralLoss& spectral() { return spectral_; }
  bool has_mask() const { return observation_.has_mask(); }
  int band_count() const { return spectral_.options().band_count; }

 private:
  Camera camera_;
  float dilation_;
  Observation observation_;
  losses::SpectralLoss& spectral_;
};

}  // namespace splattrack
