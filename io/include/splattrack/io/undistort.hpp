// Frames of a camera with lens distortion, made pinhole. The renderer models
// a pinhole camera (Renderer::forward refuses distortion coefficients), yet
// every calibration a user has (OpenCV's YAML, a camera.json with
// "distortion") comes with them: `track` and `mesh2gs --colour-from` resample
// each frame, and its mask, to the image the same camera would record
// without distortion (the same fx, fy, cx, cy and size: OpenCV's
// initUndistortRectifyMap with the camera matrix kept, bilinear). Poses
// mean the same on both. Where no pixel of the frame lands (the corners,
// under barrel distortion) the frame is black and the mask 0.
#pragma once

#include <memory>
#include <vector>

#include "splattrack/io/video.hpp"
#include "splattrack/render/camera.hpp"

namespace splattrack::io {

// Any coefficient not zero.
bool has_distortion(const Camera& camera);

// `camera` without its distortion: what the frames of `undistorted` show.
Camera pinhole(const Camera& camera);

// What `camera`, with its lens, records where a pinhole image of it shows
// the scene: each [H, W, `channels`] image in `images` resampled in place
// (bilinear; 0 where the pinhole image does not reach). `render` uses it so
// that a render lies over the frames as recorded.
void distort_images(const std::vector<std::vector<float>*>& images, const std::vector<int>& channels,
                    const Camera& camera);

// `source`'s frames (camera-sized: VideoOptions' expected size) resampled
// as above; frames and masks are otherwise passed on as they come.
std::unique_ptr<FrameSource> undistorted(std::unique_ptr<FrameSource> source, const Camera& camera);

}  // namespace splattrack::io
