// Tracking through what real footage does to a frame, with ground truth:
// the procedural object under drifting lighting over the cube clip
// (../shared/data; skipped when absent), with its silhouette estimated from
// colour alone; and behind the synthetic occluder, with masks of its visible
// part given; and the bench's small fox over the clip with everything at
// once. All start from the true first pose.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <span>

#include "footage_test_util.hpp"
#include "splattrack/datasets/background.hpp"
#include "splattrack/datasets/camera_placement.hpp"
#include "splattrack/datasets/evaluation.hpp"
#include "splattrack/datasets/footage.hpp"
#include "splattrack/datasets/frame_maker.hpp"
#include "splattrack/datasets/object_model.hpp"
#include "splattrack/datasets/trajectory.hpp"
#include "splattrack/io/gaussian_io.hpp"
#include "splattrack/render/framing.hpp"
#include "splattrack/tracker.hpp"

namespace splattrack {
namespace {

// What `synth --size 640,480 --seed 1 --speed 0.05 --rot-speed 3` makes,
// with `effects`, tracked from its true first pose.
struct Sequence {
  static constexpr int kWidth = 640, kHeight = 480;
  GaussianModel model = datasets::make_object_model({.seed = 1});
  Camera camera;
  std::vector<RigidPose> poses;
  ExecutionContext context{2};
  datasets::FrameMaker maker;
  RigidTracker tracker;

  static TrackerOptions options(bool subtract_background) {
    TrackerOptions o;
    o.threads = 2;
    o.first_frame_refines = true;
    o.subtract_background = subtract_background;
    return o;
  }
  // `placement`: synth's default, or e.g. --coverage 0.25 --distance 5.
  Sequence(int frames, const datasets::FrameEffects& effects, bool subtract_background = false,
           const datasets::CameraPlacement& placement = {.width = kWidth, .height = kHeight})
      : camera(datasets::place_camera(placement)),
        poses(datasets::make_trajectory(camera, {.frames = frames,
                                                 .seed = 1,
                                                 .translation_speed = 0.05,
                                                 .rotation_speed_deg = 3,
                                                 .distance = placement.distance})),
        maker(model, camera, poses, datasets::kObjectDiameter, effects, context),
        tracker(model, camera, options(subtract_background)) {}

