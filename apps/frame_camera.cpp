#include "frame_camera.hpp"

#include <cmath>
#include <deque>
#include <utility>

#include "splattrack/io/error.hpp"

namespace splattrack::apps {

namespace {

// `rest` with the frames already read from it put back in front.
class ReadAheadSource : public io::FrameSource {
 public:
  ReadAheadSource(std::unique_ptr<io::FrameSource> rest, std::deque<std::pair<io::FrameStatus, io::Frame>> ahead)
      : rest_(std::move(rest)), ahead_(std::move(ahead)) {}

  io::FrameStatus next(io::Frame& frame) override {
    if (ahead_.empty()) return rest_->next(frame);
    const io::FrameStatus status = ahead_.front().first;
    frame = std::move(ahead_.front().second);
    ahead_.pop_front();
    return status;
  }
  const std::string& spec() const override { return rest_->spec(); }
  std::string end_warning() override { return rest_->end_warning(); }
  std::optional<int> frame_count() const override { return rest_->frame_count(); }
  std::optional<double> fps() const override { return rest_->fps(); }

 private:
  std::unique_ptr<io::FrameSource> rest_;
  std::deque<std::pair<io::FrameStatus, io::Frame>> ahead_;
};

std::string size_text(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

}  // namespace

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

OpenedFrames open_frames_ahead(const std::string& frame_spec, const std::string& mask_spec) {
  OpenedFrames out;
  auto source = io::open_video(frame_spec, mask_spec);
  std::deque<std::pair<io::FrameStatus, io::Frame>> ahead;
  // Skipped frames (undecodable) are kept in order to be reported where they are.
  for (;;) {
    io::Frame frame;
    const io::FrameStatus status = source->next(frame);
    if (status == io::FrameStatus::end) break;
    const bool readable = status == io::FrameStatus::ok;
    if (readable) {
      out.width = frame.width;
      out.height = frame.height;
      out.name = frame.name;
    }
    ahead.emplace_back(status, std::move(frame));
    if (readable) break;
  }
  out.source = std::make_unique<ReadAheadSource>(std::move(source), std::move(ahead));
  return out;
}

}  // namespace splattrack::apps
