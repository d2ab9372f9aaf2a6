// The calibration fitted to the frames actually read. A camera is often
// calibrated at one resolution and records at another of the same shape (a
// phone calibrated at 1920x1080 that films at 1280x720): its intrinsics
// scale with the image (Camera::scaled; distortion coefficients act on
// normalised coordinates and stay). Another aspect ratio is a crop, which no
// scaling explains: an error naming the frame and both sizes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "splattrack/io/video.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::apps {

// Width / height ratios closer than this are the same shape (1280x720 and
// 1920x1080 exactly; 640x360 and 854x480 by 0.1 %).
inline constexpr double kSameAspect = 0.005;

// `calibrated` for frames of `width` x `height` (from `frame_name`):
// itself when the size is its own, scaled when the shape is.
Camera camera_for_frames(const Camera& calibrated, int width, int height, const std::string& frame_name);

// Frames opened at whatever size the first one has, that first frame read
// ahead (its size decides the camera) and handed out again by the source.
struct OpenedFrames {
  std::unique_ptr<io::FrameSource> source;
  std::optional<int> width, height;  // the first readable frame's; empty when the input has none
  std::string name;                   // ... and its name (the file, or the video)
};
OpenedFrames open_frames_ahead(const std::string& frame_spec, const std::string& mask_spec);

}  // namespace splattrack::apps
