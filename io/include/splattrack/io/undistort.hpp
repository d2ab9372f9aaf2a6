// Frames of a camera with lens distortion, made pinhole. The renderer models
// a pinhole camera (Renderer::forward refuses distortion coefficients), yet
// every calibration a user has (OpenCV's YAML, a camera.json with
// "distortion") comes with them: `track` and `mesh2gs --colour-from` resample
// each frame, and its mask, to the image the same camera would record
// without distortion (the same fx, fy, cx, cy and size: OpenCV's
// initUndistortRectifyMap with the camera matrix kept, bilinear). Poses
// mean the same on both. The pinhole image covers what the same matrix
// frames: under barrel distortion the recorded image's rim falls outside it
// (not seen); under pincushion distortion the rim no recorded pixel reaches
// is black and its mask 0.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "splattrack/io/video.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::io {

// Any coefficient not zero.
bool has_distortion(const Camera& camera);

// `camera` without its distortion: what the frames of `undistorted` show.
Camera pinhole(const Camera& camera);

// An image to bend as the lens does: [H, W, `channels`] floats, and the
// value of each channel where the pinhole image does not reach (the rim,
// under barrel distortion).
struct LensImage {
  std::vector<float>* pixels = nullptr;
  int channels = 1;
  std::array<float, 4> outside{};
};

// What `camera`, with its lens, records where a pinhole image of it shows
// the scene: each image resampled in place (bilinear). `render` uses it so
// that a render lies over the frames as recorded.
void distort_images(const std::vector<LensImage>& images, const Camera& camera);

// `source`'s frames (camera-sized: VideoOptions' expected size) resampled
// as above; frames and masks are otherwise passed on as they come.
std::unique_ptr<FrameSource> undistorted(std::unique_ptr<FrameSource> source, const Camera& camera);

}  // namespace splattrack::io