  // Frame f over `background`, its visible part's mask given or not.
  FrameResult track(int f, const std::vector<float>& background, bool given_mask) {
    const datasets::MadeFrame made = maker.make(f, background);
    const std::span<const float> mask = given_mask ? std::span<const float>(made.mask) : std::span<const float>();
    const FrameView view{kWidth, kHeight, made.rgb, mask};
    return f == 0 ? tracker.initialize(view, poses[0]) : tracker.track(view);
  }
};

// A regression test for estimated silhouettes with holes. Under this
// lighting (gain 0.9-1.2 and offset ±0.05 per channel) the object's black
// stripes and the black keyboard behind it fall into the same colour bins
// once the lighting is undone, so the estimate had holes inside the object;
// its moments read a smaller object and the pose drifted away from the
// camera by ~0.05-0.1 object sizes per frame (1.2 sizes by frame 11).
// Filling the enclosed holes (fill_enclosed) keeps it within 8.3 % (frames
// 2-8, while the colour model learns the lighting) and brings it back to
// 3 % by frame 11.
TEST(TrackingRealistic, LightingDriftDoesNotPushTheObjectAwayOverFootage) {
  const std::string footage = test::cube_footage();
  if (!std::filesystem::is_regular_file(footage)) GTEST_SKIP() << footage << " not found";
  constexpr int kFrames = 12;
  datasets::FrameEffects effects;
  effects.lighting = {1.0, 1};
  Sequence seq(kFrames, effects);
  datasets::FootageBackground background(footage, Sequence::kWidth, Sequence::kHeight, datasets::footage_offset(1));
  for (int f = 0; f < kFrames; ++f) {
    const FrameResult r = seq.track(f, background.next(), false);
    const RigidPose& truth = seq.poses[static_cast<std::size_t>(f)];
    const double error = (r.pose.translation - truth.translation).norm() / datasets::kObjectDiameter;
    EXPECT_LT(error, 0.12) << "frame " << f;
    if (f == kFrames - 1) {
      EXPECT_LT(error, 0.05);
    }
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
  }
}

// A regression test for the prior of the estimated silhouette: the bench's
// small object (`synth --coverage 0.25 --distance 5`: ~60 px of a 640 x 480
// frame) over the cube clip with drifting lighting, motion blur and noise.
// Its white tip and yellow stem share the colours of the desk and the cube
// behind it, so the colour model alone called them background; the
// estimate's moments read a smaller object, the pose moved away (+10 % of
// its size in depth by frame 1) and was lost from frame 5 (65 % off by frame
// 19). With the predicted silhouette as the prior, ≤ 11 % and ≤ 1.3°, never
// lost (30 frames of the same sequence, BENCHMARKS.md).
TEST(TrackingRealistic, ASmallObjectSharingItsSurroundingsColoursIsNotLost) {
  const std::string footage = test::cube_footage();
  if (!std::filesystem::is_regular_file(footage)) GTEST_SKIP() << footage << " not found";
  constexpr int kFrames = 12;
  datasets::FrameEffects effects;
  effects.lighting = {1.0, 1};
  effects.motion_blur.shutter = 0.5;
  Sequence seq(kFrames, effects, false,
               {.width = Sequence::kWidth, .height = Sequence::kHeight, .distance = 5, .coverage = 0.25});
  datasets::FootageBackground background(footage, Sequence::kWidth, Sequence::kHeight, datasets::footage_offset(1));
  for (int f = 0; f < kFrames; ++f) {
    const FrameResult r = seq.track(f, background.next(), false);
    const RigidPose& truth = seq.poses[static_cast<std::size_t>(f)];
    EXPECT_LT(r.pose.rotation.angularDistance(truth.rotation) * 180 / 3.14159265358979, 3.0) << "frame " << f;
    EXPECT_LT((r.pose.translation - truth.translation).norm() / datasets::kObjectDiameter, 0.15) << "frame " << f;
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
  }
}

// A regression test for occluders. The disc crosses in front of the object
// in frames 30-69, hiding up to 30 % of it; the given mask is the visible
// part, so the bite it takes out of the silhouette pulled the pose away
// (here: 49° and 1.37 object sizes at worst). The occlusion map
// (occlusion.hpp) drops the hidden pixels from the comparison: 1.6° and
// 0.108 sizes at worst (frames 41-52, while the disc covers the most and
// the frames are degraded, so the colour correction is not updated).
TEST(TrackingRealistic, AnOccluderCrossingTheObjectDoesNotDragThePose) {
  constexpr int kFrames = 60;
  datasets::FrameEffects effects;
  effects.occluder.max_cover = 0.3;
  effects.occluder.seed = 1;
  Sequence seq(kFrames, effects);
  const std::vector<float> background =
      datasets::make_background(Sequence::kWidth, Sequence::kHeight, {.colour = {0.3f, 0.4f, 0.5f}});
  double worst_rotation = 0, worst_translation = 0;
  for (int f = 0; f < kFrames; ++f) {
    const FrameResult r = seq.track(f, background, true);
    const RigidPose& truth = seq.poses[static_cast<std::size_t>(f)];
    const double rotation = r.pose.rotation.angularDistance(truth.rotation) * 180 / 3.14159265358979;
    const double translation = (r.pose.translation - truth.translation).norm() / datasets::kObjectDiameter;
    worst_rotation = std::max(worst_rotation, rotation);
    worst_translation = std::max(worst_translation, translation);
    EXPECT_LT(rotation, 3.0) << "frame " << f;
    EXPECT_LT(translation, 0.15) << "frame " << f;
  }
  std::printf("worst: %.2f deg, %.3f object sizes\n", worst_rotation, worst_translation);
}

// Every effect the bench's sequences have but the sensor noise (added to
// each frame by apply_sensor): lighting drift, the occluder, motion blur.
datasets::FrameEffects every_effect(std::uint64_t seed) {
  datasets::FrameEffects e;
  e.lighting = {1.0, seed};
  e.occluder.max_cover = 0.3;
  e.occluder.seed = seed;
  e.motion_blur.shutter = 0.5;
  return e;
}

// The bench's small striped object over the cube clip `footage` with every
// effect, as `synth --size 640,480 --coverage 0.25 --distance 5 --lighting 1
// --occluder 0.3 --motion-blur 0.5 --noise 0.01 --speed 0.05 --rot-speed 3
// --seed 1 --frames N` makes it, no masks: frames before `replayed` replayed
// at the truth (the tracker's state is then perfect tracking's), the rest up
// to `last` tracked, each handed to `check` with its rotation error (deg)
// and translation error (object sizes).
void follow_occluded_object(const std::string& footage, int frames, int replayed, int last,
                            const std::function<void(int, const FrameResult&, double, double)>& check) {
  constexpr std::uint64_t kSeed = 1;
  Sequence seq(frames, every_effect(kSeed), false,
               {.width = Sequence::kWidth, .height = Sequence::kHeight, .distance = 5, .coverage = 0.25});
  datasets::FootageBackground background(footage, Sequence::kWidth, Sequence::kHeight,
                                         datasets::footage_offset(kSeed));
  for (int f = 0; f <= last; ++f) {
    datasets::MadeFrame made = seq.maker.make(f, background.next());
    datasets::apply_sensor(Sequence::kWidth, Sequence::kHeight, made.rgb, {.noise_sigma = 0.01, .seed = kSeed}, f);
    const FrameView view{Sequence::kWidth, Sequence::kHeight, made.rgb, {}};
    const RigidPose& truth = seq.poses[static_cast<std::size_t>(f)];
    if (f < replayed) {
      seq.tracker.replay(view, seq.poses[0], truth, TrackStatus::tracking);
      continue;
    }
    const FrameResult r = seq.tracker.track(view);
    const double deg = r.pose.rotation.angularDistance(truth.rotation) * 180 / 3.14159265358979;
    const double shift = (r.pose.translation - truth.translation).norm() / datasets::kObjectDiameter;
    std::printf("frame %d: %.2f deg, %.1f %% %s\n", f, deg, 100 * shift, std::string(to_string(r.status)).c_str());
    check(f, r, deg, shift);
  }
}

// A regression test for the occluder over footage without masks: the bench's
// small striped object (`synth --coverage 0.25 --distance 5 --seed 1`, all
// effects) is behind the disc from frame ~43, before a patterned mug whose
// colours its stripes share and with a purple stripe of its own: the colour
// model's estimate had a grey haze (P 0.3-0.5) under the disc and holes in
// the object, and the occlusion map, which needs a change from object to
// background, missed most of the bite. Each frame then pulled the pose away
// from the camera, from the true pose at frame 41: 7.5, 19, 32, 45, 58 % of
// the size over frames 44-48 (seen failing). With the render's colours as
// evidence (agreement.hpp): at most 2.0 % and 0.8° over frames 42-48, then
// 4.9, 3.4, 0.9 % at 49-51. With degraded frames aligned again on the
// photometric loss (TrackerOptions::photometric_when_degraded): 5.2, 5.3,
// 2.7, 0.6 % at 48-51, hence 6 % over frames 42-52.
TEST(TrackingRealistic, TheOccluderOverFootageDoesNotPushTheObjectAway) {
  const std::string footage = test::cube_footage();
  if (!std::filesystem::is_regular_file(footage)) GTEST_SKIP() << footage << " not found";
  follow_occluded_object(footage, 60, 42, 52, [](int f, const FrameResult&, double deg, double shift) {
    EXPECT_LT(deg, 3.0) << "frame " << f;
    EXPECT_LT(shift, 0.06) << "frame " << f;
  });
}

// A regression test for a long occlusion: the same sequence at 300 frames
// (`synth --frames 300 ... --seed 1`), whose disc covers the object for ~20
// frames from frame 240 while the lighting drifts. Those frames are degraded
// (over a fifth hidden), and degraded frames learnt nothing, so the colour
// model and correction stood still; as the disc left, the pose receded (3.4 %
// at frame 255, 27 % at 259), was lost from 260 and never found again (81 %
// off at 275; seen failing). A degraded frame whose texture agrees as a
// right pose's does now learns too: never lost, within 1.8 % and 0.4° from
// frame 264 (one frame, 260, 21 % off and back the next).
TEST(TrackingRealistic, ALongOcclusionDoesNotLeaveTheColourModelBehind) {
  const std::string footage = test::cube_footage();
  if (!std::filesystem::is_regular_file(footage)) GTEST_SKIP() << footage << " not found";
  constexpr int kClear = 264;  // the disc has left
  int degraded = 0;
  follow_occluded_object(footage, 300, 236, 275, [&](int f, const FrameResult& r, double deg, double shift) {
    degraded += r.status == TrackStatus::degraded;
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
    if (f >= kClear) {
      EXPECT_LT(deg, 3.0) << "frame " << f;
      EXPECT_LT(shift, 0.05) << "frame " << f;
    }
  });
  EXPECT_GE(degraded, 10);  // the disc did hide the object
}

// Background subtraction (--masks bgsub) against clutter of the object's
// own colours: a second copy of the object stands still just beside the
// path of the tracked one, which the colour model cannot tell from it.
// Without the background model the track is lost by frame 8 (146° off by
// frame 19); with it, worst 3.5° and 0.17 object sizes (frames 2-8, where
// the two overlap).
TEST(TrackingRealistic, BackgroundSubtractionIgnoresAStandingTwinOfTheObject) {
  constexpr int kFrames = 20;
  Sequence seq(kFrames, {}, true);
  RigidPose twin_pose = seq.poses[kFrames / 2];
  twin_pose.translation += seq.camera.cam_from_world.topLeftCorner<3, 3>().transpose() *
                           Eigen::Vector3d(0.55 * datasets::kObjectDiameter, 0, 0);
  datasets::FrameMaker twin(seq.model, seq.camera, {twin_pose}, datasets::kObjectDiameter, {}, seq.context);
  const std::vector<float> background =
      twin.make(0, datasets::make_background(Sequence::kWidth, Sequence::kHeight, {.colour = {0.3f, 0.4f, 0.5f}}))
          .rgb;
  for (int f = 0; f < kFrames; ++f) {
    const FrameResult r = seq.track(f, background, false);
    const RigidPose& truth = seq.poses[static_cast<std::size_t>(f)];
    EXPECT_LT(r.pose.rotation.angularDistance(truth.rotation) * 180 / 3.14159265358979, 5.0) << "frame " << f;
    EXPECT_LT((r.pose.translation - truth.translation).norm() / datasets::kObjectDiameter, 0.2) << "frame " << f;
    EXPECT_EQ(r.foreground, ForegroundSource::bgsub) << "frame " << f;
  }
}

// The bench's small fox (`bench track --realistic`: a quarter of the image
// height at 5 sizes, 640 x 480) over the cube clip with every effect at once
// (lighting drift, the occluder, motion blur, sensor noise), no masks,
// tracked from its true first pose: one frame at a time, with the errors of
// each against the truth.
class FoxOverFootage {
 public:
  static constexpr int kWidth = 640, kHeight = 480;
  struct Options {
    std::uint64_t seed = 0;
    int footage_offset = 0;
    int frames = 0;
    std::size_t gaussians = 0;  // subsampled to this many; 0: all
  };
  struct Frame {
    FrameResult result;
    double deg = 0;    // rotation error
    double shift = 0;  // translation error over the object's size
    bool within() const { return deg < 5 && shift < 0.05; }
  };

