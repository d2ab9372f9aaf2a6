// track --overlay: every tracked frame with the model rendered at its
// reported pose drawn over it (io/overlay.hpp), encoded to DIR/overlay.mp4.
// An mp4 cannot be appended to, nor read before it is closed: the frames go
// to DIR/overlay.partial.mp4 as the run goes, renamed onto overlay.mp4 when
// the run ends (finished or stopped by a signal). A run killed outright
// leaves the previous overlay.mp4 as it was; --resume draws the frames it
// continues after again, so that overlay.mp4 always covers the whole run.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "splattrack/io/video.hpp"
#include "splattrack/render.hpp"
#include "splattrack/render/pose.hpp"
#include "splattrack/render/track_status.hpp"

namespace splattrack::apps {

class OverlayVideo {
 public:
  // `model` must outlive this; `context` is the tracker's (one thread pool
  // for everything). Nothing is written before the first add().
  OverlayVideo(const GaussianModel& model, const Camera& camera, ExecutionContext& context,
               const std::filesystem::path& dir, double fps);

  // One frame, at `pose` (world_from_model); `quality` when known.
  void add(const io::Frame& frame, const RigidPose& pose, TrackStatus status, std::optional<double> quality);
  // One frame with the model as tracked already in world coordinates (a
  // deformed one: DeformableTracker::world_model).
  void add_world(const io::Frame& frame, const GaussianModel& world, TrackStatus status,
                 std::optional<double> quality);
  // Closes the video and renames it onto overlay.mp4 (no-op without frames).
  void finish();

  // Milliseconds each add() took (render, drawing, encoding).
  const std::vector<double>& ms() const { return ms_; }

 private:
  // Renders `world` over `frame`, draws, encodes; its time since `t0` in ms_.
  void draw(const io::Frame& frame, const GaussianModel& world, TrackStatus status, std::optional<double> quality,
            std::chrono::steady_clock::time_point t0);

  const GaussianModel& model_;
  Camera camera_;
  Renderer renderer_;
  std::string partial_path_;
  std::string path_;
  double fps_;
  GaussianModel posed_;         // the model at the frame's pose, storage reused
  std::vector<float> canvas_;   // the frame being drawn on, storage reused
  std::optional<io::VideoFileWriter> writer_;
  std::vector<double> ms_;
};

}  // namespace splattrack::apps
