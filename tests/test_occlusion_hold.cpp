// The occlusion hold (tracker/occlusion_hold.hpp): where a partly hidden
// frame is reported, against references computed here from the poses fed in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numbers>
#include <optional>
#include <random>
#include <vector>

#include "io_test_util.hpp"
#include "real_cube_test_util.hpp"
#include "splattrack/tracker/occlusion_hold.hpp"

namespace splattrack {
namespace {

CentredPose pose_at(const Eigen::Vector3d& t, const Eigen::Quaterniond& q = Eigen::Quaterniond::Identity()) {
  CentredPose p;
  p.translation = t;
  p.rotation = q;
  return p;
}

double angle_between(const Eigen::Quaterniond& a, const Eigen::Quaterniond& b) { return a.angularDistance(b); }

Eigen::Quaterniond turn(double angle, const Eigen::Vector3d& axis) {
  return Eigen::Quaterniond(Eigen::AngleAxisd(angle, axis.normalized()));
}

// The optimiser's share of the way at `hidden`, as the header states it.
double share(double hidden) { return std::pow(1.0 - hidden, hold_defaults::kHoldPower); }

TEST(OcclusionHold, NothingIsHeldBeforeAFrameSeenWholeNorOnAFrameSeenWhole) {
  OcclusionHold hold;
  const CentredPose measured = pose_at({1, 2, 3}, turn(0.3, {1, 0, 0}));
  EXPECT_FALSE(hold.hold(measured, 0.5));
  hold.record(pose_at({0, 0, 3}), 0.0);
  EXPECT_FALSE(hold.hold(measured, 0.0));
  EXPECT_TRUE(hold.hold(measured, 0.5));
  // A partly hidden frame at the start is not an anchor either.
  OcclusionHold hidden_first;
  hidden_first.record(pose_at({0, 0, 3}), 0.4);
  EXPECT_FALSE(hidden_first.hold(measured, 0.5));
}

TEST(OcclusionHold, AStillObjectsJitterIsNoVelocity) {
  // Ten frames seen whole jittering 1 mm about (0, 0, 0.4): the reference
  // is the last of them, not moved on by the jitter's mean.
  std::mt19937 rng(7);
  std::normal_distribution<double> jitter(0.0, 0.001);
  OcclusionHold hold;
  CentredPose last;
  for (int f = 0; f < hold_defaults::kVelocityFrames; ++f) {
    last = pose_at({jitter(rng), jitter(rng), 0.4 + jitter(rng)}, turn(jitter(rng), {0, 1, 0}));
    hold.record(last, 0.0);
  }
  const CentredPose measured = pose_at(last.translation + Eigen::Vector3d(0, 0, -0.02), last.rotation);
  for (const double hidden : {0.1, 0.3, 0.6}) {
    const std::optional<CentredPose> out = hold.hold(measured, hidden);
    ASSERT_TRUE(out) << "hidden " << hidden;
    const Eigen::Vector3d expected = last.translation + share(hidden) * (measured.translation - last.translation);
    EXPECT_LT((out->translation - expected).norm(), 1e-12) << "hidden " << hidden;
  }
}

TEST(OcclusionHold, APoseSettlingOnAStillImageIsNoVelocity) {
  // The optimiser settling on a still object after a start 15° off: the
  // reported pose turns 0.5° and moves 1 mm a frame, steadily (significant
  // as a velocity), while the frames show the object still. Under the
  // occluder the reference is the last pose, not turned on: extrapolated,
  // 30 frames on it would be 15° away (the real cube's start, frames
  // 541-575 from 500: lost).
  const Eigen::Vector3d axis(0, 1, 0), step(0.001, 0, 0);
  const double spin = 0.5 * std::numbers::pi / 180;
  OcclusionHold still, moving;
  CentredPose last;
  for (int f = 0; f < hold_defaults::kVelocityFrames; ++f) {
    last = pose_at(Eigen::Vector3d(0, 0, 0.4) + f * step, turn(f * spin, axis));
    still.record(last, 0.0, true);
    moving.record(last, 0.0, false);
  }
  const CentredPose measured = pose_at(last.translation + Eigen::Vector3d(0.01, 0, 0), turn(0.2, axis));
  const double hidden = 0.3;
  for (int f = 1; f <= 30; ++f) {
    const std::optional<CentredPose> held = still.hold(measured, hidden);
    ASSERT_TRUE(held);
    const Eigen::Vector3d expected = last.translation + share(hidden) * (measured.translation - last.translation);
    EXPECT_LT((held->translation - expected).norm(), 1e-12) << "frame " << f;
    EXPECT_LT(angle_between(held->rotation, last.rotation.slerp(share(hidden), measured.rotation)), 1e-9)
        << "frame " << f;
    still.record(*held, hidden);
  }
  // The same poses with frames that moved: extrapolated as before.
  const std::optional<CentredPose> extrapolated = moving.hold(last, 0.99);
  ASSERT_TRUE(extrapolated);
  EXPECT_NEAR(angle_between(extrapolated->rotation, last.rotation), spin, 1e-3 * spin);
}

TEST(OcclusionHold, AMovingObjectIsHeldWhereItWasGoing) {
  // Seen whole moving 1 cm and turning 2° a frame; then hidden: the
  // reference n frames on is the anchor moved n steps further.
  const Eigen::Vector3d step(0.01, -0.005, 0.002);
  const Eigen::Vector3d axis = Eigen::Vector3d(0.2, 1, 0.1).normalized();
  const double spin = 2 * M_PI / 180;
  OcclusionHold hold;
  CentredPose anchor;
  for (int f = 0; f < hold_defaults::kVelocityFrames; ++f) {
    anchor = pose_at(Eigen::Vector3d(0, 0, 1) + f * step, turn(f * spin, axis));
    hold.record(anchor, 0.0);
  }
  const double hidden = 0.5;
  CentredPose reported;
  for (int n = 1; n <= 4; ++n) {
    // The optimiser, pulled 2 cm off the motion each frame.
    const Eigen::Vector3d truth = anchor.translation + n * step;
    const Eigen::Quaterniond truth_rotation = turn(n * spin, axis) * anchor.rotation;
    const CentredPose measured = pose_at(truth + Eigen::Vector3d(0.02, 0, 0), truth_rotation);
    ASSERT_TRUE(hold.hold(measured, hidden)) << "frame " << n;
    reported = *hold.hold(measured, hidden);
    EXPECT_LT((reported.translation - (truth + share(hidden) * Eigen::Vector3d(0.02, 0, 0))).norm(), 1e-9)
        << "frame " << n;
    EXPECT_LT(angle_between(reported.rotation, truth_rotation), 1e-9) << "frame " << n;
    hold.record(reported, hidden);
  }
}

TEST(OcclusionHold, APersistentPullStaysBoundedUnderTheOccluder) {
  // A still object; under the occluder the optimiser moves 3 mm further
  // from wherever the last frame was reported, every frame. Unheld that
  // adds up to 30 cm over 100 frames; held, the report settles where the
  // pull balances the hold: share·d / (1 − share) from the anchor.
  OcclusionHold hold;
  const CentredPose anchor = pose_at({0, 0, 0.4});
  for (int f = 0; f < 3; ++f) hold.record(anchor, 0.0);
  const double hidden = 0.3, d = 0.003;
  CentredPose reported = anchor;
  for (int f = 0; f < 100; ++f) {
    const CentredPose measured = pose_at(reported.translation + Eigen::Vector3d(0, 0, d));
    ASSERT_TRUE(hold.hold(measured, hidden)) << "frame " << f;
    reported = *hold.hold(measured, hidden);
    hold.record(reported, hidden);
  }
  const double bound = share(hidden) * d / (1 - share(hidden));
  EXPECT_NEAR(reported.translation.z() - 0.4, bound, 1e-6);
  EXPECT_LT(bound, 0.005);
}

TEST(OcclusionHold, ARunSeenWholeAfterAnOcclusionStartsTheVelocityAgain) {
  // Moving, hidden for a while, then seen whole at a place the old velocity
  // does not explain (it stopped under the occluder): the velocity comes
  // from the new run only, so a single frame seen whole gives none.
  OcclusionHold hold;
  for (int f = 0; f < 5; ++f) hold.record(pose_at({0.01 * f, 0, 1}), 0.0);
  hold.record(pose_at({0.05, 0, 1}), 0.5);
  hold.record(pose_at({0.06, 0, 1}), 0.5);
  const CentredPose seen = pose_at({0.3, 0, 1});
  hold.record(seen, 0.0);
  const CentredPose measured = pose_at({0.4, 0, 1});
  const std::optional<CentredPose> out = hold.hold(measured, 0.5);
  ASSERT_TRUE(out);
  EXPECT_NEAR(out->translation.x(), 0.3 + share(0.5) * 0.1, 1e-12);
  // A lost track clears it.
  hold.clear();
  EXPECT_FALSE(hold.hold(measured, 0.5));
}

TEST(OcclusionHold, OnlyAClearlyBetterTextureOverrulesIt) {
  const double gain = hold_defaults::kYieldTextureGain;
  EXPECT_TRUE(texture_overrules_hold(0.3 + 1.5 * gain, 0.3));
  EXPECT_FALSE(texture_overrules_hold(0.3 + 0.5 * gain, 0.3));
  EXPECT_FALSE(texture_overrules_hold(0.3, 0.3 + 1.5 * gain));
  // Unmeasured (too little texture to tell) on either side: the hold stands.
  EXPECT_FALSE(texture_overrules_hold(std::nullopt, 0.0));
  EXPECT_FALSE(texture_overrules_hold(0.9, std::nullopt));
}

struct Drift {
  double max_mm = 0, max_deg = 0;        // over every frame
  double hidden_max_deg = 0;             // over the frames the mug covers (545 on)
  int held = 0;                          // frames reported held
  std::vector<FrameResult> frames;       // 500-600 as reported
};

inline constexpr int kFirst = 500, kLast = 600;

// The cube clip opened at frame kFirst.
std::unique_ptr<io::FrameSource> cube_frames_from_500(test::RealCube& cube) {
  io::Frame frame;
  for (int f = 0; f < kFirst; ++f) EXPECT_EQ(cube.frames->next(frame), io::FrameStatus::ok);
  return std::move(cube.frames);
}

RigidPose given_at_500() { return io::read_pose((test::kCubeDir / "pose_frame500.json").string()); }

TrackerOptions cube_options(bool hold) {
  TrackerOptions options = test::first_frame_options();
  options.hold_occluded = hold;
  return options;
}

// As `track` runs (recovery on), recovery's budget in renders: the same
// outcome on any machine.
TrackerOptions recovering_options() {
  TrackerOptions options = test::first_frame_options();
  options.recover = true;
  options.recovery_budget_renders = 60;
  return options;
}

// The real cube, still from frame 416 to 650, tracked over frames 500-600
// from its given pose at 500 as `track --init-pose` does (no masks, 2
// threads, no recovery): the mug passes in front from frame 545 and covers
// up to a third of it. Drift from the given pose.
Drift real_cube_500_600(bool hold) {
  test::RealCube cube;
  const RigidPose given = given_at_500();
  const std::unique_ptr<io::FrameSource> frames = cube_frames_from_500(cube);
  RigidTracker tracker(cube.model, cube.camera, cube_options(hold));
  Drift d;
  io::Frame frame;
  for (int f = kFirst; f <= kLast; ++f) {
    EXPECT_EQ(frames->next(frame), io::FrameStatus::ok);
    const FrameResult r = f == kFirst ? tracker.initialize(frame.view(), given) : tracker.track(frame.view());
    const double mm = 1000 * translation_error(r.pose, given), deg = rotation_error_deg(r.pose, given);
    d.max_mm = std::max(d.max_mm, mm);
    d.max_deg = std::max(d.max_deg, deg);
    if (f >= 545) d.hidden_max_deg = std::max(d.hidden_max_deg, deg);
    d.held += r.held;
    d.frames.push_back(r);
  }
  return d;
}

// A tracker with `options` that replays `run` (frames from kFirst, as
// reported, started from `initial`) up to `resume_at` and tracks the rest
// gives the same poses and held flags, bit for bit (--resume).
void expect_resumes_exactly(const TrackerOptions& options, const std::vector<FrameResult>& run, int resume_at,
                            const RigidPose& initial = given_at_500()) {
  test::RealCube cube;
  const std::unique_ptr<io::FrameSource> frames = cube_frames_from_500(cube);
  RigidTracker resumed(cube.model, cube.camera, options);
  io::Frame frame;
  for (int f = kFirst; f < kFirst + static_cast<int>(run.size()); ++f) {
    ASSERT_EQ(frames->next(frame), io::FrameStatus::ok);
    const FrameResult& was = run[static_cast<std::size_t>(f - kFirst)];
    if (f < resume_at) {
      resumed.replay(frame.view(), initial, was.pose, was.status);
      continue;
    }
    const FrameResult r = resumed.track(frame.view());
    EXPECT_EQ(r.pose.translation, was.pose.translation) << "frame " << f;
    EXPECT_TRUE(r.pose.rotation.coeffs() == was.pose.rotation.coeffs()) << "frame " << f;
    EXPECT_EQ(r.held, was.held) << "frame " << f;
    EXPECT_EQ(r.hold_yielded, was.hold_yielded) << "frame " << f;
  }
}

// Measured: held 6.3 mm, 7.3° (frame 517, before the mug, as it passes
// behind the cube; 3.2° under it); without the hold 101 mm and 27°. (With
// the colour correction's gain fitted by least squares: 8.8 mm, 5.1° at
// frame 508, and 27.8 mm, 14.0° without the hold.)
TEST(OcclusionHoldRealCube, TheMugPassingInFrontDoesNotDragTheStillCube) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  const Drift held = real_cube_500_600(true);
  EXPECT_LT(held.max_mm, 10.0);
  EXPECT_LT(held.hidden_max_deg, 4.0);
  EXPECT_LT(held.max_deg, 8.0);
  const Drift free = real_cube_500_600(false);
  EXPECT_GT(free.max_mm, 15.0) << "the mug no longer drags the cube without the hold: the test shows nothing";
  EXPECT_GT(held.held, 20);
  EXPECT_EQ(free.held, 0);
  // Held, the frames under the mug are tracking (the issue's bar: 90 %);
  // before VerdictRules::max_hidden_held, 58 of 101.
  const auto tracking = std::count_if(held.frames.begin(), held.frames.end(),
                                      [](const FrameResult& r) { return r.status == TrackStatus::tracking; });
  EXPECT_GE(tracking, 91);
  std::printf("max drift held %.1f mm %.2f deg (%.2f under the mug, %d frames held, %d tracking), unheld %.1f mm "
              "%.2f deg\n",
              held.max_mm, held.max_deg, held.hidden_max_deg, held.held, static_cast<int>(tracking), free.max_mm,
              free.max_deg);