  // False when the footage or the fox is not in ../shared/data.
  static bool available() {
    return std::filesystem::is_regular_file(footage_path()) && std::filesystem::is_regular_file(fox_path());
  }
  static std::string footage_path() { return test::cube_footage(); }
  static std::string fox_path() { return std::string(SPLATTRACK_SHARED_DATA) + "/models/fox_cc0_sh0_50k.ply"; }

  explicit FoxOverFootage(const Options& o)
      : options_(o),
        fox_(loaded(o.gaussians)),
        size_(datasets::object_size(fox_)),
        camera_(datasets::place_camera(placement(size_))),
        poses_(datasets::make_trajectory(camera_, {.frames = o.frames,
                                                   .seed = o.seed,
                                                   .translation_speed = 0.05,
                                                   .rotation_speed_deg = 3,
                                                   .object_size = size_,
                                                   .distance = 5 * size_})),
        maker_(fox_, camera_, poses_, size_, every_effect(o.seed), context_),
        background_(footage_path(), kWidth, kHeight, o.footage_offset),
        tracker_(fox_, camera_, tracking()) {}

  Frame next() {
    const int f = frame_++;
    datasets::MadeFrame made = maker_.make(f, background_.next());
    datasets::apply_sensor(kWidth, kHeight, made.rgb, {.noise_sigma = 0.01, .seed = options_.seed}, f);
    const FrameView view{kWidth, kHeight, made.rgb, {}};
    Frame out;
    out.result = f == 0 ? tracker_.initialize(view, poses_[0]) : tracker_.track(view);
    const RigidPose& truth = poses_[static_cast<std::size_t>(f)];
    out.deg = out.result.pose.rotation.angularDistance(truth.rotation) * 180 / 3.14159265358979;
    out.shift = (out.result.pose.translation - truth.translation).norm() / size_;
    std::printf("frame %d: %.2f deg, %.1f %% %s%s\n", f, out.deg, 100 * out.shift,
                std::string(to_string(out.result.status)).c_str(), out.result.photometric ? " (photometric)" : "");
    return out;
  }

