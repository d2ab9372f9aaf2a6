// The frames and the camera that took them, fitted to each other. A camera
// is often calibrated at one resolution and records at another of the same
// shape (a phone calibrated at 1920x1080 that films at 1280x720): its
// intrinsics scale with the image (Camera::scaled; distortion coefficients
// act on normalised coordinates and stay). Another aspect ratio is a crop,
// which no scaling explains: an error naming the frame and both sizes. A
// camera with lens distortion gets its frames made pinhole
// (io/undistort.hpp), what the renderer models.
#pragma once

#include <memory>
#include <string>

#include "splattrack/io/video.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::apps {

// Width / height ratios closer than this are the same shape (1280x720 and
// 1920x1080 exactly; 640x360 and 854x480 by 0.1 %).
inline constexpr double kSameAspect = 0.005;

struct CameraFrames {
  std::unique_ptr<io::FrameSource> source;  // the frames (and masks), made pinhole when `undistorted`
  Camera recorded;  // the calibration fitted to the frames, distortion kept: where picked points are
  Camera camera;    // what `source` shows: `recorded` without its distortion
  bool rescaled = false;     // `recorded` was scaled from the calibration's size (a note said so on stderr)
  bool undistorted = false;  // `recorded` has lens distortion
};

// The camera of `camera_path` and the frames of `frame_spec` (masks from
// `mask_spec`, "" for the frames' alpha), the first readable frame read
// ahead to learn their size and handed out again.
CameraFrames open_camera_frames(const std::string& camera_path, const std::string& frame_spec,
                                const std::string& mask_spec);

}  // namespace splattrack::apps