  // --resume: a tracker that replays the reported frames up to 570 (the mug
  // over the cube, frames held) continues exactly as the run did, the hold's
  // state (its anchor, velocity and frames since) rebuilt from the poses.
  expect_resumes_exactly(cube_options(true), held.frames, 570);
}

// The cube turned behind the mug: still from 416 on, it is turned by about
// 60° about its vertical axis over frames 690-745 while the mug hides a
// fifth to a third of it (the turn seen in `track --overlay`: its left face
// comes into view). The hold keeps a partly hidden frame toward the last pose
// seen whole, the still cube's; the visible part's texture agrees better
// with the optimiser's turned pose, and the hold yields to it
// (TrackerOptions::hold_yields_to_texture). Held regardless (the option
// off), frames 690-720 stayed within 3° of frame 690's pose, and recovery
// then put the cube 90-100° off (726-738) until the texture features found it
// at 744, 46° from 690 (where the yielding run also is). With the option
// (2 threads): 26.4° at 720, 34.0° at 732, 45.5° at 744, rising steadily.
inline constexpr int kTurnFrom = 690, kTurnChecked = 720, kTurnTo = 744;
// The turn from frame 690's pose over frames 720-744: between these.
inline constexpr double kMinTurnDeg = 20, kMaxTurnDeg = 60;

TEST(OcclusionHoldRealCube, TheCubeTurnedBehindTheMugIsFollowed) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  test::RealCube cube;
  const std::unique_ptr<io::FrameSource> frames = cube_frames_from_500(cube);
  const TrackerOptions options = recovering_options();
  RigidTracker tracker(cube.model, cube.camera, options);
  io::Frame frame;
  RigidPose before_turn;
  std::vector<FrameResult> run;
  int yielded = 0;  // over the turn
  for (int f = kFirst; f <= kTurnTo; ++f) {
    ASSERT_EQ(frames->next(frame), io::FrameStatus::ok);
    const FrameResult r = f == kFirst ? tracker.initialize(frame.view(), given_at_500()) : tracker.track(frame.view());
    run.push_back(r);
    EXPECT_NE(r.status, TrackStatus::lost) << "frame " << f;
    EXPECT_FALSE(r.held && r.hold_yielded) << "frame " << f;
    if (f > kTurnFrom) yielded += r.hold_yielded;
    if (f == kTurnFrom) before_turn = r.pose;
    if (f < kTurnChecked) continue;
    const double turn = rotation_error_deg(r.pose, before_turn);
    EXPECT_GT(turn, kMinTurnDeg) << "frame " << f;
    EXPECT_LT(turn, kMaxTurnDeg) << "frame " << f;
    std::printf("frame %d turned %.1f deg from frame %d\n", f, turn, kTurnFrom);
  }
  // The turn is followed because the hold yielded (FrameResult::hold_yielded, run.json's count).
  std::printf("the hold yielded on %d frames after %d\n", yielded, kTurnFrom);
  EXPECT_GT(yielded, 0);

