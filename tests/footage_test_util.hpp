// Frames of a synthetic object over the real cube clip as the realistic
// bench makes them (lighting changes, optionally the occluder, sensor noise
// 0.01; no blur), and the tracker options the tests that track them share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "real_cube_test_util.hpp"
#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/footage.hpp"
#include "splattrack/datasets/frame_maker.hpp"
#include "splattrack/datasets/occluder.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack::test {

// The cube clip (../shared/data): tests skip when it is absent.
inline std::string cube_footage() { return (kCubeDir / "cube_video.mp4").string(); }

class FootageFrames {
 public:
  FootageFrames(const GaussianModel& model, const Camera& camera, const std::vector<RigidPose>& poses, double size,
                std::uint64_t seed, bool occluder)
      : width_(camera.width),
        height_(camera.height),
        context_(2),
        maker_(model, camera, poses, size, effects(seed, occluder), context_),
        background_(cube_footage(), camera.width, camera.height, datasets::footage_offset(seed)) {
    sensor_.noise_sigma = 0.01;
    sensor_.seed = seed;
  }
  // Frame f [H, W, 3], the frames made in order (the footage plays on).
  std::vector<float> make(int f) {
    datasets::MadeFrame made = maker_.make(f, background_.next());
    datasets::apply_sensor(width_, height_, made.rgb, sensor_, f);
    return made.rgb;
  }

 private:
  static datasets::FrameEffects effects(std::uint64_t seed, bool occluder) {
    datasets::FrameEffects e;
    e.lighting = {1.0, seed};
    if (occluder) {
      e.occluder.max_cover = datasets::kMaxOccluderCover;
      e.occluder.seed = seed;
    }
    return e;
  }
  int width_, height_;
  ExecutionContext context_;
  datasets::FrameMaker maker_;
  datasets::FootageBackground background_;
  datasets::SensorOptions sensor_;
};

// 2 threads, the first frame refined from the given pose, recovery bounded
// by renders rather than time: the same outcome on any machine.
inline TrackerOptions footage_tracker_options() {
  TrackerOptions options;
  options.threads = 2;
  options.first_frame_refines = true;
  options.recovery_budget_renders = 60;
  return options;
}

}  // namespace splattrack::test
