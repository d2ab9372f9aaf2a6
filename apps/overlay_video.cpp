#include "overlay_video.hpp"

#include <chrono>

#include "splattrack/io/atomic_file.hpp"
#include "splattrack/io/overlay.hpp"

namespace splattrack::apps {

OverlayVideo::OverlayVideo(const GaussianModel& model, const Camera& camera, ExecutionContext& context,
                           const std::filesystem::path& dir, double fps)
    : model_(model),
      camera_(camera),
      renderer_(context),
      partial_path_((dir / "overlay.partial.mp4").string()),
      path_((dir / "overlay.mp4").string()),
      fps_(fps) {}

void OverlayVideo::add(const io::Frame& frame, const RigidPose& pose, TrackStatus status,
                       std::optional<double> quality) {
  // The model moved as the tracker moves it (apply_pose), so that the
  // overlay shows exactly what the tracker compared with the frame.
  const auto t0 = std::chrono::steady_clock::now();
  apply_pose(model_, pose, posed_);
  draw(frame, posed_, status, quality, t0);
}

void OverlayVideo::add_world(const io::Frame& frame, const GaussianModel& world, TrackStatus status,
                             std::optional<double> quality) {
  draw(frame, world, status, quality, std::chrono::steady_clock::now());
}

void OverlayVideo::draw(const io::Frame& frame, const GaussianModel& world, TrackStatus status,
                        std::optional<double> quality, std::chrono::steady_clock::time_point t0) {
  const RenderPass pass = renderer_.forward(world, camera_);
  canvas_.assign(frame.rgb.begin(), frame.rgb.end());
  io::draw_overlay(canvas_, pass.image(), {frame.index, status, quality});
  if (!writer_) writer_.emplace(partial_path_, frame.width, frame.height, fps_);
  writer_->write(canvas_);
  ms_.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
}

void OverlayVideo::finish() {
  if (!writer_) return;
  writer_->close();
  writer_.reset();
  io::commit_file(partial_path_, path_);
}

}  // namespace splattrack::apps