  // --resume through frames where the hold yielded: the reported poses are
  // all a resumed run needs to go on exactly as this one did.
  expect_resumes_exactly(options, run, kTurnChecked);
}

// A start 2 cm / 15° off at frame 500 (the given pose turned and moved;
// numpy seed 15 of the 32 starts in BENCHMARKS.md): the pose settles on the
// still cube over the first forty frames, turning about half a degree a
// frame, steadily enough to pass for the cube's spin over the ten frames
// seen whole before the mug arrives (545). Extrapolated, that spin turned
// the hold's reference 10-19° by 560-575: the hold yielded to the
// optimiser's pose dragged by the mug (6.5° at 552), then held toward the
// turned reference, and the pose ended 6-21° and 2-8 cm off over 571-600.
// The frames show the cube still, so the settling is no velocity.
inline constexpr int kSettledFrom = 540, kSettledTo = 580;
inline constexpr char kStartOff15[] =
    R"({"rotation_wxyz": [-0.024687993476881224, -0.002614982833110793, 0.046147253727291844, 0.9986261041131943],)"
    R"( "translation": [0.05645508340071332, 0.030761691209690502, 0.4380832398907747]})";

TEST(OcclusionHoldRealCube, AStartSettlingBeforeTheMugIsNoVelocity) {
  if (!std::filesystem::is_directory(test::kCubeDir)) GTEST_SKIP() << test::kCubeDir << " is absent";
  test::RealCube cube;
  const std::unique_ptr<io::FrameSource> frames = cube_frames_from_500(cube);
  const TrackerOptions options = recovering_options();
  RigidTracker tracker(cube.model, cube.camera, options);
  // Read as `track --init-pose` reads it.
  const RigidPose given = given_at_500(), start = io::read_pose(test::write_file("start_off15.json", kStartOff15));
  io::Frame frame;
  double max_deg = 0, max_mm = 0;
  std::vector<FrameResult> run;
  for (int f = kFirst; f <= kSettledTo; ++f) {
    ASSERT_EQ(frames->next(frame), io::FrameStatus::ok);
    const FrameResult r = f == kFirst ? tracker.initialize(frame.view(), start) : tracker.track(frame.view());
    run.push_back(r);
    if (f < kSettledFrom) continue;
    EXPECT_EQ(r.status, TrackStatus::tracking) << "frame " << f;
    max_deg = std::max(max_deg, rotation_error_deg(r.pose, given));
    max_mm = std::max(max_mm, 1000 * translation_error(r.pose, given));
  }
  std::printf("frames %d-%d from the start 15 deg off: max %.2f deg, %.1f mm from the given pose\n", kSettledFrom,
              kSettledTo, max_deg, max_mm);
  EXPECT_LT(max_deg, 5.0);
  EXPECT_LT(max_mm, 20.0);

  // --resume under the mug: the replayed frames measure the image's
  // stillness again as the run did.
  expect_resumes_exactly(options, run, 560, start);
}

}  // namespace
}  // namespace splattrack
