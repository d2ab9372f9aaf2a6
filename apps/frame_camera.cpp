#include "frame_camera.hpp"

#include <cmath>
#include <cstdio>
#include <deque>
#include <optional>
#include <utility>

#include "splattrack/io/camera_io.hpp"
#include "splattrack/io/error.hpp"
#include "splattrack/io/undistort.hpp"

namespace splattrack::apps {

namespace {

// `rest` with the frames already read from it put back in front.
class ReadAheadSource : public io::FrameSourceFilter {
 public:
  ReadAheadSource(std::unique_ptr<io::FrameSource> rest, std::deque<std::pair<io::FrameStatus, io::Frame>> ahead)
      : FrameSourceFilter(std::move(rest)), ahead_(std::move(ahead)) {}

  io::FrameStatus next(io::Frame& frame) override {
    if (ahead_.empty()) return FrameSourceFilter::next(frame);
    const io::FrameStatus status = ahead_.front().first;
    frame = std::move(ahead_.front().second);
    ahead_.pop_front();
    return status;
  }

 private:
  std::deque<std::pair<io::FrameStatus, io::Frame>> ahead_;
};

std::string size_text(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

// `calibrated` for frames of `width` x `height` (from `frame_name`):
// itself when the size is its own, scaled when the shape is.
Camera camera_for_frames(const Camera& calibrated, int width, int height, const std::string& frame_name) {
  if (width == calibrated.width && height == calibrated.height) return calibrated;
  const double frame_aspect = static_cast<double>(width) / height;
  const double camera_aspect = static_cast<double>(calibrated.width) / calibrated.height;
  if (std::abs(frame_aspect / camera_aspect - 1) > kSameAspect)
    throw io::InputError(frame_name, "the frames are " + size_text(width, height) + ", the camera is calibrated at " +
                                         size_text(calibrated.width, calibrated.height) +
                                         ", another shape: give the calibration of this video's size");
  return calibrated.scaled(width, height);
}

}  // namespace

CameraFrames open_camera_frames(const std::string& camera_path, const std::string& frame_spec,
                                const std::string& mask_spec) {
  // The camera first, so that its errors come before the video is opened (a
  // live camera among them); one that depends on the frames' size (ViSP's
  // files without one, or with several cameras) is read again with the
  // first frame's.
  std::optional<Camera> sized;
  try {
    sized = io::read_camera(camera_path);
  } catch (const io::CameraNeedsFrames&) {
  }
  auto source = io::open_video(frame_spec, mask_spec);
  // Skipped frames (undecodable) are kept in order to be reported where they are.
  std::deque<std::pair<io::FrameStatus, io::Frame>> ahead;
  std::optional<io::ImageSize> frames;
  for (;;) {
    io::Frame frame;
    const io::FrameStatus status = source->next(frame);
    if (status == io::FrameStatus::end) break;
    const bool readable = status == io::FrameStatus::ok;
    if (readable) frames = io::ImageSize{frame.width, frame.height};
    ahead.emplace_back(status, std::move(frame));
    if (readable) break;
  }
  const Camera calibrated = sized ? *sized : io::read_camera(camera_path, frames);
  CameraFrames out;
  out.recorded = calibrated;
  if (frames) out.recorded = camera_for_frames(calibrated, frames->width, frames->height, ahead.back().second.name);
  out.rescaled = out.recorded.width != calibrated.width || out.recorded.height != calibrated.height;
  if (out.rescaled)
    std::fprintf(stderr, "note: %s is calibrated at %s; its intrinsics are scaled to the frames' %s\n",
                 camera_path.c_str(), size_text(calibrated.width, calibrated.height).c_str(),
                 size_text(out.recorded.width, out.recorded.height).c_str());
  out.camera = io::pinhole(out.recorded);
  out.undistorted = io::has_distortion(out.recorded);
  out.source = std::make_unique<ReadAheadSource>(std::move(source), std::move(ahead));
  if (out.undistorted) out.source = io::undistorted(std::move(out.source), out.recorded);
  return out;
}

}  // namespace splattrack::apps
