#include "splattrack/tracker/target.hpp"

#include <stdexcept>
#include <string>

namespace splattrack {

MatchTarget::MatchTarget(const FrameView& frame, const Camera& camera, losses::SpectralLoss& spectral)
    : camera_(camera), observation_(frame), spectral_(spectral) {
  if (frame.width != camera.width || frame.height != camera.height)
    throw std::invalid_argument("tracker: frame is " + std::to_string(frame.width) + "x" +
                                std::to_string(frame.height) + " but the camera is " + std::to_string(camera.width) +
                                "x" + std::to_string(camera.height));
  const Observed target = observation_.target();
  spectral_.set_target(target.rgb, target.alpha);
}

}  // namespace splattrack
