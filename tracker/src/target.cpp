#include "splattrack/tracker/target.hpp"

#include <stdexcept>
#include <string>

namespace splattrack {

const FrameView& checked(const FrameView& frame, const Camera& camera) {
  if (frame.width != camera.width || frame.height != camera.height)
    throw std::invalid_argument("tracker: frame is " + std::to_string(frame.width) + "x" +
                                std::to_string(frame.height) + " but the camera is " + std::to_string(camera.width) +
                                "x" + std::to_string(camera.height));
  return frame;
}

MatchTarget::MatchTarget(const FrameView& frame, const Camera& camera, losses::SpectralLoss& spectral)
    : MatchTarget(frame, camera, native_window(camera), spectral) {}

MatchTarget::MatchTarget(const FrameView& frame, const Camera& camera, const ObservationWindow& window,
                         losses::SpectralLoss& spectral, const ForegroundEstimate* foreground,
                         const ColourCorrection& correction)
    : camera_(window.camera(camera)),
      dilation_(window_dilation(window.scale)),
      observation_(checked(frame, camera), window, foreground, correction), spectral_(spectral) {
  if (spectral.width() != window.width || spectral.height() != window.height)
    throw std::invalid_argument("tracker: the spectral loss is " + std::to_string(spectral.width()) + "x" +
                                std::to_string(spectral.height()) + " but the window is " +
                                std::to_string(window.width) + "x" + std::to_string(window.height));
  const Observed target = observation_.target();
  spectral_.set_target(target.rgb, target.alpha);
}

}  // namespace splattrack
