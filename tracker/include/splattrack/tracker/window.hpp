// The observation window (real footage): what the tracker compares with the
// model is a square of the frame around the predicted object, resampled to a
// fixed working size, with the camera cropped and scaled so that the renderer
// renders exactly that square. The object then fills a steady fraction of the
// window whatever its size in the video, the spectral bands keep their
// meaning, and the cost per frame does not grow with the video's resolution.
#pragma once

#include <cstddef>
#include <vector>

#include "splattrack/render/camera.hpp"
#include "splattrack/render/frame.hpp"
#include "splattrack/render/pose.hpp"

namespace splattrack {

struct ObservationWindow {
  double left = 0, top = 0;  // the window's top-left corner, frame pixel-edge coordinates
  double scale = 1;          // frame pixels per window pixel
  int width = 0, height = 0;  // window pixels
  bool wide = false;          // a recovery or search window, wider than the tracking one

  double side() const { return width * scale; }  // frame pixels the window spans horizontally
  Camera camera(const Camera& frame_camera) const {
    return frame_camera.cropped(left, top, scale, width, height);
  }
};

namespace window_defaults {
// Measured on the real cube clip (mesh2gs model, 20k Gaussians, 640x480, no
// masks, frames 0-88 where the cube stands still): drift from the given pose
// median 19 mm / max 29 deg at 128², 4.3 mm / 12 deg at 256² (the object
// then spans ~110 window pixels instead of ~55); 256² costs about twice as
// much per iteration. Frames no larger than this are compared whole.
inline constexpr int kSize = 256;
// Window half side over the object's projected radius, before the motion
// margin: the object fills about 1/1.6 of the window's side at rest.
inline constexpr double kObjectMargin = 1.6;
// The smallest window side in frame pixels (a far object still gets some
// surroundings).
inline constexpr double kMinSidePx = 48;
// Recovery looks at this many times the tracking window's side (capped at
// the whole frame).
inline constexpr double kRecoveryWiden = 3;
}  // namespace window_defaults

struct WindowOptions {
  int size = window_defaults::kSize;  // working pixels per side; 0: the whole frame at its own resolution
  double object_margin = window_defaults::kObjectMargin;
  double min_side_px = window_defaults::kMinSidePx;
  double recovery_widen = window_defaults::kRecoveryWiden;
};

// The whole frame at its own resolution (the window off).
ObservationWindow native_window(const Camera& camera);

// The object's centre (the centred origin) at `pose`, in camera coordinates.
Eigen::Vector3d centre_in_camera(const Camera& camera, const CentredPose& pose);

// The square around the object at `pose` (its bounding sphere of `radius`
// about the centred origin), its half side the projected radius times the
// object margin plus `motion_px` (the predicted motion, frame pixels), at
// least `size` frame pixels (a window never enlarges the frame). The square
// is shifted to lie inside the frame when it fits; otherwise it is centred
// on the frame, and what lies outside is invalid (Observation).
// An object behind the camera gets the whole frame.
ObservationWindow window_around(const Camera& camera, const CentredPose& pose, double radius, double motion_px,
                                const WindowOptions& options);

// `w` widened about its centre by `factor`, capped at the frame's larger
// side (then centred on the frame), marked wide.
ObservationWindow widened(const Camera& camera, const ObservationWindow& w, double factor);

// The renderer's screen-space dilation (window px²) for a window at `scale`
// frame pixels per window pixel: 3DGS's 0.3 px² in frame pixels, so that
// the render looks like the frame did (measured, procedural object at 2x:
// 0.3 window px² inflated every small Gaussian, silhouette IoU 0.83 with
// the resampled frame at the true pose, 0.99 with 0.3 frame px²). What is
// left is the area average's own blur, which a render sampled at window
// pixel centres does not have: a mip filter with opacity compensation
// (Mip-Splatting) would model it; not done.
float window_dilation(double scale);

// The frame resampled into the window: each window pixel the mean of the
// frame over its footprint (area average when shrinking, bilinear when
// enlarging), frame pixels only; `valid` [H, W] is 1 where the window pixel's
// centre lies in the frame, 0 elsewhere (those pixels copy the nearest frame
// pixel and carry no information).
struct WindowedFrame {
  FrameImage image;
  std::vector<float> valid;
  bool all_valid = true;
};
WindowedFrame resample(const FrameView& frame, const ObservationWindow& window);

// One frame-sized plane [frame H, W] (a probability, a map) resampled into
// the window as resample() does the frame's colours.
std::vector<float> resample_plane(const float* plane, int frame_width, int frame_height,
                                  const ObservationWindow& window);

// The frame pixels [frame H, W] (1 / 0) that the footprint of any window
// pixel marked non-zero in `marks` [H, W] touches: window marks carried back
// to the frame, covering rather than sampling.
std::vector<unsigned char> frame_pixels_under(const ObservationWindow& window, const std::vector<float>& marks,
                                              int frame_width, int frame_height);

// Calls f(p) with the index of every pixel on the border of a width x
// height image, row-major (corners twice).
template <class F>
void for_each_border_pixel(std::size_t width, std::size_t height, F&& f) {
  for (std::size_t x = 0; x < width; ++x) {
    f(x);
    f((height - 1) * width + x);
  }
  for (std::size_t y = 0; y < height; ++y) {
    f(y * width);
    f(y * width + width - 1);
  }
}

}  // namespace splattrack