 private:
  static TrackerOptions tracking() {
    TrackerOptions o;
    o.threads = 2;
    o.first_frame_refines = true;
    return o;
  }
  static GaussianModel loaded(std::size_t gaussians) {
    const GaussianModel full = io::read_gaussians(fox_path());
    const GaussianModel some = gaussians > 0 ? subsample(full, gaussians) : full;
    return recentred(some, model_bounds(some).center);
  }
  static datasets::CameraPlacement placement(double size) {
    datasets::CameraPlacement p;
    p.width = kWidth;
    p.height = kHeight;
    p.object_size = size;
    p.distance = 5 * size;
    p.coverage = 0.25;
    return p;
  }

  Options options_;
  GaussianModel fox_;
  double size_;
  Camera camera_;
  std::vector<RigidPose> poses_;
  ExecutionContext context_{2};
  datasets::FrameMaker maker_;
  datasets::FootageBackground background_;
  RigidTracker tracker_;
  int frame_ = 0;
};

// A regression test for the tracked frames' depth: the fox as `synth --model
// fox --size 640,480 --coverage 0.25 --distance 5 --speed 0.05 --rot-speed 3
// --lighting 1 --occluder 0.3 --motion-blur 0.5 --noise 0.01 --seed 2003`
// makes it over the cube clip, no masks, from its true first pose. With the
// spectral bands alone the pose sat 5-24 % of the fox's size too close to the
// camera from frame 8 on (12 of 40 frames within 5° / 5 %); refined per
// pixel, 40 of 40 (at most 0.5° and 4.1 %).
TEST(TrackingRealistic, TheSmallFoxOverFootageKeepsItsDepth) {
  if (!FoxOverFootage::available()) GTEST_SKIP() << "the cube clip or the fox is not in ../shared/data";
  constexpr std::uint64_t kSeed = 2003;
  FoxOverFootage fox({.seed = kSeed, .footage_offset = datasets::footage_offset(kSeed), .frames = 40});
  int within = 0;
  for (int f = 0; f < 40; ++f) {
    const FoxOverFootage::Frame r = fox.next();
    within += r.within();
    // The fox's texture agrees well enough (0.92-0.95) for per-pixel colours.
    EXPECT_EQ(r.result.pixel_refined, f > 0) << "frame " << f;
  }
  EXPECT_GE(within, 36);
}

// The bench's fox-moderate sequence (seed 3, 20 000 Gaussians, the footage
// from frame 480) to frame 165: from frame 147 a disc with grey stripes
// crosses the fox, and the colour model calls its stripes object, beside
// the fox as well as over it. The top bands' LM followed the silhouette's
// moments into the disc: 0.2 deg at frame 147, 2.8 at 152, 6.7 at 153, 47 at
// 157, lost from 158 and never found again. Aligned again on the
// photometric loss from the prediction (TrackerOptions::
// photometric_when_degraded), the degraded frames stay within 3.0 deg.
TEST(TrackingRealistic, TheDiscOverTheSmallFoxDoesNotTurnIt) {
  if (!FoxOverFootage::available()) GTEST_SKIP() << "the cube clip or the fox is not in ../shared/data";
  constexpr int kFrames = 166;
  FoxOverFootage fox({.seed = 3, .footage_offset = 480, .frames = kFrames, .gaussians = 20000});
  int within = 0, photometric = 0;
  for (int f = 0; f < kFrames; ++f) {
    const FoxOverFootage::Frame r = fox.next();
    within += r.within();
    photometric += r.result.photometric;
    EXPECT_LT(r.deg, 5) << "frame " << f;
    EXPECT_LT(r.shift, 0.1) << "frame " << f;
    EXPECT_NE(r.result.status, TrackStatus::lost) << "frame " << f;
  }
  EXPECT_GE(within, kFrames - 8);
  EXPECT_GT(photometric, 0);
}

}  // namespace
}  // namespace splattrack
